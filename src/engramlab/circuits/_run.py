r"""``run_protocol``: the one driver of circuits through behavioural protocols.

Each group (a name -> :class:`Group`: interventions, optionally its own protocol) is
resolved first -- protocol to :class:`~engramlab.protocol.Timeline`, interventions to
:class:`Scheduled` effects, every target and effect checked against the circuit -- so
bad input fails before any work. Then the driver walks each group's events in time
order: it carries the state across the time between epochs (:meth:`Circuit.elapse`),
applies instant effects at their times (a lesion on day 7), and steps every epoch with
the windowed effects that cover its midpoint.

Branching. The state is kept at every session boundary, keyed by the group's history
so far (the events walked, effects included). A group whose history starts like an
earlier group's resumes from that snapshot: training runs once, and groups lesioned
1, 7, 14 and 28 days later branch from the same trained subjects. The random stream of
each epoch is derived from ``seed`` and that history (SHA-256), so a group's numbers do
not depend on which other groups run, or in which order.
"""

from __future__ import annotations

import abc
import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr

from engramlab.circuits._circuit import Circuit, CircuitState
from engramlab.circuits._region import Drive, Effect, Gain, Tag, TimedRegion
from engramlab.core.errors import ParameterError
from engramlab.core.rng import check_seed
from engramlab.protocol import Protocol, Span, Timeline, Window

__all__ = ["Group", "Intervention", "Record", "Scheduled", "run_protocol"]


@dataclasses.dataclass(frozen=True)
class Scheduled:
    """``effect`` on ``target`` (region or pathway) over ``window``.

    ``instant=True``: applied once at the start of the window's first interval (a
    lesion); else active in every epoch whose midpoint the window covers.

    Examples
    --------
    An effect scheduled by hand, without an intervention: the amygdala silenced in the
    test session (the first of two tone sessions):

    >>> from engramlab.circuits import (Circuit, Gain, OneToOne, Pathway, RateRegion, Sensory,
    ...                                 run_protocol)
    >>> from engramlab.protocol import During, Protocol, epoch, session, trial
    >>> circuit = Circuit((Sensory("senses", (("tone", 2),), context_cells=1, coding=1.0),
    ...                    RateRegion("amygdala", (("fear", 2),))),
    ...                   (Pathway("tone-amygdala", "senses.tone", "amygdala", OneToOne()),))
    >>> tone = trial("tone", epoch("tone", 1000, tone=1.0))
    >>> p = Protocol.of(session("test", tone), session("retest", tone, day=1))
    >>> silenced = Scheduled("amygdala", Gain(0.0), During("test"))
    >>> ds = run_protocol(circuit, p, groups={"control": [], "silenced": [silenced]},
    ...                   record={"fear": "amygdala.fear"}, seed=0)
    >>> ds.fear.values[:, 0].tolist()  # (group, event)
    [[1.0, 1.0], [0.0, 1.0]]
    """

    target: str
    effect: Effect
    window: Window
    instant: bool = False


class Intervention(abc.ABC):
    """A description of a manipulation; :meth:`schedule` turns it into effects.

    Examples
    --------
    A new intervention: silence a region during one session (what an inhibitory opsin
    does, written from scratch):

    >>> import dataclasses
    >>> from engramlab.circuits import Circuit, Gain, RateRegion, Scheduled
    >>> from engramlab.protocol import During, Protocol, epoch, session, trial
    >>> @dataclasses.dataclass(frozen=True)
    ... class Silence(Intervention):
    ...     region: str
    ...     session: str
    ...     def schedule(self, timeline, circuit):
    ...         return (Scheduled(self.region, Gain(0.0), During(self.session)),)
    >>> circuit = Circuit((RateRegion("amygdala", (("fear", 2),)),))
    >>> tl = Protocol.of(session("test", trial("t", epoch("tone", 1000)))).resolve()
    >>> (s,) = Silence("amygdala", "test").schedule(tl, circuit)
    >>> s.target, s.effect, s.window.resolve(tl)
    ('amygdala', Gain(factor=0.0, cells=None), ((0.0, 1000.0),))
    """

    @abc.abstractmethod
    def schedule(self, timeline: Timeline, circuit: Circuit) -> tuple[Scheduled, ...]:
        """The effects, with their windows, on ``circuit`` under ``timeline``."""


