"""TDCritic (circuits.striatum): TD(0) with a complete serial compound, its trials,
its dopamine output and the effects it takes."""

from __future__ import annotations

import numpy as np
import pytest

from engramlab.circuits import Circuit, Record, run_protocol
from engramlab.circuits.striatum import TDCritic, td_trial
from engramlab.core import ParameterError
from engramlab.interventions import ap5, dopamine, lesion
from engramlab.protocol import After, Protocol, repeat, session

DT = 100.0
REC = {"delta": Record("delta", "critic.dopamine", reduce="trace"),
       "value": Record("value", "critic.value", reduce="trace")}


def _by_trial(ds, var, group="control"):
    """(trials, steps) from the per-epoch traces (each trial's epochs concatenated)."""
    rows: dict[str, list[np.ndarray]] = {}
    sub = ds[var].sel(group=group).isel(subject=0).values
    for lab, row in zip(ds.event.values, sub, strict=True):
        rows.setdefault(lab.split(":")[0].rsplit("/", 1)[0], []).append(
            row[np.isfinite(row)])
    return np.array([np.concatenate(v) for v in rows.values()])


def _reference(cues, rewards, n_steps, n_trials, *, k=18, gamma=1.0, eta=0.3, w0=0.0,
               burst=1.0, dip=1.0):
    """TD(0) with a CSC written from the equations, step by step, one trial at a time.

    cues: name -> (onset, offset); x_{i,k}(t) = 1 if CS i came on at t - k.
    """
    names = list(cues)
    w = np.full((len(names), k), w0)
    out = np.zeros((n_trials, n_steps))
    for tr in range(n_trials):
        x_prev = np.zeros((len(names), k))
        for t in range(n_steps):
            x = np.zeros((len(names), k))
            for i, c in enumerate(names):
                lag = t - cues[c][0]
                if 0 <= lag < k:
                    x[i, lag] = 1.0
            d = rewards.get(t, 0.0) + gamma * np.sum(w * x) - np.sum(w * x_prev)
            d = burst * d if d > 0 else dip * d
            w = w + eta * d * x_prev
            out[tr, t] = d
            x_prev = x
    return out


def _run(critic, trial, n, groups=None):
    pr = Protocol.of(session("train", repeat(trial, n)))
    return run_protocol(Circuit((critic,), (), settle=1), pr, seed=0, record=REC,
                        groups=groups)


def test_two_cues_and_a_discount_match_the_equations_to_1e12():
    cues = {"tone": (5, 30), "light": (12, 20)}
    rewards = {22: 1.0, 27: 0.5}
    tr = td_trial("t", 30, DT, cues=cues, rewards=rewards)
    ds = _run(TDCritic(stimuli=("tone", "light"), gamma=0.9, learning_rate=0.2), tr, 25)
    want = _reference(cues, rewards, 30, 25, gamma=0.9, eta=0.2)
    np.testing.assert_allclose(_by_trial(ds, "delta"), want, rtol=0, atol=1e-12)


def test_dopamine_burst_zero_blocks_learning_from_positive_errors_only():
    tr = td_trial("t", 20, DT, cues={"cs": (3, 20)}, rewards={10: 1.0})
    ds = _run(TDCritic(), tr, 10, groups={
        "control": [], "no bursts": [dopamine(region="critic", window="train", burst=0.0)]})
    v = _by_trial(ds, "value", "no bursts")
    d = _by_trial(ds, "delta", "no bursts")
    assert np.all(v == 0.0)                  # nothing learned from the reward
    assert np.all(d <= 0.0)                  # and the output has no burst
    assert _by_trial(ds, "value", "control")[-1, 3] > 0.0
    # dips still teach: a critic that expects a reward and is denied it unlearns
    over = td_trial("t", 20, DT, cues={"cs": (3, 20)})
    ds2 = _run(TDCritic(n_csc=5, w_init=0.5), over, 3, groups={
        "g": [dopamine(region="critic", window="train", burst=0.0)]})
    assert _by_trial(ds2, "delta", "g")[0, 8] == pytest.approx(-0.5)  # the line ends
    assert _by_trial(ds2, "value", "g")[-1, 7] < 0.5


def test_a_reduced_burst_is_the_reference_with_scaled_positive_errors():
    cues, rewards = {"cs": (4, 20)}, {12: 1.0}
    tr = td_trial("t", 20, DT, cues=cues, rewards=rewards)
    ds = _run(TDCritic(), tr, 30, groups={
        "pd": [dopamine(region="critic", window="train", burst=0.25, dip=0.5)]})
    want = _reference(cues, rewards, 20, 30, burst=0.25, dip=0.5)
    np.testing.assert_allclose(_by_trial(ds, "delta", "pd"), want, rtol=0, atol=1e-12)


