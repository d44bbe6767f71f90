"""Figure of ``synapse.short-term-plasticity``: EPSC trains of the depressing and the
facilitating Tsodyks-Markram synapse, their steady states against the closed forms, the
limiting frequency, and the Poisson means."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, draw_target, find_check, new_figure, target_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_BLUE, _ORANGE, _GREEN, _PURPLE, _GREY = "#4c72b0", "#dd8452", "#55a868", "#8172b2", "#7f7f7f"
_COLORS = (_BLUE, _ORANGE, _GREEN, _PURPLE, "#c44e52", "#937860", "#da8bc3", "#8c8c8c")


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """EPSC trains, steady state vs rate, transmitted rate and the limiting frequency."""
    fig = new_figure(14.0, 8.2)
    (ax1, ax2, ax3), (ax4, ax5, ax6) = fig.subplots(2, 3)
    x = ds.sample.values
    for ax, syn, tag in ((ax1, "depressing", "A"), (ax2, "facilitating", "B")):
        for j, f in enumerate(ds.trace_rate.values):
            color = _COLORS[j % len(_COLORS)]
            ax.plot(x, ds.epsc_trace.sel(synapse=syn, trace_rate=f).values, color=color,
                    linewidth=0.9, label=f"{f:g} Hz")
            r_ss = float(ds.trace_closed_form.sel(synapse=syn, trace_rate=f))
            ax.plot([x[-1] + 0.15, x[-1] + 0.85], [r_ss, r_ss], **TARGET_STYLE,
                    label="closed-form steady state" if j == 0 else None)
            ax.plot(x[-1] + 0.5, r_ss, "o", color=color, ms=3)
        u = float(ds.u_se.sel(synapse=syn))
        tau_i = float(ds.tau_inact_ms.sel(synapse=syn))
        ax.set_xlabel("time x rate (inter-spike intervals)")
        ax.set_ylabel("EPSC / A_SE (1)")
        ax.set_title(f"{tag}  {syn} synapse (U = {u:g}, tau_I = {tau_i:g} ms)", fontsize=10)
        ax.legend(fontsize=7, ncol=2, loc="upper right")

    rates = ds.rate.values
    for syn, color in (("depressing", _BLUE), ("facilitating", _ORANGE)):
        rel = ds.release.sel(synapse=syn)
        ax3.plot(rates, (rel.isel(spike=-1) / rel.isel(spike=0)).values, "o", ms=3,
                 color=color, label=f"{syn}: simulated")
        u = float(ds.u_se.sel(synapse=syn))
        ax3.plot(rates, ds.steady_state_closed_form.sel(synapse=syn).values / u,
                 **TARGET_STYLE, label="closed form" if syn == "depressing" else None)
    peak = find_check(checks, "facilitating_peak_frequency_hz")
    draw_target(ax3, peak, axis="x", color=_ORANGE,
                label=f"MWT 1998 theta ~ 1 / sqrt(U tau_F tau_rec): {target_text(peak)} Hz"
                if peak is not None else None)
    ax3.set_yscale("log")
    ax3.set_xlabel("train rate (Hz)")
    ax3.set_ylabel("steady-state / first EPSC (1)")
    ax3.set_title("C  steady state vs rate", fontsize=10)
    ax3.legend(fontsize=7.5)

    dep = ds.release.sel(synapse="depressing")
    u = float(ds.u_se.sel(synapse="depressing"))
    tau_rec = float(ds.tau_rec_ms.sel(synapse="depressing"))  # the run's, for the y range
    f_lim = find_check(checks, "limiting_frequency_hz")
    ax4.plot(rates, rates * dep.isel(spike=-1).values, "o", color=_BLUE, ms=3,
             label="simulated f r_ss")
    ax4.plot(rates, u * rates, color=_GREY, linestyle=":", label="low-rate limit U f")
    saturation = find_check(checks, "transmitted_rate_saturation_hz")
    draw_target(ax4, saturation, color=_GREY,
                label=f"TM 1997 1/f law: f r_ss -> 1 / tau_rec = {target_text(saturation)} Hz"
                if saturation is not None else None)
    draw_target(ax4, f_lim, axis="x", label=f"TM 1997: 1 / (U tau_rec) = {target_text(f_lim)} Hz"
                if f_lim is not None else None)
    ax4.set_ylim(0, 1.3 * 1000.0 / tau_rec)
    _log_rate_axis(ax4, np.array([f for f in (1, 2, 2.5, 5, 10, 20, 40, 100, 200)
                                  if rates.min() <= f <= rates.max()] or [rates.min()]))
    ax4.set_xlabel("train rate f (Hz)")
    ax4.set_ylabel("transmitted rate f r_ss (Hz)")
    ax4.set_title("D  depressing synapse saturates above the limiting frequency",
                  fontsize=10)
    ax4.legend(fontsize=7.5, loc="upper left")

    p_rates = ds.poisson_rate.values
    n = ds.sizes["trial"]
    mr = ds.poisson_mean_release.sel(synapse="depressing")
    ax5.errorbar(p_rates, mr.mean("trial").values,
                 yerr=2 * mr.std("trial").values / np.sqrt(n), fmt="o", color=_BLUE,
                 ms=4, capsize=2, label="Poisson trains (mean ± 2 s.e.)")
    ax5.plot(p_rates, u * ds.poisson_theory_x.sel(synapse="depressing").values,
             **TARGET_STYLE, label="closed form E[r] = U / (1 + U nu tau_rec)")
    ax5.plot(rates, dep.isel(spike=-1).values, color=_GREY, linestyle=":",
             label="regular trains r_ss")
    _log_rate_axis(ax5, p_rates)
    ax5.set_xlabel("mean rate (Hz)")
    ax5.set_ylabel("mean release per spike (1)")
    ax5.set_title("E  depressing synapse, Poisson input", fontsize=10)
    ax5.legend(fontsize=7.5)

    mu = ds.poisson_mean_u.sel(synapse="facilitating")
    ax6.errorbar(p_rates, mu.mean("trial").values,
                 yerr=2 * mu.std("trial").values / np.sqrt(n), fmt="o", color=_ORANGE,
                 ms=4, capsize=2, label="Poisson trains (mean ± 2 s.e.)")
    ax6.plot(p_rates, ds.poisson_theory_u.sel(synapse="facilitating").values,
             **TARGET_STYLE, label="closed form E[u] = U (1 + nu tau_F) / (1 + U nu tau_F)")
    _log_rate_axis(ax6, p_rates)
    ax6.set_xlabel("mean rate (Hz)")
    ax6.set_ylabel("mean utilisation u at a spike (1)")
    ax6.set_title("F  facilitating synapse, Poisson input", fontsize=10)
    ax6.legend(fontsize=7.5)
    return fig


def _log_rate_axis(ax: Axes, rates: np.ndarray) -> None:
    """Log rate axis ticked at the simulated rates only."""
    ax.set_xscale("log")
    ax.set_xticks(rates, [f"{r:g}" for r in rates])
    ax.minorticks_off()
