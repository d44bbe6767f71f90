"""conditioning.rescorla-wagner: the typed closed forms, each design's shape, the mutations'
failures, bad input and the figure."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import quick_run
from engramlab.core import ParameterError
from engramlab.experiments._registry import get_experiment
from engramlab.experiments.conditioning.rescorla_wagner import (
    ACQ_TRIALS,
    ACQ_VALUES,
    EXT_TRIALS,
    EXT_VALUES,
    acquisition_closed_form,
    blocking_closed_form,
    overshadowing_closed_form,
    protocols,
    suppression_ratio,
)

ID = "conditioning.rescorla-wagner"


def _step_blocking(n1, n2, ab_a=0.1, ab_x=0.1):
    """V_X of the blocking design, stepped trial by trial here (not the closed form)."""
    va = vx = 0.0
    for _ in range(n1):
        va += ab_a * (1.0 - va)
    for _ in range(n2):
        e = 1.0 - va - vx
        va, vx = va + ab_a * e, vx + ab_x * e
    return vx


def test_the_typed_values_are_the_closed_forms():
    for n, v in zip(ACQ_TRIALS, ACQ_VALUES, strict=True):
        assert acquisition_closed_form(n) == pytest.approx(v, abs=1e-15)
    assert [round(v, 4) for v in ACQ_VALUES] == [0.6513, 0.8784, 0.9948]  # the catalogue
    for n, v in zip(EXT_TRIALS, EXT_VALUES, strict=True):
        assert 0.9 ** n == pytest.approx(v, abs=1e-15)
    for n1, n2 in ((0, 10), (30, 10), (5, 3), (16, 8)):
        assert blocking_closed_form(n1, n2) == pytest.approx(_step_blocking(n1, n2),
                                                             abs=1e-14)
    # overshadowing, stepped: AB+ (alpha beta 0.1, 0.05) against B+ alone
    va = vb = vb1 = 0.0
    for _ in range(10):
        e = 1.0 - va - vb
        va, vb, vb1 = va + 0.1 * e, vb + 0.05 * e, vb1 + 0.05 * (1.0 - vb1)
    assert overshadowing_closed_form(10) == pytest.approx(vb / vb1, abs=1e-14)
    assert suppression_ratio(0.0, 5.0) == 0.5
    assert suppression_ratio(-1.0, 5.0) == 0.5        # an inhibitor alone: no behaviour
    assert suppression_ratio(1.0, 5.0) == pytest.approx(1 / (1 + np.exp(5.0)))


def test_every_check_passes_and_each_design_has_its_shape():
    out = quick_run(ID)
    assert all(c.passed for c in out.checks), [c.name for c in out.checks if not c.passed]
    m, ds = out.metrics, out.dataset
    assert m["v_x_blocked"] < 0.05 * m["v_x_control"]          # blocking
    assert m["suppression_ratio_blocked"] > m["suppression_ratio_control"] + 0.3
    assert m["overshadowing_b_compound_over_alone"] < 1.0       # overshadowing
    assert m["inhibition_v_x"] < -0.99                          # inhibition
    # acquisition is negatively accelerated, extinction monotonic to 0
    dv = np.diff(ds.acq_v.mean("subject").values)
    assert np.all(dv > 0) and np.all(np.diff(dv) < 0)
    assert np.all(np.diff(ds.ext_v.mean("subject").values) < 0)
    # the CR (behaviour) lags the strength by one trial: the prediction before the US
    np.testing.assert_allclose(ds.acq_cr.values[:, 1:], ds.acq_v.values[:, :-1])
    # the inhibitor cancels A's CR in the compound and has a negative prediction alone
    test = ds.inh_test_cr.mean("subject")
    assert abs(float(test.sel(inh_test="AX-"))) < 0.01
    assert float(test.sel(inh_test="X-")) < -0.99


@pytest.mark.parametrize(("override", "failing"), [
    ({"beta_us": 1.0}, {"v_acquisition_10", "v_acquisition_20"}),
    ({"error_term": "individual"}, {"v_x_blocked", "suppression_ratio_blocked",
                                    "inhibition_v_x"}),
    ({"beta_no_us": 0.25}, {"extinction_ratio_10", "extinction_ratio_20"}),
    ({"alpha_b": 0.2}, {"overshadowing_v_a_over_v_b"}),
])
def test_each_mutation_fails_its_checks(override, failing):
    exp = get_experiment(ID)
    p = exp.params("quick", **override)
    ds = exp.run(p, seed=0)
    metrics = exp.metrics(ds)
    failed = {t.metric for t in exp.targets(p) if not t.passes(metrics[t.metric])}
    assert failing <= failed


def test_the_individual_error_does_not_block():
    exp = get_experiment(ID)
    m = exp.metrics(exp.run(exp.params("quick", error_term="individual"), seed=0))
    # Bush-Mosteller: X learns the same with or without pretraining of A
    assert m["v_x_blocked"] == pytest.approx(m["v_x_control"])
    assert m["v_x_blocked"] == pytest.approx(1 - 0.9 ** 10)


def test_the_protocols_follow_the_designs():
    exp = get_experiment(ID)
    pr = protocols(exp.params("quick"))
    assert list(pr) == ["acquisition", "blocking", "blocking control", "overshadowing",
                        "B alone", "inhibition"]
    blk = [s.name for s in pr["blocking"].sessions]
    assert blk == ["pretraining", "compound", "test"]
    assert [s.name for s in pr["blocking control"].sessions] == ["compound", "test"]
    training = pr["inhibition"].sessions[0].trials
    assert [t.name for t in training[:4]] == ["A+", "AX-", "A+", "AX-"]
    ax_minus = training[1].epochs[0]
    assert ax_minus.intensity("us") == 0.0 and ax_minus.intensity("X") == 1.0


def test_bad_parameters_are_refused_naming_the_field():
    exp = get_experiment(ID)
    for field, value in (("alpha_a", 1.5), ("beta_us", -0.1), ("n_acquisition", 49),
                         ("n_extinction", 10), ("error_term", "summed-ish"),
                         ("us_intensity", 0.0), ("n_subjects", 0)):
        with pytest.raises(ParameterError, match=field):
            exp.params("quick", **{field: value})


def test_the_figure_draws_the_targets_beside_the_behaviour():
    out = quick_run(ID)
    fig = out.experiment.figure(out.dataset, out.checks)
    texts = [t.get_text() for ax in fig.axes if ax.get_legend() is not None
             for t in ax.get_legend().get_texts()]
    assert any("Kamin 1969" in t for t in texts)
    assert any("theory" in t for t in texts)
    assert any("suppression ratio" in ax.get_ylabel() for ax in fig.axes)
    assert all(ax.get_xlabel() or ax.get_ylabel() for ax in fig.axes)
