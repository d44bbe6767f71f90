"""Drawing published targets from the checks of a run.

Every figure draws its targets from the :class:`~engramlab.core.Check` objects of the
run (value, tolerance, comparison), never from numbers typed into the figure, so a
changed target changes the figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from engramlab.core.targets import Check

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["TARGET_STYLE", "bounds", "draw_target", "find_check", "target_text"]

#: How a published target is drawn on every figure.
TARGET_STYLE = {"color": "#c0392b", "linestyle": "--", "linewidth": 1.5}
_BAND_ALPHA = 0.12


def find_check(checks: Sequence[Check], name: str) -> Check | None:
    """The check of metric ``name``; ``None`` where this run has none or does not test it.

    A "full preset only" check in a quick run is not tested: a figure draws nothing
    for it.
    """
    return next((c for c in checks if c.name == name and c.tested), None)


def bounds(check: Check) -> tuple[float, float]:
    """The interval of values that pass ``check`` (``-inf`` / ``inf`` for one-sided)."""
    v, tol = check.target, check.tolerance
    match check.compare:
        case "abs":
            return v - tol, v + tol
        case "rel":
            return v - tol * abs(v), v + tol * abs(v)
        case "at_least":
            return v - tol, float("inf")
        case "at_most":
            return float("-inf"), v + tol
    raise ValueError(f"unknown comparison {check.compare!r}")


def target_text(check: Check, fmt: str = ".3g") -> str:
    """The target as people write it: ``0.15 ± 0.015``, ``≥ 0.6``, ``≤ 0.5``."""
    lo, hi = bounds(check)
    match check.compare:
        case "abs":
            return f"{check.target:{fmt}} ± {check.tolerance:{fmt}}"
        case "rel":
            return f"{check.target:{fmt}} ± {100 * check.tolerance:.3g} %"
        case "at_least":
            return f"≥ {lo:{fmt}}"
        case _:
            return f"≤ {hi:{fmt}}"


def draw_target(ax: Axes, check: Check | None, *, axis: Literal["x", "y"] = "y",
                label: str | None = None, at: float | None = None, color: str | None = None,
                fmt: str = ".3g") -> None:
    """Draw a check's target on ``ax``: its passing band (two-sided) or bound (one-sided).

    Parameters
    ----------
    ax
        The axes.
    check
        The check; ``None`` (not checked in this run) draws nothing.
    axis
        ``"y"``: the target is a value of the y axis (horizontal line and band); ``"x"``:
        of the x axis (vertical).
    label
        Legend text; the default is the metric's target as :func:`target_text` writes
        it. ``""`` leaves it out of the legend.
    at
        Draw the target as a point with an error bar at this x (``axis="y"``) or y
        instead of a line across the axes (for curves with one target per point).
    color
        Overrides the target colour.
    fmt
        Number format of the default label.
    """
    if check is None:
        return
    style = {**TARGET_STYLE, **({"color": color} if color else {})}
    text = f"target {target_text(check, fmt)}" if label is None else label
    lo, hi = bounds(check)
    two_sided = check.compare in ("abs", "rel")
    if at is not None:
        centre = check.target if two_sided else (lo if check.compare == "at_least" else hi)
        err = [[centre - lo], [hi - centre]] if two_sided else None
        xy = (at, centre) if axis == "y" else (centre, at)
        kw = {"yerr": err} if axis == "y" else {"xerr": err}
        ax.errorbar(*xy, **kw, fmt="_" if two_sided else ("^" if check.compare ==
                    "at_least" else "v"), ms=9, color=style["color"], capsize=3,
                    label=text or None)
        return
    line = ax.axhline if axis == "y" else ax.axvline
    span = ax.axhspan if axis == "y" else ax.axvspan
    if two_sided:
        span(lo, hi, color=style["color"], alpha=_BAND_ALPHA, lw=0)
        line(check.target, **style, label=text or None)
    else:
        line(lo if check.compare == "at_least" else hi, **style, label=text or None)
