"""Working-memory ring speed and drift: Compte et al. (2000) in engramlab vs Brian2.

Run: ``python benchmarks/working_memory.py`` (speed: 1 s and 5 s of the 2048 E + 512 I
ring with a 250-ms cue, engramlab then Brian2's Cython target cold (a fresh code cache)
and warm (the same cache again), each in a process of its own; ``--numpy`` adds
Brian2's numpy target; ``--quick``: 1 s only), printing every time, the ratios to
engramlab and each run's bump read-out over its last 250 ms (bump and far rates, the
centre's distance from the cue: one seed, so the two agree in distribution, not to
the degree). ``--drift N`` instead runs N seeds of
the delayed-response trial in both simulators (fixation 500 ms, cue 500-750 ms at 180
deg, 3 s of delay) and prints, per simulator, the bump's centre error at the end of
the 3-s delay and the fraction of networks within 10 deg of the cue: the evidence of
the declared deviation of ``working-memory.bump``. ``--distractor N`` runs N seeds of
``working-memory.distractor``'s far, equal condition (a distractor as strong as the cue,
180 deg away, 500 ms into the delay) in both simulators and classifies each network as
the experiment does (resisted, shifted, replaced, lost): the evidence of its declared
deviation. ``--results DIR`` keeps the spike files and reuses those already there;
``--dt-ms`` sets both simulators' step.
Nothing here is asserted by the test suite (tests never assert on time).

The two scripts (``peers/engramlab_compte.py``, ``peers/brian2_compte.py``) write the
pyramidal cells' spikes; the read-outs are computed here from the spikes alone: a
cell's rate in the window, the centre as the angle of :math:`\\sum_i r_i e^{i\\theta_i}`
(:math:`\\theta_i = 360 i / N_E`), the bump rate (cells within 20 deg of the centre)
and the far rate (beyond 90 deg). The simulators draw different networks' inputs, so
they agree in distribution (over seeds), not spike for spike. Brian2 runs in the
peers' virtual environment (``benchmarks/.peers-venv``, shared with ``cuba.py``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cuba  # noqa: E402  (the shared harness: peers' venv)

SCRIPTS = {"engramlab": HERE / "peers" / "engramlab_compte.py",
           "brian2": HERE / "peers" / "brian2_compte.py"}
CUE = {"cue_deg": 180.0, "cue_start_ms": 500.0, "cue_stop_ms": 750.0}
DELAY_S = 3.0


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1 s only")
    ap.add_argument("--numpy", action="store_true", help="also Brian2's numpy target")
    ap.add_argument("--skip-peers", action="store_true", help="engramlab only")
    ap.add_argument("--drift", type=int, default=0, metavar="N",
                    help="run N seeds of the 3-s delay task in both simulators")
    ap.add_argument("--distractor", type=int, default=0, metavar="N",
                    help="run N seeds of a far distractor as strong as the cue in both "
                         "simulators")
    ap.add_argument("--mongillo", action="store_true",
                    help="engramlab's time per simulated second on the Mongillo et al. "
                         "2008 network (10,000 LIF, 20 M synapses with STP) instead")
    ap.add_argument("--results", type=Path, default=None,
                    help="keep (and reuse) the spike files of --drift / --distractor here")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dt-ms", type=float, default=0.1, help="time step of both simulators")
    ap.add_argument("--venv", type=Path, default=cuba.VENV)
    ap.add_argument("--timeout", type=float, default=3600)
    return ap.parse_args(argv)


def run_one(py: Path | str, simulator: str, duration_s: float, seed: int, out: Path,
            extra: list[str], timeout: float) -> dict:
    """One simulator's run in a process of its own: its JSON line plus ``wall_s``."""
    cmd = [str(py), str(SCRIPTS[simulator]), "--duration-s", f"{duration_s:g}", "--seed",
           str(seed), "--cue-deg", f"{CUE['cue_deg']:g}", "--cue-start-ms",
           f"{CUE['cue_start_ms']:g}", "--cue-stop-ms", f"{CUE['cue_stop_ms']:g}",
           "--out", str(out), *extra]
    t0 = time.perf_counter()
    env = cuba.peer_env() if simulator != "engramlab" else None
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                       cwd=HERE.parent)
    wall = time.perf_counter() - t0
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        return {"error": f"exit {p.returncode}: {cuba.tail(p.stderr or p.stdout, 4)}"}
    return {**json.loads(lines[-1]), "wall_s": wall}


