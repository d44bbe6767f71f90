"""Storage rules (Storkey, pseudo-inverse) and the sparse covariance rule: analytic checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.linalg import hadamard

from engramlab.core import ParameterError, asarray, get_namespace, make_rng, to_numpy
from engramlab.memory import hebbian_weights
from engramlab.memory.rules import (
    correlated_patterns,
    crossing,
    field_residual,
    fixed_point_mask,
    pseudo_inverse_weights,
    storkey_weights,
)
from engramlab.memory.sparse import (
    covariance_weights,
    sparse_asymptotic_capacity,
    sparse_overlaps,
    sparse_patterns,
    sparse_recall,
)


def _random(p: int, n: int, seed: int = 3) -> np.ndarray:
    return make_rng(seed).choice(np.array([-1.0, 1.0]), size=(p, n))


def _storkey_reference(patterns: np.ndarray) -> np.ndarray:
    """Storkey's rule written literally, with explicit sums over k != i, j (slow)."""
    n = patterns.shape[1]
    w = np.zeros((n, n))
    for xi in patterns:
        h = np.zeros((n, n))
        for i in range(n):
            for j in range(n):
                h[i, j] = sum(w[i, k] * xi[k] for k in range(n) if k not in (i, j))
        new = w.copy()
        for i in range(n):
            for j in range(n):
                if i != j:
                    new[i, j] += (xi[i] * xi[j] - xi[i] * h[j, i] - h[i, j] * xi[j]) / n
        w = new
    return w


# --- Storkey -----------------------------------------------------------------------

def test_storkey_hand_computed_three_neurons():
    # xi1 = (1, 1, -1): W1 = xi1 xi1^T / 3 off the diagonal (h = 0).
    # xi2 = (1, -1, 1): h_12 = W1_13 xi_3 = -1/3, h_21 = W1_23 xi_3 = -1/3, so
    # dW_12 = (xi1 xi2 - xi1 h_21 - h_12 xi2) / 3 = (-1 + 1/3 - 1/3) / 3 = -1/3 -> W_12 = 0;
    # likewise W_13 = -1/3 + 1/3 = 0 and W_23 = -1/3 + (-1 - 1/3 - 1/3) / 3 = -8/9.
    xi = np.array([[1.0, 1.0, -1.0], [1.0, -1.0, 1.0]])
    expected = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, -8 / 9], [0.0, -8 / 9, 0.0]])
    np.testing.assert_allclose(storkey_weights(xi), expected, rtol=0, atol=1e-15)


def test_storkey_matches_the_literal_definition():
    xi = _random(5, 7)
    np.testing.assert_allclose(storkey_weights(xi), _storkey_reference(xi), rtol=0, atol=1e-13)


def test_storkey_first_pattern_is_hebb_over_n():
    xi = _random(1, 9)
    np.testing.assert_array_equal(storkey_weights(xi) * 9, hebbian_weights(xi))


def test_storkey_symmetric_zero_diagonal_and_batched():
    xi = make_rng(1).choice(np.array([-1.0, 1.0]), size=(3, 12, 40))
    w = storkey_weights(xi)
    assert w.shape == (3, 40, 40)
    for b in range(3):
        np.testing.assert_array_equal(w[b], w[b].T)  # exactly symmetric
        np.testing.assert_array_equal(np.diag(w[b]), 0.0)
        np.testing.assert_array_equal(w[b], storkey_weights(xi[b]))


def test_orthogonal_patterns_are_fixed_points_of_hebb_and_storkey():
    # Rows of a Hadamard matrix are orthogonal: Hebb gives T xi = (N - P) xi exactly.
    xi = hadamard(16).astype(float)[1:6]
    t = hebbian_weights(xi)
    np.testing.assert_array_equal(xi @ t, (16 - 5) * xi)
    assert fixed_point_mask(t, xi).all()
    assert fixed_point_mask(storkey_weights(xi), xi).all()


