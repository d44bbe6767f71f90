"""neuron.action-potential: its metrics detect violations, HH's Fig. 12 shocks, and the
parameter checks."""

from __future__ import annotations

import pytest

import engramlab
from conftest import quick_run
from engramlab.core import ParameterError


def test_experiment_metrics_detect_violations():
    """The all-or-none check can fail: a spike at the smallest pulse is counted."""
    exp = engramlab.get_experiment("neuron.action-potential")
    ds = quick_run("neuron.action-potential").dataset
    good = exp.metrics(ds)
    assert good["hh_all_or_none_violations"] == 0.0
    spikes = ds.pulse_spikes.values.copy()
    spikes[0] = 1
    bad = exp.metrics(ds.assign(pulse_spikes=(("amplitude",), spikes)))
    assert bad["hh_all_or_none_violations"] == 1.0
    # The refractoriness check fails if the test pulse fires at the shortest interval.
    test = ds.test_threshold.values.copy()
    test[0] = 5000.0
    assert exp.metrics(ds.assign(test_threshold=(("interval",), test)))[
        "hh_absolute_refractory"] == 0.0


def test_experiment_hh_fig12_shocks():
    """HH 1952 Fig. 12: 6 mV decays back to rest; 7 and 15 mV fire one spike; 90 mV
    starts above the 0 mV detection level, so it is checked by its regenerative rise."""
    ds = quick_run("neuron.action-potential").dataset
    rest = ds.attrs["hh_rest_mv"]
    spikes = dict(zip(ds.shock.values.tolist(), ds.shock_spikes.values.tolist(), strict=True))
    assert spikes == {6.0: 0, 7.0: 1, 15.0: 1, 90.0: 0}
    peak = ds.shock_v.max("time") - rest
    assert float(peak.sel(shock=6.0)) == pytest.approx(6.0, abs=1e-9)  # only decays
    assert float(peak.sel(shock=90.0)) > 100.0  # sodium current drives it past 90 mV


def test_experiment_rejects_too_large_hh_step():
    with pytest.raises(ParameterError, match="hh_dt_ms"):
        engramlab.get_experiment("neuron.action-potential").params("quick", hh_dt_ms=0.02)
