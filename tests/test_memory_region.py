"""The AssociativeMemory protocol, its adapters, and MemoryRegion in a circuit.

The circuit protocol of these tests: three items A, B, C, each studied in its own
session (one encoding epoch: ``encode`` on), then a test session with one epoch per
item in which only the item's *cue* part is shown. Each item is two sensory channels,
``X_cue`` (60 cells) and ``X_rest`` (140 cells), projected one-to-one onto the memory
region's groups ``cue`` and ``rest``: an item is a random pattern over all 200 memory
cells with a fraction ``a`` (the coding level) active, and its cue holds
``round(60 a)`` of its ``round(200 a)`` active cells -- exactly 30 %. Completion is
computed here, independently of the region: the fraction of the item's ``rest`` cells
active in the sensory record of its study epoch that are active in the memory's
``rest`` cells at its test (chance: ``a``).
"""

from __future__ import annotations

import numpy as np
import pytest

from engramlab.circuits import (
    Circuit,
    Drive,
    Gain,
    OneToOne,
    Pathway,
    Record,
    Scheduled,
    Sensory,
    Tag,
    run_protocol,
)
from engramlab.circuits.memory_region import MemoryRegion
from engramlab.core import ParameterError, make_rng
from engramlab.interventions import ap5, lesion
from engramlab.memory import sparse_patterns
from engramlab.memory.associative import (
    AssociativeMemory,
    CA3Memory,
    CovarianceMemory,
    DenseMemory,
    HopfieldMemory,
    ModernHopfieldMemory,
    as_activity,
    to_rates,
    to_spins,
)
from engramlab.protocol import After, During, Protocol, epoch, session, sleep, trial

ITEMS = ("A", "B", "C")
N_CUE, N_REST = 60, 140
N = N_CUE + N_REST
#: A cued item counts as recalled when at least this fraction of its uncued cells is
#: recalled (per subject), with at most FALSE_MAX of the other cells active. Measured on
#: seeds 0-19 x 8 subjects: completion 1.0 and false activity 0.0 for every subject with
#: the Hopfield (a = 0.5), CA3 and modern (a = 0.1) adapters.
COMPLETE_MIN = 0.9
FALSE_MAX = 0.05
#: An item that was not stored is completed at chance (about ``a``): its mean completion
#: over subjects must stay below this. Measured on seeds 0-19 (AP5 during B's study, mean
#: over 8 subjects): Hopfield 0.46-0.53 (a = 0.5), CA3 0.02-0.13, modern 0.02-0.11
#: (a = 0.1), against >= 0.9 for every stored item of every subject.
NOT_STORED_MAX = 0.7

ADAPTERS = {
    "hopfield": (lambda: HopfieldMemory(N), 0.5),
    "ca3-willshaw-kwta": (lambda: CA3Memory(N), 0.1),
    "modern-hopfield": (lambda: ModernHopfieldMemory(N), 0.1),
}


def circuit(memory, coding):
    channels = tuple((f"{i}_{part}", n) for i in ITEMS
                     for part, n in (("cue", N_CUE), ("rest", N_REST)))
    senses = Sensory("senses", channels, context_cells=10, coding=coding)
    mem = MemoryRegion("mem", (("cue", N_CUE), ("rest", N_REST)), memory=memory)
    pathways = tuple(Pathway(f"{i}-{part}", f"senses.{i}_{part}", f"mem.{part}",
                             OneToOne(1.0)) for i in ITEMS for part in ("cue", "rest"))
    return Circuit((senses, mem), pathways)


def study(item, day):
    return session(f"study {item}", trial("study", epoch(
        "study", 60_000, encode=1.0, **{f"{item}_cue": 1.0, f"{item}_rest": 1.0})),
        context="A", day=day)


PROTOCOL = Protocol.of(
    *(study(i, d) for d, i in enumerate(ITEMS)),
    session("test", trial("test", *(epoch(f"cue {i}", 10_000, **{f"{i}_cue": 1.0})
                                    for i in ITEMS)), context="A", day=3))

GROUPS = {
    "control": [],
    "lesion": [lesion("mem", After("study C"))],
    "AP5 during B": [ap5(region="mem", window="study B")],
    "AP5 during encoding": [ap5(region="mem", window=During(stimulus="encode"))],
}
RECORD = {"rest": Record("rest", "mem.rest", "cells"),
          "senses": Record("senses", "senses", "cells")}


