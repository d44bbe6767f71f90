"""Associative memories: the classical Hopfield network and its analysis tools."""

from engramlab.memory.analysis import (
    BASIN_OVERLAP,
    StateKind,
    basin_radius,
    classify_states,
    fixed_points,
    overlaps,
    reachable_fixed_points,
)
from engramlab.memory.hopfield import (
    Recall,
    energy,
    hebbian_weights,
    local_fields,
    recall,
    sgn,
    update_sync,
)
from engramlab.memory.theory import ags_critical_load, ags_retrieval_overlap

__all__ = [
    "BASIN_OVERLAP",
    "Recall",
    "StateKind",
    "ags_critical_load",
    "ags_retrieval_overlap",
    "basin_radius",
    "classify_states",
    "energy",
    "fixed_points",
    "hebbian_weights",
    "local_fields",
    "overlaps",
    "reachable_fixed_points",
    "recall",
    "sgn",
    "update_sync",
]
