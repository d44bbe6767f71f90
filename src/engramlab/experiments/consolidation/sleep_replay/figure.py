"""Figure of ``consolidation.sleep-replay``: retention over days beside the nightly replay,
and the interleaving design."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, find_check, new_figure, target_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_STYLE = {"sleep": ("o", "-"), "replay disrupted": ("s", "-"), "wake rest": ("^", "--")}
_COLORS = {"sleep": "#4c72b0", "replay disrupted": "#c44e52", "wake rest": "#dd8452",
           "interleaved": "#55a868", "new only": "#c44e52", "no new memory": "0.45"}


def _mean_sem(x: xr.DataArray, dim: str = "subject") -> tuple[np.ndarray, np.ndarray]:
    n = x.sizes[dim]
    return x.mean(dim).values, x.std(dim, ddof=1).values / np.sqrt(n)


def _note(ax, checks: Sequence[Check], names: Sequence[tuple[str, str]], y: float) -> None:
    lines = []
    for name, label in names:
        ck = find_check(checks, name)
        if ck is not None:
            lines.append(f"{label}: {ck.value:.3g} (target {target_text(ck)}) "
                         f"{'ok' if ck.passed else 'FAIL'}")
    if lines:
        ax.text(0.03, y, "\n".join(lines), transform=ax.transAxes, fontsize=7, va="top",
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "0.8"})


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Retention per group over days (behaviour), replay events and index activity per
    night (activity), the tone control, and the old / new memories of the interleaving
    design with their targets."""
    fig = new_figure(13.0, 8.5)
    (a, b, c), (d, e, f) = fig.subplots(2, 3)
    imm = float(ds.immediate_context_freezing.mean())
    delays = np.r_[0.0, ds.delay.values]
    # (a) behaviour: retention over days
    for cond in ds.condition.values:
        x = ds.context_freezing.sel(condition=cond)
        m, se = _mean_sem(100.0 * x / imm)
        mk, ls = _STYLE[str(cond)]
        a.errorbar(delays, np.r_[100.0, m], yerr=np.r_[0.0, se], marker=mk, ls=ls,
                   capsize=3, color=_COLORS[str(cond)], label=str(cond), mfc="none"
                   if cond == "wake rest" else None, ms=7 if cond == "wake rest" else 5)
    ck = find_check(checks, "replay_advantage_pp")
    if ck is not None:  # the bound on the 14-d gap, drawn under the sleeping rats' point
        last = float(ds.delay.max())
        sleep_last = float(100.0 * ds.context_freezing.sel(condition="sleep", delay=last)
                           .mean() / imm)
        a.annotate("", (last + 0.4, sleep_last - ck.target), (last + 0.4, sleep_last),
                   arrowprops={"arrowstyle": "<->", "color": "0.3"})
        a.plot([last - 1.5, last + 1.5], [sleep_last - ck.target] * 2,
               color=TARGET_STYLE["color"], ls="--",
               label=f"target: no replay at least {ck.target:g} pp below sleep")
        a.text(last + 0.6, sleep_last - ck.target / 2, f"gap\n{target_text(ck)} pp",
               fontsize=7, va="center")
    a.set_xlabel("days after training")
    a.set_ylabel("context freezing (% of the 1-h test)")
    a.set_title("Retention (behaviour)")
    a.set_xlim(-0.5, float(ds.delay.max()) + 3.5)
    a.set_ylim(0, 115)
    a.legend(fontsize=8, loc="lower left")
    # (b) activity: replay events per night
    for cond in ds.condition.values:
        mk, ls = _STYLE[str(cond)]
        b.plot(ds.night + 1, ds.replays_per_night.sel(condition=cond), marker=mk, ls=ls,
               ms=3, color=_COLORS[str(cond)], label=str(cond))
    b.set_xlabel("night after training")
    b.set_ylabel("replay events reaching the circuit (1 / night)")
    b.set_title(f"Sleep replay (activity; {ds.attrs.get('replay_events', '?')} sleep "
                "epochs per night)")
    b.set_ylim(bottom=-0.5)
    b.legend(fontsize=8)
    _note(b, checks, (("replays_per_night_disrupted", "disrupted, per night"),), 0.45)
    # (c) activity: mean index activity in the night
    for cond in ds.condition.values:
        mk, ls = _STYLE[str(cond)]
        c.plot(ds.night + 1, ds.night_index.sel(condition=cond), marker=mk, ls=ls, ms=3,
               color=_COLORS[str(cond)], label=str(cond))
    c.set_xlabel("night after training")
    c.set_ylabel("mean hippocampal index activity (1)")
    c.set_title("Index activity in the night\n(wake rest: encoding of the home cage)")
    c.legend(fontsize=8)
    # (d) tone memory, hippocampus-independent
    w = 0.26
    for k, cond in enumerate(ds.condition.values):
        m, se = _mean_sem(ds.tone_freezing.sel(condition=cond))
        d.bar(np.arange(ds.sizes["delay"]) + (k - 1) * w, m, w, yerr=se, capsize=2,
              color=_COLORS[str(cond)], label=str(cond))
    d.set_xticks(np.arange(ds.sizes["delay"]), [f"{x:g}" for x in ds.delay.values])
    d.set_xlabel("test day")
    d.set_ylabel("tone freezing above baseline (%)")
    d.set_ylim(0, 125)
    d.set_title("Tone memory needs no replay\n(Rasch et al. 2007: not hippocampal)")
    d.legend(fontsize=7, loc="lower right", framealpha=0.9)
    _note(d, checks, (("tone_ratio_max_deviation", "max |ratio to sleep - 1|"),), 0.98)
    # (e) interleaving: old and new memories
    designs = list(ds.design.values)
    for k, (var, label) in enumerate((("old_freezing", "old memory A (solid)"),
                                      ("new_freezing", "new memory B (hatched)"))):
        m, se = _mean_sem(ds[var])
        x = np.arange(len(designs)) + (k - 0.5) * 0.38
        e.bar(x, m, 0.38, yerr=se, capsize=3, color=[_COLORS[str(g)] for g in designs],
              hatch="//" if k else None, alpha=1.0 if k == 0 else 0.5, edgecolor="k")
        e.bar(0, 0, 0, color="white", edgecolor="k", hatch="//" if k else None,
              label=label)
    ctrl = float(ds.old_freezing.sel(design="no new memory").mean())
    for name, x in (("old_kept_new_only", designs.index("new only")),
                    ("old_kept_interleaved", designs.index("interleaved"))):
        ck = find_check(checks, name)
        if ck is not None:
            e.plot([x - 0.45, x + 0.05], [ck.target * ctrl] * 2, ls="--",
                   color=TARGET_STYLE["color"])
            e.text(x - 0.2, ck.target * ctrl + 1.5, f"{target_text(ck)} ctrl",
                   fontsize=7, ha="center", va="bottom")
    e.set_xticks(np.arange(len(designs)), [str(g).replace(" ", "\n", 1) for g in designs])
    e.set_ylabel("context freezing after hippocampal lesion (%)")
    e.set_ylim(0, 100)
    e.set_title(f"Interleaving (old A day 0, new B day {ds.attrs.get('new_day', '?')}, "
                f"test day {ds.attrs.get('old_test_day', '?')})", fontsize=9)
    e.legend(fontsize=8, loc="upper right")
    # (f) replay in the interleaving design, and the checks of the design
    for g in designs:
        f.plot(ds.il_night + 1, ds.il_replays_per_night.sel(design=g), "-",
               color=_COLORS[str(g)], label=str(g))
    f.axvline(float(ds.attrs.get("new_day", 0)) + 1, color="0.7", ls=":",
              label="new memory learned")
    f.set_xlabel("night after the old memory")
    f.set_ylabel("replay events (1 / night)")
    f.set_title("Replay, interleaving design (activity)")
    f.set_ylim(0, None)
    f.legend(fontsize=7, loc="lower left")
    _note(f, checks, (("old_kept_new_only", "A kept, new only / ctrl"),
                      ("old_kept_interleaved", "A kept, interleaved / ctrl"),
                      ("interleaving_protection", "interleaved / new only")), 0.62)
    return fig
