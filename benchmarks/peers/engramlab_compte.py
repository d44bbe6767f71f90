"""The Compte et al. (2000) ring in engramlab, with the contract of ``brian2_compte.py``.

::

    python engramlab_compte.py --duration-s 1 [--n-e 2048 --n-i 512] [--seed 0]
        [--dt-ms 0.1] [--cue-deg 180] [--cue-pa 375] [--cue-sigma-deg 6]
        [--cue-start-ms 100] [--cue-stop-ms 350] [--distractor-deg D
        --distractor-pa 375 --distractor-start-ms T0 --distractor-stop-ms T1]
        --out FILE.npz

writes ``FILE.npz`` (``spike_i`` of the E cells, ``spike_t_ms``, and the scalars) and
prints one JSON line: ``simulator``, ``version``, ``n_e``, ``n_i``, ``dt_ms``,
``duration_s``, ``import_s``, ``build_s`` (network description and build), ``run_s``
(the simulation; it includes loading the compiled loop from its disk cache, or
compiling it once per machine), ``n_spikes_e``, ``n_spikes_i``. The network is
:func:`engramlab.network.compte_network` (see its module for the model and what
differs from the original code).
"""

from __future__ import annotations

import argparse
import json
import time

t0 = time.perf_counter()
import numpy as np  # noqa: E402

import engramlab  # noqa: E402
from engramlab.network import (  # noqa: E402
    CompteParams,
    Simulator,
    Spikes,
    compte_network,
    ring_current,
)

T_IMPORT = time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration-s", type=float, required=True)
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
    a = ap.parse_args()
    t1 = time.perf_counter()
    cue = ring_current("E", a.n_e, centre_deg=a.cue_deg, sigma_deg=a.cue_sigma_deg,
                       peak_pa=a.cue_pa, start_ms=a.cue_start_ms, stop_ms=a.cue_stop_ms)
    stimuli = [cue]
    if a.distractor_pa != 0.0:   # the distractor: the cue's profile at its own place and time
        stimuli.append(ring_current("E", a.n_e, centre_deg=a.distractor_deg,
                                    sigma_deg=a.cue_sigma_deg, peak_pa=a.distractor_pa,
                                    start_ms=a.distractor_start_ms,
                                    stop_ms=a.distractor_stop_ms))
    net = compte_network(CompteParams(n_e=a.n_e, n_i=a.n_i), stimuli=tuple(stimuli),
                         delay_ms=a.dt_ms)
    sim = Simulator(net, dt_ms=a.dt_ms, seed=a.seed)
    t2 = time.perf_counter()
    ds = sim.run(a.duration_s * 1e3, record=[Spikes("E"), Spikes("I")])
    t3 = time.perf_counter()
    i = ds["E_spike_neuron"].values.astype(np.int64)
    t = ds["E_spike_time"].values.astype(np.float64)
    np.savez(a.out, spike_i=i, spike_t_ms=t, n_e=a.n_e, n_i=a.n_i,
             duration_ms=a.duration_s * 1e3, dt_ms=a.dt_ms, cue_deg=a.cue_deg, seed=a.seed)
    print(json.dumps({"simulator": "engramlab", "version": engramlab.__version__,
                      "n_e": a.n_e, "n_i": a.n_i, "dt_ms": a.dt_ms,
                      "duration_s": a.duration_s, "import_s": T_IMPORT,
                      "build_s": t2 - t1, "run_s": t3 - t2, "n_spikes_e": int(i.size),
                      "n_spikes_i": int(ds["I_spike_neuron"].size)}))


if __name__ == "__main__":
    main()
