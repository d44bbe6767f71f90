"""Mixture states, the localist memory and the energy recorders (analytic checks)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import hadamard

from engramlab.core import ParameterError, asarray, get_namespace, make_rng, to_numpy
from engramlab.interventions import Lesion, apply_lesion
from engramlab.memory import energy, hebbian_weights, overlaps, recall
from engramlab.memory.localist import localist_recall, localist_weights
from engramlab.memory.mixtures import (
    classify_mixtures,
    energy_per_neuron,
    mixture_states,
    symmetric_mixture_energy,
    symmetric_mixture_overlap,
)


def _orthogonal(p: int, n: int = 64) -> np.ndarray:
    """Rows 1..p of a Sylvester Hadamard matrix: exactly orthogonal ±1 patterns."""
    return hadamard(n).astype(float)[1:p + 1]


def test_symmetric_mixture_theory_values():
    assert symmetric_mixture_overlap(1) == 1.0
    assert symmetric_mixture_overlap(3) == 0.5  # 2 * 3/4 - 1
    assert symmetric_mixture_overlap(5) == 0.375  # 3/8 (AGS 1985)
    assert symmetric_mixture_energy(1) == -0.5
    assert symmetric_mixture_energy(3) == -0.375
    # Mixture energies rise with the order (AGS 1985: higher mixtures are shallower).
    assert symmetric_mixture_energy(5) > symmetric_mixture_energy(3)
    for bad in (0, 2, -3, 1.0, True):
        with pytest.raises(ParameterError):
            symmetric_mixture_overlap(bad)


@pytest.mark.parametrize("n_patterns", [3, 5, 10])
def test_orthogonal_three_mixture_overlap_and_energy_exact(n_patterns):
    """Orthogonal patterns: m = 1/2 exactly; E/N^2 = -3/8 + P/(2N) (removed diagonal)."""
    n = 64
    xi = _orthogonal(n_patterns, n)
    w = hebbian_weights(xi)
    s = mixture_states(xi, np.array([[0, 1, 2]]))
    m = overlaps(xi, s)[0]
    np.testing.assert_array_equal(m[:3], 0.5)
    e = energy_per_neuron(w, s)[0]
    others = (m[3:] ** 2).sum()
    assert e == pytest.approx(-3 / 8 - others / 2 + n_patterns / (2 * n), abs=1e-15)
    # With the diagonal restored (J = Xi^T Xi / N, AGS) the energy is exactly -1/2 sum m^2.
    assert e - n_patterns / (2 * n) == pytest.approx(-0.5 * (m**2).sum(), abs=1e-15)
    if n_patterns == 3:
        assert e - n_patterns / (2 * n) == pytest.approx(symmetric_mixture_energy(3), abs=1e-15)
    # A stored pattern: -1/2 (+ P / 2N from the zero diagonal).
    ep = energy_per_neuron(w, xi[:1])[0]
    assert ep - n_patterns / (2 * n) == pytest.approx(-0.5, abs=1e-15)


def test_orthogonal_three_mixture_is_a_fixed_point_and_reversed_patterns_too():
    xi = _orthogonal(3, 64)
    w = hebbian_weights(xi)
    s = mixture_states(xi, np.array([[0, 1, 2]]))
    # Field of the mixture: h = N (m1 xi1 + m2 xi2 + m3 xi3) - 3 s never opposes s.
    r = recall(w, s, rng=make_rng(0), max_sweeps=5)
    np.testing.assert_array_equal(r.states, s)
    back = recall(w, -xi, rng=make_rng(1), max_sweeps=5)
    np.testing.assert_array_equal(back.states, -xi)
    assert np.asarray(back.sweeps).tolist() == [1, 1, 1]
    assert np.allclose(energy(w, -xi), energy(w, xi))


def test_mixture_signs_and_validation():
    xi = _orthogonal(4, 32)
    s = mixture_states(xi, np.array([[0, 1, 3]]), signs=np.array([[1, -1, 1]]))
    m = overlaps(xi, s)[0]
    np.testing.assert_array_equal(m, [0.5, -0.5, 0.0, 0.5])
    cls = classify_mixtures(xi, s)
    assert cls.order.tolist() == [3] and cls.symmetric.tolist() == [True]
    assert cls.signs[0].tolist() == [1, -1, 0, 1]
    for bad in (np.array([[0, 1]]), np.array([[0, 0, 1]]), np.array([[0, 1, 9]]),
                np.array([[0.0, 1.0, 2.0]])):
        with pytest.raises(ParameterError, match="components"):
            mixture_states(xi, bad)
    with pytest.raises(ParameterError, match="signs"):
        mixture_states(xi, np.array([[0, 1, 2]]), signs=np.array([[1, 2, 1]]))


def test_classify_mixtures_tells_patterns_mixtures_and_noise():
    rng = make_rng(3)
    xi = rng.choice(np.array([-1.0, 1.0]), size=(5, 2000))
    states = np.concatenate([xi[:1], -xi[1:2], to_numpy(mixture_states(xi, [[0, 2, 4]])),
                             rng.choice(np.array([-1.0, 1.0]), size=(1, 2000))])
    cls = classify_mixtures(xi, states)
    assert cls.order.tolist() == [1, 1, 3, 0]
    assert cls.signs[1, 1] == -1
    assert cls.members[2].tolist() == [True, False, True, False, True]
    assert cls.symmetric[:3].all() and not cls.symmetric[3]


def test_random_three_mixture_overlap_near_half():
    """Random patterns: the start overlap is 1/2 +- sqrt(3 / 4N) (binomial)."""
    n = 4000
    xi = make_rng(4).choice(np.array([-1.0, 1.0]), size=(3, n))
    m = overlaps(xi, mixture_states(xi, np.array([[0, 1, 2]])))[0]
    assert np.abs(m - 0.5).max() < 4 * np.sqrt(3 / (4 * n))


def test_localist_recall_winner_take_all_and_unit_lesions():
    rng = make_rng(5)
    xi = rng.choice(np.array([-1.0, 1.0]), size=(6, 200))
    w = localist_weights(xi)
    assert w is not xi and (w == xi).all()
    cues = np.where(rng.random(xi.shape) < 0.1, -xi, xi)
    out = localist_recall(w, cues)
    assert np.asarray(out.winner).tolist() == list(range(6))
    np.testing.assert_array_equal(out.states, xi)
    # Remove two item units: exactly those items are lost, the others untouched.
    lesioned = apply_lesion(w, Lesion("neurons", 2 / 6), make_rng(6))
    out = localist_recall(lesioned.weights, cues, alive=lesioned.alive)
    won = np.asarray(out.winner) == np.arange(6)
    np.testing.assert_array_equal(won, lesioned.alive)
    # No unit alive: read-out of nothing is sgn(0) = +1 and the winner is -1.
    none = localist_recall(w, cues, alive=np.zeros(6, dtype=bool))
    assert (np.asarray(none.winner) == -1).all() and (none.states == 1).all()
    with pytest.raises(ParameterError, match="alive"):
        localist_recall(w, cues, alive=np.ones(3, dtype=bool))


def test_mixtures_and_localist_identical_across_backends():
    pytest.importorskip("array_api_strict")
    rng = make_rng(7)
    xi_np = rng.choice(np.array([-1.0, 1.0]), size=(7, 50))
    comps = np.array([[0, 1, 2], [3, 5, 6], [1, 2, 4]])
    cues = np.where(rng.random((7, 50)) < 0.2, -xi_np, xi_np)
    results = {}
    for name in ("numpy", "array_api_strict"):
        xp = get_namespace(name)
        xi = asarray(xi_np, xp)
        w = hebbian_weights(xi)
        s = mixture_states(xi, comps, signs=np.array([[1, 1, -1], [1, -1, 1], [1, 1, 1]]))
        alive = np.array([1, 0, 1, 1, 1, 0, 1], dtype=bool)
        loc = localist_recall(localist_weights(xi), asarray(cues, xp), alive=alive)
        results[name] = [to_numpy(x) for x in (s, energy_per_neuron(w, s), loc.states,
                                               loc.winner)]
        results[name].append(classify_mixtures(xi, s).members)
    for a, b in zip(results["numpy"], results["array_api_strict"], strict=True):
        np.testing.assert_array_equal(a, b)