def run(memory, coding, seed=0, groups=GROUPS, protocol=PROTOCOL):
    return run_protocol(circuit(memory, coding), protocol, groups=groups, record=RECORD,
                        seed=seed, n_subjects=8)


def completion(ds, group, item):
    """(completion, false activity) per subject, computed from the records alone."""
    k = ITEMS.index(item)
    senses = ds.senses.sel(group=group, event=f"study {item}/0/0:study").values
    start = k * N + N_CUE  # the item's rest channel in the senses region
    pattern = senses[:, start:start + N_REST] > 0.5
    event = next(e for e in ds.event.values if str(e).endswith(f":cue {item}"))
    out = ds.rest.sel(group=group, event=event).values[:, N_CUE:] > 0.5
    comp = (out & pattern).sum(axis=1) / pattern.sum(axis=1)
    false = (out & ~pattern).sum(axis=1) / (~pattern).sum(axis=1)
    return comp, false


# -- the protocol and the adapters ------------------------------------------------------


def every_adapter():
    return [HopfieldMemory(N), CovarianceMemory(N), CA3Memory(N),
            CA3Memory.diluted(0.5)(N, make_rng(0)), ModernHopfieldMemory(N),
            DenseMemory(N)]


@pytest.mark.parametrize("memory", every_adapter(), ids=lambda m: type(m).__name__)
def test_every_adapter_conforms_to_the_protocol(memory):
    assert isinstance(memory, AssociativeMemory)
    assert memory.n_units == N and memory.n_patterns == 0
    xi = sparse_patterns(make_rng(1), 2, N, 0.5)
    stored = memory.store(xi)
    assert isinstance(stored, AssociativeMemory) and type(stored) is type(memory)
    # pure: a new memory; the old one is unchanged, the patterns read-only
    assert memory.n_patterns == 0 and stored.n_patterns == 2
    assert stored.store(xi[0]).n_patterns == 3 and stored.n_patterns == 2
    np.testing.assert_array_equal(stored.patterns, xi)
    with pytest.raises(ValueError):
        stored.patterns[0, 0] = 1.0
    out = stored.recall(xi, make_rng(2))
    assert out.shape == (2, N) and out.min() >= 0 and out.max() <= 1
    # an empty memory recalls the cues unchanged (no attractor, no completion)
    np.testing.assert_array_equal(memory.recall(xi, make_rng(2)), xi)


@pytest.mark.parametrize("obj", [object(), "hopfield", np.zeros((3, N)), HopfieldMemory])
def test_non_memories_fail_the_runtime_protocol_check(obj):
    assert not isinstance(obj, AssociativeMemory)


def test_the_boundary_converts_activities_and_spins():
    x = np.array([[0.0, 1.0, 1.0, 0.0]])
    np.testing.assert_array_equal(to_spins(x), [[-1, 1, 1, -1]])
    np.testing.assert_array_equal(to_rates(to_spins(x)), x)
    with pytest.raises(ParameterError) as e:
        as_activity([[0.0, 0.5, 1.0, 0.0]], 4, "cues")
    assert e.value.field == "cues" and "0 and 1" in e.value.rule
    with pytest.raises(ParameterError) as e:
        HopfieldMemory(4).store(np.ones((2, 5)))
    assert e.value.field == "patterns"
    with pytest.raises(ParameterError) as e:
        CA3Memory(4).recall(np.ones((2, 3)), make_rng(0))
    assert e.value.field == "cues"


@pytest.mark.parametrize("build, field", [
    (lambda: HopfieldMemory(0), "n_units"),
    (lambda: HopfieldMemory(4, dynamics="fast"), "dynamics"),
    (lambda: CA3Memory(4, k=5), "k"),
    (lambda: CA3Memory(4, mask=np.ones((3, 3), bool)), "mask"),
    (lambda: CA3Memory(4, rule="hebb"), "rule"),
    (lambda: CA3Memory.diluted(1.5), "connection_probability"),
    (lambda: ModernHopfieldMemory(4, beta=0.0), "beta"),
    (lambda: CovarianceMemory(4, coding_level=1.0), "coding_level"),
])
def test_bad_adapter_fields_name_the_field(build, field):
    with pytest.raises(ParameterError) as e:
        build()
    assert e.value.field == field


