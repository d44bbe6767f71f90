r"""Choice read-outs: accuracy of choices, response rate and reaction time.

- :func:`choice_accuracy`: the fraction of trials on which the correct option was chosen,
  :math:`\frac{1}{T}\sum_t [a_t = a^*_t]` (NaN trials ignored).
- :func:`response_rate`: responses per minute, :math:`60\,000\,n / T_\mathrm{ms}`.
- :func:`mean_reaction_time`: the mean reaction time of the responses made, weighting
  each block's mean by its number of responses (blocks without a response ignored).
- :func:`devaluation_ratio`: responding after outcome devaluation over responding of
  the valued control, :math:`R_\mathrm{dev} / R_\mathrm{val}` (1: insensitive to the
  outcome's value, a habit; well below 1: goal-directed; Adams 1982).

Pure functions of NumPy arrays; nothing here simulates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engramlab.core.errors import ParameterError

__all__ = ["choice_accuracy", "devaluation_ratio", "mean_reaction_time", "response_rate"]


def choice_accuracy(chosen: Any, correct: Any) -> float:
    """Fraction of trials with ``chosen == correct`` (arrays of option indices).

    Examples
    --------
    >>> choice_accuracy([0, 1, 1, 0, np.nan], [0, 1, 0, 0, 1])  # 3 of the 4 valid trials
    0.75
    """
    a, c = np.asarray(chosen, float), np.asarray(correct, float)
    if a.shape != c.shape:
        raise ParameterError("chosen", f"must have the shape of correct {c.shape}", a.shape)
    ok = np.isfinite(a) & np.isfinite(c)
    if not ok.any():
        return float("nan")
    return float(np.mean(a[ok] == c[ok]))


def response_rate(count: Any, duration_ms: Any) -> Any:
    """Responses per minute from a count over ``duration_ms`` (elementwise).

    Examples
    --------
    >>> float(response_rate(30, 60_000)), response_rate([10, 20], 30_000).tolist()
    (30.0, [20.0, 40.0])
    """
    d = np.asarray(duration_ms, float)
    if np.any(~(d > 0)):
        raise ParameterError("duration_ms", "must be > 0", duration_ms)
    return np.asarray(count, float) * 60_000.0 / d


def mean_reaction_time(rt_ms: Any, responses: Any) -> float:
    """Mean reaction time (ms) of blocks' mean RTs weighted by their response counts.

    Examples
    --------
    >>> mean_reaction_time([300.0, 400.0, np.nan], [1, 3, 0])  # (300 + 3 * 400) / 4
    375.0
    """
    rt, n = np.asarray(rt_ms, float), np.asarray(responses, float)
    if rt.shape != n.shape:
        raise ParameterError("rt_ms", f"must have the shape of responses {n.shape}", rt.shape)
    if np.any(n < 0):
        raise ParameterError("responses", "must be >= 0", responses)
    ok = np.isfinite(rt) & (n > 0)
    if not ok.any():
        return float("nan")
    return float(np.sum(rt[ok] * n[ok]) / np.sum(n[ok]))


def devaluation_ratio(devalued: Any, valued: Any) -> float:
    """Mean responding of the devalued group over that of the valued group.

    Examples
    --------
    >>> devaluation_ratio([4.0, 6.0], [10.0, 10.0])  # 5 / 10: goal-directed
    0.5
    """
    dv, v = float(np.nanmean(devalued)), float(np.nanmean(valued))
    if not v > 0:
        return float("nan")
    return dv / v
