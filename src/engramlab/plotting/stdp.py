"""Figure of ``plasticity.stdp-window``: the pair-STDP window and the calcium-rule curve."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_stdp_window"]


def plot_stdp_window(ds: xr.Dataset) -> Figure:
    """Left: pair STDP (events vs closed form). Right: Graupner-Brunel DP curve + targets."""
    fig = new_figure(12.0, 4.4)
    ax_a, ax_b = fig.subplots(1, 2)

    dt = ds.dt_stdp.values
    ax_a.plot(dt, ds.stdp_dw_closed.values, color="#4c72b0", lw=1.8, label="closed form")
    ax_a.plot(dt, ds.stdp_dw_sampled.values, "o", ms=3, color="#dd8452",
              label="event-driven traces")
    ax_a.axhline(0.0, color="0.5", lw=0.8)
    ax_a.axvline(0.0, color="0.5", lw=0.8)
    # Target: the sign pattern of Bi & Poo 1998 -- LTP for small positive dt.
    ax_a.axvline(20.0, **TARGET_STYLE, label="LTP expected for 0 < dt <= 20 ms")
    ax_a.set_xlabel("dt = t_post - t_pre (ms)")
    ax_a.set_ylabel("weight change dw / w_max (1)")
    ax_a.set_title(f"Pair STDP (tau+ {ds.attrs['tau_plus_ms']} ms, "
                   f"tau- {ds.attrs['tau_minus_ms']} ms)")
    ax_a.legend(fontsize=8, loc="lower right")

    ax_b.plot(ds.dt_theory.values, ds.gb_change_theory.values, color="#4c72b0", lw=1.8,
              label="theory (OU between UP / DOWN)")
    n = int(ds.attrs["n_synapses"])
    p_u = ds.gb_p_up_expected.values
    p_d = ds.gb_p_down_expected.values
    # Binomial error bar of the simulated change (beta = 1/2, b = 5 weights: 2/3 U - 2/3 D).
    err = (2 / 3) * np.sqrt((p_u * (1 - p_u) + p_d * (1 - p_d)) / n)
    ax_b.errorbar(ds.dt_sim.values, ds.gb_change_sim.values, yerr=err, fmt="o", ms=3.5,
                  color="#dd8452", label=f"simulation ({n} + {n} synapses)")
    ax_b.axhline(1.0, color="0.5", lw=0.8)
    ax_b.axvline(0.0, color="0.5", lw=0.8)
    ax_b.axvspan(-30, -20, color=TARGET_STYLE["color"], alpha=0.08)
    ax_b.axvspan(0, 20, color="#55a868", alpha=0.08)
    for x in (-30.0, -20.0):
        ax_b.axvline(x, **TARGET_STYLE)
    ax_b.axvline(-15.0, **{**TARGET_STYLE, "color": "#7f7f7f"})
    ax_b.plot([], [], **TARGET_STYLE, label="max LTD expected at -30 .. -20 ms")
    ax_b.plot([], [], **{**TARGET_STYLE, "color": "#7f7f7f"},
              label="crossover expected at -15 .. 0 ms")
    ax_b.set_xlabel("dt = t_post - t_pre (ms)")
    ax_b.set_ylabel("change in synaptic strength w_after / w_before (1)")
    ax_b.set_title(f"Graupner & Brunel 2012, set DP: {ds.attrs['n_pairs']} pairs at "
                   f"{ds.attrs['freq_hz']:g} Hz")
    ax_b.legend(fontsize=8, loc="upper left")
    return fig
