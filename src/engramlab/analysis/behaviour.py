r"""Behavioural read-outs: from a circuit's activity to what an experimenter scores.

The circuits of chapter 3 are read out as behaviour -- recall of an episode, percent
freezing, choices, response timing. Each read-out is an explicit, documented map from
model activity to a behavioural measure, so that a figure's "freezing (%)" axis has a
definition a reader can check.

Freezing
    :func:`freezing_percent` maps the mean activity :math:`x` of the amygdala's fear
    output cells (central amygdala drive of the periaqueductal grey, which produces
    freezing; LeDoux 2000) to the percent of observation time an animal freezes,

    .. math::

        F(x) = F_0 + (F_\max - F_0)\,\frac{x^n}{x^n + x_{1/2}^n},\qquad x \ge 0,

    a saturating (Hill) map: no fear output, baseline freezing :math:`F_0`; half-maximal
    freezing at :math:`x_{1/2}`; :math:`n` sets how steep. The map is monotonic, so it
    never changes an ordering of groups; ratios of freezing depend on it, and the
    experiments that use it say so. Defaults: :math:`F_0 = 0`, :math:`F_\max = 100\,\%`,
    :math:`x_{1/2} = 0.3`, :math:`n = 2` (chosen, not fitted: activity is in the
    region's units, 0..1).
Recall
    :func:`recall_fraction` is the fraction of an episode's active cells that a
    retrieval reinstates, :math:`|\hat{\xi} \wedge \xi| / |\xi|` (1: the whole
    episode, 0: nothing), with the reinstated pattern thresholded at ``threshold``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engramlab.core.errors import ParameterError

__all__ = ["freezing_percent", "recall_fraction"]


def freezing_percent(activity: Any, *, half_activity: float = 0.3, hill: float = 2.0,
                     baseline_pct: float = 0.0, max_pct: float = 100.0) -> Any:
    """Percent freezing from the mean fear-output activity (module docstring).

    Elementwise on a number, an array or an ``xarray.DataArray`` (labels kept).

    Examples
    --------
    >>> float(freezing_percent(0.3))  # x = x_1/2: half of the 100 %
    50.0
    >>> np.round(freezing_percent(np.array([0.0, 0.6])), 3).tolist()  # 0.36 / (0.36 + 0.09)
    [0.0, 80.0]
    """
    for name, v in (("half_activity", half_activity), ("hill", hill)):
        if not (isinstance(v, (int, float)) and np.isfinite(v) and v > 0):
            raise ParameterError(name, "must be a finite number > 0", v)
    if not 0.0 <= baseline_pct <= max_pct <= 100.0:
        raise ParameterError("baseline_pct", "must satisfy 0 <= baseline_pct <= max_pct "
                             "<= 100", baseline_pct)
    x = np.maximum(activity, 0.0)  # a DataArray stays labelled
    # x^n / (x^n + h^n) written as 1 / (1 + (h / x)^n): no 0 / 0 when h^n underflows
    with np.errstate(divide="ignore", over="ignore"):
        frac = 1.0 / (1.0 + (half_activity / x) ** hill)
    return baseline_pct + (max_pct - baseline_pct) * frac


def recall_fraction(reinstated: np.ndarray, episode: np.ndarray, *,
                    threshold: float = 0.5) -> np.ndarray:
    """Fraction of the episode's active cells reinstated, per row (module docstring).

    Examples
    --------
    >>> episode = np.array([[1, 1, 1, 0], [1, 1, 1, 0]])
    >>> reinstated = np.array([[0.9, 0.8, 0.1, 0.0], [0.9, 0.1, 0.1, 0.7]])
    >>> np.round(recall_fraction(reinstated, episode), 4).tolist()  # 2 of 3, then 1 of 3
    [0.6667, 0.3333]
    """
    r = np.asarray(reinstated, dtype=float) > threshold
    e = np.asarray(episode, dtype=float) > 0
    if r.shape != e.shape:
        raise ParameterError("reinstated", f"must have the shape of the episode {e.shape}",
                             r.shape)
    return (r & e).sum(axis=-1) / np.maximum(e.sum(axis=-1), 1)
