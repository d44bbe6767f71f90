"""Brunel's (2000) model A in NEST 3.10, for the checks of ``network.brunel2000``.

Runs in the peers' own virtual environment (``benchmarks/.peers-venv``); it imports
nothing from engramlab (and needs only NumPy besides NEST)::

    benchmarks/.peers-venv/bin/python benchmarks/peers/nest_brunel.py \\
        [--g 5 --eta 2] [--n-exc 10000 --epsilon 0.1] [--duration-ms 1200] \\
        [--transient-ms 200] [--seed 1] [--threads 2]

prints one JSON line on stdout: ``simulator``, ``version``, the network (``n_exc``,
``n_inh``, ``c_exc``, ``c_inh``, ``g``, ``eta``), ``rate_hz`` (mean over all neurons
after the transient), ``rate_exc_hz``, ``cv`` (mean CV of the interspike intervals of
the first ``--n-recorded`` excitatory neurons with at least 3 intervals after the
transient), ``chi`` (Golomb's synchrony measure of the population spike counts in
1-ms bins), ``f_peak_hz`` and ``peak_height`` (the largest peak of the Welch spectrum
of the population rate in 0.1-ms bins, 5-1000 Hz, 409.6-ms Hann segments with half
overlap, over the median power), and the wall times.

The defaults are panel C of Brunel's Fig. 8 (g = 5, nu_ext / nu_thr = 2) on the
paper's network, the same network as panel C of the full preset of
``network.brunel2000``: N_E = 10000, N_I = 2500 ``iaf_psc_delta`` neurons (tau_m 20 ms,
theta 20 mV, V_r 10 mV, tau_rp 2 ms, E_L 0; inputs during the refractory period are
lost, NEST's default, as in engramlab's engine), fixed in-degree C_E = epsilon N_E
excitatory and C_I = epsilon N_I inhibitory inputs, no autapses or multapses, J = 0.1
mV and -g J, delay D = 1.5 ms, V_0 uniform in [0, theta]; every neuron also receives
C_E external Poisson inputs of J at nu_ext = eta nu_thr, nu_thr = theta / (J C_E
tau_m) (one ``poisson_generator`` at C_E nu_ext, independent per target); dt 0.1 ms.
Parameters: Brunel N (2000) J Comput Neurosci 8:183, doi:10.1023/A:1008925309027,
section 2 and the caption of Fig. 8.
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

DT_MS = 0.1  # time step (ms)
TAU_M_MS = 20.0  # membrane time constant (ms), Brunel 2000
THETA_MV = 20.0  # threshold (mV)
V_RESET_MV = 10.0  # reset (mV)
T_REF_MS = 2.0  # refractory period (ms)
J_MV = 0.1  # excitatory PSP (mV)
DELAY_MS = 1.5  # transmission delay D (ms)
GAMMA = 0.25  # N_I / N_E
CHI_BIN_MS = 1.0  # bins of the population counts for chi (ms)
RATE_BIN_MS = 0.1  # bins of the population rate for the spectrum (ms)
SEGMENT_MS = 409.6  # Welch segment (ms)
F_MIN_HZ, F_MAX_HZ = 5.0, 1000.0  # band of the spectral peak


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--g", type=float, default=5.0, help="relative inhibition g")
    ap.add_argument("--eta", type=float, default=2.0, help="nu_ext / nu_thr")
    ap.add_argument("--n-exc", type=int, default=10_000)
    ap.add_argument("--epsilon", type=float, default=0.1)
    ap.add_argument("--duration-ms", type=float, default=1200.0)
    ap.add_argument("--transient-ms", type=float, default=200.0)
    ap.add_argument("--n-recorded", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    return ap.parse_args()


def mean_cv(times: np.ndarray, senders: np.ndarray, min_intervals: int = 3) -> float:
    """Mean over neurons of the CV (population s.d. over mean) of their intervals."""
    order = np.lexsort((times, senders))
    t, i = times[order], senders[order]
    same = i[1:] == i[:-1]
    isi, who = np.diff(t)[same], i[1:][same]
    cvs = []
    for n in np.unique(who):
        x = isi[who == n]
        if x.size >= min_intervals:
            cvs.append(x.std() / x.mean())
    return float(np.mean(cvs)) if cvs else float("nan")


def chi(counts: np.ndarray, n: int) -> float:
    """Golomb's chi: sqrt(Var(n_k / N) / (p (1 - p))), p = <n_k> / N."""
    p = counts.mean() / n
    return float(np.sqrt(counts.var() / (n * n * p * (1.0 - p))))


