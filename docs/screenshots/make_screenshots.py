"""Take the README's screenshots offscreen, at 100 % and at 150 % scaling.

Run from the repository root: `.venv/bin/python docs/screenshots/make_screenshots.py`.
Each scale runs in its own process (QT_SCALE_FACTOR is read when Qt starts).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCALED = {"accueil", "marche_lots", "marche_clauses", "marche_documents",
          "convention_financement", "marche_attribution"}


def shoot(scale: str) -> None:
    """Open the screens one by one and save each window as a PNG."""
    from PySide6.QtCore import QEventLoop, QTimer  # noqa: TID251 (a UI tool)
    from PySide6.QtWidgets import QApplication, QWidget  # noqa: TID251 (a UI tool)

    app = QApplication(sys.argv)
    from drafting_app.ui.app import build_window, install_qt_french
    from drafting_app.ui.dialogs import RecoveryDialog, UnsavedChangesDialog
    from drafting_app.ui.user_data import Recovered

    install_qt_french(app)
    suffix = "" if scale == "1" else "_150"
    work = Path(tempfile.mkdtemp(prefix="clausier-shots-"))
    window = build_window(data_dir=work / "donnees")
    window.offer_recovery_on_ready = False
    window.open_url = lambda _url: True
    window.show()
    # a 1366×768 laptop at 100 %; a 1920×1080 screen at 150 % leaves 1280×720 logical pixels
    window.resize(*((1366, 768) if scale == "1" else (1280, 720)))

    def save(widget: QWidget, name: str) -> None:
        if scale != "1" and name not in SCALED:
            return
        # the event loop runs a moment, as in the app: deferred layouts (wrapped labels,
        # heights for widths) settle; processEvents alone left gaps in the forms
        loop = QEventLoop()
        QTimer.singleShot(400, loop.quit)
        loop.exec()
        widget.grab().save(str(HERE / f"{name}{suffix}.png"))
        print(HERE / f"{name}{suffix}.png")

    save(window, "accueil")

    # a tender typed from scratch: the first step, with the findings panel
    window.new_dossier("marche_public")
    editor = window.editor
    assert editor is not None
    for dotted, value in (("title", "Restauration scolaire 2027"),
                          ("buyer.name", "Commune de Val-d’Essai"),
                          ("buyer.siret", "2149000730")):
        found = editor.editor_at(dotted)
        assert found is not None
        found.set_value(value)
        found.edited.emit()
    editor.touched.add(("buyer", "siret"))
    editor.wait_analysis()
    save(window, "marche_acheteur")
    window.dirty = False

    # the example tender: lots with the preview, clauses, criteria, documents
    window.request_open(ROOT / "examples" / "marche_espaces_verts.json", as_copy=True)
    editor = window.editor
    assert editor is not None and editor.clause_step is not None
    editor.side.setCurrentWidget(editor.preview)
    editor.go_to(2)
    editor.wait_analysis()
    save(window, "marche_lots")
    editor.go_to(3)
    editor.clause_step.browser.search.setText("insertion")
    editor.clause_step.browser.select_clause("insertion-condition-execution")
    editor.side.setCurrentWidget(editor.findings)
    editor.wait_analysis()
    save(window, "marche_clauses")
    editor.go_to(4)
    save(window, "marche_criteres")
    editor.go_to(len(editor.steps) - 1)
    panel = editor.generate_panel
    panel.folder.setText(str(work / "documents"))
    panel.generate()
    window.worker.wait_idle(120_000)
    save(window, "marche_documents")
    window.dirty = False

    # the same tender once notified: two lots awarded, the second to two co-holders
    window.request_open(ROOT / "examples" / "marche_espaces_verts.json", as_copy=True)
    editor = window.editor
    assert editor is not None
    fill_tender_award(editor)
    editor.wait_analysis()
    scroll = editor.scrolls[editor.current_step()]
    form = editor.forms[editor.current_step()]
    assert scroll is not None and form is not None
    box = next(box for path, box, _inner in form.blocks if path == ("award", "lots"))
    scroll.verticalScrollBar().setValue(box.mapTo(scroll.widget(), box.rect().topLeft()).y())
    save(window, "marche_attribution")
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    save(window, "marche_execution")
    window.dirty = False

    # a subsidy: the money step
    window.request_open(ROOT / "examples" / "convention_tiers_lieu.json", as_copy=True)
    editor = window.editor
    assert editor is not None
    editor.go_to(3)
    editor.side.setCurrentWidget(editor.preview)
    editor.wait_analysis()
    save(window, "convention_financement")
    # and, once signed, its payments and evaluation
    fill_convention_award(editor)
    editor.side.setCurrentWidget(editor.findings)
    editor.wait_analysis()
    save(window, "convention_versements")
    window.dirty = False

    # the settings: clause folders and the reviewer's name
    from drafting_app.ui.dialogs import SettingsDialog
    from drafting_app.ui.settings import Settings

    settings = SettingsDialog(window, Settings(organisation_dir=Path("/mnt/partage/Clauses"),
                                               reviewer="Marie Dupont"), lambda s: s)
    settings.show()
    save(settings, "parametres")
    settings.close()

    # the clause library on its own
    window.go_home()
    window.show_library()
    assert window.library_browser is not None
    window.library_browser.search.setText("equitable")
    save(window, "bibliotheque")

    # the legal review screen, on a copy of the library
    review = review_screen(window, work)
    save(review, "relecture")
    review.close()

    # the two questions Clausier asks about files
    import datetime as dt

    recovery = RecoveryDialog(window, Recovered(work / "x.json", None, "Cantines 2027",
                                                dt.datetime(2026, 11, 23, 14, 2), {}),
                              lambda s: s)
    recovery.show()
    save(recovery, "recuperation")
    recovery.close()
    unsaved = UnsavedChangesDialog(window, "Restauration scolaire 2027", lambda s: s)
    unsaved.show()
    save(unsaved, "modifications")
    unsaved.close()
    window.worker.wait_idle()
    window.autosave.close()


def typed(editor: Any, value: Any) -> None:
    """Put a value in an editor as if typed (the form records it)."""
    editor.set_value(value)
    editor.edited.emit()


def award_step(editor: Any) -> int:
    """Show the award step of a dossier editor; its index."""
    index = next(i for i, step in enumerate(editor.steps) if step.key == "award")
    editor.go_to(index)
    return index


def fill_tender_award(editor: Any) -> None:
    """Notified on 15/03/2027: lot 1 to an SIAE, lot 2 to an ESAT and an SME, a first year."""
    award_step(editor)
    for dotted, value in (("award.notification_date", "2027-03-15"),
                          ("award.service", "Direction des espaces verts"),
                          ("award.price_kind", "unitaire")):
        typed(editor.editor_at(dotted), value)
    lots = editor.table_at("award.lots")
    for row, (amount, offers, holders, grouping) in enumerate((
            ("118500.00", 4, [("Jardins de Loire", "41234567800012", "siae", None)], None),
            ("45000.00", 2, [("ESAT du Val de Layon", "77889900100011", "esat", "15000.00"),
                             ("Paysages Martin", "51234567800027", "pme", "30000.00")],
             "solidaire"))):
        lots.add_row()
        typed(lots.cells[row][1], amount)
        typed(lots.cells[row][2], offers)
        lots.focus_cell(row, 0)
        table = lots.detail_form.blocks[0][2]
        for index, (name, siret, kind, share) in enumerate(holders):
            table.add_row()
            for column, value in enumerate((name, siret, kind, share)):
                if value is not None:
                    typed(table.cells[index][column], value)
        if grouping is not None:
            typed(lots.detail_form.editor_at(("award", "lots", row, "grouping")), grouping)
        typed(lots.detail_form.editor_at(("award", "lots", row, "subcontracting_declared")),
              False)
    years = editor.table_at("award.execution")
    years.add_row()
    for column, value in ((1, "52300.50"), (2, "812.5")):
        typed(years.cells[0][column], value)
    years.add_row()
    typed(years.cells[1][2], "1020")
    lots.focus_cell(1, 0)
    lots.table.setFocus()


def fill_convention_award(editor: Any) -> None:
    """Signed and notified on 20/01/2027: two payments made, the evaluation written."""
    award_step(editor)
    typed(editor.editor_at("award.notification_date"), "2027-01-20")
    typed(editor.editor_at("award.service"), "Mission ESS")
    payments = editor.table_at("award.payments")
    for row, values in enumerate((("2027-02-05", "12000.00", "Avance de 60 %"),
                                  ("2027-09-30", "8000.00", "Solde après le compte rendu"))):
        payments.add_row()
        for column, value in enumerate(values):
            typed(payments.cells[row][column], value)
    typed(editor.editor_at("award.evaluation"),
          "Objectifs atteints : 42 ateliers de réparation, 310 participants, deux emplois "
          "aidés pérennisés. Le comité de pilotage du 12 décembre 2027 propose de reconduire "
          "le soutien.")


def review_screen(parent: Any, work: Path) -> Any:
    """The review screen on a copy of the library: a category validated, one clause refused."""
    import datetime as dt
    import shutil

    from drafting_app.review.clause_files import read_clause_files
    from drafting_app.review.versions import save_edit
    from drafting_app.ui.review_screen import ReviewScreen

    library = work / "bibliotheque"
    shutil.copytree(ROOT / "clause_library", library)
    now = dt.datetime(2026, 12, 1, 10, 30)
    screen = ReviewScreen(lambda s: s, library, now=lambda: now, parent=parent)
    screen.resize(1280, 800)
    screen.show()
    screen.select_filters("marches-reserves")
    screen.reviewer.setText("Marie Dupont")
    screen.comment.setPlainText("Relu avec la direction des affaires juridiques")
    screen.validate_listed(ask=False)
    opened = read_clause_files(library / "clauses" / "lot-reserve-siae")
    save_edit(opened, "Paul Martin", now, text=opened.text.replace(
        "En application de l'article", "Conformément à l'article", 1))
    screen.reload()
    screen.select_clause("lot-reserve-siae")
    screen.tabs.setCurrentIndex(1)
    return screen


def main() -> int:
    """Shoot at both scales, each in a fresh process."""
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        shoot(os.environ.get("QT_SCALE_FACTOR", "1"))
        return 0
    for scale in ("1", "1.5"):
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": scale}
        subprocess.run([sys.executable, __file__, "--child"], env=env, cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
