"""circuits.cortex: the slow distributed learner as a region of the circuits.

The region is checked against the network it wraps (memory.distributed: one epoch is
one gradient step, exactly), and for what the vocabulary promises: it learns from the
feedback of the protocol and only from it, a full ScaleLearning block freezes it, a
lesion silences it, and bad input names its field before any work.
"""

from __future__ import annotations

import numpy as np
import pytest

from engramlab.circuits import (
    Circuit,
    Drive,
    OneToOne,
    Pathway,
    RateRegion,
    Record,
    ScaleLearning,
    Scheduled,
    StepContext,
    run_protocol,
)
from engramlab.circuits.cortex import DistributedRegion
from engramlab.core import make_rng
from engramlab.core.errors import ParameterError
from engramlab.interventions import lesion
from engramlab.memory import distributed as dist
from engramlab.protocol import After, During, Protocol, epoch, repeat, session, trial

SWEEP = 1000.0


def _cortex(**kw):
    """The semantic network, the old items learned epoch-wise (one summed step a sweep)."""
    return DistributedRegion.semantic("cortex", gate="feedback", epochwise=("old",), **kw)


def _learn(n_sweeps: int, **kw) -> Protocol:
    test = trial("test", epoch("test old", SWEEP, old=1.0))
    study = trial("study", epoch("study", SWEEP, old=1.0, feedback=1.0))
    return Protocol.of(session("before", (test,)),
                       session("learn", repeat(study, n_sweeps)),
                       session("after", (test,)))


def _errors(ds, group="control"):
    e = ds.error.sel(group=group)
    return e.where(ds.epoch.sel(group=group) == "test old", drop=True).values


def test_one_epoch_is_one_gradient_step_of_the_wrapped_network():
    region = _cortex()
    state = region.init(3, make_rng(0))
    span = Protocol.of(session("s", (trial("t", epoch("study", SWEEP, old=1.0,
                                                      feedback=1.0)),))).resolve().spans[0]
    new, act = region.step(state, {}, StepContext(span, (), 1, 3))
    old = dist.semantic_patterns(dist.SEMANTIC_FACTS, (*dist.ITEMS, *dist.PENGUIN_FACTS))
    for s in range(3):
        net = dist.Network(tuple(w[s] for w in state["net"].weights),
                           tuple(b[s] for b in state["net"].biases))
        want = dist.train_step(net, old.inputs, old.targets, 0.1)
        for a, b in zip(new["net"].weights, want.weights, strict=True):
            np.testing.assert_allclose(a[s], b, rtol=0, atol=1e-12)
        # the error cell is the error of the answer given before the step
        assert act[s, -2] == pytest.approx(dist.sse(net, old), abs=1e-12)
    # the AB-AC layout (no side input), each subject its own list, one pair presented
    lists = [dist.abac_lists(make_rng(1, j)) for j in range(2)]
    region = DistributedRegion.paired_associates(lists, gate="feedback")
    state = region.init(2, make_rng(0))
    span = Protocol.of(session("s", (trial("t", epoch("AB 4", SWEEP, **{
        "AB 4": 1.0, "feedback": 1.0})),))).resolve().spans[0]
    new, _ = region.step(state, {}, StepContext(span, (), 1, 2))
    for s in range(2):
        net = dist.Network(tuple(w[s] for w in state["net"].weights),
                           tuple(b[s] for b in state["net"].biases))
        pair = lists[s].ab.subset([4])
        want = dist.train_step(net, pair.inputs, pair.targets, 0.1)
        for a, b in zip(new["net"].weights, want.weights, strict=True):
            np.testing.assert_allclose(a[s], b, rtol=0, atol=1e-12)


def test_learning_reduces_the_error_and_a_test_without_feedback_changes_nothing():
    ds = run_protocol(Circuit((_cortex(),), settle=1), _learn(300), seed=0, n_subjects=2,
                      record={"error": "cortex.error"})
    before, after = _errors(ds).T
    assert np.all(after < 0.2 * before)
    # tests only: the same answer before and after
    tests = Protocol.of(session("a", (trial("t", epoch("test old", SWEEP, old=1.0)),)),
                        session("b", (trial("t", epoch("test old", SWEEP, old=1.0)),)))
    ds = run_protocol(Circuit((_cortex(),), settle=1), tests, seed=0, n_subjects=2,
                      record={"error": "cortex.error"})
    e = _errors(ds)
    np.testing.assert_array_equal(e[:, 0], e[:, 1])


def test_scale_learning_zero_freezes_it_and_a_half_learns_less():
    circuit = Circuit((_cortex(),), settle=1)
    groups = {"control": [],
              "blocked": [Scheduled("cortex", ScaleLearning(0.0), During(session="learn"))],
              "half": [Scheduled("cortex", ScaleLearning(0.5), During(session="learn"))]}
    ds = run_protocol(circuit, _learn(50), groups=groups, seed=0, n_subjects=2,
                      record={"error": "cortex.error"})
    ctrl, blocked, half = (_errors(ds, g) for g in ("control", "blocked", "half"))
    np.testing.assert_array_equal(blocked[:, 0], blocked[:, 1])
    assert np.all(ctrl[:, 1] < half[:, 1]) and np.all(half[:, 1] < half[:, 0])


def test_a_lesion_silences_every_cell_and_stops_learning():
    circuit = Circuit((_cortex(),), settle=1)
    ds = run_protocol(circuit, _learn(20), groups={
        "control": [], "lesion": [lesion("cortex", After("before"))]},
        seed=0, n_subjects=2, record={"attribute": "cortex.attribute",
                                      "error": "cortex.error"})
    attr = ds.attribute.sel(group="lesion")
    learn = ds.session.sel(group="lesion") == "learn"
    assert float(np.abs(attr.where(learn, drop=True)).max()) == 0.0
    assert float(ds.attribute.sel(group="control").where(learn, drop=True).min()) > 0.0
    # silent: its error is that of an answer of zeros, 1/2 sum t^2, before and after
    old = dist.semantic_patterns()
    silent = 0.5 * float((old.targets ** 2).sum())
    e = _errors(ds, "lesion")
    assert e[:, 1] == pytest.approx([silent, silent])


