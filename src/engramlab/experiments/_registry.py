"""The experiment registry: ids -> experiment instances."""

from __future__ import annotations

import difflib
import fnmatch
from typing import TypeVar

from engramlab.core import UnknownExperimentError
from engramlab.experiments.base import Experiment

_REGISTRY: dict[str, Experiment] = {}

E = TypeVar("E", bound=type[Experiment])


def register(cls: E) -> E:
    """Class decorator: register a final :class:`Experiment` subclass under its id."""
    if cls.id in _REGISTRY:
        raise RuntimeError(f"experiment id {cls.id!r} registered twice")
    _REGISTRY[cls.id] = cls()
    return cls


def get_experiment(experiment_id: str) -> Experiment:
    """The experiment registered as ``experiment_id``; suggests close ids if unknown."""
    try:
        return _REGISTRY[experiment_id]
    except KeyError:
        close = difflib.get_close_matches(experiment_id, list(_REGISTRY), n=3, cutoff=0.5)
        raise UnknownExperimentError(experiment_id, close) from None


def list_experiments(pattern: str = "*") -> list[Experiment]:
    """Registered experiments whose id matches the glob ``pattern``, sorted by chapter, id."""
    found = [e for i, e in _REGISTRY.items() if fnmatch.fnmatchcase(i, pattern)]
    return sorted(found, key=lambda e: (e.chapter, e.id))
