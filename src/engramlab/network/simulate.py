r"""Build a :class:`~engramlab.network.Network` into arrays and run it.

>>> from engramlab.network import simulate, Spikes
>>> from engramlab.network.library import cuba_network
>>> ds = simulate(cuba_network(), 100.0, record=[Spikes("E")], seed=1)  # doctest: +SKIP

:func:`simulate` is the one-call form; a :class:`Simulator` keeps the state between
calls of :meth:`Simulator.run` (time continues), and :meth:`Simulator.snapshot` /
:meth:`Simulator.restore` save and restore all of it (membranes, channels, the delay
buffer, weights, short-term and long-term plasticity state; randomness is
counter-based, so the step counter is the whole random state).

The time step is checked against the fastest time constant of the network: ``dt``
must be at most half of it (the exponential integrators are exact for the linear
parts at any ``dt``, but spikes are resolved only to ``dt`` and the nonlinear parts
are frozen over a step). Delays and refractory periods are whole numbers of steps.
The network is laid out by :func:`build` (:mod:`engramlab.network._build`) and run by
the compiled loop (:mod:`engramlab.network._engine`); :func:`compile_loop` compiles
that loop ahead of the first run.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from engramlab.core import ParameterError, SimulationError
from engramlab.core.version import __version__
from engramlab.network import _engine as E
from engramlab.network._build import Built, build
from engramlab.network._build import steps as _steps
from engramlab.network.connectivity import Dense
from engramlab.network.model import (
    ConductanceStep,
    CurrentStep,
    Network,
    Phase,
    PoissonSource,
    Population,
    ReceptorScale,
)
from engramlab.network.plasticity import PlasticityContext
from engramlab.network.record import (
    FileSink,
    MemorySink,
    Rates,
    Recorder,
    Spikes,
    State,
    STPState,
    Weights,
    index_list,
)
from engramlab.neurons import LIF, AdEx, HodgkinHuxley

__all__ = ["Built", "Simulator", "Snapshot", "build", "compile_loop", "simulate"]

log = logging.getLogger("engramlab.network")

#: Steps per call of the compiled loop when nothing forces a boundary (1 s at 0.1 ms).
MAX_CHUNK = 10_000
_HH_VARS = {"v": E.REC_V, "m": E.REC_A1, "h": E.REC_A2, "n": E.REC_A3}
#: What the plasticity state variables are (error messages).
_STATE_NAMES = {"stp_u": "short-term plasticity", "stp_x": "short-term plasticity",
                "r1": "presynaptic STDP trace", "r2": "presynaptic STDP trace",
                "o1": "postsynaptic STDP trace", "o2": "postsynaptic STDP trace",
                "c": "cue trace of the coincidence rule",
                "h": "context trace of the coincidence rule"}
_ADEX_VARS = {"v": E.REC_V, "w": E.REC_A1}


def _no_synapse_list(network: Network, projection: str) -> str:
    """Why ``projection`` has no synapse list: unknown, or dense (delivered by gates)."""
    for pr in network.projections:
        if pr.name == projection and isinstance(pr.connect, Dense):
            return (f"is dense ({type(pr.connect).__name__}: delivered by presynaptic "
                    "gates, with no synapse list); its weights are its weight times its "
                    "connectivity's profile")
    return "unknown projection"


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """The whole mutable state of a :class:`Simulator` at one step (deep copies).

    Examples
    --------
    >>> from engramlab.network import Network, PoissonInput, Population, Spikes
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import delta
    >>> pop = Population("E", 20, LIF(), {"exc": delta()})
    >>> net = Network([pop], inputs=[PoissonInput("bkg", "E", "exc", 200, 10.0, 0.4)])
    >>> sim = Simulator(net, seed=7)
    >>> _ = sim.run(20.0)
    >>> snap = sim.snapshot()
    >>> a = sim.run(30.0, record=[Spikes("E")])
    >>> sim.restore(snap)  # back to 20 ms: the same 30 ms follow
    >>> b = sim.run(30.0, record=[Spikes("E")])
    >>> snap.step, a.attrs["n_spikes"], bool((a["E_spike_time"] == b["E_spike_time"]).all())
    (200, 26, True)
    """

    step: int
    arrays: dict[str, np.ndarray]
    plastic_state: dict[str, Any]


class _Collectors:
    """Turns kernel outputs into recorder variables on a sink."""

    def __init__(self, sim: Simulator, record: Sequence[Recorder], sink: MemorySink) -> None:
        self.sim, self.sink = sim, sink
        b = sim.built
        dt = b.dt
        self.spikes: list[tuple[int, np.ndarray, int, str]] = []
        self.rates: list[list[Any]] = []  # pi, bin steps, count, steps filled, names, n
        self.states: list[tuple[list[int], int, str, str]] = []
        self.weights: list[tuple[np.ndarray, int, str, str]] = []
        self.stp: list[tuple[int, np.ndarray, int, str, str]] = []
        names = set()

        def claim(name: str) -> str:
            if name in names:
                raise ParameterError("record", "two recorders write the same variable", name)
            names.add(name)
            return name

        rec_units: list[int] = []
        rec_vars: list[int] = []
        everies: list[int] = []
        for r in record:
            if isinstance(r, Spikes):
                pi = sim._pop(r.population, "record")
                pop = b.network.populations[pi]
                keep = np.zeros(pop.n, bool)
                keep[index_list(f"Spikes({r.population}).neurons", r.neurons, pop.n)] = True
                name = claim(f"{r.population}_spike_time")
                claim(f"{r.population}_spike_neuron")
                dim = f"{r.population}_spike"
                sink.declare(name, (dim,), np.float64,
                             {"units": "ms", "long_name": f"spike times of {r.population}"})
                sink.declare(f"{r.population}_spike_neuron", (dim,), np.int32,
                             {"units": "1", "long_name": "neuron index in the population"})
                self.spikes.append((pi, keep, int(b.net.pops.start[pi]), r.population))
            elif isinstance(r, Rates):
                pi = sim._pop(r.population, "record")
                nb = _steps(f"Rates({r.population}).bin_ms", r.bin_ms, dt, 1)
                name = claim(f"{r.population}_rate")
                dim = f"{r.population}_rate_time"
                sink.declare(dim, (dim,), np.float64, {"units": "ms",
                                                       "long_name": "start of the bin"})
                sink.declare(name, (dim,), np.float64,
                             {"units": "Hz", "long_name": f"population rate of {r.population}",
                              "bin_ms": r.bin_ms})
                self.rates.append([pi, nb, 0, 0, name, dim,
                                   b.network.populations[pi].n])
            elif isinstance(r, State):
                pi = sim._pop(r.population, "record")
                pop = b.network.populations[pi]
                every = (1 if r.every_ms is None else
                         _steps(f"State({r.population}).every_ms", r.every_ms, dt, 1))
                idx = index_list(f"State({r.population}).neurons", r.neurons, pop.n)
                if idx.size == 0:
                    raise ParameterError(f"State({r.population}).neurons",
                                         "needs at least one neuron")
                code, unit, units = self._variable(pop, r.variable, idx, b)
                name = claim(f"{r.population}_{r.variable}")
                tdim, ndim = f"{name}_time", f"{name}_neuron"
                sink.fixed_variable(ndim, (ndim,), idx.astype(np.int64),
                                    {"units": "1", "long_name": "neuron index"})
                sink.declare(tdim, (tdim,), np.float64, {"units": "ms"})
                sink.declare(name, (tdim, ndim), np.float64,
                             {"units": unit, "long_name": f"{r.variable} of {r.population}"})
                cols = list(range(len(rec_units), len(rec_units) + idx.size))
                rec_units.extend(units)
                rec_vars.extend([code] * idx.size)
                everies.append(every)
                self.states.append((cols, every, name, tdim))
            elif isinstance(r, Weights):
                if r.projection not in b.syn:
                    raise ParameterError("record", _no_synapse_list(b.network, r.projection),
                                         r.projection)
                pre, post, sl = b.syn[r.projection]
                n = sl.stop - sl.start
                idx = index_list(f"Weights({r.projection}).synapses", r.synapses, n)
                every = _steps(f"Weights({r.projection}).every_ms", r.every_ms, dt, 1)
                name = claim(f"{r.projection}_weight")
                tdim, sdim = f"{name}_time", f"{r.projection}_synapse"
                sink.fixed_variable(sdim, (sdim,), idx, {"units": "1"})
                sink.fixed_variable(f"{r.projection}_pre", (sdim,), pre[idx], {"units": "1"})
                sink.fixed_variable(f"{r.projection}_post", (sdim,), post[idx], {"units": "1"})
                sink.declare(tdim, (tdim,), np.float64, {"units": "ms"})
                sink.declare(name, (tdim, sdim), np.float64, {"long_name": "synaptic weight"})
                self.weights.append((sl.start + idx, every, name, tdim))
            elif isinstance(r, STPState):
                if r.projection not in b.proj_index:
                    raise ParameterError("record", "unknown (sparse) projection",
                                         r.projection)
                k = b.proj_index[r.projection]
                if b.net.proj.stp0[k] < 0:
                    raise ParameterError(f"STPState({r.projection})", "the projection has "
                                         "no short-term plasticity")
                pr = b.network.projection(r.projection)
                n_pre = b.network.population(pr.pre).n
                idx = index_list(f"STPState({r.projection}).neurons", r.neurons, n_pre)
                every = _steps(f"STPState({r.projection}).every_ms", r.every_ms, dt, 1)
                name = claim(f"{r.projection}_u")
                claim(f"{r.projection}_x")
                tdim, ndim = f"{name}_time", f"{r.projection}_stp_neuron"
                sink.fixed_variable(ndim, (ndim,), idx.astype(np.int64),
                                    {"units": "1", "long_name": "presynaptic neuron"})
                sink.declare(tdim, (tdim,), np.float64, {"units": "ms"})
                sink.declare(name, (tdim, ndim), np.float64,
                             {"units": "1", "long_name": "STP utilisation u"})
                sink.declare(f"{r.projection}_x", (tdim, ndim), np.float64,
                             {"units": "1", "long_name": "STP resources x"})
                self.stp.append((k, idx, every, name, tdim))
            else:
                raise ParameterError("record", "must hold Spikes, Rates, State, Weights or "
                                     "STPState", type(r).__name__)
        #: populations whose spikes the loop writes out (the others are only counted)
        self.rec_pop = np.zeros(len(b.pop_index), np.int8)
        for pi, _keep, _s0, _name in self.spikes:
            self.rec_pop[pi] = 1
        self.rec_unit = np.asarray(rec_units, np.int64)
        self.rec_var = np.asarray(rec_vars, np.int64)
        self.rec_every = math.gcd(*everies) if everies else 1

    @staticmethod
    def _variable(pop, variable, idx, b):
        s0 = int(b.net.pops.start[b.pop_index[pop.name]])
        if variable in pop.receptors:
            c = b.channel_index[(pop.name, variable)]
            rec = pop.receptors[variable]
            if rec.kind == "delta":
                raise ParameterError("record.variable", "a delta receptor has no state",
                                     variable)
            unit = "nS" if rec.kind == "conductance" else "pA"
            return E.REC_CHANNEL + c, unit, list(int(b.net.chans.off[c]) + idx)
        table = ({"v": E.REC_V} if isinstance(pop.model, LIF) else _ADEX_VARS
                 if isinstance(pop.model, AdEx) else _HH_VARS
                 if isinstance(pop.model, HodgkinHuxley) else {})
        if variable not in table:
            raise ParameterError("record.variable", f"{pop.name} records one of "
                                 f"{sorted(table) + sorted(pop.receptors)}", variable)
        unit = {"v": "mV", "w": "pA"}.get(variable, "1")
        return table[variable], unit, list(s0 + idx)

    def chunk(self, t0: int, n: int, spk_t, spk_i, counts, rec_out, nrec) -> None:
        b = self.sim.built
        dt = b.dt
        for _pi, keep, s0, name in self.spikes:
            s1 = s0 + keep.size
            sel = (spk_i >= s0) & (spk_i < s1)
            loc = spk_i[sel] - s0
            ok = keep[loc]
            self.sink.append(f"{name}_spike_time", spk_t[sel][ok] * dt)
            self.sink.append(f"{name}_spike_neuron", loc[ok].astype(np.int32))
        for r in self.rates:
            pi, nb, acc, filled, name, dim, npop = r
            c = counts[:n, pi].astype(np.int64)
            pos = 0
            out_t, out_r = [], []
            # finish the open bin, then whole bins, keep the rest open
            while pos < n:
                take = min(nb - filled, n - pos)
                acc += int(c[pos:pos + take].sum())
                filled += take
                pos += take
                if filled == nb:
                    out_t.append((t0 + pos - nb) * dt)
                    out_r.append(acc / (npop * nb * dt * 1e-3))
                    acc, filled = 0, 0
            r[2], r[3] = acc, filled
            self.sink.append(dim, np.asarray(out_t, float))
            self.sink.append(name, np.asarray(out_r, float))
        if self.states and nrec:
            # sample k was taken after step s with (s + 1) % rec_every == 0
            first = (t0 // self.rec_every + 1) * self.rec_every  # (s+1) of the first sample
            times_steps = first + self.rec_every * np.arange(nrec)
            for cols, every, name, tdim in self.states:
                keep = times_steps % every == 0
                self.sink.append(tdim, times_steps[keep] * dt)
                self.sink.append(name, rec_out[:nrec][keep][:, cols])

    @property
    def periodic(self) -> list[int]:
        """The sampling intervals (steps) of the recorders sampled between chunks."""
        return [w[1] for w in self.weights] + [s[2] for s in self.stp]

    def write_weights(self, t: int) -> None:
        """Sample the weights and the STP state due at the start of step ``t``."""
        for idx, every, name, tdim in self.weights:
            if t % every == 0:
                self.sink.append(tdim, np.array([t * self.sim.built.dt]))
                self.sink.append(name, self.sim.built.state["w"][idx][None, :])
        for k, idx, every, name, tdim in self.stp:
            if t % every == 0:
                u, x = stp_now(self.sim.built, k, idx, t)
                self.sink.append(tdim, np.array([t * self.sim.built.dt]))
                self.sink.append(name, u[None, :])
                self.sink.append(name[:-2] + "_x", x[None, :])


def stp_now(b: Built, k: int, idx: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray]:
    """``u`` and ``x`` of presynaptic units ``idx`` of projection row ``k`` at step ``t``.

    At the start of the step: decayed (``u`` towards its baseline) and recovered since
    their last spike, as :func:`~._engine._release` would find them.
    """
    pj = b.net.proj
    s = int(pj.stp0[k]) + idx
    u, x, last = pj.stp_u[s], pj.stp_x[s], pj.stp_last[s]
    gap = np.where(last >= 0, (t - last) * b.dt, 0.0)
    x = 1.0 - (1.0 - x) * np.exp(-gap / pj.stp_rec[k])
    if pj.stp_fac[k] > 0:
        base = pj.stp_base[k]
        u = base + (u - base) * np.exp(-gap / pj.stp_fac[k])
    else:
        u = np.full(idx.size, pj.stp_U[k])
    return u, x


class Simulator:
    """A built network with its state; :meth:`run` advances it (time continues).

    Parameters
    ----------
    network
        The :class:`~engramlab.network.Network`.
    dt_ms
        Time step (ms); at most half the fastest time constant.
    seed
        Seed of everything random (connectivity, weights, delays, initial potentials,
        Poisson inputs and sources).
    backend
        ``"numpy"`` only: the network engine is a compiled CPU loop (Numba).

    Examples
    --------
    >>> from engramlab.network import (FixedProbability, Network, PoissonInput,
    ...                                Population, Projection, Spikes)
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import delta
    >>> pop = Population("E", 20, LIF(), {"exc": delta()})
    >>> net = Network([pop], [Projection("E", "E", "exc", FixedProbability(0.2), weight=0.5)],
    ...               inputs=[PoissonInput("bkg", "E", "exc", 200, 10.0, 0.4)])
    >>> sim = Simulator(net, dt_ms=0.1, seed=7)
    >>> first = sim.run(20.0, record=[Spikes("E")])
    >>> second = sim.run(30.0, record=[Spikes("E")])  # time continues
    >>> sim.t_ms, second.attrs["t_start_ms"], second.attrs["t_stop_ms"]
    (50.0, 20.0, 50.0)
    >>> pre, post = sim.synapses("E_E_exc")
    >>> pre.size, sim.weights("E_E_exc")[:3].tolist()  # weights in mV (delta receptor)
    (55, [0.5, 0.5, 0.5])
    """

    def __init__(self, network: Network, *, dt_ms: float = 0.1, seed: int = 0,
                 backend: str = "numpy") -> None:
        if backend != "numpy":
            raise ParameterError("backend", "the network engine runs on the CPU; use "
                                 "'numpy'", backend)
        self.built = build(network, dt_ms=dt_ms, seed=seed)
        self.network = network
        # weights change in the loop only under plasticity (see :meth:`snapshot`)
        self._plastic = any(pr.plasticity is not None for pr in network.projections)
        self._w_shared: np.ndarray | None = None

    # -- helpers --------------------------------------------------------------------
    def _pop(self, name: str, field: str) -> int:
        if name not in self.built.pop_index:
            raise ParameterError(field, f"unknown population (have "
                                 f"{sorted(self.built.pop_index)})", name)
        return self.built.pop_index[name]

    @property
    def step(self) -> int:
        """Steps simulated so far."""
        return int(self.built.state["t"][0])

    @property
    def t_ms(self) -> float:
        """Simulated time so far (ms)."""
        return self.step * self.built.dt

    def weights(self, projection: str) -> np.ndarray:
        """A copy of the current weights of ``projection`` (CSR order)."""
        if projection not in self.built.syn:
            raise ParameterError("projection", _no_synapse_list(self.network, projection),
                                 projection)
        return self.built.state["w"][self.built.syn[projection][2]].copy()

    def synapses(self, projection: str) -> tuple[np.ndarray, np.ndarray]:
        """``(pre, post)`` local indices of the synapses of ``projection``."""
        if projection not in self.built.syn:
            raise ParameterError("projection", _no_synapse_list(self.network, projection),
                                 projection)
        pre, post, _ = self.built.syn[projection]
        return pre.copy(), post.copy()

    # -- state ----------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """Copies of every mutable array (and plasticity state) at this step.

        The weights of a network without plasticity do not change in the loop:
        snapshots share one copy of them while they equal it (a comparison, not a
        copy of the largest array per snapshot); a snapshot's arrays are read-only by
        contract (:meth:`restore` copies them back).
        """
        arrays = {}
        for k, v in self.built.state.items():
            if k == "w" and not self._plastic:
                if self._w_shared is None or not np.array_equal(self._w_shared, v):
                    self._w_shared = v.copy()
                arrays[k] = self._w_shared
            else:
                arrays[k] = v.copy()
        return Snapshot(self.step, arrays, copy.deepcopy(self.built.plastic_state))

    def restore(self, snap: Snapshot) -> None:
        """Return to ``snap`` exactly (the continuation is identical)."""
        if not isinstance(snap, Snapshot) or set(snap.arrays) != set(self.built.state):
            raise ParameterError("snapshot", "is not a snapshot of this simulator")
        for k, v in snap.arrays.items():
            if v.shape != self.built.state[k].shape:
                raise ParameterError("snapshot", "is not a snapshot of this simulator")
            self.built.state[k][...] = v
        self.built.plastic_state = copy.deepcopy(snap.plastic_state)

    # -- stimuli ----------------------------------------------------------------------
    def _edges(self) -> list[int]:
        dt = self.built.dt
        out = set()
        for s in self.network.stimuli:
            for x in (s.start_ms, s.stop_ms):
                if math.isfinite(x):
                    out.add(round(x / dt))
        return sorted(out)

    def _apply_stimuli(self, t: int, input_scale: dict[str, float]) -> None:
        b = self.built
        net = b.net
        now = (t + 0.5) * b.dt
        net.units.ibias[...] = b.base_bias
        net.units.gs[...] = 0.0
        net.units.gse[...] = 0.0
        net.chans.scale[...] = 1.0
        net.pops.cond[...] = b.base_cond
        for s in self.network.stimuli:
            if not (s.start_ms <= now < s.stop_ms):
                continue
            pi = b.pop_index[s.population]
            if isinstance(s, ReceptorScale):
                net.chans.scale[b.channel_index[(s.population, s.receptor)]] *= s.factor
                continue
            s0, s1 = net.pops.start[pi], net.pops.stop[pi]
            sel = np.arange(s0, s1) if s.neurons is None else s0 + np.asarray(s.neurons, int)
            if isinstance(s, CurrentStep):
                net.units.ibias[sel] += s.amplitude_pa
            elif isinstance(s, ConductanceStep):
                net.units.gs[sel] += s.g_ns
                net.units.gse[sel] += s.g_ns * s.e_rev_mv
                net.pops.cond[pi] = 1
        for pi, p in enumerate(self.network.populations):
            if isinstance(p.model, PoissonSource):
                net.pops.prob[pi] = b.base_prob[pi] * input_scale.get(p.name, 1.0)
        for q, name in enumerate(b.input_names):
            net.drive.lam[q] = b.base_lam[q] * input_scale.get(name, 1.0)

    # -- running --------------------------------------------------------------------
    def run(self, duration_ms: float | None = None, *, record: Sequence[Recorder] = (),
            phases: Sequence[Phase] | None = None, stream_to=None,
            progress: Callable[[int, int], None] | None = None):
        """Advance by ``duration_ms`` (or through ``phases``); return the records.

        Returns an ``xarray.Dataset`` with one set of variables per recorder (see
        :mod:`engramlab.network.record`), the phase table, and attributes ``dt_ms``,
        ``seed``, ``t_start_ms``, ``t_stop_ms``, ``n_spikes``, ``engine``.
        """
        if phases is None:
            if duration_ms is None:
                raise ParameterError("duration_ms", "is required when no phases are given")
            phases = [Phase("run", float(duration_ms))]
        elif duration_ms is not None:
            raise ParameterError("duration_ms", "give either duration_ms or phases, not both")
        phases = list(phases)
        if not phases or not all(isinstance(p, Phase) for p in phases):
            raise ParameterError("phases", "must be a non-empty list of Phase")
        known = {p.name for p in self.network.populations if isinstance(p.model, PoissonSource)}
        known |= {i.name for i in self.network.inputs}
        for ph in phases:
            for key in ph.inputs:
                if key not in known:
                    raise ParameterError(f"phase {ph.name!r}.inputs", "names no Poisson input "
                                         f"or Poisson source (have {sorted(known)})", key)
        b = self.built
        dt = b.dt
        steps = [_steps(f"phase {ph.name!r}.duration_ms", ph.duration_ms, dt, 1)
                 for ph in phases]
        sink = FileSink(stream_to) if stream_to is not None else MemorySink()
        try:
            col = _Collectors(self, record, sink)
            t_start = self.step
            total = sum(steps)
            wall = time.perf_counter()
            n_spikes = self._run_phases(phases, steps, col, total, progress)
            wall = time.perf_counter() - wall
            names = [ph.name for ph in phases]
            starts = t_start + np.concatenate([[0], np.cumsum(steps)[:-1]])
            # not a coordinate: an index would make xarray probe for dask (0.2 s)
            sink.fixed_variable("phase_name", ("phase",), np.asarray(names, dtype=str), {})
            sink.fixed_variable("phase_start_ms", ("phase",), starts * dt, {"units": "ms"})
            sink.fixed_variable("phase_stop_ms", ("phase",), (starts + steps) * dt,
                                {"units": "ms"})
            sink.fixed_variable("phase_plasticity", ("phase",),
                                np.asarray([ph.plasticity for ph in phases], np.int8),
                                {"units": "1"})
            attrs = {"dt_ms": dt, "seed": b.seed, "t_start_ms": t_start * dt,
                     "t_stop_ms": self.step * dt, "n_spikes": int(n_spikes),
                     "engine": E.engine_name(),
                     "engramlab_version": __version__, "sim_wall_s": wall}
            for _pi, p in enumerate(self.network.populations):
                attrs[f"n_{p.name}"] = p.n
            return sink.dataset(attrs)
        except BaseException:
            if isinstance(sink, FileSink):
                sink.close()  # what was recorded so far stays readable on disk
            raise

    def _run_phases(self, phases, steps, col, total, progress) -> int:
        b = self.built
        dt = b.dt
        edges = self._edges()
        cap = max(4 * b.n_units, 1 << 16)
        plastic = [(name, self.network.projection(name)) for name in b.plastic_state]
        # the loop writes out the spikes of recorded populations only, and of every
        # population where a Python plasticity hook reads who spiked
        rec_pop = np.ones_like(col.rec_pop) if plastic else col.rec_pop
        out = E.Out(spk_t=np.zeros(cap, np.int64), spk_i=np.zeros(cap, np.int32),
                    counts=np.zeros((MAX_CHUNK, len(b.pop_index)), np.int32),
                    rec_unit=col.rec_unit, rec_var=col.rec_var, rec_every=col.rec_every,
                    rec_out=np.zeros((MAX_CHUNK // col.rec_every + 2,
                                      max(1, col.rec_unit.size))),
                    status=np.zeros(E.N_STATUS, np.int64), rec_pop=rec_pop)
        n_spikes = 0
        done_total = 0
        mode = b.net.stdp.mode
        compiled_rules = mode > E.PL_NONE
        for ph, n_ph in zip(phases, steps, strict=True):
            t0 = self.step
            log.info("phase %r: %.1f-%.1f ms, plasticity %s, inputs %s", ph.name, t0 * dt,
                     (t0 + n_ph) * dt,
                     "on" if ph.plasticity and (plastic or compiled_rules.any()) else "off",
                     dict(ph.inputs) or "as built")
            scale = dict(ph.inputs)
            step_each = bool(ph.plasticity and plastic)
            mode[compiled_rules] = E.PL_LEARN if ph.plasticity else E.PL_FROZEN
            end = t0 + n_ph
            while self.step < end:
                t = self.step
                if col.periodic:
                    col.write_weights(t)
                nxt = min(end, t + MAX_CHUNK)
                nxt = min([e for e in edges if e > t] + [nxt])
                for every in col.periodic:
                    nxt = min(nxt, (t // every + 1) * every)
                if step_each:
                    nxt = t + 1
                self._apply_stimuli(t, scale)
                n = nxt - t
                out.counts[:n] = 0
                out.status[:] = 0
                done = E.advance(t, n, b.net, out)
                nspk, nrec = int(out.status[E.ST_SPIKES]), int(out.status[E.ST_SAMPLES])
                col.chunk(t, done, out.spk_t[:nspk], out.spk_i[:nspk], out.counts,
                          out.rec_out, nrec)
                n_spikes += int(out.counts[:done].sum())
                b.state["t"][0] = t + done
                if out.status[E.ST_ERROR] == E.ERR_NONFINITE:
                    name, local = self._locate(int(out.status[E.ST_ERR_UNIT]))
                    bad = int(out.status[E.ST_ERR_STEP])
                    raise SimulationError(f"{name}.v[{local}]", bad,
                                          "membrane potential of population "
                                          f"{name!r}, neuron {local}, non-finite or beyond "
                                          f"{E.V_LIMIT:g} mV (diverged) at t = "
                                          f"{(bad + 1) * dt:g} ms")
                if out.status[E.ST_ERROR] == E.ERR_STATE:
                    raise self._nonfinite_state(int(out.status[E.ST_ERR_STEP]),
                                                int(out.status[E.ST_ERR_CLEAN]))
                if step_each and done:
                    self._plasticity_step(t, plastic, out.spk_i[:nspk])
                done_total += done
                if progress is not None:
                    progress(done_total, total)
        if col.periodic:
            col.write_weights(self.step)
        return n_spikes

    def _state_tables(self) -> list[tuple[np.ndarray, Callable[[int], tuple[str, str]]]]:
        """The integrated state variables, in causal order.

        Plastic weights, short-term and STDP state, pending inputs, channel states,
        neuron states: pairs of an array and ``describe(flat index) -> (variable, what
        it is and where)``.
        """
        b = self.built
        net, pj, sd = b.net, b.net.proj, b.net.stdp
        size = {p.name: p.n for p in self.network.populations}
        chans = sorted((int(net.chans.off[c]), pop, rec, int(net.chans.kind[c]))
                       for (pop, rec), c in b.channel_index.items())
        projs = sorted(self.network.projections, key=lambda pr: b.pop_index[pr.pre])
        stdp = sd.mode != E.PL_NONE
        trace = stdp & (sd.soft < E.RULE_CUE)
        coinc = stdp & ~trace

        def where(pr: Any) -> str:
            return f"projection {pr.name!r} ({pr.pre} -> {pr.post}.{pr.receptor})"

        def channel(what: str | None) -> Callable[[int], tuple[str, str]]:
            def describe(s: int) -> tuple[str, str]:
                s %= net.chans.g.size  # the delay buffer: (row, slot) flattened
                off, pop, rec, kind = next(c for c in reversed(chans) if c[0] <= s)
                sym, text = (("I", "synaptic current (pA)") if kind == E.C_CURRENT
                             else ("g", "synaptic conductance (nS)")) if what is None else (
                                 what.split()[0], what)
                return (f"{pop}.{rec}.{sym}[{s - off}]", f"{text} of population {pop!r}, "
                        f"receptor {rec!r}, neuron {s - off},")
            return describe

        def unit(sym: str, text: str) -> Callable[[int], tuple[str, str]]:
            def describe(j: int) -> tuple[str, str]:
                name, i = self._locate(j)
                s, t = sym, text
                if sym == "a1":
                    adex = name != "?" and isinstance(self.network.population(name).model,
                                                      AdEx)
                    s, t = ("w", "adaptation current w (pA)") if adex else (
                        "m", "Na activation gate m")
                return f"{name}.{s}[{i}]", f"{t} of population {name!r}, neuron {i},"
            return describe

        def per_neuron(first: np.ndarray, labels: tuple[str, ...], post: bool,
                       use: Callable[[int], bool], co_labels: tuple[str, ...] = (),
                       co_use: Callable[[int], bool] = lambda k: False,
                       ) -> Callable[[int], tuple[str, str]]:
            def describe(flat: int) -> tuple[str, str]:
                row, col = divmod(flat, len(labels))
                for k, pr in enumerate(projs):
                    lo = int(first[k])
                    # a coincidence rule's traces are per postsynaptic neuron
                    on_post = post or co_use(k)
                    side = "postsynaptic" if on_post else "presynaptic"
                    lab = co_labels[col] if co_use(k) else labels[col]
                    if ((use(k) or co_use(k))
                            and lo <= row < lo + size[pr.post if on_post else pr.pre]):
                        return (f"{pr.name}.{lab}[{row - lo}]",
                                f"{_STATE_NAMES.get(lab, 'state')} {lab} of {where(pr)}, "
                                f"{side} neuron {row - lo},")
                return f"{labels[col]}[{row}]", f"{labels[col]}"
            return describe

        def weight(q: int) -> tuple[str, str]:
            for pr in projs:
                pre, post, sl = b.syn[pr.name]
                if sl.start <= q < sl.stop:
                    i = q - sl.start
                    return (f"{pr.name}.w[{i}]", f"weight of synapse {i} ({pr.pre}[{pre[i]}]"
                            f" -> {pr.post}[{post[i]}]) of {where(pr)},")
            return f"w[{q}]", "synaptic weight"

        plastic = np.zeros(pj.w.size, bool)  # only these weights change in the loop
        for pr in projs:
            if stdp[b.proj_index[pr.name]]:
                plastic[b.syn[pr.name][2]] = True
        has_stp = pj.stp0 >= 0
        return [
            (np.where(plastic, pj.w, 0.0), weight),
            (pj.stp_u, per_neuron(pj.stp0, ("stp_u",), False, lambda k: has_stp[k])),
            (pj.stp_x, per_neuron(pj.stp0, ("stp_x",), False, lambda k: has_stp[k])),
            (sd.tr_pre, per_neuron(sd.pre0, ("r1", "r2"), False, lambda k: trace[k],
                                   ("h", "-"), lambda k: coinc[k])),
            (sd.tr_post, per_neuron(sd.post0, ("o1", "o2"), True, lambda k: trace[k],
                                    ("c", "-"), lambda k: coinc[k])),
            (net.chans.buf, channel("pending input in the delay buffer")),
            (net.chans.h, channel("h (rise variable)")),
            (net.chans.g, channel(None)),
            (net.units.a1, unit("a1", "")),
            (net.units.a2, unit("h", "Na inactivation gate h")),
            (net.units.a3, unit("n", "K activation gate n")),
            (net.units.v, unit("v", "membrane potential (mV)")),
        ]

    def _nonfinite_state(self, t: int, clean: int) -> SimulationError:
        """The error for a state check that failed after step ``t``.

        The state was found finite after step ``clean``. Names the first non-finite
        variable in causal order, its population or projection and index, and the other
        variables that are non-finite too (a full pass, run only here).
        """
        dt = self.built.dt
        found: list[tuple[str, str, float]] = []
        for arr, describe in self._state_tables():
            flat = np.asarray(arr).reshape(-1)
            bad = np.flatnonzero(~np.isfinite(flat))
            if bad.size:
                variable, what = describe(int(bad[0]))
                found.append((variable, what, float(flat[bad[0]])))
        if not found:  # pragma: no cover - the loop saw what this pass does not
            return SimulationError("state", t, "non-finite value")
        variable, what, value = found[0]
        since = (f"finite at t = {(clean + 1) * dt:g} ms" if clean >= 0
                 else "the first check of the run")
        names = sorted({v.split("[")[0] for v, _, _ in found[1:]})
        also = (f"; also non-finite: {', '.join(names[:6])}{', ...' if len(names) > 6 else ''}"
                if names else "")
        return SimulationError(variable, t, f"{what} is {value} at t = {(t + 1) * dt:g} ms "
                               f"({since}; the state is checked every {E.CHECK_EVERY} "
                               f"steps{also})")

    def _locate(self, j: int) -> tuple[str, int]:
        for p in self.network.populations:
            pi = self.built.pop_index[p.name]
            s0, s1 = self.built.net.pops.start[pi], self.built.net.pops.stop[pi]
            if s0 <= j < s1:
                return p.name, int(j - s0)
        return "?", j

    def _range(self, population: str) -> tuple[int, int]:
        pi = self.built.pop_index[population]
        return int(self.built.net.pops.start[pi]), int(self.built.net.pops.stop[pi])

    def _plasticity_step(self, t: int, plastic, spiking_units: np.ndarray) -> None:
        b = self.built
        fired = np.zeros(b.n_units, bool)
        fired[spiking_units] = True
        for name, pr in plastic:
            pre, post, sl = b.syn[name]
            a0, a1 = self._range(pr.pre)
            c0, c1 = self._range(pr.post)
            w = b.state["w"][sl]
            view = w.view()
            view.flags.writeable = False
            ctx = PlasticityContext(t * b.dt, b.dt, fired[a0:a1], fired[c0:c1], pre, post,
                                    view, b.state["v"][c0:c1].copy())
            state, new_w = pr.plasticity.step(b.plastic_state[name], ctx)
            new_w = np.asarray(new_w, float)
            if new_w.shape != w.shape or not np.all(np.isfinite(new_w)):
                raise SimulationError(f"{name}.weights", t, "plasticity rule returned "
                                      "weights of the wrong shape or non-finite values")
            b.state["w"][sl] = new_w
            b.plastic_state[name] = state


def simulate(network: Network, duration_ms: float | None = None, *, dt_ms: float = 0.1,
             record: Sequence[Recorder] = (), seed: int = 0,
             phases: Sequence[Phase] | None = None, backend: str = "numpy", stream_to=None,
             progress: Callable[[int, int], None] | None = None):
    r"""Simulate ``network`` for ``duration_ms`` (or through ``phases``).

    Parameters
    ----------
    network
        What to simulate (:class:`~engramlab.network.Network`).
    duration_ms
        Biological time to simulate (ms), unless ``phases`` are given.
    dt_ms
        Time step (ms), at most half the network's fastest time constant.
    record
        Recorder specifications (:mod:`engramlab.network.record`).
    seed
        Seed of everything random; same seed, same numbers.
    phases
        A protocol: :class:`~engramlab.network.Phase` s run in order.
    backend
        ``"numpy"`` (the engine is a compiled CPU loop).
    stream_to
        A path: records go to this NetCDF file chunk by chunk, and the result is
        opened from it lazily.
    progress
        ``progress(steps_done, steps_total)`` after every chunk.

    Returns
    -------
    xarray.Dataset
        The records (see :meth:`Simulator.run`).

    Raises
    ------
    ParameterError
        When the network is built: a weight non-finite, beyond ``W_MAX`` = 1e6 (mV, pA or
        nS) in magnitude, or negative on a conductance; a delay below ``dt``; ...
    SimulationError
        A membrane potential non-finite or beyond 1e4 mV (the step and neuron it
        happened at), or any other integrated state variable non-finite (synaptic
        currents and conductances, their rise variables, pending inputs, AdEx ``w``, HH
        gates, short-term plasticity state, STDP traces, plastic weights: checked every
        ``CHECK_EVERY`` = 100 steps and at the end of each run; the error names the
        variable, its population or projection, the index, the step and the time).

    Examples
    --------
    >>> from engramlab.network import (FixedProbability, Network, PoissonInput,
    ...                                Population, Projection, Rates, Spikes, Uniform)
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import delta
    >>> E = Population("E", 40, LIF(), {"exc": delta(), "inh": delta()},
    ...                v0_mv=Uniform(-60.0, -50.0))
    >>> I = Population("I", 10, LIF(), {"exc": delta()})
    >>> net = Network([E, I], [Projection("E", "I", "exc", FixedProbability(0.2), weight=2.0),
    ...                        Projection("I", "E", "inh", FixedProbability(0.2), weight=-1.0)],
    ...               inputs=[PoissonInput("bkg", "E", "exc", 200, 10.0, 0.4)])
    >>> ds = simulate(net, 100.0, record=[Spikes("E"), Rates("I", bin_ms=50.0)], seed=7)
    >>> ds["E_spike_time"].size / (40 * 0.1)  # mean rate of E (Hz)
    37.75
    >>> ds["I_rate"].values.tolist()  # rate of I (Hz) in 50 ms bins
    [22.0, 28.0]
    """
    sim = Simulator(network, dt_ms=dt_ms, seed=seed, backend=backend)
    return sim.run(duration_ms, record=record, phases=phases, stream_to=stream_to,
                   progress=progress)


def compile_loop() -> float:
    """Compile the network loop for this CPU now (or load it from the disk cache).

    The first simulation of a process does this anyway; calling it ahead (``engramlab
    compile``) moves the one-time compilation out of the first run. Returns the seconds
    taken (about 0.6 s when the loop is already cached, once per process; nothing is
    compiled with ``ENGRAMLAB_NO_NUMBA=1``).

    Examples
    --------
    >>> seconds = compile_loop()  # before the first simulate() of a process
    >>> seconds >= 0.0
    True
    """
    t = time.perf_counter()
    if E.compiled():
        built = build(Network([Population("n", 1, LIF())]))
        out = E.Out(spk_t=np.zeros(1, np.int64), spk_i=np.zeros(1, np.int32),
                    counts=np.zeros((1, 1), np.int32), rec_unit=np.zeros(0, np.int64),
                    rec_var=np.zeros(0, np.int64), rec_every=1, rec_out=np.zeros((1, 1)),
                    status=np.zeros(E.N_STATUS, np.int64), rec_pop=np.zeros(1, np.int8))
        E.advance(0, 1, built.net, out)
    return time.perf_counter() - t
