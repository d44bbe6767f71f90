"""Registered experiments: one package per published result (see docs/catalogue.md).

Each experiment is a package ``experiments/<area>/<name>/`` (path = id): the recipe in
its ``__init__.py``, its figure in ``figure.py``. Experiments are imported on demand
(:func:`get_experiment`, :func:`list_experiments`) through the generated index, so
importing this package loads none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from engramlab.experiments._registry import get_experiment, list_experiments, register

if TYPE_CHECKING:
    from engramlab.core.references import Citation
    from engramlab.experiments.base import (
        Experiment,
        Mutation,
        Preset,
        ProgressFn,
        RunOutcome,
        no_progress,
    )

__all__ = [
    "Citation",
    "Experiment",
    "Mutation",
    "Preset",
    "ProgressFn",
    "RunOutcome",
    "get_experiment",
    "list_experiments",
    "no_progress",
    "register",
]

# The interface (and pydantic under it) is imported on first use, so reading the index
# (``engramlab list``, ``show``) stays light.
_LAZY = {
    "Citation": "engramlab.core.references",
    "Experiment": "engramlab.experiments.base",
    "Mutation": "engramlab.experiments.base",
    "Preset": "engramlab.experiments.base",
    "ProgressFn": "engramlab.experiments.base",
    "RunOutcome": "engramlab.experiments.base",
    "no_progress": "engramlab.experiments.base",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'engramlab.experiments' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
