r"""Modern continuous Hopfield network (Ramsauer et al. 2021), batched and backend-neutral.

Ramsauer, Schäfl, Lehner, Seidl, Widrich, Adler, Gruber, Holzleitner, Pavlović,
Sandve, Greiff, Kreil, Kopp, Klambauer, Brandstetter & Hochreiter, "Hopfield Networks
is All You Need", ICLR 2021 (arXiv:2008.02217). The :math:`N` stored patterns are the
columns of :math:`X = (x_1, \dots, x_N) \in \mathbb{R}^{d \times N}`; here, as everywhere
in :mod:`engramlab.memory`, they are passed as rows, ``patterns`` ``(N, d)``. A state
(query) :math:`\xi \in \mathbb{R}^d` has the energy (their eq. 2)

.. math::

    E(\xi) = -\operatorname{lse}(\beta, X^\top \xi) + \tfrac12 \xi^\top \xi
             + \beta^{-1} \log N + \tfrac12 M^2, \qquad
    \operatorname{lse}(\beta, z) = \beta^{-1} \log \sum_{i=1}^N e^{\beta z_i},

with :math:`M = \max_i \lVert x_i \rVert` (the two constants make :math:`E \ge 0` on the
patterns' convex hull), and the update rule (their eq. 3)

.. math::

    \xi^{\text{new}} = X \operatorname{softmax}(\beta X^\top \xi).

Properties used by :mod:`engramlab.experiments.memory.modern_hopfield` (Ramsauer et al. 2021,
sec. 2 and theorems 1-5):

- the update is the concave-convex procedure for :math:`E`, so :math:`E` never
  increases and the iteration converges to a fixed point (theorems 1-2);
- if pattern :math:`x_i` is well separated from the others,
  :math:`\Delta_i = x_i^\top x_i - \max_{j \ne i} x_i^\top x_j`
  :math:`\ge \frac{2}{\beta N} + \frac{1}{\beta} \log(2 (N-1) N \beta M^2)`, a query
  near it is retrieved after **one** update with an error exponentially small in
  :math:`\beta \Delta_i` (theorems 3-5): one update typically converges;
- :math:`\beta \to 0`: the softmax becomes uniform and one update gives the mean of
  all patterns (a global fixed point); :math:`\beta \to \infty`: it becomes the argmax
  and gives the pattern of largest :math:`x_i^\top \xi` (the nearest one for patterns of
  equal norm);
- in between, patterns that are not separated from each other share one
  **metastable state** near the mean of their subset; the softmax then spreads over that
  subset (measured by the effective number of patterns
  :math:`N_{\text{eff}} = 1 / \sum_i p_i^2`).

The softmax and log-sum-exp subtract the largest logit, so any finite :math:`\beta`
(``1e300`` included) gives finite numbers.

Examples
--------
>>> import numpy as np
>>> x = np.array([[1.0, 1.0, -1.0], [-1.0, 1.0, 1.0]])
>>> q = np.array([[0.9, 1.0, -0.8]])
>>> np.round(modern_update(x, q, beta=50.0), 6).tolist()
[[1.0, 1.0, -1.0]]
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from engramlab.core.arrays import asarray, device_of, namespace, to_numpy
from engramlab.core.errors import ParameterError

__all__ = [
    "ModernRecall",
    "effective_patterns",
    "lse",
    "modern_energy",
    "modern_recall",
    "modern_update",
    "separation",
    "softmax",
]

Array = Any


class ModernRecall(NamedTuple):
    """Outcome of :func:`modern_recall`.

    Attributes
    ----------
    states
        Final states, ``(B, d)``.
    steps
        Updates until the largest change fell below ``tol`` (``max_steps`` if never),
        ``(B,)``.
    converged
        Whether that happened, ``(B,)``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 1.0, -1.0], [-1.0, 1.0, 1.0]])
    >>> out = modern_recall(x, np.array([[0.9, 1.0, -0.8]]), beta=50.0)
    >>> out.states.round(6).tolist(), out.steps.tolist(), out.converged.tolist()
    ([[1.0, 1.0, -1.0]], [2], [True])
    """

    states: Array
    steps: Array
    converged: Array


def _check_beta(beta: float) -> float:
    beta = float(beta)
    if not (beta > 0 and np.isfinite(beta)):
        raise ParameterError("beta", "must be a finite number > 0", beta)
    return beta


def _logits(patterns: Array, states: Array, beta: float) -> Array:
    xp = namespace(patterns, states)
    if patterns.ndim != 2:
        raise ParameterError("patterns", "must have shape (N, d)", tuple(patterns.shape))
    if states.shape[-1] != patterns.shape[-1]:
        raise ParameterError("states", f"must have d = {patterns.shape[-1]} components",
                             tuple(states.shape))
    return _check_beta(beta) * xp.matmul(states, xp.matrix_transpose(patterns))


def softmax(z: Array, axis: int = -1) -> Array:
    r"""Numerically stable softmax :math:`p_i = e^{z_i - \max z} / \sum_j e^{z_j - \max z}`."""
    xp = namespace(z)
    e = xp.exp(z - xp.max(z, axis=axis, keepdims=True))
    return e / xp.sum(e, axis=axis, keepdims=True)


def lse(beta: float, z: Array, axis: int = -1) -> Array:
    r"""Log-sum-exp :math:`\beta^{-1} \log \sum_i e^{\beta z_i}`, stable for any finite β."""
    xp = namespace(z)
    beta = _check_beta(beta)
    m = xp.max(z, axis=axis, keepdims=True)
    s = xp.sum(xp.exp(beta * (z - m)), axis=axis)
    return xp.squeeze(m, axis=axis) + xp.log(s) / beta


def modern_update(patterns: Array, states: Array, beta: float) -> Array:
    r"""One update :math:`\xi^{\text{new}} = X \operatorname{softmax}(\beta X^\top \xi)`.

    Parameters
    ----------
    patterns
        Stored patterns :math:`x_i` as rows, ``(N, d)``.
    states
        Queries :math:`\xi`, ``(..., B, d)``.
    beta
        Inverse temperature :math:`\beta > 0` (unit: 1 / pattern-component², i.e. the
        inverse of the unit of :math:`x^\top \xi`).

    Returns
    -------
    Array
        The updated states, ``(..., B, d)``: convex combinations of the patterns.

    Examples
    --------
    Large :math:`\beta` retrieves the nearest pattern, small :math:`\beta` gives the mean
    of all patterns, and in between the state is a blend:

    >>> import numpy as np
    >>> x = np.array([[1.0, 1.0, -1.0], [-1.0, 1.0, 1.0]])
    >>> q = np.array([[0.9, 1.0, -0.8]])
    >>> modern_update(x, q, beta=50.0).round(3).tolist()
    [[1.0, 1.0, -1.0]]
    >>> modern_update(x, q, beta=1.0).round(3).tolist()
    [[0.935, 1.0, -0.935]]
    >>> bool(np.allclose(modern_update(x, q, beta=1e-9), x.mean(axis=0)))
    True
    """
    xp = namespace(patterns, states)
    return xp.matmul(softmax(_logits(patterns, states, beta)), patterns)


def modern_energy(patterns: Array, states: Array, beta: float) -> Array:
    r"""Energy :math:`E(\xi)` of Ramsauer et al. (2021, eq. 2) for each query, ``(..., B)``.

    Parameters
    ----------
    patterns
        ``(N, d)`` stored patterns.
    states
        ``(..., B, d)`` states.
    beta
        Inverse temperature :math:`\beta > 0`.

    Returns
    -------
    Array
        ``(..., B)`` energies, :math:`\ge 0` on the convex hull of the patterns.

    Examples
    --------
    An update never raises the energy (the concave-convex procedure):

    >>> import numpy as np
    >>> x = np.array([[1.0, 1.0, -1.0], [-1.0, 1.0, 1.0]])
    >>> q = np.array([[0.9, 1.0, -0.8]])
    >>> e0 = modern_energy(x, q, 1.0)
    >>> e1 = modern_energy(x, modern_update(x, q, 1.0), 1.0)
    >>> round(float(e0[0]), 3), round(float(e1[0]), 3), bool(e1[0] <= e0[0])
    (0.685, 0.674, True)
    """
    xp = namespace(patterns, states)
    beta = _check_beta(beta)
    n = patterns.shape[0]
    m2 = xp.max(xp.sum(patterns * patterns, axis=-1))
    z = xp.matmul(states, xp.matrix_transpose(patterns))
    return (-lse(beta, z) + 0.5 * xp.sum(states * states, axis=-1)
            + float(np.log(n)) / beta + 0.5 * m2)


def effective_patterns(patterns: Array, states: Array, beta: float) -> Array:
    r"""Effective number of patterns in the softmax, :math:`1 / \sum_i p_i^2`, ``(..., B)``.

    1 when one pattern is retrieved, :math:`k` when the softmax is uniform over a subset
    of :math:`k` patterns (a metastable state), :math:`N` at :math:`\beta \to 0`.
    """
    xp = namespace(patterns, states)
    p = softmax(_logits(patterns, states, beta))
    return 1.0 / xp.sum(p * p, axis=-1)


def separation(patterns: Array) -> Array:
    r"""Separation :math:`\Delta_i = x_i^\top x_i - \max_{j \ne i} x_i^\top x_j`, ``(N,)``."""
    xp = namespace(patterns)
    g = xp.matmul(patterns, xp.matrix_transpose(patterns))
    n = patterns.shape[0]
    eye = xp.eye(n, dtype=xp.bool, device=device_of(patterns))
    diag = xp.sum(xp.where(eye, g, 0.0), axis=1)
    others = xp.max(xp.where(eye, -xp.inf, g), axis=1)
    return diag - others


def modern_recall(patterns: Array, queries: Array, beta: float, *, max_steps: int = 100,
                  tol: float = 1e-12) -> ModernRecall:
    r"""Iterate :func:`modern_update` until :math:`\max_k |\Delta \xi_k| \le` ``tol``.

    Parameters
    ----------
    patterns
        ``(N, d)`` stored patterns.
    queries
        ``(B, d)`` initial states.
    beta
        Inverse temperature.
    max_steps
        Upper bound on updates.
    tol
        Convergence threshold on the largest component change (units of the patterns).

    Returns
    -------
    ModernRecall
        Final states, updates taken and convergence of each query.

    Examples
    --------
    Twenty random ±1 patterns of 64 components, each cued with a quarter of its
    components flipped, are retrieved within a few updates:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> x = make_rng(0).choice(np.array([-1.0, 1.0]), size=(20, 64))
    >>> cues = x.copy()
    >>> cues[:, :16] *= -1
    >>> out = modern_recall(x, cues, beta=0.5)
    >>> bool(out.converged.all()), int(out.steps.max()), bool(np.abs(out.states - x).max() < 1e-6)
    (True, 4, True)
    """
    xp = namespace(patterns, queries)
    if max_steps < 1:
        raise ParameterError("max_steps", "must be >= 1", max_steps)
    if not tol >= 0:
        raise ParameterError("tol", "must be >= 0", tol)
    states = queries
    batch = states.shape[0]
    steps = np.full(batch, max_steps)
    done = np.zeros(batch, dtype=bool)
    for t in range(max_steps):
        new = modern_update(patterns, states, beta)
        change = to_numpy(xp.max(xp.abs(new - states), axis=-1))
        states = xp.where(asarray(done[:, None], xp), states, new)
        newly = (change <= tol) & ~done
        steps[newly] = t + 1
        done |= newly
        if done.all():
            break
    return ModernRecall(states, asarray(steps, xp), asarray(done, xp))
