"""Figure of ``plasticity.tagging-capture``: weight time courses of every condition, with
each checked claim drawn where (condition, pathway) and when (time) its metric is read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, bounds, new_figure, target_text

from . import measurements

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_PATH_COLORS = {1: "#4c72b0", 2: "#dd8452"}
_BAND_ALPHA = 0.25

#: A claim: the check, the pathway (1-based), the time (h) its metric is read, and the
#: % change one unit of the check stands for (1 for a % change).
_Claim = tuple[Check, int, float, float]
#: Fraction checks: their measure in units of the early LTP of a weak tetanus alone.
_FRACTIONS = {"capture_fraction": "capture_s2_late",
              "weak_1h_before_fraction": "weak_1h_before_s2_late"}


def _claims(ds: xr.Dataset, checks: Sequence[Check]) -> dict[str, list[_Claim]]:
    """The run's checks, by condition, placed where their metrics are read."""
    where = measurements(ds.attrs)
    cond, t_h, pw = where["weak_tetanus_early"]
    unit = float(ds.weight_pct.sel(condition=cond, pathway=pw)
                 .sel(time=t_h, method="nearest").mean()) - 100.0
    out: dict[str, list[_Claim]] = {}
    for check in checks:
        stem, _, kind = check.name.rpartition("_")
        scale = 1.0
        if check.name in _FRACTIONS:
            stem, kind, scale = _FRACTIONS[check.name], "pct", unit
        if kind in ("pct", "z") and stem in where:
            cond, t_h, pw = where[stem]
            out.setdefault(cond, []).append((check, pw, float(t_h), scale))
    return out


def _panel(ax: Axes, ds: xr.Dataset, cond: str, claims: list[_Claim]) -> None:
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
    down = any(c.compare == "at_most" for c, _, _, _ in claims)
    for check, pw, tc, scale in claims:
        ax.axvline(tc, **TARGET_STYLE)
        if check.compare in ("abs", "rel"):
            # A band of the % change (or of the fraction of the weak early LTP).
            lo, hi = bounds(check)
            ax.fill_between([tc - 0.25, tc + 0.25], 100.0 + scale * lo, 100.0 + scale * hi,
                            color=TARGET_STYLE["color"], alpha=_BAND_ALPHA, lw=0)
            txt = (f"S{pw} change {target_text(check)} %" if scale == 1.0 else
                   f"S{pw}: {target_text(check)} x weak early LTP")
            if check.deviation and not check.passed:
                txt += " - NOT REPRODUCED"
        else:
            side = "below" if check.compare == "at_most" else "above"
            txt = f"S{pw} change {target_text(check)} % ({side} baseline)"
        ax.text(tc, 0.03 if not down else 0.80, txt, transform=ax.get_xaxis_transform(),
                fontsize=6.5, color=TARGET_STYLE["color"], ha="right", rotation=90,
                va="bottom" if not down else "top")
    ax.set_title(str(sub.label.values), fontsize=8.5)
    ax.set_xlabel("time from the strong tetanus / stimulus (h)")
    ax.set_ylabel("mean weight (% of baseline)")
    ax.legend(fontsize=6.5, loc="upper right" if not down else "lower right")


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """One panel per condition: mean weight (% of baseline) vs time, +- SE over trials,
    stimuli marked by arrows, the checked claims in red dashed (time of the check)."""
    fig = new_figure(15.0, 11.0)
    axes = fig.subplots(3, 3).ravel()
    conds = [str(c) for c in ds.condition.values]
    claims = _claims(ds, checks)
    for ax, cond in zip(axes, conds, strict=False):
        _panel(ax, ds, cond, claims.get(cond, []))
    ax = axes[len(conds)]
    t = ds.time.values
    for k, cond in enumerate(conds):
        ls = ("-", "--", ":", "-.")[k % 4]
        ax.plot(t, ds.protein.sel(condition=cond).mean("trial"), ls=ls, lw=1.2,
                label=str(ds.label.sel(condition=cond).values))
    ax.set_xlabel("time from the strong tetanus / stimulus (h)")
    ax.set_ylabel("protein p (1, mean over trials)")
    ax.set_title("protein p (shared by both pathways)", fontsize=8.5)
    ax.set_xlim(-0.5, t[-1] + 0.3)
    ax.legend(fontsize=5.5, loc="upper right")
    if claims:
        axes[0].plot([], [], **TARGET_STYLE, label="time of a checked claim")
        axes[0].legend(fontsize=6.5, loc="upper right")
    return fig
