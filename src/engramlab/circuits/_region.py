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
    """Base of the effect primitives; ``cells`` names a cell group or a tagged set.

    Examples
    --------
    Every primitive is an :class:`Effect`; a new kind of effect is a frozen dataclass
    that no region takes until it is registered (:func:`register_effect`):

    >>> import dataclasses
    >>> from engramlab.circuits import Gain, RateRegion, Remove, takes_effect
    >>> @dataclasses.dataclass(frozen=True)
    ... class Noise(Effect):
    ...     sd: float
    >>> [isinstance(e, Effect) for e in (Gain(0.0), Remove(), Noise(0.1))]
    [True, True, True]
    >>> takes_effect(RateRegion("cortex", (("cells", 4),)), Noise(0.1), windowed=True)
    False
    """


@dataclasses.dataclass(frozen=True)
class Remove(Effect):
    """Lesion: the region (or pathway) stops for good (outputs 0, no learning, no replay).

    Examples
    --------
    :func:`~engramlab.interventions.lesion` resolves into a :class:`Remove` applied at an
    instant, here the end of training:

    >>> from engramlab.circuits import Circuit, RateRegion
    >>> from engramlab.interventions import lesion
    >>> from engramlab.protocol import After, Protocol, epoch, session, trial
    >>> circuit = Circuit((RateRegion("hippocampus", (("index", 4),)),))
    >>> tl = Protocol.of(session("training", trial("t", epoch("tone", 1000)))).resolve()
    >>> (s,) = lesion("hippocampus", After("training")).schedule(tl, circuit)
    >>> s.effect, s.instant, s.window.resolve(tl)
    (Remove(), True, ((1000.0, 1000.0),))
    >>> circuit.apply(circuit.init(1, seed=0), "hippocampus", Remove()).removed
    frozenset({'hippocampus'})
    """


@dataclasses.dataclass(frozen=True)
class Gain(Effect):
    """Multiply the activity of ``cells`` (``None``: every cell) by ``factor`` (>= 0).

    Silencing by an inhibitory opsin is ``Gain(0, cells)``; a chemogenetic receptor a
    gain with its own time course (one effect per epoch, factor given per epoch).

    Examples
    --------
    The fear cells silenced (ArchT) in the second session only; the extinction cells
    are spared:

    >>> from engramlab.circuits import (Circuit, OneToOne, Pathway, RateRegion, Scheduled,
    ...                                 Sensory, run_protocol)
    >>> from engramlab.protocol import During, Protocol, epoch, session, trial
    >>> circuit = Circuit((Sensory("senses", (("tone", 4),), context_cells=1, coding=1.0),
    ...                    RateRegion("amygdala", (("fear", 2), ("extinction", 2)))),
    ...                   (Pathway("tone-amygdala", "senses.tone", "amygdala", OneToOne()),))
    >>> tone = trial("tone", epoch("tone", 1000, tone=1.0))
    >>> p = Protocol.of(session("light off", tone), session("light on", tone, day=1))
    >>> archt = Scheduled("amygdala", Gain(0.0, cells="fear"), During("light on"))
    >>> ds = run_protocol(circuit, p, groups={"ArchT": [archt]}, seed=0,
    ...                   record={"fear": "amygdala.fear", "ext": "amygdala.extinction"})
    >>> ds.fear.values[0, 0].tolist(), ds.ext.values[0, 0].tolist()
    ([1.0, 0.0], [1.0, 1.0])
    """

    factor: float
    cells: str | None = None

    def __post_init__(self) -> None:
        if not (isinstance(self.factor, (int, float)) and math.isfinite(self.factor)
                and self.factor >= 0):
            raise ParameterError("gain.factor", "must be a finite number >= 0", self.factor)