@dataclasses.dataclass(frozen=True)
class Group:
    """A group of subjects: its interventions and, optionally, its own protocol.

    Examples
    --------
    Conditioning with three or with one tone-shock pairing: the second group brings its
    own protocol, and its missing events are NaN:

    >>> from engramlab.circuits import (Circuit, Constant, Hebbian, OneToOne, Pathway,
    ...                                 RateRegion, Sensory, run_protocol)
    >>> from engramlab.protocol import Protocol, epoch, repeat, session, trial
    >>> senses = Sensory("senses", (("tone", 4), ("shock", 2)), context_cells=1, coding=0.5,
    ...                  codings=(("shock", 1.0),))
    >>> circuit = Circuit((senses, RateRegion("amygdala", (("fear", 2),), ceiling=1.0)),
    ...     (Pathway("tone-amygdala", "senses.tone", "amygdala", Constant(0.0),
    ...              Hebbian(0.5, w_max=0.5, gate="shock")),
    ...      Pathway("shock-amygdala", "senses.shock", "amygdala", OneToOne())))
    >>> pairing = trial("pairing", epoch("tone+shock", 1000, tone=1.0, shock=1.0))
    >>> test = session("test", trial("test", epoch("tone", 1000, tone=1.0)), day=1)
    >>> def conditioning(n):
    ...     return Protocol.of(session("conditioning", repeat(pairing, n)), test)
    >>> ds = run_protocol(circuit, conditioning(3), record={"fear": "amygdala.fear"}, seed=0,
    ...                   groups={"3 pairings": Group(), "1 pairing": Group((), conditioning(1))})
    >>> ds.fear.sel(event="test/0/0:tone").values[:, 0].tolist()  # (group, subject 0)
    [0.875, 0.5]
    >>> ds.fear.sel(group="1 pairing").values[0].tolist()  # its 2nd and 3rd pairings: NaN
    [1.0, nan, nan, 0.5]
    """

    interventions: tuple[Intervention | Scheduled, ...] = ()
    protocol: Protocol | None = None

    def __post_init__(self) -> None:
        ivs = tuple(self.interventions)
        for iv in ivs:
            if not isinstance(iv, (Intervention, Scheduled)):
                raise ParameterError("group.interventions", "must be a sequence of "
                                     "Intervention", iv)
        object.__setattr__(self, "interventions", ivs)
        if self.protocol is not None and not isinstance(self.protocol, Protocol):
            raise ParameterError("group.protocol", "must be a Protocol or None",
                                 self.protocol)


@dataclasses.dataclass(frozen=True)
class Record:
    """Record ``region`` (``"region.group"`` or a tagged set ``"region:set"``) per epoch.

    ``reduce="mean"`` keeps the mean over the cells ``(subjects,)``; ``"cells"`` the
    activity of every cell ``(subjects, cells)``; ``"trace"`` the time course of the mean
    over the cells within the epoch, ``(subjects, steps)``, of a
    :class:`~engramlab.circuits.TimedRegion` (padded with NaN after an epoch's last step
    where epochs differ in length).

    Examples
    --------
    >>> from engramlab.circuits import Circuit, Sensory, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> senses = Sensory("senses", (("tone", 4),), context_cells=2, coding=0.5)
    >>> p = Protocol.of(session("s", trial("t", epoch("tone", 1000, tone=1.0))))
    >>> ds = run_protocol(Circuit((senses,)), p, seed=0,
    ...                   record=[Record("tone", "senses.tone"),  # the mean over its cells
    ...                           Record("cells", "senses", reduce="cells")])
    >>> ds.tone.dims, float(ds.tone[0, 0, 0])
    (('group', 'subject', 'event'), 0.5)
    >>> ds.cells.dims, ds.cells.values[0, 0, 0].tolist()  # every cell: tone, then context
    (('group', 'subject', 'event', 'cells_cell'), [1.0, 1.0, 0.0, 0.0, 0.0, 0.0])

    A record of one group with ``reduce="cells"`` keeps every cell of the region, NaN
    outside the group. ``reduce="trace"`` is for a
    :class:`~engramlab.circuits.TimedRegion` (see :class:`~engramlab.circuits.TDCritic`).
    """

    name: str
    source: str
    reduce: str = "mean"

    def __post_init__(self) -> None:
        if self.reduce not in REDUCE:
            raise ParameterError(f"record[{self.name}].reduce", f"must be one of {REDUCE}",
                                 self.reduce)


