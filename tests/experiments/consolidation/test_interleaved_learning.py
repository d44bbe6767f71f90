"""consolidation.interleaved-learning: what the penguin and AB-AC checks rest on."""

from __future__ import annotations

import numpy as np

from conftest import quick_run
from engramlab.experiments.consolidation.interleaved_learning import (
    InterleavedLearningParams,
    abac_circuit,
    abac_lists,
    abac_protocol,
    penguin_protocol,
)
from engramlab.protocol import Protocol, epoch, session, trial


def test_the_protocols_say_what_each_group_studies():
    p = InterleavedLearningParams(n_nets=2, n_abac_runs=2, penguin_epochs=3)
    for schedule, shown in (("focused", {"penguin"}), ("interleaved", {"penguin", "old"})):
        spans = penguin_protocol(p, schedule).resolve().spans
        study = [sp for sp in spans if sp.session == "penguin" and sp.epoch == "study"]
        assert len(study) == 3
        assert all({k for k, _ in sp.stimuli} == shown | {"feedback"} for sp in study)
        tests = [sp for sp in spans if sp.epoch.startswith("test")]
        assert all(sp.intensity("feedback") == 0 for sp in tests)   # tests teach nothing
    ab = abac_protocol(p, seed=0).resolve()
    first = [sp for sp in ab.spans if sp.session == "AB learning"][:p.n_pairs]
    assert sorted(sp.epoch for sp in first) == sorted(f"AB {i}" for i in range(p.n_pairs))


def test_both_schedules_start_from_the_same_network_and_learn_the_penguin():
    ds = quick_run("consolidation.interleaved-learning").dataset
    start = ds.sse_old.isel(epoch=0)
    assert np.allclose(start.sel(schedule="focused"), start.sel(schedule="interleaved"))
    assert np.all(ds.pretrain_reached == 1.0)
    assert np.all(ds.sse_new.isel(epoch=0) > 0.4)
    assert float(ds.sse_new.isel(epoch=-1).mean()) < 0.25


def test_ab_is_recalled_before_ac_and_the_cortex_forgets_faster_than_the_complement():
    ds = quick_run("consolidation.interleaved-learning").dataset
    kept = ds.ab_kept.mean("run")
    assert float(kept.sel(system="cortex (threshold)", ac_epoch=0)) == 1.0
    comp = kept.sel(system="complementary").values
    cortex = kept.sel(system="cortex (k-WTA)").values
    assert np.all(comp[1:] >= cortex[1:])
    assert comp[20] < comp[1]                       # the complementary system forgets too
    # the cortical answer to an AB cue drifts from the B cells toward the C cells
    ans = ds.cortex_answer.mean("run")
    b, c = ans.sel(associate="B").values, ans.sel(associate="C").values
    assert b[0] > 0.7 and b[20] < b[0] - 0.2
    assert c[20] > c[0] + 0.05


def _codes(hc_k: int) -> np.ndarray:
    """Hippocampal codes of A with its list-1 and with its list-2 context, one subject."""
    p = InterleavedLearningParams(n_abac_runs=1, hc_k=hc_k)
    circuit = abac_circuit(p, abac_lists(p, seed=0))
    state = circuit.init(1, seed=0)
    spans = Protocol.of(session("test", (trial("t", epoch("AB 0", 1.0, **{"AB 0": 1.0}),
                                               epoch("AC 0", 1.0, **{"AC 0": 1.0})),))
                        ).resolve().spans
    return np.concatenate([circuit.step(state, sp, {}, 1, 1)[1]["hippocampus"]
                           for sp in spans])


def test_sparse_codes_separate_the_two_lists():
    sparse, dense = _codes(10), _codes(250)
    assert sparse.sum(axis=1).tolist() == [10, 10]
    assert dense.sum(axis=1).tolist() == [250, 250]
    overlap = lambda c, k: float(c[0] @ c[1]) / k  # noqa: E731
    assert overlap(sparse, 10) < 0.6 < overlap(dense, 250)
