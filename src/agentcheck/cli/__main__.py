"""`python -m agentcheck.cli`, as tests and scripts run the command."""

import sys

from agentcheck.cli import main

sys.exit(main())
