"""Figure of ``plasticity.hebb-oja``: the 2-D input cloud with Oja's final weights, and
the angle to the first principal component and |w| against presentations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import (
    TARGET_STYLE,
    draw_target,
    find_check,
    new_figure,
    target_text,
)

from . import CONDITIONS, GROWTH_FROM

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_COLORS = {"hebb": "#4c72b0", "oja": "#dd8452"}
_TAGS = dict(zip(CONDITIONS, ("2d", "nd"), strict=True))


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
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
    eta = ds.attrs["eta0"] / (1.0 + np.arange(int(ds.attrs["n_steps"]))
                              / ds.attrs["anneal_steps"])
    eta_cum = np.concatenate([[0.0], np.cumsum(eta)])[ds.step.values]
    for cond, ls in zip(CONDITIONS, ("-", "--"), strict=True):
        tag = _TAGS[cond]
        for rule in ("hebb", "oja"):
            rms = np.sqrt((ds.angle.sel(condition=cond, rule=rule) ** 2).mean("trial"))
            ax_b.plot(step, rms, ls=ls, color=_COLORS[rule], label=f"{rule}, {cond} (RMS)")
            nrm = ds.norm.sel(condition=cond, rule=rule).median("trial")
            ax_c.plot(step, nrm, ls=ls, color=_COLORS[rule], label=f"{rule}, {cond} (median)")
        growth = find_check(checks, f"hebb_growth_rate_{tag}")
        if growth is not None:
            # |w| of the median trial, continued from T / GROWTH_FROM at the checked rate.
            i1 = int(np.searchsorted(ds.step.values, ds.attrs["n_steps"] // GROWTH_FROM))
            nrm = ds.norm.sel(condition=cond, rule="hebb").median("trial").values
            ref = nrm[i1] * np.exp(growth.target * (eta_cum - eta_cum[i1]))
            ax_c.plot(step[i1:], ref[i1:], **TARGET_STYLE,
                      label=f"Hebb {cond}: exp(lambda_1 sum eta), lambda_1 = "
                            f"{target_text(growth)}")
        theory = find_check(checks, f"oja_rms_angle_deg_{tag}")
        if theory is not None:
            draw_target(ax_b, theory,
                        label=f"theory, {cond}: final RMS angle {target_text(theory)} deg")
    ax_b.set_xscale("log")
    ax_b.set_yscale("log")
    ax_b.set_xlabel("presentations (1)")
    ax_b.set_ylabel("RMS angle between w and PC1 over trials (deg)")
    ax_b.set_title("B  direction converges to the first PC", fontsize=10)
    ax_b.legend(fontsize=7)
    norms = [c for tag in _TAGS.values()
             if (c := find_check(checks, f"oja_norm_excess_{tag}")) is not None]
    if norms:
        ax_c.axhline(1.0, **TARGET_STYLE, label="Oja: |w| = 1 (excess "
                     + ", ".join(f"{c.target:.2g}" for c in norms) + ")")
    ax_c.set_xscale("log")
    ax_c.set_yscale("log")
    ax_c.set_xlabel("presentations (1)")
    ax_c.set_ylabel("|w| (1)")
    ax_c.set_title("C  Hebb grows without bound, Oja normalises", fontsize=10)
    ax_c.legend(fontsize=7)
    return fig
