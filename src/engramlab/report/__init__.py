"""The validate report: one self-contained HTML file, figures embedded.

Layout: a headline (experiments reproduced, reproduced with deviations, demonstrations
-- no published or theory check -- and failed), a summary table (one ``<tbody
class="experiment-block">`` per experiment, one row per check: kind of evidence,
measured, published, tolerance, verdict, seeds that pass, source), then a section per
experiment with its figure, two or three sentences tying it to the seed, its checks
with their reasons, its parameters (value, unit, source) and its papers. A check this
run does not test (e.g. "full preset only") is listed as such.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import platform
from collections.abc import Sequence
from pathlib import Path

from engramlab.core import io as fileio
from engramlab.core.version import __version__
from engramlab.experiments import RunOutcome
from engramlab.plotting import figure_png

__all__ = ["render_report", "write_report"]

CHAPTERS = {
    1: "第一章 神经元与突触的微观世界 (neurons and synapses)",
    2: "第二章 突触可塑性 (synaptic plasticity)",
    3: "第三章 记忆的神经环路 (memory circuits)",
    4: "第四章 计算神经科学视角下的记忆模型 (computational models)",
    5: "第五章 前沿与挑战 (the frontier)",
}

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px;
       color: #222; line-height: 1.45; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } .meta { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; font-size: 0.88em; }
th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } tbody.experiment-block { border-top: 3px solid #888; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.pass { color: #1e7b34; font-weight: bold; } .fail { color: #b3261e; font-weight: bold; }
section.experiment { border-top: 1px solid #ddd; margin-top: 2em; padding-top: 0.5em; }
section.experiment img { max-width: 100%; border: 1px solid #eee; }
.badge { display: inline-block; padding: 0 0.5em; border-radius: 0.6em; color: white; }
.badge.pass { background: #1e7b34; color: white; }
.badge.fail { background: #b3261e; color: white; }
.badge.deviation { background: #a86400; color: white; }
.badge.demonstration { background: #44617b; color: white; }
.dev { color: #a86400; font-weight: bold; } .untested { color: #777; font-style: italic; }
.small { font-size: 0.85em; color: #555; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    if value != value:  # NaN
        return "NaN"
    return f"{value:.6g}"


def _verdict(c) -> str:
    if not c.tested:
        return f'<span class="untested">{_e(c.verdict)}</span>'
    if c.deviation and not c.passed:
        return (f'<span class="dev" title="{_e(c.deviation)}">not reproduced '
                '(declared deviation)</span>')
    css = "pass" if c.ok else "fail"
    return f'<span class="{css}">{_e(c.verdict)}</span>'


def _seeds(tally: dict) -> str:
    return f"{tally['ok']} / {tally['seeds']}"


_BADGES = {
    "reproduced": ("pass", "reproduced"),
    "reproduced with deviations": ("deviation", "reproduced, with declared deviations"),
    "demonstration": ("demonstration", "demonstration: no published or theory check"),
    "failed": ("fail", "some checks fail"),
}


def _summary_rows(run: RunOutcome) -> str:
    exp = run.experiment
    checks = run.checks
    rows = []
    span = max(1, len(checks))
    head = (f'<td rowspan="{span}"><a href="#{_e(exp.id)}">{_e(exp.id)}</a><br>'
            f'<span class="small">{_e(exp.title)}</span></td>')
    if not checks:
        rows.append(f"<tr>{head}<td colspan='8'>no published target</td></tr>")
    for k, (c, t) in enumerate(zip(checks, run.tally(), strict=True)):
        rule = {"abs": "±", "rel": "± rel.", "at_least": "≥ target −", "at_most": "≤ target +"}
        rows.append(
            "<tr>" + (head if k == 0 else "")
            + f"<td>{_e(c.name)}</td><td>{_e(c.kind)}</td>"
            f"<td class='num'>{_num(c.value) if c.tested else '–'}</td>"
            f"<td class='num'>{_num(c.target)}</td>"
            f"<td class='num'>{_e(rule[c.compare])} {_num(c.tolerance)}</td>"
            f"<td>{_verdict(c)}</td><td class='num'>{_seeds(t) if c.tested else '–'}</td>"
            f"<td class='small'>{_e(c.source)}</td></tr>")
    state = "pass" if run.passed else "fail"
    return (f'<tbody class="experiment-block" data-experiment="{_e(exp.id)}" '
            f'data-status="{state}" data-outcome="{_e(run.status)}">' + "".join(rows)
            + "</tbody>")


def _section(run: RunOutcome) -> str:
    exp = run.experiment
    saved = run.files.get("figure")
    png = Path(saved).read_bytes() if saved else figure_png(run.figure())
    img = base64.b64encode(png).decode("ascii")
    info = {p.name: p for p in exp.Params.describe()}
    params = "".join(
        f"<tr><td>{_e(name)}</td><td class='num'>{_e(value)}</td>"
        f"<td>{_e(info[name].unit)}</td><td class='small'>{_e(info[name].doc)}</td>"
        f"<td class='small'>{_e(info[name].source)}</td></tr>"
        for name, value in run.params.model_dump().items())
    checks = "".join(
        f"<tr><td>{_e(c.name)}</td><td>{_e(c.kind)}</td>"
        f"<td class='small'>{_e(c.description)}</td>"
        f"<td class='num'>{_num(c.value) if c.tested else '–'}</td>"
        f"<td class='num'>{_num(c.target)}</td>"
        f"<td>{_verdict(c)}</td><td class='num'>{_seeds(t) if c.tested else '–'}</td>"
        f"<td class='small'>{_e(c.reason)}"
        + (f"<br><b>Declared deviation:</b> {_e(c.deviation)}" if c.deviation else "")
        + "</td></tr>"
        for c, t in zip(run.checks, run.tally(), strict=True))
    cites = "".join(
        f"<li>{_e(c.text)}" + (f" doi:{_e(c.doi)}" if c.doi else "") + "</li>"
        for c in exp.citations)
    css, text = _BADGES[run.status]
    badge = f'<span class="badge {css}">{_e(text)}</span>'
    seeds = (f"seed {run.seed}" if len(run.seeds) == 1
             else f"seeds {run.seeds[0]}-{run.seeds[-1]}")
    return f"""
