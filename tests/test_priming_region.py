"""The priming attractor region (circuits.priming.AttractorRegion) and the settling
read-outs (analysis.settling): dynamics against an independent step, the incremental
Hebbian increment, effects, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from engramlab.analysis.settling import basin_time, settling_time, step_change
from engramlab.circuits import Circuit, Record, Remove, ScaleLearning, StepContext, run_protocol
from engramlab.circuits.priming import AttractorRegion
from engramlab.core import ParameterError, make_rng
from engramlab.interventions import ap5, lesion
from engramlab.protocol import After, Protocol, epoch, session, trial

WORDS = ("bread", "butter", "nurse", "doctor", "table")


def _region(**kw) -> AttractorRegion:
    base = dict(words=WORDS, related=(("bread", "butter"),), associated=(("nurse", "doctor"),),
                n_orthographic=16, n_semantic=24, learning_rate=0.3, step_ms=10.0,
                association=0.5)
    base.update(kw)
    return AttractorRegion("lexicon", **base)


def _span(word: str, ms: float = 200.0):
    return Protocol.of(session("s", trial("t", epoch("w", ms, **{word: 1.0})))).resolve().spans[0]


def test_settling_follows_the_equations_step_by_step():
    r = _region()
    state = r.init(2, make_rng(3))
    no, ns = r.n_orthographic, r.n_semantic
    # the couplings, written out independently
    for s in range(2):
        xo, xs = state["orth"][s], state["sem"][s]
        w = np.zeros((no + ns, no + ns))
        for i in range(no):
            for j in range(no):
                if i != j:
                    w[i, j] = sum(xo[m, i] * xo[m, j] for m in range(len(WORDS))) / no
        for i in range(ns):
            for j in range(ns):
                if i != j:
                    w[no + i, no + j] = sum(xs[m, i] * xs[m, j] for m in range(len(WORDS))) / ns
                w[no + i, no + j] += r.association / ns * xs[3, i] * xs[2, j]
        w[no:, :no] = r.mapping_gain / no * xs.T @ xo
        w[:no, no:] = r.feedback_gain / ns * xo.T @ xs
        np.testing.assert_allclose(r.dense_weights(state)[s], w, atol=1e-12)
    # Euler steps of s' = (tanh(beta h) - s) / tau, h = W s + g_in xi_o(word)
    ctx = StepContext(_span("nurse", 400.0), (), 0, 2)
    state, _ = r.step(state, {}, StepContext(_span("bread"), (), 0, 2))  # one increment
    w_all = r.dense_weights(state)
    new, act = r.step(state, {}, ctx)
    s_ = state["s"].copy()  # the previous word's final state (carryover 1)
    b = np.zeros((2, no + ns))
    b[:, :no] = r.input_gain * state["orth"][:, 2]
    traj = []
    for _ in range(r.n_steps(ctx.span)):
        h = np.einsum("sij,sj->si", w_all, s_) + b
        s_ = s_ + r.dt_ms / r.tau_ms * (np.tanh(r.beta * h) - s_)
        traj.append((s_ + 1) / 2)
    tc = r.time_course(new)
    np.testing.assert_allclose(tc[:, :, :no + ns], np.stack(traj, 1), atol=1e-12)
    # the decision units: 0 until the layer is in the word's basin, 1 from then on
    rt = basin_time(tc[:, :, no:no + ns], (state["sem"][:, 2] + 1) / 2, r.criterion)
    np.testing.assert_array_equal(r.settling_steps(new)[:, 1], rt)
    np.testing.assert_array_equal((tc[:, :, -1] < 0.5).sum(axis=1), rt)
    assert np.all(rt < r.n_steps(ctx.span))          # it settles within the epoch
    np.testing.assert_allclose(act, tc[:, -1])


def test_every_word_read_adds_the_hebbian_increment_of_its_settled_state():
    r = _region(learning_rate=0.25)
    state = r.init(1, make_rng(0))
    new, _ = r.step(state, {}, StepContext(_span("bread"), (), 0, 1))
    no, ns = r.n_orthographic, r.n_semantic
    s = new["s"][0]
    dw = r.dense_weights(new)[0] - r.dense_weights(state)[0]
    want_o = 0.25 / no * np.outer(s[:no], s[:no])
    want_s = 0.25 / ns * np.outer(s[no:], s[no:])
    np.fill_diagonal(want_o, 0.0)
    np.fill_diagonal(want_s, 0.0)
    np.testing.assert_allclose(dw[:no, :no], want_o, atol=1e-14)
    np.testing.assert_allclose(dw[no:, no:], want_s, atol=1e-14)
    assert not dw[:no, no:].any() and not dw[no:, :no].any()   # the mappings stay
    # ScaleLearning blocks it; the next word starts from this word's final state
    blocked, _ = r.step(state, {}, StepContext(_span("bread"), (ScaleLearning(0.0),), 0, 1))
    np.testing.assert_array_equal(r.dense_weights(blocked), r.dense_weights(state))


def test_the_increment_speeds_the_next_reading_of_the_same_word():
    r = _region(learning_rate=0.5, carryover=0.0)
    state = r.init(4, make_rng(1))
    first, _ = r.step(state, {}, StepContext(_span("table"), (), 0, 4))
    again, _ = r.step(first, {}, StepContext(_span("table"), (), 0, 4))
    assert np.all(r.settling_steps(again) <= r.settling_steps(first))
    assert r.settling_steps(again).sum() < r.settling_steps(first).sum()


def test_ap5_and_a_lesion_in_a_protocol():
    r = _region()
    pr = Protocol.of(session("a", trial("t", epoch("w", 200.0, bread=1.0))),
                     session("b", trial("t", epoch("w", 200.0, butter=1.0)), day=1))
    ds = run_protocol(Circuit((r,), settle=1), pr, seed=0, n_subjects=2,
                      groups={"control": [], "AP5": [ap5(region="lexicon", window="a")],
                              "lesion": [lesion("lexicon", After("a"))]},
                      record={"sem": Record("sem", "lexicon.semantic", "trace"),
                              "x": Record("x", "lexicon")})
    assert ds.sem.attrs["dt_ms"] == r.step_ms
    assert np.all(ds.x.sel(group="lesion").isel(event=1).values == 0.0)
    assert np.all(ds.x.sel(group="control").isel(event=1).values > 0.0)


def test_remove_silences_and_stops_learning():
    r = _region()
    state = r.init(1, make_rng(0))
    from engramlab.circuits import effect_handler
    dead = effect_handler(r, Remove(), windowed=False).instant(r, Remove(), state)
    new, act = r.step(dead, {}, StepContext(_span("bread"), (), 0, 1))
    assert not act.any()
    assert new["u"].shape[1] == 0


@pytest.mark.parametrize("field, value", [
    ("overlap", 1.5), ("learning_rate", -0.1), ("tau_ms", 0.0), ("carryover", 2.0),
    ("n_semantic", 1), ("criterion", 1.0), ("decision", "fast"), ("step_ms", 100.0),
    ("related", (("bread", "cake"),)), ("words", ("a", "a")),
])
def test_bad_input_names_the_field(field, value):
    with pytest.raises(ParameterError, match=rf"lexicon\.{field}"):
        _region(**{field: value})


def test_an_epoch_that_is_not_a_whole_number_of_steps_is_refused():
    r = _region()
    with pytest.raises(ParameterError, match=r"lexicon\.dt_ms"):
        r.step(r.init(1, make_rng(0)), {}, StepContext(_span("bread", 15.0), (), 0, 1))


def test_settling_time_of_a_geometric_relaxation():
    # x_k = 1 - q^(k+1): change q^(k+1) (1 - 0)... below tol from k >= log(tol)/log(q) - 1
    q, tol = 0.7, 1e-3
    x = 1.0 - q ** np.arange(1, 41)
    t = settling_time(x[None, :, None], tol, start=np.zeros((1, 1)))
    d = q ** np.arange(1, 41) * (1 - q) / q  # x_k - x_{k-1} = q^k (1 - q)
    d[0] = 1 - q
    assert t[0] == 1 + np.flatnonzero(d >= tol).max()
    np.testing.assert_allclose(step_change(x[None, :, None], np.zeros((1, 1)))[0], d)
    t2, settled = settling_time(x[None, :5, None], tol, np.zeros((1, 1)), return_settled=True)
    assert t2[0] == 5 and not settled[0]
    with pytest.raises(ParameterError, match="tol"):
        settling_time(x[None, :, None], 0.0)


def test_basin_time_is_the_first_step_from_which_the_cosine_stays_above():
    xi = np.array([1.0, 1.0, 0.0, 0.0])
    traj = np.array([[0, 0, 1, 1], [1, 0, 1, 1], [1, 1, 0, 0.2], [1, 1, 0, 0]], float)
    assert basin_time(traj[None], xi[None], 0.9)[0] == 2
    assert basin_time(traj[None, :2], xi[None], 0.9)[0] == 2   # never entered: n
    with pytest.raises(ParameterError, match="pattern"):
        basin_time(traj[None], xi[:3], 0.9)
