"""memory.dense: the capacity against the Gaussian theory, the recipe's crossing fit, and
backends."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import engramlab
from conftest import quick_run
from engramlab.experiments.memory.dense import crossing, theory_error


def test_dense_capacity_matches_theory_prefactor():
    """Beyond the slope: K_eps at the largest N is within 10 % of the Gaussian theory."""
    m = quick_run("memory.dense").metrics
    for n in (2, 3, 4):
        (key,) = [k for k in m if k.startswith(f"capacity_over_theory_n{n}@")]
        assert m[key] == pytest.approx(1.0, abs=0.1), key


def test_crossing_interpolation():
    k = np.array([60.0, 120.0, 240.0, 480.0])
    err = theory_error(3, 50, k)
    k_star = crossing(k, err, 0.01)
    assert theory_error(3, 50, k_star) == pytest.approx(0.01, rel=0.02)
    assert np.isnan(crossing(k, err, 0.4))  # outside the grid


def test_experiment_identical_across_backends():
    pytest.importorskip("array_api_strict")
    exp = engramlab.get_experiment("memory.dense")
    params = exp.params("quick", sizes_n2=(32, 64), sizes_n3=(16, 24), sizes_n4=(12, 16),
                        n_test_bits=2000)
    a = exp.run(params, seed=3, backend="numpy")
    b = exp.run(params, seed=3, backend="array_api_strict")
    xr.testing.assert_identical(a, b)
