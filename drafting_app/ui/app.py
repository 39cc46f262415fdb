"""Start the desktop application: translations, the main window shown, then the core loaded."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

from drafting_app.ui.i18n import install_qt_french, ui_translation
from drafting_app.ui.main_window import MainWindow
from drafting_app.ui.user_data import default_data_dir

__all__ = ["build_window", "install_qt_french", "run", "ui_translation"]


def build_window(
    library_dir: Path | None = None,
    data_dir: Path | None = None,
    examples_dir: Path | None = None,
    load_now: bool = True,
) -> MainWindow:
    """The main window; with `load_now` the core is loaded before returning (tests, scripts)."""
    window = MainWindow(ui_translation().gettext, data_dir or default_data_dir(),
                        library_dir=library_dir, examples_dir=examples_dir)
    if load_now:
        window.load_now()
    return window


def run(argv: Sequence[str]) -> int:
    """Run the application until its window closes."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv))
    app.setApplicationName("Clausier")
    app.setOrganizationName("Clausier")
    install_qt_french(app)
    window = build_window(load_now=False)
    window.show()
    window.start_loading()
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv))
