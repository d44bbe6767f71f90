"""Dense associative memory and modern Hopfield network: analytic and oracle checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engramlab.core import ParameterError, asarray, get_namespace, make_rng, to_numpy
from engramlab.memory import hebbian_weights, local_fields, recall
from engramlab.memory.dense import (
    Interaction,
    dense_energy,
    dense_fields,
    dense_recall,
    dense_update_sync,
)
from engramlab.memory.modern import (
    effective_patterns,
    lse,
    modern_energy,
    modern_recall,
    modern_update,
    separation,
    softmax,
)

INTERACTIONS = [Interaction("power", 2), Interaction("power", 3),
                Interaction("power", 4, rectified=True), Interaction("exp")]


def _pm1(rng, shape):
    return rng.choice(np.array([-1.0, 1.0]), size=shape)


# --- dense associative memory ----------------------------------------------------------


def test_n2_dense_is_classical_hopfield_with_zero_diagonal():
    """F(x) = x^2: the field is 4 x the zero-diagonal Hebbian field, exactly."""
    rng = make_rng(1)
    xi, s = _pm1(rng, (7, 40)), _pm1(rng, (9, 40))
    h = dense_fields(xi, s, Interaction("power", 2))
    np.testing.assert_array_equal(h, 4.0 * local_fields(hebbian_weights(xi), s))
    # Same dynamics, ties included (sgn(0) = +1 in both), same random orders.
    cues = np.where(rng.random((12, 40)) < 0.2, -xi[np.arange(12) % 7], xi[np.arange(12) % 7])
    a = dense_recall(xi, cues, Interaction("power", 2), rng=make_rng(4))
    b = recall(hebbian_weights(xi), cues, rng=make_rng(4))
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.sweeps, b.sweeps)


@pytest.mark.parametrize("interaction", INTERACTIONS, ids=repr)
def test_fields_are_energy_differences(interaction):
    """h_i = E(sigma_i = -1) - E(sigma_i = +1), by brute force over neurons."""
    rng = make_rng(2)
    xi, s = _pm1(rng, (6, 15)), _pm1(rng, (5, 15))
    brute = np.empty_like(s)
    for i in range(15):
        up, down = s.copy(), s.copy()
        up[:, i], down[:, i] = 1.0, -1.0
        brute[:, i] = dense_energy(xi, down, interaction) - dense_energy(xi, up, interaction)
    h = dense_fields(xi, s, interaction)
    if interaction.kind == "exp":  # scaled by exp(-max_mu a_mu) per state
        h = h * np.exp((s @ xi.T).max(axis=1))[:, None]
        np.testing.assert_allclose(h, brute, rtol=1e-12, atol=1e-9)
    else:
        np.testing.assert_array_equal(h, brute)  # exact integers


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_patterns=st.integers(1, 30),
       n=st.integers(2, 24), which=st.integers(0, len(INTERACTIONS) - 1))
def test_dense_energy_never_increases_under_async_updates(seed, n_patterns, n, which):
    rng = make_rng(seed)
    interaction = INTERACTIONS[which]
    xi, s = _pm1(rng, (n_patterns, n)), _pm1(rng, (3, n))
    e = dense_energy(xi, s, interaction)
    for _ in range(2 * n):  # single-neuron updates in a random order
        i = int(rng.integers(n))
        new = s.copy()
        new[:, i] = np.where(dense_fields(xi, s, interaction)[:, i] >= 0, 1.0, -1.0)
        e_new = dense_energy(xi, new, interaction)
        assert np.all(e_new <= e + 1e-9 * np.abs(e))
        s, e = new, e_new
    # And the full asynchronous recall ends at a fixed point of lower or equal energy.
    out = dense_recall(xi, s, interaction, rng=rng, max_sweeps=200)
    assert out.converged.all()
    assert np.all(dense_energy(xi, out.states, interaction) <= e + 1e-9 * np.abs(e))
    np.testing.assert_array_equal(dense_update_sync(xi, out.states, interaction), out.states)


def test_dense_stores_far_more_than_classical():
    """n = 3 at N = 40 holds 100 patterns (2.5 N) as fixed points; n = 2 does not."""
    rng = make_rng(3)
    xi = _pm1(rng, (100, 40))
    assert (dense_update_sync(xi, xi, Interaction("power", 3)) == xi).mean() > 0.99
    assert (dense_update_sync(xi, xi, Interaction("power", 2)) == xi).mean() < 0.9


def test_exp_interaction_does_not_overflow():
    rng = make_rng(4)
    xi = _pm1(rng, (50, 2000))  # exp(2000) overflows float64
    cues = np.where(rng.random((4, 2000)) < 0.3, -xi[:4], xi[:4])
    out = dense_recall(xi, cues, Interaction("exp"), dynamics="sync")
    np.testing.assert_array_equal(out.states, xi[:4])


def test_dense_bad_input():
    with pytest.raises(ParameterError, match="degree"):
        Interaction("power", 1)
    with pytest.raises(ParameterError, match="kind"):
        Interaction("cubic")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="rng"):
        dense_recall(np.ones((2, 4)), np.ones((1, 4)), Interaction())
    with pytest.raises(ParameterError, match="states"):
        dense_fields(np.ones((2, 4)), np.ones((1, 5)), Interaction())


# --- modern Hopfield -------------------------------------------------------------------


def test_modern_energy_decreases_and_converges():
    """Ramsauer et al. 2021, theorems 1-2: E never increases under the update."""
    rng = make_rng(5)
    x = rng.standard_normal((30, 16))
    q = rng.standard_normal((20, 16)) * 2.0
    for beta in (0.05, 0.5, 2.0, 20.0):
        s = q
        e = modern_energy(x, s, beta)
        for _ in range(30):
            s = modern_update(x, s, beta)
            e_new = modern_energy(x, s, beta)
            assert np.all(e_new <= e + 1e-10 * (1 + np.abs(e)))
            e = e_new
        out = modern_recall(x, q, beta, max_steps=2000, tol=1e-10)
        assert out.converged.all()


def test_modern_energy_constants():
    """E >= 0 inside the patterns' hull; at beta -> inf, E(x_i) = (M^2 - |x_i|^2) / 2."""
    x = np.array([[3.0, 0.0], [0.0, 1.0]])
    e = modern_energy(x, x, beta=1e4)
    np.testing.assert_allclose(e, [0.0, 4.0], atol=1e-3)
    # Direct formula at a moderate beta.
    q = np.array([[0.3, -0.2]])
    z = q @ x.T
    expected = -np.log(np.exp(2.0 * z).sum()) / 2.0 + 0.5 * (q**2).sum() + np.log(2) / 2 + 4.5
    np.testing.assert_allclose(modern_energy(x, q, 2.0), [expected], rtol=1e-14)


