"""Pinned prompts of the second reader, one module per version (`TEXT`)."""
