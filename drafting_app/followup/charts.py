"""The report's charts as PNG images (matplotlib, Agg backend, imported only when drawing)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from drafting_app.wording.render import Formats

SOCIAL_COLOUR = "#c05a1f"
ENVIRONMENT_COLOUR = "#3a7d44"
PLANNED_COLOUR = "#9bb7d4"
DONE_COLOUR = "#1f4e79"
KIND_COLOUR = "#5b6f8a"


@dataclass(frozen=True)
class Chart:
    """A chart ready for the report: its title and PNG bytes."""

    title: str
    png: bytes


def _pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend (no display, no Qt), imported on first use."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9,
                         "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=150)
    _pyplot().close(figure)
    return buffer.getvalue()


def _formatter(function: Any) -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _position: function(value))


def _label_bars(axes: Any, bars: Any, text: Any) -> None:
    for bar in bars:
        height = bar.get_height()
        if height:
            axes.annotate(text(height), (bar.get_x() + bar.get_width() / 2, height),
                          ha="center", va="bottom", fontsize=7, xytext=(0, 2),
                          textcoords="offset points")


def shares_by_year(rows: Sequence[tuple[int, Decimal | None, Decimal | None]],
                   formats: Formats) -> Chart:
    """Share of notified contracts with a social / environmental consideration, per year."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 3.0))
    years = [str(year) for year, _s, _e in rows]
    positions = range(len(rows))
    social = [float(s) if s is not None else 0.0 for _y, s, _e in rows]
    environment = [float(e) if e is not None else 0.0 for _y, _s, e in rows]
    width = 0.38
    percent = (lambda v: formats.percent(Decimal(str(round(v, 1)))))  # noqa: E731
    bars = axes.bar([p - width / 2 for p in positions], social, width, color=SOCIAL_COLOUR,
                    label="considération sociale")
    _label_bars(axes, bars, percent)
    bars = axes.bar([p + width / 2 for p in positions], environment, width,
                    color=ENVIRONMENT_COLOUR, label="considération environnementale")
    _label_bars(axes, bars, percent)
    axes.set_xticks(list(positions), years)
    axes.set_ylim(0, 110)
    axes.yaxis.set_major_formatter(_formatter(lambda v: formats.percent(Decimal(int(v)))))
    axes.set_ylabel("part des marchés notifiés")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, ncols=2,
                fontsize=8)
    return Chart("Part des marchés notifiés avec une considération sociale ou "
                 "environnementale, par année de notification", _png(figure))


def hours_by_year(rows: Sequence[tuple[int, Decimal | None, Decimal | None]],
                  formats: Formats) -> Chart:
    """Insertion hours planned and done, per year."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 3.0))
    positions = range(len(rows))
    planned = [float(p) if p is not None else 0.0 for _y, p, _d in rows]
    done = [float(d) if d is not None else 0.0 for _y, _p, d in rows]
    width = 0.38
    number = (lambda v: formats.number(Decimal(int(v))))  # noqa: E731
    bars = axes.bar([p - width / 2 for p in positions], planned, width, color=PLANNED_COLOUR,
                    label="heures prévues")
    _label_bars(axes, bars, number)
    bars = axes.bar([p + width / 2 for p in positions], done, width, color=DONE_COLOUR,
                    label="heures réalisées")
    _label_bars(axes, bars, number)
    axes.set_xticks(list(positions), [str(year) for year, _p, _d in rows])
    axes.yaxis.set_major_formatter(_formatter(number))
    axes.set_ylabel("heures d’insertion")
    top = max([*planned, *done, 1.0])
    axes.set_ylim(0, top * 1.2)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, ncols=2,
                fontsize=8)
    return Chart("Heures d’insertion prévues et réalisées, par année", _png(figure))


def amounts_by_kind(rows: Sequence[tuple[str, Decimal]], formats: Formats, year_label: str,
                    ) -> Chart:
    """Amounts awarded by kind of holder (horizontal bars)."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 0.45 * max(len(rows), 3) + 0.8))
    labels = [label for label, _a in rows][::-1]
    values = [float(amount) for _l, amount in rows][::-1]
    bars = axes.barh(labels, values, color=KIND_COLOUR)
    top = max([*values, 1.0])
    for bar, value in zip(bars, values, strict=True):
        axes.annotate(formats.money(Decimal(str(round(value)))),
                      (bar.get_width(), bar.get_y() + bar.get_height() / 2), va="center",
                      xytext=(3, 0), textcoords="offset points", fontsize=7)
    axes.set_xlim(0, top * 1.35)
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(4))
    millions = top >= 2_000_000
    axes.xaxis.set_major_formatter(_formatter(
        lambda v: formats.number(Decimal(str(v)) / 1_000_000, 1) + "\u00a0M€" if millions
        else formats.number(Decimal(int(v)) / 1000, 0) + "\u00a0k€"))
    axes.set_xlabel("montant attribué HT")
    return Chart(f"Montants attribués par type de titulaire ({year_label})", _png(figure))
