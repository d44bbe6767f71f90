"""hopfield.energy: the recipe's energy recorders (asynchronous and synchronous)."""

from __future__ import annotations

import numpy as np

from engramlab.core import make_rng
from engramlab.experiments.hopfield.energy import async_energy_trajectory, sync_trajectory
from engramlab.memory import hebbian_weights, recall


def test_async_recorder_energy_never_rises_for_symmetric_weights_but_can_otherwise():
    rng = make_rng(8)
    xi = rng.choice(np.array([-1.0, 1.0]), size=(15, 40))
    w = hebbian_weights(xi)
    cues = rng.choice(np.array([-1.0, 1.0]), size=(10, 40))
    e, conv = async_energy_trajectory(w, cues, make_rng(9), max_sweeps=40)
    assert (np.diff(e, axis=1) <= 0).all() and conv.all()
    assert e.shape[1] % 40 == 1  # whole sweeps of single-neuron updates
    # The recorder agrees with recall's fixed points energy-wise.
    r = recall(w, cues, rng=make_rng(9), max_sweeps=40)
    assert np.asarray(r.converged).all()
    e_neg, _ = async_energy_trajectory(w - 15 * np.eye(40), cues, make_rng(9), max_sweeps=5)
    assert (np.diff(e_neg, axis=1) > 0).any()


def test_sync_recorder_finds_a_constructed_two_cycle():
    """Two neurons with T_12 = -1 started at (+1, +1): synchronous updates alternate."""
    w = np.array([[0.0, -1.0], [-1.0, 0.0]])
    cues = np.array([[1.0, 1.0], [1.0, -1.0]])
    _e, lyap, period = sync_trajectory(w, cues, steps=30)
    assert period.tolist() == [2, 1]
    assert (np.diff(lyap, axis=1) <= 0).all()
