"""Figure of ``memory.modern-hopfield``: one-update retrieval vs beta, and the metastable
fixed point of a cluster of similar patterns (Ramsauer et al. 2021)."""

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
    """A: one-update accuracy vs beta per corruption. B: effective number of patterns at
    the fixed point vs beta. C: distance of the fixed point to the cluster mean."""
    from matplotlib import colormaps

    fig = new_figure(13.0, 4.4)
    ax, ax2, ax3 = fig.subplots(1, 3)
    corr = ds.corruption.values
    colors = colormaps["viridis"](np.linspace(0.0, 0.8, corr.size))
    large = float(ds.attrs["beta_large"])
    for c, color in zip(corr, colors, strict=True):
        ax.semilogx(ds.beta.values, ds.sweep_accuracy.sel(corruption=c).values, "o-",
                    color=color, ms=3.5, label=f"{c:.0%} flipped")
        acc = float((ds.relative_error.sel(corruption=c).values
                     <= ds.attrs["retrieved_rel_error"]).mean())
        ax.plot([large], [acc], "s", color=color, ms=7, mfc="none")
    acc_checks = [ch for c in corr if (ch := find_check(checks, f"one_step_accuracy@{c:g}"))]
    if acc_checks:
        floor = min(acc_checks, key=lambda ch: ch.target - ch.tolerance)
        target_segment(ax, floor, large / 1.5, large * 1.5,
                       label=f"target {target_text(floor)} at beta_large (squares)")
    limits = [ch for name in ("mean_limit_deviation", "nearest_limit_deviation")
              if (ch := find_check(checks, name))]
    conv = find_check(checks, "one_step_converged")
    notes = [f"limits beta -> 0, inf: max deviation {max(ch.value for ch in limits):.1e} "
             f"(target {target_text(limits[0])})"] if limits else []
    if conv is not None:
        notes.append(f"fixed point after one update: {conv.value:g} (target "
                     f"{target_text(conv)})")
    if notes:
        ax.text(0.98, 0.3, "\n".join(notes), transform=ax.transAxes, ha="right",
                va="center", fontsize=7)
    ax.set_xlabel("inverse temperature beta (1)")
    ax.set_ylabel("fraction retrieved by one update (1)")
    ax.set_title(f"A  one-update retrieval, d = {ds.attrs['dim']}, "
                 f"N = {ds.attrs['n_patterns']}", fontsize=10)
    ax.set_ylim(-0.05, 1.08)
    ax.legend(fontsize=7.5, loc="center left")

    b = ds.beta_fp.values[:-1]
    k = int(ds.attrs["cluster_size"])
    n_eff = ds.n_eff.isel(beta_fp=slice(0, -1))
    ax2.loglog(b, n_eff.median("cluster_query").values, "o-", color="#4c72b0",
               label="median over queries")
    ax2.fill_between(b, n_eff.min("cluster_query").values, n_eff.max("cluster_query").values,
                     color="#4c72b0", alpha=0.2, linewidth=0, label="min-max")
    mid = float(ds.attrs["beta_mid"])
    n_check = find_check(checks, "metastable_n_eff")
    target_segment(ax2, n_check, mid / 1.5, mid * 1.5,
                   label=f"target: k = {k} patterns {target_text(n_check)} at beta_mid"
                   if n_check is not None else None)
    ax2.axhline(float(ds.attrs["n_patterns"]), color="grey", linestyle=":", linewidth=0.8,
                label="all N patterns (global mean)")
    ax2.axhline(1.0, color="grey", linestyle="-.", linewidth=0.8, label="one pattern")
    ax2.plot([mid], [float(ds.n_eff.isel(beta_fp=-1).median())], "*", color="#333333", ms=10,
             label="measured at beta_mid")
    ax2.axvline(mid, color="#999999", linewidth=0.6)
    mass = find_check(checks, "metastable_cluster_mass")
    ax2.set_xlabel("inverse temperature beta (1)")
    ax2.set_ylabel("effective patterns at the fixed point 1 / sum p^2 (1)")
    ax2.set_title("B  metastable state: the softmax spreads over the cluster" + (
        f"\n(mass on the cluster {mass.value:.3f}, target {target_text(mass)})"
        if mass is not None else ""), fontsize=10)
    ax2.legend(fontsize=7.5, loc="center left")

    dist = ds.cluster_distance.isel(beta_fp=slice(0, -1))
    ax3.semilogx(b, dist.median("cluster_query").values, "o-", color="#dd8452",
                 label="median over queries")
    ax3.fill_between(b, dist.min("cluster_query").values, dist.max("cluster_query").values,
                     color="#dd8452", alpha=0.2, linewidth=0)
    d_check = find_check(checks, "metastable_distance")
    target_segment(ax3, d_check, mid / 1.5, mid * 1.5,
                   label=f"target {target_text(d_check)} at beta_mid"
                   if d_check is not None else None)
    ax3.plot([mid], [float(ds.cluster_distance.isel(beta_fp=-1).median())], "*",
             color="#333333", ms=10, label="measured at beta_mid")
    ax3.axhline(1.0, color="grey", linestyle="-.", linewidth=0.8,
                label="a member at the average distance")
    ax3.axvline(mid, color="#999999", linewidth=0.6)
    ax3.set_xlabel("inverse temperature beta (1)")
    ax3.set_ylabel("distance to cluster mean / member distance (1)")
    ax3.set_title(f"C  fixed point vs the mean of the {k} similar patterns", fontsize=10)
    ax3.legend(fontsize=7.5, loc="upper right")
    return fig
