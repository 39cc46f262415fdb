"""Render clauses and document skeletons: sandboxed Jinja2, French filters, markup to blocks.

The module stays whole: the functions templates call (clauses, standard clauses, derogations…)
close over one rendering's value table, dossier and lot, and splitting them from the renderer
would only pass that state around.
"""

from __future__ import annotations

import datetime as dt
import marshal
import re
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import StrictUndefined, TemplateError, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from drafting_app.documents.blocks import Block, Document, DocumentInfo
from drafting_app.documents.facts import Facts, resolve_facts
from drafting_app.dossier.model import ChosenClause, Dossier, Lot
from drafting_app.dossier.vocabulary import label_of
from drafting_app.files.problems import Problem
from drafting_app.wording.french_numbers import french_words
from drafting_app.wording.library import Clause, Library, Skeleton
from drafting_app.wording.markup import (
    MAX_HEADING_LEVEL,
    VALUE_CLOSE,
    VALUE_OPEN,
    french_typography,
    parse_markup,
    value_token,
)
from drafting_app.wording.model import VALUE_LIMIT, DocumentMeta, Piece
from drafting_app.wording.sandbox import LimitedEnvironment
from drafting_app.wording.sandbox import explain as _explain
from drafting_app.wording.templates import prepare_source
from drafting_app.wording.thresholds import DatedData, threshold_reader
from drafting_app.wording.values import (
    as_decimal,
    coerce_values,
    insertion_hours,
    with_dossier_defaults,
)

VALUES_KEY = "__clausier_values"
DOCUMENT_FILE = "document.toml"


class MarkupText(str):
    """Text that is already markup (a rendered clause): written as is, never escaped."""

    __slots__ = ()


class RenderError(Exception):
    """A clause or a skeleton could not be rendered; carries every problem, and the id of the
    clause at fault when a clause failed (inside a piece too)."""

    def __init__(self, problems: list[Problem], clause_id: str | None = None) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.clause_id = clause_id


# --------------------------------------------------------------------------- French formatting


@dataclass(frozen=True)
class Formats:
    """Number, money, date and word formatting for one document locale."""

    locale: str = "fr_FR"

    def number(self, value: Any, decimals: int | None = None) -> str:
        """`12 500` or `12 500,50` (narrow no-break space between thousands)."""
        amount = as_decimal(value)
        if decimals is None:
            return str(format_decimal(amount, locale=self.locale))
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return str(format_decimal(amount, format=pattern, locale=self.locale))

    def money(self, value: Any) -> str:
        """`12 500,00 €`."""
        return str(format_currency(as_decimal(value), "EUR", locale=self.locale))

    def euros(self, value: Any) -> str:
        """A threshold in whole euros, as legal texts write it: `50 000 €` (cents only if any)."""
        amount = as_decimal(value)
        decimals = 0 if amount == amount.to_integral_value() else 2
        return f"{self.number(amount, decimals)}\u00a0€"

    def percent(self, value: Any) -> str:
        """A percentage given in percent (5 → `5 %`, 5.5 → `5,5 %`)."""
        ratio = as_decimal(value) / 100
        return str(format_percent(ratio, format="#,##0.##\u00a0%", locale=self.locale))

    def date_long(self, value: Any) -> str:
        """`23 novembre 2026`, and `1er janvier 2026` for the first of a month."""
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        text = str(format_date(day, "d MMMM y", locale=self.locale))
        if day.day == 1 and self.locale.startswith("fr"):
            text = "1er" + text[1:]
        return text

    def time(self, value: Any) -> str:
        """The time of a date and time, as French documents write it: `12 h 00`."""
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        return f"{moment.hour}\u00a0h\u00a0{moment.minute:02d}"

    @staticmethod
    def lower_first(value: Any) -> str:
        """The text with a lower-case first letter, for a title inside a sentence."""
        text = str(value)
        return text[:1].lower() + text[1:]

    def date_short(self, value: Any) -> str:
        """`23/11/2026`."""
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return str(format_date(day, "dd/MM/y", locale=self.locale))

    def words(self, value: Any) -> str:
        """A whole number in words: `huit cent trente-trois`.

        French is written here (`french_words`, num2words' spelling without its import cost);
        another locale asks num2words itself.
        """
        number = as_decimal(value)
        if abs(number) > VALUE_LIMIT:
            raise ValueError("nombre trop grand pour être écrit en lettres")
        if self.locale.startswith("fr"):
            return french_words(int(number))
        from num2words import num2words  # heavy import: only for a locale other than French

        return str(num2words(int(number), lang=self.locale.split("_")[0]))

    def amount_in_words(self, value: Any) -> str:
        """An amount in euros in words, as French contracts write it.

        `douze mille cinq cents euros`, `un million d’euros`, `un euro et cinquante centimes`.
        """
        amount = as_decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        euros = int(amount)
        cents = int((amount - euros) * 100)
        text = self.words(euros)
        if euros and re.search(r"(millions?|milliards?|billions?|billiards?)$", text):
            text += " d’euros"
        else:
            text += " euro" if euros in (0, 1) else " euros"
        if cents:
            text += f" et {self.words(cents)} centime" + ("s" if cents > 1 else "")
        return text


