r"""A circuit region that is an associative memory: a CA3, a cortex, any chapter-4 memory.

:class:`MemoryRegion` holds, per subject, one
:class:`~engramlab.memory.associative.AssociativeMemory` (a Hopfield network, the
covariance rule, the Willshaw CA3 net with k-WTA, a modern or dense Hopfield network:
:mod:`engramlab.memory.associative`) over its cells, and steps once per epoch:

- Its **cue** is the summed pathway input :math:`I` plus an opsin's drive :math:`D`,
  binarised at the boundary of the memory: :math:`c_i = [I_i + D_i > \vartheta]`
  (``threshold`` :math:`\vartheta`, default 0.5 of an activity of 1).
- **Encoding epochs** are the awake epochs in which the stimulus named ``encode``
  (default ``"encode"``) is on: ``epoch("study", item=1.0, encode=1.0)``. The cells carry
  the cue, :math:`r = G\,c` (the input drives them), and the memory stores the pattern
  :math:`[r > \vartheta]` they carry -- when it is not empty, the subject is alive and
  learning is on: each subject stores with probability :math:`\phi`, the learning factor
  of the epoch for ``mechanism`` (default NMDA-receptor-dependent induction:
  :math:`\phi = 0` under AP5, so nothing is stored; 1 otherwise). The ``encode``
  stimulus stands for the state of high acetylcholine in which hippocampal input is
  stored and recurrent recall is suppressed, and its absence for the state of recall
  (Hasselmo, Schnell & Barkai 1995, J. Neurosci. 15:5249): a protocol says when an
  animal *studies* and when it is *tested*, and a test never overwrites what it tests.
- **Recall epochs** are the other awake epochs: the region outputs the memory's
  completion of the cue, :math:`r = G\,\mathrm{recall}(c)` (0 for a subject with an empty
  cue: a memory does not recall spontaneously while awake). Nothing is stored.
- **Sleep epochs** store nothing. A cue in the input (from another region, or an
  opsin's drive) is recalled as in a recall epoch; a subject without one is silent, or,
  with ``replay=True``, replays one of its stored patterns, drawn uniformly, as the
  memory's recall of it (reactivation during sleep; Wilson & McNaughton 1994), which
  learning pathways downstream can learn from.

:math:`G` is a gain (opsin silencing, chemogenetics; 0 after a lesion). The memories are
permanent (no decay between epochs) and never mutated: storing makes a new memory, so a
snapshot of the state (a branch point of :func:`~engramlab.circuits.run_protocol`) keeps
what it held. Effects taken: :class:`~engramlab.circuits.Remove` (the region stops for
good: output 0, no storage, no replay), :class:`~engramlab.circuits.Gain`,
:class:`~engramlab.circuits.Drive`, :class:`~engramlab.circuits.Tag` and
:class:`~engramlab.circuits.ScaleLearning` (AP5: ``ap5(region=..., window=...)``).

Examples
--------
>>> from engramlab.memory.associative import CA3Memory
>>> ca3 = MemoryRegion("ca3", (("cells", 200),), memory=CA3Memory(200))
>>> ca3.groups, ca3.encode
({'cells': 200}, 'encode')
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from engramlab.circuits._region import (
    MECHANISMS,
    Drive,
    Effect,
    Gain,
    Mechanism,
    Remove,
    ScaleLearning,
    StepContext,
    Tag,
    register_effect,
)
from engramlab.circuits.regions import _Cells, _groups
from engramlab.core.errors import ParameterError
from engramlab.core.rng import make_rng
from engramlab.memory.associative import AssociativeMemory, MemoryFactory, check_memory

__all__ = ["MemoryRegion"]

Array = np.ndarray


@dataclasses.dataclass(frozen=True)
class MemoryRegion(_Cells):
    """Cells holding one associative memory per subject (module docstring).

    Parameters
    ----------
    name
        The region's name.
    cells
        Cell groups ``((name, n), ...)``; the memory has one unit per cell, groups
        concatenated in order.
    memory
        An :class:`~engramlab.memory.associative.AssociativeMemory` with ``n_units``
        equal to the number of cells (every subject starts from it; usually empty), or a
        factory ``(n_units, rng) -> AssociativeMemory`` called once per subject with that
        subject's generator (a memory with random structure, e.g.
        :meth:`~engramlab.memory.associative.CA3Memory.diluted`).
    encode
        The stimulus whose presence makes an awake epoch an encoding epoch.
    threshold
        :math:`\\vartheta`: an input above it makes a cell part of the cue (activity
        units; 0.5 of the unit intensity of a stimulus).
    mechanism
        What a drug must block to stop storage (``"nmda"``: AP5).
    replay
        Replay a stored pattern in each sleep epoch.

    Examples
    --------
    One episode (a place and what happened there, 4 of 20 cells each) studied once,
    then the place alone as a cue: CA3 completes the event, unless AP5 blocked storage.

    >>> from engramlab.circuits import Circuit, OneToOne, Pathway, Sensory, run_protocol
    >>> from engramlab.interventions import ap5
    >>> from engramlab.memory.associative import CA3Memory
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> ec = Sensory("ec", (("place", 20), ("event", 20)), context_cells=1, coding=0.2)
    >>> ca3 = MemoryRegion("ca3", (("place", 20), ("event", 20)), memory=CA3Memory(40))
    >>> circuit = Circuit((ec, ca3), (Pathway("place", "ec.place", "ca3.place", OneToOne()),
    ...                               Pathway("event", "ec.event", "ca3.event", OneToOne())))
    >>> p = Protocol.of(
    ...     session("study", trial("study", epoch("study", 1000, place=1, event=1, encode=1))),
    ...     session("test", trial("test", epoch("cue", 1000, place=1)), day=1))
    >>> ds = run_protocol(circuit, p, seed=0, n_subjects=4, record={"recalled": "ca3.event"},
    ...                   groups={"control": [], "AP5": [ap5(region="ca3", window="study")]})
    >>> ds.recalled.sel(event="test/0/0:cue").mean("subject").to_series()  # 0.2: all 4 cells
    group
    control    0.2
    AP5        0.0
    Name: recalled, dtype: float64
    """

    name: str
    cells: tuple[tuple[str, int], ...]
    memory: AssociativeMemory | MemoryFactory
    encode: str = "encode"
    threshold: float = 0.5
    mechanism: Mechanism = "nmda"
    replay: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or "." in self.name:
            raise ParameterError("memory_region.name", "must be a non-empty string "
                                 "without '.'", self.name)
        object.__setattr__(self, "cells", _groups(f"{self.name}.cells", self.cells))
        self._check(self.memory)
        if not isinstance(self.encode, str) or not self.encode:
            raise ParameterError(f"{self.name}.encode", "must be a stimulus name",
                                 self.encode)
        t = self.threshold
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
            raise ParameterError(f"{self.name}.threshold", "must be a finite number", t)
        if self.mechanism not in MECHANISMS:
            raise ParameterError(f"{self.name}.mechanism", f"must be one of {MECHANISMS}",
                                 self.mechanism)
        if not isinstance(self.replay, bool):
            raise ParameterError(f"{self.name}.replay", "must be True or False", self.replay)

    def _check(self, memory: object) -> None:
        field = f"{self.name}.memory"
        if isinstance(memory, AssociativeMemory) and not isinstance(memory, type):
            check_memory(memory, self.n, field)
        elif callable(memory) and not isinstance(memory, type):
            # a factory: one probe subject now, so bad input fails before any work
            try:
                probe = memory(self.n, make_rng(0))
            except TypeError as err:
                raise ParameterError(field, "a factory must take (n_units, rng) and return "
                                     f"an AssociativeMemory ({err})", memory) from None
            check_memory(probe, self.n, field)
        else:
            check_memory(memory, self.n, field)  # raises: names the field and the rule

    def _new_memory(self, rng: np.random.Generator) -> AssociativeMemory:
        if isinstance(self.memory, AssociativeMemory):
            return self.memory
        return check_memory(self.memory(self.n, rng), self.n, f"{self.name}.memory")

    def init(self, n_subjects: int, rng: np.random.Generator) -> dict[str, Any]:
        """Naive subjects, each with its memory (see :meth:`Region.init`)."""
        return {**self._base_state(n_subjects),
                "memories": tuple(self._new_memory(rng) for _ in range(n_subjects))}

    def memories(self, state: Mapping[str, Any]) -> tuple[AssociativeMemory, ...]:
        """The memory of every subject in ``state``."""
        return tuple(state["memories"])

    def step(self, state: Any, inputs: Mapping[str, Array],
             ctx: StepContext) -> tuple[Any, Array]:
        """One epoch: encode, recall or replay (module docstring)."""
        alive_cells = state["alive"]
        b = alive_cells.shape[0]
        alive = alive_cells.any(axis=1)
        memories = tuple(state["memories"])
        x = inputs.get("input")
        if x is None:
            x = np.zeros((b, self.n))
        x = self._modulate(state, x, ctx, stage="input")
        cue = (x > self.threshold).astype(float)
        cued = alive & cue.any(axis=1)
        r = np.zeros((b, self.n))
        if not ctx.sleeping and ctx.span.intensity(self.encode) > 0:
            r = self._modulate(state, cue, ctx, stage="output") * alive_cells
            carried = (r > self.threshold).astype(float)
            u = ctx.rng.random(b)
            store = alive & carried.any(axis=1) & (u < ctx.learning(self.mechanism))
            if store.any():
                memories = tuple(m.store(carried[s]) if store[s] else m
                                 for s, m in enumerate(memories))
                state = {**state, "memories": memories}
            return self._tag(state, r, ctx), r
        for s in np.flatnonzero(cued):
            r[s] = memories[s].recall(cue[s], ctx.rng)[0]
        if ctx.sleeping and self.replay:
            u = ctx.rng.random(b)
            for s in np.flatnonzero(alive & ~cued):
                m = memories[s]
                if m.n_patterns:
                    mu = min(int(u[s] * m.n_patterns), m.n_patterns - 1)
                    r[s] = m.recall(m.patterns[mu], ctx.rng)[0]
        r = self._modulate(state, r, ctx, stage="output") * alive_cells
        return self._tag(state, r, ctx), r


def _remove(region: MemoryRegion, effect: Effect, state: Any) -> Any:
    return {**state, "alive": np.zeros_like(state["alive"])}


register_effect(MemoryRegion, Remove, instant=_remove)
for _effect in (Gain, Drive, Tag, ScaleLearning):
    register_effect(MemoryRegion, _effect, during=True)
