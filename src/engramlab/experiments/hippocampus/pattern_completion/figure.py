"""Figure of ``hippocampus.pattern-completion``: recall vs load, capacity vs a and c, CA3a."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import find_check, new_figure, target_text
from engramlab.plotting.displays import plain_log_ticks, target_segment

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_COLORS = ("#4c72b0", "#dd8452", "#55a868", "#8172b2")
#: de Almeida, Idiart & Lisman (2007, abstract): ~20,000 items in CA3a.
_CA3A_ITEMS = 20_000.0


def _sweep(ds: xr.Dataset, names: tuple[str, ...], coord: str) -> tuple[np.ndarray, ...]:
    keep = np.isin(ds.sweep.values, names)
    x = ds[coord].values[keep]
    order = np.argsort(x)
    sim = ds.capacity.values[:, keep][:, order]
    return x[order], sim, ds.capacity_theory.values[keep][order]


def _nice_ticks(ax: Axes) -> list[float]:
    """1-2-5 ticks inside the y range of a log axis (at least the range's ends)."""
    lo, hi = ax.get_ylim()
    lo, hi = max(lo, 1e-9), max(hi, 1e-9)
    ticks = [m * 10.0 ** e for e in range(-1, 8) for m in (1, 2, 5) if lo <= m * 10.0 ** e <= hi]
    return ticks or [lo, hi]


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: recall overlap vs load for 20-30 % cues, simulation and theory.
    B: capacity vs coding level at a fixed number of active cells, with the a^-2 law.
    C: capacity vs connection probability at fixed N, with the c law.
    D: CA3a (70,000 cells) capacity vs cue fraction from the theory, and ~20,000 items."""
    fig = new_figure(12.0, 8.5)
    (ax_a, ax_b), (ax_c, ax_d) = fig.subplots(2, 2)
    k = int(ds.attrs["active_cells"])
    n0 = int(ds.attrs["main_n_units"])
    c0 = float(ds.attrs["main_connection_probability"])

    # A: recall vs load
    loads = ds["load"].values
    for i, f in enumerate(ds.cue_fraction.values):
        col = _COLORS[i % len(_COLORS)]
        sim = ds.recall.isel(cue_fraction=i).values
        ax_a.plot(np.repeat(loads[None, :], sim.shape[0], axis=0).ravel(), sim.ravel(), "o",
                  ms=4, color=col, label=f"simulation, {100 * f:g} % cue")
        ax_a.plot(loads, ds.recall_theory.isel(cue_fraction=i), color=col, lw=1.0,
                  label=f"binomial theory, {100 * f:g} %")
    ax_a.axhline(float(ds.attrs["criterion"]), color="grey", ls=":", lw=0.8,
                 label="recall criterion")
    rec = find_check(checks, "min_recall_overlap")
    if rec is not None:
        rl = float(ds.attrs["recall_load"])
        target_segment(ax_a, rec, rl * 0.9, rl * 1.1,
                       label=f"target at {rl:g} items: {target_text(rec)}")
    ax_a.set_xlabel("stored patterns P (items)")
    ax_a.set_ylabel("recall overlap |y ∧ ξ| / √(|y| |ξ|) (1)")
    ax_a.set_title(f"A  one gamma cycle completes 20-30 % cues\n(N = {n0}, K = {k}, "
                   f"c = {c0:g}, {ds.attrs['rule']} storage)", fontsize=10)
    ax_a.set_ylim(0.0, 1.03)
    ax_a.legend(fontsize=7, loc="lower left")

    # B: capacity vs a at fixed K
    n, sim, th = _sweep(ds, ("main", "size"), "n_units")
    a = k / n
    for s in sim:
        ax_b.plot(a, s, "o", color=_COLORS[0], ms=5)
    ax_b.plot([], [], "o", color=_COLORS[0], label="simulation")
    ax_b.plot(a, th, color=_COLORS[0], lw=1.0, label="binomial theory")
    mid = len(a) // 2
    ax_b.plot(a, th[mid] * (a / a[mid]) ** -2.0, color="black", ls="--", lw=0.9,
              label="P ∝ a⁻² (de Almeida et al. 2007)")
    sl = find_check(checks, "slope_a_fixed_k")
    ax_b.set_xscale("log")
    ax_b.set_yscale("log")
    ax_b.set_xlabel(f"coding level a = K / N (1), K = {k} fixed")
    ax_b.set_ylabel("capacity (items)")
    ax_b.set_title("B  capacity vs coding level at a fixed cue" + (
        f"\n(slope {sl.value:.2f}, target {target_text(sl)})" if sl else ""), fontsize=10)
    plain_log_ticks(ax_b.xaxis, np.round(a, 3))
    plain_log_ticks(ax_b.yaxis, _nice_ticks(ax_b))
    ax_b.legend(fontsize=7.5)

    # C: capacity vs c at fixed N and K
    c, sim, th = _sweep(ds, ("main", "connection"), "connection_probability")
    for s in sim:
        ax_c.plot(c, s, "o", color=_COLORS[2], ms=5)
    ax_c.plot([], [], "o", color=_COLORS[2], label="simulation")
    ax_c.plot(c, th, color=_COLORS[2], lw=1.0, label="binomial theory")
    mid = int(np.argmin(np.abs(c - c0)))
    ax_c.plot(c, th[mid] * c / c[mid], color="black", ls="--", lw=0.9,
              label="P ∝ c (de Almeida et al. 2007)")
    ax_c.set_xscale("log")
    ax_c.set_yscale("log")
    plain_log_ticks(ax_c.xaxis, c)
    plain_log_ticks(ax_c.yaxis, _nice_ticks(ax_c))
    slope = np.polyfit(np.log(c), np.log(np.exp(np.log(np.where(sim > 0, sim, np.nan))
                                                .mean(axis=0))), 1)[0] if np.all(sim > 0) \
        else float("nan")
    ax_c.set_xlabel(f"connection probability c (1), N = {n0}, K = {k}")
    ax_c.set_ylabel("capacity (items)")
    sc = find_check(checks, "slope_c")
    ax_c.set_title(f"C  capacity vs connectivity (slope {slope:.2f}; target "
                   f"{target_text(sc) if sc else '1'}:\nnot reproduced, steeper than the "
                   "linear law; declared deviation)", fontsize=10)
    ax_c.legend(fontsize=7.5)

    # D: CA3a
    fs = ds.cue_fraction.values
    ax_d.plot(100 * fs, ds.ca3a_capacity.values, "s-", color=_COLORS[3],
              label="binomial theory, N = 70,000, a = 0.003, c = 0.2")
    ax_d.axhspan(0.75 * _CA3A_ITEMS, 1.25 * _CA3A_ITEMS, color="grey", alpha=0.12, lw=0)
    ax_d.axhline(_CA3A_ITEMS, color="grey", lw=1.0,
                 label="de Almeida et al. 2007: ~20,000 items (band: 1 significant digit)")
    cue = find_check(checks, "ca3a_cue_for_20000_items")
    if cue is not None:
        ax_d.plot([100 * cue.value], [_CA3A_ITEMS], "o", color="black",
                  label=f"cue for 20,000 items: {100 * cue.value:.1f} %")
        lo, hi = cue.target - cue.tolerance, cue.target + cue.tolerance
        ax_d.axvspan(100 * lo, 100 * hi, color="#c44e52", alpha=0.10, lw=0,
                     label=f"target: cue {100 * lo:g}-{100 * hi:g} % (the claim's range)")
    ax_d.set_xlim(100 * min(fs) - 3, 100 * max(fs) + 3)
    ax_d.set_xlabel("cue: share of the item's cells (%)")
    ax_d.set_ylabel("CA3a capacity (items)")
    ax_d.set_title("D  CA3a stores ~20,000 items from 20-30 % cues", fontsize=10)
    ax_d.legend(fontsize=7, loc="upper left")
    return fig
