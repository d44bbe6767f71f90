r"""Bidirectional associative memory (BAM; Kosko 1988), batched and backend-neutral.

Two layers of bipolar units, :math:`x \in \{-1, +1\}^n` (e.g. a song) and
:math:`y \in \{-1, +1\}^m` (the scene it recalls), store ``P`` pairs
:math:`(x^k, y^k)` in one correlation matrix (B. Kosko, 1988, IEEE Trans. Syst. Man
Cybern. 18(1):49-60, doi:10.1109/21.87054)

.. math::

    W = \sum_{k=1}^{P} y^k (x^k)^\top \qquad (m \times n).

Recall bounces between the layers until nothing changes,

.. math::

    y \leftarrow \theta(W x;\, y), \qquad x \leftarrow \theta(W^\top y;\, x), \qquad
    \theta(h; s)_i = \begin{cases} +1 & h_i > 0 \\ s_i & h_i = 0 \\ -1 & h_i < 0
    \end{cases}

(a unit with zero input keeps its state, as in Kosko 1988). The energy

.. math::

    E(x, y) = -y^\top W x

never increases: each half-step sets every unit of one layer to the state that
minimises :math:`E` given the other layer, and strictly lowers it whenever a unit
changes. :math:`E` is bounded below, so every BAM, whatever ``W``, reaches a
bidirectionally stable pair (Kosko's theorem). A stored pair is stable when the
crosstalk of the other pairs is weaker than its own signal; for orthogonal
:math:`x^k` and orthogonal :math:`y^k` it is exactly :math:`W x^k = n\, y^k`, so every
stored pair is a fixed point.

Capacity note: for random pairs the first half-step from :math:`x^k` gives
:math:`(W x^k)_j = n\,y^k_j + \text{crosstalk}`, the crosstalk being a sum of
``(P - 1) n`` random ±1 terms; the bit error is about
:math:`\Phi(-\sqrt{n / (P - 1)})` for the ``y`` layer and
:math:`\Phi(-\sqrt{m / (P - 1)})` for the ``x`` layer, so reliable storage of random
pairs needs ``P`` well below the smaller layer size (this signal-to-noise estimate is
the classical one for correlation-matrix memories; the storage capacity of the BAM is
derived by statistical mechanics in Kurchan, Peliti & Saber 1994, J. Phys. I France
4:1627, and Shouno, Kido & Okada 2004, arXiv:cond-mat/0402126).

All functions take batches ``(B, n)`` / ``(B, m)`` of cues and are written against the
array namespace of their inputs.

Examples
--------
>>> import numpy as np
>>> x = np.array([[1, 1, 1, 1], [1, -1, 1, -1]], dtype=float)
>>> y = np.array([[1, -1], [1, 1]], dtype=float)
>>> out = recall(bam_weights(x, y), x)
>>> bool((out.y == y).all()), out.converged.tolist()
(True, [True, True])
"""

from __future__ import annotations

import functools
from typing import Any, Literal, NamedTuple

import numpy as np

from engramlab.core.arrays import asarray, namespace, to_numpy
from engramlab.core.errors import ParameterError

__all__ = [
    "BINARY_STORAGE",
    "BAMRecall",
    "backward",
    "bam_energy",
    "bam_weights",
    "first_pass_accuracy",
    "first_pass_spread",
    "forward",
    "recall",
    "recall_pair",
    "threshold",
]

Array = Any

#: Coding of the stored vectors in :func:`bam_weights`: 0.0 stores Kosko's bipolar
#: vectors as they are; 1.0 stores their binary forms :math:`(x + 1) / 2` (the coding
#: Kosko 1988 shows to be worse: its correlation matrix carries a large common term).
#: Read at run time, so the mutation test can break the coding.
BINARY_STORAGE: float = 0.0


