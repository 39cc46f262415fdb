"""The dossier editor: the guided form in steps, with the findings and the preview beside it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from drafting_app.checks import Severity
from drafting_app.dossier.model import Dossier, DossierKind, Reservation
from drafting_app.ui.analysis import Analysis, analyse
from drafting_app.ui.clause_browser import ClauseBrowser
from drafting_app.ui.core import Core
from drafting_app.ui.draft import (
    DraftHolder,
    DraftProblem,
    FieldPath,
    clone,
    get_in,
    parse_path,
    validate_draft,
)
from drafting_app.ui.field_specs import (
    AWARD,
    FieldText,
    Kind,
    ReferenceLabels,
    Step,
    choice_labels,
    drop_blank_award,
    expand_entries,
    field_texts,
    spec_at,
    steps_for,
    text_for,
)
from drafting_app.ui.findings import FindingsPanel
from drafting_app.ui.generate_panel import GeneratePanel
from drafting_app.ui.i18n import Tr
from drafting_app.ui.model_form import FieldRow, FormEnv, ModelForm, Problems, TableEditor, Touched
from drafting_app.ui.preview import PreviewPanel
from drafting_app.ui.value_inputs import Editor
from drafting_app.ui.worker import Worker
from drafting_app.wording.markup import french_typography
from drafting_app.wording.model import ReferenceStatus

ANALYSIS_DELAY_MS = 300
STEP_VALID_ROLE = Qt.ItemDataRole.UserRole + 1
WIDE_CHARS = 215  # narrower than this many average characters: the clause step takes it all
NOTICE_STYLE = "color: #7a4a00; background-color: #fff4d6; padding: 4px;"
CODED = frozenset({"siret", "postcode", "rna"})
#: a check of the whole dossier that names its field first: « award.lots[0].lot » : …
NAMED_FIELD = re.compile(r"^« ([A-Za-z_][A-Za-z0-9_.\[\]]*) » : (.+)$", re.DOTALL)


def describe_path(path: FieldPath, texts: Mapping[str, FieldText], _: Tr) -> str:
    """A field path as a reader names it: `Lots, ligne 2 › Montant estimé (€ HT)`."""
    names: list[str] = []
    for index, part in enumerate(path):
        if isinstance(part, int):
            if names:
                names[-1] += ", " + _("ligne {n}").format(n=part + 1)
            continue
        spec = spec_at(path[: index + 1])
        names.append(text_for(path[: index + 1], texts, spec).label if spec else str(part))
    if len(names) > 1 and path and path[0] in ("tender", "subsidy"):
        names = names[1:]
    return " › ".join(name for name in names if name)


def located(problem: DraftProblem) -> DraftProblem:
    """A problem of the whole dossier that names its field, moved to that field.

    The model checks the award against the tender's lots as a whole and names the field in
    its message; the form shows the rest of the message next to that field.
    """
    found = NAMED_FIELD.match(problem.message) if not problem.path else None
    if found is None:
        return problem
    path = parse_path(found.group(1))
    if not path or spec_at(path) is None:
        return problem
    return DraftProblem(path, found.group(2), problem.missing, problem.kind)


def tidied(problems: tuple[DraftProblem, ...]) -> tuple[DraftProblem, ...]:
    """The problems as the form shows them: each at its field, none said twice.

    pydantic also calls a list « too short » when one of its items is invalid (a co-holder
    whose SIRET is wrong); the item's own problem says what to do, so that one is dropped.
    """
    placed = [located(problem) for problem in problems]
    return tuple(
        problem for problem in placed
        if problem.kind != "too_short" or not any(
            len(other.path) > len(problem.path) and other.path[: len(problem.path)]
            == problem.path and isinstance(other.path[len(problem.path)], int)
            for other in placed))


def hint_for(path: FieldPath, texts: Mapping[str, FieldText]) -> str:
    """What a well-formed value of the field looks like (`14 chiffres`), or ""."""
    spec = spec_at(path)
    return text_for(path, texts, spec).hint if spec is not None else ""


def placeholder_for(path: FieldPath, texts: Mapping[str, FieldText]) -> str | None:
    """`[Nom de l’acheteur]` for an empty text field, so that a preview can already show."""
    spec = spec_at(path)
    if spec is None or path[-1] in CODED:
        return None
    text = text_for(path, texts, spec)
    if (text.kind or spec.kind) not in (Kind.TEXT, Kind.LONG_TEXT):
        return None
    return f"[{text.label}]"


class ClauseStep(QWidget):
    """The clauses page: the browser (with the clauses chosen ticked) and related fields.

    The related fields (execution conditions written elsewhere than in the clauses) fold away
    under the browser, so that the clause and its values get the height of the screen.
    """

    def __init__(self, core: Core, env: FormEnv, kind: DossierKind, form: ModelForm,
                 dossier: Callable[[], Dossier | None], tr: Tr,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = tr
        self._ = tr
        self.env = env
        self.form = form
        self.browser = ClauseBrowser(core, tr, kind, env.holder, dossier)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser, 1)
        self.more = QToolButton()
        self.more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more.setCheckable(True)
        self.more.setAutoRaise(True)
        self.more_area = QScrollArea()
        self.more_area.setWidgetResizable(True)
        self.more_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.more_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.more_area.setWidget(form)
        self.more_area.setMaximumHeight(self.fontMetrics().lineSpacing() * 16)
        self.more_area.setVisible(False)
        has_fields = bool(form.rows or form.blocks)
        self.more.setVisible(has_fields)
        self.more.toggled.connect(self.show_more)
        layout.addWidget(self.more)
        layout.addWidget(self.more_area)
        self._label_more()
        self.browser.chosen_changed.connect(lambda: self.env.on_edit(("clauses",)))

    def _label_more(self) -> None:
        _ = self._
        filled = sum(1 for row in self.form.rows
                     if isinstance(get_in(self.env.holder.data, row.path), str)
                     and get_in(self.env.holder.data, row.path).strip())
        text = _("Conditions d’exécution prévues hors des clauses choisies")
        if filled:
            text += " " + _("({n} renseignée(s))").format(n=filled)
        self.more.setText(text)
        self.more.setArrowType(Qt.ArrowType.DownArrow if self.more.isChecked()
                               else Qt.ArrowType.RightArrow)

    def show_more(self, shown: bool) -> None:
        """Unfold (or fold) the fields under the browser."""
        if self.more.isChecked() != shown:
            self.more.setChecked(shown)
            return
        self.more_area.setVisible(shown)
        self._label_more()

    def entries(self) -> list[dict[str, Any]]:
        """The chosen clauses of the draft."""
        clauses = self.env.holder.data.get("clauses")
        return [c for c in clauses if isinstance(c, dict)] if isinstance(clauses, list) else []

    def refresh(self) -> None:
        """Show the draft's chosen clauses and lots again (a file was loaded, lots changed)."""
        self.browser.refresh_list()
        self.browser.show_clause_again()
        self._label_more()

    def focus_path(self, path: FieldPath) -> QWidget | None:
        """Show the chosen clause of `path` and put the cursor in its value."""
        browser = self.browser
        if path and path[0] == "clauses":
            entries = self.entries()
            if len(path) > 1 and isinstance(path[1], int) and path[1] < len(entries):
                browser.select_clause(str(entries[path[1]].get("id", "")))
                if len(path) > 3 and path[2] == "values" and isinstance(path[3], str):
                    found = browser.focus_value(path[3])
                    if found is not None:
                        return found
                if len(path) > 2 and path[2] == "lots":
                    target = browser.some if browser.target_box.isVisibleTo(browser) \
                        else browser.list
                    browser.details.ensureWidgetVisible(browser.target_box)
                    target.setFocus(Qt.FocusReason.OtherFocusReason)
                    return target
                browser.list.setFocus(Qt.FocusReason.OtherFocusReason)
                return browser.list
            # the clauses as a whole (one is missing): the search
            browser.focus_search()
            return browser.search
        if any(path[: len(row.path)] == row.path for row in self.form.rows):
            self.show_more(True)
        return self.form.focus_path(path)

    def unapplied(self) -> str | None:
        """A clause whose values were typed but which is not in the dossier."""
        return self.browser.unapplied()

    def refresh_label(self) -> None:
        """The fold's title counts the related fields filled in."""
        self._label_more()


