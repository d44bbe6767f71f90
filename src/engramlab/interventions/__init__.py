"""Interventions: lesions, drugs, tagging, opsins and DREADDs -- one vocabulary.

Each intervention is a small frozen description. In a circuit it goes into a group of
:func:`~engramlab.circuits.run_protocol`, which resolves it against the protocol into
the effect primitives of :mod:`engramlab.circuits`; on a weight matrix
(:func:`apply_lesion`) or a spiking network (:func:`apply_to_network`) a pure function
applies it. None mutates its input. See ``docs/circuits.md``.
"""

from engramlab.interventions.apply import apply_to_network
from engramlab.interventions.dopamine import DopamineScaling, dopamine
from engramlab.interventions.drugs import (
    NMDA,
    PROTEIN_SYNTHESIS,
    Drug,
    anisomycin,
    ap5,
    availability,
)
from engramlab.interventions.lesion import Lesion, Lesioned, apply_lesion, lesion, lesion_mask
from engramlab.interventions.network import (
    add_conductance,
    cut_projection,
    inject_current,
    lesion_neurons,
    lesion_synapses,
    scale_receptor,
)
from engramlab.interventions.replay import (
    DisruptReplay,
    RecentReplay,
    disrupt_replay,
    replay_recent_only,
)
from engramlab.interventions.stimulation import (
    CHEMOGENETIC_RECEPTORS,
    OPSINS,
    Chemogenetic,
    Opsin,
    OpsinKind,
    Tagging,
    tag_cells,
)

__all__ = [
    "CHEMOGENETIC_RECEPTORS",
    "NMDA",
    "OPSINS",
    "PROTEIN_SYNTHESIS",
    "Chemogenetic",
    "DisruptReplay",
    "DopamineScaling",
    "Drug",
    "Lesion",
    "Lesioned",
    "Opsin",
    "OpsinKind",
    "RecentReplay",
    "Tagging",
    "add_conductance",
    "anisomycin",
    "ap5",
    "apply_lesion",
    "apply_to_network",
    "availability",
    "cut_projection",
    "disrupt_replay",
    "dopamine",
    "inject_current",
    "lesion",
    "lesion_mask",
    "lesion_neurons",
    "lesion_synapses",
    "replay_recent_only",
    "scale_receptor",
    "tag_cells",
]