def test_storkey_stores_more_than_hebb_at_the_same_load():
    # N = 200, P = 40 = 2.1 N / (2 ln N): Hebb loses many patterns, Storkey almost none.
    xi = _random(40, 200, seed=11)
    hebb = fixed_point_mask(hebbian_weights(xi), xi).mean()
    storkey = fixed_point_mask(storkey_weights(xi), xi).mean()
    assert hebb < 0.5 < 0.9 < storkey


# --- pseudo-inverse ------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["random", "correlated"])
def test_pseudo_inverse_every_pattern_is_a_fixed_point_up_to_n_minus_1(kind):
    n = 60
    rng = make_rng(4)
    xi = (correlated_patterns(rng, n - 1, n, 0.6) if kind == "correlated"
          else _random(n - 1, n))
    w = pseudo_inverse_weights(xi)
    np.testing.assert_array_equal(w, w.T)
    assert field_residual(w, xi).max() < 1e-10  # W xi = xi to floating-point precision
    assert fixed_point_mask(w, xi).all()
    # A projector: W^2 = W, trace = rank = P.
    np.testing.assert_allclose(w @ w, w, atol=1e-12)
    assert np.trace(w) == pytest.approx(n - 1, abs=1e-9)
    # Hebb fails on the same (correlated or overloaded) set.
    assert not fixed_point_mask(hebbian_weights(xi), xi).all()


def test_pseudo_inverse_of_orthogonal_patterns_is_hebb_over_n():
    # Xi Xi^T = N I for orthogonal patterns, so W = Xi^T Xi / N = (T + P I) / N.
    xi = hadamard(32).astype(float)[:7]
    expected = (hebbian_weights(xi) + 7 * np.eye(32)) / 32
    np.testing.assert_allclose(pseudo_inverse_weights(xi), expected, atol=1e-14)


def test_pseudo_inverse_zero_diagonal_scales_the_field_by_one_minus_wii():
    xi = correlated_patterns(make_rng(8), 30, 50, 0.5)
    full = pseudo_inverse_weights(xi)
    zero = pseudo_inverse_weights(xi, zero_diagonal=True)
    np.testing.assert_array_equal(np.diag(zero), 0.0)
    np.testing.assert_allclose(xi @ zero, xi * (1 - np.diag(full)), atol=1e-12)
    assert fixed_point_mask(zero, xi).all()


def test_pseudo_inverse_dependent_patterns_still_fixed_points():
    xi = _random(6, 20)
    xi = np.concatenate([xi, xi[:2], -xi[3:4]])  # repeated and reversed patterns
    w = pseudo_inverse_weights(xi)
    assert np.trace(w) == pytest.approx(6, abs=1e-9)  # rank of the set
    assert fixed_point_mask(w, xi).all()


def test_rules_reject_bad_input():
    with pytest.raises(ParameterError, match="patterns"):
        storkey_weights(np.ones(5))
    with pytest.raises(ParameterError, match="patterns"):
        pseudo_inverse_weights(np.ones((3, 1)))
    with pytest.raises(ParameterError, match="rcond"):
        pseudo_inverse_weights(np.ones((2, 4)), rcond=-1.0)


# --- sparse / covariance rule -----------------------------------------------------------

def test_sparse_patterns_have_exactly_a_n_active_units():
    x = sparse_patterns(make_rng(0), 50, 200, 0.05)
    assert set(np.unique(x)) == {0.0, 1.0}
    np.testing.assert_array_equal(x.sum(axis=1), 10)


def test_covariance_weights_formula_and_overlap():
    x = np.array([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 0.0]])
    a = 0.25
    y = x - a
    expected = (y.T @ y) / (a * (1 - a) * 4)
    np.fill_diagonal(expected, 0.0)
    w = covariance_weights(x, a)
    np.testing.assert_allclose(w, expected, atol=1e-15)
    np.testing.assert_array_equal(w, w.T)
    # Overlap of a pattern with itself: sum (xi - a) xi / (a (1 - a) N) = K (1 - a) / ...
    m = sparse_overlaps(x, x, a)
    assert m[1, 1] == pytest.approx(1 * (1 - a) / (a * (1 - a) * 4))


