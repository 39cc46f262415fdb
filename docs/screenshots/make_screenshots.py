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
          "convention_financement"}


def shoot(scale: str) -> None:
    """Open the screens one by one and save each window as a PNG."""
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
        for _ in range(3):
            app.processEvents()
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

    # a subsidy: the money step
    window.request_open(ROOT / "examples" / "convention_tiers_lieu.json", as_copy=True)
    editor = window.editor
    assert editor is not None
    editor.go_to(3)
    editor.side.setCurrentWidget(editor.preview)
    editor.wait_analysis()
    save(window, "convention_financement")
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