class BAMRecall(NamedTuple):
    """Outcome of BAM recall for a batch of cues.

    Attributes
    ----------
    x, y
        Final states of the two layers, ``(B, n)`` and ``(B, m)``.
    iterations
        Full back-and-forth iterations in which the pair still changed, ``(B,)``.
    converged
        Whether the final pair is bidirectionally stable, ``(B,)``.
    energy
        :math:`E(x, y)` of each cue after every half-step, starting with the initial
        pair, shape ``(2 T + 1, B)`` for ``T`` iterations run (rows after a cue
        converged repeat its final energy).
    """

    x: Array
    y: Array
    iterations: Array
    converged: Array
    energy: Array


def bam_weights(x_patterns: Array, y_patterns: Array) -> Array:
    r"""Kosko's correlation matrix :math:`W = \sum_k y^k (x^k)^\top = Y^\top X`, ``(m, n)``.

    Parameters
    ----------
    x_patterns
        :math:`x^k`, shape ``(P, n)``, values ±1.
    y_patterns
        :math:`y^k`, shape ``(P, m)``, values ±1.

    Returns
    -------
    Array
        ``(m, n)`` weights from the ``x`` layer to the ``y`` layer (the ``y`` to ``x``
        direction uses the transpose).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1, 1, 1, 1], [1, -1, 1, -1]], dtype=float)
    >>> y = np.array([[1, -1], [1, 1]], dtype=float)
    >>> bam_weights(x, y).tolist()
    [[2.0, 0.0, 2.0, 0.0], [0.0, -2.0, 0.0, -2.0]]
    """
    xp = namespace(x_patterns, y_patterns)
    if x_patterns.ndim != 2 or y_patterns.ndim != 2:
        raise ParameterError("patterns", "must have shapes (P, n) and (P, m)",
                             (tuple(x_patterns.shape), tuple(y_patterns.shape)))
    if x_patterns.shape[0] != y_patterns.shape[0]:
        raise ParameterError("patterns", "x and y must hold the same number of pairs",
                             (x_patterns.shape[0], y_patterns.shape[0]))
    b = BINARY_STORAGE
    if b:  # (1 - b / 2) s + b / 2: the bipolar s at b = 0, (s + 1) / 2 at b = 1
        x_patterns = (1.0 - b / 2) * x_patterns + b / 2
        y_patterns = (1.0 - b / 2) * y_patterns + b / 2
    return xp.matmul(xp.permute_dims(y_patterns, (1, 0)), x_patterns)


def threshold(h: Array, previous: Array) -> Array:
    """Kosko's bipolar threshold: +1 where ``h > 0``, -1 where ``h < 0``, else unchanged."""
    xp = namespace(h, previous)
    one = xp.asarray(1.0, dtype=h.dtype)
    return xp.where(h > 0, one, xp.where(h < 0, -one, previous))


def bam_energy(weights: Array, x: Array, y: Array) -> Array:
    r"""Energy :math:`E(x, y) = -y^\top W x` of each pair in the batch, shape ``(B,)``.

    Parameters
    ----------
    weights
        ``(m, n)`` matrix of :func:`bam_weights`.
    x, y
        ``(B, n)`` and ``(B, m)`` states of the two layers.

    Returns
    -------
    Array
        ``(B,)`` energies; every half-step of recall leaves it equal or lower.

    Examples
    --------
    The stored pairs lie at the bottom, and recall from a one-bit-off cue only goes down:

    >>> import numpy as np
    >>> x = np.array([[1, 1, 1, 1], [1, -1, 1, -1]], dtype=float)
    >>> y = np.array([[1, -1], [1, 1]], dtype=float)
    >>> w = bam_weights(x, y)
    >>> bam_energy(w, x, y).tolist(), bam_energy(w, x, -y).tolist()
    ([-8.0, -8.0], [8.0, 8.0])
    >>> recall(w, np.array([[1.0, -1, 1, 1]])).energy[:, 0].tolist()
    [-4.0, -4.0, -8.0, -8.0, -8.0]
    """
    xp = namespace(weights, x, y)
    return -xp.sum(y * xp.matmul(x, xp.permute_dims(weights, (1, 0))), axis=-1)


