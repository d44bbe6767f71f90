"""Figure of ``hopfield.stochastic``: the time-averaged overlap vs temperature per load,
with the Curie-Weiss solution m = tanh(m / T), and the edge of the retrieval region."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.analysis.curves import falls_below
from engramlab.core import Check
from engramlab.memory import ags_critical_load
from engramlab.plotting import TARGET_STYLE, draw_target, find_check, new_figure, target_text
from engramlab.plotting.displays import target_segment

from . import HALF, HIGH_T, LOW_T, curie_weiss_overlap

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: overlap vs temperature per load, with m = tanh(m / T) and its checked band.
    B: the temperature at which m falls through 1/2, vs load."""
    from matplotlib import colormaps

    fig = new_figure(11.0, 4.4)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.4, 1.0])
    temps = ds.temperature.values
    loads = ds["load"].values
    colors = colormaps["viridis"](np.linspace(0.0, 0.85, loads.size))
    mean = ds.overlap.mean("trial")
    sem = ds.overlap.std("trial") / np.sqrt(ds.sizes["trial"])
    fine = np.linspace(0.0, float(temps.max()), 400)
    cw = curie_weiss_overlap(fine)
    ax.plot(fine, cw, color="#333333", linewidth=1.0, label="m = tanh(m / T)  (alpha -> 0)")
    dev = find_check(checks, "max_dev_tanh_low_T")
    if dev is not None:
        lo, hi = dev.target - dev.tolerance, dev.target + dev.tolerance
        low = fine <= LOW_T
        ax.fill_between(fine[low], cw[low] + lo, cw[low] + hi, color=TARGET_STYLE["color"],
                        alpha=0.12, linewidth=0)
        ax.plot(fine[low], cw[low], **TARGET_STYLE,
                label=f"target at the lowest load: tanh solution ± {dev.tolerance:.3g} "
                      f"for T <= {LOW_T:g}")
    hot = find_check(checks, "overlap_above_Tc")
    target_segment(ax, hot, HIGH_T, float(temps.max()),
                   label=f"target: m {target_text(hot)} for T >= {HIGH_T:g}"
                   if hot is not None else None)
    ax.axvline(1.0, color="grey", linewidth=0.8, linestyle=":", label="T_c = 1 (alpha -> 0)")
    for a, color in zip(loads, colors, strict=True):
        m, s = mean.sel(load=a).values, sem.sel(load=a).values
        ax.errorbar(temps, m, yerr=s, fmt="o-", ms=3.5, color=color, capsize=2,
                    label=f"alpha = {a:g} (P = {int(ds.n_patterns.sel(load=a))})")
    ax.set_xlabel("temperature T (1)")
    ax.set_ylabel("time-averaged overlap with the pattern (1)")
    ax.set_title(f"A  Glauber dynamics, N = {ds.attrs['n_neurons']} "
                 f"(mean ± s.e.m., {ds.sizes['trial']} runs)", fontsize=10)
    ax.set_ylim(-0.1, 1.05)
    ax.legend(fontsize=7, loc="lower left")

    halves = [falls_below(temps, mean.sel(load=a).values, HALF) for a in loads]
    ax2.plot(loads, halves, "o-", color="#4c72b0", label=f"measured: m falls through {HALF:g}")
    t_half = find_check(checks, "T_half_low_load")
    draw_target(ax2, t_half, at=float(loads[0]),
                label=f"target at the lowest load: {target_text(t_half)} (mean field)"
                if t_half is not None else None)
    alpha_c, _ = ags_critical_load()
    ax2.plot([0.0, alpha_c], [1.0, 0.0], "D", color="grey",
             label=f"AGS end points of the retrieval region:\nT_c = 1 at alpha -> 0, "
                   f"alpha_c = {alpha_c:.3f} at T = 0")
    ax2.axhline(1.0, color="grey", linewidth=0.8, linestyle=":", label="T_c = 1 (alpha -> 0)")
    shrinks = find_check(checks, "retrieval_region_shrinks")
    ax2.set_xlabel("load alpha = P / N (1)")
    ax2.set_ylabel("temperature T (1)")
    ax2.set_title("B  the retrieval region shrinks as the load grows" + (
        f"\n(checked: {'passed' if shrinks.passed else 'FAILED'})"
        if shrinks is not None else ""), fontsize=10)
    ax2.set_xlim(-0.005, alpha_c + 0.007)
    ax2.set_ylim(0, 1.1)
    ax2.legend(fontsize=7.5, loc="upper right")
    return fig
