"""SpikingRegion: a network of the engine as a region of a circuit, driven by a protocol."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engramlab.circuits import (
    Circuit,
    Drive,
    Gain,
    Group,
    Remove,
    ScaleLearning,
    Scheduled,
    Tag,
    run_protocol,
)
from engramlab.circuits._region import StepContext
from engramlab.circuits.spiking import SpikingRegion, amygdala_region
from engramlab.core import ParameterError
from engramlab.core.rng import make_rng
from engramlab.network import AmygdalaParams, amygdala_network
from engramlab.protocol import During, Interval, Protocol, days, epoch, repeat, session, trial

SMALL = AmygdalaParams(n_e=60, n_i=12, p_ee=0.3, p_ei=1.0, p_ie=1.0, p_ii=1.0)


def _region(**kw) -> SpikingRegion:
    return amygdala_region(SMALL, **kw)


def _cs(name: str = "cs", **stim: float):
    return trial(name, epoch("cs", 50.0, cs=1.0, **stim), epoch("iti", 50.0))


def _protocol(test_day: float | None = None) -> Protocol:
    cond = session("conditioning", repeat(_cs("pairing", us=1.0), 3), context="A")
    ext = session("extinction", repeat(_cs(), 3), context="B", gap_ms=100.0)
    test = (session("test", _cs(), context="B", gap_ms=100.0) if test_day is None
            else session("test", _cs(), context="B", day=test_day))
    return Protocol.of(cond, ext, test)


REC = {"fear": "amygdala.fear", "ext": "amygdala.extinction", "inh": "amygdala.inhibitory"}


def _run(groups=None, region=None, seed=3, protocol=None):
    circ = Circuit((region or _region(),), settle=1)
    return run_protocol(circ, protocol or _protocol(), groups=groups, record=REC, seed=seed)


def _cs_values(ds, group, var, session_name):
    sub = ds.sel(group=group)
    sel = ((sub.session == session_name) & (sub.epoch == "cs")).values
    return sub[var].values[0, sel]


# --- construction ---------------------------------------------------------------------

def test_groups_and_bad_construction_name_the_field():
    r = _region()
    assert dict(r.groups) == {"fear": 12, "extinction": 12, "other": 36, "inhibitory": 12}
    net = amygdala_network(SMALL)
    with pytest.raises(ParameterError, match="cells"):
        SpikingRegion("x", net, (("a", "E", np.array([0, 99])),))
    with pytest.raises(ParameterError, match="neuron population"):
        SpikingRegion("x", net, (("a", "cs", np.array([0])),))
    with pytest.raises(ParameterError, match="stimuli"):
        SpikingRegion("x", net, (("a", "E", np.array([0])),), stimuli=(("cs", "nope"),))
    with pytest.raises(ParameterError, match="labile"):
        SpikingRegion("x", net, (("a", "E", np.array([0])),), labile=("E_E",))
    with pytest.raises(ParameterError, match="labile_tau_ms"):
        SpikingRegion("x", net, (("a", "E", np.array([0])),), labile_tau_ms=0.0)


def test_an_epoch_that_is_not_whole_steps_is_refused():
    circ = Circuit((_region(),), settle=1)
    proto = Protocol.of(session("s", trial("t", epoch("cs", 0.05 + 50.0, cs=1.0)),
                                context="A"))
    with pytest.raises(ParameterError, match="whole number of time steps"):
        run_protocol(circ, proto, record=REC, seed=0)


# --- the model through the protocol ---------------------------------------------------

def test_same_seed_same_numbers_and_groups_do_not_depend_on_each_other():
    g = {"now": Group(), "later": Group((), _protocol(test_day=5.0))}
    a = _run(groups=g)
    b = _run(groups=g)
    np.testing.assert_array_equal(a.fear.values, b.fear.values)
    alone = _run(groups={"later": Group((), _protocol(test_day=5.0))})
    np.testing.assert_array_equal(a.fear.sel(group="later").values,
                                  alone.fear.sel(group="later").values)
    # branches share the training: identical until the test
    tr = (a.session != "test").values
    np.testing.assert_array_equal(a.fear.values[0, :, tr[0]], a.fear.values[1, :, tr[1]])


def test_activity_is_the_rate_of_each_group_and_inhibition_is_on():
    ds = _run()
    inh = ds.inh.values[0, 0]
    assert np.all(inh[np.isfinite(inh)] > 1.0)  # I cells fire at ~10 Hz on background
    # a rate is spikes / cells / T: multiples of 1 / (12 cells * 0.05 s)
    fear = _cs_values(ds, "control", "fear", "conditioning")
    np.testing.assert_allclose(fear * 12 * 0.05, np.round(fear * 12 * 0.05), atol=1e-9)


def _weights(region: SpikingRegion, state) -> np.ndarray:
    sim = region._sim(state["seeds"][0])[0]
    return state["snaps"][0].arrays["w"][region._labile_index(sim)]


def _drive(region, state, span_epoch, effects=(), seed=1):
    ctx = StepContext(span_epoch, tuple(effects), seed, 1)
    return region.step(state, {}, ctx)


def _span(start, stop, context="A", **stim):
    from engramlab.protocol import Span
    return Span(0, "s", 0, "t", 0, "cs", 0, float(start), float(stop), context, "awake",
                tuple(stim.items()))


def test_elapse_decays_the_labile_weights_exactly_and_composes():
    tau = days(2.0)
    r = _region(extinction_tau_ms=tau)
    st = r.init(1, make_rng(0))
    w0 = _weights(r, st).copy()
    st, _ = _drive(r, st, _span(0, 50, context="B", cs=1.0))   # unreinforced learning
    w1 = _weights(r, st).copy()
    assert not np.allclose(w1, w0)
    one = r.elapse(st, days(1.0) + 0.0)
    a = r.elapse(r.elapse(st, days(0.25)), days(0.75))
    # the state's clock is at the epoch's start: 50 ms of the elapse were simulated
    k = math.exp(-(days(1.0) - 50.0) / tau)
    np.testing.assert_allclose(_weights(r, one), w0 + (w1 - w0) * k, rtol=1e-12)
    np.testing.assert_allclose(_weights(r, a), _weights(r, one), rtol=1e-12)


def test_reinforced_learning_is_consolidated_and_does_not_decay():
    r = _region(extinction_tau_ms=days(1.0))
    st = r.init(1, make_rng(0))
    st, _ = _drive(r, st, _span(0, 50, context="A", cs=1.0, us=1.0))
    w1 = _weights(r, st).copy()
    later = r.elapse(st, days(30))
    np.testing.assert_array_equal(_weights(r, later), w1)
    # anisomycin (no protein synthesis) leaves the same learning labile
    st = r.init(1, make_rng(0))
    st, _ = _drive(r, st, _span(0, 50, context="A", cs=1.0, us=1.0),
                   [ScaleLearning(0.0, "protein_synthesis")])
    assert np.allclose(_weights(r, r.elapse(st, days(30))), _weights(r, r.init(
        1, make_rng(0))), atol=1e-9)


def test_scale_learning_and_the_cs_gate():
    r = _region()
    st = r.init(1, make_rng(0))
    w0 = _weights(r, st).copy()
    s1, _ = _drive(r, st, _span(0, 50, cs=1.0), [ScaleLearning(0.0, "nmda")])
    np.testing.assert_array_equal(_weights(r, s1), w0)           # AP5: no learning
    s2, _ = _drive(r, st, _span(0, 50))                          # no CS: m = 0
    np.testing.assert_array_equal(_weights(r, s2), w0)
    full, _ = _drive(r, st, _span(0, 50, cs=1.0))
    half, _ = _drive(r, st, _span(0, 50, cs=1.0), [ScaleLearning(0.5, "nmda")])
    d_full = np.abs(_weights(r, full) - w0).sum()
    d_half = np.abs(_weights(r, half) - w0).sum()
    assert 0.3 * d_full < d_half < 0.7 * d_full


def test_gain_silences_drive_excites_tag_collects_remove_stops():
    r = _region()
    st = r.init(1, make_rng(0))
    sl = r._slices()
    span = _span(0, 100, context="A", cs=1.0)
    _, base = _drive(r, st, span)
    _, silenced = _drive(r, st, span, [Gain(0.0, "fear")])
    assert base[0, sl["fear"]].sum() > 0
    assert silenced[0, sl["fear"]].sum() == 0
    _, driven = _drive(r, st, _span(0, 100, context=None), [Drive(30.0, "other")])
    _, rest = _drive(r, st, _span(0, 100, context=None))
    assert driven[0, sl["other"]].mean() > rest[0, sl["other"]].mean() + 20
    tagged, act = _drive(r, st, span, [Tag("engram", "fear", threshold=5.0)])
    np.testing.assert_array_equal(r.cell_set(tagged, "engram")[0, sl["fear"]],
                                  act[0, sl["fear"]] > 5.0)
    assert not r.cell_set(tagged, "engram")[0, sl["other"]].any()
    with pytest.raises(ParameterError, match=r"gain\.factor"):
        _drive(r, st, span, [Gain(2.0, "fear")])
    ds = _run(groups={"lesion": [Scheduled("amygdala", Remove(), Interval(300.0),
                                           instant=True)]})
    sub = ds.sel(group="lesion")
    after = (sub.start_ms >= 300.0).values
    assert np.all(sub.fear.values[0, after] == 0) and np.all(sub.inh.values[0, after] == 0)
    assert np.any(sub.inh.values[0, ~after] > 0)


def test_silencing_the_extinction_cells_during_extinction_keeps_fear_high():
    g = {"control": Group(), "B silenced": [Scheduled("amygdala", Gain(0.0, "extinction"),
                                                      During("extinction"))]}
    ds = _run(groups=g, seed=5)
    ext_c = _cs_values(ds, "control", "ext", "extinction")
    ext_s = _cs_values(ds, "B silenced", "ext", "extinction")
    assert np.all(ext_s == 0) and ext_c.sum() > 0


def test_effects_a_spiking_region_cannot_take_are_refused_before_any_work(monkeypatch):
    """A gain above 1 or a negative drive is refused when the protocol is resolved:
    no network is built, no epoch simulated."""
    from engramlab.circuits import spiking

    def no_work(*args, **kwargs):
        raise AssertionError("the region was stepped")

    monkeypatch.setattr(spiking.SpikingRegion, "step", no_work)
    for effect, field in ((Gain(2.0, "fear"), r"amygdala\.gain\.factor"),
                          (Drive(-1.0, "fear"), r"amygdala\.drive\.amount")):
        with pytest.raises(ParameterError, match=field):
            _run(groups={"bad": [Scheduled("amygdala", effect, During("extinction"))]})
