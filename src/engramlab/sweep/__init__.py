"""Parameter sweeps on Dask that lose nothing and survive their points.

A sweep runs one experiment at every point of a grid of parameter values, ``seeds``
times each, and returns one ``xarray.Dataset`` with a dimension per swept parameter and
a ``seed`` dimension. It is the only part of engramlab that imports Dask.

- **Deterministic seeds.** The seed of a point is derived from the point itself (the
  experiment, the preset, its parameter values, the sweep's base seed and the seed
  index) through SHA-256, never from the order in which workers finish: a sweep gives
  the same numbers on one worker or twenty.
- **Durable points.** Each finished point is written to ``points/<key>.json`` in the
  sweep directory (atomically) as soon as its result reaches the client, and its
  future is released at once (a worker lost later takes no finished point with it).
- **Points that fail do not stop the sweep.** A point that raises, runs longer than
  ``point_timeout_s`` or kills its worker (out of memory, a crash: Dask's
  ``KilledWorker``) is recorded as failed with its reason (the ``failed`` and ``error``
  variables of the Dataset) and the sweep goes on to the end.
- **Resume.** The sweep directory is named after a hash of the sweep's specification,
  so running the same command again finds it and skips every point already finished
  (interrupted by Ctrl-C, a killed client, or lost workers: Dask reschedules the
  tasks of a lost worker on the others). Failed points are tried again; a damaged
  point file (truncated, not JSON, not this point's record) is reported by name and
  computed again.
- **Inputs checked first.** The scheduler address, the grid's size (at most
  :data:`MAX_RUNS` runs, counted from the axes before any point is validated) and
  every point's parameters are checked before anything is started or written.
- **A safe local cluster.** Loopback only, no HTTP server unless ``dashboard=True``,
  TLS with a temporary certificate (:mod:`engramlab.sweep._cluster`).

Example
-------
>>> from engramlab.sweep import Grid, run_sweep
>>> result = run_sweep("hopfield.capacity",                       # doctest: +SKIP
...                    [Grid.parse("n_neurons=200,400"), Grid.parse("load=0.05:0.2:4")],
...                    seeds=3, scheduler="local", workers=2)
>>> result.dataset.success.dims                                     # doctest: +SKIP
('n_neurons', 'load', 'seed')
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import json
import math
import os
import queue
import re
import time
import traceback
import typing
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from engramlab.core import EngramlabError, ParameterError, check_seed
from engramlab.core import io as fileio
from engramlab.core.version import __version__
from engramlab.experiments import Experiment, Preset, get_experiment
from engramlab.runner import resolve_params, run

__all__ = ["MAX_RUNS", "Grid", "SweepResult", "check_scheduler", "point_seed", "run_point",
           "run_sweep", "sweep_directory"]

DEFAULT_SWEEP_OUT = Path("engramlab-results") / "sweeps"
#: The most runs (grid points x seeds) one sweep may have. Every point is validated,
#: submitted and kept as a file before it runs: 100 000 of them take seconds to check
#: and a few hundred MB on disk; a larger study is several sweeps.
MAX_RUNS = 100_000
#: The most worker processes of the local cluster.
MAX_WORKERS = 256
#: The longest per-point timeout, in s (a week).
MAX_POINT_TIMEOUT_S = 7 * 24 * 3600.0
#: The smallest memory budget of a local worker, in bytes (a worker process with
#: engramlab loaded takes about 250 MB before it runs anything).
MIN_WORKER_MEMORY = 128 * 2**20
#: A point file larger than this (bytes) is not a point's record.
MAX_POINT_FILE = 16 * 2**20
#: The reason recorded for a point whose worker died while running it.
KILLED = "killed its worker (e.g. out of memory)"

#: The scheduler forms a sweep accepts, in words (for error messages).
ACCEPTED_SCHEDULERS = "'local', 'serial', tcp://HOST:PORT or tls://HOST:PORT"
_ADDRESS = re.compile(r"(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9._-]*):(\d{1,5})")


def check_scheduler(scheduler: object) -> str:
    """Return ``scheduler`` if it is a form a sweep accepts, else raise ``ParameterError``.

    Accepted: ``"local"`` (a local cluster), ``"serial"`` (this process, no Dask),
    ``tcp://HOST:PORT`` and ``tls://HOST:PORT`` (a running Dask scheduler; HOST a name,
    an IPv4 address or a bracketed IPv6 address, PORT 1 to 65535).
    """
    if isinstance(scheduler, str):
        match = _ADDRESS.fullmatch(scheduler)
        if scheduler in ("local", "serial") or (match and 1 <= int(match.group(3)) <= 65535):
            return scheduler
    raise ParameterError("--scheduler", f"must be {ACCEPTED_SCHEDULERS}", scheduler)


@dataclasses.dataclass(frozen=True)
class Grid:
    """The values one parameter takes in a sweep (kept as the strings given)."""

    name: str
    values: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Grid:
        """``NAME=V1,V2,...`` or ``NAME=START:STOP:NUM`` (NUM points, both ends included).

        At most :data:`MAX_RUNS` values.
        """
        name, sep, spec = text.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError("--grid", "must look like NAME=V1,V2 or NAME=START:STOP:NUM",
                                 text)
        spec = spec.strip()
        if spec.count(":") == 2:
            start, stop, num = (part.strip() for part in spec.split(":"))
            try:
                a, b, n = float(start), float(stop), int(num)
            except ValueError:
                raise ParameterError(f"--grid {name}", "START:STOP:NUM needs two numbers and "
                                     "an integer count", spec) from None
            if n < 1:
                raise ParameterError(f"--grid {name}", "is an empty range (NUM must be >= 1)",
                                     spec)
            _check_size(f"--grid {name}", n, f"{n} points")
            values = tuple(f"{v:.12g}" for v in np.linspace(a, b, n))
        else:
            values = tuple(v.strip() for v in spec.split(","))
            if not spec or any(not v for v in values):
                raise ParameterError(f"--grid {name}", "needs at least one value and no empty "
                                     "item", spec)
            _check_size(f"--grid {name}", len(values), f"{len(values)} values")
        if len(set(values)) != len(values):
            raise ParameterError(f"--grid {name}", "has repeated values", spec)
        return cls(name, values)


def _check_size(field: str, runs: int, what: str) -> None:
    if runs > MAX_RUNS:
        raise ParameterError(field, f"makes {what}; a sweep has at most {MAX_RUNS:,} runs "
                             "(grid points x seeds): split it into several sweeps")


@dataclasses.dataclass(frozen=True)
class SweepResult:
    """A finished sweep: its Dataset, files and what was computed, reused or failed.

    ``failures`` lists each failed point (``values``, ``seed_index``, ``error``);
    ``damaged`` the point files that were found damaged and computed again.
    """

    dataset: xr.Dataset
    directory: Path
    computed: int
    reused: int
    failed: int
    files: dict[str, str]
    failures: tuple[dict[str, Any], ...] = ()
    damaged: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        ds = self.dataset
        return {
            "experiment": ds.attrs["experiment"],
            "directory": os.fspath(self.directory),
            "dims": {str(k): int(v) for k, v in ds.sizes.items()},
            "points": int(math.prod(ds.sizes.values())),
            "computed": self.computed,
            "reused": self.reused,
            "failed": self.failed,
            "failures": [dict(f) for f in self.failures],
            "damaged": list(self.damaged),
            "files": dict(self.files),
        }


def point_seed(spec_key: str, values: dict[str, str], seed_index: int) -> int:
    """The seed of one point: SHA-256 of the sweep's key, the point's values and index.

    It depends on what the point *is*, never on when or where it runs.
    """
    text = json.dumps([spec_key, sorted(values.items()), seed_index])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


def _point_key(values: dict[str, str], seed_index: int) -> str:
    text = json.dumps([sorted(values.items()), seed_index])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_point(experiment_id: str, preset: str, sets: dict[str, str], seed: int,
              backend: str = "numpy") -> dict[str, Any]:
    """Run one sweep point (this is what a Dask worker executes).

    Returns ``{"metrics", "params", "passed", "wall_time_s"}``, or ``{"error",
    "traceback"}`` if the experiment raised (the sweep records it and goes on).
    """
    start = time.perf_counter()
    try:
        outcome = run(experiment_id, set_strings=sets, seed=seed,
                      preset=preset,  # type: ignore[arg-type]
                      backend=backend)
    except (Exception, SystemExit) as exc:  # a failing point is recorded, the sweep goes on
        return {"error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc(limit=5)}
    return {"metrics": outcome.metrics, "params": outcome.params.model_dump(mode="json"),
            "passed": outcome.passed, "wall_time_s": time.perf_counter() - start}


def sweep_directory(out: Path, experiment_id: str, spec: dict[str, Any]) -> Path:
    """Where a sweep lives: the same specification always maps to the same directory."""
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:10]
    return Path(out) / f"{experiment_id}.sweep-{digest}"


def _coordinate(exp: Experiment, name: str, values: Sequence[str]) -> np.ndarray:
    """Grid values as numbers where the parameter is numeric (or a tuple of numbers)."""
    annotation = exp.Params.model_fields[name].annotation
    item = annotation
    if typing.get_origin(annotation) is tuple:
        item = next(a for a in typing.get_args(annotation) if a is not Ellipsis)
        item = typing.get_args(item)[0] if typing.get_origin(item) is typing.Annotated else item
    if item in (int, float):
        return np.array([item(float(v)) if item is int else float(v) for v in values])
    return np.array(values, dtype=object).astype(str)


def _check_count(field: str, value: object, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(field, "must be an integer", value)
    if not 1 <= int(value) <= most:
        raise ParameterError(field, f"must be between 1 and {most:,}", value)
    return int(value)


def _check_timeout(value: object, scheduler: str) -> float | None:
    """The per-point timeout in s (``None``: none), checked before any work."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ParameterError("--point-timeout", "must be a number of seconds", value)
    seconds = float(value)
    if not 0 < seconds <= MAX_POINT_TIMEOUT_S:  # NaN fails too
        raise ParameterError("--point-timeout", f"must be > 0 and <= {MAX_POINT_TIMEOUT_S:g} "
                             "s (a week)", value)
    if scheduler == "serial":
        # Stopping a point inside this process (SIGALRM) could interrupt it anywhere, an
        # import or a cache write included, and leave the process broken for the rest.
        raise ParameterError("--point-timeout", "needs a Dask scheduler ('local' or an "
                             "address): a point running in this process cannot be stopped "
                             "safely", value)
    return seconds


