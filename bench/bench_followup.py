"""Benchmark: open a register of 5 000 dossiers and compute the SPASER indicators.

Run by hand: `python bench/bench_followup.py [COUNT]`. Builds the register with
bench/make_register.py (in a temporary folder), then times: the first opening (every file
parsed, the SQLite index written), a warm opening (index up to date: files only stat'ed) and the
indicators of a year. The target is ≤ 2 s for a warm opening plus the indicators. Not run by CI.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from drafting_app.followup.considerations import load_context
from drafting_app.followup.indicators import Scope, compute_all
from drafting_app.followup.register import open_register
from drafting_app.paths import shipped_library

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_register import build_register  # the sibling script


def main(count: int) -> None:
    """Measure and print."""
    context, problems = load_context(shipped_library())
    assert not problems, problems
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "registre"
        start = time.perf_counter()
        build_register(folder, count=count, seed=11)
        print(f"registre de {count} dossiers écrit en {time.perf_counter() - start:.1f} s")
        index = Path(tmp) / "index.sqlite"
        start = time.perf_counter()
        register = open_register(folder, context, index)
        cold = time.perf_counter() - start
        assert len(register.records) == count and register.reread == count
        warm_runs, indicator_runs, total_runs = [], [], []
        for _ in range(5):
            start = time.perf_counter()
            register = open_register(folder, context, index)
            opened = time.perf_counter()
            figures = compute_all(register.records, Scope(2027))
            done = time.perf_counter()
            assert register.reread == 0 and len(figures) == 18
            warm_runs.append(opened - start)
            indicator_runs.append(done - opened)
            total_runs.append(done - start)
        print(f"première ouverture (index construit) : {cold:.2f} s")
        print(f"ouverture à chaud (médiane de 5) : {statistics.median(warm_runs):.3f} s")
        print(f"indicateurs d’une année (médiane) : {statistics.median(indicator_runs):.3f} s")
        total = statistics.median(total_runs)
        print(f"ouverture à chaud + indicateurs : {total:.3f} s "
              f"({'dans' if total <= 2 else 'HORS'} l’objectif de 2 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