# --------------------------------------------------------------------------- environment


def make_environment(formats: Formats) -> SandboxedEnvironment:
    """The one Jinja environment: sandboxed, undefined names are errors, values protected."""

    @pass_context
    def finalize(context: Context, value: Any) -> str:
        if isinstance(value, MarkupText):
            return str(value)
        table: list[str] = context[VALUES_KEY]
        table.append(_display(value, formats))
        return value_token(len(table) - 1)

    env = LimitedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=False,  # see prepare_source
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=finalize,
    )
    env.filters.update(
        {
            "money": formats.money,
            "euros": formats.euros,
            "number": formats.number,
            "percent": formats.percent,
            "date_long": formats.date_long,
            "date_short": formats.date_short,
            "time": formats.time,
            "lower_first": formats.lower_first,
            "words": formats.words,
            "amount_in_words": formats.amount_in_words,
            "label": label_of,
        }
    )
    env.globals["insertion_hours"] = insertion_hours
    env.guard_filters()
    return env


def _display(value: Any, formats: Formats) -> str:
    """How a bare `{{ value }}` prints: French numbers and dates, labels for choices."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Enum):
        return label_of(value)
    if isinstance(value, Decimal | int):
        return formats.number(value)
    if isinstance(value, dt.date):
        return formats.date_long(value)
    return str(value)


# --------------------------------------------------------------------------- renderer


class Renderer:
    """Renders the library's clauses and skeletons for dossiers; templates compiled once."""

    def __init__(self, library: Library, env: SandboxedEnvironment) -> None:
        self.library = library
        self.env = env
        self._compiled: dict[Path, tuple[str, Any]] = {}
        self.legal_data = DatedData(library.root)  # the dated thresholds `seuil(id)` reads
        self._facts: tuple[Dossier, Facts] | None = None
        # the pieces rendered for the last dossier: `check` renders them all before `generate`
        # writes them, and the dossier is immutable
        self._pieces: tuple[Dossier, dict[tuple[int, int | None], tuple[Skeleton, Document]]] \
            | None = None

    def facts(self, dossier: Dossier) -> Facts:
        """The facts every piece of `dossier` prints (resolved once per dossier)."""
        if self._facts is None or self._facts[0] is not dossier:
            # imported here: the checks package itself imports the renderer
            from drafting_app.checks.tender import condition_categories, social_condition_due

            filters = self.env.filters
            legal = self.legal_data()
            self._facts = (dossier, resolve_facts(
                self.library, dossier, filters["money"], filters["number"],
                condition_categories(legal), social_condition_due(legal, dossier),
                threshold_reader(self.legal_data, dossier)))
        return self._facts[1]

    def _context(self, dossier: Dossier) -> dict[str, Any]:
        context = _dossier_context(dossier)
        context["facts"] = self.facts(dossier)
        return context


    def _template(self, item: Clause | Skeleton) -> Any:
        path = item.text_path
        known = self._compiled.get(path)
        if known is not None and known[0] == item.text:
            return known[1]
        if isinstance(item.code, bytes):  # from the library's cache
            code = marshal.loads(item.code)
        elif item.code is not None:  # compiled when the library checked it: no second parse
            code = compile(item.code, str(path), "exec")
        else:
            code = self.env.compile(prepare_source(item.text), name=path.name,
                                    filename=str(path))
        template = self.env.template_class.from_code(self.env, code, self.env.globals, None)
        self._compiled[path] = (item.text, template)
        return template

    def _run_source(self, path: Path, source: str, context: dict[str, Any]) -> str:
        """Render a template that is not a clause's or skeleton's wording (a piece's cover)."""
        known = self._compiled.get(path)
        if known is None or known[0] != source:
            code = self.env.compile(prepare_source(source), name=path.name, filename=str(path))
            known = (source, self.env.template_class.from_code(self.env, code, self.env.globals,
                                                               None))
            self._compiled[path] = known
        return self._render(known[1], path, context)

    def _run(self, item: Clause | Skeleton, context: dict[str, Any]) -> str:
        return self._render(self._template(item), item.text_path, context)

    def _render(self, template: Any, path: Path, context: dict[str, Any]) -> str:
        try:
            return str(template.render(context))
        except RenderError:
            raise
        except (TemplateError, TypeError, ValueError, ArithmeticError, KeyError) as exc:
            raise RenderError([Problem(path, _template_line(exc, path), _explain(exc))]) from exc

    def clause_context(
        self, clause: Clause, dossier: Dossier, chosen: ChosenClause
    ) -> tuple[dict[str, Any], list[Problem]]:
        """The values a clause sees: the dossier and its own checked values."""
        raw = with_dossier_defaults(clause.meta.variables, chosen.values, dossier)
        values, value_problems = coerce_values(clause.meta.variables, raw)
        position = next((i for i, c in enumerate(dossier.clauses) if c.id == chosen.id), None)
        where = "" if position is None else f"clauses[{position}].values."
        # the value comes from the dossier (or a sample): it is named there, not in clause.toml
        problems = [
            Problem(Path("dossier"), None,
                    f"« {where}{p.name} » (clause « {clause.id} ») : {p.message}")
            for p in value_problems
        ]
        context = self._context(dossier)
        context["lots"] = _clause_lots(dossier, chosen)
        context["seuil"] = threshold_reader(self.legal_data, dossier)
        context.update(values)
        return context, problems

    def clause_markup(
        self, clause: Clause, dossier: Dossier, chosen: ChosenClause, table: list[str]
    ) -> str:
        """A clause rendered to markup; its values go to `table`."""
        context, problems = self.clause_context(clause, dossier, chosen)
        if problems:
            raise RenderError(problems, clause.id)
        context[VALUES_KEY] = table
        try:
            return self._run(clause, context)
        except RenderError as exc:
            exc.clause_id = exc.clause_id or clause.id
            raise

    def render_clause(
        self, clause: Clause, dossier: Dossier, chosen: ChosenClause | None = None
    ) -> tuple[Block, ...]:
        """One clause as a document shows it: its title as an article, its headings below."""
        chosen = chosen or ChosenClause(
            id=clause.id, values=dict(clause.sample_values), lots=clause.sample_lots
        )
        table: list[str] = []
        markup = placed_markup(clause, self.clause_markup(clause, dossier, chosen, table), 1)
        return _parse(markup, table, clause.text_path)

    def render_document(
        self, skeleton: Skeleton, dossier: Dossier, lot: Lot | None = None
    ) -> Document:
        """A whole piece for a dossier, chosen clauses in their places (for one lot, if given);
        rendered once per dossier object."""
        if self._pieces is None or self._pieces[0] is not dossier:
            self._pieces = (dossier, {})
        key = (id(skeleton), None if lot is None else lot.number)
        known = self._pieces[1].get(key)
        if known is not None and known[0] is skeleton:
            return known[1]
        document = self._render_document(skeleton, dossier, lot)
        self._pieces[1][key] = (skeleton, document)
        return document

    def _render_document(self, skeleton: Skeleton, dossier: Dossier, lot: Lot | None) -> Document:
        self.applies(skeleton, dossier)  # a wrong condition is reported even when rendering
        table: list[str] = []
        context = self._context(dossier)
        context.update(self._functions(dossier, table, lot))
        context["document"] = skeleton.meta
        context[VALUES_KEY] = table
        markup = self._run(skeleton, context)
        blocks = _parse(markup, table, skeleton.text_path)
        info = document_info(skeleton, dossier, lot)
        if skeleton.meta.cover.strip():
            lines = self._cover_lines(skeleton, context)
            if lines:
                info = replace(info, subtitle="\n".join((info.subtitle, *lines)))
        return Document(info, blocks)

    def _cover_lines(self, skeleton: Skeleton, context: dict[str, Any]) -> list[str]:
        """The cover lines of a piece: its `cover` template, values written as they print."""
        table: list[str] = []
        context = {**context, VALUES_KEY: table}
        path = skeleton.folder / DOCUMENT_FILE
        text = self._run_source(path, skeleton.meta.cover, context)
        text = re.sub(f"{VALUE_OPEN}(\\d+){VALUE_CLOSE}", lambda m: table[int(m.group(1))],
                      french_typography(text))
        return [line.strip() for line in text.splitlines() if line.strip()]

    def applies(self, skeleton: Skeleton, dossier: Dossier) -> bool:
        """Whether the piece exists for this dossier (its `when` condition, if any)."""
        condition = skeleton.meta.when.strip()
        if not condition:
            return True
        path = skeleton.folder / DOCUMENT_FILE
        try:
            expression = self.env.compile_expression(condition, undefined_to_none=False)
        except TemplateError as exc:
            raise RenderError([Problem(path, _when_line(path), "condition « when » "
                                       f"incorrecte : {_explain(exc)}")]) from exc
        context = self._context(dossier)
        functions = self._functions(dossier, [], None)
        for name in ("pieces", "has_piece"):  # a condition cannot depend on other pieces
            del functions[name]
        context.update(functions)
        try:
            return bool(expression(**context))
        except (TemplateError, TypeError, ValueError, ArithmeticError, KeyError) as exc:
            raise RenderError([Problem(path, _when_line(path), "condition « when » "
                                       f"incorrecte : {_explain(exc)}")]) from exc

    def documents(self, dossier: Dossier) -> list[tuple[Skeleton, Lot | None]]:
        """The pieces a dossier produces, in order: one per lot for per-lot pieces.

        A tender with a single lot is not divided into lots: its per-lot pieces are written once.
        """
        out: list[tuple[Skeleton, Lot | None]] = []
        skeletons = sorted(
            self.library.documents_for(dossier.kind), key=lambda s: (s.meta.order, s.id)
        )
        lots = sorted(dossier.tender.lots, key=lambda lot: lot.number) if dossier.tender else []
        for skeleton in skeletons:
            if not self.applies(skeleton, dossier):
                continue
            if skeleton.meta.per_lot and len(lots) > 1:
                out.extend((skeleton, lot) for lot in lots)
            else:
                out.append((skeleton, None))
        return out

    def _functions(
        self, dossier: Dossier, table: list[str], lot: Lot | None = None
    ) -> dict[str, Callable[..., Any]]:
        def for_this_lot(choice: ChosenClause) -> ChosenClause | None:
            """The choice as it applies to the lot being written, or None if it does not."""
            if lot is None:
                return choice
            if choice.lots and lot.number not in choice.lots:
                return None
            return choice.model_copy(update={"lots": (lot.number,)})

        def placed(piece: str, part: str) -> list[tuple[Clause, ChosenClause]]:
            wanted = Piece(piece)
            found = []
            for choice in dossier.clauses:
                clause = self.library.clause(choice.id)
                applied = for_this_lot(choice)
                if clause is not None and applied is not None and any(
                    p.piece is wanted and p.part == part for p in clause.meta.placements
                ):
                    found.append((clause, applied))
            return found

        def also_in(clause: Clause, other: str) -> bool:
            return bool(other) and any(p.piece.value == other for p in clause.meta.placements)

        def clauses(piece: str, part: str, level: int = 1, except_in: str = "") -> MarkupText:
            """The clauses placed here; with `except_in`, not those that piece also prints."""
            chunks = []
            for clause, choice in placed(piece, part):
                if also_in(clause, except_in):
                    continue
                body = self.clause_markup(clause, dossier, choice, table)
                scope = "" if lot is not None else lot_scope(dossier, choice)
                chunks.append(placed_markup(clause, body, level, scope).strip("\n"))
            return MarkupText("\n\n".join(chunks) + ("\n" if chunks else ""))

        def has_clauses(piece: str, part: str) -> bool:
            return bool(placed(piece, part))

        def clauses_also_in(piece: str, part: str, other: str) -> list[PlacedTitle]:
            """The clauses placed here that `other` prints in full: their titles and scope."""
            return [
                PlacedTitle(french_typography(clause.meta.title),
                            "" if lot is not None else lot_scope(dossier, choice))
                for clause, choice in placed(piece, part) if also_in(clause, other)
            ]

        def standard_clause(clause_id: str, level: int = 1) -> MarkupText:
            """A library clause the skeleton always prints: the buyer's values if chosen."""
            clause = self.library.clause(clause_id)
            if clause is None:
                raise RenderError([Problem(self.library.root, None,
                                           f"clause « {clause_id} » absente de la bibliothèque")])
            choice = next((c for c in dossier.clauses if c.id == clause_id), None)
            applied = for_this_lot(choice or ChosenClause(id=clause_id))
            if applied is None:
                return MarkupText("")
            body = self.clause_markup(clause, dossier, applied, table)
            scope = "" if lot is not None else lot_scope(dossier, applied)
            text = placed_markup(clause, body, level, scope).strip("\n")
            return MarkupText(text + "\n\n" if text else "")

        def has_clause(clause_id: str) -> bool:
            return any(
                c.id == clause_id and for_this_lot(c) is not None for c in dossier.clauses
            )

        def chosen_clause_ids() -> list[str]:
            return [c.id for c in dossier.clauses if for_this_lot(c) is not None]

        def derogations() -> list[Derogation]:
            """Every derogation to the CCAG that a chosen clause makes, with that clause."""
            found: list[Derogation] = []
            for choice in dossier.clauses:
                clause = self.library.clause(choice.id)
                if clause is not None:
                    found.extend(
                        Derogation(french_typography(clause.meta.title), french_typography(d))
                        for d in clause.meta.derogates
                    )
            return found

        def current_lot() -> Lot | None:
            return lot

        def pieces() -> list[PieceInfo]:
            """The pieces this dossier produces, each once (a per-lot piece too), in order."""
            seen: list[PieceInfo] = []
            for skeleton, _ in self.documents(dossier):
                info = PieceInfo.of(skeleton.meta)
                if info not in seen:
                    seen.append(info)
            return seen

        def has_piece(piece: str) -> bool:
            wanted = Piece(piece).value
            return any(info.piece == wanted for info in pieces())

        def subsidy_years() -> list[SubsidyYear]:
            return subsidy_schedule(dossier)

        def subsidy_total() -> Decimal:
            return sum((year.amount for year in subsidy_schedule(dossier)), Decimal(0))

        return {
            "clauses": clauses,
            "has_clauses": has_clauses,
            "standard_clause": standard_clause,
            "clauses_also_in": clauses_also_in,
            "has_clause": has_clause,
            "chosen_clause_ids": chosen_clause_ids,
            "derogations": derogations,
            "current_lot": current_lot,
            "pieces": pieces,
            "has_piece": has_piece,
            "subsidy_years": subsidy_years,
            "subsidy_total": subsidy_total,
            "seuil": threshold_reader(self.legal_data, dossier),
        }


