"""Registered experiments: one package per published result (see docs/catalogue.md).

Each experiment is a package ``experiments/<area>/<name>/`` (path = id): the recipe in
its ``__init__.py``, its figure in ``figure.py``. Experiments are imported on demand
(:func:`get_experiment`, :func:`list_experiments`) through the generated index, so
importing this package loads none of them.
"""

from engramlab.core.references import Citation
from engramlab.experiments._registry import get_experiment, list_experiments, register
from engramlab.experiments.base import (
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
