"""engramlab.analysis.spikes: spike-train statistics on synthetic trains."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engramlab.analysis import (
    bin_spikes,
    isi_cv,
    population_fano,
    spectral_peak,
    synchrony_chi,
)
from engramlab.core import ParameterError, make_rng


def _renewal(rng, n_neurons, n_spikes, draw):
    """Spike times and neuron indices of ``n_neurons`` renewal trains, shuffled."""
    isi = draw(rng, (n_neurons, n_spikes))
    times = np.cumsum(isi, axis=1).ravel()
    neurons = np.repeat(np.arange(n_neurons), n_spikes)
    order = rng.permutation(times.size)
    return times[order], neurons[order]


# -- isi_cv ----------------------------------------------------------------------------


def test_cv_of_poisson_trains_is_one():
    rng = make_rng(1)
    t, i = _renewal(rng, 50, 2001, lambda r, s: r.exponential(100.0, s))
    cv = isi_cv(t, i, 50)
    # per neuron, the CV of 2000 exponential intervals has s.d. ~ 1/sqrt(2000) = 0.022;
    # the mean over 50 neurons ~0.003: 0.02 is > 6 s.e.
    assert np.nanmean(cv) == pytest.approx(1.0, abs=0.02)
    assert np.all(np.abs(cv - 1.0) < 0.12)


def test_cv_of_gamma_trains_is_one_over_sqrt_order():
    rng = make_rng(2)
    t, i = _renewal(rng, 40, 2001, lambda r, s: r.gamma(4.0, 25.0, s))
    # gamma of order k: CV = 1 / sqrt(k) = 0.5; s.e. of the mean over 40 x 2000 ~ 0.002
    assert np.nanmean(isi_cv(t, i, 40)) == pytest.approx(0.5, abs=0.01)


def test_cv_of_periodic_trains_is_zero_and_short_trains_are_nan():
    t = np.concatenate([np.arange(10) * 25.0 + 3.0, np.arange(10) * 7.0, [5.0, 9.0]])
    i = np.concatenate([np.zeros(10, int), np.ones(10, int), [2, 2]])
    cv = isi_cv(t[::-1], i[::-1], 4)  # order of the spikes does not matter
    assert cv[0] == pytest.approx(0.0, abs=1e-12)
    assert cv[1] == pytest.approx(0.0, abs=1e-12)
    assert math.isnan(cv[2])  # one interval < min_intervals = 2
    assert math.isnan(cv[3])  # silent
    assert isi_cv([5.0, 9.0], [0, 0], 1, min_intervals=1)[0] == 0.0


def test_cv_rejects_bad_input():
    with pytest.raises(ParameterError, match="neurons"):
        isi_cv([1.0, 2.0], [0, 3], 2)
    with pytest.raises(ParameterError, match="neurons"):
        isi_cv([1.0, 2.0], [0], 2)


# -- counts, Fano, chi -----------------------------------------------------------------


def test_bin_spikes_keeps_whole_bins_only():
    c = bin_spikes([0.0, 0.99, 1.0, 2.5, 3.7, -1.0], 0.0, 3.5, 1.0)
    assert c.tolist() == [2, 1, 1]  # 3.7 lies beyond the last whole bin, -1 before 0


def test_independent_poisson_neurons_fano_one_chi_floor():
    rng = make_rng(3)
    n, p, bins = 2000, 0.02, 20_000
    counts = rng.binomial(n, p, size=bins)  # independent Bernoulli neurons
    # Var/mean = 1 - p for independent Bernoulli neurons; s.e. sqrt(2 / bins) = 0.01
    assert population_fano(counts) == pytest.approx(1 - p, abs=0.04)
    # chi = N^-1/2 for independent neurons; relative s.e. of chi ~ 1 / sqrt(2 bins)
    assert synchrony_chi(counts, n) == pytest.approx(1 / math.sqrt(n), rel=0.03)


def test_fully_synchronous_neurons_have_chi_one():
    rng = make_rng(4)
    n = 500
    fire = rng.random(5000) < 0.1
    counts = np.where(fire, n, 0)  # every neuron fires in exactly the same bins
    assert synchrony_chi(counts, n) == pytest.approx(1.0, abs=1e-12)
    assert math.isnan(synchrony_chi(np.zeros(10), n))


# -- spectral peak ---------------------------------------------------------------------


@pytest.mark.parametrize("freq", [20.0, 180.0])
def test_spectral_peak_of_a_modulated_rate(freq):
    rng = make_rng(5)
    bin_ms = 0.1
    t = np.arange(20_000) * bin_ms  # 2 s
    rate = 40.0 * (1 + 0.5 * np.sin(2 * np.pi * freq * t * 1e-3))
    # population spike counts of 5000 neurons, Poisson around the modulated rate
    counts = rng.poisson(rate * 5000 * bin_ms * 1e-3)
    noisy = counts / (5000 * bin_ms * 1e-3)
    f_peak, height, freqs, _ = spectral_peak(noisy, bin_ms, segment_ms=409.6)
    resolution = freqs[1] - freqs[0]  # 2.44 Hz
    assert f_peak == pytest.approx(freq, abs=resolution)
    assert height > 50  # a line far above the flat Poisson floor


def test_spectral_peak_of_unmodulated_rate_is_low():
    rng = make_rng(6)
    counts = rng.poisson(20.0, size=20_000)
    _, height, _, _ = spectral_peak(counts / 1e-3, 0.1)
    assert height < 5  # white noise: the largest of ~400 bins over the median
