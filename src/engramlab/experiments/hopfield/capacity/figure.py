"""Figure of ``hopfield.capacity``: retrieval success vs load per network size, and the
mean final overlap against the Amit-Gutfreund-Sompolinsky theory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import draw_target, find_check, new_figure, target_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: success fraction vs load per N, with the 50 % crossing target. B: final
    overlap vs load with the AGS m(alpha) and the checked alpha_c, m_c."""
    from matplotlib import colormaps

    fig = new_figure(11.0, 4.4)
    ax, ax2 = fig.subplots(1, 2)
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
    cross = find_check(checks, "crossing_largest_N")
    draw_target(ax, cross, axis="x", label=f"target: 50 % crossing at N = {sizes.max()}, "
                f"{target_text(cross)}" if cross is not None else None)
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
    ax2.set_title("B  mean final overlap vs the AGS theory", fontsize=10)
    ax2.set_ylim(0, 1.03)
    ax2.legend(fontsize=8, loc="lower left")
    return fig
