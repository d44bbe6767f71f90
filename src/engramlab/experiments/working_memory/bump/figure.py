"""Figure of ``working-memory.bump``: the bump in space and time beside the remembered
location (the memory-guided saccade's error), with and without NMDA receptors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import find_check, new_figure, target_text
from engramlab.plotting.displays import target_segment

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_CTRL, _AP5 = "#4c72b0", "#c44e52"


def _edges(t_s: np.ndarray, first_start_s: float) -> np.ndarray:
    return np.concatenate([[first_start_s], t_s])


def _map(ax: Axes, ds: xr.Dataset, var: str, tdim: str, title: str, vmax: float) -> object:
    rates = ds[var].isel(subject=0).values.T                   # (arc, epoch)
    t = ds[tdim].values
    start = t[0] - ds.attrs["fixation_ms"] / 1e3
    arcs = ds.arc_deg.values
    step = arcs[1] - arcs[0]
    mesh = ax.pcolormesh(_edges(t, start), np.concatenate([arcs - step / 2,
                                                           [arcs[-1] + step / 2]]),
                         rates, cmap="viridis", vmin=0.0, vmax=vmax, shading="flat")
    ax.axhline(ds.attrs["cue_deg"], color="w", ls=":", lw=1.0)
    ax.axvspan(-ds.attrs["cue_ms"] / 1e3, 0.0, ymin=0.0, ymax=0.04, color="#f0a500")
    ax.text(-ds.attrs["cue_ms"] / 2e3, 14, "cue", color="#f0a500", ha="center", fontsize=7)
    ax.set_xlabel("time from the cue's offset (s)")
    ax.set_ylabel("preferred location of the cell (deg)")
    ax.set_ylim(0, 360)
    ax.set_title(title)
    return mesh


def _profile(ds: xr.Dataset, var: str, centre: str, t: dict[str, float]) -> np.ndarray:
    """Mean rate by arc distance from each subject's bump centre, ``(arcs,)``."""
    maps = ds[var].sel(t).values                                 # (subject, arc)
    c = ds[centre].sel(t).values
    n = maps.shape[1]
    out = []
    for m, cd in zip(maps, c, strict=True):
        shift = 0 if not np.isfinite(cd) else round(float(cd) / (360.0 / n) - 0.5)
        out.append(np.roll(m, n // 2 - shift))
    return np.mean(out, axis=0)


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Rate maps (control and AP5), the bump's profile and contrast, and the saccade."""
    fig = new_figure(14.0, 8.2)
    (a, b, c), (d, e, f) = fig.subplots(2, 3)
    vmax = float(np.nanpercentile(ds.rate_map.values, 99.5))
    mesh = _map(a, ds, "rate_map", "t_s", "Activity: the bump persists (control,\n"
                "network 1; dotted: the cue's location)", vmax)
    _map(b, ds, "ap5_rate_map", "ap5_t_s", "Activity: AP5 in the delay (NMDA\n"
         "current blocked from the cue's offset)", vmax)
    bar = fig.colorbar(mesh, ax=[a, b], label="pyramidal rate (Hz)", fraction=0.03, pad=0.01)
    bar.ax.set_title("rate", fontsize=8)
    # the bump's profile at the end of the delay, aligned on its centre
    arcs = ds.arc_deg.values
    dist = arcs - arcs[len(arcs) // 2]
    end, ap5_end = {"t_s": float(ds.t_s.max())}, {"ap5_t_s": float(ds.ap5_t_s.max())}
    c.plot(dist, _profile(ds, "rate_map", "centre_deg", end), "-", color=_CTRL,
           label=f"control, end of the {float(ds.t_s.max()):g}-s delay")
    c.plot(dist, _profile(ds, "ap5_rate_map", "ap5_centre_deg", ap5_end), "-", color=_AP5,
           label=f"AP5, end of the {float(ds.ap5_t_s.max()):g}-s delay")
    c.plot(dist, _profile(ds, "rate_map", "centre_deg", {"t_s": 0.0}), "--", color="0.4",
           label="control, during the cue")
    for x in (-ds.attrs["bump_deg"], ds.attrs["bump_deg"]):
        c.axvline(x, color="0.7", lw=0.8, ls=":")
    c.set_xlabel("distance from the bump's centre (deg)")
    c.set_ylabel("rate (Hz, mean over networks)")
    c.set_title("Tuned delay activity (the memory field)")
    c.legend(fontsize=7)
    # contrast over time
    for var_b, var_f, tdim, color, label in (
            ("bump_hz", "far_hz", "t_s", _CTRL, "control"),
            ("ap5_bump_hz", "ap5_far_hz", "ap5_t_s", _AP5, "AP5 in the delay")):
        ratio = (ds[var_b] / ds[var_f].clip(min=1e-9)).values
        t = ds[tdim].values
        for r in ratio:
            d.plot(t, r, "-", color=color, lw=0.6, alpha=0.5)
        d.plot(t, np.nanmean(ratio, axis=0), "o-", color=color, ms=3,
               label=f"{label}: mean over networks (thin: each)")
    t_end = float(ds.t_s.max())
    target_segment(d, find_check(checks, "delay_contrast"), t_end - 1.0, t_end)
    ratio_ap5 = find_check(checks, "ap5_bump_over_control")
    if ratio_ap5 is not None:
        d.text(0.98, 0.03, f"AP5 / control bump rate {ratio_ap5.value:.3f} (target "
               f"{target_text(ratio_ap5)})", transform=d.transAxes, ha="right", fontsize=7)
    d.axhline(1.0, color="0.6", lw=0.8)
    d.set_yscale("log")
    d.set_xlabel("time from the cue's offset (s)")
    d.set_ylabel(f"bump / far rate (cells within {ds.attrs['bump_deg']:g} deg / beyond "
                 f"{ds.attrs['far_deg']:g} deg)")
    d.set_title("Persistence needs NMDA receptors")
    d.legend(fontsize=7)
    # behaviour: the remembered location
    err = ds.saccade_error_deg
    t = ds.t_s.values
    for row in err.values:
        e.plot(t, row, "-", color=_CTRL, lw=0.7, alpha=0.7)
    e.axhspan(-10, 10, color="0.85", zorder=0, label="within ±10 deg of the cue")
    e.axhline(0.0, color="k", lw=0.8)
    ck = find_check(checks, "within_10deg_fraction")
    frac = float((np.abs(err.sel(t_s=t_end)) <= 10).mean())
    note = f"{100 * frac:.0f} % of {err.sizes['subject']} networks within ±10 deg at the end"
    if ck is not None:
        note += f"\n(target {target_text(ck)}: {ck.verdict})"
    e.text(0.02, 0.97, note, transform=e.transAxes, fontsize=7, va="top")
    e.set_xlim(0.0, t_end)
    shown = np.abs(err.where(ds.t_s >= 0).values)
    top = max(45.0, 1.1 * float(np.nanmax(shown)))
    e.set_ylim(-top, top)
    e.set_xlabel("delay (s)")
    e.set_ylabel("saccade to the bump's centre: error (deg)")
    e.set_title("Behaviour: the remembered location wanders\n(one line per network)")
    e.legend(fontsize=7, loc="lower left")
    # diffusion: the variance of the error grows with the delay
    msd = (err ** 2).mean("subject").values
    keep = t >= 0
    f.plot(t[keep], msd[keep], "o-", color=_CTRL, label="mean squared error")
    if keep.sum() >= 2:
        slope = float(np.sum(t[keep] * msd[keep]) / np.sum(t[keep] ** 2))
        f.plot(t[keep], slope * t[keep], "--", color="0.4",
               label=f"diffusion through 0: {slope:.0f} deg²/s")
    ck = find_check(checks, "error_variance_growth")
    if ck is not None:
        f.text(0.02, 0.97, f"MSE(end) / MSE(1 s) = {ck.value:.2f} (target "
               f"{target_text(ck)})", transform=f.transAxes, fontsize=7, va="top")
    f.set_xlabel("delay (s)")
    f.set_ylabel("saccade error variance (deg²)")
    f.set_title("The variance grows with the delay")
    f.legend(fontsize=7, loc="lower right")
    return fig
