"""Figure of ``hopfield.capacity``: retrieval success vs load per network size, the 50 %
crossings extrapolated to N -> infinity, and the mean final overlap against the
Amit-Gutfreund-Sompolinsky theory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.experiments.hopfield.capacity import success_fraction, transition_fit
from engramlab.plotting import draw_target, find_check, new_figure, target_text
from engramlab.plotting.displays import target_segment

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: success fraction vs load per N. B: the 50 % crossings vs N^-1/2, their fit and
    the extrapolated capacity's target. C: final overlap vs load with the AGS m(alpha)
    and the checked alpha_c, m_c."""
    from matplotlib import colormaps

    fig = new_figure(15.0, 4.4)
    ax, ax_fss, ax2 = fig.subplots(1, 3, width_ratios=[1.2, 0.9, 1.0])
    loads = ds["load"].values
    sizes = ds.n_neurons.values
    colors = colormaps["viridis"](np.linspace(0.0, 0.85, sizes.size))
    thr = float(ds.attrs["success_overlap"])
    alpha_c = float(ds.attrs["alpha_c"])
    count = ds.sizes["trial"] * ds.sizes["cue"]
    for n, color in zip(sizes, colors, strict=True):
        s = (ds.overlap.sel(n_neurons=n) >= thr).mean(("trial", "cue")).values
        se = np.sqrt(s * (1 - s) / count)
        ax.errorbar(loads, s, yerr=se, fmt="o-", ms=3.5, color=color, capsize=2,
                    label=f"N = {n}")
        m = ds.overlap.sel(n_neurons=n).mean(("trial", "cue")).values
        ax2.plot(loads, m, "o-", ms=3.5, color=color, label=f"N = {n} (mean)")
    ax.axvline(alpha_c, color="grey", linewidth=1.0, linestyle="-.",
               label=f"AGS alpha_c = {alpha_c:.3f}")
    ax.axhline(0.5, color="grey", linewidth=0.8, linestyle=":", label="50 %")
    ax.set_xlabel("load alpha = P / N (1)")
    ax.set_ylabel(f"fraction of recalls with final overlap >= {thr:g} (1)")
    width = find_check(checks, "width_ratio")
    ax.set_title(f"A  retrieval success from a stored pattern ({count} recalls/point)"
                 + (f"\nwidth ratio N = {sizes.min()} / {sizes.max()}: {width.value:.2f} "
                    f"(target {target_text(width)})" if width is not None else ""),
                 fontsize=10)
    ax.set_ylim(-0.03, 1.05)
    ax.legend(fontsize=7.5, loc="upper right")

    ax2.plot(ds.theory_load.values, ds.ags_overlap.values, color="#333333", linewidth=1.2,
             label="AGS retrieval overlap m(alpha)")
    a_check = find_check(checks, "alpha_c_theory")
    m_check = find_check(checks, "m_c_theory")
    draw_target(ax2, a_check, axis="x", label=f"target alpha_c {target_text(a_check)}"
                if a_check is not None else None)
    draw_target(ax2, m_check, at=alpha_c, label=f"target m_c {target_text(m_check)}"
                if m_check is not None else None)
    ax2.set_xlabel("load alpha = P / N (1)")
    ax2.set_ylabel("final overlap with the starting pattern (1)")
    ax2.set_title("C  mean final overlap vs the AGS theory", fontsize=10)
    ax2.set_ylim(0, 1.03)
    ax2.legend(fontsize=8, loc="lower left")
    _finite_size_panel(ax_fss, ds, checks, colors)
    return fig


def _finite_size_panel(ax: Axes, ds: xr.Dataset, checks: Sequence[Check],
                       colors: np.ndarray) -> None:
    """The crossings against N^-1/2, the fitted line and the N -> inf target."""
    loads = ds["load"].values
    sizes = ds.n_neurons.values
    success = success_fraction(ds)
    x = 1.0 / np.sqrt(sizes.astype(float))
    cross = np.array([transition_fit(loads, success.sel(n_neurons=n).values)[0]
                      for n in sizes])
    for xi, ci, n, color in zip(x, cross, sizes, colors, strict=True):
        ax.plot(xi, ci, "o", color=color, ms=6, label=f"N = {n}")
    ext = find_check(checks, "capacity_extrapolated")
    x_max = float(x.max()) * 1.15
    if ext is not None:
        target_segment(ax, ext, 0.0, x_max * 0.25,
                       label=f"target N -> inf: AGS {target_text(ext)}")
        if np.isfinite(ext.value) and np.isfinite(cross).all() and sizes.size > 1:
            slope = np.polyfit(x, cross, 1)[0]
            grid = np.linspace(0.0, x_max, 50)
            ax.plot(grid, ext.value + slope * grid, color="#555555", linewidth=1.0,
                    linestyle="--", label=f"fit alpha_inf + b N^-1/2: "
                    f"alpha_inf = {ext.value:.3f} ({'pass' if ext.passed else 'FAIL'})")
    ratio = find_check(checks, "initial_error_ratio")
    if ratio is not None:
        ax.text(0.97, 0.03, f"bits of the start pattern opposed by their field,\nobserved / "
                f"signal-to-noise theory: {ratio.value:.3f}\n(target {target_text(ratio)}, "
                f"{'pass' if ratio.passed else 'FAIL'})", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=7)
    ax.set_xlim(0.0, x_max)
    ax.set_xlabel("N^-1/2 (1)")
    ax.set_ylabel("50 % point of the success fraction (logistic fit) (1)")
    ax.set_title("B  finite-size shift of the 50 % crossing", fontsize=10)
    ax.legend(fontsize=7.5, loc="upper left")
