"""Build a :class:`~engramlab.network.Network` into the tables of the loop.

:func:`build` draws the connectivity, weights, delays and initial state with an
explicit seed and lays everything out as the NamedTuples of
:mod:`engramlab.network._engine` (:class:`~._engine.Net`), one builder per table.
Random streams: ``make_rng(seed, 0, "init/<pop>")`` for initial potentials,
``(seed, 1, "source/<pop>")`` for Poisson-source keys (``"noise/<pop>"``: white-noise
keys), ``(seed, 2, "connect/<proj>")``
for connectivity, weights, delays and the plasticity rule's initial state (in that
order), ``(seed, 3, "input/<name>")`` for Poisson-input keys and ``(seed, 4,
"lesion/<proj>")`` for synapse lesions.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import typing
import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from engramlab.core import ParameterError, check_seed, make_rng
from engramlab.network import _engine as E
from engramlab.network.connectivity import Dense, DenseRing
from engramlab.network.model import (
    Network,
    PoissonSource,
    Projection,
    RemoveNeurons,
    RemoveProjection,
    RemoveSynapses,
    SpikeSource,
)
from engramlab.network.plasticity import CoincidenceRule
from engramlab.neurons import (
    LIF,
    AdEx,
    HodgkinHuxley,
    hh_fastest_time_constant_ms,
    hh_resting_potential_mv,
    hh_steady_state,
)

__all__ = ["W_MAX", "Built", "build", "check_weights", "steps"]

_KIND = {LIF: E.K_LIF, AdEx: E.K_ADEX, HodgkinHuxley: E.K_HH}
_CHANNEL = {"delta": E.C_DELTA, "current": E.C_CURRENT, "conductance": E.C_COND}
_UNIT = {"delta": "mV", "current": "pA", "conductance": "nS"}

#: The largest weight magnitude accepted, in the receptor's unit (mV for ``delta``, pA
#: for ``current``, nS for ``conductance``). Unitary synapses are at most ~10 mV, ~1 nA
#: and ~100 nS (the largest: climbing fibre, calyx of Held), so 1e6 leaves three orders
#: of magnitude or more for lumped synapses and units scaled by hand; and a channel that
#: sums 1e6 per spike from 1e9 synapses over 1e4 steps holds 1e19, nowhere near the
#: float64 overflow at 1.8e308 (``1e308`` in two synapses overflows at the first
#: simultaneous arrival).
W_MAX = 1.0e6


def _key(*parts: str) -> int:
    """A stable integer for a name (spawn keys of :func:`make_rng`)."""
    return zlib.crc32("/".join(parts).encode())


def steps(field: str, value_ms: float, dt: float, minimum: int) -> int:
    """``value_ms`` as a whole number of steps ``>= minimum``, else raise for ``field``."""
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
    """A network turned into the tables of the loop (:class:`~._engine.Net`).

    ``pop_index[name]`` / ``channel_index[(pop, receptor)]`` / ``proj_index[name]`` map
    names to rows; ``syn[name]`` gives a projection's ``(pre, post)`` local indices and
    its slice of the flat synapse arrays. ``state`` names every mutable array of the
    tables (the same arrays: what a snapshot copies and a restore writes back in place).

    Examples
    --------
    >>> from engramlab.network import FixedInDegree, Network, Population, Projection
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import delta
    >>> pops = [Population("E", 40, LIF(), {"exc": delta()}),
    ...         Population("I", 10, LIF(), {"exc": delta()})]
    >>> net = Network(pops, [Projection("E", "I", "exc", FixedInDegree(8), name="EI")])
    >>> b = build(net, seed=1)
    >>> b.n_units, b.pop_index, b.dt
    (50, {'E': 0, 'I': 1}, 0.1)
    >>> pre, post, rows = b.syn["EI"]  # local indices, rows of the flat synapse arrays
    >>> pre.size, rows
    (80, slice(0, 80, None))
    >>> b.state["v"][:3].tolist()  # initial potentials (mV): at rest, E_L
    [-60.0, -60.0, -60.0]
    """

    network: Network
    dt: float
    seed: int
    pop_index: dict[str, int]
    channel_index: dict[tuple[str, str], int]
    proj_index: dict[str, int]
    syn: dict[str, tuple[np.ndarray, np.ndarray, slice]]
    net: E.Net
    state: dict[str, np.ndarray]
    base_prob: np.ndarray          # Poisson-source probabilities per population
    base_lam: np.ndarray           # Poisson-input means per input
    base_bias: np.ndarray          # i_bias per unit (pA)
    base_cond: np.ndarray          # exponential-Euler flag of each population's receptors
    plastic_state: dict[str, Any]
    input_names: list[str]         # Poisson inputs in row order

    @property
    def n_units(self) -> int:
        return int(self.net.units.v.size)


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


# --- populations and units ------------------------------------------------------------

def _model_row(p, dt: float) -> tuple[list[float], int]:
    """A neuron population's :attr:`~._engine.Pops.par` row and refractory steps."""
    m = p.model
    par = [0.0] * E.N_PAR
    par[E.PAR_C:E.PAR_EL + 1] = ((m.c_m_uf_cm2, m.g_l_ms_cm2, m.e_l_mv)
                                 if isinstance(m, HodgkinHuxley)
                                 else (m.c_m_pf, m.g_l_ns, m.e_l_mv))
    if isinstance(m, LIF):
        e = math.exp(-dt / (m.c_m_pf / m.g_l_ns))
        par[E.LIF_VTH], par[E.LIF_VRESET] = m.v_th_mv, m.v_reset_mv
        par[E.LIF_P22], par[E.LIF_PBIAS] = e, (1 - e) / m.g_l_ns
        par[E.LIF_NOISE] = p.noise_sd_mv * math.sqrt(1.0 - e * e)
    elif isinstance(m, AdEx):
        par[E.ADEX_VT], par[E.ADEX_DT] = m.v_t_mv, m.delta_t_mv
        par[E.ADEX_WDECAY] = math.exp(-dt / m.tau_w_ms)
        par[E.ADEX_A], par[E.ADEX_B] = m.a_ns, m.b_pa
        par[E.ADEX_VRESET], par[E.ADEX_VPEAK] = m.v_reset_mv, m.v_peak_mv
    else:
        par[E.HH_GNA], par[E.HH_GK] = m.g_na_ms_cm2, m.g_k_ms_cm2
        par[E.HH_ENA], par[E.HH_EK] = m.e_na_mv, m.e_k_mv
        par[E.HH_VSPIKE], par[E.HH_SCALE] = m.v_spike_mv, 100.0 / m.area_um2
        return par, 0
    return par, steps(f"{p.name}.model.t_ref_ms", m.t_ref_ms, dt, 0)


