"""Figure of ``connectionism.hetero-association``: recall of the partner from noisy cues
in both directions of a bidirectional associative memory (Kosko 1988), the first echo
against the signal-to-noise theory, and the energy along recall."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.memory.bam import first_pass_accuracy
from engramlab.plotting import TARGET_STYLE, bounds, find_check, new_figure, target_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: exact recall vs cue noise with its checked lower estimates. B: partner bit
    errors after the first half-step and after recall, with the theory. C: energy."""
    fig = new_figure(13.0, 4.6)
    ax_a, ax_b, ax_c = fig.subplots(1, 3, width_ratios=[1.1, 1.1, 1.0])
    noise = ds.noise.values
    p = int(ds.attrs["n_pairs"])
    n_cue_of = {"x_to_y": int(ds.attrs["n_x"]), "y_to_x": int(ds.attrs["n_y"])}
    names = {"x_to_y": "song x -> scene y", "y_to_x": "scene y -> song x"}
    colors = {"x_to_y": "#4c72b0", "y_to_x": "#dd8452"}
    styles = {"x_to_y": "--", "y_to_x": "-."}
    n_cues = ds.sizes["pair"] * ds.sizes["trial"]
    fine = np.linspace(0.0, float(noise.max()), 60)
    for direction in ds.direction.values:
        d = str(direction)
        sub = ds.sel(direction=d)
        exact = sub.exact.mean(("pair", "trial")).values
        se = np.sqrt(exact * (1 - exact) / n_cues)
        ax_a.errorbar(noise, exact, yerr=se, fmt="o-", ms=4, capsize=3, color=colors[d],
                      label=f"{names[d]} (recall)")
        # The checked lower estimates of exact recall, one per noise level.
        lower = [(rho, bounds(c)[0]) for rho in noise
                 if (c := find_check(checks, f"exact_recall@{d},noise={rho:g}")) is not None]
        if lower:
            xs, ys = zip(*lower, strict=True)
            ax_a.plot(xs, ys, marker="^", ms=4, **{**TARGET_STYLE, "linestyle": styles[d]},
                      label=f"target: at least ({names[d]})")
        first = sub.first_pass_accuracy.mean(("pair", "trial")).values
        ax_b.plot(noise, 1 - first, "o", ms=4, color=colors[d],
                  label=f"{names[d]}: first half-step")
        ax_b.plot(noise, 1 - sub.partner_accuracy.mean(("pair", "trial")).values, "s:",
                  ms=3.5, color=colors[d], alpha=0.7, label=f"{names[d]}: after recall")
        ax_b.plot(fine, 1 - first_pass_accuracy(n_cue_of[d], p, fine), color=colors[d],
                  linestyle="-", linewidth=0.9)
        # Checked first-pass accuracies, drawn as error-rate bands (1 - accuracy).
        for rho in noise:
            c = find_check(checks, f"first_pass_accuracy@{d},noise={rho:g}")
            if c is not None:
                lo, hi = bounds(c)
                ax_b.errorbar([rho], [1 - c.target], yerr=[[c.target - lo], [hi - c.target]],
                              fmt="_", ms=9, capsize=3, color=TARGET_STYLE["color"])
    ax_a.set_xlabel("cue noise: fraction of cue bits flipped (1)")
    ax_a.set_ylabel("fraction of cues recalling the exact stored pair (1)")
    ax_a.set_title(f"A  exact recall of the stored pair ({n_cues} cues per point, "
                   f"P = {p})", fontsize=10)
    ax_a.set_ylim(-0.03, 1.05)
    ax_a.legend(fontsize=7.5, loc="lower left")

    ax_b.plot([], [], color="grey", linestyle="-",
              label="theory E_u Phi(-(1 - 2 rho) sqrt(n / u))")
    ax_b.errorbar([], [], yerr=[], fmt="_", color=TARGET_STYLE["color"],
                  label="target: first half-step ± 3 s.e.")
    improve = [c for c in checks if c.name.startswith("improvement@")]
    ax_b.set_yscale("symlog", linthresh=1e-3)
    ax_b.set_ylim(0, 0.6)
    ax_b.set_xlabel("cue noise: fraction of cue bits flipped (1)")
    ax_b.set_ylabel("fraction of partner bits wrong (1)")
    ax_b.set_title("B  partner bit errors: signal-to-noise theory" + (
        f"\n(recall never worse than the first echo: "
        f"{'passed' if all(c.passed for c in improve) else 'FAILED'})" if improve else ""),
        fontsize=10)
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
    ax_c.axhline(-1.0, color="grey", linestyle=":", linewidth=1.0,
                 label="energy of a stored pair without crosstalk (-n m)")
    rise_check = find_check(checks, "energy_max_increase")
    conv = find_check(checks, "all_converged")
    notes = [f"{label}: {c.value:g} (target {target_text(c)})" for label, c in
             (("largest rise", rise_check), ("all converged", conv))
             if c is not None]
    ax_c.set_xlabel("half-step (1)")
    ax_c.set_ylabel("energy E / (n m) (1)")
    ax_c.set_title(f"C  energy never rises (cue noise {noise[j]:.0%}; "
                   f"largest rise {rise:g})" + (f"\nall recalls: {'; '.join(notes)}"
                                                 if notes else ""), fontsize=9)
    last = int(np.nanmax(ds.iterations.values)) * 2 + 2
    ax_c.set_xlim(0, max(4, min(last, ds.sizes["half_step"] - 1)))
    ax_c.legend(fontsize=7.5, loc="upper right")
    return fig
