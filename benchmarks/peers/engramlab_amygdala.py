"""The basal-amygdala network of Vlachos et al. 2011 in engramlab, for ``benchmarks/amygdala.py``.

Same contract and output as ``brian2_amygdala.py`` (see there), same network and
protocol: :func:`engramlab.network.amygdala_network` with its defaults (the
parameters of the ReScience replication) and :func:`engramlab.network.amygdala_protocol`
(baseline 100 ms; ``--n-cond`` CS pulses of 50 ms every 200 ms in context A with
plasticity on during each pulse; 100 ms gap; ``--n-ext`` pulses in context B; 100 ms
gap; ``--n-test`` pulses back in A). The coincidence rule runs inside the compiled loop;
the spikes of E and I are recorded. Differences from the Brian2 script: see
:mod:`engramlab.network.amygdala` (input spikes arrive one step later; exponential
Euler for frozen conductances instead of RK4; Poisson instead of binomial background
counts).
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration-ms", type=float, default=0.0)  # shared contract; the
    ap.add_argument("--n", type=int, default=4000)             # protocol sets both
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n-cond", type=int, default=5)
    ap.add_argument("--n-ext", type=int, default=6)
    ap.add_argument("--n-test", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)  # shared contract; unused
    ap.add_argument("--target", default="")
    ap.add_argument("--cache-dir", default="")
    args = ap.parse_args()

    from engramlab.network import (
        AmygdalaParams,
        Simulator,
        Spikes,
        amygdala_cells,
        amygdala_network,
        amygdala_protocol,
        cs_responses,
        cs_windows,
    )

    p = AmygdalaParams(n_conditioning=args.n_cond, n_extinction=args.n_ext,
                       n_test=args.n_test)
    phases = amygdala_protocol(p)
    sim = Simulator(amygdala_network(p), dt_ms=0.1, seed=args.seed)
    t1 = time.perf_counter()
    ds = sim.run(phases=phases, record=[Spikes("E"), Spikes("I")])
    t2 = time.perf_counter()
    windows = cs_windows(phases)
    cells = amygdala_cells(p)
    r = cs_responses(ds["E_spike_time"].values, ds["E_spike_neuron"].values, windows, cells)
    duration = sum(ph.duration_ms for ph in phases)
    n_e, n_i = int(ds["E_spike_time"].size), int(ds["I_spike_time"].size)
    w_cs = sim.weights("cs_E")
    print(json.dumps({
        "simulator": "engramlab", "variant": "numba-cache", "n": p.n_e + p.n_i,
        "duration_ms": duration, "spikes": n_e + n_i,
        "rate_hz": (n_e + n_i) / ((p.n_e + p.n_i) * duration * 1e-3),
        "rate_e_hz": n_e / (p.n_e * duration * 1e-3),
        "rate_i_hz": n_i / (p.n_i * duration * 1e-3),
        "t_setup_s": t1 - T0, "t_sim_s": t2 - t1,
        "cs_names": [w[0] for w in windows],
        "fear_hz": r["fear"].tolist(), "extinction_hz": r["extinction"].tolist(),
        "w_cs_fear_ns": float(w_cs[cells["fear"]].mean()),
        "w_cs_extinction_ns": float(w_cs[cells["extinction"]].mean()),
        "w_ctx_a_ns": float(sim.weights("context_a_E").mean()),
        "w_ctx_b_ns": float(sim.weights("context_b_E").mean()),
    }))


if __name__ == "__main__":
    main()
