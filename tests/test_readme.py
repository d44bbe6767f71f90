"""The README stays true: its set-up commands, its Python, its catalogue, its pointers."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from engramlab.experiments._registry import matching_ids
from engramlab.experiments.catalogue import catalogue_markdown

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CATALOGUE = ROOT / "docs" / "catalogue.md"


def _python_blocks() -> list[tuple[int, str]]:
    """Every ```python block of the README, with the line it starts on."""
    text = README.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1))
            for m in re.finditer(r"```python\n(.*?)```", text, re.S)]


SNIPPETS = _python_blocks()


def test_readme_has_exactly_the_two_setup_commands_and_the_docs_command():
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text.split("## A short tour")[0], re.S)
    assert [b.strip() for b in blocks] == [
        "pip install -e . && engramlab validate",
        "pip install -e '.[test]' && pytest",
        "pip install -e '.[docs]' && sphinx-build -W docs docs/_build/html",
    ]
    # .ci/run runs the docs command as written
    assert "sphinx-build -W docs docs/_build/html" in (README.parent / ".ci" / "run").read_text()


def test_readme_catalogue_is_generated_from_the_registry():
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- catalogue:start -->\n")[1].split("<!-- catalogue:end -->")[0]
    assert block == catalogue_markdown(), "regenerate it: engramlab catalogue"


def test_ci_runs_the_readme_test_command():
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && pytest" in ci
    assert "ruff check" in ci and "lint-imports" in ci and "mypy" in ci


def test_readme_has_python_snippets():
    assert len(SNIPPETS) >= 4


def test_readme_import_lines_work():
    """Every import of every snippet, on its own: a renamed export fails here by name."""
    for line, code in SNIPPETS:
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                stmt = ast.unparse(node)
                try:
                    exec(stmt, {})
                except ImportError as exc:
                    pytest.fail(f"README line {line + node.lineno - 1}: {stmt}: {exc}")


@pytest.mark.parametrize(("line", "code"), SNIPPETS, ids=[f"line{n}" for n, _ in SNIPPETS])
def test_readme_python_snippet_runs(line, code, tmp_path, monkeypatch):
    """Each snippet as a reader runs it: a fresh script in an empty working directory."""
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"README.md:{line}", "exec"), {"__name__": "__main__"})


def test_readme_names_in_backquotes_exist():
    """`engramlab.x.y` in the prose names a module or an attribute that exists."""
    text = README.read_text(encoding="utf-8")
    names = set(re.findall(r"`(engramlab(?:\.\w+)+)`", text))
    assert names
    for name in sorted(names):
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ModuleNotFoundError:
                continue
            for attr in parts[cut:]:
                assert hasattr(obj, attr), f"README names {name}, which does not exist"
                obj = getattr(obj, attr)
            break


def test_catalogue_marks_exactly_the_registered_experiments():
    text = CATALOGUE.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z0-9.-]+)` \| (\*\*exists\*\*|to come) \|", text, re.M)
    ids = [i for i, _ in rows]
    assert len(ids) == len(set(ids)), "an id is listed twice"
    exists = {i for i, status in rows if status == "**exists**"}
    registered = set(matching_ids())
    assert exists == registered, (
        f"docs/catalogue.md marks {sorted(exists - registered)} as existing (not "
        f"registered) and {sorted(registered - exists)} as to come (registered)")
    head = re.search(r"Of the (\d+) experiments, (\d+) exist .*? and (\d+) are to come",
                     text, re.S)
    assert head is not None
    assert [int(g) for g in head.groups()] == [len(ids), len(exists), len(ids) - len(exists)]
    for chapter, n_exist, n_to_come in re.findall(r"^\| (\d) \| (\d+) \| (\d+) \|$", text,
                                                  re.M):
        section = text.split(f"## Chapter {chapter} ")[1].split("\n## ")[0]
        found = re.findall(r"^\| `[a-z0-9.-]+` \| (\*\*exists\*\*|to come) \|", section, re.M)
        assert (found.count("**exists**"), found.count("to come")) == (
            int(n_exist), int(n_to_come)), f"chapter {chapter} counts"


def test_the_repository_points_to_nothing_outside_it():
    """No README, doc, source or test refers to files beside the repository."""
    outside = "../" + "shared"
    files = [README, *ROOT.glob("*.md"), *(ROOT / "docs").rglob("*.md"),
             *(ROOT / "src").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
    hits = [str(f.relative_to(ROOT)) for f in files
            if outside in f.read_text(encoding="utf-8")]
    assert not hits, f"pointers to {outside}: {hits}"
