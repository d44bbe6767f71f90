"""Figure of ``plasticity.frequency-stdp``: dw/w vs pairing frequency, models vs data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_frequency_stdp"]

_COLORS = ("#4c72b0", "#dd8452")  # dt > 0, dt < 0


def _data(ax, ds: xr.Dataset) -> None:
    fd = ds.f_data.values
    for i, marker in enumerate(("o", "s")):
        dt = float(ds.timing.values[i])
        ax.errorbar(fd * (1.04 if i else 0.96), ds.data_dw.values[i],
                    yerr=ds.data_sem.values[i], marker=marker, ms=5, capsize=3,
                    mfc="white" if i else TARGET_STYLE["color"], **TARGET_STYLE,
                    label=f"Sjöström et al. 2001, dt = {dt:+g} ms (mean +- SEM)")


def plot_frequency_stdp(ds: xr.Dataset) -> Figure:
    """Left: triplet STDP. Right: the Graupner-Brunel calcium rule. Both vs the data."""
    fig = new_figure(12.5, 4.8)
    ax_a, ax_b = fig.subplots(1, 2)
    f = ds.freq.values
    for i in range(2):
        dt = float(ds.timing.values[i])
        c = _COLORS[i]
        ax_a.plot(f, ds.triplet_dw.values[i], color=c, lw=2,
                  label=f"dt = {dt:+g} ms, {ds.attrs['triplet_n_pairs']} pairs at f")
        ax_a.plot(f, ds.triplet_dw_bursts.values[i], color=c, lw=1.2, ls=":",
                  label=f"dt = {dt:+g} ms, {ds.attrs['n_trains']} x "
                        f"{ds.attrs['pairs_per_train']} pairs (Sjöström protocol)")
        ax_b.plot(f, ds.gb_dw.values[i], color=c, lw=2,
                  label=f"dt = {dt:+g} ms, {ds.attrs['gb_n_pairs']} pairs at f (theory)")
        ax_b.plot(f, ds.gb_dw_bursts.values[i], color=c, lw=1.2, ls=":",
                  label=f"dt = {dt:+g} ms, {ds.attrs['n_trains']} x "
                        f"{ds.attrs['pairs_per_train']} pairs")
        n = int(ds.attrs["n_synapses"])
        pu = ds.gb_p_up_expected.values[i]
        pd = ds.gb_p_down_expected.values[i]
        # Binomial error of the simulated change: U and D enter w_after / w_before
        # with weights beta (b - 1) / norm and (1 - beta)(b - 1) / norm.
        beta, b = float(ds.attrs["gb_beta"]), float(ds.attrs["gb_b"])
        norm = beta + (1 - beta) * b
        err = (b - 1) / norm * np.sqrt((beta ** 2 * pu * (1 - pu)
                                        + (1 - beta) ** 2 * pd * (1 - pd)) / n)
        ax_b.errorbar(ds.f_data.values, ds.gb_dw_sim.values[i], yerr=err, fmt="^",
                      ms=5, color=c, mec="k", mew=0.5, capsize=2,
                      label=f"dt = {dt:+g} ms, stochastic simulation, full model "
                            f"({n} + {n} synapses)")
    for ax in (ax_a, ax_b):
        _data(ax, ds)
        ax.axhline(0.0, color="0.5", lw=0.8)
        ax.set_xscale("log")
        ax.set_xlabel("pairing frequency f (Hz)")
        ax.legend(fontsize=7, loc="upper left")
    lo = min(ax_a.get_ylim()[0], ax_b.get_ylim()[0])
    hi = max(ax_a.get_ylim()[1], ax_b.get_ylim()[1])
    for ax in (ax_a, ax_b):
        ax.set_ylim(lo, hi)
    ax_a.set_ylabel("weight change dw / w (1)")
    ax_a.set_title("Triplet STDP (Pfister & Gerstner 2006, all-to-all fit)")
    ax_b.set_title(f"Calcium rule (Graupner & Brunel 2012, '{ds.attrs['gb_set']}')")
    ax_b.set_ylabel("weight change w_after / w_before - 1 (1)")
    return fig
