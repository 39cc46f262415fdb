"""Benchmark: library load and clause search at 63 and at 10 000 clauses, with baselines.

    .venv/bin/python bench/bench_library.py [--size 10000] [--runs 5] [--keep DIR]

Builds the synthetic library (bench/make_library.py) in a temporary folder (or reuses
--keep DIR), then, each in a fresh process so that nothing is shared:

- load, cold (empty cache: every folder checked) and warm (the cache as a second start has
  it), against the baseline of reading every file and parsing its TOML;
- search: every query of a kept list typed keystroke by keystroke (« i », « in », « ins »…),
  each keystroke a new query (the index keeps nothing from one query to the next); p95 and
  median, against the same search scanning each clause's text folded once (the issue's baseline);
- memory: peak RSS of a process that loads the library warm and builds its search index,
  in a separate pass (no tracemalloc anywhere).

Prints ratios and whether the issue's budgets are met. Not run by CI.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGETS = {"load_warm_10000": 1.0, "rss_10000": 250.0, "search_p95_10000": 5.0,
           "search_p95_63": 1.0, "load_warm_63": 0.15}
QUERIES = ("insertion", "équitable", "siae", "pme avance", "déchets verts", "lot réservé",
           "coût du cycle de vie", "subvention", "heures d'insertion", "clause sociale")

CHILD = r"""
import json, resource, statistics, sys, time, tomllib
from pathlib import Path
root, cache_dir, what = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
out = {}
if what == "read":
    start = time.perf_counter()
    for folder in sorted((root / "clauses").iterdir()):
        tomllib.loads((folder / "clause.toml").read_text(encoding="utf-8"))
        tomllib.loads((folder / "sample.toml").read_text(encoding="utf-8"))
        (folder / "text.fr.md").read_text(encoding="utf-8")
        (folder / "expected.fr.txt").read_text(encoding="utf-8")
    out["seconds"] = time.perf_counter() - start
    print(json.dumps(out)); sys.exit()
from drafting_app.wording.cache import LibraryCache
from drafting_app.wording.index import fold
from drafting_app.wording.library import load_library
from drafting_app.wording.render import Formats, make_environment
from drafting_app.wording.search import search_index
env = make_environment(Formats())
start = time.perf_counter()
library, problems = load_library(root, env, LibraryCache(cache_dir, root))
out["seconds"] = time.perf_counter() - start
out["problems"] = len(problems)
out["clauses"] = len(library.index)
if what == "search":
    start = time.perf_counter()
    index = search_index(library)
    out["index_seconds"] = time.perf_counter() - start
    keystrokes = [q[:n] for q in json.loads(sys.argv[4]) for n in range(1, len(q) + 1)]
    ours, scan = [], []
    haystacks = [e.haystack for e in library.index.values()]
    best, best_scan, sizes = [], [], []
    for query in keystrokes:
        sizes.append(len(index.search(query)))
        times, scans = [], []
        for _ in range(5):
            begin = time.perf_counter()
            index.search(query)
            times.append(time.perf_counter() - begin)
            begin = time.perf_counter()
            words = fold(query).split()
            [i for i, text in enumerate(haystacks) if all(w in text for w in words)]
            scans.append(time.perf_counter() - begin)
        ours.append(times[0]); scan.append(scans[0])
        best.append(min(times)); best_scan.append(min(scans))
    out["ours"], out["scan"], out["best"], out["best_scan"] = ours, scan, best, best_scan
    out["sizes"] = sizes
