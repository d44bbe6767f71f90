"""Fault injection into sweeps: signals to the client and to workers, points that raise,
hang, crash or exhaust their worker's memory, damaged point files, a cluster that must
not be reachable from outside.

Every fault is placed deterministically: a worker preload (:data:`FAULT_PRELOAD`) holds
points at a gate file, or makes the points of one grid value kill, hang or flood their
worker, and writes a file when it does; the test sends its signal when that file appears.
Nothing races the clock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import engramlab.sweep as sweep_mod
from engramlab.sweep import Grid, run_sweep

pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.faults

EXP = "hopfield.capacity"
GRID = ["n_neurons=200,400", "load=0.05,0.1"]  # x 2 seeds: 8 runs of a second or less
SEEDS = 2
TOTAL = 8

#: A Dask worker preload. Per worker process, the first ``HOLD_AFTER`` points run at
#: once and every later one writes ``ready-<pid>`` and waits for the file ``gate``
#: (``None``: no gate). A point whose swept values match a key of ``ACTIONS`` writes
#: ``running-<pid>`` and then: ``exit`` (SIGKILL its own worker), ``hang`` (wait for a
#: file that never comes) or ``hog:MIB`` (fill MIB MiB of memory, then hang); ``stub``
#: returns a made-up result at once, without running the experiment. Every
#: call appends ``["start" | "end", pid, values, seed]`` to ``calls.log``.
FAULT_PRELOAD = """
import json, os, pathlib, signal, time
import numpy as np
import engramlab.sweep as sweep

FOLDER = pathlib.Path({folder!r})
HOLD_AFTER = {hold_after!r}
ACTIONS = {actions!r}
# The preload may run twice in one process: wrap the real function only once.
_real = getattr(sweep.run_point, "__wrapped__", sweep.run_point)
_calls = 0


def _log(event, sets, seed):
    with open(FOLDER / "calls.log", "a") as fh:
        fh.write(json.dumps([event, os.getpid(), sorted(sets.items()), seed]) + "\\n")


def _wait_for(path):
    while not path.exists():
        time.sleep(0.01)


