"""`python -m esgdesk`: the command line (and `--version`)."""

import sys

from esgdesk.application.cli import main
from esgdesk.application.version import version_text

if sys.argv[1:] == ["--version"]:
    print(version_text())
    sys.exit(0)
sys.exit(main())
