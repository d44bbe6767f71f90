r"""The classical Hopfield network (Hopfield 1982), batched and backend-neutral.

Binary neurons :math:`s_i \in \{-1, +1\}` are coupled by the Hebbian weights of the
seed article (chapter 4)

.. math::

    T_{ij} = \sum_{\mu=1}^{P} \xi^\mu_i \xi^\mu_j \quad (i \ne j), \qquad T_{ii} = 0,

and recall iterates :math:`s_i \leftarrow \operatorname{sgn}(h_i)`, with the local field
:math:`h_i = \sum_{j \ne i} T_{ij} s_j` and :math:`\operatorname{sgn}(0) = +1` as in the
seed. The energy

.. math::

    E(s) = -\tfrac{1}{2} \sum_{i \ne j} T_{ij} s_i s_j

never increases under asynchronous (one neuron at a time) updates because ``T`` is
symmetric with a zero diagonal (Hopfield 1982); synchronous updates can end in
2-cycles.

The weights are kept unnormalised, exactly as the seed writes them: the usual
:math:`1/N` factor rescales fields and energy but cannot change a sign, and integer
weights keep ties (:math:`h_i = 0`) exact in floating point.

Couplings are given either as the ``(N, N)`` weight matrix or, matrix-free, as a
:class:`HebbianMemory` holding only the ``(P, N)`` patterns. For the latter the fields
come from the overlaps :math:`M = S \Xi^\top` (``B x P``),

.. math::

    H = M \Xi - P S ,

(the :math:`-P S` term is the zero diagonal), so memory and time scale with
:math:`N P` instead of :math:`N^2`: use it when :math:`P \ll N`. Every function below
accepts either form and gives the same numbers.

All functions take a batch of states ``(B, N)`` (or one state ``(N,)``) and are
written against the array namespace of their inputs, so NumPy, array-api-strict and
PyTorch arrays run the same code. Asynchronous sweeps on NumPy arrays run in Numba
kernels (:mod:`engramlab.memory._kernels`; ``ENGRAMLAB_NO_NUMBA=1`` or a missing Numba
selects their NumPy twins); every random number is drawn outside them with the
caller's NumPy generator, so all paths agree exactly.

Examples
--------
>>> import numpy as np
>>> from engramlab.core import make_rng
>>> xi = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]], dtype=float)
>>> W = hebbian_weights(xi)
>>> r = recall(W, xi, rng=make_rng(0))
>>> bool((r.states == xi).all()), r.converged.tolist()
(True, [True, True])
>>> r2 = recall(HebbianMemory(xi), xi, rng=make_rng(0))  # matrix-free, same result
>>> bool((r2.states == r.states).all())
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

import numpy as np

from engramlab.core.arrays import asarray, device_of, namespace
from engramlab.core.errors import ParameterError

__all__ = [
    "ENERGY_FACTOR",
    "HEAT_BATH_GAIN",
    "SELF_COUPLING",
    "HebbianMemory",
    "Recall",
    "energy",
    "glauber",
    "hebbian_weights",
    "local_fields",
    "recall",
    "sgn",
    "update_sync",
]

Array = Any

#: Self-coupling :math:`T_{ii}` in units of ``P``: 0, the diagonal removed, as in Hopfield
#: (1982) and the seed. Every coupling path (:func:`hebbian_weights`, the matrix-free
#: fields, the kernels) reads it at run time, so the mutation test can keep the Hebbian
#: diagonal (1.0: :math:`T_{ii} = P`) or overshoot its removal (-1.0: :math:`T_{ii} = -P`).
SELF_COUPLING: float = 0.0
#: Gain of the heat bath for ±1 spins, :math:`P(s_i = +1) = 1 / (1 + e^{-g h_i / T})`
#: with :math:`g = 2` (Glauber 1963; the Ising heat bath, so that :math:`T_c = 1` at low
#: load); read at run time by :func:`glauber` (the mutation test sets 1, the 0/1 form).
HEAT_BATH_GAIN: float = 2.0
#: The factor of the energy :math:`E = -c\, s^\top T s` with :math:`c = 1/2`, which counts
#: each pair :math:`i \ne j` once (Hopfield 1982, eq. 7); read at run time by
#: :func:`energy` (the mutation test sets 1: every pair counted twice).
ENERGY_FACTOR: float = 0.5


def _removed_diagonal(n_patterns: int) -> int | float:
    r""":math:`P - T_{ii}`: the diagonal part of the Hebbian sum that the couplings drop.

    The Hebbian sum :math:`\sum_\mu \xi_i^\mu \xi_i^\mu` is ``P`` on the diagonal;
    :data:`SELF_COUPLING` of it is kept. An int (exactly ``P``) in the seed's case, so the
    compiled kernels keep their integer signature.
    """
    kept = SELF_COUPLING * n_patterns
    return n_patterns if kept == 0 else n_patterns - kept


class Recall(NamedTuple):
    """Outcome of :func:`recall` for a batch of cues.

    Attributes
    ----------
    states
        Final states, shape ``(B, N)`` (or ``(N,)`` for one cue), values ±1.
    sweeps
        Number of sweeps (``N`` single-neuron updates each, or one synchronous step)
        until the state stopped changing; ``max_sweeps`` if it never did. Shape ``(B,)``.
    converged
        Whether the final state is a fixed point. Shape ``(B,)``.

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]], dtype=float)
    >>> r = recall(hebbian_weights(xi), xi, dynamics="sync")
    >>> r.states.shape, r.sweeps.tolist(), r.converged.tolist()
    ((2, 6), [1, 1], [True, True])
    """

    states: Array
    sweeps: Array
    converged: Array


@dataclasses.dataclass(frozen=True, eq=False)
class HebbianMemory:
    r"""Hebbian couplings held as the patterns only (the matrix-free representation).

    Stands for :math:`T = \Xi^\top \Xi - P I` wherever a weight matrix is accepted
    (:func:`recall`, :func:`glauber`, :func:`local_fields`, :func:`energy`,
    :func:`update_sync`) without ever forming it: fields are computed as
    :math:`H = (S \Xi^\top)\,\Xi - P S`, which costs :math:`2 B N P` instead of
    :math:`B N^2` and stores :math:`P N` numbers instead of :math:`N^2`.

    Parameters
    ----------
    patterns
        Stored patterns :math:`\xi^\mu`, shape ``(P, N)``, values ±1 (any array
        namespace; a float dtype).

    Examples
    --------
    The matrix-free couplings give the same fields as the ``N x N`` matrix:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> xi = make_rng(0).choice(np.array([-1.0, 1.0]), size=(5, 100))  # 5 patterns, N = 100
    >>> mem = HebbianMemory(xi)
    >>> mem.n_patterns, mem.n_neurons
    (5, 100)
    >>> bool((local_fields(mem, xi) == local_fields(hebbian_weights(xi), xi)).all())
    True
    """

    patterns: Array

    def __post_init__(self) -> None:
        xi = self.patterns
        if getattr(xi, "ndim", None) != 2:
            raise ParameterError("patterns", "must have shape (P, N)",
                                 tuple(getattr(xi, "shape", ())))
        xp = namespace(xi)
        if not bool(xp.all(xp.abs(xi) == 1)):
            raise ParameterError("patterns", "must contain only -1 and +1")

    @property
    def n_patterns(self) -> int:
        """Number of stored patterns ``P``."""
        return int(self.patterns.shape[0])

    @property
    def n_neurons(self) -> int:
        """Number of neurons ``N``."""
        return int(self.patterns.shape[1])


Couplings = Array | HebbianMemory


def hebbian_weights(patterns: Array) -> Array:
    r"""Hebbian weights :math:`T = \Xi^\top \Xi - P\,I` (zero diagonal), no Python loop.

    One GEMM; with float32 patterns the result is exact as long as
    :math:`P < 2^{24}` (every entry is an integer of magnitude at most ``P``).

    Parameters
    ----------
    patterns
        Stored patterns :math:`\xi^\mu`, shape ``(P, N)``, values ±1.

    Returns
    -------
    Array
        ``(N, N)`` symmetric matrix with integer values and zero diagonal.

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.array([[1, -1, 1, -1], [1, 1, -1, -1]], dtype=float)
    >>> hebbian_weights(xi).tolist()
    [[0.0, 0.0, 0.0, -2.0], [0.0, 0.0, -2.0, 0.0], [0.0, -2.0, 0.0, 0.0], [-2.0, 0.0, 0.0, 0.0]]
    """
    xp = namespace(patterns)
    if patterns.ndim != 2:
        raise ParameterError("patterns", "must have shape (P, N)", tuple(patterns.shape))
    n_patterns, n = patterns.shape
    w = xp.matmul(xp.permute_dims(patterns, (1, 0)), patterns)
    # Each diagonal entry is sum_mu (xi_i^mu)^2 = P for ±1 patterns (T_ii = SELF_COUPLING P).
    return w - _removed_diagonal(n_patterns) * xp.eye(n, dtype=w.dtype, device=device_of(w))


def sgn(h: Array) -> Array:
    """The seed's sign function: +1 where ``h >= 0``, -1 elsewhere.

    Examples
    --------
    >>> import numpy as np
    >>> sgn(np.array([-0.5, 0.0, 2.0])).tolist()  # sgn(0) = +1
    [-1.0, 1.0, 1.0]
    """
    xp = namespace(h)
    return xp.where(h >= 0, xp.asarray(1.0, dtype=h.dtype), xp.asarray(-1.0, dtype=h.dtype))


def local_fields(weights: Couplings, states: Array) -> Array:
    r"""Local fields :math:`h_i = \sum_j T_{ij} s_j` for a batch, ``(B, N)``.

    With a :class:`HebbianMemory`, :math:`H = (S \Xi^\top) \Xi - P S` (two thin GEMMs).

    Parameters
    ----------
    weights
        ``(N, N)`` weights or a :class:`HebbianMemory`.
    states
        ``(B, N)`` states, values ±1.

    Returns
    -------
    Array
        ``(B, N)`` local fields.

    Examples
    --------
    A stored pattern at low load is aligned with its own field:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> xi = make_rng(0).choice(np.array([-1.0, 1.0]), size=(5, 100))  # 5 patterns, N = 100
    >>> h = local_fields(hebbian_weights(xi), xi)
    >>> h.shape, bool((np.sign(h) == xi).all())
    ((5, 100), True)
    """
    if isinstance(weights, HebbianMemory):
        xi = weights.patterns
        xp = namespace(xi, states)
        m = xp.matmul(states, xp.permute_dims(xi, (1, 0)))
        return xp.matmul(m, xi) - _removed_diagonal(weights.n_patterns) * states
    xp = namespace(weights, states)
    return xp.matmul(states, weights)  # T is symmetric: (T s)^T = s^T T


def energy(weights: Couplings, states: Array) -> Array:
    r"""Energy :math:`E = -\frac12 s^\top T s` of each state in the batch, shape ``(B,)``.

    Parameters
    ----------
    weights
        ``(N, N)`` weights or a :class:`HebbianMemory`.
    states
        ``(B, N)`` states, values ±1.

    Returns
    -------
    Array
        ``(B,)`` energies.

    Examples
    --------
    Asynchronous recall only lowers the energy:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> xi = make_rng(0).choice(np.array([-1.0, 1.0]), size=(5, 100))  # 5 patterns, N = 100
    >>> cues = np.where(make_rng(1).random(xi.shape) < 0.2, -xi, xi)  # ~20 % of bits flipped
    >>> W = hebbian_weights(xi)
    >>> out = recall(W, cues, rng=make_rng(2))
    >>> bool((energy(W, out.states) < energy(W, cues)).all())
    True
    """
    xp = namespace(states)
    return -ENERGY_FACTOR * xp.sum(states * local_fields(weights, states), axis=-1)


def update_sync(weights: Couplings, states: Array) -> Array:
    """One synchronous step: every neuron takes the sign of its local field.

    Parameters
    ----------
    weights
        ``(N, N)`` weights or a :class:`HebbianMemory`.
    states
        ``(B, N)`` states, values ±1.

    Returns
    -------
    Array
        ``(B, N)`` new states, values ±1.

    Examples
    --------
    At low load one step already repairs cues with 20 % of their bits flipped:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> xi = make_rng(0).choice(np.array([-1.0, 1.0]), size=(5, 100))  # 5 patterns, N = 100
    >>> cues = np.where(make_rng(1).random(xi.shape) < 0.2, -xi, xi)  # ~20 % of bits flipped
    >>> (cues * xi).mean(axis=1).round(2).tolist()  # overlap of each cue with its pattern
    [0.62, 0.74, 0.36, 0.62, 0.64]
    >>> (update_sync(hebbian_weights(xi), cues) * xi).mean(axis=1).tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0]
    """
    return sgn(local_fields(weights, states))


def _n_neurons(weights: Couplings) -> int:
    if isinstance(weights, HebbianMemory):
        return weights.n_neurons
    if weights.ndim != 2 or weights.shape[0] != weights.shape[1]:
        raise ParameterError("weights", "must be a square (N, N) matrix or a HebbianMemory",
                             tuple(weights.shape))
    return int(weights.shape[0])


def _batch(weights: Couplings, cues: Array) -> tuple[Array, bool]:
    n = _n_neurons(weights)
    xp = namespace(cues)
    if cues.ndim not in (1, 2) or cues.shape[-1] != n:
        raise ParameterError("cues", f"must have shape (B, {n}) or ({n},)", tuple(cues.shape))
    single = cues.ndim == 1
    return (xp.reshape(cues, (1, -1)) if single else cues), single


def recall(
    weights: Couplings,
    cues: Array,
    *,
    dynamics: Literal["async", "sync"] = "async",
    order: Literal["random", "fixed"] = "random",
    rng: np.random.Generator | None = None,
    max_sweeps: int = 100,
) -> Recall:
    """Run the network from each cue until it stops changing.

    Parameters
    ----------
    weights
        ``(N, N)`` symmetric weights with zero diagonal, or a :class:`HebbianMemory`
        (matrix-free Hebbian couplings: the same dynamics through the ``B x P``
        overlaps, never forming ``N x N``; use it when ``P << N``).
    cues
        Initial states, ``(B, N)`` or ``(N,)``, values ±1.
    dynamics
        ``"async"``: one neuron at a time, each sweep visiting every neuron once
        (the seed's ``retrieve``); ``"sync"``: all neurons at once.
    order
        Asynchronous visiting order: a fresh random permutation per sweep and per cue
        (``"random"``, needs ``rng``) or ``0 .. N-1`` (``"fixed"``).
    rng
        Source of the random orders. At each sweep the cues that are still moving
        draw their orders at once, ``rng.permuted(tile(arange(N)), axis=1)``; a cue
        already at a fixed point is credited the confirming sweep without drawing
        an order (one GEMM checks every neuron against its field).
    max_sweeps
        Upper bound on sweeps.

    Notes
    -----
    Asynchronous updates keep the local fields ``H = S T`` up to date incrementally:
    when neuron ``i`` of cue ``b`` changes by :math:`\\Delta`, row ``b`` of ``H`` gains
    :math:`\\Delta\\, T_{i\\cdot}` (``O(N)``). Matrix-free, the overlaps ``M = S Xi^T``
    are kept instead: a visit reads :math:`h_i = M_b \\cdot \\xi_i - P s_i` and a flip adds
    :math:`\\Delta\\, \\xi_i` to :math:`M_b` (``O(P)`` each). On NumPy arrays the sweeps
    run in Numba kernels, parallel over the cues; synchronous dynamics cost one GEMM
    per step (two thin ones matrix-free).

    Returns
    -------
    Recall
        Final states, sweeps until a sweep changed nothing, and whether that happened.

    Examples
    --------
    Five patterns in 100 neurons (load 0.05) are recalled from noisy cues:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> xi = make_rng(0).choice(np.array([-1.0, 1.0]), size=(5, 100))  # 5 patterns, N = 100
    >>> cues = np.where(make_rng(1).random(xi.shape) < 0.2, -xi, xi)  # ~20 % of bits flipped
    >>> out = recall(hebbian_weights(xi), cues, rng=make_rng(2))
    >>> bool((out.states == xi).all()), out.sweeps.tolist(), out.converged.tolist()
    (True, [2, 2, 2, 2, 2], [True, True, True, True, True])
    """
    if max_sweeps < 1:
        raise ParameterError("max_sweeps", "must be >= 1", max_sweeps)
    states, single = _batch(weights, cues)
    if dynamics == "async":
        if order not in ("random", "fixed"):
            raise ParameterError("order", "must be one of 'random', 'fixed'", order)
        if order == "random" and rng is None:
            raise ParameterError("rng", "is required for a random asynchronous order")
        out = _recall_async(weights, states, order, rng, max_sweeps)
    elif dynamics == "sync":
        out = _recall_sync(weights, states, max_sweeps)
    else:
        raise ParameterError("dynamics", "must be one of 'async', 'sync'", dynamics)
    if single:
        return Recall(out.states[0, ...], out.sweeps, out.converged)
    return out


def glauber(
    weights: Couplings,
    states: Array,
    *,
    temperature: float,
    sweeps: int,
    rng: np.random.Generator,
    order: Literal["random", "fixed"] = "random",
) -> Array:
    r"""Stochastic (Glauber) asynchronous dynamics at temperature ``T`` for ``sweeps`` sweeps.

    Each visit of neuron :math:`i` sets

    .. math::

        P(s_i = +1) = \frac{1}{1 + e^{-2 h_i / T}}, \qquad
        h_i = \frac1N \sum_{j \ne i} T_{ij} s_j ,

    the heat bath of the Ising model with the field normalised by :math:`N`: in this
    convention the Hebbian network at low load :math:`\alpha = P/N \to 0` has the
    Curie-Weiss retrieval state :math:`m = \tanh(m / T)` and loses it at
    :math:`T_c = 1` (Amit, Gutfreund & Sompolinsky 1985, PRA 32:1007). There is no
    convergence notion: exactly ``sweeps`` sweeps are run for every state.

    Randomness (all drawn with ``rng``, outside any kernel): per sweep, first the
    orders (``rng.permuted(tile(arange(N)), axis=1)`` for ``order="random"``), then
    uniforms ``u = rng.random((B, N))``; ``u[b, k]`` decides the ``k``-th visit of cue
    ``b``. The draw :math:`u < \sigma(2h/T)` is evaluated as the equivalent comparison
    of the exact unnormalised field with a precomputed threshold,

    .. math::

        s_i = +1 \iff N h_i \ge \theta, \qquad
        \theta = \frac{N T}{2} \log\frac{u}{1 - u},

    so the Numba, NumPy and array-API paths make bit-identical decisions. At
    :math:`T = 0` the threshold is 0 and the dynamics are the deterministic
    :math:`\operatorname{sgn}` updates of :func:`recall` (``sgn(0) = +1``).

    Parameters
    ----------
    weights
        ``(N, N)`` weights (unnormalised, as :func:`hebbian_weights`) or a
        :class:`HebbianMemory`.
    states
        Initial states ``(B, N)`` or ``(N,)``, values ±1.
    temperature
        :math:`T \ge 0`, in units of the normalised field (1).
    sweeps
        Number of asynchronous sweeps (``N`` visits each), ``>= 0``.
    rng
        NumPy generator for orders and uniforms.
    order
        ``"random"`` (fresh permutation per sweep and cue) or ``"fixed"`` (``0..N-1``).

    Returns
    -------
    Array
        The states after ``sweeps`` sweeps, same shape and namespace as ``states``.

    Examples
    --------
    Two patterns in 400 neurons: below :math:`T_c = 1` the retrieval state persists
    (:math:`m = \tanh(m / T) \approx 0.96` at :math:`T = 0.5`), above it the overlap
    melts to chance level (:math:`\sim N^{-1/2} = 0.05`):

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> xi = make_rng(0).choice(np.array([-1.0, 1.0]), size=(2, 400))
    >>> cold = glauber(HebbianMemory(xi), xi[0], temperature=0.5, sweeps=20, rng=make_rng(3))
    >>> hot = glauber(HebbianMemory(xi), xi[0], temperature=1.5, sweeps=20, rng=make_rng(3))
    >>> round(float(cold @ xi[0]) / 400, 2), abs(float(hot @ xi[0]) / 400) < 0.2
    (0.97, True)
    """
    if not temperature >= 0:
        raise ParameterError("temperature", "must be >= 0", temperature)
    if sweeps < 0:
        raise ParameterError("sweeps", "must be >= 0", sweeps)
    if order not in ("random", "fixed"):
        raise ParameterError("order", "must be one of 'random', 'fixed'", order)
    if rng is None:
        raise ParameterError("rng", "is required for Glauber dynamics")
    batch_states, single = _batch(weights, states)
    runner = _Runner.make(weights, batch_states)
    batch, n = batch_states.shape
    everyone = np.arange(batch)
    scale = n * float(temperature) / HEAT_BATH_GAIN
    for _ in range(sweeps):
        visit = _orders(rng, order, batch, n)
        u = rng.random((batch, n))
        if scale > 0:
            with np.errstate(divide="ignore"):
                thr = scale * (np.log(u) - np.log1p(-u))
        else:
            thr = np.zeros((batch, n))
        runner.sweep(everyone, visit, thr)
    out = runner.result()
    return out[0, ...] if single else out


def _orders(rng: np.random.Generator | None, order: str, b: int, n: int) -> np.ndarray:
    visit = np.broadcast_to(np.arange(n), (b, n))
    if order == "random":
        assert rng is not None  # checked by recall() and glauber()
        return rng.permuted(visit, axis=1)
    return np.ascontiguousarray(visit)


def _recall_sync(weights: Couplings, states: Array, max_sweeps: int) -> Recall:
    xp = namespace(states)
    batch = states.shape[0]
    sweeps = np.full(batch, max_sweeps)
    done = np.zeros(batch, dtype=bool)
    for t in range(max_sweeps):
        new = update_sync(weights, states)
        changed = np.asarray(_to_host(xp.any(new != states, axis=1)))
        newly = ~changed & ~done
        sweeps[newly] = t + 1
        done |= ~changed
        # Cues at a fixed point keep their state; the others advance.
        states = xp.where(asarray(done[:, None], xp), states, new)
        if done.all():
            break
    return Recall(states, asarray(sweeps, xp), asarray(done, xp))


def _recall_async(weights: Couplings, states: Array, order: str,
                  rng: np.random.Generator | None, max_sweeps: int) -> Recall:
    batch, n = states.shape
    runner = _Runner.make(weights, states)
    sweeps = np.full(batch, max_sweeps)
    active = np.arange(batch)  # cues still moving; the others are parked
    for sweep in range(max_sweeps):
        # A cue whose every neuron already agrees with its field would change nothing in
        # this sweep: credit the sweep without running it. One GEMM-backed check
        # replaces the confirming sweep, and no visiting order is drawn for it.
        moving = ~runner.stable(active)
        still = np.zeros(active.size, dtype=bool)
        if moving.any():
            visit = _orders(rng, order, int(moving.sum()), n)
            still[moving] = runner.sweep(active[moving], visit, None)
        sweeps[active[~still]] = sweep + 1
        active = active[still]
        if active.size == 0:
            break
    converged = np.ones(batch, dtype=bool)
    converged[active] = False
    xp = namespace(states)
    return Recall(runner.result(), asarray(sweeps, xp), asarray(converged, xp))


class _Runner:
    """Asynchronous sweeps over a batch, in place; three interchangeable engines.

    ``sweep(active, visit, thr)`` runs one sweep for cues ``active`` (visiting order
    ``visit[a]`` for cue ``active[a]``; thresholds ``thr`` or ``None`` for 0) and
    returns, per active cue, whether any neuron changed.
    """

    @staticmethod
    def make(weights: Couplings, states: Array) -> _Runner:
        if isinstance(weights, HebbianMemory):
            numpy_inputs = isinstance(weights.patterns, np.ndarray)
        else:
            numpy_inputs = isinstance(weights, np.ndarray)
        if numpy_inputs and isinstance(states, np.ndarray):
            return _NumpyRunner(weights, states)
        return _ArrayApiRunner(weights, states)

    def sweep(self, active: np.ndarray, visit: np.ndarray, thr: np.ndarray | None) -> np.ndarray:
        raise NotImplementedError

    def stable(self, active: np.ndarray) -> np.ndarray:
        """Per active cue, whether every neuron already equals the sgn of its field."""
        raise NotImplementedError

    def result(self) -> Array:
        raise NotImplementedError


class _NumpyRunner(_Runner):
    """NumPy arrays: Numba kernels (or their NumPy twins); int8 states, exact fields."""

    #: ``sweep_hebb`` or ``sweep_dense`` (Numba or NumPy): they differ in signature.
    kernel: Callable[..., None]

    def __init__(self, weights: Couplings, states: np.ndarray) -> None:
        from engramlab.memory import _kernels

        self.dtype = states.dtype
        self.spins = np.where(states >= 0, 1, -1).astype(np.int8)
        self.hebb = isinstance(weights, HebbianMemory)
        use_numba = _kernels.numba_enabled()
        if isinstance(weights, HebbianMemory):
            xi = weights.patterns
            # The fields subtract P s_i, the Hebbian diagonal (SELF_COUPLING: kept part).
            self.p = _removed_diagonal(weights.n_patterns)
            # Exact integer fields in float32 while |h| <= N P < 2^24, float64 beyond.
            n = xi.shape[1]
            ftype: type[np.floating[Any]] = (np.float32 if n * (weights.n_patterns + 1) < 2**24
                                             else np.float64)
            self.xit = np.ascontiguousarray(xi.T, dtype=ftype)
            self.m = np.ascontiguousarray(self.spins.astype(ftype) @ self.xit)
            self.kernel = _kernels.sweep_hebb if use_numba else _kernels.sweep_hebb_numpy
        else:
            # The fields' dtype is what the reference S @ T promotes to.
            fdtype = np.result_type(states.dtype, weights.dtype)
            if not np.issubdtype(fdtype, np.floating):
                fdtype = np.dtype(np.float64)
            self.w = np.ascontiguousarray(weights, dtype=fdtype)
            self.fields = np.ascontiguousarray(states.astype(fdtype) @ self.w)
            self.kernel = _kernels.sweep_dense if use_numba else _kernels.sweep_dense_numpy
        self._none = np.zeros((1, 1))

    def sweep(self, active: np.ndarray, visit: np.ndarray, thr: np.ndarray | None) -> np.ndarray:
        changed = np.zeros(active.size, dtype=np.bool_)
        if active.size == 0:
            return changed
        active = np.ascontiguousarray(active, dtype=np.int64)
        visit = np.ascontiguousarray(visit, dtype=np.int64)
        use_thr = thr is not None
        t = np.ascontiguousarray(thr, dtype=np.float64) if use_thr else self._none
        if self.hebb:
            self.kernel(self.xit, self.spins, self.m, self.p, active, visit, t, use_thr, changed)
        else:
            self.kernel(self.w, self.spins, self.fields, active, visit, t, use_thr, changed)
        return changed

    def stable(self, active: np.ndarray) -> np.ndarray:
        spins = self.spins[active]
        if self.hebb:
            # h = M Xi - P s: one GEMM, exact (integer values, see __init__).
            fields = self.m[active] @ self.xit.T - self.p * spins.astype(self.m.dtype)
        else:
            fields = self.fields[active]
        return np.all((fields >= 0) == (spins > 0), axis=1)

    def result(self) -> np.ndarray:
        return self.spins.astype(self.dtype)


class _ArrayApiRunner(_Runner):
    """Any array-API namespace: vectorised over the cues, one step per visit position."""

    def __init__(self, weights: Couplings, states: Array) -> None:
        self.hebb = isinstance(weights, HebbianMemory)
        if self.hebb:
            xi = weights.patterns
            xp = namespace(xi, states)
            self.xit = xp.permute_dims(xi, (1, 0))  # (N, P)
            self.p = _removed_diagonal(weights.n_patterns)
            self.aux = xp.matmul(states, self.xit)  # overlaps (B, P)
        else:
            xp = namespace(weights, states)
            self.w = weights
            self.aux = local_fields(weights, states)  # fields (B, N)
        self.xp = xp
        self.states = states
        n = states.shape[1]
        self.positions = xp.reshape(xp.arange(n, device=device_of(states)), (1, n))

    def sweep(self, active: np.ndarray, visit: np.ndarray, thr: np.ndarray | None) -> np.ndarray:
        xp = self.xp
        rows = asarray(active, xp)
        states = xp.take(self.states, rows, axis=0)
        aux = xp.take(self.aux, rows, axis=0)
        b, n = visit.shape
        one = xp.asarray(1.0, dtype=states.dtype)
        vis = asarray(visit, xp)
        th = asarray(thr, xp) if thr is not None else None
        changed = xp.zeros(b, dtype=xp.bool, device=device_of(states))
        for k in range(n):
            idx = vis[:, k]
            hit = xp.reshape(idx, (b, 1)) == self.positions  # one-hot (b, N)
            old = xp.sum(xp.where(hit, states, 0.0), axis=1)
            if self.hebb:
                rows_k = xp.take(self.xit, idx, axis=0)  # (b, P)
                h = xp.sum(aux * rows_k, axis=1) - self.p * old
            else:
                h = xp.sum(xp.where(hit, aux, 0.0), axis=1)
            new = xp.where(h >= (th[:, k] if th is not None else 0.0), one, -one)
            delta = new - old
            states = xp.where(hit, xp.reshape(new, (b, 1)), states)
            if self.hebb:
                aux = aux + xp.reshape(delta, (b, 1)) * rows_k
            else:
                aux = aux + xp.reshape(delta, (b, 1)) * xp.take(self.w, idx, axis=0)
            changed = changed | (delta != 0)
        # Scatter the active rows back (array-API: no in-place fancy assignment).
        full = np.arange(self.states.shape[0])
        pos = np.full(full.size, -1)
        pos[active] = np.arange(active.size)
        src = asarray(np.where(pos >= 0, pos, 0), xp)
        mask = asarray((pos >= 0)[:, None], xp)
        self.states = xp.where(mask, xp.take(states, src, axis=0), self.states)
        self.aux = xp.where(mask, xp.take(aux, src, axis=0), self.aux)
        return np.asarray(_to_host(changed))

    def stable(self, active: np.ndarray) -> np.ndarray:
        xp = self.xp
        rows = asarray(active, xp)
        states = xp.take(self.states, rows, axis=0)
        aux = xp.take(self.aux, rows, axis=0)
        if self.hebb:
            fields = xp.matmul(aux, xp.permute_dims(self.xit, (1, 0))) - self.p * states
        else:
            fields = aux
        return np.asarray(_to_host(xp.all((fields >= 0) == (states > 0), axis=1)))

    def result(self) -> Array:
        return self.states


def _to_host(x: Array) -> np.ndarray:
    from engramlab.core.arrays import to_numpy

    return to_numpy(x)
