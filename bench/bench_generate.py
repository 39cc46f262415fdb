"""Benchmark: the catering DCE generated in process and by the real `clausier` command, each
beside a python-docx baseline built in the same run.

    .venv/bin/python bench/bench_generate.py [--runs 9] [--no-pages]

- in process: `generate()` of examples/marche_restauration_collective.json (10 Word pieces
  and 4 price schedules), median
  of --runs after one warm-up; baseline: python-docx's own API writing the same blocks (one
  add_paragraph(text, style) per paragraph, add_table and cell text per table);
- per page: pages counted by LibreOffice (soffice) in both outputs, unless --no-pages;
- whole process: the `clausier generate` entry point of this environment (warm library
  cache, as a second run has), against `python -c "import docx"` and a python-docx script
  writing the baseline document;
- memory: peak RSS of a separate `clausier generate` process (no tracemalloc anywhere).

The whole processes run with the package's bytecode compiled first (`compileall`) and
PYTHONDONTWRITEBYTECODE removed from their environment: an installed Clausier has its `.pyc`
files (pip compiles them on install, an editable install writes them on its first run), and
python-docx's baseline has them too. A shell that sets PYTHONDONTWRITEBYTECODE (as this
project's workplace does) would otherwise time the compilation of some 70 modules, about
0.12 s, at every run.

Prints each figure with its ratio to its baseline, and whether the issue's budget is met.
Not run by CI.
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "marche_restauration_collective.json"
CLAUSIER = Path(sys.executable).with_name("clausier")
BUDGET_IN_PROCESS = 0.30
BUDGET_PROCESS = 1.0

# a python-docx script writing the same pieces: it reads them already rendered (pickled)
BASELINE_SCRIPT = r"""
import pickle, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bench.bench_generate import python_docx_baseline
pieces = pickle.loads(Path(sys.argv[3]).read_bytes())
python_docx_baseline(pieces, Path(sys.argv[2]))
"""


def rendered_pieces() -> list[object]:
    """The catering DCE's pieces rendered to blocks (what both writers write)."""
    from drafting_app.documents.generate import render_pieces
    from drafting_app.dossier.storage import load_dossier
    from drafting_app.paths import shipped_library
    from drafting_app.wording.library import load_library
    from drafting_app.wording.render import Formats, Renderer, make_environment

    env = make_environment(Formats())
    library, problems = load_library(shipped_library(), env)
    assert not problems, problems
    return list(render_pieces(Renderer(library, env), load_dossier(EXAMPLE)))


def python_docx_baseline(pieces: list[object], out: Path) -> list[Path]:
    """The same blocks written with python-docx's public API, the way a script would."""
    import docx

    from drafting_app.documents.blocks import Heading, ListItem, Paragraph, Table, plain_text
    from drafting_app.documents.docx import DEFAULT_STYLES
    from drafting_app.paths import default_layout

    written = []
    for piece in pieces:
        document = piece.document  # type: ignore[attr-defined]
        word = docx.Document(str(default_layout()))
        body = word.element.body
        for child in list(body)[:-1]:
            body.remove(child)
        word.add_paragraph(document.info.title, style=DEFAULT_STYLES["title"])
        for block in document.blocks:
            if isinstance(block, Heading):
                word.add_paragraph(plain_text(block.runs),
                                   style=DEFAULT_STYLES[f"heading{block.level}"])
            elif isinstance(block, Paragraph):
                paragraph = word.add_paragraph(style=DEFAULT_STYLES[block.style])
                for run in block.runs:
                    paragraph.add_run(run.text).bold = run.bold or None
            elif isinstance(block, ListItem):
                kind = "list_number" if block.ordered else "list_bullet"
                word.add_paragraph(plain_text(block.runs), style=DEFAULT_STYLES[kind])
            elif isinstance(block, Table):
                rows = (block.header, *block.rows)
                table = word.add_table(rows=len(rows), cols=len(block.header))
                table.style = DEFAULT_STYLES["table"]
                for cells, row in zip(rows, table.rows, strict=True):
                    for runs, cell in zip(cells, row.cells, strict=True):
                        cell.text = plain_text(runs)
        path = out / f"{piece.stem}.docx"  # type: ignore[attr-defined]
        word.save(str(path))
        written.append(path)
    return written