<section class="experiment" id="{_e(exp.id)}">
<h2>{_e(exp.title)}</h2>
<p class="meta"><code>{_e(exp.id)}</code> · {_e(CHAPTERS.get(exp.chapter, exp.chapter))}
 · preset {_e(run.preset)} · {seeds} · {run.wall_time_s:.2f} s {badge}</p>
<p>{_e(exp.summary)}</p>
<img alt="figure of {_e(exp.id)}" src="data:image/png;base64,{img}">
<h3>Checks</h3>
<table><thead><tr><th>metric</th><th>kind</th><th>what</th><th>measured</th>
<th>published</th><th>verdict</th><th>seeds ok</th><th>why this tolerance</th></tr>
</thead><tbody>{checks}</tbody></table>
<h3>Parameters</h3>
<table><thead><tr><th>name</th><th>value</th><th>unit</th><th>meaning</th><th>source</th>
</tr></thead><tbody>{params}</tbody></table>
<h3>Papers</h3><ul>{cites}</ul>
</section>"""


def render_report(runs: Sequence[RunOutcome]) -> str:
    """The report as one HTML string."""
    keys = ("reproduced", "reproduced with deviations", "demonstration", "failed")
    counts = {k: sum(r.status == k for r in runs) for k in keys}
    seeds = sorted({len(r.seeds) for r in runs})
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    presets = sorted({r.preset for r in runs})
    table = "".join(_summary_rows(r) for r in runs)
    sections = "".join(_section(r) for r in runs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>engramlab validate report</title><style>{_CSS}</style></head>
<body>
<h1>engramlab validate</h1>
<p class="meta">engramlab {_e(__version__)} · {_e(stamp)} · preset
 {_e(", ".join(presets))} · Python {_e(platform.python_version())} on
 {_e(platform.machine())}</p>
<p id="verdict">Of {len(runs)} experiments (seeds per experiment:
 {_e(", ".join(map(str, seeds)))}): <strong>{counts["reproduced"]} reproduced</strong>,
 <strong>{counts["reproduced with deviations"]} reproduced with declared
 deviations</strong>, <strong>{counts["demonstration"]} demonstrations</strong> (no
 published or theory check), <strong>{counts["failed"]} failed</strong>. A reproduction
 rests on published data or independent theory; consistency checks (the code against
 its own closed forms) are shown but do not count as one.</p>
<h2>Summary</h2>
<table id="summary"><thead><tr><th>experiment</th><th>check</th><th>kind</th>
<th>measured</th><th>published</th><th>tolerance</th><th>verdict</th><th>seeds ok</th>
<th>source</th></tr></thead>
{table}
</table>
{sections}
</body></html>
"""


def write_report(runs: Sequence[RunOutcome], path: Path) -> Path:
    """Write :func:`render_report` to ``path`` atomically."""
    return fileio.write_text(path, render_report(runs))
