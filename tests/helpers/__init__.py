"""What tests share that is not a fake vendor: where things are (`paths`), the CLI in a subprocess
(`cli`), driving one protocol driver the way the runner does (`driving`), a reference player that
answers in any protocol's history (`brains`), a scripted Session for judging tests (`scripted`),
headless Chromium for the report tests (`browser`), and the shape of a JSON value (`shape`).

Test modules import from here and from tests/fakes/, never from one another
(tests/test_test_layout.py checks it).
"""
