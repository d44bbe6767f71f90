r"""Regions, effects and the context of one step: the shape every circuit model has.

A :class:`Region` is a named model with named cell groups and a pure ``init`` /
``step`` pair over a batch of subjects (animals): ``init(n_subjects, rng) -> state``,
``step(state, inputs, ctx) -> (state, activity)``, where ``inputs`` maps an input port
to an array ``(subjects, cells)`` delivered by the circuit's pathways, and ``activity``
is ``(subjects, cells)``, the cells of the groups concatenated in order. A step is one
epoch of the protocol (:class:`~engramlab.protocol.Span`): a rate or associative
region settles once per epoch; a spiking region simulates the epoch's duration.
``elapse(state, duration_ms)`` carries the state across time without epochs (exact
decays).

Effects are what interventions become once resolved (see
:mod:`engramlab.interventions`): frozen, region-agnostic descriptions (:class:`Remove`,
:class:`Gain`, :class:`Drive`, :class:`ScaleLearning`, :class:`ScaleReceptor`,
:class:`Tag`). Which region kind
takes which effect, and how, is a table keyed by the pair of types
(:func:`register_effect`, looked up along both classes' MROs by :func:`effect_handler`):
double dispatch, never ``hasattr``. An effect a region cannot take is refused when the
protocol is resolved, before any work.
"""

from __future__ import annotations

import abc
import dataclasses
import functools
import math
from collections.abc import Callable, Mapping
from typing import Any, Literal

import numpy as np

from engramlab.core.errors import ParameterError
from engramlab.core.rng import make_rng
from engramlab.protocol import Span

__all__ = ["Dopamine", "Drive", "Effect", "EffectHandler", "Gain", "Region", "Remove",
           "ScaleLearning", "ScaleReceptor", "StepContext", "Tag", "TimedRegion", "cell_mask",
           "effect_handler", "register_effect", "takes_effect"]

Array = np.ndarray
State = Any


# -- effects ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Effect:
    """Base of the effect primitives; ``cells`` names a cell group or a tagged set."""


@dataclasses.dataclass(frozen=True)
class Remove(Effect):
    """Lesion: the region (or pathway) stops for good (outputs 0, no learning, no replay)."""


@dataclasses.dataclass(frozen=True)
class Gain(Effect):
    """Multiply the activity of ``cells`` (``None``: every cell) by ``factor`` (>= 0).

    Silencing by an inhibitory opsin is ``Gain(cells, 0)``; a chemogenetic receptor a
    gain with its own time course (one effect per epoch, factor given per epoch).
    """

    factor: float
    cells: str | None = None

    def __post_init__(self) -> None:
        if not (isinstance(self.factor, (int, float)) and math.isfinite(self.factor)
                and self.factor >= 0):
            raise ParameterError("gain.factor", "must be a finite number >= 0", self.factor)


@dataclasses.dataclass(frozen=True)
class Drive(Effect):
    """Add ``amount`` (activity units of the region) to ``cells`` (an opsin's drive)."""

    amount: float
    cells: str | None = None

    def __post_init__(self) -> None:
        if not (isinstance(self.amount, (int, float)) and math.isfinite(self.amount)):
            raise ParameterError("drive.amount", "must be a finite number", self.amount)


Mechanism = Literal["nmda", "protein_synthesis", "all"]
MECHANISMS = ("nmda", "protein_synthesis", "all")


@dataclasses.dataclass(frozen=True)
class ScaleLearning(Effect):
    """Multiply the plasticity that needs ``mechanism`` by ``factor`` (0 = blocked).

    ``"nmda"`` is induction (AP5), ``"protein_synthesis"`` the consolidation of new
    weights (anisomycin), ``"all"`` both. A model without the distinction treats both as
    its one learning rate.
    """

    factor: float
    mechanism: Mechanism = "all"

    def __post_init__(self) -> None:
        if not (isinstance(self.factor, (int, float)) and 0.0 <= self.factor <= 1.0):
            raise ParameterError("scale_learning.factor", "must be between 0 and 1",
                                 self.factor)
        if self.mechanism not in MECHANISMS:
            raise ParameterError("scale_learning.mechanism", f"must be one of {MECHANISMS}",
                                 self.mechanism)


@dataclasses.dataclass(frozen=True)
class ScaleReceptor(Effect):
    """Multiply the synaptic transmission through ``receptor`` by ``factor`` (0 = blocked).

    A pharmacological antagonist on the receptor's current (AP5 on NMDA receptors,
    bicuculline on GABA_A): the synapses stay, their conductance is scaled. ``receptor``
    names a receptor class of the region (``"nmda"``, ``"ampa"``, ``"gaba_a"``); a region
    maps it to its own channels. The learning the receptor gates is
    :class:`ScaleLearning`'s.
    """

    factor: float
    receptor: str = "nmda"

    def __post_init__(self) -> None:
        if not (isinstance(self.factor, (int, float)) and math.isfinite(self.factor)
                and self.factor >= 0.0):
            raise ParameterError("scale_receptor.factor", "must be a finite number >= 0",
                                 self.factor)
        if not isinstance(self.receptor, str) or not self.receptor:
            raise ParameterError("scale_receptor.receptor", "must name a receptor class",
                                 self.receptor)


