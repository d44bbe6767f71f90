r"""Spike-train statistics shared by the network experiments.

Rates, irregularity (CV of the interspike intervals), population synchrony (Golomb's
:math:`\chi`, the Fano factor of population counts) and the spectrum of a population
rate. Pure functions of spike times and counts (NumPy arrays, times in ms).
"""

from __future__ import annotations

import math

import numpy as np

from engramlab.core.errors import ParameterError

__all__ = ["bin_spikes", "isi_cv", "population_fano", "spectral_peak", "synchrony_chi"]


def isi_cv(times_ms: np.ndarray, neurons: np.ndarray, n_neurons: int, *,
           min_intervals: int = 2) -> np.ndarray:
    r"""Coefficient of variation of the interspike intervals, neuron by neuron.

    .. math:: \mathrm{CV}_i = \frac{\sqrt{\langle T^2\rangle_i - \langle T\rangle_i^2}}
              {\langle T\rangle_i}

    over the intervals :math:`T` between consecutive spikes of neuron :math:`i` (the
    population standard deviation, ``ddof=0``). A Poisson process has CV = 1, a clock
    CV = 0. With few intervals the sample CV is biased low (about 0.72 for a Poisson
    train with ~5 intervals).

    Parameters
    ----------
    times_ms, neurons
        Spike times (ms) and the index in ``[0, n_neurons)`` of the neuron of each spike,
        in any order.
    n_neurons
        Number of neurons.
    min_intervals
        Neurons with fewer intervals get NaN.

    Returns
    -------
    numpy.ndarray
        ``n_neurons`` CVs (NaN where undefined).

    Examples
    --------
    >>> times = [0.0, 10.0, 20.0, 30.0, 0.0, 10.0, 30.0]
    >>> neurons = [0, 0, 0, 0, 1, 1, 1]
    >>> np.round(isi_cv(times, neurons, 3), 4).tolist()  # regular; ISIs 10, 20; no spikes
    [0.0, 0.3333, nan]
    """
    t = np.asarray(times_ms, dtype=float).ravel()
    i = np.asarray(neurons, dtype=np.int64).ravel()
    if t.shape != i.shape:
        raise ParameterError("neurons", "must have one entry per spike time")
    if n_neurons < 1 or min_intervals < 1:
        raise ParameterError("n_neurons", "and min_intervals must be >= 1",
                             (n_neurons, min_intervals))
    if i.size and (i.min() < 0 or i.max() >= n_neurons):
        raise ParameterError("neurons", f"indices must lie in [0, {n_neurons})")
    order = np.lexsort((t, i))
    t, i = t[order], i[order]
    same = i[1:] == i[:-1]
    isi = np.diff(t)[same]
    who = i[1:][same]
    count = np.bincount(who, minlength=n_neurons).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(who, isi, minlength=n_neurons) / count
        var = np.bincount(who, (isi - mean[who]) ** 2, minlength=n_neurons) / count
        cv = np.sqrt(var) / mean
    cv[count < min_intervals] = np.nan
    return cv


def bin_spikes(times_ms: np.ndarray, t_start_ms: float, t_stop_ms: float,
               bin_ms: float) -> np.ndarray:
    """Population spike counts in consecutive bins of ``bin_ms`` from ``t_start_ms``.

    Only whole bins that end by ``t_stop_ms`` are returned; a spike at time ``t`` falls
    in the bin ``[t_k, t_k + bin)``.

    Examples
    --------
    >>> bin_spikes([0.5, 3.0, 4.9, 5.0, 12.0], 0.0, 10.0, 5.0).tolist()  # 12 ms is past the end
    [3, 1]
    """
    if not (bin_ms > 0 and t_stop_ms > t_start_ms):
        raise ParameterError("bin_ms", "needs bin_ms > 0 and t_stop_ms > t_start_ms",
                             (bin_ms, t_start_ms, t_stop_ms))
    n_bins = math.floor((t_stop_ms - t_start_ms) / bin_ms + 1e-9)
    t = np.asarray(times_ms, dtype=float).ravel()
    k = np.floor((t - t_start_ms) / bin_ms + 1e-9).astype(np.int64)
    k = k[(k >= 0) & (k < n_bins)]
    return np.bincount(k, minlength=n_bins)


