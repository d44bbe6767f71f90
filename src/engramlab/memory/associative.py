r"""One associative-memory protocol over the chapter-4 family, and its adapters.

:class:`AssociativeMemory` is the shape every memory of :mod:`engramlab.memory` can take,
so that a circuit region (:class:`~engramlab.circuits.memory_region.MemoryRegion`: a CA3,
a cortex) can hold any of them:

``n_units``
    :math:`N`, the number of units.
``patterns``, ``n_patterns``
    The stored patterns, ``(P, N)`` 0/1, read-only, in the order stored.
``store(patterns) -> AssociativeMemory``
    Pure: a **new** memory holding the old patterns and ``patterns`` (``(P', N)`` or
    ``(N,)``); the memory it is called on is unchanged.
``recall(cues, rng) -> states``
    Batched: ``(B, N)`` cues to ``(B, N)`` completed states. ``rng`` is a NumPy
    generator for memories whose dynamics draw random numbers (asynchronous update
    orders); the others ignore it.

The pattern format at the boundary
----------------------------------
Patterns, cues and recalled states are **activities** :math:`x_i \in \{0, 1\}` (active /
silent), the format of every region of :mod:`engramlab.circuits` (a recalled state of
a memory with continuous dynamics lies in :math:`[0, 1]`). ``store`` and ``recall``
refuse any other value (:class:`~engramlab.core.ParameterError` naming ``patterns`` or
``cues``): binarise first, e.g. ``x > 0.5``. A memory of ±1 spins (the Hopfield
network and its successors) converts at its boundary, and only there,

.. math::

    s = 2x - 1 \quad(\text{:func:`to_spins`}),\qquad x = (s + 1)/2
    \quad(\text{:func:`to_rates`}),

so a silent unit of a partial cue is the spin :math:`-1`. Memories of 0/1 units (the
covariance rule, the Willshaw CA3 net) take the activities as they are.

A memory with no stored pattern has no attractor: by convention of the protocol its
``recall`` returns the cues unchanged (no completion), for every adapter.

Adapters (frozen dataclasses; the numbers are those of the wrapped functions)
------------------------------------------------------------------------------
:class:`HopfieldMemory`
    Hebbian couplings :math:`T = \Xi^\top \Xi - P I` on the spins of the patterns,
    matrix-free (:class:`~engramlab.memory.hopfield.HebbianMemory`), recalled by
    :func:`~engramlab.memory.hopfield.recall` (asynchronous, random order; Hopfield
    1982). Made for unbiased patterns (coding level 1/2): sparse 0/1 patterns become
    strongly correlated spin patterns, which the plain Hebb rule cannot separate.
:class:`CovarianceMemory`
    The covariance rule of Tsodyks & Feigel'man (1988) on 0/1 units,
    :func:`~engramlab.memory.sparse.covariance_weights` and the synchronous threshold
    dynamics :func:`~engramlab.memory.sparse.sparse_recall`.
:class:`CA3Memory`
    The (diluted) CA3 autoassociator of :mod:`engramlab.memory.hippocampal`: clipped
    Hebbian (Willshaw, Buneman & Longuet-Higgins 1969) or covariance weights
    (:func:`~engramlab.memory.hippocampal.ca3_weights`) and one gamma cycle of recall
    with k-winners-take-all (:func:`~engramlab.memory.hippocampal.ca3_recall`; de
    Almeida, Idiart & Lisman 2007), per cycle.
:class:`ModernHopfieldMemory`
    The modern continuous Hopfield network (Ramsauer et al. 2021),
    :func:`~engramlab.memory.modern.modern_recall` on the spins; the recalled state is a
    convex combination of stored spin patterns, mapped back to :math:`[0, 1]`.
:class:`DenseMemory`
    The dense associative memory (Krotov & Hopfield 2016; Demircigil et al. 2017),
    :func:`~engramlab.memory.dense.dense_recall` on the spins.

Every adapter is NumPy-only (the circuits are). A memory whose structure is random per
subject (a diluted CA3 net) is built by a *factory* ``(n_units, rng) -> memory``, e.g.
:meth:`CA3Memory.diluted`.

Examples
--------
>>> import numpy as np
>>> from engramlab.core import make_rng
>>> from engramlab.memory import sparse_patterns
>>> xi = sparse_patterns(make_rng(0), 3, 200, 0.1)  # 3 patterns of 20 active units
>>> m = CA3Memory(200).store(xi)      # a new memory; CA3Memory(200) stays empty
>>> cue = xi * (np.arange(200) < 100)  # the active units among the first 100
>>> out = m.recall(cue, make_rng(1))
>>> out.shape, bool((out == xi).all())
((3, 200), True)
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, Literal, Protocol, Self, get_args, runtime_checkable

import numpy as np

from engramlab.core.errors import ParameterError
from engramlab.memory.dense import Interaction, dense_recall
from engramlab.memory.hippocampal import Rule, ca3_recall, ca3_weights, dilution_mask
from engramlab.memory.hopfield import HebbianMemory
from engramlab.memory.hopfield import recall as hopfield_recall
from engramlab.memory.modern import modern_recall
from engramlab.memory.sparse import covariance_weights, sparse_recall

__all__ = [
    "AssociativeMemory",
    "CA3Memory",
    "CovarianceMemory",
    "DenseMemory",
    "HopfieldMemory",
    "MemoryFactory",
    "ModernHopfieldMemory",
    "as_activity",
    "check_memory",
    "to_rates",
    "to_spins",
]


@runtime_checkable
class AssociativeMemory(Protocol):
    """What every associative memory offers a circuit (module docstring).

    ``isinstance(obj, AssociativeMemory)`` checks that the members exist (a runtime
    protocol); :func:`check_memory` also checks ``n_units``.

    Examples
    --------
    >>> adapters = [HopfieldMemory(50), CovarianceMemory(50), CA3Memory(50),
    ...             ModernHopfieldMemory(50), DenseMemory(50)]
    >>> all(isinstance(m, AssociativeMemory) for m in adapters)
    True
    >>> isinstance(object(), AssociativeMemory)
    False
    """

    @property
    def n_units(self) -> int:
        """Number of units :math:`N`."""
        ...

    @property
    def patterns(self) -> np.ndarray:
        """Stored patterns ``(P, N)``, 0/1, read-only."""
        ...

    @property
    def n_patterns(self) -> int:
        """Number of stored patterns ``P``."""
        ...

    def store(self, patterns: Any) -> AssociativeMemory:
        """A new memory with ``patterns`` (``(P', N)`` or ``(N,)``, 0/1) added."""
        ...

    def recall(self, cues: Any, rng: np.random.Generator) -> np.ndarray:
        """Completed states ``(B, N)`` (values in [0, 1]) of cues ``(B, N)`` (0/1)."""
        ...


#: Builds one subject's memory: ``factory(n_units, rng) -> AssociativeMemory``.
MemoryFactory = Callable[[int, np.random.Generator], AssociativeMemory]


# -- the boundary ---------------------------------------------------------------------


def to_spins(x: np.ndarray) -> np.ndarray:
    """Activities 0/1 -> spins ±1, :math:`s = 2x - 1`.

    Examples
    --------
    >>> to_spins([0, 1, 1]).tolist()
    [-1.0, 1.0, 1.0]
    """
    return 2.0 * np.asarray(x, dtype=float) - 1.0


def to_rates(s: np.ndarray) -> np.ndarray:
    """Spins ±1 (or states in [-1, 1]) -> activities in [0, 1], :math:`x = (s + 1)/2`.

    Examples
    --------
    >>> to_rates([-1.0, 1.0, 0.0]).tolist()  # an undecided spin 0 is the activity 1/2
    [0.0, 1.0, 0.5]
    >>> to_rates(to_spins([0, 1])).tolist()
    [0.0, 1.0]
    """
    return (np.asarray(s, dtype=float) + 1.0) / 2.0


def as_activity(x: Any, n_units: int, field: str) -> np.ndarray:
    """``x`` as a float ``(B, N)`` array of 0/1 (a 1-d ``(N,)`` becomes one row).

    Raises :class:`~engramlab.core.ParameterError` naming ``field`` for another shape or
    any value other than 0 and 1.

    Examples
    --------
    >>> as_activity([0, 1, 1], 3, "cues").tolist()
    [[0.0, 1.0, 1.0]]
    >>> as_activity([0, 0.5, 1], 3, "cues")
    Traceback (most recent call last):
    ...
    engramlab.core.errors.ParameterError: parameter 'cues' must contain only 0 and 1 ...
    """
    try:
        a = np.array(x, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(field, "must be a numeric array of 0/1", type(x).__name__) \
            from None
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2 or a.shape[1] != n_units:
        raise ParameterError(field, f"must have shape (B, {n_units}) or ({n_units},)",
                             a.shape)
    if not bool(np.all((a == 0.0) | (a == 1.0))):
        raise ParameterError(field, "must contain only 0 and 1 (activities; binarise "
                             "first, e.g. x > 0.5)")
    return a


def check_memory(memory: object, n_units: int, field: str) -> AssociativeMemory:
    """``memory``, checked: an :class:`AssociativeMemory` of ``n_units`` units.

    Anything else raises a :class:`~engramlab.core.ParameterError` naming ``field``.

    Examples
    --------
    >>> check_memory(HopfieldMemory(10), 10, "memory")
    HopfieldMemory(n_units=10, dynamics='async', max_sweeps=100)
    >>> check_memory(HopfieldMemory(10), 20, "memory")
    Traceback (most recent call last):
    ...
    engramlab.core.errors.ParameterError: parameter 'memory' must have n_units = 20 ... (got 10)
    """
    if isinstance(memory, type) or not isinstance(memory, AssociativeMemory):
        raise ParameterError(field, "must be an AssociativeMemory (n_units, patterns, "
                             "n_patterns, store, recall) or a factory (n_units, rng) -> "
                             "AssociativeMemory", type(memory).__name__
                             if not isinstance(memory, type) else memory.__name__)
    if memory.n_units != n_units:
        raise ParameterError(field, f"must have n_units = {n_units} (the region's cells)",
                             memory.n_units)
    return memory


def _count(field: str, value: object, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ParameterError(field, f"must be an integer >= {low}", value)
    return int(value)


def _number(field: str, value: object, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or \
            not np.isfinite(value) or (positive and not value > 0):
        raise ParameterError(field, "must be a finite number" + (" > 0" if positive else ""),
                             value)
    return float(value)


# -- the shared bookkeeping -------------------------------------------------------------


def _no_patterns() -> np.ndarray:
    return np.zeros((0, 0))


@dataclasses.dataclass(frozen=True, eq=False)
class _Stored:
    """Units and stored patterns; pure ``store``; the empty-memory convention."""

    n_units: int
    patterns: np.ndarray = dataclasses.field(default_factory=_no_patterns, repr=False)

    def __post_init__(self) -> None:
        n = _count("n_units", self.n_units, 1)
        p = np.asarray(self.patterns)
        xi = np.zeros((0, n)) if p.size == 0 else as_activity(p, n, "patterns")
        xi.setflags(write=False)
        object.__setattr__(self, "patterns", xi)

    @property
    def n_patterns(self) -> int:
        """Number of stored patterns ``P``."""
        return int(self.patterns.shape[0])

    def store(self, patterns: Any) -> Self:
        """A new memory with ``patterns`` (``(P', N)`` or ``(N,)``, 0/1) added."""
        new = as_activity(patterns, self.n_units, "patterns")
        return dataclasses.replace(self, patterns=np.concatenate([self.patterns, new]))

    def recall(self, cues: Any, rng: np.random.Generator) -> np.ndarray:
        """Completed states ``(B, N)`` of cues ``(B, N)`` (``(N,)``: one row).

        An empty memory returns the cues (module docstring).
        """
        c = as_activity(cues, self.n_units, "cues")
        if self.n_patterns == 0:
            return c
        return self._recall(c, rng)

    def _recall(self, cues: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError


# -- the adapters -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class HopfieldMemory(_Stored):
    r"""The classical Hopfield network on the spins of the patterns (module docstring).

    Recall: :math:`s = 2x - 1`, then :func:`~engramlab.memory.hopfield.recall` with the
    matrix-free Hebbian couplings of the stored spins (``dynamics``: ``"async"`` in a
    random order drawn from ``rng``, the seed's ``retrieve``; or ``"sync"``), then
    :math:`x = (s + 1)/2`. ``max_sweeps`` bounds the sweeps (100 is far above the few
    sweeps a cue in a basin needs at low load).

    Examples
    --------
    Four unbiased patterns in 100 units are completed from cues with 30 units silenced;
    ``store`` leaves the empty memory empty:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> x = (make_rng(0).random((4, 100)) < 0.5).astype(float)  # 4 patterns, coding level 1/2
    >>> cue = x.copy()
    >>> cue[:, :30] = 0.0  # the first 30 units silenced
    >>> empty = HopfieldMemory(100)
    >>> m = empty.store(x)
    >>> empty.n_patterns, m.n_patterns, bool((m.recall(cue, make_rng(1)) == x).all())
    (0, 4, True)
    """

    dynamics: Literal["async", "sync"] = "async"
    max_sweeps: int = 100

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.dynamics not in ("async", "sync"):
            raise ParameterError("dynamics", "must be 'async' or 'sync'", self.dynamics)
        _count("max_sweeps", self.max_sweeps, 1)

    def _recall(self, cues: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        couplings = HebbianMemory(to_spins(self.patterns))
        out = hopfield_recall(couplings, to_spins(cues), dynamics=self.dynamics,
                              order="random", rng=rng, max_sweeps=self.max_sweeps)
        return to_rates(out.states)


@dataclasses.dataclass(frozen=True, eq=False)
class CovarianceMemory(_Stored):
    r"""The covariance rule on 0/1 units (Tsodyks & Feigel'man 1988; module docstring).

    :math:`J = (\Xi - a)^\top (\Xi - a) / (a (1 - a) N)` with :math:`a` the coding level
    (``coding_level``; None: the mean activity of the stored patterns), then
    :math:`V \leftarrow \Theta(J V - \theta)` synchronously from the cue for at most
    ``max_steps`` steps (:func:`~engramlab.memory.sparse.sparse_recall`). A cue holding
    a fraction :math:`f` of a pattern's active units has, after one step, the field
    :math:`\approx f (1 - a)` on the pattern's units and :math:`\approx -f a` elsewhere;
    the default :math:`\theta = 0.1` (chosen, not from the paper) lies between the two
    for :math:`f \ge 0.2` at :math:`a \le 0.2`, cross-talk permitting, and below the
    field :math:`\approx 1 - a` of a retrieved pattern's units.

    Examples
    --------
    Ten sparse patterns (20 of 200 units active) completed from the active units among
    their first 100 units; with this much cross-talk a threshold of 0.3 is needed:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> from engramlab.memory.sparse import sparse_patterns
    >>> xi = sparse_patterns(make_rng(0), 10, 200, 0.1)
    >>> cue = xi * (np.arange(200) < 100)
    >>> m = CovarianceMemory(200, threshold=0.3).store(xi)
    >>> m.weights.shape, bool((m.recall(cue, make_rng(1)) == xi).all())
    ((200, 200), True)
    """

    threshold: float = 0.1
    coding_level: float | None = None
    max_steps: int = 50

    def __post_init__(self) -> None:
        super().__post_init__()
        _number("threshold", self.threshold)
        if self.coding_level is not None and not (
                isinstance(self.coding_level, (int, float)) and 0 < self.coding_level < 1):
            raise ParameterError("coding_level", "must be > 0 and < 1, or None",
                                 self.coding_level)
        _count("max_steps", self.max_steps, 1)

    @functools.cached_property
    def weights(self) -> np.ndarray:
        """The covariance weights ``(N, N)`` of the stored patterns."""
        a = self.coding_level if self.coding_level is not None else \
            float(np.clip(self.patterns.mean(), 1e-9, 1 - 1e-9))
        return np.asarray(covariance_weights(self.patterns, a))

    def _recall(self, cues: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return np.asarray(sparse_recall(self.weights, cues, self.threshold,
                                        max_steps=self.max_steps).states)


@dataclasses.dataclass(frozen=True, eq=False)
class CA3Memory(_Stored):
    r"""The CA3 autoassociator with k-winners-take-all (module docstring).

    Weights :func:`~engramlab.memory.hippocampal.ca3_weights` of the stored patterns
    (``rule``: ``"willshaw"``, clipped Hebbian, ``"covariance"``, or any other rule
    that function knows) on the dilution
    ``mask`` (``(N, N)`` bool, ``mask[i, j]``: a synapse from j onto i; None: full
    connectivity). Recall: ``cycles`` gamma cycles :math:`x \leftarrow
    \mathrm{kWTA}_k(W x)` (:func:`~engramlab.memory.hippocampal.ca3_recall`; one cycle
    suffices, de Almeida, Idiart & Lisman 2007). ``k`` winners (None: the mean number of
    active units of the stored patterns, rounded, i.e. :math:`k = aN`).

    Examples
    --------
    Fully connected, one cycle completes half cues of ten patterns; diluted to
    :math:`c = 0.2`, the k-WTA still sets 20 winners, about 80 % of them right:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> from engramlab.memory.sparse import sparse_patterns
    >>> xi = sparse_patterns(make_rng(0), 10, 200, 0.1)
    >>> m = CA3Memory(200).store(xi)
    >>> m.winners, bool((m.recall(xi * (np.arange(200) < 100), make_rng(1)) == xi).all())
    (20, True)
    >>> d = CA3Memory.diluted(0.2)(200, make_rng(2)).store(xi)
    >>> out = d.recall(xi, make_rng(1))
    >>> round(float(d.mask.mean()), 2), out.sum(axis=1).tolist()[:3]
    (0.2, [20.0, 20.0, 20.0])
    >>> round(float((out * xi).sum() / 200), 2)  # 200 = 10 patterns x 20 active units
    0.79
    """

    k: int | None = None
    mask: np.ndarray | None = dataclasses.field(default=None, repr=False)
    rule: Rule = "willshaw"
    cycles: int = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.k is not None:
            _count("k", self.k, 1)
            if self.k > self.n_units:
                raise ParameterError("k", f"must be <= n_units = {self.n_units}", self.k)
        if self.mask is not None:
            m = np.asarray(self.mask, dtype=bool)
            if m.shape != (self.n_units, self.n_units):
                raise ParameterError("mask", f"must have shape ({self.n_units}, "
                                     f"{self.n_units})", m.shape)
            m.setflags(write=False)
            object.__setattr__(self, "mask", m)
        if self.rule not in get_args(Rule):
            raise ParameterError("rule", f"must be one of {get_args(Rule)}", self.rule)
        _count("cycles", self.cycles, 1)

    @classmethod
    def diluted(cls, connection_probability: float, **fields: Any) -> MemoryFactory:
        """A factory of CA3 memories with a fresh random dilution per subject.

        ``factory(n_units, rng)`` draws :func:`~engramlab.memory.hippocampal.
        dilution_mask` with ``connection_probability`` :math:`c` (CA3a: about 0.2, de
        Almeida et al. 2007) from ``rng``; ``fields`` are the other fields (``k``, ...).
        """
        c = _number("connection_probability", connection_probability, positive=True)
        if c > 1:
            raise ParameterError("connection_probability", "must be <= 1", c)

        def factory(n_units: int, rng: np.random.Generator) -> CA3Memory:
            return cls(n_units, mask=dilution_mask(rng, n_units, c), **fields)

        return factory

    @functools.cached_property
    def weights(self) -> np.ndarray:
        """The recurrent weights ``(N, N)``, ``W[i, j]`` from unit j onto unit i."""
        return ca3_weights(self.patterns, self.mask, rule=self.rule)

    @property
    def winners(self) -> int:
        """The ``k`` of the k-WTA (``k``, or :math:`aN` of the stored patterns)."""
        if self.k is not None:
            return self.k
        return max(1, round(float(self.patterns.sum(axis=1).mean()))) if self.n_patterns \
            else 1

    def _recall(self, cues: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        x, w, k = cues, self.weights, self.winners
        for _ in range(self.cycles):
            x = np.asarray(ca3_recall(w, x, k))
        return x


@dataclasses.dataclass(frozen=True, eq=False)
class ModernHopfieldMemory(_Stored):
    r"""The modern continuous Hopfield network on spins (Ramsauer et al. 2021).

    :math:`\xi \leftarrow X \operatorname{softmax}(\beta X^\top \xi)` from
    :math:`\xi = 2x - 1`, iterated until the largest change is at most ``tol`` (at most
    ``max_steps``; :func:`~engramlab.memory.modern.modern_recall`), then
    :math:`x = (\xi + 1)/2`. ``beta`` :math:`\beta` in 1 / spin² (chosen 1: a cue whose
    overlap :math:`X^\top\xi` with its pattern exceeds that with another by
    :math:`\Delta` weights the two :math:`e^{\beta\Delta} : 1`, and :math:`\Delta` is of
    order :math:`N` for a 30 % cue, so one update retrieves).

    Examples
    --------
    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> x = (make_rng(0).random((4, 100)) < 0.5).astype(float)  # 4 patterns, coding level 1/2
    >>> cue = x.copy()
    >>> cue[:, :30] = 0.0  # the first 30 units silenced
    >>> m = ModernHopfieldMemory(100).store(x)
    >>> out = m.recall(cue, make_rng(1))
    >>> out.shape, bool(np.abs(out - x).max() < 1e-9)
    ((4, 100), True)
    """

    beta: float = 1.0
    max_steps: int = 100
    tol: float = 1e-12

    def __post_init__(self) -> None:
        super().__post_init__()
        _number("beta", self.beta, positive=True)
        _count("max_steps", self.max_steps, 1)
        if not (_number("tol", self.tol) >= 0):
            raise ParameterError("tol", "must be >= 0", self.tol)

    def _recall(self, cues: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        out = modern_recall(to_spins(self.patterns), to_spins(cues), self.beta,
                            max_steps=self.max_steps, tol=self.tol)
        return to_rates(out.states)


@dataclasses.dataclass(frozen=True, eq=False)
class DenseMemory(_Stored):
    r"""The dense associative memory on spins (Krotov & Hopfield 2016).

    Energy :math:`E = -\sum_\mu F(\xi^\mu \cdot \sigma)` with ``interaction`` :math:`F`
    (default :math:`F(x) = x^3`), recalled by :func:`~engramlab.memory.dense.dense_recall`
    from :math:`\sigma = 2x - 1` (``dynamics`` ``"async"``, random order from ``rng``, or
    ``"sync"``; at most ``max_sweeps`` sweeps), then :math:`x = (\sigma + 1)/2`.

    Examples
    --------
    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> x = (make_rng(0).random((4, 100)) < 0.5).astype(float)  # 4 patterns, coding level 1/2
    >>> cue = x.copy()
    >>> cue[:, :30] = 0.0  # the first 30 units silenced
    >>> m = DenseMemory(100).store(x)
    >>> m.interaction, bool((m.recall(cue, make_rng(1)) == x).all())
    (Interaction(kind='power', degree=3, rectified=False), True)
    """

    interaction: Interaction = dataclasses.field(default_factory=lambda: Interaction(
        "power", 3))
    dynamics: Literal["async", "sync"] = "async"
    max_sweeps: int = 100

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.interaction, Interaction):
            raise ParameterError("interaction", "must be an Interaction", self.interaction)
        if self.dynamics not in ("async", "sync"):
            raise ParameterError("dynamics", "must be 'async' or 'sync'", self.dynamics)
        _count("max_sweeps", self.max_sweeps, 1)

    def _recall(self, cues: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        out = dense_recall(to_spins(self.patterns), to_spins(cues), self.interaction,
                           dynamics=self.dynamics, rng=rng, max_sweeps=self.max_sweeps)
        return to_rates(out.states)