REDUCE = ("mean", "cells", "trace")


def _records(record: Any) -> tuple[Record, ...]:
    if isinstance(record, Mapping):
        return tuple(v if isinstance(v, Record) else Record(k, v) for k, v in record.items())
    out = []
    for r in record:
        out.append(r if isinstance(r, Record) else Record(str(r), str(r)))
    return tuple(out)


def _record_cells(circuit: Circuit, rec: Record) -> tuple[str, str | None, bool]:
    if ":" in rec.source:
        region, _, tag = rec.source.partition(":")
        r = circuit.region(region)
        if rec.reduce == "trace" and not isinstance(r, TimedRegion):
            raise ParameterError(f"record[{rec.name}].reduce", f"'trace' needs a "
                                 f"TimedRegion; {region!r} is a {type(r).__name__}",
                                 rec.reduce)
        return region, tag, True
    region, _, group = rec.source.partition(".")
    r = circuit.region(region)
    if rec.reduce == "trace" and not isinstance(r, TimedRegion):
        raise ParameterError(f"record[{rec.name}].reduce", f"'trace' needs a region that "
                             f"simulates time within epochs (a TimedRegion); {region!r} is "
                             f"a {type(r).__name__}", rec.reduce)
    if group and group not in r.groups:
        raise ParameterError(f"record[{rec.name}]", f"names no group of {region!r} "
                             f"({list(r.groups)})", rec.source)
    return region, group or None, False


@dataclasses.dataclass(frozen=True)
class _Resolved:
    timeline: Timeline
    instants: tuple[tuple[float, str, Effect], ...]
    windowed: tuple[Scheduled, ...]


def _resolve(circuit: Circuit, protocol: Protocol, group: Group, name: str) -> _Resolved:
    tl = protocol.resolve()
    instants, windowed = [], []
    for iv in group.interventions:
        items = (iv,) if isinstance(iv, Scheduled) else iv.schedule(tl, circuit)
        for s in items:
            if s.target not in circuit.names():
                raise ParameterError(f"group[{name}].target", f"names no region or pathway "
                                     f"of the circuit ({list(circuit.names())})", s.target)
            circuit.check_effect(s.target, s.effect, windowed=not s.instant)
            spans = _window_spans(s, tl, name)  # an unknown session is an error now
            if s.instant:
                instants.append((spans[0][0], s.target, s.effect))
            else:
                windowed.append(s)
    instants.sort(key=lambda x: x[0])
    tags = {s.effect.name for s in windowed if isinstance(s.effect, Tag)}
    for s in windowed:
        cells = s.effect.cells if isinstance(s.effect, (Gain, Drive, Tag)) else None
        if cells is not None and cells not in circuit.region(s.target).groups and \
                cells not in tags:
            raise ParameterError(f"group[{name}].cells", f"names no group of "
                                 f"{s.target!r} ({list(circuit.region(s.target).groups)}) "
                                 f"and no set tagged in this group ({sorted(tags)})", cells)
    return _Resolved(tl, tuple(instants), tuple(windowed))