def population_fano(counts: np.ndarray) -> float:
    r"""Fano factor :math:`\mathrm{Var}(n_k) / \langle n_k \rangle` of population counts.

    1 for independent Poisson neurons whatever their number; below 1 for independent
    neurons with refractoriness; it grows in proportion to the number of neurons when
    they fire together.

    Examples
    --------
    >>> round(population_fano([2, 4, 2, 4]), 4), population_fano([3, 3, 3, 3])  # 1 / 3, 0 / 3
    (0.3333, 0.0)
    """
    c = np.asarray(counts, dtype=float)
    mean = c.mean() if c.size else 0.0
    return float(c.var() / mean) if mean > 0 else math.nan


def synchrony_chi(counts: np.ndarray, n_neurons: int) -> float:
    r"""Golomb's synchrony measure :math:`\chi`, from population spike counts.

    With :math:`n_k` the number of spikes of :math:`N` neurons in bin :math:`k` and
    :math:`p = \langle n_k\rangle / N` the probability that one neuron fires in a bin,

    .. math:: \chi^2 = \frac{\mathrm{Var}_k(n_k / N)}{p (1 - p)}
              = \frac{\mathrm{Var}_k(n_k)}{N^2 p (1 - p)},

    the variance of the population-averaged spike count over the mean variance of the
    single-neuron (Bernoulli) counts, as Golomb (2007) defines :math:`\chi` for
    voltages. Independent neurons give :math:`\chi^2 = 1/N` (asynchronous: it vanishes
    as the network grows); neurons that all fire in the same bins give
    :math:`\chi = 1`.

    Examples
    --------
    >>> synchrony_chi([10, 0, 10, 0], 10)  # all 10 neurons fire together, p = 0.5
    1.0
    >>> synchrony_chi([5, 5, 5, 5], 10)  # a constant count: no variance
    0.0
    """
    c = np.asarray(counts, dtype=float)
    if n_neurons < 1:
        raise ParameterError("n_neurons", "must be >= 1", n_neurons)
    p = c.mean() / n_neurons if c.size else 0.0
    if not 0 < p < 1:
        return math.nan
    return float(math.sqrt(c.var() / (n_neurons**2 * p * (1.0 - p))))


def spectral_peak(rate_hz: np.ndarray, bin_ms: float, *, f_min_hz: float = 5.0,
                  f_max_hz: float = 1000.0, segment_ms: float = 409.6
                  ) -> tuple[float, float, np.ndarray, np.ndarray]:
    r"""The largest peak of the power spectrum of a population rate.

    Welch's estimate (:func:`scipy.signal.welch`, Hann windows of ``segment_ms`` with
    half overlap, mean removed) of the spectrum :math:`P(f)` of the rate sampled every
    ``bin_ms``; the peak is searched in :math:`[f_{min}, f_{max}]`.

    Returns
    -------
    (f_peak_hz, height, freqs_hz, power)
        The peak frequency; its height, :math:`P(f_{peak})` over the median of
        :math:`P(f)` for :math:`f \ge f_{min}` (about 1 to 3 for the flat spectrum of
        asynchronous activity, large for an oscillation); and the spectrum.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t_ms = np.arange(2_000.0)  # 2 s in 1 ms bins; 500 ms segments resolve 2 Hz
    >>> rate = 10.0 + 5.0 * np.sin(2 * np.pi * 40.0 * t_ms / 1000) + rng.normal(0, 1, t_ms.size)
    >>> f_peak, height, freqs, power = spectral_peak(rate, 1.0, segment_ms=500.0)
    >>> f_peak, bool(height > 100), float(freqs[1])
    (40.0, True, 2.0)
    """
    r = np.asarray(rate_hz, dtype=float).ravel()
    if not bin_ms > 0 or r.size < 8:
        raise ParameterError("rate_hz", "needs bin_ms > 0 and at least 8 samples",
                             r.size)
    fs = 1000.0 / bin_ms
    nper = int(min(r.size, max(8, round(segment_ms / bin_ms))))
    from scipy import signal  # here: scipy.signal costs ~1.5 s to import

    freqs, power = signal.welch(r - r.mean(), fs=fs, nperseg=nper, detrend="constant")
    band = (freqs >= f_min_hz) & (freqs <= f_max_hz)
    if not band.any() or not np.any(power[band] > 0):
        return math.nan, math.nan, freqs, power
    k = np.flatnonzero(band)[np.argmax(power[band])]
    floor = np.median(power[freqs >= f_min_hz])
    height = float(power[k] / floor) if floor > 0 else math.inf
    return float(freqs[k]), height, freqs, power
