"""Figure of ``hopfield.recall``: recall overlap vs cue noise at several loads, with the
Amit-Gutfreund-Sompolinsky retrieval overlap, and the basin radius vs load."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.memory import basin_radius
from engramlab.plotting import draw_target, find_check, new_figure, target_text
from engramlab.plotting.displays import target_segment

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: mean overlap vs cue noise per load, with the checked AGS overlaps. B: basin
    radius vs load."""
    from matplotlib import colormaps

    fig = new_figure(11.0, 4.4)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.4, 1.0])
    loads = ds["load"].values
    noise = ds.noise.values
    low_noise = noise[noise > 0].min()
    colors = colormaps["viridis"](np.linspace(0.0, 0.9, loads.size))
    mean = ds.overlap.mean("trial")
    sem = ds.overlap.std("trial") / np.sqrt(ds.sizes["trial"])
    alpha_c = float(ds.attrs["alpha_c"])
    labelled = False
    for a, color in zip(loads, colors, strict=True):
        m, s = mean.sel(load=a).values, sem.sel(load=a).values
        ax.plot(noise, m, "o-", color=color, ms=3.5, label=f"alpha = {a:g}")
        ax.fill_between(noise, m - s, m + s, color=color, alpha=0.2, linewidth=0)
        check = find_check(checks, f"overlap@{a:g},noise={low_noise:g}")
        if check is not None:
            target_segment(ax, check, noise[0], noise[-1] * 0.25,
                           label="" if labelled else
                           f"target: AGS m(alpha) ± {check.tolerance:g} at "
                           f"{low_noise:.0%} noise")
            labelled = True
        else:
            theory = float(ds.ags_overlap.sel(load=a))
            if np.isfinite(theory):
                ax.plot([noise[0], noise[-1] * 0.25], [theory, theory], color=color,
                        linestyle=":", linewidth=1.0)
    far = find_check(checks, "overlap_above_capacity")
    if far is not None:
        draw_target(ax, far, at=0.0, label=f"target: exact cue far above alpha_c, overlap "
                    f"{target_text(far)}")
    ax.axhline(float(ds.attrs["basin_overlap"]), color="grey", linewidth=0.8, linestyle=":",
               label=f"basin edge (overlap {ds.attrs['basin_overlap']:g})")
    ax.set_xlabel("cue noise: fraction of bits flipped (1)")
    ax.set_ylabel("overlap of the recalled state with the cued pattern (1)")
    ax.set_title(f"A  recall from noisy cues, N = {ds.attrs['n_neurons']} "
                 f"(mean ± s.e.m., {ds.sizes['trial']} cues)", fontsize=10)
    ax.set_ylim(-0.1, 1.05)
    ax.legend(fontsize=7.5, loc="lower left")

    radii = [basin_radius(noise, mean.sel(load=a).values) for a in loads]
    ax2.plot(loads, radii, "o-", color="#4c72b0", label="measured basin radius")
    ax2.axvline(alpha_c, color="grey", linewidth=1.0, linestyle=":",
                label=f"AGS capacity alpha_c = {alpha_c:.3f}")
    shrinks = find_check(checks, "basin_shrinks_with_load")
    ax2.set_xlabel("load alpha = P / N (patterns per neuron)")
    ax2.set_ylabel(f"basin radius: largest noise with overlap >= {ds.attrs['basin_overlap']:g} (1)")
    ax2.set_title("B  the basin shrinks as the load grows" + (
        f"\n(checked below alpha_c: {'passed' if shrinks.passed else 'FAILED'})"
        if shrinks is not None else ""), fontsize=10)
    ax2.set_ylim(0, max(0.5, max(radii) + 0.05))
    ax2.legend(fontsize=8)
    return fig
