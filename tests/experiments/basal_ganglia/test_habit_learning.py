"""basal-ganglia.habit-learning: the protocol, the published pattern, bad input, the figure."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import quick_run
from engramlab.core import ParameterError
from engramlab.experiments._registry import get_experiment
from engramlab.experiments.basal_ganglia.habit_learning import groups

ID = "basal-ganglia.habit-learning"


def test_groups_share_training_and_differ_in_the_aversion_only():
    exp = get_experiment(ID)
    g = groups(exp.params("quick"))
    assert set(g) == {f"{c} {v}" for c in ("ratio brief", "ratio extended", "interval brief")
                      for v in ("valued", "devalued")}
    val, dev = g["ratio brief valued"].protocol, g["ratio brief devalued"].protocol
    assert [s.name for s in val.sessions] == [s.name for s in dev.sessions]
    assert val.sessions[:-2] == dev.sessions[:-2]
    pair = dev.session("aversion").trials[0].epochs[0]
    assert pair.intensity("LiCl") == 1.0 and pair.intensity("sucrose") == 1.0
    assert val.session("aversion").trials[0].epochs[0].intensity("LiCl") == 0.0
    n_ext = len(g["ratio extended valued"].protocol.sessions) - 2
    assert n_ext == 20 and len(val.sessions) - 2 == 4


def test_the_published_pattern_and_the_learning_curves():
    out = quick_run(ID)
    m = out.experiment.metrics(out.dataset)
    assert m["ratio_brief_devaluation_ratio"] < m["interval_brief_devaluation_ratio"]
    assert m["ratio_brief_devaluation_ratio"] < m["ratio_extended_devaluation_ratio"]
    assert m["ratio_contingency"] > m["interval_contingency"]
    assert m["rate_gain"] > 1.0 and m["rt_ratio"] < 1.0


def test_without_arbitration_extended_training_stays_goal_directed():
    exp = get_experiment(ID)
    p = exp.params("quick", arbitration=False, n_subjects=8)
    m = exp.metrics(exp.run(p, seed=0))
    assert m["ratio_extended_devaluation_ratio"] < 0.8
    assert m["rt_ratio"] > 0.95  # every press deliberated: no speed-up


def test_bad_parameters_are_refused_naming_the_field():
    exp = get_experiment(ID)
    for field, value in (("ratio", 0.5), ("kappa", 0.0), ("interval_s", -1.0),
                         ("session_outcomes", 0), ("dopamine_burst", 2.0)):
        with pytest.raises(ParameterError, match=field):
            exp.params("quick", **{field: value})


def test_the_figure_draws_the_published_bounds():
    out = quick_run(ID)
    fig = out.experiment.figure(out.dataset, out.checks)
    texts = [t.get_text() for ax in fig.axes if ax.get_legend() is not None
             for t in ax.get_legend().get_texts()]
    assert any("published" in t for t in texts)
    assert np.isfinite(out.dataset.test_rate.values).all()
