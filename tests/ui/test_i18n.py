"""French everywhere: Qt's own buttons, the gettext catalogue, references that exist."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from PySide6.QtWidgets import QMessageBox

from drafting_app.ui.dialogs import UnsavedChangesDialog
from drafting_app.ui.field_specs import field_texts
from drafting_app.ui.i18n import locale_dir, ui_translation
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
