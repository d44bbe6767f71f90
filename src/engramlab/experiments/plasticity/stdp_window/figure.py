"""Figure of ``plasticity.stdp-window``: the pair-STDP window and the calcium-rule curve
(Graupner & Brunel 2012, set DP) with the landmarks they are checked on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, draw_target, find_check, new_figure, target_text

from . import LTP_WINDOW_MS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Left: pair STDP (events vs closed form). Right: Graupner-Brunel DP curve + targets."""
    fig = new_figure(12.0, 4.4)
    ax_a, ax_b = fig.subplots(1, 2)

    dt = ds.dt_stdp.values
    ax_a.plot(dt, ds.stdp_dw_closed.values, color="#4c72b0", lw=1.8, label="closed form")
    ax_a.plot(dt, ds.stdp_dw_sampled.values, "o", ms=3, color="#dd8452",
              label="event-driven traces")
    ax_a.axhline(0.0, color="0.5", lw=0.8)
    ax_a.axvline(0.0, color="0.5", lw=0.8)
    ltp = find_check(checks, "stdp_ltp_fraction_small_positive")
    if ltp is not None:
        # The sign pattern of Bi & Poo 1998: LTP for small positive dt (a consistency
        # check: the fitted exponential window has it by construction).
        ax_a.axvspan(0.0, LTP_WINDOW_MS, color=TARGET_STYLE["color"], alpha=0.06, lw=0)
        ax_a.axvline(LTP_WINDOW_MS, **TARGET_STYLE,
                     label=f"Bi & Poo 1998: LTP for 0 < dt <= {LTP_WINDOW_MS:g} ms "
                           f"(fraction {target_text(ltp)}; built into the rule)")
    ax_a.set_xlabel("dt = t_post - t_pre (ms)")
    ax_a.set_ylabel("weight change dw / w_max (1)")
    ax_a.set_title(f"Pair STDP (tau+ {ds.attrs['tau_plus_ms']} ms, "
                   f"tau- {ds.attrs['tau_minus_ms']} ms)")
    ax_a.legend(fontsize=8, loc="upper left")

    ax_b.plot(ds.dt_theory.values, ds.gb_change_theory.values, color="#4c72b0", lw=1.8,
              label="theory (OU, UP / DOWN)")
    n = int(ds.attrs["n_synapses"])
    p_u = ds.gb_p_up_expected.values
    p_d = ds.gb_p_down_expected.values
    # Binomial error bar of the simulated change (beta = 1/2, b = 5 weights: 2/3 U - 2/3 D).
    err = (2 / 3) * np.sqrt((p_u * (1 - p_u) + p_d * (1 - p_d)) / n)
    chi2 = find_check(checks, "gb_sim_chi2_per_point")
    sim = f"simulation ({n} + {n} syn.)"
    if chi2 is not None:
        sim += f",\nchi^2 / point vs theory {target_text(chi2)}"
    ax_b.errorbar(ds.dt_sim.values, ds.gb_change_sim.values, yerr=err, fmt="o", ms=3.5,
                  color="#dd8452", label=sim)
    ax_b.axhline(1.0, color="0.5", lw=0.8)
    ax_b.axvline(0.0, color="0.5", lw=0.8)
    ltd = find_check(checks, "gb_ltd_peak_ms")
    draw_target(ax_b, ltd, axis="x",
                label=f"target: max LTD at {target_text(ltd)} ms" if ltd else None)
    peak = find_check(checks, "gb_ltp_peak_ms")
    draw_target(ax_b, peak, axis="x", color="#55a868",
                label=f"target: max LTP at {target_text(peak)} ms" if peak else None)
    cross = find_check(checks, "gb_crossover_ms")
    draw_target(ax_b, cross, axis="x", color="#7f7f7f",
                label=f"target: crossover at {target_text(cross)} ms" if cross else None)
    ax_b.set_xlabel("dt = t_post - t_pre (ms)")
    ax_b.set_ylabel("change in synaptic strength w_after / w_before (1)")
    ax_b.set_title(f"Graupner & Brunel 2012, set DP: {ds.attrs['n_pairs']} pairs at "
                   f"{ds.attrs['freq_hz']:g} Hz")
    ax_b.legend(fontsize=7, loc="lower right")
    return fig
