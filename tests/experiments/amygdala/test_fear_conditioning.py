"""amygdala.fear-conditioning: the protocol drives the spiking region; the added decay is
what brings fear back with time, not the freezing map."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import quick_run
from engramlab.core import ParameterError
from engramlab.experiments._registry import get_experiment
from engramlab.experiments.amygdala.fear_conditioning import (
    PUBLISHED_EXTINCTION_HZ,
    PUBLISHED_FEAR_HZ,
    RECALL_DAYS,
    groups,
    network_params,
)


def test_the_quick_network_keeps_the_papers_in_degrees():
    exp = get_experiment("amygdala.fear-conditioning")
    q, full = network_params(exp.params("quick")), network_params(exp.params("full"))
    assert (full.n_e, full.n_i) == (3400, 600)
    assert (q.n_e, q.n_i) == (680, 120)
    for a, b in (("p_ee", "n_e"), ("p_ei", "n_e"), ("p_ie", "n_i"), ("p_ii", "n_i")):
        assert getattr(q, a) * getattr(q, b) == pytest.approx(getattr(full, a) * getattr(full, b))
    assert len(PUBLISHED_FEAR_HZ) == len(PUBLISHED_EXTINCTION_HZ) == 12


def test_groups_share_the_training_and_differ_only_in_the_test():
    exp = get_experiment("amygdala.fear-conditioning")
    g = groups(exp.params("quick"))
    assert list(g) == ["renewal (A)"] + [f"recall (B) {d} d" for d in RECALL_DAYS]
    sessions = {k: [s.name for s in v.protocol.sessions] for k, v in g.items()}
    assert all(v == ["conditioning", "extinction", "test"] for v in sessions.values())
    assert g["renewal (A)"].protocol.sessions[2].context == "A"
    assert g["recall (B) 3 d"].protocol.sessions[2].day == 3.0


def test_the_shape_of_learning_extinction_and_return_of_fear():
    ds = quick_run("amygdala.fear-conditioning").dataset
    acq = ds.acq_fear_hz.mean("subject").values
    assert acq[-1] > 3 * acq[0]                      # fear cells learn in A
    ext_b = ds.ext_extinction_hz.mean("subject").values
    assert ext_b[-1] > 5 * max(ext_b[0], 0.1)        # extinction cells learn in B
    acq_b = ds.acq_extinction_hz.mean("subject").values
    assert acq_b.max() < 0.5                         # ... and not in A
    t = ds.test_freezing.mean(("subject", "pulse_test"))
    assert float(t.sel(test="renewal (A)")) > float(t.sel(test="recall (B) 0 d"))


def test_without_the_decay_the_extinction_trace_stays_and_fear_does_not_return():
    exp = get_experiment("amygdala.fear-conditioning")
    p = exp.params("quick", extinction_tau_d=1e6)
    ds = exp.run(p, seed=0)
    m = exp.metrics(ds)
    assert abs(m["spontaneous_recovery_pct"]) < 5.0
    assert m["fear_conditioned_hz"] > 2.0            # the rest of the model is intact


def test_bad_parameters_are_refused_naming_the_field():
    exp = get_experiment("amygdala.fear-conditioning")
    for field, value in (("network_scale", 2.0), ("extinction_tau_d", 0.0),
                         ("n_conditioning", 1), ("half_rate_hz", -1.0)):
        with pytest.raises(ParameterError, match=field):
            exp.params("quick", **{field: value})


def test_the_figure_draws_the_published_rates():
    out = quick_run("amygdala.fear-conditioning")
    fig = out.experiment.figure(out.dataset, out.checks)
    texts = [t.get_text() for ax in fig.axes if ax.get_legend() is not None
             for t in ax.get_legend().get_texts()]
    assert any("replication" in t for t in texts)
    assert np.isfinite(out.dataset.test_freezing.values).all()
