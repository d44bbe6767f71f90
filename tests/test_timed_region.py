"""Regions that simulate time within epochs (TimedRegion, Record(reduce="trace")) and the
dopamine intervention (Dopamine effect, interventions.dopamine)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from engramlab.circuits import (
    Circuit,
    Dopamine,
    OneToOne,
    Pathway,
    RateRegion,
    Record,
    Sensory,
    StepContext,
    TimedRegion,
    register_effect,
    run_protocol,
)
from engramlab.core import ParameterError
from engramlab.interventions import dopamine
from engramlab.protocol import During, Protocol, epoch, repeat, session, trial


@dataclasses.dataclass(frozen=True)
class Leaky(TimedRegion):
    """x' = (-x + I) / tau, Euler at dt; records the dopamine factors it was given."""

    name: str = "leaky"
    tau_ms: float = 20.0
    step_ms: float = 5.0

    @property
    def groups(self):
        return {"x": 3}

    @property
    def dt_ms(self) -> float:
        return self.step_ms

    def init(self, n_subjects, rng):
        return {"x": np.zeros((n_subjects, 3)), "tc": np.zeros((n_subjects, 0, 3)),
                "da": []}

    def step(self, state, inputs, ctx: StepContext):
        n = self.n_steps(ctx.span)
        x = state["x"].copy()
        tc = np.empty((x.shape[0], n, 3))
        for k in range(n):
            x = x + self.dt_ms / self.tau_ms * (-x + inputs["input"])
            tc[:, k] = x
        return {"x": x, "tc": tc, "da": [*state["da"], ctx.dopamine()]}, x

    def time_course(self, state):
        return state["tc"]


register_effect(Leaky, Dopamine, during=True)


def _circuit() -> Circuit:
    return Circuit((Sensory("s", (("cs", 3),), coding=1.0), Leaky()),
                   (Pathway("s-leaky", "s.cs", "leaky", OneToOne(1.0)),))


def test_trace_records_the_time_course_padded_where_epochs_are_shorter():
    pr = Protocol.of(session("a", repeat(trial("t", epoch("cs", 50.0, cs=1.0),
                                               epoch("off", 20.0)), 2)))
    ds = run_protocol(_circuit(), pr, seed=0, n_subjects=2,
                      record={"x": Record("x", "leaky.x", reduce="trace"),
                              "m": Record("m", "leaky.x")})
    assert ds.x.dims == ("group", "subject", "event", "x_step")
    assert ds.x.sizes["x_step"] == 10 and ds.x.attrs["dt_ms"] == 5.0
    # closed form of Euler steps from 0: x_k = 1 - (1 - dt/tau)^(k+1)
    want = 1.0 - (1.0 - 5.0 / 20.0) ** np.arange(1, 11)
    np.testing.assert_allclose(ds.x.isel(group=0, subject=0, event=0).values, want,
                               rtol=1e-12)
    off = ds.x.isel(group=0, subject=1, event=1).values
    assert np.isnan(off[4:]).all() and np.isfinite(off[:4]).all()
    # the epoch's activity is the last step of the trace
    np.testing.assert_allclose(ds.m.isel(group=0, event=0).values, want[-1], rtol=1e-12)


def test_an_epoch_that_is_not_a_whole_number_of_steps_is_refused():
    pr = Protocol.of(session("a", trial("t", epoch("cs", 12.0, cs=1.0))))
    with pytest.raises(ParameterError, match="dt_ms"):
        run_protocol(_circuit(), pr, seed=0, record={"x": Record("x", "leaky", "trace")})


def test_trace_of_a_region_without_time_is_refused_before_any_work():
    c = Circuit((Sensory("s", (("cs", 3),)), RateRegion("r", (("a", 3),))),
                (Pathway("s-r", "s.cs", "r", OneToOne(1.0)),))
    pr = Protocol.of(session("a", trial("t", epoch("cs", 10.0, cs=1.0))))
    with pytest.raises(ParameterError, match=r"record\[x\].reduce"):
        run_protocol(c, pr, seed=0, record={"x": Record("x", "r", reduce="trace")})


def test_dopamine_scales_bursts_and_dips_in_its_window_only():
    pr = Protocol.of(session("train", trial("t", epoch("cs", 10.0, cs=1.0))),
                     session("test", trial("t", epoch("cs", 10.0, cs=1.0)), day=1))
    circ = _circuit()
    groups = {"pd": [dopamine(region="leaky", window="train", burst=0.25)],
              "both": [dopamine(region="leaky", window=During(session="test"), burst=0.5,
                                dip=0.5),
                       dopamine(region="leaky", window="test", dip=0.0)]}
    seen = {}
    for g, ivs in groups.items():
        tl = pr.resolve()
        eff = [s.effect for iv in ivs for s in iv.schedule(tl, circ)]
        seen[g] = eff
    assert seen["pd"] == [Dopamine(0.25, 1.0)]
    ctx = StepContext(pr.resolve().spans[1], tuple(seen["both"]), 0, 1)
    assert ctx.dopamine() == (0.5, 0.0)
    ds = run_protocol(circ, pr, groups=groups, seed=0, record={"x": "leaky"})
    assert ds.x.shape[0] == 2


def test_dopamine_refused_by_a_region_that_has_no_prediction_error():
    c = Circuit((Sensory("s", (("cs", 3),)), RateRegion("r", (("a", 3),))),
                (Pathway("s-r", "s.cs", "r", OneToOne(1.0)),))
    pr = Protocol.of(session("a", trial("t", epoch("cs", 10.0, cs=1.0))))
    with pytest.raises(ParameterError, match="cannot take Dopamine"):
        run_protocol(c, pr, seed=0, groups={"g": [dopamine(region="r", window="a")]})


@pytest.mark.parametrize("field, value", [("burst", -0.1), ("dip", float("nan")),
                                          ("burst", True)])
def test_bad_dopamine_names_the_field(field, value):
    with pytest.raises(ParameterError, match=f"dopamine.{field}"):
        dopamine(region="r", window="a", **{field: value})
