"""CUBA network (Brette et al. 2007, benchmark 2) in engramlab, for ``benchmarks/cuba.py``.

Same contract as the peer scripts::

    python engramlab_cuba.py --duration-ms 1000 --n 4000 --seed 1

prints one JSON line with ``simulator``, ``variant``, ``n``, ``duration_ms``, ``spikes``,
``rate_hz``, ``t_setup_s`` (imports and network construction, measured inside) and
``t_sim_s`` (the run: connectivity is drawn when the simulator is built, which is in
``t_setup_s``). The network is :func:`engramlab.network.library.cuba_network`; every
spike is recorded, as in the peers. The compiled loop is cached on disk by Numba: the
first run after installing (or editing the engine) compiles it ("cold"), later runs
load it.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration-ms", type=float, default=1000.0)
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    # accepted for the shared contract; engramlab's loop is single-threaded and
    # needs no code generation target or cache directory
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--target", default="")
    ap.add_argument("--cache-dir", default="")
    args = ap.parse_args()

    from engramlab.network import Simulator, Spikes
    from engramlab.network.library import cuba_network

    sim = Simulator(cuba_network(args.n), dt_ms=0.1, seed=args.seed)
    t1 = time.perf_counter()
    ds = sim.run(args.duration_ms, record=[Spikes("E"), Spikes("I")])
    t2 = time.perf_counter()
    spikes = int(ds["E_spike_time"].size + ds["I_spike_time"].size)
    print(json.dumps({
        "simulator": "engramlab", "variant": "numba-cache", "n": args.n,
        "duration_ms": args.duration_ms, "spikes": spikes,
        "rate_hz": spikes / args.n / (args.duration_ms * 1e-3),
        "t_setup_s": t1 - T0, "t_sim_s": t2 - t1,
    }))


if __name__ == "__main__":
    main()
