r"""An attractor network of word reading that learns a little from every word it reads.

:class:`AttractorRegion` is the distributed attractor network of word recognition of
Plaut (1995, Proc. 17th Cog. Sci. Soc., 37-42) and Becker, Moscovitch, Behrmann &
Joordens (1997, J. Exp. Psychol. Learn. Mem. Cogn. 23:1059): an **orthographic** layer
(the written form, :math:`N_o` units) that drives a **semantic** layer (the meaning,
:math:`N_s` units); each word of the lexicon is an attractor of both layers, and every
word read leaves a small Hebbian weight change behind. It is a
:class:`~engramlab.circuits.TimedRegion`: within each epoch the network *settles*, step
by step, and the time it takes is the reaction time of a decision.

The lexicon
    Each subject has its own random patterns, spins :math:`\xi \in \{-1, +1\}`:
    orthographic patterns independent across words; semantic patterns independent
    except for the words of a ``related`` pair, which share a fraction :math:`o` =
    ``overlap`` of their semantic features (the same value on a random subset of
    :math:`o N_s` units: semantic relatedness is feature overlap, Plaut 1995; McRae et
    al.) and no orthography. The patterns of each layer are stored in a
    :class:`~engramlab.memory.associative.HopfieldMemory` (the chapter-4 memory), whose
    Hebbian couplings are the layer's long-term weights,

    .. math:: W^{oo} = \frac{1}{N_o}(\Xi_o^\top \Xi_o - P I),\qquad
              W^{ss} = \frac{1}{N_s}(\Xi_s^\top \Xi_s - P I)
                       + \frac{\alpha}{N_s}\sum_{(a, b)} \xi^s_b \xi^{s\top}_a,

    the second term the ``associated`` pairs :math:`a \to b` (word :math:`b`
    frequently follows word :math:`a`: the temporal association Plaut's network learns
    in training, written here as sequence (hetero-associative) couplings with
    strength :math:`\alpha` = ``association``). The orthography drives the semantics
    through :math:`W^{so} = \frac{g_m}{N_o}\Xi_s^\top\Xi_o` (``mapping_gain``) and the
    semantics feed back by :math:`W^{os} = \frac{g_f}{N_s}\Xi_o^\top\Xi_s`
    (``feedback_gain``).

Settling (one epoch of duration :math:`T`, :math:`n = T / \Delta t` steps)
    The state :math:`s \in [-1, 1]^{N_o + N_s}` starts from a fraction :math:`\lambda`
    (``carryover``) of the final state of the previous epoch (Plaut 1995: "the network
    starts from the final activity pattern of the previous word") and follows

    .. math:: s \leftarrow s + \frac{\Delta t}{\tau}\big(G \tanh(\beta h) - s\big),\qquad
              h = W s + b,\qquad b^o = g_{in} \sum_w c_w \xi^o_w + I^o,\quad b^s = I^s,

    :math:`c_w` the intensity of the stimulus naming word :math:`w` in the epoch,
    :math:`I` the pathway input, :math:`G` the gain (:class:`~engramlab.circuits.Gain`).
    The activity of a unit is :math:`x = (s + 1)/2`. The **settling time** of a layer
    is :func:`engramlab.analysis.settling.settling_time` of its trajectory: the steps
    until its RMS change per step falls below ``tol`` and stays below it. Two decision
    units read it out: ``lexical`` (the orthographic layer: lexical decision, word
    familiarity; Becker et al. 1997) and ``semantic`` (the semantic layer: semantic
    decision) are 0 until their layer has settled and 1 from then on, so that the
    number of steps a decision unit stays at 0 is the reaction time in steps.

Learning at every encounter (the priming)
    At the end of each epoch in which a word is read, each layer adds the Hebbian
    increment of its settled state,

    .. math:: \Delta W^{oo} = \frac{\varepsilon\,\phi}{N_o}(s^o s^{o\top} - \mathrm{diag}),
              \qquad \Delta W^{ss} = \frac{\varepsilon\,\phi}{N_s}(s^s s^{s\top} -
              \mathrm{diag}),

    :math:`\varepsilon` = ``learning_rate`` (small: a fraction of the :math:`1/N` of a
    stored pattern), :math:`\phi` the learning factor of the epoch
    (:class:`~engramlab.circuits.ScaleLearning`: 0 blocks it). The increment deepens the
    basin of what was just read -- and, through the shared features, the basin of its
    semantic neighbours -- and it persists over later words (no decay): long-lag
    priming (Becker et al. 1997).

Effects: :class:`~engramlab.circuits.Remove` (a lesion: output 0, no learning),
:class:`~engramlab.circuits.ScaleLearning`, :class:`~engramlab.circuits.Gain`,
:class:`~engramlab.circuits.Drive` (added to the input field :math:`b`) and
:class:`~engramlab.circuits.Tag`.

Examples
--------
>>> r = AttractorRegion("lexicon", words=("bread", "butter", "nurse"),
...                     related=(("bread", "butter"),))
>>> dict(r.groups)
{'orthography': 128, 'semantics': 256, 'lexical': 1, 'semantic': 1}
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from engramlab.analysis.settling import basin_time, settling_time
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
    TimedRegion,
    register_effect,
)
from engramlab.circuits.regions import _Cells
from engramlab.core.errors import ParameterError
from engramlab.memory.associative import HopfieldMemory, to_rates, to_spins

__all__ = ["AttractorRegion"]

Array = np.ndarray


def _positive(field: str, v: object, *, zero: bool = False, upper: float | None = None) -> None:
    ok = (not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v)
          and (v >= 0 if zero else v > 0) and (upper is None or v <= upper))
    if not ok:
        rule = ">= 0" if zero else "> 0"
        rule += f" and <= {upper}" if upper is not None else ""
        raise ParameterError(field, f"must be a finite number {rule}", v)


@dataclasses.dataclass(frozen=True)
class AttractorRegion(_Cells, TimedRegion):
    """Orthographic and semantic attractor layers with incremental Hebbian learning.

    See the module docstring for the equations. Parameters (defaults: chosen for the
    network sizes here, see :mod:`engramlab.experiments.priming.repetition_semantic`):

    Parameters
    ----------
    name
        The region's name.
    words
        The lexicon: the stimulus names that present each word.
    related
        Pairs of words whose meanings share ``overlap`` of their semantic features.
    associated
        Pairs ``(a, b)``: ``b`` frequently follows ``a`` (sequence couplings).
    n_orthographic, n_semantic
        :math:`N_o`, :math:`N_s` units.
    overlap
        :math:`o`, fraction of semantic features a related pair shares (0 to 1).
    association
        :math:`\\alpha`, strength of the couplings from ``a``'s meaning to ``b``'s.
    input_gain, mapping_gain, feedback_gain
        :math:`g_{in}`, :math:`g_m`, :math:`g_f`.
    beta
        :math:`\\beta`, gain of the units' transfer function.
    tau_ms, step_ms
        :math:`\\tau` and :math:`\\Delta t` (ms).
    carryover
        :math:`\\lambda`, fraction of the previous epoch's final state an epoch starts
        from (1: Plaut 1995).
    learning_rate
        :math:`\\varepsilon`, the Hebbian increment at every word read.
    tol
        :math:`\\epsilon`, the settling tolerance (RMS change of activity per step).
    mechanism
        What :class:`~engramlab.circuits.ScaleLearning` must name to block the learning.

    Examples
    --------
    Semantic priming: "butter" read after its related "bread" reaches its meaning in
    fewer 20-ms steps than after "nurse" (a small network, 8 subjects):

    >>> from engramlab.circuits import Circuit, Group, Record, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> lexicon = AttractorRegion("lexicon", words=("bread", "butter", "nurse"),
    ...                           related=(("bread", "butter"),), n_orthographic=32,
    ...                           n_semantic=64)
    >>> def reading(prime):
    ...     return Protocol.of(session("list", trial("pair", epoch("prime", 400.0, **{prime: 1}),
    ...                                              epoch("target", 400.0, butter=1))))
    >>> ds = run_protocol(Circuit((lexicon,), settle=1), reading("bread"), seed=0, n_subjects=8,
    ...                   groups={"related": Group(), "unrelated": Group((), reading("nurse"))},
    ...                   record={"semantic": Record("semantic", "lexicon.semantic", "trace")})
    >>> decided = ds.semantic.sel(event="list/0/1:target")  # 0 until the meaning settles
    >>> (decided < 0.5).sum("semantic_step").mean("subject").to_series()  # steps to decide
    group
    related      5.875
    unrelated    7.750
    Name: semantic, dtype: float64
    """

    name: str
    words: tuple[str, ...]
    related: tuple[tuple[str, str], ...] = ()
    associated: tuple[tuple[str, str], ...] = ()
    n_orthographic: int = 128
    n_semantic: int = 256
    overlap: float = 0.5
    association: float = 2.0
    input_gain: float = 1.3
    mapping_gain: float = 1.5
    feedback_gain: float = 0.1
    beta: float = 1.0
    tau_ms: float = 40.0
    step_ms: float = 20.0
    carryover: float = 1.0
    learning_rate: float = 0.5
    tol: float = 2e-3
    decision: Literal["basin", "change"] = "basin"
    criterion: float = 0.9
    mechanism: Mechanism = "nmda"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or "." in self.name:
            raise ParameterError("attractor_region.name", "must be a non-empty string "
                                 "without '.'", self.name)
        f = self.name
        words = tuple(self.words) if isinstance(self.words, (tuple, list)) else None
        if not words or not all(isinstance(w, str) and w for w in words):
            raise ParameterError(f"{f}.words", "must be a non-empty sequence of stimulus "
                                 "names", self.words)
        if len(set(words)) != len(words):
            raise ParameterError(f"{f}.words", "names a word twice", self.words)
        object.__setattr__(self, "words", words)
        for field in ("related", "associated"):
            pairs = getattr(self, field)
            if not isinstance(pairs, (tuple, list)):
                raise ParameterError(f"{f}.{field}", "must be a sequence of word pairs", pairs)
            pairs = tuple(tuple(p) if isinstance(p, (tuple, list)) else p for p in pairs)
            for p in pairs:
                if not (isinstance(p, tuple) and len(p) == 2 and p[0] in words
                        and p[1] in words and p[0] != p[1]):
                    raise ParameterError(f"{f}.{field}", "must pair two different words of "
                                         "the lexicon", p)
            object.__setattr__(self, field, pairs)
        members = [w for p in self.related for w in p]
        if len(set(members)) != len(members):
            raise ParameterError(f"{f}.related", "a word may be in one related pair only",
                                 self.related)
        for field in ("n_orthographic", "n_semantic"):
            v = getattr(self, field)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 2:
                raise ParameterError(f"{f}.{field}", "must be an integer >= 2", v)
        _positive(f"{f}.overlap", self.overlap, zero=True, upper=1.0)
        _positive(f"{f}.association", self.association, zero=True)
        for field in ("input_gain", "mapping_gain", "beta", "tau_ms", "step_ms", "tol"):
            _positive(f"{f}.{field}", getattr(self, field))
        _positive(f"{f}.feedback_gain", self.feedback_gain, zero=True)
        _positive(f"{f}.learning_rate", self.learning_rate, zero=True)
        _positive(f"{f}.carryover", self.carryover, zero=True, upper=1.0)
        if self.step_ms > self.tau_ms:
            raise ParameterError(f"{f}.step_ms", f"must be <= tau_ms ({self.tau_ms} ms): "
                                 "Euler steps longer than the time constant overshoot",
                                 self.step_ms)
        if self.decision not in ("basin", "change"):
            raise ParameterError(f"{f}.decision", "must be 'basin' or 'change'", self.decision)
        if isinstance(self.criterion, bool) or not isinstance(self.criterion, (int, float)) \
                or not 0.0 < self.criterion < 1.0:
            raise ParameterError(f"{f}.criterion", "must be a number > 0 and < 1",
                                 self.criterion)
        if self.mechanism not in MECHANISMS:
            raise ParameterError(f"{f}.mechanism", f"must be one of {MECHANISMS}",
                                 self.mechanism)

    # -- cells --------------------------------------------------------------------------

    @property
    def cells(self) -> tuple[tuple[str, int], ...]:  # type: ignore[override]
        """The cell groups: the two layers, then the two decision units."""
        return (("orthography", int(self.n_orthographic)), ("semantics", int(self.n_semantic)),
                ("lexical", 1), ("semantic", 1))

    @property
    def dt_ms(self) -> float:
        """The settling step :math:`\\Delta t` (ms)."""
        return float(self.step_ms)

    @property
    def n_units(self) -> int:
        """Units of the two layers, :math:`N_o + N_s`."""
        return int(self.n_orthographic + self.n_semantic)

    # -- the lexicon --------------------------------------------------------------------

    def lexicon(self, rng: np.random.Generator) -> tuple[Array, Array]:
        """One subject's patterns: orthographic ``(W, N_o)`` and semantic ``(W, N_s)`` spins."""
        nw, no, ns = len(self.words), int(self.n_orthographic), int(self.n_semantic)
        orth = rng.choice((-1.0, 1.0), size=(nw, no))
        sem = rng.choice((-1.0, 1.0), size=(nw, ns))
        index = {w: i for i, w in enumerate(self.words)}
        k = round(self.overlap * ns)
        for a, b in self.related:
            shared = rng.permutation(ns)[:k]
            sem[index[b], shared] = sem[index[a], shared]
        return orth, sem

    def memories(self, orth: Array, sem: Array) -> tuple[HopfieldMemory, HopfieldMemory]:
        """The layers' lexicons as chapter-4 memories (patterns stored as activities)."""
        return (HopfieldMemory(int(self.n_orthographic)).store(to_rates(orth)),
                HopfieldMemory(int(self.n_semantic)).store(to_rates(sem)))

    def weights(self, orth: Array, sem: Array) -> Array:
        """The long-term couplings ``(N, N)`` of one subject (module docstring)."""
        mo, ms = self.memories(orth, sem)
        xo, xs = to_spins(mo.patterns), to_spins(ms.patterns)
        no, ns = int(self.n_orthographic), int(self.n_semantic)
        p = xo.shape[0]
        w = np.zeros((no + ns, no + ns))
        w[:no, :no] = (xo.T @ xo - p * np.eye(no)) / no
        wss = (xs.T @ xs - p * np.eye(ns)) / ns
        index = {w_: i for i, w_ in enumerate(self.words)}
        for a, b in self.associated:
            wss += self.association / ns * np.outer(xs[index[b]], xs[index[a]])
        w[no:, no:] = wss
        w[no:, :no] = self.mapping_gain / no * xs.T @ xo
        w[:no, no:] = self.feedback_gain / ns * xo.T @ xs
        return w

    def init(self, n_subjects: int, rng: np.random.Generator) -> dict[str, Any]:
        """Naive subjects: each its lexicon, no increment yet, a state at rest (s = 0)."""
        orth, sem = [], []
        for _ in range(n_subjects):
            o, s = self.lexicon(rng)
            orth.append(o)
            sem.append(s)
        n, no = self.n_units, int(self.n_orthographic)
        state = {**self._base_state(n_subjects), "orth": np.stack(orth), "sem": np.stack(sem),
                 "u": np.zeros((n_subjects, 0, n)), "eta": np.zeros((n_subjects, 0)),
                 "s": np.zeros((n_subjects, n)), "trace": np.zeros((n_subjects, 0, n + 2)),
                 "rt": np.full((n_subjects, 2), np.nan)}
        return {**state, "u_o": np.zeros((n_subjects, 0, no)),
                "u_s": np.zeros((n_subjects, 0, n - no)), "d_inc": np.zeros((n_subjects, n)),
                "orth_u": state["orth"], "sem_u": state["sem"],
                "assoc_t": np.ascontiguousarray(self._association().T)}

    def _association(self) -> Array:
        """``(P, P)``: entry ``[b, a]`` is 1 for each associated pair ``a -> b``."""
        index = {w: i for i, w in enumerate(self.words)}
        a = np.zeros((len(self.words), len(self.words)))
        for x, y in self.associated:
            a[index[y], index[x]] += 1.0
        return a

    def dense_weights(self, state: Mapping[str, Any]) -> Array:
        """The couplings ``(subjects, N, N)`` now: long-term plus every increment so far.

        (The dynamics never form them: they run through the overlaps with the stored
        patterns and the increments, :meth:`field`.)
        """
        no, ns = int(self.n_orthographic), int(self.n_semantic)
        out = np.stack([self.weights(o, s) for o, s in zip(state["orth"], state["sem"],
                                                           strict=True)])
        u, eta = state["u"], state["eta"]
        for lo, hi, n in ((0, no, no), (no, no + ns, ns)):
            part = np.einsum("sk,ski,skj->sij", eta, u[:, :, lo:hi], u[:, :, lo:hi]) / n
            idx = np.arange(hi - lo)
            part[:, idx, idx] = 0.0
            out[:, lo:hi, lo:hi] += part
        return out

    def field(self, state: Mapping[str, Any], s: Array) -> Array:
        r"""The recurrent field :math:`W s` ``(subjects, N)``, matrix-free.

        Through the overlaps with the stored patterns, :math:`m^o = \Xi_o s^o / N_o`,
        :math:`m^s = \Xi_s s^s / N_s`:
        :math:`h^o = \Xi_o^\top (m^o + g_f m^s) - (P/N_o) s^o`,
        :math:`h^s = \Xi_s^\top (m^s + \alpha A m^s + g_m m^o) - (P/N_s) s^s`
        (:math:`A_{ba} = 1` for each associated pair :math:`a \to b`), plus the
        increments through the overlaps with the settled states learnt so far
        (``state["u_o"]``, ``state["u_s"]``, weights ``state["eta"]``) less their
        diagonal (``state["d_inc"]``).
        """
        no, ns = int(self.n_orthographic), int(self.n_semantic)
        xo, xs = state["orth"], state["sem"]
        so, ss = s[:, :no, None], s[:, no:, None]
        mo = np.matmul(xo, so)[:, :, 0] / no
        ms = np.matmul(xs, ss)[:, :, 0] / ns
        co = mo + self.feedback_gain * ms
        cs = ms + self.mapping_gain * mo
        if self.associated:
            cs = cs + self.association * ms @ state["assoc_t"]
        eta = state["eta"]
        if eta.shape[1]:
            uo, us = state["u_o"], state["u_s"]
            po = np.matmul(uo, so)[:, :, 0] * eta / no
            ps = np.matmul(us, ss)[:, :, 0] * eta / ns
            co = np.concatenate([co, po], axis=1)
            cs = np.concatenate([cs, ps], axis=1)
            xo = state["orth_u"]
            xs = state["sem_u"]
        p = state["orth"].shape[1]
        h = np.empty_like(s)
        h[:, :no] = np.matmul(co[:, None, :], xo)[:, 0] - p / no * s[:, :no]
        h[:, no:] = np.matmul(cs[:, None, :], xs)[:, 0] - p / ns * s[:, no:]
        return h - state["d_inc"] * s

    # -- one epoch ----------------------------------------------------------------------

    def _gain(self, state: Mapping[str, Any], ctx: StepContext) -> Array:
        g = np.ones(state["alive"].shape)
        for e in ctx.effects:
            if isinstance(e, Gain):
                g = np.where(self.mask(state, e.cells), g * e.factor, g)
        return g

    def step(self, state: Any, inputs: Mapping[str, Array],
             ctx: StepContext) -> tuple[Any, Array]:
        """Settle for the epoch, read the decisions out, learn (module docstring)."""
        n_steps = self.n_steps(ctx.span)
        alive_cells = state["alive"]
        b_subj = alive_cells.shape[0]
        alive = alive_cells.any(axis=1)
        no, n = int(self.n_orthographic), self.n_units
        c = np.array([ctx.span.intensity(w) for w in self.words]) if not ctx.sleeping \
            else np.zeros(len(self.words))
        bias = np.zeros((b_subj, n + 2))
        x_in = inputs.get("input")
        if x_in is not None:
            bias += x_in
        bias = self._modulate(state, bias, ctx, stage="input")[:, :n]
        if c.any():
            bias[:, :no] += self.input_gain * np.einsum("w,swn->sn", c, state["orth"])
        gain = self._gain(state, ctx)
        g_units = gain[:, :n] * alive_cells[:, :n]
        s = self.carryover * state["s"]
        start = to_rates(s)
        k = self.dt_ms / self.tau_ms
        traj = np.empty((b_subj, n_steps, n))
        for t in range(n_steps):
            h = self.field(state, s) + bias
            s = s + k * (g_units * np.tanh(self.beta * h) - s)
            traj[:, t] = s
        x = to_rates(traj)
        if self.decision == "basin" and c.any():
            word = int(np.argmax(c))
            rt_o = basin_time(x[:, :, :no], to_rates(state["orth"][:, word]), self.criterion)
            rt_s = basin_time(x[:, :, no:], to_rates(state["sem"][:, word]), self.criterion)
        else:
            rt_o = settling_time(x[:, :, :no], self.tol, start[:, :no])
            rt_s = settling_time(x[:, :, no:], self.tol, start[:, no:])
        steps = np.arange(n_steps)[None, :]
        lex = (steps >= rt_o[:, None]).astype(float)
        sem = (steps >= rt_s[:, None]).astype(float)
        trace = np.concatenate([x, lex[:, :, None], sem[:, :, None]], axis=2)
        trace = trace * gain[:, None, :] * alive_cells[:, None, :]
        phi = self.learning_rate * ctx.learning(self.mechanism)
        learnt: dict[str, Array] = {}
        if phi > 0 and c.any() and alive.any():
            e = phi * alive
            scale = np.concatenate([np.full(no, 1.0 / no), np.full(n - no, 1.0 / (n - no))])
            learnt = {"u": np.concatenate([state["u"], s[:, None, :]], axis=1),
                      "u_o": np.concatenate([state["u_o"], s[:, None, :no]], axis=1),
                      "u_s": np.concatenate([state["u_s"], s[:, None, no:]], axis=1),
                      "eta": np.concatenate([state["eta"], e[:, None]], axis=1),
                      "orth_u": np.concatenate([state["orth_u"], s[:, None, :no]], axis=1),
                      "sem_u": np.concatenate([state["sem_u"], s[:, None, no:]], axis=1),
                      "d_inc": state["d_inc"] + e[:, None] * s ** 2 * scale}
        rt = np.stack([rt_o, rt_s], axis=1)
        new = {**state, **learnt, "s": s * alive_cells[:, :n], "trace": trace,
               "rt": np.where(alive[:, None], rt, np.nan)}
        r = trace[:, -1]
        return self._tag(new, r, ctx), r

    def time_course(self, state: Any) -> Array:
        """The activity ``(subjects, steps, cells)`` of the last epoch (decision units last)."""
        return np.asarray(state["trace"])

    def settling_steps(self, state: Any) -> Array:
        """Settling times ``(subjects, 2)`` (orthographic, semantic) of the last epoch."""
        return np.asarray(state["rt"])


def _remove(region: AttractorRegion, effect: Effect, state: Any) -> Any:
    return {**state, "alive": np.zeros_like(state["alive"]), "s": np.zeros_like(state["s"])}


register_effect(AttractorRegion, Remove, instant=_remove)
for _effect in (Gain, Drive, Tag, ScaleLearning):
    register_effect(AttractorRegion, _effect, during=True)
