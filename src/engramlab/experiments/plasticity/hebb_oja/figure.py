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
    bounds,
    draw_target,
    find_check,
    new_figure,
    target_text,
)

from . import CONDITIONS

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_COLORS = {"hebb": "#4c72b0", "oja": "#dd8452"}
_TAGS = dict(zip(CONDITIONS, ("2d", "nd"), strict=True))
_BAND_ALPHA = 0.12


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
    for cond, ls in zip(CONDITIONS, ("-", "--"), strict=True):
        tag = _TAGS[cond]
        for rule in ("hebb", "oja"):
            med = ds.angle.sel(condition=cond, rule=rule).median("trial")
            ax_b.plot(step, med, ls=ls, color=_COLORS[rule], label=f"{rule}, {cond} (median)")
            nrm = ds.norm.sel(condition=cond, rule=rule).median("trial")
            growth = find_check(checks, f"hebb_min_growth_{tag}") if rule == "hebb" else None
            extra = f", growth {target_text(growth)} x" if growth else ""
            ax_c.plot(step, nrm, ls=ls, color=_COLORS[rule],
                      label=f"{rule}, {cond} (median{extra})")
    # The angle bounds of the worst trial (one line per distinct bound).
    drawn: set[float] = set()
    for rule in ("oja", "hebb"):
        for tag in _TAGS.values():
            check = find_check(checks, f"{rule}_max_angle_deg_{tag}")
            if check is not None and bounds(check)[1] not in drawn:
                drawn.add(bounds(check)[1])
                draw_target(ax_b, check, label=f"max angle {target_text(check)} deg")
    ax_b.set_xscale("log")
    ax_b.set_yscale("log")
    ax_b.set_xlabel("presentations (1)")
    ax_b.set_ylabel("angle between w and PC1 (deg)")
    ax_b.set_title("B  direction converges to the first PC", fontsize=10)
    ax_b.legend(fontsize=7)
    norms = [c for tag in _TAGS.values()
             if (c := find_check(checks, f"oja_max_norm_error_{tag}")) is not None]
    if norms:
        # The check is on | |w| - 1 |: a band around |w| = 1.
        hi = max(bounds(c)[1] for c in norms)
        ax_c.axhspan(1.0 - hi, 1.0 + hi, color=TARGET_STYLE["color"], alpha=_BAND_ALPHA, lw=0)
        ax_c.axhline(1.0, **TARGET_STYLE, label=f"Oja: |w| = 1 ± {hi:.3g}")
    ax_c.set_xscale("log")
    ax_c.set_yscale("log")
    ax_c.set_xlabel("presentations (1)")
    ax_c.set_ylabel("|w| (1)")
    ax_c.set_title("C  Hebb grows without bound, Oja normalises", fontsize=10)
    ax_c.legend(fontsize=7)
    return fig
