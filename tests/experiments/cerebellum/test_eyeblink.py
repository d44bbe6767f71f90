"""cerebellum.eyeblink: the protocol, the groups, the read-outs, bad input, the figure."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import quick_run
from engramlab.core import ParameterError
from engramlab.experiments._registry import get_experiment
from engramlab.experiments.cerebellum.eyeblink import (
    CONDITIONS,
    ISIS_MS,
    MIXED_MS,
    PROBE_MS,
    US_MS,
    protocol,
)


def test_the_protocol_pairs_the_cs_and_us_then_probes_with_the_cs_alone():
    exp = get_experiment("cerebellum.eyeblink")
    p = exp.params("quick")
    spans = protocol(p, (500,)).resolve().spans
    train = [s for s in spans if s.session == "training"]
    assert len(train) == 2 * p.n_trials
    cs, us = train[0], train[1]
    assert cs.duration_ms == 500 and cs.intensity("cs") == 1 and cs.intensity("us") == 0
    assert us.duration_ms == US_MS and us.intensity("us") == 1 and us.intensity("cs") == 1
    (probe,) = [s for s in spans if s.session == "test"]
    assert probe.duration_ms == PROBE_MS and probe.intensity("us") == 0
    mixed = [s.duration_ms for s in protocol(p, MIXED_MS).resolve().spans
             if s.session == "training" and s.epoch == "cs"]
    assert mixed[:4] == [200.0, 700.0, 200.0, 700.0]


def test_the_cr_is_timed_the_lesioned_cr_is_early_and_the_naive_animal_has_none():
    out = quick_run("cerebellum.eyeblink")
    ds = out.dataset
    assert list(ds.condition.values) == list(CONDITIONS)
    m = out.metrics
    for isi in ISIS_MS:
        assert m[f"onset_ms_isi{isi}"] < isi < m[f"peak_ms_isi{isi}"] + 0.15 * isi
    # the first pairing has no CR: the timing is learned
    assert float(ds.training_cr.isel(trial=0).max()) < 0.05 * float(ds.cr.max())
    # the Purkinje cell pauses (its minimum) near the ISI after training
    pk = ds.purkinje.mean("subject").sel(condition="ISI 500 ms")
    t_min = float(pk.idxmin("time"))
    assert abs(t_min - 500) < 75
    assert m["lesion_peak_ms"] < 150


def test_ltd_irrespective_of_timing_loses_the_timing():
    exp = get_experiment("cerebellum.eyeblink")
    p = exp.params("quick", window_ms=5000.0)
    m = exp.metrics(exp.run(p, seed=0))
    assert m["peak_error_max"] > 0.5


@pytest.mark.parametrize("field, value", [("window_ms", -5.0), ("n_trials", 1),
                                          ("dt_ms", 0.0), ("basis_width", 0.0)])
def test_bad_parameters_are_refused_naming_the_field(field, value):
    exp = get_experiment("cerebellum.eyeblink")
    with pytest.raises(ParameterError, match=field):
        exp.params("quick", **{field: value})


def test_a_time_step_that_does_not_divide_the_isis_is_refused_before_any_work():
    exp = get_experiment("cerebellum.eyeblink")
    with pytest.raises(ParameterError, match="dt_ms"):
        exp.params("quick", dt_ms=7.0)


def test_the_figure_draws_the_band_and_the_lesion():
    out = quick_run("cerebellum.eyeblink")
    fig = out.experiment.figure(out.dataset, out.checks)
    texts = [t.get_text() for ax in fig.axes if ax.get_legend() is not None
             for t in ax.get_legend().get_texts()]
    assert any("±" in t and "Medina" in t for t in texts)
    assert any("lesioned" in t for t in texts)
    assert np.isfinite(out.dataset.cr.values).all()
