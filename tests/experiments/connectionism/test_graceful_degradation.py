"""connectionism.graceful-degradation: the static-noise theory of dilution, the lesion grid
that resolves the breakdown, and censoring at the grid's edge."""

from __future__ import annotations

import numpy as np
import pytest

import engramlab
from conftest import quick_run
from engramlab.experiments.connectionism.graceful_degradation import (
    _lesion_grid,
    static_noise_breakdown,
    static_noise_overlap,
)
from engramlab.memory import ags_critical_load, ags_retrieval_overlap


def test_static_noise_theory_is_ags_without_dilution():
    """c = 1 is the AGS network: same m(alpha), retrieval lost at alpha_c = 0.138."""
    alpha_c, _ = ags_critical_load()
    for alpha in (0.02, 0.08, 0.13):
        assert static_noise_overlap(alpha, 1.0) == pytest.approx(
            float(ags_retrieval_overlap(alpha)), abs=1e-6)
    assert np.isnan(static_noise_overlap(alpha_c * 1.001, 1.0))


def test_static_noise_is_milder_than_the_load_view():
    """Static noise has no reaction term: retrieval outlives f* = 1 - alpha / 0.138."""
    alpha = 0.02
    assert np.isnan(float(ags_retrieval_overlap(alpha / 0.1)))  # load view: gone at f = 0.9
    assert static_noise_overlap(alpha, 0.1) == pytest.approx(0.9644, abs=1e-3)
    f09 = static_noise_breakdown(alpha, 0.9)
    assert f09 == pytest.approx(0.9253, abs=1e-3)
    assert static_noise_overlap(alpha, 1.0 - f09) == pytest.approx(0.9, abs=1e-6)


def test_grid_resolves_the_breakdown():
    exp = engramlab.get_experiment("connectionism.graceful-degradation")
    for preset in ("quick", "full"):
        f = _lesion_grid(exp.params(preset))
        assert f[0] == 0.0 and f[-1] == pytest.approx(0.99)
        fine = f[(f > 0.85) & (f < 0.97)]
        assert np.allclose(np.diff(fine), 0.01)


def test_tolerance_at_the_grid_edge_fails():
    """An overlap that never falls below 0.9 is censored at the grid's end, and fails."""
    out = quick_run("connectionism.graceful-degradation")
    exp = out.experiment
    (target,) = [t for t in exp.targets(out.params)
                 if t.metric == "distributed_synapse_tolerance"]
    assert target.kind == "theory" and target.grid is not None
    assert target.check(float(_lesion_grid(out.params)[-1])).failure.startswith(
        "at the edge of its grid")
    assert out.metrics["distributed_synapse_tolerance"] < target.grid[1]
    assert {c.name: c for c in out.checks}["distributed_synapse_tolerance"].passed
