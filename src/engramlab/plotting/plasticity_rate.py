"""Figures of the rate-based plasticity experiments: Hebb / Oja and BCM."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_bcm", "plot_hebb_oja"]

_COLORS = {"hebb": "#4c72b0", "oja": "#dd8452"}


def plot_hebb_oja(ds: xr.Dataset) -> Figure:
    """2-D input cloud with the final weights; angle to PC1 and |w| vs presentations."""
    fig = new_figure(13.5, 4.3)
    ax_a, ax_b, ax_c = fig.subplots(1, 3)
    s = ds.samples_2d.values
    ax_a.scatter(s[:, 0], s[:, 1], s=4, color="grey", alpha=0.4, label="inputs x")
    pc = ds.pc1.sel(condition="2-D").values[:2]
    ax_a.plot([-3 * pc[0], 3 * pc[0]], [-3 * pc[1], 3 * pc[1]], **TARGET_STYLE,
              label="first PC (target direction)")
    for w in ds.final_w.sel(condition="2-D", rule="oja").values[:, :2]:
        ax_a.plot([0, w[0]], [0, w[1]], color=_COLORS["oja"], lw=1.0)
    ax_a.plot([], [], color=_COLORS["oja"], label="Oja final w (|w| = 1)")
    ax_a.set_aspect("equal")
    ax_a.set_xlabel("x1 (1)")
    ax_a.set_ylabel("x2 (1)")
    ax_a.set_title("A  2-D inputs and Oja's weight vectors", fontsize=10)
    ax_a.legend(fontsize=7, loc="upper left")
    step = np.maximum(ds.step.values, 1)
    for cond, ls in (("2-D", "-"), ("n-D", "--")):
        for rule in ("hebb", "oja"):
            med = ds.angle.sel(condition=cond, rule=rule).median("trial")
            ax_b.plot(step, med, ls=ls, color=_COLORS[rule], label=f"{rule}, {cond} (median)")
            nrm = ds.norm.sel(condition=cond, rule=rule).median("trial")
            ax_c.plot(step, nrm, ls=ls, color=_COLORS[rule], label=f"{rule}, {cond} (median)")
    ax_b.plot([step[0], step[-1]], [2.0, 2.0], **TARGET_STYLE, label="2 deg bound")
    ax_b.set_xscale("log")
    ax_b.set_yscale("log")
    ax_b.set_xlabel("presentations (1)")
    ax_b.set_ylabel("angle between w and PC1 (deg)")
    ax_b.set_title("B  direction converges to the first PC", fontsize=10)
    ax_b.legend(fontsize=7)
    ax_c.plot([step[0], step[-1]], [1.0, 1.0], **TARGET_STYLE, label="Oja: |w| = 1")
    ax_c.set_xscale("log")
    ax_c.set_yscale("log")
    ax_c.set_xlabel("presentations (1)")
    ax_c.set_ylabel("|w| (1)")
    ax_c.set_title("C  Hebb grows without bound, Oja normalises", fontsize=10)
    ax_c.legend(fontsize=7)
    return fig


def plot_bcm(ds: xr.Dataset) -> Figure:
    """Responses and theta_M of one trial; distribution of winners and selectivity."""
    fig = new_figure(13.5, 4.3)
    ax_a, ax_b, ax_c = fig.subplots(1, 3)
    k = int(ds.attrs["n_patterns"])
    step = ds.step.values
    resp = ds.response.isel(trial=0)
    for j in range(k):
        ax_a.plot(step, resp.sel(pattern=j), lw=1.2, label=f"pattern {j}")
    ax_a.plot(step, ds.theta.isel(trial=0), color="k", lw=0.8, alpha=0.6,
              label="theta_M")
    ax_a.plot([step[0], step[-1]], [k, k], **TARGET_STYLE, label="fixed point y = K")
    ax_a.set_xlabel("presentations (1)")
    ax_a.set_ylabel("response y = w . x (1)")
    ax_a.set_title("A  one neuron becomes selective (trial 0)", fontsize=10)
    ax_a.legend(fontsize=7)
    y = ds.final_response.values
    y2 = (ds.response ** 2).mean("pattern")
    ax_b.plot(step, y2.median("trial"), color="#4c72b0", label="<y^2> over patterns (median)")
    ax_b.plot(step, ds.theta.median("trial"), color="k", lw=0.8,
              label="theta_M (median over trials)")
    ax_b.plot([step[0], step[-1]], [k, k], **TARGET_STYLE, label="theta_M = <y^2> = K")
    ax_b.set_xlabel("presentations (1)")
    ax_b.set_ylabel("threshold and <y^2> (1)")
    ax_b.set_title("B  theta_M tracks the activity", fontsize=10)
    ax_b.legend(fontsize=7)
    top = y.max(axis=1)
    sel = 1.0 - (y.sum(axis=1) - top) / (k - 1) / top
    counts = np.bincount(y.argmax(axis=1), minlength=k)
    ax_c.bar(np.arange(k), counts / counts.sum(), color="#55a868",
             label="share of trials selecting pattern")
    ax_c.plot([-0.5, k - 0.5], [float(np.mean(sel >= 0.9))] * 2, color="#8172b2",
              label="fraction with selectivity >= 0.9")
    ax_c.plot([-0.5, k - 0.5], [1.0, 1.0], **TARGET_STYLE, label="target: all selective")
    ax_c.set_xlabel("pattern (index)")
    ax_c.set_ylabel("fraction of trials (1)")
    ax_c.set_title("C  which pattern wins", fontsize=10)
    ax_c.set_ylim(0, 1.1)
    ax_c.legend(fontsize=7)
    return fig
