"""Startup time of the desktop app: process start to main window shown, median of several runs.

Each run starts a fresh Python process on the offscreen platform, through the real entry point
(`clausier` without arguments, i.e. `drafting_app.entry.main([])`) and through the UI's own
`run()`, and reports when the window was shown and when the clause library and the heavy
modules of the Word writer (python-docx, lxml) were ready behind it.

    .venv/bin/python bench/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
HEAVY = ("docx", "lxml", "drafting_app.documents.docx")
from pathlib import Path
import drafting_app.ui.user_data as files
files.default_data_dir = lambda: Path(sys.argv[1])  # keep the user's own folder untouched
import drafting_app.ui.main_window as main_window
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

marks = {}
show = main_window.MainWindow.show

def shown(window):
    show(window)
    marks["shown"] = time.time()

    def poll():
        if window.core is None:
            QTimer.singleShot(5, poll)
            return
        marks["ready"] = time.time()
        marks["heavy_loaded"] = all(m in sys.modules for m in HEAVY)
        window.autosave.close()
        QApplication.quit()

    QTimer.singleShot(0, poll)

main_window.MainWindow.show = shown
if sys.argv[2] == "cli":
    from drafting_app.entry import main
    main([])
else:
    from drafting_app.ui.app import run
    run(["clausier"])
print(json.dumps(marks))
"""


def one_run(entry: str) -> dict[str, float]:
    """Start the app once; seconds from process start to shown and to ready."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    with tempfile.TemporaryDirectory() as data_dir:
        start = time.time()
        result = subprocess.run([sys.executable, "-c", CHILD, data_dir, entry], capture_output=True,
                                text=True, cwd=ROOT, env=env, timeout=120, check=True)
    marks = json.loads(result.stdout.strip().splitlines()[-1])
    if not marks.get("heavy_loaded"):
        raise SystemExit("python-docx et lxml n’ont pas été chargés après l’affichage")
    return {"shown": marks["shown"] - start, "ready": marks["ready"] - start}


def main() -> int:
    """Run the benchmark and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for entry, title in (("cli", "commande clausier (drafting_app.entry.main)"),
                         ("ui", "interface seule (drafting_app.ui.app.run)")):
        one_run(entry)  # warm the file cache and the .pyc files
        runs = [one_run(entry) for _ in range(args.runs)]
        print(title)
        for key, label in (("shown", "fenêtre affichée"),
                           ("ready", "bibliothèque et modules lourds prêts")):
            values = sorted(run[key] for run in runs)
            print(f"  {label} : médiane {statistics.median(values) * 1000:.0f} ms (min "
                  f"{values[0] * 1000:.0f}, max {values[-1] * 1000:.0f}, {len(values)} essais)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
