"""The Jinja sandbox clauses render in, with limits: operations, sizes, recursion and time.

Jinja's own sandbox stops a template from reaching Python's internals; it does not stop one
from running for hours or filling the memory (`'a' * 10**9`, loops nested three deep over a
long text, a macro that calls itself). `LimitedEnvironment` counts what a rendering does
(calls, operators, attribute reads, loop turns, output), bounds what any single operation may
build, and stops a rendering that outlives its time budget. Every stop is a
`RenderLimitError`, a Jinja error with a French message; the renderer reports it with the
file of the clause or skeleton being rendered.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero
from typing import Any

from jinja2 import Template, TemplateRuntimeError, TemplateSyntaxError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

#: the most numbers `range()` may give
MAX_RANGE = 10_000
#: the longest text or list any one operation of a template may build
MAX_VALUE_LENGTH = 1_000_000
#: the most characters one rendering may write (a whole CCAP writes about 100 000)
MAX_OUTPUT = 5_000_000
#: the most operations (calls, operators, attribute reads, loop turns) of one rendering
MAX_OPERATIONS = 2_000_000
#: how deep calls may nest (macros, `loop()`, clauses inside a skeleton)
MAX_CALL_DEPTH = 40
#: the largest integer a template may compute, in bits (about 1 200 digits)
MAX_INTEGER_BITS = 4_000
#: how long one rendering may run, in seconds, before it is stopped
TIME_BUDGET = 10.0

_WIDE = re.compile(r"\d{5,}|\*")
#: the watchdog repeats a stop this often, at most this many times
_RETRY_SECONDS = 0.1
_MAX_STOPS = 20
#: an idle watchdog thread ends after this long (the next rendering starts another)
_IDLE_SECONDS = 5.0


class RenderLimitError(TemplateRuntimeError):
    """A rendering stopped by a limit of the sandbox; the message says which, in French."""


class RenderTimeout(RenderLimitError):
    """A rendering stopped because it ran past its time budget."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or (
            "rendu arrêté : il durait trop longtemps (boucles imbriquées ou calcul sans fin ?) ; "
            "simplifiez le texte"))


@dataclass
class _Run:
    """One rendering on one thread, with what it has used so far."""

    deadline: float
    operations: int = 0
    output: int = 0
    depth: int = 0
    fired: float = 0.0
    stops: int = 0


def _raise_in_thread(thread_id: int, exception: type[BaseException] | None) -> None:
    """Ask CPython to raise `exception` in another thread (None: cancel a pending one)."""
    import ctypes  # only when a rendering runs over its time: not on every start

    set_async = ctypes.pythonapi.PyThreadState_SetAsyncExc
    set_async(ctypes.c_ulong(thread_id),
              ctypes.py_object(exception) if exception is not None else ctypes.c_void_p(0))


