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


#: Qt strings that the French catalogue shipped with PySide6 6.11 lacks: the file dialog's
#: « Look in » and « Files of type » gained an accelerator (&) and lost their translation.
QT_COMPLEMENT: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "&Regarder dans\u00a0:",
    ("QFileDialog", "Files of &type:"): "&Types de fichiers\u00a0:",
    ("QAbstractFileIconProvider", "Drive"): "Lecteur",
    ("QAbstractFileIconProvider", "Folder"): "Dossier",
    ("QMimeType", "TOML document"): "document TOML",  # clause files; the system has no French
}


class QtComplement(QTranslator):
    """The few Qt strings `qtbase_fr` does not translate; asked only when it has nothing."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        # None is Qt's null string: « not here, ask the next catalogue » ("" would blank it)
        return QT_COMPLEMENT.get((context, source))

    def isEmpty(self) -> bool:
        return False


def qt_translations_dir() -> Path:
    """Where the PySide6 wheel keeps Qt's catalogues (`qtbase_fr.qm`)."""
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install_qt_french(app: QApplication) -> list[QTranslator]:
    """Load Qt's own French catalogue so that its buttons and dialogs speak French."""
    QLocale.setDefault(QLocale("fr_FR"))
    complement = QtComplement(app)
    app.installTranslator(complement)  # installed first: asked after Qt's own catalogues
    translators: list[QTranslator] = [complement]
    folder = str(qt_translations_dir())
    for name in ("qtbase_fr", "qt_fr"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            translators.append(translator)
    return translators
