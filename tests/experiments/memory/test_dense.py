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
    """Beyond the slope: K_eps at the largest N is within 10 % of the Gaussian theory,
    and that is a theory check of the run."""
    out = quick_run("memory.dense")
    checks = {c.name: c for c in out.checks}
    for n in (2, 3, 4):
        key = f"capacity_over_theory_n{n}"
        assert out.metrics[key] == pytest.approx(1.0, abs=0.1), key
        assert checks[key].kind == "theory" and checks[key].passed


def test_censored_capacity_makes_the_slope_nan():
    """A capacity the K grid does not reach is NaN, and so is the slope (no silent drop)."""
    exp = engramlab.get_experiment("memory.dense")
    ds = quick_run("memory.dense").dataset.copy(deep=True)
    ds["capacity"][0] = np.nan
    m = exp.metrics(ds)
    assert np.isnan(m["slope_n2"]) and np.isfinite(m["slope_n3"])


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
