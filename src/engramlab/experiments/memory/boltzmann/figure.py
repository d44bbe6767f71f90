"""Figure of ``memory.boltzmann``: the learning curve of the restricted Boltzmann machine,
completion of corrupted and half-occluded letters against a Hopfield network, examples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, bounds, find_check, new_figure, target_text
from engramlab.plotting.displays import pattern_tile, target_segment

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: reconstruction error vs epoch. B: pixel accuracy on corrupted letters. C:
    accuracy on the hidden pixels of occluded letters. D: examples."""
    fig = new_figure(12.5, 7.0)
    grid = fig.add_gridspec(3, 3, height_ratios=[1.0, 0.07, 1.0])
    side = int(ds.attrs["side"])
    letters = ds.letters.values.astype(float)
    truth = letters[:, None, :]
    unknown = ~ds.known.values.astype(bool)

    # A: learning curve.
    ax = fig.add_subplot(grid[0, 0])
    err = ds.reconstruction_error.values
    ax.plot(ds.epoch.values, err, color="#4c72b0", label="RBM (CD-1)")
    ratio = find_check(checks, "reconstruction_error_ratio")
    if ratio is not None:
        ax.axhline(bounds(ratio)[1] * err[0], **TARGET_STYLE,
                   label=f"target: final / initial {target_text(ratio, '.2f')}")
    ideal = float(ds.attrs["ideal_error_ratio"])
    ax.axhline(ideal * err[0], color="grey", linestyle=":", linewidth=1.0,
               label="ideal letter recogniser q(1 - q)")
    ax.set_xlabel("training epoch (1)")
    ax.set_ylabel("reconstruction error per pixel (1)")
    ax.set_title("A  reconstruction error falls during training", fontsize=10)
    ax.set_ylim(0, err[0] * 1.1)
    ax.legend(fontsize=7.5)

    # B: corrupted cues.
    ax = fig.add_subplot(grid[0, 1])
    level = ds.corruption.values
    n = ds.sizes["letter"] * ds.sizes["cue"]
    series = [
        ("RBM (mean-field denoising)", ds.corrupted_rbm.values >= 0.5, "#4c72b0", "o-"),
        ("Hopfield (Hebbian, async)", ds.corrupted_hopfield.values.astype(bool), "#dd8452",
         "s-"),
        ("the cue itself", ds.corrupted_cue.values.astype(bool), "grey", "^:"),
    ]
    for label, states, color, style in series:
        per_cue = (states == truth).mean(axis=-1).reshape(level.size, -1)
        mean = per_cue.mean(axis=1)
        sem = per_cue.std(axis=1) / np.sqrt(n)
        ax.errorbar(level, mean, yerr=sem, fmt=style, color=color, ms=4, capsize=3,
                    label=label)
    half = 0.4 * float(np.min(np.diff(level))) if level.size > 1 else 0.01
    first = True
    for lv in level:
        check = find_check(checks, f"corrupted_pixel_accuracy@{lv:g}")
        if check is not None:
            target_segment(ax, check, lv - half, lv + half,
                           label=f"target: RBM {target_text(check)}" if first else "")
            first = False
    beats = [c for lv in level if (c := find_check(checks, f"rbm_minus_hopfield@{lv:g}"))]
    ax.set_xlabel("fraction of pixels flipped in the cue (1)")
    ax.set_ylabel("pixel accuracy after recall (1)")
    verdict = "passed" if all(c.passed for c in beats) else "FAILED"
    ax.set_title(f"B  corrupted letters (mean ± s.e.m., {n} cues)"
                 + (f"\nRBM >= Hopfield at every level: {verdict}" if beats else ""),
                 fontsize=10)
    ax.set_ylim(0.7, 1.01)
    ax.legend(fontsize=7.5, loc="lower left")

    # C: occluded cues.
    ax = fig.add_subplot(grid[0, 2])
    rbm_acc = float(((ds.occluded_rbm.values >= 0.5) == truth)[..., unknown].mean())
    hop_acc = float((ds.occluded_hopfield.values.astype(bool) == truth)[..., unknown].mean())
    majority = letters.mean(axis=0) >= 0.5
    maj_acc = float((majority[None, :] == letters.astype(bool))[:, unknown].mean())
    names = ["RBM\n(Gibbs)", "Hopfield", "pixel\nmajority", "chance"]
    vals = [rbm_acc, hop_acc, maj_acc, 0.5]
    ax.bar(names, vals, color=["#4c72b0", "#dd8452", "#8c8c8c", "#cccccc"])
    for x, v in enumerate(vals):
        ax.text(x, v + 0.01, f"{v:.3f}", ha="center", fontsize=8)
    occ = find_check(checks, "occluded_pixel_accuracy")
    target_segment(ax, occ, -0.4, 0.4, label=f"target: RBM {target_text(occ)}"
                   if occ is not None else None)
    cond = find_check(checks, "occluded_correct_probability")
    if cond is not None:
        ax.text(0.98, 0.97, f"RBM p(correct pixel) = {cond.value:.3f}\n"
                f"environment's conditional:\n{target_text(cond, '.3f')} "
                f"({'pass' if cond.passed else 'FAIL'})", transform=ax.transAxes,
                ha="right", va="top", fontsize=7.5,
                bbox={"facecolor": "white", "edgecolor": "#999999", "linewidth": 0.6})
    ax.set_ylabel(f"accuracy on the {int(unknown.sum())} hidden pixels (1)")
    ax.set_title("C  half-occluded letters (left 2 columns hidden)", fontsize=10)
    ax.set_ylim(0, 1.12)
    ax.legend(fontsize=7.5, loc="lower right")

    # D: examples, one column per letter.
    sub = grid[2, :].subgridspec(3, 2 * ds.sizes["letter"] + 1,
                                 width_ratios=[1.0] * ds.sizes["letter"] + [0.3]
                                 + [1.0] * ds.sizes["letter"])
    worst = ds.sizes["corruption"] - 1
    known = ds.known.values.astype(bool)
    shape = (side, side)
    for i, name in enumerate(ds.letter.values):
        occ_state = ds.occluded_rbm.sel(letter=name).values[0]
        cue = ds.corrupted_cue.isel(corruption=worst).sel(letter=name).values[0]
        den = ds.corrupted_rbm.isel(corruption=worst).sel(letter=name).values[0]
        hop = ds.corrupted_hopfield.isel(corruption=worst).sel(letter=name).values[0]
        tile = {"shape": shape, "vmin": 0.0, "vmax": 1.0}
        pattern_tile(fig.add_subplot(sub[0, i]), letters[i], title=f"stored {name}", **tile)
        pattern_tile(fig.add_subplot(sub[1, i]), letters[i], title="occluded cue", mask=known,
                     **tile)
        pattern_tile(fig.add_subplot(sub[2, i]), occ_state, title="RBM p(v=1)", **tile)
        j = ds.sizes["letter"] + 1 + i
        pattern_tile(fig.add_subplot(sub[0, j]), cue,
                     title=f"{ds.corruption.values[worst]:.0%} flipped", **tile)
        pattern_tile(fig.add_subplot(sub[1, j]), den, title="RBM p(v=1)", **tile)
        pattern_tile(fig.add_subplot(sub[2, j]), hop, title="Hopfield", **tile)
    caption = fig.add_subplot(grid[1, :])
    caption.axis("off")
    caption.set_xticks([])
    caption.set_yticks([])
    text = caption.text(0.0, 0.5, "D  examples (first test cue of each letter). Left: the "
                        "occluded letter (grey = hidden) completed by Gibbs sampling.\n"
                        "    Right: the most corrupted cues, denoised by the RBM (mean field) "
                        "and by the Hopfield network.", fontsize=9, va="center",
                        transform=caption.transAxes)
    text.set_in_layout(False)
    return fig
