"""Family 2: analytic and oracle tests of the Hopfield memory."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from engramlab.core import ParameterError, make_rng
from engramlab.memory import (
    StateKind,
    ags_critical_load,
    ags_retrieval_overlap,
    basin_radius,
    classify_states,
    energy,
    hebbian_weights,
    local_fields,
    overlaps,
    reachable_fixed_points,
    recall,
)
from engramlab.memory.theory import ags_alpha_of_y


def random_patterns(rng, p, n):
    return rng.choice(np.array([-1.0, 1.0]), size=(p, n))


def seed_reference_retrieve(weights, state, order, max_iterations=100):
    """The seed article's ``HopfieldNetwork.retrieve``, with the visiting order given."""
    current = state.copy()
    for it in range(max_iterations):
        prev = current.copy()
        for i in order:
            current[i] = 1 if np.dot(weights[i, :], current) >= 0 else -1
        if np.array_equal(current, prev):
            return current, it + 1
    return current, max_iterations


def test_hebbian_weights_match_outer_product_loop():
    rng = make_rng(3)
    xi = random_patterns(rng, 7, 40)
    w = np.zeros((40, 40))
    for pattern in xi:  # the seed's store_patterns
        w += np.outer(pattern, pattern)
    np.fill_diagonal(w, 0)
    np.testing.assert_array_equal(hebbian_weights(xi), w)
    assert (hebbian_weights(xi) == hebbian_weights(xi).T).all()


def test_fixed_order_recall_equals_seed_reference():
    rng = make_rng(11)
    xi = random_patterns(rng, 6, 60)
    w = hebbian_weights(xi)
    cues = xi[:3].copy()
    for cue in cues:
        cue[rng.choice(60, 12, replace=False)] *= -1
    out = recall(w, cues, order="fixed", max_sweeps=100)
    for b, cue in enumerate(cues):
        ref, sweeps = seed_reference_retrieve(w, cue, range(60))
        np.testing.assert_array_equal(out.states[b], ref)
        assert out.sweeps[b] == sweeps


def test_orthogonal_patterns_are_fixed_points_exactly():
    # Rows of a Sylvester-Hadamard matrix are mutually orthogonal: h = (N - P) xi.
    h = np.array([[1.0]])
    for _ in range(5):
        h = np.block([[h, h], [h, -h]])
    xi = h[1:9]  # P = 8 orthogonal patterns, N = 32
    w = hebbian_weights(xi)
    np.testing.assert_array_equal(local_fields(w, xi), (32 - 8) * xi)
    out = recall(w, xi, rng=make_rng(0))
    np.testing.assert_array_equal(out.states, xi)
    assert out.sweeps.tolist() == [1] * 8


@pytest.mark.parametrize("seed", range(5))
def test_stored_patterns_are_fixed_points_at_low_load(seed):
    # alpha = 0.02: a bit is unstable with probability ~ Phi(-1/sqrt(alpha)) ~ 1e-12.
    xi = random_patterns(make_rng(seed), 8, 400)
    w = hebbian_weights(xi)
    np.testing.assert_array_equal(np.where(local_fields(w, xi) >= 0, 1.0, -1.0), xi)
    out = recall(w, xi, rng=make_rng(seed))
    np.testing.assert_array_equal(out.states, xi)
    np.testing.assert_allclose(overlaps(xi, out.states).diagonal(), 1.0)


symmetric_integer_weights = st.integers(2, 12).flatmap(
    lambda n: st.lists(st.integers(-3, 3), min_size=n * n, max_size=n * n).map(
        lambda v: np.triu(np.array(v, dtype=float).reshape(n, n), 1)
    ).map(lambda u: u + u.T)
)


