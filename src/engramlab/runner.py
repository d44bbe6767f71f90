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
RESULT_FILES = ("data.nc", "figure.png", "params.json", "metrics.json")


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

    Raises
    ------
    ParameterError
        Unknown id (with the closest ids), unknown parameter or invalid value.
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


def claim_directory(path: Path, *, force: bool) -> Path:
    """A directory to write a result into, never silently replacing an earlier one.

    ``path`` itself if it does not exist, is empty, or ``force`` is set; otherwise the
    first free ``path-2``, ``path-3``, ... Creation uses ``mkdir``, which is atomic, so
    two concurrent runs never claim the same directory.
    """
    candidates = [path] + [path.with_name(f"{path.name}-{k}") for k in range(2, 10_000)]
    for cand in candidates:
        if force and cand == path:
            cand.mkdir(parents=True, exist_ok=True)
            return cand
        try:
            cand.mkdir(parents=True)
            return cand
        except FileExistsError:
            if cand.is_dir() and not any(cand.iterdir()):
                return cand
    raise ParameterError("out", f"has no free run directory next to {path}")  # pragma: no cover


def save(outcome: RunOutcome, directory: Path) -> dict[str, str]:
    """Write ``data.nc``, ``figure.png``, ``params.json``, ``metrics.json`` atomically."""
    from engramlab.plotting import figure_png

    directory = Path(directory)
    files = {
        "data": directory / "data.nc",
        "figure": directory / "figure.png",
        "params": directory / "params.json",
        "metrics": directory / "metrics.json",
    }
    fileio.write_netcdf(files["data"], outcome.dataset)
    fileio.write_bytes(files["figure"], figure_png(outcome.figure()))
    fileio.write_json(files["params"], {
        "experiment": outcome.experiment.id, "seed": outcome.seed, "preset": outcome.preset,
        "params": outcome.params.model_dump(mode="json"),
    })
    body = outcome.as_dict()
    fileio.write_json(files["metrics"], {k: body[k] for k in ("experiment", "metrics", "checks",
                                                             "passed", "wall_time_s")})
    return {k: os.fspath(v) for k, v in files.items()}


def run_and_save(experiment_id: str, out: Path, *, force: bool = False,
                 **kwargs: Any) -> RunOutcome:
    """:func:`run`, then :func:`save` into ``out/<id>`` (or the next free directory)."""
    outcome = run(experiment_id, **kwargs)
    directory = claim_directory(Path(out) / outcome.experiment.id, force=force)
    return dataclasses.replace(outcome, files=save(outcome, directory))


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
) -> ValidateOutcome:
    """Run every experiment matching ``pattern``, check it and write the HTML report.

    Results go to ``out`` (or the next free ``out-2``, ... unless ``force``):
    ``<id>/`` per experiment, plus ``report.html`` and ``summary.json``.
    ``on_start(experiment)`` may return a progress callback for that experiment.
    ``seeds``: every stochastic experiment runs that many seeds (:func:`run`).
    """
    experiments = list_experiments(pattern)
    if not experiments:
        raise ParameterError("only", f"matches no experiment id ({pattern!r}); "
                             "`engramlab list` shows all")
    root = claim_directory(Path(out), force=force)
    runs = []
    for exp in experiments:
        progress = on_start(exp) if on_start else no_progress
        outcome = run(exp.id, seed=seed, preset=preset, backend=backend, progress=progress,
                      seeds=seeds)
        runs.append(_save_into(outcome, root))  # on disk as soon as it is done
    return _write_report(runs, root)


def write_validation(runs: Sequence[RunOutcome], root: Path) -> ValidateOutcome:
    """What :func:`validate` writes, for runs already made.

    Each run is saved under ``root/<id>/``, then ``report.html`` and ``summary.json``
    are written in ``root`` (the test suite reports its session's quick runs this way).
    """
    root = Path(root)
    return _write_report([_save_into(r, root) for r in runs], root)


def _save_into(outcome: RunOutcome, root: Path) -> RunOutcome:
    directory = Path(root) / outcome.experiment.id
    directory.mkdir(parents=True, exist_ok=True)
    return dataclasses.replace(outcome, files=save(outcome, directory))


def _write_report(runs: list[RunOutcome], root: Path) -> ValidateOutcome:
    from engramlab.report import write_report

    report = write_report(runs, root / "report.html")
    result = ValidateOutcome(runs, os.fspath(report), os.fspath(root / "summary.json"))
    fileio.write_json(root / "summary.json", result.as_dict())
    return result