@dataclass(frozen=True)
class PieceInfo:
    """A piece as other pieces name it: its kind, titles (French typography) and lot mode."""

    piece: str
    title: str
    short_title: str
    per_lot: bool

    @classmethod
    def of(cls, meta: DocumentMeta) -> PieceInfo:
        """The piece described by a skeleton's metadata."""
        return cls(meta.piece.value, french_typography(meta.title),
                   french_typography(meta.short_title), meta.per_lot)


@dataclass(frozen=True)
class PlacedTitle:
    """A clause as another piece refers to it: its title and the lots it binds."""

    title: str
    scope: str


@dataclass(frozen=True)
class Derogation:
    """A derogation to the CCAG, and the title of the clause (article) that makes it."""

    clause: str
    text: str


@dataclass(frozen=True)
class SubsidyYear:
    """One year of a convention: its number, first and last day, and the amount granted."""

    number: int
    start: dt.date
    end: dt.date
    amount: Decimal


def subsidy_schedule(dossier: Dossier) -> list[SubsidyYear]:
    """Each year a subsidy covers with its amount: `yearly_amounts` if given, else the annual."""
    subsidy = dossier.subsidy
    if subsidy is None:
        return []
    years = []
    start = subsidy.start_date
    for number in range(1, subsidy.duration_years + 1):
        following = _add_years(subsidy.start_date, number)
        amounts = subsidy.yearly_amounts
        amount = amounts[number - 1] if number <= len(amounts) else subsidy.annual_amount
        years.append(SubsidyYear(number, start, following - dt.timedelta(days=1), amount))
        start = following
    return years