def readout(path: Path, t0_ms: float, t1_ms: float) -> dict[str, float]:
    """Centre (deg), bump and far rates (Hz) of the E cells' spikes in ``[t0, t1)``."""
    z = np.load(path)
    n = int(z["n_e"])
    sel = (z["spike_t_ms"] >= t0_ms) & (z["spike_t_ms"] < t1_ms)
    r = np.bincount(z["spike_i"][sel], minlength=n)[:n] / ((t1_ms - t0_ms) * 1e-3)
    th = 360.0 * np.arange(n) / n
    centre = float(np.rad2deg(np.angle(np.sum(r * np.exp(1j * np.deg2rad(th))))) % 360.0)
    d = np.abs((th - centre + 180.0) % 360.0 - 180.0)
    return {"centre_deg": centre, "bump_hz": float(r[d <= 20.0].mean()),
            "far_hz": float(r[d > 90.0].mean())}


def timed_readout(py: Path | str, simulator: str, duration_s: float,
                  args: argparse.Namespace, out: Path, extra: list[str]) -> dict:
    """:func:`run_one` plus the bump read out over the run's last 250 ms."""
    res = run_one(py, simulator, duration_s, args.seed, out,
                  [*extra, "--dt-ms", f"{args.dt_ms:g}"], args.timeout)
    if "error" not in res:
        res.update(readout(out, duration_s * 1e3 - 250.0, duration_s * 1e3))
    return res


