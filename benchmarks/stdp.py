"""STDP speed: the Song-Miller-Abbott network in engramlab vs Brian2, in the same run.

Run: ``python benchmarks/stdp.py`` (about 4 minutes on 2 cores: Brian2's Cython run,
cold then warm, is ~75 s of simulation each; ``--numpy`` adds Brian2's numpy target,
~4 more minutes; ``--quick`` is a 10 s smoke run). Nothing here is asserted by the test
suite (docs/design.md: tests never assert on time).

The model is Brian2's own STDP example (after Song, Miller & Abbott 2000, Nat.
Neurosci. 3:919, doi:10.1038/78829) with its parameters: 1000 Poisson inputs at 15 Hz,
all onto one conductance-based LIF neuron, additive all-to-all pair STDP on every
synapse, 100 s of biological time at dt 0.1 ms (see ``peers/brian2_stdp.py`` for the
equations and ``peers/engramlab_stdp.py`` for what differs). Each simulator runs in a
process of its own; the main time is the whole process (interpreter start, imports,
construction, code generation, the run); each script also reports ``t_setup_s`` and
``t_sim_s``. Brian2 runs in the peers' virtual environment (``benchmarks/.peers-venv``,
shared with ``cuba.py``, made on the first run; Brian2 2.9 needs numpy < 2.4), with the
Cython target cold (an empty cache directory) and warm (the same directory again).

Printed, never asserted: the speed-up of engramlab over Brian2's warm Cython run (the
issue's target: at least 5x) and over its numpy run when measured; and whether the two
final weight distributions have the same shape -- bimodal, mass near 0 and near gmax:
the fractions of weights below 0.1 gmax and above 0.9 gmax each within 0.1 of Brian2's
(different random streams, so the comparison is of shape, not synapse by synapse), and
the output rates within 25 % (the rate depends on the exact weights near threshold; in
Brian2 itself it varies by ~15 % between seeds at 100 s).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import cuba  # noqa: E402  (the shared harness: peers' venv, process timing)

SCRIPTS = {"engramlab": HERE / "peers" / "engramlab_stdp.py",
           "brian2": HERE / "peers" / "brian2_stdp.py"}
N_INPUTS = 1000
SPEEDUP_TARGET = 5.0  # the issue: at least 5x faster than Brian2's warm Cython run
SHAPE_TOLERANCE = 0.10  # |difference| of the fractions near 0 and near gmax
RATE_TOLERANCE = 0.25


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration-ms", type=float, default=100_000.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--numpy", action="store_true", help="also Brian2's numpy target")
    ap.add_argument("--quick", action="store_true", help="10 s of biological time")
    ap.add_argument("--skip-peers", action="store_true", help="engramlab only")
    ap.add_argument("--venv", type=Path, default=cuba.VENV)
    ap.add_argument("--timeout", type=float, default=1800)
    args = ap.parse_args(argv)
    if args.quick:
        args.duration_ms = 10_000.0
    if args.duration_ms <= 0:
        ap.error("--duration-ms must be > 0")
    return args


def describe(run: cuba.Run) -> str:
    if run.error:
        return f"FAILED: {run.error}"
    r = run.result
    return (f"whole {run.wall_s:7.2f} s  setup {r['t_setup_s']:6.2f} s  sim "
            f"{r['t_sim_s']:7.2f} s  rate {r['rate_hz']:6.2f} Hz  w<0.1 {r['frac_low']:.3f}  "
            f"w>0.9 {r['frac_high']:.3f}  mean w {r['w_mean']:.3f}")


def histogram_rows(runs: dict[str, cuba.Run]) -> None:
    ok = {k: r for k, r in runs.items() if r.error is None}
    if not ok:
        return
    print("\nfinal weight distribution (counts per 0.05 gmax bin)")
    print("  w/gmax  " + "  ".join(f"{k:>16}" for k in ok))
    for b in range(20):
        cells = "  ".join(f"{r.result['w_hist'][b]:>16d}" for r in ok.values())
        print(f"  {b * 0.05:4.2f}-{(b + 1) * 0.05:4.2f} {cells}")


def main(argv=None) -> int:
    args = parse_args(argv)
    d = args.duration_ms
    print(f"STDP benchmark (Song, Miller & Abbott 2000; Brian2's example parameters): "
          f"python {platform.python_version()}, {os.cpu_count()} CPUs; {N_INPUTS} inputs, "
          f"{d / 1e3:g} s, seed {args.seed}")
    runs: dict[str, cuba.Run] = {}
    # warm-up (untimed): byte code, page cache, and engramlab's compiled loop
    cuba.byte_compile_engramlab()
    cuba.run_script(sys.executable, "engramlab", "warm-up", N_INPUTS, 100.0, args.seed, [],
                    args.timeout, None, script=SCRIPTS["engramlab"])
    cuba.wait_idle(0.2, 60)
    runs["engramlab"] = cuba.run_script(sys.executable, "engramlab", "numba-cache", N_INPUTS,
                                        d, args.seed, [], args.timeout, None,
                                        script=SCRIPTS["engramlab"])
    print(f"  engramlab          {describe(runs['engramlab'])}", flush=True)
    cuba.run_brian2_variants(args, runs, N_INPUTS, d, [], SCRIPTS["brian2"], describe,
                             "stdp")
    histogram_rows(runs)

    eng = runs["engramlab"]
    if eng.error:
        print("\nengramlab failed: no ratios")
        return 1
    cuba.print_brian2_ratios(runs, SPEEDUP_TARGET)
    ref = runs.get("brian2 cython-warm")
    if ref is not None and not ref.error:
        a, b = eng.result, ref.result
        same = (abs(a["frac_low"] - b["frac_low"]) <= SHAPE_TOLERANCE
                and abs(a["frac_high"] - b["frac_high"]) <= SHAPE_TOLERANCE)
        rate_rel = (a["rate_hz"] - b["rate_hz"]) / b["rate_hz"]
        print(f"  weight distribution shape (fractions < 0.1 and > 0.9 gmax within "
              f"{SHAPE_TOLERANCE}): engramlab {a['frac_low']:.3f} / {a['frac_high']:.3f}, "
              f"Brian2 {b['frac_low']:.3f} / {b['frac_high']:.3f}  "
              f"{'same' if same else 'DIFFERENT'}")
        print(f"  output rate: engramlab {a['rate_hz']:.2f} Hz, Brian2 {b['rate_hz']:.2f} Hz "
              f"({rate_rel:+.0%}; within {RATE_TOLERANCE:.0%}: "
              f"{'yes' if abs(rate_rel) <= RATE_TOLERANCE else 'NO'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
