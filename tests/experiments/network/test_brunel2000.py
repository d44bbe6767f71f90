"""network.brunel2000: the CV of the asynchronous state (diffusion approximation), the
parameter checks and the structure of the quick run."""

from __future__ import annotations

import numpy as np
import pytest

import engramlab
from conftest import quick_run
from engramlab.analysis import isi_cv
from engramlab.core import ParameterError
from engramlab.experiments.network.brunel2000 import PANELS, asynchronous_cv

# -- analytic references ---------------------------------------------------------------


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


# -- the experiment -------------------------------------------------------------------


def test_brunel_params_validate_panel_durations():
    exp = engramlab.get_experiment("network.brunel2000")
    with pytest.raises(ParameterError) as err:
        exp.params("quick", duration_ms=(300.0, 300.0, 300.0, 300.0, 300.0))
    assert err.value.field == "duration_ms"
    with pytest.raises(ParameterError) as err:
        exp.params("quick", transient_ms=120.0)  # leaves 30 ms of panel A (150 ms)
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


def test_brunel_theory_is_brunels_not_the_simulated_networks():
    """The theory targets come from Brunel's constants and Fig. 8's (g, nu): a changed
    network (J, delay, size) changes the run, never the reference values."""
    from engramlab.experiments.network.brunel2000 import theory_c
    from engramlab.network.meanfield import brunel_rate_hz

    exp = engramlab.get_experiment("network.brunel2000")
    rate, cv = theory_c()
    assert rate == pytest.approx(brunel_rate_hz(5.0, 2.0), rel=1e-12)
    assert rate == pytest.approx(37.95, abs=0.005) and cv == pytest.approx(0.675, abs=0.001)
    for overrides in ({}, {"j_mv": 0.2}, {"delay_ms": 3.0}, {"n_exc": 10_000}):
        targets = {t.metric: t for t in exp.targets(exp.params("quick", **overrides))}
        assert targets["rate_C"].value == rate and targets["cv_C"].value == cv
        assert targets["rate_C"].kind == targets["cv_C"].kind == "theory"
    assert {m.param for m in exp.mutations} == {"j_mv", "delay_ms"}


def test_brunel_quick_lists_the_full_only_check_and_the_deviation_evidence():
    from pathlib import Path

    exp = engramlab.get_experiment("network.brunel2000")
    quick = {t.metric: t for t in exp.targets(exp.params("quick"))}
    full = {t.metric: t for t in exp.targets(exp.params("full"))}
    assert quick["chi_C_over_D"].not_tested.startswith("full preset only")
    assert not full["chi_C_over_D"].not_tested
    assert all(not t.not_tested for name, t in quick.items() if name != "chi_C_over_D")
    # the deviation names its evidence, a peer script of this repository
    script = "benchmarks/peers/nest_brunel.py"
    assert script in quick["cv_C"].deviation
    root = Path(__file__).resolve().parents[3]
    compile((root / script).read_text(), script, "exec")
    # spectral peaks are read off Welch's grid: its ends are censored
    lo, hi = quick["f_peak_D"].grid
    assert lo == pytest.approx(3 / 0.4096) and hi < 1000.0
