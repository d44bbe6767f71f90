"""Family 4: hopfield.capacity and hopfield.stochastic against their published values."""

from __future__ import annotations

import numpy as np
import pytest

import engramlab
from conftest import quick_run
from engramlab.experiments.stochastic import curie_weiss_overlap


def test_curie_weiss_solution():
    m = curie_weiss_overlap(np.array([0.0, 0.5, 0.9, 0.99, 1.0, 1.5]))
    t = np.array([0.5, 0.9, 0.99])
    np.testing.assert_allclose(m[1:4], np.tanh(m[1:4] / t), atol=1e-12)
    assert m[0] == 1.0 and m[4] == 0.0 and m[5] == 0.0
    # Near T_c, m ~ sqrt(3 (1 - T)).
    assert m[3] == pytest.approx(np.sqrt(3 * 0.01), rel=0.02)


def test_capacity_quick_numbers():
    m = quick_run("hopfield.capacity").metrics
    assert m["alpha_c_theory"] == pytest.approx(0.138, abs=1e-3)
    assert m["m_c_theory"] == pytest.approx(0.967, abs=1e-3)
    # Finite-size: the smaller network crosses 50 % at a higher load, more gradually.
    assert m["crossing@N=250"] > m["crossing@N=1000"] > 0.138
    assert m["width@N=250"] > m["width@N=1000"]


def test_stochastic_quick_numbers():
    out = quick_run("hopfield.stochastic")
    m = out.metrics
    assert m["T_half_low_load"] == pytest.approx(0.5 / np.arctanh(0.5), abs=0.04)
    assert m["T_half@0.002"] > m["T_half@0.05"] > m["T_half@0.1"]
    ds = out.dataset
    low = ds.overlap.isel(load=0).mean("trial")
    assert float(low.sel(temperature=0.5)) == pytest.approx(
        float(curie_weiss_overlap(0.5)), abs=0.04)


@pytest.mark.slow
@pytest.mark.parametrize("experiment_id", ["hopfield.capacity", "hopfield.stochastic"])
def test_full_preset(experiment_id):
    outcome = engramlab.run(experiment_id, preset="full", seed=0)
    failed = [c.name for c in outcome.checks if not c.passed]
    assert not failed
