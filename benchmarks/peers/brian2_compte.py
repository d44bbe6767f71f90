"""Compte et al. (2000) spatial working-memory ring in Brian2, peer for ``working-memory.bump``.

Runs in the peers' own virtual environment (``benchmarks/.peers-venv``; Brian2 2.9 does
not import with NumPy 2.4); it imports nothing from engramlab. Contract (issue 16)::

    python brian2_compte.py --duration-s 1 --target cython [--cython-cache DIR] \\
        [--n-e 2048 --n-i 512] [--seed 0] [--dt-ms 0.1] [--cue-deg 180] [--cue-pa 375] \\
        [--cue-sigma-deg 6] [--cue-start-ms 100] [--cue-stop-ms 350] \\
        [--distractor-deg D --distractor-pa 375 --distractor-start-ms T0 \\
         --distractor-stop-ms T1] --out FILE.npz

writes ``FILE.npz`` with ``spike_i`` (int64, E cells only), ``spike_t_ms`` (float64)
and the scalars ``n_e``, ``n_i``, ``duration_ms``, ``dt_ms``, ``cue_deg``, ``seed``, and
prints one JSON line: ``simulator``, ``version``, ``target``, ``n_e``, ``n_i``,
``dt_ms``, ``duration_s``, ``import_s`` (importing Brian2), ``build_s`` (constructing
the network objects, synapse creation and weights included), ``run_s`` (wall time of
``Network.run``; on the Cython target it includes the compilation of whatever the cache
does not hold, so a fresh ``--cython-cache`` measures cold and the same directory a
second time warm), ``n_spikes_e``, ``n_spikes_i``.

Model
-----
Written here from the published parameters: Compte, Brunel, Goldman-Rakic & Wang (2000),
Cereb. Cortex 10:910, doi:10.1093/cercor/10.9.910, with the values as read in the code
lineage of Murray et al. (2012) (the 18 degree width printed in the paper is a typo for
14.4 degrees). ``N_E`` = 2048 excitatory and ``N_I`` = 512 inhibitory leaky
integrate-and-fire cells, conductance based,

.. math::

    C \\frac{dV}{dt} = -g_L (V - E_L) - g_{ext} s_{ext} (V - E_{AMPA})
        - g_{NMDA} S_{NMDA} \\frac{V - E_{NMDA}}{1 + e^{-0.062 V/\\mathrm{mV}} / 3.57}
        - g_{GABA} S_{GABA} (V - E_{GABA}) + I_{cue}(\\theta_i, t),

E: C 0.5 nF, g_L 25 nS (tau_m 20 ms), refractory 2 ms; I: C 0.2 nF, g_L 20 nS (10 ms),
refractory 1 ms; both E_L -70 mV, threshold -50 mV, reset -60 mV; E_AMPA = E_NMDA = 0,
E_GABA -70 mV; Mg block of Jahr & Stevens (1990) at 1 mM. ``V`` is held at reset during
the refractory period; the gating variables keep evolving.

External drive: ``ds_ext/dt = -s_ext / 2 ms``, ``s_ext += 1`` per external spike, an
independent 1.8 kHz Poisson train per cell, g_ext 3.1 nS (E) / 2.38 nS (I).

Recurrent NMDA, gated presynaptically (one ``x``, ``s`` per E cell)::

    dx/dt = -x / 2 ms,  x += 1 at each spike,
    ds/dt = -s / 100 ms + 0.5 / ms * x * (1 - s),

:math:`S_{NMDA,i} = \\sum_j W(\\theta_i - \\theta_j) s_j` onto E (g_EE 0.381 nS per
synapse) and :math:`\\sum_j s_j` onto I (g_EI 0.292 nS), all to all (self-connections
included: the sum runs over every j). :math:`\\theta_j = 2\\pi j / N_E` and

.. math::

    W(d) = J_- + (J_+ - J_-) e^{-d^2 / 2\\sigma^2}, \\quad d \\in [-\\pi, \\pi),

J+ 1.62, sigma 14.4 deg, :math:`J_- = (1 - J_+ c) / (1 - c)` with
:math:`c = \\sigma (2\\Phi(\\pi/\\sigma) - 1) / \\sqrt{2\\pi}` so that the ring mean of W
is 1 (J- = 0.9309). GABA, gated presynaptically: ``s_GABA += 1`` per I spike, decay
10 ms; :math:`S_{GABA,i} = \\sum_j s_{GABA,j}` onto E (g_IE 1.336 nS per synapse) and
onto I (g_II 1.024 nS), all to all. No recurrent AMPA (its conductance is 0 in Compte's
set). Cue into the E cells, :math:`I_{cue} = I_{peak} e^{-d(\\theta_i,
\\theta_{cue})^2 / 2\\sigma_{cue}^2}` for ``cue_start <= t < cue_stop`` (defaults
180 deg, 375 pA, 6 deg, 100-350 ms: a 250 ms cue as in the paper). Initial V uniform in
[-60, -50) mV from ``numpy.random.default_rng(seed)`` (E first, then I); every synaptic
variable starts at 0.

How it is written in Brian2
---------------------------
The idiomatic form: one ``NeuronGroup`` per population holding ``V`` and the
presynaptic gating variables (``x``, ``s_nmda`` in E; ``s_gaba`` in I), updated on the
spike by the reset; four all-to-all ``Synapses`` whose only job is a ``(summed)``
variable (``S_NMDA_post = w * s_nmda_pre`` with the constant per-synapse ring weight
``w`` for E->E, and unweighted sums for E->I, I->E, I->I): 4.2 M + 1.0 M + 1.0 M +
0.26 M synapses summed every step (no FFT, no per-spike events).

The external drive is a ``PoissonInput`` on ``s_ext`` (1000 sources at 1.8 Hz, weight
1): it draws the count of each cell's arrivals in a step directly, Binomial(1000,
1.8e-4), which is the Poisson(0.18) count of a 1.8 kHz Poisson train to within 1e-4,
without spike objects or a one-to-one ``Synapses``; a ``PoissonGroup`` of 2560 cells
at 1.8 kHz would generate and propagate 4.6 M spikes per simulated second for the same
statistics, and ``PoissonInput`` with N = 1 would cap the count at one per step.

Integration: ``method='exponential_euler'`` for every variable, dt from ``--dt-ms``
(0.1 ms). Brian2 accepts it for ``V`` although the Mg block makes dV/dt nonlinear in V:
its sympy ``collect`` puts ``B(V)`` into the coefficient of V, so each step relaxes V
exponentially towards the instantaneous reversal with all conductances, the NMDA one
:math:`g S B(V_n)` included, frozen at the start of the step (the usual
frozen-conductance exponential Euler, first order). ``x``, ``s_ext`` and ``s_GABA`` are
then exact, and ``s_nmda`` is exact for ``x`` held over the step. The summed variables
are those of the start of the step; spikes found at the end of a step act from the
next step on (no explicit delay). The cue window is tested on the step index
(``timestep(t, dt)``), so it covers exactly ``round(start / dt)`` to
``round(stop / dt) - 1``.
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402

# Compte et al. (2000), values as in the Murray et al. (2012) code lineage.
PARAMS = {
    "C_E_nF": 0.5, "gL_E_nS": 25.0, "tref_E_ms": 2.0,
    "C_I_nF": 0.2, "gL_I_nS": 20.0, "tref_I_ms": 1.0,
    "EL_mV": -70.0, "Vth_mV": -50.0, "Vreset_mV": -60.0,
    "E_AMPA_mV": 0.0, "E_NMDA_mV": 0.0, "E_GABA_mV": -70.0,
    "tau_AMPA_ms": 2.0, "tau_NMDA_rise_ms": 2.0, "tau_NMDA_decay_ms": 100.0,
    "alpha_NMDA_per_ms": 0.5, "tau_GABA_ms": 10.0,
    "rate_ext_kHz": 1.8, "gext_E_nS": 3.1, "gext_I_nS": 2.38,
    "gEE_nS": 0.381, "gEI_nS": 0.292, "gIE_nS": 1.336, "gII_nS": 1.024,
    "J_plus": 1.62, "sigma_deg": 14.4,  # the paper's "18 deg" is a typo for 14.4
}
N_POISSON = 1000  # PoissonInput sources per cell, each at rate_ext / N_POISSON


def j_minus(j_plus: float, sigma: float) -> float:
    """J- that makes the ring mean of W equal 1 (sigma in radians)."""
    c = sigma * math.erf(math.pi / (sigma * math.sqrt(2.0))) / math.sqrt(2.0 * math.pi)
    return (1.0 - j_plus * c) / (1.0 - c)


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration-s", type=float, required=True)
    ap.add_argument("--target", choices=("numpy", "cython"), default="cython")
    ap.add_argument("--cython-cache", default=None, help="Cython cache dir (cython only)")
    ap.add_argument("--n-e", type=int, default=2048)
    ap.add_argument("--n-i", type=int, default=512)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dt-ms", type=float, default=0.1)
    ap.add_argument("--cue-deg", type=float, default=180.0)
    ap.add_argument("--cue-pa", type=float, default=375.0)
    ap.add_argument("--cue-sigma-deg", type=float, default=6.0)
    ap.add_argument("--cue-start-ms", type=float, default=100.0)
    ap.add_argument("--cue-stop-ms", type=float, default=350.0)
    ap.add_argument("--distractor-deg", type=float, default=0.0)
    ap.add_argument("--distractor-pa", type=float, default=0.0,
                    help="peak distractor current (pA; 0: no distractor)")
    ap.add_argument("--distractor-start-ms", type=float, default=0.0)
    ap.add_argument("--distractor-stop-ms", type=float, default=0.0)
    ap.add_argument("--out", required=True, help="output .npz")
    args = ap.parse_args()
    checks = (
        ("--duration-s", math.isfinite(args.duration_s) and args.duration_s > 0,
         "must be a finite number > 0"),
        ("--n-e", args.n_e >= 2, "must be an integer >= 2"),
        ("--n-i", args.n_i >= 1, "must be an integer >= 1"),
        ("--dt-ms", math.isfinite(args.dt_ms) and 0 < args.dt_ms <= 1.0,
         "must lie in (0, 1] ms"),
        ("--cue-deg", math.isfinite(args.cue_deg), "must be a finite number"),
        ("--cue-pa", math.isfinite(args.cue_pa), "must be a finite number"),
        ("--cue-sigma-deg", math.isfinite(args.cue_sigma_deg) and args.cue_sigma_deg > 0,
         "must be a finite number > 0"),
        ("--cue-start-ms", math.isfinite(args.cue_start_ms) and args.cue_start_ms >= 0,
         "must be a finite number >= 0"),
        ("--cue-stop-ms", math.isfinite(args.cue_stop_ms)
         and args.cue_stop_ms >= args.cue_start_ms, "must be finite and >= --cue-start-ms"),
        ("--distractor-deg", math.isfinite(args.distractor_deg), "must be a finite number"),
        ("--distractor-pa", math.isfinite(args.distractor_pa), "must be a finite number"),
        ("--distractor-start-ms", math.isfinite(args.distractor_start_ms)
         and args.distractor_start_ms >= 0, "must be a finite number >= 0"),
        ("--distractor-stop-ms", math.isfinite(args.distractor_stop_ms)
         and args.distractor_stop_ms >= args.distractor_start_ms,
         "must be finite and >= --distractor-start-ms"),
    )
    for name, ok, rule in checks:
        if not ok:
            ap.error(f"{name} {rule} (got {getattr(args, name[2:].replace('-', '_'))!r})")
    return args


def ring_distance(a, b):
    """Circular difference a - b wrapped into [-pi, pi) (radians, numpy arrays)."""
    import numpy as np

    return np.mod(a - b + np.pi, 2.0 * np.pi) - np.pi


def main() -> None:
    args = parse_args()
    if args.target == "cython" and args.cython_cache:
        os.makedirs(args.cython_cache, exist_ok=True)

    import brian2 as b2
    import numpy as np
    from brian2 import kHz, ms, mV, nF, nS, pA

    t_import = time.perf_counter() - T_START
    t_build0 = time.perf_counter()
    b2.prefs.codegen.target = args.target
    if args.target == "cython" and args.cython_cache:
        b2.prefs.codegen.runtime.cython.cache_dir = args.cython_cache
    b2.defaultclock.dt = args.dt_ms * ms
    b2.seed(args.seed)
    rng = np.random.default_rng(args.seed)

    p = PARAMS
    n_e, n_i = args.n_e, args.n_i
    sigma = math.radians(p["sigma_deg"])
    jm = j_minus(p["J_plus"], sigma)
    n_on = round(args.cue_start_ms / args.dt_ms)
    n_off = round(args.cue_stop_ms / args.dt_ms)
    d_on = round(args.distractor_start_ms / args.dt_ms)
    d_off = round(args.distractor_stop_ms / args.dt_ms)
    common = {
        "EL": p["EL_mV"] * mV, "Vth": p["Vth_mV"] * mV, "Vreset": p["Vreset_mV"] * mV,
        "E_AMPA": p["E_AMPA_mV"] * mV, "E_NMDA": p["E_NMDA_mV"] * mV,
        "E_GABA": p["E_GABA_mV"] * mV, "tau_ampa": p["tau_AMPA_ms"] * ms,
    }
    syn_currents = """
    I_ext = g_ext * s_ext * (v - E_AMPA) : amp
    I_nmda = g_nmda * S_nmda * (v - E_NMDA) / (1 + exp(-0.062 * v / mV) / 3.57) : amp
    I_gaba = g_gaba * S_gaba * (v - E_GABA) : amp
    ds_ext/dt = -s_ext / tau_ampa : 1
    S_nmda : 1
    S_gaba : 1
    """
    eqs_e = """
    dv/dt = (-gL * (v - EL) - I_ext - I_nmda - I_gaba + I_cue) / C : volt (unless refractory)
    I_cue = I_cue_peak * int(timestep(t, dt) >= n_on) * int(timestep(t, dt) < n_off) \
        + I_dis_peak * int(timestep(t, dt) >= d_on) * int(timestep(t, dt) < d_off) : amp
    I_cue_peak : amp (constant)
    I_dis_peak : amp (constant)
    dx/dt = -x / tau_x : 1
    ds_nmda/dt = -s_nmda / tau_nmda + alpha * x * (1 - s_nmda) : 1
    """ + syn_currents
    eqs_i = """
    dv/dt = (-gL * (v - EL) - I_ext - I_nmda - I_gaba) / C : volt (unless refractory)
    ds_gaba/dt = -s_gaba / tau_gaba : 1
    """ + syn_currents
    ns_e = {
        **common, "C": p["C_E_nF"] * nF, "gL": p["gL_E_nS"] * nS,
        "g_ext": p["gext_E_nS"] * nS, "g_nmda": p["gEE_nS"] * nS, "g_gaba": p["gIE_nS"] * nS,
        "tau_x": p["tau_NMDA_rise_ms"] * ms, "tau_nmda": p["tau_NMDA_decay_ms"] * ms,
        "alpha": p["alpha_NMDA_per_ms"] / ms, "n_on": n_on, "n_off": n_off,
        "d_on": d_on, "d_off": d_off,
    }
    ns_i = {
        **common, "C": p["C_I_nF"] * nF, "gL": p["gL_I_nS"] * nS,
        "g_ext": p["gext_I_nS"] * nS, "g_nmda": p["gEI_nS"] * nS, "g_gaba": p["gII_nS"] * nS,
        "tau_gaba": p["tau_GABA_ms"] * ms,
    }
    exc = b2.NeuronGroup(n_e, eqs_e, threshold="v > Vth", reset="v = Vreset\nx += 1",
                         refractory=p["tref_E_ms"] * ms, method="exponential_euler",
                         namespace=ns_e, name="exc")
    inh = b2.NeuronGroup(n_i, eqs_i, threshold="v > Vth", reset="v = Vreset\ns_gaba += 1",
                         refractory=p["tref_I_ms"] * ms, method="exponential_euler",
                         namespace=ns_i, name="inh")
    exc.v = rng.uniform(p["Vreset_mV"], p["Vth_mV"], n_e) * mV
    inh.v = rng.uniform(p["Vreset_mV"], p["Vth_mV"], n_i) * mV
    theta = 2.0 * np.pi * np.arange(n_e) / n_e
    d_cue = ring_distance(theta, math.radians(args.cue_deg))
    sigma_cue = math.radians(args.cue_sigma_deg)
    exc.I_cue_peak = args.cue_pa * np.exp(-d_cue**2 / (2 * sigma_cue**2)) * pA
    d_dis = ring_distance(theta, math.radians(args.distractor_deg))
    exc.I_dis_peak = args.distractor_pa * np.exp(-d_dis**2 / (2 * sigma_cue**2)) * pA

    ee = b2.Synapses(exc, exc, "w : 1 (constant)\nS_nmda_post = w * s_nmda_pre : 1 (summed)",
                     name="ee")
    ee.connect()
    # W depends on the index difference only: a table over (i - j) mod N_E.
    profile = jm + (p["J_plus"] - jm) * np.exp(-ring_distance(theta, 0.0)**2 / (2 * sigma**2))
    ee.w = profile[(np.asarray(ee.i[:]) - np.asarray(ee.j[:])) % n_e]
    ei = b2.Synapses(exc, inh, "S_nmda_post = s_nmda_pre : 1 (summed)", name="ei")
    ei.connect()
    ie = b2.Synapses(inh, exc, "S_gaba_post = s_gaba_pre : 1 (summed)", name="ie")
    ie.connect()
    ii = b2.Synapses(inh, inh, "S_gaba_post = s_gaba_pre : 1 (summed)", name="ii")
    ii.connect()
    rate_each = p["rate_ext_kHz"] * kHz / N_POISSON
    ext_e = b2.PoissonInput(exc, "s_ext", N_POISSON, rate_each, weight=1.0)
    ext_i = b2.PoissonInput(inh, "s_ext", N_POISSON, rate_each, weight=1.0)
    mon_e = b2.SpikeMonitor(exc)
    mon_i = b2.SpikeMonitor(inh, record=False)
    net = b2.Network(exc, inh, ee, ei, ie, ii, ext_e, ext_i, mon_e, mon_i)
    build_s = time.perf_counter() - t_build0

    duration_ms = args.duration_s * 1e3
    t0 = time.perf_counter()
    net.run(args.duration_s * b2.second, namespace={})
    run_s = time.perf_counter() - t0

    spike_i = np.asarray(mon_e.i[:], dtype=np.int64)
    spike_t_ms = np.asarray(mon_e.t[:] / ms, dtype=np.float64)
    np.savez(args.out, spike_i=spike_i, spike_t_ms=spike_t_ms, n_e=n_e, n_i=n_i,
             duration_ms=duration_ms, dt_ms=args.dt_ms, cue_deg=args.cue_deg, seed=args.seed)
    print(json.dumps({
        "simulator": "brian2", "version": b2.__version__, "target": args.target,
        "n_e": n_e, "n_i": n_i, "dt_ms": args.dt_ms, "duration_s": args.duration_s,
        "import_s": t_import, "build_s": build_s, "run_s": run_s,
        "n_spikes_e": int(mon_e.num_spikes), "n_spikes_i": int(mon_i.num_spikes),
    }), flush=True)


if __name__ == "__main__":
    main()
