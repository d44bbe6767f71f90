r"""The compiled time loop of the network engine.

One call of :func:`advance` runs ``n_steps`` steps of the whole network. Everything is
flat arrays (built by :mod:`engramlab.network.simulate`); this module knows no Python
objects. Per step ``t`` (time :math:`t\,\Delta t` to :math:`(t+1)\,\Delta t`):

1. input arrival: the ring-buffer slot ``t mod D`` is added to the synaptic channels
   (a ``delta`` channel jumps the membrane potential of non-refractory neurons), then
   the external Poisson inputs draw their counts;
2. every population integrates one step (model equations below); a neuron reaching
   threshold spikes, is reset and enters its refractory period; a spike source fires;
3. every spike is sent through the CSR rows of its outgoing projections into slot
   ``(t + d) mod D`` (``d >= 1`` steps of delay), scaled by Tsodyks-Markram ``u x``
   where the projection has short-term plasticity;
4. the synaptic channels of the population decay exactly over the step.

A spike is time-stamped :math:`t\,\Delta t` (the start of the step in which threshold
was crossed) and acts on its targets from :math:`(t + d)\,\Delta t`.

Models, with :math:`I_s` the synaptic currents and :math:`g_s` the conductances (times
:math:`B(V)` for Mg2+-blocked channels) at the start of the step:

LIF, only current / delta inputs (exact; Rotter & Diesmann 1999):
    :math:`V' = E_L + (V - E_L) e^{-\Delta t/\tau_m} + \sum_s P_{21,s} I_s
    + I_b (1 - e^{-\Delta t/\tau_m}) / g_L`, with
    :math:`P_{21,s} = \frac{\tau_m \tau_s}{C (\tau_s - \tau_m)}
    (e^{-\Delta t/\tau_s} - e^{-\Delta t/\tau_m})`.
LIF with conductances (exponential Euler, exact for frozen conductances):
    :math:`G = g_L + \sum g_s`, :math:`V_\infty = (g_L E_L + \sum g_s E_s + I)/G`,
    :math:`V' = V_\infty + (V - V_\infty) e^{-\Delta t\, G / C}`.
AdEx (Brette & Gerstner 2005): the same exponential Euler with the spike current
    :math:`g_L \Delta_T e^{(V - V_T)/\Delta_T}` and :math:`-w` frozen over the step;
    :math:`w' = a(V - E_L) + (w - a(V - E_L)) e^{-\Delta t/\tau_w}`; at
    :math:`V \ge V_{peak}`: :math:`V \leftarrow V_r`, :math:`w \leftarrow w + b`.
Hodgkin-Huxley: gates exact for frozen V, :math:`x' = x_\infty + (x - x_\infty)
    e^{-\Delta t/\tau_x}`, then V by exponential Euler with the total conductance; a
    spike is an upward crossing of ``v_spike``.

Long-term plasticity (trace rules: pair and triplet STDP,
:class:`~engramlab.plasticity.stdp.TraceRule`) runs inside the loop, event by event: a
presynaptic spike is sent with the current weight and then depresses each synapse it
used by :math:`s_-(w)\, o_1 (a_{2-} + a_{3-} r_2)`; a postsynaptic spike potentiates
each plastic synapse onto the neuron (a CSC table per projection) by
:math:`s_+(w)\, r_1 (a_{2+} + a_{3+} o_2)`; weights are clipped to the rule's bounds.
Each neuron keeps its two traces as they were just before its last spike and the step
of that spike; a trace is read as that value plus the jump, decayed exactly
(:math:`e^{-(t - t_l)\Delta t/\tau}`), or as the stored value for a spike in the same
step, so simultaneous pre and post spikes do not interact. Within a step, spikes are
processed in population order. With plasticity off (a phase), traces still follow the
spikes and weights stay exactly as they are.

Poisson sources draw, per step and population, :math:`K \sim
\mathrm{Poisson}(n\lambda)` spikes with :math:`\lambda = -\ln(1 - r\Delta t)` and put
each on a unit drawn uniformly (Poisson splitting: every unit gets an independent
Poisson(:math:`\lambda`) count; a unit drawn twice spikes once, so a unit spikes in a
step with probability exactly :math:`r \Delta t`); above :math:`n\lambda` = 30 they
draw one uniform per unit instead.

Randomness (Poisson inputs and sources) is counter-based: the uniform for unit ``i`` at
step ``t`` of stream ``key`` is a SplitMix64 hash of ``(key, t, i)``. There is no
generator state to carry, so a snapshot / restore continues with the same numbers.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os

import numpy as np

__all__ = ["ERR_NONE", "ERR_NONFINITE", "HAVE_NUMBA", "advance", "compiled", "uniform_np"]

#: Numba is importable (imported only when the loop is first compiled).
HAVE_NUMBA = importlib.util.find_spec("numba") is not None

ERR_NONE = 0
ERR_NONFINITE = 1

K_LIF, K_ADEX, K_HH, K_POISSON, K_SCHEDULED = 0, 1, 2, 10, 11
C_DELTA, C_CURRENT, C_COND = 0, 1, 2

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_ODD = np.uint64(0xD1B54A32D192ED03)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TWO53 = 1.0 / 9007199254740992.0
V_LIMIT = 1.0e4  # |V| beyond this (mV) is divergence


def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def _uniform(key, t, i):
    """Uniform in [0, 1) for (stream ``key``, step ``t``, unit ``i``)."""
    z = _mix(key + np.uint64(t) * _GOLDEN)
    z = _mix(z ^ (np.uint64(i) * _ODD + _GOLDEN))
    return float(z >> _S11) * _TWO53


def _poisson(lam, emlam, key, t, i):
    """Poisson count with mean ``lam`` (``emlam`` = exp(-lam)) by inversion of one
    uniform; above a mean of 30, the normal approximation (two uniforms)."""
    if lam <= 0.0:
        return 0
    if lam > 30.0:
        u1 = _uniform(key, t, 2 * i)
        u2 = _uniform(key, t, 2 * i + 1)
        z = math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)
        k = math.floor(lam + math.sqrt(lam) * z + 0.5)
        return k if k > 0 else 0
    u = _uniform(key, t, i)
    p = emlam
    s = p
    k = 0
    while u > s and k < 200:
        k += 1
        p *= lam / k
        s += p
    return k


def _xexp(x):
    """x / (1 - exp(-x)), continuous at 0."""
    if abs(x) < 1e-7:
        return 1.0 + 0.5 * x
    return x / (1.0 - math.exp(-x))


def _mg(v, mg_mm):
    return 1.0 / (1.0 + mg_mm / 3.57 * math.exp(-0.062 * v))


def _trace(tb, tt, i, t, decay, nearest, col):
    """Trace ``col`` of unit ``i`` at step ``t``, just before a spike at ``t``: ``tb``
    holds each trace just before the unit's last spike (at step ``tt``; -1: never),
    ``decay`` is dt / tau."""
    tl = tt[i]
    if tl < 0:
        return 0.0
    if tl == t:
        return tb[i, col]
    after = 1.0 if nearest else tb[i, col] + 1.0
    return after * math.exp(-(t - tl) * decay)


def _jump(tb, tt, i, t, decay1, decay2, nearest):
    """Unit ``i`` spikes at step ``t``: keep its two traces as of just before."""
    if tt[i] != t:
        b1 = _trace(tb, tt, i, t, decay1, nearest, 0)
        b2 = _trace(tb, tt, i, t, decay2, nearest, 1)
        tb[i, 0] = b1
        tb[i, 1] = b2
        tt[i] = t


def _post_stdp(j, p, t, w, pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t, cptr, cidx,
               syn_pre, plin, plin_k):
    """Unit ``j`` of population ``p`` spiked: potentiate its plastic inputs (the
    trace rule of :class:`~engramlab.plasticity.stdp.TraceRule`), then its traces."""
    for m in range(plin[p, 0], plin[p, 1]):
        k = plin_k[m]
        jl = j - pl_i[k, 4]
        po = pl_i[k, 2] + jl
        nearest = pl_f[k, 11] > 0.0
        if pl_i[k, 0] == 1:
            amp = pl_f[k, 4] + pl_f[k, 5] * _trace(tr_post, tr_post_t, po, t, pl_f[k, 3],
                                                   nearest, 1)
            soft = pl_f[k, 10] > 0.0
            wmax = pl_f[k, 9]
            pre_off = pl_i[k, 1]
            c = pl_i[k, 3] + jl
            for e in range(cptr[c], cptr[c + 1]):
                sq = cidx[e]
                x1 = _trace(tr_pre, tr_pre_t, pre_off + syn_pre[sq], t, pl_f[k, 0], nearest, 0)
                if x1 > 0.0:
                    dw = x1 * amp
                    if soft:
                        dw *= wmax - w[sq]
                    wn = w[sq] + dw
                    w[sq] = wmax if wn > wmax else wn
        _jump(tr_post, tr_post_t, po, t, pl_f[k, 2], pl_f[k, 3], nearest)


def _deliver(j, p, t, pop_proj, pj_i, iptr, post, w, dly, stp_f, stp_u, stp_x, stp_last,
             ch_i, bflat, D, S, dt, pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t):
    """Send a spike of global unit ``j`` (population ``p``) into the delay buffer
    (``bflat``: the ``D x S`` ring buffer, flattened)."""
    base = t % D
    for k in range(pop_proj[p, 0], pop_proj[p, 1]):
        local = j - pj_i[k, 5]
        off = ch_i[pj_i[k, 1], 2]
        so = pj_i[k, 4]
        rel = 1.0
        if so >= 0:
            s = so + local
            U = stp_f[k, 0]
            if stp_last[s] >= 0:
                gap = (t - stp_last[s]) * dt
                stp_x[s] = 1.0 - (1.0 - stp_x[s]) * math.exp(-gap / stp_f[k, 1])
                if stp_f[k, 2] > 0.0:
                    stp_u[s] = stp_u[s] * math.exp(-gap / stp_f[k, 2])
            if stp_f[k, 2] > 0.0:
                stp_u[s] = stp_u[s] + U * (1.0 - stp_u[s])
            else:
                stp_u[s] = U
            rel = stp_u[s] * stp_x[s]
            stp_x[s] -= rel
            stp_last[s] = t
        a = pj_i[k, 3] + local
        syn0 = pj_i[k, 2]
        if pl_i[k, 0] != 0:
            _deliver_plastic(k, local, t, base, a, syn0, off, rel, iptr, post, w, dly, bflat,
                             D, S, pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t)
            continue
        for q in range(iptr[a], iptr[a + 1]):
            sq = syn0 + q
            r = base + dly[sq]
            if r >= D:
                r -= D
            bflat[r * S + off + post[sq]] += w[sq] * rel


def _deliver_plastic(k, local, t, base, a, syn0, off, rel, iptr, post, w, dly, bflat, D, S,
                     pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t):
    """:func:`_deliver` for a projection with a compiled trace rule: the spike is sent
    with the weight before its own depression, then depresses (``pl_i[k, 0] == 1``)
    and the presynaptic traces jump."""
    mode = pl_i[k, 0]
    nearest = pl_f[k, 11] > 0.0
    pre_tr = pl_i[k, 1] + local
    post_off = pl_i[k, 2]
    amp = pl_f[k, 6] + pl_f[k, 7] * _trace(tr_pre, tr_pre_t, pre_tr, t, pl_f[k, 1],
                                           nearest, 1)
    soft = pl_f[k, 10] > 0.0
    wmin = pl_f[k, 8]
    for q in range(iptr[a], iptr[a + 1]):
        sq = syn0 + q
        r = base + dly[sq]
        if r >= D:
            r -= D
        bflat[r * S + off + post[sq]] += w[sq] * rel
        if mode == 1:
            y1 = _trace(tr_post, tr_post_t, post_off + post[sq], t, pl_f[k, 2], nearest, 0)
            if y1 > 0.0:
                dw = y1 * amp
                if soft:
                    dw *= w[sq] - wmin
                wn = w[sq] - dw
                w[sq] = wmin if wn < wmin else wn
    _jump(tr_pre, tr_pre_t, pre_tr, t, pl_f[k, 0], pl_f[k, 1], nearest)


def _arrive(x, c, s, ch_i, ch_f, g, h):
    """Input ``x`` arriving on channel ``c`` at slot ``s``; returns a delta jump (mV)."""
    kind = ch_i[c, 0]
    if kind == C_DELTA:
        return x * ch_f[c, 7]
    if ch_f[c, 1] > 0.0:
        h[s] += x * ch_f[c, 7] * ch_f[c, 3]
    else:
        g[s] += x * ch_f[c, 7]
    return 0.0


def _emit(j, p, t, step, nspk, spk_t, spk_i, counts, pop_proj, pj_i, iptr, post, w, dly,
          stp_f, stp_u, stp_x, stp_last, ch_i, bflat, D, S, dt,
          pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t, cptr, cidx, syn_pre, plin, plin_k):
    """Record a spike of unit ``j`` and send it on (depressing plastic synapses it
    uses); potentiate the plastic synapses onto it; returns the new spike count."""
    spk_t[nspk] = t
    spk_i[nspk] = j
    counts[step, p] += 1
    _deliver(j, p, t, pop_proj, pj_i, iptr, post, w, dly, stp_f, stp_u, stp_x, stp_last,
             ch_i, bflat, D, S, dt, pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t)
    if plin[p, 1] > plin[p, 0]:
        _post_stdp(j, p, t, w, pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t, cptr, cidx,
                   syn_pre, plin, plin_k)
    return nspk + 1


def _advance(t0, n_steps, dt,
             pop_i, pop_f, pop_key, ch_i, ch_f, g, h, buf,
             v, a1, a2, a3, refr, flag, ibias, gs, gse,
             pop_proj, pj_i, iptr, post, w, dly, stp_f, stp_u, stp_x, stp_last,
             pop_in, in_i, in_f, in_key, sch_step, sch_unit, sch_ptr,
             spk_t, spk_i, counts, rec_unit, rec_var, rec_every, rec_out,
             pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t, cptr, cidx, syn_pre, plin,
             plin_k, status):
    """Run steps ``t0 .. t0 + n_steps - 1``; returns the number of steps done.

    ``status`` (int64[6]) returns: [0] spikes written, [1] samples written, [2] error
    code, [3] error step, [4] error unit, [5] spare. The loop stops early, before a
    step, when the spike buffer could overflow. Each neuron is visited once per step:
    arrivals, external drive, integration, channel decay, threshold, and its spike is
    delivered at once (delays are at least one step, so the current step's slot is
    never written).
    """
    P = pop_i.shape[0]
    D = buf.shape[0]
    S = buf.shape[1]
    bflat = buf.reshape(D * S)
    n_total = v.shape[0]
    nspk = status[0]
    nrec = status[1]
    cap = spk_t.shape[0]
    max_n = 1
    for p in range(P):
        max_n = max(max_n, pop_i[p, 2] - pop_i[p, 1])
    dvs = np.zeros(max_n)
    vtmp = np.zeros(max_n)
    vpre = np.zeros(max_n)
    Gt = np.zeros(max_n)
    It = np.zeros(max_n)
    # channel constants as flat local arrays (fixed within a call)
    R = ch_i.shape[0]
    c_kind = np.empty(R, np.int64)
    c_off = np.empty(R, np.int64)
    c_sc = np.empty(R)
    c_p21 = np.empty(R)
    c_ed = np.empty(R)
    for c in range(R):
        c_kind[c] = ch_i[c, 0]
        c_off[c] = ch_i[c, 2]
        c_sc[c] = ch_f[c, 7]
        c_p21[c] = ch_f[c, 6]
        c_ed[c] = ch_f[c, 0]
    for step in range(n_steps):
        t = t0 + step
        if nspk + n_total > cap:
            status[0] = nspk
            status[1] = nrec
            return step
        slot = t % D
        # scheduled sources fire at their steps
        while sch_ptr[0] < sch_step.shape[0] and sch_step[sch_ptr[0]] <= t:
            if sch_step[sch_ptr[0]] == t:
                j = sch_unit[sch_ptr[0]]
                if refr[j] >= 0:
                    p = 0
                    while not (pop_i[p, 1] <= j < pop_i[p, 2]):
                        p += 1
                    nspk = _emit(j, p, t, step, nspk, spk_t, spk_i, counts, pop_proj, pj_i,
                                 iptr, post, w, dly, stp_f, stp_u, stp_x, stp_last, ch_i,
                                 bflat, D, S, dt,
                                 pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t,
                                 cptr, cidx, syn_pre, plin, plin_k)
            sch_ptr[0] += 1
        for p in range(P):
            kind = pop_i[p, 0]
            start = pop_i[p, 1]
            stop = pop_i[p, 2]
            c0 = pop_i[p, 3]
            c1 = pop_i[p, 4]
            cond = pop_i[p, 5]
            ref_steps = pop_i[p, 6]
            if kind == K_POISSON:
                prob = pop_f[p, 0]
                n_p = stop - start
                lam_tot = n_p * -math.log1p(-prob) if prob < 1.0 else math.inf
                if prob > 0.0 and lam_tot <= 30.0:
                    # sparse: K ~ Poisson(n lambda) spikes, each on a unit drawn uniformly
                    # (Poisson splitting: independent Poisson(lambda) counts per unit);
                    # a unit drawn twice spikes once, so P(spike) = 1 - e^-lambda = prob
                    k_tot = _poisson(lam_tot, math.exp(-lam_tot), pop_key[p], t, n_p)
                    for m_ in range(k_tot):
                        jl = int(_uniform(pop_key[p], t, n_p + 1 + m_) * n_p)
                        j = start + (jl if jl < n_p else n_p - 1)
                        if refr[j] >= 0 and flag[j] == 0:
                            flag[j] = 1
                            nspk = _emit(j, p, t, step, nspk, spk_t, spk_i, counts, pop_proj,
                                         pj_i, iptr, post, w, dly, stp_f, stp_u, stp_x,
                                         stp_last, ch_i, bflat, D, S, dt,
                                         pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t,
                                         cptr, cidx, syn_pre, plin, plin_k)
                    for m_ in range(k_tot):
                        jl = int(_uniform(pop_key[p], t, n_p + 1 + m_) * n_p)
                        flag[start + (jl if jl < n_p else n_p - 1)] = 0
                elif prob > 0.0:
                    for j in range(start, stop):
                        if refr[j] >= 0 and _uniform(pop_key[p], t, j - start) < prob:
                            nspk = _emit(j, p, t, step, nspk, spk_t, spk_i, counts, pop_proj,
                                         pj_i, iptr, post, w, dly, stp_f, stp_u, stp_x,
                                         stp_last, ch_i, bflat, D, S, dt,
                                         pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t,
                                         cptr, cidx, syn_pre, plin, plin_k)
                continue
            if kind == K_SCHEDULED:
                continue
            C = pop_f[p, 0]
            n_p = stop - start
            # LIF with only current / delta inputs: one fused exact pass per neuron
            fused = kind == K_LIF and cond == 0
            # 1. arrivals from the delay buffer (one branch-free pass per channel)
            has_dv = False
            for c in range(c0, c1):
                if fused and c_kind[c] == C_CURRENT:
                    continue
                off = ch_i[c, 2]
                rv = buf[slot, off:off + n_p]
                sc = ch_f[c, 7]
                if ch_i[c, 0] == C_DELTA:
                    if not has_dv:
                        dvs[:n_p] = 0.0
                        has_dv = True
                    for jl in range(n_p):
                        dvs[jl] += rv[jl] * sc
                        rv[jl] = 0.0
                else:
                    if ch_f[c, 1] > 0.0:
                        sc *= ch_f[c, 3]
                        tv = h[off:off + n_p]
                    else:
                        tv = g[off:off + n_p]
                    for jl in range(n_p):
                        tv[jl] += rv[jl] * sc
                        rv[jl] = 0.0
            # external Poisson drive
            for q in range(pop_in[p, 0], pop_in[p, 1]):
                lam = in_f[q, 0]
                if lam <= 0.0:
                    continue
                c = in_i[q, 0]
                off = ch_i[c, 2]
                if ch_i[c, 0] == C_DELTA and not has_dv:
                    dvs[:n_p] = 0.0
                    has_dv = True
                emlam = math.exp(-lam)
                for jl in range(n_p):
                    k = _poisson(lam, emlam, in_key[q], t, jl)
                    if k > 0:
                        dvs[jl] += _arrive(k * in_f[q, 1], c, off + jl, ch_i, ch_f, g, h)
            # 2. integration
            if fused:
                # exact propagator (arrival, integration and decay of the currents in
                # one pass); refractory neurons keep their potential
                EL = pop_f[p, 2]
                P22 = pop_f[p, 5]
                B = pop_f[p, 6]
                vth = pop_f[p, 3]
                vr = pop_f[p, 4]
                row = buf[slot]
                # views with non-negative loop indices: no wrap-around checks, SIMD
                vv = v[start:stop]
                bv = ibias[start:stop]
                rf = refr[start:stop]
                for jl in range(n_p):
                    vtmp[jl] = EL + (vv[jl] - EL) * P22 + bv[jl] * B
                if has_dv:
                    for jl in range(n_p):
                        vtmp[jl] += dvs[jl] * P22
                for c in range(c0, c1):
                    if c_kind[c] != C_CURRENT:
                        continue
                    gv = g[c_off[c]:c_off[c] + n_p]
                    rv = row[c_off[c]:c_off[c] + n_p]
                    sc = c_sc[c]
                    p21 = c_p21[c]
                    ed = c_ed[c]
                    for jl in range(n_p):
                        x = gv[jl] + rv[jl] * sc
                        rv[jl] = 0.0
                        vtmp[jl] += p21 * x
                        gv[jl] = x * ed
                for jl in range(n_p):
                    if rf[jl] != 0:
                        if rf[jl] > 0:
                            rf[jl] -= 1
                        continue
                    vn = vtmp[jl]
                    if vn >= vth:
                        vv[jl] = vr
                        rf[jl] = ref_steps
                        nspk = _emit(start + jl, p, t, step, nspk, spk_t, spk_i, counts,
                                     pop_proj, pj_i, iptr, post, w, dly, stp_f, stp_u, stp_x,
                                     stp_last, ch_i, bflat, D, S, dt,
                                     pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t,
                                     cptr, cidx, syn_pre, plin, plin_k)
                    elif abs(vn) < V_LIMIT:
                        vv[jl] = vn
                    else:
                        status[0] = nspk
                        status[1] = nrec
                        status[2] = ERR_NONFINITE
                        status[3] = t
                        status[4] = start + jl
                        return step
            elif kind == K_LIF or kind == K_ADEX:
                # exponential Euler with the conductances frozen over the step, as
                # passes over views: G and I summed channel by channel
                gL = pop_f[p, 1]
                EL = pop_f[p, 2]
                vv = v[start:stop]
                rf = refr[start:stop]
                for jl in range(n_p):
                    vpre[jl] = vv[jl]
                if has_dv:
                    for jl in range(n_p):
                        if rf[jl] == 0:
                            vpre[jl] += dvs[jl]
                gsv = gs[start:stop]
                gev = gse[start:stop]
                bv = ibias[start:stop]
                for jl in range(n_p):
                    Gt[jl] = gL + gsv[jl]
                    It[jl] = gL * EL + bv[jl] + gev[jl]
                if kind == K_ADEX:
                    wv = a1[start:stop]
                    vt_ = pop_f[p, 3]
                    dT = pop_f[p, 4]
                    for jl in range(n_p):
                        arg = (vpre[jl] - vt_) / dT
                        if arg > 30.0:
                            arg = 30.0
                        It[jl] += gL * dT * math.exp(arg) - wv[jl]
                for c in range(c0, c1):
                    ck = c_kind[c]
                    if ck == C_DELTA:
                        continue
                    gv = g[c_off[c]:c_off[c] + n_p]
                    if ck == C_CURRENT:
                        for jl in range(n_p):
                            It[jl] += gv[jl]
                    else:
                        e_rev = ch_f[c, 4]
                        if ch_i[c, 3] == 1:
                            mg = ch_f[c, 5]
                            for jl in range(n_p):
                                gb = gv[jl] * _mg(vpre[jl], mg)
                                Gt[jl] += gb
                                It[jl] += gb * e_rev
                        else:
                            for jl in range(n_p):
                                Gt[jl] += gv[jl]
                                It[jl] += gv[jl] * e_rev
                for jl in range(n_p):
                    if rf[jl] != 0:  # refractory (> 0) or removed (< 0)
                        if rf[jl] > 0:
                            rf[jl] -= 1
                        continue
                    vj = vpre[jl]
                    vinf = It[jl] / Gt[jl]
                    vn = vinf + (vj - vinf) * math.exp(-dt * Gt[jl] / C)
                    spike = False
                    if kind == K_ADEX:
                        winf = pop_f[p, 6] * (vj - EL)
                        a1[start + jl] = winf + (a1[start + jl] - winf) * pop_f[p, 5]
                        if vn >= pop_f[p, 9]:
                            spike = True
                            vn = pop_f[p, 8]
                            a1[start + jl] += pop_f[p, 7]
                    elif vn >= pop_f[p, 3]:
                        spike = True
                        vn = pop_f[p, 4]
                    if not (abs(vn) < V_LIMIT):
                        status[0] = nspk
                        status[1] = nrec
                        status[2] = ERR_NONFINITE
                        status[3] = t
                        status[4] = start + jl
                        return step
                    vv[jl] = vn
                    if spike:
                        rf[jl] = ref_steps
                        nspk = _emit(start + jl, p, t, step, nspk, spk_t, spk_i, counts,
                                     pop_proj, pj_i, iptr, post, w, dly, stp_f, stp_u, stp_x,
                                     stp_last, ch_i, bflat, D, S, dt,
                                     pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t,
                                     cptr, cidx, syn_pre, plin, plin_k)
            else:  # Hodgkin-Huxley
                for jl in range(n_p):
                    j = start + jl
                    if refr[j] != 0:  # refractory (> 0) or removed (< 0)
                        if refr[j] > 0:
                            refr[j] -= 1
                        continue
                    vj = v[j]
                    if has_dv:
                        vj += dvs[jl]
                    spike = False
                    if kind == K_HH:
                        sc = pop_f[p, 8]
                        am = _xexp((vj + 40.0) / 10.0)
                        bm = 4.0 * math.exp(-(vj + 65.0) / 18.0)
                        ah = 0.07 * math.exp(-(vj + 65.0) / 20.0)
                        bh = 1.0 / (1.0 + math.exp(-(vj + 35.0) / 10.0))
                        an = 0.1 * _xexp((vj + 55.0) / 10.0)
                        bn = 0.125 * math.exp(-(vj + 65.0) / 80.0)
                        s_m = am + bm
                        s_h = ah + bh
                        s_n = an + bn
                        m = am / s_m + (a1[j] - am / s_m) * math.exp(-dt * s_m)
                        hh = ah / s_h + (a2[j] - ah / s_h) * math.exp(-dt * s_h)
                        n = an / s_n + (a3[j] - an / s_n) * math.exp(-dt * s_n)
                        a1[j] = m
                        a2[j] = hh
                        a3[j] = n
                        gna = pop_f[p, 1] * m * m * m * hh
                        gk = pop_f[p, 2] * n * n * n * n
                        G = gna + gk + pop_f[p, 3] + gs[j] * sc
                        i_tot = (gna * pop_f[p, 4] + gk * pop_f[p, 5] + pop_f[p, 3] * pop_f[p, 6]
                             + (ibias[j] + gse[j]) * sc)
                    else:
                        sc = 1.0
                        gL = pop_f[p, 1]
                        EL = pop_f[p, 2]
                        G = gL + gs[j]
                        i_tot = gL * EL + ibias[j] + gse[j]
                        if kind == K_ADEX:
                            arg = (vj - pop_f[p, 3]) / pop_f[p, 4]
                            if arg > 30.0:
                                arg = 30.0
                            i_tot += gL * pop_f[p, 4] * math.exp(arg) - a1[j]
                    for c in range(c0, c1):
                        ck = ch_i[c, 0]
                        gv = g[ch_i[c, 2] + jl] * sc
                        if ck == C_CURRENT:
                            i_tot += gv
                        elif ck == C_COND:
                            if ch_i[c, 3] == 1:
                                gv *= _mg(vj, ch_f[c, 5])
                            G += gv
                            i_tot += gv * ch_f[c, 4]
                    vinf = i_tot / G
                    vn = vinf + (vj - vinf) * math.exp(-dt * G / C)
                    if kind == K_HH:
                        if vn >= pop_f[p, 7]:
                            if flag[j] == 0:
                                spike = True
                                flag[j] = 1
                        else:
                            flag[j] = 0
                    elif kind == K_ADEX:
                        winf = pop_f[p, 6] * (vj - pop_f[p, 2])
                        a1[j] = winf + (a1[j] - winf) * pop_f[p, 5]
                        if vn >= pop_f[p, 9]:
                            spike = True
                            vn = pop_f[p, 8]
                            a1[j] += pop_f[p, 7]
                            refr[j] = ref_steps
                    elif vn >= pop_f[p, 3]:
                        spike = True
                        vn = pop_f[p, 4]
                        refr[j] = ref_steps
                    if not (abs(vn) < V_LIMIT):
                        status[0] = nspk
                        status[1] = nrec
                        status[2] = ERR_NONFINITE
                        status[3] = t
                        status[4] = j
                        return step
                    v[j] = vn
                    if spike:
                        nspk = _emit(j, p, t, step, nspk, spk_t, spk_i, counts, pop_proj,
                                     pj_i, iptr, post, w, dly, stp_f, stp_u, stp_x, stp_last,
                                     ch_i, bflat, D, S, dt,
                                     pl_i, pl_f, tr_pre, tr_pre_t, tr_post, tr_post_t,
                                     cptr, cidx, syn_pre, plin, plin_k)
            # 3. channels decay exactly over the step (one pass per channel)
            for c in range(c0, c1):
                if ch_i[c, 0] == C_DELTA or (fused and c_kind[c] == C_CURRENT):
                    continue
                off = ch_i[c, 2]
                ed = ch_f[c, 0]
                gv = g[off:off + n_p]
                if ch_f[c, 1] > 0.0:
                    er = ch_f[c, 1]
                    coef = ch_f[c, 2]
                    hv = h[off:off + n_p]
                    for jl in range(n_p):
                        gv[jl] = gv[jl] * ed + hv[jl] * coef
                        hv[jl] *= er
                else:
                    for jl in range(n_p):
                        gv[jl] *= ed
        # sampled state variables
        if rec_unit.shape[0] > 0 and (t + 1) % rec_every == 0:
            for m_ in range(rec_unit.shape[0]):
                j = rec_unit[m_]
                var = rec_var[m_]
                if var == 0:
                    rec_out[nrec, m_] = v[j]
                elif var == 1:
                    rec_out[nrec, m_] = a1[j]
                elif var == 2:
                    rec_out[nrec, m_] = a2[j]
                elif var == 3:
                    rec_out[nrec, m_] = a3[j]
                else:  # channel conductance / current: var = 100 + channel, j = slot
                    rec_out[nrec, m_] = g[j]
            nrec += 1
    status[0] = nspk
    status[1] = nrec
    return n_steps


_HELPERS = ("_mix", "_uniform", "_poisson", "_xexp", "_mg", "_trace", "_jump", "_post_stdp",
            "_deliver_plastic", "_deliver", "_arrive", "_emit")

#: The argument types of :func:`_advance` (Numba notation; arrays C-contiguous).
SIGNATURE = (
    "i8(i8, i8, f8, "
    "i8[:, ::1], f8[:, ::1], u8[::1], i8[:, ::1], f8[:, ::1], f8[::1], f8[::1], f8[:, ::1], "
    "f8[::1], f8[::1], f8[::1], f8[::1], i4[::1], i1[::1], f8[::1], f8[::1], f8[::1], "
    "i8[:, ::1], i8[:, ::1], i8[::1], i4[::1], f8[::1], i4[::1], f8[:, ::1], f8[::1], "
    "f8[::1], i8[::1], "
    "i8[:, ::1], i8[:, ::1], f8[:, ::1], u8[::1], i8[::1], i8[::1], i8[::1], "
    "i8[::1], i4[::1], i4[:, ::1], i8[::1], i8[::1], i8, f8[:, ::1], "
    "i8[:, ::1], f8[:, ::1], f8[:, ::1], i8[::1], f8[:, ::1], i8[::1], i8[::1], i8[::1], "
    "i4[::1], i8[:, ::1], i8[::1], i8[::1])"
)


def _jit_helpers() -> None:
    import numba

    g = globals()
    for name in _HELPERS:
        if not hasattr(g[name], "py_func"):
            g[name] = numba.njit(cache=True, error_model="numpy")(g[name])


def _jit():
    """JIT the kernel and its helpers (Numba's on-disk cache next to this file)."""
    import numba

    _jit_helpers()
    return numba.njit(cache=True, nogil=True, error_model="numpy")(_advance)


# --- ahead-of-time compilation ------------------------------------------------------
#
# Importing Numba and loading a JIT-cached kernel costs ~0.6 s per process, more than a
# second of CUBA. The loop is therefore compiled once, ahead of time, into a plain
# extension module (numba.pycc, for this machine's CPU) that a process imports in
# under a millisecond without importing Numba. It lives in a cache directory keyed by
# the source of this file, NumPy and Python; the compilation runs in a subprocess the
# first time (about 20 s) and falls back to the JIT if it fails (no C compiler).


def _source_key() -> str:
    import hashlib
    import platform
    import sys

    h = hashlib.sha256(open(__file__, "rb").read())
    h.update(f"{np.__version__}|{sys.version}|{platform.machine()}".encode())
    return h.hexdigest()[:16]


def cache_dir() -> str:
    """Where the compiled loop is kept: ``$ENGRAMLAB_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/engramlab`` (``~/.cache/engramlab``)."""
    base = os.environ.get("ENGRAMLAB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "engramlab")
    return base


def _aot_name() -> str:
    return f"engramlab_loop_{_source_key()}"


def _find_aot():
    import glob
    import importlib.machinery
    import importlib.util

    name = _aot_name()
    for path in glob.glob(os.path.join(cache_dir(), name + ".*")):
        loader = importlib.machinery.ExtensionFileLoader(name, path)
        spec = importlib.util.spec_from_file_location(name, path, loader=loader)
        if spec is None:
            continue
        mod = importlib.util.module_from_spec(spec)
        loader.exec_module(mod)
        return mod.advance
    return None


def build_aot(directory: str | None = None) -> str:
    """Compile the loop ahead of time into ``directory`` (default :func:`cache_dir`);
    returns the path of the extension module. Atomic: concurrent builders are safe."""
    import glob
    import shutil
    import tempfile

    from numba.pycc import CC

    directory = directory or cache_dir()
    os.makedirs(directory, exist_ok=True)
    name = _aot_name()
    _jit_helpers()
    tmp = tempfile.mkdtemp(prefix=".build-", dir=directory)
    try:
        cc = CC(name)
        cc.output_dir = tmp
        cc.target_cpu = "host"
        cc.verbose = False
        cc.export("advance", SIGNATURE)(_advance)
        cc.compile()
        (built,) = glob.glob(os.path.join(tmp, name + ".*"))
        final = os.path.join(directory, os.path.basename(built))
        os.replace(built, final)
        for old in glob.glob(os.path.join(directory, "engramlab_loop_*")):
            if not os.path.basename(old).startswith(name):  # loops of older sources
                try:
                    os.remove(old)
                except OSError:  # pragma: no cover - in use elsewhere / read-only
                    pass
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _load():
    """The fastest available implementation of :func:`_advance`, and its name."""
    fn = _find_aot()
    if fn is not None:
        return fn, "aot"
    if os.environ.get("ENGRAMLAB_NO_AOT", "").strip() not in ("1", "true"):
        import subprocess
        import sys

        proc = subprocess.run(
            [sys.executable, "-c", "from engramlab.network._engine import build_aot as b; b()"],
            capture_output=True, text=True)
        if proc.returncode == 0:
            fn = _find_aot()
            if fn is not None:
                return fn, "aot"
        log = logging.getLogger("engramlab.network")
        log.warning("ahead-of-time compilation of the network loop failed; using the "
                    "JIT (%s)", (proc.stderr.strip().splitlines() or ["no message"])[-1])
    return _jit(), "jit"


_COMPILED = None
ENGINE = "python"


def compiled() -> bool:
    """Numba is installed and not switched off with ``ENGRAMLAB_NO_NUMBA=1``."""
    return HAVE_NUMBA and os.environ.get("ENGRAMLAB_NO_NUMBA", "").strip() not in ("1", "true")


def engine_name() -> str:
    """``"aot"``, ``"jit"`` or ``"python"``: what :func:`advance` runs."""
    if not compiled():
        return "python"
    return ENGINE if _COMPILED is not None else "aot or jit (not loaded yet)"


def advance(*args):
    """Run :func:`_advance`: compiled (ahead of time, else JIT) unless
    ``ENGRAMLAB_NO_NUMBA=1``, in which case the Python source runs as written."""
    global _COMPILED, ENGINE
    if compiled():
        if _COMPILED is None:
            _COMPILED, ENGINE = _load()
        return _COMPILED(*args)
    with np.errstate(over="ignore"):
        return _advance(*args)


def uniform_np(key: int, t: int, i: np.ndarray) -> np.ndarray:
    """The kernel's counter-based uniforms, vectorised (for tests)."""
    with np.errstate(over="ignore"):
        return np.array([_uniform(np.uint64(key), t, int(k)) for k in np.asarray(i)])

