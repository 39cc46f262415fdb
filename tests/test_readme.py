"""The README's commands are the ones CI runs, and the headless example command works."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def code_lines(text: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Lancer les tests", 1)[1]
    (test_command,) = code_lines(section.split("##", 1)[0])
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci


def test_readme_generate_command_names_a_real_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    generate = next(line for line in code_lines(readme) if " generate " in line)
    example = generate.split(" generate ", 1)[1].split()[0]
    assert (ROOT / example).is_file()
