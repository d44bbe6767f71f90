r"""A spiking region: a network of the engine stepped epoch by epoch of a protocol.

:class:`SpikingRegion` puts a :class:`~engramlab.network.Network` behind the
:class:`~engramlab.circuits.Region` interface, so that :func:`~engramlab.circuits.
run_protocol` drives a spiking model through sessions, trials and epochs like any other
region (one network per subject, each built with its own seed).

One step is one epoch (:class:`~engramlab.protocol.Span`) of :math:`T` ms, simulated on
the network engine (:class:`~engramlab.network.Simulator`):

* the epoch's stimuli become the network's inputs: a stimulus ``s`` mapped to a Poisson
  input or Poisson source ``x`` (``stimuli``) drives ``x`` at ``intensity(s)`` times its
  built rate; a context ``c`` mapped to ``x`` (``contexts``) drives ``x`` at its full
  rate in the sessions in context ``c`` and silences it in every other one; inputs not
  named stay as built (the background). Sleep epochs switch every mapped input off;
* plasticity (the compiled rules of the network: here the input-coincidence rule of
  Vlachos et al. 2011) is on in an epoch only where the ``gate`` stimulus is on (the
  neuromodulator :math:`m = 1` during each CS), times the learning factor of the epoch
  (:class:`~engramlab.circuits.ScaleLearning` of ``"nmda"``: AP5 blocks it);
* pathway inputs (``inputs``) are not used: the network's inputs are its stimuli;
* the activity of each cell is its rate in the epoch, :math:`r_i = n_i / T` (Hz,
  :math:`n_i` its spikes), the cells of the groups concatenated in order;
* the whole state of each subject's network (membranes, channels, the delay buffer,
  every weight, the traces of the rules) persists in the region state between epochs
  (a :class:`~engramlab.network.Snapshot` per subject: groups branch from one trained
  state).

Time between epochs is not simulated. The engine's clock is set to the protocol's, so
the rule's traces and last-arrival times see the true gaps; across a gap the pending
arrivals of the delay buffer, the synaptic conductances and the presynaptic gates of
dense projections (NMDA: 100 ms) are cleared, as they would have decayed over a gap of
minutes, and the membranes keep their values. Contiguous epochs (the epochs of one
trial) continue exactly: nothing is reset between them.

Labile weight changes (the time-dependent mechanism the Vlachos model lacks). The
weights of the ``labile`` projections carry a consolidated reference :math:`w^*`
(the initial weights at first). Learning in an epoch with the ``reinforcer`` on (the
US) is consolidated at the end of the epoch, :math:`w^* \leftarrow w^* + f_{ps}(w -
w^*)` (:math:`f_{ps}` the protein-synthesis factor of the epoch: anisomycin leaves it
labile); learning without the reinforcer (extinction: CS alone) is not, and decays back
exactly across the time between epochs,

.. math:: w(t + \Delta) = w^* + (w(t) - w^*)\, e^{-\Delta / \tau_{lab}},

so the extinction trace (the potentiated CS and context-B weights of the extinction
cells and the depressed CS weights of the fear cells) fades with time constant
:math:`\tau_{lab}` and extinguished fear returns: spontaneous recovery (Pavlov 1927;
Rescorla 2004, Learn. Mem. 11:501, recovery grows with the interval since extinction;
Quirk 2002, Learn. Mem. 9:402). This is the form "extinction memory decays, the
consolidated fear memory does not" of later models of the return of fear (Bouton 1993,
Psychol. Bull. 114:80: time as a context); the time constant is a parameter of the
experiment (days), not a fitted value. ``labile_tau_ms = inf`` (the default) is the
model of Vlachos et al. without it.

Effects (:func:`~engramlab.circuits.register_effect`), on the network's own stimuli
(:class:`~engramlab.network.ConductanceStep`, the shape of an opsin, as
:func:`engramlab.interventions.network.add_conductance`):

:class:`~engramlab.circuits.Remove`
    a lesion of the region: it stops for good (no activity, no learning, no decay);
:class:`~engramlab.circuits.Gain` ``(f, cells)``
    silencing: a shunting conductance reversing at the cells' resting potential,
    :math:`g = g_L (1/f - 1)` (capped at ``silence_g_ns``; ``f = 0``: the cap), which
    scales a small subthreshold depolarisation by :math:`f` (an inhibitory opsin,
    ArchT / GtACR, or a chemogenetic inhibition). ``f > 1`` is refused;
:class:`~engramlab.circuits.Drive` ``(g, cells)``
    excitation: a conductance of ``g`` nS reversing at 0 mV (ChR2) on the cells;
:class:`~engramlab.circuits.Tag` ``(name, cells, threshold)``
    cells whose rate in a tagged epoch exceeds ``threshold`` (Hz) join set ``name``;
:class:`~engramlab.circuits.ScaleLearning` ``(f, mechanism)``
    ``"nmda"`` (or ``"all"``) scales the rule's learning rates :math:`\alpha_1, \alpha_2`
    by ``f`` (0: plasticity off); ``"protein_synthesis"`` (or ``"all"``) scales the
    consolidation of reinforced learning;
:class:`~engramlab.circuits.ScaleReceptor` ``(f, receptor)``
    a receptor antagonist: everything arriving at the channels the region maps to the
    receptor class (``receptors``: ``"nmda"`` -> ``(("E", "rec"), ("I", "rec"))``) is
    multiplied by ``f`` during the epoch (:class:`~engramlab.network.ReceptorScale`;
    AP5 on NMDA receptors: ``f = 0``). A class the region does not map is refused.

Examples
--------
>>> from engramlab.circuits import Circuit, run_protocol
>>> from engramlab.circuits.spiking import amygdala_region
>>> from engramlab.network import AmygdalaParams
>>> region = amygdala_region(AmygdalaParams(n_e=340, n_i=60))  # doctest: +SKIP
>>> circuit = Circuit((region,), settle=1)  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from engramlab.circuits._region import (
    Drive,
    Effect,
    Gain,
    Region,
    Remove,
    ScaleReceptor,
    StepContext,
    Tag,
    cell_mask,
    register_effect,
)
from engramlab.core.errors import ParameterError
from engramlab.core.rng import make_rng
from engramlab.network import (
    AmygdalaParams,
    ConductanceStep,
    CurrentStep,
    Network,
    Phase,
    PoissonSource,
    ReceptorScale,
    Simulator,
    Snapshot,
    Spikes,
    amygdala_cells,
    amygdala_network,
)
from engramlab.network import _engine as E
from engramlab.neurons import LIF, AdEx

__all__ = ["SpikingRegion", "amygdala_region"]

Array = np.ndarray
#: Reversal potential of the driving (ChR2-like) conductance of :class:`Drive` (mV).
E_DRIVE_MV = 0.0


def _name_pairs(field: str, pairs: Any) -> tuple[tuple[str, str], ...]:
    items = tuple(pairs.items()) if isinstance(pairs, Mapping) else tuple(pairs)
    for pair in items:
        if not (isinstance(pair, tuple) and len(pair) == 2
                and all(isinstance(x, str) and x for x in pair)):
            raise ParameterError(field, "must map names to names", pair)
    return items


@dataclasses.dataclass(frozen=True, eq=False)
class SpikingRegion(Region):
    """A spiking network as a region of a circuit (module docstring).

    Parameters
    ----------
    name
        The region's name.
    network
        The network (every subject gets its own build of it, with its own seed).
    cells
        The cell groups, in order: ``(group, population, local indices)`` each.
    stimuli
        Protocol stimulus -> Poisson input or Poisson source of the network.
    contexts
        Protocol context -> Poisson input or source, on only in that context.
    gate
        Plasticity is on only in epochs with this stimulus on (``None``: every awake
        epoch).
    reinforcer
        Learning in an epoch with this stimulus on is consolidated (``None``: all).
    labile
        Projections whose unconsolidated weight changes decay (``labile_tau_ms``).
    labile_tau_ms
        Time constant of that decay (ms); ``inf``: none.
    dt_ms
        Time step of the engine (ms).
    silence_g_ns
        The largest silencing conductance (``Gain`` with factor 0), nS.
    currents
        Protocol stimulus -> a :class:`~engramlab.network.CurrentStep` template
        (population, amplitude or profile in pA, neurons; its window is ignored):
        injected, scaled by the stimulus's intensity, during the epochs it is on.
    receptors
        Receptor class (``"nmda"``, ``"ampa"``, ``"gaba_a"``) -> the ``(population,
        receptor)`` channels of the network that :class:`ScaleReceptor` scales.

    Examples
    --------
    Eight LIF cells driven by a Poisson input that the protocol's ``tone`` switches on,
    at the tone's intensity times the input's rate; three 50-ms epochs, two subjects:

    >>> import numpy as np
    >>> from engramlab.circuits import Circuit, run_protocol
    >>> from engramlab.network import Network, Population, PoissonInput
    >>> from engramlab.neurons import LIF
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> from engramlab.synapses import AMPA
    >>> net = Network([Population("E", 8, LIF(), receptors={"exc": AMPA()})],
    ...               inputs=[PoissonInput("tone_in", "E", "exc", n_inputs=100, rate_hz=10.0,
    ...                                    weight=1.0)])
    >>> region = SpikingRegion("cortex", net, (("cells", "E", np.arange(8)),),
    ...                        stimuli=(("tone", "tone_in"),))
    >>> dict(region.groups), region.stimuli
    ({'cells': 8}, (('tone', 'tone_in'),))
    >>> p = Protocol.of(session("s", trial("t", epoch("silence", 50.0), epoch("tone", 50.0, tone=1),
    ...                                    epoch("half", 50.0, tone=0.5))))
    >>> ds = run_protocol(Circuit((region,), settle=1), p, record={"rate": "cortex.cells"},
    ...                   seed=0, n_subjects=2)
    >>> silence, tone, half = ds.rate.values[0].mean(axis=0)  # mean rate (Hz) per epoch
    >>> float(silence), bool(tone > half > 0)
    (0.0, True)
    """

    name: str
    network: Network
    cells: tuple[tuple[str, str, Array], ...]
    stimuli: tuple[tuple[str, str], ...] = ()
    contexts: tuple[tuple[str, str], ...] = ()
    gate: str | None = None
    reinforcer: str | None = None
    labile: tuple[str, ...] = ()
    labile_tau_ms: float = math.inf
    dt_ms: float = 0.1
    silence_g_ns: float = 2000.0
    currents: tuple[tuple[str, CurrentStep], ...] = ()
    receptors: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    _sims: dict[int, list[Any]] = dataclasses.field(default_factory=dict, repr=False,
                                                     compare=False)

    def __post_init__(self) -> None:
        f = self.name or "spiking"
        if not isinstance(self.name, str) or not self.name or "." in self.name:
            raise ParameterError("region.name", "must be a non-empty name without '.'",
                                 self.name)
        if not isinstance(self.network, Network):
            raise ParameterError(f"{f}.network", "must be a Network", self.network)
        groups = []
        seen = set()
        for g in tuple(self.cells):
            if not (isinstance(g, tuple) and len(g) == 3):
                raise ParameterError(f"{f}.cells", "must hold (group, population, "
                                     "indices) triples", g)
            group, pop, idx = g
            if not isinstance(group, str) or not group or "." in group or group in seen:
                raise ParameterError(f"{f}.cells", "group names must be distinct, "
                                     "non-empty, without '.'", group)
            seen.add(group)
            p = self.network.population(pop)
            if p.is_source:
                raise ParameterError(f"{f}.cells[{group}]", "must name a neuron population",
                                     pop)
            idx = np.asarray(idx, np.int64).ravel()
            if not idx.size or idx.min() < 0 or idx.max() >= p.n:
                raise ParameterError(f"{f}.cells[{group}]", f"indices must be non-empty "
                                     f"and lie in [0, {p.n})", group)
            idx.setflags(write=False)
            groups.append((group, pop, idx))
        if not groups:
            raise ParameterError(f"{f}.cells", "must name at least one cell group")
        object.__setattr__(self, "cells", tuple(groups))
        known = {p.name for p in self.network.populations
                 if isinstance(p.model, PoissonSource)} | {i.name for i in
                                                           self.network.inputs}
        for field in ("stimuli", "contexts"):
            pairs = _name_pairs(f"{f}.{field}", getattr(self, field))
            for _, inp in pairs:
                if inp not in known:
                    raise ParameterError(f"{f}.{field}", f"names no Poisson input or "
                                         f"source of the network ({sorted(known)})", inp)
            object.__setattr__(self, field, pairs)
        labile = tuple(self.labile)
        for pr in labile:
            proj = self.network.projection(pr)
            if proj.plasticity is None:
                raise ParameterError(f"{f}.labile", "names a projection without "
                                     "plasticity", pr)
        object.__setattr__(self, "labile", labile)
        if not (isinstance(self.labile_tau_ms, (int, float)) and self.labile_tau_ms > 0):
            raise ParameterError(f"{f}.labile_tau_ms", "must be > 0 (ms; inf: no decay)",
                                 self.labile_tau_ms)
        if not (isinstance(self.dt_ms, (int, float)) and self.dt_ms > 0):
            raise ParameterError(f"{f}.dt_ms", "must be > 0 (ms)", self.dt_ms)
        if not (isinstance(self.silence_g_ns, (int, float)) and self.silence_g_ns > 0):
            raise ParameterError(f"{f}.silence_g_ns", "must be > 0 (nS)", self.silence_g_ns)
        object.__setattr__(self, "currents", self._check_currents(f))
        object.__setattr__(self, "receptors", self._check_receptors(f))

    def _check_currents(self, f: str) -> tuple[tuple[str, CurrentStep], ...]:
        items = (tuple(self.currents.items()) if isinstance(self.currents, Mapping)
                 else tuple(self.currents))
        for pair in items:
            if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)
                    and pair[0] and isinstance(pair[1], CurrentStep)):
                raise ParameterError(f"{f}.currents", "must map stimulus names to "
                                     "CurrentStep templates", pair)
            pop = self.network.population(pair[1].population)
            if pop.is_source:
                raise ParameterError(f"{f}.currents[{pair[0]}]", "must inject into a neuron "
                                     "population", pop.name)
            neurons = pair[1].neurons
            if neurons is not None:
                idx = np.asarray(neurons, np.int64)
                if idx.size and (idx.min() < 0 or idx.max() >= pop.n):
                    raise ParameterError(f"{f}.currents[{pair[0]}]", f"neurons must lie in "
                                         f"[0, {pop.n})", pop.name)
            elif np.ndim(pair[1].amplitude_pa) == 1 and np.size(pair[1].amplitude_pa) != pop.n:
                raise ParameterError(f"{f}.currents[{pair[0]}]", f"a profile over the whole "
                                     f"population needs {pop.n} values", pop.name)
        return items

    def _check_receptors(self, f: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
        items = (tuple(self.receptors.items()) if isinstance(self.receptors, Mapping)
                 else tuple(self.receptors))
        out = []
        for item in items:
            if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
                    and item[0]):
                raise ParameterError(f"{f}.receptors", "must map receptor classes to "
                                     "(population, receptor) channels", item)
            chans = _name_pairs(f"{f}.receptors[{item[0]}]", item[1])
            for pop, rec in chans:
                if rec not in self.network.population(pop).receptors:
                    raise ParameterError(f"{f}.receptors[{item[0]}]", f"population {pop} "
                                         f"has no receptor {rec!r}", rec)
            out.append((item[0], chans))
        return tuple(out)

    # -- cells ----------------------------------------------------------------------------

    @property
    def groups(self) -> Mapping[str, int]:
        """Cell group -> number of cells."""
        return {g: idx.size for g, _, idx in self.cells}

    @property
    def n(self) -> int:
        """Cells of the region (all groups)."""
        return sum(idx.size for _, _, idx in self.cells)

    def _slices(self) -> dict[str, slice]:
        out, a = {}, 0
        for g, _, idx in self.cells:
            out[g] = slice(a, a + idx.size)
            a += idx.size
        return out

    def mask(self, state: Any, cells: str | None) -> Array:
        """Boolean ``(subjects, cells)`` of a group, a tagged set, or every cell."""
        return cell_mask(self, len(state["seeds"]), state["tags"], cells)

    def cell_set(self, state: Any, name: str) -> Array:
        """Boolean mask ``(subjects, cells)`` of a group or a tagged set."""
        return self.mask(state, name)

    # -- networks -------------------------------------------------------------------------

    def _sim(self, seed: int) -> list[Any]:
        """``[simulator, the snapshot it holds now, its naive state]`` of a subject."""
        entry = self._sims.get(seed)
        if entry is None:
            sim = Simulator(self.network, dt_ms=self.dt_ms, seed=seed)
            naive = sim.snapshot()
            entry = self._sims[seed] = [sim, naive, naive]
        return entry

    def _labile_index(self, sim: Simulator) -> Array:
        if not self.labile:
            return np.zeros(0, np.int64)
        return np.concatenate([np.arange(sim.built.syn[p][2].start, sim.built.syn[p][2].stop)
                               for p in self.labile])

    def init(self, n_subjects: int, rng: np.random.Generator) -> Any:
        """Naive subjects: one freshly built network each (see :meth:`Region.init`)."""
        seeds = [int(s) for s in rng.integers(0, 2**63 - 1, size=n_subjects)]
        snaps, refs = [], []
        for s in seeds:
            sim, _, naive = self._sim(s)
            snaps.append(naive)
            refs.append(naive.arrays["w"][self._labile_index(sim)].copy())
        return {"seeds": tuple(seeds), "snaps": tuple(snaps), "refs": tuple(refs),
                "removed": False, "tags": {}, "clock_ms": 0.0, "engine_ms": 0.0}

    # -- time between epochs --------------------------------------------------------------

    def elapse(self, state: Any, duration_ms: float) -> Any:
        """Carry the clock; labile weights decay over the time not simulated."""
        if duration_ms <= 0:
            return state
        clock = state["clock_ms"] + duration_ms
        gap = clock - max(state["clock_ms"], state["engine_ms"])
        new = {**state, "clock_ms": clock}
        if state["removed"] or gap <= 0 or math.isinf(self.labile_tau_ms) or not self.labile:
            return new
        k = math.exp(-gap / self.labile_tau_ms)
        snaps = []
        for seed, snap, ref in zip(state["seeds"], state["snaps"], state["refs"],
                                   strict=True):
            idx = self._labile_index(self._sim(seed)[0])
            w = snap.arrays["w"].copy()
            w[idx] = ref + (w[idx] - ref) * k
            snaps.append(Snapshot(snap.step, {**snap.arrays, "w": w}, snap.plastic_state))
        return {**new, "snaps": tuple(snaps)}

    # -- one epoch ------------------------------------------------------------------------

    def _inputs(self, ctx: StepContext) -> dict[str, float]:
        span = ctx.span
        out = {}
        for stim, inp in self.stimuli:
            out[inp] = 0.0 if ctx.sleeping else float(span.intensity(stim))
        for c, inp in self.contexts:
            on = not ctx.sleeping and span.context == c
            out[inp] = max(out.get(inp, 0.0), 1.0) if on else out.get(inp, 0.0)
        return out

    def _stimuli(self, state: Any, b: int, ctx: StepContext, t0_ms: float,
                 t1_ms: float) -> tuple[Any, ...]:
        """The network stimuli of this epoch on subject ``b``.

        The mapped currents, and the conductances and receptor scalings of its effects.
        """
        out: list[Any] = []
        if not ctx.sleeping:
            for stim, tmpl in self.currents:
                k = float(ctx.span.intensity(stim))
                if k > 0:
                    amp = np.asarray(tmpl.amplitude_pa, float)
                    scaled = amp * k if amp.ndim else float(amp) * k
                    out.append(dataclasses.replace(tmpl, amplitude_pa=scaled,
                                                   start_ms=t0_ms, stop_ms=t1_ms))
        chans = dict(self.receptors)
        for e in ctx.effects:
            if isinstance(e, ScaleReceptor):
                if e.factor != 1:
                    out += [ReceptorScale(pop, rec, e.factor, t0_ms, t1_ms)
                            for pop, rec in chans[e.receptor]]
                continue
            if not isinstance(e, (Gain, Drive)):
                continue
            m = self.mask(state, e.cells)[b]
            a = 0
            for _, pop, idx in self.cells:
                sel = idx[m[a:a + idx.size]]
                a += idx.size
                if not sel.size:
                    continue
                model = self.network.population(pop).model
                if isinstance(e, Gain):
                    if e.factor > 1:
                        raise ParameterError(f"{self.name}.gain.factor", "must be <= 1 on "
                                             "a spiking region (silencing)", e.factor)
                    if e.factor == 1:
                        continue
                    if not isinstance(model, (LIF, AdEx)):
                        raise ParameterError(f"{self.name}.gain", "needs LIF or AdEx cells",
                                             pop)
                    g = (self.silence_g_ns if e.factor == 0 else
                         min(self.silence_g_ns, model.g_l_ns * (1.0 / e.factor - 1.0)))
                    out.append(ConductanceStep(pop, g, model.e_l_mv, t0_ms, t1_ms, sel))
                else:
                    if e.amount < 0:
                        raise ParameterError(f"{self.name}.drive.amount", "must be >= 0 (a "
                                             "conductance in nS) on a spiking region",
                                             e.amount)
                    if e.amount > 0:
                        out.append(ConductanceStep(pop, e.amount, E_DRIVE_MV, t0_ms, t1_ms,
                                                   sel))
        return tuple(out)

    def step(self, state: Any, inputs: Mapping[str, Array],
             ctx: StepContext) -> tuple[Any, Array]:
        """Simulate the epoch on every subject's network (module docstring)."""
        span = ctx.span
        n_b = len(state["seeds"])
        act = np.zeros((n_b, self.n))
        state = {**state, "clock_ms": span.start_ms}
        if state["removed"]:
            return state, act
        dt = self.dt_ms
        t0 = round(span.start_ms / dt)
        n_steps = round(span.duration_ms / dt)
        if n_steps < 1 or abs(n_steps * dt - span.duration_ms) > 1e-6 * max(
                dt, span.duration_ms):
            raise ParameterError(f"epoch[{span.epoch}].duration_ms", f"must be a whole "
                                 f"number of time steps of {self.name} (dt = {dt} ms)",
                                 span.duration_ms)
        learn = ctx.learning("nmda")
        if ctx.sleeping or (self.gate is not None and span.intensity(self.gate) <= 0):
            learn = 0.0
        reinforced = self.reinforcer is None or span.intensity(self.reinforcer) > 0
        consolidate = ctx.learning("protein_synthesis") if reinforced else 0.0
        phase = Phase(span.epoch, n_steps * dt, plasticity=learn > 0, inputs=self._inputs(ctx))
        pops = [p for p in dict.fromkeys(pop for _, pop, _ in self.cells)]
        record = [Spikes(p) for p in pops]
        snaps, refs = [], []
        t_start = t0
        for b, (seed, snap, ref) in enumerate(zip(state["seeds"], state["snaps"],
                                                  state["refs"], strict=True)):
            entry = self._sim(seed)
            sim = entry[0]
            if entry[1] is not snap:
                sim.restore(snap)
            st = sim.built.state
            if t0 > int(st["t"][0]):  # a gap: what was in flight has decayed
                st["t"][0] = t0
                st["buf"][...] = 0.0
                st["g"][...] = 0.0
                st["h"][...] = 0.0
                for k in ("gate_s", "gate_x", "gate_pend"):
                    st[k][...] = 0.0
                np.minimum(st["refr"], 0, out=st["refr"])
            t_start = int(st["t"][0])
            net = sim.built.net
            keys = make_rng(ctx.seed, b).integers(0, 2**63, size=net.pops.key.size
                                                  + net.drive.key.size, dtype=np.uint64)
            net.pops.key[...] = keys[:net.pops.key.size]
            net.drive.key[...] = keys[net.pops.key.size:]
            stim = self._stimuli(state, b, ctx, t_start * dt, (t_start + n_steps) * dt)
            sim.network = (self.network.replace(stimuli=tuple(self.network.stimuli) + stim)
                           if stim else self.network)
            sd = net.stdp
            rows = sd.soft >= E.RULE_CUE
            a2p, a2m = sd.a2p[rows].copy(), sd.a2m[rows].copy()
            if 0 < learn < 1:
                sd.a2p[rows] *= learn
                sd.a2m[rows] *= learn
            try:
                ds = sim.run(phases=[phase], record=record)
            finally:
                sd.a2p[rows], sd.a2m[rows] = a2p, a2m
                sim.network = self.network
            counts = {p: np.bincount(ds[f"{p}_spike_neuron"].values,
                                     minlength=self.network.population(p).n) for p in pops}
            a = 0
            for _, pop, idx in self.cells:
                act[b, a:a + idx.size] = counts[pop][idx] / (n_steps * dt * 1e-3)
                a += idx.size
            new = sim.snapshot()
            entry[1] = new
            if consolidate > 0 and self.labile:
                w = new.arrays["w"][self._labile_index(sim)]
                ref = ref + consolidate * (w - ref)
            snaps.append(new)
            refs.append(ref)
        state = {**state, "snaps": tuple(snaps), "refs": tuple(refs),
                 "engine_ms": (t_start + n_steps) * dt}
        return _tag(self, state, act, ctx), act