def forward(weights: Array, x: Array, y_previous: Array | None = None) -> Array:
    r"""Half-step :math:`y = \theta(W x;\, y_{prev})`; with no previous ``y``, ties give +1."""
    xp = namespace(weights, x)
    h = xp.matmul(x, xp.permute_dims(weights, (1, 0)))
    if y_previous is None:
        y_previous = xp.ones_like(h)
    return threshold(h, y_previous)


def backward(weights: Array, y: Array, x_previous: Array | None = None) -> Array:
    r"""Half-step :math:`x = \theta(W^\top y;\, x_{prev})`; with no previous ``x``, ties give +1."""
    xp = namespace(weights, y)
    h = xp.matmul(y, weights)
    if x_previous is None:
        x_previous = xp.ones_like(h)
    return threshold(h, x_previous)


def recall_pair(weights: Array, x: Array, y: Array, *, max_iterations: int = 100) -> BAMRecall:
    """Iterate ``y <- theta(W x; y)``, ``x <- theta(W^T y; x)`` from the pair ``(x, y)``.

    Stops when no cue of the batch changes in a full iteration, or after
    ``max_iterations``. Cues that stopped keep their state (they are fixed points).
    """
    xp = namespace(weights, x, y)
    if max_iterations < 1:
        raise ParameterError("max_iterations", "must be >= 1", max_iterations)
    m, n = weights.shape
    if x.ndim != 2 or x.shape[1] != n or y.ndim != 2 or y.shape[1] != m \
            or x.shape[0] != y.shape[0]:
        raise ParameterError("cues", f"must have shapes (B, {n}) and (B, {m})",
                             (tuple(x.shape), tuple(y.shape)))
    batch = x.shape[0]
    iterations = np.zeros(batch, dtype=np.int64)
    done = np.zeros(batch, dtype=bool)
    energies = [bam_energy(weights, x, y)]
    for _ in range(max_iterations):
        y_new = forward(weights, x, y)
        energies.append(bam_energy(weights, x, y_new))
        x_new = backward(weights, y_new, x)
        energies.append(bam_energy(weights, x_new, y_new))
        changed = to_numpy(xp.any(y_new != y, axis=1) | xp.any(x_new != x, axis=1))
        changed = np.asarray(changed, dtype=bool)
        iterations[changed] += 1
        done = ~changed
        x, y = x_new, y_new
        if done.all():
            break
    return BAMRecall(x, y, asarray(iterations, xp), asarray(done, xp),
                     xp.stack(energies, axis=0))


def recall(weights: Array, cue: Array, *, direction: Literal["x_to_y", "y_to_x"] = "x_to_y",
           max_iterations: int = 100) -> BAMRecall:
    """Recall the partner of each cue, bouncing between the layers until stable.

    Parameters
    ----------
    weights
        ``(m, n)`` matrix of :func:`bam_weights`.
    cue
        ``(B, n)`` states of the ``x`` layer (``direction="x_to_y"``) or ``(B, m)`` of the
        ``y`` layer (``"y_to_x"``), values ±1.
    direction
        Which layer is cued. The first half-step computes the other layer with ties
        set to +1 (it has no previous state); then :func:`recall_pair` runs.
    max_iterations
        Upper bound on back-and-forth iterations.

    Returns
    -------
    BAMRecall
        Always with ``x`` the ``n``-layer and ``y`` the ``m``-layer.
    """
    xp = namespace(weights, cue)
    single = cue.ndim == 1
    if single:
        cue = xp.reshape(cue, (1, -1))
    if direction == "x_to_y":
        out = recall_pair(weights, cue, forward(weights, cue), max_iterations=max_iterations)
    elif direction == "y_to_x":
        wt = xp.permute_dims(weights, (1, 0))
        back = recall_pair(wt, cue, forward(wt, cue), max_iterations=max_iterations)
        # The transposed problem has the same energy; swap the layers back.
        out = BAMRecall(back.y, back.x, back.iterations, back.converged, back.energy)
    else:
        raise ParameterError("direction", "must be one of 'x_to_y', 'y_to_x'", direction)
    if single:
        return BAMRecall(out.x[0, ...], out.y[0, ...], out.iterations, out.converged,
                         out.energy[:, 0])
    return out


