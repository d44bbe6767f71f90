"""CUBA network (Brette et al. 2007, benchmark 2) in Brian2, for ``benchmarks/cuba.py``.

Runs in the peers' own virtual environment (``benchmarks/.peers-venv``, made by the
harness; Brian2 2.9 does not import with NumPy 2.4); it imports nothing from engramlab.
Contract shared by every peer script::

    python brian2_cuba.py --duration-ms 1000 --n 4000 --seed 1 \\
        [--target numpy|cython] [--cache-dir DIR]

prints one JSON line on stdout with ``simulator``, ``variant``, ``n``, ``duration_ms``,
``spikes``, ``rate_hz`` (mean over all neurons), ``t_setup_s`` (import and network
construction, synapse creation included, measured inside this process) and
``t_sim_s`` (the ``Network.run`` call only; with the Cython target it includes the
compilation of whatever the cache does not hold yet).

The network follows Brian2's own CUBA example (runtime mode, ``method='exact'``)::

    dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
    dge/dt = -ge / taue : volt
    dgi/dt = -gi / taui : volt

.. math::

    \\tau_m \\frac{dv}{dt} = g_e + g_i - (v - E_L), \\quad
    \\tau_e \\frac{dg_e}{dt} = -g_e, \\quad \\tau_i \\frac{dg_i}{dt} = -g_i,

a spike adds :math:`w_e` = 1.62 mV to :math:`g_e` (excitatory source) or :math:`w_i`
= -9 mV to :math:`g_i` (inhibitory source), threshold -50 mV, reset -60 mV, refractory
5 ms, :math:`V_0 \\sim U[V_r, V_t]`, dt 0.1 ms. Parameters from Brette et al. (2007),
J. Comput. Neurosci. 23:349, doi:10.1007/s10827-007-0038-6, benchmark 2, after Vogels &
Abbott (2005), J. Neurosci. 25:10786, doi:10.1523/JNEUROSCI.3508-05.2005.

Differences from Brian2's example: no autapses (``i != j``) and p = 80 / N (0.02 at
N = 4000), so that larger networks keep the same in-degree. Synapses have no explicit
delay: a spike found at the end of step t changes ``ge``/``gi`` in that step, and
``v`` feels it from step t + 1 on, i.e. one time step as in the NEST script (delay
0.1 ms). Every spike is recorded (``SpikeMonitor``), as in the example.

Cold vs warm Cython: the harness passes ``--cache-dir`` with a fresh empty directory
for a cold run and the same directory again for a warm one.
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402

IN_DEGREE = 80.0  # expected inputs per neuron: p = 80 / N (p = 0.02 at N = 4000)
FRACTION_E = 0.8  # 3200 E / 800 I at N = 4000


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--target", choices=("numpy", "cython"), default="cython")
    ap.add_argument("--cache-dir", default=None, help="Cython cache (cython target only)")
    # Accepted so that every peer script takes the same flags; Brian2 ignores it.
    ap.add_argument("--threads", type=int, default=None)
    return ap.parse_args()


def main() -> None:
    args = parse_args()
    cold = None
    if args.target == "cython" and args.cache_dir:
        os.makedirs(args.cache_dir, exist_ok=True)
        cold = not any(os.scandir(args.cache_dir))

    import brian2 as b2
    from brian2 import ms, mV

    b2.prefs.codegen.target = args.target
    if args.target == "cython" and args.cache_dir:
        b2.prefs.codegen.runtime.cython.cache_dir = args.cache_dir
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(args.seed)

    n = args.n
    n_e = round(FRACTION_E * n)
    p = IN_DEGREE / n
    namespace = {
        "taum": 20 * ms,
        "taue": 5 * ms,
        "taui": 10 * ms,
        "Vt": -50 * mV,
        "Vr": -60 * mV,
        "El": -49 * mV,
        "we": (60 * 0.27 / 10) * mV,  # 1.62 mV
        "wi": (-20 * 4.5 / 10) * mV,  # -9 mV
    }
    eqs = """
    dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
    dge/dt = -ge / taue : volt
    dgi/dt = -gi / taui : volt
    """
    group = b2.NeuronGroup(
        n,
        eqs,
        threshold="v > Vt",
        reset="v = Vr",
        refractory=5 * ms,
        method="exact",
        namespace=namespace,
    )
    group.v = "Vr + rand() * (Vt - Vr)"
    group.ge = 0 * mV
    group.gi = 0 * mV
    ce = b2.Synapses(group, group, on_pre="ge += we", namespace=namespace)
    ci = b2.Synapses(group, group, on_pre="gi += wi", namespace=namespace)
    ce.connect(condition=f"i < {n_e} and i != j", p=p)
    ci.connect(condition=f"i >= {n_e} and i != j", p=p)
    mon = b2.SpikeMonitor(group)
    net = b2.Network(group, ce, ci, mon)
    t_setup = time.perf_counter() - T_START

    t0 = time.perf_counter()
    net.run(args.duration_ms * ms, namespace={})
    t_sim = time.perf_counter() - t0

    spikes = int(mon.num_spikes)
    variant = args.target
    if cold is not None:
        variant += "-cold" if cold else "-warm"
    out = {
        "simulator": "brian2",
        "variant": variant,
        "version": b2.__version__,
        "numpy": __import__("numpy").__version__,
        "n": n,
        "duration_ms": args.duration_ms,
        "spikes": spikes,
        "rate_hz": spikes / (n * args.duration_ms * 1e-3),
        "synapses": len(ce) + len(ci),
        "t_setup_s": t_setup,
        "t_sim_s": t_sim,
    }
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
