r"""A circuit: regions joined by pathways, as data.

:class:`Circuit` holds regions (stepped in the order given) and pathways, and composes
with ``+`` (hippocampus + cortex + amygdala; later striatum, cerebellum, PFC). One epoch
is ``settle`` passes over the regions: in each pass a region receives the summed
pathway input :math:`I = \sum_p g_p W_p r_p` from its sources' latest activity (this
pass for regions earlier in the order, the previous pass otherwise; zero in the first
pass), every pass restarting from the region's state at the start of the epoch with the
same random stream, so a region's random choice (a replayed memory) is the same in every
pass. After the last pass each learning pathway updates once from the settled
activities, scaled by the learning factor of its target region in that epoch.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

import numpy as np

from engramlab.circuits._pathway import Pathway
from engramlab.circuits._region import (
    Effect,
    Region,
    Remove,
    ScaleLearning,
    StepContext,
    effect_handler,
    register_effect,
)
from engramlab.core.errors import ParameterError
from engramlab.core.rng import make_rng
from engramlab.protocol import Span

__all__ = ["Circuit", "CircuitState"]

register_effect(Region, ScaleLearning, during=True)


@dataclasses.dataclass(frozen=True)
class CircuitState:
    """The state of a circuit for a batch of subjects (never mutated in place).

    ``regions`` maps each region's name to its state, ``weights`` each pathway's name to
    its weights ``(subjects, post, pre)``, and ``removed`` holds the names lesioned so far.

    Examples
    --------
    >>> from engramlab.circuits import Circuit, OneToOne, Pathway, RateRegion, Remove, Sensory
    >>> circuit = Circuit((Sensory("senses", (("tone", 4),), context_cells=2),
    ...                    RateRegion("amygdala", (("fear", 4),))),
    ...                   (Pathway("tone-amygdala", "senses.tone", "amygdala", OneToOne()),))
    >>> state = circuit.init(n_subjects=2, seed=0)  # naive subjects
    >>> sorted(state.regions), state.weights["tone-amygdala"].shape, state.removed
    (['amygdala', 'senses'], (2, 4, 4), frozenset())
    >>> circuit.apply(state, "tone-amygdala", Remove()).removed  # a new state, lesioned
    frozenset({'tone-amygdala'})
    """

    regions: Mapping[str, Any]
    weights: Mapping[str, np.ndarray]
    removed: frozenset[str] = frozenset()


@dataclasses.dataclass(frozen=True)
class Circuit:
    """Regions (stepped in order) and the pathways between them.

    Parameters
    ----------
    regions
        The regions, stepped in this order in each settling pass.
    pathways
        The :class:`~engramlab.circuits.Pathway` s; each end names a region of
        ``regions`` (or one of its groups).
    settle
        Passes over the regions per epoch (module docstring).

    Examples
    --------
    A tone channel driving fear cells one-to-one, with half the weight:

    >>> from engramlab.circuits import OneToOne, Pathway, RateRegion, Sensory, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> senses = Sensory("senses", (("tone", 4),), context_cells=4, coding=0.5)
    >>> amygdala = RateRegion("amygdala", (("fear", 4),), ceiling=1.0)
    >>> circuit = Circuit((senses, amygdala), (Pathway("tone-amygdala", "senses.tone",
    ...                                                "amygdala", OneToOne(0.5)),))
    >>> circuit.names()
    ('senses', 'amygdala', 'tone-amygdala')
    >>> test = Protocol.of(session("test", trial("tone", epoch("tone", 1000, tone=1.0))))
    >>> ds = run_protocol(circuit, test, record={"fear": "amygdala.fear"}, seed=0)
    >>> float(ds.fear.sel(group="control", subject=0, event="test/0/0:tone"))  # 2 of 4 at 0.5
    0.25

    Circuits compose with ``+`` (regions and pathways concatenated, the larger
    ``settle``); each operand must be a valid circuit on its own:

    >>> cortex = Circuit((RateRegion("cortex", (("context", 4),)),), settle=1)
    >>> (circuit + cortex).names()
    ('senses', 'amygdala', 'cortex', 'tone-amygdala')
    """

    regions: tuple[Region, ...]
    pathways: tuple[Pathway, ...] = ()
    settle: int = 3

    def __post_init__(self) -> None:
        regions, pathways = tuple(self.regions), tuple(self.pathways)
        object.__setattr__(self, "regions", regions)
        object.__setattr__(self, "pathways", pathways)
        if not regions or not all(isinstance(r, Region) for r in regions):
            raise ParameterError("circuit.regions", "must be a non-empty sequence of Region",
                                 self.regions)
        if not all(isinstance(p, Pathway) for p in pathways):
            raise ParameterError("circuit.pathways", "must be a sequence of Pathway",
                                 self.pathways)
        names = [r.name for r in regions] + [p.name for p in pathways]
        for n in names:
            if names.count(n) > 1:
                raise ParameterError("circuit", f"names {n!r} twice: regions and pathways "
                                     "need distinct names", n)
        for p in pathways:
            (_, pre), (_, post) = (self._find_end(p, end) for end in ("source", "target"))
            p.weights.check_shape(f"pathway[{p.name}].weights", post.stop - post.start,
                                  pre.stop - pre.start)
        if isinstance(self.settle, bool) or not isinstance(self.settle, int) or \
                self.settle < 1:
            raise ParameterError("circuit.settle", "must be an integer >= 1", self.settle)

    def __add__(self, other: Circuit) -> Circuit:
        return Circuit((*self.regions, *other.regions), (*self.pathways, *other.pathways),
                       max(self.settle, other.settle))

    def region(self, name: str) -> Region:
        for r in self.regions:
            if r.name == name:
                return r
        raise ParameterError("region", f"names no region of the circuit (it has "
                             f"{[r.name for r in self.regions]})", name)

    def pathway(self, name: str) -> Pathway:
        for p in self.pathways:
            if p.name == name:
                return p
        raise ParameterError("pathway", f"names no pathway of the circuit (it has "
                             f"{[p.name for p in self.pathways]})", name)

    def names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.regions) + tuple(p.name for p in self.pathways)

    @functools.cached_property
    def _ends(self) -> dict[tuple[str, str], tuple[Region, slice]]:
        return {(p.name, end): self._find_end(p, end) for p in self.pathways
                for end in ("source", "target")}

    def _end(self, p: Pathway, end: str) -> tuple[Region, slice]:
        return self._ends[(p.name, end)]

    def _find_end(self, p: Pathway, end: str) -> tuple[Region, slice]:
        region_name, group = Pathway.split(getattr(p, end))
        try:
            region = self.region(region_name)
        except ParameterError:
            raise ParameterError(f"pathway[{p.name}].{end}", f"names no region of the "
                                 f"circuit ({[r.name for r in self.regions]})",
                                 getattr(p, end)) from None
        return region, _group_slice(region, group, f"pathway[{p.name}].{end}")

    # -- state ------------------------------------------------------------------------

    def init(self, n_subjects: int, seed: int) -> CircuitState:
        """Naive subjects: each region's and pathway's own stream of ``seed``."""
        regions = {r.name: r.init(n_subjects, make_rng(seed, 1, i))
                   for i, r in enumerate(self.regions)}
        weights = {}
        for i, p in enumerate(self.pathways):
            (_, pre), (_, post) = self._end(p, "source"), self._end(p, "target")
            weights[p.name] = p.weights.draw(n_subjects, post.stop - post.start,
                                             pre.stop - pre.start, make_rng(seed, 2, i))
        return CircuitState(regions, weights)

    def elapse(self, state: CircuitState, duration_ms: float) -> CircuitState:
        """Carry every region and learning pathway across ``duration_ms``."""
        if duration_ms <= 0:
            return state
        regions = {r.name: r.elapse(state.regions[r.name], duration_ms)
                   for r in self.regions}
        weights = dict(state.weights)
        for p in self.pathways:
            if p.rule is not None:
                weights[p.name] = p.rule.decay(weights[p.name], duration_ms)
        return dataclasses.replace(state, regions=regions, weights=weights)

    def check_effect(self, target: str, effect: Effect, *, windowed: bool) -> None:
        """Refuse, before any work, an effect its target cannot take."""
        if target in {p.name for p in self.pathways}:
            if isinstance(effect, Remove) and not windowed:
                return
            if isinstance(effect, ScaleLearning) and windowed:
                return
            raise ParameterError(target, f"a pathway cannot take {type(effect).__name__}"
                                 + (" during epochs" if windowed else " at an instant"),
                                 effect)
        region = self.region(target)
        handler = effect_handler(region, effect, windowed=windowed)
        if handler.check is not None:
            handler.check(region, effect)

    def apply(self, state: CircuitState, target: str, effect: Effect) -> CircuitState:
        """Apply an instant effect to a region or a pathway."""
        removed = state.removed | {target} if isinstance(effect, Remove) else state.removed
        if target in {p.name for p in self.pathways}:
            return dataclasses.replace(state, removed=removed)
        region = self.region(target)
        handler = effect_handler(region, effect, windowed=False)
        assert handler.instant is not None
        regions = dict(state.regions)
        regions[target] = handler.instant(region, effect, regions[target])
        return dataclasses.replace(state, regions=regions, removed=removed)

    def step(self, state: CircuitState, span: Span, effects: Mapping[str, tuple[Effect, ...]],
             rng_seed: int, n_subjects: int) -> tuple[CircuitState, dict[str, np.ndarray]]:
        """One epoch: settle, then learn; returns the new state and each region's activity."""
        start = state.regions
        act: dict[str, np.ndarray] = {}
        new_regions: dict[str, Any] = dict(start)
        seeds = {r.name: (rng_seed + 7919 * (i + 1)) % (2**63 - 1)
                 for i, r in enumerate(self.regions)}
        ctxs: dict[str, StepContext] = {}
        for _ in range(self.settle):
            for r in self.regions:
                # a fresh context per pass: the region's stream restarts from its seed
                ctxs[r.name] = ctx = StepContext(span, effects.get(r.name, ()),
                                                 seeds[r.name], n_subjects)
                x = self._input(r, state, act, n_subjects)
                new_regions[r.name], act[r.name] = r.step(start[r.name], {"input": x}, ctx)
        weights = dict(state.weights)
        for p in self.pathways:
            if p.rule is None or p.name in state.removed:
                continue
            (src, pre), (dst, post) = self._end(p, "source"), self._end(p, "target")
            if src.name in state.removed or dst.name in state.removed:
                continue
            factor = ctxs[dst.name].learning(p.rule.mechanism)
            if p.rule.gate is not None:
                factor *= 0.0 if span.kind == "sleep" else span.intensity(p.rule.gate)
            for e in effects.get(p.name, ()):
                if isinstance(e, ScaleLearning) and e.mechanism in ("all", p.rule.mechanism):
                    factor *= e.factor
            weights[p.name] = p.rule.update(weights[p.name], act[src.name][:, pre],
                                            act[dst.name][:, post], factor)
        return dataclasses.replace(state, regions=new_regions, weights=weights), act

    def _input(self, region: Region, state: CircuitState, act: Mapping[str, np.ndarray],
               n_subjects: int) -> np.ndarray:
        n = sum(region.groups.values())
        x = np.zeros((n_subjects, n))
        for p in self.pathways:
            dst, post = self._end(p, "target")
            if dst is not region or p.name in state.removed:
                continue
            src, pre = self._end(p, "source")
            if src.name not in act or src.name in state.removed:
                continue
            a = act[src.name][:, pre]
            if p.gain == 0 or not a.any():
                continue
            x[:, post] += p.gain * np.matmul(state.weights[p.name], a[:, :, None])[:, :, 0]
        return x


def _group_slice(region: Region, group: str | None, field: str) -> slice:
    a = 0
    for name, n in region.groups.items():
        if group is None or name == group:
            if group is not None:
                return slice(a, a + n)
        a += n
    if group is None:
        return slice(0, a)
    raise ParameterError(field, f"names no group of region {region.name!r} "
                         f"({list(region.groups)})", group)
