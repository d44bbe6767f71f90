"""Protocols, circuits and run_protocol: the shared vocabulary of the circuit experiments."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engramlab.circuits import (
    Circuit,
    Constant,
    Drive,
    Effect,
    Gain,
    Group,
    Hebbian,
    IndexRegion,
    OneToOne,
    Pathway,
    RandomSparse,
    RateRegion,
    Scheduled,
    Sensory,
    Tag,
    run_protocol,
)
from engramlab.core import ParameterError
from engramlab.interventions import Lesion, anisomycin, ap5, lesion
from engramlab.protocol import (
    DAY,
    After,
    Before,
    During,
    Interval,
    Protocol,
    alternate,
    days,
    epoch,
    hours,
    minutes,
    repeat,
    session,
    sleep,
    trial,
)


class Unknown(Effect):
    """An effect no region registered."""


PAIR = trial("pairing", epoch("cs", 20_000, cs=1.0), epoch("cs+us", 2_000, cs=1.0, us=1.0),
             epoch("iti", 60_000))


def _protocol(test_day: float = 1.0) -> Protocol:
    return Protocol.of(
        session("conditioning", repeat(PAIR, 5), context="A"),
        sleep("night", hours(8), events=4, day=0.5),
        session("test", trial("test", epoch("cs", 30_000, cs=1.0)), context="B",
                day=test_day))


def _circuit() -> Circuit:
    return Circuit(
        (Sensory("senses", (("cs", 10), ("us", 10)), context_cells=50,
                 codings=(("us", 1.0),)),
         RateRegion("la", (("fear", 10),), ceiling=1.0)),
        (Pathway("cs-la", "senses.cs", "la", Constant(0.0), Hebbian(0.3, 0.2)),
         Pathway("us-la", "senses.us", "la", OneToOne(1.0))))


def _fear_at_test(ds, group):
    sub = ds.sel(group=group)
    return sub.fear.where(sub.session == "test").mean("event").values


# -- protocols ---------------------------------------------------------------------------


def test_timeline_places_every_epoch_in_absolute_time():
    p = Protocol.of(session("a", repeat(PAIR, 2), context="A", iti_ms=1_000),
                    session("b", trial("t", epoch("x", 10.0)), gap_ms=5.0),
                    session("c", trial("t", epoch("y", 10.0)), day=2))
    tl = p.resolve()
    starts = [sp.start_ms for sp in tl]
    # pairing 82 s, ITI 1 s, pairing 82 s; then 5 ms gap; then day 2
    assert starts[:4] == [0.0, 20_000.0, 22_000.0, 83_000.0]
    assert tl.spans[6].start_ms == 2 * 82_000 + 1_000 + 5.0
    assert tl.spans[7].start_ms == 2 * DAY
    assert tl.end_ms == 2 * DAY + 10
    assert [s[0] for s in tl.sessions] == ["a", "b", "c"]
    assert tl.spans[0].label == "a/0/0:cs" and tl.spans[3].label == "a/1/0:cs"


def test_units_and_helpers():
    assert days(1) == 24 * hours(1) == 24 * 60 * minutes(1) == 86_400_000.0
    a, b = trial("a", epoch("x", 1.0)), trial("b", epoch("y", 1.0))
    assert [t.name for t in alternate([a, b], 5)] == ["a", "b", "a", "b", "a"]
    s = sleep("night", hours(8), events=4, day=0.5)
    assert s.kind == "sleep" and len(s.trials) == 4 and s.length_ms == hours(8)


def test_windows_resolve_in_the_words_of_the_protocol():
    tl = _protocol().resolve()
    cond_end = 5 * 82_000.0
    assert During("conditioning").resolve(tl) == ((0.0, cond_end),)
    assert During(stimulus="us").resolve(tl)[0] == (20_000.0, 22_000.0)
    assert len(During(session="conditioning", epoch="cs+us").resolve(tl)) == 5
    assert After("conditioning", hours(6)).resolve(tl) == ((cond_end + hours(6),) * 2,)
    assert After("conditioning", 0.0, hours(1)).resolve(tl) == ((cond_end,
                                                                 cond_end + hours(1)),)
    assert Before("test", hours(1)).resolve(tl) == ((DAY - hours(1),) * 2,)
    assert During(kind="sleep").resolve(tl) == ((DAY / 2, DAY / 2 + hours(8)),)
    assert Interval(5.0, 7.0).resolve(tl) == ((5.0, 7.0),)


@pytest.mark.parametrize("build, field", [
    (lambda: epoch("x", -1.0), "epoch[x].duration_ms"),
    (lambda: epoch("x", 0.0), "epoch[x].duration_ms"),
    (lambda: epoch("x", math.nan), "epoch[x].duration_ms"),
    (lambda: epoch("x", 1.0, cs=-1.0), "epoch[x].stimuli[cs]"),
    (lambda: epoch("", 1.0), "epoch.name"),
    (lambda: trial("t"), "trial[t].epochs"),
    (lambda: session("s", trial("t", epoch("a", 10.0)), duration_ms=5.0),
     "session[s].duration_ms"),
    (lambda: session("s", trial("t", epoch("a", 1.0)), day=-1), "session[s].day"),
    (lambda: session("s", trial("t", epoch("a", 1.0)), iti_ms=-1), "session[s].iti_ms"),
    (lambda: session("s", trial("t", epoch("a", 1.0)), kind="dream"), "session[s].kind"),
    (lambda: Protocol.of(session("s", trial("t", epoch("a", DAY * 2)), day=0),
                         session("u", trial("t", epoch("a", 1.0)), day=1)), "session[u].day"),
    (lambda: Protocol.of(session("s", trial("t", epoch("a", 1.0))),
                         session("s", trial("t", epoch("a", 1.0)))), "protocol.sessions"),
    (lambda: sleep("n", hours(1), events=0), "sleep[n].events"),
    (lambda: repeat(PAIR, 0), "repeat.n"),
    (lambda: After("conditioning", -1.0), "after.delay_ms"),
    (lambda: After("conditioning", math.inf), "after.delay_ms"),
    (lambda: During("nope").resolve(_protocol().resolve()), "session"),
    (lambda: During(epoch="nope").resolve(_protocol().resolve()), "window"),
    (lambda: Before("conditioning", 1.0).resolve(_protocol().resolve()), "before.lead_ms"),
])
def test_bad_protocols_are_refused_naming_the_field(build, field):
    with pytest.raises(ParameterError) as err:
        build()
    assert err.value.field == field


# -- run_protocol ------------------------------------------------------------------------


def test_learning_shows_in_the_recorded_behaviour_and_same_seed_same_numbers():
    ds = run_protocol(_circuit(), _protocol(), record={"fear": "la.fear"}, seed=3,
                      n_subjects=4)
    sub = ds.sel(group="control")
    cs = sub.fear.where((sub.session == "conditioning") & (sub.epoch == "cs")).dropna(
        "event", how="all")
    assert cs.sizes["event"] == 5
    first, last = cs.isel(event=0).values, cs.isel(event=-1).values
    assert np.all(first == 0) and np.all(last > 0.05)  # the CS comes to drive the fear cells
    assert np.all(np.diff(cs.mean("subject").values) > 0)
    again = run_protocol(_circuit(), _protocol(), record={"fear": "la.fear"}, seed=3,
                         n_subjects=4)
    assert again.fear.equals(ds.fear)
    assert "sleep" not in set(ds.epoch.values.ravel())  # sleep epochs not recorded


def test_a_group_does_not_depend_on_the_other_groups():
    groups = {"lesioned": [lesion("cs-la", After("conditioning"))], "control": []}
    both = run_protocol(_circuit(), _protocol(), groups=groups, record={"fear": "la.fear"},
                        seed=5, n_subjects=3)
    alone = run_protocol(_circuit(), _protocol(), groups={"control": []},
                         record={"fear": "la.fear"}, seed=5, n_subjects=3)
    np.testing.assert_array_equal(both.fear.sel(group="control").values,
                                  alone.fear.sel(group="control").values)
    assert np.all(_fear_at_test(both, "lesioned") == 0)
    assert np.all(_fear_at_test(both, "control") > 0.05)
    # training is shared: before the lesion both groups recorded the same numbers
    cond = both.event.values[(both.session.sel(group="control") == "conditioning").values]
    f = both.fear.sel(event=cond)
    np.testing.assert_array_equal(f.sel(group="control").values, f.sel(group="lesioned").values)


def test_groups_branch_from_one_trained_state_with_their_own_protocols():
    groups = {f"test day {d}": Group((), _protocol(d)) for d in (1, 3, 9)}
    ds = run_protocol(_circuit(), _protocol(), groups=groups, record={"fear": "la.fear"},
                      seed=2, n_subjects=2)
    starts = ds.start_ms.where(ds.session == "test").max("event").values
    assert list(starts) == [days(1), days(3), days(9)]
    # no decay in this circuit: the same test gives the same fear whatever the delay
    f = [_fear_at_test(ds, g) for g in groups]
    np.testing.assert_array_equal(f[0], f[1])
    np.testing.assert_array_equal(f[0], f[2])


def test_a_drug_blocks_the_learning_it_targets_only_in_its_window():
    groups = {"saline": [], "ap5": [ap5(region="la", window="conditioning")],
              "anisomycin": [anisomycin(region="la", window="conditioning")],
              "ap5 later": [ap5(region="la", window="test")]}
    circuit = _circuit()
    ds = run_protocol(circuit, _protocol(), groups=groups, record={"fear": "la.fear"},
                      seed=1, n_subjects=2)
    assert np.all(_fear_at_test(ds, "ap5") == 0)  # Hebbian needs NMDA: nothing learned
    np.testing.assert_array_equal(_fear_at_test(ds, "anisomycin"), _fear_at_test(ds, "saline"))
    np.testing.assert_array_equal(_fear_at_test(ds, "ap5 later"), _fear_at_test(ds, "saline"))
    half = run_protocol(circuit, _protocol(), groups={"half": [
        ap5(region="la", window="conditioning", block=0.5)]}, record={"fear": "la.fear"},
        seed=1, n_subjects=2)
    assert np.all(0 < _fear_at_test(half, "half")) and np.all(
        _fear_at_test(half, "half") < _fear_at_test(ds, "saline"))


def test_tagging_names_the_active_cells_and_opsins_act_on_them():
    tag = Scheduled("la", Tag("engram", threshold=0.5), During(stimulus="us"))
    silence = Scheduled("la", Gain(0.0, cells="engram"), During("test"))
    drive = Scheduled("la", Drive(1.0, cells="engram"), During("test"))
    ds = run_protocol(_circuit(), _protocol(), groups={
        "tag": [tag], "silence": [tag, silence], "drive": [tag, drive]},
        record={"fear": "la.fear", "engram": "la:engram"}, seed=0, n_subjects=3)
    assert np.all(_fear_at_test(ds, "silence") == 0)
    # the tagged cells are the US-driven fear cells (all of them: US coding 1)
    sub = ds.sel(group="drive")
    engram = sub.engram.where(sub.session == "test").mean("event").values
    np.testing.assert_allclose(engram, 1.0)  # driven to the ceiling
    with pytest.raises(ParameterError, match="tags no set"):
        run_protocol(_circuit(), _protocol(), record={"e": "la:engram"}, seed=0)


def test_hebbian_decay_is_exact_across_any_gap():
    rule = Hebbian(0.5, 1.0, tau_ms=days(10))
    w = np.full((1, 2, 2), 0.8)
    one = rule.decay(w, days(20))
    many = w
    for _ in range(20):
        many = rule.decay(many, days(1))
    np.testing.assert_allclose(one, 0.8 * math.exp(-2))
    np.testing.assert_allclose(many, one, rtol=1e-12)


def test_the_index_replays_what_it_stored_during_sleep():
    circuit = Circuit(
        (Sensory("senses", (("cs", 5),), context_cells=40),
         IndexRegion("hpc", (("index", 60),), k=5)),
        (Pathway("in", "senses.context", "hpc", RandomSparse(0.3, 1.0, "uniform")),))
    p = Protocol.of(session("awake", trial("t", epoch("explore", 1_000.0)), context="A"),
                    sleep("night", hours(1), events=3, gap_ms=10.0))
    ds = run_protocol(circuit, p, record={"hpc": "hpc"}, seed=4, n_subjects=2,
                      record_sleep=True)
    act = ds.hpc.sel(group="control").values
    np.testing.assert_allclose(act, 5 / 60)  # one stored code, replayed at every event
    les = run_protocol(circuit, p, groups={"x": [lesion("hpc", After("awake"))]},
                       record={"hpc": "hpc"}, seed=4, n_subjects=2, record_sleep=True)
    assert np.all(les.hpc.sel(group="x").values[:, 1:] == 0)  # no replay after a lesion


@pytest.mark.parametrize("groups, field", [
    ({"g": [lesion("thalamus", "conditioning")]}, "group[g].target"),
    ({"g": [Scheduled("cs-la", Tag("x"), During("test"))]}, "cs-la"),
    ({"g": [Scheduled("senses", Unknown(), "test")]}, "senses"),
    ({"g": [ap5(region="la", window="no such session")]}, "group[g].window"),
    ({"g": [Scheduled("la", Gain(0.0, cells="engram"), During("test"))]}, "group[g].cells"),
    ({"g": [ap5(region="la", window=During(epoch="no such epoch"))]}, "group[g].window"),
    # a lesion or drug that opens once the protocol is over would never act
    ({"g": [lesion("la", After("test"))]}, "group[g].window"),
    ({"g": [lesion("la", After("conditioning", delay_ms=days(30)))]}, "group[g].window"),
    ({"g": [anisomycin(region="la", window=Interval(days(5), days(6)))]},
     "group[g].window"),
])
def test_bad_interventions_are_refused_before_any_work(groups, field):
    with pytest.raises(ParameterError) as err:
        run_protocol(_circuit(), _protocol(), groups=groups, seed=0)
    assert err.value.field == field


def test_bad_circuits_and_calls_are_refused():
    with pytest.raises(ParameterError, match="names no region"):
        Circuit((RateRegion("a", (("x", 2),)),), (Pathway("p", "a", "b"),))
    with pytest.raises(ParameterError, match="names no group"):
        Circuit((RateRegion("a", (("x", 2),)),), (Pathway("p", "a.y", "a"),))
    with pytest.raises(ParameterError, match="twice"):
        Circuit((RateRegion("a", (("x", 2),)), RateRegion("a", (("x", 2),))))
    with pytest.raises(ParameterError, match="as many source as target") as err:
        Circuit((RateRegion("a", (("x", 2),)), RateRegion("b", (("y", 3),))),
                (Pathway("p", "a.x", "b", OneToOne()),))  # refused when built, by name
    assert err.value.field == "pathway[p].weights"
    with pytest.raises(ParameterError, match="k"):
        RateRegion("a", (("x", 2),), activation="kwta", k=3)
    with pytest.raises(ParameterError, match="rate"):
        Hebbian(1.5)
    with pytest.raises(ParameterError, match="n_subjects"):
        run_protocol(_circuit(), _protocol(), seed=0, n_subjects=0)
    with pytest.raises(ParameterError, match="seed"):
        run_protocol(_circuit(), _protocol(), seed=-1)
    with pytest.raises(ParameterError, match="names no group"):
        run_protocol(_circuit(), _protocol(), record={"f": "la.nope"}, seed=0)
    with pytest.raises(ParameterError, match="may not be named 'context'") as err:
        run_protocol(_circuit(), _protocol(), record={"context": "la"}, seed=0)
    assert err.value.field == "record"
    with pytest.raises(ParameterError, match=r"lesion\.at"):
        Lesion("region", target="la")


def test_the_worked_example_of_the_docs_runs_and_prints_what_they_say(capsys):
    import re
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "circuits.md").read_text()
    code, printed = re.findall(r"```(?:python)?\n(.*?)```", text, re.S)[:2]
    exec(compile(code, "docs/circuits.md", "exec"), {})
    assert capsys.readouterr().out.strip() == printed.strip()
