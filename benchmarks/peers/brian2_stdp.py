"""Song-Miller-Abbott STDP in Brian2, for ``benchmarks/stdp.py``.

Runs in the peers' own virtual environment (``benchmarks/.peers-venv``); imports nothing
from engramlab. Contract shared with ``engramlab_stdp.py``::

    python brian2_stdp.py --duration-ms 100000 --n 1000 --seed 1 \\
        [--target numpy|cython] [--cache-dir DIR]

prints one JSON line: ``simulator``, ``variant``, ``n``, ``duration_ms``, ``spikes``
(output neuron), ``rate_hz`` (output rate), ``t_setup_s``, ``t_sim_s``, and the final
weight distribution: ``w_hist`` (20 bins of w / gmax over [0, 1]), ``frac_low``
(w < 0.1 gmax), ``frac_high`` (w > 0.9 gmax), ``w_mean`` (in units of gmax).

The model is Brian2's own STDP example (``examples/synapses/STDP.py``, after Song,
Miller & Abbott 2000, Nat. Neurosci. 3:919, doi:10.1038/78829), with its parameters:
N Poisson inputs at 15 Hz onto one neuron,

.. math::

    \\tau_m \\frac{dv}{dt} = g_e (E_e - v) + E_l - v, \\qquad
    \\tau_e \\frac{dg_e}{dt} = -g_e,

:math:`\\tau_m` 10 ms, :math:`\\tau_e` 5 ms, :math:`E_e` 0 mV, :math:`E_l` -74 mV,
threshold -54 mV, reset -60 mV, gmax 0.01, pair STDP with event-driven traces,
:math:`\\tau_{pre} = \\tau_{post}` = 20 ms, dApre = 0.01 gmax, dApost = -1.05 dApre;
weights start uniform in [0, gmax]. The example's monitors of two weights and the input
spikes are left out (they are not part of the simulation); a SpikeMonitor on the output
neuron gives the rate. As the example: ``method='euler'``, dt 0.1 ms, ``v`` starts at
0 mV (Brian2's default).
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration-ms", type=float, default=100_000.0)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
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
    from brian2 import Hz, ms, mV

    b2.prefs.codegen.target = args.target
    if args.target == "cython" and args.cache_dir:
        b2.prefs.codegen.runtime.cython.cache_dir = args.cache_dir
    b2.defaultclock.dt = 0.1 * ms
    b2.seed(args.seed)

    gmax = 0.01
    dApre = 0.01 * gmax
    ns = {"taum": 10 * ms, "taupre": 20 * ms, "taupost": 20 * ms, "Ee": 0 * mV,
          "vt": -54 * mV, "vr": -60 * mV, "El": -74 * mV, "taue": 5 * ms, "gmax": gmax,
          "dApre": dApre, "dApost": -dApre * 1.05}
    eqs = """
    dv/dt = (ge * (Ee - v) + El - v) / taum : volt
    dge/dt = -ge / taue : 1
    """
    inputs = b2.PoissonGroup(args.n, rates=15 * Hz)
    neuron = b2.NeuronGroup(1, eqs, threshold="v > vt", reset="v = vr", method="euler",
                            namespace=ns)
    syn = b2.Synapses(inputs, neuron,
                      """w : 1
                         dApre/dt = -Apre / taupre : 1 (event-driven)
                         dApost/dt = -Apost / taupost : 1 (event-driven)""",
                      on_pre="""ge += w
                                Apre += dApre
                                w = clip(w + Apost, 0, gmax)""",
                      on_post="""Apost += dApost
                                 w = clip(w + Apre, 0, gmax)""",
                      namespace=ns)
    syn.connect()
    syn.w = "rand() * gmax"
    mon = b2.SpikeMonitor(neuron)
    net = b2.Network(inputs, neuron, syn, mon)
    t_setup = time.perf_counter() - T_START
    t0 = time.perf_counter()
    net.run(args.duration_ms * ms, namespace={})
    t_sim = time.perf_counter() - t0

    w = np.asarray(syn.w[:]) / gmax
    variant = args.target
    if cold is not None:
        variant += "-cold" if cold else "-warm"
    spikes = int(mon.num_spikes)
    print(json.dumps({
        "simulator": "brian2", "variant": variant, "version": b2.__version__,
        "n": args.n, "duration_ms": args.duration_ms, "spikes": spikes,
        "rate_hz": spikes / (args.duration_ms * 1e-3),
        "t_setup_s": t_setup, "t_sim_s": t_sim,
        "w_hist": np.histogram(w, bins=20, range=(0.0, 1.0))[0].tolist(),
        "frac_low": float((w < 0.1).mean()), "frac_high": float((w > 0.9).mean()),
        "w_mean": float(w.mean()),
    }), flush=True)


if __name__ == "__main__":
    main()
