r"""Sparse patterns and the covariance rule (Tsodyks & Feigel'man 1988).

Neurons are 0/1 units :math:`V_i \in \{0, 1\}`; a pattern :math:`\xi^\mu \in \{0, 1\}^N`
has exactly :math:`K = \operatorname{round}(a N)` active units, :math:`a` being the
coding level. The covariance rule (M. V. Tsodyks & M. V. Feigel'man 1988, "The enhanced
storage capacity in neural networks with low activity level", Europhys. Lett. 6:101,
doi:10.1209/0295-5075/6/2/002) stores

.. math::

    J_{ij} = \frac{1}{a (1 - a) N} \sum_{\mu=1}^{P} (\xi^\mu_i - a)(\xi^\mu_j - a),
    \qquad J_{ii} = 0,

and the units follow :math:`V_i \leftarrow \Theta\left(\sum_j J_{ij} V_j - \theta\right)`
(synchronous updates, :math:`\Theta(x) = 1` for :math:`x > 0`). With this
normalisation a retrieved pattern gives field :math:`\approx 1 - a` on its active units
and :math:`\approx -a` on the others, and the cross-talk of the other patterns has
standard deviation :math:`\sqrt{\alpha a}` (:math:`\alpha = P / N`), so the threshold
:math:`\theta` sits between :math:`-a` and :math:`1 - a`.

Overlap of a state with a pattern, 1 for the pattern itself and about 0 for an
unrelated sparse state:

.. math::

    m^\mu = \frac{1}{a (1 - a) N} \sum_i (\xi^\mu_i - a) V_i .

Asymptotic capacity (Tsodyks & Feigel'man 1988, for :math:`a \to 0` with the best
threshold): :math:`\alpha_c \simeq 1 / (2 a \ln(1/a))`. The leading order follows from
the signal-to-noise ratio above: the :math:`(1-a)N` silent units must stay below
threshold with a false-alarm rate :math:`\ll a`, which needs a margin of
:math:`\sqrt{2 \ln(1/a)}` noise standard deviations, i.e.
:math:`1 / \sqrt{\alpha a} \gtrsim \sqrt{2 \ln(1/a)}`. The same expression is Gardner's
(1988) optimal capacity for sparse patterns, so the covariance rule is asymptotically
optimal; at finite :math:`a` the :math:`O(1)` margin needed by the active units lowers
the capacity well below the formula (convergence is slow in :math:`\ln(1/a)`).

Examples
--------
Every pattern is completed from three quarters of its active units:

>>> import numpy as np
>>> from engramlab.core import make_rng
>>> xi = sparse_patterns(make_rng(0), 20, 200, 0.1)  # 20 patterns, 20 of 200 units active
>>> cues = xi.copy()
>>> for k in range(20):  # silence 5 of the 20 active units of each pattern
...     cues[k, np.flatnonzero(xi[k])[:5]] = 0.0
>>> out = sparse_recall(covariance_weights(xi, 0.1), cues, threshold=0.4)
>>> bool((out.states == xi).all()), round(float(sparse_overlaps(xi, cues, 0.1)[0, 0]), 3)
(True, 0.75)
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from engramlab.core.arrays import asarray, device_of, namespace, to_numpy
from engramlab.core.errors import ParameterError

__all__ = [
    "COVARIANCE_OFFSET",
    "SparseRecall",
    "covariance_weights",
    "sparse_asymptotic_capacity",
    "sparse_overlaps",
    "sparse_patterns",
    "sparse_recall",
]

Array = Any

#: Offset of the covariance rule in units of the coding level: the rule subtracts
#: ``COVARIANCE_OFFSET * a`` from each 0/1 pattern bit (1.0: Tsodyks & Feigel'man's
#: :math:`\xi - a`). Read at run time by :func:`covariance_weights`, so the mutation
#: test can set 0.0 (the plain Hebb rule on 0/1 units, whose mean field swamps the signal
#: at low coding level).
COVARIANCE_OFFSET: float = 1.0


class SparseRecall(NamedTuple):
    """Outcome of :func:`sparse_recall`.

    Attributes
    ----------
    states
        Final 0/1 states, ``(B, N)``.
    steps
        Synchronous steps until the state stopped changing (``max_steps`` if never), ``(B,)``.
    converged
        Whether the final state is a fixed point, ``(B,)``.

    Examples
    --------
    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> xi = sparse_patterns(make_rng(0), 20, 200, 0.1)
    >>> out = sparse_recall(covariance_weights(xi, 0.1), xi, threshold=0.4)
    >>> out.states.shape, out.steps.tolist()[:3], bool(out.converged.all())  # stored: 1 step
    ((20, 200), [1, 1, 1], True)
    """

    states: Array
    steps: Array
    converged: Array


def _check_level(a: float) -> None:
    if not 0.0 < a < 1.0:
        raise ParameterError("coding_level", "must be > 0 and < 1", a)


def sparse_patterns(rng: np.random.Generator, n_patterns: int, n_neurons: int,
                    coding_level: float) -> np.ndarray:
    """``(P, N)`` 0/1 patterns, each with exactly ``round(a N)`` (at least 1) active units.

    A fixed number of active units per pattern (instead of independent Bernoulli(a)
    units, as in Tsodyks & Feigel'man 1988) removes the fluctuation of the pattern size,
    a pure finite-size effect. Drawn with NumPy (same numbers on every backend).

    Parameters
    ----------
    rng
        NumPy generator.
    n_patterns, n_neurons
        :math:`P` and :math:`N`.
    coding_level
        :math:`a`, between 0 and 1 (exclusive).

    Returns
    -------
    numpy.ndarray
        ``(P, N)`` float array of 0 and 1.

    Examples
    --------
    >>> from engramlab.core import make_rng
    >>> xi = sparse_patterns(make_rng(0), 3, 50, 0.1)
    >>> xi.shape, xi.sum(axis=1).tolist()
    ((3, 50), [5.0, 5.0, 5.0])
    """
    _check_level(coding_level)
    k = max(1, round(coding_level * n_neurons))
    order = np.argsort(rng.random((n_patterns, n_neurons)), axis=1)[:, :k]
    out = np.zeros((n_patterns, n_neurons))
    np.put_along_axis(out, order, 1.0, axis=1)
    return out


def covariance_weights(patterns: Array, coding_level: float) -> Array:
    r"""Covariance-rule weights :math:`J = (\Xi - a)^\top (\Xi - a) / (a (1-a) N)`, zero diagonal.

    Parameters
    ----------
    patterns
        ``(..., P, N)`` 0/1 patterns.
    coding_level
        :math:`a`, the fraction of active units the patterns were drawn with.

    Returns
    -------
    Array
        ``(..., N, N)`` symmetric weights (dimensionless).

    Examples
    --------
    A stored pattern gets a field near :math:`1 - a` on its active units and near
    :math:`-a` on the silent ones (here 20 patterns, :math:`a = 0.1`, plus cross-talk):

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> xi = sparse_patterns(make_rng(0), 20, 200, 0.1)
    >>> J = covariance_weights(xi, 0.1)
    >>> bool((J == J.T).all()), float(np.abs(J.diagonal()).max())
    (True, 0.0)
    >>> h = J @ xi[0]
    >>> round(float(h[xi[0] == 1].mean()), 3), round(float(h[xi[0] == 0].mean()), 3)
    (0.842, -0.108)
    """
    _check_level(coding_level)
    xp = namespace(patterns)
    if patterns.ndim < 2:
        raise ParameterError("patterns", "must have shape (..., P, N)", tuple(patterns.shape))
    n = patterns.shape[-1]
    y = patterns - COVARIANCE_OFFSET * coding_level
    w = xp.matmul(xp.matrix_transpose(y), y) / (coding_level * (1.0 - coding_level) * n)
    dev = device_of(w)
    return w * (xp.ones((n, n), dtype=w.dtype, device=dev) - xp.eye(n, dtype=w.dtype, device=dev))


def sparse_overlaps(patterns: Array, states: Array, coding_level: float) -> Array:
    r"""Overlaps :math:`m^\mu = \sum_i (\xi^\mu_i - a) V_i / (a(1-a)N)`, shape ``(B, P)``."""
    _check_level(coding_level)
    xp = namespace(patterns, states)
    n = patterns.shape[-1]
    return xp.matmul(states, xp.matrix_transpose(patterns - coding_level)) / (
        coding_level * (1.0 - coding_level) * n)


def sparse_recall(weights: Array, cues: Array, threshold: float, *,
                  max_steps: int = 50) -> SparseRecall:
    r"""Synchronous threshold dynamics :math:`V \leftarrow \Theta(J V - \theta)` for a batch.

    Every cue of the batch advances together (one matrix product per step); cues that
    reached a fixed point keep their state. Synchronous updates can end in 2-cycles;
    such cues report ``converged = False``.

    Parameters
    ----------
    weights
        ``(N, N)`` symmetric weights, e.g. :func:`covariance_weights`.
    cues
        ``(B, N)`` initial 0/1 states.
    threshold
        :math:`\theta` (dimensionless, in units of the normalised field).
    max_steps
        Upper bound on synchronous steps.

    Returns
    -------
    SparseRecall
        Final states, steps taken and convergence of each cue.

    Examples
    --------
    A threshold between :math:`-a` and :math:`1 - a` completes the partial cues:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> xi = sparse_patterns(make_rng(0), 20, 200, 0.1)  # 20 patterns, 20 of 200 units active
    >>> cues = xi.copy()
    >>> for k in range(20):  # silence 5 of the 20 active units of each pattern
    ...     cues[k, np.flatnonzero(xi[k])[:5]] = 0.0
    >>> out = sparse_recall(covariance_weights(xi, 0.1), cues, threshold=0.4)
    >>> float((out.states == xi).all(axis=1).mean()), int(out.steps.max())
    (1.0, 3)
    """
    if max_steps < 1:
        raise ParameterError("max_steps", "must be >= 1", max_steps)
    if not math.isfinite(threshold):
        raise ParameterError("threshold", "must be a finite number", threshold)
    xp = namespace(weights, cues)
    states = cues
    batch = cues.shape[0]
    steps = np.full(batch, max_steps)
    done = np.zeros(batch, dtype=bool)
    one = xp.asarray(1.0, dtype=cues.dtype)
    zero = xp.asarray(0.0, dtype=cues.dtype)
    for t in range(max_steps):
        new = xp.where(xp.matmul(states, weights) > threshold, one, zero)
        changed = to_numpy(xp.any(new != states, axis=1))
        steps[~changed & ~done] = t + 1
        done |= ~changed
        states = xp.where(asarray(done[:, None], xp), states, new)
        if done.all():
            break
    return SparseRecall(states, asarray(steps, xp), asarray(done, xp))


def sparse_asymptotic_capacity(coding_level: float | np.ndarray) -> np.ndarray:
    r"""Tsodyks & Feigel'man's (1988) :math:`a \to 0` capacity :math:`1 / (2 a \ln(1/a))`."""
    a = np.asarray(coding_level, dtype=float)
    if np.any((a <= 0) | (a >= 1)):
        raise ParameterError("coding_level", "must be > 0 and < 1", coding_level)
    return 1.0 / (2.0 * a * np.log(1.0 / a))
