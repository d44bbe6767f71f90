"""consolidation.interleaved-learning: what the penguin and AB-AC checks rest on."""

from __future__ import annotations

import numpy as np

from conftest import quick_run
from engramlab.core import make_rng
from engramlab.experiments.consolidation.interleaved_learning import hippocampal_codes


def test_both_schedules_start_from_the_same_network_and_learn_the_penguin():
    ds = quick_run("consolidation.interleaved-learning").dataset
    start = ds.sse_old.isel(epoch=0)
    assert np.allclose(start.sel(schedule="focused"), start.sel(schedule="interleaved"))
    assert np.all(ds.sse_new.isel(epoch=0) > 0.5)
    assert np.all(ds.sse_new.isel(epoch=-1) < 0.25)


def test_ab_is_recalled_before_ac_and_the_cortex_forgets_faster_than_the_complement():
    ds = quick_run("consolidation.interleaved-learning").dataset
    kept = ds.ab_kept.mean("run")
    assert float(kept.sel(system="cortex (threshold)", ac_epoch=0)) == 1.0
    comp = kept.sel(system="complementary").values
    cortex = kept.sel(system="cortex (k-WTA)").values
    assert np.all(comp[1:] >= cortex[1:])
    assert comp[20] < comp[1]                       # the complementary system forgets too


def test_sparse_codes_separate_the_two_lists():
    rng = make_rng(0)
    x = np.zeros((2, 50))
    x[:, :6] = 1.0                                   # the same stimulus A
    x[0, 25:31] = 1.0                                # list-1 context
    x[1, 40:46] = 1.0                                # list-2 context
    proj = rng.standard_normal((50, 500))
    sparse = hippocampal_codes(x, proj, 10)
    dense = hippocampal_codes(x, proj, 250)
    assert sparse.sum(axis=1).tolist() == [10, 10]
    overlap = lambda c, k: float(c[0] @ c[1]) / k  # noqa: E731
    assert overlap(sparse, 10) < overlap(dense, 250)
