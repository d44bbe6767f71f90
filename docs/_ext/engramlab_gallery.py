"""One page per registered experiment, generated from the registry at every build.

Nothing here is kept by hand: at ``builder-inited`` the extension asks the registry for
every experiment (:func:`engramlab.experiments.list_experiments`) and writes
``experiments/<id>.md`` (what it reproduces and why it matters for the seed's chapter,
its figure, its parameters in both presets with units and sources, every check with its
kind, published value, tolerance and reason, the measured value and its seed pass rate,
the papers, the command that reproduces it) and ``experiments/index.md``, a gallery of
thumbnails grouped by seed chapter. Adding an experiment adds its page.

The measured values and figures come from an ``engramlab validate`` results directory:
``engramlab_results`` in ``conf.py`` (the environment variable
``ENGRAMLAB_DOCS_RESULTS`` overrides it). When that directory has no summary, the build
runs ``engramlab validate --seeds <engramlab_seeds>`` into it first (a few minutes on
two cores; the result is reused by the next build).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

LOG = logging.getLogger(__name__)

from engramlab.report import CHAPTERS, short_value, tolerance_text  # noqa: E402

short = short_value


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _results(app: Sphinx) -> tuple[Path, dict[str, Any]]:
    root = Path(os.environ.get("ENGRAMLAB_DOCS_RESULTS") or app.config.engramlab_results)
    if not root.is_absolute():
        root = Path(app.confdir) / root
    summary = root / "summary.json"
    if not summary.exists():
        LOG.info("engramlab: no results in %s: running engramlab validate", root)
        root.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "engramlab", "validate", "--out", str(root),
                        "--seeds", str(app.config.engramlab_seeds)], check=False,
                       stdout=subprocess.DEVNULL)
    if not summary.exists():
        LOG.warning("engramlab: validate wrote no summary in %s", root)
        return root, {}
    data = json.loads(summary.read_text())
    return root, {e["experiment"]: e for e in data.get("experiments", [])}


def _page(exp: Any, result: dict[str, Any] | None, figure: str | None) -> str:
    ch, en = CHAPTERS.get(exp.chapter, (str(exp.chapter), ""))
    lines = [f"# {exp.title}", "", f"`{exp.id}` · seed chapter {exp.chapter}: {ch} ({en})",
             ""]
    if result is not None:
        lines += [f"**Status:** {result.get('status', '?')} "
                  f"(quick preset, seeds {', '.join(str(s) for s in result.get('seeds', []))})", ""]
    lines += [exp.summary, ""]
    if figure:
        lines += [f"```{{image}} {figure}", f":alt: figure of {exp.id}", ":width: 100%",
                  "```", ""]
    lines += ["## Reproduce it", "", "```bash", f"engramlab run {exp.id}",
              f"engramlab run {exp.id} --full    # the paper-scale preset", "```", ""]
    # checks
    lines += ["## Checks", "",
              "| check | kind | published | tolerance | measured | seeds passing | "
              "reason |", "|---|---|---|---|---|---|---|"]
    checks = (result or {}).get("checks")
    if checks:
        for c in checks:
            seeds = c.get("seeds") or {}
            rate = f"{seeds['passed']} / {seeds['run']}" if seeds.get("run") else ""
            measured = short(c.get("value")) if c.get("tested", True) else \
                f"not tested: {c.get('not_tested', '')}"
            lines.append("| " + " | ".join(_cell(x) for x in (
                f"`{c['name']}` {c.get('description', '')}", c.get("kind", ""),
                short(c.get("target")), tolerance_text(c.get("compare", "abs"),
                                                       float(c.get("target") or 0.0),
                                                       float(c.get("tolerance") or 0.0)),
                measured, rate, f"{c.get('reason', '')} *Source:* {c.get('source', '')}"))
                + " |")
    else:
        for t in exp.targets(exp.params("quick")):
            lines.append("| " + " | ".join(_cell(x) for x in (
                f"`{t.metric}` {t.description}", t.kind, short(t.value),
                tolerance_text(t.compare, t.value, t.tolerance), "", "",
                f"{t.reason} *Source:* {t.source}")) + " |")
    lines.append("")
    # parameters
    full = exp.params("full")
    quick = exp.params("quick")
    lines += ["## Parameters", "", "| name | full | quick | unit | meaning | source |",
              "|---|---|---|---|---|---|"]
    for name, f in type(full).model_fields.items():
        extra = f.json_schema_extra if isinstance(f.json_schema_extra, dict) else {}
        fv, qv = getattr(full, name), getattr(quick, name)
        lines.append("| " + " | ".join(_cell(x) for x in (
            f"`{name}`", short(fv), "" if qv == fv else short(qv), extra.get("unit", ""),
            f.description or "", extra.get("source", ""))) + " |")
    lines += ["", "## Papers", ""]
    for c in exp.citations:
        doi = f" [doi:{c.doi}](https://doi.org/{c.doi})" if c.doi else ""
        lines.append(f"- {c.text}{doi}")
    lines.append("")
    return "\n".join(lines)


def generate(app: Sphinx) -> None:
    from engramlab.experiments import list_experiments

    out = Path(app.srcdir) / "experiments"
    if out.exists():
        shutil.rmtree(out)
    (out / "figures").mkdir(parents=True)
    root, results = _results(app)
    by_chapter: dict[int, list[tuple[Any, str | None]]] = {}
    for exp in list_experiments():
        fig = root / exp.id / "figure.png"
        rel = None
        if fig.exists():
            shutil.copyfile(fig, out / "figures" / f"{exp.id}.png")
            rel = f"figures/{exp.id}.png"
        (out / f"{exp.id}.md").write_text(_page(exp, results.get(exp.id), rel),
                                          encoding="utf-8")
        by_chapter.setdefault(exp.chapter, []).append((exp, rel))
    idx = ["# Experiments", "",
           "Every experiment engramlab registers, grouped by the chapter of the seed "
           "article it reproduces; each page is generated from the registry and from "
           "an `engramlab validate` run.", ""]
    toc = []
    for ch in sorted(by_chapter):
        zh, en = CHAPTERS.get(ch, (str(ch), ""))
        idx += [f"## {zh} ({en})", "", "::::{container} engramlab-gallery", ""]
        for exp, rel in by_chapter[ch]:
            if rel:
                idx += [f"```{{figure}} {rel}", f":target: {exp.id}.html",
                        f":alt: {exp.id}", ":class: engramlab-thumb", "",
                        f"[{exp.title}]({exp.id}.md) `{exp.id}`", "```", ""]
            else:
                idx += [f"- [{exp.title}]({exp.id}.md) `{exp.id}`", ""]
            toc.append(exp.id)
        idx += ["::::", ""]
    idx += ["```{toctree}", ":hidden:", "", *toc, "```", ""]
    (out / "index.md").write_text("\n".join(idx), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("engramlab_results", "_build/validate", "env")
    app.add_config_value("engramlab_seeds", 1, "env")
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "version": "1"}