def test_ca3_adapter_gives_the_numbers_of_the_hippocampal_functions():
    from engramlab.memory import ca3_recall, ca3_weights, dilution_mask, partial_cues

    xi = sparse_patterns(make_rng(3), 5, N, 0.1)
    cues = partial_cues(make_rng(4), xi, 0.3)
    mask = dilution_mask(make_rng(5), N, 0.5)
    direct = ca3_recall(ca3_weights(xi, mask), cues, 20)
    via = CA3Memory(N, mask=mask).store(xi).recall(cues, make_rng(0))
    np.testing.assert_array_equal(via, direct)
    # the dilution factory: a mask per subject, the same for the same generator
    f = CA3Memory.diluted(0.5)
    a, b = f(N, make_rng(7)), f(N, make_rng(7))
    assert a.mask is not None and b.mask is not None
    np.testing.assert_array_equal(a.mask, b.mask)
    assert not np.array_equal(a.mask, f(N, make_rng(8)).mask)


# -- the region in a circuit -----------------------------------------------------------


@pytest.mark.parametrize("adapter", list(ADAPTERS))
def test_memory_region_completes_a_30_percent_cue(adapter):
    make, coding = ADAPTERS[adapter]
    ds = run(make(), coding)
    for item in ITEMS:
        comp, false = completion(ds, "control", item)
        assert comp.min() >= COMPLETE_MIN, (item, comp)
        assert false.max() <= FALSE_MAX, (item, false)
        # a lesion of the region after the studies removes recall
        comp_l, false_l = completion(ds, "lesion", item)
        assert comp_l.max() == 0.0 and false_l.max() == 0.0
        # AP5 throughout encoding: nothing stored, the cue is not completed at all
        comp_ap5, _ = completion(ds, "AP5 during encoding", item)
        assert comp_ap5.max() == 0.0
    # AP5 during B's study only: B is not stored, A and C are
    for item in ("A", "C"):
        assert completion(ds, "AP5 during B", item)[0].min() >= COMPLETE_MIN
    assert completion(ds, "AP5 during B", "B")[0].mean() < NOT_STORED_MAX


def test_the_cue_is_30_percent_of_the_pattern():
    ds = run(CA3Memory(N), 0.1, groups={"control": []})
    senses = ds.senses.sel(group="control")
    study_a = senses.sel(event="study A/0/0:study").values[:, :N] > 0.5
    test_a = senses.sel(event=next(e for e in ds.event.values
                                   if str(e).endswith(":cue A"))).values[:, :N] > 0.5
    assert (test_a <= study_a).all()  # the cue holds only cells of the pattern
    np.testing.assert_allclose(test_a.sum(axis=1) / study_a.sum(axis=1), 0.3)


def test_the_same_seed_gives_the_same_numbers():
    make, coding = ADAPTERS["hopfield"]
    a = run(make(), coding, seed=3, groups={"control": []})
    b = run(make(), coding, seed=3, groups={"control": []})
    c = run(make(), coding, seed=4, groups={"control": []})
    np.testing.assert_array_equal(a.rest.values, b.rest.values)
    np.testing.assert_array_equal(a.senses.values, b.senses.values)
    assert not np.array_equal(np.nan_to_num(a.rest.values), np.nan_to_num(c.rest.values))


def test_other_adapters_complete_in_the_same_protocol():
    """The covariance rule (a = 0.1) and the dense memory (a = 0.5) in the same circuit."""
    for memory, coding, false_max in ((CovarianceMemory(N), 0.1, 0.2),
                                      (DenseMemory(N), 0.5, FALSE_MAX)):
        ds = run(memory, coding, groups={"control": []})
        for item in ITEMS:
            comp, false = completion(ds, "control", item)
            assert comp.min() >= COMPLETE_MIN and false.max() <= false_max


def test_factories_build_one_memory_per_subject():
    ds = run(CA3Memory.diluted(0.9), 0.1, groups={"control": []})
    comp, _ = completion(ds, "control", "A")
    assert comp.mean() >= COMPLETE_MIN
    c = circuit(CA3Memory.diluted(0.9), 0.1)
    state = c.init(4, 0)
    mems = c.region("mem").memories(state.regions["mem"])
    assert len(mems) == 4 and not np.array_equal(mems[0].mask, mems[1].mask)


