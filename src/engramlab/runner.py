"""Running experiments: parameters in, checked and saved results out.

This is the one place that turns an experiment id, a preset, overrides and a seed into
a :class:`RunOutcome` (dataset with provenance, metrics, checks) and writes it to disk.
The CLI, the validate report and (later) sweeps all go through it.

>>> import engramlab as el
>>> out = el.run("hopfield.seed-demo", seed=0)          # doctest: +SKIP
>>> [c.name for c in out.checks if not c.passed]         # doctest: +SKIP
[]
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from engramlab.core import ParameterError, Params, attach_provenance, check_seed, evaluate
from engramlab.core import io as fileio
from engramlab.experiments import (
    Experiment,
    Preset,
    ProgressFn,
    RunOutcome,
    get_experiment,
    list_experiments,
    no_progress,
)

__all__ = [
    "RunOutcome",
    "ValidateOutcome",
    "claim_directory",
    "resolve_params",
    "run",
    "run_and_save",
    "save",
    "validate",
    "write_validation",
]

DEFAULT_OUT = Path("engramlab-results")
RESULT_FILES = ("data.nc", "figure.png", "params.json", "metrics.json", "manifest.json")


@dataclasses.dataclass(frozen=True)
class ValidateOutcome:
    """All runs of one ``validate`` call and the report written for them."""

    runs: list[RunOutcome]
    report: str
    summary: str

    @property
    def passed(self) -> int:
        """Number of runs whose every check passed (documented deviations excepted)."""
        return sum(r.passed for r in self.runs)

    @property
    def failed(self) -> int:
        """Number of runs with a failed check that is not a documented deviation."""
        return len(self.runs) - self.passed

    def headline(self) -> dict[str, int]:
        """Experiments per status (:attr:`RunOutcome.status`).

        Reproduced, reproduced with deviations, demonstrations (no published / theory
        check) and failed.
        """
        keys = ("reproduced", "reproduced with deviations", "demonstration", "failed")
        return {k: sum(r.status == k for r in self.runs) for k in keys}

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of ``engramlab validate --json``."""
        return {
            "experiments": [r.as_dict() for r in self.runs],
            "headline": self.headline(),
            "passed": self.passed,
            "failed": self.failed,
            "report": self.report,
        }


def resolve_params(exp: Experiment, preset: Preset = "quick", *,
                   overrides: Mapping[str, Any] | None = None,
                   set_strings: Mapping[str, str] | None = None) -> Params:
    """The validated parameters of ``exp``: preset, then ``overrides``, then ``set_strings``."""
    params = exp.params(preset, **dict(overrides or {}))
    if set_strings:
        params = exp.Params.from_strings(params, set_strings, context=exp.id)
    return params


def run(
    experiment_id: str,
    *,
    params: Params | None = None,
    overrides: Mapping[str, Any] | None = None,
    set_strings: Mapping[str, str] | None = None,
    seed: int = 0,
    preset: Preset = "quick",
    backend: str = "numpy",
    progress: ProgressFn = no_progress,
    seeds: int = 1,
    allow_large: bool = False,
) -> RunOutcome:
    """Run one experiment and check it against its published targets.

    Parameters
    ----------
    experiment_id
        A registered id, e.g. ``"hopfield.recall"``.
    params
        Complete parameters (from :func:`resolve_params`); if given, ``preset``,
        ``overrides`` and ``set_strings`` are not consulted.
    overrides
        Parameter values (Python objects) applied on top of the preset.
    set_strings
        Parameter values as ``NAME -> "VALUE"`` strings (the CLI's ``--set``).
    seed
        The seed of every random choice in the run.
    preset
        ``"quick"`` (seconds) or ``"full"`` (the paper's scale).
    backend
        Array backend (``"numpy"``, ``"array_api_strict"``).
    progress
        ``progress(done, total)`` callback.
    seeds
        Run seeds ``seed, seed + 1, ..., seed + seeds - 1`` and check each; the
        outcome keeps the first seed's result and every seed's checks
        (:meth:`RunOutcome.tally`). An experiment that is not stochastic runs once.
    allow_large
        Run even if the estimated memory or work (:meth:`Experiment.resources`)
        exceeds the machine or the stated limits (:mod:`engramlab.core.resources`);
        the CLI's ``--allow-large``.

    Raises
    ------
    ParameterError
        Unknown id (with the closest ids), unknown parameter or invalid value, or a
        run too large for the machine (naming the parameters and the estimate).
    """
    exp = get_experiment(experiment_id)
    seed = check_seed(seed)
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ParameterError("seeds", "must be an integer >= 1", seeds)
    check_seed(seed + seeds - 1)
    if params is None:
        params = resolve_params(exp, preset, overrides=overrides, set_strings=set_strings)
    elif not isinstance(params, exp.Params):
        raise ParameterError("params", f"must be a {exp.Params.__name__}", type(params).__name__)
    exp.check_resources(params, allow_large=allow_large)  # before any work
    targets = exp.targets(params)
    n = seeds if exp.stochastic else 1
    more: list[tuple[int, tuple]] = []
    wall = 0.0
    for k, s in enumerate(range(seed, seed + n)):
        start = time.perf_counter()
        ds_s = exp.run(params, seed=s, backend=backend,
                       progress=progress if k == 0 else no_progress)
        took = time.perf_counter() - start
        metrics_s = {key: float(v) for key, v in exp.metrics(ds_s).items()}
        checks_s = evaluate(targets, metrics_s)
        if k == 0:
            wall = took
            ds = attach_provenance(ds_s, experiment=exp.id, params=params, seed=s,
                                   preset=preset, backend=backend, wall_time_s=took)
            metrics, checks = metrics_s, checks_s
        else:
            more.append((s, tuple(checks_s)))
    return RunOutcome(exp, params, seed, preset, ds, metrics, checks, wall,
                      more_seeds=tuple(more))


