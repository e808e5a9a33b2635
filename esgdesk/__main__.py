"""`python -m esgdesk`: the command line."""

import sys

from esgdesk.cli import main

sys.exit(main())
