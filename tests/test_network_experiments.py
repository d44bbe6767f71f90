"""network.cuba and network.brunel2000: spike-train statistics on synthetic trains,
analytic limits, and the structure of the quick runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

import engramlab
from conftest import quick_run
from engramlab.core import ParameterError, make_rng
from engramlab.experiments.brunel import PANELS, asynchronous_cv
from engramlab.experiments.cuba import (
    bin_spikes,
    intrinsic_rate_hz,
    isi_cv,
    population_fano,
    spectral_peak,
    synchrony_chi,
)


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


# -- analytic references ---------------------------------------------------------------


def test_intrinsic_rate_of_the_cuba_neuron_matches_the_engine():
    from engramlab.network import Network, Population, Spikes, simulate
    from engramlab.neurons import LIF

    model = LIF(c_m_pf=200.0, g_l_ns=10.0, e_l_mv=-49.0, v_th_mv=-50.0, v_reset_mv=-60.0,
                t_ref_ms=5.0)
    ds = simulate(Network([Population("E", 1, model, v0_mv=-60.0)], []), 1000.0,
                  record=[Spikes("E")], seed=0)
    period = np.diff(ds.E_spike_time.values)
    nu0 = intrinsic_rate_hz(tau_m_ms=20.0, e_l_mv=-49.0, v_th_mv=-50.0, v_reset_mv=-60.0,
                            t_ref_ms=5.0)
    assert nu0 == pytest.approx(1000 / (5 + 20 * math.log(11)), rel=1e-12)
    # spikes are resolved to dt = 0.1 ms: each period is rounded up by < 1 step
    assert np.all(np.abs(period - 1000 / nu0) <= 0.1 + 1e-9)
    assert intrinsic_rate_hz(tau_m_ms=20.0, e_l_mv=-70.0, v_th_mv=-50.0, v_reset_mv=-60.0,
                             t_ref_ms=5.0) == 0.0


def test_asynchronous_cv_limits_and_brunel_value():
    # far below threshold: firing is a rare Poisson-like escape, CV -> 1
    assert asynchronous_cv(5.0, 4.0) == pytest.approx(1.0, abs=0.02)
    # strongly suprathreshold and almost noiseless: nearly a clock
    assert asynchronous_cv(40.0, 0.5) < 0.05
    # Brunel's panel C (mu = 21.03 mV, sigma = 7.68 mV at the self-consistent 37.95 Hz)
    from engramlab.network.meanfield import brunel_inputs, brunel_rate_hz

    rate = brunel_rate_hz(5.0, 2.0)
    mu, sigma = brunel_inputs(rate, g=5.0, nu_ext_hz=20.0)
    assert asynchronous_cv(float(mu), float(sigma)) == pytest.approx(0.675, abs=0.005)
    assert asynchronous_cv(19.9, 0.01) == 1.0  # y_theta = 10: Poisson escape
    with pytest.raises(ParameterError, match="sigma_mv"):
        asynchronous_cv(10.0, 0.0)


def test_asynchronous_cv_matches_a_neuron_driven_by_brunel_inputs():
    """Open loop: Brunel's LIF driven by Poisson inputs at panel C's self-consistent
    rates; CV and rate against the diffusion approximation."""
    from engramlab.network import Network, PoissonInput, Population, Spikes, simulate
    from engramlab.network.meanfield import brunel_inputs, brunel_rate_hz
    from engramlab.neurons import LIF
    from engramlab.synapses import delta

    nu = brunel_rate_hz(5.0, 2.0)
    model = LIF(c_m_pf=250.0, g_l_ns=12.5, e_l_mv=0.0, v_th_mv=20.0, v_reset_mv=10.0,
                t_ref_ms=2.0)
    pop = Population("E", 400, model, {"syn": delta()}, v0_mv=10.0)
    drive = [PoissonInput("exc", "E", "syn", 1000, 20.0 + nu, 0.1),
             PoissonInput("inh", "E", "syn", 250, nu, -0.5)]
    ds = simulate(Network([pop], [], drive), 3000.0, record=[Spikes("E")], seed=7)
    t, i = ds.E_spike_time.values, ds.E_spike_neuron.values
    keep = t >= 100.0
    cv = np.nanmean(isi_cv(t[keep], i[keep], 400))
    mu, sigma = brunel_inputs(nu, g=5.0, nu_ext_hz=20.0)
    # shot noise of 0.1-mV PSPs and dt = 0.1 ms: the rate is ~5 % and the CV ~0.02 below
    # the diffusion limit; ~100 intervals per neuron bias the CV by < 0.01
    assert cv == pytest.approx(asynchronous_cv(float(mu), float(sigma)), abs=0.04)
    assert keep.sum() / (400 * 2.9) == pytest.approx(nu, rel=0.08)


# -- the experiments -------------------------------------------------------------------


def test_brunel_params_validate_panel_durations():
    exp = engramlab.get_experiment("network.brunel2000")
    with pytest.raises(ParameterError) as err:
        exp.params("quick", duration_ms=(300.0, 300.0, 300.0, 300.0, 300.0))
    assert err.value.field == "duration_ms"
    with pytest.raises(ParameterError) as err:
        exp.params("quick", transient_ms=180.0)  # leaves 20 ms of panel A
    assert err.value.field == "transient_ms"


def test_brunel_quick_result_structure():
    out = quick_run("network.brunel2000")
    ds = out.dataset
    assert list(ds.panel.values) == list(PANELS)
    assert ds.attrs["c_exc"] == 1000 and ds.attrs["c_inh"] == 250  # Brunel's in-degrees
    assert int(ds.spike_neuron.max()) < ds.attrs["n_recorded"]
    # the mean-field rate stored for C is Brunel's 37.95 Hz (C_E, C_I, J unchanged)
    assert float(ds.meanfield_rate.sel(panel="C")) == pytest.approx(37.95, abs=0.01)
    m = out.metrics
    assert m["rate_A"] > 3 * m["rate_B"] and m["rate_B"] > 5 * m["rate_D"]  # high, mid, low


def test_cuba_quick_run_is_self_sustained_and_irregular():
    out = quick_run("network.cuba")
    ds = out.dataset
    n = ds.attrs["n_E"] + ds.attrs["n_I"]
    assert n == 2000 and out.metrics["spike_count"] == ds.spike_time.size
    assert ds.spike_time.max() > ds.attrs["duration_ms"] - 5.0  # still firing at the end
    assert {c.name for c in out.checks} == {"rate_end_over_mean", "rate_over_intrinsic",
                                            "cv_isi", "synchrony_chi"}
