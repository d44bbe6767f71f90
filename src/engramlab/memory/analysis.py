r"""Analysis of associative-memory states: overlaps, attractor classes, fixed points.

The overlap of a state :math:`s` with pattern :math:`\xi^\mu` is
:math:`m^\mu = \frac1N \sum_i \xi^\mu_i s_i \in [-1, 1]`: 1 for the pattern itself,
-1 for its reversal (the "reversed" or mirror state, also an attractor because the
energy is even in :math:`s`).
"""

from __future__ import annotations

from collections import deque
from enum import IntEnum
from typing import Any

import numpy as np

from engramlab.analysis.curves import falls_below
from engramlab.core.arrays import namespace, to_numpy
from engramlab.core.errors import ParameterError

__all__ = [
    "BASIN_OVERLAP",
    "StateKind",
    "all_states",
    "basin_radius",
    "classify_states",
    "fixed_points",
    "overlaps",
    "reachable_fixed_points",
]

Array = Any

#: Largest N for which the 2**N state space is enumerated.
MAX_ENUMERATED_NEURONS = 20


class StateKind(IntEnum):
    """Where a recalled state ended, relative to the stored patterns.

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]], dtype=float)
    >>> kind, _ = classify_states(xi, np.vstack([xi[1], -xi[0]]))
    >>> [StateKind(k).name for k in kind]
    ['STORED', 'REVERSED']
    >>> int(StateKind.SPURIOUS)
    2
    """

    STORED = 0
    REVERSED = 1
    SPURIOUS = 2


def overlaps(patterns: Array, states: Array) -> Array:
    r"""Overlaps :math:`m^\mu` of each state with each pattern, shape ``(B, P)``.

    Parameters
    ----------
    patterns
        ``(P, N)`` stored patterns, values ±1.
    states
        ``(B, N)`` states, values ±1.

    Returns
    -------
    Array
        ``(B, P)`` overlaps in :math:`[-1, 1]`.

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]], dtype=float)
    >>> overlaps(xi, np.vstack([xi[0], -xi[1]])).round(3).tolist()
    [[1.0, 0.333], [-0.333, -1.0]]
    >>> round(float(overlaps(xi, np.array([[1, -1, 1, -1, 1, 1.0]]))[0, 0]), 3)  # 1 bit off
    0.667
    """
    xp = namespace(patterns, states)
    n = patterns.shape[-1]
    return xp.matmul(states, xp.permute_dims(patterns, (1, 0))) / n


def classify_states(patterns: Array, states: Array) -> tuple[np.ndarray, np.ndarray]:
    """Classify each state as a stored pattern, a reversed pattern or spurious.

    Returns
    -------
    kind
        :class:`StateKind` codes, shape ``(B,)``.
    index
        The pattern matched (stored or reversed), -1 for spurious states.

    Examples
    --------
    Three random patterns in 12 neurons: of the 10 fixed points, 3 are the patterns,
    3 their reversals and 4 spurious:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> from engramlab.memory.hopfield import hebbian_weights
    >>> xi = make_rng(0).choice(np.array([-1.0, 1.0]), size=(3, 12))
    >>> kind, index = classify_states(xi, fixed_points(hebbian_weights(xi)))
    >>> np.bincount(kind, minlength=3).tolist(), sorted(index[kind == StateKind.STORED].tolist())
    ([3, 3, 4], [0, 1, 2])
    """
    m = to_numpy(overlaps(patterns, states))
    if m.ndim == 1:
        m = m[None, :]
    exact = np.isclose(m, 1.0, rtol=0, atol=1e-12)
    mirror = np.isclose(m, -1.0, rtol=0, atol=1e-12)
    kind = np.full(m.shape[0], StateKind.SPURIOUS, dtype=np.int8)
    index = np.full(m.shape[0], -1, dtype=np.int64)
    has_mirror = mirror.any(axis=1)
    kind[has_mirror] = StateKind.REVERSED
    index[has_mirror] = mirror[has_mirror].argmax(axis=1)
    has_exact = exact.any(axis=1)
    kind[has_exact] = StateKind.STORED
    index[has_exact] = exact[has_exact].argmax(axis=1)
    return kind, index


