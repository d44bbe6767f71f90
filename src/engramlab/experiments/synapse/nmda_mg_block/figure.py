"""Figure of ``synapse.nmda-mg-block``: the Mg2+ block B(V), the NMDA I-V curve with its
negative-slope region, and the coincidence of glutamate and depolarisation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, draw_target, find_check, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_BLUE, _ORANGE, _GREEN, _PURPLE, _GREY = "#4c72b0", "#dd8452", "#55a868", "#8172b2", "#7f7f7f"
_COLORS = (_BLUE, _ORANGE, _GREEN, _PURPLE, "#c44e52", "#937860", "#da8bc3", "#8c8c8c")


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """B(V), the NMDA I-V curve with its negative-slope region, and the coincidence table."""
    fig = new_figure(14.0, 8.2)
    (ax1, ax2, ax3), (ax4, ax5, ax6) = fig.subplots(2, 3)
    v = ds.voltage.values
    ax1.plot(v, ds.block_formula.values, **TARGET_STYLE,
             label="Jahr & Stevens 1990 (3.57 mM, 0.062/mV)")
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
    v_min = find_check(checks, "iv_min_mv")
    draw_target(ax2, v_min, axis="x", label=f"Jahr & Stevens minimum {v_min.target:.1f} mV"
                if v_min is not None else None)
    ax2.axhline(0.0, color="black", linewidth=0.6)
    ax2.set_ylim(iv.min() * 1.3, -iv.min() * 0.8)
    ax2.set_xlabel("holding potential V (mV)")
    ax2.set_ylabel("peak NMDA current, outward + (pA)")
    ax2.set_title("B  NMDA I-V: negative slope region", fontsize=10)
    ax2.legend(fontsize=7.5, loc="upper left")

    slope = ds.iv_slope.values
    vm = ds.voltage_mid.values
    ax3.plot(vm, slope, color=_BLUE, label="slope conductance dI/dV")
    negative = find_check(checks, "min_slope_conductance_ns")
    draw_target(ax3, negative, label="0: the sign change marks the minimum")
    end = find_check(checks, "negative_slope_to_mv")
    draw_target(ax3, end, axis="x", color=_ORANGE,
                label=f"Mayer et al. / Nowak et al.: negative slope ends at "
                      f"{end.target:g} ± {end.tolerance:g} mV" if end is not None else None)
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
    gain = find_check(checks, "coincidence_ratio")
    if gain is not None:
        ax4.plot([2.6, 3.4], [glu * gain.target] * 2, **TARGET_STYLE,
                 label=f"predicted: {gain.target:.2f} x glutamate alone")
    ax4.set_xticks(range(len(cond)), [c.replace(" + ", "\n+ ") for c in cond], fontsize=8)
    ax4.set_ylabel("NMDA charge into the cell (pC)")
    gain_text = f"{both / glu:.2f}" if glu != 0 else "n/a (no glutamate released)"
    ax4.set_title(f"D  coincidence: both x {gain_text} glutamate alone", fontsize=10)
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
    draw_target(ax6, gain, label="B(V_d)(E - V_d) / B(V_r)(E - V_r)")
    draw_target(ax6, find_check(checks, "mg_free_ratio"), label="")
    ax6.axhline(1.0, color=_GREY, linestyle=":", linewidth=0.8)
    ax6.set_xlabel("Poisson glutamate train (trial)")
    ax6.set_ylabel("charge depolarised / at rest (1)")
    ax6.set_title("F  depolarisation helps only with Mg2+", fontsize=10)
    ax6.legend(fontsize=7.5)
    return fig
