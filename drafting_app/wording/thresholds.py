"""Dated thresholds for templates: `seuil(id)` is the value in force for the dossier rendered."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from drafting_app.dossier.model import Dossier
from drafting_app.files.problems import Problem

if TYPE_CHECKING:
    from drafting_app.checks.legal_data import LegalData


class DatedData:
    """The library's dated legal data, read on first use; `library check` reports its problems."""

    def __init__(self, library_root: Path) -> None:
        self.library_root = library_root
        self._loaded: tuple[LegalData, list[Problem]] | None = None

    def __call__(self) -> LegalData:
        """The data, read once."""
        return self.with_problems()[0]

    def with_problems(self) -> tuple[LegalData, list[Problem]]:
        """The data and the problems of its file, read once (the commands and the pieces share
        one reading)."""
        if self._loaded is None:
            # imported here: the checks package itself imports the renderer
            from drafting_app.checks.legal_data import load_legal_data

            self._loaded = load_legal_data(self.library_root)
        return self._loaded[0], list(self._loaded[1])


def threshold_reader(
    legal: Callable[[], LegalData], dossier: Dossier
) -> Callable[[str], Decimal | None]:
    """`seuil("avance_seuil_montant")`: the value in force on the dossier's date, for its buyer
    and kind of contract, or None when the data has none; the data is read on first call."""

    def seuil(threshold_id: str) -> Decimal | None:
        from drafting_app.checks.legal_data import THRESHOLD_IDS

        if threshold_id not in THRESHOLD_IDS:
            raise ValueError(f"seuil « {threshold_id} » inconnu des données juridiques "
                             f"(identifiants : {', '.join(sorted(THRESHOLD_IDS))})")
        buyer = dossier.buyer
        if dossier.tender is not None:
            day, kind = dossier.tender.launch_date, dossier.tender.contract_kind
        else:
            assert dossier.subsidy is not None
            day, kind = dossier.subsidy.start_date, None
        found = legal().threshold(threshold_id, day, kind, buyer.kind,
                                  buyer.operating_expenditure_over_60m)
        return None if found is None else found.value

    return seuil


_TRAILING_LINKS = frozenset({"par", "pour", "de", "des", "du", "aux", "au", "à", "la", "le",
                             "les", "l’", "l'", "et", "ou"})


def threshold_labels(legal: LegalData) -> dict[str, tuple[str, str]]:
    """Each threshold id with a label that holds for all its entries, and its unit.

    Entries of one id may differ by buyer (« … par l’État », « … par les collectivités… »): the
    prose then names what they share (« taux minimal de l’avance versée aux PME »).
    """
    grouped: dict[str, list[tuple[str, str]]] = {}
    for item in sorted(legal.thresholds, key=lambda t: t.start):
        grouped.setdefault(item.id, []).append((item.label, item.unit))
    labels: dict[str, tuple[str, str]] = {}
    for threshold_id, entries in grouped.items():
        words = [label.split() for label, _ in entries]
        common: list[str] = []
        for column in zip(*words, strict=False):
            if any(word != column[0] for word in column):
                break
            common.append(column[0])
        while len(words) > 1 and common and common[-1].lower() in _TRAILING_LINKS:
            common.pop()
        labels[threshold_id] = (" ".join(common) or entries[-1][0], entries[-1][1])
    return labels


def threshold_labels_of(library_root: Path) -> dict[str, tuple[str, str]]:
    """The threshold labels of a library's dated data (`library check` reports its problems)."""
    return threshold_labels(DatedData(library_root)())
