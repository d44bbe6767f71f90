"""engramlab: a laboratory for the neural circuits of learning and memory.

Every model ships with an experiment that reproduces a published, quantitative result.

>>> import engramlab as el
>>> outcome = el.run("hopfield.seed-demo", seed=0)   # doctest: +SKIP
>>> outcome.passed                                   # doctest: +SKIP
True

The heavy parts (experiments, plotting) are imported on first use, so
``import engramlab.core`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engramlab.core.version import __version__

if TYPE_CHECKING:
    from engramlab.experiments import get_experiment, list_experiments
    from engramlab.runner import run, validate

__all__ = ["__version__", "get_experiment", "list_experiments", "run", "validate"]

_LAZY = {
    "run": "engramlab.runner",
    "validate": "engramlab.runner",
    "get_experiment": "engramlab.experiments",
    "list_experiments": "engramlab.experiments",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'engramlab' has no attribute {name!r}")
