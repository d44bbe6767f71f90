"""The catalogue of registered experiments as Markdown, generated from the index.

The README's catalogue section is this text; a test keeps the two identical. It reads
the generated index and the bibliography only, so it imports no experiment.
"""

from __future__ import annotations

from engramlab.core.references import cite
from engramlab.experiments._registry import index, matching_ids

__all__ = ["catalogue_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def catalogue_markdown() -> str:
    """One table row per experiment (id, chapter, title, checks, papers), then the papers."""
    lines = ["| id | seed chapter | what it reproduces | checks (full preset) | papers |",
             "|---|---|---|---|---|"]
    entries = index()
    keys: set[str] = set()
    for exp_id in matching_ids():
        e = entries[exp_id]
        papers = [cite(k) for k in e["citations"]]
        keys.update(e["citations"])
        lines.append(f"| `{exp_id}` | {e['chapter']} | {_cell(e['title'])} "
                     f"| {e['n_checks_full']} | {_cell('; '.join(c.short for c in papers))} |")
    lines += ["", "Papers reproduced (cite them when you use the corresponding experiment):", ""]
    refs = sorted((cite(k) for k in keys), key=lambda c: c.short)
    lines += [f"- {c.text}" + (f" doi:{c.doi}" if c.doi else "") for c in refs]
    return "\n".join(lines) + "\n"
