"""Run by test_scaling in a fresh process (QT_SCALE_FACTOR is read when Qt starts): open every
screen at a logical size and print, as JSON, what does not fit."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QScrollArea, QWidget

ROOT = Path(__file__).resolve().parents[2]


def clipped(root: QWidget, where: str) -> list[str]:
    """Visible buttons and one-line labels narrower than their text, scroll areas too narrow."""
    problems = []
    for button in root.findChildren(QAbstractButton):
        if button.isVisible() and button.text() and button.width() < button.sizeHint().width() - 1:
            problems.append(f"{where} : bouton « {button.text()} » tronqué")
    for label in root.findChildren(QLabel):
        if (label.isVisible() and label.text() and not label.wordWrap()
                and label.width() < label.sizeHint().width() - 1):
            problems.append(f"{where} : libellé « {label.text()[:40]} » tronqué")
    for area in root.findChildren(QScrollArea):
        inner = area.widget()
        if area.isVisible() and inner is not None and \
                inner.minimumSizeHint().width() > area.viewport().width() + 1:
            problems.append(f"{where} : défilement horizontal nécessaire")
    return problems


def main() -> int:
    """Visit the screens; print the problems found."""
    width, height = int(sys.argv[1]), int(sys.argv[2])
    app = QApplication(sys.argv[:1])
    from drafting_app.ui.app import build_window, install_qt_french

    install_qt_french(app)
    window = build_window(data_dir=Path(tempfile.mkdtemp()) / "donnees")
    window.offer_recovery_on_ready = False
    window.show()
    window.resize(width, height)
    app.processEvents()
    problems = clipped(window, "accueil")
    for example in ("marche_espaces_verts.json", "convention_tiers_lieu.json"):
        window.dirty = False
        window.request_open(ROOT / "examples" / example, as_copy=True)
        editor = window.editor
        assert editor is not None
        nav = editor.nav
        for row in range(nav.count()):
            text = nav.item(row).text()
            needed = nav.fontMetrics().horizontalAdvance(text) + nav.iconSize().width() + 8
            if nav.viewport().width() < needed:
                problems.append(f"{example} : étape « {text} » tronquée")
        for index, step in enumerate(editor.steps):
            editor.go_to(index)
            editor.wait_analysis()
            app.processEvents()
            problems.extend(clipped(editor.stack.currentWidget(), f"{example}, {step.title}"))
    window.dirty = False
    window.worker.wait_idle()
    window.autosave.close()
    print(json.dumps(problems, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