def test_one_pattern_is_completed_from_half_its_active_units():
    # One stored pattern, cue with half of its K active units: the field is
    # (xi_i - a) / 2 exactly (minus the zeroed self term), i.e. (1 - a)/2 = 0.45 on the
    # pattern and -a/2 = -0.05 elsewhere, so theta = 0.3 completes it in one step.
    a, n = 0.1, 200
    x = sparse_patterns(make_rng(2), 1, n, a)
    cue = x.copy()
    cue[0, np.flatnonzero(x[0])[::2]] = 0.0
    out = sparse_recall(covariance_weights(x, a), cue, 0.3)
    np.testing.assert_array_equal(out.states, x)
    assert bool(out.converged[0]) and int(out.steps[0]) == 2  # one change, then stable


def test_sparse_patterns_are_retrieved_far_above_the_dense_capacity():
    # a = 0.05, alpha = 0.3 > 0.138: every stored pattern stays (close to) itself.
    a, n = 0.05, 400
    x = sparse_patterns(make_rng(5), 120, n, a)
    out = sparse_recall(covariance_weights(x, a), x[:20], 0.5)
    m = np.sum((x[:20] - a) * out.states, axis=1) / (a * (1 - a) * n)
    assert m.min() > 0.9


def test_sparse_asymptotic_capacity_values():
    assert sparse_asymptotic_capacity(0.01) == pytest.approx(1 / (0.02 * math.log(100)))
    with pytest.raises(ParameterError, match="coding_level"):
        sparse_asymptotic_capacity(0.0)
    with pytest.raises(ParameterError, match="coding_level"):
        covariance_weights(np.ones((2, 4)), 1.5)
    with pytest.raises(ParameterError, match="threshold"):
        sparse_recall(np.eye(3), np.ones((1, 3)), float("nan"))


# --- the capacity criterion ---------------------------------------------------------

def test_crossing_interpolates_and_refuses_missing_crossings():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert crossing(x, np.array([1.0, 0.8, 0.4, 0.0])) == pytest.approx(2.75)
    assert math.isnan(crossing(x, np.array([1.0, 0.9, 0.8, 0.7])))
    assert math.isnan(crossing(x, np.array([0.4, 0.3, 0.2, 0.1])))


# --- backends ------------------------------------------------------------------------

def test_rules_identical_on_numpy_and_array_api_strict():
    pytest.importorskip("array_api_strict")
    xi = correlated_patterns(make_rng(6), 12, 30, 0.4)
    sp = sparse_patterns(make_rng(7), 10, 30, 0.1)
    out = {}
    for name in ("numpy", "array_api_strict"):
        xp = get_namespace(name)
        x, s = asarray(xi, xp), asarray(sp, xp)
        ws, wp = storkey_weights(x), pseudo_inverse_weights(x, zero_diagonal=True)
        wc = covariance_weights(s, 0.1)
        rec = sparse_recall(wc, s, 0.4)
        out[name] = [to_numpy(v) for v in (ws, wp, fixed_point_mask(ws, x),
                                           field_residual(wp, x), wc, rec.states, rec.steps,
                                           sparse_overlaps(s, rec.states, 0.1))]
    for a, b in zip(out["numpy"], out["array_api_strict"], strict=True):
        np.testing.assert_array_equal(a, b)


def test_mutation_hooks_read_at_run_time(monkeypatch):
    """STORKEY_LOCAL_FIELD = 0 leaves Hebb / N; COVARIANCE_OFFSET = 0 the plain 0/1 Hebb."""
    import engramlab.memory.rules as rules_module
    import engramlab.memory.sparse as sparse_module

    xi = make_rng(4).choice(np.array([-1.0, 1.0]), size=(5, 12))
    monkeypatch.setattr(rules_module, "STORKEY_LOCAL_FIELD", 0.0)
    np.testing.assert_allclose(storkey_weights(xi), hebbian_weights(xi) / 12, atol=1e-12)
    x = sparse_patterns(make_rng(5), 4, 20, 0.2)
    monkeypatch.setattr(sparse_module, "COVARIANCE_OFFSET", 0.0)
    w = covariance_weights(x, 0.2)
    expected = x.T @ x / (0.2 * 0.8 * 20)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(w, expected, atol=1e-12)
