r"""Rate regions of the circuits: senses, rate populations and the hippocampal index.

Every region here keeps a batch of subjects: activity is ``(subjects, cells)``, and its
cells are the concatenation of its named groups, in order.

:class:`Sensory`
    The stimuli of the protocol as activity. Each stimulus channel (``"cs"``,
    ``"us"``, ...) and each context has a fixed random sparse pattern per subject
    (a fraction ``coding`` of the group's cells, drawn from the subject's seed and the
    stimulus' name, so the same name gives the same pattern in every session and in
    every group; ``codings`` overrides the fraction per channel); in an epoch the
    channel's cells carry
    :math:`r = c\,\xi` (:math:`c` the stimulus' intensity) and the context group the
    pattern of the session's context. Silent during sleep.
:class:`RateRegion`
    :math:`r = \min(f(I + D), r_\max)\cdot G` with :math:`I` the summed pathway input,
    :math:`D` an opsin's drive, :math:`G` a gain (opsin silencing, chemogenetics,
    lesion 0) and :math:`f` linear, rectified (:math:`[x - \theta]_+`) or k-winners-take-
    all (the ``k`` cells with the largest input above :math:`\theta` are 1, the rest 0;
    ties go to the lower index).
:class:`IndexRegion`
    A k-WTA region that remembers what it encoded: the sparse hippocampal index of
    Teyler & DiScenna (1986). Each awake epoch with a non-empty code stores the code in
    one of ``n_slots`` slots with strength 1 (a code overlapping a stored one by at
    least ``same_overlap`` refreshes that slot instead); strengths decay as
    :math:`s\,e^{-\Delta t/\tau}`. With ``complete_overlap`` set, an awake code that
    shares at least that fraction of its ``k`` cells with a stored code (the best match,
    strength > 0) becomes that stored code: cue-driven completion of the index, the
    recurrent (CA3-like) completion that lets a partial cue reactivate the whole index
    (Teyler & Rudy 2007); ``None`` (default): no completion. In each sleep epoch the
    region replays one stored code, slot :math:`m` with probability
    :math:`s_m / \max(1, \sum_n s_n)` (no replay with the remaining probability), the
    reactivation of hippocampal memories during sleep that drives systems consolidation
    (Alvarez & Squire 1994; Wilson & McNaughton 1994). Each slot also keeps when its
    code was last stored (``stored_ms``, the start of that epoch); under a
    :class:`ReplaySince` effect a sleep epoch replays only the codes stored at or after
    ``since_ms`` (the other slots count as strength 0 in the draw): replay of recent
    memories only, without the interleaved replay of older ones (McClelland, McNaughton
    & O'Reilly 1995).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import zlib
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from engramlab.circuits._region import (
    Drive,
    Effect,
    Gain,
    Region,
    Remove,
    StepContext,
    Tag,
    cell_mask,
    register_effect,
)
from engramlab.core.errors import ParameterError
from engramlab.core.rng import make_rng
from engramlab.memory import kwta

__all__ = ["IndexRegion", "RateRegion", "ReplaySince", "Sensory"]

Array = np.ndarray


def _groups(field: str, cells: Any) -> tuple[tuple[str, int], ...]:
    items = tuple(cells.items()) if isinstance(cells, Mapping) else tuple(cells)
    if not items:
        raise ParameterError(field, "must name at least one cell group", cells)
    seen = set()
    for pair in items:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise ParameterError(field, "must map group names to cell counts", pair)
        name, n = pair
        if not isinstance(name, str) or not name or "." in name:
            raise ParameterError(field, "group names must be non-empty, without '.'", name)
        if name in seen:
            raise ParameterError(field, f"names group {name!r} twice", name)
        seen.add(name)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ParameterError(f"{field}[{name}]", "must be an integer >= 1", n)
    return tuple((k, int(v)) for k, v in items)


def _slices(groups: tuple[tuple[str, int], ...]) -> dict[str, slice]:
    out, a = {}, 0
    for name, n in groups:
        out[name] = slice(a, a + n)
        a += n
    return out


class _Cells(Region):
    """Shared cell bookkeeping: groups, masks, lesions, tags."""

    name: str
    cells: tuple[tuple[str, int], ...]

    @property
    def groups(self) -> Mapping[str, int]:
        return dict(self.cells)

    @property
    def n(self) -> int:
        return sum(n for _, n in self.cells)

    def mask(self, state: Any, cells: str | None) -> Array:
        """Boolean ``(subjects, n)`` of a group, a tagged set, or every cell (None)."""
        return cell_mask(self, state["alive"].shape[0], state["tags"], cells)

    def cell_set(self, state: Any, name: str) -> Array:
        return self.mask(state, name)

    def _base_state(self, n_subjects: int) -> dict[str, Any]:
        return {"alive": np.ones((n_subjects, self.n), bool), "tags": {}}

    def _modulate(self, state: Any, x: Array, ctx: StepContext, *, stage: str) -> Array:
        for e in ctx.effects:
            if stage == "input" and isinstance(e, Drive):
                x = x + e.amount * self.mask(state, e.cells)
            elif stage == "output" and isinstance(e, Gain):
                m = self.mask(state, e.cells)
                x = np.where(m, x * e.factor, x)
        return x

    def _tag(self, state: Any, r: Array, ctx: StepContext) -> Any:
        tags = None
        for e in ctx.effects:
            if isinstance(e, Tag):
                tags = dict(state["tags"]) if tags is None else tags
                active = (r > e.threshold) & self.mask(state, e.cells)
                tags[e.name] = tags.get(e.name, np.zeros_like(active)) | active
        return state if tags is None else {**state, "tags": tags}


def _remove(region: _Cells, effect: Effect, state: Any) -> Any:
    return {**state, "alive": np.zeros_like(state["alive"])}


@dataclasses.dataclass(frozen=True)
class Sensory(_Cells):
    """Stimulus channels and contexts as fixed sparse patterns (module docstring).

    Examples
    --------
    A tone channel (20 % of its cells), a shock channel (every cell) and the context:

    >>> from engramlab.circuits import Circuit, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> senses = Sensory("senses", (("tone", 10), ("shock", 4)), context_cells=10,
    ...                  coding=0.2, codings=(("shock", 1.0),))
    >>> dict(senses.groups), senses.coding_of("tone"), senses.coding_of("shock")
    ({'tone': 10, 'shock': 4, 'context': 10}, 0.2, 1.0)
    >>> p = Protocol.of(session("day 1", trial("t", epoch("tone", 1000, tone=1.0),
    ...                                        epoch("shock", 1000, shock=0.5)), context="A"))
    >>> ds = run_protocol(Circuit((senses,)), p, seed=0, record={
    ...     "tone": "senses.tone", "shock": "senses.shock", "ctx": "senses.context"})
    >>> [ds[v].values[0, 0].tolist() for v in ("tone", "shock", "ctx")]  # per epoch
    [[0.2, 0.0], [0.0, 0.5], [0.2, 0.2]]
    """

    name: str
    channels: tuple[tuple[str, int], ...]
    context_cells: int = 100
    coding: float = 0.2
    context_group: str = "context"
    codings: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        chans = _groups(f"{self.name}.channels", self.channels)
        object.__setattr__(self, "channels", chans)
        if isinstance(self.context_cells, bool) or not isinstance(self.context_cells, int) \
                or self.context_cells < 1:
            raise ParameterError(f"{self.name}.context_cells", "must be an integer >= 1",
                                 self.context_cells)
        if not (isinstance(self.coding, (int, float)) and 0 < self.coding <= 1):
            raise ParameterError(f"{self.name}.coding", "must be in (0, 1]", self.coding)
        if self.context_group in dict(chans):
            raise ParameterError(f"{self.name}.channels", "a channel is named like the "
                                 "context group", self.context_group)
        codings = tuple(self.codings.items()) if isinstance(self.codings, Mapping) else \
            tuple(self.codings)
        for name, a in codings:
            if name not in dict(chans):
                raise ParameterError(f"{self.name}.codings", f"names no channel "
                                     f"({list(dict(chans))})", name)
            if not (isinstance(a, (int, float)) and 0 < a <= 1):
                raise ParameterError(f"{self.name}.codings[{name}]", "must be in (0, 1]", a)
        object.__setattr__(self, "codings", codings)

    def coding_of(self, channel: str) -> float:
        """Fraction of a channel's cells in its pattern (``coding`` unless overridden)."""
        return dict(self.codings).get(channel, self.coding)

    @property
    def cells(self) -> tuple[tuple[str, int], ...]:  # type: ignore[override]
        """Groups: the stimulus channels, then the context."""
        return (*self.channels, (self.context_group, self.context_cells))

    def init(self, n_subjects, rng):
        """Naive subjects (see :meth:`Region.init`)."""
        return {**self._base_state(n_subjects),
                "seeds": rng.integers(0, 2**63 - 1, size=n_subjects)}

    def pattern(self, state: Any, name: str, n: int, coding: float | None = None) -> Array:
        """The ``(subjects, n)`` 0/1 pattern of stimulus or context ``name``."""
        a = self.coding if coding is None else coding
        return np.stack([_pattern(int(s), name, n, a) for s in state["seeds"]])

    def step(self, state, inputs, ctx):
        """One epoch (see :meth:`Region.step` and the module docstring)."""
        b = state["alive"].shape[0]
        r = np.zeros((b, self.n))
        if not ctx.sleeping:
            sl = _slices(self.cells)
            for name, n in self.channels:
                c = ctx.span.intensity(name)
                if c:
                    r[:, sl[name]] = c * self.pattern(state, name, n, self.coding_of(name))
            if ctx.span.context is not None:
                r[:, sl[self.context_group]] = self.pattern(state, "context:"
                                                            + ctx.span.context,
                                                            self.context_cells)
        r = self._modulate(state, r, ctx, stage="input")
        r = self._modulate(state, r, ctx, stage="output") * state["alive"]
        return self._tag(state, r, ctx), r