def _window_spans(s: Scheduled, tl: Timeline,
                  group: str) -> tuple[tuple[float, float], ...]:
    """``s.window`` resolved on ``tl``: refused, naming the group, if it matches nothing
    or opens only when the protocol is over (an intervention that could never act)."""
    try:
        spans = s.window.resolve(tl)
    except ParameterError as err:
        raise ParameterError(f"group[{group}].window", err.rule, err.value) from None
    if spans[0][0] >= tl.end_ms:
        raise ParameterError(f"group[{group}].window", f"opens at {spans[0][0]:g} ms, when "
                             f"the protocol has ended ({tl.end_ms:g} ms): the "
                             f"intervention on {s.target!r} would never act", s.window)
    return spans


def _digest(h: bytes, item: object) -> bytes:
    return hashlib.sha256(h + repr(item).encode()).digest()


#: The coordinates of :func:`run_protocol`'s Dataset: no record may take their names.
RESERVED_RECORD_NAMES = ("group", "subject", "event", "session", "trial", "epoch",
                         "context", "start_ms", "stop_ms")


def run_protocol(circuit: Circuit, protocol: Protocol, *,
                 groups: Mapping[str, Group | Sequence[Intervention | Scheduled]] | None
                 = None, record: Any = (), seed: int, n_subjects: int = 1,
                 record_sleep: bool = False) -> xr.Dataset:
    """Run ``circuit`` through ``protocol`` for every group; return the labelled records.

    Parameters
    ----------
    circuit, protocol
        The model and the behavioural protocol (each group may bring its own).
    groups
        Group name -> :class:`Group` or a sequence of interventions (default: one group
        ``"control"`` without any).
    record
        :class:`Record` s, or a mapping name -> ``"region[.group]"`` (or
        ``"region:tagged set"``), recorded once per awake epoch (and per sleep epoch with
        ``record_sleep``).
    seed
        Seed of everything random (subjects, pathways, every epoch's stream).
    n_subjects
        Subjects (animals) per group, run as one batch; every group starts from the same
        naive subjects.

    Returns
    -------
    xarray.Dataset
        Per record a variable ``(group, subject, event)`` (``cell`` added for
        ``reduce="cells"``); the ``event`` coordinate is the epoch label
        ``"session/trial/epoch-index:epoch"``, aligned across groups by label, with
        per-group coordinates ``session``, ``trial``, ``epoch``, ``context``, ``start_ms``
        and ``stop_ms`` (empty / NaN where a group lacks the event).

    Examples
    --------
    Tone-shock conditioning of fear cells, with AP5 in the amygdala during conditioning
    or a lesion of the tone pathway after it (the worked example of ``docs/circuits.md``,
    in small):

    >>> from engramlab.circuits import (Circuit, Constant, Hebbian, OneToOne, Pathway,
    ...                                 RateRegion, Sensory)
    >>> from engramlab.interventions import ap5, lesion
    >>> from engramlab.protocol import After, Protocol, epoch, repeat, session, trial
    >>> senses = Sensory("senses", (("tone", 4), ("shock", 2)), context_cells=4, coding=0.5,
    ...                  codings=(("shock", 1.0),))
    >>> circuit = Circuit((senses, RateRegion("amygdala", (("fear", 2),), ceiling=1.0)),
    ...     (Pathway("tone-amygdala", "senses.tone", "amygdala", Constant(0.0),
    ...              Hebbian(0.5, w_max=0.5, gate="shock")),
    ...      Pathway("shock-amygdala", "senses.shock", "amygdala", OneToOne())))
    >>> pairing = trial("pairing", epoch("tone", 1000, tone=1.0),
    ...                 epoch("tone+shock", 1000, tone=1.0, shock=1.0))
    >>> protocol = Protocol.of(session("conditioning", repeat(pairing, 3), context="A"),
    ...     session("test", trial("test", epoch("tone", 1000, tone=1.0)), context="B", day=1))
    >>> groups = {"control": [], "AP5": [ap5(region="amygdala", window="conditioning")],
    ...           "lesion": [lesion("tone-amygdala", After("conditioning"))]}
    >>> ds = run_protocol(circuit, protocol, groups=groups, record={"fear": "amygdala.fear"},
    ...                   seed=0, n_subjects=2)
    >>> ds.fear.dims, ds.event.values[-2:].tolist()
    (('group', 'subject', 'event'), ['conditioning/2/1:tone+shock', 'test/0/0:tone'])
    >>> ds.fear.where(ds.session == "test").mean(["subject", "event"]).to_series()
    group
    control    0.875
    AP5        0.000
    lesion     0.000
    Name: fear, dtype: float64
    """
    seed = check_seed(seed)
    if isinstance(n_subjects, bool) or not isinstance(n_subjects, int) or n_subjects < 1:
        raise ParameterError("n_subjects", "must be an integer >= 1", n_subjects)
    if not isinstance(circuit, Circuit):
        raise ParameterError("circuit", "must be a Circuit", circuit)
    if not isinstance(protocol, Protocol):
        raise ParameterError("protocol", "must be a Protocol", protocol)
    groups = {"control": Group()} if groups is None else dict(groups)
    if not groups:
        raise ParameterError("groups", "must name at least one group")
    norm = {k: g if isinstance(g, Group) else Group(tuple(g)) for k, g in groups.items()}
    records = _records(record)
    names = [r.name for r in records]
    for r in records:
        if names.count(r.name) > 1:
            raise ParameterError("record", f"names {r.name!r} twice", r.name)
        if r.name in RESERVED_RECORD_NAMES:
            raise ParameterError("record", f"may not be named {r.name!r}: the results' "
                                 f"coordinates are {', '.join(RESERVED_RECORD_NAMES)}",
                                 r.name)
    where = {r.name: _record_cells(circuit, r) for r in records}
    resolved = {k: _resolve(circuit, g.protocol or protocol, g, k) for k, g in norm.items()}
    for k, res in resolved.items():
        tags = {s.effect.name for s in res.windowed if isinstance(s.effect, Tag)}
        for r in records:
            _region, cells, is_tag = where[r.name]
            if is_tag and cells not in tags:
                raise ParameterError(f"record[{r.name}]", f"group {k!r} tags no set "
                                     f"{cells!r}", r.source)

    naive = circuit.init(n_subjects, seed)
    plans = {g: _plan(res) for g, res in resolved.items()}
    cache = _Cache(keep=_shared_boundaries(list(plans.values())))
    out = {g: _walk(circuit, res, plans[g], naive, cache, seed, n_subjects, records, where,
                    record_sleep) for g, res in resolved.items()}
    dts = {}
    for r in records:
        reg = circuit.region(where[r.name][0])
        if r.reduce == "trace" and isinstance(reg, TimedRegion):
            dts[r.name] = float(reg.dt_ms)
    return _dataset(out, records, seed, n_subjects, dts)


