"""The validate report: one self-contained HTML file, figures embedded.

Layout: a sidebar (``nav#index``) lists the experiments by chapter of the seed (the
Chinese chapter name with the English beside it), each with its outcome at a glance;
the main column opens with the headline (experiments reproduced, reproduced with
declared deviations, demonstrations -- no published or theory check -- and failed),
then one card per experiment (``section.experiment``), grouped by chapter: its title,
outcome badge, the two or three sentences tying it to the seed, its figure at the full
width of the column (legends legible; a click shows it at its own size, scrolling in
its frame), and right under it its checks (``table.checks``, one row per check: kind of
evidence, measured, published with the tolerance as people write it -- ``≥ 0.6``,
``0.15 ± 0.015``, ``0.5 ± 20 %`` --, verdict, seeds that pass), then, folded, why each
tolerance, the parameters (long values shortened, the whole value on hover) and the
papers. A check this run does not test (e.g. "full preset only") is listed as such.
Figures are palette-compressed PNG (:func:`engramlab.plotting.figure_png`), about 80 kB
each, so the page grows by ~110 kB per experiment.
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

__all__ = ["CHAPTERS", "render_report", "short_value", "tolerance_text", "write_report"]

#: The seed's chapters: (the Chinese name, the English one).
CHAPTERS = {
    1: ("第一章 神经元与突触的微观世界", "Neurons and synapses"),
    2: ("第二章 突触可塑性", "Synaptic plasticity"),
    3: ("第三章 记忆的神经环路", "Memory circuits"),
    4: ("第四章 计算神经科学视角下的记忆模型", "Computational models of memory"),
    5: ("第五章 前沿与挑战", "The frontier"),
}

_CSS = """
:root { --pass: #1e7b34; --fail: #b3261e; --dev: #a86400; --demo: #44617b; }
* { box-sizing: border-box; }
body { margin: 0; color: #222; line-height: 1.45; font-size: 15px;
       font-family: system-ui, "Noto Sans", "Noto Sans CJK SC", "Noto Sans SC",
                    "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif; }
nav#index { position: fixed; top: 0; left: 0; bottom: 0; width: 250px; overflow-y: auto;
            background: #f6f7f9; border-right: 1px solid #ddd; padding: 0.8em 0.9em;
            font-size: 0.86em; }
nav#index h1 { font-size: 1.25em; margin: 0 0 0.2em; }
nav#index h2 { font-size: 0.95em; margin: 1em 0 0.3em; }
nav#index h2 .en, main h2 .en { display: block; font-weight: normal; color: #555; }
nav#index ul { list-style: none; padding: 0; margin: 0; }
nav#index li a { display: flex; gap: 0.4em; padding: 0.15em 0; color: #1a4d80;
                 text-decoration: none; overflow-wrap: anywhere; }