class DossierEditor(QWidget):
    """One dossier being drafted: steps on the left, the page, findings and preview."""

    changed = Signal()
    analysed = Signal()

    def __init__(self, core: Core, worker: Worker, tr: Tr, draft: dict[str, Any],
                 open_url: Callable[[QUrl], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _ = tr
        self._ = tr
        self.core = core
        self.worker = worker
        self.kind = DossierKind(draft["kind"])
        drop_blank_award(draft)
        self.holder = DraftHolder(draft)
        self.texts = field_texts(tr, self.kind)
        self.labels = choice_labels(tr)
        refs = ReferenceLabels()
        if core.library.references is not None:
            refs.to_check = {(entry.text, article) for entry in core.library.references.references
                             if entry.status is ReferenceStatus.TO_CHECK
                             for article in entry.articles}
        self.env = FormEnv(self.holder, self.texts, self.labels, refs, tr, self._edited)
        self.steps: list[Step] = steps_for(self.kind, tr)
        self.touched: set[FieldPath] = set()
        self.visited: set[int] = {0}
        self.analysis: Analysis | None = None
        self._running = False
        self._pending = False
        self.closed = False

        self.nav = QListWidget()
        self.nav.setAccessibleName(_("Étapes"))
        self.stack = QStackedWidget()
        self.forms: list[ModelForm | None] = []
        self.scrolls: list[QScrollArea | None] = []
        self.clause_step: ClauseStep | None = None
        self.preview = PreviewPanel(core.library, self.kind, tr)
        self.generate_panel = GeneratePanel(core, worker, self.kind, tr, open_url)
        for number, step in enumerate(self.steps, start=1):
            self.nav.addItem(QListWidgetItem(f"{number}. {step.nav_title}"))
            entries = list(expand_entries(step, self.steps, self.kind, self.texts))
            form = ModelForm(self.env, entries)
            content: QWidget = form
            if step.special == "clauses":
                self.clause_step = ClauseStep(core, self.env, self.kind, form,
                                              self.complete_dossier, tr)
                content = self.clause_step
            elif step.special == "documents":
                content = self.generate_panel
            page, area = self._page(step, content, scroll=step.special != "clauses")
            self.stack.addWidget(page)
            self.forms.append(form if step.special != "documents" else None)
            self.scrolls.append(area)

        self.previous_button = QPushButton(_("◀ Étape précédente"))
        self.next_button = QPushButton(_("Étape suivante ▶"))
        self.panel_button = QPushButton()
        self.panel_button.setToolTip(_("Constats et aperçu (F8)"))
        self.previous_button.clicked.connect(self.previous_step)
        self.next_button.clicked.connect(self.next_step)
        self.panel_button.clicked.connect(self.toggle_side_panel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addStretch(1)
        buttons.addWidget(self.panel_button)
        buttons.addWidget(self.next_button)
        self._auto_hidden = False
        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        center_layout.addWidget(self.stack, 1)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.setVisible(False)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        center_layout.addWidget(self.notice)
        center_layout.addLayout(buttons)

        self.findings = FindingsPanel(tr, self.describe)
        self.findings.finding_requested.connect(self.focus_finding)
        self.side = QTabWidget()
        self.side.addTab(self.findings, _("Constats"))
        self.side.addTab(self.preview, _("Aperçu"))
        self.preview.piece_changed.connect(self.request_analysis)

        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(center)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setChildrenCollapsible(False)
        char = self.fontMetrics().averageCharWidth()
        nav_width = max(self.nav.fontMetrics().horizontalAdvance(self.nav.item(i).text())
                        for i in range(self.nav.count())) + self.nav.iconSize().width() + 40
        self.nav.setMinimumWidth(nav_width)
        self.nav.setMaximumWidth(nav_width + char * 10)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        splitter.setSizes([nav_width, char * 100, char * 56])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        self.splitter = splitter

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(ANALYSIS_DELAY_MS)
        self.timer.timeout.connect(self._run_analysis)
        self.show_side_panel(True)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.nav.setCurrentRow(0)
        self.load()
        self._run_analysis()

    # ----------------------------------------------------------------------------- layout

    def _page(self, step: Step, content: QWidget,
              scroll: bool) -> tuple[QWidget, QScrollArea | None]:
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel(step.title)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(step.intro)
        intro.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(intro)
        if not scroll:
            layout.addWidget(content, 1)
            return page, None
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(content)
        inner_layout.addStretch(1)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setWidget(inner)
        layout.addWidget(area, 1)
        return page, area

    # ----------------------------------------------------------------------------- steps

    def current_step(self) -> int:
        """Index of the step shown."""
        return self.stack.currentIndex()

    def go_to(self, index: int) -> None:
        """Show a step."""
        if 0 <= index < len(self.steps):
            self.nav.setCurrentRow(index)

    def _nav_changed(self, index: int) -> None:
        previous = self.stack.currentIndex()
        if previous != index and 0 <= previous < len(self.forms):
            self._leave(previous)
        self.stack.setCurrentIndex(index)
        self.visited.add(index)
        self.previous_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(self.steps) - 1)
        on_clauses = self.steps[index].special == "clauses"
        if self.clause_step is not None and on_clauses:
            self.clause_step.browser.refresh_targets(None)
        # the clause browser needs the width: on a small screen the side panel steps aside
        narrow = self.width() < self.fontMetrics().averageCharWidth() * WIDE_CHARS
        if on_clauses and narrow and not self.side.isHidden():
            self._auto_hidden = True
            self.show_side_panel(False)
        elif not on_clauses and self._auto_hidden:
            self._auto_hidden = False
            self.show_side_panel(True)
        self._show_problems()

    def toggle_side_panel(self) -> None:
        """Show the side panel if hidden, hide it if shown (F8)."""
        self.show_side_panel(self.side.isHidden())

    def show_side_panel(self, shown: bool) -> None:
        """Show or hide the findings and preview panel (F8)."""
        _ = self._
        self.side.setVisible(shown)
        self.panel_button.setText(_("Masquer les constats ▶") if shown
                                  else _("◀ Constats et aperçu"))
        if shown:
            self._auto_hidden = False

    def _leave(self, index: int) -> None:
        """A step the user leaves shows all its problems from now on, and says if it has any."""
        _ = self._
        form = self.forms[index]
        if form is not None:
            self.touched.update(form.field_paths())
        title = self.steps[index].title
        text = ""
        if self.steps[index].special == "clauses" and self.clause_step is not None:
            pending = self.clause_step.unapplied()
            wrong = self.clause_value_problems()
            if pending:
                text = _("Vous avez saisi des valeurs pour « {title} », mais cette clause n’est "
                         "pas dans le dossier : revenez à l’étape « Clauses » et cliquez sur "
                         "« Ajouter au dossier » pour la garder.").format(title=pending)
            elif wrong:
                text = _("L’étape « {step} » a {n} valeur(s) de clause à corriger ou "
                         "compléter : voyez les constats.").format(step=title, n=wrong)
        else:
            wrong = self.invalid_in_step(index)
            if wrong:
                text = _("L’étape « {step} » a {n} valeur(s) incorrecte(s), signalée(s) en "
                         "rouge : corrigez-les ou voyez les constats.").format(step=title, n=wrong)
        self.notice.setText(f"⚠ {text}" if text else "")
        self.notice.setVisible(bool(text))

    def invalid_in_step(self, index: int) -> int:
        """How many fields of a step hold a value that is typed wrong (not merely missing)."""
        form = self.forms[index]
        if form is None:
            return 0
        wrong = {path for path, _editor in form.invalid_inputs(self._)}
        fresh = not (self._running or self._pending or self.timer.isActive())
        if self.analysis is not None and fresh:  # a stale analysis may name a fixed field
            wrong |= {p.path for p in self.analysis.problems
                      if not p.missing and self._step_of(p.path) == index}
        return len(wrong)

    def clause_value_problems(self) -> int:
        """Values of chosen clauses the checks refuse, plus those of the clause shown now."""
        count = 0
        if self.analysis is not None:
            count = sum(1 for f in self.analysis.findings if f.code == "VALEUR_CLAUSE")
        browser = self.clause_step.browser if self.clause_step is not None else None
        if count == 0 and browser is not None and browser.clause is not None \
                and browser._chosen_entry(browser.clause.id) is not None:
            count = len(browser.values.problems())
        return count

    def next_step(self) -> None:
        """Go to the next step."""
        self.go_to(self.current_step() + 1)

    def previous_step(self) -> None:
        """Go to the previous step."""
        self.go_to(self.current_step() - 1)

    # ----------------------------------------------------------------------------- data

    def load(self) -> None:
        """Show the draft in every form."""
        for form in self.forms:
            if form is not None:
                form.load()
        if self.clause_step is not None:
            self.clause_step.refresh()

    def draft(self) -> dict[str, Any]:
        """The draft as it stands (live: do not keep it)."""
        return self.holder.data

    def set_core(self, core: Core) -> None:
        """Work on a reloaded library (new statuses after a review, new clause folders)."""
        self.core = core
        self.generate_panel.core = core
        if self.clause_step is not None:
            self.clause_step.browser.set_core(core)
        self.request_analysis()

    def complete_dossier(self) -> Dossier | None:
        """The dossier of the last analysis, when the draft was complete."""
        return self.analysis.dossier if self.analysis is not None else None

    def validate_now(self) -> tuple[Dossier | None, int]:
        """Validate the draft on the spot (saving): the dossier, or how many problems."""
        dossier, problems = validate_draft(self.holder.data)
        return dossier, len(problems)

    def title(self) -> str:
        """The dossier's title, or a stand-in."""
        title = self.holder.data.get("title")
        return title.strip() if isinstance(title, str) and title.strip() else \
            self._("Dossier sans titre")

    def reference(self) -> str:
        """The tender's or convention's reference, if typed."""
        part = self.holder.data.get("tender") or self.holder.data.get("subsidy") or {}
        value = part.get("reference") if isinstance(part, dict) else None
        return value if isinstance(value, str) else ""

    def _edited(self, path: FieldPath) -> None:
        self.touched.add(path)
        if path[:1] == (AWARD,):  # emptied again: the optional section is gone, not half-made
            drop_blank_award(self.holder.data)
        for form in self.forms:
            if form is not None:
                form.refresh()
        if self.clause_step is not None and path[:2] == ("tender", "lots"):
            self.clause_step.browser.refresh_targets(None)
        if self.clause_step is not None and path[:1] == ("tender",):
            self.clause_step.refresh_label()
        self.changed.emit()
        self.request_analysis()

    # ----------------------------------------------------------------------------- analysis

    def request_analysis(self) -> None:
        """Check and preview again shortly (typing restarts the delay)."""
        self.timer.start()

    def _placeholder(self, path: FieldPath) -> str | None:
        return placeholder_for(path, self.texts)

    def describe(self, path: FieldPath) -> str:
        """How the findings panel names a field."""
        _ = self._
        if path and path[0] == "clauses" and len(path) > 1 and isinstance(path[1], int):
            entry = get_in(self.holder.data, path[:2]) or {}
            clause = self.core.library.clause(str(entry.get("id", "")))
            if clause is None:
                return _("Clause n° {n}").format(n=path[1] + 1)
            name = french_typography(clause.meta.title)
            if len(path) > 3 and path[2] == "values":
                for variable in clause.meta.variables:
                    if variable.name == path[3]:
                        return f"{name} › {variable.label}"
            return name
        return describe_path(path, self.texts, _)

    def shutdown(self) -> None:
        """The editor is closing: no more analyses, late results are ignored."""
        self.closed = True
        self.timer.stop()

    def _run_analysis(self) -> None:
        self.timer.stop()
        if self.closed:
            return
        if self._running:
            self._pending = True
            return
        self._running = True
        self._pending = False
        core, texts, tr = self.core, self.texts, self._
        snapshot = clone(self.holder.data)
        piece = self.preview.piece()
        self.worker.submit(
            lambda _report: analyse(core, snapshot, piece,
                                    lambda p: placeholder_for(p, texts),
                                    lambda p: describe_path(p, texts, tr),
                                    lambda p: hint_for(p, texts), tr),
            self._analysis_done, self._analysis_failed)

    def _analysis_done(self, analysis: Analysis) -> None:
        self._running = False
        if self.closed:
            return
        analysis = dataclasses.replace(analysis, problems=tidied(analysis.problems))
        self.analysis = analysis
        self._apply(analysis)
        if self._pending:
            self._run_analysis()
        else:
            self.analysed.emit()

    def _analysis_failed(self, error: BaseException) -> None:
        self._running = False
        if self.closed:
            return
        self.findings.summary.setText(self._("La vérification a échoué : {error}").format(
            error=error))
        if self._pending:
            self._run_analysis()

    def wait_analysis(self, timeout_ms: int = 20_000) -> None:
        """Run any pending analysis now and wait for its result (tests, saving)."""
        if self.timer.isActive():
            self._run_analysis()
        while True:
            self.worker.wait_idle(timeout_ms)
            if not (self._running or self._pending or self.timer.isActive()):
                return
            if self.timer.isActive():
                self._run_analysis()

    def problems(self) -> Problems:
        """The validation problems of the last analysis, by path."""
        if self.analysis is None:
            return {}
        return {p.path: p.message for p in self.analysis.problems}

    def is_touched(self, path: FieldPath) -> bool:
        """Whether the user has been at this field (its problems then show inline)."""
        for touched in self.touched:
            size = min(len(touched), len(path))
            if touched[:size] == path[:size]:
                return True
        return False

    def _show_problems(self) -> None:
        problems = self.problems()
        touched: Touched = self.is_touched
        for form in self.forms:
            if form is not None:
                form.show_problems(problems, touched)

    def _apply(self, analysis: Analysis) -> None:
        _ = self._
        self._show_problems()
        self.findings.show_analysis(analysis)
        self.preview.show_analysis(analysis)
        errors = sum(1 for f in analysis.findings if f.severity is Severity.ERROR)
        warnings = sum(1 for f in analysis.findings if f.severity is Severity.WARNING)
        self.generate_panel.set_dossier(analysis.dossier, errors,
                                        len([p for p in analysis.problems if p.path]), warnings)
        count = len(analysis.problems) + errors
        self.side.setTabText(0, _("Constats ({n})").format(n=count) if count else _("Constats"))
        self._mark_steps(analysis)

    def _mark_steps(self, analysis: Analysis) -> None:
        """A tick on a step means its fields are valid; a warning, that something is to see.

        A step not visited yet and not valid stays plain: no red on a blank form.
        """
        _ = self._
        owners: dict[int, set[FieldPath]] = {}
        paths = [p.path for p in analysis.problems] + [
            parse_path(f.field) for f in analysis.findings if f.severity is Severity.ERROR]
        for form in self.forms:
            if form is not None:
                paths.extend(path for path, _editor in form.invalid_inputs(_))
        for path in paths:
            owner = self._step_of(path)
            if owner is not None:
                owners.setdefault(owner, set()).add(path)
        errors = any(f.severity is Severity.ERROR for f in analysis.findings)
        style = self.style()
        for index in range(self.nav.count()):
            item = self.nav.item(index)
            step = self.steps[index]
            count = len(owners.get(index, ()))
            if step.special == "documents":
                valid = analysis.dossier is not None and not errors
            else:
                valid = count == 0
            name = f"{index + 1}. {step.nav_title}"
            if valid and step.key == AWARD and not self.holder.data.get(AWARD):
                icon = QStyle.StandardPixmap.SP_FileIcon
                tip = _("Facultative : à remplir une fois le marché notifié") \
                    if self.kind is DossierKind.TENDER else \
                    _("Facultative : à remplir une fois la convention signée")
            elif valid:
                icon, tip = QStyle.StandardPixmap.SP_DialogApplyButton, _("Étape complète")
            elif index in self.visited:
                icon = QStyle.StandardPixmap.SP_MessageBoxWarning
                tip = _("{n} point(s) à voir").format(n=count) if count else \
                    _("Le dossier n’est pas encore prêt à produire")
            else:
                icon, tip = QStyle.StandardPixmap.SP_FileIcon, _("Pas encore complète")
            item.setIcon(style.standardIcon(icon))
            item.setToolTip(tip)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{name} — {tip}")
            item.setData(STEP_VALID_ROLE, valid)

    # ----------------------------------------------------------------------------- focus

    def _step_of(self, path: FieldPath) -> int | None:
        if path and path[0] == "clauses":
            return next((i for i, s in enumerate(self.steps) if s.special == "clauses"), None)
        best: tuple[int, int] | None = None
        for index, form in enumerate(self.forms):
            if form is None:
                continue
            for owned in form.field_paths():
                size = min(len(owned), len(path))
                if owned[:size] == path[:size] and (best is None or size > best[1]):
                    best = (index, size)
        return best[0] if best else None

    def focus_finding(self, code: str, path: FieldPath) -> QWidget | None:
        """A finding was clicked: go where it can be fixed (its field, or the clause it wants)."""
        if code == "RESERVATION_SANS_CLAUSE" and self.clause_step is not None:
            found = self._offer_reserving_clause(path)
            if found is not None:
                return found
        return self.focus_path(path)

    def _offer_reserving_clause(self, path: FieldPath) -> QWidget | None:
        """The clause step, showing a clause that reserves the lot of `path` as the lot says."""
        assert self.clause_step is not None
        lot = get_in(self.holder.data, path[:3])
        if len(path) < 3 or not isinstance(lot, dict) or not lot.get("reservation"):
            return None
        try:
            wanted = Reservation(lot["reservation"])
        except ValueError:
            return None
        candidates = []
        for clause in self.core.library.clauses.values():
            meta = clause.meta
            kinds = self.core.legal.reservation_kinds(
                r.article for r in meta.references if r.text == "CCP")
            states = any(p.piece.value in ("rc", "ccap", "avis") for p in meta.placements)
            if kinds == {wanted} and states:
                candidates.append((meta.status.value != "validé", meta.title, clause.id))
        if not candidates:
            return None
        index = next(i for i, s in enumerate(self.steps) if s.special == "clauses")
        self.go_to(index)
        browser = self.clause_step.browser
        browser.select_clause(sorted(candidates)[0][2])
        if browser._chosen_entry(sorted(candidates)[0][2]) is None and isinstance(
                lot.get("number"), int):
            browser.refresh_targets([lot["number"]])
        target = browser.add_button if browser.add_button.isVisibleTo(browser) \
            else browser.list
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return target

    def focus_path(self, path: FieldPath) -> QWidget | None:
        """Show the step holding a field and put the cursor in it (a finding was clicked)."""
        index = self._step_of(path)
        if index is None and path[:1] in (("kind",), ("advisor",)):
            # the kind of dossier is chosen at creation: what bears on it is its duration or
            # its procedure
            path = ("tender", "procedure") if self.kind is DossierKind.TENDER else \
                ("subsidy", "duration_years")
            index = self._step_of(path)
        if index is None:
            return None
        self.go_to(index)
        self.touched.add(path)
        self._show_problems()
        widget: QWidget | None
        if self.steps[index].special == "clauses" and self.clause_step is not None:
            widget = self.clause_step.focus_path(path)
        else:
            form = self.forms[index]
            widget = form.focus_path(path) if form is not None else None
        scroll = self.scrolls[index] if index < len(self.scrolls) else None
        if widget is not None and scroll is not None:
            scroll.ensureWidgetVisible(widget, 20, 40)
        return widget

    def focus_first(self) -> None:
        """Put the cursor in the first field of the current step (a new dossier)."""
        form = self.forms[self.current_step()]
        if form is not None and form.rows:
            form.rows[0].editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def editor_at(self, dotted: str) -> Editor | None:
        """The editor of a field, by its dotted path (tests, scripted use)."""
        path = parse_path(dotted)
        for form in self.forms:
            if form is not None:
                found = form.editor_at(path)
                if found is not None:
                    return found
        return None

    def row_at(self, dotted: str) -> FieldRow | None:
        """The row (label, editor, error, help) of a field, by its dotted path."""
        path = parse_path(dotted)
        for form in self.forms:
            found = form.row_at(path) if form is not None else None
            if found is not None:
                return found
        return None

    def table_at(self, dotted: str) -> TableEditor | None:
        """The table editor of a list field (tests, scripted use)."""
        path = parse_path(dotted)
        for form in self.forms:
            if form is None:
                continue
            for block_path, _box, inner in form.blocks:
                if block_path == path and isinstance(inner, TableEditor):
                    return inner
        return None
