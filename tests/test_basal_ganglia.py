"""Basal-ganglia regions: OpAL against an independent step, the arbitration equations,
the contingency mechanism, dopamine, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from engramlab.circuits import Circuit, run_protocol
from engramlab.circuits.basal_ganglia import (
    GoalDirected,
    OpponentActor,
    RandomInterval,
    RandomRatio,
    arbitration_weight,
    habit_circuit,
    opal_update,
)
from engramlab.core import ParameterError
from engramlab.interventions import dopamine
from engramlab.protocol import Protocol, epoch, minutes, repeat, session, trial


def _opal_reference(v, g, n, r, ac, ag, an, burst=1.0, dip=1.0):
    """Collins & Frank 2014 eqs. written out for one subject, scalars only."""
    delta = r - v
    da = burst * delta if delta > 0 else dip * delta
    return (v + ac * delta, max(0.0, g + ag * g * da), max(0.0, n + an * n * (-da)), delta)


def test_opal_update_matches_an_independent_step():
    rng = np.random.default_rng(1)
    v, g, n, r = rng.random(50), 0.5 + rng.random(50), 0.5 + rng.random(50), \
        (rng.random(50) < 0.5).astype(float)
    for burst, dip in ((1.0, 1.0), (0.25, 1.0), (1.0, 0.25)):
        nv, ng, nn, d = opal_update(v, g, n, r, alpha_c=0.1, alpha_g=0.2, alpha_n=0.3,
                                    burst=burst, dip=dip)
        for i in range(50):
            want = _opal_reference(v[i], g[i], n[i], r[i], 0.1, 0.2, 0.3, burst, dip)
            np.testing.assert_allclose((nv[i], ng[i], nn[i], d[i]), want, rtol=1e-12)


def test_act_and_tonic_dopamine():
    a = OpponentActor("bg", ("A", "B"), beta=2.0, rho=0.5)
    assert (a.beta_g, a.beta_n) == (3.0, 1.0)
    np.testing.assert_allclose(a.act(np.array([2.0]), np.array([1.0])), [5.0])


def test_opponent_actor_learns_the_better_option_and_a_test_does_not_teach():
    actor = OpponentActor("bg", ("A", "B"))
    train = trial("t", epoch("AB", 1000.0, A=0.8, B=0.2, feedback=1.0))
    test = trial("test", epoch("AB", 1000.0, A=0.8, B=0.2))
    pr = Protocol.of(session("train", repeat(train, 150)), session("test", repeat(test, 20)))
    ds = run_protocol(Circuit((actor,), ()), pr, seed=0, n_subjects=40,
                      record={"choice": "bg.choice", "go": "bg.go"})
    from engramlab.circuits import Record
    ds2 = run_protocol(Circuit((actor,), ()), pr, seed=0, n_subjects=40,
                       record=[Record("c", "bg.choice", "cells"), Record("g", "bg.go", "cells")])
    c = ds2.c.isel(group=0)
    late = c.where(ds2.session.isel(group=0) == "test").mean(("event", "subject")).values
    assert late[0] > 0.7  # A, rewarded 80 %, chosen most in the test
    g_test = ds2.g.isel(group=0).where(ds2.session.isel(group=0) == "test")
    assert float(g_test.std("event").max()) < 1e-12  # no feedback, no learning
    assert ds.choice.shape[2] == 170


def test_arbitration_weight_equations():
    n = np.array([0.0, 140.0, 1000.0])
    w = arbitration_weight(n, kappa=140.0, mb_uncertainty=0.5, sharpness=2.0)
    ratio = 0.5 * (1 + n / 140.0)
    np.testing.assert_allclose(w, 1 / (1 + ratio ** 2), rtol=1e-12)
    assert np.all(np.diff(w) < 0)
    # no practice-driven reliability: w does not change
    w_inf = arbitration_weight(n, kappa=float("inf"), mb_uncertainty=0.5, sharpness=2.0)
    np.testing.assert_allclose(w_inf, 1 / (1 + 0.25))
    assert np.all(GoalDirected(arbitration=False).goal_weight(n) == 1.0)


def _session_protocol(schedule: str, n: int) -> Protocol:
    return Protocol.of(*(session(f"s{i}", [trial("t", epoch("lever", minutes(60), lever=1.0,
                                                           **{schedule: 1.0}))], day=float(i))
                         for i in range(n)))


def test_ratio_schedules_teach_a_steeper_response_outcome_relation_than_interval():
    circ = habit_circuit({"RR": RandomRatio(10.0, cap=25), "RI": RandomInterval(15.0, cap=25)})
    rec = {"k": "basal_ganglia.contingency", "o": "basal_ganglia.outcomes"}
    rr = run_protocol(circ, _session_protocol("RR", 4), seed=0, n_subjects=16, record=rec)
    ri = run_protocol(circ, _session_protocol("RI", 4), seed=0, n_subjects=16, record=rec)
    assert float(rr.o.sum("event").mean()) == pytest.approx(100.0)  # the cap
    assert float(ri.o.sum("event").mean()) == pytest.approx(100.0)
    k_rr, k_ri = float(rr.k.isel(event=-1).mean()), float(ri.k.isel(event=-1).mean())
    assert k_rr > 1.5 * k_ri and abs(k_rr - 0.1) < 0.05


def test_devaluation_changes_the_outcome_value_and_dopamine_reaches_the_habit():
    circ = habit_circuit({"RR": RandomRatio(10.0, cap=25)}, outcome="sucrose", illness="LiCl")
    pr = _session_protocol("RR", 2).then(session("aversion", repeat(trial(
        "p", epoch("pair", minutes(15), sucrose=1.0, LiCl=1.0)), 3), day=5.0))
    rec = {"u": "basal_ganglia.outcome_value", "go": "basal_ganglia.go"}
    ds = run_protocol(circ, pr, seed=0, n_subjects=8, record=rec, groups={
        "control": [], "low DA": [dopamine(region="basal_ganglia", window="s0", burst=0.0)]})
    u = ds.u.sel(group="control").isel(subject=0).values
    np.testing.assert_allclose(u[-1], 0.4 ** 3, rtol=1e-12)
    go = ds.go.isel(event=0).mean("subject")
    assert float(go.sel(group="low DA")) < float(go.sel(group="control"))


def test_bad_input_names_the_field():
    with pytest.raises(ParameterError, match="options"):
        OpponentActor("bg", ("A",))
    with pytest.raises(ParameterError, match="rho"):
        OpponentActor("bg", ("A", "B"), rho=2.0)
    with pytest.raises(ParameterError, match="alpha_g"):
        OpponentActor("bg", ("A", "B"), alpha_g=-0.1)
    with pytest.raises(ParameterError, match="schedules"):
        GoalDirected(schedules=(("RR", 10),))
    with pytest.raises(ParameterError, match="ratio"):
        RandomRatio(0.5)
    with pytest.raises(ParameterError, match="cap"):
        RandomInterval(10.0, cap=0)
    with pytest.raises(ParameterError, match="memory"):
        GoalDirected(memory=1.5)
