"""Red team: vendors built to game agentcheck's verdict, each with the verdict it deserves.

`vendors.py` serves them (one loopback Chat Completions server, the request's model picks the
vendor), `library_run.py` runs them all over the whole scenario library through the real CLI,
`trials.py` reads the recorded trials, `test_verdicts.py` holds the table of deserved verdicts
and `test_behaviour.py` proves, from the recorded trials, that each vendor really behaved as
designed. README.md lists them.
"""
