"""`python -m drafting_app.cli`: the headless commands."""

import sys

from drafting_app.cli.main import main

sys.exit(main())
