"""Figure of the restricted Boltzmann machine experiment (seed chapter 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_boltzmann"]

#: Accuracy bound drawn on the completion panels (the experiment's targets).
ACCURACY_BOUND = 0.95


def _tile(ax, img: np.ndarray, side: int, title: str, mask: np.ndarray | None = None) -> None:
    shown = np.asarray(img, dtype=float).reshape(side, side)
    if mask is not None:  # occluded pixels in mid grey
        shown = np.where(mask.reshape(side, side), shown, 0.5)
    ax.imshow(shown, cmap="Greys", vmin=0, vmax=1)
    ax.set_title(title, fontsize=7)
    ax.set_xticks([])
    ax.set_yticks([])


def plot_boltzmann(ds: xr.Dataset) -> Figure:
    """Learning curve, completion examples, and accuracies with the targets."""
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
    ideal = float(ds.attrs["ideal_error_ratio"])
    bound = (1.0 + ideal) / 2.0
    ax.axhline(bound * err[0], **TARGET_STYLE,
               label=f"target: <= {bound:.2f} x initial")
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
    low = level[level <= 0.08 + 1e-9]
    if low.size:
        ax.plot([level.min() - 0.01, low.max() + 0.01], [ACCURACY_BOUND] * 2, **TARGET_STYLE,
                label=f"target: RBM >= {ACCURACY_BOUND} (<= 8 % flipped)")
    ax.set_xlabel("fraction of pixels flipped in the cue (1)")
    ax.set_ylabel("pixel accuracy after recall (1)")
    ax.set_title(f"B  corrupted letters (mean ± s.e.m., {n} cues)", fontsize=10)
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
    ax.axhline(ACCURACY_BOUND, **TARGET_STYLE, label=f"target: RBM >= {ACCURACY_BOUND}")
    ax.set_ylabel("accuracy on the 10 hidden pixels (1)")
    ax.set_title("C  half-occluded letters (left 2 columns hidden)", fontsize=10)
    ax.set_ylim(0, 1.12)
    ax.legend(fontsize=7.5, loc="lower right")

    # D: examples, one column per letter.
    sub = grid[2, :].subgridspec(3, 2 * ds.sizes["letter"] + 1,
                                 width_ratios=[1.0] * ds.sizes["letter"] + [0.3]
                                 + [1.0] * ds.sizes["letter"])
    worst = ds.sizes["corruption"] - 1
    known = ds.known.values.astype(bool)
    for i, name in enumerate(ds.letter.values):
        occ = ds.occluded_rbm.sel(letter=name).values[0]
        cue = ds.corrupted_cue.isel(corruption=worst).sel(letter=name).values[0]
        den = ds.corrupted_rbm.isel(corruption=worst).sel(letter=name).values[0]
        hop = ds.corrupted_hopfield.isel(corruption=worst).sel(letter=name).values[0]
        _tile(fig.add_subplot(sub[0, i]), letters[i], side, f"stored {name}")
        _tile(fig.add_subplot(sub[1, i]), letters[i], side, "occluded cue", mask=known)
        _tile(fig.add_subplot(sub[2, i]), occ, side, "RBM p(v=1)")
        j = ds.sizes["letter"] + 1 + i
        _tile(fig.add_subplot(sub[0, j]), cue, side,
              f"{ds.corruption.values[worst]:.0%} flipped")
        _tile(fig.add_subplot(sub[1, j]), den, side, "RBM p(v=1)")
        _tile(fig.add_subplot(sub[2, j]), hop, side, "Hopfield")
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


def plot_hetero_association(ds: xr.Dataset) -> Figure:
    """BAM recall vs cue noise (both directions) with the theory; energy trajectories."""
    from engramlab.memory.bam import first_pass_accuracy

    fig = new_figure(13.0, 4.6)
    ax_a, ax_b, ax_c = fig.subplots(1, 3, width_ratios=[1.1, 1.1, 1.0])
    noise = ds.noise.values
    p = int(ds.attrs["n_pairs"])
    sizes = {"x_to_y": (int(ds.attrs["n_x"]), int(ds.attrs["n_y"])),
             "y_to_x": (int(ds.attrs["n_y"]), int(ds.attrs["n_x"]))}
    names = {"x_to_y": "song x -> scene y", "y_to_x": "scene y -> song x"}
    colors = {"x_to_y": "#4c72b0", "y_to_x": "#dd8452"}
    n_cues = ds.sizes["pair"] * ds.sizes["trial"]
    fine = np.linspace(0.0, float(noise.max()), 60)
    for direction in ds.direction.values:
        d = str(direction)
        sub = ds.sel(direction=d)
        n_cue, n_partner = sizes[d]
        exact = sub.exact.mean(("pair", "trial")).values
        se = np.sqrt(exact * (1 - exact) / n_cues)
        ax_a.errorbar(noise, exact, yerr=se, fmt="o-", ms=4, capsize=3, color=colors[d],
                      label=f"{names[d]} (recall)")
        theory = first_pass_accuracy(n_cue, p, fine)
        stable = (float(first_pass_accuracy(n_cue, p, 0.0, power=n_partner))
                  * float(first_pass_accuracy(n_partner, p, 0.0, power=n_cue)))
        style = {**TARGET_STYLE, "linestyle": "--" if d == "x_to_y" else "-."}
        coarse = np.linspace(0.0, float(noise.max()), 41)
        lower = first_pass_accuracy(n_cue, p, coarse, power=n_partner) * stable
        ax_a.plot(coarse, lower, **style,
                  label=f"target, lower estimate ({names[d]})")
        first = sub.first_pass_accuracy.mean(("pair", "trial")).values
        ax_b.plot(noise, 1 - first, "o", ms=4, color=colors[d],
                  label=f"{names[d]}: first half-step")
        ax_b.plot(noise, 1 - sub.partner_accuracy.mean(("pair", "trial")).values, "s:",
                  ms=3.5, color=colors[d], alpha=0.7, label=f"{names[d]}: after recall")
        ax_b.plot(fine, 1 - theory, color=colors[d], linestyle="--", linewidth=1.2)
    ax_a.set_xlabel("cue noise: fraction of cue bits flipped (1)")
    ax_a.set_ylabel("fraction of cues recalling the exact stored pair (1)")
    ax_a.set_title(f"A  exact recall of the stored pair ({n_cues} cues per point, "
                   f"P = {p})", fontsize=10)
    ax_a.set_ylim(-0.03, 1.05)
    ax_a.legend(fontsize=7.5, loc="lower left")

    ax_b.plot([], [], color="grey", linestyle="--",
              label="target: theory E_u Phi(-(1 - 2 rho) sqrt(n / u))")
    ax_b.set_yscale("symlog", linthresh=1e-3)
    ax_b.set_ylim(0, 0.6)
    ax_b.set_xlabel("cue noise: fraction of cue bits flipped (1)")
    ax_b.set_ylabel("fraction of partner bits wrong (1)")
    ax_b.set_title("B  partner bit errors: signal-to-noise theory", fontsize=10)
    ax_b.legend(fontsize=7, loc="upper left")

    j = int(np.argmin(np.abs(noise - 0.4)))
    n_scale = int(ds.attrs["n_x"]) * int(ds.attrs["n_y"])
    for direction in ds.direction.values:
        e = ds.energy.sel(direction=direction).isel(noise=j).values / n_scale
        for k in range(e.shape[1]):
            ax_c.plot(ds.half_step.values, e[:, k], color=colors[str(direction)],
                      linewidth=0.9, alpha=0.8,
                      label=names[str(direction)] if k == 0 else None)
    rise = float(ds.energy_rise.max())
    ax_c.axhline(-float(ds.attrs["n_x"]) * float(ds.attrs["n_y"]) / n_scale, **TARGET_STYLE,
                 label="energy of a stored pair without crosstalk (-n m)")
    ax_c.set_xlabel("half-step (1)")
    ax_c.set_ylabel("energy E / (n m) (1)")
    ax_c.set_title(f"C  energy never rises (cue noise {noise[j]:.0%}; "
                   f"largest rise {rise:g})", fontsize=10)
    last = int(np.nanmax(ds.iterations.values)) * 2 + 2
    ax_c.set_xlim(0, max(4, min(last, ds.sizes["half_step"] - 1)))
    ax_c.legend(fontsize=7.5, loc="upper right")
    return fig
