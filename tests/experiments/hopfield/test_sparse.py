"""hopfield.sparse: identical numbers on every backend, the RS theory, censoring."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import engramlab


def test_experiment_identical_across_backends():
    pytest.importorskip("array_api_strict")
    exp = engramlab.get_experiment("hopfield.sparse")
    params = exp.params("quick", n_neurons=100, coding_level=(0.2, 0.1), threshold=(0.4,),
                        load_points=4, n_cues=4)
    a = exp.run(params, seed=3, backend="numpy")
    b = exp.run(params, seed=3, backend="array_api_strict")
    xr.testing.assert_identical(a, b)


def test_rs_theory_approaches_the_asymptote_slowly():
    """The T = 0 RS capacity at the optimal threshold rises towards 1 / (2 a ln(1/a))."""
    from engramlab.experiments.hopfield.sparse import rs_optimal_capacity
    from engramlab.memory.sparse import sparse_asymptotic_capacity

    ratios = [rs_optimal_capacity(a)[1] / float(sparse_asymptotic_capacity(a))
              for a in (0.2, 0.05, 1e-3, 1e-6)]
    assert all(np.diff(ratios) > 0) and ratios[-1] < 1.0
    assert rs_optimal_capacity(0.05)[1] == pytest.approx(0.971, abs=0.005)


def test_censored_capacity_is_nan():
    """Best threshold at an end of the grid, or no fall below 1/2 on the load grid: NaN."""
    from engramlab.experiments.hopfield.sparse import _capacity_over_thresholds

    loads = np.array([0.1, 0.2, 0.3, 0.4])
    falls = np.array([1.0, 1.0, 0.0, 0.0])
    later = np.array([1.0, 1.0, 1.0, 0.0])
    never = np.ones(4)
    cap, j = _capacity_over_thresholds(loads, np.stack([falls, later, falls]))
    assert j == 1 and cap == pytest.approx(0.35)
    assert np.isnan(_capacity_over_thresholds(loads, np.stack([later, falls, falls]))[0])
    assert np.isnan(_capacity_over_thresholds(loads, np.stack([falls, never, falls]))[0])
