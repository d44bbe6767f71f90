"""The basal-amygdala network of Vlachos et al. 2011 in Brian2, for ``benchmarks/amygdala.py``.

Runs in the peers' own virtual environment (``benchmarks/.peers-venv``); imports nothing
from engramlab. Contract shared with ``engramlab_amygdala.py``::

    python brian2_amygdala.py --duration-ms 0 --n 4000 --seed 1 [--n-cond 5]
        [--n-ext 6] [--n-test 1] [--target numpy|cython] [--cache-dir DIR]

prints one JSON line: ``simulator``, ``variant``, ``n``, ``duration_ms`` (of the
protocol), ``spikes`` (E and I), ``rate_hz``, ``rate_e_hz``, ``rate_i_hz``,
``t_setup_s``, ``t_sim_s``, ``cs_names`` and per CS pulse ``fear_hz`` /
``extinction_hz`` (mean rate of the fear cells A, the first 20 % of E, and of the
extinction cells B, the last 20 %, during the pulse), and the final mean CS and context
weights.

Written here from the published parameters (Vlachos, Herry, Lüthi, Aertsen & Kumar
2011, PLoS Comput Biol 7:e1001104, doi:10.1371/journal.pcbi.1001104, with the values
the ReScience replication by Carvalho et al. reads for it,
github.com/tawantayron/RE-Fear-and-extinction-in-a-BA-net-model): 3400 E + 600 I LIF,

.. math::

    C \\frac{dv}{dt} = g_L (E_0 - v) + g_e (E_{exc} - v) + g_i (E_{inh} - v),

C 250 pF, g_L 16.7 nS, E_0 = reset -70 mV, threshold -50 mV, E_exc 0, E_inh -80 mV,
refractory 2 ms, alpha conductances (tau 0.326 ms, peak = weight), p_EE 0.01, p_EI
0.15, p_IE 0.15, p_II 0.10 (no autapses), weights N(1.25, 0.1) / N(2.5, 0.1) nS,
delays N(2, 0.1) ms, 1000 background Poisson inputs at 5 Hz (E) / 6 Hz (I) of 1.25 nS;
CS 500 Hz, one train per neuron, N(0.9, 0.1) nS; contexts A / B 300 Hz onto the fear /
extinction cells, N(0.4, 0.05) nS. The coincidence rule (per neuron: traces c, h with
tau 10 ms, jumps 0.35; at each CS or context arrival both the CS and the context weight
move by ``m (P alpha h c (w_max - w) - D alpha c (w - w_min))``, P = |t_cs - t_ctx| <
100 ms, D = |t_cs - t_ctx| > 100 ms, alpha 1.6e-3, bounds 0.4-4 nS, m = 1 during the
CS pulses). As engramlab's rule (and unlike the replication's ``|w - w_min|``), a
weight below w_min relaxes up to it; a neuron that never had a context arrival is
depressed (its last arrival times start at -1e6 s). ``method='rk4'`` as the
replication, dt 0.1 ms; the CS, context and background inputs act in the step they
are drawn (Brian2's zero delay).
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402


def schedule(n_cond: int, n_ext: int, n_test: int) -> list[tuple[str, float, dict]]:
    """The protocol: (name, duration ms, {cs, ctx_a, ctx_b, m})."""
    off = {"cs": 0, "ctx_a": 0, "ctx_b": 0, "m": 0}
    out = [("baseline", 100.0, off)]
    for b, (name, n, ctx) in enumerate((("conditioning", n_cond, "ctx_a"),
                                        ("extinction", n_ext, "ctx_b"),
                                        ("test", n_test, "ctx_a"))):
        if n == 0:
            continue
        if b > 0:
            out.append(("gap", 100.0, off))
        for k in range(1, n + 1):
            out.append((f"{name}_cs{k}", 50.0, {**off, "cs": 1, ctx: 1, "m": 1}))
            out.append((f"{name}_iti{k}", 150.0, {**off, ctx: 1}))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration-ms", type=float, default=0.0)  # set by the protocol
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n-cond", type=int, default=5)
    ap.add_argument("--n-ext", type=int, default=6)
    ap.add_argument("--n-test", type=int, default=1)
    ap.add_argument("--target", choices=("numpy", "cython"), default="cython")
    ap.add_argument("--cache-dir", default=None)
    ap.add_argument("--threads", type=int, default=None)  # shared contract; unused
    args = ap.parse_args()
    cold = None
    if args.target == "cython" and args.cache_dir:
        os.makedirs(args.cache_dir, exist_ok=True)
        cold = not any(os.scandir(args.cache_dir))

    import brian2 as b2
    import numpy as np
    from brian2 import Hz, ms, mV, nS, pF, second

    b2.prefs.codegen.target = args.target
    if args.target == "cython" and args.cache_dir:
        b2.prefs.codegen.runtime.cython.cache_dir = args.cache_dir
    dt = 0.1
    b2.defaultclock.dt = dt * ms
    b2.seed(args.seed)

    ne, ni = 3400, 600
    na = int(0.2 * ne)
    tau = 0.326 * ms
    plan = schedule(args.n_cond, args.n_ext, args.n_test)
    steps = [round(d / dt) for _, d, _ in plan]
    arr = {key: np.concatenate([np.full(n, s[key], float) for n, (_, _, s) in
                                zip(steps, plan, strict=True)]) for key in plan[1][2]}
    duration = sum(d for _, d, _ in plan)
    ns = {
        "C": 250 * pF, "gl": 16.7 * nS, "El": -70 * mV, "Ee": 0 * mV, "Ei": -80 * mV,
        "vt": -50 * mV, "vr": -70 * mV, "tau": tau, "G0": np.e / tau,
        "tau_c": 10 * ms, "tau_h": 10 * ms, "c_u": 0.35, "h_u": 0.35, "alpha1": 1.6e-3,
        "alpha2": 1.6e-3, "wmin": 0.4 * nS, "wmax": 4.0 * nS, "window": 100 * ms,
        "mt": b2.TimedArray(arr["m"], dt=dt * ms),
        "cs_rate": b2.TimedArray(arr["cs"] * 500.0 * Hz, dt=dt * ms),
        "ctxa_rate": b2.TimedArray(arr["ctx_a"] * 300.0 * Hz, dt=dt * ms),
        "ctxb_rate": b2.TimedArray(arr["ctx_b"] * 300.0 * Hz, dt=dt * ms),
    }
    eqs = """
    dv/dt = (gl * (El - v) + ge * (Ee - v) + gi * (Ei - v)) / C : volt (unless refractory)
    dge/dt = xe - ge / tau : siemens
    dxe/dt = -xe / tau : siemens/second
    dgi/dt = yi - gi / tau : siemens
    dyi/dt = -yi / tau : siemens/second
    dc/dt = -c / tau_c : 1
    dh/dt = -h / tau_h : 1
    tcs : second
    tctx : second
    wcs : siemens
    wctx : siemens
    """
    neurons = b2.NeuronGroup(ne + ni, eqs, threshold="v > vt", reset="v = vr",
                             refractory=2 * ms, method="rk4", namespace=ns)
    neurons.v = "El + 3 * mV * randn()"
    neurons.tcs = -1e6 * second
    neurons.tctx = -1e6 * second
    neurons.wcs = "clip(0.9 * nS + 0.1 * nS * randn(), 0 * nS, 1e3 * nS)"
    neurons.wctx = "clip(0.4 * nS + 0.05 * nS * randn(), 0 * nS, 1e3 * nS)"
    exc, inh = neurons[:ne], neurons[ne:]
    fear, ext = exc[:na], exc[ne - na:]
    syns = []
    for pre, post, p, w, var in ((exc, exc, 0.01, 1.25, "xe"), (exc, inh, 0.15, 1.25, "xe"),
                                 (inh, exc, 0.15, 2.5, "yi"), (inh, inh, 0.10, 2.5, "yi")):
        s = b2.Synapses(pre, post, "w : siemens", on_pre=f"{var}_post += w * G0",
                        namespace=ns)
        s.connect(condition="i != j" if pre is post else None, p=p)
        s.w = f"clip({w} * nS + 0.1 * nS * randn(), 0 * nS, 1e3 * nS)"
        s.delay = "clip(2 * ms + 0.1 * ms * randn(), 0.1 * ms, 100 * ms)"
        syns.append(s)
    bkg_e = b2.PoissonInput(exc, "xe", 1000, 5 * Hz, weight=1.25 * nS * ns["G0"])
    bkg_i = b2.PoissonInput(inh, "xe", 1000, 6 * Hz, weight=1.25 * nS * ns["G0"])
    cs = b2.PoissonGroup(ne + ni, rates="cs_rate(t)", namespace=ns)
    ctx_a = b2.PoissonGroup(na, rates="ctxa_rate(t)", namespace=ns)
    ctx_b = b2.PoissonGroup(na, rates="ctxb_rate(t)", namespace=ns)
    # abstract code takes one statement per line
    pot = "(abs(tcs_post - tctx_post) < window) * alpha1 * h_post * c_post"
    dep = "(abs(tcs_post - tctx_post) > window) * alpha2 * c_post"
    rule = "\n".join(f"{w}_post += mt(t) * ({pot} * (wmax - {w}_post) - {dep} * ({w}_post - wmin))"
                     for w in ("wcs", "wctx"))
    on_cs = "c_post += c_u\ntcs_post = t\n" + rule + "\nxe_post += wcs_post * G0"
    on_ctx = "h_post += h_u\ntctx_post = t\n" + rule + "\nxe_post += wctx_post * G0"
    cs_e = b2.Synapses(cs[:ne], exc, on_pre=on_cs, namespace=ns)
    cs_e.connect(j="i")
    cs_i = b2.Synapses(cs[ne:], inh, "w : siemens", on_pre="xe_post += w * G0", namespace=ns)
    cs_i.connect(j="i")
    cs_i.w = "clip(0.9 * nS + 0.1 * nS * randn(), 0 * nS, 1e3 * nS)"
    ca = b2.Synapses(ctx_a, fear, on_pre=on_ctx, namespace=ns)
    ca.connect(j="i")
    cb = b2.Synapses(ctx_b, ext, on_pre=on_ctx, namespace=ns)
    cb.connect(j="i")
    mon_e, mon_i = b2.SpikeMonitor(exc), b2.SpikeMonitor(inh)
    net = b2.Network(neurons, *syns, bkg_e, bkg_i, cs, ctx_a, ctx_b, cs_e, cs_i, ca, cb,
                     mon_e, mon_i)
    t_setup = time.perf_counter() - T_START
    t0 = time.perf_counter()
    net.run(duration * ms, namespace={})
    t_sim = time.perf_counter() - t0

    t_e = np.asarray(mon_e.t / ms)
    i_e = np.asarray(mon_e.i)
    names, fear_hz, ext_hz = [], [], []
    start = 0.0
    for name, d, _ in plan:
        if "_cs" in name:
            sel = (t_e >= start - 1e-9) & (t_e < start + d - 1e-9)
            names.append(name)
            fear_hz.append(float(np.count_nonzero(sel & (i_e < na)) / (na * d * 1e-3)))
            ext_hz.append(float(np.count_nonzero(sel & (i_e >= ne - na)) / (na * d * 1e-3)))
        start += d
    wcs = np.asarray(neurons.wcs[:ne] / nS)
    wctx = np.asarray(neurons.wctx[:ne] / nS)
    variant = args.target
    if cold is not None:
        variant += "-cold" if cold else "-warm"
    n_e, n_i = int(mon_e.num_spikes), int(mon_i.num_spikes)
    print(json.dumps({
        "simulator": "brian2", "variant": variant, "version": b2.__version__,
        "n": ne + ni, "duration_ms": duration, "spikes": n_e + n_i,
        "rate_hz": (n_e + n_i) / ((ne + ni) * duration * 1e-3),
        "rate_e_hz": n_e / (ne * duration * 1e-3), "rate_i_hz": n_i / (ni * duration * 1e-3),
        "t_setup_s": t_setup, "t_sim_s": t_sim,
        "cs_names": names, "fear_hz": fear_hz, "extinction_hz": ext_hz,
        "w_cs_fear_ns": float(wcs[:na].mean()), "w_cs_extinction_ns": float(wcs[ne - na:].mean()),
        "w_ctx_a_ns": float(wctx[:na].mean()), "w_ctx_b_ns": float(wctx[ne - na:].mean()),
    }), flush=True)


if __name__ == "__main__":
    main()
