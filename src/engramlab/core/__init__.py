"""The core layer: parameters, errors, randomness, arrays, results, targets, references.

Nothing here knows about neurons, memories or experiments; everything above uses it.
Names are imported from their modules on first use, so ``import engramlab.core`` (and
the CLI's ``--version`` and ``list``) load neither NumPy's heavier users nor xarray.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engramlab.core.arrays import (
        asarray,
        backend_name,
        get_namespace,
        namespace,
        to_numpy,
    )
    from engramlab.core.errors import (
        EngramlabError,
        ParameterError,
        SimulationError,
        UnknownExperimentError,
    )
    from engramlab.core.manifest import incomplete_reason, is_complete_result, read_manifest
    from engramlab.core.params import ParamInfo, Params, param
    from engramlab.core.references import BIBLIOGRAPHY, Citation, cite
    from engramlab.core.resources import Limits, Resources, check_resources
    from engramlab.core.results import PROVENANCE_KEYS, attach_provenance, provenance
    from engramlab.core.rng import check_seed, make_rng, spawn_rngs
    from engramlab.core.targets import Check, Target, evaluate

_WHERE = {
    "engramlab.core.arrays": ("asarray", "backend_name", "get_namespace", "namespace",
                              "to_numpy"),
    "engramlab.core.errors": ("EngramlabError", "ParameterError", "SimulationError",
                              "UnknownExperimentError"),
    "engramlab.core.manifest": ("incomplete_reason", "is_complete_result", "read_manifest"),
    "engramlab.core.params": ("ParamInfo", "Params", "param"),
    "engramlab.core.references": ("BIBLIOGRAPHY", "Citation", "cite"),
    "engramlab.core.resources": ("Limits", "Resources", "check_resources"),
    "engramlab.core.results": ("PROVENANCE_KEYS", "attach_provenance", "provenance"),
    "engramlab.core.rng": ("check_seed", "make_rng", "spawn_rngs"),
    "engramlab.core.targets": ("Check", "Target", "evaluate"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}

__all__ = [
    "BIBLIOGRAPHY",
    "PROVENANCE_KEYS",
    "Check",
    "Citation",
    "EngramlabError",
    "Limits",
    "ParamInfo",
    "ParameterError",
    "Params",
    "Resources",
    "SimulationError",
    "Target",
    "UnknownExperimentError",
    "asarray",
    "attach_provenance",
    "backend_name",
    "check_resources",
    "check_seed",
    "cite",
    "evaluate",
    "get_namespace",
    "incomplete_reason",
    "is_complete_result",
    "make_rng",
    "namespace",
    "param",
    "provenance",
    "read_manifest",
    "spawn_rngs",
    "to_numpy",
]
assert set(_MODULE_OF) == set(__all__)


def __getattr__(name: str) -> Any:
    try:
        module = _MODULE_OF[name]
    except KeyError:
        raise AttributeError(f"module 'engramlab.core' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
