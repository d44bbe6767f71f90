r"""Settling-time read-outs of an attractor network's trajectory.

In attractor models of word recognition the reaction time of a decision is the time the
network takes to settle on the word's representation (Plaut 1995; Becker, Moscovitch,
Behrmann & Joordens 1997, J. Exp. Psychol. Learn. Mem. Cogn. 23:1059): the number of
update steps until the state stops changing, or until it enters the basin of the
word's attractor. Both read-outs take a trajectory ``(..., steps, cells)`` of
activities :math:`x_k` (step :math:`k = 0 \dots n-1`, the state *after* step
:math:`k`) and, optionally, the state the steps started from, :math:`x_{-1}`.

:func:`step_change`
    The root-mean-square change of the state at each step,

    .. math:: \Delta_k = \Big(\frac{1}{N}\sum_i (x_{k,i} - x_{k-1,i})^2\Big)^{1/2}

    (activity units per step; :math:`\Delta_0` needs ``start``, else it is NaN).
:func:`settling_time`
    The steps until the change falls below a tolerance :math:`\epsilon` *and stays
    below it* for the rest of the trajectory:

    .. math:: T = 1 + \max\{k : \Delta_k \ge \epsilon\}

    (:math:`T = 0` when no step changes the state by :math:`\epsilon`). Requiring the
    change to stay small makes the read-out immune to the slow start of a layer whose
    input arrives only as another layer moves. A trajectory still changing at its last
    step has not settled: :math:`T = n` and ``settled`` is False.
:func:`basin_time`
    The steps until the state enters the basin of ``pattern`` (activities 0/1): the
    first step from which the direction cosine of the state and the pattern, on spins
    :math:`s = 2x - 1`, :math:`p = 2\xi - 1`,

    .. math:: m_k = \frac{\sum_i p_i s_{k,i}}{\lVert p\rVert\,\lVert s_k\rVert}

    stays at or above ``criterion`` (the same value :math:`T` as above: 1 + the last
    step below it); :math:`n` (not entered) otherwise. The cosine does not depend on how
    saturated graded units are, only on where the state points.

Example
-------
>>> import numpy as np
>>> x = 1.0 - 0.5 ** np.arange(1, 11)          # a unit relaxing to 1, halving each step
>>> int(settling_time(x[None, :, None], tol=0.01, start=np.zeros((1, 1)))[0])
6
"""

from __future__ import annotations

from typing import Literal, overload

import numpy as np

from engramlab.core.errors import ParameterError

__all__ = ["basin_time", "settling_time", "step_change"]

Array = np.ndarray


def _trajectory(states: object, field: str = "states") -> Array:
    x = np.asarray(states, dtype=float)
    if x.ndim < 2 or x.shape[-2] < 1 or x.shape[-1] < 1:
        raise ParameterError(field, "must be an array (..., steps, cells) with at least one "
                             "step and one cell", getattr(x, "shape", states))
    return x


def step_change(states: object, start: object | None = None) -> Array:
    r"""RMS change per step :math:`\Delta_k`, shape ``(..., steps)`` (module docstring).

    ``start`` ``(..., cells)`` is the state before the first step; without it the
    first entry is NaN.

    Examples
    --------
    >>> x = np.array([[0.5], [0.75], [0.875]])  # (steps, cells): halving steps toward 1
    >>> step_change(x, start=[0.0]).tolist(), step_change(x).tolist()
    ([0.5, 0.25, 0.125], [nan, 0.25, 0.125])
    """
    x = _trajectory(states)
    d = np.empty(x.shape[:-1])
    d[..., 1:] = np.sqrt(np.mean(np.diff(x, axis=-2) ** 2, axis=-1))
    if start is None:
        d[..., 0] = np.nan
    else:
        s0 = np.asarray(start, dtype=float)
        if s0.shape != x.shape[:-2] + x.shape[-1:]:
            raise ParameterError("start", f"must have shape {x.shape[:-2] + x.shape[-1:]} "
                                 "(..., cells)", s0.shape)
        d[..., 0] = np.sqrt(np.mean((x[..., 0, :] - s0) ** 2, axis=-1))
    return d


@overload
def settling_time(states: object, tol: float, start: object | None = None,
                  *, return_settled: Literal[False] = False) -> Array: ...


@overload
def settling_time(states: object, tol: float, start: object | None = None,
                  *, return_settled: Literal[True]) -> tuple[Array, Array]: ...


def settling_time(states: object, tol: float, start: object | None = None,
                  *, return_settled: bool = False) -> Array | tuple[Array, Array]:
    r"""Steps until the state change falls below ``tol`` for good (module docstring).

    Parameters
    ----------
    states
        ``(..., steps, cells)`` trajectory.
    tol
        :math:`\epsilon` (> 0), RMS change per step (activity units).
    start
        The state before the first step (``(..., cells)``); without it the first step's
        change is not known and counts as above ``tol``.
    return_settled
        Also return the boolean ``settled`` (False where the last step still changed by
        ``tol`` or more).

    Returns
    -------
    numpy.ndarray
        ``(...)`` settling times in steps (integers as floats).

    Examples
    --------
    >>> x = np.array([[0.5], [0.75], [0.875], [0.9375]])  # changes 0.5, 0.25, 0.125, 0.0625
    >>> float(settling_time(x, tol=0.1, start=[0.0]))  # the last change >= 0.1 is step 2
    3.0
    >>> t, settled = settling_time(x, tol=0.01, start=[0.0], return_settled=True)
    >>> float(t), bool(settled)  # still changing at the last step
    (4.0, False)
    """
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not tol > 0 \
            or not np.isfinite(tol):
        raise ParameterError("tol", "must be a finite number > 0", tol)
    d = step_change(states, start)
    above = ~(d < tol)  # NaN counts as above
    n = d.shape[-1]
    last = np.where(above.any(axis=-1), n - 1 - np.argmax(above[..., ::-1], axis=-1), -1)
    t = (last + 1).astype(float)
    if return_settled:
        return t, last < n - 1
    return t


def basin_time(states: object, pattern: object, criterion: float = 0.9) -> Array:
    r"""Steps until the overlap with ``pattern`` stays >= ``criterion`` (module docstring).

    ``pattern`` ``(..., cells)`` (or ``(cells,)``) in activities 0/1; returns ``(...)``
    steps (``n``: never entered for good).

    Examples
    --------
    >>> states = np.array([[1, 0, 1, 0], [1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 0, 0]])
    >>> float(basin_time(states, [1, 1, 0, 0]))  # cosines 0, 0.5, 1, 1
    2.0
    """
    x = _trajectory(states)
    if not (isinstance(criterion, (int, float)) and -1.0 < criterion <= 1.0):
        raise ParameterError("criterion", "must be a number in (-1, 1]", criterion)
    xi = np.asarray(pattern, dtype=float)
    if xi.shape[-1] != x.shape[-1]:
        raise ParameterError("pattern", f"must have {x.shape[-1]} cells", xi.shape)
    s, p = 2.0 * x - 1.0, 2.0 * xi[..., None, :] - 1.0
    norm = np.sqrt(np.sum(s * s, axis=-1) * np.sum(p * p, axis=-1))
    m = np.sum(s * p, axis=-1) / np.where(norm > 0, norm, np.inf)
    below = m < criterion
    n = m.shape[-1]
    last = np.where(below.any(axis=-1), n - 1 - np.argmax(below[..., ::-1], axis=-1), -1)
    return (last + 1).astype(float)