def _populations(network: Network, dt: float, seed: int, start: np.ndarray,
                 ch: tuple[np.ndarray, np.ndarray]) -> tuple[E.Pops, E.Units]:
    """The population table and the units' initial state (lesions: removed units)."""
    pops = network.populations
    P, N = len(pops), int(start[-1])
    kind, ref = np.zeros(P, np.int64), np.zeros(P, np.int64)
    key, prob, par = np.zeros(P, np.uint64), np.zeros(P), np.zeros((P, E.N_PAR))
    v, a1, a2, a3, bias = (np.zeros(N) for _ in range(5))
    for pi, p in enumerate(pops):
        m = p.model
        s0, s1 = int(start[pi]), int(start[pi + 1])
        rng = make_rng(seed, 0, _key("init", p.name))
        if isinstance(m, (LIF, AdEx, HodgkinHuxley)):
            kind[pi] = _KIND[type(m)]
            rest = hh_resting_potential_mv(m) if isinstance(m, HodgkinHuxley) else m.e_l_mv
            v0 = p.v0_mv
            if v0 is None:
                vals = np.full(p.n, rest)
            elif isinstance(v0, (int, float)):
                vals = np.full(p.n, float(v0))
            else:
                vals = v0.draw(p.n, rng)
            v[s0:s1] = vals
            bias[s0:s1] = np.broadcast_to(np.asarray(p.i_bias_pa, float), (p.n,))
            row, ref[pi] = _model_row(p, dt)
            par[pi] = row
            if p.noise_sd_mv > 0:
                key[pi] = np.uint64(make_rng(seed, 1, _key("noise", p.name)).integers(2**63))
            if isinstance(m, HodgkinHuxley):
                a1[s0:s1], a2[s0:s1], a3[s0:s1] = (np.asarray(x, float) for x in
                                                   hh_steady_state(vals))
        elif isinstance(m, PoissonSource):
            kind[pi] = E.K_POISSON
            prob[pi] = m.rate_hz * dt * 1e-3
            if prob[pi] > 1:
                raise ParameterError(f"{p.name}.model.rate_hz", "times dt must be <= 1",
                                     m.rate_hz)
            key[pi] = np.uint64(make_rng(seed, 1, _key("source", p.name)).integers(2**63))
        else:
            kind[pi] = E.K_SCHEDULED
    refr = np.zeros(N, np.int32)
    pop_index = {p.name: i for i, p in enumerate(pops)}
    for les in network.lesions:  # removed neurons never integrate, fire or receive
        if isinstance(les, RemoveNeurons):
            refr[start[pop_index[les.population]] + np.asarray(les.neurons, np.int64)] = -1
    table = E.Pops(kind=kind, start=start[:-1].copy(), stop=start[1:].copy(), ch0=ch[0],
                   ch1=ch[1], cond=_base_cond(network), ref_steps=ref, key=key, prob=prob,
                   par=par)
    units = E.Units(v=v, a1=a1, a2=a2, a3=a3, refr=refr, flag=np.zeros(N, np.int8),
                    ibias=bias.copy(), gs=np.zeros(N), gse=np.zeros(N))
    return table, units


def _base_cond(network: Network) -> np.ndarray:
    """1 where a population's receptors need exponential Euler (conductances, or
    bi-exponential currents), per population."""
    return np.array([int(any(r.kind == "conductance" or (r.kind == "current"
                                                          and r.tau_rise_ms > 0)
                             for r in p.receptors.values()))
                     for p in network.populations], np.int64)


# --- channels -----------------------------------------------------------------------