def _check_memory(value: object, scheduler: str) -> int | None:
    """The local workers' memory budget in bytes (``None``: Dask's share of the machine)."""
    if value is None:
        return None
    if scheduler != "local":
        raise ParameterError("--worker-memory", "applies to the local cluster only (a "
                             "cluster's workers take `dask worker --memory-limit`)", value)
    from dask.utils import parse_bytes

    try:
        size = parse_bytes(value) if isinstance(value, str) else None
    except (ValueError, TypeError, OverflowError):
        size = None
    if size is None or not math.isfinite(size):
        raise ParameterError("--worker-memory", "must be a size such as 500MiB or 4GB", value)
    if size < MIN_WORKER_MEMORY:
        raise ParameterError("--worker-memory", "must be at least 128MiB (a worker with "
                             "engramlab loaded takes about 250 MB)", value)
    return int(size)


def run_sweep(
    experiment_id: str,
    grids: Sequence[Grid],
    *,
    seeds: int = 1,
    seed: int = 0,
    preset: Preset = "quick",
    sets: dict[str, str] | None = None,
    scheduler: str = "local",
    workers: int = 2,
    out: Path = DEFAULT_SWEEP_OUT,
    backend: str = "numpy",
    point_timeout_s: float | None = None,
    dashboard: bool = False,
    worker_memory: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> SweepResult:
    """Run ``experiment_id`` over the grid, ``seeds`` times per point; see the module doc.

    Parameters
    ----------
    experiment_id, grids, seeds, seed, preset, sets, backend
        What to run: the experiment, the swept parameters, runs per grid point, the
        base seed, the preset, parameters fixed for every point, the array backend.
        At most :data:`MAX_RUNS` runs (grid points x seeds).
    scheduler
        ``"local"`` (a local cluster of ``workers`` processes), ``"serial"`` (in this
        process, no Dask) or a running scheduler's address, ``tcp://host:port`` or
        ``tls://host:port`` (TLS settings from Dask's ``distributed.security`` config).
    out
        The directory under which the sweep's own directory is made.
    point_timeout_s
        A point that runs longer than this (s) is stopped (its worker restarted) and
        recorded as failed, "timed out after N s" (not with ``"serial"``).
    dashboard
        Serve Dask's HTTP dashboard of the local cluster on 127.0.0.1:8787 (off: the
        local cluster opens no HTTP port at all).
    worker_memory
        Memory budget of each local worker (``"2GiB"``); a worker that exceeds it is
        restarted by its nanny and the point recorded as having killed its worker.
    on_progress, on_note
        ``on_progress(done, total)`` after each point; ``on_note(text)`` for what the
        caller should tell the user (a damaged point file, a worker not restarted).

    Every input is validated before anything is started or written.
    """
    exp = get_experiment(experiment_id)
    check_seed(seed)
    seeds = _check_count("--seeds", seeds, MAX_RUNS)
    workers = _check_count("--workers", workers, MAX_WORKERS)
    scheduler = check_scheduler(scheduler)
    timeout = _check_timeout(point_timeout_s, scheduler)
    memory = _check_memory(worker_memory, scheduler)
    if dashboard and scheduler != "local":
        raise ParameterError("--dashboard", "applies to the local cluster only (a running "
                             "scheduler serves its own)", scheduler)
    note = on_note or (lambda _: None)
    if not grids:
        raise ParameterError("--grid", "at least one is needed")
    names = [g.name for g in grids]
    if len(set(names)) != len(names):
        raise ParameterError("--grid", "names a parameter twice", names)
    base = dict(sets or {})
    for name in [*names, *base]:
        if name not in exp.Params.model_fields:
            raise ParameterError(name, f"is unknown; known parameters: "
                                 f"{', '.join(exp.Params.model_fields)}", context=exp.id)
    # The size from the axes alone, before a single point is built or validated.
    sizes = [len(g.values) for g in grids]
    total = math.prod(sizes) * seeds
    axes = " x ".join(f"{n} values of {g}" for n, g in zip(sizes, names, strict=True))
    _check_size("--grid", total, f"{axes} x {seeds} seed(s) = {total:,} runs")
    # Validate every grid value now, so bad input fails before any work is done.
    points = [dict(zip(names, combo, strict=True))
              for combo in itertools.product(*(g.values for g in grids))]
    for values in points:
        resolve_params(exp, preset, set_strings={**base, **values})
    fileio.check_output_dir(out, field="--out")  # a directory we can write in

    spec = {"experiment": exp.id, "preset": preset, "grid": {g.name: list(g.values)
            for g in grids}, "seeds": seeds, "seed": seed, "set": base, "backend": backend}
    spec_key = json.dumps(spec, sort_keys=True)
    directory = sweep_directory(out, exp.id, spec)
    fileio.remove_stale_temporaries(directory / "points", note)  # of a killed sweep
    todo, records, damaged = [], {}, []
    for values in points:
        for k in range(seeds):
            key = _point_key(values, k)
            s = point_seed(spec_key, values, k)
            path = directory / "points" / f"{key}.json"
            record, problem = _read_point(path, {"key": key, "values": values,
                                                 "seed_index": k, "seed": s})
            if problem:
                damaged.append(os.fspath(path))
                note(f"damaged point file {path} ({problem}): computing that point again")
            if record is not None and "error" not in record["result"]:
                records[key] = record
                continue
            todo.append((key, values, k, s))
    reused = len(records)

    def finish(key: str, values: dict[str, str], k: int, s: int, result: dict) -> None:
        record = {"key": key, "values": values, "seed_index": k, "seed": s, "result": result}
        with fileio.output_errors("--out"):  # a full disk: one line, the sweep resumes
            fileio.write_json(directory / "points" / f"{key}.json", record)  # durable now
        records[key] = record
        if on_progress:
            on_progress(len(records), total)

    def task(values: dict[str, str], s: int) -> tuple[Any, ...]:
        return (exp.id, preset, {**base, **values}, s, backend)

    with contextlib.ExitStack() as stack:
        # Reach the scheduler before writing anything: a bad address leaves no trace.
        client = (stack.enter_context(_client(scheduler, workers, dashboard=dashboard,
                                              memory=memory, note=note))
                  if todo and scheduler != "serial" else None)
        with fileio.output_errors("--out"):
            (directory / "points").mkdir(parents=True, exist_ok=True)
            fileio.write_json(directory / "spec.json",
                              {**spec, "engramlab_version": __version__})
        if on_progress:  # every check passed and the scheduler answered
            on_progress(reused, total)
        if client is None:
            for key, values, k, s in todo:
                finish(key, values, k, s, run_point(*task(values, s)))
        else:
            _run_on_dask(client, {f"engramlab-{directory.name}-{key}": (key, values, k, s)
                                  for key, values, k, s in todo}, task, finish, timeout, note)

    failures = tuple({"values": r["values"], "seed_index": r["seed_index"],
                      "error": r["result"]["error"]}
                     for values in points for k in range(seeds)
                     if "error" in (r := records[_point_key(values, k)])["result"])
    ds = _assemble(exp, grids, seeds, records, spec)
    with fileio.output_errors("--out"):
        files = {"data": os.fspath(fileio.write_netcdf(directory / "sweep.nc", ds))}
        files["figure"] = os.fspath(_write_figure(exp, ds, directory / "figure.png"))
        summary = {"computed": len(todo), "reused": reused, "failed": len(failures),
                   "failures": list(failures), "damaged": damaged}
        fileio.write_json(directory / "summary.json", {**summary, "files": files})
    return SweepResult(ds, directory, len(todo), reused, len(failures), files, failures,
                       tuple(damaged))


def _read_point(path: Path, expected: dict[str, Any]) -> tuple[dict | None, str | None]:
    """A point's record from its file: ``(record, None)``, ``(None, None)`` if there is
    no file, or ``(None, what is wrong)`` if the file is damaged."""
    try:
        if path.stat().st_size > MAX_POINT_FILE:
            return None, f"larger than {MAX_POINT_FILE // 2**20} MiB"
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"unreadable: {type(exc).__name__}"
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return None, f"not JSON: {exc}" if isinstance(exc, ValueError) else "not JSON"
    if not isinstance(record, dict):
        return None, "not a point record"
    for name, value in expected.items():
        if record.get(name) != value:
            return None, f"its {name!r} is not this point's"
    result = record.get("result")
    if not isinstance(result, dict):
        return None, "no result"
    if "error" in result:
        return (record, None) if isinstance(result["error"], str) else (None, "bad error")
    metrics = result.get("metrics")
    if not isinstance(metrics, dict) or not all(
            (isinstance(v, (int, float)) and not isinstance(v, bool)) or v is None
            for v in metrics.values()):
        return None, "no metrics"
    return record, None


@contextlib.contextmanager
def _client(scheduler: str, workers: int, *, dashboard: bool, memory: int | None,
            note: Callable[[str], None]) -> Iterator[Any]:
    """A Dask client on the safe local cluster or on a running scheduler's address."""
    from engramlab.sweep import _cluster

    if scheduler == "local":
        with _cluster.local_cluster(workers, dashboard=dashboard, memory_limit=memory,
                                    note=note) as client:
            yield client
    else:
        with _cluster.connect(scheduler) as client:
            yield client


def _timed_out(seconds: float) -> dict[str, str]:
    return {"error": f"TimeoutError: timed out after {seconds:g} s"}


def _run_on_dask(client: Any, tasks: dict[str, tuple[str, dict[str, str], int, int]],
                 task: Callable[[dict[str, str], int], tuple[Any, ...]],
                 finish: Callable[..., None], timeout: float | None,
                 note: Callable[[str], None]) -> None:
    """Submit every point, record each as it ends; stop those that run past ``timeout``.

    A finished point's future is released as soon as it is on disk, so a worker lost
    later takes no finished result with it.
    """
    from engramlab.sweep._cluster import executing_ages

    ended: queue.SimpleQueue[Any] = queue.SimpleQueue()
    pending: dict[str, tuple[Any, tuple[str, dict[str, str], int, int]]] = {}
    for dask_key, point in tasks.items():
        fut = client.submit(run_point, *task(point[1], point[3]), key=dask_key, pure=False)
        pending[dask_key] = (fut, point)
        fut.add_done_callback(ended.put)  # called in a client thread
    poll = 1.0 if timeout is None else min(1.0, max(0.1, timeout / 4))
    check_at = time.monotonic() + poll
    while pending:
        with contextlib.suppress(queue.Empty):
            done = ended.get(timeout=poll)
            entry = pending.get(done.key)
            if entry is not None and entry[0] is done:  # not one stopped for its timeout
                del pending[done.key]
                finish(*entry[1], _outcome(done, entry[1]))
                done.release()
        if timeout is not None and time.monotonic() >= check_at:
            _stop_overdue(client, pending, timeout, finish, note, executing_ages)
            check_at = time.monotonic() + poll


def _outcome(fut: Any, point: tuple[str, dict[str, str], int, int]) -> dict[str, Any]:
    """What a finished future says about its point (an error is a failed point)."""
    from distributed.scheduler import KilledWorker
    from distributed.utils import CancelledError

    try:
        result: dict[str, Any] = fut.result()
    except KilledWorker as exc:
        return {"error": f"KilledWorker: {KILLED}, {exc.allowed_failures + 1} times"}
    except CancelledError:
        raise EngramlabError(
            f"the Dask scheduler dropped the point {point[1]} (seed {point[2]}): lost the "
            "scheduler? The finished points are saved; the same command resumes") from None
    except Exception as exc:  # the task could not run or return: a failed point
        return {"error": f"{type(exc).__name__}: {exc}"}
    return result


def _stop_overdue(client: Any, pending: dict[str, tuple[Any, tuple]], timeout: float,
                  finish: Callable[..., None], note: Callable[[str], None],
                  ages_fn: Callable[..., dict[str, float]]) -> None:
    """Record each point executing for longer than ``timeout`` as timed out, cancel it
    and restart its worker (the only way to stop a running task)."""
    overdue = set()
    for address, running in client.run(ages_fn, on_error="return").items():
        if not isinstance(running, dict):  # a worker that just died or left
            continue
        for dask_key, age in running.items():
            if dask_key in pending and age > timeout:
                fut, point = pending.pop(dask_key)
                fut.cancel()
                finish(*point, _timed_out(timeout))
                overdue.add(address)
    if overdue:
        status = client.restart_workers(sorted(overdue), raise_for_error=False)
        for address, state in status.items():
            if state != "OK":
                note(f"could not restart worker {address} ({state}): a timed-out point "
                     "may still be running there")


def _assemble(exp: Experiment, grids: Sequence[Grid], seeds: int,
              records: dict[str, dict], spec: dict[str, Any]) -> xr.Dataset:
    shape = [len(g.values) for g in grids] + [seeds]
    metric_names = sorted({m for r in records.values() for m in r["result"].get("metrics", {})})
    data = {m: np.full(shape, np.nan) for m in metric_names}
    seed_of = np.zeros(shape, dtype=np.int64)
    failed = np.zeros(shape, dtype=bool)
    errors = np.full(shape, "", dtype=object)
    for r in records.values():
        index = (*(g.values.index(r["values"][g.name]) for g in grids), r["seed_index"])
        seed_of[index] = r["seed"]
        if "error" in r["result"]:
            failed[index] = True
            errors[index] = r["result"]["error"]
            continue
        for m, v in r["result"]["metrics"].items():
            data[m][index] = np.nan if v is None else v
    main = exp.main_metric or next(iter(t.metric for t in exp.targets(exp.params())), "")
    if main and main not in data:  # every point failed: the variable is there, all NaN
        data[main] = np.full(shape, np.nan)
    dims = [g.name for g in grids] + ["seed"]
    info = {p.name: p for p in exp.Params.describe()}
    coords: dict[str, Any] = {
        g.name: (g.name, _coordinate(exp, g.name, g.values),
                 {"units": info[g.name].unit, "long_name": info[g.name].doc})
        for g in grids}
    coords["seed"] = np.arange(seeds)
    variables: dict[str, Any] = {m: (dims, v, {"units": "1"}) for m, v in data.items()}
    variables["point_seed"] = (dims, seed_of, {"long_name": "seed each point ran with"})
    variables["failed"] = (dims, failed)
    variables["error"] = (dims, errors.astype(str))
    return xr.Dataset(variables, coords=coords, attrs={
        "experiment": exp.id, "sweep": json.dumps(spec, sort_keys=True),
        "engramlab_version": __version__, "main_metric": main})


def _write_figure(exp: Experiment, ds: xr.Dataset, path: Path) -> Path:
    from engramlab.plotting import figure_png
    from engramlab.plotting.sweep import plot_sweep

    return fileio.write_bytes(path, figure_png(plot_sweep(ds)))
