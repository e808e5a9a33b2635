"""`python -m esgdesk`: the command line."""

import sys

from esgdesk.application.cli import main

sys.exit(main())
