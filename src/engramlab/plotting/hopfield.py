"""Figures of the Hopfield experiments (seed chapter 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.memory import basin_radius
from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_recall", "plot_seed_demo"]


def _wilson(p: np.ndarray, n: int, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """95 % Wilson score interval of a binomial fraction (clipped to contain ``p``).

    At p = 0 or 1 the interval's own end equals p up to rounding; the clip keeps error
    bar lengths non-negative.
    """
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.minimum(centre - half, p), np.maximum(centre + half, p)


def plot_seed_demo(ds: xr.Dataset) -> Figure:
    """Letters, cues and recalled states; recall fractions with the seed's targets."""
    fig = new_figure(11.5, 4.6)
    outer = fig.add_gridspec(1, 3, width_ratios=[1.15, 0.8, 1.6])
    grid = outer[0].subgridspec(3, 3)
    cmap = "Greys"
    rows = [
        [(f"stored {x}", ds.patterns.sel(letter=x).values) for x in ds.letter.values],
        [(str(c), ds.cues.sel(cue=c).values) for c in ds.cue.values],
    ]
    recalled = []
    for c in ds.cue.values:
        codes = ds.outcome_code.sel(cue=c).values
        mode = np.bincount(codes).argmax()
        first = int(np.flatnonzero(codes == mode)[0])
        label = str(ds.outcome.values[mode])
        recalled.append((f"-> {label}", ds.final_state.sel(cue=c).values[first]))
    rows.append(recalled)
    row_names = ["A  stored", "cue", "recalled\n(most often)"]
    for r, row in enumerate(rows):
        for c, (title, img) in enumerate(row):
            ax = fig.add_subplot(grid[r, c])
            ax.imshow(np.asarray(img).reshape(3, 3), cmap=cmap, vmin=-1, vmax=1)
            ax.set_title(title, fontsize=8)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(row_names[r], fontsize=9)

    n = ds.sizes["order"]
    ax = fig.add_subplot(outer[1])
    names = ["noisy T", "noisy H"]
    vals = np.array([float(ds.outcome_fraction.sel(cue="noisy T", outcome="T")),
                     float(ds.outcome_fraction.sel(cue="noisy H", outcome="H"))])
    lo, hi = _wilson(vals, n)
    ax.bar(names, vals, color="#4c72b0", yerr=[vals - lo, hi - vals], capsize=4)
    ax.axhline(1.0, **TARGET_STYLE, label="seed: always recalled (1.0)")
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("fraction of update orders recalling the letter (1)")
    ax.set_title("B  noisy cues", fontsize=10)
    ax.legend(loc="lower center", fontsize=8)

    ax = fig.add_subplot(outer[2])
    frac = ds.outcome_fraction.sel(cue="unseen").values
    labels = [str(x).replace("reversed ", "-") for x in ds.outcome.values]
    colors = ["#4c72b0"] * ds.sizes["letter"] + ["#dd8452"] * ds.sizes["letter"] + ["#55a868"]
    lo, hi = _wilson(frac, n)
    ax.bar(labels, frac, color=colors, yerr=[frac - lo, hi - frac], capsize=3)
    reach = ds.reachable.sel(cue="unseen").values
    for x, ok in enumerate(reach):
        ax.text(x, -0.035, "reachable" if ok else "unreachable", ha="center", va="top",
                fontsize=6.5, rotation=0, color="#333333" if ok else "#c0392b")
    spurious = len(labels) - 1
    ax.plot([spurious - 0.4, spurious + 0.4], [0, 0], **TARGET_STYLE,
            label="target: spurious = 0 (exact)")
    ax.set_ylim(-0.08, max(0.45, float(hi.max()) + 0.05))
    ax.set_ylabel(f"fraction of {n} update orders (1)")
    ax.set_xlabel("end state of the unseen pattern (blue stored, orange reversed = -)")
    ax.set_title("C  where the unseen pattern goes (95 % Wilson intervals)", fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def plot_recall(ds: xr.Dataset) -> Figure:
    """Mean overlap vs cue noise per load with the AGS overlap; basin radius vs load."""
    from matplotlib import colormaps

    fig = new_figure(11.0, 4.4)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.4, 1.0])
    loads = ds["load"].values
    noise = ds.noise.values
    colors = colormaps["viridis"](np.linspace(0.0, 0.9, loads.size))
    mean = ds.overlap.mean("trial")
    sem = ds.overlap.std("trial") / np.sqrt(ds.sizes["trial"])
    alpha_c = float(ds.attrs["alpha_c"])
    for a, color in zip(loads, colors, strict=True):
        m, s = mean.sel(load=a).values, sem.sel(load=a).values
        ax.plot(noise, m, "o-", color=color, ms=3.5, label=f"alpha = {a:g}")
        ax.fill_between(noise, m - s, m + s, color=color, alpha=0.2, linewidth=0)
        theory = float(ds.ags_overlap.sel(load=a))
        if np.isfinite(theory):
            ax.plot([noise[0], noise[-1] * 0.25], [theory, theory], color=color,
                    linestyle=TARGET_STYLE["linestyle"], linewidth=1.2)
    ax.plot([], [], **TARGET_STYLE, label="AGS retrieval overlap m(alpha)")
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
    ax2.axvline(alpha_c, **TARGET_STYLE,
                label=f"AGS capacity alpha_c = {alpha_c:.3f}")
    ax2.set_xlabel("load alpha = P / N (patterns per neuron)")
    ax2.set_ylabel(f"basin radius: largest noise with overlap >= {ds.attrs['basin_overlap']:g} (1)")
    ax2.set_title("B  the basin shrinks as the load grows", fontsize=10)
    ax2.set_ylim(0, max(0.5, max(radii) + 0.05))
    ax2.legend(fontsize=8)
    return fig
