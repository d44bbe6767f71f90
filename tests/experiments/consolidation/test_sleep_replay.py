"""consolidation.sleep-replay: replay disruption, recent-only replay, and the rule."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from conftest import quick_run
from engramlab.circuits import Group, Hebbian, Record, Scheduled, run_protocol
from engramlab.circuits.regions import ReplaySince
from engramlab.core import ParameterError, make_rng
from engramlab.experiments._registry import get_experiment
from engramlab.experiments.consolidation.sleep_replay import (
    circuit,
    interleaving_protocol,
    retention_protocol,
)
from engramlab.interventions.replay import disrupt_replay, replay_recent_only
from engramlab.protocol import During, Protocol, days, epoch, session, trial


def _params(**kw):
    return get_experiment("consolidation.sleep-replay").params("quick", n_subjects=2, **kw)


def test_disruption_removes_every_replay_and_only_in_sleep():
    ds = quick_run("consolidation.sleep-replay").dataset
    reps = ds.replays_per_night
    assert float(reps.sel(condition="replay disrupted").max()) == 0.0
    assert float(reps.sel(condition="wake rest").max()) == 0.0  # awake: no replay
    assert float(reps.sel(condition="sleep").min()) > 0.0
    # the groups are the same rats until the first night: one immediate reference, and
    # at 1 day (one night) every group still remembers most of the training
    c = ds.context_freezing.mean("subject")
    assert np.all(c.sel(delay=1) > 0.8 * float(ds.immediate_context_freezing.mean()))


def test_recent_only_replay_draws_on_the_new_code_alone():
    p = _params(new_day=2, old_test_day=4)
    proto = interleaving_protocol(p)
    cells = run_protocol(circuit(p), proto, groups={
        "all": Group(), "recent": Group((replay_recent_only("new conditioning"),))},
        record=[Record("cells", "hippocampus", reduce="cells")], seed=3, n_subjects=2,
        record_sleep=True)
    for g in ("all", "recent"):
        sub = cells.sel(group=g)
        x = np.nan_to_num(sub.cells.values)  # (subject, event, cell)
        sess = sub.session.values
        old_code = x[:, sess == "conditioning"][:, -1] > 0
        new_code = x[:, sess == "new conditioning"][:, -1] > 0
        late = np.array([s.startswith("night ") and int(s.split()[1]) >= 2 for s in sess])
        replays = x[:, late & (sub.epoch.values == "sleep")] > 0
        ov_old = (replays & old_code[:, None]).sum(axis=2) / old_code.sum(1)[:, None]
        ov_new = (replays & new_code[:, None]).sum(axis=2) / new_code.sum(1)[:, None]
        n_old = int((ov_old > 0.9).sum())
        assert int((ov_new > 0.9).sum()) > 0
        if g == "recent":
            assert n_old == 0, "an old code was replayed under recent-only replay"
        else:
            assert n_old > 0, "interleaved replay never drew the old code"


def test_replay_interventions_refuse_bad_input_before_any_work():
    p = _params()
    no_sleep = Protocol.of(session("train", trial("t", epoch("context", 1000.0)),
                                   context="A"))
    with pytest.raises(ParameterError, match="sleep"):
        run_protocol(circuit(p), no_sleep, groups={"x": [disrupt_replay()]}, seed=0)
    with pytest.raises(ParameterError, match="fraction"):
        disrupt_replay(fraction=1.5)
    with pytest.raises(ParameterError, match="cannot take"):  # not a replaying region
        run_protocol(circuit(p), retention_protocol(p, 1), groups={"x": [Scheduled(
            "cortex", ReplaySince(0.0), During(kind="sleep"))]}, seed=0)
    with pytest.raises(ParameterError, match="names no session"):
        run_protocol(circuit(p), retention_protocol(p, 1),
                     groups={"x": [replay_recent_only("no such session")]}, seed=0)
    with pytest.raises(ParameterError, match="old_test_day"):
        _params(old_test_day=7)  # new_day is 7


def test_partial_disruption_scales_the_replayed_code():
    p = _params()
    proto = retention_protocol(p, 1)
    ds = run_protocol(circuit(p), proto, groups={
        "intact": Group(), "half": Group((disrupt_replay(fraction=0.5),))},
        record={"index": "hippocampus"}, seed=1, n_subjects=2, record_sleep=True)
    sl = ds.epoch.values[0] == "sleep"
    a = ds["index"].sel(group="intact").values[:, sl]
    b = ds["index"].sel(group="half").values[:, sl]
    np.testing.assert_allclose(b, 0.5 * a)  # same draws, half the output


def test_without_depression_the_rule_is_the_soft_bounded_hebb_rule():
    rng = make_rng(0)
    w = rng.random((3, 4, 5)) * 0.2
    pre = (rng.random((3, 5)) > 0.5).astype(float)
    post = rng.random((3, 4)) * (rng.random((3, 4)) > 0.3)
    hebb = Hebbian(0.1, w_max=0.3)
    np.testing.assert_allclose(Hebbian(0.1, 0.3, depression=0.0).update(w, pre, post, 0.7),
                               hebb.update(w, pre, post, 0.7))
    dep = Hebbian(0.1, 0.3, depression=1.0).update(w, pre, post, 1.0)
    silent = (post[:, :, None] > 0) & (pre[:, None, :] == 0)
    assert np.all(dep[silent] < w[silent])  # heterosynaptic depression
    assert np.all(dep[~silent & (post[:, :, None] == 0)] ==
                  w[~silent & (post[:, :, None] == 0)])


def test_the_circuit_differs_from_systems_only_where_stated():
    from engramlab.circuits.library import fear_memory_circuit
    p = _params()
    mine = circuit(p)
    base = fear_memory_circuit(tones=("tone", "tone2"), hippocampal_tau_ms=days(
        p.hippocampal_tau_d), cortical_rate=p.cortical_rate)
    changed = {pw.name for pw, q in zip(mine.pathways, base.pathways, strict=True)
               if pw != q}
    assert changed == {"cortex-amygdala"}
    assert mine.region("hippocampus") == dataclasses.replace(
        base.region("hippocampus"), tau_ms=days(p.index_tau_d))