def _channel_rows(network: Network, dt: float):
    """Channel constants (one dict per channel, grouped by population), the channel of
    each (population, receptor), each population's channel range and the slot count."""
    rows: list[dict[str, float]] = []
    index: dict[tuple[str, str], int] = {}
    P = len(network.populations)
    ch0, ch1 = np.zeros(P, np.int64), np.zeros(P, np.int64)
    slot = 0
    for pi, p in enumerate(network.populations):
        m = p.model
        ch0[pi] = len(rows)
        for rname, r in p.receptors.items():
            index[(p.name, rname)] = len(rows)
            f = dict(kind=_CHANNEL[r.kind], off=slot, mg=int(bool(r.mg_block)), decay=0.0,
                     rise=0.0, coef=0.0, norm=1.0, e_rev=0.0, mg_mm=0.0, p21=0.0)
            if r.kind != "delta":
                f["decay"] = math.exp(-dt / r.tau_decay_ms)
                if r.tau_rise_ms > 0:
                    f["rise"] = math.exp(-dt / r.tau_rise_ms)
                    f["coef"], f["norm"] = _biexp(r.tau_rise_ms, r.tau_decay_ms, dt)
            if r.kind == "conductance":
                f["e_rev"], f["mg_mm"] = r.e_rev_mv, r.mg_mm
            if r.kind == "current" and isinstance(m, LIF):
                f["p21"] = _propagator(r.tau_decay_ms, m.c_m_pf / m.g_l_ns, m.c_m_pf, dt)
            rows.append(f)
            slot += p.n
        ch1[pi] = len(rows)
    return rows, index, (ch0, ch1), slot


def _channels(rows: list[dict[str, float]], n_slots: int, max_delay: int) -> E.Chans:
    """The channel table: constants, state slots and the delay ring buffer."""
    def col(name: str, dtype: type) -> np.ndarray:
        return np.array([r[name] for r in rows], dtype)

    buf = np.zeros((max_delay + 1, n_slots))
    return E.Chans(kind=col("kind", np.int64), off=col("off", np.int64),
                   mg=col("mg", np.int64), decay=col("decay", float),
                   rise=col("rise", float), coef=col("coef", float),
                   norm=col("norm", float), e_rev=col("e_rev", float),
                   mg_mm=col("mg_mm", float), p21=col("p21", float),
                   scale=np.ones(len(rows)), gated=np.zeros(len(rows), np.int64),
                   g=np.zeros(n_slots), h=np.zeros(n_slots),
                   buf=buf, flat=buf.reshape(-1))


# --- projections and plasticity -----------------------------------------------------------

