"""Figure of ``working-memory.synaptic``: per background regime, the activity of the cued
and of an uncued population (binned raster and population rates) beside the
facilitation u and the resources x of their recurrent synapses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, find_check, new_figure, target_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_CUED, _UNCUED, _NS = "#c44e52", "#4c72b0", "0.5"
#: Per regime, the checks drawn on its u panel (metric, what it is).
_U_CHECKS = {"readout": "readout_u_cued_over_U", "spontaneous": "spontaneous_u_cued_over_U"}


def _windows(ax: Axes, ds: xr.Dataset) -> None:
    cue = ds.attrs["cue_ms"] / 1e3
    ro0 = (ds.attrs["cue_ms"] + ds.attrs["delay_ms"]) / 1e3
    ax.axvspan(0.0, cue, color="#f0a500", alpha=0.15, lw=0)
    ax.axvspan(ro0, ro0 + ds.attrs["readout_ms"] / 1e3, color="#55a868", alpha=0.15, lw=0)


def _edges(ds: xr.Dataset) -> np.ndarray:
    t = ds.t_s.values
    return np.concatenate([[t[0] - ds.attrs["epoch_ms"] / 1e3], t])


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Three rows per regime column: raster, population rates, u and x."""
    regs = [str(r) for r in ds.regime.values]
    fig = new_figure(4.6 * len(regs), 9.0)
    axes = fig.subplots(3, len(regs), squeeze=False)
    U = float(ds.attrs["u_se"])
    cued, uncued = ds.attrs["cued"], ds.attrs["uncued"]
    n_r = ds.sizes["raster_cell"] // 2
    vmax = max(1.0, float(np.nanpercentile(ds.raster.values, 99.5)))
    for col, r in enumerate(regs):
        d = ds.sel(regime=r)
        a, b, c = axes[0, col], axes[1, col], axes[2, col]
        mesh = a.pcolormesh(_edges(ds), np.arange(2 * n_r + 1), d.raster.values.T,
                            cmap="Greys", vmin=0.0, vmax=vmax, shading="flat")
        a.axhline(n_r, color=_CUED, lw=0.8)
        a.set_ylabel(f"cell ({cued} cued below, {uncued} above)")
        a.set_title(f"regime '{r}' (mu_E {float(d.mu_e_mv):.1f} mV):\nspikes per "
                    f"{ds.attrs['epoch_ms']:g}-ms epoch, {n_r} cells each")
        _windows(a, ds)
        if col == len(regs) - 1:
            bar = fig.colorbar(mesh, ax=a, label="rate in the epoch (Hz)", fraction=0.05)
            bar.ax.set_title("rate", fontsize=8)
        t = ds.t_s.values
        for pop, color in ((cued, _CUED), (uncued, _UNCUED), ("E0", _NS)):
            b.step(t, d.rate.sel(population=pop).values, where="pre", color=color,
                   label=f"{pop}" + (" (cued)" if pop == cued else " (uncued)"
                                     if pop == uncued else " (nonselective)"))
        b.axhline(ds.attrs["pop_spike_hz"], color="0.6", lw=0.8, ls=":",
                  label="population-spike threshold")
        sel = find_check(checks, f"{r}_readout_selectivity")
        if sel is not None:
            b.text(0.02, 0.55, f"read-out selectivity {sel.value:.2f} (target "
                   f"{target_text(sel)})", transform=b.transAxes, fontsize=7, va="top")
        ps = find_check(checks, f"{r}_delay_pop_spike_rate_hz")
        if ps is not None:
            b.text(0.02, 0.45, f"population spikes in the delay: {ps.value:.2g} /s "
                   f"(target {target_text(ps)})", transform=b.transAxes, fontsize=7,
                   va="top")
        _windows(b, ds)
        b.set_ylabel("population rate (Hz)")
        b.set_title("Activity: cue (orange), read-out (green)")
        b.legend(fontsize=6, loc="upper right")
        for pop, color in ((cued, _CUED), (uncued, _UNCUED)):
            c.plot(t, d.u.sel(stp_population=pop).values, "-", color=color,
                   label=f"u, {pop}")
            c.plot(t, d.x.sel(stp_population=pop).values, "--", color=color, lw=0.8,
                   label=f"x, {pop}")
        c.axhline(U, color="k", lw=0.8, ls=":", label=f"U = {U:g}")
        ck = find_check(checks, _U_CHECKS.get(r, ""))
        if ck is not None:
            lo = ck.target * U
            c.axhline(lo, **TARGET_STYLE)
            c.text(t[-1], lo, f" target: u >= {ck.target:g} U ({ck.verdict})",
                   fontsize=6, va="bottom", ha="right", color=TARGET_STYLE["color"])
        _windows(c, ds)
        c.set_ylim(0.0, 1.05)
        c.set_xlabel("time from the cue's onset (s)")
        c.set_ylabel("u, x (fraction, 1)")
        c.set_title("Memory in the synapses: facilitation u, resources x")
        c.legend(fontsize=6, loc="upper right", ncol=2)
    return fig
