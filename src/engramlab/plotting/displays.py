"""Reusable axes-level displays: each draws on an ``Axes`` it is given, from arrays.

Raster, rate trace, curve with a target band, weight histogram, epoch shading and a
bar chart with targets. Experiments' figures compose them; nothing here simulates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from engramlab.core.targets import Check
from engramlab.plotting.targets import TARGET_STYLE, bounds, draw_target, target_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis

__all__ = ["bars_with_targets", "curve_with_target", "pattern_tile", "plain_log_ticks", "raster",
           "rate_trace", "shade_epochs", "target_segment", "weight_histogram", "wilson_interval"]


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


def wilson_interval(p: np.ndarray, n: int, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """95 % Wilson score interval ``(low, high)`` of binomial fractions ``p`` out of ``n``.

    Clipped to contain ``p``: at p = 0 or 1 the interval's own end equals p only up to
    rounding, and the clip keeps error-bar lengths non-negative.
    """
    p = np.asarray(p, dtype=float)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.minimum(centre - half, p), np.maximum(centre + half, p)


def target_segment(ax: Axes, check: Check | None, x0: float, x1: float, *,
                   label: str | None = None,
                   color: str | Sequence[float] | None = None) -> None:
    """A check's target drawn from ``x0`` to ``x1`` only: its band and value, or its bound.

    For a target that holds on part of the x axis (one bar, one range of a curve), where
    :func:`~engramlab.plotting.targets.draw_target` would span the whole axes. ``None``
    draws nothing; ``label=None`` writes the target as ``target_text`` does, ``""``
    leaves it out of the legend.
    """
    if check is None:
        return
    style: dict[str, Any] = {**TARGET_STYLE, **({"color": color} if color is not None else {})}
    text = f"target {target_text(check)}" if label is None else label
    lo, hi = bounds(check)
    if check.compare in ("abs", "rel"):
        if hi > lo:
            ax.fill_between([x0, x1], [lo, lo], [hi, hi], color=style["color"], alpha=0.12,
                            linewidth=0)
        y = check.target
    else:
        y = lo if check.compare == "at_least" else hi
    ax.plot([x0, x1], [y, y], **style, label=text or None)


def pattern_tile(ax: Axes, pattern: np.ndarray, shape: tuple[int, int], *,
                 title: str = "", vmin: float = -1.0, vmax: float = 1.0,
                 mask: np.ndarray | None = None) -> None:
    """One stored or recalled pattern as a small grey image (ink dark), without ticks.

    ``mask`` (same size as ``pattern``): pixels where it is false are shown mid-grey
    (hidden or occluded).
    """
    shown = np.asarray(pattern, dtype=float).reshape(shape)
    if mask is not None:
        shown = np.where(np.asarray(mask).reshape(shape), shown, 0.5 * (vmin + vmax))
    ax.imshow(shown, cmap="Greys", vmin=vmin, vmax=vmax)
    if title:
        ax.set_title(title, fontsize=7)
    ax.set_xticks([])
    ax.set_yticks([])


def plain_log_ticks(axis: Axis, ticks: Sequence[float] | np.ndarray | None = None) -> None:
    """Plain numbers (``30``, not ``3 x 10^1``) on a log ``axis``; major ticks at ``ticks``."""
    from matplotlib.ticker import FormatStrFormatter, NullFormatter

    if ticks is not None:
        axis.set_ticks(list(ticks))
    axis.set_major_formatter(FormatStrFormatter("%g"))
    axis.set_minor_formatter(NullFormatter())
