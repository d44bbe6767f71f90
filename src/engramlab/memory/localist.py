r"""A localist ("grandmother cell") memory: one dedicated unit per stored item.

The contrast to the distributed Hopfield memory in the seed's chapter 4 (连接主义：
分布式表征): here item :math:`k` is represented by a single unit whose synapses with the
:math:`N` feature neurons are the item's pattern, :math:`W_{k i} = \xi^k_i`. Recall is
winner-take-all over the item units that are still alive, followed by a read-out of
the winner's synapses:

.. math::

    k^* = \arg\max_{k\ \text{alive}} \sum_i W_{k i} c_i, \qquad
    s_i = \operatorname{sgn}(W_{k^* i}),

with the seed's :math:`\operatorname{sgn}(0) = +1` (a deleted read-out synapse carries
no information). Removing item unit :math:`k` loses item :math:`k` entirely and
touches no other item: recall fails item by item (Page 2000, Behav. Brain Sci.
23:443 on localist models; Rumelhart, McClelland & the PDP group 1986, ch. 1, for the
contrast with distributed representations).

Examples
--------
>>> import numpy as np
>>> xi = np.array([[1., -1, 1, -1], [1, 1, -1, -1]])
>>> out = localist_recall(localist_weights(xi), xi)
>>> out.winner.tolist(), bool((out.states == xi).all())
([0, 1], True)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from engramlab.core.arrays import asarray, device_of, namespace
from engramlab.core.errors import ParameterError
from engramlab.memory.hopfield import sgn

__all__ = ["LocalistRecall", "localist_recall", "localist_weights"]

Array = Any


class LocalistRecall(NamedTuple):
    """Outcome of :func:`localist_recall`.

    Attributes
    ----------
    states
        Read-out patterns, ``(B, N)``, values ±1.
    winner
        Index of the winning item unit, ``(B,)``; -1 when no unit is alive.

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.array([[1., -1, 1, -1], [1, 1, -1, -1]])
    >>> out = localist_recall(localist_weights(xi), np.array([[1., 1, -1, 1]]))
    >>> out.states.tolist(), out.winner.tolist()  # one bit off item 1: item 1 wins
    ([[1.0, 1.0, -1.0, -1.0]], [1])
    """

    states: Array
    winner: Array


def localist_weights(patterns: Array) -> Array:
    r"""Synapses of the item units, :math:`W_{k i} = \xi^k_i`, shape ``(K, N)`` (a copy).

    Parameters
    ----------
    patterns
        ``(K, N)`` items, values ±1.

    Returns
    -------
    Array
        ``(K, N)`` synapses: row :math:`k` is item :math:`k`, in a new array.

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.array([[1., -1, 1, -1], [1, 1, -1, -1]])
    >>> w = localist_weights(xi)
    >>> w.shape, bool((w == xi).all()), w is xi
    ((2, 4), True, False)
    """
    xp = namespace(patterns)
    if patterns.ndim != 2:
        raise ParameterError("patterns", "must have shape (K, N)", tuple(patterns.shape))
    return xp.asarray(patterns, copy=True)


def localist_recall(weights: Array, cues: Array, alive: Any = None) -> LocalistRecall:
    """Winner-take-all recall over the living item units, then read-out of the winner.

    Parameters
    ----------
    weights
        ``(K, N)`` item-unit synapses (possibly lesioned: deleted synapses are 0).
    cues
        ``(B, N)`` cues, values ±1.
    alive
        ``(K,)`` bool mask of the item units present (all when omitted), e.g.
        :attr:`engramlab.interventions.Lesioned.alive`.

    Returns
    -------
    LocalistRecall
        The read-out patterns and the winning unit of each cue.

    Examples
    --------
    Removing an item unit loses that item and no other:

    >>> import numpy as np
    >>> xi = np.array([[1., -1, 1, -1], [1, 1, -1, -1]])
    >>> w = localist_weights(xi)
    >>> out = localist_recall(w, xi, alive=[True, False])
    >>> out.winner.tolist(), (out.states == xi).all(axis=1).tolist()
    ([0, 0], [True, False])
    >>> localist_recall(w, xi, alive=[False, False]).winner.tolist()
    [-1, -1]
    """
    xp = namespace(weights, cues)
    n_items = weights.shape[0]
    if cues.ndim != 2 or cues.shape[1] != weights.shape[1]:
        raise ParameterError("cues", f"must have shape (B, {weights.shape[1]})",
                             tuple(cues.shape))
    alive_np = np.ones(n_items, dtype=bool) if alive is None else np.asarray(alive, dtype=bool)
    if alive_np.shape != (n_items,):
        raise ParameterError("alive", f"must have shape ({n_items},)", alive_np.shape)
    batch = cues.shape[0]
    if not alive_np.any():
        states = sgn(xp.zeros((batch, weights.shape[1]), dtype=weights.dtype,
                              device=device_of(weights)))
        return LocalistRecall(states, asarray(np.full(batch, -1), xp))
    scores = xp.matmul(cues, xp.permute_dims(weights, (1, 0)))  # (B, K)
    scores = xp.where(asarray(alive_np[None, :], xp), scores,
                      xp.asarray(-xp.inf, dtype=scores.dtype))
    winner = xp.argmax(scores, axis=1)
    return LocalistRecall(sgn(xp.take(weights, winner, axis=0)), winner)