def test_beta_limits_analytic():
    rng = make_rng(6)
    x = _pm1(rng, (40, 32))
    q = np.where(rng.random((10, 32)) < 0.15, -x[:10], x[:10])
    # beta -> 0: uniform softmax, the mean of all patterns (deviation O(beta d)).
    np.testing.assert_allclose(modern_update(x, q, 1e-12), np.broadcast_to(x.mean(0), q.shape),
                               atol=1e-9, rtol=0)
    # beta -> inf: the pattern of largest overlap, exactly.
    nearest = x[np.argmax(q @ x.T, axis=1)]
    np.testing.assert_array_equal(modern_update(x, q, 1e3), nearest)
    # Effective number of patterns: N at beta -> 0, 1 at beta -> inf.
    np.testing.assert_allclose(effective_patterns(x, q, 1e-12), 40.0, rtol=1e-9)
    np.testing.assert_allclose(effective_patterns(x, q, 1e3), 1.0, rtol=1e-12)


def test_softmax_and_lse_stable_at_huge_beta():
    z = np.array([[1.0, 3.0, 2.0], [-5.0, -5.0, -7.0]])
    p = softmax(1e300 * z)
    assert np.isfinite(p).all()
    np.testing.assert_array_equal(p, [[0.0, 1.0, 0.0], [0.5, 0.5, 0.0]])
    np.testing.assert_allclose(lse(1e300, z), [3.0, -5.0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(lse(1.0, np.array([0.0, 0.0])), np.log(2.0))
    x = np.array([[1.0, -1.0], [-1.0, 1.0]])
    out = modern_update(x, np.array([[0.9, -0.7]]), 1e300)
    np.testing.assert_array_equal(out, [[1.0, -1.0]])
    assert np.isfinite(modern_energy(x, np.array([[0.9, -0.7]]), 1e300)).all()
    with pytest.raises(ParameterError, match="beta"):
        modern_update(x, x, 0.0)


def test_separation():
    x = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, -1.0], [-1.0, -1.0, -1.0]])
    np.testing.assert_array_equal(separation(x), [2.0, 2.0, 4.0])


def test_one_update_retrieves_well_separated_patterns():
    rng = make_rng(7)
    x = _pm1(rng, (300, 256))
    q = np.where(rng.random((50, 256)) < 0.25, -x[:50], x[:50])
    err = np.linalg.norm(modern_update(x, q, 1.0) - x[:50], axis=1) / np.sqrt(256)
    assert err.max() <= 0.01  # the experiment's retrieval criterion


# --- backends ------------------------------------------------------------------------


def test_numpy_and_array_api_strict_identical():
    pytest.importorskip("array_api_strict")
    rng = make_rng(8)
    xi = _pm1(rng, (20, 30))
    cues = np.where(rng.random((6, 30)) < 0.2, -xi[:6], xi[:6])
    xc = rng.standard_normal((25, 12))
    qc = rng.standard_normal((7, 12))
    results = {}
    for name in ("numpy", "array_api_strict"):
        xp = get_namespace(name)
        a, c = asarray(xi, xp), asarray(cues, xp)
        vals = []
        for interaction in INTERACTIONS:
            out = dense_recall(a, c, interaction, rng=make_rng(9))
            vals += [out.states, out.sweeps, dense_energy(a, c, interaction),
                     dense_fields(a, c, interaction),
                     dense_recall(a, c, interaction, dynamics="sync").states]
        x, q = asarray(xc, xp), asarray(qc, xp)
        r = modern_recall(x, q, 0.7)
        vals += [modern_update(x, q, 3.0), modern_energy(x, q, 3.0), r.states, r.steps,
                 effective_patterns(x, q, 0.3), separation(x)]
        results[name] = [to_numpy(v) for v in vals]
    for a, b in zip(results["numpy"], results["array_api_strict"], strict=True):
        np.testing.assert_array_equal(a, b)