@functools.lru_cache(maxsize=4096)
def _pattern(seed: int, name: str, n: int, coding: float) -> Array:
    rng = make_rng(seed, zlib.crc32(name.encode()))
    out = np.zeros(n)
    out[rng.permutation(n)[:max(1, round(coding * n))]] = 1.0
    out.setflags(write=False)
    return out


Activation = Literal["linear", "rectified", "kwta"]


@dataclasses.dataclass(frozen=True)
class RateRegion(_Cells):
    """Rate cells with one activation (module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> la = RateRegion("amygdala", (("fear", 3),), threshold=0.2, ceiling=1.0)
    >>> la.activate(np.array([[0.1, 0.5, 3.0]])).tolist()  # [x - 0.2]+, at most 1
    [[0.0, 0.3, 1.0]]
    >>> cortex = RateRegion("cortex", (("cells", 5),), activation="kwta", k=2)
    >>> cortex.activate(np.array([[0.1, 0.9, 0.3, 0.8, -1.0]])).tolist()  # the 2 largest
    [[0.0, 1.0, 0.0, 1.0, 0.0]]
    >>> dict(RateRegion("amygdala", {"fear": 10, "extinction": 10}).groups)
    {'fear': 10, 'extinction': 10}
    """

    name: str
    cells: tuple[tuple[str, int], ...]
    activation: Activation = "rectified"
    k: int | None = None
    threshold: float = 0.0
    ceiling: float = math.inf

    def __post_init__(self) -> None:
        object.__setattr__(self, "cells", _groups(f"{self.name}.cells", self.cells))
        if self.activation not in ("linear", "rectified", "kwta"):
            raise ParameterError(f"{self.name}.activation", "must be one of ('linear', "
                                 "'rectified', 'kwta')", self.activation)
        if self.activation == "kwta":
            if isinstance(self.k, bool) or not isinstance(self.k, int) or not \
                    1 <= self.k <= self.n:
                raise ParameterError(f"{self.name}.k", f"must be an integer in 1..{self.n} "
                                     "for k-winners-take-all", self.k)
        if not (isinstance(self.ceiling, (int, float)) and self.ceiling > 0):
            raise ParameterError(f"{self.name}.ceiling", "must be > 0", self.ceiling)

    def init(self, n_subjects, rng):
        """Naive subjects (see :meth:`Region.init`)."""
        return self._base_state(n_subjects)

    def activate(self, x: Array) -> Array:
        """The activation :math:`f` (module docstring)."""
        if self.activation == "linear":
            r = x
        elif self.activation == "rectified":
            r = np.maximum(x - self.threshold, 0.0)
        else:
            assert self.k is not None
            r = kwta(x, self.k) * (x > self.threshold)
        return np.minimum(r, self.ceiling)

    def step(self, state, inputs, ctx):
        """One epoch (see :meth:`Region.step` and the module docstring)."""
        x = inputs.get("input")
        if x is None:
            x = np.zeros(state["alive"].shape)
        x = self._modulate(state, x, ctx, stage="input")
        r = self._modulate(state, self.activate(x), ctx, stage="output") * state["alive"]
        return self._tag(state, r, ctx), r