def faulty(experiment_id, preset, sets, seed, *args, **kwargs):
    global _calls
    _calls += 1
    _log("start", sets, seed)
    for match, action in ACTIONS.items():
        name, _, value = match.partition("=")
        if sets.get(name) != value:
            continue
        if action == "stub":  # a point that returns at once, without running
            return {{"metrics": {{"success": 1.0}}, "params": {{}}, "passed": True,
                    "wall_time_s": 0.0}}
        (FOLDER / f"running-{{os.getpid()}}").touch()
        if action == "exit":
            os.kill(os.getpid(), signal.SIGKILL)
        if action.startswith("hog:"):
            block = np.ones(int(action[4:]) * 2**20 // 8)  # every page written
        _wait_for(FOLDER / "never")
    if HOLD_AFTER is not None and _calls > HOLD_AFTER:
        (FOLDER / f"ready-{{os.getpid()}}").touch()
        _wait_for(FOLDER / "gate")
    result = _real(experiment_id, preset, sets, seed, *args, **kwargs)
    _log("end", sets, seed)
    return result


faulty.__wrapped__ = _real
sweep.run_point = faulty
"""


def preload(folder: Path, *, hold_after: int | None = None,
            actions: dict[str, str] | None = None) -> dict[str, str]:
    """Write the fault preload into ``folder``; the environment that loads it in workers."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fault_preload.py"
    path.write_text(FAULT_PRELOAD.format(folder=str(folder), hold_after=hold_after,
                                         actions=actions or {}))
    return {**os.environ, "DASK_DISTRIBUTED__WORKER__PRELOAD": json.dumps([str(path)])}


def calls(folder: Path, event: str) -> list[tuple[tuple[tuple[str, str], ...], int]]:
    """The points (values and seed) that logged ``event`` in the workers, in order."""
    log = folder / "calls.log"
    lines = log.read_text().splitlines() if log.exists() else []
    return [(tuple(tuple(v) for v in values), seed)
            for e, _, values, seed in map(json.loads, lines) if e == event]


def sweep_args(out: Path, *extra: str, grid: list[str] = GRID, seeds: int = SEEDS) -> list[str]:
    args = ["sweep", EXP, "--seeds", str(seeds), "--json", "--out", str(out)]
    for g in grid:
        args += ["--grid", g]
    return [*args, *extra]


def _as_from_a_terminal() -> None:
    """In the child before exec: Ctrl-C's signal back to its default. A job that a
    non-interactive shell put in the background (``cmd &``, e.g. a CI script or
    ``nohup``) inherits SIGINT ignored, and Python then leaves it ignored: the sweep
    would rightly never see the test's Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """The real program in its own process group, as a terminal's shell starts it."""
    return subprocess.Popen([sys.executable, "-m", "engramlab", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_as_from_a_terminal)


def program(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engramlab", *args], capture_output=True,
                          text=True, timeout=600, env=env)


def wait_for(predicate, what: str, proc: subprocess.Popen | None = None,
             timeout: float = 300) -> None:
    """Wait for ``predicate()`` (the bound only turns a hang into a failure)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"the sweep ended (status {proc.returncode}) before "
                                 f"{what}: {proc.communicate()[1]}")
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def tree(pid: int) -> list:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def reap(procs: list) -> None:
    """Kill what is left of a process tree recorded earlier (by pid, never by name)."""
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=30)


def pids_from(folder: Path, prefix: str) -> list[int]:
    return [int(p.name.split("-")[1]) for p in folder.glob(f"{prefix}-*")]


def finished(out: Path) -> dict[Path, int]:
    """The point files on disk and their modification times."""
    return {p: p.stat().st_mtime_ns for p in out.glob("*/points/*.json")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> xr.Dataset:
    """The sweep computed in one process, without Dask: what every faulted sweep must give."""
    result = run_sweep(EXP, [Grid.parse(g) for g in GRID], seeds=SEEDS, scheduler="serial",
                       out=tmp_path_factory.mktemp("reference"))
    assert result.failed == 0
    return result.dataset


def load(body: dict) -> xr.Dataset:
    return xr.open_dataset(body["files"]["data"], engine="h5netcdf").load()


# -- the sweep's own process: Ctrl-C, SIGINT to the group, SIGKILL -------------------------


@pytest.mark.parametrize("how", [pytest.param("SIGINT client", marks=pytest.mark.slow),
                                 "SIGINT group",
                                 pytest.param("SIGKILL client", marks=pytest.mark.slow)])
def test_stopped_sweep_resumes_identically_and_recomputes_nothing_finished(
        how, tmp_path, reference, cli):
    """A sweep on a local cluster stopped with two points on disk and the third held at
    the gate: Ctrl-C (to the client, or to its whole process group as a terminal sends
    it) exits 130 with a note; SIGKILL leaves the points on disk. The same sweep again
    computes exactly the missing points and gives the reference dataset."""
    gates, out = tmp_path / "gates", tmp_path / "out"
    args = sweep_args(out)
    proc = start([*args, "--scheduler", "local", "--workers", "1"],
                 preload(gates, hold_after=2))
    procs = []
    try:
        wait_for(lambda: pids_from(gates, "ready") and len(finished(out)) >= 2,
                 "two points on disk and the third held", proc)
        procs = tree(proc.pid)
        signum = signal.SIGKILL if "SIGKILL" in how else signal.SIGINT
        if "group" in how:
            os.killpg(proc.pid, signum)
        else:
            proc.send_signal(signum)
        # The gate stays shut until the sweep has exited: the held point cannot finish,
        # so the sweep cannot complete before the signal is handled, however loaded the
        # machine (closing the cluster ends the worker that holds it).
        _, err = proc.communicate(timeout=300)
        if signum == signal.SIGKILL:  # its workers notice and exit by themselves
            _, alive = psutil.wait_procs(procs[1:], timeout=120)
            assert not alive, f"orphaned workers of a killed sweep: {alive}"
    finally:
        (gates / "gate").touch()
        reap(procs)
    if signum == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, err
        assert "Traceback" not in err and "resumes" in err, err
    done = finished(out)
    assert 2 <= len(done) < TOTAL
    # The same sweep again, in this process (the scheduler is not part of what a sweep
    # is, so it finds the same directory).
    rerun = cli(*args, "--scheduler", "serial")
    assert rerun.returncode == 0, rerun.stderr
    body = json.loads(rerun.stdout)
    assert (body["reused"], body["computed"], body["failed"]) == (len(done), TOTAL - len(done),
                                                                  0)
    assert {p: finished(out)[p] for p in done} == done, "a finished point was recomputed"
    xr.testing.assert_identical(load(body), reference)


# -- a worker: SIGKILL (lost worker) and SIGINT ---------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGKILL,
                                    pytest.param(signal.SIGINT, marks=pytest.mark.slow)],
                         ids=["SIGKILL", "SIGINT"])
def test_signalled_worker_loses_nothing(signum, tmp_path, reference):
    """The only worker of a local cluster gets a signal while it holds the third point:
    the sweep still finishes with the reference dataset and no failure, and no point is
    computed twice to the end (the held one may start twice: its worker died)."""
    gates, out = tmp_path / "gates", tmp_path / "out"
    proc = start([*sweep_args(out), "--scheduler", "local", "--workers", "1"],
                 preload(gates, hold_after=2))
    try:
        # The two finished points on disk first: a result still in the worker's batched
        # stream when it dies is rightly computed again (seen under load, Python 3.12).
        wait_for(lambda: pids_from(gates, "ready") and len(finished(out)) >= 2,
                 "two points on disk and the third held by the worker", proc)
        [worker] = pids_from(gates, "ready")
        os.kill(worker, signum)
        if signum == signal.SIGKILL:
            psutil.Process(proc.pid)  # the sweep itself is alive
            wait_for(lambda: not psutil.pid_exists(worker)
                     or psutil.Process(worker).status() == psutil.STATUS_ZOMBIE,
                     "the worker to die", proc)
        (gates / "gate").touch()
        stdout, stderr = proc.communicate(timeout=600)
    finally:
        (gates / "gate").touch()
        if proc.poll() is None:
            reap(tree(proc.pid))
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    body = json.loads(stdout)
    assert (body["computed"], body["failed"]) == (TOTAL, 0)
    ends = calls(gates, "end")
    assert len(ends) == TOTAL and len(set(ends)) == TOTAL, "a point was computed twice"
    xr.testing.assert_identical(load(body), reference)


# -- points that raise, hang, kill their worker or exceed its memory -------------------------


def _failed_point_sweep(tmp_path: Path, actions: dict[str, str], *extra: str) -> tuple[dict, str]:
    gates, out = tmp_path / "gates", tmp_path / "out"
    res = program(sweep_args(out, "--scheduler", "local", *extra, grid=["load=0.05,0.1"],
                             seeds=1), preload(gates, actions=actions))
    assert res.returncode == 1, res.stderr  # a point failed; the sweep finished
    assert "Traceback" not in res.stderr, res.stderr
    body = json.loads(res.stdout)
    assert (body["points"], body["computed"], body["failed"]) == (2, 2, 1)
    assert [f["values"] for f in body["failures"]] == [{"load": "0.1"}]
    ds = load(body)
    assert bool(ds.failed.sel(load=0.1).all()) and not bool(ds.failed.sel(load=0.05).any())
    assert np.isnan(ds.success.sel(load=0.1)).all() and (ds.success.sel(load=0.05) >= 0).all()
    # The same sweep again without the fault computes the failed point only.
    again = program(sweep_args(out, "--scheduler", "serial", grid=["load=0.05,0.1"], seeds=1))
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["computed"] == 1
    return body, str(ds.error.sel(load=0.1, seed=0).values)


def test_point_that_kills_its_worker_is_failed_and_the_sweep_finishes(tmp_path):
    """A point that SIGKILLs its worker process every time (a crash in C, the kernel's
    OOM killer): after the allowed retries it is failed with the reason."""
    body, error = _failed_point_sweep(tmp_path, {"load=0.1": "exit"}, "--workers", "2")
    assert error.startswith("KilledWorker: killed its worker (e.g. out of memory)"), error
    assert body["failures"][0]["error"] == error


@pytest.mark.slow  # in CI's slow suite and fault passes; the default keeps one of each kind
def test_point_over_its_worker_memory_is_failed_and_the_sweep_finishes(tmp_path):
    """`engramlab sweep` with a point that fills more memory than its worker has: the
    nanny restarts the worker, the point is failed with its reason, the sweep finishes."""
    _, error = _failed_point_sweep(tmp_path, {"load=0.1": "hog:1200"}, "--workers", "1",
                                   "--worker-memory", "700MiB")
    assert "killed its worker (e.g. out of memory)" in error, error


@pytest.mark.slow  # in CI's slow suite and fault passes; the default keeps one of each kind
def test_point_that_runs_past_its_timeout_is_failed_and_the_sweep_finishes(tmp_path):
    """A point that never returns, with --point-timeout: failed "timed out", its worker
    restarted, the other point computed."""
    # The other point returns at once: only the hanging one can reach the timeout.
    _, error = _failed_point_sweep(tmp_path, {"load=0.1": "hang", "load=0.05": "stub"},
                                   "--workers", "1", "--point-timeout", "3")
    assert error == "TimeoutError: timed out after 3 s"


def test_serial_points_that_raise_or_exit_are_recorded(tmp_path, monkeypatch):
    """In-process sweeps: a point that raises any exception, or calls sys.exit, is
    failed with its exception; the others are computed; the sweep returns."""
    real = sweep_mod.run

    def faulty(experiment_id, **kw):
        load = kw["set_strings"]["load"]
        if load == "0.1":
            raise SystemExit(3)
        if load == "0.15":
            raise ZeroDivisionError("simulated")
        return real(experiment_id, **kw)

    monkeypatch.setattr(sweep_mod, "run", faulty)
    result = run_sweep(EXP, [Grid.parse("load=0.05,0.1,0.15")], scheduler="serial",
                       out=tmp_path)
    errors = {f["values"]["load"]: f["error"] for f in result.failures}
    assert errors == {"0.1": "SystemExit: 3", "0.15": "ZeroDivisionError: simulated"}
    assert result.failed == 2 and result.computed == 3


# -- damaged point files ----------------------------------------------------------------------

DAMAGE = {
    "truncated": lambda text: text[: len(text) // 2],
    "empty": lambda text: "",
    "not JSON": lambda text: "garbage \x00 here",
    "not UTF-8": lambda text: b"\xff\xfe\x00garbage",
    "a list": lambda text: "[]",
    "deeply nested": lambda text: "[" * 100_000,
    "another point's": lambda text: json.dumps(
        {**(r := json.loads(text)), "seed_index": 1 - r["seed_index"]}),
    "a wrong seed": lambda text: text.replace('"seed": ', '"seed": 1'),
    "no metrics": lambda text: json.dumps({**json.loads(text), "result": {"metrics": "x"}}),
}


def test_damaged_point_files_are_named_and_recomputed(tmp_path, reference):
    """Each kind of damage to a point file: named in a note, that point computed again,
    the reference dataset, no traceback (a truncated file no longer blocks resuming)."""
    grid = [Grid.parse(g) for g in GRID]
    first = run_sweep(EXP, grid, seeds=SEEDS, scheduler="serial", out=tmp_path)
    files = sorted((first.directory / "points").iterdir())
    assert len(files) == TOTAL
    kinds = list(DAMAGE.items())
    for chunk in (kinds[:TOTAL], kinds[TOTAL:]):  # one damaged file per kind
        damaged = []
        for (kind, damage), path in zip(chunk, files, strict=False):
            text = path.read_text()
            new = damage(text)
            assert new != text, kind
            (path.write_bytes if isinstance(new, bytes) else path.write_text)(new)
            damaged.append(os.fspath(path))
        notes: list[str] = []
        again = run_sweep(EXP, grid, seeds=SEEDS, scheduler="serial", out=tmp_path,
                          on_note=notes.append)
        assert sorted(again.damaged) == sorted(damaged)
        assert again.computed == len(damaged) == len(notes)
        for path in damaged:
            assert sum(path in n for n in notes) == 1, notes
        xr.testing.assert_identical(again.dataset, reference)
    # Healed: the next run reuses everything.
    third = run_sweep(EXP, grid, seeds=SEEDS, scheduler="serial", out=tmp_path)
    assert (third.computed, third.reused, third.damaged) == (0, TOTAL, ())


def test_temporaries_of_a_killed_sweep_are_removed_and_a_running_ones_kept(tmp_path):
    """A point write killed between its temporary and its rename leaves
    ``.<key>.json.<pid>-<random>.tmp`` in points/: the next sweep removes those of dead
    processes with a note and leaves a running process's alone."""
    grid = [Grid.parse(g) for g in GRID]
    first = run_sweep(EXP, grid, seeds=SEEDS, scheduler="serial", out=tmp_path)
    points = first.directory / "points"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = points / f".a.json.{int(dead.stdout)}-x1y2z3.tmp"
    alive = points / f".b.json.{os.getpid()}-x1y2z3.tmp"
    for path in (stale, alive):
        path.write_text("{")
    notes: list[str] = []
    again = run_sweep(EXP, grid, seeds=SEEDS, scheduler="serial", out=tmp_path,
                      on_note=notes.append)
    assert not stale.exists() and alive.exists()
    assert notes == [f"removed 1 temporary file(s) of a killed run in {points}"]
    assert (again.computed, again.reused) == (0, TOTAL)
    xr.testing.assert_identical(again.dataset, first.dataset)


def test_truncated_point_file_through_the_program(tmp_path):
    """The issue's case: a truncated point file; the program says which, exits 0."""
    args = sweep_args(tmp_path, "--scheduler", "serial", grid=["load=0.05,0.1"], seeds=1)
    assert program(args).returncode == 0
    victim = sorted(tmp_path.glob("*/points/*.json"))[0]
    victim.write_text(victim.read_text()[:40])
    res = program(args)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr and "JSONDecodeError" not in res.stderr
    assert str(victim) in res.stderr and "damaged" in res.stderr, res.stderr
    body = json.loads(res.stdout)
    assert body["computed"] == 1 and body["damaged"] == [str(victim)]


# -- the local cluster is reachable from this process only ----------------------------------


def _http_ok(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("dashboard", [False, pytest.param(True, marks=pytest.mark.slow)],
                         ids=["default", "--dashboard"])
def test_local_cluster_listens_on_loopback_only_and_serves_no_http(dashboard, tmp_path):
    """While a local sweep runs, every listening socket of its process tree is on
    127.0.0.1; by default none is on the dashboard port 8787 and none speaks HTTP (each
    answers TLS only) and a client with another certificate is refused by every one;
    ``--dashboard`` adds exactly one HTTP server, on 127.0.0.1 too."""
    from distributed import Client
    from distributed.security import Security

    gates = tmp_path / "gates"
    proc = start([*sweep_args(tmp_path / "out", grid=["load=0.05,0.1"], seeds=1),
                  "--scheduler", "local", "--workers", "2",
                  *(["--dashboard"] if dashboard else [])], preload(gates, hold_after=0))
    try:
        wait_for(lambda: len(pids_from(gates, "ready")) == 2, "both workers busy", proc)
        listening = [(p.pid, c.laddr.ip, c.laddr.port) for p in tree(proc.pid)
                     for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
        assert {ip for _, ip, _ in listening} == {"127.0.0.1"}, listening
        http = [port for _, _, port in listening if _http_ok(port)]
        # The scheduler and two nannies in the client, one port in each worker.
        assert len(listening) == 5 + dashboard, listening
        assert len(http) == dashboard, (http, listening)
        if not dashboard:
            assert 8787 not in {port for _, _, port in listening}, listening
        for _, ip, port in listening:
            if port not in http:
                with pytest.raises((OSError, TimeoutError)):
                    Client(f"tls://{ip}:{port}", security=Security.temporary(), timeout="5s")
        (gates / "gate").touch()
        _, err = proc.communicate(timeout=300)
    finally:
        (gates / "gate").touch()
        if proc.poll() is None:
            reap(tree(proc.pid))
    assert proc.returncode == 0, err
    assert ("dashboard at http://127.0.0.1:" in err) == dashboard, err
