"""Sweep throughput: a local Dask cluster with 2 workers vs a serial loop, same run.

Run: ``python benchmarks/sweep.py``. Prints points per second and the ratio; nothing
is asserted anywhere (docs/design.md: tests never assert on time). The grid is the issue's
example made longer: hopfield.capacity (quick preset) at N = 1000, 2000 x 8 loads x
4 seeds, long enough (tens of seconds) that the cluster start-up does not dominate.
Both runs write to fresh directories, so nothing is reused.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import xarray as xr

from engramlab.sweep import Grid, run_sweep

GRID = ["n_neurons=1000,2000", "load=0.05:0.26:8"]
SEEDS = 4


def timed(scheduler: str, workers: int, out: Path):
    start = time.perf_counter()
    result = run_sweep("hopfield.capacity", [Grid.parse(g) for g in GRID], seeds=SEEDS,
                       scheduler=scheduler, workers=workers, out=out)
    return time.perf_counter() - start, result


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t_serial, serial = timed("serial", 1, root / "serial")
        t_local, local = timed("local", 2, root / "local")
    xr.testing.assert_identical(serial.dataset, local.dataset)
    n = serial.computed
    print(f"{'case':<46} {'time (s)':>9} {'points/s':>9} {'ratio':>6}")
    print(f"{'serial loop (one process)':<46} {t_serial:>9.2f} {n / t_serial:>9.2f} {1:>6.2f}")
    print(f"{'local Dask cluster, 2 workers (incl. start-up)':<46} {t_local:>9.2f} "
          f"{n / t_local:>9.2f} {t_serial / t_local:>6.2f}")
    print(f"{n} points; identical datasets: yes")


if __name__ == "__main__":
    main()
