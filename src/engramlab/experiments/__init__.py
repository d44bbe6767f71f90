"""Registered experiments: one per published result (see CATALOGUE.md).

Importing this package imports every module beside this file (except the private
ones and ``base`` / ``catalogue``), and each module registers its experiments with the
:func:`register` decorator. A new experiment is a new module: nothing else to edit.
"""

import importlib as _importlib
import pkgutil as _pkgutil

from engramlab.experiments._registry import get_experiment, list_experiments, register
from engramlab.experiments.base import (
    Citation,
    Experiment,
    Preset,
    ProgressFn,
    RunOutcome,
    no_progress,
)

_NOT_EXPERIMENTS = {"base", "catalogue"}
for _module in sorted(m.name for m in _pkgutil.iter_modules(__path__)):
    if not _module.startswith("_") and _module not in _NOT_EXPERIMENTS:
        _importlib.import_module(f"{__name__}.{_module}")

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
