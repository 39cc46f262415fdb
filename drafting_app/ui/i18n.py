"""Interface language: Clausier's own strings through gettext, Qt's dialogs in French."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

Tr = Callable[[str], str]
DOMAIN = "clausier"


def locale_dir() -> Path:
    """The folder of the compiled catalogues (drafting_app/locale)."""
    return Path(__file__).resolve().parent.parent / "locale"


def ui_translation(language: str = "fr") -> gettext.NullTranslations:
    """The catalogue of Clausier's interface strings (the source strings are French)."""
    return gettext.translation(DOMAIN, locale_dir(), languages=[language], fallback=True)


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