@dataclasses.dataclass
class _Cache:
    """States at the session boundaries a later group resumes from, and recorded rows.

    Only the states some later group shares (``keep``) are held, so memory grows with
    the number of branch points, not with the number of sessions.
    """

    keep: set[bytes]
    states: dict[bytes, CircuitState] = dataclasses.field(default_factory=dict)
    rows: dict[bytes, dict[str, np.ndarray]] = dataclasses.field(default_factory=dict)


_Row = tuple[Span, dict[str, np.ndarray]]
_Plan = tuple[list[tuple[Span, tuple[tuple[float, str, Effect], ...],
                         dict[str, tuple[Effect, ...]]]], list[bytes]]


def _plan(res: _Resolved) -> _Plan:
    """The events of one group in time order, and its history key after each epoch."""
    tl = res.timeline
    pending = list(res.instants)
    windows = [(s, s.window.resolve(tl)) for s in res.windowed]
    plan: list[tuple[Span, tuple[tuple[float, str, Effect], ...],
                     dict[str, tuple[Effect, ...]]]] = []
    for sp in tl.spans:
        now: list[tuple[float, str, Effect]] = []
        while pending and pending[0][0] <= sp.start_ms:
            now.append(pending.pop(0))
        mid = 0.5 * (sp.start_ms + sp.stop_ms)
        effects: dict[str, list[Effect]] = {}
        for s, intervals in windows:
            if any(a <= mid < b for a, b in intervals):
                effects.setdefault(s.target, []).append(s.effect)
        plan.append((sp, tuple(now), {k: tuple(v) for k, v in effects.items()}))
    keys: list[bytes] = []
    h = b"engramlab.run_protocol"
    for sp, due, eff in plan:
        h = _digest(h, (sp.start_ms, sp.stop_ms, sp.session, sp.trial, sp.epoch, sp.context,
                        sp.kind, sp.stimuli, due, sorted(eff.items())))
        keys.append(h)
    return plan, keys


