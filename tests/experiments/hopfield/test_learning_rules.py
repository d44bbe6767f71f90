"""hopfield.learning-rules: the finite-N Hebb theory of the recipe, and backends."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import engramlab
from engramlab.experiments.hopfield.learning_rules import hebb_finite_n_capacity, hebb_formula


def test_hebb_finite_n_theory_tends_to_the_mceliece_formula():
    ratios = [hebb_finite_n_capacity(n) / hebb_formula(n) for n in (1e2, 1e4, 1e8, 1e30)]
    assert all(np.diff(ratios) < 0)
    assert 1.0 < ratios[-1] < 1.06  # corrections O(ln ln N / ln N)


def test_experiment_identical_across_backends():
    pytest.importorskip("array_api_strict")
    exp = engramlab.get_experiment("hopfield.learning-rules")
    params = exp.params("quick", n_neurons=(20, 30), n_trials=2, grid_points=6,
                        pinv_n_neurons=12)
    a = exp.run(params, seed=3, backend="numpy")
    b = exp.run(params, seed=3, backend="array_api_strict")
    xr.testing.assert_identical(a, b)


def test_storkey_finite_n_slope_lies_below_the_asymptotic_one():
    """N / z_N bends the log-log slope below that of N / sqrt(2 ln N), towards 1."""
    from engramlab.experiments.hopfield.learning_rules import (
        storkey_formula,
        storkey_theory_slope,
    )

    small, large = storkey_theory_slope((50, 100, 200)), storkey_theory_slope((1e4, 2e4, 4e4))
    asym = np.polyfit(np.log([50, 100, 200]), np.log([storkey_formula(n) for n in
                                                      (50, 100, 200)]), 1)[0]
    assert small == pytest.approx(0.853, abs=1e-3) and small < asym < 1.0
    assert small < large < 1.0
