"""Parameter sweeps on Dask that lose nothing.

A sweep runs one experiment at every point of a grid of parameter values, ``seeds``
times each, and returns one ``xarray.Dataset`` with a dimension per swept parameter and
a ``seed`` dimension. It is the only part of engramlab that imports Dask.

- **Deterministic seeds.** The seed of a point is derived from the point itself (the
  experiment, the preset, its parameter values, the sweep's base seed and the seed
  index) through SHA-256, never from the order in which workers finish: a sweep gives
  the same numbers on one worker or twenty.
- **Durable points.** Each finished point is written to ``points/<key>.json`` in the
  sweep directory (atomically) as soon as its result reaches the client. A point that
  raises is recorded with its error and the sweep goes on.
- **Resume.** The sweep directory is named after a hash of the sweep's specification,
  so running the same command again finds it and skips every point already finished
  (interrupted by Ctrl-C, a killed client, or lost workers: Dask reschedules the
  tasks of a lost worker on the others). Failed points are tried again.

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
import socket
import time
import traceback
import typing
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from engramlab.core import ParameterError, check_seed
from engramlab.core import io as fileio
from engramlab.core.version import __version__
from engramlab.experiments import Experiment, Preset, get_experiment
from engramlab.runner import resolve_params, run

__all__ = ["Grid", "SweepResult", "point_seed", "run_point", "run_sweep", "sweep_directory"]

DEFAULT_SWEEP_OUT = Path("engramlab-results") / "sweeps"


@dataclasses.dataclass(frozen=True)
class Grid:
    """The values one parameter takes in a sweep (kept as the strings given)."""

    name: str
    values: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Grid:
        """``NAME=V1,V2,...`` or ``NAME=START:STOP:NUM`` (NUM points, both ends included)."""
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
            values = tuple(f"{v:.12g}" for v in np.linspace(a, b, n))
        else:
            values = tuple(v.strip() for v in spec.split(","))
            if not spec or any(not v for v in values):
                raise ParameterError(f"--grid {name}", "needs at least one value and no empty "
                                     "item", spec)
        if len(set(values)) != len(values):
            raise ParameterError(f"--grid {name}", "has repeated values", spec)
        return cls(name, values)


@dataclasses.dataclass(frozen=True)
class SweepResult:
    """A finished sweep: its Dataset, files and what was computed or reused."""

    dataset: xr.Dataset
    directory: Path
    computed: int
    reused: int
    failed: int
    files: dict[str, str]

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

    Returns ``{"metrics", "params", "wall_time_s"}``, or ``{"error": ...}`` if the
    experiment raised (the sweep records it and goes on).
    """
    start = time.perf_counter()
    try:
        outcome = run(experiment_id, set_strings=sets, seed=seed,
                      preset=preset,  # type: ignore[arg-type]
                      backend=backend)
    except Exception as exc:  # a failing point is recorded; it must not stop the sweep
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


def _probe(scheduler: str) -> None:
    """Fail at once (OSError) where nothing listens at a ``[tcp://]host:port`` address.

    Dask's client retries a refused connection until its timeout; this tells a wrong
    address from a slow scheduler in milliseconds. Other address forms go to Dask as they
    are.
    """
    address = scheduler.removeprefix("tcp://")
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "/" in address:
        return
    with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=10):
        pass


@contextlib.contextmanager
def _client(scheduler: str, workers: int) -> Iterator[Any]:
    """A Dask client on a local cluster or on a running scheduler's address."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        try:
            with Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        _probe(scheduler)
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise ParameterError("--scheduler", f"cannot reach a Dask scheduler at {scheduler} "
                             f"({type(exc).__name__})") from None
    try:
        yield client
    finally:
        client.close()


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
    on_progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run ``experiment_id`` over the grid, ``seeds`` times per point; see the module doc.

    ``scheduler`` is ``"local"`` (a ``LocalCluster`` of ``workers`` processes),
    ``"serial"`` (in this process, no Dask) or a scheduler address
    (``tcp://host:port``). Every input is validated before anything is written.
    """
    exp = get_experiment(experiment_id)
    check_seed(seed)
    if seeds < 1:
        raise ParameterError("--seeds", "must be >= 1", seeds)
    if workers < 1:
        raise ParameterError("--workers", "must be >= 1", workers)
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
    # Validate every grid value now, so bad input fails before any work is done.
    points = [dict(zip(names, combo, strict=True))
              for combo in itertools.product(*(g.values for g in grids))]
    for values in points:
        resolve_params(exp, preset, set_strings={**base, **values})

    spec = {"experiment": exp.id, "preset": preset, "grid": {g.name: list(g.values)
            for g in grids}, "seeds": seeds, "seed": seed, "set": base, "backend": backend}
    spec_key = json.dumps(spec, sort_keys=True)
    directory = sweep_directory(out, exp.id, spec)
    todo, records = [], {}
    for values in points:
        for k in range(seeds):
            key = _point_key(values, k)
            path = directory / "points" / f"{key}.json"
            if path.exists():
                record = json.loads(path.read_text())
                if "error" not in record["result"]:
                    records[key] = record
                    continue
            todo.append((key, values, k, point_seed(spec_key, values, k)))
    reused = len(records)
    total = len(points) * seeds
    if on_progress:
        on_progress(reused, total)

    def finish(key: str, values: dict[str, str], k: int, s: int, result: dict) -> None:
        record = {"key": key, "values": values, "seed_index": k, "seed": s, "result": result}
        fileio.write_json(directory / "points" / f"{key}.json", record)  # durable now
        records[key] = record
        if on_progress:
            on_progress(len(records), total)

    with contextlib.ExitStack() as stack:
        # Reach the scheduler before writing anything: a bad address leaves no trace.
        client = (stack.enter_context(_client(scheduler, workers))
                  if todo and scheduler != "serial" else None)
        (directory / "points").mkdir(parents=True, exist_ok=True)
        fileio.write_json(directory / "spec.json", {**spec, "engramlab_version": __version__})
        if client is None:
            for key, values, k, s in todo:
                finish(key, values, k, s,
                       run_point(exp.id, preset, {**base, **values}, s, backend))
        else:
            from distributed import as_completed

            futures = {}
            for key, values, k, s in todo:
                fut = client.submit(run_point, exp.id, preset, {**base, **values}, s, backend,
                                    key=f"engramlab-{directory.name}-{key}", pure=False)
                futures[fut] = (key, values, k, s)
            for fut in as_completed(futures):
                key, values, k, s = futures[fut]
                finish(key, values, k, s, fut.result())

    failed = sum("error" in r["result"] for r in records.values())
    ds = _assemble(exp, grids, seeds, records, spec)
    files = {"data": os.fspath(fileio.write_netcdf(directory / "sweep.nc", ds))}
    files["figure"] = os.fspath(_write_figure(exp, ds, directory / "figure.png"))
    summary = {"computed": len(todo), "reused": reused, "failed": failed}
    fileio.write_json(directory / "summary.json", {**summary, "files": files})
    return SweepResult(ds, directory, len(todo), reused, failed, files)


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
    main = exp.main_metric or next(iter(t.metric for t in exp.targets(exp.params())), "")
    return xr.Dataset(variables, coords=coords, attrs={
        "experiment": exp.id, "sweep": json.dumps(spec, sort_keys=True),
        "engramlab_version": __version__, "main_metric": main})


def _write_figure(exp: Experiment, ds: xr.Dataset, path: Path) -> Path:
    from engramlab.plotting import figure_png
    from engramlab.plotting.sweep import plot_sweep

    return fileio.write_bytes(path, figure_png(plot_sweep(ds)))
