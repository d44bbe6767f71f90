"""CUBA network (Brette et al. 2007, benchmark 2) in NEST, for ``benchmarks/cuba.py``.

Runs in the peers' own virtual environment (``benchmarks/.peers-venv``, made by the
harness); it imports nothing from engramlab. Contract shared by every peer script::

    python nest_cuba.py --duration-ms 1000 --n 4000 --seed 1 [--threads 2]

prints one JSON line on stdout with ``simulator``, ``variant``, ``n``, ``duration_ms``,
``spikes``, ``rate_hz`` (mean over all neurons), ``t_setup_s`` (import and network
construction, measured inside this process) and ``t_sim_s`` (the ``nest.Simulate``
call only, which includes NEST's own preparation of the kernel).

The model: ``iaf_psc_exp`` (LIF with exponentially decaying current synapses). The
CUBA equations are written with the synaptic variables in mV,

.. math::

    \\tau_m \\frac{dv}{dt} = g_e + g_i - (v - E_L), \\quad
    \\tau_e \\frac{dg_e}{dt} = -g_e, \\quad \\tau_i \\frac{dg_i}{dt} = -g_i,

and a presynaptic spike adds :math:`w_e` = 1.62 mV to :math:`g_e` or :math:`w_i` =
-9 mV to :math:`g_i`. NEST's ``iaf_psc_exp`` integrates
:math:`C_m\\,dV/dt = -C_m (V - E_L)/\\tau_m + I_{syn}`, so the same network has
current jumps :math:`w_{pA} = w_{mV}\\, C_m / \\tau_m` (C_m = 250 pF, NEST's default).
Parameters from Brette et al. (2007), J. Comput. Neurosci. 23:349, doi:10.1007/
s10827-007-0038-6, benchmark 2, after Vogels & Abbott (2005), J. Neurosci. 25:10786,
doi:10.1523/JNEUROSCI.3508-05.2005. Connectivity: pairwise Bernoulli with
p = 80 / N (0.02 at N = 4000), no autapses, 80 % excitatory; delay one time step.
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402

DT_MS = 0.1  # time step (ms), Brette et al. 2007
TAU_M_MS = 20.0  # membrane time constant (ms)
TAU_E_MS = 5.0  # excitatory synaptic time constant (ms)
TAU_I_MS = 10.0  # inhibitory synaptic time constant (ms)
V_T_MV = -50.0  # threshold (mV)
V_R_MV = -60.0  # reset (mV)
E_L_MV = -49.0  # resting potential (mV), above threshold: the network is self-driven
T_REF_MS = 5.0  # refractory period (ms)
W_E_MV = 1.62  # excitatory jump of g_e (mV) = 60 * 0.27 / 10
W_I_MV = -9.0  # inhibitory jump of g_i (mV) = -20 * 4.5 / 10
C_M_PF = 250.0  # membrane capacitance (pF); any value works once the weights follow it
IN_DEGREE = 80.0  # expected inputs per neuron: p = 80 / N (p = 0.02 at N = 4000)
FRACTION_E = 0.8  # 3200 E / 800 I at N = 4000


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    # Accepted so that every peer script takes the same flags; NEST ignores them.
    ap.add_argument("--target", default=None)
    ap.add_argument("--cache-dir", default=None)
    return ap.parse_args()


def main() -> None:
    args = parse_args()
    os.environ.setdefault("PYNEST_QUIET", "1")  # no start-up banner on stdout
    import nest

    try:
        nest.verbosity = nest.VerbosityLevel.WARNING
    except AttributeError:  # NEST < 3.10
        nest.set_verbosity("M_WARNING")

    n = args.n
    n_e = round(FRACTION_E * n)
    p = IN_DEGREE / n
    nest.ResetKernel()
    nest.SetKernelStatus(
        {
            "resolution": DT_MS,
            "local_num_threads": args.threads,
            "rng_seed": args.seed,
            "print_time": False,
        }
    )
    pop = nest.Create(
        "iaf_psc_exp",
        n,
        params={
            "C_m": C_M_PF,
            "tau_m": TAU_M_MS,
            "tau_syn_ex": TAU_E_MS,
            "tau_syn_in": TAU_I_MS,
            "t_ref": T_REF_MS,
            "E_L": E_L_MV,
            "V_th": V_T_MV,
            "V_reset": V_R_MV,
            "I_e": 0.0,
        },
    )
    pop.V_m = nest.random.uniform(V_R_MV, V_T_MV)
    scale = C_M_PF / TAU_M_MS  # mV -> pA
    rule = {"rule": "pairwise_bernoulli", "p": p, "allow_autapses": False}
    nest.Connect(
        pop[:n_e],
        pop,
        rule,
        {"synapse_model": "static_synapse", "weight": W_E_MV * scale, "delay": DT_MS},
    )
    nest.Connect(
        pop[n_e:],
        pop,
        rule,
        {"synapse_model": "static_synapse", "weight": W_I_MV * scale, "delay": DT_MS},
    )
    rec = nest.Create("spike_recorder")
    nest.Connect(pop, rec)
    t_setup = time.perf_counter() - T_START

    t0 = time.perf_counter()
    nest.Simulate(args.duration_ms)
    t_sim = time.perf_counter() - t0

    spikes = int(rec.n_events)
    out = {
        "simulator": "nest",
        "variant": f"{args.threads} thread" + ("s" if args.threads != 1 else ""),
        "version": nest.__version__,
        "n": n,
        "duration_ms": args.duration_ms,
        "spikes": spikes,
        "rate_hz": spikes / (n * args.duration_ms * 1e-3),
        "synapses": int(nest.num_connections) - n,  # less the n recorder connections
        "t_setup_s": t_setup,
        "t_sim_s": t_sim,
    }
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