def pages(paths: list[Path]) -> int | None:
    """Pages of these .docx files as LibreOffice lays them out, or None without soffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdfinfo") is None:
        return None
    total = 0
    with tempfile.TemporaryDirectory() as folder:
        profile = Path(folder) / "profile"
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{profile}",
                        "--convert-to", "pdf", "--outdir", folder, *map(str, paths)],
                       capture_output=True, check=True, timeout=600)
        for pdf in Path(folder).glob("*.pdf"):
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                  check=True).stdout
            total += int(next(line.split()[-1] for line in info.splitlines()
                              if line.startswith("Pages:")))
    return total


def timed(command: list[str], runs: int, env: dict[str, str] | None = None) -> list[float]:
    """Wall-clock seconds of `runs` runs of a whole process (after one warm-up run)."""
    subprocess.run(command, check=True, capture_output=True, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return times


def verdict(value: float, budget: float) -> str:
    return "atteint" if value <= budget else "NON ATTEINT"


def main() -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-pages", action="store_true", help="ne pas compter les pages")
    args = parser.parse_args()

    from drafting_app.documents.docx import load_layout
    from drafting_app.documents.generate import generate
    from drafting_app.dossier.storage import load_dossier
    from drafting_app.paths import default_layout, shipped_library
    from drafting_app.wording.cache import LibraryCache
    from drafting_app.wording.library import load_library
    from drafting_app.wording.render import Formats, Renderer, make_environment

    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        env = make_environment(Formats())
        root = shipped_library()
        load_library(root, env, LibraryCache(work_dir / "cache", root))  # fill the cache
        library, problems = load_library(root, env, LibraryCache(work_dir / "cache", root))
        assert not problems, problems
        renderer = Renderer(library, env)
        dossier = load_dossier(EXAMPLE)
        layout = load_layout(default_layout())
        ours_dir = work_dir / "clausier"
        ours_dir.mkdir()
        generate(renderer, dossier, ours_dir, layout)  # warm-up: templates, imports
        ours = []
        for _ in range(args.runs):
            start = time.perf_counter()
            written = generate(renderer, dossier, ours_dir, layout)
            ours.append(time.perf_counter() - start)
        pieces = rendered_pieces()
        base_dir = work_dir / "python-docx"
        base_dir.mkdir()
        python_docx_baseline(pieces, base_dir)
        base = []
        for _ in range(args.runs):
            start = time.perf_counter()
            baseline_files = python_docx_baseline(pieces, base_dir)
            base.append(time.perf_counter() - start)
        our_pages = None if args.no_pages else pages([g.path for g in written])
        base_pages = None if args.no_pages else pages(baseline_files)

        # whole processes: the real entry point, its cache in this run's folder, its bytecode
        # compiled as an installed package has it
        process_env = {name: value for name, value in os.environ.items()
                       if name != "PYTHONDONTWRITEBYTECODE"}
        process_env["XDG_CACHE_HOME"] = str(work_dir / "xdg")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "drafting_app")],
                       check=True, env=process_env)
        # the writer's own time (the budget), then with LibreOffice numbering the sommaires
        cli = timed([str(CLAUSIER), "generate", str(EXAMPLE), "--out",
                     str(work_dir / "cli"), "--sans-pagination"], args.runs, process_env)
        paginated = timed([str(CLAUSIER), "generate", str(EXAMPLE), "--out",
                           str(work_dir / "cli-pages")], min(args.runs, 3), process_env) \
            if shutil.which("soffice") else []
        bare = timed([sys.executable, "-c", "import docx"], args.runs, process_env)
        imports = timed([sys.executable, "-c", "import drafting_app.cli.main, "
                         "drafting_app.documents.docx, drafting_app.documents.generate"],
                        args.runs, process_env)
        pickled = work_dir / "pieces.pickle"
        pickled.write_bytes(pickle.dumps(pieces))
        script = timed([sys.executable, "-c", BASELINE_SCRIPT, str(ROOT), str(base_dir),
                        str(pickled)], args.runs, process_env)
        rss = subprocess.run(
            ["/usr/bin/time", "-f", "%M", str(CLAUSIER), "generate", str(EXAMPLE), "--out",
             str(work_dir / "cli"), "--sans-pagination"], capture_output=True, text=True,
            env=process_env, check=True,
        ).stderr.strip().splitlines()[-1] if Path("/usr/bin/time").exists() else ""

    median_ours, median_base = statistics.median(ours), statistics.median(base)
    print(f"DCE restauration collective, {len(written)} fichiers ({args.runs} essais, "
          "médianes ; processus avec leur bytecode compilé)")
    print(f"  en processus : {median_ours * 1000:.0f} ms (python-docx, mêmes blocs : "
          f"{median_base * 1000:.0f} ms ; rapport {median_ours / median_base:.2f}) — budget "
          f"{BUDGET_IN_PROCESS * 1000:.0f} ms {verdict(median_ours, BUDGET_IN_PROCESS)}")
    if our_pages and base_pages:
        ours_page = median_ours / our_pages * 1000
        base_page = median_base / base_pages * 1000
        print(f"  par page : {ours_page:.2f} ms sur {our_pages} pages (python-docx : "
              f"{base_page:.2f} ms sur {base_pages} pages ; rapport {ours_page / base_page:.2f})"
              f" — plus rapide que python-docx : {'oui' if ours_page < base_page else 'NON'}")
    median_cli = statistics.median(cli)
    print(f"  clausier generate, processus entier : {median_cli * 1000:.0f} ms "
          f"(python -c 'import docx' : {statistics.median(bare) * 1000:.0f} ms, rapport "
          f"{median_cli / statistics.median(bare):.1f} ; script python-docx écrivant les mêmes "
          f"pièces : {statistics.median(script) * 1000:.0f} ms, rapport "
          f"{median_cli / statistics.median(script):.2f}) — budget {BUDGET_PROCESS:.1f} s "
          f"{verdict(median_cli, BUDGET_PROCESS)}")
    print(f"    dont l’import des modules de clausier (sans rien faire) : "
          f"{statistics.median(imports) * 1000:.0f} ms")
    if paginated:
        print(f"  clausier generate avec les numéros de page des sommaires (une mise en page "
              f"LibreOffice, {len(paginated)} essais) : {statistics.median(paginated):.1f} s — "
              "hors budget : c’est le temps de LibreOffice, que `--sans-pagination` évite")
    if median_cli > BUDGET_PROCESS:
        print("    pourquoi : l’import des modules (modèles pydantic du dossier et des données "
              "juridiques, python-docx, Jinja, Babel) en prend la plus grande part ; voir "
              "`python -X importtime`. La machine était-elle chargée ? (« import docx » : "
              "0,12 s au repos)")
    if median_ours > BUDGET_IN_PROCESS:
        print("    pourquoi : ouvrir la mise en page et enregistrer chaque pièce (python-docx, "
              "zip, fsync) et le rendu Jinja restent ; la machine était-elle chargée ? (voir "
              "le temps de « import docx », 0,12 s sur une machine au repos)")
    if rss:
        print(f"  mémoire (passe séparée) : {int(rss) / 1024:.0f} Mo résidents au plus")
    return 0


if __name__ == "__main__":
    sys.exit(main())
