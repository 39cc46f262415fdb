"""Qt calls that return nothing must not drop references to None.

PySide6 6.12.0 on Python 3.11 loses one reference to None on each such call; after enough
edits None's count reaches zero and the app dies with « Fatal Python error: none_dealloc ».
pyproject.toml keeps PySide6 below 6.12 on Python 3.11; this test fails on any PySide6 that
has the bug (on Python 3.12 and later None is immortal and its count never moves).
"""

from __future__ import annotations

import gc
import sys

import PySide6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

CALLS = 5_000


def test_thousands_of_qt_calls_keep_none_alive(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    line = QLineEdit(host)
    label = QLabel(host)
    combo = QComboBox(host)
    combo.addItems(["a", "b", "c"])
    box = QCheckBox(host)
    timer = QTimer(host)
    gc.collect()
    before = sys.getrefcount(None)
    for number in range(CALLS):  # each of these returns None
        line.setText(str(number))
        label.setToolTip("aide")
        combo.setCurrentIndex(number % 3)
        box.setChecked(bool(number % 2))
        host.setEnabled(True)
        timer.setInterval(number)
        QObject.setObjectName(host, "hôte")
        if number % 50 == 49:  # checked often: with the bug None dies within a few thousand
            lost = before - sys.getrefcount(None)
            assert lost < 100, (
                f"{lost} références à None perdues en {(number + 1) * 7} appels Qt "
                f"(PySide6 {PySide6.__version__}, Python {sys.version.split()[0]})")
    gc.collect()
    assert before - sys.getrefcount(None) < 100
