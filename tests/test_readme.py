"""The README stays true: its set-up commands and its generated catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from engramlab.experiments.catalogue import catalogue_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_has_exactly_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text.split("## A short tour")[0], re.S)
    assert [b.strip() for b in blocks] == [
        "pip install -e . && engramlab validate",
        "pip install -e '.[test]' && pytest",
    ]


def test_readme_catalogue_is_generated_from_the_registry():
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- catalogue:start -->\n")[1].split("<!-- catalogue:end -->")[0]
    assert block == catalogue_markdown(), "regenerate it: engramlab catalogue"


def test_ci_runs_the_readme_test_command():
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && pytest" in ci
    assert "ruff check" in ci and "lint-imports" in ci
