"""neuron.action-potential: its metrics detect violations, the refractory period is
measured (NaN and the grid's edge fail), HH's Fig. 12 shocks, the independent reference
solutions, and the parameter checks."""

from __future__ import annotations

import numpy as np
import pytest

import engramlab
from conftest import quick_run
from engramlab.core import ParameterError
from engramlab.core.targets import evaluate
from engramlab.experiments.neuron import action_potential as ap
from engramlab.experiments.neuron.action_potential import reference
from engramlab.neurons import LIF, hh_rates, hh_resting_potential_mv, lif_rate_hz

EXP_ID = "neuron.action-potential"


def _checks(ds):
    exp = engramlab.get_experiment(EXP_ID)
    return {c.name: c for c in evaluate(exp.targets(exp.params("quick")), exp.metrics(ds))}


def test_experiment_metrics_detect_violations():
    """The all-or-none check can fail: a spike at the smallest pulse is counted."""
    exp = engramlab.get_experiment(EXP_ID)
    ds = quick_run(EXP_ID).dataset
    good = exp.metrics(ds)
    assert good["hh_all_or_none_violations"] == 0.0
    spikes = ds.pulse_spikes.values.copy()
    spikes[0] = 1
    bad = exp.metrics(ds.assign(pulse_spikes=(("amplitude",), spikes)))
    assert bad["hh_all_or_none_violations"] == 1.0
    # A test pulse that fires in the model but not in HH's equations is an infinite
    # error of the refractory curve, not a skipped point.
    test = ds.test_threshold.values.copy()
    test[0] = 5000.0
    bad = exp.metrics(ds.assign(test_threshold=(("interval",), test)))
    assert bad["hh_test_threshold_ode_max_rel_error"] == np.inf


def test_absolute_refractory_period_is_measured_not_assumed():
    """The period is a bisected number: NaN (the longest interval never fires) and the
    grid's edge (the shortest fires already) fail, as does a model/reference mismatch."""
    ds = quick_run(EXP_ID).dataset
    lo, hi = ds.attrs["hh_refractory_search_ms"]
    t_abs = ds.attrs["hh_absolute_refractory_ms"]
    assert lo < t_abs < hi
    assert _checks(ds)["hh_absolute_refractory_ms"].passed
    for value, why in ((np.nan, "NaN"), (lo, "at the edge of its grid")):
        checks = _checks(ds.assign_attrs(hh_absolute_refractory_ms=value))
        assert checks["hh_absolute_refractory_ms"].failure.startswith(why)
        assert not checks["hh_absolute_refractory_ode_error_ms"].passed
    # At the period, the largest test pulse fires; just before it, it does not.
    assert np.isnan(ds.test_threshold.sel(interval=5.0))
    assert np.isfinite(ds.test_threshold.sel(interval=8.0))
    assert 5.0 < t_abs < 8.0


def test_experiment_hh_fig12_shocks():
    """HH 1952 Fig. 12: 6 mV decays back to rest; 7 and 15 mV fire one spike; 90 mV
    starts above the 0 mV detection level, so it is checked by its regenerative rise."""
    ds = quick_run(EXP_ID).dataset
    rest = ds.attrs["hh_rest_mv"]
    spikes = dict(zip(ds.shock.values.tolist(), ds.shock_spikes.values.tolist(), strict=True))
    assert spikes == {6.0: 0, 7.0: 1, 15.0: 1, 90.0: 0}
    assert ds.ode_shock_spikes.values.tolist() == [0, 1, 1, 0]  # HH's equations agree
    peak = ds.shock_v.max("time") - rest
    assert float(peak.sel(shock=6.0)) == pytest.approx(6.0, abs=1e-9)  # only decays
    assert float(peak.sel(shock=90.0)) > 100.0  # sodium current drives it past 90 mV


def test_reference_hh1952_is_the_paper_in_its_own_convention():
    """HH's rates at V_HH = -(V + 65) are the model's at V (the modern convention):
    typed independently, they agree; the resting point is V_HH ~ 0 (V_l = -10.613)."""
    v = np.linspace(-100.0, 50.0, 301) + 1e-3  # off the removable singularities
    for ours, theirs in zip(hh_rates(v), reference.hh1952_rates(-(v + 65.0)), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert abs(reference.hh1952_rest_mv()) < 0.01
    assert -(reference.hh1952_rest_mv() + 65.0) == pytest.approx(
        hh_resting_potential_mv(ap.HH_MEMBRANE), abs=1e-9)


def test_reference_lif_ode_matches_the_closed_form():
    """solve_ivp with event detection reproduces f(I) of the Brette et al. neuron; no
    spike at or below the rheobase (100 pA)."""
    currents = np.array([100.0, 100.5, 150.0, 400.0, 1000.0])
    ode = np.array([reference.lif_ode_rate_hz(i, 2000.0) for i in currents])
    np.testing.assert_allclose(ode, lif_rate_hz(LIF(), currents), rtol=1e-9)
    assert ode[0] == 0.0


def test_mutations_are_read_at_run_time():
    """The mutation patches replace the module's model instances, which run() reads."""
    exp = engramlab.get_experiment(EXP_ID)
    names = {m.patch.rpartition(":")[2] for m in exp.mutations}
    assert names == {"HH_MEMBRANE", "LIF_NEURON"}
    with exp.mutations[1].applied():
        assert ap.LIF_NEURON.tau_m_ms == 25.0
    assert ap.LIF_NEURON.tau_m_ms == 20.0


def test_experiment_rejects_too_large_hh_step():
    with pytest.raises(ParameterError, match="hh_dt_ms"):
        engramlab.get_experiment(EXP_ID).params("quick", hh_dt_ms=0.02)


@pytest.mark.slow
def test_exponential_euler_threshold_error_behind_the_tolerances():
    """The evidence of the theory tolerances: with 22-step bisections (resolution far
    below the effect), exponential Euler puts the shock threshold ~0.42 % low at dt
    0.0125 ms and ~0.34 % at 0.01 (first order), the pulse threshold and the test
    thresholds within 0.04 %, the absolute refractory period within dt / 2."""
    exp = engramlab.get_experiment(EXP_ID)
    params = exp.params("quick", hh_bisection_steps=22, hh_pair_intervals_ms=(3.0, 8.0, 12.0))
    ref = ap._model_thresholds(ap._reference_fires(params, lambda: None), params)
    for dt, shock_err in ((0.0125, 0.0042), (0.01, 0.0034)):
        p = params.replace(hh_dt_ms=dt)
        model = ap._model_thresholds(ap._model_fires(ap.HH_MEMBRANE, p, np, lambda: None), p)
        rel = (model - ref) / ref
        assert rel[1] == pytest.approx(-shock_err, abs=0.0003)
        amplitudes = np.r_[rel[0], rel[3:-1]]  # pulse and the firing test pulses
        assert np.all(np.abs(amplitudes) < 4e-4)
        assert abs(model[-1] - ref[-1]) < dt / 2
