"""Figure of ``hopfield.seed-demo``: the seed's letters, cues and recalled states, and
where each cue ends over many random update orders (Hopfield 1982)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import find_check, new_figure, target_text
from engramlab.plotting.displays import pattern_tile, target_segment, wilson_interval

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: letters, cues and the most frequent recalled states. B: recall fractions of the
    noisy cues. C: end states of the unseen pattern, with what is reachable at all."""
    fig = new_figure(11.5, 4.6)
    outer = fig.add_gridspec(1, 3, width_ratios=[1.15, 0.8, 1.6])
    grid = outer[0].subgridspec(3, 3)
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
            pattern_tile(ax, img, (3, 3), title=title)
            ax.title.set_fontsize(8)
            if c == 0:
                ax.set_ylabel(row_names[r], fontsize=9)

    n = ds.sizes["order"]
    ax = fig.add_subplot(outer[1])
    names = ["noisy T", "noisy H"]
    vals = np.array([float(ds.outcome_fraction.sel(cue="noisy T", outcome="T")),
                     float(ds.outcome_fraction.sel(cue="noisy H", outcome="H"))])
    lo, hi = wilson_interval(vals, n)
    ax.bar(names, vals, color="#4c72b0", yerr=[vals - lo, hi - vals], capsize=4)
    for x, metric in enumerate(("noisy_T_recalls_T", "noisy_H_recalls_H")):
        check = find_check(checks, metric)
        target_segment(ax, check, x - 0.4, x + 0.4,
                       label=(f"target (seed): always recalled, {target_text(check)}"
                              if check is not None and x == 0 else ""))
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("fraction of update orders recalling the letter (1)")
    ax.set_title("B  noisy cues", fontsize=10)
    ax.legend(loc="lower center", fontsize=8)

    ax = fig.add_subplot(outer[2])
    frac = ds.outcome_fraction.sel(cue="unseen").values
    labels = [str(x).replace("reversed ", "-") for x in ds.outcome.values]
    colors = ["#4c72b0"] * ds.sizes["letter"] + ["#dd8452"] * ds.sizes["letter"] + ["#55a868"]
    lo, hi = wilson_interval(frac, n)
    ax.bar(labels, frac, color=colors, yerr=[frac - lo, hi - frac], capsize=3)
    reach = ds.reachable.sel(cue="unseen").values
    for x, ok in enumerate(reach):
        ax.text(x, -0.035, "reachable" if ok else "unreachable", ha="center", va="top",
                fontsize=6.5, rotation=0, color="#333333" if ok else "#c0392b")
    spurious = len(labels) - 1
    check = find_check(checks, "unseen_spurious")
    target_segment(ax, check, spurious - 0.4, spurious + 0.4,
                   label=f"target: spurious {target_text(check)} (exact)" if check else None)
    notes = []
    fixed = find_check(checks, "spurious_fixed_points")
    if fixed is not None:
        notes.append(f"spurious fixed points: {fixed.value:g} (target {target_text(fixed)})")
    conv = find_check(checks, "all_converged")
    if conv is not None:
        notes.append(f"all recalls converged: {conv.value:g} (target {target_text(conv)})")
    minima = find_check(checks, "energy_minima_mismatch")
    if minima is not None:
        notes.append(f"fixed points that are not energy minima (all 512 states): "
                     f"{minima.value:g} (target {target_text(minima)})")
    if notes:
        ax.text(0.02, 0.97, "\n".join(notes), transform=ax.transAxes, ha="left", va="top",
                fontsize=7.5)
    ax.set_ylim(-0.08, max(0.45, float(hi.max()) + 0.05))
    ax.set_ylabel(f"fraction of {n} update orders (1)")
    ax.set_xlabel("end state of the unseen pattern (blue stored, orange reversed = -)")
    ax.set_title("C  where the unseen pattern goes (95 % Wilson intervals)", fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    return fig