def _shared_boundaries(plans: Sequence[_Plan]) -> set[bytes]:
    """Keys of the last session boundary each later group shares with an earlier one."""
    keep: set[bytes] = set()
    for j in range(1, len(plans)):
        plan_j, keys_j = plans[j]
        best = -1
        for i in range(j):
            keys_i = plans[i][1]
            n = 0
            while n < min(len(keys_i), len(keys_j)) and keys_i[n] == keys_j[n]:
                n += 1
            b = next((k for k in range(n - 1, -1, -1) if _boundary(plan_j, k)), -1)
            best = max(best, b)
        if best >= 0:
            keep.add(keys_j[best])
    return keep


def _walk(circuit: Circuit, res: _Resolved, planned: _Plan, naive: CircuitState,
          cache: _Cache, seed: int, n_subjects: int, records: tuple[Record, ...],
          where: Mapping[str, tuple[str, str | None, bool]], record_sleep: bool
          ) -> list[_Row]:
    tl = res.timeline
    plan, keys = planned
    # resume from the latest session boundary of this history that is cached
    start, state, t_now = 0, naive, 0.0
    for i in range(len(plan) - 1, -1, -1):
        if _boundary(plan, i) and keys[i] in cache.states:
            start, state, t_now = i + 1, cache.states[keys[i]], plan[i][0].start_ms
            break
    recorded = [sp.kind == "awake" or record_sleep for sp in tl.spans]
    rows: list[_Row] = [(tl.spans[i], cache.rows[keys[i]]) for i in range(start)
                        if recorded[i]]
    for i in range(start, len(plan)):
        sp, due, eff = plan[i]
        for t, target, effect in due:
            state = circuit.elapse(state, t - t_now)
            t_now = max(t_now, t)
            state = circuit.apply(state, target, effect)
        # the state is carried to the start of each epoch: the decay over an epoch is
        # applied with the gap after it, in one exact step (decays commute with lesions)
        state = circuit.elapse(state, sp.start_ms - t_now)
        t_now = sp.start_ms
        rng_seed = int.from_bytes(_digest(seed.to_bytes(8, "little"), keys[i])[:8], "little") >> 1
        state, act = circuit.step(state, sp, eff, rng_seed, n_subjects)
        if keys[i] in cache.keep:
            cache.states[keys[i]] = state
        if recorded[i]:
            vals = _sample(circuit, state, act, records, where)
            cache.rows[keys[i]] = vals
            rows.append((sp, vals))
    return rows


def _boundary(plan: Sequence[tuple[Span, Any, Any]], i: int) -> bool:
    return i + 1 == len(plan) or plan[i + 1][0].session_index != plan[i][0].session_index


