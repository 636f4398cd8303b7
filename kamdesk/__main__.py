"""``python -m kamdesk`` runs the command line."""

import sys

from kamdesk.cli import main

sys.exit(main())
