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
