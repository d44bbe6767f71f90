"""priming.repetition-semantic: the protocol compares the same targets after related and
unrelated primes; the incremental learning is what carries priming over intervening
items, the feature overlap what makes it semantic."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import quick_run
from engramlab.core import ParameterError
from engramlab.experiments._registry import get_experiment
from engramlab.experiments.priming.repetition_semantic import (
    ASSOCIATIVE_LAGS,
    SEMANTIC_LAGS,
    conditions,
    groups,
    region,
)

ID = "priming.repetition-semantic"


def _words(protocol, epoch_name):
    return [next(iter(dict(s.stimuli))) for s in protocol.resolve().spans
            if s.epoch == epoch_name]


def test_related_and_unrelated_groups_read_the_same_targets_after_other_primes():
    p = get_experiment(ID).params("quick")
    g = groups(p)
    assert len(g) == 2 * (len(SEMANTIC_LAGS) + len(ASSOCIATIVE_LAGS)) == len(conditions())
    r = region(p)
    related = dict(r.related)
    for lag in SEMANTIC_LAGS:
        rel, un = g[f"semantic lag {lag} related"].protocol, g[f"semantic lag {lag} unrelated"
                                                                ].protocol
        assert _words(rel, "target") == _words(un, "target")
        assert all(related[a] == b for a, b in zip(_words(rel, "prime"),
                                                   _words(rel, "target"), strict=True))
        assert not set(_words(un, "prime")) & {a for a, b in related.items()
                                               if b in _words(un, "target")}
        assert len(_words(rel, "filler")) == lag * p.n_trials
        # the fillers are never related to anything
        assert not set(_words(rel, "filler")) & {w for pr in r.related + r.associated
                                                 for w in pr}


def test_quick_run_shows_the_published_shape_in_settling_steps():
    out = quick_run(ID)
    ds = out.dataset
    m = out.experiment.metrics(ds)
    for lag in SEMANTIC_LAGS:
        assert m[f"semantic_decision_priming_lag{lag}_steps"] > 0
    assert m["long_lag_task_difference_steps"] > 0
    assert m["associative_priming_lag0_steps"] > m["semantic_decision_priming_lag0_steps"]
    # few targets reach the deadline (the end of their presentation) unsettled
    steps = ds.sizes["step"]
    assert float((ds.rt_semantic_steps >= steps).mean()) < 0.2
    assert (ds.rt_lexical_steps < steps).all()
    assert all(c.passed for c in out.checks)


def test_without_incremental_learning_priming_does_not_survive_intervening_items():
    exp = get_experiment(ID)
    m = exp.metrics(exp.run(exp.params("quick", learning_rate=0.0, n_subjects=4), seed=0))
    # the target then starts from the same filler state with the same weights: no effect
    assert m["semantic_decision_priming_lag4_steps"] == 0.0
    assert m["semantic_decision_priming_lag8_steps"] == 0.0
    assert m["associative_priming_lag1_steps"] == 0.0
    assert m["semantic_decision_priming_lag0_steps"] > 1.0   # lag 0: the carried-over state


def test_without_semantic_overlap_there_is_no_semantic_priming():
    exp = get_experiment(ID)
    m = exp.metrics(exp.run(exp.params("quick", overlap=0.0, n_subjects=8), seed=0))
    assert abs(m["semantic_decision_priming_lag0_steps"]) < 1.0
    assert m["associative_priming_lag0_steps"] > 3.0          # association is untouched


def test_same_seed_same_numbers():
    exp = get_experiment(ID)
    p = exp.params("quick", n_subjects=3)
    a, b = exp.run(p, seed=5), exp.run(p, seed=5)
    np.testing.assert_array_equal(a.rt_semantic_steps.values, b.rt_semantic_steps.values)


@pytest.mark.parametrize("field, value", [("overlap", 1.5), ("learning_rate", -0.1),
                                          ("n_trials", 0), ("criterion", 1.0),
                                          ("word_ms", 0.0)])
def test_bad_parameters_are_refused_naming_the_field(field, value):
    with pytest.raises(ParameterError, match=field):
        get_experiment(ID).params("quick", **{field: value})


def test_an_epoch_not_a_whole_number_of_steps_is_refused_before_any_work():
    exp = get_experiment(ID)
    with pytest.raises(ParameterError, match="word_ms") as err:
        exp.params("quick", word_ms=310.0, n_subjects=2)
    assert err.value.field == "word_ms"
    with pytest.raises(ParameterError, match="step_ms"):
        exp.params("quick", step_ms=50.0, tau_ms=40.0)


def test_the_figure_draws_the_published_pattern_beside_the_activity():
    out = quick_run(ID)
    fig = out.experiment.figure(out.dataset, out.checks)
    texts = [t.get_text() for ax in fig.axes if ax.get_legend() is not None
             for t in ax.get_legend().get_texts()]
    assert any("Becker" in t for t in texts)
    assert any("related (primed)" in t for t in texts)
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    act = out.dataset.target_activity.values
    assert np.isfinite(act).all() and act.max() > 0.5
