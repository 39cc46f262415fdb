"""French everywhere: Qt's own buttons, the gettext catalogue, references that exist."""

from __future__ import annotations

import gettext
from importlib import metadata
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeView,
)

from drafting_app.ui.dialogs import UnsavedChangesDialog
from drafting_app.ui.field_specs import field_texts
from drafting_app.ui.i18n import (
    install_qt_french,
    locale_dir,
    qt_translations_dir,
    ui_translation,
)
from drafting_app.wording.library import Library

UI = Path(__file__).resolve().parents[2] / "drafting_app" / "ui"


def test_qt_dialogs_speak_french() -> None:
    dialog = UnsavedChangesDialog(None, "Cantines", lambda s: s)
    texts = sorted(b.text().replace("&", "") for b in dialog.buttons())
    assert texts == ["Annuler", "Enregistrer", "Ne pas enregistrer"]
    box = QMessageBox()
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    assert sorted(b.text().replace("&", "") for b in box.buttons()) == ["Non", "Oui"]


def test_the_catalogue_template_is_up_to_date_and_compiled() -> None:
    in_code = {message for _file, _line, message, _comments, _context in
               extract_from_dir(str(UI), keywords={"_": None}, comment_tags=())}
    with (locale_dir() / "clausier.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert in_code - template == set(), "lancez pybabel extract (drafting_app/locale/README.md)"
    assert template - in_code == set(), "lancez pybabel extract (drafting_app/locale/README.md)"
    assert (locale_dir() / "fr" / "LC_MESSAGES" / "clausier.mo").is_file()
    assert isinstance(ui_translation(), gettext.GNUTranslations)


def test_field_help_cites_only_references_of_the_references_file(library: Library) -> None:
    assert library.references is not None
    unknown = []
    for pattern, text in field_texts(lambda s: s).items():
        for reference_text, article in text.refs:
            if library.references.status_of(reference_text, article) is None:
                unknown.append(f"{pattern} : {reference_text} {article}")
    assert unknown == []


def test_the_pyside6_wheel_we_depend_on_ships_qtbase_fr() -> None:
    """The French catalogue comes with the wheel pyproject.toml declares, not the system."""
    import PySide6

    qm = Path(PySide6.__file__).resolve().parent / "Qt" / "translations" / "qtbase_fr.qm"
    assert qm.is_file() and qm.stat().st_size > 100_000
    assert qt_translations_dir().resolve() == qm.parent
    declared = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text("utf-8")
    assert "pyside6-essentials" in declared.lower()
    shipped = [str(f) for f in metadata.files("pyside6-essentials") or []]
    assert any(f.endswith("translations/qtbase_fr.qm") for f in shipped)


def test_qt_file_dialog_speaks_french(qapp: QApplication) -> None:
    """Qt's own file dialog (the one Clausier opens on Linux): « Regarder dans », in French."""
    installed = install_qt_french(qapp)
    assert any(t.filePath().endswith("qtbase_fr.qm") for t in installed)
    dialog = QFileDialog(None, "Ouvrir un dossier")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    labels = {label.text().replace("&", "").replace("\u00a0", " ")
              for label in dialog.findChildren(QLabel) if label.text()}
    assert {"Regarder dans :", "Nom de fichier :", "Types de fichiers :"} <= labels
    buttons = {b.text().replace("&", "") for b in dialog.findChildren(QPushButton) if b.text()}
    assert {"Ouvrir", "Annuler"} <= buttons
    tree = dialog.findChild(QTreeView)
    assert tree is not None
    model = tree.model()
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert headers[:4] == ["Nom", "Taille", "Type", "Dernière modification"]
    for installed_translator in installed:
        qapp.removeTranslator(installed_translator)
    install_qt_french(qapp)  # as the session fixture left it


def test_qt_strings_asked_by_the_file_dialog_are_all_french(qapp: QApplication,
                                                            tmp_path: Path) -> None:
    """Every label, button and tooltip Qt asks for in a file dialog gets a French answer."""
    asked: list[tuple[str, str]] = []

    class Spy(QTranslator):
        def translate(self, context: str, source: str, disambiguation: str | None = None,
                      n: int = -1) -> str | None:  # type: ignore[override]
            asked.append((context, source))
            return None  # Qt's null string: ask the next catalogue

    spy = Spy()
    qapp.installTranslator(spy)
    try:
        for mode in (QFileDialog.AcceptMode.AcceptOpen, QFileDialog.AcceptMode.AcceptSave):
            dialog = QFileDialog(None, "x", str(tmp_path))
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
            dialog.setAcceptMode(mode)
            dialog.show()
            qapp.processEvents()
            dialog.close()
    finally:
        qapp.removeTranslator(spy)
    english = []
    for context, source in dict.fromkeys(asked):
        if (source.strip() in ("", "OK", "Type") or source.startswith(("Alt+", "Show "))
                or context == "QShortcut"):
            continue  # the same in French, a key name, or a fragment Qt completes itself
        french = QCoreApplication.translate(context, source)
        if french == source or not french.strip():
            english.append(f"{context}: {source} → « {french} »")
    assert english == [], english
