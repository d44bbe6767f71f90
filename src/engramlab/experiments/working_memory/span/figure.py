"""Figure of ``working-memory.span``: span vs f_gamma / f_theta and the Sternberg scan."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, find_check, new_figure, target_text

#: Sternberg (1966): the intercept of RT over the memory set size (ms).
STERNBERG_INTERCEPT_MS = 397.2

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Measured span vs the frequency ratio; RT vs set size."""
    fig = new_figure(11.0, 4.2)
    a, b = fig.subplots(1, 2)
    ratio = ds.gamma_hz.values / ds.theta_hz.values
    x = np.linspace(1.5, max(ratio.max() + 1.0, 4.0), 400)
    a.plot(x, x, ":", color="0.5", label="y = x")
    a.plot(x, np.floor(x), **TARGET_STYLE, label="floor(f_gamma / f_theta) (theory)")
    for i, r in enumerate(ratio):
        s = ds.span.values[i]
        a.plot(np.full(s.shape, r), s, "o", color="#4c72b0", alpha=0.5, ms=4)
    ck = find_check(checks, "sweep_match_fraction")
    if ck is not None:
        a.text(0.02, 0.97, f"match fraction {ck.value:.2f} (target {target_text(ck)})",
               transform=a.transAxes, va="top", fontsize=7)
    a.set_xlabel("f_gamma / f_theta (1)")
    a.set_ylabel("items held (1)")
    a.set_title("Span follows the number of gamma subcycles")
    a.legend(fontsize=7, loc="lower right")
    sizes = ds.set_size.values
    rt = ds.rt_ms.values
    b.plot(np.repeat(sizes, rt.shape[1]), rt.ravel(), ".", color="0.6")
    fin = np.isfinite(rt)
    m = np.where(fin.any(axis=1), np.where(fin, rt, 0.0).sum(axis=1)
                 / np.maximum(fin.sum(axis=1), 1), np.nan)
    b.plot(sizes, m, "o-", color="#4c72b0", label="model, mean RT")
    slope = find_check(checks, "rt_slope_ms")
    if slope is not None and np.isfinite(m).any():
        ok = np.isfinite(m)
        b.plot(sizes, np.mean(m[ok] - slope.target * sizes[ok]) + slope.target * sizes,
               **TARGET_STYLE, label=f"slope 1/f_gamma = {slope.target:.1f} ms "
               "(consistency)")
    human = find_check(checks, "sternberg_slope_ms")
    if human is not None:
        b.plot(sizes, STERNBERG_INTERCEPT_MS + human.target * sizes, ":", color="#c0392b",
               lw=1.5, label=f"humans: 397.2 + {human.target:g} ms x size (Sternberg "
               f"1966): {human.verdict}")
    b.set_xlabel("set size (items)")
    b.set_ylabel("reaction time (ms)")
    b.set_title("Behaviour: the Sternberg scan's RT grows linearly")
    b.legend(fontsize=7)
    return fig
