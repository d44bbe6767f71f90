"""Figure of ``neuron.action-potential``: the HH spike, its threshold, its all-or-none
size and refractoriness against an independent solution of HH's equations, and the LIF
f-I curve and latency against their closed forms and an ODE solution."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import (
    TARGET_STYLE,
    bounds,
    draw_target,
    find_check,
    new_figure,
    target_text,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: The target style, typed loosely for matplotlib's keyword arguments.
_TARGET: dict[str, Any] = dict(TARGET_STYLE)


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Six panels: HH pulse traces, spike size vs stimulus, HH Fig. 12 shocks,
    refractoriness, LIF f-I curve, LIF first-spike latency; the references of the
    theory checks (HH's equations and the LIF ODE by SciPy's solvers) drawn beside."""
    from matplotlib import colormaps
    from matplotlib.ticker import NullFormatter

    fig = new_figure(14.0, 8.2)
    (ax_a, ax_b, ax_c), (ax_d, ax_e, ax_f) = fig.subplots(2, 3)
    rest = float(ds.attrs["hh_rest_mv"])
    thr = float(ds.attrs["hh_pulse_threshold_pa"])
    time = ds.time.values
    amps = ds.amplitude.values
    fired = ds.pulse_spikes.values >= 1

    # A: voltage traces of the pulse series.
    colors = colormaps["viridis"](np.linspace(0.0, 0.9, amps.size))
    for k, (amp, color) in enumerate(zip(amps, colors, strict=True)):
        ax_a.plot(time, ds.pulse_v.values[k], color=color, linewidth=1.0,
                  linestyle="-" if fired[k] else ":",
                  label=f"{amp:g} pA" if k in (0, amps.size - 1) else None)
    onset, width = float(ds.attrs["hh_pulse_onset_ms"]), float(ds.attrs["hh_pulse_ms"])
    ax_a.axvspan(onset, onset + width, color="grey", alpha=0.2, label="pulse")
    ax_a.set_xlabel("time (ms)")
    ax_a.set_ylabel("membrane potential V (mV)")
    ax_a.set_title(f"A  HH: {width:g} ms pulses below (dotted) and above threshold",
                   fontsize=10)
    ax_a.legend(fontsize=7.5, loc="upper right")

    # B: spike size vs pulse amplitude.
    size = ds.pulse_peak.values - rest
    ax_b.semilogx(amps[~fired], size[~fired], "o", color="#7f7f7f",
                  label="no spike (graded response)")
    ax_b.semilogx(amps[fired], size[fired], "o", color="#4c72b0", label="spike")
    ax_b.semilogx(amps, ds.ode_pulse_peak.values, "+", color="black", markersize=8,
                  label="HH's equations (odeint)")
    if np.isfinite(thr):
        ax_b.axvline(thr, color="black", linewidth=0.8, linestyle=":",
                     label=f"threshold {thr:.0f} pA (bisection)")
    spread = find_check(checks, "hh_amplitude_spread")
    if fired.sum() >= 1 and spread is not None:
        # (max - min) / mean <= s: every spike within ± s / 2 of the mean spike.
        half = 0.5 * bounds(spread)[1]
        mean = float(size[fired].mean())
        ax_b.axhspan((1 - half) * mean, (1 + half) * mean, color=TARGET_STYLE["color"],
                     alpha=0.12, label=f"mean spike ± {100 * half:.3g} % (spread target "
                                       f"{target_text(spread)})")
    ax_b.xaxis.set_minor_formatter(NullFormatter())
    ax_b.set_xlabel("pulse amplitude (pA)")
    ax_b.set_ylabel("peak V - rest (mV)")
    ax_b.set_title("B  all-or-none: spike size vs stimulus", fontsize=10)
    ax_b.legend(fontsize=7.5, loc="center right")

    # C: HH 1952 Fig. 12, instantaneous displacements.
    shock_t = time[time <= 20.0]
    for k, (dv, color) in enumerate(zip(ds.shock.values, colormaps["plasma"](
            np.linspace(0.0, 0.8, ds.sizes["shock"])), strict=True)):
        ax_c.plot(shock_t, ds.shock_v.values[k, :shock_t.size] - rest, color=color,
                  label=f"{dv:g} mV")
    bracket = find_check(checks, "hh_shock_threshold_mv")
    if bracket is not None:
        lo, hi = bounds(bracket)
        ax_c.axhline(lo, **TARGET_STYLE, label=f"HH 1952: threshold between {lo:g} and "
                                               f"{hi:g} mV")
        ax_c.axhline(hi, **TARGET_STYLE)
    shock_thr = float(ds.attrs["hh_shock_threshold_mv"])
    ode_thr = float(ds.attrs["ode_shock_threshold_mv"])
    ax_c.axhline(shock_thr, color="black", linewidth=0.8, linestyle=":",
                 label=f"model: {shock_thr:.3f} mV (HH's equations, odeint: "
                       f"{ode_thr:.3f})")
    ax_c.set_xlabel("time (ms)")
    ax_c.set_ylabel("V - rest (mV)")
    ax_c.set_title("C  HH 1952 Fig. 12: instantaneous depolarisations", fontsize=10)
    ax_c.set_ylim(-15, 115)
    ax_c.legend(fontsize=7.5, loc="upper right")

    _refractory_panel(ax_d, ds, checks)
    _lif_panels(ax_e, ax_f, ds)
    return fig


