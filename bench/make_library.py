"""Build a synthetic clause library of N clauses from the shipped ones, in a folder.

Each shipped clause is copied N / 63 times (more or less) under a new id
(`<id>-v00042`) and a title that says which variant it is; skeletons, legal data and samples
are copied as they are, so the library is valid and its clauses can be placed and rendered.

    .venv/bin/python bench/make_library.py 10000 /tmp/bibliotheque-10000
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "clause_library"


def make_library(count: int, target: Path) -> Path:
    """Write a library of `count` clauses into `target` (created; must not exist)."""
    shutil.copytree(SHIPPED, target, ignore=shutil.ignore_patterns("clauses", "__pycache__"))
    sources = sorted(p for p in (SHIPPED / "clauses").iterdir() if p.is_dir())
    files = {
        source: {f.name: f.read_text(encoding="utf-8") for f in source.iterdir() if f.is_file()}
        for source in sources
    }
    (target / "clauses").mkdir()
    for number in range(count):
        source = sources[number % len(sources)]
        variant = number // len(sources)
        clause_id = source.name if variant == 0 else f"{source.name}-v{variant:05d}"
        folder = target / "clauses" / clause_id
        folder.mkdir()
        for name, text in files[source].items():
            if name == "clause.toml" and variant:
                text = re.sub(r'^id = ".*"$', f'id = "{clause_id}"', text, count=1, flags=re.M)
                text = re.sub(r'^title = "(.*)"$', rf'title = "\1 – variante {variant}"', text,
                              count=1, flags=re.M)
            (folder / name).write_text(text, encoding="utf-8")
    return target


def main() -> int:
    """Parse the arguments and build the library."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    make_library(args.count, args.target)
    print(f"{args.count} clauses dans {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
