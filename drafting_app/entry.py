"""The `clausier` entry point: opens the app without loading the headless core first."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """No argument: the desktop app (its window shows before the core loads); else the CLI."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        from drafting_app.ui.app import run

        return run(sys.argv[:1])
    from drafting_app.cli.main import main as cli_main

    return cli_main(arguments)


if __name__ == "__main__":
    sys.exit(main())