@dataclasses.dataclass(frozen=True)
class IndexRegion(RateRegion):
    """The sparse hippocampal index with stored codes and sleep replay (module docstring).

    Examples
    --------
    Exploring context A stores the index code of A (3 winners of 30 cells); in the two
    sleep epochs of the night the index replays that code:

    >>> import numpy as np
    >>> from engramlab.circuits import Circuit, Pathway, RandomSparse, Record, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, session, sleep, trial
    >>> senses = Sensory("senses", (("tone", 1),), context_cells=20, coding=0.25)
    >>> hpc = IndexRegion("hippocampus", (("index", 30),), k=3)
    >>> circuit = Circuit((senses, hpc), (Pathway("ctx-hpc", "senses.context", "hippocampus",
    ...                                           RandomSparse(0.5, distribution="uniform")),))
    >>> p = Protocol.of(session("explore", trial("explore", epoch("explore", 60_000)),
    ...                         context="A"), sleep("night", 60_000, events=2, day=1))
    >>> ds = run_protocol(circuit, p, seed=0, record_sleep=True,
    ...                   record={"index": Record("index", "hippocampus", "cells")})
    >>> for event, x in zip(ds.event.values, ds.index.values[0, 0]):
    ...     print(event, np.flatnonzero(x).tolist())
    explore/0/0:explore [3, 5, 20]
    night/0/0:sleep [3, 5, 20]
    night/1/0:sleep [3, 5, 20]
    """

    activation: Activation = "kwta"
    n_slots: int = 16
    tau_ms: float = math.inf
    same_overlap: float = 0.9
    complete_overlap: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        c = self.complete_overlap
        if c is not None and not (isinstance(c, (int, float)) and not isinstance(c, bool)
                                  and 0 < c <= 1):
            raise ParameterError(f"{self.name}.complete_overlap", "must be in (0, 1] or "
                                 "None", c)
        if self.activation != "kwta":
            raise ParameterError(f"{self.name}.activation", "must be 'kwta' for an index",
                                 self.activation)
        if isinstance(self.n_slots, bool) or not isinstance(self.n_slots, int) or \
                self.n_slots < 1:
            raise ParameterError(f"{self.name}.n_slots", "must be an integer >= 1",
                                 self.n_slots)
        if not (isinstance(self.tau_ms, (int, float)) and self.tau_ms > 0):
            raise ParameterError(f"{self.name}.tau_ms", "must be > 0 (ms)", self.tau_ms)

    def init(self, n_subjects, rng):
        """Naive subjects (see :meth:`Region.init`)."""
        return {**self._base_state(n_subjects),
                "codes": np.zeros((n_subjects, self.n_slots, self.n)),
                "strength": np.zeros((n_subjects, self.n_slots)),
                "stored_ms": np.full((n_subjects, self.n_slots), -np.inf)}

    def step(self, state, inputs, ctx):
        """One epoch (see :meth:`Region.step` and the module docstring)."""
        alive = state["alive"].any(axis=1)
        if ctx.sleeping:
            s = state["strength"] * alive[:, None]
            for e in ctx.effects:
                if isinstance(e, ReplaySince):  # recent codes only (module docstring)
                    stored = state.get("stored_ms", np.full(s.shape, -np.inf))
                    s = np.where(stored >= e.since_ms, s, 0.0)
            total = s.sum(axis=1)
            u = ctx.rng.random(len(s))
            v = ctx.rng.random(len(s))
            # slot m with probability s_m / max(1, sum s): the first slot whose
            # cumulative share exceeds v (no replay where u >= min(1, sum s))
            share = np.cumsum(s, axis=1) / np.where(total > 0, total, 1.0)[:, None]
            m = np.minimum((share <= v[:, None]).sum(axis=1), self.n_slots - 1)
            replay = u < np.minimum(total, 1.0)
            r = state["codes"][np.arange(len(s)), m] * replay[:, None]
            r = self._modulate(state, r, ctx, stage="output") * state["alive"]
            return self._tag(state, r, ctx), r
        if self.complete_overlap is None:
            state, r = super().step(state, inputs, ctx)
        else:  # RateRegion.step with the completion between activation and output
            x = inputs.get("input")
            x = np.zeros(state["alive"].shape) if x is None else x
            x = self._modulate(state, x, ctx, stage="input")
            r = self._complete(state, self.activate(x))
            r = self._modulate(state, r, ctx, stage="output") * state["alive"]
            state = self._tag(state, r, ctx)
        if not ctx.learning("nmda"):
            return state, r
        b = np.flatnonzero(r.sum(axis=1) > 0)  # subjects with a code to store
        if not b.size:
            return state, r
        codes, strength = state["codes"].copy(), state["strength"].copy()
        ov = np.einsum("bsn,bn->bs", codes[b], r[b]) / float(self.k or 1)
        # refresh the slot of the same code, else overwrite the weakest slot
        m = np.where(ov.max(axis=1) >= self.same_overlap, ov.argmax(axis=1),
                     strength[b].argmin(axis=1))
        codes[b, m], strength[b, m] = r[b], 1.0
        out = {**state, "codes": codes, "strength": strength}
        if "stored_ms" in state:
            stored = state["stored_ms"].copy()
            stored[b, m] = ctx.span.start_ms
            out["stored_ms"] = stored
        return out, r

    def _complete(self, state: Any, r: Array) -> Array:
        """Replace each code by the best-matching stored one when they share enough."""
        assert self.complete_overlap is not None
        ov = np.einsum("bsn,bn->bs", state["codes"], r) / float(self.k or 1)
        ov = np.where(state["strength"] > 0, ov, -1.0)
        best = ov.argmax(axis=1)
        hit = (ov.max(axis=1) >= self.complete_overlap) & (r.sum(axis=1) > 0)
        if not hit.any():
            return r
        return np.where(hit[:, None], state["codes"][np.arange(len(r)), best], r)

    def elapse(self, state, duration_ms):
        """Decay the stored codes' strengths over ``duration_ms``."""
        if math.isinf(self.tau_ms) or duration_ms <= 0:
            return state
        return {**state, "strength": state["strength"] * math.exp(-duration_ms / self.tau_ms)}


