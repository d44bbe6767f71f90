r"""Lesions: remove synapses, neurons, projections or regions -- one description for all.

A lesion is a frozen description (:class:`Lesion`) and one pure function applying it,
:func:`apply_lesion`, which dispatches on what it is given: a weight matrix (with an
explicit random generator; a new matrix in the same array namespace), a spiking
:class:`~engramlab.network.Network` (a new network whose build removes the neurons or
synapses), while in a circuit :func:`~engramlab.circuits.run_protocol` resolves
``Lesion("region", ...)`` at its time of the protocol. The input is never modified.

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

Spiking network
    ``Lesion("neurons", f, target=population)`` removes a random fraction of a
    population's neurons (or the listed ``cells``): they never fire and lose all their
    synapses. ``Lesion("synapses", f, target=projection)`` removes each synapse of the
    projection with probability :math:`f`, drawn with the simulation seed when the
    network is built; :math:`f = 1` cuts the projection (a pathway lesion).

The number removed from a matrix is exact, :math:`\operatorname{round}(f\,M)` of the :math:`M`
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
import functools
import math
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import numpy as np

from engramlab.circuits import Circuit, Intervention, Remove, Scheduled
from engramlab.core.arrays import asarray, namespace
from engramlab.core.errors import ParameterError
from engramlab.network import Network, RemoveNeurons, RemoveProjection, RemoveSynapses
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
        The region or pathway of a circuit; the population (neuron lesions) or the
        projection (synapse lesions) of a spiking network. Unused on a weight matrix.
    cells
        Neuron lesions of a spiking network: the indices removed, instead of a random
        ``fraction``.
    at
        When, in the protocol's words (a :class:`~engramlab.protocol.Window`; its
        start), e.g. ``After("training", days(1))`` (circuit lesions only).

    Raises
    ------
    ParameterError
        If ``kind`` is unknown or ``fraction`` is not a finite number in ``[0, 1]``.

    Examples
    --------
    >>> Lesion("synapses", 0.5).symmetric, Lesion("neurons", 0.25, target="E").target
    (True, 'E')
    >>> Lesion("region", target="hippocampus", at="training").at  # a session name is a window
    During(session='training', trial=None, epoch=None, stimulus=None, kind=None)
    """

    kind: LesionKind
    fraction: float = 1.0
    symmetric: bool = True
    target: str | None = None
    at: WindowLike | None = None
    cells: Sequence[int] | np.ndarray | None = None

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
        if self.cells is not None:
            if self.kind != "neurons":
                raise ParameterError("lesion.cells", "lists neurons: only for 'neurons' "
                                     "lesions", self.kind)
            cells = np.asarray(self.cells)
            if cells.ndim != 1 or (cells.size and (not np.issubdtype(cells.dtype,
                                                                      np.integer)
                                                    or cells.min() < 0)):
                raise ParameterError("lesion.cells", "must be a 1-d sequence of neuron "
                                     "indices >= 0", self.cells)
            object.__setattr__(self, "cells", tuple(int(i) for i in cells))

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

    Examples
    --------
    >>> from engramlab.protocol import After, days
    >>> les = lesion("hippocampus", After("training", days(1)))
    >>> les.kind, les.fraction, les.target, les.at.delay_ms
    ('region', 1.0, 'hippocampus', 86400000.0)
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

    Examples
    --------
    >>> out = apply_lesion(np.ones((2, 3)), Lesion("neurons", 0.5), np.random.default_rng(0))
    >>> out._fields
    ('weights', 'kept', 'alive')
    >>> out.weights.tolist(), out.alive.tolist()  # one of the 2 rows silenced
    ([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]], [True, False])
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

    Examples
    --------
    >>> kept, alive = lesion_mask((4, 4), Lesion("neurons", 0.25), np.random.default_rng(0))
    >>> int((~alive).sum()), int(kept.sum())  # 1 unit of 4: its row and column, 16 - 7
    (1, 9)
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


@functools.singledispatch
def apply_lesion(weights: Array, lesion: Lesion, rng: np.random.Generator) -> Any:
    r"""Apply ``lesion`` to ``weights``: :math:`W' = W \odot K` with the kept-mask :math:`K`.

    Given a :class:`~engramlab.network.Network` instead, returns the lesioned network
    (see the module docstring and :func:`_lesion_network`).

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

    Examples
    --------
    >>> w = np.ones((4, 4)) - np.eye(4)  # 12 directed off-diagonal synapses
    >>> out = apply_lesion(w, Lesion("synapses", 0.5, symmetric=False), np.random.default_rng(0))
    >>> int((out.weights != 0).sum()), float(w.sum())  # round(0.5 * 12) = 6 removed
    (6, 12.0)
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


@apply_lesion.register
def _lesion_network(network: Network, lesion: Lesion, rng: np.random.Generator) -> Network:
    """``lesion`` of a spiking network: a new network that builds without what it removes.

    Neuron lesions remove ``lesion.cells``, or :math:`\\operatorname{round}(f\\,N)`
    neurons drawn from ``rng`` (a permutation of the population); synapse lesions remove
    a fraction of the projection when the network is built (``rng`` unused: the draw
    is the simulation's), the whole projection for :math:`f = 1`.
    """
    if not isinstance(lesion, Lesion):
        raise ParameterError("lesion", "must be a Lesion", type(lesion).__name__)
    if lesion.kind == "region":
        raise ParameterError("lesion.kind", "a spiking network takes 'neurons' (target: a "
                             "population) or 'synapses' (target: a projection) lesions",
                             lesion.kind)
    if not isinstance(lesion.target, str):
        raise ParameterError("lesion.target", "must name the population or projection of "
                             "the network", lesion.target)
    if lesion.kind == "neurons":
        pop = network.population(lesion.target)
        if lesion.cells is not None:
            neurons = np.asarray(lesion.cells, dtype=int)
            if neurons.size and neurons.max() >= pop.n:
                raise ParameterError("lesion.cells", f"must be < {pop.n}, the size of "
                                     f"{lesion.target!r}", int(neurons.max()))
        else:
            if not isinstance(rng, np.random.Generator):
                raise ParameterError("rng", "must be a numpy.random.Generator (no global "
                                     "random state)")
            neurons = np.sort(rng.permutation(pop.n)[: round(lesion.fraction * pop.n)])
        removal: Any = RemoveNeurons(lesion.target, neurons)
    else:
        network.projection(lesion.target)
        removal = (RemoveProjection(lesion.target) if lesion.fraction == 1.0
                   else RemoveSynapses(lesion.target, float(lesion.fraction)))
    return network.replace(lesions=(*network.lesions, removal))
