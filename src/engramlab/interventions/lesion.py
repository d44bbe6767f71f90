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

from engramlab.circuits import Circuit, Intervention, Remove, Scheduled
from engramlab.core.arrays import asarray, namespace
from engramlab.core.errors import ParameterError
from engramlab.protocol import Timeline, WindowLike, as_window

__all__ = ["Lesion", "Lesioned", "apply_lesion", "lesion", "lesion_mask"]

Array = Any
LesionKind = Literal["synapses", "neurons", "region"]


@dataclasses.dataclass(frozen=True)
class Lesion(Intervention):
    """What to remove: a fraction of the synapses or of the neurons, or a whole region.

    The one way to lesion. On a weight matrix (:func:`apply_lesion`) a lesion removes
    a fraction of the synapses or units. In a circuit (:func:`~engramlab.circuits.
    run_protocol`) ``Lesion("region", target=..., at=...)`` removes a whole region or
    pathway at a time of the protocol (:func:`lesion` writes it shorter): the region
    stops for good, as an electrolytic or excitotoxic lesion.

    Parameters
    ----------
    kind
        ``"synapses"`` (delete connections), ``"neurons"`` (silence units) or
        ``"region"`` (the whole ``target`` of a circuit).
    fraction
        Fraction :math:`f \\in [0, 1]` of the candidates removed (dimensionless).
    symmetric
        For synapse lesions of a square matrix: delete ``(i, j)`` and ``(j, i)``
        together (keeps a symmetric matrix symmetric). Ignored for neuron lesions.
    target
        The region or pathway of a circuit (circuit lesions only).
    at
        When, in the protocol's words (a :class:`~engramlab.protocol.Window`; its
        start), e.g. ``After("training", days(1))`` (circuit lesions only).

    Raises
    ------
    ParameterError
        If ``kind`` is unknown or ``fraction`` is not a finite number in ``[0, 1]``.
    """

    kind: LesionKind
    fraction: float = 1.0
    symmetric: bool = True
    target: str | None = None
    at: WindowLike | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("synapses", "neurons", "region"):
            raise ParameterError("kind", "must be one of 'synapses', 'neurons', 'region'",
                                 self.kind)
        if self.kind == "region":
            if not isinstance(self.target, str) or not self.target:
                raise ParameterError("lesion.target", "must name the region or pathway to "
                                     "remove", self.target)
            if self.at is None:
                raise ParameterError("lesion.at", "must say when (a Window or a session "
                                     "name)")
            object.__setattr__(self, "at", as_window(self.at, "lesion.at"))
            if self.fraction != 1.0:
                raise ParameterError("lesion.fraction", "must be 1 for a region lesion (a "
                                     "fractional lesion of a circuit region is not "
                                     "available yet)", self.fraction)
        f = self.fraction
        if isinstance(f, bool) or not isinstance(f, (int, float, np.integer, np.floating)):
            raise ParameterError("fraction", "must be a number", f)
        if not (math.isfinite(float(f)) and 0.0 <= float(f) <= 1.0):
            raise ParameterError("fraction", "must be between 0 and 1", f)
        if not isinstance(self.symmetric, (bool, np.bool_)):
            raise ParameterError("symmetric", "must be true or false", self.symmetric)


    def schedule(self, timeline: Timeline, circuit: Circuit) -> tuple[Scheduled, ...]:
        """A region lesion as the instant effect :class:`~engramlab.circuits.Remove`."""
        if self.kind != "region":
            raise ParameterError("lesion.kind", "a circuit takes region lesions only "
                                 "(Lesion('region', target=..., at=...)); fractions of "
                                 "synapses or neurons apply to weight matrices", self.kind)
        assert self.target is not None and self.at is not None
        return (Scheduled(self.target, Remove(), as_window(self.at), instant=True),)


def lesion(target: str, at: WindowLike) -> Lesion:
    """Remove region or pathway ``target`` of a circuit at ``at``.

    ``lesion("hippocampus", After("training", days(1)))``.
    """
    return Lesion("region", 1.0, target=target, at=at)


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
    if lesion.kind == "region":
        raise ParameterError("lesion.kind", "a weight matrix takes 'synapses' or 'neurons' "
                             "lesions; 'region' lesions apply to circuits", lesion.kind)
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
    if lesion.kind == "region":
        raise ParameterError("lesion.kind", "a weight matrix takes 'synapses' or 'neurons' "
                             "lesions; 'region' lesions apply to circuits", lesion.kind)
    xp = namespace(weights)
    if weights.ndim != 2:
        raise ParameterError("weights", "must be a 2-d matrix", tuple(weights.shape))
    kept, alive = lesion_mask(tuple(weights.shape), lesion, rng)
    new = xp.where(asarray(kept, xp), weights, xp.zeros_like(weights))
    return Lesioned(new, kept, alive)
