"""Figures of ``plasticity.stdp-window`` (the pair-STDP window and the calcium-rule
curve) and ``plasticity.stdp-competition`` (Song, Miller & Abbott 2000)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_stdp_competition", "plot_stdp_window"]


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


def plot_stdp_competition(ds: xr.Dataset) -> Figure:
    """Left: output vs input rate with and without STDP. Middle: final weight
    histograms. Right: correlated vs uncorrelated inputs."""
    fig = new_figure(15.0, 4.4)
    ax_a, ax_b, ax_c = fig.subplots(1, 3)
    rates = ds.input_rate.values
    ax_a.plot(rates, ds.out_rate_stdp.values, "o-", color="#4c72b0", label="with STDP")
    ax_a.plot(rates, ds.out_rate_fixed.values, "s--", color="#7f7f7f",
              label="weights frozen (initial, uniform)")
    lo = ds.out_rate_stdp.values[0]
    # Target: slope <= 0.5 in log-log, drawn as the steepest allowed line from the first point
    ax_a.plot(rates, lo * (rates / rates[0]) ** 0.5, **TARGET_STYLE,
              label="target: slope <= 0.5 (nearly flat, SMA 2000 Fig. 2A)")
    ax_a.set_xscale("log")
    ax_a.set_yscale("log")
    ax_a.set_xticks(rates, [f"{r:g}" for r in rates])
    ax_a.xaxis.set_minor_formatter("")
    ax_a.set_xlabel("input rate (Hz)")
    ax_a.set_ylabel("output rate (Hz)")
    ax_a.set_title("Output rate stabilised by STDP")
    ax_a.legend(fontsize=8, loc="upper left")

    width = float(ds.w_bin.values[1] - ds.w_bin.values[0])
    colors = ["#4c72b0", "#55a868", "#dd8452", "#8172b2", "#937860"]
    for i, r in enumerate(rates):
        h = ds.w_hist.values[i]
        ax_b.step(ds.w_bin.values, h / h.sum(), where="mid", color=colors[i % len(colors)],
                  label=f"{r:g} Hz inputs")
    for x in (0.1, 0.9):
        ax_b.axvline(x, **TARGET_STYLE)
    ax_b.plot([], [], **TARGET_STYLE, label="most mass expected outside 0.1-0.9 g_max")
    ax_b.set_xlabel("final weight w / g_max (1)")
    ax_b.set_ylabel(f"fraction of synapses per {width:.2f} bin (1)")
    ax_b.set_title(f"Bimodal weights after {ds.attrs['duration_s']:g} s of STDP")
    ax_b.legend(fontsize=8, loc="upper center")

    bins = np.linspace(0, 1, 21)
    ax_c.hist(ds.w_uncorrelated.values, bins=bins, color="#7f7f7f", alpha=0.7,
              weights=np.full(ds.w_uncorrelated.size, 1 / ds.w_uncorrelated.size),
              label=f"uncorrelated ({ds.w_uncorrelated.size})")
    ax_c.hist(ds.w_correlated.values, bins=bins, color="#c44e52", alpha=0.7,
              weights=np.full(ds.w_correlated.size, 1 / ds.w_correlated.size),
              label=f"correlated, c = {ds.attrs['corr_c']:g} ({ds.w_correlated.size})")
    ax_c.axvline(0.8, **TARGET_STYLE, label="target: correlated mean >= 0.8")
    ax_c.axvline(0.3, **{**TARGET_STYLE, "color": "#7f7f7f"},
                 label="target: uncorrelated mean <= 0.3")
    ax_c.set_xlabel("final weight w / g_max (1)")
    ax_c.set_ylabel("fraction of the group (1)")
    ax_c.set_title(f"Correlated inputs win ({ds.attrs['corr_rate_hz']:g} Hz, "
                   f"{ds.attrs['corr_duration_s']:g} s)")
    ax_c.legend(fontsize=8, loc="upper center")
    return fig
