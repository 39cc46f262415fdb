"""The core as the app uses it: library, renderer, legal data, loaded once off the GUI thread."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from drafting_app.checks import LegalData
from drafting_app.files.problems import Problem
from drafting_app.paths import default_layout, shipped_library
from drafting_app.wording.cache import LibraryCache, default_cache_dir
from drafting_app.wording.library import Library, load_library
from drafting_app.wording.render import Formats, Renderer, make_environment
from drafting_app.wording.samples import SampleDossiers, load_samples
from drafting_app.wording.search import search_index


@dataclass(frozen=True)
class Core:
    """Everything the windows need from the core, built once at startup."""

    library: Library
    renderer: Renderer
    problems: tuple[Problem, ...]
    legal: LegalData
    legal_problems: tuple[Problem, ...]
    samples: SampleDossiers
    layout_path: Path


def load_core(library_dir: Path | None = None, layout_path: Path | None = None,
              organisation_dir: Path | None = None, user_dir: Path | None = None,
              cache_dir: Path | None = None) -> Core:
    """Load the clause library (through the user's cache folder, or `cache_dir`; with the
    organisation's and the user's clauses on top), its legal data and sample dossiers, and
    build its search index."""
    env = make_environment(Formats())
    root = library_dir or shipped_library()
    if organisation_dir is None and user_dir is None:
        cache = LibraryCache(cache_dir or default_cache_dir(), root)
        library, problems = load_library(root, env, cache)
    else:
        from drafting_app.review.layers import Layer, LayerKind, load_layers

        layers = [Layer(LayerKind.BUILTIN, root)]
        if organisation_dir is not None:
            layers.append(Layer(LayerKind.ORGANISATION, organisation_dir))
        if user_dir is not None:
            layers.append(Layer(LayerKind.USER, user_dir))
        layered = load_layers(env, layers)
        library, problems = layered.library, list(layered.problems)
    search_index(library)  # built here, off the GUI thread, not on the first keystroke
    renderer = Renderer(library, env)
    legal, legal_problems = renderer.legal_data.with_problems()  # read once, for the pieces too
    samples, sample_problems = load_samples(library)
    return Core(
        library=library,
        renderer=renderer,
        problems=tuple(problems) + tuple(sample_problems),
        legal=legal,
        legal_problems=tuple(legal_problems),
        samples=samples,
        layout_path=layout_path or default_layout(),
    )


def library_stamp(roots: Iterable[Path | None]) -> frozenset[tuple[str, int]]:
    """When each clause file of these libraries last changed: a review shows up here."""
    out = set()
    for root in roots:
        if root is None:
            continue
        for meta in (root / "clauses").glob("*/clause.toml"):
            try:
                out.add((str(meta), meta.stat().st_mtime_ns))
            except OSError:
                continue
    return frozenset(out)


def warm_up() -> None:
    """Import the Word writer (python-docx, lxml) before the first generation needs it.

    Nothing else is heavy: French numbers in words are written by `wording.french_numbers`,
    the price schedules by `documents.xlsx_package` (openpyxl serves only the SPASER report).
    """
    import drafting_app.documents.docx  # noqa: F401
