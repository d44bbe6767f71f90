"""Reusable axes-level displays: each draws on an ``Axes`` it is given, from arrays.

Raster, rate trace, curve with a target band, weight histogram, epoch shading and a
bar chart with targets. Experiments' figures compose them; nothing here simulates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from engramlab.core.targets import Check
from engramlab.plotting.targets import draw_target

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["bars_with_targets", "curve_with_target", "raster", "rate_trace",
           "shade_epochs", "weight_histogram"]


def raster(ax: Axes, times_ms: np.ndarray, neurons: np.ndarray, *, color: str = "#4c72b0",
           label: str | None = None, offset: int = 0, ms: float = 2.5) -> None:
    """Spike raster: one tick per spike at (time in ms, neuron index + ``offset``)."""
    ax.plot(np.asarray(times_ms), np.asarray(neurons) + offset, "|", color=color, ms=ms,
            label=label)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron (1)")


def rate_trace(ax: Axes, time_ms: np.ndarray, rate_hz: np.ndarray, *,
               smooth_bins: int = 1, color: str = "#4c72b0", label: str | None = None) -> None:
    """A population rate against time, optionally smoothed by a boxcar of ``smooth_bins``."""
    r = np.asarray(rate_hz, dtype=float)
    if smooth_bins > 1:
        r = np.convolve(r, np.ones(smooth_bins) / smooth_bins, mode="same")
    ax.plot(np.asarray(time_ms), r, color=color, lw=1.0, label=label)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("population rate (Hz)")


def curve_with_target(ax: Axes, x: np.ndarray, y: np.ndarray, check: Check | None, *,
                      axis: str = "y", label: str | None = None, color: str = "#4c72b0",
                      marker: str = "o") -> None:
    """A measured curve and the target of ``check`` (band or bound) on the same axes."""
    ax.plot(np.asarray(x), np.asarray(y), marker=marker, ms=3.5, color=color, label=label)
    draw_target(ax, check, axis="x" if axis == "x" else "y")


def weight_histogram(ax: Axes, weights: np.ndarray, *, bins: int | np.ndarray = 20,
                     w_max: float = 1.0, color: str = "#4c72b0",
                     label: str | None = None) -> None:
    """Histogram of synaptic weights in units of ``w_max`` (fraction of synapses)."""
    w = np.asarray(weights, dtype=float).ravel() / w_max
    ax.hist(w, bins=bins, range=(0.0, 1.0), color=color, alpha=0.75, label=label,
            weights=np.full(w.size, 1.0 / max(w.size, 1)))
    ax.set_xlabel("weight / w_max (1)")
    ax.set_ylabel("fraction of synapses (1)")


def shade_epochs(ax: Axes, epochs: Sequence[tuple[float, float, str]], *,
                 colors: dict[str, str] | None = None, alpha: float = 0.12) -> None:
    """Shade named stretches of the x axis: ``(start, stop, name)`` each, one colour a name."""
    palette = ["#dd8452", "#55a868", "#8172b2", "#937860", "#da8bc3", "#8c8c8c"]
    colors = dict(colors or {})
    seen: set[str] = set()
    for start, stop, name in epochs:
        if name not in colors:
            colors[name] = palette[len(colors) % len(palette)]
        ax.axvspan(start, stop, color=colors[name], alpha=alpha, lw=0,
                   label=None if name in seen else name)
        seen.add(name)


def bars_with_targets(ax: Axes, labels: Sequence[str], values: Sequence[float],
                      checks: Sequence[Check | None], *, errors: Sequence[float] | None = None,
                      color: str = "#4c72b0") -> None:
    """A bar per label with its measured value, and each bar's target drawn on it."""
    x = np.arange(len(labels))
    ax.bar(x, values, yerr=errors, color=color, alpha=0.8, capsize=3)
    ax.set_xticks(x, list(labels))
    first = True
    for xi, check in zip(x, checks, strict=True):
        if check is not None:
            draw_target(ax, check, at=float(xi), label=None if first else "")
            first = False
