"""Figures of the synapse experiments (seed chapter 1): transmission, NMDA block, STP."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_nmda_mg_block", "plot_short_term_plasticity", "plot_transmission"]

_BLUE, _ORANGE, _GREEN, _PURPLE, _GREY = "#4c72b0", "#dd8452", "#55a868", "#8172b2", "#7f7f7f"
_COLORS = (_BLUE, _ORANGE, _GREEN, _PURPLE, "#c44e52", "#937860", "#da8bc3", "#8c8c8c")


def plot_transmission(ds: xr.Dataset) -> Figure:
    """Ca2+ cooperativity, quantal statistics, EPSP / IPSP and their reversal."""
    fig = new_figure(14.0, 8.2)
    (ax1, ax2, ax3), (ax4, ax5, ax6) = fig.subplots(2, 3)

    ca = ds.ca.values
    m = ds.mean_quanta.values
    se = ds.sem_quanta.values
    ok = m > 0
    ax1.errorbar(ca[ok], m[ok], yerr=se[ok], fmt="o", color=_BLUE, ms=4, capsize=2,
                 label="simulated mean quantal content")
    ax1.plot(ca, ds.expected_quanta.values, color=_GREY, linewidth=1,
             label="model N p([Ca])")
    low = ca <= float(ds.attrs["low_ca_max_mm"])
    c0 = ca[low][0]
    ref = ds.expected_quanta.values[low][0]
    grid = np.geomspace(ca.min(), ca.max(), 50)
    ax1.plot(grid, ref * (grid / c0) ** 4, **TARGET_STYLE,
             label="Dodge & Rahamimoff 1967: slope 4")
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_ylim(m[ok].min() / 3, ds.attrs["n_sites"] * 2)
    ax1.set_xlabel("[Ca2+]o (mM)")
    ax1.set_ylabel("mean quanta per spike (1)")
    ax1.set_title(f"A  release vs calcium, [Mg2+] = {ds.attrs['mg_mm']:g} mM; "
                  f"low-Ca slope {float(ds.attrs['low_ca_slope']):.2f}", fontsize=10)
    ax1.legend(fontsize=7.5, loc="lower right")

    q = float(ds.attrs["quantal_size_mv"])
    mean_a = ds.mean_quanta.values * q
    var_a = ds.var_quanta.values * q * q
    ax2.plot(mean_a, var_a, "o", color=_BLUE, ms=4, label="simulated (one point per [Ca])")
    mu = np.linspace(0, float(ds.attrs["n_sites"]) * q, 200)
    ax2.plot(mu, q * mu - mu**2 / float(ds.attrs["n_sites"]), **TARGET_STYLE,
             label="binomial: Var = q E - E^2 / N")
    ax2.set_xlabel("mean response N p q (mV)")
    ax2.set_ylabel("variance (mV^2)")
    ax2.set_title("B  variance-mean parabola (del Castillo & Katz)", fontsize=10)
    ax2.legend(fontsize=7.5)

    counts = ds.histogram.values
    k = ds.quanta.values
    n_trials = counts.sum()
    ax3.bar(k * q, counts / n_trials, width=0.8 * q, color=_BLUE, alpha=0.6,
            label=f"simulated, {int(n_trials)} spikes")
    ax3.plot(k * q, ds.binomial_pmf.values, **TARGET_STYLE, marker="o", ms=3,
             label=f"Binomial(N, p = {float(ds.attrs['p_reference']):.3g})")
    shown = ds.binomial_pmf.values > 1e-4
    if shown.any():
        ax3.set_xlim((k[shown].min() - 1) * q, (k[shown].max() + 1) * q)
    ax3.set_xlabel("response amplitude k q (mV)")
    ax3.set_ylabel("probability (1)")
    ax3.set_title(f"C  quantal amplitudes at [Ca2+]o = {ds.attrs['ca_reference_mm']:g} mM",
                  fontsize=10)
    ax3.legend(fontsize=7.5)

    t = ds.time.values
    for rec, color in zip(ds.receptor.values, (_ORANGE, _BLUE), strict=True):
        ax4.plot(t, ds.psp_at_rest.sel(receptor=rec).values, color=color,
                 label=f"{rec} (E = {float(ds.e_rev.sel(receptor=rec)):g} mV)")
    e_l = float(ds.attrs["e_leak_mv"])
    ax4.axhline(e_l, color=_GREY, linestyle=":", label=f"rest E_L = {e_l:g} mV")
    ax4.set_xlabel("time after the spike (ms)")
    ax4.set_ylabel("membrane potential (mV)")
    ax4.set_title("D  EPSP depolarises, IPSP hyperpolarises", fontsize=10)
    ax4.legend(fontsize=7.5)

    hold = ds.holding.values
    for rec, color in zip(ds.receptor.values, (_ORANGE, _BLUE), strict=True):
        amp = ds.psp_amplitude.sel(receptor=rec).values
        ax5.plot(hold, amp, "o-", color=color, ms=3, label=f"{rec}")
        e = float(ds.e_rev.sel(receptor=rec))
        ax5.axvline(e, **TARGET_STYLE, label=f"E_{rec} = {e:g} mV")
    ax5.axhline(0.0, color=_GREY, linewidth=0.8)
    ax5.set_xlabel("holding potential before the spike (mV)")
    ax5.set_ylabel("PSP peak deflection (mV)")
    ax5.set_title("E  PSPs reverse at the receptor's E_rev", fontsize=10)
    ax5.legend(fontsize=7.5)

    for j, v in enumerate(ds.holding_example.values):
        ax6.plot(t, ds.ipsp_examples.sel(holding_example=v).values,
                 color=_COLORS[j % len(_COLORS)], label=f"{v:g} mV")
    e_gaba = float(ds.e_rev.sel(receptor="GABA_A"))
    ax6.axhline(e_gaba, **TARGET_STYLE, label=f"E_GABA = {e_gaba:g} mV")
    ax6.set_xlabel("time after the spike (ms)")
    ax6.set_ylabel("membrane potential (mV)")
    ax6.set_title("F  GABA_A PSPs at several holding potentials", fontsize=10)
    ax6.legend(fontsize=7, ncol=2)
    return fig


def plot_nmda_mg_block(ds: xr.Dataset) -> Figure:
    """B(V), the NMDA I-V curve with its negative-slope region, and the coincidence table."""
    fig = new_figure(14.0, 8.2)
    (ax1, ax2, ax3), (ax4, ax5, ax6) = fig.subplots(2, 3)
    v = ds.voltage.values
    ax1.plot(v, ds.block_formula.values, **TARGET_STYLE,
             label="Jahr & Stevens 1990 formula")
    ax1.plot(v[::4], ds.block_measured.values[::4], "o", color=_BLUE, ms=3,
             label="I / (g (E - V)) of the simulated receptor")
    ax1.set_xlabel("membrane potential V (mV)")
    ax1.set_ylabel("unblocked fraction B(V) (1)")
    ax1.set_title(f"A  Mg2+ block, [Mg2+] = {ds.attrs['mg_mm']:g} mM", fontsize=10)
    ax1.legend(fontsize=7.5)

    iv = ds.iv_peak.sel(mg="with Mg").values
    iv0 = ds.iv_peak.sel(mg="Mg-free").values
    ax2.plot(v, iv0, color=_GREY, label="Mg-free (ohmic)")
    ax2.plot(v, iv, color=_BLUE, label=f"[Mg2+] = {ds.attrs['mg_mm']:g} mM")
    neg = np.gradient(iv, v) < 0
    ax2.fill_between(v, iv.min() * 1.1, 0, where=neg, color=_BLUE, alpha=0.08,
                     label="negative slope dI/dV < 0")
    v_min = float(ds.attrs["iv_min_formula_mv"])
    ax2.axvline(v_min, **TARGET_STYLE, label=f"formula minimum {v_min:.1f} mV")
    ax2.axhline(0.0, color="black", linewidth=0.6)
    ax2.set_ylim(iv.min() * 1.3, -iv.min() * 0.8)
    ax2.set_xlabel("holding potential V (mV)")
    ax2.set_ylabel("peak NMDA current, outward + (pA)")
    ax2.set_title("B  NMDA I-V: negative slope region", fontsize=10)
    ax2.legend(fontsize=7.5, loc="upper left")

    slope = ds.iv_slope.values
    vm = ds.voltage_mid.values
    ax3.plot(vm, slope, color=_BLUE, label="slope conductance dI/dV")
    ax3.axhline(0.0, **TARGET_STYLE, label="0: the sign change marks the minimum")
    ax3.set_xlabel("membrane potential V (mV)")
    ax3.set_ylabel("dI/dV (nS)")
    ax3.set_title("C  slope conductance of the NMDA I-V", fontsize=10)
    ax3.legend(fontsize=7.5)

    cond = [str(c) for c in ds.condition.values]
    for j, mg in enumerate(ds.mg.values):
        q = ds.charge.sel(mg=mg).mean("trial").values  # into the cell: positive
        err = ds.charge.sel(mg=mg).std("trial").values
        ax4.bar(np.arange(len(cond)) + (j - 0.5) * 0.38, q, 0.38, yerr=err, capsize=2,
                color=(_BLUE, _GREY)[j], label=str(mg))
    both = float(ds.charge.sel(mg="with Mg", condition=cond[-1]).mean())
    glu = float(ds.charge.sel(mg="with Mg", condition=cond[1]).mean())
    pred = float(ds.attrs["coincidence_ratio_formula"])
    ax4.plot([2.6, 3.4], [glu * pred] * 2, **TARGET_STYLE,
             label=f"predicted: {pred:.2f} x glutamate alone")
    ax4.set_xticks(range(len(cond)), [c.replace(" + ", "\n+ ") for c in cond], fontsize=8)
    ax4.set_ylabel("NMDA charge into the cell (pC)")
    ax4.set_title(f"D  coincidence: both x {both / glu:.2f} glutamate alone", fontsize=10)
    ax4.legend(fontsize=7.5, loc="upper left")

    t = ds.time.values
    for j, c in enumerate(cond):
        ax5.plot(t, ds.example_current.sel(condition=c).values,
                 color=_COLORS[j % len(_COLORS)], label=c)
    ax5.plot(ds.example_spikes.values, np.zeros(ds.sizes["example_spike"]), "|",
             color="black", ms=8, label="glutamate release")
    ax5.set_xlabel("time (ms)")
    ax5.set_ylabel("NMDA current, inward + (pA)")
    ax5.set_title(f"E  voltage clamp at {ds.attrs['v_rest_mv']:g} / "
                  f"{ds.attrs['v_depol_mv']:g} mV, one train", fontsize=10)
    ax5.legend(fontsize=7.5)

    ratio = ds.coincidence_ratio.values
    ax6.plot(ds.trial.values, ratio, "o", color=_BLUE, ms=3, label="with Mg, per train")
    ax6.plot(ds.trial.values, ds.mg_free_ratio.values, "s", color=_GREY, ms=3,
             label="Mg-free, per train")
    ax6.axhline(pred, **TARGET_STYLE, label="B(V_d)(E - V_d) / B(V_r)(E - V_r)")
    ax6.axhline(float(ds.attrs["mg_free_ratio_formula"]), **TARGET_STYLE)
    ax6.axhline(1.0, color=_GREY, linestyle=":", linewidth=0.8)
    ax6.set_xlabel("Poisson glutamate train (trial)")
    ax6.set_ylabel("charge depolarised / at rest (1)")
    ax6.set_title("F  depolarisation helps only with Mg2+", fontsize=10)
    ax6.legend(fontsize=7.5)
    return fig


def plot_short_term_plasticity(ds: xr.Dataset) -> Figure:
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
    ax3.axvline(float(ds.attrs["peak_frequency_asymptote_hz"]), color=_ORANGE,
                linestyle=":", label="1 / sqrt(U tau_F tau_rec)")
    ax3.set_yscale("log")
    ax3.set_xlabel("train rate (Hz)")
    ax3.set_ylabel("steady-state / first EPSC (1)")
    ax3.set_title("C  steady state vs rate", fontsize=10)
    ax3.legend(fontsize=7.5)

    dep = ds.release.sel(synapse="depressing")
    u = float(ds.u_se.sel(synapse="depressing"))
    tau_rec = float(ds.tau_rec_ms.sel(synapse="depressing"))
    f_lim = float(ds.attrs["limiting_frequency_hz"])
    ax4.plot(rates, rates * dep.isel(spike=-1).values, "o", color=_BLUE, ms=3,
             label="simulated f r_ss")
    ax4.plot(rates, u * rates, color=_GREY, linestyle=":", label="low-rate limit U f")
    ax4.axhline(1000.0 / tau_rec, color=_GREY, linestyle="-.",
                label="saturation 1 / tau_rec")
    ax4.axvline(f_lim, **TARGET_STYLE, label=f"TM 1997: 1 / (U tau_rec) = {f_lim:g} Hz")
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
             **TARGET_STYLE, label="E[r] = U / (1 + U nu tau_rec)")
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
             **TARGET_STYLE, label="E[u] = U (1 + nu tau_F) / (1 + U nu tau_F)")
    _log_rate_axis(ax6, p_rates)
    ax6.set_xlabel("mean rate (Hz)")
    ax6.set_ylabel("mean utilisation u at a spike (1)")
    ax6.set_title("F  facilitating synapse, Poisson input", fontsize=10)
    ax6.legend(fontsize=7.5)
    return fig


def _log_rate_axis(ax, rates: np.ndarray) -> None:
    """Log rate axis ticked at the simulated rates only."""
    ax.set_xscale("log")
    ax.set_xticks(rates, [f"{r:g}" for r in rates])
    ax.minorticks_off()