nav#index li a:hover { text-decoration: underline; }
.dot { flex: none; width: 0.7em; height: 0.7em; border-radius: 50%; margin-top: 0.35em; }
.dot.pass { background: var(--pass); } .dot.fail { background: var(--fail); }
.dot.deviation { background: var(--dev); } .dot.demonstration { background: var(--demo); }
main { margin-left: 250px; padding: 1em 1.6em 3em; max-width: 1250px; }
.meta { color: #666; font-size: 0.9em; }
.counts span { display: inline-block; margin-right: 1em; }
main > h2 { border-bottom: 2px solid #888; padding-bottom: 0.2em; margin-top: 1.8em; }
section.experiment { border: 1px solid #ddd; border-radius: 8px; padding: 0.8em 1em;
                     margin: 1.2em 0; background: white; }
section.experiment h3 { margin: 0 0 0.2em; font-size: 1.15em; }
figure { margin: 0.6em 0; overflow-x: auto; }
figure img { display: block; width: 100%; height: auto; cursor: zoom-in; }
figure.zoomed img { width: auto; max-width: none; cursor: zoom-out; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; font-size: 0.88em;
        table-layout: auto; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 3px 6px; text-align: left;
         vertical-align: top; overflow-wrap: anywhere; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.val { max-width: 22em; }
.pass { color: var(--pass); font-weight: bold; } .fail { color: var(--fail); font-weight: bold; }
.badge { display: inline-block; padding: 0 0.55em; border-radius: 0.6em; color: white;
         font-size: 0.85em; }
.badge.pass { background: var(--pass); color: white; }
.badge.fail { background: var(--fail); color: white; }
.badge.deviation { background: var(--dev); color: white; }
.badge.demonstration { background: var(--demo); color: white; }
.dev { color: var(--dev); font-weight: bold; } .untested { color: #777; font-style: italic; }
.small { font-size: 0.85em; color: #555; }
details { margin: 0.3em 0; } summary { cursor: pointer; color: #1a4d80; }
"""

_JS = """
document.querySelectorAll('figure').forEach(f => f.addEventListener('click',
  () => f.classList.toggle('zoomed')));
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    if value != value:  # NaN
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "∞" if value > 0 else "−∞"
    return f"{value:.4g}"


def tolerance_text(compare: str, target: float, tolerance: float) -> str:
    """A target with its tolerance as people write it.

    >>> tolerance_text("at_least", 0.7, 0.1), tolerance_text("abs", 0.15, 0.015)
    ('≥ 0.6', '0.15 ± 0.015')
    >>> tolerance_text("rel", 0.5, 0.2), tolerance_text("at_most", 0.5, 0.1)
    ('0.5 ± 20 %', '≤ 0.6')
    """
    if compare == "at_least":
        return f"≥ {_num(target - tolerance)}"
    if compare == "at_most":
        return f"≤ {_num(target + tolerance)}"
    if compare == "rel":
        return f"{_num(target)} ± {_num(100 * tolerance)} %"
    return f"{_num(target)} ± {_num(tolerance)}"


def short_value(value: object, limit: int = 40) -> str:
    """A value for a table cell: long sequences and strings shortened.

    >>> short_value(tuple(range(40)))
    '0, 1, …, 39 (40 values)'
    >>> short_value(0.123456789)
    '0.1235'
    """
    if isinstance(value, (list, tuple)):
        items = [short_value(v, limit) for v in value]
        text = ", ".join(items)
        if len(text) > limit and len(items) > 3:
            text = f"{items[0]}, {items[1]}, …, {items[-1]} ({len(items)} values)"
        return text
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, int):
        text = str(value)
    else:
        text = _num(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _verdict(c) -> str:
    if not c.tested:
        return f'<span class="untested">{_e(c.verdict)}</span>'
    if c.deviation and not c.passed:
        return (f'<span class="dev" title="{_e(c.deviation)}">not reproduced '
                '(declared deviation)</span>')
    css = "pass" if c.ok else "fail"
    return f'<span class="{css}">{_e(c.verdict)}</span>'


_BADGES = {
    "reproduced": ("pass", "reproduced"),
    "reproduced with deviations": ("deviation", "reproduced, with declared deviations"),
    "demonstration": ("demonstration", "demonstration: no published or theory check"),
    "failed": ("fail", "some checks fail"),
}


def _chapter(n: object) -> tuple[str, str]:
    return CHAPTERS.get(n, (f"Chapter {n}", "")) if isinstance(n, int) else (str(n), "")


def _nav(runs: Sequence[RunOutcome]) -> str:
    parts = []
    for ch, group in _by_chapter(runs):
        zh, en = _chapter(ch)
        items = "".join(
            f'<li data-experiment="{_e(r.experiment.id)}" '
            f'data-status="{"pass" if r.passed else "fail"}" data-outcome="{_e(r.status)}">'
            f'<a href="#{_e(r.experiment.id)}" title="{_e(r.experiment.id)}: '
            f'{_e(_BADGES[r.status][1])}"><span class="dot {_BADGES[r.status][0]}"></span>'
            f"<span>{_e(r.experiment.title)}</span></a></li>" for r in group)
        parts.append(f'<h2><a href="#chapter-{_e(ch)}"><span lang="zh">{_e(zh)}</span>'
                     f'<span class="en">{_e(en)}</span></a></h2><ul>{items}</ul>')
    return "".join(parts)


def _by_chapter(runs: Sequence[RunOutcome]) -> list[tuple[object, list[RunOutcome]]]:
    groups: dict[object, list[RunOutcome]] = {}
    for r in runs:
        groups.setdefault(r.experiment.chapter, []).append(r)
    return sorted(groups.items(), key=lambda kv: (not isinstance(kv[0], int), str(kv[0])))


def _section(run: RunOutcome) -> str:
    exp = run.experiment
    saved = run.files.get("figure")
    png = Path(saved).read_bytes() if saved else figure_png(run.figure())
    img = base64.b64encode(png).decode("ascii")
    info = {p.name: p for p in exp.Params.describe()}
    params = "".join(
        f"<tr><td><code>{_e(name)}</code></td>"
        f"<td class='val' title='{_e(value)}'>{_e(short_value(value))}</td>"
        f"<td>{_e(info[name].unit)}</td><td class='small'>{_e(info[name].doc)}</td>"
        f"<td class='small'>{_e(info[name].source)}</td></tr>"
        for name, value in run.params.model_dump().items())
    checks = "".join(
        f"<tr><td><code title='{_e(c.description)}'>{_e(c.name)}</code>"
        f"<br><span class='small'>{_e(c.description)}</span></td><td>{_e(c.kind)}</td>"
        f"<td class='num' title='{_e(c.value)}'>{_num(c.value) if c.tested else '–'}</td>"
        f"<td class='num' title='{_e(c.rule)}: target {_e(c.target)}, tolerance "
        f"{_e(c.tolerance)}'>{_e(tolerance_text(c.compare, c.target, c.tolerance))}</td>"
        f"<td>{_verdict(c)}</td>"
        f"<td class='num'>{str(t['ok']) + ' / ' + str(t['seeds']) if c.tested else '–'}"
        "</td></tr>"
        for c, t in zip(run.checks, run.tally(), strict=True))
    reasons = "".join(
        f"<li><code>{_e(c.name)}</code> ({_e(c.kind)}): {_e(c.reason)} "
        f"<span class='small'>Source: {_e(c.source)}</span>"
        + (f"<br><b>Declared deviation:</b> {_e(c.deviation)}" if c.deviation else "")
        + "</li>" for c in run.checks)
    cites = "".join(
        f"<li>{_e(c.text)}" + (f" doi:{_e(c.doi)}" if c.doi else "") + "</li>"
        for c in exp.citations)
    css, text = _BADGES[run.status]
    badge = f'<span class="badge {css}">{_e(text)}</span>'
    seeds = (f"seed {run.seed}" if len(run.seeds) == 1
             else f"seeds {run.seeds[0]}-{run.seeds[-1]}")
    deviations = "".join(f"<p class='dev'>Declared deviation ({_e(c.name)}): "
                         f"{_e(c.deviation)}</p>" for c in run.checks if c.deviation)
    return f"""
<section class="experiment" id="{_e(exp.id)}" data-outcome="{_e(run.status)}">
<h3>{_e(exp.title)} {badge}</h3>
<p class="meta"><code>{_e(exp.id)}</code> · preset {_e(run.preset)} · {seeds} ·
 {run.wall_time_s:.2f} s</p>
<p>{_e(exp.summary)}</p>
<figure><img alt="figure of {_e(exp.id)}"
 src="data:image/png;base64,{img}"></figure>
<table class="checks"><thead><tr><th>check</th><th>kind</th><th>measured</th>
<th>published</th><th>verdict</th><th>seeds ok</th></tr></thead><tbody>{checks}</tbody>
</table>{deviations}
<details><summary>Why these tolerances, and the sources</summary><ul>{reasons}</ul>
</details>
<details><summary>Parameters ({len(info)})</summary>
<table><thead><tr><th>name</th><th>value</th><th>unit</th><th>meaning</th><th>source</th>
</tr></thead><tbody>{params}</tbody></table></details>
<details><summary>Papers ({len(exp.citations)})</summary><ul>{cites}</ul></details>
</section>"""


def render_report(runs: Sequence[RunOutcome]) -> str:
    """The report as one HTML string."""
    keys = ("reproduced", "reproduced with deviations", "demonstration", "failed")
    counts = {k: sum(r.status == k for r in runs) for k in keys}
    seeds = sorted({len(r.seeds) for r in runs})
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    presets = sorted({r.preset for r in runs})
    chapters = []
    for ch, group in _by_chapter(runs):
        zh, en = _chapter(ch)
        chapters.append(f'<h2 id="chapter-{_e(ch)}"><span lang="zh">{_e(zh)}</span>'
                        f'<span class="en">{_e(en)}</span></h2>'
                        + "".join(_section(r) for r in group))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>engramlab validate report</title><style>{_CSS}</style></head>
<body>
<nav id="index"><h1>engramlab validate</h1>
<p class="meta">engramlab {_e(__version__)} · {_e(stamp)}</p>{_nav(runs)}</nav>
<main>
<p class="meta">preset {_e(", ".join(presets))} · Python {_e(platform.python_version())}
 on {_e(platform.machine())}</p>
<p id="verdict">Of {len(runs)} experiments (seeds per experiment:
 {_e(", ".join(map(str, seeds)))}): <strong>{counts["reproduced"]} reproduced</strong>,
 <strong>{counts["reproduced with deviations"]} reproduced with declared
 deviations</strong>, <strong>{counts["demonstration"]} demonstrations</strong> (no
 published or theory check), <strong>{counts["failed"]} failed</strong>. A reproduction
 rests on published data or independent theory; consistency checks (the code against
 its own closed forms) are shown but do not count as one.</p>
{"".join(chapters)}
</main>
<script>{_JS}</script>
</body></html>
"""


def write_report(runs: Sequence[RunOutcome], path: Path) -> Path:
    """Write :func:`render_report` to ``path`` atomically."""
    return fileio.write_text(path, render_report(runs))
