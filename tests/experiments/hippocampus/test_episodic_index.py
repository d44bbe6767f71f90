"""hippocampus.episodic-index: the index completes a cue; the cortex only what replay taught."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import quick_run
from engramlab.circuits import IndexRegion, RandomSparse
from engramlab.circuits._region import StepContext
from engramlab.circuits.library import BalancedSparse, episodic_index_circuit
from engramlab.core import ParameterError
from engramlab.core.rng import make_rng
from engramlab.experiments._registry import get_experiment
from engramlab.protocol import Protocol, epoch, session, trial


def _ctx() -> StepContext:
    span = Protocol.of(session("s", trial("t", epoch("e", 1.0)))).resolve().spans[0]
    return StepContext(span, (), 0, 1)


def test_the_index_completes_a_partial_code_into_the_stored_one():
    region = IndexRegion("hippocampus", (("index", 20),), k=5, complete_overlap=0.4)
    plain = IndexRegion("hippocampus", (("index", 20),), k=5)
    drive = np.zeros((1, 20))
    drive[0, :5] = 1.0
    state, code = region.step(region.init(1, make_rng(0)), {"input": drive}, _ctx())
    assert code.sum() == 5
    cue = np.zeros((1, 20))
    cue[0, [0, 1, 10, 11, 12]] = 1.0  # 2 of the 5 stored cells: 0.4 of the code
    _, completed = region.step(state, {"input": cue}, _ctx())
    np.testing.assert_array_equal(completed, code)
    # without completion (the default) the index keeps the cue's own code
    pstate, _ = plain.step(plain.init(1, make_rng(0)), {"input": drive}, _ctx())
    _, own = plain.step(pstate, {"input": cue}, _ctx())
    np.testing.assert_array_equal(own, cue)
    # below the threshold nothing is completed
    weak = np.zeros((1, 20))
    weak[0, [0, 10, 11, 12, 13]] = 1.0
    _, kept = region.step(state, {"input": weak}, _ctx())
    np.testing.assert_array_equal(kept, weak)
    with pytest.raises(ParameterError, match="complete_overlap"):
        IndexRegion("hippocampus", (("index", 20),), k=5, complete_overlap=0.0)


def test_balanced_projection_has_no_favoured_cells():
    w = BalancedSparse(0.5).draw(2, 50, 30, make_rng(1))
    np.testing.assert_allclose(w.mean(axis=2), 0.0, atol=1e-12)
    raw = RandomSparse(0.5, 1.0, "uniform").draw(2, 50, 30, make_rng(1))
    np.testing.assert_allclose(w, raw - raw.mean(axis=2, keepdims=True))
    with pytest.raises(ParameterError, match="density"):
        BalancedSparse(0.0)


def test_circuit_binds_modules_through_the_index_only():
    c = episodic_index_circuit(episodes=("a", "b"), cortical_rate=0.1)
    names = {p.name for p in c.pathways}
    assert {"what_a-cortex", "when_b-cortex", "cortex-hippocampus",
            "hippocampus-cortex", "what-where", "when-what"} <= names
    assert c.pathway("hippocampus-cortex").rule.rate == 1.0  # one shot
    assert c.pathway("what-where").rule.rate == 0.1  # slow


def test_a_cue_reinstates_the_recent_episode_only_through_the_index():
    ds = quick_run("hippocampus.episodic-index").dataset
    act = ds.test_activity.sel(cue="what", age=2.0).mean("subject")
    # the cued module is perceived in both groups
    assert float(act.sel(group="lesion", area="what")) > 0.9
    # the intact index is reactivated and reinstates the uncued modules
    assert float(act.sel(group="intact", area="index")) > 0.9
    assert float(act.sel(group="intact", area="where")) > 0.5
    # without it the uncued modules stay silent
    assert float(act.sel(group="lesion", area="where")) < 0.1
    # the old episode is recalled without the index: the cortex learned it in replay
    remote = ds.test_activity.sel(cue="what", age=16.0, group="lesion").mean("subject")
    assert float(remote.sel(area="where")) > 0.5


def test_recall_without_the_index_grows_with_the_age_of_the_episode():
    ds = quick_run("hippocampus.episodic-index").dataset
    lesion = ds.recall.sel(group="lesion").mean("subject")
    pre = lesion.sel(age=[16.0, 12.0, 8.0, 4.0, 2.0]).values
    assert pre[0] >= pre[2] >= pre[4]
    assert pre[0] > pre[4] + 0.5


def test_bad_parameters_name_their_field():
    exp = get_experiment("hippocampus.episodic-index")
    with pytest.raises(ParameterError, match="index_k"):
        exp.params("quick", index_k=3000, index_cells=2000)
    with pytest.raises(ParameterError, match="must be < test_delay_days = 14 d") as err:
        exp.params("quick", postop_days=20.0, test_delay_days=14.0)
    assert err.value.field == "postop_days"  # the one changed from its default
    with pytest.raises(ParameterError, match="must be > postop_days = 7 d") as err:
        exp.params("quick", test_delay_days=2.0)
    assert err.value.field == "test_delay_days"
