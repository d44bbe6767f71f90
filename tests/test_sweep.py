"""Sweeps: deterministic per-point seeds, durable points, resume, real Dask processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from engramlab.core import ParameterError
from engramlab.sweep import Grid, run_sweep

pytest.importorskip("distributed")

# The example (hopfield.capacity at one (N, alpha) per point: quick preset).
GRID = ["n_neurons=200,400", "load=0.05:0.2:4"]


def grids():
    return [Grid.parse(g) for g in GRID]


def program(*args: str, **kw) -> subprocess.CompletedProcess[str]:
    """The real program in a subprocess."""
    return subprocess.run([sys.executable, "-m", "engramlab", *args], capture_output=True,
                          text=True, timeout=300, **kw)


#: A Dask worker preload (``--preload`` / ``distributed.worker.preload``): in each worker
#: the first two sweep points run at once; every later point first writes
#: ``ready-<pid>`` and then waits until the file ``gate`` exists. So a test knows when a
#: sweep is under way with exactly two points finished in that worker, and the sweep
#: cannot finish before the test opens the gate: no sleep races the clock.
GATE_PRELOAD = """
import os, pathlib, time
import engramlab.sweep as sweep

FOLDER = pathlib.Path({folder!r})
# The preload may run twice in one process: wrap the real function only once.
_real = getattr(sweep.run_point, "__wrapped__", sweep.run_point)
_calls = 0


def gated(*args, **kwargs):
    global _calls
    _calls += 1
    if _calls > 2:
        (FOLDER / f"ready-{{os.getpid()}}").touch()
        while not (FOLDER / "gate").exists():
            time.sleep(0.01)
    return _real(*args, **kwargs)


gated.__wrapped__ = _real
sweep.run_point = gated
"""


def gate(folder: Path) -> Path:
    """Write the gate preload into ``folder``; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "gate_preload.py"
    path.write_text(GATE_PRELOAD.format(folder=str(folder)))
    return path


def test_grid_parsing():
    assert Grid.parse("load=0.05:0.2:4").values == ("0.05", "0.1", "0.15", "0.2")
    assert Grid.parse("n_neurons=200, 400").values == ("200", "400")
    for bad in ("load", "=1,2", "load=", "load=1,,2", "load=0:1:0", "load=a:b:2", "x=1,1"):
        with pytest.raises(ParameterError):
            Grid.parse(bad)


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    return run_sweep("hopfield.capacity", grids(), seeds=3, scheduler="serial",
                     out=tmp_path_factory.mktemp("serial"))


def test_dataset_dims_and_seeds(serial):
    ds = serial.dataset
    assert ds.success.dims == ("n_neurons", "load", "seed")
    assert ds.sizes == {"n_neurons": 2, "load": 4, "seed": 3}
    np.testing.assert_allclose(ds["load"].values, [0.05, 0.1, 0.15, 0.2])
    assert ds["n_neurons"].dtype.kind == "i"
    assert len(np.unique(ds.point_seed.values)) == 24, "every point has its own seed"
    assert serial.computed == 24 and serial.reused == 0 and serial.failed == 0
    # Physics: retrieval at low load, failure far above alpha_c.
    assert float(ds.success.sel(load=0.05).min()) == 1.0
    assert float(ds.success.sel(load=0.2, n_neurons=400).mean()) < 0.5
    assert Path(serial.files["figure"]).stat().st_size > 0
    back = xr.open_dataset(serial.files["data"], engine="h5netcdf").load()
    xr.testing.assert_identical(back, ds)


@pytest.mark.parametrize("workers", [1, 2])
def test_local_cluster_matches_serial(serial, workers, tmp_path):
    result = run_sweep("hopfield.capacity", grids(), seeds=3, scheduler="local",
                       workers=workers, out=tmp_path)
    xr.testing.assert_identical(result.dataset, serial.dataset)


def test_rerun_reuses_every_finished_point(serial):
    out = serial.directory.parent
    before = {p: p.stat().st_mtime_ns for p in (serial.directory / "points").iterdir()}
    again = run_sweep("hopfield.capacity", grids(), seeds=3, scheduler="serial", out=out)
    assert (again.computed, again.reused, again.failed) == (0, 24, 0)
    assert {p: p.stat().st_mtime_ns for p in before} == before, "points were rewritten"
    xr.testing.assert_identical(again.dataset, serial.dataset)


