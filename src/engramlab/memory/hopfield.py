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

All functions take a batch of states ``(B, N)`` (or one state ``(N,)``) and are
written against the array namespace of their inputs, so NumPy, array-api-strict and
PyTorch arrays run the same code.

Example
-------
>>> import numpy as np
>>> from engramlab.core import make_rng
>>> xi = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]], dtype=float)
>>> W = hebbian_weights(xi)
>>> r = recall(W, xi, rng=make_rng(0))
>>> bool((r.states == xi).all()), r.converged.tolist()
(True, [True, True])
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

import numpy as np

from engramlab.core.arrays import asarray, namespace
from engramlab.core.errors import ParameterError

__all__ = [
    "Recall",
    "energy",
    "hebbian_weights",
    "local_fields",
    "recall",
    "sgn",
    "update_sync",
]

Array = Any


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
    """

    states: Array
    sweeps: Array
    converged: Array


def hebbian_weights(patterns: Array) -> Array:
    r"""Hebbian weights :math:`T = \Xi^\top \Xi - P\,I` (zero diagonal), no Python loop.

    Parameters
    ----------
    patterns
        Stored patterns :math:`\xi^\mu`, shape ``(P, N)``, values ±1.

    Returns
    -------
    Array
        ``(N, N)`` symmetric matrix with integer values and zero diagonal.
    """
    xp = namespace(patterns)
    if patterns.ndim != 2:
        raise ParameterError("patterns", "must have shape (P, N)", tuple(patterns.shape))
    n_patterns, n = patterns.shape
    w = xp.matmul(xp.permute_dims(patterns, (1, 0)), patterns)
    # Each diagonal entry is sum_mu (xi_i^mu)^2 = P for ±1 patterns.
    return w - n_patterns * xp.eye(n, dtype=w.dtype)


def sgn(h: Array) -> Array:
    """The seed's sign function: +1 where ``h >= 0``, -1 elsewhere."""
    xp = namespace(h)
    return xp.where(h >= 0, xp.asarray(1.0, dtype=h.dtype), xp.asarray(-1.0, dtype=h.dtype))


def local_fields(weights: Array, states: Array) -> Array:
    r"""Local fields :math:`h_i = \sum_j T_{ij} s_j` for a batch, ``(B, N)``."""
    xp = namespace(weights, states)
    return xp.matmul(states, weights)  # T is symmetric: (T s)^T = s^T T


def energy(weights: Array, states: Array) -> Array:
    r"""Energy :math:`E = -\frac12 s^\top T s` of each state in the batch, shape ``(B,)``."""
    xp = namespace(weights, states)
    return -0.5 * xp.sum(states * local_fields(weights, states), axis=-1)


def update_sync(weights: Array, states: Array) -> Array:
    """One synchronous step: every neuron takes the sign of its local field."""
    return sgn(local_fields(weights, states))


def recall(
    weights: Array,
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
        ``(N, N)`` symmetric weights with zero diagonal.
    cues
        Initial states, ``(B, N)`` or ``(N,)``, values ±1.
    dynamics
        ``"async"``: one neuron at a time, each sweep visiting every neuron once
        (the seed's ``retrieve``); ``"sync"``: all neurons at once.
    order
        Asynchronous visiting order: a fresh random permutation per sweep and per cue
        (``"random"``, needs ``rng``) or ``0 .. N-1`` (``"fixed"``).
    rng
        Source of the random orders.
    max_sweeps
        Upper bound on sweeps.

    Notes
    -----
    Asynchronous updates keep the local fields ``H = S T`` up to date incrementally:
    when neuron ``i`` of cue ``b`` changes by :math:`\\Delta`, row ``b`` of ``H`` gains
    :math:`\\Delta\\, T_{i\\cdot}`. A sweep therefore costs ``O(B N^2)`` with no
    per-neuron matrix product, and all cues advance together.
    """
    xp = namespace(weights, cues)
    if max_sweeps < 1:
        raise ParameterError("max_sweeps", "must be >= 1", max_sweeps)
    single = cues.ndim == 1
    states = xp.reshape(cues, (1, -1)) if single else cues
    if dynamics == "async":
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


def _recall_sync(weights: Array, states: Array, max_sweeps: int) -> Recall:
    xp = namespace(weights, states)
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


def _recall_async(weights: Array, states: Array, order: str, rng: np.random.Generator | None,
                  max_sweeps: int) -> Recall:
    xp = namespace(weights, states)
    batch, n = states.shape
    fields = local_fields(weights, states)
    positions = xp.reshape(xp.arange(n), (1, n))
    one = xp.asarray(1.0, dtype=states.dtype)
    sweeps = np.full(batch, max_sweeps)
    active = np.arange(batch)  # cues still moving; the others are parked below
    parked_ids: list[np.ndarray] = []
    parked_states: list[Array] = []
    for sweep in range(max_sweeps):
        b = active.size
        visit = np.broadcast_to(np.arange(n), (b, n))
        if order == "random":
            visit = rng.permuted(visit, axis=1)
        visit = asarray(visit, xp)
        changed = xp.zeros(b, dtype=xp.bool)
        for k in range(n):
            idx = visit[:, k]
            hit = xp.reshape(idx, (b, 1)) == positions  # one-hot (b, N)
            h = xp.sum(xp.where(hit, fields, 0.0), axis=1)
            old = xp.sum(xp.where(hit, states, 0.0), axis=1)
            new = xp.where(h >= 0, one, -one)
            delta = new - old
            states = xp.where(hit, xp.reshape(new, (b, 1)), states)
            fields = fields + xp.reshape(delta, (b, 1)) * xp.take(weights, idx, axis=0)
            changed = changed | (delta != 0)
        still = np.asarray(_to_host(changed))
        sweeps[active[~still]] = sweep + 1
        if not still.all():
            stopped = asarray(np.flatnonzero(~still), xp)
            parked_ids.append(active[~still])
            parked_states.append(xp.take(states, stopped, axis=0))
            keep = asarray(np.flatnonzero(still), xp)
            states = xp.take(states, keep, axis=0)
            fields = xp.take(fields, keep, axis=0)
            active = active[still]
        if active.size == 0:
            break
    parked_ids.append(active)
    parked_states.append(states)
    ids = np.concatenate(parked_ids)
    final = xp.take(xp.concat(parked_states, axis=0), asarray(np.argsort(ids), xp), axis=0)
    converged = np.ones(batch, dtype=bool)
    converged[active] = False
    return Recall(final, asarray(sweeps, xp), asarray(converged, xp))


def _to_host(x: Array) -> np.ndarray:
    from engramlab.core.arrays import to_numpy

    return to_numpy(x)
