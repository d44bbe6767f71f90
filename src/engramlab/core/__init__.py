"""The core layer: parameters, errors, randomness, arrays, results, targets, files.

Nothing here knows about neurons, memories or experiments; everything above uses it.
"""

from engramlab.core.arrays import asarray, backend_name, get_namespace, namespace, to_numpy
from engramlab.core.errors import (
    EngramlabError,
    ParameterError,
    SimulationError,
    UnknownExperimentError,
)
from engramlab.core.params import ParamInfo, Params, param
from engramlab.core.results import PROVENANCE_KEYS, attach_provenance, provenance
from engramlab.core.rng import check_seed, make_rng, spawn_rngs
from engramlab.core.targets import Check, Target, evaluate

__all__ = [
    "PROVENANCE_KEYS",
    "Check",
    "EngramlabError",
    "ParamInfo",
    "ParameterError",
    "Params",
    "SimulationError",
    "Target",
    "UnknownExperimentError",
    "asarray",
    "attach_provenance",
    "backend_name",
    "check_seed",
    "evaluate",
    "get_namespace",
    "make_rng",
    "namespace",
    "param",
    "provenance",
    "spawn_rngs",
    "to_numpy",
]
