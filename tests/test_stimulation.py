"""Engram tools as descriptions: tagging, opsins, DREADDs, and one way to lesion a network."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engramlab.circuits import (
    Circuit,
    Constant,
    Gain,
    Hebbian,
    OneToOne,
    Pathway,
    RateRegion,
    Sensory,
    run_protocol,
)
from engramlab.core import ParameterError, make_rng
from engramlab.interventions import (
    Chemogenetic,
    Lesion,
    Opsin,
    Tagging,
    ap5,
    apply_lesion,
    apply_to_network,
    lesion_neurons,
    tag_cells,
)
from engramlab.network import (
    ConductanceStep,
    CurrentStep,
    Network,
    Population,
    Simulator,
    Spikes,
    simulate,
)
from engramlab.neurons import LIF
from engramlab.protocol import (
    During,
    Interval,
    Protocol,
    epoch,
    hours,
    minutes,
    repeat,
    session,
    trial,
)

PAIR = trial("pairing", epoch("cs", 20_000, cs=1.0), epoch("cs+us", 2_000, cs=1.0, us=1.0),
             epoch("iti", 60_000))


def _circuit() -> Circuit:
    """A lateral amygdala of 40 cells; the US drives half of them (the engram to tag)."""
    return Circuit(
        (Sensory("senses", (("cs", 10), ("us", 40)), context_cells=50,
                 codings=(("us", 0.5),)),
         RateRegion("la", (("fear", 40),), ceiling=1.0)),
        (Pathway("cs-la", "senses.cs", "la", Constant(0.0), Hebbian(0.3, 0.2)),
         Pathway("us-la", "senses.us", "la", OneToOne(1.0))))


def _protocol() -> Protocol:
    return Protocol.of(
        session("conditioning", repeat(PAIR, 3), context="A"),
        session("neutral", trial("light", epoch("off", minutes(1)), epoch("on", minutes(1)),
                                 epoch("off", minutes(1))), context="C", day=1),
        session("test", trial("test", epoch("cs", 30_000, cs=1.0)), context="B", day=2))


def _mean(ds, group, session, epoch=None):
    sub = ds.sel(group=group)
    keep = sub.session == session
    if epoch is not None:
        keep = keep & (sub.epoch == epoch)
    return float(sub.fear.where(keep).mean())


def test_light_on_the_tagged_engram_recalls_and_silencing_it_blocks_recall():
    """Liu et al. 2012's logic: cells tagged at conditioning, driven by ChR2 in a
    neutral context, give fear there only when the light is on; an inhibitory opsin on
    the same set during the test removes the part of fear they carry."""
    tag = Tagging("engram", "la", During(stimulus="us"), threshold=0.5)
    chr2 = Opsin("ChR2", "la", light=During("neutral", epoch="on"), cells="engram",
                 drive=1.0)
    halo = Opsin("eNpHR3.0", "la", light="test", cells="engram")
    untagged_chr2 = Opsin("ChR2", "la", light=During("neutral", epoch="on"),
                          cells="control")
    control_tag = Tagging("control", "la", During("neutral", epoch="off"), threshold=0.5)
    ds = run_protocol(_circuit(), _protocol(), groups={
        "tag": [tag], "chr2": [tag, chr2], "halo": [tag, halo]},
        record={"fear": "la.fear", "engram": "la:engram"}, seed=0, n_subjects=4)
    control = run_protocol(_circuit(), _protocol(), groups={
        "control": [control_tag, untagged_chr2]}, record={"fear": "la.fear"}, seed=0,
        n_subjects=4)
    # half the cells are tagged (the US pattern): light on drives them to the ceiling
    assert _mean(ds, "chr2", "neutral", "on") == pytest.approx(0.5)
    assert _mean(ds, "chr2", "neutral", "off") == 0.0
    assert _mean(ds, "tag", "neutral", "on") == 0.0
    # a set tagged in a silent epoch is empty: the light on it does nothing
    assert _mean(control, "control", "neutral", "on") == 0.0
    # silencing the engram removes fear carried by the tagged cells at the test
    assert _mean(ds, "tag", "test") > 0
    sub = ds.sel(group="halo")
    assert float(sub.engram.where(sub.session == "test").mean()) == 0.0
    assert _mean(ds, "halo", "test") < _mean(ds, "tag", "test")


def test_chemogenetic_activation_follows_the_stated_kinetics():
    d = Chemogenetic("hM4Di", "la", "test")
    t_peak = math.log(d.decay_ms / d.rise_ms) * d.rise_ms * d.decay_ms / (
        d.decay_ms - d.rise_ms)
    assert float(d.activation(t_peak)) == pytest.approx(1.0)
    assert float(d.activation(-1.0)) == 0.0 and float(d.activation(0.0)) == 0.0
    # peak about 45 min after CNO, effects over for the most part after 6-10 h
    assert 30 < t_peak / 60_000 < 60
    assert 0.08 < float(d.activation(hours(8))) < 0.12
    assert float(d.activation(hours(10))) < 0.06


def test_a_dreadd_scales_the_cells_by_its_activation_in_each_epoch():
    inject = Protocol.of(
        session("conditioning", repeat(PAIR, 3), context="A"),
        session("test", repeat(trial("test", epoch("cs", minutes(10), cs=1.0)), 36),
                context="B", day=1))
    hm4di = Chemogenetic("hM4Di", "la", During("test"), efficacy=0.8)
    hm3dq = Chemogenetic("hM3Dq", "la", During("test"), drive=0.3)
    no_learning = ap5(region="la", window="test")  # the test itself learns nothing
    ds = run_protocol(_circuit(), inject, groups={"saline": [no_learning],
                                                  "hM4Di": [no_learning, hm4di],
                                                  "hM3Dq": [no_learning, hm3dq]},
                      record={"fear": "la.fear"}, seed=0, n_subjects=2)
    tl = inject.resolve()
    t0 = tl.extent("test")[0]
    mids = np.array([0.5 * (s.start_ms + s.stop_ms) for s in tl.spans if s.session == "test"])
    a = hm4di.activation(mids - t0)

    def fear(group):
        sub = ds.sel(group=group)
        return sub.fear.mean("subject").values[(sub.session == "test").values]

    base = fear("saline")
    assert np.all(base > 0) and np.ptp(base) == 0
    expected = np.where(a >= hm4di.cutoff, base * (1 - 0.8 * a), base)
    np.testing.assert_allclose(fear("hM4Di"), expected, rtol=1e-12)
    excited = fear("hM3Dq")
    assert np.all(excited >= base - 1e-12)
    assert excited[np.argmax(a)] > base[np.argmax(a)]


def test_ap5_in_the_tagging_window_is_the_same_drug_as_elsewhere():
    """Interventions compose in a group: a drug and a tag in the same window."""
    tag = tag_cells("engram", "la", During(stimulus="us"))
    ds = run_protocol(_circuit(), _protocol(), groups={
        "ap5": [tag, ap5(region="la", window="conditioning")], "saline": [tag]},
        record={"fear": "la.fear"}, seed=0, n_subjects=2)
    assert _mean(ds, "ap5", "test") == 0.0 < _mean(ds, "saline", "test")


LIF_P = LIF()


def test_opsins_on_a_network_are_conductances_or_pump_currents():
    net = Network([Population("n", 3, LIF_P, i_bias_pa=300.0)])
    chr2 = Opsin("ChR2", "n", light=Interval(100.0, 200.0), cells=[0], g_ns=5.0)
    gtacr = Opsin("GtACR2", "n", light=Interval(100.0, 200.0), g_ns=200.0)
    arch = Opsin("ArchT", "n", light=Interval(100.0, 200.0), cells=[1, 2],
                 current_pa=400.0)
    s = chr2.to_network(net).stimuli[-1]
    assert isinstance(s, ConductanceStep) and s.e_rev_mv == 0.0 and s.g_ns == 5.0
    s = gtacr.to_network(net).stimuli[-1]
    assert isinstance(s, ConductanceStep) and s.e_rev_mv == -70.0
    s = arch.to_network(net).stimuli[-1]
    assert isinstance(s, CurrentStep) and s.amplitude_pa == -400.0
    # ArchT silences the lit neurons during the light, not the unlit one
    ds = simulate(apply_to_network(net, [arch]), 300.0, record=[Spikes("n")])
    t, i = ds["n_spike_time"].values, ds["n_spike_neuron"].values
    lit = np.isin(i, [1, 2]) & (t > 105) & (t < 200)
    assert lit.sum() == 0 and ((i == 0) & (t > 105) & (t < 200)).sum() > 0
    # ChR2 adds spikes to the lit neuron
    base = simulate(net, 300.0, record=[Spikes("n")])
    driven = simulate(chr2.to_network(net), 300.0, record=[Spikes("n")])
    assert (driven["n_spike_neuron"].values == 0).sum() > (
        base["n_spike_neuron"].values == 0).sum()


def test_one_lesion_for_weights_and_networks():
    net = Network([Population("E", 50, LIF_P)])
    a = lesion_neurons(net, "E", fraction=0.2, seed=3)
    b = apply_lesion(net, Lesion("neurons", 0.2, target="E"), make_rng(3, 5))
    np.testing.assert_array_equal(a.lesions[-1].neurons, b.lesions[-1].neurons)
    assert len(a.lesions[-1].neurons) == 10
    c = apply_to_network(net, [Lesion("neurons", target="E", cells=[1, 4])])
    assert tuple(c.lesions[-1].neurons) == (1, 4)
    assert Simulator(c, seed=0) is not None
    w = np.ones((6, 6)) - np.eye(6)
    assert (apply_lesion(w, Lesion("neurons", 0.5), make_rng(0)).alive.sum()) == 3


@pytest.mark.parametrize(("build", "field"), [
    (lambda: Opsin("ChR3", "la", light="test"), "opsin.opsin"),
    (lambda: Opsin("ChR2", "", light="test"), "opsin.target"),
    (lambda: Opsin("ChR2", "la", light="test", efficacy=1.5), "opsin.efficacy"),
    (lambda: Opsin("ChR2", "la", light="test", cells=[-1]), "opsin.cells"),
    (lambda: Opsin("ChR2", "la", light=3), "opsin.light"),
    (lambda: Chemogenetic("hM5", "la", "test"), "chemogenetic.receptor"),
    (lambda: Chemogenetic("hM4Di", "la", "test", rise_ms=-1.0), "chemogenetic.rise_ms"),
    (lambda: Chemogenetic("hM4Di", "la", "test", rise_ms=10.0, decay_ms=5.0),
     "chemogenetic.decay_ms"),
    (lambda: Tagging("", "la", "test"), "tagging.name"),
    (lambda: Tagging("e", "la", "test", threshold=-0.1), "tagging.threshold"),
    (lambda: Lesion("synapses", 0.5, cells=[1]), "lesion.cells"),
    (lambda: apply_lesion(Network([Population("E", 5, LIF_P)]),
                          Lesion("neurons", target="E", cells=[7]), make_rng(0)),
     "lesion.cells"),
    (lambda: apply_lesion(Network([Population("E", 5, LIF_P)]),
                          Lesion("region", target="E", at="x"), make_rng(0)), "lesion.kind"),
    (lambda: apply_to_network(Network([Population("E", 5, LIF_P)]), [object()]),
     "interventions[0]"),
    (lambda: Opsin("ChR2", "E", light=During("test")).to_network(
        Network([Population("E", 5, LIF_P)])), "opsin.light"),
])
def test_bad_descriptions_name_the_field(build, field):
    with pytest.raises(ParameterError) as err:
        build()
    assert err.value.field == field


def test_in_a_circuit_opsins_name_cell_sets_and_need_a_light_window():
    with pytest.raises(ParameterError, match=r"opsin\.light"):
        run_protocol(_circuit(), _protocol(), groups={"x": [Opsin("ChR2", "la")]}, seed=0)
    with pytest.raises(ParameterError, match=r"opsin\.cells"):
        run_protocol(_circuit(), _protocol(), groups={
            "x": [Opsin("ChR2", "la", light="test", cells=[1])]}, seed=0)
    with pytest.raises(ParameterError, match=r"chemogenetic\.injection"):
        run_protocol(_circuit(), _protocol(), groups={
            "x": [Chemogenetic("hM4Di", "la", During("test"), decay_ms=2.0, rise_ms=1.0)]},
            seed=0)
    # a gain on a pathway is refused before any work (a pathway takes lesions only)
    with pytest.raises(ParameterError):
        run_protocol(_circuit(), _protocol(), groups={"x": [
            Opsin("eNpHR3.0", "cs-la", light="test")]}, seed=0)
    assert Gain(0.5).factor == 0.5
