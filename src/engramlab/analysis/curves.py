"""Landmarks read off sampled curves: where a curve crosses a level.

Two conventions are in use, and both are explicit here because they differ at the edges:

- :func:`level_crossing` -- a *strict sign change* of ``y - level`` between two grid
  points (upward or downward, first or last), linear in ``x`` or in ``log x``; NaN when
  the curve never crosses, including when it starts on the far side.
- :func:`falls_below` -- the first grid point *below* ``level`` and the one before it:
  the edge of a plateau (basin radii, capacities, melting temperatures). ``x[0]`` when
  the curve starts below ``level``; NaN when it never falls below.

Both interpolate linearly between the two grid points that bracket the crossing.

>>> import numpy as np
>>> x = np.array([0.0, 1.0, 2.0])
>>> level_crossing(x, np.array([-1.0, 1.0, 3.0]))
0.5
>>> falls_below(x, np.array([1.0, 0.8, 0.2]), 0.5)
1.5
"""

from __future__ import annotations

import numpy as np

__all__ = ["falls_below", "level_crossing"]


def level_crossing(x: np.ndarray, y: np.ndarray, level: float = 0.0, *, upward: bool = True,
                   last: bool = False, log_x: bool = False) -> float:
    """Where ``y`` crosses ``level`` between two grid points, interpolated linearly.

    Parameters
    ----------
    x, y
        The sampled curve.
    level
        The level crossed.
    upward
        Upward: ``y < level`` at one point and ``>= level`` at the next; downward:
        ``> level`` then ``<= level``.
    last
        The last such crossing instead of the first.
    log_x
        Interpolate linearly in ``log x``.

    Returns
    -------
    float
        The crossing, NaN if the curve never crosses.

    Examples
    --------
    >>> level_crossing([0, 1, 2, 3], [3, 1, -1, 1], upward=False)  # 1 -> -1 between 1 and 2
    1.5
    >>> round(level_crossing([1, 10, 100], [0, 0.5, 1], 0.75, log_x=True), 4)  # sqrt(1000)
    31.6228
    """
    x = np.asarray(x, dtype=float)
    d = np.asarray(y, dtype=float) - level
    if upward:
        idx = np.flatnonzero((d[:-1] < 0) & (d[1:] >= 0))
    else:
        idx = np.flatnonzero((d[:-1] > 0) & (d[1:] <= 0))
    if idx.size == 0:
        return float("nan")
    i = int(idx[-1] if last else idx[0])
    xs = np.log(x[i:i + 2]) if log_x else x[i:i + 2]
    xc = xs[0] - d[i] * (xs[1] - xs[0]) / (d[i + 1] - d[i])
    return float(np.exp(xc)) if log_x else float(xc)


def falls_below(x: np.ndarray, y: np.ndarray, level: float) -> float:
    """The first ``x`` at which ``y`` falls below ``level``, interpolated linearly.

    The crossing lies between the last grid point at or above ``level`` and the first
    below it.

    Parameters
    ----------
    x, y
        The sampled curve.
    level
        The level.

    Returns
    -------
    float
        The crossing; ``x[0]`` if ``y`` starts below ``level``; NaN if it never falls
        below.

    Examples
    --------
    >>> falls_below([0, 1, 2, 3], [1.0, 1.0, 0.6, 0.2], 0.5)  # 0.6 -> 0.2 between 2 and 3
    2.25
    >>> falls_below([0, 1], [0.2, 0.1], 0.5), falls_below([0, 1], [1.0, 0.9], 0.5)
    (0.0, nan)
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    below = np.flatnonzero(y < level)
    if below.size == 0:
        return float("nan")
    k = int(below[0])
    if k == 0:
        return float(x[0])
    x0, x1, y0, y1 = x[k - 1], x[k], y[k - 1], y[k]
    return float(x0 + (y0 - level) * (x1 - x0) / (y0 - y1))
