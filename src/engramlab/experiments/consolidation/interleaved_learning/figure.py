"""Figure of ``consolidation.interleaved-learning``: penguin interference and AB-AC."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import xarray as xr

from engramlab.core import Check
from engramlab.plotting import draw_target, find_check, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_COLORS = {"focused": "#c44e52", "interleaved": "#4c72b0"}


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Old-pattern error during penguin learning, its rise per schedule, AB kept over AC
    trials by the cortex, the hippocampus, the complementary system and people, and the
    cortical activity behind it (its answer to an AB cue on the B and the C cells)."""
    fig = new_figure(18.0, 4.5)
    a, b, c, d = fig.subplots(1, 4)
    for s in ("focused", "interleaved"):
        x = ds.sse_old.sel(schedule=s)
        a.plot(ds.epoch, x.mean("net"), color=_COLORS[s], label=f"{s} (mean of nets)")
    a.set_xlabel("epochs of penguin learning (1)")
    a.set_ylabel("SSE on the 32 old patterns (1)")
    a.set_title("Old knowledge while the penguin is learned")
    a.legend(fontsize=8)
    rise = (ds.sse_old.isel(epoch=-1) - ds.sse_old.isel(epoch=0))
    m = rise.mean("net").values
    b.bar([0, 1], m, color=[_COLORS["focused"], _COLORS["interleaved"]])
    b.set_xticks([0, 1], ["focused", "interleaved"])
    draw_target(b, find_check(checks, "old_error_rise_focused"), label="focused target")
    b.set_ylabel("rise of the old patterns' SSE (1)")
    b.set_title("Catastrophic interference (McClelland et al. 1995)")
    b.legend(fontsize=8)
    kept = ds.ab_kept.mean("run")
    styles = {"cortex (threshold)": ("0.45", "--"), "cortex (k-WTA)": ("0.2", "-"),
              "hippocampus": ("#55a868", ":"), "complementary": ("#8172b2", "-")}
    for sysname, (col, ls) in styles.items():
        c.plot(ds.ac_epoch, kept.sel(system=sysname), color=col, ls=ls, label=sysname)
    c.plot(ds.human_trial, ds.human_ab, "ko", ms=7,
           label="people (Barnes & Underwood 1959, via CCN)")
    ck = find_check(checks, "cortex_ab_kept_5")
    if ck is not None:
        draw_target(c, ck, label="McCloskey & Cohen: cortex at 5 AC")
    h20 = find_check(checks, "complementary_ab_kept_20")
    if h20 is not None:
        c.errorbar([20.4], [h20.target], yerr=[h20.tolerance], color="#8172b2", capsize=4,
                   fmt="none", label="complementary target at 20 AC")
    c.set_xlabel("AC trials (epochs) (1)")
    c.set_ylabel("fraction of AB pairs kept (1)")
    c.set_ylim(-0.02, 1.05)
    c.set_title("AB-AC: the cortex alone vs the complementary system")
    c.legend(fontsize=7, loc="upper right")
    if "cortex_answer" in ds:
        ans = ds.cortex_answer.mean("run")
        for assoc, col in (("B", "#4c72b0"), ("C", "#c44e52")):
            d.plot(ds.ac_epoch, ans.sel(associate=assoc), color=col, marker="o", ms=3,
                   label=f"cells of {assoc} (the {'old' if assoc == 'B' else 'new'} "
                         "associate)")
        d.set_xlabel("AC trials (epochs) (1)")
        d.set_ylabel("cortical output to an AB cue (activity, 0-1)")
        d.set_ylim(-0.02, 1.05)
        d.set_title("Cortex: its answer to A drifts from B toward C")
        d.legend(fontsize=8)
    return fig