def test_time_since_onset_persists_across_epochs_and_resets_each_trial():
    # the same trial cut into 1-step epochs or into 3 epochs gives the same errors
    cues, rewards = {"cs": (2, 9)}, {7: 1.0}
    coarse = td_trial("t", 10, DT, cues=cues, rewards=rewards)
    fine_epochs = [e for s in range(10) for e in td_trial(
        "x", 1, DT, cues={"cs": (0, 1)} if 2 <= s < 9 else None,
        rewards={0: 1.0} if s == 7 else None).epochs]
    from engramlab.protocol import trial
    fine = trial("t", *fine_epochs)
    a = _by_trial(_run(TDCritic(), coarse, 8), "delta")
    b = _by_trial(_run(TDCritic(), fine, 8), "delta")
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    # no value crosses the inter-trial boundary: the first step of every trial is 0
    assert np.all(a[:, 0] == 0.0)


def test_a_cue_that_comes_on_twice_runs_two_delay_lines():
    from engramlab.protocol import epoch, trial
    tr = trial("t", epoch("a", 2 * DT), epoch("cs", DT, cs=1.0), epoch("gap", DT),
               epoch("cs", 2 * DT, cs=1.0), epoch("b", 3 * DT, reward=1.0))
    ds = _run(TDCritic(n_csc=8), tr, 12)
    # reference: onsets at steps 2 and 4, rewards at 6, 7, 8
    names = ["cs"]
    w = np.zeros((1, 8))
    want = np.zeros((12, 9))
    for n in range(12):
        xp = np.zeros((1, 8))
        for t in range(9):
            x = np.zeros((1, 8))
            for on in (2, 4):
                if 0 <= t - on < 8:
                    x[0, t - on] += 1.0
            r = 1.0 if t >= 6 else 0.0
            d = r + np.sum(w * x) - np.sum(w * xp)
            w = w + 0.3 * d * xp
            want[n, t] = d
            xp = x
    assert names
    np.testing.assert_allclose(_by_trial(ds, "delta"), want, rtol=0, atol=1e-12)


def test_presence_feature_cannot_cancel_the_reward():
    tr = td_trial("t", 20, DT, cues={"cs": (3, 20)}, rewards={10: 1.0})
    d = _by_trial(_run(TDCritic(representation="presence"), tr, 60), "delta")
    assert d[-1, 10] == pytest.approx(1.0, abs=1e-12)     # still a full error
    d2 = _by_trial(_run(TDCritic(), tr, 60), "delta")
    assert abs(d2[-1, 10]) < 1e-6


def test_a_lesion_silences_and_stops_learning_and_scale_learning_blocks_it():
    tr = td_trial("t", 20, DT, cues={"cs": (3, 20)}, rewards={10: 1.0})
    pr = Protocol.of(session("train", repeat(tr, 5)), session("more", repeat(tr, 5), day=1))
    c = Circuit((TDCritic(),), (), settle=1)
    ds = run_protocol(c, pr, seed=0, record=REC, groups={
        "lesion": [lesion("critic", After("train"))],
        "blocked": [ap5(region="critic", window="train")]})
    les = ds.delta.sel(group="lesion").where(ds.session.sel(group="lesion") == "more")
    assert float(np.nanmax(np.abs(les.values))) == 0.0
    v = ds.value.sel(group="blocked").where(ds.session.sel(group="blocked") == "train")
    assert float(np.nanmax(np.abs(v.values))) == 0.0


@pytest.mark.parametrize("kw, field", [
    ({"stimuli": ()}, "critic.stimuli"), ({"stimuli": ("a", "a")}, "critic.stimuli"),
    ({"reward": "cs"}, "critic.reward"), ({"n_csc": 0}, "critic.n_csc"),
    ({"n_csc": 2.5}, "critic.n_csc"), ({"gamma": 1.5}, "critic.gamma"),
    ({"gamma": float("nan")}, "critic.gamma"), ({"learning_rate": -0.1},
                                                 "critic.learning_rate"),
    ({"step_ms": 0.0}, "critic.step_ms"), ({"representation": "tapped"},
                                           "critic.representation"),
    ({"w_init": True}, "critic.w_init")])
def test_bad_critic_parameters_name_the_field(kw, field):
    with pytest.raises(ParameterError, match=field.replace(".", r"\.")):
        TDCritic(**kw)


def test_bad_trials_and_epochs_are_refused():
    with pytest.raises(ParameterError, match=r"td_trial\.cues"):
        td_trial("t", 10, DT, cues={"cs": (5, 12)})
    with pytest.raises(ParameterError, match=r"td_trial\.rewards"):
        td_trial("t", 10, DT, rewards={10: 1.0})
    with pytest.raises(ParameterError, match=r"td_trial\.n_steps"):
        td_trial("t", 0, DT)
    tr = td_trial("t", 10, 130.0, cues={"cs": (3, 10)})
    with pytest.raises(ParameterError, match=r"critic\.dt_ms"):
        _run(TDCritic(), tr, 1)