def welch_peak(rate: np.ndarray) -> tuple[float, float]:
    """Largest peak of the Welch spectrum in [F_MIN_HZ, F_MAX_HZ] and its height."""
    fs = 1000.0 / RATE_BIN_MS
    nper = min(rate.size, round(SEGMENT_MS / RATE_BIN_MS))
    step = nper // 2
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(nper) / nper)  # periodic Hann
    x = rate - rate.mean()
    segs = [x[s:s + nper] for s in range(0, x.size - nper + 1, step)]
    power = np.mean([np.abs(np.fft.rfft((s - s.mean()) * window)) ** 2 for s in segs],
                    axis=0)
    freqs = np.fft.rfftfreq(nper, 1.0 / fs)
    band = (freqs >= F_MIN_HZ) & (freqs <= F_MAX_HZ)
    k = np.flatnonzero(band)[np.argmax(power[band])]
    return float(freqs[k]), float(power[k] / np.median(power[freqs >= F_MIN_HZ]))


def build(nest: Any, args: argparse.Namespace) -> tuple[Any, Any, int, int, int]:
    """The network; returns (all neurons, the spike recorder, n_inh, c_exc, c_inh)."""
    n_e = args.n_exc
    n_i = round(GAMMA * n_e)
    c_e, c_i = round(args.epsilon * n_e), round(args.epsilon * n_i)
    nu_thr = 1000.0 * THETA_MV / (J_MV * c_e * TAU_M_MS)  # Hz
    params = {"tau_m": TAU_M_MS, "V_th": THETA_MV, "V_reset": V_RESET_MV,
              "t_ref": T_REF_MS, "E_L": 0.0, "C_m": 250.0, "I_e": 0.0}
    pop = nest.Create("iaf_psc_delta", n_e + n_i, params=params)
    pop.V_m = nest.random.uniform(0.0, THETA_MV)
    exc, inh = pop[:n_e], pop[n_e:]
    for pre, k, w in ((exc, c_e, J_MV), (inh, c_i, -args.g * J_MV)):
        nest.Connect(pre, pop, {"rule": "fixed_indegree", "indegree": k,
                                "allow_autapses": False, "allow_multapses": False},
                     {"synapse_model": "static_synapse", "weight": w, "delay": DELAY_MS})
    noise = nest.Create("poisson_generator", params={"rate": args.eta * nu_thr * c_e})
    nest.Connect(noise, pop, syn_spec={"weight": J_MV, "delay": DT_MS})
    rec = nest.Create("spike_recorder", params={"start": args.transient_ms})
    nest.Connect(pop, rec)
    return pop, rec, n_i, c_e, c_i


def main() -> None:
    args = parse_args()
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest

    try:
        nest.verbosity = nest.VerbosityLevel.WARNING
    except AttributeError:  # NEST < 3.10
        nest.set_verbosity("M_WARNING")
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": DT_MS, "local_num_threads": args.threads,
                          "rng_seed": args.seed, "print_time": False})
    pop, rec, n_i, c_e, c_i = build(nest, args)
    t_setup = time.perf_counter() - T_START
    t0 = time.perf_counter()
    nest.Simulate(args.duration_ms)
    t_sim = time.perf_counter() - t0

    ev = rec.get("events")
    times = np.asarray(ev["times"], dtype=float)
    senders = np.asarray(ev["senders"], dtype=np.int64) - int(pop[0].global_id)
    n = args.n_exc + n_i
    window = args.duration_ms - args.transient_ms
    n_bins = round(window / RATE_BIN_MS)
    # NEST stamps a spike at the end of its step: bin k holds spikes in (t_k, t_k + dt]
    k = np.floor((times - args.transient_ms - 1e-9) / RATE_BIN_MS).astype(np.int64)
    counts = np.bincount(k[(k >= 0) & (k < n_bins)], minlength=n_bins).astype(float)
    rate = counts / (n * RATE_BIN_MS * 1e-3)
    per = round(CHI_BIN_MS / RATE_BIN_MS)
    coarse = counts[:n_bins // per * per].reshape(-1, per).sum(axis=1)
    rec_e = senders < args.n_recorded
    f_peak, height = welch_peak(rate)
    out = {
        "simulator": "nest", "version": nest.__version__, "model": "iaf_psc_delta",
        "seed": args.seed, "g": args.g, "eta": args.eta, "n_exc": args.n_exc,
        "n_inh": n_i, "c_exc": c_e, "c_inh": c_i, "duration_ms": args.duration_ms,
        "transient_ms": args.transient_ms,
        "rate_hz": times.size / (n * window * 1e-3),
        "rate_exc_hz": int(np.count_nonzero(senders < args.n_exc))
        / (args.n_exc * window * 1e-3),
        "cv": mean_cv(times[rec_e], senders[rec_e]),
        "chi": chi(coarse, n), "f_peak_hz": f_peak, "peak_height": height,
        "t_setup_s": round(t_setup, 2), "t_sim_s": round(t_sim, 2),
    }
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
