"""Figure of ``hopfield.spurious-states``: symmetric 3-mixtures vs load, where they
dissolve, and the energies of patterns, reversed patterns and mixtures (Amit, Gutfreund
& Sompolinsky 1985, 1987)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import draw_target, find_check, new_figure, target_text
from engramlab.plotting.displays import target_segment

from . import HIGH_LOAD_MIN, LOW_LOAD_MAX

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_BLUE, _ORANGE, _GREEN, _GREY = "#4c72b0", "#dd8452", "#55a868", "#7f7f7f"


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: mixture overlap vs load. B: fraction of starts still a mixture vs load, with
    the low- and high-load targets. C: energies per neuron at the lowest load."""
    fig = new_figure(13.0, 4.4)
    ax1, ax2, ax3 = fig.subplots(1, 3, width_ratios=[1.2, 1.0, 1.0])
    loads = ds["load"].values
    a0 = float(loads[0])
    limit = float(ds.attrs["ags_mixture_limit"])
    m = ds.mixture_overlap
    mean = m.mean(("network", "mixture", "component")).values
    sd = m.std(("network", "mixture", "component")).values
    ax1.errorbar(loads, mean, yerr=sd, fmt="o-", color=_BLUE, capsize=3,
                 label="final state (mean ± s.d. over components and starts)")
    ax1.plot(loads, ds.start_overlap.mean(("network", "mixture", "component")).values,
             "s", color=_GREY, ms=4, mfc="none", label="start sgn(xi1 + xi2 + xi3)")
    ax1.axhline(float(ds.attrs["mixture_overlap_theory"]), color=_GREY, linewidth=0.8,
                linestyle="-.", label="AGS 1985: m = 1/2 (alpha -> 0)")
    overlap = find_check(checks, "mixture_overlap")
    draw_target(ax1, overlap, at=a0, label=f"target at alpha = {a0:g}: {target_text(overlap)}"
                if overlap is not None else None)
    ax1.axvline(limit, color=_GREY, linestyle=":", label=f"AGS 1987: stable up to ~{limit:g}")
    ax1.set_xlabel("load alpha = P / N (1)")
    ax1.set_ylabel("overlap with each mixture component (1)")
    ax1.set_title(f"A  3-mixture overlap vs load, N = {ds.attrs['n_neurons']}", fontsize=10)
    ax1.set_ylim(-0.05, 0.75)
    ax1.legend(fontsize=7.5, loc="lower left")

    frac = ds.still_mixture.mean(("network", "mixture")).values
    fixed = ds.fixed_point.mean(("network", "mixture")).values
    ax2.plot(loads, frac, "o-", color=_BLUE, label="still a mixture of the same 3 patterns")
    ax2.plot(loads, fixed, "^--", color=_ORANGE, ms=4, label="start was already a fixed point")
    pad = 0.03 * float(loads.max() - loads.min())  # a range of one load stays visible
    low = find_check(checks, "still_mixture_low_load")
    target_segment(ax2, low, float(loads.min()) - pad, LOW_LOAD_MAX + pad,
                   label=f"target alpha <= {LOW_LOAD_MAX:g}: {target_text(low)}"
                   if low is not None else None)
    high = find_check(checks, "still_mixture_high_load")
    target_segment(ax2, high, HIGH_LOAD_MIN - pad, float(loads.max()) + pad,
                   label=f"target alpha >= {HIGH_LOAD_MIN:g}: {target_text(high)}"
                   if high is not None else None)
    stays = find_check(checks, "mixture_stays_mixture")
    draw_target(ax2, stays, at=a0, label=f"target at alpha = {a0:g}: {target_text(stays)}"
                if stays is not None else None)
    ax2.axvline(limit, color=_GREY, linestyle=":", label=f"AGS 1987 stability limit ~ {limit:g}")
    ax2.set_xlabel("load alpha = P / N (1)")
    ax2.set_ylabel("fraction of mixture starts (1)")
    ax2.set_title(f"B  3-mixtures dissolve near alpha ~ {limit:g}", fontsize=10)
    ax2.set_ylim(-0.05, 1.05)
    ax2.legend(fontsize=7, loc="center left")

    first = ds.isel(load=0)
    groups = [("stored xi", first.pattern_energy.values.ravel(), _BLUE),
              ("reversed -xi", first.reversed_energy.values.ravel(), _ORANGE),
              ("3-mixture", first.mixture_energy.values.ravel(), _GREEN)]
    for x, (_, vals, color) in enumerate(groups):
        jitter = np.linspace(-0.15, 0.15, vals.size) if vals.size > 1 else np.zeros(1)
        ax3.plot(x + jitter, vals, "o", color=color, ms=3, alpha=0.5)
        ax3.plot([x - 0.25, x + 0.25], [vals.mean()] * 2, color="black", linewidth=2)
    pattern = find_check(checks, "pattern_energy_per_neuron")
    mixture = find_check(checks, "mixture_energy_per_neuron")
    target_segment(ax3, pattern, -0.4, 0.4, label=f"target, pattern: {target_text(pattern)}"
                   if pattern is not None else None)
    target_segment(ax3, mixture, 1.6, 2.4, label=f"target, mixture: {target_text(mixture)}"
                   if mixture is not None else None)
    rev = find_check(checks, "reversed_fixed_fraction")
    if rev is not None:
        ax3.plot([], [], " ", label=f"reversed patterns fixed: {rev.value:g} "
                                    f"(target {target_text(rev)})")
    ax3.set_xticks(range(len(groups)), [g[0] for g in groups])
    ax3.set_xlim(-0.6, 2.6)
    ax3.set_ylim(-0.56, -0.3)
    ax3.set_ylabel("energy per neuron E / N^2 (1)")
    ax3.set_title(f"C  energies at alpha = {a0:g} (black: mean)", fontsize=10)
    ax3.legend(fontsize=7, loc="upper left")
    return fig