def claim_directory(path: Path, *, force: bool,
                    note: fileio.NoteFn = fileio.stderr_note) -> Path:
    """A directory to fill step by step (a validate root), never shared with another run.

    Without ``force``: ``path`` if it does not exist or is an empty directory, otherwise
    the first free ``path-2``, ``path-3``, ...; the claim is atomic across processes
    (:func:`engramlab.core.io.claim_root`), and a directory holding anything (an
    unfinished or foreign result included) is never reused. With ``force``: ``path``
    itself, created if missing, whatever it holds (the caller replaces it; :func:`validate`
    writes into a temporary and swaps it in instead).

    Raises
    ------
    ParameterError
        ``path`` is a file, or cannot be created or written (``'out'``).
    """
    path = Path(path)
    with fileio.output_errors():
        if os.path.lexists(path) and not path.is_dir():
            raise ParameterError("out", "must be a directory, but is a file (or a broken link)",
                                 os.fspath(path))
        if force:
            path.mkdir(parents=True, exist_ok=True)
            return path
        return fileio.claim_root(path, note)


def save(outcome: RunOutcome, directory: Path, *, force: bool = False,
         note: fileio.NoteFn = fileio.stderr_note) -> dict[str, str]:
    """Write ``outcome`` as a result directory: complete at ``directory`` or absent.

    ``data.nc``, ``figure.png``, ``params.json``, ``metrics.json`` and, last,
    ``manifest.json`` (:mod:`engramlab.core.manifest`) are written into a private
    temporary beside ``directory``, which is then renamed to ``directory``, or, unless
    ``force``, to the first free ``directory-2``, ... if that name is taken. ``force``
    replaces a result at ``directory``; the old one stays whole until the new one is
    complete. Leftovers of killed runs beside ``directory`` are cleaned up first and
    reported through ``note``.

    Returns
    -------
    dict
        The saved files' paths: ``data``, ``figure``, ``params``, ``metrics``,
        ``manifest``.
    """
    return _save(outcome, Path(directory), force=force, note=note, shared=True)


def _save(outcome: RunOutcome, dest: Path, *, force: bool, note: fileio.NoteFn,
          shared: bool) -> dict[str, str]:
    from engramlab.plotting import figure_png

    png = figure_png(outcome.figure())
    body = outcome.as_dict()
    with fileio.output_errors(), fileio.result_transaction(
            dest, replace=force, note=note, shared=shared) as txn:
        fileio.write_netcdf(txn.path / "data.nc", outcome.dataset)
        fileio.write_bytes(txn.path / "figure.png", png)
        fileio._pause_point("save")  # test hook: a fault with two of the files written
        fileio.write_json(txn.path / "params.json", {
            "experiment": outcome.experiment.id, "seed": outcome.seed,
            "preset": outcome.preset, "params": body["params"],
        })
        fileio.write_json(txn.path / "metrics.json", {
            k: body[k] for k in ("experiment", "metrics", "checks", "passed", "wall_time_s")})
        final = txn.commit(kind="run", experiment=outcome.experiment.id, seed=outcome.seed,
                           seeds=outcome.seeds, preset=outcome.preset, params=body["params"])
    return {key: os.fspath(final / name) for key, name in _RESULT_KEYS.items()}


_RESULT_KEYS = {"data": "data.nc", "figure": "figure.png", "params": "params.json",
                "metrics": "metrics.json", "manifest": "manifest.json"}


def run_and_save(experiment_id: str, out: Path, *, force: bool = False,
                 note: fileio.NoteFn = fileio.stderr_note, **kwargs: Any) -> RunOutcome:
    """:func:`run`, then :func:`save` into ``out/<id>`` (or the next free directory).

    ``out`` is checked first, before any computation
    (:func:`engramlab.core.io.check_output_dir`): created with its missing parents if
    need be; a file, or a directory that cannot be created or written, raises
    :class:`ParameterError` (``'out'``).
    """
    fileio.check_output_dir(out)
    outcome = run(experiment_id, **kwargs)
    directory = Path(out) / outcome.experiment.id
    return dataclasses.replace(outcome, files=save(outcome, directory, force=force, note=note))


