"""Restricted Boltzmann machine and bidirectional associative memory: oracle tests."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import hadamard
from scipy.special import expit

from engramlab.core import ParameterError, asarray, get_namespace, make_rng, to_numpy
from engramlab.memory import bam, rbm
from engramlab.memory.rbm import RBM


def _random_rbm(n_visible: int, n_hidden: int, seed: int, scale: float = 1.0) -> RBM:
    rng = make_rng(seed)
    return RBM(scale * rng.standard_normal((n_visible, n_hidden)),
               scale * rng.standard_normal(n_visible), scale * rng.standard_normal(n_hidden))


def _binary_states(n: int) -> np.ndarray:
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


def _exact_log_p(model: RBM) -> np.ndarray:
    """log p(v) of every visible state, by enumeration of v (F sums out h)."""
    v = _binary_states(model.weights.shape[0])
    neg_f = -rbm.free_energy(model, v)
    return neg_f - np.logaddexp.reduce(neg_f)


# --- RBM: analytic results ------------------------------------------------------------


def test_free_energy_equals_brute_force_sum_over_hidden_states():
    model = _random_rbm(4, 3, seed=1)
    v = _binary_states(4)
    h = _binary_states(3)
    # -F(v) = log sum_h exp(-E(v, h)), every (v, h) pair enumerated.
    e = np.stack([rbm.energy(model, v, np.broadcast_to(hk, (len(v), 3))) for hk in h], axis=1)
    brute = -np.logaddexp.reduce(-e, axis=1)
    np.testing.assert_allclose(rbm.free_energy(model, v), brute, rtol=0, atol=1e-12)


def test_conditionals_equal_brute_force_enumeration():
    model = _random_rbm(4, 3, seed=2)
    v_all, h_all = _binary_states(4), _binary_states(3)
    joint = np.exp(-np.stack([rbm.energy(model, v_all, np.broadcast_to(h, (16, 3)))
                              for h in h_all], axis=1))  # (v, h), unnormalised
    p_h_given_v = joint / joint.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(rbm.hidden_probabilities(model, v_all), p_h_given_v @ h_all,
                               rtol=0, atol=1e-12)
    p_v_given_h = joint / joint.sum(axis=0, keepdims=True)
    np.testing.assert_allclose(rbm.visible_probabilities(model, h_all), p_v_given_h.T @ v_all,
                               rtol=0, atol=1e-12)


def test_sigmoid_is_finite_and_exact_at_the_extremes():
    x = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = rbm.sigmoid(x)
    np.testing.assert_allclose(s, expit(x), rtol=1e-12, atol=0)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5


@pytest.mark.parametrize("seed", range(5))
def test_one_cd_step_raises_the_probability_of_the_trained_pattern(seed):
    """The CD-1 update on a pattern lowers its free energy relative to the other states."""
    model = _random_rbm(6, 4, seed=seed, scale=0.3)
    states = _binary_states(6)
    target = 37  # an arbitrary visible state
    batch = np.repeat(states[target:target + 1], 500, axis=0)  # averages the sampled h
    before = _exact_log_p(model)
    stats = rbm.cd_statistics(model, batch, make_rng(seed, 1), k=1)
    step = 0.05
    after_model = RBM(model.weights + step * stats.weights,
                      model.visible_bias + step * stats.visible_bias,
                      model.hidden_bias + step * stats.hidden_bias)
    after = _exact_log_p(after_model)
    assert after[target] > before[target]
    # ... and it is the pattern whose free energy fell most relative to the mean.
    f_change = rbm.free_energy(after_model, states) - rbm.free_energy(model, states)
    assert np.argmin(f_change - f_change.mean()) == target


def test_cd_with_a_positive_learning_rate_descends_while_a_negative_one_ascends():
    model = _random_rbm(6, 4, seed=9, scale=0.3)
    batch = np.repeat(_binary_states(6)[[5, 58]], 200, axis=0)
    velocity = RBM(*(np.zeros_like(p) for p in model))
    log_p0 = _exact_log_p(model)[[5, 58]].sum()
    up, _ = rbm.cd_update(model, velocity, batch, make_rng(1), learning_rate=0.05)
    down, _ = rbm.cd_update(model, velocity, batch, make_rng(1), learning_rate=-0.05)
    assert _exact_log_p(up)[[5, 58]].sum() > log_p0 > _exact_log_p(down)[[5, 58]].sum()


def test_init_follows_the_practical_guide():
    data = np.array([[1, 0, 1], [1, 0, 0], [1, 1, 0], [1, 0, 0]], dtype=float)
    model = rbm.init_rbm(data, 500, make_rng(0))
    assert abs(model.weights.std() - 0.01) < 0.001  # 0.01 N(0, 1), 1500 draws
    np.testing.assert_array_equal(model.hidden_bias, 0.0)
    p = (data.sum(0) + 1) / (len(data) + 2)
    np.testing.assert_allclose(model.visible_bias, np.log(p / (1 - p)))


def test_training_lowers_reconstruction_error_and_completion_keeps_the_clamped_units():
    data = np.repeat(np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], dtype=float), 20, 0)
    out = rbm.train_cd(rbm.init_rbm(data, 4, make_rng(0)), data, make_rng(1), epochs=100)
    assert out.reconstruction_error.shape == (101,)
    assert out.reconstruction_error[-1] < 0.2 * out.reconstruction_error[0]
    cues = np.array([[1, 1, 0.5, 0.5, 0.5, 0], [0.5, 0, 0.5, 1, 0.5, 0.5]])
    known = cues != 0.5
    for method in ("gibbs", "mean_field"):
        c = rbm.complete(out.rbm, cues, known, n_steps=60, method=method, rng=make_rng(2))
        np.testing.assert_array_equal(c.probabilities[known], cues[known])
        np.testing.assert_array_equal(c.states, [[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]])


def test_rbm_bad_input_raises():
    model = _random_rbm(4, 2, seed=0)
    with pytest.raises(ParameterError, match="n_steps"):
        rbm.complete(model, np.zeros((1, 4)), np.zeros((1, 4), bool), n_steps=0)
    with pytest.raises(ParameterError, match="rng"):
        rbm.complete(model, np.zeros((1, 4)), np.zeros((1, 4), bool), n_steps=2)
    with pytest.raises(ParameterError, match="cues"):
        rbm.complete(model, np.zeros((1, 5)), np.zeros((1, 5), bool), n_steps=2,
                     method="mean_field")
    with pytest.raises(ParameterError, match="k"):
        rbm.cd_statistics(model, np.zeros((1, 4)), make_rng(0), k=0)


# --- BAM --------------------------------------------------------------------------------


def test_orthogonal_pairs_are_fixed_points_and_recalled_exactly():
    rng = make_rng(3)
    x = hadamard(32)[rng.choice(32, 6, replace=False)].astype(float)
    y = hadamard(16)[rng.choice(16, 6, replace=False)].astype(float)
    w = bam.bam_weights(x, y)
    np.testing.assert_array_equal(x @ w.T, 32 * y)  # W x_k = n y_k exactly
    stay = bam.recall_pair(w, x, y)
    assert stay.iterations.tolist() == [0] * 6 and stay.converged.all()
    np.testing.assert_array_equal(bam.recall(w, x).y, y)
    np.testing.assert_array_equal(bam.recall(w, y, direction="y_to_x").x, x)
    # Energy of a stored pair without crosstalk: -n m.
    np.testing.assert_array_equal(bam.bam_energy(w, x, y), -32.0 * 16)


def test_threshold_keeps_the_previous_state_on_ties():
    h = np.array([[2.0, 0.0, -1.0, 0.0]])
    prev = np.array([[-1.0, -1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(bam.threshold(h, prev), [[1.0, -1.0, -1.0, 1.0]])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 12), m=st.integers(2, 12),
       p=st.integers(1, 8))
def test_bam_energy_never_increases_and_recall_stops(seed, n, m, p):
    rng = make_rng(seed)
    x = rng.choice([-1.0, 1.0], (p, n))
    y = rng.choice([-1.0, 1.0], (p, m))
    w = bam.bam_weights(x, y)
    x0 = rng.choice([-1.0, 1.0], (16, n))
    y0 = rng.choice([-1.0, 1.0], (16, m))
    out = bam.recall_pair(w, x0, y0, max_iterations=200)
    assert (np.diff(out.energy, axis=0) <= 0).all()
    assert out.converged.all()
    # The end is bidirectionally stable.
    np.testing.assert_array_equal(bam.forward(w, out.x, out.y), out.y)
    np.testing.assert_array_equal(bam.backward(w, out.y, out.x), out.x)


def test_first_pass_theory_limits():
    np.testing.assert_allclose(bam.first_pass_accuracy(100, 5, 0.5), 0.5)
    assert bam.first_pass_accuracy(100, 5, 0.0) > bam.first_pass_accuracy(100, 5, 0.2)
    assert bam.first_pass_accuracy(100, 1, 0.3) == 1.0


def test_bam_bad_input_raises():
    with pytest.raises(ParameterError, match="patterns"):
        bam.bam_weights(np.ones((2, 3)), np.ones((3, 3)))
    with pytest.raises(ParameterError, match="direction"):
        bam.recall(np.ones((2, 3)), np.ones((1, 3)), direction="sideways")


# --- backends -------------------------------------------------------------------------


def test_rbm_and_bam_identical_across_backends():
    pytest.importorskip("array_api_strict")
    data = (make_rng(4).random((30, 9)) < 0.4).astype(float)
    known = np.zeros((30, 9), dtype=bool)
    known[:, :4] = True
    rng_pairs = make_rng(5)
    x = rng_pairs.choice([-1.0, 1.0], (4, 20))
    y = rng_pairs.choice([-1.0, 1.0], (4, 12))
    cues = np.where(rng_pairs.random((8, 20)) < 0.2, -x[[0, 1, 2, 3] * 2], x[[0, 1, 2, 3] * 2])
    results = {}
    for name in ("numpy", "array_api_strict"):
        xp = get_namespace(name)
        d = asarray(data, xp)
        trained = rbm.train_cd(rbm.init_rbm(d, 5, make_rng(0)), d, make_rng(1), epochs=5,
                               batch_size=7, k=2)
        c = rbm.complete(trained.rbm, d, asarray(known, xp), n_steps=10, rng=make_rng(2))
        m = rbm.complete(trained.rbm, d, asarray(known, xp), n_steps=10, method="mean_field")
        w = bam.bam_weights(asarray(x, xp), asarray(y, xp))
        r = bam.recall(w, asarray(cues, xp))
        results[name] = [trained.reconstruction_error, *map(to_numpy, trained.rbm),
                         to_numpy(c.probabilities), to_numpy(m.states),
                         to_numpy(rbm.free_energy(trained.rbm, d)),
                         *(to_numpy(a) for a in r)]
        if name == "array_api_strict":
            assert type(trained.rbm.weights).__module__.startswith("array_api_strict")
    for a, b in zip(results["numpy"], results["array_api_strict"], strict=True):
        np.testing.assert_array_equal(a, b)


def test_binary_storage_hook(monkeypatch):
    """BINARY_STORAGE = 1 stores (x + 1) / 2 and (y + 1) / 2 (the mutation test's coding)."""
    x = np.array([[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]])
    y = np.array([[1.0, -1.0], [1.0, 1.0]])
    np.testing.assert_array_equal(bam.bam_weights(x, y), y.T @ x)
    monkeypatch.setattr(bam, "BINARY_STORAGE", 1.0)
    np.testing.assert_array_equal(bam.bam_weights(x, y), ((y + 1) / 2).T @ ((x + 1) / 2))
