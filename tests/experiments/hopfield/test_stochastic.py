"""hopfield.stochastic: the Curie-Weiss solution and the quick run against it."""

from __future__ import annotations

import numpy as np
import pytest

import engramlab
from conftest import quick_run
from engramlab.experiments.hopfield.stochastic import curie_weiss_overlap


def test_curie_weiss_solution():
    m = curie_weiss_overlap(np.array([0.0, 0.5, 0.9, 0.99, 1.0, 1.5]))
    t = np.array([0.5, 0.9, 0.99])
    np.testing.assert_allclose(m[1:4], np.tanh(m[1:4] / t), atol=1e-12)
    assert m[0] == 1.0 and m[4] == 0.0 and m[5] == 0.0
    # Near T_c, m ~ sqrt(3 (1 - T)).
    assert m[3] == pytest.approx(np.sqrt(3 * 0.01), rel=0.02)


def test_stochastic_quick_numbers():
    out = quick_run("hopfield.stochastic")
    m = out.metrics
    assert m["T_half_low_load"] == pytest.approx(0.5 / np.arctanh(0.5), abs=0.04)
    assert m["T_half@0.002"] > m["T_half@0.05"] > m["T_half@0.1"]
    ds = out.dataset
    low = ds.overlap.isel(load=0).mean("trial")
    assert float(low.sel(temperature=0.5)) == pytest.approx(
        float(curie_weiss_overlap(0.5)), abs=0.04)


def test_a_censored_retrieval_edge_is_nan_not_a_pass():
    """A load whose overlap starts below 1/2 on the temperature grid has no measured edge:
    the ordering check gets NaN (a failure), never 1."""
    out = quick_run("hopfield.stochastic")
    exp = engramlab.get_experiment("hopfield.stochastic")
    ds = out.dataset.copy(deep=True)
    ds["overlap"].loc[{"load": ds["load"].values[-1]}] = 0.0
    m = exp.metrics(ds)
    assert np.isnan(m["retrieval_region_shrinks"])
    check = next(c for c in out.checks if c.name == "overlap_above_Tc")
    assert check.compare == "abs" and check.target == 0.0 and check.kind == "theory"


def test_heat_bath_gain_is_the_mutation_constant(monkeypatch):
    """Glauber's factor 2 is read at run time: with gain 1 the flip probability of a
    free spin in field h is 1 / (1 + exp(-h / T))."""
    from engramlab.core import make_rng
    from engramlab.memory import hopfield

    monkeypatch.setattr(hopfield, "HEAT_BATH_GAIN", 1.0)
    w = np.array([[0.0, 1.0], [1.0, 0.0]])
    states = np.tile([1.0, 1.0], (20000, 1))
    out = hopfield.glauber(w, states, temperature=0.7, sweeps=1, rng=make_rng(5),
                           order="fixed")
    # neuron 0 is visited first with field 1 / N = 0.5
    assert (out[:, 0] > 0).mean() == pytest.approx(1 / (1 + np.exp(-0.5 / 0.7)), abs=0.01)
