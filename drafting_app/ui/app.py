"""Start the desktop application: build the library and settings, then show the main window."""

from __future__ import annotations

import gettext
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from drafting_app.library import load_library
from drafting_app.paths import shipped_library
from drafting_app.render import Formats, Renderer, make_environment
from drafting_app.ui.main_window import MainWindow


def install_qt_french(app: QApplication) -> list[QTranslator]:
    """Load Qt's own French catalogue so that its buttons and dialogs speak French."""
    QLocale.setDefault(QLocale("fr_FR"))
    translators = []
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_fr", "qt_fr"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            translators.append(translator)
    return translators


def ui_translation() -> gettext.NullTranslations:
    """The catalogue of Clausier's own interface strings (French source strings)."""
    locale_dir = Path(__file__).resolve().parent.parent / "locale"
    return gettext.translation("clausier", locale_dir, languages=["fr"], fallback=True)


def build_window(library_dir: Path | None = None) -> MainWindow:
    """The main window over a library (the shipped one by default)."""
    formats = Formats()
    env = make_environment(formats)
    library, problems = load_library(library_dir or shipped_library(), env)
    return MainWindow(Renderer(library, env), problems, ui_translation().gettext)


def run(argv: Sequence[str]) -> int:
    """Run the application until its window closes."""
    app = QApplication.instance() or QApplication(list(argv))
    assert isinstance(app, QApplication)
    app.setApplicationName("Clausier")
    app.setOrganizationName("Clausier")
    install_qt_french(app)
    window = build_window()
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(run(sys.argv))
