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
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
import time
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from engramlab.core import ParameterError, SimulationError, check_seed, make_rng
from engramlab.core.version import __version__
from engramlab.network import _engine as E
from engramlab.network.model import (
    ConductanceStep,
    CurrentStep,
    Network,
    Phase,
    PoissonSource,
    ReceptorScale,
    RemoveNeurons,
    RemoveProjection,
    RemoveSynapses,
    SpikeSource,
)
from engramlab.network.plasticity import PlasticityContext
from engramlab.network.record import (
    FileSink,
    MemorySink,
    Rates,
    Recorder,
    Spikes,
    State,
    Weights,
    index_list,
)
from engramlab.neurons import (
    LIF,
    AdEx,
    HodgkinHuxley,
    hh_fastest_time_constant_ms,
    hh_resting_potential_mv,
    hh_steady_state,
)

__all__ = ["Built", "Simulator", "Snapshot", "build", "simulate"]

log = logging.getLogger("engramlab.network")

#: Steps per call of the compiled loop when nothing forces a boundary (1 s at 0.1 ms).
MAX_CHUNK = 10_000
_KIND = {LIF: E.K_LIF, AdEx: E.K_ADEX, HodgkinHuxley: E.K_HH}
_CHANNEL = {"delta": E.C_DELTA, "current": E.C_CURRENT, "conductance": E.C_COND}
_HH_VARS = {"v": 0, "m": 1, "h": 2, "n": 3}
_ADEX_VARS = {"v": 0, "w": 1}


def _key(*parts: str) -> int:
    """A stable integer for a name (spawn keys of :func:`make_rng`)."""
    return zlib.crc32("/".join(parts).encode())


def _steps(field: str, value_ms: float, dt: float, minimum: int) -> int:
    n = round(value_ms / dt)
    if abs(n * dt - value_ms) > 1e-6 * max(dt, abs(value_ms)):
        raise ParameterError(field, f"must be a whole number of time steps (dt = {dt} ms)",
                             value_ms)
    if n < minimum:
        raise ParameterError(field, f"must be >= {minimum} time step(s) (dt = {dt} ms)",
                             value_ms)
    return int(n)


def _propagator(tau_s: float, tau_m: float, c_m: float, dt: float) -> float:
    """P21 of the exact LIF update for an exponential current (see :mod:`._engine`)."""
    if abs(tau_s - tau_m) < 1e-12 * tau_m:
        return dt / c_m * math.exp(-dt / tau_m)
    return (tau_m * tau_s / (tau_s - tau_m) / c_m
            * (math.exp(-dt / tau_s) - math.exp(-dt / tau_m)))


def _biexp(tau_r: float, tau_d: float, dt: float) -> tuple[float, float]:
    """(coefficient of h in g after dt, peak normalisation) of the bi-exponential."""
    ed, er = math.exp(-dt / tau_d), math.exp(-dt / tau_r)
    if abs(tau_d - tau_r) < 1e-12 * tau_d:
        coef = dt * ed
        peak = tau_d / math.e
    else:
        coef = tau_d * tau_r / (tau_d - tau_r) * (ed - er)
        t_peak = tau_d * tau_r / (tau_d - tau_r) * math.log(tau_d / tau_r)
        peak = tau_d * tau_r / (tau_d - tau_r) * (math.exp(-t_peak / tau_d)
                                                  - math.exp(-t_peak / tau_r))
    return coef, 1.0 / peak