def _sample(circuit: Circuit, state: CircuitState, act: Mapping[str, np.ndarray],
            records: tuple[Record, ...], where: Mapping[str, tuple[str, str | None, bool]]
            ) -> dict[str, np.ndarray]:
    vals = {}
    for r in records:
        region, cells, is_tag = where[r.name]
        a = act[region]
        if r.reduce == "trace":
            reg = circuit.region(region)
            assert isinstance(reg, TimedRegion)
            tc = np.asarray(reg.time_course(state.regions[region]), float)
            if cells is None:
                vals[r.name] = tc.mean(axis=2)
                continue
            try:
                mask = reg.cell_set(state.regions[region], cells)
            except ParameterError:
                if not is_tag:
                    raise
                mask = np.zeros(a.shape, bool)
            m = mask[:, None, :]
            vals[r.name] = (tc * m).sum(axis=2) / np.maximum(m.sum(axis=2), 1)
            continue
        if cells is not None:
            try:
                mask = circuit.region(region).cell_set(state.regions[region], cells)
            except ParameterError:
                if not is_tag:
                    raise
                mask = np.zeros(a.shape, bool)  # not tagged yet: an empty set
            if r.reduce == "mean":
                vals[r.name] = (a * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1)
            else:
                vals[r.name] = np.where(mask, a, np.nan)
        else:
            vals[r.name] = a.mean(axis=1) if r.reduce == "mean" else a.copy()
    return vals


def _dataset(out: Mapping[str, list[_Row]], records: tuple[Record, ...], seed: int,
             n_subjects: int, dts: Mapping[str, float]) -> xr.Dataset:
    labels: dict[str, None] = {}
    for rows in out.values():
        for sp, _ in rows:
            labels.setdefault(sp.label)
    events = list(labels)
    col = {lab: j for j, lab in enumerate(events)}
    g_names = list(out)
    ng, ne = len(g_names), len(events)
    meta_str = {k: np.full((ng, ne), "", dtype=object) for k in ("session", "trial", "epoch",
                                                                 "context")}
    meta_num = {k: np.full((ng, ne), np.nan) for k in ("start_ms", "stop_ms")}
    data: dict[str, np.ndarray] = {}
    steps = {r.name: max((vals[r.name].shape[1] for rows in out.values() for _, vals in rows),
                         default=0) for r in records if r.reduce == "trace"}
    for gi, g in enumerate(g_names):
        for sp, vals in out[g]:
            j = col[sp.label]
            meta_str["session"][gi, j] = sp.session
            meta_str["trial"][gi, j] = sp.trial
            meta_str["epoch"][gi, j] = sp.epoch
            meta_str["context"][gi, j] = sp.context or ""
            meta_num["start_ms"][gi, j] = sp.start_ms
            meta_num["stop_ms"][gi, j] = sp.stop_ms
            for r in records:
                v = vals[r.name]
                if r.name not in data:
                    tail = (steps[r.name],) if r.name in steps else v.shape[1:]
                    data[r.name] = np.full((ng, n_subjects, ne, *tail), np.nan)
                if r.name in steps:
                    data[r.name][gi, :, j, :v.shape[1]] = v
                else:
                    data[r.name][gi, :, j] = v
    variables = {}
    for r in records:
        extra = {"cells": [f"{r.name}_cell"], "trace": [f"{r.name}_step"]}
        dims = ["group", "subject", "event", *extra.get(r.reduce, [])]
        arr = data.get(r.name, np.full((ng, n_subjects, ne, *([0] if r.reduce == "trace"
                                                                 else [])), np.nan))
        attrs: dict[str, Any] = {"source": r.source, "reduce": r.reduce,
                                 "units": "activity (region's units)"}
        if r.name in dts:
            attrs["dt_ms"] = dts[r.name]  # step k covers [k dt, (k + 1) dt) of the epoch
        variables[r.name] = (dims, arr, attrs)
    coords: dict[str, Any] = {"group": g_names, "subject": np.arange(n_subjects),
                              "event": events}
    for k, v in meta_str.items():
        coords[k] = (("group", "event"), v.astype(str))
    for k, v in meta_num.items():
        coords[k] = (("group", "event"), v, {"units": "ms"})
    return xr.Dataset(variables, coords=coords, attrs={"seed": seed,
                                                       "n_subjects": n_subjects})
