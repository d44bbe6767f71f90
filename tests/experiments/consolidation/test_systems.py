"""consolidation.systems: the shape of the gradient comes from replay, not from the map."""

from __future__ import annotations

import numpy as np

from conftest import quick_run
from engramlab.circuits import Group, run_protocol
from engramlab.experiments._registry import get_experiment
from engramlab.interventions import lesion
from engramlab.protocol import Interval, days


def test_branches_share_the_trained_subjects():
    ds = quick_run("consolidation.systems").dataset
    # lesioned and sham rats are the same rats until the surgery: at 1 day the sham
    # freezes like the lesioned rats' remaining cortical route plus the hippocampal one
    c = ds.context_freezing
    assert np.all(c.sel(surgery="sham") > c.sel(surgery="lesion"))
    # tone fear needs no hippocampus: lesioned rats freeze to the tone at every delay
    t = ds.tone_freezing.mean("subject")
    assert np.all(t.sel(surgery="lesion") > 50)


def test_the_cortical_route_grows_only_with_replay():
    exp = get_experiment("consolidation.systems")
    p = exp.params("quick", n_subjects=3)
    from engramlab.experiments.consolidation.systems import circuit, kim_fanselow_protocol
    groups = {}
    for events in (0, 20):
        q = p.model_copy(update={"replay_events": events})
        groups[f"lesion, {events} replays"] = Group(
            (lesion("hippocampus", Interval(days(14))),), kim_fanselow_protocol(q, 14))
    ds = run_protocol(circuit(p), kim_fanselow_protocol(p, 14), groups=groups,
                      record={"fear": "amygdala.fear"}, seed=0, n_subjects=3)
    fear = {}
    for g in groups:
        sub = ds.sel(group=g)
        fear[g] = float(sub.fear.where(sub.session == "A context test").mean())
    assert fear["lesion, 20 replays"] > 3 * fear["lesion, 0 replays"]