@dataclasses.dataclass(frozen=True)
class Tag(Effect):
    """Cells of ``cells`` active above ``threshold`` during the window join set ``name``.

    Activity-dependent tagging (c-fos-tTA with doxycycline off): the set is the union
    over the epochs of the window.
    """

    name: str
    cells: str | None = None
    threshold: float = 0.5

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ParameterError("tag.name", "must be a non-empty string", self.name)


@dataclasses.dataclass(frozen=True)
class Dopamine(Effect):
    r"""Scale the phasic dopamine signal: bursts by ``burst``, dips by ``dip`` (>= 0).

    A region that learns from a reward prediction error :math:`\delta` reads, in the
    epochs of the window, the signal the dopamine neurons deliver,

    .. math:: \delta' = \begin{cases} b\,\delta & \delta > 0 \\
                                      d\,\delta & \delta \le 0, \end{cases}

    with :math:`b` = ``burst`` and :math:`d` = ``dip``: dopamine depletion (Parkinson's
    disease) shrinks the bursts, ``burst < 1``; L-DOPA raises tonic dopamine and fills
    the dips, ``dip < 1`` (Frank, Seeberger & O'Reilly 2004, Science 306:1940); a
    dopamine-receptor antagonist shrinks both. The product of every active
    :class:`Dopamine` effect applies (:meth:`StepContext.dopamine`).
    """

    burst: float = 1.0
    dip: float = 1.0

    def __post_init__(self) -> None:
        for field in ("burst", "dip"):
            v = getattr(self, field)
            if isinstance(v, bool) or not (isinstance(v, (int, float)) and math.isfinite(v)
                                           and v >= 0):
                raise ParameterError(f"dopamine.{field}", "must be a finite number >= 0", v)


# -- the context of one step ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StepContext:
    """What a region sees of the protocol in one epoch.

    ``span`` is the epoch; ``effects`` the windowed effects active on this region in it;
    :attr:`rng` a generator private to this region in this epoch of this group's
    history (made from ``seed`` on first use).
    """

    span: Span
    effects: tuple[Effect, ...]
    seed: int
    n_subjects: int

    @functools.cached_property
    def rng(self) -> np.random.Generator:
        """The region's generator in this epoch (the same stream in every pass)."""
        return make_rng(self.seed)

    @property
    def sleeping(self) -> bool:
        return self.span.kind == "sleep"

    def learning(self, mechanism: Mechanism = "all") -> float:
        """The factor of plasticity needing ``mechanism`` in this epoch (product)."""
        f = 1.0
        for e in self.effects:
            if isinstance(e, ScaleLearning) and (e.mechanism in ("all", mechanism)
                                                 or mechanism == "all"):
                f *= e.factor
        return f

    def dopamine(self) -> tuple[float, float]:
        """The factors ``(burst, dip)`` of phasic dopamine in this epoch (products)."""
        b = d = 1.0
        for e in self.effects:
            if isinstance(e, Dopamine):
                b *= e.burst
                d *= e.dip
        return b, d


# -- regions --------------------------------------------------------------------------------


class Region(abc.ABC):
    """A named model with named cell groups, stepped once per epoch."""

    name: str

    @property
    @abc.abstractmethod
    def groups(self) -> Mapping[str, int]:
        """Cell group -> number of cells."""

    @property
    def ports(self) -> tuple[str, ...]:
        """Input ports pathways may target (default: ``("input",)``)."""
        return ("input",)

    @abc.abstractmethod
    def init(self, n_subjects: int, rng: np.random.Generator) -> State:
        """The state of ``n_subjects`` naive subjects."""

    @abc.abstractmethod
    def step(self, state: State, inputs: Mapping[str, Array],
             ctx: StepContext) -> tuple[State, Array]:
        """One epoch: the new state and the activity ``(subjects, cells)`` of every cell.

        The cells are the groups' cells concatenated in the order of :attr:`groups`.
        """

    def elapse(self, state: State, duration_ms: float) -> State:
        """Carry ``state`` across ``duration_ms`` without epochs (default: unchanged)."""
        return state

    def cell_set(self, state: State, name: str) -> Array:
        """Boolean mask ``(subjects, cells)`` of a group or a tagged set of the region."""
        raise ParameterError(f"{self.name}.cells", f"{type(self).__name__} has no cell "
                             "sets", name)