@settings(max_examples=150, deadline=None)
@given(w=symmetric_integer_weights, seed=st.integers(0, 2**32 - 1))
def test_async_energy_never_increases(w, seed):
    """Hopfield 1982: with symmetric W and zero diagonal, every async step lowers E or keeps it."""
    n = w.shape[0]
    rng = make_rng(seed)
    start = rng.choice(np.array([-1.0, 1.0]), size=(4, n))
    energies = [energy(w, start)]
    for sweeps in range(1, 8):
        # Same seed: the first k sweeps replay exactly, so this samples the trajectory.
        out = recall(w, start, rng=make_rng(seed + 1), max_sweeps=sweeps)
        energies.append(energy(w, out.states))
    e = np.stack(energies)
    assert (np.diff(e, axis=0) <= 1e-12).all()


@settings(max_examples=60, deadline=None)
@given(w=symmetric_integer_weights, seed=st.integers(0, 2**32 - 1))
def test_async_recall_ends_at_a_fixed_point_reachable_in_some_order(w, seed):
    n = w.shape[0]
    start = make_rng(seed).choice(np.array([-1.0, 1.0]), size=n)
    out = recall(w, start, rng=make_rng(seed), max_sweeps=10_000)
    assert bool(out.converged[0])
    end = out.states
    np.testing.assert_array_equal(np.where(w @ end >= 0, 1.0, -1.0), end)
    if n <= 10:
        reach = reachable_fixed_points(w, start)
        assert any((end == r).all() for r in reach)


def test_sync_dynamics_can_end_in_a_two_cycle():
    w = np.array([[0.0, 1.0], [1.0, 0.0]])
    out = recall(w, np.array([1.0, -1.0]), dynamics="sync", max_sweeps=20)
    assert not bool(out.converged[0])
    # Asynchronous updates of the same network settle.
    out = recall(w, np.array([1.0, -1.0]), rng=make_rng(0))
    assert bool(out.converged[0])


def test_classify_states():
    xi = np.array([[1.0, 1, -1, -1], [1.0, -1, 1, -1]])
    states = np.array([[1.0, 1, -1, -1], [-1.0, 1, -1, 1], [1.0, 1, 1, 1]])
    kind, index = classify_states(xi, states)
    assert kind.tolist() == [StateKind.STORED, StateKind.REVERSED, StateKind.SPURIOUS]
    assert index.tolist() == [0, 1, -1]


def test_ags_capacity_and_overlap():
    """AGS 1985/87: alpha_c ~ 0.138 with m ~ 0.967 (1.6 % wrong bits)."""
    alpha_c, m_c = ags_critical_load()
    assert alpha_c == pytest.approx(0.138, abs=1e-3)
    assert m_c == pytest.approx(0.967, abs=1e-3)
    assert (1 - m_c) / 2 == pytest.approx(0.016, abs=1e-3)
    assert np.isnan(ags_retrieval_overlap(alpha_c + 1e-4))
    for alpha in (0.05, 0.1, 0.13):  # m < 1 in float64, so erfinv(m) is finite
        m = float(ags_retrieval_overlap(alpha))
        y = float(special.erfinv(m))
        residual = y * (math.sqrt(2 * alpha) + 2 / math.sqrt(math.pi) * math.exp(-y * y))
        assert residual == pytest.approx(special.erf(y), abs=1e-10)
        assert ags_alpha_of_y(y) == pytest.approx(alpha, rel=1e-9)
    assert ags_retrieval_overlap(0.0) == 1.0


def test_basin_radius_interpolates():
    noise = np.array([0.0, 0.1, 0.2, 0.3])
    assert basin_radius(noise, np.array([1.0, 1.0, 0.8, 0.1])) == pytest.approx(0.15)
    assert basin_radius(noise, np.array([0.5, 0.4, 0.3, 0.1])) == 0.0
    assert basin_radius(noise, np.array([1.0, 1.0, 1.0, 1.0])) == 0.3


def test_recall_rejects_bad_arguments():
    w = np.zeros((3, 3))
    with pytest.raises(ParameterError, match="rng"):
        recall(w, np.ones(3))
    with pytest.raises(ParameterError, match="dynamics"):
        recall(w, np.ones(3), dynamics="chaotic")
    with pytest.raises(ParameterError, match="max_sweeps"):
        recall(w, np.ones(3), order="fixed", max_sweeps=0)