@dataclasses.dataclass(frozen=True)
class Drive(Effect):
    """Add ``amount`` (activity units of the region) to ``cells`` (an opsin's drive).

    Examples
    --------
    ChR2 on the fear cells of a rate region without input: the light alone drives them
    (one step of the region, as :meth:`Circuit.step <engramlab.circuits.Circuit.step>`
    makes it):

    >>> import numpy as np
    >>> from engramlab.circuits import RateRegion, StepContext
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> span = Protocol.of(session("s", trial("t", epoch("light", 1000)))).resolve().spans[0]
    >>> la = RateRegion("amygdala", (("fear", 2), ("extinction", 2)))
    >>> ctx = StepContext(span, (Drive(0.5, cells="fear"),), seed=0, n_subjects=1)
    >>> _, r = la.step(la.init(1, None), {"input": np.zeros((1, 4))}, ctx)
    >>> r.tolist()
    [[0.5, 0.5, 0.0, 0.0]]
    """

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

    Examples
    --------
    A region reads the product of the factors for the mechanism its plasticity needs
    (:meth:`StepContext.learning`):

    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> span = Protocol.of(session("s", trial("t", epoch("tone", 1000)))).resolve().spans[0]
    >>> ctx = StepContext(span, (ScaleLearning(0.0, "nmda"),), seed=0, n_subjects=1)  # AP5
    >>> ctx.learning("nmda"), ctx.learning("protein_synthesis")
    (0.0, 1.0)
    >>> ctx = StepContext(span, (ScaleLearning(0.5), ScaleLearning(0.5, "protein_synthesis")),
    ...                   seed=0, n_subjects=1)
    >>> ctx.learning("nmda"), ctx.learning("protein_synthesis")
    (0.5, 0.25)
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

    Examples
    --------
    The prefrontal ring maps ``"nmda"`` to its recurrent channels, so it takes an NMDA
    block; a class it does not map is refused, and a rate region has no receptors:

    >>> from engramlab.circuits import RateRegion, compte_region, takes_effect
    >>> from engramlab.network import CompteParams
    >>> pfc = compte_region(CompteParams(n_e=64, n_i=16))
    >>> dict(pfc.receptors)["nmda"]
    (('E', 'rec'), ('I', 'rec'))
    >>> takes_effect(pfc, ScaleReceptor(0.0, "nmda"), windowed=True)
    True
    >>> takes_effect(pfc, ScaleReceptor(0.0, "kainate"), windowed=True)
    False
    >>> takes_effect(RateRegion("cortex", (("cells", 4),)), ScaleReceptor(0.0), windowed=True)
    False
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

    Examples
    --------
    One step of a rate region under the tag: the cells above 0.5 join ``"engram"``,
    which later effects and records can name like a group:

    >>> import numpy as np
    >>> from engramlab.circuits import RateRegion, StepContext
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> span = Protocol.of(session("s", trial("t", epoch("tone", 1000)))).resolve().spans[0]
    >>> la = RateRegion("amygdala", (("fear", 4),))
    >>> ctx = StepContext(span, (Tag("engram", threshold=0.5),), seed=0, n_subjects=1)
    >>> state, r = la.step(la.init(1, None), {"input": np.array([[1.0, 0.2, 0.9, 0.0]])}, ctx)
    >>> la.cell_set(state, "engram").tolist()
    [[True, False, True, False]]
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

    Examples
    --------
    Depleted dopamine halves the bursts: Rescorla-Wagner acquisition (:math:`\alpha = 1`,
    :math:`\beta = 0.5`) is slowed:

    >>> from engramlab.circuits import Circuit, RescorlaWagnerRegion, Scheduled, run_protocol
    >>> from engramlab.protocol import During, Protocol, epoch, repeat, session, trial
    >>> rw = RescorlaWagnerRegion("rw", stimuli=("A",), alpha=1.0, beta=0.5)
    >>> p = Protocol.of(session("training", repeat(trial("A+", epoch("A+", 1000, A=1, us=1)), 2)))
    >>> depleted = Scheduled("rw", Dopamine(burst=0.5), During("training"))
    >>> ds = run_protocol(Circuit((rw,), settle=1), p, record={"v": "rw.A"}, seed=0,
    ...                   groups={"control": [], "depleted": [depleted]})
    >>> ds.v.values[:, 0].tolist()  # V after each pairing, per group
    [[0.5, 0.75], [0.25, 0.4375]]
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

    Examples
    --------
    >>> from engramlab.circuits import Dopamine, ScaleLearning
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> p = Protocol.of(session("s", trial("t", epoch("tone", 1000, tone=1.0))))
    >>> span = p.resolve().spans[0]  # the one epoch, as a Span
    >>> ctx = StepContext(span, (ScaleLearning(0.0, "nmda"), Dopamine(burst=0.5)), seed=0,
    ...                   n_subjects=2)
    >>> ctx.span.intensity("tone"), ctx.sleeping, ctx.learning("nmda"), ctx.dopamine()
    (1.0, False, 0.0, (0.5, 1.0))
    >>> ctx.rng.random(2).round(4).tolist()  # the same stream for the same seed
    [0.637, 0.2698]
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
    """A named model with named cell groups, stepped once per epoch.

    Examples
    --------
    A minimal region: one cell counting the epochs in which the stimulus ``cue`` is on.

    >>> import dataclasses
    >>> import numpy as np
    >>> from engramlab.circuits import Circuit, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, repeat, session, trial
    >>> @dataclasses.dataclass(frozen=True)
    ... class Counter(Region):
    ...     name: str = "counter"
    ...     @property
    ...     def groups(self):
    ...         return {"count": 1}
    ...     def init(self, n_subjects, rng):
    ...         return np.zeros((n_subjects, 1))
    ...     def step(self, state, inputs, ctx):
    ...         new = state + (ctx.span.intensity("cue") > 0)
    ...         return new, new  # the new state and the activity (subjects, cells)
    >>> p = Protocol.of(session("s", repeat(trial("t", epoch("cue", 10, cue=1.0),
    ...                                          epoch("rest", 10)), 2)))
    >>> ds = run_protocol(Circuit((Counter(),), settle=1), p, record={"n": "counter"}, seed=0)
    >>> ds.n.values[0, 0].tolist()
    [1.0, 1.0, 2.0, 2.0]

    (Recording one group, ``"counter.count"``, needs :meth:`cell_set`, which this
    minimal region does not override.)
    """

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

    Examples
    --------
    The TD critic is a timed region of 100-ms steps: a 500-ms epoch is five steps, and
    its time course holds the value and the dopamine cell at each of them:

    >>> from engramlab.circuits import TDCritic
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> critic = TDCritic(step_ms=100.0)
    >>> span = Protocol.of(session("s", trial("t", epoch("cs", 500.0, cs=1.0)))).resolve().spans[0]
    >>> isinstance(critic, TimedRegion), critic.dt_ms, critic.n_steps(span)
    (True, 100.0, 5)
    >>> state, _ = critic.step(critic.init(1, None), {}, StepContext(span, (), 0, 1))
    >>> critic.time_course(state).shape  # (subjects, steps, cells)
    (1, 5, 2)
    >>> critic.n_steps(Protocol.of(session("s", trial("t", epoch("cs", 250.0)))).resolve().spans[0])
    Traceback (most recent call last):
    ...
    engramlab.core.errors.ParameterError: parameter 'critic.dt_ms' epoch 's/0/0:cs' (250.0 ms) ...
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

    Examples
    --------
    >>> from engramlab.circuits import Gain, RateRegion, Remove, effect_handler
    >>> la = RateRegion("amygdala", (("fear", 4),))
    >>> effect_handler(la, Gain(0.5), windowed=True)  # read by the region's step
    EffectHandler(instant=None, during=True, check=None)
    >>> effect_handler(la, Remove(), windowed=False).instant is not None  # applied at once
    True
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

    Examples
    --------
    A rate region that will read the phasic dopamine signal in its step: registering
    :class:`Dopamine` for it (the handlers of :class:`~engramlab.circuits.RateRegion`
    still apply: the lookup follows the MRO):

    >>> from engramlab.circuits import Dopamine, Gain, RateRegion, takes_effect
    >>> class Striatum(RateRegion):
    ...     pass  # its step would read ctx.dopamine()
    >>> region = Striatum("striatum", (("msn", 4),))
    >>> takes_effect(region, Dopamine(burst=0.5), windowed=True)
    False
    >>> register_effect(Striatum, Dopamine, during=True)
    >>> takes_effect(region, Dopamine(burst=0.5), windowed=True), takes_effect(
    ...     region, Gain(0.0), windowed=True)
    (True, True)
    """
    if instant is None and not during:
        raise ParameterError("register_effect", "give instant=, during=True, or both")
    _HANDLERS[(region_type, effect_type)] = EffectHandler(instant, during, check)


def takes_effect(region: Region, effect: Effect, *, windowed: bool) -> bool:
    """Whether ``region`` takes ``effect``.

    It has a handler (:func:`effect_handler`) whose ``check`` accepts it: a spiking
    region without NMDA channels mapped takes no :class:`ScaleReceptor` of ``"nmda"``.

    Examples
    --------
    >>> from engramlab.circuits import Dopamine, Gain, RateRegion, Remove, RescorlaWagnerRegion
    >>> la = RateRegion("amygdala", (("fear", 4),))
    >>> takes_effect(la, Gain(0.0, "fear"), windowed=True), takes_effect(la, Remove(),
    ...                                                                 windowed=False)
    (True, True)
    >>> takes_effect(la, Dopamine(), windowed=True)  # no prediction error to scale
    False
    >>> takes_effect(RescorlaWagnerRegion("rw", stimuli=("A",)), Dopamine(), windowed=True)
    True
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

    Examples
    --------
    >>> from engramlab.circuits import Dopamine, RateRegion, Tag
    >>> la = RateRegion("amygdala", (("fear", 4),))
    >>> effect_handler(la, Tag("engram"), windowed=True)
    EffectHandler(instant=None, during=True, check=None)
    >>> effect_handler(la, Dopamine(), windowed=True)
    Traceback (most recent call last):
    ...
    engramlab.core.errors.ParameterError: parameter 'amygdala' a RateRegion region cannot ...
    """
    for rt in type(region).__mro__:
        for et in type(effect).__mro__:
            h = _HANDLERS.get((rt, et))
            if h is not None and (h.during if windowed else h.instant is not None):
                return h
    when = "during epochs" if windowed else "at an instant"
    raise ParameterError(region.name, f"a {type(region).__name__} region cannot take "
                         f"{type(effect).__name__} {when}", effect)
