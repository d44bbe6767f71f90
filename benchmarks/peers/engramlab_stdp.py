"""Song-Miller-Abbott STDP in engramlab, for ``benchmarks/stdp.py``.

Same contract and output as ``brian2_stdp.py`` (see there), same model and parameters
(Brian2's STDP example): :func:`engramlab.network.library.song_network` with
``n_inh=0``, 15 Hz, :math:`\\tau_m` 10 ms, :math:`E_l` -74 mV, gmax 0.01 (in units of
the leak conductance, 10 nS here), :math:`a_+` 0.01, :math:`A_-/A_+` 1.05. The STDP
rule runs inside the compiled loop; the output neuron's spikes are recorded. Differences
from the Brian2 script: ``v`` starts at rest (-74 mV), the membrane is integrated
exactly for frozen conductance (exponential Euler) and a spike reaches the
conductance one step (0.1 ms) later.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration-ms", type=float, default=100_000.0)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)  # shared contract; unused
    ap.add_argument("--target", default="")
    ap.add_argument("--cache-dir", default="")
    args = ap.parse_args()

    import numpy as np

    from engramlab.network import Simulator, Spikes
    from engramlab.network.library import song_network

    gmax = 0.01
    net = song_network(args.n, rate_exc_hz=15.0, n_inh=0, g_max=gmax, a_plus=0.01,
                       tau_m_ms=10.0, e_l_mv=-74.0)
    sim = Simulator(net, dt_ms=0.1, seed=args.seed)
    t1 = time.perf_counter()
    ds = sim.run(args.duration_ms, record=[Spikes("post")])
    t2 = time.perf_counter()
    w = sim.weights("exc_post") / (gmax * 10.0)  # nS -> units of gmax (g_L = 10 nS)
    spikes = int(ds["post_spike_time"].size)
    print(json.dumps({
        "simulator": "engramlab", "variant": "numba-cache", "n": args.n,
        "duration_ms": args.duration_ms, "spikes": spikes,
        "rate_hz": spikes / (args.duration_ms * 1e-3),
        "t_setup_s": t1 - T0, "t_sim_s": t2 - t1,
        "w_hist": np.histogram(w, bins=20, range=(0.0, 1.0))[0].tolist(),
        "frac_low": float((w < 0.1).mean()), "frac_high": float((w > 0.9).mean()),
        "w_mean": float(w.mean()),
    }))


if __name__ == "__main__":
    main()
