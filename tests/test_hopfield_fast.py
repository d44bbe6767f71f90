"""Family 2/3: the fast Hopfield paths (matrix-free, Numba, NumPy fallback, Glauber)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engramlab.core import ParameterError, asarray, get_namespace, make_rng, to_numpy
from engramlab.memory import _kernels, energy, hebbian_weights, local_fields, recall
from engramlab.memory.hopfield import HebbianMemory, glauber


def _problem(seed=4, p=7, n=60, b=9, flip=0.2):
    rng = make_rng(seed)
    xi = rng.choice(np.array([-1.0, 1.0]), size=(p, n))
    cues = xi[np.arange(b) % p]
    return xi, np.where(rng.random(cues.shape) < flip, -cues, cues)


def reference_random_recall(w, cues, seed, max_sweeps=100):
    """The seed's retrieve loop, one neuron at a time, with the documented draws."""
    rng = make_rng(seed)
    states = cues.copy()
    active = list(range(len(cues)))
    sweeps = np.full(len(cues), max_sweeps)
    for sweep in range(max_sweeps):
        orders = rng.permuted(np.broadcast_to(np.arange(w.shape[0]), (len(active), w.shape[0])),
                              axis=1)
        still = []
        for a, b in enumerate(active):
            prev = states[b].copy()
            for i in orders[a]:
                states[b, i] = 1 if np.dot(w[i], states[b]) >= 0 else -1
            if (states[b] != prev).any():
                still.append(b)
            else:
                sweeps[b] = sweep + 1
        active = still
        if not active:
            break
    return states, sweeps


@pytest.fixture(params=["numba", "numpy"])
def engine(request, monkeypatch):
    if request.param == "numba" and not _kernels.numba_enabled():
        pytest.skip("numba not available")
    if request.param == "numpy":
        monkeypatch.setenv("ENGRAMLAB_NO_NUMBA", "1")
    return request.param


@pytest.mark.parametrize("matrix_free", [False, True])
def test_random_order_recall_equals_seed_loop(engine, matrix_free):
    xi, cues = _problem()
    w = hebbian_weights(xi)
    ref, ref_sweeps = reference_random_recall(w, cues, seed=3)
    out = recall(HebbianMemory(xi) if matrix_free else w, cues, rng=make_rng(3))
    np.testing.assert_array_equal(out.states, ref)
    np.testing.assert_array_equal(out.sweeps, ref_sweeps)
    assert out.converged.all()


def test_all_paths_identical_including_non_integer_weights(monkeypatch):
    xi, cues = _problem(seed=8, p=12, n=80, b=16, flip=0.3)
    w = hebbian_weights(xi)
    wn = w + make_rng(1).normal(size=w.shape) * 0.37
    wn = (wn + wn.T) / 2
    np.fill_diagonal(wn, 0)
    results = []
    for env in ("0", "1"):
        monkeypatch.setenv("ENGRAMLAB_NO_NUMBA", env)
        results.append([to_numpy(a) for c in (w, HebbianMemory(xi), wn)
                        for a in recall(c, cues, rng=make_rng(5), max_sweeps=7)])
        results[-1].append(glauber(HebbianMemory(xi), cues, temperature=0.3, sweeps=3,
                                   rng=make_rng(6)))
        results[-1].append(glauber(w, cues, temperature=0.3, sweeps=3, rng=make_rng(6)))
    xp = get_namespace("array_api_strict")
    strict = [to_numpy(a) for c in (asarray(w, xp), HebbianMemory(asarray(xi, xp)),
                                     asarray(wn, xp))
              for a in recall(c, asarray(cues, xp), rng=make_rng(5), max_sweeps=7)]
    strict.append(to_numpy(glauber(HebbianMemory(asarray(xi, xp)), asarray(cues, xp),
                                   temperature=0.3, sweeps=3, rng=make_rng(6))))
    strict.append(to_numpy(glauber(asarray(w, xp), asarray(cues, xp), temperature=0.3,
                                   sweeps=3, rng=make_rng(6))))
    for other in (results[1], strict):
        for a, b in zip(results[0], other, strict=True):
            np.testing.assert_array_equal(a, b)
    # Dense and matrix-free Hebbian give the same Glauber trajectories too.
    np.testing.assert_array_equal(results[0][-1], results[0][-2])


def test_matrix_free_fields_and_energy_equal_dense():
    xi, cues = _problem(p=5, n=40)
    mem, w = HebbianMemory(xi), hebbian_weights(xi)
    np.testing.assert_array_equal(local_fields(mem, cues), local_fields(w, cues))
    np.testing.assert_array_equal(energy(mem, cues), energy(w, cues))
    for dyn in ("sync", "async"):
        a = recall(mem, cues, dynamics=dyn, rng=make_rng(2))
        b = recall(w, cues, dynamics=dyn, rng=make_rng(2))
        for x, y in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("self_coupling", [1.0, -1.0])
