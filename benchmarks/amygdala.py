"""Basal-amygdala speed: the Vlachos et al. 2011 network in engramlab vs Brian2, in one run.

Run: ``python benchmarks/amygdala.py`` (the full protocol, 2.7 s of biological time:
conditioning, extinction, renewal test; Brian2's Cython run, cold then warm, each in a
process of its own; ``--numpy`` adds Brian2's numpy target; ``--quick`` is 2 CS pulses
in A, 2 in B and 1 back in A, 1.5 s). Nothing here is asserted by the test suite
(docs/design.md: tests never assert on time).

The model (see ``peers/brian2_amygdala.py`` for the equations and parameters, and
:mod:`engramlab.network.amygdala` for what differs): 3400 E + 600 I conductance LIF
neurons with alpha synapses, ~0.8 M recurrent synapses, 1000 background Poisson inputs
per neuron, a 500 Hz CS train onto every neuron and 300 Hz context trains onto the fear
(A) and extinction (B) cells, whose CS and context weights learn by the
input-coincidence rule during each CS pulse. The protocol (the replication's renewal
protocol): baseline 100 ms; 5 CS pulses (50 ms every 200 ms) in context A; 100 ms; 6
in context B; 100 ms; 1 back in A. Each simulator runs in a process of its own; the main
time is the whole process (interpreter start, imports, construction, code generation,
the run); each script also reports ``t_setup_s`` and ``t_sim_s``. Brian2 runs in the
peers' virtual environment (``benchmarks/.peers-venv``, shared with ``cuba.py``).

Printed, never asserted: the speed-up of engramlab over Brian2's warm Cython run (the
issue's target: at least 5x), medians of ``--repeats`` processes each (default 5: one
process's time varies by +-10 % here), the two simulators' processes alternating after
Brian2's cold run (so that both meet the same drift of a shared machine), with the
speed-up of each such pair; and the read-outs side by side: the mean CS-evoked rate
of the fear and the extinction cells in every CS pulse and per phase (conditioning,
extinction, test), the mean rates of E and I, and the final mean CS and context
weights. The two simulators draw different random networks and inputs, so the
read-outs agree in shape (fear rises in A, falls in B while the extinction cells rise,
returns in A), not spike for spike.
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

SCRIPTS = {"engramlab": HERE / "peers" / "engramlab_amygdala.py",
           "brian2": HERE / "peers" / "brian2_amygdala.py"}
N_NEURONS = 4000
SPEEDUP_TARGET = 5.0  # the issue: at least 5x faster than Brian2's warm Cython run
PHASES = ("conditioning", "extinction", "test")


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--n-cond", type=int, default=5)
    ap.add_argument("--n-ext", type=int, default=6)
    ap.add_argument("--n-test", type=int, default=1)
    ap.add_argument("--numpy", action="store_true", help="also Brian2's numpy target")
    ap.add_argument("--quick", action="store_true", help="2 + 2 + 1 CS pulses")
    ap.add_argument("--skip-peers", action="store_true", help="engramlab only")
    ap.add_argument("--venv", type=Path, default=cuba.VENV)
    ap.add_argument("--repeats", type=int, default=5,
                    help="runs of engramlab and of Brian2's warm Cython run (medians)")
    ap.add_argument("--timeout", type=float, default=1800)
    args = ap.parse_args(argv)
    if args.repeats < 1:
        ap.error("needs --repeats >= 1")
    if args.quick:
        args.n_cond, args.n_ext, args.n_test = 2, 2, 1
    if args.n_cond < 1 or args.n_ext < 0 or args.n_test < 0:
        ap.error("needs --n-cond >= 1, --n-ext >= 0, --n-test >= 0")
    return args


def duration_ms(args: argparse.Namespace) -> float:
    gaps = (args.n_ext > 0) + (args.n_test > 0)
    return 100.0 + 200.0 * (args.n_cond + args.n_ext + args.n_test) + 100.0 * gaps


def describe(run: cuba.Run) -> str:
    if run.error:
        return f"FAILED: {run.error}"
    r = run.result
    return (f"whole {run.wall_s:7.2f} s  setup {r['t_setup_s']:6.2f} s  sim "
            f"{r['t_sim_s']:7.2f} s  E {r['rate_e_hz']:5.2f} Hz  I {r['rate_i_hz']:5.2f} Hz")


def readout_rows(runs: dict[str, cuba.Run]) -> None:
    ok = {k: r for k, r in runs.items() if r.error is None}
    if not ok:
        return
    first = next(iter(ok.values())).result
    print("\nmean CS-evoked rate (Hz) per CS pulse: fear cells (A) / extinction cells (B)")
    print("  " + f"{'CS pulse':<18}" + "  ".join(f"{k:>22}" for k in ok))
    for c, name in enumerate(first["cs_names"]):
        cells = "  ".join(f"{r.result['fear_hz'][c]:>10.2f} / {r.result['extinction_hz'][c]:<9.2f}"
                          for r in ok.values())
        print(f"  {name:<18}{cells}")
    print("\nper phase (mean over its CS pulses): fear / extinction (Hz)")
    for ph in PHASES:
        cells = []
        for r in ok.values():
            sel = [c for c, n in enumerate(r.result["cs_names"]) if n.startswith(ph)]
            if not sel:
                cells.append(f"{'-':>22}")
                continue
            f = sum(r.result["fear_hz"][c] for c in sel) / len(sel)
            e = sum(r.result["extinction_hz"][c] for c in sel) / len(sel)
            cells.append(f"{f:>10.2f} / {e:<9.2f}")
        print(f"  {ph:<18}" + "  ".join(cells))
    print("\nfinal mean weights (nS): CS onto A / CS onto B / context A / context B")
    for k, r in ok.items():
        x = r.result
        print(f"  {k:<20} {x['w_cs_fear_ns']:.3f} / {x['w_cs_extinction_ns']:.3f} / "
              f"{x['w_ctx_a_ns']:.3f} / {x['w_ctx_b_ns']:.3f}")


def main(argv=None) -> int:
    args = parse_args(argv)
    d = duration_ms(args)
    extra = ["--n-cond", str(args.n_cond), "--n-ext", str(args.n_ext),
             "--n-test", str(args.n_test)]
    print(f"Basal-amygdala benchmark (Vlachos et al. 2011; ReScience replication's "
          f"parameters): python {platform.python_version()}, {os.cpu_count()} CPUs; "
          f"{N_NEURONS} neurons, {args.n_cond} + {args.n_ext} + {args.n_test} CS pulses, "
          f"{d / 1e3:g} s, seed {args.seed}")
    runs: dict[str, cuba.Run] = {}
    # warm-up (untimed): byte code, page cache, and engramlab's compiled loop
    cuba.byte_compile_engramlab()
    cuba.run_script(sys.executable, "engramlab", "warm-up", N_NEURONS, d, args.seed,
                    ["--n-cond", "1", "--n-ext", "0", "--n-test", "0"], args.timeout, None,
                    script=SCRIPTS["engramlab"])
    repeats: list[cuba.Run] = []

    def engramlab_once() -> None:
        cuba.wait_idle(0.2, 60)
        repeats.append(cuba.run_script(sys.executable, "engramlab", "numba-cache",
                                       N_NEURONS, d, args.seed, extra, args.timeout, None,
                                       script=SCRIPTS["engramlab"]))
        print(f"  engramlab          {describe(repeats[-1])}", flush=True)

    # Brian2 cold; then engramlab and Brian2 warm alternate, one process each in turn
    peers = cuba.run_brian2_variants(args, runs, N_NEURONS, d, extra, SCRIPTS["brian2"],
                                     describe, "amygdala", warm_repeats=args.repeats,
                                     before_warm=engramlab_once)
    while len(repeats) < args.repeats:  # without Brian2 (skipped or unavailable)
        engramlab_once()
    runs = {"engramlab": cuba.median_run(repeats), **runs}
    if args.repeats > 1:
        print(f"  engramlab          median of {args.repeats}: {describe(runs['engramlab'])}",
              flush=True)
    readout_rows(runs)

    eng = runs["engramlab"]
    if eng.error:
        print("\nengramlab failed: no ratios")
        return 1
    cuba.print_brian2_ratios(runs, SPEEDUP_TARGET)
    ratios = sorted(b.wall_s / e.wall_s
                    for e, b in zip(repeats, peers.get("cython-warm", []), strict=False)
                    if e.wall_s and b.wall_s and not (e.error or b.error))
    if len(ratios) > 1:
        print(f"    per pair (engramlab's run i, then Brian2's warm run i): "
              f"{' '.join(f'{r:.1f}x' for r in ratios)} (sorted; median "
              f"{ratios[(len(ratios) - 1) // 2]:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