def test_training_to_criterion_stops_when_the_set_is_known():
    region = _cortex(tolerance=0.3, sweep_ms=1.0, to_criterion=("old",))
    proto = Protocol.of(
        session("learn", (trial("t", epoch("study", 20_000.0, old=1.0, feedback=1.0)),)),
        session("test", (trial("t", epoch("test old", SWEEP, old=1.0)),)))
    ds = run_protocol(Circuit((region,), settle=1), proto, seed=0, n_subjects=2,
                      record={"correct": "cortex.correct", "error": "cortex.error"})
    correct = ds.correct.values[0, :, -1]
    assert np.all(correct == 1.0)
    # known, but only just: far less trained than 20000 sweeps would make it
    free = _cortex(tolerance=0.3, sweep_ms=1.0)
    ds2 = run_protocol(Circuit((free,), settle=1), proto, seed=0, n_subjects=2,
                       record={"error": "cortex.error"})
    assert np.all(ds.error.values[0, :, -1] > 3 * ds2.error.values[0, :, -1])


def test_per_subject_patterns_and_per_pattern_learning():
    lists = [dist.abac_lists(make_rng(0, j)) for j in range(3)]
    region = DistributedRegion.paired_associates(lists, gate="feedback", sweep_ms=SWEEP)
    assert region.groups["output"] == 25 and region.groups["input"] == 50
    proto = Protocol.of(session("s", (
        trial("t", epoch("test", SWEEP, AB=1.0)),
        trial("t", epoch("study", 200 * SWEEP, AB=1.0, feedback=1.0)),
        trial("t", epoch("test", SWEEP, AB=1.0)))))
    ds = run_protocol(Circuit((region,), settle=1), proto, seed=0, n_subjects=3,
                      record={"correct": "cortex.correct"})
    c = ds.correct.values[0]
    assert np.all(c[:, 0] < 0.5) and np.all(c[:, -1] == 1.0)
    with pytest.raises(ParameterError, match=r"cortex\.patterns"):
        run_protocol(Circuit((region,), settle=1), proto, seed=0, n_subjects=2)


def test_one_episode_passes_its_input_and_feedback_on():
    lists = [dist.abac_lists(make_rng(0, j)) for j in range(2)]
    cortex = DistributedRegion.paired_associates(lists, gate="feedback")
    out = RateRegion("out", (("b", 25),))
    circuit = Circuit((cortex, out), (Pathway("fb", "cortex.target", "out", OneToOne()),),
                      settle=1)
    proto = Protocol.of(session("s", (trial("t", epoch("AB 3", SWEEP, **{"AB 3": 1.0,
                                                                          "feedback": 1.0}),
                                                epoch("test", SWEEP, **{"AB 3": 1.0})),)))
    ds = run_protocol(circuit, proto, seed=0, n_subjects=2,
                      record={"out": Record("out", "out", "cells")})
    got = ds.out.values[0]
    np.testing.assert_array_equal(got[:, 0], np.stack([x.b[3] for x in lists]))
    assert not got[:, 1].any()                      # a test carries no feedback


def test_bad_input_names_the_field():
    pats = dist.semantic_patterns()
    layers = (("rep", 8), ("hidden", 15), ("attribute", 36))
    with pytest.raises(ParameterError, match=r"cortex\.layers"):
        DistributedRegion("cortex", pats, layers[:2])
    with pytest.raises(ParameterError, match=r"cortex\.layers"):
        DistributedRegion("cortex", pats, (("rep", 8), ("hidden", 15), ("attribute", 30)))
    with pytest.raises(ParameterError, match=r"cortex\.layers"):
        DistributedRegion("cortex", pats, (("rep", 8), ("error", 15), ("attribute", 36)))
    with pytest.raises(ParameterError, match=r"cortex\.sets\[birds\]"):
        DistributedRegion("cortex", pats, layers, (("birds", ("robin ISA", "owl ISA")),))
    with pytest.raises(ParameterError, match=r"cortex\.to_criterion"):
        DistributedRegion("cortex", pats, layers, to_criterion=("everything",))
    with pytest.raises(ParameterError, match=r"cortex\.learning_rate"):
        DistributedRegion("cortex", pats, layers, learning_rate=-0.1)
    with pytest.raises(ParameterError, match=r"cortex\.epochwise"):
        DistributedRegion("cortex", pats, layers, epochwise=("sometimes",))
    with pytest.raises(ParameterError, match=r"cortex\.sweep_ms"):
        DistributedRegion("cortex", pats, layers, sweep_ms=0.0)
    with pytest.raises(ParameterError, match=r"cortex\.patterns"):
        DistributedRegion("cortex", [], layers)
    # a pathway into it: refused, naming its input
    circuit = Circuit((RateRegion("senses", (("x", 12),)), DistributedRegion(
        "cortex", pats, layers)), (Pathway("p", "senses", "cortex.input", OneToOne(1.0)),),
        settle=2)
    proto = Protocol.of(session("s", (trial("t", epoch("e", SWEEP, old=1.0)),)))
    with pytest.raises(ParameterError, match=r"cortex\.input"):
        run_protocol(circuit, proto, seed=0, record={"e": "cortex.error"},
                     groups={"g": [Scheduled("senses", Drive(1.0), During(session="s"))]})