@dataclasses.dataclass
class Built:
    """A network turned into the arrays of the compiled loop (see :mod:`._engine`).

    ``pop_index[name]`` / ``channel_index[(pop, receptor)]`` / ``proj_index[name]`` map
    names to rows; ``syn[name]`` gives a projection's ``(pre, post)`` local indices and
    its slice of the flat synapse arrays.
    """

    network: Network
    dt: float
    seed: int
    pop_index: dict[str, int]
    channel_index: dict[tuple[str, str], int]
    proj_index: dict[str, int]
    syn: dict[str, tuple[np.ndarray, np.ndarray, slice]]
    fixed: dict[str, np.ndarray]   # static arrays (tables, CSR, keys)
    state: dict[str, np.ndarray]   # mutable arrays (everything a snapshot holds)
    base_prob: np.ndarray          # Poisson-source probabilities per population
    base_lam: np.ndarray           # Poisson-input means per input
    base_bias: np.ndarray          # i_bias per unit (pA)
    plastic_state: dict[str, Any]
    input_names: list[str]         # Poisson inputs in row order

    @property
    def n_units(self) -> int:
        return int(self.state["v"].size)


def _lesion_synapses(network: Network, pr, pre: np.ndarray, post: np.ndarray,
                     seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Apply the network's lesions to one projection's synapse list."""
    keep = np.ones(pre.size, bool)
    for les in network.lesions:
        if isinstance(les, RemoveProjection) and les.projection == pr.name:
            keep[:] = False
        elif isinstance(les, RemoveSynapses) and les.projection == pr.name:
            rng = make_rng(seed, 4, _key("lesion", pr.name))
            keep &= rng.random(pre.size) >= les.fraction
        elif isinstance(les, RemoveNeurons):
            gone = np.asarray(les.neurons, np.int64)
            if les.population == pr.pre:
                keep &= ~np.isin(pre, gone)
            if les.population == pr.post:
                keep &= ~np.isin(post, gone)
    return pre[keep], post[keep]


def _check_dt(network: Network, dt: float) -> None:
    if not (isinstance(dt, (int, float)) and dt > 0 and math.isfinite(dt)):
        raise ParameterError("dt_ms", "must be a finite number > 0", dt)
    taus: list[tuple[str, float]] = []
    for p in network.populations:
        m = p.model
        if isinstance(m, (LIF, AdEx)):
            taus.append((f"{p.name}.tau_m", m.c_m_pf / m.g_l_ns))
        if isinstance(m, AdEx):
            taus.append((f"{p.name}.tau_w_ms", m.tau_w_ms))
        if isinstance(m, HodgkinHuxley):
            taus.append((f"{p.name} (fastest gate)", hh_fastest_time_constant_ms(m)))
        for name, r in p.receptors.items():
            if r.kind != "delta":
                taus.append((f"{p.name}.receptors.{name}.tau_decay_ms", r.tau_decay_ms))
                if r.tau_rise_ms > 0:
                    taus.append((f"{p.name}.receptors.{name}.tau_rise_ms", r.tau_rise_ms))
    for field, tau in taus:
        if dt > tau / 2:
            raise ParameterError("dt_ms", f"must be <= half the fastest time constant "
                                 f"({field} = {tau:.4g} ms)", dt)


def build(network: Network, *, dt_ms: float = 0.1, seed: int = 0) -> Built:
    """Draw the connectivity, weights, delays and initial state; lay out the arrays."""
    if not isinstance(network, Network):
        raise ParameterError("network", "must be a Network", type(network).__name__)
    seed = check_seed(seed)
    dt = float(dt_ms)
    _check_dt(network, dt)
    pops = network.populations
    P = len(pops)
    pop_index = {p.name: i for i, p in enumerate(pops)}
    start = np.cumsum([0] + [p.n for p in pops])
    N = int(start[-1])
    pop_i = np.zeros((P, 8), np.int64)
    pop_f = np.zeros((P, 16))
    pop_key = np.zeros(P, np.uint64)
    v = np.zeros(N)
    a1, a2, a3 = np.zeros(N), np.zeros(N), np.zeros(N)
    bias = np.zeros(N)
    # channels, grouped by target population
    ch_rows: list[tuple[int, int, int, int, list[float]]] = []
    channel_index: dict[tuple[str, str], int] = {}
    slot = 0
    for pi, p in enumerate(pops):
        m = p.model
        s0, s1 = int(start[pi]), int(start[pi + 1])
        pop_i[pi, 1:3] = s0, s1
        pop_i[pi, 3] = len(ch_rows)
        rng = make_rng(seed, 0, _key("init", p.name))
        if isinstance(m, (LIF, AdEx, HodgkinHuxley)):
            pop_i[pi, 0] = _KIND[type(m)]
            if isinstance(m, HodgkinHuxley):
                rest = hh_resting_potential_mv(m)
            else:
                rest = m.e_l_mv
            v0 = p.v0_mv
            if v0 is None:
                vals = np.full(p.n, rest)
            elif isinstance(v0, (int, float)):
                vals = np.full(p.n, float(v0))
            else:
                vals = v0.draw(p.n, rng)
            v[s0:s1] = vals
            bias[s0:s1] = np.broadcast_to(np.asarray(p.i_bias_pa, float), (p.n,))
            if isinstance(m, LIF):
                tau = m.c_m_pf / m.g_l_ns
                e = math.exp(-dt / tau)
                pop_f[pi, :7] = (m.c_m_pf, m.g_l_ns, m.e_l_mv, m.v_th_mv, m.v_reset_mv, e,
                                 (1 - e) / m.g_l_ns)
                pop_i[pi, 6] = _steps(f"{p.name}.model.t_ref_ms", m.t_ref_ms, dt, 0)
            elif isinstance(m, AdEx):
                pop_f[pi, :10] = (m.c_m_pf, m.g_l_ns, m.e_l_mv, m.v_t_mv, m.delta_t_mv,
                                  math.exp(-dt / m.tau_w_ms), m.a_ns, m.b_pa, m.v_reset_mv,
                                  m.v_peak_mv)
                pop_i[pi, 6] = _steps(f"{p.name}.model.t_ref_ms", m.t_ref_ms, dt, 0)
            else:
                pop_f[pi, :9] = (m.c_m_uf_cm2, m.g_na_ms_cm2, m.g_k_ms_cm2, m.g_l_ms_cm2,
                                 m.e_na_mv, m.e_k_mv, m.e_l_mv, m.v_spike_mv, 100.0 / m.area_um2)
                a1[s0:s1], a2[s0:s1], a3[s0:s1] = (np.asarray(x, float) for x in
                                                   hh_steady_state(vals))
        elif isinstance(m, PoissonSource):
            pop_i[pi, 0] = E.K_POISSON
            prob = m.rate_hz * dt * 1e-3
            if prob > 1:
                raise ParameterError(f"{p.name}.model.rate_hz", "times dt must be <= 1",
                                     m.rate_hz)
            pop_f[pi, 0] = prob
            pop_key[pi] = np.uint64(make_rng(seed, 1, _key("source", p.name)).integers(2**63))
        else:
            pop_i[pi, 0] = E.K_SCHEDULED
        for rname, r in p.receptors.items():
            channel_index[(p.name, rname)] = len(ch_rows)
            f = [0.0] * 8
            f[7] = 1.0
            f[3] = 1.0
            if r.kind != "delta":
                f[0] = math.exp(-dt / r.tau_decay_ms)
                if r.tau_rise_ms > 0:
                    f[1] = math.exp(-dt / r.tau_rise_ms)
                    f[2], f[3] = _biexp(r.tau_rise_ms, r.tau_decay_ms, dt)
            if r.kind == "conductance":
                f[4] = r.e_rev_mv
                f[5] = r.mg_mm
            if r.kind == "current" and isinstance(m, LIF):
                f[6] = _propagator(r.tau_decay_ms, m.c_m_pf / m.g_l_ns, m.c_m_pf, dt)
            ch_rows.append((_CHANNEL[r.kind], pi, slot, int(bool(r.mg_block)), f))
            slot += p.n
        pop_i[pi, 4] = len(ch_rows)
        cond = any(r.kind == "conductance" or (r.kind == "current" and r.tau_rise_ms > 0)
                   for r in p.receptors.values())
        pop_i[pi, 5] = int(cond)
    R = len(ch_rows)
    ch_i = np.zeros((R, 4), np.int64)
    ch_f = np.zeros((R, 8))
    for c, (kind, pi, off, mg, f) in enumerate(ch_rows):
        ch_i[c] = kind, pi, off, mg
        ch_f[c] = f
    # projections, grouped by presynaptic population
    order = sorted(range(len(network.projections)),
                   key=lambda k: pop_index[network.projections[k].pre])
    projs = [network.projections[k] for k in order]
    K = len(projs)
    pj_i = np.zeros((K, 6), np.int64)
    stp_f = np.zeros((K, 3))
    iptrs, posts, ws, ds = [np.zeros(0, np.int64)], [], [], []
    syn: dict[str, tuple[np.ndarray, np.ndarray, slice]] = {}
    proj_index: dict[str, int] = {}
    n_syn = 0
    n_iptr = 0
    n_stp = 0
    max_d = 1
    plastic_state: dict[str, Any] = {}
    # compiled trace rules (STDP): per projection, trace rows and a CSC of its synapses
    pl_rows: list[tuple] = []
    cptrs, cidxs, syn_pres = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], []
    n_pre_tr = n_post_tr = n_cptr = n_syn_c = 0
    for k, pr in enumerate(projs):
        proj_index[pr.name] = k
        a, b = pops[pop_index[pr.pre]], pops[pop_index[pr.post]]
        rng = make_rng(seed, 2, _key("connect", pr.name))
        pre, post = pr.connect.sample(a.n, b.n, pr.pre == pr.post, rng)
        pre, post = _lesion_synapses(network, pr, pre, post, seed)
        m = pre.size
        wt = pr.weight
        if isinstance(wt, (int, float)):
            w = np.full(m, float(wt))
        elif hasattr(wt, "draw"):
            w = wt.draw(m, rng)
        else:
            w = np.asarray(wt, float).ravel()
            if w.size != m:
                raise ParameterError(f"{pr.name}.weight", f"must have one value per synapse "
                                     f"({m})", w.size)
        if not np.all(np.isfinite(w)):
            raise ParameterError(f"{pr.name}.weight", "must be finite")
        if isinstance(pr.delay_ms, (int, float)):
            d = np.full(m, _steps(f"{pr.name}.delay_ms", float(pr.delay_ms), dt, 1), np.int64)
        else:
            d = np.maximum(1, np.rint(pr.delay_ms.draw(m, rng) / dt)).astype(np.int64)
        max_d = max(max_d, int(d.max(initial=1)))
        counts = np.bincount(pre, minlength=a.n)
        iptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        pj_i[k] = (pop_index[pr.pre], channel_index[(pr.post, pr.receptor)], n_syn, n_iptr,
                   -1, start[pop_index[pr.pre]])
        if pr.stp is not None:
            pj_i[k, 4] = n_stp
            n_stp += a.n
            stp_f[k] = pr.stp.u_se, pr.stp.tau_rec_ms, pr.stp.tau_fac_ms
        iptrs.append(iptr)
        posts.append(post)
        ws.append(w)
        ds.append(d)
        syn[pr.name] = (pre, post, slice(n_syn, n_syn + m))
        if hasattr(pr.plasticity, "trace_rule"):
            rule = pr.plasticity.trace_rule()
            if np.any(w < rule.w_min) or np.any(w > rule.w_max):
                raise ParameterError(f"{pr.name}.weight", f"must lie in the plasticity "
                                     f"rule's [{rule.w_min}, {rule.w_max}]")
            pl_rows.append((k, rule, n_pre_tr, n_post_tr, n_cptr, int(start[pop_index[pr.post]]),
                            pop_index[pr.post]))
            order_c = np.argsort(post, kind="stable")
            cptrs.append(n_syn_c + np.concatenate(
                [[0], np.cumsum(np.bincount(post, minlength=b.n))]).astype(np.int64))
            cidxs.append(n_syn + order_c.astype(np.int64))
            n_syn_c += m
            n_pre_tr += a.n
            n_post_tr += b.n
            n_cptr += b.n + 1
        elif pr.plasticity is not None:
            plastic_state[pr.name] = pr.plasticity.init(m, pre, post, w.copy(), rng)
        syn_pres.append(pre.astype(np.int32))
        n_syn += m
        n_iptr += a.n + 1
    iptr_all = np.concatenate(iptrs[1:]) if K else np.zeros(1, np.int64)
    post_all = (np.concatenate(posts) if K else np.zeros(0)).astype(np.int32)
    w_all = np.concatenate(ws) if K else np.zeros(0)
    d_all = (np.concatenate(ds) if K else np.zeros(0)).astype(np.int32)
    syn_pre = (np.concatenate(syn_pres) if K else np.zeros(0)).astype(np.int32)
    pl_i = np.zeros((max(K, 1), 6), np.int64)
    pl_f = np.zeros((max(K, 1), 12))
    plin = np.zeros((P, 2), np.int64)
    plin_k = np.zeros(max(len(pl_rows), 1), np.int64)
    by_post = sorted(pl_rows, key=lambda r: r[6])
    for m_, (k, rule, o_pre, o_post, o_c, post0, post_pi) in enumerate(by_post):
        pl_i[k] = 1, o_pre, o_post, o_c, post0, 0
        pl_f[k] = (dt / rule.tau_r1_ms, dt / rule.tau_r2_ms, dt / rule.tau_o1_ms,
                   dt / rule.tau_o2_ms, rule.a2p, rule.a3p, rule.a2m, rule.a3m, rule.w_min,
                   rule.w_max, float(rule.soft), float(rule.nearest))
        plin_k[m_] = k
        if plin[post_pi, 1] == 0:
            plin[post_pi, 0] = m_
        plin[post_pi, 1] = m_ + 1
    pop_proj = np.zeros((P, 2), np.int64)
    for pi in range(P):
        ks = [k for k in range(K) if pj_i[k, 0] == pi]
        pop_proj[pi] = (min(ks), max(ks) + 1) if ks else (0, 0)
    # external Poisson inputs
    Q = len(network.inputs)
    in_i = np.zeros((Q, 1), np.int64)
    in_f = np.zeros((Q, 2))
    in_key = np.zeros(Q, np.uint64)
    inputs = sorted(network.inputs, key=lambda i: pop_index[i.target])
    pop_in = np.zeros((P, 2), np.int64)
    for pi, p in enumerate(pops):
        qs = [q for q, i in enumerate(inputs) if i.target == p.name]
        pop_in[pi] = (min(qs), max(qs) + 1) if qs else (0, 0)
    for q, inp in enumerate(inputs):
        in_i[q, 0] = channel_index[(inp.target, inp.receptor)]
        in_f[q] = inp.n_inputs * inp.rate_hz * dt * 1e-3, inp.weight
        in_key[q] = np.uint64(make_rng(seed, 3, _key("input", inp.name)).integers(2**63))
    # scheduled spikes
    steps, units = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for pi, p in enumerate(pops):
        if isinstance(p.model, SpikeSource):
            steps.append(np.floor(p.model.times_ms / dt + 1e-9).astype(np.int64))
            units.append(p.model.indices + start[pi])
    sch_step = np.concatenate(steps)
    sch_unit = np.concatenate(units)
    o = np.argsort(sch_step, kind="stable")
    refr = np.zeros(N, np.int32)
    for les in network.lesions:  # removed neurons never integrate, fire or receive
        if isinstance(les, RemoveNeurons):
            pi = pop_index[les.population]
            refr[start[pi] + np.asarray(les.neurons, np.int64)] = -1
    fixed = dict(pop_i=pop_i, pop_key=pop_key, ch_i=ch_i, pop_proj=pop_proj, pj_i=pj_i,
                 iptr=iptr_all, post=post_all, dly=d_all, stp_f=stp_f, pop_in=pop_in, in_i=in_i,
                 in_key=in_key, sch_step=sch_step[o], sch_unit=sch_unit[o], pl_f=pl_f,
                 cptr=np.concatenate(cptrs), cidx=np.concatenate(cidxs), syn_pre=syn_pre,
                 plin=plin, plin_k=plin_k)
    state = dict(
        t=np.zeros(1, np.int64), v=v, a1=a1, a2=a2, a3=a3, refr=refr,
        flag=np.zeros(N, np.int8), g=np.zeros(slot),
        h=np.zeros(slot), buf=np.zeros((max_d + 1, slot)), w=w_all,
        stp_u=np.zeros(n_stp), stp_x=np.ones(n_stp), stp_last=np.full(n_stp, -1, np.int64),
        sch_ptr=np.zeros(1, np.int64), pop_f=pop_f, ch_f=ch_f, in_f=in_f,
        ibias=bias.copy(), gs=np.zeros(N), gse=np.zeros(N), pl_i=pl_i,
        tr_pre=np.zeros((n_pre_tr, 2)), tr_pre_t=np.full(n_pre_tr, -1, np.int64),
        tr_post=np.zeros((n_post_tr, 2)), tr_post_t=np.full(n_post_tr, -1, np.int64),
    )
    return Built(network, dt, seed, pop_index, channel_index, proj_index, syn, fixed, state,
                 pop_f[:, 0].copy(), in_f[:, 0].copy(), bias, plastic_state,
                 [i.name for i in inputs])


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """The whole mutable state of a :class:`Simulator` at one step (deep copies)."""

    step: int
    arrays: dict[str, np.ndarray]
    plastic_state: dict[str, Any]


class _Collectors:
    """Turns kernel outputs into recorder variables on a sink."""

    def __init__(self, sim: Simulator, record: Sequence[Recorder], sink: MemorySink) -> None:
        self.sim, self.sink = sim, sink
        b = sim.built
        dt = b.dt
        self.spikes, self.rates, self.states, self.weights = [], [], [], []
        names = set()

        def claim(name: str) -> str:
            if name in names:
                raise ParameterError("record", "two recorders write the same variable", name)
            names.add(name)
            return name

        rec_units, rec_vars, everies = [], [], []
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
                self.spikes.append((pi, keep, int(b.fixed["pop_i"][pi, 1]), r.population))
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
                    raise ParameterError("record", "unknown projection", r.projection)
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
            else:
                raise ParameterError("record", "must hold Spikes, Rates, State or Weights",
                                     type(r).__name__)
        self.rec_unit = np.asarray(rec_units, np.int64)
        self.rec_var = np.asarray(rec_vars, np.int64)
        self.rec_every = math.gcd(*everies) if everies else 1

    @staticmethod
    def _variable(pop, variable, idx, b):
        s0 = int(b.fixed["pop_i"][b.pop_index[pop.name], 1])
        if variable in pop.receptors:
            c = b.channel_index[(pop.name, variable)]
            rec = pop.receptors[variable]
            if rec.kind == "delta":
                raise ParameterError("record.variable", "a delta receptor has no state",
                                     variable)
            unit = "nS" if rec.kind == "conductance" else "pA"
            return 100 + c, unit, list(int(b.fixed["ch_i"][c, 2]) + idx)
        table = ({"v": 0} if isinstance(pop.model, LIF) else _ADEX_VARS
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

    def write_weights(self, t: int) -> None:
        for idx, every, name, tdim in self.weights:
            if t % every == 0:
                self.sink.append(tdim, np.array([t * self.sim.built.dt]))
                self.sink.append(name, self.sim.built.state["w"][idx][None, :])


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
    """

    def __init__(self, network: Network, *, dt_ms: float = 0.1, seed: int = 0,
                 backend: str = "numpy") -> None:
        if backend != "numpy":
            raise ParameterError("backend", "the network engine runs on the CPU; use "
                                 "'numpy'", backend)
        self.built = build(network, dt_ms=dt_ms, seed=seed)
        self.network = network

    # -- helpers --------------------------------------------------------------------
    def _pop(self, name: str, field: str) -> int:
        if name not in self.built.pop_index:
            raise ParameterError(field, f"unknown population (have "
                                 f"{sorted(self.built.pop_index)})", name)
        return self.built.pop_index[name]

    @property
    def step(self) -> int:
        return int(self.built.state["t"][0])

    @property
    def t_ms(self) -> float:
        """Simulated time so far (ms)."""
        return self.step * self.built.dt

    def weights(self, projection: str) -> np.ndarray:
        """A copy of the current weights of ``projection`` (CSR order)."""
        if projection not in self.built.syn:
            raise ParameterError("projection", "unknown projection", projection)
        return self.built.state["w"][self.built.syn[projection][2]].copy()

    def synapses(self, projection: str) -> tuple[np.ndarray, np.ndarray]:
        """``(pre, post)`` local indices of the synapses of ``projection``."""
        if projection not in self.built.syn:
            raise ParameterError("projection", "unknown projection", projection)
        pre, post, _ = self.built.syn[projection]
        return pre.copy(), post.copy()

    # -- state ----------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """Copies of every mutable array (and plasticity state) at this step."""
        return Snapshot(self.step, {k: v.copy() for k, v in self.built.state.items()},
                        copy.deepcopy(self.built.plastic_state))

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
        st = b.state
        dt = b.dt
        now = (t + 0.5) * dt
        st["ibias"][...] = b.base_bias
        st["gs"][...] = 0.0
        st["gse"][...] = 0.0
        st["ch_f"][:, 7] = 1.0
        cond_stim = np.zeros(len(b.pop_index), bool)
        for s in self.network.stimuli:
            if not (s.start_ms <= now < s.stop_ms):
                continue
            pi = b.pop_index[s.population]
            s0, s1 = b.fixed["pop_i"][pi, 1:3]
            if isinstance(s, ReceptorScale):
                st["ch_f"][b.channel_index[(s.population, s.receptor)], 7] *= s.factor
                continue
            sel = np.arange(s0, s1) if s.neurons is None else s0 + np.asarray(s.neurons, int)
            if isinstance(s, CurrentStep):
                st["ibias"][sel] += s.amplitude_pa
            elif isinstance(s, ConductanceStep):
                st["gs"][sel] += s.g_ns
                st["gse"][sel] += s.g_ns * s.e_rev_mv
                cond_stim[pi] = True
        pop_i = b.fixed["pop_i"]
        for pi, p in enumerate(self.network.populations):
            base = any(r.kind == "conductance" or (r.kind == "current" and r.tau_rise_ms > 0)
                       for r in p.receptors.values())
            pop_i[pi, 5] = int(base or cond_stim[pi])
            if isinstance(p.model, PoissonSource):
                st["pop_f"][pi, 0] = b.base_prob[pi] * input_scale.get(p.name, 1.0)
        for q, name in enumerate(b.input_names):
            st["in_f"][q, 0] = b.base_lam[q] * input_scale.get(name, 1.0)

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
        st, fx = b.state, b.fixed
        dt = b.dt
        edges = self._edges()
        n_units = b.n_units
        cap = max(4 * n_units, 1 << 16)
        spk_t = np.zeros(cap, np.int64)
        spk_i = np.zeros(cap, np.int32)
        counts = np.zeros((MAX_CHUNK, len(b.pop_index)), np.int32)
        max_samples = MAX_CHUNK // col.rec_every + 2
        rec_out = np.zeros((max_samples, max(1, col.rec_unit.size)))
        status = np.zeros(6, np.int64)
        n_spikes = 0
        done_total = 0
        plastic = [(name, self.network.projection(name)) for name in b.plastic_state]
        compiled_rules = st["pl_i"][:, 0] > 0
        for ph, n_ph in zip(phases, steps, strict=True):
            t0 = self.step
            log.info("phase %r: %.1f-%.1f ms, plasticity %s, inputs %s", ph.name, t0 * dt,
                     (t0 + n_ph) * dt,
                     "on" if ph.plasticity and (plastic or compiled_rules.any()) else "off",
                     dict(ph.inputs) or "as built")
            scale = dict(ph.inputs)
            step_each = bool(ph.plasticity and plastic)
            # compiled rules: 1 = learning, 2 = traces only (weights frozen)
            st["pl_i"][compiled_rules, 0] = 1 if ph.plasticity else 2
            end = t0 + n_ph
            while self.step < end:
                t = self.step
                if col.weights:
                    col.write_weights(t)
                nxt = min(end, t + MAX_CHUNK)
                nxt = min([e for e in edges if e > t] + [nxt])
                for _, every, _, _ in col.weights:
                    nxt = min(nxt, (t // every + 1) * every)
                if step_each:
                    nxt = t + 1
                self._apply_stimuli(t, scale)
                n = nxt - t
                counts[:n] = 0
                status[:] = 0
                done = E.advance(
                    t, n, dt, fx["pop_i"], st["pop_f"], fx["pop_key"], fx["ch_i"], st["ch_f"],
                    st["g"], st["h"], st["buf"], st["v"], st["a1"], st["a2"], st["a3"],
                    st["refr"], st["flag"], st["ibias"], st["gs"], st["gse"],
                    fx["pop_proj"], fx["pj_i"], fx["iptr"], fx["post"], st["w"], fx["dly"],
                    fx["stp_f"], st["stp_u"], st["stp_x"], st["stp_last"], fx["pop_in"],
                    fx["in_i"],
                    st["in_f"], fx["in_key"], fx["sch_step"], fx["sch_unit"], st["sch_ptr"],
                    spk_t, spk_i, counts, col.rec_unit, col.rec_var, col.rec_every, rec_out,
                    st["pl_i"], fx["pl_f"], st["tr_pre"], st["tr_pre_t"], st["tr_post"],
                    st["tr_post_t"], fx["cptr"], fx["cidx"], fx["syn_pre"], fx["plin"],
                    fx["plin_k"], status)
                nspk, nrec = int(status[0]), int(status[1])
                col.chunk(t, done, spk_t[:nspk], spk_i[:nspk], counts, rec_out, nrec)
                n_spikes += nspk
                st["t"][0] = t + done
                if status[2] != E.ERR_NONE:
                    j = int(status[4])
                    name, local = self._locate(j)
                    raise SimulationError(f"{name}.v[{local}]", int(status[3]),
                                          "membrane potential non-finite or beyond "
                                          f"{E.V_LIMIT:g} mV (diverged)")
                if step_each and done:
                    self._plasticity_step(t, plastic, spk_i[:nspk])
                done_total += done
                if progress is not None:
                    progress(done_total, total)
        if col.weights:
            col.write_weights(self.step)
        return n_spikes

    def _locate(self, j: int) -> tuple[str, int]:
        for p in self.network.populations:
            s0, s1 = self.built.fixed["pop_i"][self.built.pop_index[p.name], 1:3]
            if s0 <= j < s1:
                return p.name, int(j - s0)
        return "?", j

    def _plasticity_step(self, t: int, plastic, spiking_units: np.ndarray) -> None:
        b = self.built
        fired = np.zeros(b.n_units, bool)
        fired[spiking_units] = True
        for name, pr in plastic:
            pre, post, sl = b.syn[name]
            a0, a1 = b.fixed["pop_i"][b.pop_index[pr.pre], 1:3]
            c0, c1 = b.fixed["pop_i"][b.pop_index[pr.post], 1:3]
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
    """
    sim = Simulator(network, dt_ms=dt_ms, seed=seed, backend=backend)
    return sim.run(duration_ms, record=record, phases=phases, stream_to=stream_to,
                   progress=progress)
