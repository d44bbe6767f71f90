"""hopfield.capacity against its published values (AGS 1985/87) and finite-size trends."""

from __future__ import annotations

import math

import numpy as np
import pytest

import engramlab
from conftest import quick_run
from engramlab.experiments.hopfield.capacity import (
    extrapolate_crossing,
    sna_error_rate,
    transition_fit,
)


def test_capacity_quick_numbers():
    m = quick_run("hopfield.capacity").metrics
    assert m["alpha_c_theory"] == pytest.approx(0.138, abs=1e-3)
    assert m["m_c_theory"] == pytest.approx(0.967, abs=1e-3)
    # Finite-size: the smaller network crosses 50 % at a higher load, more gradually,
    # and the crossings over N extrapolate towards alpha_c.
    assert m["crossing@N=250"] > m["crossing@N=500"] > m["crossing@N=1000"] > 0.138
    assert m["width@N=250"] > m["width@N=1000"]
    assert m["finite_size_slope"] > 0
    assert abs(m["capacity_extrapolated"] - 0.138) < abs(m["crossing@N=1000"] - 0.138)


def test_signal_to_noise_error_rate():
    """Phi(-sqrt((N-1)/(P-1))) -> 0.0036 at alpha = 0.138 (the textbook value)."""
    assert sna_error_rate(10**7, 0.138 * 10**7) == pytest.approx(0.0036, abs=5e-5)
    assert sna_error_rate(1001, 101) == pytest.approx(0.5 * math.erfc(math.sqrt(5.0)))


def test_transition_fit_censors_curves_that_do_not_cross_inside_the_grid():
    loads = np.linspace(0.1, 0.2, 11)
    curve = 1 / (1 + np.exp((loads - 0.15) / 0.01))
    x50, w = transition_fit(loads, curve)
    assert x50 == pytest.approx(0.15, abs=1e-6) and w == pytest.approx(0.01, rel=1e-4)
    for bad in (np.ones(11), np.zeros(11), 1 / (1 + np.exp((loads - 0.25) / 0.01))):
        assert all(math.isnan(v) for v in transition_fit(loads, bad))


def test_extrapolation_recovers_the_intercept_and_fails_on_a_censored_crossing():
    sizes = np.array([250, 500, 1000, 4000])
    crossing = 0.138 + 0.8 / np.sqrt(sizes)
    alpha_inf, slope = extrapolate_crossing(sizes, crossing)
    assert alpha_inf == pytest.approx(0.138) and slope == pytest.approx(0.8)
    assert math.isnan(extrapolate_crossing(sizes, np.r_[crossing[:3], np.nan])[0])
    exp = engramlab.get_experiment("hopfield.capacity")
    target = next(t for t in exp.targets(exp.params("quick"))
                  if t.metric == "capacity_extrapolated")
    assert target.kind == "theory" and target.check(float("nan")).failure == "NaN"


def test_a_sweep_point_lists_the_curve_checks_as_not_tested():
    exp = engramlab.get_experiment("hopfield.capacity")
    targets = {t.metric: t for t in exp.targets(exp.params("quick", n_neurons=(400,),
                                                           load=(0.1,)))}
    assert targets["capacity_extrapolated"].not_tested
    assert targets["width_ratio"].not_tested
    assert not targets["initial_error_ratio"].not_tested