def validate(
    pattern: str = "*",
    *,
    preset: Preset = "quick",
    out: Path = DEFAULT_OUT,
    force: bool = False,
    seed: int = 0,
    backend: str = "numpy",
    on_start: Callable[[Experiment], ProgressFn] | None = None,
    seeds: int = 1,
    allow_large: bool = False,
    note: fileio.NoteFn = fileio.stderr_note,
) -> ValidateOutcome:
    """Run every experiment matching ``pattern``, check it and write the HTML report.

    Results go to ``out`` (or the next free ``out-2``, ... unless ``force``):
    ``<id>/`` per experiment (each a complete result directory, :func:`save`), plus
    ``report.html``, ``summary.json`` and, last, ``manifest.json``. The root is claimed
    before any computation and atomically (:func:`claim_directory`), so two concurrent
    validations never share one; with ``force`` everything is written into a temporary
    beside ``out`` that replaces ``out`` once complete.
    ``on_start(experiment)`` may return a progress callback for that experiment.
    ``seeds``: every stochastic experiment runs that many seeds (:func:`run`).
    ``allow_large``: skip the resource guard (:func:`run`).
    ``note``: told what was done about leftovers of killed runs.
    """
    experiments = list_experiments(pattern)
    if not experiments:
        raise ParameterError("only", f"matches no experiment id ({pattern!r}); "
                             "`engramlab list` shows all")
    out = Path(out)
    if not out.name:  # "." or "/": the directory's real name, for out-2 and temporaries
        out = out.resolve()
        if not out.name:
            raise ParameterError("out", "must name a directory below '/'", os.fspath(out))
    meta = {"kind": "validate", "pattern": pattern, "preset": preset, "seed": seed,
            "seeds": seeds, "backend": backend}
    with contextlib.ExitStack() as stack:
        with fileio.output_errors():
            # An existing --out must be a writable directory; a missing one, creatable.
            fileio.check_output_dir(out if os.path.lexists(out) else out.parent, shown=out)
            fileio._pause_point("claim")  # test hook: concurrent claims
            txn = None
            if force:
                txn = stack.enter_context(fileio.result_transaction(out, replace=True,
                                                                    note=note))
                root = txn.path
            else:
                root = claim_directory(out, force=False, note=note)
        runs = []
        for exp in experiments:
            progress = on_start(exp) if on_start else no_progress
            outcome = run(exp.id, seed=seed, preset=preset, backend=backend, progress=progress,
                          seeds=seeds, allow_large=allow_large)
            runs.append(_save_into(outcome, root))  # on disk as soon as it is done
        return _write_report(runs, root, txn, meta)


def write_validation(runs: Sequence[RunOutcome], root: Path) -> ValidateOutcome:
    """What :func:`validate` writes, for runs already made.

    Each run is saved under ``root/<id>/`` (replacing an earlier result there), then
    ``report.html``, ``summary.json`` and ``manifest.json`` are written in ``root`` (the
    test suite reports its session's quick runs this way).
    """
    root = Path(root)
    with fileio.output_errors():
        root.mkdir(parents=True, exist_ok=True)
    meta = {"kind": "validate", "presets": sorted({r.preset for r in runs}),
            "seeds": sorted({s for r in runs for s in r.seeds})}
    return _write_report([_save_into(r, root, replace=True) for r in runs], root, None, meta)


def _save_into(outcome: RunOutcome, root: Path, *, replace: bool = False) -> RunOutcome:
    """Save ``outcome`` as ``root/<id>``; ``root`` is this process's (no other writer)."""
    files = _save(outcome, Path(root) / outcome.experiment.id, force=replace,
                  note=fileio.stderr_note, shared=False)
    return dataclasses.replace(outcome, files=files)


def _write_report(runs: list[RunOutcome], root: Path,
                  txn: fileio.ResultTransaction | None,
                  meta: dict[str, Any]) -> ValidateOutcome:
    """Write ``report.html``, ``summary.json`` and, last, the manifest of the root.

    ``txn``: the transaction whose temporary ``root`` is (``validate --force``); it is
    committed, and the paths recorded are those of its destination.
    """
    from engramlab.core.manifest import write_manifest
    from engramlab.report import write_report

    with fileio.output_errors():
        write_report(runs, root / "report.html")  # reads the figures where they are now
        final = root if txn is None else txn.dest
        runs = [dataclasses.replace(r, files={k: os.fspath(final / Path(v).relative_to(root))
                                              for k, v in r.files.items()})
                for r in runs]
        result = ValidateOutcome(runs, os.fspath(final / "report.html"),
                                 os.fspath(final / "summary.json"))
        fileio.write_json(root / "summary.json", result.as_dict())
        meta = {**meta, "experiments": [r.experiment.id for r in runs]}
        if txn is None:
            (root / fileio.CLAIM).unlink(missing_ok=True)
            write_manifest(root, **meta)
        else:
            txn.commit(**meta)
    return result
