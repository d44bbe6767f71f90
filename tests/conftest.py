"""Shared fixtures: quick runs are computed once per test session; the CLI in-process.

The default suite runs on pytest-xdist workers (``-n`` in pyproject's addopts). Every test
that names an experiment goes to that experiment's worker (``xdist_group``), and a quick
run computed by one worker is shared with the others through a locked pickle in a
directory of this test run, so each quick preset still runs once per session.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from engramlab.experiments import RunOutcome
from engramlab.experiments._registry import matching_ids
from engramlab.runner import run

EXPERIMENT_IDS = matching_ids()
_TESTS = Path(__file__).parent


def quick_run(experiment_id: str, seed: int = 0) -> RunOutcome:
    """The quick-preset run of an experiment (cached: runs are deterministic).

    Every test that needs a quick result takes it from here, so each quick preset runs
    once per session (plus one :func:`fresh_run` for the determinism checks). Treat
    the outcome as read-only: other tests share it.
    """
    return _cached_run(experiment_id, int(seed), "first")


def fresh_run(experiment_id: str, seed: int = 0) -> RunOutcome:
    """A second, independent quick run: what determinism checks compare with
    :func:`quick_run` (cached too, so all of them share one extra run)."""
    return _cached_run(experiment_id, int(seed), "fresh")


@functools.cache
def _cached_run(experiment_id: str, seed: int, copy: str) -> RunOutcome:
    # One cache key per (id, seed, copy), however the caller spells the arguments.
    shared = os.environ.get(_SHARED_ENV)
    if not shared:
        return run(experiment_id, seed=seed, preset="quick")
    from filelock import FileLock

    path = Path(shared) / f"{experiment_id}-{seed}-{copy}.pickle"
    with FileLock(f"{path}.lock"):
        if path.exists():
            outcome: RunOutcome = pickle.loads(path.read_bytes())
            # The registered instance, not an unpickled copy of it.
            from engramlab import get_experiment

            return dataclasses.replace(outcome, experiment=get_experiment(experiment_id))
        outcome = run(experiment_id, seed=seed, preset="quick")
        path.with_suffix(".part").write_bytes(pickle.dumps(outcome))
        path.with_suffix(".part").replace(path)
        return outcome


#: Where the workers of one xdist run share their quick runs (set by the controller).
_SHARED_ENV = "ENGRAMLAB_TEST_SHARED_RUNS"


def pytest_configure(config: pytest.Config) -> None:
    # The controller (no ``workerinput``) makes the directory before the workers start;
    # they inherit its path through the environment.
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    path = tempfile.mkdtemp(prefix="engramlab-quick-runs-")
    os.environ[_SHARED_ENV] = path
    config.add_cleanup(lambda: shutil.rmtree(path, ignore_errors=True))


def _experiment_of(item: pytest.Item) -> str | None:
    """The experiment id a test is about: its ``experiment_id`` parameter, or the file
    ``tests/experiments/<area>/test_<name>.py`` it lives in."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    if isinstance(params.get("experiment_id"), str):
        return params["experiment_id"]
    rel = Path(str(item.path)).relative_to(_TESTS)
    if rel.parts[0] == "experiments" and len(rel.parts) == 3:
        return f"{rel.parts[1]}.{rel.stem.removeprefix('test_').replace('_', '-')}"
    return None


#: Experiments whose determinism check (a second fresh quick run, and for a seed-
#: independent one a third at seed 1) runs in the slow suite only: their quick presets
#: take 5-23 s each on 2 cores (brunel2000 21 s, stdp-competition 12.6 s,
#: action-potential 10 s, hebb-oja 5 s), about 60 CPU-seconds of the default suite's
#: budget. Their quick runs and checks stay in the default suite.
SLOW_DETERMINISM = frozenset({"network.brunel2000", "plasticity.stdp-competition",
                              "neuron.action-potential", "plasticity.hebb-oja"})


#: The slow suite's longest tests (a full preset, twenty seeds of a quick preset: up to
#: several minutes each) start first: started last, one of them can leave the other
#: worker idle for its whole length.
LONGEST_FIRST = frozenset({"test_full_preset_reproduces_targets",
                           "test_twenty_seeds_each_check_holds_on_nineteen"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        experiment_id = _experiment_of(item)
        if experiment_id in EXPERIMENT_IDS:
            item.add_marker(pytest.mark.xdist_group(experiment_id))
        if (item.originalname == "test_same_seed_same_numbers"
                and experiment_id in SLOW_DETERMINISM):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: getattr(item, "originalname", "") not in LONGEST_FIRST)


@pytest.fixture(params=EXPERIMENT_IDS)
def experiment_id(request: pytest.FixtureRequest) -> str:
    return request.param


@dataclasses.dataclass
class CliResult:
    """What a command printed and its exit status."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """``cli(*args)``: the command line run in this process (``engramlab.cli.main``, the
    console script's entry point), on a terminal 80 columns wide."""
    from engramlab import cli as cli_module

    monkeypatch.setattr(cli_module.stdout, "width", 80)
    monkeypatch.setattr(cli_module.stderr, "width", 80)

    def invoke(*args: str) -> CliResult:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_:
            cli_module.main(list(args))
        out, err = capsys.readouterr()
        code = exit_.value.code
        return CliResult(code if isinstance(code, int) else 0, out, err)

    return invoke
