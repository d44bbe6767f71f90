r"""Lesions: remove synapses or neurons from a network's weight matrix.

A lesion is a frozen description (:class:`Lesion`) and a pure function applying it
(:func:`apply_lesion`) to a weight matrix with an explicit random generator. The input
is never modified; the result is a new matrix in the same array namespace.

Synapse lesion (random dilution)
    A fraction :math:`f` of the existing synapses is deleted, :math:`W_{ij} \to 0`.
    With ``symmetric=True`` (the default) the synapses of a square matrix are deleted
    in pairs :math:`(i, j), (j, i)`, so a symmetric matrix stays symmetric and the
    Hopfield energy remains a Lyapunov function (Hopfield 1982). This is the
    symmetric random dilution of Sompolinsky (1986, Phys. Rev. A 34:2571): the
    remaining connectivity is :math:`c = 1 - f`. With ``symmetric=False`` each
    directed synapse is deleted independently (asymmetric dilution, Derrida, Gardner
    & Zippelius 1987, Europhys. Lett. 4:167), which breaks the symmetry.
Neuron lesion (silencing)
    A fraction :math:`f` of the units is removed: their rows (inputs) and, for a
    square matrix, their columns (outputs) are set to zero, so they neither receive
    nor send anything. For a rectangular matrix ``(K, N)`` the units are the ``K``
    rows (e.g. the item units of a localist memory).

The number removed is exact, :math:`\operatorname{round}(f\,M)` of the :math:`M`
candidates (off-diagonal pairs, directed off-diagonal synapses, or units), drawn
without replacement, so the fraction removed is the requested one up to rounding.
Only the candidates are counted: the diagonal of a square matrix (zero in a Hopfield
network) is never a candidate and is left as it is.

Example
-------
>>> import numpy as np
>>> from engramlab.core import make_rng
>>> w = np.ones((4, 4)) - np.eye(4)
>>> out = apply_lesion(w, Lesion("synapses", 0.5), make_rng(0))
>>> int((out.weights == 0).sum() - 4), bool((out.weights == out.weights.T).all())
(6, True)
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Literal, NamedTuple

import numpy as np

from engramlab.core.arrays import asarray, namespace
from engramlab.core.errors import ParameterError

__all__ = ["Lesion", "Lesioned", "apply_lesion", "lesion_mask"]

Array = Any
LesionKind = Literal["synapses", "neurons"]


@dataclasses.dataclass(frozen=True)
class Lesion:
    """What to remove: a fraction of the synapses or of the neurons.

    Parameters
    ----------
    kind
        ``"synapses"`` (delete connections) or ``"neurons"`` (silence units).
    fraction
        Fraction :math:`f \\in [0, 1]` of the candidates removed (dimensionless).
    symmetric
        For synapse lesions of a square matrix: delete ``(i, j)`` and ``(j, i)``
        together (keeps a symmetric matrix symmetric). Ignored for neuron lesions.

    Raises
    ------
    ParameterError
        If ``kind`` is unknown or ``fraction`` is not a finite number in ``[0, 1]``.
    """

    kind: LesionKind
    fraction: float
    symmetric: bool = True

    def __post_init__(self) -> None:
        if self.kind not in ("synapses", "neurons"):
            raise ParameterError("kind", "must be one of 'synapses', 'neurons'", self.kind)
        f = self.fraction
        if isinstance(f, bool) or not isinstance(f, (int, float, np.integer, np.floating)):
            raise ParameterError("fraction", "must be a number", f)
        if not (math.isfinite(float(f)) and 0.0 <= float(f) <= 1.0):
            raise ParameterError("fraction", "must be between 0 and 1", f)
        if not isinstance(self.symmetric, (bool, np.bool_)):
            raise ParameterError("symmetric", "must be true or false", self.symmetric)


class Lesioned(NamedTuple):
    """Outcome of :func:`apply_lesion`.

    Attributes
    ----------
    weights
        The lesioned weight matrix (a new array, same shape and namespace).
    kept
        NumPy boolean mask of the synapses kept, same shape as ``weights``.
    alive
        NumPy boolean mask of the units (rows) still present, shape ``(rows,)``.
    """

    weights: Array
    kept: np.ndarray
    alive: np.ndarray


def _n_removed(fraction: float, candidates: int) -> int:
    return int(np.rint(fraction * candidates))


def lesion_mask(shape: tuple[int, int], lesion: Lesion,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The masks ``(kept, alive)`` of a lesion of a matrix of ``shape`` (NumPy, exact counts).

    See the module docstring for what counts as a candidate.
    """
    if not isinstance(rng, np.random.Generator):
        raise ParameterError("rng", "must be a numpy.random.Generator (no global random state)")
    if len(shape) != 2:
        raise ParameterError("weights", "must be a 2-d matrix", tuple(shape))
    rows, cols = int(shape[0]), int(shape[1])
    square = rows == cols
    kept = np.ones((rows, cols), dtype=bool)
    alive = np.ones(rows, dtype=bool)
    if lesion.kind == "neurons":
        dead = rng.choice(rows, size=_n_removed(lesion.fraction, rows), replace=False)
        alive[dead] = False
        kept[dead, :] = False
        if square:
            kept[:, dead] = False
        return kept, alive
    if lesion.symmetric:
        if not square:
            raise ParameterError("symmetric", "needs a square weight matrix (got shape "
                                 f"{rows}x{cols}); use symmetric=False")
        iu, ju = np.triu_indices(rows, k=1)
        cut = rng.choice(iu.size, size=_n_removed(lesion.fraction, iu.size), replace=False)
        kept[iu[cut], ju[cut]] = False
        kept[ju[cut], iu[cut]] = False
        return kept, alive
    if square:
        ii, jj = np.nonzero(~np.eye(rows, dtype=bool))
    else:
        ii, jj = np.nonzero(kept)
    cut = rng.choice(ii.size, size=_n_removed(lesion.fraction, ii.size), replace=False)
    kept[ii[cut], jj[cut]] = False
    return kept, alive


def apply_lesion(weights: Array, lesion: Lesion, rng: np.random.Generator) -> Lesioned:
    r"""Apply ``lesion`` to ``weights``: :math:`W' = W \odot K` with the kept-mask :math:`K`.

    Parameters
    ----------
    weights
        Weight matrix, ``(N, N)`` (a recurrent network; ``W[i, j]`` is the synapse
        from ``j`` onto ``i``) or ``(K, N)`` (units ``K`` fed by ``N`` inputs).
    lesion
        What to remove.
    rng
        Source of the random choice of what is removed (drawn with NumPy, so every
        array backend sees the same lesion).

    Returns
    -------
    Lesioned
        The new weights and the NumPy masks of kept synapses and living units. The
        input array is not modified.
    """
    if not isinstance(lesion, Lesion):
        raise ParameterError("lesion", "must be a Lesion", type(lesion).__name__)
    xp = namespace(weights)
    if weights.ndim != 2:
        raise ParameterError("weights", "must be a 2-d matrix", tuple(weights.shape))
    kept, alive = lesion_mask(tuple(weights.shape), lesion, rng)
    new = xp.where(asarray(kept, xp), weights, xp.zeros_like(weights))
    return Lesioned(new, kept, alive)