def test_self_coupling_reaches_every_coupling_path(monkeypatch, self_coupling):
    """The mutation constant T_ii = SELF_COUPLING P is read by the dense weights, the
    matrix-free fields and both kernels alike (else a mutation would test one path)."""
    from engramlab.memory import hopfield

    xi, cues = _problem(p=6, n=40, b=8, flip=0.3)
    monkeypatch.setattr(hopfield, "SELF_COUPLING", self_coupling)
    mem, w = HebbianMemory(xi), hebbian_weights(xi)
    np.testing.assert_array_equal(np.diag(w), np.full(40, self_coupling * 6))
    np.testing.assert_array_equal(local_fields(mem, cues), local_fields(w, cues))
    engines = [False, True] if _kernels.HAVE_NUMBA else [False]
    runs = []
    for numba in engines:
        monkeypatch.setenv("ENGRAMLAB_NO_NUMBA", "" if numba else "1")
        runs += [recall(c, cues, rng=make_rng(3), max_sweeps=20) for c in (mem, w)]
    for r in runs[1:]:
        np.testing.assert_array_equal(r.states, runs[0].states)


def test_float32_inputs_give_the_same_states():
    xi, cues = _problem(p=10, n=100, b=12, flip=0.25)
    a = recall(hebbian_weights(xi), cues, rng=make_rng(1))
    b = recall(hebbian_weights(xi.astype(np.float32)), cues.astype(np.float32), rng=make_rng(1))
    assert b.states.dtype == np.float32
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.sweeps, b.sweeps)


def test_glauber_at_zero_temperature_is_deterministic_dynamics():
    xi, cues = _problem(p=4, n=61, b=6)  # odd N - 1 = 60 terms: ties are possible
    w = hebbian_weights(xi)
    for k in (1, 2, 4):
        det = recall(w, cues, order="fixed", max_sweeps=k).states
        for temp in (0.0, 1e-9):
            out = glauber(HebbianMemory(xi), cues, temperature=temp, sweeps=k,
                          rng=make_rng(0), order="fixed")
            np.testing.assert_array_equal(out, det)


def test_glauber_single_spin_flip_probability():
    # One free neuron with field h = J s_0 / N: P(+1) = 1 / (1 + exp(-2 h / T)).
    n, temp = 2, 0.7
    w = np.array([[0.0, 1.0], [1.0, 0.0]])
    start = np.tile(np.array([1.0, 1.0]), (20000, 1))
    # Fixed order: neuron 0 first (field from neuron 1 = +1), then neuron 1.
    out = glauber(w, start, temperature=temp, sweeps=1, rng=make_rng(4), order="fixed")
    p_first = np.mean(out[:, 0] == 1)
    expected = 1 / (1 + np.exp(-2 * (1 / n) / temp))
    se = np.sqrt(expected * (1 - expected) / start.shape[0])
    assert abs(p_first - expected) < 4 * se


def test_glauber_keeps_a_pattern_at_low_temperature_and_loses_it_above_tc():
    xi = make_rng(1).choice(np.array([-1.0, 1.0]), size=(1, 400))
    cold = glauber(HebbianMemory(xi), xi, temperature=0.3, sweeps=20, rng=make_rng(2))
    hot = glauber(HebbianMemory(xi), xi, temperature=2.0, sweeps=20, rng=make_rng(2))
    assert float(cold[0] @ xi[0]) / 400 > 0.95  # tanh solution 0.9949 at T = 0.3
    assert abs(float(hot[0] @ xi[0]) / 400) < 0.25  # m = 0, sd ~ 0.07 at N = 400


symmetric_integer_weights = st.integers(2, 12).flatmap(
    lambda n: st.lists(st.integers(-3, 3), min_size=n * n, max_size=n * n).map(
        lambda v: np.triu(np.array(v, dtype=float).reshape(n, n), 1)
    ).map(lambda u: u + u.T)
)


@settings(max_examples=80, deadline=None)
@given(w=symmetric_integer_weights, seed=st.integers(0, 2**32 - 1))
def test_async_energy_never_increases_on_fast_paths(w, seed):
    n = w.shape[0]
    start = make_rng(seed).choice(np.array([-1.0, 1.0]), size=(3, n))
    e = [energy(w, start)]
    for k in range(1, 6):
        e.append(energy(w, recall(w, start, rng=make_rng(seed + 1), max_sweeps=k).states))
    assert (np.diff(np.stack(e), axis=0) <= 1e-12).all()


@settings(max_examples=60, deadline=None)
@given(p=st.integers(1, 6), n=st.integers(3, 30), seed=st.integers(0, 2**32 - 1))
def test_matrix_free_energy_never_increases(p, n, seed):
    rng = make_rng(seed)
    mem = HebbianMemory(rng.choice(np.array([-1.0, 1.0]), size=(p, n)))
    start = rng.choice(np.array([-1.0, 1.0]), size=(3, n))
    e = [energy(mem, start)]
    for k in range(1, 6):
        e.append(energy(mem, recall(mem, start, rng=make_rng(seed + 1), max_sweeps=k).states))
    assert (np.diff(np.stack(e), axis=0) <= 1e-9).all()


def test_bad_arguments_raise():
    with pytest.raises(ParameterError, match="patterns"):
        HebbianMemory(np.array([[1.0, 0.5]]))
    with pytest.raises(ParameterError, match="patterns"):
        HebbianMemory(np.ones(3))
    mem = HebbianMemory(np.ones((1, 3)))
    with pytest.raises(ParameterError, match="cues"):
        recall(mem, np.ones(4), rng=make_rng(0))
    with pytest.raises(ParameterError, match="temperature"):
        glauber(mem, np.ones(3), temperature=-1.0, sweeps=1, rng=make_rng(0))
    with pytest.raises(ParameterError, match="sweeps"):
        glauber(mem, np.ones(3), temperature=1.0, sweeps=-1, rng=make_rng(0))