def _lesion_synapses(network: Network, pr: Projection, pre: np.ndarray, post: np.ndarray,
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


def _where(pr: Projection, kind: str) -> str:
    return f"projection {pr.pre} -> {pr.post}.{pr.receptor} ({kind} receptor)"


def check_weights(field: str, w: np.ndarray, kind: str, where: str) -> None:
    """Refuse weights that are non-finite, beyond :data:`W_MAX` in magnitude, or negative
    on a conductance (raise :class:`~engramlab.core.ParameterError` for ``field``)."""
    if not np.all(np.isfinite(w)):
        raise ParameterError(field, f"must be finite ({where})")
    if w.size and np.abs(w).max() > W_MAX:
        raise ParameterError(field, f"must have |weight| <= {W_MAX:g} {_UNIT[kind]} "
                             f"({where}): larger weights would overflow the synaptic state",
                             float(w[np.argmax(np.abs(w))]))
    if kind == "conductance" and w.size and w.min() < 0:
        raise ParameterError(field, f"must be >= 0 nS ({where}): a conductance cannot be "
                             "negative (inhibition is a positive conductance with a "
                             "negative reversal potential)", float(w.min()))


def _check_delay(pr: Projection, kind: str, dt: float) -> None:
    low = pr.delay_ms if isinstance(pr.delay_ms, (int, float)) else float(
        pr.delay_ms.low if pr.delay_ms.low is not None else -math.inf)
    if low < dt * (1.0 - 1e-9):
        field = f"{pr.name}.delay_ms" + ("" if isinstance(pr.delay_ms, (int, float))
                                         else ".low")
        raise ParameterError(field, f"must be >= dt = {dt:g} ms ({_where(pr, kind)}): a "
                             "spike acts on its targets one time step later at the "
                             "earliest", low)


@contextlib.contextmanager
def _named(pr: Projection) -> Iterator[None]:
    """A connectivity's error (field ``connect...``) names its projection."""
    try:
        yield
    except ParameterError as exc:
        raise ParameterError(f"{pr.name}.{exc.field}", exc.rule, exc.value) from None


def _synapses(network: Network, pr: Projection, n_pre: int, n_post: int, dt: float,
              seed: int):
    """Draw one projection: ``(pre, post, weights, delays in steps, rng)`` (the rng
    continues into the plasticity rule's initial state)."""
    kind = network.population(pr.post).receptors[pr.receptor].kind
    _check_delay(pr, kind, dt)
    rng = make_rng(seed, 2, _key("connect", pr.name))
    with _named(pr):
        pre, post = pr.connect.sample(n_pre, n_post, pr.pre == pr.post, rng)
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
    check_weights(f"{pr.name}.weight", w, kind, _where(pr, kind))
    if isinstance(pr.delay_ms, (int, float)):
        d = np.full(m, steps(f"{pr.name}.delay_ms", float(pr.delay_ms), dt, 1), np.int64)
    else:
        d = np.maximum(1, np.rint(pr.delay_ms.draw(m, rng) / dt)).astype(np.int64)
    return pre, post, w, d, rng


def _ranges(group: list[int], P: int) -> tuple[np.ndarray, np.ndarray]:
    """Per population, the [first, last) rows of a table whose row r belongs to
    population ``group[r]`` (rows sorted by population)."""
    first, last = np.zeros(P, np.int64), np.zeros(P, np.int64)
    for pi in range(P):
        rs = [r for r, g in enumerate(group) if g == pi]
        first[pi], last[pi] = (min(rs), max(rs) + 1) if rs else (0, 0)
    return first, last


def _projections(network: Network, dt: float, seed: int, start: np.ndarray,
                 chan_off: dict[tuple[str, str], int]):
    """The projection table (grouped by presynaptic population), the trace-rule table,
    and per projection its synapses, row and Python plasticity state."""
    pops = network.populations
    pop_index = {p.name: i for i, p in enumerate(pops)}
    projs = sorted((pr for pr in network.projections if not isinstance(pr.connect, Dense)),
                   key=lambda pr: pop_index[pr.pre])
    K = len(projs)
    cols = {name: np.zeros(K, np.int64) for name in
            ("pre_start", "off", "syn0", "row0", "stp0")}
    stp = np.zeros((K, 4))
    iptrs, posts, ws, ds = [np.zeros(0, np.int64)], [], [], []
    syn: dict[str, tuple[np.ndarray, np.ndarray, slice]] = {}
    plastic_state: dict[str, Any] = {}
    rules: list[tuple[int, Any, int]] = []  # (row, trace rule, post population)
    co_rules: list[tuple[int, CoincidenceRule, int]] = []  # the same, coincidence rule
    n_syn = n_row = n_stp = 0
    max_d = 1
    for k, pr in enumerate(projs):
        a, b = pops[pop_index[pr.pre]], pops[pop_index[pr.post]]
        pre, post, w, d, rng = _synapses(network, pr, a.n, b.n, dt, seed)
        m = pre.size
        max_d = max(max_d, int(d.max(initial=1)))
        iptr = np.concatenate([[0], np.cumsum(np.bincount(pre, minlength=a.n))])
        cols["pre_start"][k] = start[pop_index[pr.pre]]
        cols["off"][k] = chan_off[(pr.post, pr.receptor)]
        cols["syn0"][k], cols["row0"][k], cols["stp0"][k] = n_syn, n_row, -1
        if pr.stp is not None:
            cols["stp0"][k] = n_stp
            n_stp += a.n
            stp[k] = (pr.stp.u_se, pr.stp.tau_rec_ms, pr.stp.tau_fac_ms,
                      pr.stp.u_se if pr.stp_u_baseline else 0.0)
        iptrs.append(iptr.astype(np.int64))
        posts.append(post)
        ws.append(w)
        ds.append(d)
        syn[pr.name] = (pre, post, slice(n_syn, n_syn + m))
        rule_owner: Any = pr.plasticity
        if hasattr(rule_owner, "trace_rule"):
            rule = rule_owner.trace_rule()
            if np.any(w < rule.w_min) or np.any(w > rule.w_max):
                raise ParameterError(f"{pr.name}.weight", f"must lie in the plasticity "
                                     f"rule's [{rule.w_min}, {rule.w_max}]")
            kind = b.receptors[pr.receptor].kind
            if kind == "conductance" and rule.w_min < 0:
                raise ParameterError(f"{pr.name}.plasticity.w_min", "must be >= 0 nS "
                                     f"({_where(pr, kind)}): the rule would make "
                                     "conductances negative", rule.w_min)
            rules.append((k, rule, pop_index[pr.post]))
        elif isinstance(rule_owner, CoincidenceRule):
            if w.size and w.max() > rule_owner.w_max:
                raise ParameterError(f"{pr.name}.weight", f"must be <= the plasticity rule's "
                                     f"w_max = {rule_owner.w_max}", float(w.max()))
            co_rules.append((k, rule_owner, pop_index[pr.post]))
        elif pr.plasticity is not None:
            plastic_state[pr.name] = pr.plasticity.init(m, pre, post, w.copy(), rng)
        n_syn += m
        n_row += a.n + 1
    first, last = _ranges([pop_index[pr.pre] for pr in projs], len(pops))
    stp_u0 = np.zeros(n_stp)  # u at rest: 0, or U where u relaxes to U
    for k in range(K):
        if cols["stp0"][k] >= 0:
            s0 = int(cols["stp0"][k])
            stp_u0[s0:s0 + pops[pop_index[projs[k].pre]].n] = stp[k, 3]
    table = E.Proj(first=first, last=last, **cols, stp_U=stp[:, 0].copy(),
                   stp_rec=stp[:, 1].copy(), stp_fac=stp[:, 2].copy(),
                   stp_base=stp[:, 3].copy(),
                   iptr=np.concatenate(iptrs[1:]) if K else np.zeros(1, np.int64),
                   post=(np.concatenate(posts) if K else np.zeros(0)).astype(np.int32),
                   dly=(np.concatenate(ds) if K else np.zeros(0)).astype(np.int32),
                   w=np.concatenate(ws) if K else np.zeros(0),
                   stp_u=stp_u0, stp_x=np.ones(n_stp),
                   stp_last=np.full(n_stp, -1, np.int64))
    stdp = _stdp(rules, projs, syn, pops, pop_index, start, dt)
    stdp = _coincidence(stdp, co_rules, projs, syn, pops, dt)
    proj_index = {pr.name: k for k, pr in enumerate(projs)}
    return table, stdp, syn, proj_index, plastic_state, max_d


def _stdp(rules, projs, syn, pops, pop_index, start, dt: float) -> E.Stdp:
    """The trace-rule table: per projection with a rule, its trace rows and a CSC table
    of its synapses (by postsynaptic unit); rows grouped by postsynaptic population."""
    K = len(projs)
    ic = {name: np.zeros(K, np.int64) for name in
          ("mode", "pre0", "post0", "col0", "post_start", "soft", "nearest")}
    fc = {name: np.zeros(K) for name in
          ("dr1", "dr2", "do1", "do2", "a2p", "a3p", "a2m", "a3m", "w_min", "w_max")}
    cptrs, cidxs = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    n_pre = n_post = n_col = n_c = 0
    for k, rule, post_pi in rules:
        pr = projs[k]
        pre, post, sl = syn[pr.name]
        n_a, n_b = pops[pop_index[pr.pre]].n, pops[post_pi].n
        ic["mode"][k], ic["pre0"][k], ic["post0"][k], ic["col0"][k] = 1, n_pre, n_post, n_col
        ic["post_start"][k] = start[post_pi]
        ic["soft"][k], ic["nearest"][k] = int(bool(rule.soft)), int(bool(rule.nearest))
        fc["dr1"][k], fc["dr2"][k] = dt / rule.tau_r1_ms, dt / rule.tau_r2_ms
        fc["do1"][k], fc["do2"][k] = dt / rule.tau_o1_ms, dt / rule.tau_o2_ms
        fc["a2p"][k], fc["a3p"][k], fc["a2m"][k], fc["a3m"][k] = (rule.a2p, rule.a3p,
                                                                  rule.a2m, rule.a3m)
        fc["w_min"][k], fc["w_max"][k] = rule.w_min, rule.w_max
        cptrs.append(n_c + np.concatenate(
            [[0], np.cumsum(np.bincount(post, minlength=n_b))]).astype(np.int64))
        cidxs.append(sl.start + np.argsort(post, kind="stable").astype(np.int64))
        n_c += pre.size
        n_pre += n_a
        n_post += n_b
        n_col += n_b + 1
    by_post = sorted(rules, key=lambda r: r[2])
    first, last = _ranges([r[2] for r in by_post], len(pops))
    syn_pre = [syn[pr.name][0] for pr in projs]
    columns: dict[str, Any] = {**ic, **fc}
    return E.Stdp(**columns, first=first, last=last,
                  rows=np.array([r[0] for r in by_post], np.int64),
                  cptr=np.concatenate(cptrs), cidx=np.concatenate(cidxs),
                  syn_pre=(np.concatenate(syn_pre) if K else np.zeros(0)).astype(np.int32),
                  tr_pre=np.zeros((n_pre, 2)), tr_pre_t=np.full(n_pre, -1, np.int64),
                  tr_post=np.zeros((n_post, 2)), tr_post_t=np.full(n_post, -1, np.int64))


def _coincidence(sd: E.Stdp, co_rules: list[tuple[int, CoincidenceRule, int]], projs,
                 syn, pops, dt: float) -> E.Stdp:
    """Add the coincidence-rule projections to the rule table (its columns as
    :class:`~._engine.Stdp` describes): one group of trace rows per postsynaptic
    population, appended to the trace tables (its rules must agree but for ``role``),
    each neuron with at most one cue and one context synapse (appended to ``cidx``)."""
    if not co_rules:
        return sd
    cols = {name: getattr(sd, name).copy() for name in
            ("mode", "pre0", "post0", "col0", "soft", "dr1", "do1", "do2", "a2p", "a3p",
             "a2m", "a3m", "w_min", "w_max")}
    n_tr, n_c = max(sd.tr_pre.shape[0], sd.tr_post.shape[0]), sd.cidx.size
    groups: dict[int, tuple[int, CoincidenceRule]] = {}
    n_rows = 0
    for _, rule, post_pi in co_rules:
        if post_pi not in groups:
            groups[post_pi] = (n_rows, rule)
            n_rows += pops[post_pi].n
    co_syn = np.full((n_rows, 2), -1, np.int64)
    for k, rule, post_pi in co_rules:
        pr = projs[k]
        row0, first = groups[post_pi]
        if rule.model_dump(exclude={"role"}) != first.model_dump(exclude={"role"}):
            raise ParameterError(f"{pr.name}.plasticity", "must have the same parameters "
                                 f"(but for role) as every CoincidenceRule onto {pr.post!r}")
        role = 0 if rule.role == "cue" else 1
        _, post, sl = syn[pr.name]
        rows = row0 + post
        if np.unique(rows).size != rows.size or np.any(co_syn[rows, role] >= 0):
            raise ParameterError(f"{pr.name}.connect", f"each neuron of {pr.post!r} may have "
                                 f"at most one {rule.role} synapse under a CoincidenceRule")
        co_syn[rows, role] = np.arange(sl.start, sl.stop, dtype=np.int64)
        for name, value in (("mode", E.PL_LEARN), ("pre0", n_tr + row0),
                            ("post0", n_tr + row0), ("col0", n_c + 2 * row0),
                            ("soft", E.RULE_CUE + role), ("dr1", dt / rule.tau_cue_ms),
                            ("do1", dt / rule.tau_context_ms), ("do2", rule.window_ms / dt),
                            ("a3p", rule.cue_jump), ("a3m", rule.context_jump),
                            ("a2p", rule.alpha_ltp), ("a2m", rule.alpha_ltd),
                            ("w_min", rule.w_min), ("w_max", rule.w_max)):
            cols[name][k] = value
    n = n_tr + n_rows
    return sd._replace(**cols, cidx=np.concatenate([sd.cidx, co_syn.ravel()]),
                       tr_pre=np.zeros((n, 2)), tr_pre_t=np.full(n, -1, np.int64),
                       tr_post=np.zeros((n, 2)), tr_post_t=np.full(n, -1, np.int64))


# --- drive ------------------------------------------------------------------------

def _drive(network: Network, dt: float, seed: int, start: np.ndarray,
           channel_index: dict[tuple[str, str], int]) -> tuple[E.Drive, list[str]]:
    """External Poisson inputs (grouped by target population) and scheduled spikes."""
    pops = network.populations
    pop_index = {p.name: i for i, p in enumerate(pops)}
    inputs = sorted(network.inputs, key=lambda i: pop_index[i.target])
    Q = len(inputs)
    chan, lam, weight = np.zeros(Q, np.int64), np.zeros(Q), np.zeros(Q)
    key = np.zeros(Q, np.uint64)
    for q, inp in enumerate(inputs):
        chan[q] = channel_index[(inp.target, inp.receptor)]
        kind = network.population(inp.target).receptors[inp.receptor].kind
        check_weights(f"{inp.name}.weight", np.array([inp.weight], float), kind,
                      f"Poisson input {inp.name} -> {inp.target}.{inp.receptor} "
                      f"({kind} receptor)")
        lam[q], weight[q] = inp.n_inputs * inp.rate_hz * dt * 1e-3, inp.weight
        key[q] = np.uint64(make_rng(seed, 3, _key("input", inp.name)).integers(2**63))
    first, last = _ranges([pop_index[i.target] for i in inputs], len(pops))
    times, units, owner = ([np.zeros(0, np.int64)] for _ in range(3))
    for pi, p in enumerate(pops):
        if isinstance(p.model, SpikeSource):
            at, who = np.asarray(p.model.times_ms), np.asarray(p.model.indices)
            times.append(np.floor(at / dt + 1e-9).astype(np.int64))
            units.append(who + start[pi])
            owner.append(np.full(who.size, pi, np.int64))
    sch_step = np.concatenate(times)
    o = np.argsort(sch_step, kind="stable")
    table = E.Drive(first=first, last=last, chan=chan, lam=lam, weight=weight, key=key,
                    sch_step=sch_step[o], sch_unit=np.concatenate(units)[o].astype(np.int64),
                    sch_pop=np.concatenate(owner)[o], sch_ptr=np.zeros(1, np.int64))
    return table, [i.name for i in inputs]


# --- dense projections: presynaptic gates ---------------------------------------------

def _gate_kind(r) -> int:
    if r.saturation_per_ms > 0:
        return E.G_SAT
    return E.G_BIEXP if r.has_rise else E.G_EXP


def _check_dense(network: Network, pr: Projection, dt: float) -> None:
    """What a dense projection can be: one weight, one step of delay, no short-term or
    long-term plasticity, no synapse lesion."""
    r = network.population(pr.post).receptors[pr.receptor]
    where = _where(pr, r.kind)
    if r.kind == "delta":
        raise ParameterError(f"{pr.name}.receptor", f"must not be a delta receptor "
                             f"({where}): a dense projection delivers a gated current or "
                             "conductance")
    if not isinstance(pr.weight, (int, float)):
        raise ParameterError(f"{pr.name}.weight", f"must be one number ({where}): the "
                             "profile of a dense projection is its connectivity's",
                             type(pr.weight).__name__)
    check_weights(f"{pr.name}.weight", np.array([float(pr.weight)]), r.kind, where)
    if not isinstance(pr.delay_ms, (int, float)):
        raise ParameterError(f"{pr.name}.delay_ms", f"must be one number ({where}): a dense "
                             "projection has one delay", type(pr.delay_ms).__name__)
    _check_delay(pr, r.kind, dt)
    if pr.stp is not None:
        raise ParameterError(f"{pr.name}.stp", f"must be None ({where}): short-term "
                             "plasticity on a dense projection is not supported")
    if pr.plasticity is not None:
        raise ParameterError(f"{pr.name}.plasticity", f"must be None ({where}): a dense "
                             "projection has no per-synapse weights to learn")
    for les in network.lesions:
        if isinstance(les, RemoveSynapses) and les.projection == pr.name:
            raise ParameterError("lesions", f"RemoveSynapses cannot thin the dense "
                                 f"projection {pr.name} (remove it, or its neurons)")


def _gates(network: Network, dt: float, channel_index: dict[tuple[str, str], int],
           rows: list[dict[str, float]]) -> E.Gates:
    """The gates (one per presynaptic population and kinetics), the dense rows and their
    kernels; marks the gated channels in ``rows`` (``gated``)."""
    pops = network.populations
    pop_index = {p.name: i for i, p in enumerate(pops)}
    removed = {les.projection for les in network.lesions if isinstance(les, RemoveProjection)}
    dense = [pr for pr in network.projections if isinstance(pr.connect, Dense)]
    targets = {(pr.post, pr.receptor) for pr in dense}
    for pr in network.projections:
        r = network.population(pr.post).receptors[pr.receptor]
        if isinstance(pr.connect, Dense):
            _check_dense(network, pr, dt)
        elif (pr.post, pr.receptor) in targets:
            raise ParameterError(f"{pr.name}.receptor", f"{pr.post}.{pr.receptor} is set by "
                                 "dense projections (presynaptic gating); give the sparse "
                                 "projection its own receptor", pr.receptor)
        elif r.saturation_per_ms > 0:
            raise ParameterError(f"{pr.name}.connect", f"must be dense (AllToAll, DenseRing, "
                                 f"DenseMatrix): {pr.post}.{pr.receptor} has saturating "
                                 "kinetics, which live per presynaptic neuron",
                                 type(pr.connect).__name__)
    for inp in network.inputs:
        r = network.population(inp.target).receptors[inp.receptor]
        if (inp.target, inp.receptor) in targets or r.saturation_per_ms > 0:
            raise ParameterError(f"{inp.name}.receptor", f"{inp.target}.{inp.receptor} is "
                                 "gated by dense projections (or saturating); give the "
                                 "Poisson input its own receptor", inp.receptor)
    dense = sorted((pr for pr in dense if pr.name not in removed),
                   key=lambda pr: pop_index[pr.pre])
    gate_of: dict[tuple, int] = {}
    g_cols: dict[str, list[float]] = {k: [] for k in ("pop", "kind", "off", "ed", "er", "coef",
                                                      "norm", "alpha", "xmid", "inv_tau",
                                                      "dly")}
    d_cols: dict[str, list[float]] = {k: [] for k in ("gate", "chan", "npost", "mode", "w",
                                                      "k0")}
    kern: list[np.ndarray] = []
    mat: list[np.ndarray] = []
    n_kern = n_mat = n_state = 0
    for pr in dense:
        conn = typing.cast(Dense, pr.connect)
        pi = pop_index[pr.pre]
        n_pre, n_post = pops[pi].n, network.population(pr.post).n
        r = network.population(pr.post).receptors[pr.receptor]
        d = steps(f"{pr.name}.delay_ms", typing.cast(float, pr.delay_ms), dt, 1)
        key = (pi, _gate_kind(r), r.tau_decay_ms, r.tau_rise_ms, r.saturation_per_ms, d)
        if key not in gate_of:
            gate_of[key] = len(g_cols["pop"])
            ed = math.exp(-dt / r.tau_decay_ms)
            er = math.exp(-dt / r.tau_rise_ms) if r.tau_rise_ms > 0 else 0.0
            coef, norm = (_biexp(r.tau_rise_ms, r.tau_decay_ms, dt) if key[1] == E.G_BIEXP
                          else (0.0, 1.0))
            xmid = math.exp(-dt / (2 * r.tau_rise_ms)) if r.tau_rise_ms > 0 else 0.0
            for k, v in zip(g_cols, (pi, key[1], n_state, ed, er, coef, norm,
                                     r.saturation_per_ms, xmid, 1.0 / r.tau_decay_ms, d),
                            strict=True):
                g_cols[k].append(v)
            n_state += n_pre
        c = channel_index[(pr.post, pr.receptor)]
        rows[c]["gated"] = 1
        mode = {"uniform": E.D_UNIFORM, "ring": E.D_RING, "matrix": E.D_MATRIX}[conn.mode]
        k0 = 0
        if mode == E.D_RING:
            with _named(pr):
                conn.matrix(n_pre, n_post)  # checks the sizes
            kern.append(np.fft.rfft(typing.cast(DenseRing, conn).profile(n_pre)))
            k0, n_kern = n_kern, n_kern + kern[-1].size
        elif mode == E.D_MATRIX:
            with _named(pr):
                w = conn.matrix(n_pre, n_post)
            mat.append(np.ascontiguousarray(w, dtype=np.float64).ravel())
            k0, n_mat = n_mat, n_mat + mat[-1].size
        for k, v in zip(d_cols, (gate_of[key], c, n_post, mode, typing.cast(float, pr.weight), k0),
                        strict=True):
            d_cols[k].append(v)
    # gates sorted by population (they were created in that order)
    first, last = _ranges([int(x) for x in g_cols["pop"]], len(pops))
    chans = sorted({int(c) for c in d_cols["chan"]})
    pop_of_chan = {}
    for p in pops:
        for rname in p.receptors:
            pop_of_chan[channel_index[(p.name, rname)]] = p.n
    i8 = lambda v: np.array(v, np.int64)  # noqa: E731
    f8 = lambda v: np.array(v, float)  # noqa: E731
    return E.Gates(pop=i8(g_cols["pop"]), kind=i8(g_cols["kind"]), off=i8(g_cols["off"]),
                   ed=f8(g_cols["ed"]), er=f8(g_cols["er"]), coef=f8(g_cols["coef"]),
                   norm=f8(g_cols["norm"]), alpha=f8(g_cols["alpha"]),
                   xmid=f8(g_cols["xmid"]), s=np.zeros(n_state), x=np.zeros(n_state),
                   pend=np.zeros((int(max([1, *g_cols["dly"]])), n_state)),
                   dly=i8(g_cols["dly"]), inv_tau=f8(g_cols["inv_tau"]), first=first,
                   last=last, chans=i8(chans), chan_n=i8([pop_of_chan[c] for c in chans]),
                   d_gate=i8(d_cols["gate"]), d_chan=i8(d_cols["chan"]),
                   d_npost=i8(d_cols["npost"]), d_mode=i8(d_cols["mode"]),
                   d_w=f8(d_cols["w"]), d_k0=i8(d_cols["k0"]),
                   kern=(np.concatenate(kern) if kern else np.zeros(0, np.complex128)),
                   mat=np.concatenate(mat) if mat else np.zeros(0))


# --- the whole ----------------------------------------------------------------------

def _state(net: E.Net, t: np.ndarray) -> dict[str, np.ndarray]:
    """Every mutable array of the tables, by name."""
    u, c, pj, sd, dr = net.units, net.chans, net.proj, net.stdp, net.drive
    return dict(t=t, v=u.v, a1=u.a1, a2=u.a2, a3=u.a3, refr=u.refr, flag=u.flag,
                ibias=u.ibias, gs=u.gs, gse=u.gse, g=c.g, h=c.h, buf=c.buf, scale=c.scale,
                prob=net.pops.prob, cond=net.pops.cond, w=pj.w, stp_u=pj.stp_u,
                stp_x=pj.stp_x, stp_last=pj.stp_last, mode=sd.mode, tr_pre=sd.tr_pre,
                tr_pre_t=sd.tr_pre_t, tr_post=sd.tr_post, tr_post_t=sd.tr_post_t,
                lam=dr.lam, sch_ptr=dr.sch_ptr, gate_s=net.gates.s, gate_x=net.gates.x,
                gate_pend=net.gates.pend)


def build(network: Network, *, dt_ms: float = 0.1, seed: int = 0) -> Built:
    """Draw the connectivity, weights, delays and initial state; lay out the tables.

    Examples
    --------
    >>> from engramlab.network import FixedProbability, Population, Projection, Uniform
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import AMPA
    >>> pop = Population("E", 30, LIF(), {"exc": AMPA()}, v0_mv=Uniform(-60.0, -50.0))
    >>> net = Network([pop], [Projection("E", "E", "exc", FixedProbability(0.1))])
    >>> a, b = build(net, seed=1), build(net, seed=1)
    >>> a.syn["E_E_exc"][0].size  # synapses drawn: about 0.1 x 30 x 29 = 87
    83
    >>> np.array_equal(a.state["v"], b.state["v"])  # same seed, same network
    True
    >>> build(net, dt_ms=3.0)  # more than half the fastest time constant
    Traceback (most recent call last):
        ...
    engramlab.core.errors.ParameterError: parameter 'dt_ms' must be <= half the ...
    """
    if not isinstance(network, Network):
        raise ParameterError("network", "must be a Network", type(network).__name__)
    seed = check_seed(seed)
    dt = float(dt_ms)
    _check_dt(network, dt)
    pops = network.populations
    start = np.cumsum([0] + [p.n for p in pops]).astype(np.int64)
    rows, channel_index, ch_range, n_slots = _channel_rows(network, dt)
    for r in rows:
        r["gated"] = 0
    gates = _gates(network, dt, channel_index, rows)
    table, units = _populations(network, dt, seed, start, ch_range)
    for c in gates.chans:  # a gated channel is integrated by exponential Euler
        table.cond[np.searchsorted(ch_range[1], c, side="right")] = 1
    chan_off = {k: int(rows[c]["off"]) for k, c in channel_index.items()}
    proj, stdp, syn, proj_index, plastic_state, max_d = _projections(
        network, dt, seed, start, chan_off)
    drive, input_names = _drive(network, dt, seed, start, channel_index)
    n_max = max([1] + [p.n for p in pops])
    work = E.Work(spiked=np.zeros(n_max, np.int64), dv=np.zeros(n_max),
                  vnew=np.zeros(n_max), vpre=np.zeros(n_max), gtot=np.zeros(n_max),
                  itot=np.zeros(n_max), bits=np.zeros(n_max, np.int64),
                  cdf=np.zeros((max(1, drive.lam.size), 201)),
                  cdf_lam=np.full(max(1, drive.lam.size), np.nan),
                  kin=np.zeros((max(1, int(np.max(drive.last - drive.first, initial=0))), n_max)))
    chans = _channels(rows, n_slots, max_d)
    chans.gated[:] = [int(r["gated"]) for r in rows]
    net = E.Net(dt, table, chans, units, proj, stdp, drive, work, gates)
    return Built(network, dt, seed, {p.name: i for i, p in enumerate(pops)}, channel_index,
                 proj_index, syn, net, _state(net, np.zeros(1, np.int64)),
                 table.prob.copy(), drive.lam.copy(), units.ibias.copy(), table.cond.copy(),
                 plastic_state, input_names)
