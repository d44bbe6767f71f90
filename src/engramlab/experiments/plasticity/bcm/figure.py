"""Figure of ``plasticity.bcm``: responses and threshold of one neuron, the threshold
tracking <y^2>, and which pattern each trial selects."""

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

from . import SELECTIVE_INDEX

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_BAND_ALPHA = 0.12


def _fixed_point(ax: Axes, step: np.ndarray, k: int, check: Check | None, what: str) -> None:
    """The analytic fixed point K, with the band of a check of (value / K) around it."""
    if check is None:
        ax.plot([step[0], step[-1]], [k, k], color="0.5", lw=0.8, label=f"{what} = K")
        return
    lo, hi = bounds(check)
    ax.axhspan(k * lo, k * hi, color=TARGET_STYLE["color"], alpha=_BAND_ALPHA, lw=0)
    ax.plot([step[0], step[-1]], [k, k], **TARGET_STYLE,
            label=f"{what} = K = {k} (median / K: {target_text(check)})")


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
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
    _fixed_point(ax_a, step, k, find_check(checks, "winner_response_over_k"),
                 "fixed point y")
    ax_a.set_xlabel("presentations (1)")
    ax_a.set_ylabel("response y = w . x (1)")
    ax_a.set_title("A  one neuron becomes selective (trial 0)", fontsize=10)
    ax_a.legend(fontsize=7)
    y = ds.final_response.values
    y2 = (ds.response ** 2).mean("pattern")
    ax_b.plot(step, y2.median("trial"), color="#4c72b0", label="<y^2> over patterns (median)")
    ax_b.plot(step, ds.theta.median("trial"), color="k", lw=0.8,
              label="theta_M (median over trials)")
    _fixed_point(ax_b, step, k, find_check(checks, "theta_over_k"), "theta_M = <y^2>")
    ax_b.set_xlabel("presentations (1)")
    ax_b.set_ylabel("threshold and <y^2> (1)")
    ax_b.set_title("B  theta_M tracks the activity", fontsize=10)
    ax_b.legend(fontsize=7)
    top = y.max(axis=1)
    sel = 1.0 - (y.sum(axis=1) - top) / (k - 1) / top
    counts = np.bincount(y.argmax(axis=1), minlength=k)
    ax_c.bar(np.arange(k), counts / counts.sum(), color="#55a868",
             label="share of trials selecting pattern")
    ax_c.plot([-0.5, k - 0.5], [float(np.mean(sel >= SELECTIVE_INDEX))] * 2, color="#8172b2",
              label=f"fraction with selectivity >= {SELECTIVE_INDEX:g}")
    frac = find_check(checks, "selective_fraction")
    draw_target(ax_c, frac, label=f"target: fraction selective {target_text(frac)}"
                if frac else None)
    distinct = find_check(checks, "distinct_winners")
    ax_c.set_xlabel("pattern (index)")
    ax_c.set_ylabel("fraction of trials (1)")
    ax_c.set_title("C  which pattern wins" + (f" (distinct winners {target_text(distinct)})"
                                             if distinct else ""), fontsize=10)
    ax_c.set_ylim(0, 1.1)
    ax_c.legend(fontsize=7)
    return fig