def _refractory_panel(ax_d: Axes, ds: xr.Dataset, checks: Sequence[Check]) -> None:
    """D: the test threshold after each interval and the absolute refractory period."""
    thr = float(ds.attrs["hh_pulse_threshold_pa"])
    order = np.argsort(ds.interval.values)
    intervals = ds.interval.values[order]
    ratio = ds.test_threshold.values[order] / thr
    absolute = np.isnan(ratio)
    ax_d.semilogy(intervals[~absolute], ratio[~absolute], "o-", color="#4c72b0",
                  label="test pulse threshold / resting threshold")
    ode = ds.ode_test_threshold.values[order] / thr
    ax_d.semilogy(intervals, np.where(np.isfinite(ode), ode, np.nan), "+", color="black",
                  markersize=9, label="HH's equations (odeint)")
    top = float(ds.attrs["hh_test_max_pa"]) / thr
    if absolute.any():
        ax_d.semilogy(intervals[absolute], np.full(absolute.sum(), top), "x",
                      color="#c44e52", markersize=8,
                      label=f"no pulse up to {top:.0f}x fires (absolute)")
    t_abs = float(ds.attrs["hh_absolute_refractory_ms"])
    if np.isfinite(t_abs):
        ax_d.axvline(t_abs, color="#c44e52", linewidth=0.8, linestyle=":",
                     label=f"absolute refractory period {t_abs:.2f} ms (bisection; "
                           f"HH's equations {float(ds.attrs['ode_absolute_refractory_ms']):.2f})")
    recovered = find_check(checks, "hh_recovered_threshold_ratio")
    draw_target(ax_d, recovered, label=f"recovered: ratio {target_text(recovered)}"
                if recovered is not None else None)
    ax_d.set_xlabel("interval between conditioning and test pulse (ms)")
    ax_d.set_ylabel("threshold ratio (1)")
    ax_d.set_title("D  refractoriness after a spike", fontsize=10)
    ax_d.legend(fontsize=7, loc="center right")


def _lif_panels(ax_e: Axes, ax_f: Axes, ds: xr.Dataset) -> None:
    """E: the LIF f-I curve; F: the first-spike latency from V0."""
    # E: LIF f-I curve.
    currents = ds.current.values
    ax_e.plot(currents, ds.lif_rate_theory.values, **_TARGET,
              label="the model's closed form f(I)")
    ax_e.plot(currents, ds.lif_rate_ode.values, "+", color="black", markersize=9,
              label="ODE by solve_ivp (Brette et al. 2007 constants)")
    ax_e.plot(currents, np.nan_to_num(ds.lif_rate_sim.values), "o", color="#4c72b0",
              markersize=4, label="simulated (exact spike times)")
    ax_e.axvline(float(ds.attrs["lif_rheobase_pa"]), color="grey", linewidth=0.8,
                 linestyle=":", label="rheobase")
    ax_e.set_xlabel("input current I (pA)")
    ax_e.set_ylabel("firing rate (Hz)")
    ax_e.set_title("E  LIF f-I curve", fontsize=10)
    ax_e.legend(fontsize=7.5, loc="upper left")

    # F: LIF first-spike latency from V0.
    theory = ds.lif_latency_theory.values
    sim = ds.lif_first_spike.values
    ok = np.isfinite(theory)
    if ok.any():
        span = np.array([0.0, float(np.nanmax(theory[ok])) * 1.05])
        ax_f.plot(span, span, **_TARGET, label="the model's closed form")
        ax_f.scatter(theory[ok], sim[ok], c=ds.lif_v0.values[ok], cmap="viridis", s=16,
                     label="simulated (colour: V0)")
        ax_f.plot(theory[ok], ds.lif_latency_ode.values[ok], "+", color="black",
                  markersize=8, label="ODE by solve_ivp")
    ax_f.set_xlabel("closed-form latency (ms)")
    ax_f.set_ylabel("first-spike time (ms)")
    ax_f.set_title("F  LIF latency from V0", fontsize=10)
    ax_f.legend(fontsize=7.5, loc="upper left")
