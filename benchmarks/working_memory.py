"""Working-memory ring speed and drift: Compte et al. (2000) in engramlab vs Brian2.

Run: ``python benchmarks/working_memory.py`` (speed: 1 s and 5 s of the 2048 E + 512 I
ring with a 250-ms cue, engramlab then Brian2's Cython target cold (a fresh code cache)
and warm (the same cache again), each in a process of its own; ``--numpy`` adds
Brian2's numpy target; ``--quick``: 1 s only). ``--drift N`` instead runs N seeds of
the delayed-response trial in both simulators (fixation 500 ms, cue 500-750 ms at 180
deg, 3 s of delay) and prints, per simulator, the bump's centre error at the end of
the 3-s delay and the fraction of networks within 10 deg of the cue: the evidence of
the declared deviation of ``working-memory.bump`` (``--results DIR`` keeps the spike
files and reuses those already there; ``--dt-ms`` sets both simulators' step).
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
    ap.add_argument("--results", type=Path, default=None,
                    help="keep (and reuse) the spike files of --drift here")
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


def speed(args: argparse.Namespace, pythons: dict[str, Path | str]) -> int:
    durations = (1.0,) if args.quick else (1.0, 5.0)
    tmp = Path(tempfile.mkdtemp(prefix="wm-speed-"))
    rows = []
    try:
        for dur in durations:
            dt = ["--dt-ms", f"{args.dt_ms:g}"]
            res = {"engramlab": run_one(pythons["engramlab"], "engramlab", dur, args.seed,
                                        tmp / "e.npz", dt, args.timeout)}
            if "brian2" in pythons:
                cache = tmp / f"cache-{dur:g}"
                for variant in ("cold", "warm"):
                    res[f"brian2 cython {variant}"] = run_one(
                        pythons["brian2"], "brian2", dur, args.seed, tmp / "b.npz",
                        ["--target", "cython", "--cython-cache", str(cache), *dt],
                        args.timeout)
                if args.numpy:
                    res["brian2 numpy"] = run_one(pythons["brian2"], "brian2", dur,
                                                  args.seed, tmp / "b.npz",
                                                  ["--target", "numpy", *dt], args.timeout)
            rows.append((dur, res))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'simulated':>9s}  {'simulator':22s} {'process s':>9s} {'run s':>8s} "
          f"{'run s / sim s':>13s} {'E spikes':>9s}  process ratio to engramlab")
    for dur, res in rows:
        base = res["engramlab"].get("wall_s")
        for name, r in res.items():
            if "error" in r:
                print(f"{dur:8g}s  {name:22s} {r['error']}")
                continue
            ratio = f"{r['wall_s'] / base:.1f}x" if base else "-"
            print(f"{dur:8g}s  {name:22s} {r['wall_s']:9.1f} {r['run_s']:8.1f} "
                  f"{r['run_s'] / dur:13.2f} {r['n_spikes_e']:9d}  {ratio}")
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    pythons: dict[str, Path | str] = {"engramlab": sys.executable}
    if not args.skip_peers:
        status = cuba.ensure_peers(args.venv, False)
        if status["brian2"]["python"] is not None:
            pythons["brian2"] = status["brian2"]["python"]
        else:
            print(f"Brian2 unavailable: {status['brian2']['why']}")
    return drift(args, pythons) if args.drift else speed(args, pythons)


if __name__ == "__main__":
    raise SystemExit(main())
