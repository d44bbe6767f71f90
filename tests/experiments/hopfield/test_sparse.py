"""hopfield.sparse: identical numbers on every backend."""

from __future__ import annotations

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
