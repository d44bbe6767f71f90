"""Figures of the dense and modern Hopfield experiments (seed chapter 4, successors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr
from scipy.special import ndtr

from engramlab.memory.dense import double_factorial
from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_dense", "plot_modern_hopfield"]

_COLORS = {2: "#4c72b0", 3: "#55a868", 4: "#8172b2"}


def plot_dense(ds: xr.Dataset) -> Figure:
    """Capacity vs N (log-log) with N^(n-1) targets; slopes; error-rate collapse."""
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
            slope = np.polyfit(np.log(size[ok]), np.log(cap[ok]), 1)[0]
            slopes[int(n)] = slope
            # Target: a line of slope n - 1 through the geometric mean of the points.
            gx, gy = np.exp(np.log(size[ok]).mean()), np.exp(np.log(cap[ok]).mean())
            grid = np.geomspace(size.min() / 1.2, size.max() * 1.2, 20)
            ax.loglog(grid, gy * (grid / gx) ** (n - 1), **TARGET_STYLE)
    ax.plot([], [], **TARGET_STYLE, label="target: slope n - 1 (Krotov & Hopfield 2016)")
    ax.plot([], [], ":", color="grey", label="theory N^(n-1) / ((2n-3)!! z_eps^2)")
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("neurons N (1)")
    ax.set_ylabel(f"capacity K_eps: patterns at {eps:.0%} wrong bits (1)")
    ax.set_title("A  capacity grows as N^(n-1)", fontsize=10)
    ax.legend(fontsize=7.5, loc="upper left")

    ns = np.array(sorted(slopes))
    ax2.plot(ns, [slopes[n] for n in ns], "o", color="#333333", label="fitted slope")
    for n in ns:
        ax2.plot([n - 0.3, n + 0.3], [n - 1, n - 1], **TARGET_STYLE)
        ax2.fill_between([n - 0.3, n + 0.3], n - 1.15, n - 0.85, color=TARGET_STYLE["color"],
                         alpha=0.15, linewidth=0)
    ax2.plot([], [], **TARGET_STYLE, label="target n - 1 ± 0.15")
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
    ax3.semilogy(x, ndtr(-1 / np.sqrt(x)), **TARGET_STYLE,
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


def plot_modern_hopfield(ds: xr.Dataset) -> Figure:
    """One-update accuracy vs beta; fixed-point N_eff and distance vs beta."""
    from matplotlib import colormaps

    fig = new_figure(13.0, 4.4)
    ax, ax2, ax3 = fig.subplots(1, 3)
    corr = ds.corruption.values
    colors = colormaps["viridis"](np.linspace(0.0, 0.8, corr.size))
    for c, color in zip(corr, colors, strict=True):
        ax.semilogx(ds.beta.values, ds.sweep_accuracy.sel(corruption=c).values, "o-",
                    color=color, ms=3.5, label=f"{c:.0%} flipped")
        acc = float((ds.relative_error.sel(corruption=c).values
                     <= ds.attrs["retrieved_rel_error"]).mean())
        ax.plot([ds.attrs["beta_large"]], [acc], "s", color=color, ms=7, mfc="none")
    ax.axhline(0.99, **TARGET_STYLE, label="target >= 0.99 at beta_large (square)")
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
    ax2.plot([mid / 1.5, mid * 1.5], [k, k], **TARGET_STYLE,
             label=f"target: k = {k} at beta_mid")
    ax2.axhline(float(ds.attrs["n_patterns"]), color="grey", linestyle=":", linewidth=0.8,
                label="all N patterns (global mean)")
    ax2.axhline(1.0, color="grey", linestyle="-.", linewidth=0.8, label="one pattern")
    ax2.plot([mid], [float(ds.n_eff.isel(beta_fp=-1).median())], "*", color="#c0392b", ms=10,
             label="measured at beta_mid")
    ax2.axvline(mid, color="#999999", linewidth=0.6)
    ax2.set_xlabel("inverse temperature beta (1)")
    ax2.set_ylabel("effective patterns at the fixed point 1 / sum p^2 (1)")
    ax2.set_title("B  metastable state: the softmax spreads over the cluster", fontsize=10)
    ax2.legend(fontsize=7.5, loc="center left")

    dist = ds.cluster_distance.isel(beta_fp=slice(0, -1))
    ax3.semilogx(b, dist.median("cluster_query").values, "o-", color="#dd8452",
                 label="median over queries")
    ax3.fill_between(b, dist.min("cluster_query").values, dist.max("cluster_query").values,
                     color="#dd8452", alpha=0.2, linewidth=0)
    ax3.plot([mid / 1.5, mid * 1.5], [0.2, 0.2], **TARGET_STYLE,
             label="target: <= 0.2 at beta_mid")
    ax3.plot([mid], [float(ds.cluster_distance.isel(beta_fp=-1).median())], "*",
             color="#c0392b", ms=10, label="measured at beta_mid")
    ax3.axhline(1.0, color="grey", linestyle="-.", linewidth=0.8,
                label="a member at the average distance")
    ax3.axvline(mid, color="#999999", linewidth=0.6)
    ax3.set_xlabel("inverse temperature beta (1)")
    ax3.set_ylabel("distance to cluster mean / member distance (1)")
    ax3.set_title(f"C  fixed point vs the mean of the {k} similar patterns", fontsize=10)
    ax3.legend(fontsize=7.5, loc="upper right")
    return fig
