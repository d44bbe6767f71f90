"""Figure of ``plasticity.stdp-competition``: rate stabilisation, bimodal weights and
the victory of correlated inputs (Song, Miller & Abbott 2000, Figs. 1-3)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, draw_target, find_check, new_figure, target_text
from engramlab.plotting.displays import weight_histogram

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Left: output vs input rate with and without STDP. Middle: final weight
    histograms. Right: correlated vs uncorrelated inputs."""
    fig = new_figure(15.0, 4.4)
    ax_a, ax_b, ax_c = fig.subplots(1, 3)
    rates = ds.input_rate.values
    ax_a.plot(rates, ds.out_rate_stdp.values, "o-", color="#4c72b0", label="with STDP")
    ax_a.plot(rates, ds.out_rate_fixed.values, "s--", color="#7f7f7f",
              label="weights frozen (initial, uniform)")
    slope = find_check(checks, "rate_slope_stdp")
    if slope is not None:
        # The steepest log-log slope allowed, drawn from the first point.
        bound = slope.target + slope.tolerance
        lo = ds.out_rate_stdp.values[0]
        ax_a.plot(rates, lo * (rates / rates[0]) ** bound, **TARGET_STYLE,
                  label=f"target: slope {target_text(slope)} (nearly flat, SMA 2000 Fig. 2A)")
    ax_a.set_xscale("log")
    ax_a.set_yscale("log")
    ax_a.set_xticks(rates, [f"{r:g}" for r in rates])
    ax_a.xaxis.set_minor_formatter("")
    ax_a.set_xlabel("input rate (Hz)")
    ax_a.set_ylabel("output rate (Hz)")
    ax_a.set_title("Output rate stabilised by STDP" if slope is not None else
                   "Output rate (stabilisation checked in the full preset only)")
    ax_a.legend(fontsize=8, loc="upper left")

    width = float(ds.w_bin.values[1] - ds.w_bin.values[0])
    colors = ["#4c72b0", "#55a868", "#dd8452", "#8172b2", "#937860"]
    for i, r in enumerate(rates):
        h = ds.w_hist.values[i]
        ax_b.step(ds.w_bin.values, h / h.sum(), where="mid", color=colors[i % len(colors)],
                  label=f"{r:g} Hz inputs")
    outer = find_check(checks, "outer_fraction_top_rate")
    if outer is not None:
        for x in (0.1, 0.9):
            ax_b.axvline(x, **TARGET_STYLE)
        ax_b.plot([], [], **TARGET_STYLE,
                  label=f"fraction outside 0.1-0.9 g_max {target_text(outer)} expected")
    ax_b.set_xlabel("final weight w / g_max (1)")
    ax_b.set_ylabel(f"fraction of synapses per {width:.2f} bin (1)")
    ax_b.set_title(f"Weights after {ds.attrs['duration_s']:g} s of STDP"
                   + ("" if outer is not None else " (bimodality: full preset only)"))
    ax_b.legend(fontsize=8, loc="upper center")

    bins = np.linspace(0, 1, 21)
    weight_histogram(ax_c, ds.w_uncorrelated.values, bins=bins, color="#7f7f7f",
                     label=f"uncorrelated ({ds.w_uncorrelated.size})")
    weight_histogram(ax_c, ds.w_correlated.values, bins=bins, color="#c44e52",
                     label=f"correlated, c = {ds.attrs['corr_c']:g} ({ds.w_correlated.size})")
    corr = find_check(checks, "corr_mean_w")
    unc = find_check(checks, "uncorr_mean_w")
    draw_target(ax_c, corr, axis="x", label=f"target: correlated mean {target_text(corr)}"
                if corr else None)
    draw_target(ax_c, unc, axis="x", color="#7f7f7f",
                label=f"target: uncorrelated mean {target_text(unc)}" if unc else None)
    ax_c.set_xlabel("final weight w / g_max (1)")
    ax_c.set_ylabel("fraction of the group (1)")
    ax_c.set_title(f"Correlated inputs win ({ds.attrs['corr_rate_hz']:g} Hz, "
                   f"{ds.attrs['corr_duration_s']:g} s)")
    ax_c.legend(fontsize=8, loc="upper center")
    return fig
