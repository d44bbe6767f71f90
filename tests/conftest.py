"""Shared fixtures: quick runs are computed once per test session."""

from __future__ import annotations

import functools

import pytest

from engramlab.experiments import RunOutcome
from engramlab.experiments._registry import matching_ids
from engramlab.runner import run

EXPERIMENT_IDS = matching_ids()


@functools.cache
def quick_run(experiment_id: str, seed: int = 0) -> RunOutcome:
    """The quick-preset run of an experiment (cached: runs are deterministic)."""
    return run(experiment_id, seed=seed, preset="quick")


@pytest.fixture(params=EXPERIMENT_IDS)
def experiment_id(request: pytest.FixtureRequest) -> str:
    return request.param
