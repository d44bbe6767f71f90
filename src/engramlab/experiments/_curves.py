"""Reading landmarks off sampled curves (shared by the experiments' metrics)."""

from __future__ import annotations

import numpy as np

__all__ = ["level_crossing"]


def level_crossing(x: np.ndarray, y: np.ndarray, level: float = 0.0, *, upward: bool = True,
                   last: bool = False, log_x: bool = False) -> float:
    """Where ``y`` crosses ``level`` between two grid points, interpolated linearly.

    Upward: ``y < level`` at one point and ``>= level`` at the next; downward: ``> level``
    then ``<= level``. The first such crossing (``last``: the last one); with ``log_x``
    the interpolation is linear in ``log x``. NaN if the curve never crosses.
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