def _tag(region: SpikingRegion, state: Any, act: Array, ctx: StepContext) -> Any:
    tags = None
    for e in ctx.effects:
        if isinstance(e, Tag):
            tags = dict(state["tags"]) if tags is None else tags
            active = (act > e.threshold) & region.mask(state, e.cells)
            tags[e.name] = tags.get(e.name, np.zeros_like(active)) | active
    return state if tags is None else {**state, "tags": tags}


def _remove(region: SpikingRegion, effect: Effect, state: Any) -> Any:
    return {**state, "removed": True}


register_effect(SpikingRegion, Remove, instant=_remove)
def _check_gain(region: SpikingRegion, effect: Gain) -> None:
    if effect.factor > 1:
        raise ParameterError(f"{region.name}.gain.factor", "must be <= 1 on a spiking region "
                             "(a shunting conductance silences; drive cells with Drive)",
                             effect.factor)


def _check_drive(region: SpikingRegion, effect: Drive) -> None:
    if effect.amount < 0:
        raise ParameterError(f"{region.name}.drive.amount", "must be >= 0 (a conductance in "
                             "nS) on a spiking region", effect.amount)


register_effect(SpikingRegion, Gain, during=True, check=_check_gain)
register_effect(SpikingRegion, Drive, during=True, check=_check_drive)
register_effect(SpikingRegion, Tag, during=True)


