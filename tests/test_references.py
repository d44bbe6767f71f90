"""The bibliography: every paper once, and every experiment's papers taken from it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from engramlab.core.references import BIBLIOGRAPHY, Citation, cite

SRC = Path(__file__).resolve().parents[1] / "src" / "engramlab"


def test_no_paper_is_defined_twice():
    dois = [c.doi for c in BIBLIOGRAPHY.values() if c.doi]
    texts = [c.text for c in BIBLIOGRAPHY.values()]
    shorts = [c.short for c in BIBLIOGRAPHY.values()]
    assert len(set(dois)) == len(dois), "two keys share a DOI"
    assert len(set(texts)) == len(texts), "two keys share a reference text"
    assert len(set(shorts)) == len(shorts), "two keys share a short form"
    for key, c in BIBLIOGRAPHY.items():
        assert c.key == key and c.short and c.text
        assert not c.doi.startswith("http"), "DOIs are stored without a resolver prefix"


def test_citations_are_made_only_in_the_bibliography():
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "references.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "Citation"):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not offenders, f"Citation(...) outside core/references.py: {offenders}"


def test_cite_returns_the_entry_and_names_close_keys():
    assert isinstance(cite("hopfield1982"), Citation)
    assert cite("hopfield1982").doi == "10.1073/pnas.79.8.2554"
    with pytest.raises(KeyError, match="hopfield1982"):
        cite("hopfeld1982")
