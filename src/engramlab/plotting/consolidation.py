"""Figure of ``plasticity.tagging-capture``: weight time courses of every condition."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_tagging_capture"]

_PATH_COLORS = {1: "#4c72b0", 2: "#dd8452"}

#: What the literature says for each condition: (pathway, "present" / "baseline", when).
#: "present" = potentiated (depressed for LFS) at that time, "baseline" = back to 100 %.
_CLAIMS: dict[str, tuple[tuple[int, str, str], ...]] = {
    "weak_tetanus": ((1, "present", "early"), (1, "baseline", "decay")),
    "strong_tetanus": ((1, "present", "late"),),
    "anisomycin": ((1, "present", "early"), (1, "baseline", "late")),
    "capture": ((2, "present", "late"),),
    "weak_4h_before": ((2, "baseline", "late"),),
    "weak_lfs": ((1, "present", "early"), (1, "baseline", "decay")),
    "strong_lfs": ((1, "present", "late"),),
}


def _claim_time(ds: xr.Dataset, cond: str, when: str, pathway: int) -> float:
    a = ds.attrs
    if when == "early":
        return float(a["early_time_h"])
    if when == "late":
        return float(a["late_time_h"])
    onset = float(np.nanmax(ds.stim_time.sel(condition=cond).where(
        ds.stim_pathway.sel(condition=cond) == pathway)))
    return onset + float(a["decay_time_h"])


def _panel(ax: Axes, ds: xr.Dataset, cond: str) -> None:
    t = ds.time.values
    sub = ds.sel(condition=cond)
    stim_paths = {int(p) for p in sub.stim_pathway.values if p > 0}
    n = sub.sizes["trial"]
    for pw in sorted(stim_paths):
        y = sub.weight_pct.sel(pathway=pw)
        mean = y.mean("trial").values
        se = y.std("trial", ddof=1).values / np.sqrt(n)
        ax.plot(t, mean, color=_PATH_COLORS[pw], lw=1.6, label=f"S{pw} (mean of {n})")
        ax.fill_between(t, mean - se, mean + se, color=_PATH_COLORS[pw], alpha=0.25, lw=0)
    ax.axhline(100.0, color="0.5", lw=0.8)
    ax.axhspan(95.0, 105.0, color=TARGET_STYLE["color"], alpha=0.06)
    if cond == "anisomycin":
        lo, hi = ds.attrs["anisomycin_window_h"]
        ax.axvspan(lo, hi, color="#8172b2", alpha=0.15, label="anisomycin")
    for t_on, pw in zip(sub.stim_time.values, sub.stim_pathway.values, strict=True):
        if pw > 0:
            color = _PATH_COLORS[int(pw)]
            ax.annotate("", xy=(t_on, 0.86), xycoords=("data", "axes fraction"),
                        xytext=(t_on, 0.99), textcoords=("data", "axes fraction"),
                        arrowprops={"arrowstyle": "->", "color": color, "lw": 1.5})
            ax.axvline(t_on, color=color, lw=0.6, ls=":")
    starts = sub.stim_time.values[sub.stim_pathway.values > 0]
    ax.set_xlim(min(-0.5, float(np.min(starts)) - 0.5), t[-1] + 0.3)
    down = "lfs" in cond
    for pw, kind, when in _CLAIMS[cond]:
        tc = _claim_time(ds, cond, when, pw)
        ax.axvline(tc, **TARGET_STYLE)
        if kind == "baseline":
            ax.plot([tc - 0.25, tc + 0.25], [100.0, 100.0], color=TARGET_STYLE["color"],
                    lw=3)
            txt = f"S{pw} back to 100 +- 5 %"
        else:
            txt = f"S{pw} {'below' if down else 'above'} 100 %"
        ax.text(tc, 0.03 if not down else 0.80, txt, transform=ax.get_xaxis_transform(),
                fontsize=6.5, color=TARGET_STYLE["color"], ha="right", rotation=90,
                va="bottom" if not down else "top")
    ax.set_title(str(sub.label.values), fontsize=8.5)
    ax.set_xlabel("time from the strong tetanus / stimulus (h)")
    ax.set_ylabel("mean weight (% of baseline)")
    ax.legend(fontsize=6.5, loc="upper right" if not down else "lower right")


def plot_tagging_capture(ds: xr.Dataset) -> Figure:
    """One panel per condition: mean weight (% of baseline) vs time, +- SE over trials,
    stimuli marked by arrows, the published claims in red dashed (time of the check)."""
    fig = new_figure(15.0, 7.8)
    axes = fig.subplots(2, 4).ravel()
    conds = [str(c) for c in ds.condition.values]
    for ax, cond in zip(axes, conds, strict=False):
        _panel(ax, ds, cond)
    ax = axes[len(conds)]
    t = ds.time.values
    for cond, ls in zip(conds, ("-", "--", ":", "-.", "-", "--", ":"), strict=False):
        ax.plot(t, ds.protein.sel(condition=cond).mean("trial"), ls=ls, lw=1.2,
                label=str(ds.label.sel(condition=cond).values))
    ax.set_xlabel("time from the strong tetanus / stimulus (h)")
    ax.set_ylabel("protein p (1, mean over trials)")
    ax.set_title("protein p (shared by both pathways)", fontsize=8.5)
    ax.set_xlim(-0.5, t[-1] + 0.3)
    ax.legend(fontsize=5.5, loc="upper right")
    axes[0].plot([], [], **TARGET_STYLE, label="time of a published claim")
    axes[0].legend(fontsize=6.5, loc="upper right")
    return fig
