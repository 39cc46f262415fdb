"""Benchmark: generate the example dossier N times in-process, and once as a whole CLI process.

Run by hand: `python bench/bench_generate.py [N]`. Prints medians; not run by CI.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from drafting_app.documents.docx import load_layout
from drafting_app.documents.generate import generate
from drafting_app.dossier.storage import load_dossier
from drafting_app.paths import default_layout, shipped_library
from drafting_app.wording.library import load_library
from drafting_app.wording.render import Formats, Renderer, make_environment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "marche_espaces_verts.json"


def main(runs: int) -> None:
    """Measure and print."""
    start = time.perf_counter()
    env = make_environment(Formats())
    library, problems = load_library(shipped_library(), env)
    assert not problems, problems
    load_seconds = time.perf_counter() - start
    renderer = Renderer(library, env)
    dossier = load_dossier(EXAMPLE)
    layout = load_layout(default_layout())
    timings = []
    with tempfile.TemporaryDirectory() as out:
        tracemalloc.start()
        for _ in range(runs):
            begin = time.perf_counter()
            written = generate(renderer, dossier, Path(out), layout)
            timings.append(time.perf_counter() - begin)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        cli = []
        for _ in range(3):
            begin = time.perf_counter()
            subprocess.run([sys.executable, "-m", "drafting_app.cli", "generate", str(EXAMPLE),
                            "--out", out], check=True, capture_output=True)
            cli.append(time.perf_counter() - begin)
    print(f"library load: {load_seconds * 1000:.1f} ms ({len(library.clauses)} clauses)")
    print(f"in-process generate ({len(written)} documents), median of {runs}: "
          f"{statistics.median(timings) * 1000:.1f} ms; peak traced memory "
          f"{peak / 1_048_576:.1f} MiB")
    print(f"whole CLI process, median of 3: {statistics.median(cli) * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
