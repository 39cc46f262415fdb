"""Readable at 125 % and 150 %: on common office screens nothing is cut off or needs sideways
scrolling (each scale in its own process: Qt reads QT_SCALE_FACTOR when it starts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("scale", "width", "height"), [
    ("1.25", 1093, 614),  # a 1366×768 laptop at 125 %
    ("1.5", 1280, 720),  # a 1920×1080 screen at 150 %
])
def test_every_screen_fits_at_scale(scale: str, width: int, height: int) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": scale}
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "ui" / "scaling_probe.py"), str(width),
         str(height)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=180,
        check=True)
    problems = json.loads(result.stdout.strip().splitlines()[-1])
    assert problems == []
