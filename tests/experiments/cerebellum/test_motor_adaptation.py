"""cerebellum.motor-adaptation: the protocol, the two sites, bad input, the figure."""

from __future__ import annotations

import pytest

from conftest import quick_run
from engramlab.core import ParameterError
from engramlab.experiments._registry import get_experiment
from engramlab.experiments.cerebellum.motor_adaptation import (
    N_DAYS,
    blocked_protocol,
    protocol,
)


def test_the_protocol_trains_under_lenses_and_tests_in_darkness():
    exp = get_experiment("cerebellum.motor-adaptation")
    p = exp.params("quick")
    spans = protocol(p).resolve().spans
    tests = [s for s in spans if s.epoch == "dark"]
    assert len(tests) == N_DAYS + 1
    assert all(s.intensity("vision") == 0 and s.intensity("head") == 1 for s in tests)
    day1 = [s for s in spans if s.session == "day 1 training"]
    assert sum(s.duration_ms for s in day1) == pytest.approx(p.day1_min * 60_000)
    assert all(s.intensity("vision") == p.magnification for s in day1)
    blocked = blocked_protocol(p, 1)
    assert [s.name for s in blocked.sessions] == ["baseline", "day 1 training",
                                                  "day 1 blocked test"]


def test_learning_starts_in_the_cortex_and_ends_in_the_nucleus():
    ds = quick_run("cerebellum.motor-adaptation").dataset
    ctl = ds.sel(genotype="control").mean("subject")
    g0 = float(ctl.gain.isel(test=0))
    learned = g0 - ctl.gain.values
    cortex = -ctl.cortex_gain.values
    assert cortex[1] > 0.5 * learned[1]           # day 1: mostly cortical
    assert cortex[-1] < 0.2 * learned[-1]         # day 3: mostly nuclear
    assert abs(float(ctl.cortex_gain.isel(test=0))) < 1e-12  # naive: no cortical share


def test_no_error_signal_no_adaptation():
    exp = get_experiment("cerebellum.motor-adaptation")
    m = exp.metrics(exp.run(exp.params("quick", cf_slip_hz=0.0), seed=0))
    assert abs(m["gain_day_3_test"] - 1.0) < 1e-6


@pytest.mark.parametrize("field, value", [("magnification", 0.0), ("block_min", -1.0),
                                          ("nucleus_rate", 2.0), ("frequency_hz", 0.0),
                                          ("dt_ms", 3.0)])
def test_bad_parameters_are_refused_naming_the_field(field, value):
    exp = get_experiment("cerebellum.motor-adaptation")
    with pytest.raises(ParameterError, match=field):
        exp.params("quick", **{field: value})


def test_a_block_that_is_not_whole_cycles_is_refused_before_any_work():
    exp = get_experiment("cerebellum.motor-adaptation")
    with pytest.raises(ParameterError, match=r"dt_ms|frequency_hz"):
        exp.params("quick", frequency_hz=0.7)
    with pytest.raises(ParameterError, match=r"block_min|frequency_hz"):
        exp.params("quick", dt_ms=1.0, frequency_hz=0.8, block_min=1.01)


def test_the_figure_draws_schonewille_beside_the_model():
    out = quick_run("cerebellum.motor-adaptation")
    fig = out.experiment.figure(out.dataset, out.checks)
    labels = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels()]
    assert any("Schonewille" in t for t in labels)
    texts = [t.get_text() for ax in fig.axes if ax.get_legend() is not None
             for t in ax.get_legend().get_texts()]
    assert any("cortex" in t for t in texts) and any("nucleus" in t for t in texts)