class TimedRegion(Region):
    r"""A region that simulates time within each epoch, in steps of :attr:`dt_ms`.

    An epoch of duration :math:`T` is :math:`n = T / \Delta t` steps (an integer: an
    epoch that is not a whole number of steps is refused,
    :meth:`n_steps`). Besides the activity of the epoch (:meth:`Region.step`), the region
    keeps the time course of its cells over the last epoch, :meth:`time_course`
    ``(subjects, n, cells)``, which :class:`~engramlab.circuits.Record` with
    ``reduce="trace"`` records (a TD critic's prediction error step by step, a
    Purkinje cell's pause after a CS, an attractor's settling).
    """

    @property
    @abc.abstractmethod
    def dt_ms(self) -> float:
        """The region's time step (ms)."""

    def n_steps(self, span: Span) -> int:
        """Steps in epoch ``span`` (a :class:`~engramlab.core.ParameterError` unless whole)."""
        n = span.duration_ms / self.dt_ms
        k = round(n)
        if k < 1 or abs(n - k) > 1e-9 * max(1.0, n):
            raise ParameterError(f"{self.name}.dt_ms", f"epoch {span.label!r} "
                                 f"({span.duration_ms} ms) must be a whole number >= 1 of "
                                 f"the region's steps ({self.dt_ms} ms)", self.dt_ms)
        return k

    @abc.abstractmethod
    def time_course(self, state: State) -> Array:
        """The activity ``(subjects, steps, cells)`` over the last epoch stepped."""

    def cell_set(self, state: State, name: str) -> Array:
        """A group's cells (a region with tagged sets overrides this)."""
        return cell_mask(self, self.time_course(state).shape[0], {}, name)


def cell_mask(region: Region, n_subjects: int, tags: Mapping[str, Array],
              cells: str | None) -> Array:
    """Boolean ``(subjects, cells)`` of a group of ``region``, a tagged set, or every cell.

    ``cells`` names a group (its cells in every subject), a set in ``tags`` (name ->
    boolean ``(subjects, cells)``), or ``None`` (every cell); anything else is a
    :class:`~engramlab.core.ParameterError` naming the groups and sets there are.
    """
    groups = region.groups
    n = sum(groups.values())
    if cells is None:
        return np.ones((n_subjects, n), bool)
    if cells in groups:
        start = 0
        for name, size in groups.items():
            if name == cells:
                break
            start += size
        m = np.zeros((n_subjects, n), bool)
        m[:, start:start + groups[cells]] = True
        return m
    if cells in tags:
        return tags[cells]
    raise ParameterError(f"{region.name}.cells", f"names no group of {region.name} "
                         f"({list(groups)}) and no tagged set ({sorted(tags)})", cells)


# -- which region kind takes which effect ---------------------------------------------------

InstantFn = Callable[[Any, Any, Any], Any]  # (region, effect, state) -> state
CheckFn = Callable[[Any, Any], None]  # (region, effect) -> None, or ParameterError


@dataclasses.dataclass(frozen=True)
class EffectHandler:
    """How a kind of region takes a kind of effect.

    ``instant(region, effect, state) -> state`` applies it at a point in time (a lesion,
    the start of a tag); ``during`` says that the region's :meth:`Region.step` reads it
    from :attr:`StepContext.effects` while it is active; ``check(region, effect)``, when
    given, refuses (:class:`~engramlab.core.ParameterError`) the values of an effect
    this kind of region cannot take, when the protocol is resolved, before any work.
    """

    instant: InstantFn | None = None
    during: bool = False
    check: CheckFn | None = None


_HANDLERS: dict[tuple[type, type], EffectHandler] = {}


def register_effect(region_type: type, effect_type: type, *,
                    instant: InstantFn | None = None, during: bool = False,
                    check: CheckFn | None = None) -> None:
    """Declare that ``region_type`` (and its subclasses) takes ``effect_type``.

    ``check(region, effect)`` validates the effect's values for this region kind (see
    :class:`EffectHandler`).
    """
    if instant is None and not during:
        raise ParameterError("register_effect", "give instant=, during=True, or both")
    _HANDLERS[(region_type, effect_type)] = EffectHandler(instant, during, check)


def takes_effect(region: Region, effect: Effect, *, windowed: bool) -> bool:
    """Whether ``region`` takes ``effect``.

    It has a handler (:func:`effect_handler`) whose ``check`` accepts it: a spiking
    region without NMDA channels mapped takes no :class:`ScaleReceptor` of ``"nmda"``.
    """
    try:
        handler = effect_handler(region, effect, windowed=windowed)
        if handler.check is not None:
            handler.check(region, effect)
    except ParameterError:
        return False
    return True


def effect_handler(region: Region, effect: Effect, *, windowed: bool) -> EffectHandler:
    """The handler of ``effect`` on ``region``, or a :class:`ParameterError` saying why not.

    Looked up along the region's MRO, then the effect's (the most specific pair wins).
    ``windowed`` asks for an effect active during epochs, else an instant one.
    """
    for rt in type(region).__mro__:
        for et in type(effect).__mro__:
            h = _HANDLERS.get((rt, et))
            if h is not None and (h.during if windowed else h.instant is not None):
                return h
    when = "during epochs" if windowed else "at an instant"
    raise ParameterError(region.name, f"a {type(region).__name__} region cannot take "
                         f"{type(effect).__name__} {when}", effect)