def all_states(n: int) -> np.ndarray:
    """Every ±1 state of ``n`` neurons, shape ``(2**n, n)``; state ``k`` encodes ``k``'s bits."""
    if not 1 <= n <= MAX_ENUMERATED_NEURONS:
        raise ParameterError("n", f"must be between 1 and {MAX_ENUMERATED_NEURONS} to enumerate", n)
    bits = (np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1
    return (2.0 * bits - 1.0)


def fixed_points(weights: np.ndarray) -> np.ndarray:
    """All fixed points of the sign dynamics (``s = sgn(T s)``), by enumeration.

    Parameters
    ----------
    weights
        ``(N, N)`` weights, at most :data:`MAX_ENUMERATED_NEURONS` neurons.

    Returns
    -------
    numpy.ndarray
        ``(F, N)`` fixed points, values ±1, in the order of :func:`all_states`.

    Examples
    --------
    Two stored patterns and their reversals are the only fixed points here:

    >>> import numpy as np
    >>> from engramlab.memory.hopfield import hebbian_weights
    >>> xi = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]], dtype=float)
    >>> fp = fixed_points(hebbian_weights(xi))
    >>> len(fp), classify_states(xi, fp)[0].tolist()
    (4, [0, 0, 1, 1])
    """
    w = to_numpy(weights)
    states = all_states(w.shape[0])
    h = states @ w
    stable = np.all(np.where(h >= 0, 1.0, -1.0) == states, axis=1)
    return states[stable]


def reachable_fixed_points(weights: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Every fixed point that asynchronous updates can reach from ``start``, in any order.

    A breadth-first search over states: from each state, updating any one neuron whose
    sign disagrees with its field gives a successor. Each update lowers the energy
    strictly, so the search ends; the fixed points found are the only possible
    outcomes of asynchronous recall, whatever the visiting order.

    Parameters
    ----------
    weights
        ``(N, N)`` symmetric weights with zero diagonal, at most
        :data:`MAX_ENUMERATED_NEURONS` neurons.
    start
        ``(N,)`` initial state (its signs are taken, ``sgn(0) = +1``).

    Returns
    -------
    numpy.ndarray
        ``(F, N)`` reachable fixed points, sorted by their bit code.

    Examples
    --------
    A cue two bits from each of two patterns can end in either, depending on the order:

    >>> import numpy as np
    >>> from engramlab.memory.hopfield import hebbian_weights
    >>> xi = np.array([[1, -1, 1, -1, 1, -1], [1, 1, 1, -1, -1, -1]], dtype=float)
    >>> ends = reachable_fixed_points(hebbian_weights(xi), np.array([1, -1, 1, -1, -1, 1.0]))
    >>> classify_states(xi, ends)
    (array([0, 0], dtype=int8), array([1, 0]))
    """
    w = to_numpy(weights)
    n = w.shape[0]
    if n > MAX_ENUMERATED_NEURONS:
        raise ParameterError("weights", f"must be at most {MAX_ENUMERATED_NEURONS} neurons wide "
                             "to search exhaustively", n)
    weights_of_bits = 1 << np.arange(n)

    def encode(s: np.ndarray) -> int:
        return int(((s > 0) * weights_of_bits).sum())

    start = np.where(to_numpy(start) >= 0, 1.0, -1.0)
    seen = {encode(start)}
    queue = deque([start])
    found: dict[int, np.ndarray] = {}
    while queue:
        s = queue.popleft()
        target = np.where(w @ s >= 0, 1.0, -1.0)
        unstable = np.flatnonzero(target != s)
        if unstable.size == 0:
            found[encode(s)] = s
            continue
        for i in unstable:
            nxt = s.copy()
            nxt[i] = target[i]
            code = encode(nxt)
            if code not in seen:
                seen.add(code)
                queue.append(nxt)
    return np.array([found[k] for k in sorted(found)])


#: Mean overlap above which a cue counts as inside the basin of attraction.
BASIN_OVERLAP = 0.9


def basin_radius(noise: np.ndarray, mean_overlap: np.ndarray,
                 threshold: float = BASIN_OVERLAP) -> float:
    """The largest flip fraction with mean overlap >= ``threshold``, linearly interpolated.

    Censored at both ends of the grid: ``noise[0]`` if even the first level ends below
    the threshold, ``noise[-1]`` if the overlap never falls below it on the grid. Such a
    value is a bound, not a measurement, so a :class:`~engramlab.core.Target` checking
    it must carry ``grid=(noise[0], noise[-1])`` (an edge value then fails).

    Parameters
    ----------
    noise
        Increasing flip fractions of the cues.
    mean_overlap
        Mean final overlap with the cued pattern at each flip fraction.
    threshold
        Overlap that counts as recalled (:data:`BASIN_OVERLAP` by default).

    Returns
    -------
    float
        The basin radius, as a flip fraction.

    Examples
    --------
    >>> import numpy as np
    >>> noise = np.array([0.0, 0.1, 0.2, 0.3, 0.4])
    >>> round(basin_radius(noise, np.array([1.0, 1.0, 0.96, 0.7, 0.3])), 3)  # 0.9 crossed
    0.223
    >>> basin_radius(noise, np.ones(5))  # censored at the end of the grid
    0.4
    """
    radius = falls_below(noise, mean_overlap, threshold)
    return float(noise[-1]) if np.isnan(radius) else radius