def _add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def placed_markup(clause: Clause, body: str, level: int, scope: str = "") -> str:
    """A clause's markup placed at a heading level: its title (and scope), headings shifted."""
    if not level:
        return body
    # a clause placed as a sub-article keeps its deepest headings at the deepest level
    shifted = re.sub(
        r"^(#+)", lambda m: "#" * min(len(m.group(1)) + level, MAX_HEADING_LEVEL), body, flags=re.M
    )
    return f"{'#' * level} {clause.meta.title}{scope}\n\n{shifted}"


def lot_scope(dossier: Dossier, choice: ChosenClause) -> str:
    """` – lot n° 2` after the title of a clause chosen for some lots only, else nothing.

    In a piece common to every lot (RC, CCAP, CCTP), the title then says which lots the
    article binds, so that a condition chosen for one lot is not read as binding them all.
    """
    tender = dossier.tender
    if tender is None or len(tender.lots) < 2 or not choice.lots:
        return ""
    numbers = sorted({n for n in choice.lots if any(lot.number == n for lot in tender.lots)})
    if not numbers or len(numbers) == len(tender.lots):
        return ""
    if len(numbers) == 1:
        return f" – lot n° {numbers[0]}"
    listed = ", ".join(str(n) for n in numbers[:-1]) + f" et {numbers[-1]}"
    return f" – lots n° {listed}"


