"""Figures of ``hopfield.capacity`` and ``hopfield.stochastic`` (seed chapter 4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_capacity", "plot_stochastic"]


def plot_capacity(ds: xr.Dataset) -> Figure:
    """Success fraction vs load per N with alpha_c; final overlap vs load with AGS m(alpha)."""
    from matplotlib import colormaps

    fig = new_figure(11.0, 4.4)
    ax, ax2 = fig.subplots(1, 2)
    loads = ds["load"].values
    sizes = ds.n_neurons.values
    colors = colormaps["viridis"](np.linspace(0.0, 0.85, sizes.size))
    thr = float(ds.attrs["success_overlap"])
    alpha_c = float(ds.attrs["alpha_c"])
    count = ds.sizes["trial"] * ds.sizes["cue"]
    for n, color in zip(sizes, colors, strict=True):
        s = (ds.overlap.sel(n_neurons=n) >= thr).mean(("trial", "cue")).values
        se = np.sqrt(s * (1 - s) / count)
        ax.errorbar(loads, s, yerr=se, fmt="o-", ms=3.5, color=color, capsize=2,
                    label=f"N = {n}")
        m = ds.overlap.sel(n_neurons=n).mean(("trial", "cue")).values
        ax2.plot(loads, m, "o-", ms=3.5, color=color, label=f"N = {n} (mean)")
    ax.axvline(alpha_c, **TARGET_STYLE, label=f"AGS alpha_c = {alpha_c:.3f}")
    ax.axhline(0.5, color="grey", linewidth=0.8, linestyle=":", label="50 %")
    ax.set_xlabel("load alpha = P / N (1)")
    ax.set_ylabel(f"fraction of recalls with final overlap >= {thr:g} (1)")
    ax.set_title(f"A  retrieval success from a stored pattern ({count} recalls/point)",
                 fontsize=10)
    ax.set_ylim(-0.03, 1.05)
    ax.legend(fontsize=8)

    ax2.plot(ds.theory_load.values, ds.ags_overlap.values, **TARGET_STYLE,
             label="AGS retrieval overlap m(alpha)")
    ax2.axvline(alpha_c, color=TARGET_STYLE["color"], linewidth=0.8, linestyle=":")
    ax2.plot([alpha_c], [float(ds.attrs["m_c"])], "o", color=TARGET_STYLE["color"],
             label=f"m_c = {float(ds.attrs['m_c']):.3f} at alpha_c")
    ax2.set_xlabel("load alpha = P / N (1)")
    ax2.set_ylabel("final overlap with the starting pattern (1)")
    ax2.set_title("B  mean final overlap vs the AGS theory", fontsize=10)
    ax2.set_ylim(0, 1.03)
    ax2.legend(fontsize=8, loc="lower left")
    return fig


def plot_stochastic(ds: xr.Dataset) -> Figure:
    """Overlap vs temperature per load, with the Curie-Weiss curve m = tanh(m / T)."""
    from matplotlib import colormaps

    fig = new_figure(11.0, 4.4)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.4, 1.0])
    temps = ds.temperature.values
    loads = ds["load"].values
    colors = colormaps["viridis"](np.linspace(0.0, 0.85, loads.size))
    mean = ds.overlap.mean("trial")
    sem = ds.overlap.std("trial") / np.sqrt(ds.sizes["trial"])
    fine = np.linspace(0.0, float(temps.max()), 400)
    cw = _curie_weiss(fine)
    ax.plot(fine, cw, **TARGET_STYLE, label="m = tanh(m / T)  (alpha -> 0)")
    ax.axvline(1.0, color=TARGET_STYLE["color"], linewidth=0.8, linestyle=":",
               label="T_c = 1")
    for a, color in zip(loads, colors, strict=True):
        m, s = mean.sel(load=a).values, sem.sel(load=a).values
        ax.errorbar(temps, m, yerr=s, fmt="o-", ms=3.5, color=color, capsize=2,
                    label=f"alpha = {a:g} (P = {int(ds.n_patterns.sel(load=a))})")
    ax.set_xlabel("temperature T (1)")
    ax.set_ylabel("time-averaged overlap with the pattern (1)")
    ax.set_title(f"A  Glauber dynamics, N = {ds.attrs['n_neurons']} "
                 f"(mean ± s.e.m., {ds.sizes['trial']} runs)", fontsize=10)
    ax.set_ylim(-0.1, 1.05)
    ax.legend(fontsize=7.5, loc="lower left")

    halves = []
    for a in loads:
        y = mean.sel(load=a).values
        below = np.flatnonzero(y < 0.5)
        if below.size == 0:
            halves.append(np.nan)
            continue
        k = int(below[0])
        if k == 0:
            halves.append(float(temps[0]))
            continue
        x0, x1, y0, y1 = temps[k - 1], temps[k], y[k - 1], y[k]
        halves.append(float(x0 + (y0 - 0.5) * (x1 - x0) / (y0 - y1)))
    ax2.plot(loads, halves, "o-", color="#4c72b0", label="measured: m falls through 1/2")
    t_half = 0.5 / np.arctanh(0.5)
    ax2.plot([0.0], [t_half], "s", color=TARGET_STYLE["color"],
             label=f"mean field at alpha -> 0: T = {t_half:.3f}")
    ax2.plot([0.0, 0.138], [1.0, 0.0], "D", color=TARGET_STYLE["color"],
             label="AGS end points of the retrieval region:\nT_c = 1 at alpha -> 0, "
                   "alpha_c = 0.138 at T = 0")
    ax2.axhline(1.0, **TARGET_STYLE, label="T_c = 1 (alpha -> 0)")
    ax2.set_xlabel("load alpha = P / N (1)")
    ax2.set_ylabel("temperature T (1)")
    ax2.set_title("B  the retrieval region shrinks as the load grows", fontsize=10)
    ax2.set_xlim(-0.005, 0.145)
    ax2.set_ylim(0, 1.1)
    ax2.legend(fontsize=7.5, loc="upper right")
    return fig


def _curie_weiss(temps: np.ndarray) -> np.ndarray:
    """Largest root of m = tanh(m / T), by fixed-point iteration from m = 1."""
    m = np.ones_like(temps)
    safe = np.maximum(temps, 1e-9)
    for _ in range(20000):
        m = np.tanh(m / safe)
    return np.where(temps < 1.0, m, 0.0)
