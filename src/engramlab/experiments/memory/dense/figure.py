"""Figure of ``memory.dense``: the fixed-error capacity of the dense associative memory
F(x) = x^n against N, its fitted exponents, and the error rates against the Gaussian
theory (Krotov & Hopfield 2016)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr
from scipy.special import ndtr

from engramlab.core import Check
from engramlab.memory.dense import double_factorial
from engramlab.plotting import TARGET_STYLE, find_check, new_figure
from engramlab.plotting.displays import target_segment

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_COLORS = {2: "#4c72b0", 3: "#55a868", 4: "#8172b2"}


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: capacity vs N (log-log) with the target slopes. B: fitted slopes with their
    bands. C: bit-error rates against the load scaled by N^(n-1)."""
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    fig = new_figure(13.0, 4.4)
    ax, ax2, ax3 = fig.subplots(1, 3, width_ratios=[1.3, 0.8, 1.2])
    eps = float(ds.attrs["error_rate"])
    slopes = {}
    for n in np.unique(ds.degree.values):
        sel = ds.degree.values == n
        size = ds.n_neurons.values[sel].astype(float)
        cap = ds.capacity.values[sel]
        color = _COLORS.get(int(n), "k")
        ok = np.isfinite(cap)
        ax.loglog(size, cap, "o", color=color, label=f"n = {n}: measured K_eps")
        ax.loglog(size, ds.capacity_theory.values[sel], ":", color=color, linewidth=1)
        if ok.sum() >= 2:
            slopes[int(n)] = np.polyfit(np.log(size[ok]), np.log(cap[ok]), 1)[0]
            check = find_check(checks, f"slope_n{n}")
            if check is not None:
                # The target slope, through the geometric mean of the points.
                gx, gy = np.exp(np.log(size[ok]).mean()), np.exp(np.log(cap[ok]).mean())
                grid = np.geomspace(size.min() / 1.2, size.max() * 1.2, 20)
                ax.loglog(grid, gy * (grid / gx) ** check.target, **TARGET_STYLE)
    if any(c.name.startswith("slope_n") for c in checks):
        ax.plot([], [], **TARGET_STYLE, label="target slope n - 1 (Krotov & Hopfield 2016)")
    ax.plot([], [], ":", color="grey", label="theory N^(n-1) / ((2n-3)!! z_eps^2)")
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("neurons N (1)")
    ax.set_ylabel(f"capacity K_eps: patterns at {eps:.0%} wrong bits (1)")
    ax.set_title("A  capacity grows as N^(n-1)", fontsize=10)
    ax.legend(fontsize=7.5, loc="upper left")

    ns = np.array(sorted(slopes))
    ax2.plot(ns, [slopes[n] for n in ns], "o", color="#333333", label="fitted slope",
             zorder=3)
    first = True
    for n in ns:
        check = find_check(checks, f"slope_n{n}")
        target_segment(ax2, check, n - 0.3, n + 0.3,
                       label=f"target n - 1 ± {check.tolerance:g}" if check and first else "")
        first = first and check is None
    ax2.set_xticks(ns)
    ax2.set_xlabel("power n of F(x) = x^n (1)")
    ax2.set_ylabel("log-log slope of K_eps vs N (1)")
    ax2.set_title("B  fitted exponents", fontsize=10)
    ax2.legend(fontsize=8, loc="upper left")

    for p in ds.point.values:
        n = int(ds.degree.values[p])
        size = float(ds.n_neurons.values[p])
        scaled = ds.n_patterns.values[p] * double_factorial(2 * n - 3) / size ** (n - 1)
        ax3.semilogy(scaled, np.maximum(ds.bit_error_rate.values[p], 1e-6), "o",
                     color=_COLORS.get(n, "k"), ms=3, alpha=0.7)
    x = np.geomspace(0.02, 0.2, 100)
    ax3.semilogy(x, ndtr(-1 / np.sqrt(x)), color="#333333", linewidth=1.2,
                 label="Gaussian theory Phi(-sqrt(N^(n-1) / ((2n-3)!! K)))")
    ax3.axhline(eps, color="grey", linewidth=0.8, linestyle=":", label=f"eps = {eps:g}")
    for n, color in _COLORS.items():
        ax3.plot([], [], "o", color=color, ms=3, label=f"n = {n}, all N")
    ax3.set_xlabel("load K (2n-3)!! / N^(n-1) (1)")
    ax3.set_ylabel("bit-error rate after one update (1)")
    ax3.set_title("C  error rates collapse on the theory", fontsize=10)
    ax3.set_ylim(1e-5, 0.3)
    ax3.legend(fontsize=7.5, loc="lower right")
    return fig
