"""The catalogue of registered experiments as Markdown, generated from the registry.

The README's catalogue section is this text; a test keeps the two identical.
"""

from __future__ import annotations

from engramlab.experiments._registry import list_experiments

__all__ = ["catalogue_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def catalogue_markdown() -> str:
    """One table row per experiment (id, chapter, title, checks, papers), then the papers."""
    lines = ["| id | seed chapter | what it reproduces | checks (full preset) | papers |",
             "|---|---|---|---|---|"]
    papers: dict[str, str] = {}
    for exp in list_experiments():
        n_checks = len(exp.targets(exp.params("full")))
        keys = "; ".join(c.key for c in exp.citations)
        lines.append(f"| `{exp.id}` | {exp.chapter} | {_cell(exp.title)} | {n_checks} "
                     f"| {_cell(keys)} |")
        for c in exp.citations:
            papers.setdefault(c.key, c.text + (f" doi:{c.doi}" if c.doi else ""))
    lines += ["", "Papers reproduced (cite them when you use the corresponding experiment):", ""]
    lines += [f"- {text}" for _, text in sorted(papers.items())]
    return "\n".join(lines) + "\n"