def document_info(skeleton: Skeleton, dossier: Dossier, lot: Lot | None = None) -> DocumentInfo:
    """Title page, header, footer and properties of a piece for a dossier (and a lot)."""
    if dossier.tender is not None:
        subtitle = dossier.tender.object
    else:
        assert dossier.subsidy is not None
        subtitle = dossier.subsidy.project_title
    title = french_typography(skeleton.meta.title)
    short_title = french_typography(skeleton.meta.short_title)
    if lot is not None:
        lot_label = f"Lot n°\u00a0{lot.number}"
        title = f"{title} – {lot_label}"
        short_title = f"{short_title} – {lot_label}"
        subtitle = f"{subtitle}\n{lot_label}\u00a0: {lot.title}"
    return DocumentInfo(
        title=title,
        subject=f"{short_title} – {subtitle}".replace("\n", " – "),
        author=dossier.buyer.name,
        reference=dossier.reference,
        buyer=dossier.buyer.name,
        subtitle=subtitle,
        keywords=(short_title, dossier.reference),
    )


def _dossier_context(dossier: Dossier) -> dict[str, Any]:
    return {
        "dossier": dossier,
        "buyer": dossier.buyer,
        "tender": dossier.tender,
        "subsidy": dossier.subsidy,
    }


def _clause_lots(dossier: Dossier, chosen: ChosenClause) -> Sequence[Lot]:
    if dossier.tender is None:
        return ()
    if not chosen.lots:
        return dossier.tender.lots
    return tuple(lot for lot in dossier.tender.lots if lot.number in chosen.lots)


def _parse(markup: str, table: list[str], path: Path) -> tuple[Block, ...]:
    blocks, problems = parse_markup(markup, table)
    if problems:
        raise RenderError(
            [Problem(path, None, f"rendu, ligne {p.line} : {p.message}") for p in problems]
        )
    return blocks


def _when_line(path: Path) -> int | None:
    """The line of the `when` key in a document.toml, for messages."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return next((n for n, line in enumerate(lines, 1) if line.lstrip().startswith("when")), None)


def _template_line(exc: BaseException, path: Path) -> int | None:
    line: int | None = getattr(exc, "lineno", None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == str(path):
            line = frame.lineno
    return line