@dataclasses.dataclass(frozen=True)
class ReplaySince(Effect):
    """In sleep, an :class:`IndexRegion` replays only codes stored at or after ``since_ms``.

    ``since_ms`` is absolute protocol time (ms); a code re-stored later (the same
    context met again) counts from its latest storage. Written in the protocol's words
    by :func:`engramlab.interventions.replay.replay_recent_only`.

    Examples
    --------
    Contexts A (day 0) and B (day 1) explored, then a night of four sleep epochs: the
    index replays both codes, or -- replaying only what was stored from day 1 on -- B's
    alone:

    >>> import numpy as np
    >>> from engramlab.circuits import (Circuit, Pathway, RandomSparse, Record, Scheduled,
    ...                                 run_protocol)
    >>> from engramlab.protocol import During, Protocol, days, epoch, session, sleep, trial
    >>> senses = Sensory("senses", (("tone", 1),), context_cells=20, coding=0.25)
    >>> circuit = Circuit((senses, IndexRegion("hippocampus", (("index", 30),), k=3)),
    ...                   (Pathway("ctx-hpc", "senses.context", "hippocampus",
    ...                            RandomSparse(0.5, distribution="uniform")),))
    >>> explore = trial("explore", epoch("explore", 60_000))
    >>> p = Protocol.of(session("A", explore, context="A"),
    ...                 session("B", explore, context="B", day=1),
    ...                 sleep("night", 60_000, events=4, day=2))
    >>> recent = Scheduled("hippocampus", ReplaySince(days(1)), During(kind="sleep"))
    >>> ds = run_protocol(circuit, p, groups={"all": [], "recent only": [recent]}, seed=0,
    ...                   record={"index": Record("index", "hippocampus", "cells")},
    ...                   record_sleep=True)
    >>> for group, x in zip(ds.group.values, ds.index.values[:, 0]):
    ...     print(group, [np.flatnonzero(code).tolist() for code in x])
    all [[3, 5, 20], [5, 13, 19], [5, 13, 19], [3, 5, 20], [5, 13, 19], [3, 5, 20]]
    recent only [[3, 5, 20], [5, 13, 19], [5, 13, 19], [5, 13, 19], [5, 13, 19], [5, 13, 19]]
    """

    since_ms: float

    def __post_init__(self) -> None:
        v = self.since_ms
        if isinstance(v, bool) or not isinstance(v, (int, float)) or math.isnan(v):
            raise ParameterError("replay_since.since_ms", "must be a number (ms)", v)


def _wipe_index(region: IndexRegion, effect: Effect, state: Any) -> Any:
    return {**_remove(region, effect, state), "strength": np.zeros_like(state["strength"])}


for _cls in (Sensory, RateRegion):
    register_effect(_cls, Remove, instant=_remove)
    register_effect(_cls, Gain, during=True)
    register_effect(_cls, Drive, during=True)
    register_effect(_cls, Tag, during=True)
register_effect(IndexRegion, Remove, instant=_wipe_index)
register_effect(IndexRegion, ReplaySince, during=True)