if what == "memory":
    search_index(library)
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def child(root: Path, cache: Path, what: str, *extra: str) -> dict[str, object]:
    """Run one measurement in a fresh Python process."""
    result = subprocess.run([sys.executable, "-c", CHILD, str(root), str(cache), what, *extra],
                            capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def verdict(value: float, budget: float, unit: str) -> str:
    return f"budget {budget:g} {unit} : {'atteint' if value <= budget else 'NON ATTEINT'}"


def load_average() -> str:
    """The machine's load average over the last minute, against its number of cores."""
    return f"charge moyenne {os.getloadavg()[0]:.1f} pour {os.cpu_count()} cœurs"


def measure(root: Path, cache: Path, size: int, runs: int, cold: bool) -> None:
    """Measure a library; `size` names its budgets (63: the shipped library, whatever its
    number of clauses today)."""
    read = [float(child(root, cache, "read")["seconds"]) for _ in range(runs)]
    base = statistics.median(read)
    first = child(root, cache, "load")
    label = f"{first['clauses']} clauses"
    print(f"{label} — {load_average()}")
    if cold:
        print(f"{label} — chargement à froid (cache vide) : {float(first['seconds']):.2f} s "
              f"(lecture des fichiers + TOML : {base:.2f} s ; rapport "
              f"{float(first['seconds']) / base:.1f})")
    warm = statistics.median(float(child(root, cache, "load")["seconds"])
                             for _ in range(runs))
    budget = BUDGETS.get(f"load_warm_{size}")
    print(f"{label} — chargement avec le cache : {warm * 1000:.0f} ms (lecture des fichiers + "
          f"TOML : {base * 1000:.0f} ms ; rapport {warm / base:.2f})"
          + (f" — {verdict(warm, budget, 's')}" if budget else ""))
    searched = child(root, cache, "search", json.dumps(QUERIES, ensure_ascii=False))
    ours = [t * 1000 for t in searched["ours"]]  # type: ignore[union-attr]
    scan = [t * 1000 for t in searched["scan"]]  # type: ignore[union-attr]
    best = [t * 1000 for t in searched["best"]]  # type: ignore[union-attr]
    best_scan = [t * 1000 for t in searched["best_scan"]]  # type: ignore[union-attr]
    budget = BUDGETS.get(f"search_p95_{size}")
    print(f"{label} — recherche, {len(ours)} frappes (chacune nouvelle) : p95 {p95(ours):.2f} "
          f"ms, médiane {statistics.median(ours):.2f} ms (texte plié une fois, parcouru : p95 "
          f"{p95(scan):.2f} ms ; rapport {p95(ours) / p95(scan):.2f}) ; index construit en "
          f"{float(searched['index_seconds']) * 1000:.0f} ms"  # type: ignore[arg-type]
          + (f" — {verdict(p95(ours), budget, 'ms')}" if budget else ""))
    print(f"    meilleur de 5 essais par frappe (sans le bruit des voisins) : p95 "
          f"{p95(best):.2f} ms, médiane {statistics.median(best):.2f} ms (parcours : p95 "
          f"{p95(best_scan):.2f} ms ; rapport {p95(best) / p95(best_scan):.2f})"
          + (f" — {verdict(p95(best), budget, 'ms')}" if budget else ""))
    keystrokes = [q[:n] for q in QUERIES for n in range(1, len(q) + 1)]
    sizes = searched["sizes"]
    worst = sorted(zip(best, keystrokes, sizes, strict=True))[-3:]  # type: ignore[call-overload]
    print("    frappes les plus lentes (meilleur de 5) : " + ", ".join(
        f"« {q} » {t:.1f} ms pour {n} clauses" for t, q, n in worst))
    if budget and p95(best) > budget:
        print(f"    pourquoi : même au meilleur de 5 essais, ces frappes dépassent {budget:g} ms : "
              f"la machine est plus lente ou plus chargée ({load_average()}) que celle des "
              "chiffres de bench/README.md.")
    elif budget and p95(ours) > budget:
        over = [q for t, q in zip(ours, keystrokes, strict=True) if t > budget]
        print(f"    pourquoi : au premier essai seulement ({len(over)} frappes sur "
              f"{len(ours)} au-dessus de {budget:g} ms) — des voisins ont pris le processeur "
              f"pendant ces frappes ({load_average()}) ; le meilleur de 5 essais, p95 "
              f"{p95(best):.2f} ms, mesure le code.")
    rss = float(child(root, cache, "memory")["rss_mb"])  # type: ignore[arg-type]
    budget = BUDGETS.get(f"rss_{size}")
    print(f"{label} — mémoire (passe séparée, chargement + index) : {rss:.0f} Mo résidents"
          + (f" — {verdict(rss, budget, 'Mo')}" if budget else ""))


def main() -> int:
    """Build the libraries, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="dossier où garder la bibliothèque synthétique")
    parser.add_argument("--no-cold", action="store_true",
                        help="sans le chargement à froid de la grande bibliothèque (minutes)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.make_library import make_library
    from drafting_app.paths import shipped_library

    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        measure(shipped_library(), work_dir / "cache-63", 63, args.runs, cold=True)
        big = args.keep or work_dir / "bibliotheque"
        if not (big / "clauses").is_dir():
            make_library(args.size, big)
        cache = (args.keep / ".." / f"{big.name}-cache").resolve() if args.keep else (
            work_dir / "cache-big")
        measure(big, cache, args.size, args.runs, cold=not args.no_cold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
