"""Shared fixtures: quick runs are computed once per test session; the CLI in-process."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import pytest

from engramlab.experiments import RunOutcome
from engramlab.experiments._registry import matching_ids
from engramlab.runner import run

EXPERIMENT_IDS = matching_ids()


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
def _cached_run(experiment_id: str, seed: int, _copy: str) -> RunOutcome:
    # One cache key per (id, seed, copy), however the caller spells the arguments.
    return run(experiment_id, seed=seed, preset="quick")


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
