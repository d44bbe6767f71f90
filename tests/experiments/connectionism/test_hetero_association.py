"""connectionism.hetero-association: identical numbers on every backend."""

from __future__ import annotations

import pytest
import xarray as xr

import engramlab


def test_experiment_identical_across_backends():
    pytest.importorskip("array_api_strict")
    exp = engramlab.get_experiment("connectionism.hetero-association")
    params = exp.params("quick", n_x=40, n_y=30, n_pairs=3, n_trials=2, noise_steps=3)
    a = exp.run(params, seed=3, backend="numpy")
    b = exp.run(params, seed=3, backend="array_api_strict")
    xr.testing.assert_identical(a, b)
