r"""Storage rules for ±1 Hopfield networks beyond Hebb: Storkey and pseudo-inverse.

The Hebb rule of the seed (:func:`engramlab.memory.hopfield.hebbian_weights`,
:math:`T = \Xi^\top \Xi - P I`) makes pattern :math:`\xi^\mu` a fixed point only while
the cross-talk of the other patterns stays below the signal; its absolute capacity
(almost every stored pattern an exact fixed point) is :math:`N / (2 \ln N)`
(McEliece, Posner, Rodemich & Venkatesh 1987, IEEE Trans. Inf. Theory 33:461).
Two better rules are implemented here; both give symmetric weights, so
:func:`engramlab.memory.hopfield.recall` runs them unchanged.

**Storkey (1997)** — local and incremental (one pattern at a time, each weight update
uses only quantities available at the two neurons it joins); absolute capacity
:math:`N / \sqrt{2 \ln N}` (A. J. Storkey, "Increasing the capacity of a Hopfield
network without sacrificing functionality", ICANN 1997, LNCS 1327:451-456,
doi:10.1007/BFb0020196; Storkey & Valabregue 1999, Neural Networks 12:869-876,
doi:10.1016/S0893-6080(99)00038-6).

**Pseudo-inverse / projection rule** (L. Personnaz, I. Guyon & G. Dreyfus 1985,
J. Physique Lett. 46:L359, doi:10.1051/jphyslet:01985004608035900; I. Kanter &
H. Sompolinsky 1987, Phys. Rev. A 35:380, doi:10.1103/PhysRevA.35.380) — the orthogonal
projector onto the span of the patterns: every pattern is an exact fixed point for any
:math:`P < N` linearly independent patterns, correlated or not.

All functions accept a stack of pattern sets ``(..., P, N)`` and return ``(..., N, N)``
weights; they are written against the array namespace of their inputs (NumPy and
array-api-strict give identical numbers) and loop over patterns at most, never over
neurons.

Examples
--------
>>> import numpy as np
>>> xi = np.array([[1, 1, 1, 1, -1, -1], [1, -1, 1, -1, 1, -1], [1, 1, -1, 1, 1, 1.0]])
>>> bool(fixed_point_mask(pseudo_inverse_weights(xi), xi).all())
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engramlab.analysis.curves import falls_below
from engramlab.core.arrays import device_of, namespace
from engramlab.core.errors import ParameterError

__all__ = [
    "STORKEY_LOCAL_FIELD",
    "correlated_patterns",
    "crossing",
    "field_residual",
    "fixed_point_mask",
    "pattern_fields",
    "pseudo_inverse_weights",
    "storkey_step",
    "storkey_weights",
]

Array = Any

#: Weight of the local-field terms :math:`-\xi_i h_{ji} - h_{ij} \xi_j` of the Storkey
#: update (1.0: Storkey 1997). Read at run time by :func:`storkey_step`, so the mutation
#: test can set 0.0, which leaves the Hebb rule divided by N (capacity N / (2 ln N)).
STORKEY_LOCAL_FIELD: float = 1.0


def _check_patterns(patterns: Array) -> None:
    if patterns.ndim < 2:
        raise ParameterError("patterns", "must have shape (..., P, N)", tuple(patterns.shape))
    if patterns.shape[-1] < 2:
        raise ParameterError("patterns", "must have at least 2 neurons", tuple(patterns.shape))


def _off_diagonal(xp: Any, n: int, like: Array) -> Array:
    """Ones off the diagonal, zeros on it, with the dtype and device of ``like``."""
    dev = device_of(like)
    return xp.ones((n, n), dtype=like.dtype, device=dev) - xp.eye(n, dtype=like.dtype, device=dev)


def storkey_weights(patterns: Array) -> Array:
    r"""Weights of the Storkey (1997) incremental rule, zero diagonal.

    Starting from :math:`W^0 = 0`, pattern :math:`\nu = 1, \dots, P` adds

    .. math::

        W^\nu_{ij} = W^{\nu-1}_{ij} + \frac1N \left(\xi^\nu_i \xi^\nu_j
            - \xi^\nu_i h^\nu_{ji} - h^\nu_{ij} \xi^\nu_j\right), \qquad
        h^\nu_{ij} = \sum_{k \ne i, j} W^{\nu-1}_{ik} \xi^\nu_k ,

    for :math:`i \ne j`; :math:`W_{ii} = 0` throughout (the Hopfield network, whose
    asynchronous dynamics need a zero diagonal for the energy to be a Lyapunov function).
    With the full field :math:`g_i = \sum_k W_{ik} \xi_k` (zero diagonal, so
    :math:`h_{ij} = g_i - W_{ij} \xi_j`) the update is one rank-2 step per pattern:

    .. math::

        \Delta W_{ij} = \frac1N \left(\xi_i \xi_j - \xi_i g_j - g_i \xi_j
            + W_{ij} (\xi_i^2 + \xi_j^2)\right), \qquad i \ne j .

    Symbols: :math:`N` neurons, :math:`\xi^\nu \in \{-1, +1\}^N` the patterns (in the
    order given: the rule is incremental, the result depends on the order),
    :math:`W` dimensionless. The :math:`1/N` normalisation is Storkey's; it does not
    change any sign of the dynamics.

    Parameters
    ----------
    patterns
        ``(..., P, N)`` patterns, learned in the order of axis ``-2``.

    Returns
    -------
    Array
        ``(..., N, N)`` symmetric weights with zero diagonal.

    Notes
    -----
    Cost :math:`O(P N^2)` per pattern set: a Python loop over the :math:`P` patterns,
    none over neurons. The result is exactly symmetric (the update is symmetric in
    :math:`i, j` term by term).

    Examples
    --------
    Ten correlated patterns (mean overlap 0.25) in 100 neurons: Hebb keeps none of them
    as a fixed point, Storkey keeps seven.

    >>> from engramlab.core import make_rng
    >>> from engramlab.memory.hopfield import hebbian_weights
    >>> xi = correlated_patterns(make_rng(0), 10, 100, 0.5)
    >>> w = storkey_weights(xi)
    >>> w.shape, bool((w == w.T).all()), bool((w.diagonal() == 0).all())
    ((100, 100), True, True)
    >>> int(fixed_point_mask(hebbian_weights(xi), xi).sum()), int(fixed_point_mask(w, xi).sum())
    (0, 7)
    """
    _check_patterns(patterns)
    xp = namespace(patterns)
    n = patterns.shape[-1]
    dtype = patterns.dtype if xp.isdtype(patterns.dtype, "real floating") else xp.float64
    xi_all = xp.astype(patterns, dtype)
    w = xp.zeros((*xi_all.shape[:-2], n, n), dtype=dtype, device=device_of(xi_all))
    for nu in range(xi_all.shape[-2]):
        w = storkey_step(w, xi_all[..., nu, :])
    return w


def storkey_step(weights: Array, pattern: Array) -> Array:
    r"""Learn one pattern with the Storkey rule: :math:`W^{\nu-1} \to W^\nu`.

    See :func:`storkey_weights` for the equations. ``weights`` is ``(..., N, N)`` with
    zero diagonal, ``pattern`` ``(..., N)``; returns the new ``(..., N, N)`` weights.
    """
    xp = namespace(weights, pattern)
    n = weights.shape[-1]
    xi = xp.astype(pattern, weights.dtype)
    g = xp.matmul(weights, xi[..., None])[..., 0]  # full field (the diagonal is zero)
    col_xi, row_xi = xi[..., :, None], xi[..., None, :]
    col_g, row_g = g[..., :, None], g[..., None, :]
    sq = xi * xi
    # Each term is symmetric elementwise (a + b == b + a in floating point), so the
    # weights stay exactly symmetric.
    k = STORKEY_LOCAL_FIELD
    if k == 1.0:  # Storkey's rule, in the original order of the floating-point sums
        delta = (col_xi * row_xi - (col_xi * row_g + col_g * row_xi)
                 + weights * (sq[..., :, None] + sq[..., None, :]))
    else:
        delta = col_xi * row_xi - k * ((col_xi * row_g + col_g * row_xi)
                                       - weights * (sq[..., :, None] + sq[..., None, :]))
    return weights + (delta * _off_diagonal(xp, n, weights)) / n


def pseudo_inverse_weights(patterns: Array, *, zero_diagonal: bool = False,
                           rcond: float | None = None) -> Array:
    r"""Pseudo-inverse (projection) weights :math:`W = \Xi^+ \Xi`.

    For linearly independent patterns (rows of :math:`\Xi`, shape :math:`P \times N`,
    :math:`P < N`) this is Personnaz, Guyon & Dreyfus' (1985) rule

    .. math::

        W = \Xi^\top \left(\Xi \Xi^\top\right)^{-1} \Xi ,

    the orthogonal projector onto the span of the patterns (no extra :math:`1/N`: the
    inverse of the correlation matrix :math:`C = \Xi \Xi^\top` already normalises it).
    Since :math:`W \xi^\mu = \xi^\mu` exactly, every pattern is a fixed point of
    :math:`s \leftarrow \operatorname{sgn}(W s)` with field :math:`h_i = \xi^\mu_i`,
    whatever the correlations between patterns (Kanter & Sompolinsky 1987).

    It is computed from the thin SVD :math:`\Xi = U S V^\top` as
    :math:`W = V_r V_r^\top` over the singular values above ``rcond`` times the largest,
    which is the same matrix for independent patterns, stays the Moore-Penrose projector
    for dependent ones, and avoids forming :math:`C^{-1}` (whose condition number is the
    square of :math:`\Xi`'s). The result is symmetrised exactly.

    Parameters
    ----------
    patterns
        ``(..., P, N)`` patterns (±1, or any real values).
    zero_diagonal
        Set :math:`W_{ii} = 0` (Kanter & Sompolinsky 1987). The field of a stored pattern
        becomes :math:`h_i = (1 - W_{ii}) \xi^\mu_i`, with :math:`0 \le W_{ii} \le 1`
        (diagonal of a projector, mean :math:`P/N`), so the patterns stay fixed points as
        long as every :math:`W_{ii} < 1`, i.e. no unit vector :math:`e_i` lies in the span
        of the patterns; the stability margin shrinks to :math:`1 - W_{ii}`. Without the
        diagonal the energy is again a Lyapunov function of asynchronous updates, and the
        self-coupling that stabilises spurious states is gone (larger basins, Kanter &
        Sompolinsky 1987). Default ``False``: the exact projector.
    rcond
        Relative cut-off for small singular values; default ``max(P, N) * eps``.

    Returns
    -------
    Array
        ``(..., N, N)`` symmetric weights.

    Examples
    --------
    The same correlated patterns as in :func:`storkey_weights`: all ten are fixed
    points, each with field exactly its own pattern, and :math:`W` projects onto a
    10-dimensional span (trace 10).

    >>> from engramlab.core import make_rng
    >>> xi = correlated_patterns(make_rng(0), 10, 100, 0.5)
    >>> w = pseudo_inverse_weights(xi)
    >>> int(fixed_point_mask(w, xi).sum()), round(float(w.trace()), 3)
    (10, 10.0)
    >>> float(field_residual(w, xi).max()) < 1e-12
    True
    """
    _check_patterns(patterns)
    xp = namespace(patterns)
    p, n = patterns.shape[-2:]
    dtype = patterns.dtype if xp.isdtype(patterns.dtype, "real floating") else xp.float64
    x = xp.astype(patterns, dtype)
    _, s, vh = xp.linalg.svd(x, full_matrices=False)  # s (..., K), vh (..., K, N)
    if rcond is None:
        rcond = max(p, n) * float(xp.finfo(dtype).eps)
    if not rcond >= 0:
        raise ParameterError("rcond", "must be >= 0", rcond)
    keep = xp.astype(s > rcond * xp.max(s, axis=-1, keepdims=True), dtype)
    v = xp.matrix_transpose(vh)  # (..., N, K)
    w = xp.matmul(v * keep[..., None, :], vh)
    w = (w + xp.matrix_transpose(w)) / 2
    if zero_diagonal:
        w = w * _off_diagonal(xp, n, w)
    return w


def pattern_fields(weights: Array, patterns: Array) -> Array:
    r"""Local fields :math:`h^\mu_i = \sum_j W_{ij} \xi^\mu_j` of each pattern, ``(..., P, N)``.

    ``weights`` is ``(..., N, N)`` (symmetric), ``patterns`` ``(..., P, N)``; leading
    dimensions broadcast.
    """
    xp = namespace(weights, patterns)
    return xp.matmul(patterns, weights)  # W symmetric: (W xi)^T = xi^T W


def fixed_point_mask(weights: Array, patterns: Array) -> Array:
    r"""Whether each pattern is a fixed point, :math:`\xi^\mu = \operatorname{sgn}(W \xi^\mu)`.

    Uses the seed's sign convention :math:`\operatorname{sgn}(0) = +1`, like
    :func:`engramlab.memory.hopfield.recall`. Shape ``(..., P)``, boolean.
    """
    xp = namespace(weights, patterns)
    h = pattern_fields(weights, patterns)
    one = xp.asarray(1.0, dtype=h.dtype)
    return xp.all(xp.where(h >= 0, one, -one) == patterns, axis=-1)


def field_residual(weights: Array, patterns: Array) -> Array:
    r"""Largest :math:`|h^\mu_i - \xi^\mu_i|` per pattern, shape ``(..., P)``.

    Zero up to rounding for the pseudo-inverse rule (:math:`W \xi^\mu = \xi^\mu`).
    """
    xp = namespace(weights, patterns)
    return xp.max(xp.abs(pattern_fields(weights, patterns) - patterns), axis=-1)


def crossing(x: np.ndarray, fraction: np.ndarray, level: float = 0.5) -> float:
    """Where ``fraction`` (decreasing along ``x``) first falls below ``level``.

    Linear interpolation between the last grid point at or above ``level`` and the first
    below it: the capacity criterion of the storage experiments (the load at which a
    stored pattern is recalled, or is a fixed point, with probability 1/2). NaN if the
    fraction never falls below ``level`` on the grid or starts below it.
    """
    if fraction[0] < level:
        return float("nan")
    return falls_below(x, fraction, level)


def correlated_patterns(rng: np.random.Generator, p: int, n: int, c: float) -> np.ndarray:
    """±1 patterns sharing a random parent: each bit is the parent's with prob (1 + c)/2.

    Two patterns then have mean overlap c**2 (independent patterns: 0). NumPy arrays,
    ``(p, n)``.
    """
    parent = rng.choice(np.array([-1.0, 1.0]), size=n)
    flips = rng.random((p, n)) < (1.0 - c) / 2.0
    return np.where(flips, -parent, parent)
