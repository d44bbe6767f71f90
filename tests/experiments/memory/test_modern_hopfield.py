"""memory.modern-hopfield: identical numbers on every backend."""

from __future__ import annotations

import pytest
import xarray as xr

import engramlab


def test_experiment_identical_across_backends():
    pytest.importorskip("array_api_strict")
    exp = engramlab.get_experiment("memory.modern-hopfield")
    params = exp.params("quick", n_patterns=60, dim=32, n_queries=10, beta_steps=4,
                        cluster_queries=3)
    a = exp.run(params, seed=3, backend="numpy")
    b = exp.run(params, seed=3, backend="array_api_strict")
    xr.testing.assert_identical(a, b)