def test_failing_point_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    import engramlab.sweep as sweep_mod

    real = sweep_mod.run

    def flaky(experiment_id, **kw):
        if kw["set_strings"]["load"] == "0.1":
            raise RuntimeError("simulated failure")
        return real(experiment_id, **kw)

    monkeypatch.setattr(sweep_mod, "run", flaky)
    result = run_sweep("hopfield.capacity", grids(), seeds=1, scheduler="serial", out=tmp_path)
    ds = result.dataset
    assert result.failed == 2 and result.computed == 8
    assert bool(ds.failed.sel(load=0.1).all()) and not bool(ds.failed.sel(load=0.05).any())
    assert np.isnan(ds.success.sel(load=0.1)).all()
    assert "simulated failure" in str(ds.error.sel(load=0.1, n_neurons=200, seed=0).values)
    # Rerun without the fault: only the failed points are computed again.
    monkeypatch.setattr(sweep_mod, "run", real)
    again = run_sweep("hopfield.capacity", grids(), seeds=1, scheduler="serial", out=tmp_path)
    assert (again.computed, again.reused, again.failed) == (2, 6, 0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _wait_for(predicate, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.faults
def test_real_scheduler_survives_a_killed_worker(serial, tmp_path):
    """A real `dask scheduler` and two `dask worker` processes on loopback; one is killed
    mid-sweep; the sweep still completes, every point present, numbers identical."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    gates = tmp_path / "gates"
    preload = gate(gates)
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    worker = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
              "--nworkers", "1", "--host", "127.0.0.1", "--no-dashboard",
              "--preload", str(preload)]
    procs = [_start([*dask, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                    tmp_path / "scheduler.log")]
    sweep = None
    try:
        procs += [_start(worker, tmp_path / f"worker{k}.log") for k in range(2)]
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        sweep = subprocess.Popen(
            [sys.executable, "-m", "engramlab", "sweep", "hopfield.capacity", "--grid", GRID[0],
             "--grid", GRID[1], "--seeds", "3", "--scheduler", address, "--json",
             "--out", str(tmp_path / "out")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # A worker holding a point at the gate: the sweep cannot be finished.
        _wait_for(lambda: sweep.poll() is not None or list(gates.glob("ready-*")), 120,
                  "a worker at the gate")
        assert sweep.poll() is None, sweep.communicate()[1]  # still running, not crashed
        held = int(next(iter(gates.glob("ready-*"))).name.split("-")[1])
        victim = next(p for p in procs[1:] if os.getpgid(held) == p.pid)
        os.killpg(victim.pid, signal.SIGKILL)  # a worker dies mid-sweep
        victim.wait(timeout=30)
        (gates / "gate").touch()
        stdout, stderr = sweep.communicate(timeout=300)
        assert sweep.returncode == 0, stderr
        body = json.loads(stdout)
        assert body["points"] == 24 and body["failed"] == 0
        ds = xr.open_dataset(body["files"]["data"], engine="h5netcdf").load()
        xr.testing.assert_identical(ds, serial.dataset)
    finally:
        (gates / "gate").touch()
        if sweep is not None and sweep.poll() is None:
            sweep.kill()
            sweep.wait(timeout=30)
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(timeout=30)


@pytest.mark.parametrize(("args", "words"), [
    (["--grid", "colour=1,2"], ["colour", "unknown"]),
    (["--grid", "load=0.1:0.2:0"], ["load", "empty"]),
    (["--grid", "load=-1,0.1"], ["load", "> 0"]),
    (["--grid", "load=0.1", "--scheduler", "tcp://127.0.0.1:9"], ["scheduler", "cannot reach"]),
    *[(["--grid", "load=0.1", "--scheduler", bad], ["scheduler", "tcp://HOST:PORT",
                                                    "tls://HOST:PORT"])
      for bad in ("garbage", "http://127.0.0.1:8786", "tcp://127.0.0.1", "tcp://127.0.0.1:0",
                  "tcp://127.0.0.1:70000", "tcp://:8786", "", "ws://127.0.0.1:8786",
                  "LOCAL", "tcp://a b:1")],
    # The grid's size, from its axes (a 10^6-point grid must fail at once).
    (["--grid", "load=0.01:0.2:1000", "--grid", "n_neurons=100:1099:1000"],
     ["--grid", "1,000,000 runs", "at most 100,000"]),
    (["--grid", "load=0:1:1000000000"], ["load", "1000000000 points", "at most 100,000"]),
    (["--grid", "load=0.1", "--seeds", "100001"], ["seeds", "100,000"]),
    (["--grid", "load=0.1,0.2", "--seeds", "50001"], ["--grid", "100,002 runs"]),
    *[(["--grid", "load=0.1", "--point-timeout", bad], ["point-timeout", "> 0"])
      for bad in ("0", "-1", "nan", "inf", "1e300")],
    (["--grid", "load=0.1", "--point-timeout", "5", "--scheduler", "serial"],
     ["point-timeout", "Dask scheduler"]),
    (["--grid", "load=0.1", "--worker-memory", "lots"], ["worker-memory", "a size"]),
    (["--grid", "load=0.1", "--worker-memory", "1MB"], ["worker-memory", "128MiB"]),
    (["--grid", "load=0.1", "--worker-memory", "1GB", "--scheduler", "serial"],
     ["worker-memory", "local cluster"]),
    (["--grid", "load=0.1", "--dashboard", "--scheduler", "serial"],
     ["dashboard", "local cluster"]),
    (["--grid", "load=0.1", "--workers", "0"], ["workers", "between 1 and"]),
    (["--grid", "load=0.1", "--workers", "100000"], ["workers", "between 1 and"]),
])
def test_bad_input_exits_2_and_touches_nothing(args, words, tmp_path, cli):
    earlier = tmp_path / "earlier.json"
    earlier.write_text("{}")
    res = cli("sweep", "hopfield.capacity", *args, "--out", str(tmp_path), "--json")
    assert res.returncode == 2, res.stderr
    lines = [ln for ln in res.stderr.splitlines()
             if ln.strip() and not ln.lstrip().startswith("sweep ")]  # the progress bar
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    for w in words:
        assert w in lines[0]
    assert res.stdout == ""
    assert [p.name for p in tmp_path.iterdir()] == ["earlier.json"]


def test_grid_size_is_checked_before_any_point_is_validated(tmp_path, monkeypatch):
    import engramlab.sweep as sweep_mod

    def never(*args, **kwargs):
        raise AssertionError("a point was validated before the size check")

    monkeypatch.setattr(sweep_mod, "resolve_params", never)
    with pytest.raises(ParameterError, match=r"1,000,000 runs.*at most 100,000"):
        run_sweep("hopfield.capacity", [Grid.parse("load=0.01:0.2:1000"),
                                        Grid.parse("n_neurons=100:1099:1000")], out=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_out_that_is_a_file_exits_2_before_any_work(tmp_path, cli, monkeypatch):
    import engramlab.sweep as sweep_mod

    monkeypatch.setattr(sweep_mod, "run_point", lambda *a: pytest.fail("a point ran"))
    target = tmp_path / "file"
    target.write_text("x")
    res = cli("sweep", "hopfield.capacity", "--grid", "load=0.1", "--scheduler", "serial",
              "--out", str(target))
    assert res.returncode == 2, res.stderr
    assert "out" in res.stderr and "Traceback" not in res.stderr
    assert target.read_text() == "x"


def test_sweep_program(tmp_path):
    """The smoke test of the real program: a small serial sweep, its JSON and files."""
    proc = program("sweep", "hopfield.capacity", "--grid", "load=0.05,0.1", "--scheduler",
                   "serial", "--json", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    assert body["points"] == 2 and body["computed"] == 2 and body["failed"] == 0
    assert Path(body["files"]["data"]).stat().st_size > 0


def test_a_lost_heartbeat_at_shutdown_is_not_printed_but_other_worker_errors_are():
    """The worker-side filter drops only the heartbeat record whose cause is a closed
    connection (the race when the scheduler closes first); any other ERROR stays."""
    import logging

    from distributed.comm.core import CommClosedError

    from engramlab.sweep._cluster import _LostHeartbeat

    def record(msg: str, exc: BaseException | None) -> logging.LogRecord:
        info = (type(exc), exc, None) if exc is not None else None
        return logging.LogRecord("distributed.worker", logging.ERROR, __file__, 1, msg, (),
                                 info)

    keep = _LostHeartbeat().filter
    assert not keep(record("Failed to communicate with scheduler during heartbeat.",
                           CommClosedError("in <TLS (closed)>: Stream is closed")))
    assert keep(record("Failed to communicate with scheduler during heartbeat.",
                       ValueError("not a connection")))
    assert keep(record("Unexpected exception during heartbeat. Closing worker.",
                       CommClosedError("closed")))
    assert keep(record("Compute Failed", None))
