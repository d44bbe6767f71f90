"""Figures of the calcium-control experiments: frequency / pairing curves, AMPA receptors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_ampa_expression", "plot_ltp_ltd_frequency"]

_GREY = {**TARGET_STYLE, "color": "#7f7f7f"}


def plot_ltp_ltd_frequency(ds: xr.Dataset) -> Figure:
    """Left: W change vs frequency (+ AP5, qualitative Dudek & Bear targets).
    Right: pairing with a clamped potential (+ Shouval et al. 2002 Fig. 3A thresholds)."""
    fig = new_figure(12.0, 4.6)
    ax_a, ax_b = fig.subplots(1, 2)

    f = ds.freq.values
    mean, sd = ds.change_mean.values, ds.change_sd.values
    ax_a.fill_between(f, mean - sd, mean + sd, color="#4c72b0", alpha=0.2,
                      label="population mean +- s.d.")
    ax_a.plot(f, mean, "o-", ms=3, color="#4c72b0", label="population mean")
    ax_a.plot(f, ds.change_typical.values, "-", lw=1.2, color="#55a868",
              label="typical synapse (Shouval et al. 2002)")
    ax_a.plot(ds.freq_ap5.values, ds.change_ap5_mean.values, "s", ms=5, color="k",
              label="with AP5")
    ax_a.axhline(0.0, color="0.5", lw=0.8)
    ax_a.set_xscale("log")
    # Qualitative targets (Dudek & Bear 1992 Fig. 2): LTD at 1-3 Hz, no change at 10 Hz,
    # LTP at 50 Hz; crossover accepted within 10^(1 +- 0.5) Hz.
    ax_a.axvspan(1.0, 3.0, color=TARGET_STYLE["color"], alpha=0.08)
    ax_a.axvline(10.0, **TARGET_STYLE, label="Dudek & Bear: no change at 10 Hz")
    for x in (10 ** 0.5, 10 ** 1.5):
        ax_a.axvline(x, **_GREY)
    ax_a.plot([], [], **_GREY, label="crossover accepted (3.2-32 Hz)")
    ax_a.annotate("LTD expected\n(1-3 Hz)", (1.7, 0.0), xytext=(0, -28),
                  textcoords="offset points", ha="center", fontsize=8,
                  color=TARGET_STYLE["color"])
    ax_a.annotate("LTP expected\n(50 Hz)", (50.0, 0.0), xytext=(0, 12),
                  textcoords="offset points", ha="center", fontsize=8,
                  color=TARGET_STYLE["color"])
    ax_a.set_xlabel("stimulation frequency (Hz)")
    ax_a.set_ylabel("weight change W/W0 - 1 (%)")
    ax_a.set_title(f"{ds.attrs['n_pulses']} pulses: LTD at low, LTP at high frequency")
    ax_a.legend(fontsize=7, loc="upper left")

    v = ds.v_clamp.values
    ax_b.plot(v, ds.pairing_mean.values, "o-", ms=3, color="#4c72b0",
              label="population mean")
    ax_b.plot(v, ds.pairing_typical.values, "-", lw=1.2, color="#55a868",
              label="typical synapse")
    ax_b.axhline(0.0, color="0.5", lw=0.8)
    ax_b.axvspan(-62.5, -52.5, color=TARGET_STYLE["color"], alpha=0.08)
    ax_b.axvline(-62.5, **TARGET_STYLE, label="Shouval et al. 2002 Fig. 3A: LTD from "
                 "-62.5 mV")
    ax_b.axvline(-50.0, **_GREY, label="... LTP above -50 mV")
    ax_b.set_xlabel("clamped postsynaptic potential (mV)")
    ax_b.set_ylabel("weight change W/W0 - 1 (%)")
    ax_b.set_title(f"Pairing: {ds.attrs['pairing_pulses']} pulses at "
                   f"{ds.attrs['pairing_freq_hz']:g} Hz, membrane clamped")
    ax_b.legend(fontsize=7, loc="upper left")
    return fig


def plot_ampa_expression(ds: xr.Dataset) -> Figure:
    """Surface AMPA receptors and EPSC amplitude vs time for HFS, LFS and with AP5."""
    fig = new_figure(12.0, 4.6)
    ax_a, ax_b = fig.subplots(1, 2)
    colors = {"HFS": "#c44e52", "LFS": "#4c72b0"}
    t = ds.time.values / 60.0
    for proto in ds.protocol.values:
        c = colors.get(str(proto), "#55a868")
        for drug, style in (("none", "-"), ("AP5", "o")):
            lab = f"{proto}" + (" + AP5 (no change)" if drug == "AP5" else "")
            sel = {"protocol": proto, "drug": drug}
            every = 60 if drug == "AP5" else 1
            kw = {"ms": 3.5, "markevery": (30 if proto == "LFS" else 0, every)}
            ax_a.plot(t, ds.n_surface.sel(sel).values, style, color=c, lw=1.6, label=lab,
                      **kw)
            ax_b.plot(t, ds.epsc.sel(sel).values, style, color=c, lw=1.6, label=lab, **kw)
    n0 = float(ds.attrs["n_rest"])
    e0 = float(ds.attrs["epsc_rest_pa"])
    for ax, base in ((ax_a, n0), (ax_b, e0)):
        ax.axhline(base, **TARGET_STYLE, label="baseline: LTP above, LTD below")
        ax.axvline(0.0, color="0.5", lw=0.8)
        ax.axvline(float(ds.attrs["read_after_min"]), color="0.5", lw=0.8, ls=":",
                   label="change read here")
        ax.set_xlabel("time from the start of stimulation (min)")
        ax.legend(fontsize=7, loc="upper right")
    lo = np.nanmin(ds.n_surface.values)
    hi = np.nanmax(ds.n_surface.values)
    ax_a.set_ylim(lo - 0.1 * (hi - lo), hi + 0.25 * (hi - lo))
    ax_a.set_ylabel("surface AMPA receptors N (1)")
    ax_a.set_title("Receptor number: kinase inserts, phosphatase removes")
    ax_b.set_ylabel("EPSC amplitude at -70 mV (pA)")
    ax_b.set_title("EPSC = N x conductance (rises with S831 phosphorylation)")
    return fig
