r"""Neocortex as a region: the slow distributed learner of the complementary systems.

:class:`DistributedRegion` puts the back-propagation network of
:mod:`engramlab.memory.distributed` (sigmoid layers, squared error; Rumelhart, Hinton &
Williams 1986) into the circuits, one network per subject: the neocortex of McClelland,
McNaughton & O'Reilly (1995), which learns structure slowly from many interleaved
presentations and suffers catastrophic interference when taught one new thing alone.

What it is shown
----------------
The region holds its **patterns**: an input per layer (the bottom input, e.g. an item,
and side inputs, e.g. a relation) and a target (the attributes that are true), one
row per pattern, labelled (``"robin can"``, ``"AB 3"``) -- shared by every subject, or
one set per subject (each subject its own lists). Every label is a stimulus of the
protocol, and so is every named **set** of labels (``"old"``, ``"penguin"``): an epoch
with stimulus ``s`` at intensity :math:`c > 0` presents the patterns of ``s`` (a pattern
named by several stimuli takes the largest intensity). So the protocol says what is
learned, in its own words::

    focused = epoch("study", 1, penguin=1, feedback=1)              # the penguin alone
    interleaved = epoch("study", 1, penguin=1, old=1, feedback=1)   # with the old items

Learning: sweeps
----------------
In each awake epoch the network answers the patterns presented, :math:`a_p` (its
output layer, :func:`~engramlab.memory.distributed.forward`), and then learns from
the feedback: one **sweep** through them (or one per ``sweep_ms`` of the epoch's
duration: a long study epoch is many sweeps, e.g. the years of experience a network
brings to an experiment). A sweep descends the error

.. math::

    E = \tfrac12 \sum_p c_p \sum_k (t_{pk} - a_{pk})^2, \qquad
    W_l \leftarrow W_l - \varepsilon\, \phi\, g\, \frac{\partial E}{\partial W_l},

with :math:`\varepsilon` the learning rate, :math:`\phi` the learning factor of the
epoch (:meth:`~engramlab.circuits.StepContext.learning`: the product of the
:class:`~engramlab.circuits.ScaleLearning` effects on the region, 0 under a full block)
and :math:`g` the intensity of the ``gate`` stimulus (the feedback: an epoch without it
is a test, and changes nothing; ``gate=None``: every presentation teaches). A sweep is
one step per pattern, in a fresh random order for each subject (online learning,
Rumelhart et al. 1986), or -- for the stimuli listed in ``epochwise`` -- one step on the
summed gradient (the PDP "epoch-wise" mode); a single pattern is the same in both.
A stimulus in ``to_criterion`` teaches to criterion: a subject stops learning from it
once it answers every pattern of the stimulus correctly (checked before each sweep).

Activity (cells, ``(subjects, cells)``)
---------------------------------------
``input`` (the presented input units, bottom then side inputs), one group per layer of
``layers`` (the last is the output layer), ``target`` (the target, times :math:`g`: the
teaching signal, silent in a test), ``error`` (one cell: :math:`E` of the response,
intensities aside) and ``correct`` (one cell: the fraction of the presented patterns
whose every output unit is within ``tolerance`` of its target; 0.5 is "on the right
side of 0.5", the CCN criterion). With several patterns in one epoch the layers hold
their means over the patterns (``error`` their sum) and ``input`` and ``target`` are
silent: several patterns at once are no single episode to pass on (to a hippocampal
index, say). The response is the one given before the epoch's learning (the subject
answers, then gets the feedback). Nothing is presented in sleep or in an epoch without
any of the region's stimuli: activity 0.

The region takes its input from the protocol, not from pathways: a pathway into it is
refused when it delivers input (use its ``input``, ``target`` and output groups as the
sources of pathways instead, e.g. to a hippocampal index that stores the same episode).

Effects: :class:`~engramlab.circuits.ScaleLearning` scales :math:`\phi` (any mechanism:
the network has one learning rate); :class:`~engramlab.circuits.Remove` (a lesion)
silences every cell and stops learning for good.

Examples
--------
>>> from engramlab.circuits import Circuit, run_protocol
>>> from engramlab.protocol import Protocol, epoch, repeat, session, trial
>>> cortex = DistributedRegion.semantic(gate="feedback", epochwise=("old",))
>>> study = trial("sweep", epoch("study", 1.0, old=1.0, feedback=1.0))
>>> test = trial("test", epoch("old", 1.0, old=1.0))
>>> ds = run_protocol(Circuit((cortex,), settle=1),
...                   Protocol.of(session("learn", (test, *repeat(study, 200), test))),
...                   record={"error": "cortex.error"}, seed=0, n_subjects=2)
>>> first, last = ds.error.sel(group="control").values[:, [0, -1]].T  # the two tests
>>> bool((last < first).all())
True
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from engramlab.circuits._region import Effect, Region, Remove, ScaleLearning, register_effect
from engramlab.circuits.regions import _groups
from engramlab.core.errors import ParameterError
from engramlab.core.rng import make_rng
from engramlab.memory import distributed as dist

__all__ = ["DistributedRegion"]

Array = np.ndarray

#: Cell groups every distributed region has besides its layers.
RESERVED = ("input", "target", "error", "correct")


def _as_patterns(field: str, value: Any) -> tuple[dist.Patterns, ...]:
    items = (value,) if isinstance(value, dist.Patterns) else value
    if not isinstance(items, Sequence) or isinstance(items, str) or not items or \
            not all(isinstance(p, dist.Patterns) for p in items):
        raise ParameterError(field, "must be a Patterns or a non-empty sequence of Patterns "
                             "(one per subject)", type(value).__name__)
    first = items[0]
    if first.n_patterns < 1:
        raise ParameterError(field, "must hold at least one pattern", first.n_patterns)
    if len(set(first.labels)) != len(first.labels):
        raise ParameterError(f"{field}.labels", "must be distinct", first.labels)
    for s, p in enumerate(items):
        where = field if len(items) == 1 else f"{field}[{s}]"
        if p.labels != first.labels:
            raise ParameterError(f"{where}.labels", "every subject's patterns need the "
                                 "same labels, in the same order", p.labels)
        arrays = (*p.inputs, p.targets)
        for a, b in zip(arrays, (*first.inputs, first.targets), strict=True):
            if np.ndim(a) != 2 or np.shape(a) != np.shape(b):
                raise ParameterError(f"{where}.inputs", "must be 2-d arrays (patterns, "
                                     "units) of the same shapes for every subject",
                                     np.shape(a))
            if not np.all(np.isfinite(a)):
                raise ParameterError(f"{where}.inputs", "must be finite")
        if len(p.inputs) != len(first.inputs):
            raise ParameterError(f"{where}.inputs", "must hold one array per layer",
                                 len(p.inputs))
    return tuple(items)


@dataclasses.dataclass(frozen=True, eq=False)
class DistributedRegion(Region):
    """A back-propagation network per subject, taught by the protocol (module docstring).

    Parameters
    ----------
    name
        The region's name.
    patterns
        A :class:`~engramlab.memory.distributed.Patterns` shared by every subject, or one
        per subject (same labels and shapes).
    layers
        ``(name, units)`` of each layer, the output layer last; one per input array of
        the patterns (``patterns.inputs[l]`` is the side input of layer ``l``).
    sets
        Named sets of pattern labels, each a stimulus besides the labels themselves.
    learning_rate
        :math:`\\varepsilon` (1; 0.1 in :mod:`engramlab.memory.distributed`).
    init_range
        Initial weights and biases uniform in ``[-init_range, init_range]``.
    gate
        The feedback stimulus (``None``: every presentation teaches).
    tolerance
        A response is correct when every output unit is within it of its target.
    sweep_ms
        ``None``: one sweep per epoch; else one sweep per ``sweep_ms`` of the epoch's
        duration (at least one): a long study epoch is many sweeps through what it
        presents (e.g. years of experience before an experiment).
    to_criterion
        Stimuli (sets or labels) that teach to criterion: what such a stimulus presents
        teaches a subject only while that subject does not yet answer every pattern of
        the stimulus correctly (checked before each sweep) -- a list learned "to
        criterion". The same patterns presented by another stimulus teach as usual.
    epochwise
        Stimuli learned epoch-wise: a sweep of an epoch whose stimuli are all among
        them is one step on the summed gradient of what they present (the PDP
        "epoch-wise" mode); any other sweep through several patterns is one step per
        pattern, in a fresh random order for each subject (online learning).

    Examples
    --------
    A small network of its own: two one-hot items, each to be answered by its own
    output unit, presented together as the set ``"both"``. Fifty sweeps with feedback
    teach it (the tests before and after change nothing):

    >>> import numpy as np
    >>> from engramlab.circuits import Circuit, run_protocol
    >>> from engramlab.memory.distributed import Patterns
    >>> from engramlab.protocol import Protocol, epoch, repeat, session, trial
    >>> items = Patterns((np.eye(2), np.zeros((2, 0))), np.eye(2), ("a", "b"))
    >>> cortex = DistributedRegion("cortex", items, (("hidden", 3), ("output", 2)),
    ...                            sets=(("both", ("a", "b")),), learning_rate=2.0,
    ...                            gate="feedback")
    >>> dict(cortex.groups)
    {'input': 2, 'hidden': 3, 'output': 2, 'target': 2, 'error': 1, 'correct': 1}
    >>> study = trial("study", epoch("both", 1.0, both=1.0, feedback=1.0))
    >>> test = trial("test", epoch("both", 1.0, both=1.0))
    >>> ds = run_protocol(Circuit((cortex,), settle=1),
    ...                   Protocol.of(session("learn", (test, *repeat(study, 50), test))),
    ...                   record={"correct": "cortex.correct"}, seed=0, n_subjects=3)
    >>> ds.correct.values[0][:, [0, -1]].tolist()  # per subject: first and last test
    [[0.5, 1.0], [0.5, 1.0], [0.5, 1.0]]

    The Rumelhart semantic network of McClelland et al. (1995) is ready-made:

    >>> semantic = DistributedRegion.semantic()
    >>> len(semantic.labels), semantic.labels[:2], dict(semantic.layers)
    (34, ('pine ISA', 'pine is'), {'representation': 8, 'hidden': 15, 'attribute': 36})
    """

    name: str
    patterns: Any = dataclasses.field(repr=False)
    layers: tuple[tuple[str, int], ...] = dataclasses.field(default=())
    sets: tuple[tuple[str, tuple[str, ...]], ...] = dataclasses.field(default=(),
                                                                      repr=False)
    learning_rate: float = 0.1
    init_range: float = dist.INIT_RANGE
    gate: str | None = None
    tolerance: float = 0.5
    sweep_ms: float | None = None
    to_criterion: tuple[str, ...] = ()
    epochwise: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or "." in self.name:
            raise ParameterError("distributed_region.name", "must be a non-empty string "
                                 "without '.'", self.name)
        pats = _as_patterns(f"{self.name}.patterns", self.patterns)
        object.__setattr__(self, "patterns", pats if len(pats) > 1 else pats[0])
        layers = _groups(f"{self.name}.layers", self.layers)
        object.__setattr__(self, "layers", layers)
        for lname, _ in layers:
            if lname in RESERVED:
                raise ParameterError(f"{self.name}.layers", f"names a group the region "
                                     f"already has {RESERVED}", lname)
        p = pats[0]
        if len(layers) != len(p.inputs):
            raise ParameterError(f"{self.name}.layers", f"must name one layer per input "
                                 f"array of the patterns ({len(p.inputs)})", len(layers))
        if p.inputs[0].shape[1] < 1:
            raise ParameterError(f"{self.name}.patterns.inputs", "the bottom input needs "
                                 ">= 1 unit", p.inputs[0].shape)
        if layers[-1][1] != p.targets.shape[1]:
            raise ParameterError(f"{self.name}.layers[{layers[-1][0]}]", f"the output layer "
                                 f"needs one unit per target unit ({p.targets.shape[1]})",
                                 layers[-1][1])
        raw = tuple(self.sets.items()) if isinstance(self.sets, Mapping) else tuple(self.sets)
        norm: list[tuple[str, tuple[str, ...]]] = []
        for pair in raw:
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise ParameterError(f"{self.name}.sets", "must map set names to pattern "
                                     "labels", pair)
            sname, labels = pair
            if not isinstance(sname, str) or not sname.strip():
                raise ParameterError(f"{self.name}.sets", "set names must be non-empty "
                                     "strings", sname)
            if sname in p.labels or sname in dict(norm):
                raise ParameterError(f"{self.name}.sets", "a set name must differ from "
                                     "every pattern label and every other set", sname)
            labels = (labels,) if isinstance(labels, str) else tuple(labels)
            if not labels or any(lab not in p.labels for lab in labels):
                raise ParameterError(f"{self.name}.sets[{sname}]", "must name one or more "
                                     "labels of the patterns", labels)
            norm.append((sname, labels))
        object.__setattr__(self, "sets", tuple(norm))
        for field, lo in (("learning_rate", 0.0), ("init_range", 0.0)):
            v = getattr(self, field)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or \
                    not math.isfinite(v) or v < lo:
                raise ParameterError(f"{self.name}.{field}", f"must be a finite number >= "
                                     f"{lo:g}", v)
        if isinstance(self.tolerance, bool) or not isinstance(self.tolerance, (int, float)) \
                or not 0 < self.tolerance <= 1:
            raise ParameterError(f"{self.name}.tolerance", "must be in (0, 1]",
                                 self.tolerance)
        if self.sweep_ms is not None and (
                isinstance(self.sweep_ms, bool) or not isinstance(self.sweep_ms, (int, float))
                or not (math.isfinite(self.sweep_ms) and self.sweep_ms > 0)):
            raise ParameterError(f"{self.name}.sweep_ms", "must be a finite duration > 0 "
                                 "(ms) or None", self.sweep_ms)
        crit = (self.to_criterion,) if isinstance(self.to_criterion, str) else \
            tuple(self.to_criterion)
        for sname in crit:
            if sname not in dict(norm) and sname not in p.labels:
                raise ParameterError(f"{self.name}.to_criterion", f"names no stimulus of "
                                     f"the region (a set {[n for n, _ in norm]} or a "
                                     f"pattern label)", sname)
        object.__setattr__(self, "to_criterion", crit)
        batch = (self.epochwise,) if isinstance(self.epochwise, str) else \
            tuple(self.epochwise)
        for sname in batch:
            if sname not in dict(norm) and sname not in p.labels:
                raise ParameterError(f"{self.name}.epochwise", f"names no stimulus of "
                                     f"the region (a set {[n for n, _ in norm]} or a "
                                     f"pattern label)", sname)
        object.__setattr__(self, "epochwise", batch)
        if self.gate is not None and (not isinstance(self.gate, str) or not self.gate):
            raise ParameterError(f"{self.name}.gate", "must be a stimulus name or None",
                                 self.gate)

    # -- ready-made networks --------------------------------------------------------------

    @classmethod
    def semantic(cls, name: str = "cortex", *,
                 facts: Mapping[str, Mapping[str, tuple[str, ...]]] = dist.SEMANTIC_FACTS,
                 new_items: Mapping[str, Mapping[str, tuple[str, ...]]] = dist.PENGUIN_FACTS,
                 n_representation: int = 8, n_hidden: int = 15,
                 **kwargs: Any) -> DistributedRegion:
        """The Rumelhart semantic network (McClelland et al. 1995, Fig. 1).

        item -> ``representation`` (8); [representation, relation] -> ``hidden`` (15) ->
        ``attribute`` (36). The item layer has a unit for every item of ``facts`` and of
        ``new_items`` (a new item's unit is silent until it is presented). Stimuli: each
        pattern (``"robin can"``), each item (``"robin"``: its relations), ``"old"``
        (every pattern of ``facts``) and ``"new"`` (every pattern of ``new_items``).
        ``kwargs`` go to the constructor (``learning_rate``, ``gate``, ``tolerance``, ...).
        """
        units = (*facts, *new_items)
        pats = dist.semantic_patterns({**facts, **new_items}, units)
        old = dist.semantic_patterns(facts, units).labels
        new = dist.semantic_patterns(new_items, units).labels if new_items else ()
        by_item = [(item, tuple(lab for lab in pats.labels if lab.split(" ")[0] == item))
                   for item in units]
        sets = (*by_item, ("old", old), *((("new", new),) if new else ()))
        return cls(name, pats, (("representation", n_representation), ("hidden", n_hidden),
                                ("attribute", len(dist.ATTRIBUTES))), sets, **kwargs)

    @classmethod
    def paired_associates(cls, lists: Sequence[dist.ABAC], name: str = "cortex", *,
                          n_hidden: int = 150, **kwargs: Any) -> DistributedRegion:
        """The AB-AC network: [A, list context] -> ``hidden`` -> ``output``.

        One :class:`~engramlab.memory.distributed.ABAC` per subject (its own lists).
        Stimuli: each pair (``"AB 3"``, ``"AC 3"``), and the lists ``"AB"`` and ``"AC"``.
        """
        if not isinstance(lists, Sequence) or not lists or \
                not all(isinstance(x, dist.ABAC) for x in lists):
            raise ParameterError(f"{name}.lists", "must be a non-empty sequence of ABAC "
                                 "(one per subject)", type(lists).__name__)
        pats = [dist.concat(x.ab, x.ac) for x in lists]
        first = lists[0]
        return cls(name, pats, (("hidden", n_hidden), ("output", first.b.shape[1])),
                   (("AB", first.ab.labels), ("AC", first.ac.labels)), **kwargs)

    # -- the Region interface -------------------------------------------------------------

    @functools.cached_property
    def _per_subject(self) -> tuple[dist.Patterns, ...]:
        p = self.patterns
        return (p,) if isinstance(p, dist.Patterns) else tuple(p)

    @functools.cached_property
    def _arrays(self) -> tuple[tuple[Array, ...], Array]:
        """Inputs per layer ``(S0, P, s_l)`` and targets ``(S0, P, n_out)`` (S0 1: shared)."""
        ps = self._per_subject
        inputs = tuple(np.stack([np.asarray(p.inputs[layer], float) for p in ps])
                       for layer in range(len(ps[0].inputs)))
        return inputs, np.stack([np.asarray(p.targets, float) for p in ps])

    @functools.cached_property
    def stimuli(self) -> Mapping[str, Array]:
        """Stimulus name -> the rows of the patterns it presents."""
        labels = self._per_subject[0].labels
        out = {lab: np.array([i]) for i, lab in enumerate(labels)}
        for sname, labs in self.sets:
            out[sname] = np.array([labels.index(lab) for lab in labs])
        return out

    @property
    def labels(self) -> tuple[str, ...]:
        """The patterns' labels, in row order."""
        return self._per_subject[0].labels

    @property
    def groups(self) -> Mapping[str, int]:
        """``input``, the layers, ``target``, ``error``, ``correct`` (module docstring)."""
        inputs, _ = self._arrays
        n_in = sum(x.shape[-1] for x in inputs)
        return {"input": n_in, **dict(self.layers), "target": self.layers[-1][1],
                "error": 1, "correct": 1}

    @functools.cached_property
    def _slices(self) -> dict[str, slice]:
        out, a = {}, 0
        for g, n in self.groups.items():
            out[g] = slice(a, a + n)
            a += n
        return out

    @property
    def n(self) -> int:
        """Number of cells."""
        return sum(self.groups.values())

    def init(self, n_subjects, rng):
        """Naive subjects: each its own network, from its own stream of ``rng``."""
        ps = self._per_subject
        if len(ps) > 1 and len(ps) != n_subjects:
            raise ParameterError(f"{self.name}.patterns", f"holds patterns for {len(ps)} "
                                 f"subjects; the run has {n_subjects}", len(ps))
        inputs, _ = self._arrays
        sizes = [n for _, n in self.layers]
        sides = [x.shape[-1] for x in inputs]
        seeds = rng.integers(0, 2**63 - 1, size=n_subjects)
        net = dist.init_subjects(sizes, sides, [make_rng(int(s)) for s in seeds],
                                 self.init_range)
        return {"net": net, "alive": np.ones(n_subjects, bool)}

    def presented(self, span: Any) -> Array:
        """Intensity of each pattern in epoch ``span`` ``(P,)`` (0: not presented)."""
        c = np.zeros(len(self.labels))
        if span.kind == "sleep":
            return c
        for s, value in span.stimuli:
            rows = self.stimuli.get(s)
            if rows is not None and value > 0:
                c[rows] = np.maximum(c[rows], value)
        return c

    @functools.cached_property
    def _plans(self) -> dict[Any, Any]:
        return {}

    def _plan(self, span: Any) -> tuple[Array, Array, tuple[tuple[Array, Array], ...], bool]:
        """Rows presented, their intensities, the criterion stimuli, whether epoch-wise.

        Each criterion stimulus comes with its rows and the position in them of each
        presented row it alone teaches (-1: not in it, or also presented by a stimulus
        without criterion). Cached per stimuli of the epoch.
        """
        key = (span.kind, span.stimuli)
        plan = self._plans.get(key)
        if plan is None:
            c = self.presented(span)
            free = np.zeros(c.shape, bool)
            crit_rows = []
            for name, value in (() if span.kind == "sleep" else span.stimuli):
                r = self.stimuli.get(name)
                if r is None or value <= 0:
                    continue
                if name in self.to_criterion:
                    crit_rows.append(r)
                else:
                    free[r] = True
            rows = np.flatnonzero(c)
            crit = []
            for r in crit_rows:
                pos = np.array([int(np.flatnonzero(r == i)[0]) if i in r and not free[i]
                                else -1 for i in rows])
                if (pos >= 0).any():
                    crit.append((r, pos))
            names = [n for n, v in span.stimuli if v > 0 and n in self.stimuli]
            batch = all(n in self.epochwise for n in names)
            plan = self._plans[key] = (rows, c[rows], tuple(crit), batch)
        return plan

    def _inputs(self, rows: Array, n_sub: int) -> tuple[tuple[Array, ...], Array]:
        """Inputs per layer and targets of ``rows``, ``(n_sub, rows, units)`` (cached)."""
        key = (rows.tobytes(), n_sub)
        got = self._plans.get(key)
        if got is None:
            all_in, all_t = self._arrays
            got = self._plans[key] = (
                tuple(np.broadcast_to(a[:, rows], (n_sub, rows.size, a.shape[-1]))
                      for a in all_in),
                np.broadcast_to(all_t[:, rows], (n_sub, rows.size, all_t.shape[-1])))
        return got

    def _answer(self, net: dist.Network, rows: Array, crit: Any, n_sub: int
                ) -> tuple[tuple[Array, ...], list[Array]]:
        """Activations for ``rows``, and per criterion set whether each subject knows it.

        Known: every output unit within ``tolerance`` of its target for every pattern
        of the set. A criterion set that holds every presented row is answered once,
        for both.
        """
        acts: tuple[Array, ...] | None = None
        known = []
        for r, pos in crit:
            xs_r, t_r = self._inputs(r, n_sub)
            acts_r = dist.forward_subjects(net, xs_r)
            known.append(np.all(np.abs(acts_r[-1] - t_r) < self.tolerance, axis=(1, 2)))
            if acts is None and (pos >= 0).all():
                acts = tuple(a[:, pos] for a in acts_r)
        if acts is None:
            acts = dist.forward_subjects(net, self._inputs(rows, n_sub)[0])
        return acts, known

    def step(self, state, inputs, ctx):
        """One epoch: answer the patterns presented, then learn from the feedback."""
        x = inputs.get("input")
        if x is not None and np.any(x):
            raise ParameterError(f"{self.name}.input", "a DistributedRegion takes no pathway "
                                 "input: the protocol's stimuli present its patterns")
        alive = state["alive"]
        n_sub = alive.shape[0]
        act = np.zeros((n_sub, self.n))
        rows, c, crit, batch = self._plan(ctx.span)
        if not rows.size:
            return state, act
        xs, t = self._inputs(rows, n_sub)
        net = state["net"]
        acts, known = self._answer(net, rows, crit, n_sub)
        out = acts[-1] * alive[:, None, None]
        teach = 1.0 if self.gate is None else ctx.span.intensity(self.gate)
        sl = self._slices
        one = rows.size == 1
        if one:  # one episode: its input and feedback are the region's to pass on
            act[:, sl["input"]] = np.concatenate(xs, axis=-1)[:, 0]
            act[:, sl["target"]] = teach * t[:, 0]
        for (lname, _), a in zip(self.layers, acts, strict=True):
            act[:, sl[lname]] = a[:, 0] if one else a.mean(axis=1)
        act *= alive[:, None]
        act[:, sl["error"]] = 0.5 * ((t - out) ** 2).sum(axis=(1, 2))[:, None]
        act[:, sl["correct"]] = np.all(np.abs(out - t) < self.tolerance,
                                       axis=2).mean(axis=1)[:, None]
        rate = self.learning_rate * teach * ctx.learning()
        if rate <= 0 or not alive.any():
            return state, act
        base = np.broadcast_to(c, (n_sub, rows.size))
        rates = rate * alive
        for k in range(self.steps(ctx.span)):
            if k and (crit or batch):
                acts, known = self._answer(net, rows, crit, n_sub)
            w = base
            if crit:  # training to criterion: a set the subject knows teaches no more
                w = base.copy()
                for (_, pos), kn in zip(crit, known, strict=True):
                    w[:, pos >= 0] *= ~kn[:, None]
                if not w.any():
                    break
            if batch or rows.size == 1:
                grad = dist.gradients_subjects(net, xs, t, w, acts if batch or not k
                                               else None)
                net = dist.step_subjects(net, grad, rates)
                continue
            # one step per pattern, in a fresh random order per subject and sweep
            order = np.argsort(ctx.rng.random((n_sub, rows.size)), axis=1)
            every = np.arange(n_sub)
            for j in range(rows.size):
                i = order[:, j]
                wj = w[every, i][:, None]
                if not wj.any():
                    continue
                grad = dist.gradients_subjects(net, tuple(a[every, i][:, None] for a in xs),
                                               t[every, i][:, None], wj)
                net = dist.step_subjects(net, grad, rates)
        return {**state, "net": net}, act

    def steps(self, span: Any) -> int:
        """Gradient steps in epoch ``span``: 1, or one per ``sweep_ms`` of its duration."""
        if self.sweep_ms is None:
            return 1
        return max(1, round(span.duration_ms / self.sweep_ms))

    def cell_set(self, state, name):
        """Boolean ``(subjects, cells)`` mask of a cell group."""
        sl = self._slices.get(name)
        if sl is None:
            raise ParameterError(f"{self.name}.cells", f"names no group of {self.name} "
                                 f"({list(self.groups)})", name)
        m = np.zeros((state["alive"].shape[0], self.n), bool)
        m[:, sl] = True
        return m

    def network(self, state: Any) -> dist.Network:
        """The subjects' networks (stacked: weights ``(S, in, out)``) in ``state``."""
        net: dist.Network = state["net"]
        return net


def _remove(region: DistributedRegion, effect: Effect, state: Any) -> Any:
    return {**state, "alive": np.zeros_like(state["alive"])}


register_effect(DistributedRegion, Remove, instant=_remove)
register_effect(DistributedRegion, ScaleLearning, during=True)