def _check_receptor(region: SpikingRegion, effect: ScaleReceptor) -> None:
    if effect.receptor not in dict(region.receptors):
        raise ParameterError(f"{region.name}.scale_receptor.receptor", f"must be a receptor "
                             f"class the region maps ({sorted(dict(region.receptors))})",
                             effect.receptor)


register_effect(SpikingRegion, ScaleReceptor, during=True, check=_check_receptor)


def amygdala_region(params: AmygdalaParams | None = None, *, name: str = "amygdala",
                    extinction_tau_ms: float = math.inf, plastic: bool = True,
                    dt_ms: float = 0.1) -> SpikingRegion:
    r"""The basal amygdala of Vlachos et al. (2011) as a spiking region.

    :func:`~engramlab.network.amygdala_network` with the groups ``fear`` (population A:
    the cells context A reaches), ``extinction`` (B: context B, the infralimbic input),
    ``other`` (the rest of E) and ``inhibitory`` (I); stimuli ``cs`` -> the CS trains
    and ``us`` -> the US input (off unless ``us_rate_hz > 0``: the replication merges
    the US into the CS); contexts ``"A"`` -> ``context_a``, ``"B"`` -> ``context_b``;
    plasticity gated by the CS (:math:`m = 1` during each CS pulse), learning
    consolidated in epochs with the US, the CS and context weights labile with time
    constant ``extinction_tau_ms`` otherwise (inf: the model as published).

    Examples
    --------
    A small basal amygdala (60 E, 12 I cells), three CS-US pairings in context A and a
    CS test the next day: the fear cells' response to the CS is learned, unless AP5
    blocked the plasticity during conditioning.

    >>> from engramlab.circuits import Circuit, run_protocol
    >>> from engramlab.interventions import ap5
    >>> from engramlab.network import AmygdalaParams
    >>> from engramlab.protocol import Protocol, epoch, repeat, session, trial
    >>> region = amygdala_region(AmygdalaParams(n_e=60, n_i=12, p_ee=0.3, p_ei=1.0, p_ie=1.0,
    ...                                         p_ii=1.0))
    >>> dict(region.groups)
    {'fear': 12, 'extinction': 12, 'other': 36, 'inhibitory': 12}
    >>> region.stimuli, region.contexts, region.gate, region.reinforcer
    ((('cs', 'cs'), ('us', 'us')), (('A', 'context_a'), ('B', 'context_b')), 'cs', 'us')
    >>> def cs(name, **us):
    ...     return trial(name, epoch("cs", 50.0, cs=1.0, **us), epoch("iti", 50.0))
    >>> p = Protocol.of(session("conditioning", repeat(cs("pairing", us=1.0), 3), context="A"),
    ...                 session("test", cs("test"), context="A", day=1))
    >>> ds = run_protocol(Circuit((region,), settle=1), p, record={"fear": "amygdala.fear"},
    ...                   groups={"control": [], "AP5": [ap5(region="amygdala",
    ...                                                      window="conditioning")]},
    ...                   seed=0, n_subjects=2)
    >>> test = ds.fear.sel(event="test/0/0:cs").mean("subject")  # Hz
    >>> bool(test.sel(group="control") > test.sel(group="AP5"))
    True
    """
    p = AmygdalaParams() if params is None else params
    net = amygdala_network(p, plastic=plastic, dt_ms=dt_ms)
    cells = amygdala_cells(p)
    fear, ext = cells["fear"], cells["extinction"]
    other = np.setdiff1d(np.arange(p.n_e), np.concatenate([fear, ext]))
    groups: list[tuple[str, str, Array]] = [("fear", "E", fear), ("extinction", "E", ext)]
    if other.size:
        groups.append(("other", "E", other))
    groups.append(("inhibitory", "I", np.arange(p.n_i)))
    labile = ("cs_E", "context_a_E", "context_b_E") if plastic else ()
    return SpikingRegion(name, net, tuple(groups), stimuli=(("cs", "cs"), ("us", "us")),
                         contexts=(("A", "context_a"), ("B", "context_b")), gate="cs",
                         reinforcer="us", labile=labile, labile_tau_ms=extinction_tau_ms,
                         dt_ms=dt_ms)
