"""Interventions: transforms of a model or of a protocol phase (lesions, drugs, opsins).

See ``docs/design.md``. Each intervention is a small frozen description plus a pure
function applying it; none mutates its input.
"""

from engramlab.interventions.drugs import (
    NMDA,
    PROTEIN_SYNTHESIS,
    Drug,
    anisomycin,
    ap5,
    apply_to_network,
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

__all__ = [
    "NMDA",
    "PROTEIN_SYNTHESIS",
    "Drug",
    "Lesion",
    "Lesioned",
    "add_conductance",
    "anisomycin",
    "ap5",
    "apply_lesion",
    "apply_to_network",
    "availability",
    "cut_projection",
    "inject_current",
    "lesion",
    "lesion_mask",
    "lesion_neurons",
    "lesion_synapses",
    "scale_receptor",
]
