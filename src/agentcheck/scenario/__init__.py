"""The simulated task: the scenario model and its loader, the safe expression language, the World a
trial runs in, the scripted user and the reference player. Imports core and speech only."""
