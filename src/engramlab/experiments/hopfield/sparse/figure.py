"""Figure of ``hopfield.sparse``: retrieval vs load per coding level, and the capacity of
the covariance rule against the replica-symmetric theory and Tsodyks & Feigel'man's
asymptote 1 / (2 a ln(1/a))."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.memory.sparse import sparse_asymptotic_capacity
from engramlab.plotting import TARGET_STYLE, bounds, find_check, new_figure
from engramlab.plotting.displays import plain_log_ticks

from . import _capacity_over_thresholds

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: retrieved fraction vs load per coding level (best threshold). B: capacity vs a
    against the T = 0 replica-symmetric theory (checked, with its band) and the
    a -> 0 asymptote 1 / (2 a ln(1/a)) (drawn only)."""
    from matplotlib import colormaps

    fig = new_figure(12.0, 4.5)
    ax_a, ax_b = fig.subplots(1, 2, width_ratios=[1.2, 1.0])
    levels = ds.coding_level.values
    colors = colormaps["viridis"](np.linspace(0.0, 0.85, levels.size))
    caps = []
    for a, color in zip(levels, colors, strict=True):
        loads = ds["load"].sel(coding_level=a).values
        cap, j = _capacity_over_thresholds(loads, ds.retrieved.sel(coding_level=a).values)
        caps.append(cap)
        note = "" if np.isfinite(cap) else ", censored"
        ax_a.plot(loads, ds.retrieved.sel(coding_level=a).isel(threshold=j), "o-", ms=3,
                  color=color,
                  label=f"a = {a:g} (best theta = {ds.threshold.values[j]:g}{note})")
    ax_a.axhline(0.5, color="grey", lw=0.8, ls=":", label="capacity criterion (1/2)")
    alpha_c = float(ds.attrs["alpha_c_hopfield"])
    ax_a.axvline(alpha_c, color="grey", lw=0.8, ls="-.",
                 label=f"dense Hopfield alpha_c = {alpha_c:.3f}")
    ax_a.set_xscale("log")
    ax_a.set_xlabel("load alpha = P / N (1)")
    ax_a.set_ylabel(f"fraction of cues retrieved (overlap >= "
                    f"{ds.attrs['retrieval_overlap']:g}) (1)")
    ax_a.set_title(f"A  retrieval vs load, N = {ds.attrs['n_neurons']}, best threshold",
                   fontsize=10)
    ax_a.legend(fontsize=7.5, loc="lower left")
    ax_a.set_ylim(-0.03, 1.05)

    # The formula is an a -> 0 asymptote: drawn only up to a = 0.25.
    a_fine = np.geomspace(levels.min() * 0.7, max(0.25, levels.max()), 200)
    ax_b.plot(a_fine, sparse_asymptotic_capacity(a_fine), color="grey", lw=1.0,
              label="Tsodyks & Feigel'man: 1 / (2 a ln(1/a)), a -> 0 (not checked)")
    theory = ds.rs_capacity.values
    ax_b.plot(levels, theory, color="#333333", lw=1.0, marker="x",
              label="T = 0 RS theory, optimal theta")
    ax_b.plot(levels, caps, "o-", color="#4c72b0", label="measured capacity (best theta)")
    first = True
    for a, th in zip(levels, theory, strict=True):
        c = find_check(checks, f"capacity_over_theory@a={a:g}")
        if c is None:
            continue
        lo, hi = bounds(c)
        ax_b.plot([a, a], [lo * th, hi * th],
                  **{**TARGET_STYLE, "linewidth": 2.5},
                  label="target: theory x [1 - tol, 1 + tol]" if first
                  else None)
        first = False
    ax_b.axhline(alpha_c, color="grey", lw=0.8, ls=":", label=f"dense Hopfield {alpha_c:.3f}")
    ax_b.set_xscale("log")
    ax_b.set_yscale("log")
    plain_log_ticks(ax_b.xaxis, levels)
    lo, hi = ax_b.get_ylim()
    plain_log_ticks(ax_b.yaxis, [t for t in (round(alpha_c, 3), 0.25, 0.5, 1, 2, 4, 8, 16)
                                 if lo <= t <= hi])
    ax_b.invert_xaxis()
    shape = [c for c in (find_check(checks, "capacity_rises_as_a_falls"),
                         find_check(checks, "ratio_to_asymptote_rises_as_a_falls"))
             if c is not None]
    ax_b.set_xlabel("coding level a (fraction of active units) (1)")
    ax_b.set_ylabel("capacity alpha_c = P_max / N (1)")
    ax_b.set_title("B  capacity rises as coding gets sparser" + (
        f"\n(trends checked: {'passed' if all(c.passed for c in shape) else 'FAILED'})"
        if shape else ""), fontsize=10)
    ax_b.legend(fontsize=7.5, loc="upper left")
    return fig