def test_gain_drive_and_replay():
    make, coding = ADAPTERS["ca3-willshaw-kwta"]
    protocol = Protocol.of(*PROTOCOL.sessions[:3], sleep("night", 60_000, events=4, day=2.5),
                           PROTOCOL.sessions[3])
    groups = {
        "control": [],
        # silencing the region while it studies B: B's cells carry nothing, so nothing
        "silenced during B": [Scheduled("mem", Gain(0.0), During(session="study B"))],
        "silenced at test": [Scheduled("mem", Gain(0.0), During(session="test"))],
        # driving every cell at the test: the cue is every cell, no longer the item's
        "driven at test": [Scheduled("mem", Drive(1.0), During(session="test"))],
        # tag A's engram while it is studied, drive it in sleep: A is recalled, not a
        # random replay
        "A engram driven in sleep": [
            Scheduled("mem", Tag("engram A"), During(session="study A")),
            Scheduled("mem", Drive(1.0, cells="engram A"), During(session="night"))],
    }
    replaying = circuit(make(), coding)
    replaying = Circuit((replaying.regions[0], MemoryRegion(
        "mem", (("cue", N_CUE), ("rest", N_REST)), memory=make(), replay=True)),
        replaying.pathways)
    ds = run_protocol(replaying, protocol, groups=groups, record=RECORD, seed=0,
                      n_subjects=8, record_sleep=True)
    assert completion(ds, "control", "B")[0].min() >= COMPLETE_MIN
    assert completion(ds, "silenced during B", "B")[0].mean() < NOT_STORED_MAX
    assert completion(ds, "silenced during B", "A")[0].min() >= COMPLETE_MIN
    assert completion(ds, "silenced at test", "A")[0].max() == 0.0
    assert completion(ds, "driven at test", "A")[0].mean() < NOT_STORED_MAX
    # in sleep each subject replays one stored item: 20 active cells, all of one item
    night = [e for e in ds.event.values if str(e).startswith("night/")]
    replay = ds.rest.sel(group="control", event=night).values[:, :, N_CUE:] > 0.5
    studied = np.stack([ds.senses.sel(group="control", event=f"study {i}/0/0:study")
                        .values[:, k * N + N_CUE:(k + 1) * N] > 0.5
                        for k, i in enumerate(ITEMS)], axis=1)  # (subject, item, cell)
    for s in range(8):
        for ev in range(len(night)):
            match = [(replay[s, ev] == studied[s, k]).all() for k in range(3)]
            assert sum(match) == 1
    driven = ds.rest.sel(group="A engram driven in sleep", event=night).values[..., N_CUE:]
    assert ((driven > 0.5) == studied[:, None, 0]).all()
    # without replay=True the region is silent in sleep
    quiet = run_protocol(circuit(make(), coding), protocol, groups={"control": []},
                         record=RECORD, seed=0, n_subjects=2, record_sleep=True)
    assert np.nansum(quiet.rest.sel(group="control", event=night).values) == 0


# -- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("memory, rule", [
    (HopfieldMemory(150), "n_units = 200"),
    (lambda n, rng: CA3Memory(n + 1), "n_units = 200"),
    (object(), "must be an AssociativeMemory"),
    ("hopfield", "must be an AssociativeMemory"),
    (HopfieldMemory, "must be an AssociativeMemory"),
    (lambda: None, "a factory must take (n_units, rng)"),
])
def test_bad_memory_gives_one_clear_error_naming_the_field(memory, rule):
    with pytest.raises(ParameterError) as e:
        MemoryRegion("ca3", (("cue", N_CUE), ("rest", N_REST)), memory=memory)
    assert e.value.field == "ca3.memory"
    assert rule in e.value.rule


@pytest.mark.parametrize("kwargs, field", [
    ({"encode": ""}, "ca3.encode"),
    ({"threshold": float("nan")}, "ca3.threshold"),
    ({"mechanism": "dopamine"}, "ca3.mechanism"),
    ({"replay": "yes"}, "ca3.replay"),
    ({"cells": (("cue", 0),)}, "ca3.cells[cue]"),
])
def test_bad_region_fields_name_the_field(kwargs, field):
    args = {"cells": (("cells", N),), "memory": CA3Memory(N), **kwargs}
    with pytest.raises(ParameterError) as e:
        MemoryRegion("ca3", **args)
    assert e.value.field == field


def test_the_ca3_example_of_the_docs_runs_and_prints_what_they_say(capsys):
    import re
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "circuits.md").read_text()
    part = text.split("#### A worked example: pattern completion in CA3")[1]
    code, printed = re.findall(r"```(?:python)?\n(.*?)```", part, re.S)[:2]
    exec(compile(code, "docs/circuits.md", "exec"), {})
    assert capsys.readouterr().out.strip() == printed.strip()
