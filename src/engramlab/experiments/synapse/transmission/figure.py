"""Figure of ``synapse.transmission``: Ca2+-cooperative release, binomial quanta, and
EPSPs / IPSPs that reverse at their receptors' reversal potentials."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.experiments.synapse.transmission import POISSON_M_RANGE
from engramlab.plotting import TARGET_STYLE, draw_target, find_check, new_figure, target_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_BLUE, _ORANGE, _GREEN, _PURPLE, _GREY = "#4c72b0", "#dd8452", "#55a868", "#8172b2", "#7f7f7f"
_COLORS = (_BLUE, _ORANGE, _GREEN, _PURPLE, "#c44e52", "#937860", "#da8bc3", "#8c8c8c")


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Ca2+ cooperativity, quantal statistics (variance-mean, failures), EPSP / IPSP and
    their reversal."""
    fig = new_figure(14.0, 8.2)
    (ax1, ax2, ax3), (ax4, ax5, ax6) = fig.subplots(2, 3)

    ca = ds.ca.values
    m = ds.mean_quanta.values
    se = ds.sem_quanta.values
    ok = m > 0
    ax1.errorbar(ca[ok], m[ok], yerr=se[ok], fmt="o", color=_BLUE, ms=4, capsize=2,
                 label=f"simulated, [Mg2+] = {ds.attrs['mg_mm']:g} mM")
    m_cmp = ds.mean_quanta_mg_compare.values
    ok_cmp = m_cmp > 0
    ax1.plot(ds.ca_low.values[ok_cmp], m_cmp[ok_cmp], "s", color=_GREEN, ms=4,
             label=f"simulated, [Mg2+] = {ds.attrs['mg_compare_mm']:g} mM (slope "
                   f"{float(ds.attrs['low_ca_slope_mg_compare']):.2f})")
    ax1.plot(ca, ds.expected_quanta.values, color=_GREY, linewidth=1,
             label="model N p([Ca])")
    low = ca <= float(ds.attrs["low_ca_max_mm"])
    c0 = ca[low][0]
    ref = ds.expected_quanta.values[low][0]
    slope = find_check(checks, "low_ca_log_slope")
    if slope is not None:
        grid = np.geomspace(ca.min(), ca.max(), 50)
        ax1.plot(grid, ref * (grid / c0) ** slope.target, **TARGET_STYLE,
                 label=f"Dodge & Rahamimoff 1967: slope {target_text(slope)}")
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_ylim((m[ok].min() if ok.any() else 1e-3) / 3, ds.attrs["n_sites"] * 2)
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
    ax2.set_title("B  variance-mean parabola of binomial release", fontsize=10)
    ax2.legend(fontsize=7.5)

    # del Castillo & Katz 1954: quantal content from the failures vs from the mean.
    fail = ds.failure_rate.values
    with np.errstate(divide="ignore"):
        m_fail = -np.log(fail)
    shown = (fail > 0) & (fail < 1) & (m > 0)
    ax3.plot(m[shown], m_fail[shown], "o", color=_BLUE, ms=4,
             label="simulated, one point per [Ca]")
    grid = np.geomspace(max(m[shown].min(), 1e-4), max(m[shown].max(), 1e-3), 50) \
        if shown.any() else np.array([1e-3, 10.0])
    poisson = find_check(checks, "poisson_failures_max_abs_log_ratio")
    lo, hi = POISSON_M_RANGE
    if poisson is not None:
        tol = poisson.tolerance
        ax3.fill_between(grid, grid * np.exp(-tol), grid * np.exp(tol),
                         color=TARGET_STYLE["color"], alpha=0.12, lw=0)
        ax3.plot(grid, grid, **TARGET_STYLE,
                 label=f"Poisson: ln(N / n0) = m (tested where {lo:g} <= m <= "
                       f"{hi:g}, |ln ratio| <= {tol:.3g})")
    ax3.set_xscale("log")
    ax3.set_yscale("log")
    ax3.set_xlabel("mean quanta per spike m (1)")
    ax3.set_ylabel("m from the failures, ln(N / n0) (1)")
    ax3.set_title("C  method of failures (del Castillo & Katz 1954)", fontsize=10)
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
        e = find_check(checks, f"{rec}_reversal_mv")
        draw_target(ax5, e, axis="x", label=f"E_{rec} = {e.target:g} mV" if e is not None
                    else None)
    ax5.axhline(0.0, color=_GREY, linewidth=0.8)
    ax5.set_xlabel("holding potential before the spike (mV)")
    ax5.set_ylabel("PSP peak deflection (mV)")
    ax5.set_title("E  PSPs reverse at the receptor's E_rev", fontsize=10)
    ax5.legend(fontsize=7.5)

    for j, v in enumerate(ds.holding_example.values):
        ax6.plot(t, ds.ipsp_examples.sel(holding_example=v).values,
                 color=_COLORS[j % len(_COLORS)], label=f"{v:g} mV")
    e_gaba = find_check(checks, "GABA_A_reversal_mv")
    draw_target(ax6, e_gaba, label=f"E_GABA = {e_gaba.target:g} mV"
                if e_gaba is not None else None)
    ax6.set_xlabel("time after the spike (ms)")
    ax6.set_ylabel("membrane potential (mV)")
    ax6.set_title("F  GABA_A PSPs at several holding potentials", fontsize=10)
    ax6.legend(fontsize=7, ncol=2)
    return fig
