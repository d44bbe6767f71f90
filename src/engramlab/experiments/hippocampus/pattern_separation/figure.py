"""Figure of ``hippocampus.pattern-separation``: output vs input overlap, with the theory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import find_check, new_figure, target_text
from engramlab.plotting.displays import target_segment

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: output overlap vs input overlap per DG coding level, theory and identity.
    B: output minus input overlap, with the separation bound from the check."""
    fig = new_figure(11.0, 4.5)
    ax_a, ax_b = fig.subplots(1, 2)
    s_in = ds.input_overlap.values
    colors = ("#4c72b0", "#dd8452", "#55a868", "#8172b2")
    for i, a in enumerate(ds.coding_level_out.values):
        col = colors[i % len(colors)]
        mc = ds.output_overlap.sel(coding_level_out=a).values
        se = ds.binomial_se.sel(coding_level_out=a).values
        ax_a.errorbar(s_in, mc, yerr=2 * se, fmt="o", ms=3.5, color=col,
                      label=f"Monte Carlo, {100 * a:g} % DG active")
        ax_a.plot(s_in, ds.theory.sel(coding_level_out=a), color=col, lw=1.0,
                  label=f"orthant theory, {100 * a:g} %")
        ax_b.plot(s_in, mc - s_in, "o-", ms=3.5, color=col, label=f"{100 * a:g} % DG active")
    ax_a.plot([0, 1], [0, 1], color="grey", ls=":", lw=0.8, label="no separation (identity)")
    z = find_check(checks, "max_theory_z")
    ax_a.set_xlabel("input (EC) overlap (1)")
    ax_a.set_ylabel("output (DG) overlap (1)")
    ax_a.set_title("A  DG k-WTA separates similar inputs" + (
        f"\n(theory check: max |z| {z.value:.2f}, target {target_text(z)})" if z else ""),
        fontsize=10)
    ax_a.legend(fontsize=7.5, loc="upper left")
    target_segment(ax_b, find_check(checks, "max_output_minus_input"),
                   0.1, 0.9, label="target: output - input overlap ≤ 0 (s_in 0.1-0.9)")
    ax_b.set_xlabel("input (EC) overlap (1)")
    ax_b.set_ylabel("output - input overlap (1)")
    ax_b.set_title("B  separation: output below input overlap", fontsize=10)
    ax_b.set_xlim(0, 1)
    ax_b.set_ylim(min(-0.35, float(np.min(ds.output_overlap.values - s_in)) - 0.02), 0.1)
    ax_b.legend(fontsize=7.5, loc="lower left")
    return fig