def drift(args: argparse.Namespace, pythons: dict[str, Path | str]) -> int:
    out_dir = args.results or Path(tempfile.mkdtemp(prefix="wm-drift-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = out_dir / "cython-cache"
    stop = CUE["cue_stop_ms"] + DELAY_S * 1e3
    window = (stop - 250.0, stop)            # the experiment's last delay epoch
    duration = stop / 1e3
    print(f"drift: {args.drift} seeds at dt {args.dt_ms:g} ms, centre error over "
          f"{window[0]:g}-{window[1]:g} ms "
          f"(the last 250 ms of a {DELAY_S:g}-s delay); files in {out_dir}")
    for sim, py in pythons.items():
        errors, bumps, fars = [], [], []
        for seed in range(args.drift):
            tag = "" if args.dt_ms == 0.1 else f"_dt{args.dt_ms:g}"
            path = out_dir / f"{sim}{tag}_s{seed}.npz"
            if not path.exists():
                extra = ["--target", "cython", "--cython-cache", str(cache)] \
                    if sim == "brian2" else []
                extra += ["--dt-ms", f"{args.dt_ms:g}"]
                res = run_one(py, sim, duration, seed, path, extra, args.timeout)
                if "error" in res:
                    print(f"  {sim} seed {seed}: {res['error']}")
                    continue
            ro = readout(path, *window)
            errors.append((ro["centre_deg"] - CUE["cue_deg"] + 180.0) % 360.0 - 180.0)
            bumps.append(ro["bump_hz"])
            fars.append(ro["far_hz"])
        if not errors:
            continue
        e = np.array(errors)
        print(f"{sim:10s} n={e.size:2d}  within 10 deg: {np.mean(np.abs(e) <= 10):.2f}  "
              f"rms error {np.sqrt(np.mean(e ** 2)):.1f} deg  bump {np.mean(bumps):.1f} Hz  "
              f"far {np.mean(fars):.2f} Hz  errors {np.round(e, 1).tolist()}")
    return 0


#: The trial of ``working-memory.distractor``'s far, equal condition (its full preset):
#: fixation 500 ms, cue 250 ms, delay 500 ms, the distractor 250 ms at the cue's current
#: 180 deg away, a 250-ms read-out epoch.
DISTRACTOR = {"distractor_deg": (CUE["cue_deg"] + 180.0) % 360.0, "strength": 1.0,
              "start_ms": CUE["cue_stop_ms"] + 500.0, "stop_ms": CUE["cue_stop_ms"] + 750.0,
              "post_ms": 250.0}
#: The experiment's classification (``working-memory.distractor``, typed here, not
#: imported): a bump is held if its rate is >= 2x the far cells'; resisted below a
#: quarter of the way to the distractor, replaced from three quarters.
HELD_CONTRAST, RESISTED_BELOW, REPLACED_FROM = 2.0, 0.25, 0.75


def _ring_distance_deg(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def distractor(args: argparse.Namespace, pythons: dict[str, Path | str]) -> int:
    """N seeds of the far, equal distractor in both simulators: the evidence of
    ``working-memory.distractor``'s declared deviation (``far_equal_resisted_fraction``)."""
    out_dir = args.results or Path(tempfile.mkdtemp(prefix="wm-distractor-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = out_dir / "cython-cache"
    d = DISTRACTOR
    stop = d["stop_ms"] + d["post_ms"]
    pre, end = (d["start_ms"] - 250.0, d["start_ms"]), (stop - 250.0, stop)
    theta_d = d["distractor_deg"]
    print(f"distractor: {args.distractor} seeds, a {d['strength']:g}x-cue distractor at "
          f"{theta_d:g} deg, {d['start_ms']:g}-{d['stop_ms']:g} ms; read-outs "
          f"{pre[0]:g}-{pre[1]:g} ms (before) and {end[0]:g}-{end[1]:g} ms (end); files in "
          f"{out_dir}")
    extra_d = ["--distractor-deg", f"{theta_d:g}", "--distractor-pa",
               f"{375.0 * d['strength']:g}", "--distractor-start-ms", f"{d['start_ms']:g}",
               "--distractor-stop-ms", f"{d['stop_ms']:g}", "--dt-ms", f"{args.dt_ms:g}"]
    for sim, py in pythons.items():
        rows = []
        for seed in range(args.distractor):
            path = out_dir / f"{sim}_distractor_s{seed}.npz"
            if not path.exists():
                extra = ["--target", "cython", "--cython-cache", str(cache)] \
                    if sim == "brian2" else []
                res = run_one(py, sim, stop / 1e3, seed, path, [*extra, *extra_d],
                              args.timeout)
                if "error" in res:
                    print(f"  {sim} seed {seed}: {res['error']}")
                    continue
            before, after = readout(path, *pre), readout(path, *end)
            contrast = after["bump_hz"] / max(after["far_hz"], 1e-9)
            f = 1.0 - (_ring_distance_deg(after["centre_deg"], theta_d)
                       / max(_ring_distance_deg(before["centre_deg"], theta_d), 1e-9))
            kind = ("lost" if contrast < HELD_CONTRAST else "resisted" if f < RESISTED_BELOW
                    else "replaced" if f >= REPLACED_FROM else "shifted")
            rows.append((kind, f, contrast, before["bump_hz"], after["bump_hz"],
                         after["far_hz"]))
        if not rows:
            continue
        kinds = [r[0] for r in rows]
        counts = ", ".join(f"{k} {kinds.count(k)}" for k in
                           ("resisted", "shifted", "replaced", "lost"))
        print(f"{sim:10s} n={len(rows):2d}  {counts}")
        for k, (kind, f, c, b0, b1, far) in enumerate(rows):
            print(f"    seed {k}: {kind:8s} toward {f:5.2f}  bump before {b0:5.1f} Hz, "
                  f"at the end {b1:5.1f} Hz, far {far:4.1f} Hz (contrast {c:4.2f})")
    return 0


def mongillo(args: argparse.Namespace) -> int:
    """Build and run the network of ``working-memory.synaptic`` (its full preset's size,
    spontaneous state, no cue) for 1 s and 5 s; the loop is loaded first (100 ms)."""
    from engramlab.network import Simulator, Spikes
    from engramlab.network.synaptic_wm import MongilloParams, mongillo_network

    t0 = time.perf_counter()
    net = mongillo_network(MongilloParams())
    sim = Simulator(net, dt_ms=args.dt_ms, seed=args.seed)
    sim.run(100.0)
    build_s = time.perf_counter() - t0
    n = sum(pop.n for pop in net.populations)
    print(f"Mongillo et al. 2008 network: {n} neurons, built and loaded in {build_s:.1f} s "
          f"(with 100 ms simulated); dt {args.dt_ms:g} ms")
    print(f"{'simulated':>9s} {'run s':>7s} {'run s / sim s':>13s} {'spikes':>9s}")
    for dur in (1.0, 5.0):
        t = time.perf_counter()
        ds = sim.run(dur * 1e3, record=[Spikes(pop.name) for pop in net.populations])
        run_s = time.perf_counter() - t
        spikes = sum(int(ds[f"{pop.name}_spike_neuron"].size) for pop in net.populations)
        print(f"{dur:8g}s {run_s:7.1f} {run_s / dur:13.2f} {spikes:9d}")
    return 0


def speed(args: argparse.Namespace, pythons: dict[str, Path | str]) -> int:
    durations = (1.0,) if args.quick else (1.0, 5.0)
    tmp = Path(tempfile.mkdtemp(prefix="wm-speed-"))
    rows = []
    try:
        for dur in durations:
            res = {"engramlab": timed_readout(pythons["engramlab"], "engramlab", dur, args,
                                              tmp / "e.npz", [])}
            if "brian2" in pythons:
                cache = tmp / f"cache-{dur:g}"
                for variant in ("cold", "warm"):
                    res[f"brian2 cython {variant}"] = timed_readout(
                        pythons["brian2"], "brian2", dur, args, tmp / "b.npz",
                        ["--target", "cython", "--cython-cache", str(cache)])
                if args.numpy:
                    res["brian2 numpy"] = timed_readout(pythons["brian2"], "brian2", dur, args,
                                                        tmp / "b.npz", ["--target", "numpy"])
            rows.append((dur, res))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("times in s; the bump read out over the run's last 250 ms: its rate, the far "
          "cells' rate (Hz) and the centre's distance from the cue (deg)")
    print(f"{'simulated':>9s}  {'simulator':22s} {'process':>8s} {'run':>7s} "
          f"{'run/sim s':>9s} {'E spikes':>9s} {'ratio':>7s} {'run ratio':>9s} "
          f"{'bump Hz':>7s} {'far Hz':>6s} {'drift':>6s}")
    for dur, res in rows:
        base = res["engramlab"]
        for name, r in res.items():
            if "error" in r:
                print(f"{dur:8g}s  {name:22s} {r['error']}")
                continue
            ok = "error" not in base
            ratio = f"{r['wall_s'] / base['wall_s']:.1f}x" if ok else "-"
            run_ratio = f"{r['run_s'] / base['run_s']:.1f}x" if ok else "-"
            drift_deg = (r["centre_deg"] - CUE["cue_deg"] + 180.0) % 360.0 - 180.0
            print(f"{dur:8g}s  {name:22s} {r['wall_s']:8.1f} {r['run_s']:7.1f} "
                  f"{r['run_s'] / dur:9.2f} {r['n_spikes_e']:9d} {ratio:>7s} "
                  f"{run_ratio:>9s} {r['bump_hz']:7.1f} {r['far_hz']:6.2f} "
                  f"{drift_deg:6.1f}")
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.mongillo:
        return mongillo(args)
    pythons: dict[str, Path | str] = {"engramlab": sys.executable}
    if not args.skip_peers:
        status = cuba.ensure_peers(args.venv, False)
        if status["brian2"]["python"] is not None:
            pythons["brian2"] = status["brian2"]["python"]
        else:
            print(f"Brian2 unavailable: {status['brian2']['why']}")
    if args.drift:
        return drift(args, pythons)
    return distractor(args, pythons) if args.distractor else speed(args, pythons)


if __name__ == "__main__":
    raise SystemExit(main())
