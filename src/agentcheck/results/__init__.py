"""The results contract: the run folder's files and the typed records written to it. Imports core
only, so reports read results without importing the code that produced them."""
