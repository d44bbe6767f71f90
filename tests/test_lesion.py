"""The lesion intervention: pure, exact fractions, symmetric pairs, backend-neutral."""

from __future__ import annotations

import numpy as np
import pytest

from engramlab.core import ParameterError, asarray, get_namespace, make_rng, to_numpy
from engramlab.interventions import Lesion, apply_lesion
from engramlab.memory import energy, hebbian_weights, recall


def _hebbian(n: int = 40, p: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    xi = make_rng(seed).choice(np.array([-1.0, 1.0]), size=(p, n))
    return xi, hebbian_weights(xi)


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), float("inf"), "half", True])
def test_bad_fraction_raises_parameter_error(bad):
    with pytest.raises(ParameterError) as err:
        Lesion("synapses", bad)
    assert err.value.field == "fraction"


def test_bad_kind_and_rng_raise():
    with pytest.raises(ParameterError, match="kind"):
        Lesion("cortex", 0.1)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"lesion\.target"):
        Lesion("region")  # a circuit lesion names what it removes
    with pytest.raises(ParameterError, match=r"lesion\.at"):
        Lesion("region", target="hippocampus")  # ... and when
    with pytest.raises(ParameterError, match=r"lesion\.kind"):
        apply_lesion(np.ones((3, 3)), Lesion("region", target="x", at="training"),
                     make_rng(0))
    _, w = _hebbian()
    with pytest.raises(ParameterError, match="rng"):
        apply_lesion(w, Lesion("synapses", 0.1), rng=None)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="symmetric"):
        apply_lesion(np.ones((3, 5)), Lesion("synapses", 0.5), make_rng(0))


def test_lesion_is_frozen():
    lesion = Lesion("neurons", 0.2)
    with pytest.raises(AttributeError):
        lesion.fraction = 0.5  # type: ignore[misc]


@pytest.mark.parametrize("kind", ["synapses", "neurons"])
@pytest.mark.parametrize("symmetric", [True, False])
def test_input_not_mutated_and_fraction_zero_is_identity(kind, symmetric):
    _, w = _hebbian()
    before = w.copy()
    out = apply_lesion(w, Lesion(kind, 0.0, symmetric=symmetric), make_rng(1))
    np.testing.assert_array_equal(w, before)
    np.testing.assert_array_equal(out.weights, w)
    assert out.weights is not w
    assert out.alive.all() and out.kept.all()
    apply_lesion(w, Lesion(kind, 0.7, symmetric=symmetric), make_rng(1))
    np.testing.assert_array_equal(w, before)


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.25, 0.5, 0.9, 1.0])
def test_symmetric_synapse_lesion_removes_exact_pairs_and_stays_symmetric(fraction):
    n = 30
    _, w = _hebbian(n=n, p=3)
    out = apply_lesion(w, Lesion("synapses", fraction), make_rng(2))
    pairs = n * (n - 1) // 2
    cut = ~out.kept[np.triu_indices(n, k=1)]
    assert cut.sum() == round(fraction * pairs)
    np.testing.assert_array_equal(out.kept, out.kept.T)
    np.testing.assert_array_equal(out.weights, out.weights.T)
    np.testing.assert_array_equal(np.diag(out.weights), 0.0)
    # Deleted synapses are zero, the others untouched.
    np.testing.assert_array_equal(out.weights[out.kept], w[out.kept])
    assert (out.weights[~out.kept] == 0).all()


def test_asymmetric_synapse_lesion_counts_directed_synapses_and_breaks_symmetry():
    n = 30
    _, w = _hebbian(n=n, p=3)
    out = apply_lesion(w, Lesion("synapses", 0.5, symmetric=False), make_rng(3))
    off = ~np.eye(n, dtype=bool)
    assert (~out.kept[off]).sum() == round(0.5 * n * (n - 1))
    assert out.kept[np.eye(n, dtype=bool)].all()
    assert not (out.weights == out.weights.T).all()
    # Rectangular matrices: every entry is a candidate.
    rect = np.ones((7, 11))
    r = apply_lesion(rect, Lesion("synapses", 0.3, symmetric=False), make_rng(3))
    assert (~r.kept).sum() == round(0.3 * 77)


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.5, 1.0])
def test_neuron_lesion_silences_exact_count_rows_and_columns(fraction):
    n = 40
    _, w = _hebbian(n=n)
    out = apply_lesion(w, Lesion("neurons", fraction), make_rng(4))
    dead = ~out.alive
    assert dead.sum() == round(fraction * n)
    assert (out.weights[dead, :] == 0).all() and (out.weights[:, dead] == 0).all()
    live = np.ix_(out.alive, out.alive)
    np.testing.assert_array_equal(out.weights[live], w[live])
    # Rectangular: the rows are the units.
    r = apply_lesion(np.ones((10, 6)), Lesion("neurons", fraction), make_rng(4))
    assert (~r.alive).sum() == round(fraction * 10)
    assert (r.weights[~r.alive] == 0).all() and (r.weights[r.alive] == 1).all()


def test_same_rng_same_lesion_and_different_seed_differs():
    _, w = _hebbian()
    a = apply_lesion(w, Lesion("synapses", 0.3), make_rng(5))
    b = apply_lesion(w, Lesion("synapses", 0.3), make_rng(5))
    c = apply_lesion(w, Lesion("synapses", 0.3), make_rng(6))
    np.testing.assert_array_equal(a.kept, b.kept)
    assert not (a.kept == c.kept).all()


def test_symmetric_dilution_keeps_the_energy_a_lyapunov_function():
    """After a symmetric lesion asynchronous recall still ends at a fixed point."""
    _xi, w = _hebbian(n=60, p=4)
    out = apply_lesion(w, Lesion("synapses", 0.6), make_rng(7))
    cues = make_rng(8).choice(np.array([-1.0, 1.0]), size=(20, 60))
    r = recall(out.weights, cues, rng=make_rng(9), max_sweeps=200)
    assert np.asarray(r.converged).all()
    assert (energy(out.weights, r.states) <= energy(out.weights, cues)).all()


@pytest.mark.parametrize("kind,symmetric", [("synapses", True), ("synapses", False),
                                            ("neurons", True)])
def test_lesion_identical_across_backends(kind, symmetric):
    pytest.importorskip("array_api_strict")
    _, w = _hebbian()
    outs = {}
    for name in ("numpy", "array_api_strict"):
        xp = get_namespace(name)
        out = apply_lesion(asarray(w, xp), Lesion(kind, 0.4, symmetric=symmetric),
                           make_rng(10))
        if name == "array_api_strict":
            assert type(out.weights).__module__.startswith("array_api_strict")
        outs[name] = (to_numpy(out.weights), out.kept, out.alive)
    for a, b in zip(outs["numpy"], outs["array_api_strict"], strict=True):
        np.testing.assert_array_equal(a, b)