class _Watchdog:
    """Stops renderings that outlive their deadline, from a thread started at first use.

    A rendering stuck in a loop that calls nothing (`{% for a in text %}{% for b in text %}…`)
    never reaches a check; the watchdog raises `RenderTimeout` inside its thread.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._runs: dict[int, _Run] = {}
        self._thread: threading.Thread | None = None

    def watch(self, thread_id: int, run: _Run) -> None:
        with self._condition:
            self._runs[thread_id] = run
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="clausier-rendu",
                                                daemon=True)
                self._thread.start()
            self._condition.notify()

    def forget(self, thread_id: int, run: _Run) -> None:
        while True:
            try:
                with self._condition:
                    self._runs.pop(thread_id, None)
                    if run.stops:  # a stop that came too late is cancelled
                        # only then: cancelling signals CPython's eval breaker without clearing
                        # it, which slows every later call and makes a traced thread spin
                        _raise_in_thread(thread_id, None)
                return
            except RenderTimeout:
                continue  # raised while leaving: the rendering is over anyway

    def _loop(self) -> None:
        with self._condition:
            while True:
                now = time.monotonic()
                wait: float | None = None
                for thread_id, run in list(self._runs.items()):
                    if run.deadline <= now and now - run.fired >= _RETRY_SECONDS:
                        if run.stops >= _MAX_STOPS:  # the thread left without saying so
                            del self._runs[thread_id]
                            continue
                        run.fired = now
                        run.stops += 1
                        _raise_in_thread(thread_id, RenderTimeout)
                    next_check = max(run.deadline, run.fired + _RETRY_SECONDS) - now
                    wait = next_check if wait is None else min(wait, next_check)
                if wait is None:  # nothing to watch: linger a little, then end the thread
                    if not self._condition.wait(_IDLE_SECONDS) and not self._runs:
                        self._thread = None
                        return
                    continue
                self._condition.wait(wait)


class _LimitedRange:
    """`range()` in a template: at most MAX_RANGE numbers, each turn counted."""

    def __init__(self, environment: LimitedEnvironment, numbers: range) -> None:
        self._environment = environment
        self._numbers = numbers

    def __len__(self) -> int:
        return len(self._numbers)

    def __iter__(self) -> Iterator[int]:
        for number in self._numbers:
            self._environment.tick()
            yield number

    def __contains__(self, item: object) -> bool:
        return item in self._numbers

    def __getitem__(self, index: Any) -> Any:
        return self._numbers[index]


#: Jinja's built-in filters whose arguments decide how much they build
_SIZE_ARGUMENTS = frozenset({"center", "indent", "wordwrap", "truncate", "slice", "batch",
                             "round", "filesizeformat"})


class LimitedEnvironment(SandboxedEnvironment):
    """A sandboxed environment whose renderings are bounded in work, size, depth and time."""

    intercepted_binops = frozenset({"*", "**", "+", "-", "/", "//", "%"})
    intercepted_unops = frozenset({"-", "+"})

    def __init__(self, *args: Any, time_budget: float = TIME_BUDGET, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_budget = time_budget
        self._local = threading.local()
        self._watchdog = _Watchdog()
        self.template_class = LimitedTemplate
        self.globals["range"] = self._range
        self.globals.pop("lipsum", None)
        self.guard_filters()

    # ------------------------------------------------------------------ one rendering

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Count and time a rendering (a rendering inside another counts in the outer one)."""
        run: _Run | None = getattr(self._local, "run", None)
        if run is not None:
            yield
            return
        run = _Run(deadline=time.monotonic() + self.time_budget)
        self._local.run = run
        thread_id = threading.get_ident()
        try:
            self._watchdog.watch(thread_id, run)
            yield
        finally:
            self._local.run = None
            self._watchdog.forget(thread_id, run)

    def tick(self, count: int = 1) -> None:
        """Count operations of the current rendering; stop it past its limits."""
        run: _Run | None = getattr(self._local, "run", None)
        if run is None:
            return
        run.operations += count
        if run.operations > MAX_OPERATIONS:
            raise RenderLimitError(
                f"rendu arrêté : plus de {MAX_OPERATIONS:,} opérations".replace(",", "\u202f")
                + " (boucles imbriquées ?) ; simplifiez le texte")
        if run.operations % 256 == 0 and time.monotonic() > run.deadline:
            raise RenderTimeout()

    def limited_output(self, chunks: Iterable[str]) -> Iterator[str]:
        """The chunks a template writes, stopped past MAX_OUTPUT characters."""
        run: _Run | None = getattr(self._local, "run", None)
        for chunk in chunks:
            if run is not None:
                run.output += len(chunk)
                if run.output > MAX_OUTPUT:
                    raise RenderLimitError(
                        "rendu arrêté : le texte produit dépasse "
                        f"{MAX_OUTPUT // 1_000_000} millions de caractères ; simplifiez le texte")
            self.tick()
            yield chunk

    # ------------------------------------------------------------------ sizes

    @staticmethod
    def check_size(value: Any) -> Any:
        """The value, unless it is a text, a list or an integer too large to be built."""
        if isinstance(value, str | list | tuple | dict) and len(value) > MAX_VALUE_LENGTH:
            raise RenderLimitError(
                f"rendu arrêté : un texte ou une liste de plus de {MAX_VALUE_LENGTH:,}"
                .replace(",", "\u202f") + " éléments serait produit ; simplifiez le texte")
        if isinstance(value, int) and not isinstance(value, bool) and (
                value.bit_length() > MAX_INTEGER_BITS):
            raise RenderLimitError("rendu arrêté : nombre beaucoup trop grand")
        return value

    @staticmethod
    def _count_limit(count: Any, what: str) -> None:
        if isinstance(count, int | Decimal) and not isinstance(count, bool) and not (
                _magnitude(count) <= MAX_VALUE_LENGTH):
            raise RenderLimitError(f"rendu arrêté : {what} trop grand ({count})")

    def _range(self, *args: int) -> _LimitedRange:
        numbers = range(*args)
        if len(numbers) > MAX_RANGE:
            raise RenderLimitError(f"range() donnerait {len(numbers):,}".replace(",", "\u202f")
                                   + f" nombres : au plus {MAX_RANGE:,}".replace(",", "\u202f"))
        return _LimitedRange(self, numbers)

    # ------------------------------------------------------------------ hooks

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        self.tick()
        if operator == "*":
            for text, count in ((left, right), (right, left)):
                if (isinstance(text, str | list | tuple) and isinstance(count, int)
                        and len(text) * max(count, 0) > MAX_VALUE_LENGTH):
                    raise RenderLimitError(
                        "rendu arrêté : texte répété trop de fois "
                        f"({len(text)} × {count} caractères)")
        elif operator == "**":
            self._check_power(left, right)
        elif operator == "%" and isinstance(left, str) and _WIDE.search(left):
            raise RenderLimitError("rendu arrêté : largeur de mise en forme trop grande")
        return self.check_size(super().call_binop(context, operator, left, right))

    @staticmethod
    def _check_power(base: Any, exponent: Any) -> None:
        if not isinstance(exponent, int | float | Decimal) or isinstance(exponent, bool):
            return
        if not _magnitude(exponent) <= 1000:
            raise RenderLimitError(f"rendu arrêté : puissance trop grande (exposant {exponent})")
        if isinstance(base, int) and isinstance(exponent, int) and (
                abs(base).bit_length() * abs(exponent) > MAX_INTEGER_BITS):
            raise RenderLimitError("rendu arrêté : puissance trop grande (nombre beaucoup trop "
                                   "grand)")

    def call_unop(self, context: Context, operator: str, arg: Any) -> Any:
        self.tick()
        return super().call_unop(context, operator, arg)

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.tick()
        return self.check_size(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.tick()
        return self.check_size(super().getitem(obj, argument))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None

        def refused(*args: Any, **kwargs: Any) -> str:
            raise RenderLimitError("« format » n’est pas permis dans une clause : utilisez les "
                                   "filtres « money », « number », « date_long »…")

        return refused

    def call(__self, __context: Context, __obj: Any, *args: Any,
             **kwargs: Any) -> Any:
        """Call a function from a template: counted, arguments checked, depth bounded."""
        __self.tick()
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str):
            __self._check_text_method(__obj.__self__, name, args)
        run: _Run | None = getattr(__self._local, "run", None)
        if run is not None:
            run.depth += 1
        try:
            if run is not None and run.depth > MAX_CALL_DEPTH:
                raise RenderLimitError(
                    f"rendu arrêté : plus de {MAX_CALL_DEPTH} appels imbriqués (une macro "
                    "s’appelle-t-elle elle-même ?)")
            return __self.check_size(super().call(__context, __obj, *args, **kwargs))
        finally:
            if run is not None:
                run.depth -= 1

    def _check_text_method(self, text: str, name: str, args: tuple[Any, ...]) -> None:
        if name in ("center", "ljust", "rjust", "zfill", "expandtabs"):
            for arg in args:
                self._count_limit(arg, "largeur")
            if name == "expandtabs" and args and isinstance(args[0], int) and (
                    text.count("\t") * abs(args[0]) > MAX_VALUE_LENGTH):
                raise RenderLimitError("rendu arrêté : texte trop grand")
        if name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(
                args[1], str):
            occurrences = len(text) + 1 if not args[0] else text.count(args[0])
            if len(text) + occurrences * len(args[1]) > MAX_VALUE_LENGTH:
                raise RenderLimitError("rendu arrêté : texte trop grand")

    # ------------------------------------------------------------------ filters

    def guard_filters(self) -> None:
        """Wrap every filter (call again after adding filters) so that it is counted and
        its arguments and result are bounded."""
        for name, function in list(self.filters.items()):
            if not getattr(function, "_clausier_guarded", False):
                self.filters[name] = self._guarded(name, function)

    def _guarded(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        environment = self

        @functools.wraps(function)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            environment.tick()
            values = [a for a in args
                      if not isinstance(a, Context | EvalContext | SandboxedEnvironment)]
            if name in _SIZE_ARGUMENTS:
                for arg in [*values[1:], *kwargs.values()]:
                    environment._count_limit(arg, f"argument du filtre « {name} »")
                if name == "indent" and values and isinstance(values[0], str):
                    width = values[1] if len(values) > 1 else kwargs.get("width", 4)
                    size = len(width) if isinstance(width, str) else width
                    if isinstance(size, int) and (
                            values[0].count("\n") + 1) * size > MAX_VALUE_LENGTH:
                        raise RenderLimitError("rendu arrêté : texte trop grand")
            if name == "format" and values and isinstance(values[0], str) and _WIDE.search(
                    values[0]):
                raise RenderLimitError("rendu arrêté : largeur de mise en forme trop grande")
            if name == "replace" and len(values) >= 3 and all(
                    isinstance(v, str) for v in values[1:3]):
                environment._check_text_method(str(values[0]), "replace", tuple(values[1:3]))
            return environment.check_size(function(*args, **kwargs))

        guarded._clausier_guarded = True  # type: ignore[attr-defined]
        return guarded

    def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
        """Parse a template; its syntax errors are said in French (with their line)."""
        try:
            return super()._parse(source, name, filename)
        except TemplateSyntaxError as exc:
            exc.args = (french_syntax_error(exc.message or ""),)
            raise
        except (ValueError, RecursionError, MemoryError) as exc:
            # an integer of thousands of digits, or brackets nested thousands deep
            raise TemplateSyntaxError(
                "nombre trop long" if isinstance(exc, ValueError)
                else "expression imbriquée trop profondément", 1, name, filename) from None

    def compile_expression(self, source: str, undefined_to_none: bool = True) -> Any:
        try:
            expression = super().compile_expression(source, undefined_to_none)
        except TemplateSyntaxError as exc:
            exc.args = (french_syntax_error(exc.message or ""),)
            raise
        except (ValueError, RecursionError, MemoryError):
            raise TemplateSyntaxError("expression trop longue ou trop imbriquée", 1) from None
        environment = self

        def evaluate(*args: Any, **kwargs: Any) -> Any:
            with environment.running():
                try:
                    return expression(*args, **kwargs)
                except (RecursionError, MemoryError) as exc:
                    raise RenderLimitError(_exhausted(exc)) from None

        return evaluate


_SYNTAX: tuple[tuple[str, str], ...] = (
    (r"^unexpected end of template, expected '(.+)'\.?$",
     r"fin du texte inattendue : « \1 » attendu"),
    (r"^Unexpected end of template\..*?looking for the following tags: (.+?)\..*$",
     r"fin du texte inattendue : il manque une balise de fin (\1)"),
    (r"^Unexpected end of template.*$", "fin du texte inattendue : une balise n’est pas fermée"),
    (r"^Encountered unknown tag '([^']*)'.*$", r"balise inconnue « \1 »"),
    (r"^expected token '(.+)', got '(.*)'$", r"« \1 » attendu, « \2 » trouvé"),
    (r"^unexpected '(.*)', expected '(.*)'$", r"« \1 » inattendu, « \2 » attendu"),
    (r"^unexpected char '(.*)' at \d+$", r"caractère « \1 » inattendu"),
    (r"^unexpected '(.*)'$", r"« \1 » inattendu"),
    (r"^Expected an expression, got '(.*)'$", r"expression attendue, « \1 » trouvé"),
    (r"^tag name expected$", "nom de balise attendu après {%"),
    (r"^expected name or number$", "nom ou nombre attendu après le point"),
    (r"^expected subscript expression$", "indice attendu entre [ ]"),
    (r"^expected call$", "appel de fonction attendu"),
    (r"^can't assign to '(.*)'$", r"affectation impossible à « \1 »"),
    (r"^invalid syntax for function call expression$", "appel de fonction mal écrit"),
    (r"^non-default argument follows default argument$",
     "argument sans valeur par défaut après un argument qui en a une"),
    (r"^You cannot chain multiple tests with is$", "plusieurs tests « is » à la suite"),
    (r"^Invalid character in identifier$", "caractère invalide dans un nom"),
    (r"^Block '(.*)' defined twice$", r"bloc « \1 » défini deux fois"),
    (r"^Block names .*$", "nom de bloc incorrect (lettres, chiffres et _)"),
    (r"^.*comment.*$", "commentaire {# … #} mal fermé"),
    (r"^names starting with an underline .*$", "nom commençant par _ interdit"),
)


#: how Jinja names its tokens, in French
_TOKENS = {"end of statement block": "%}", "end of print statement": "}}",
           "begin of statement block": "{%", "begin of print statement": "{{",
           "end of template": "fin du texte", "end of comment": "#}",
           "begin of comment": "{#", "' or '": "' ou '"}


def french_syntax_error(message: str) -> str:
    """A Jinja syntax error in French."""
    for pattern, french in _SYNTAX:
        if re.match(pattern, message, flags=re.S):
            text = re.sub(pattern, french, message, count=1, flags=re.S)
            for english, token in _TOKENS.items():
                text = text.replace(english, token)
            return text
    return "syntaxe incorrecte à cet endroit"


def _magnitude(number: int | float | Decimal) -> float:
    """The absolute value of a number as a float (infinite when too large to convert)."""
    try:
        return abs(float(number))
    except OverflowError:
        return float("inf")


def _exhausted(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return ("rendu arrêté : appels imbriqués trop profonds (une macro s’appelle-t-elle "
                "elle-même ?)")
    return "rendu arrêté : mémoire insuffisante pour ce texte ; simplifiez-le"


class LimitedTemplate(Template):
    """A template of a `LimitedEnvironment`: its rendering is counted, bounded and timed."""

    environment: LimitedEnvironment

    def render(self, *args: Any, **kwargs: Any) -> str:
        environment = self.environment
        context = self.new_context(dict(*args, **kwargs))
        with environment.running():
            try:
                try:
                    return "".join(environment.limited_output(self.root_render_func(context)))
                except Exception:
                    environment.handle_exception()
            except (RecursionError, MemoryError) as exc:
                raise RenderLimitError(_exhausted(exc)).with_traceback(
                    exc.__traceback__) from None


def explain(exc: BaseException) -> str:
    """What went wrong in a rendering (a Jinja, Python or sandbox error), in French."""
    if isinstance(exc, RenderLimitError):
        return str(exc)
    message = str(exc)
    undefined = re.match(r"'([^']+)' is undefined", message)
    if undefined:
        return (f"« {undefined.group(1)} » n’a pas de valeur : déclarez la variable ou "
                "renseignez-la dans le dossier")
    attribute = re.match(r"'(.+)' has no attribute '([^']+)'", message)
    if attribute:
        return f"« {attribute.group(2)} » n’existe pas dans « {attribute.group(1)} »"
    if "None" in message and "attribute" in message:
        return "cette partie du dossier est vide pour ce type de dossier"
    unsafe = re.match(r"access to attribute '([^']+)' of '([^']+)' object is unsafe", message)
    if unsafe:
        return f"« {unsafe.group(1)} » est interdit dans une clause"
    if isinstance(exc, ZeroDivisionError | DivisionByZero):
        return "rendu impossible : division par zéro"
    if isinstance(exc, ArithmeticError):
        return ("rendu impossible : calcul sur un nombre invalide, trop grand ou trop petit ; "
                "vérifiez les valeurs de la clause")
    if isinstance(exc, TypeError):
        if "not iterable" in message:
            return "rendu impossible : cette valeur n’est pas une liste"
        if "unsupported operand" in message or "can only concatenate" in message:
            return ("rendu impossible : opération entre des valeurs de types différents "
                    "(un texte et un nombre ?)")
        if "not callable" in message:
            return "rendu impossible : cette valeur n’est pas une fonction"
        if "argument" in message:
            return "rendu impossible : mauvais nombre ou type d’arguments pour une fonction"
        return "rendu impossible : valeur d’un type inattendu"
    if isinstance(exc, KeyError):
        return f"rendu impossible : clé {message} absente"
    if isinstance(exc, ValueError) and re.search(r"[àâçéèêëîïôûùü«]| : ", message):
        return f"rendu impossible : {message}"  # raised by our own filters, already French
    if isinstance(exc, ValueError):
        if "isoformat" in message or "date" in message:
            return "rendu impossible : date invalide"
        if "digits" in message:
            return "rendu impossible : nombre beaucoup trop grand"
        return "rendu impossible : valeur incorrecte"
    if "SecurityError" in type(exc).__name__ or "unsafe" in message:
        return "rendu impossible : opération interdite dans une clause"
    if re.search(r"[àâçéèêëîïôûùü«]", message):
        return f"rendu impossible : {message}"
    return f"rendu impossible : erreur du modèle ({type(exc).__name__})"
