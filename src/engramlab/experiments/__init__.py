"""Registered experiments: one per published result (see CATALOGUE.md).

Importing this package registers every experiment module below.
"""

from engramlab.experiments import hopfield  # noqa: F401  (registers experiments)
from engramlab.experiments._registry import get_experiment, list_experiments, register
from engramlab.experiments.base import (
    Citation,
    Experiment,
    Preset,
    ProgressFn,
    RunOutcome,
    no_progress,
)

__all__ = [
    "Citation",
    "Experiment",
    "Preset",
    "ProgressFn",
    "RunOutcome",
    "get_experiment",
    "list_experiments",
    "no_progress",
    "register",
]
