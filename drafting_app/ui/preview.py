"""The preview panel: the piece being drafted as readable rich text, refreshed as you type."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from drafting_app.dossier.model import DossierKind
from drafting_app.ui.analysis import Analysis
from drafting_app.ui.i18n import Tr
from drafting_app.wording.library import Library
from drafting_app.wording.markup import french_typography

PREVIEW_CSS = """
body { font-family: 'Carlito', 'Calibri', 'Liberation Sans', sans-serif; }
h1 { color: #1f3864; font-size: x-large; }
h3 { color: #1f3864; }
h4 { color: #1f3864; }
"""


class PreviewPanel(QWidget):
    """Shows one piece of the dossier; `piece_changed` when the user picks another."""

    piece_changed = Signal()

    def __init__(self, library: Library, kind: DossierKind, tr: Tr,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = tr
        self._ = tr
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        label = QLabel(_("Pièce :"))
        self.pieces = QComboBox()
        self.pieces.setAccessibleName(_("Pièce prévisualisée"))
        label.setBuddy(self.pieces)
        for skeleton in library.documents_for(kind):
            self.pieces.addItem(french_typography(skeleton.meta.title), skeleton.id)
        preferred = {DossierKind.TENDER: "ccap", DossierKind.ANNUAL_CONVENTION: "convention",
                     DossierKind.CPO: "cpo"}[kind]
        self.pieces.setCurrentIndex(max(0, self.pieces.findData(preferred)))
        top.addWidget(label)
        top.addWidget(self.pieces, 1)
        layout.addLayout(top)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName(_("Aperçu du document"))
        self.browser.document().setDefaultStyleSheet(PREVIEW_CSS)
        self.browser.setOpenLinks(False)
        layout.addWidget(self.browser, 1)
        self.status = QLabel(_("Préparation de l’aperçu…"))
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #4a4a4a;")
        layout.addWidget(self.status)
        self.pieces.currentIndexChanged.connect(lambda _index: self.piece_changed.emit())

    def piece(self) -> str:
        """The id of the piece shown."""
        data = self.pieces.currentData()
        return data if isinstance(data, str) else ""

    def show_analysis(self, analysis: Analysis) -> None:
        """Show the new rendering, keeping the reader's place in the text."""
        _ = self._
        if analysis.piece != self.piece():
            return
        bar = self.browser.verticalScrollBar()
        position = bar.value()
        self.browser.setHtml(analysis.preview_html)
        bar.setValue(min(position, bar.maximum()))
        now = dt.datetime.now().strftime("%H:%M:%S")
        if not analysis.preview_ok:
            self.status.setText(_("Aperçu indisponible pour l’instant."))
        elif analysis.dossier is None:
            self.status.setText(_("Aperçu provisoire (mis à jour à {time}) : les champs à "
                                  "compléter apparaissent entre crochets.").format(time=now))
        else:
            self.status.setText(_("Aperçu à jour ({time}).").format(time=now))