def first_pass_accuracy(n_cue: int, n_pairs: int, noise: float | np.ndarray, *,
                        power: int = 1) -> np.ndarray:
    r"""Signal-to-noise prediction of the bit accuracy of the first half-step.

    A cue :math:`\tilde x` with a fraction :math:`\rho` of its ``n`` bits flipped drives
    bit ``j`` of the partner layer with the field
    :math:`y^k_j\, n (1 - 2\rho) + \eta_j`, with the crosstalk
    :math:`\eta_j = \sum_{l \ne k} y^l_j\, c_l` of the other ``P - 1`` random pairs,
    :math:`c_l = x^l \cdot \tilde x \approx \mathcal N(0, n)`. The :math:`c_l` are
    shared by all bits of one cue, so given the cue :math:`\eta_j` is Gaussian with
    variance :math:`n u`, :math:`u = \sum_l c_l^2 / n \sim \chi^2_{P - 1}`, and

    .. math::

        \Pr(\text{bit correct}) = \mathbb E_{u \sim \chi^2_{P-1}}
        \left[\Phi\!\left((1 - 2\rho)\sqrt{n / u}\right)\right],

    which for many pairs tends to the textbook :math:`\Phi((1-2\rho)\sqrt{n/(P-1)})`
    and is larger in the tail for few pairs (Jensen). Ties (fields of 0, resolved to
    +1) count as half right, the continuity-corrected value on the lattice of even
    fields. For ``P = 1`` it is 1 below :math:`\rho = 1/2`.
    """
    rho = np.asarray(noise, dtype=float)
    if n_pairs == 1:
        return np.where(rho < 0.5, 1.0, np.where(rho == 0.5, 0.5, 0.0))
    return np.vectorize(lambda r: _first_pass_one(int(n_cue), int(n_pairs) - 1, float(r),
                                                  int(power)), otypes=[float])(rho)


@functools.lru_cache(maxsize=4096)
def _first_pass_one(n_cue: int, dof: int, r: float, power: int) -> float:
    """One noise level of :func:`first_pass_accuracy`, by quadrature.

    Remembered: the targets of both presets and the metrics ask for the same values.
    """
    from scipy import integrate, stats
    from scipy.special import ndtr

    if r == 0.5:
        return 0.5 ** power
    f = lambda u: ndtr((1.0 - 2.0 * r) * np.sqrt(n_cue / u)) ** power \
        * stats.chi2.pdf(u, dof)  # noqa: E731
    return float(integrate.quad(f, 0.0, np.inf, epsabs=1e-13, epsrel=1e-10, limit=200)[0])


def first_pass_spread(n_cue: int, n_pairs: int, noise: float | np.ndarray) -> np.ndarray:
    r"""Standard deviation, across cues, of the first-pass accuracy given the crosstalk norm.

    :math:`\sqrt{\mathbb E[a(u)^2] - \mathbb E[a(u)]^2}` with
    :math:`a(u) = \Phi((1 - 2\rho)\sqrt{n/u})`, :math:`u \sim \chi^2_{P-1}` (see
    :func:`first_pass_accuracy`). The norm ``u`` of a cue is mostly fixed by the pair it
    comes from, so a mean over cues of ``P`` pairs has about ``P`` independent draws.
    """
    rho = np.asarray(noise, dtype=float)
    if n_pairs == 1:
        return np.zeros_like(rho)
    mean = first_pass_accuracy(n_cue, n_pairs, rho)
    second = first_pass_accuracy(n_cue, n_pairs, rho, power=2)
    return np.sqrt(np.maximum(second - mean * mean, 0.0))
