r"""Read-outs of a conditioned response from its time course.

A trace is sampled in steps of :math:`\Delta t` (ms) from the CS onset, step :math:`k`
covering :math:`[k\Delta t, (k+1)\Delta t)` and read at its midpoint
:math:`t_k = (k + \tfrac12)\Delta t` (the convention of
:class:`~engramlab.circuits.Record` traces). Every function works along the last axis
of an array (NaN padding allowed) and returns one value per trace.

- amplitude :math:`A = \max_k y_k` (the response's peak, in the trace's units);
- peak time :math:`t_{k^*}`, :math:`k^* = \arg\max_k y_k` (the first maximum);
- onset latency: the first :math:`t_k` with :math:`y_k \ge \rho A` -- the response has
  reached the fraction :math:`\rho` (``threshold``, default 0.2) of its own peak; a
  relative criterion, since the model's eyelid has no millimetres (rabbit studies use
  an absolute 0.5 mm criterion on the nictitating membrane, e.g. Kehoe et al. 2008);
- peaks: the local maxima that stand at least ``rel_height`` of the largest, separated
  by a trough that falls below ``dip`` of the lower of the two (double-peaked CRs after
  training with two intervals, Millenson, Kehoe & Gormezano 1977).

A trace whose amplitude is not above ``min_amplitude`` has no response: its peak time
and onset are NaN.
"""

from __future__ import annotations

import numpy as np

from engramlab.core.errors import ParameterError

__all__ = ["cr_amplitude", "onset_latency", "peak_time", "response_peaks"]


def _trace(y: object, dt_ms: float) -> np.ndarray:
    if isinstance(dt_ms, bool) or not isinstance(dt_ms, (int, float)) or not dt_ms > 0 \
            or not np.isfinite(dt_ms):
        raise ParameterError("dt_ms", "must be a finite number > 0 (ms)", dt_ms)
    a = np.asarray(y, dtype=float)
    if a.ndim < 1 or a.shape[-1] < 1:
        raise ParameterError("trace", "must have at least one time step on its last axis",
                             a.shape)
    return a


def cr_amplitude(y: object) -> np.ndarray:
    """Peak of each trace, :math:`\\max_k y_k` (NaN steps ignored; all NaN: NaN).

    Examples
    --------
    >>> cr_amplitude([[0.0, 1.0, 3.0, 2.0], [0.0, np.nan, 0.5, 0.0]]).tolist()
    [3.0, 0.5]
    """
    a = _trace(y, 1.0)
    with np.errstate(invalid="ignore"):
        filled = np.where(np.isnan(a), -np.inf, a)
        m = filled.max(axis=-1)
    return np.where(np.isneginf(m), np.nan, m)


def peak_time(y: object, dt_ms: float, *, min_amplitude: float = 0.0) -> np.ndarray:
    """Time (ms from CS onset) of each trace's first maximum, NaN without a response.

    Examples
    --------
    >>> y = [[0.0, 1.0, 3.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]]
    >>> peak_time(y, 10.0).tolist()  # step 2 read at its midpoint, 2.5 * 10 ms
    [25.0, nan]
    """
    a = _trace(y, dt_ms)
    amp = cr_amplitude(a)
    k = np.argmax(np.where(np.isnan(a), -np.inf, a), axis=-1)
    t = (k + 0.5) * float(dt_ms)
    return np.where(amp > min_amplitude, t, np.nan)


def onset_latency(y: object, dt_ms: float, *, threshold: float = 0.2,
                  min_amplitude: float = 0.0) -> np.ndarray:
    """First time (ms) each trace reaches ``threshold`` of its own peak; NaN without one.

    Examples
    --------
    >>> y = [0.0, 1.0, 2.0, 4.0, 2.0]
    >>> float(onset_latency(y, 10.0)), float(onset_latency(y, 10.0, threshold=0.5))  # 0.8, 2.0
    (15.0, 25.0)
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or \
            not 0.0 < threshold <= 1.0:
        raise ParameterError("threshold", "must be a fraction in (0, 1] of the peak",
                             threshold)
    a = _trace(y, dt_ms)
    amp = cr_amplitude(a)
    with np.errstate(invalid="ignore"):
        above = np.nan_to_num(a, nan=-np.inf) >= threshold * amp[..., None]
    k = np.argmax(above, axis=-1)
    t = (k + 0.5) * float(dt_ms)
    return np.where((amp > min_amplitude) & above.any(axis=-1), t, np.nan)


def response_peaks(y: object, dt_ms: float, *, rel_height: float = 0.3,
                   dip: float = 0.9) -> list[float]:
    """Times (ms) of the separate peaks of one trace (module docstring).

    A local maximum counts if it is at least ``rel_height`` of the trace's maximum and
    the trough between it and the previous counted peak falls below ``dip`` times the
    lower of the two; otherwise the higher of the two is kept.

    Examples
    --------
    >>> response_peaks([0.0, 2.0, 4.0, 1.0, 0.0, 3.0, 1.0, 0.0], 10.0)  # peaks at steps 2, 5
    [25.0, 55.0]
    >>> response_peaks([0.0, 4.0, 3.8, 3.9, 0.0], 10.0)  # the dip is too shallow: one peak
    [15.0]
    """
    a = _trace(y, dt_ms)
    if a.ndim != 1:
        raise ParameterError("trace", "response_peaks takes one trace (1-d)", a.shape)
    for name, v in (("rel_height", rel_height), ("dip", dip)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 < v <= 1.0:
            raise ParameterError(name, "must be a fraction in (0, 1]", v)
    x = np.nan_to_num(a, nan=-np.inf)
    top = float(x.max())
    if not top > 0:
        return []
    padded = np.concatenate([[-np.inf], x, [-np.inf]])
    maxima = np.flatnonzero((padded[1:-1] > padded[:-2]) & (padded[1:-1] >= padded[2:]))
    loc = [int(i) for i in maxima if x[i] >= rel_height * top]
    kept: list[int] = []
    for i in loc:
        if kept:
            j = kept[-1]
            trough = float(x[j:i + 1].min())
            if trough >= dip * min(x[i], x[j]):
                if x[i] > x[j]:
                    kept[-1] = i
                continue
        kept.append(i)
    return [(i + 0.5) * float(dt_ms) for i in kept]
