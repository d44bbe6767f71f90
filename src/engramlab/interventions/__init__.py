"""Interventions: transforms of a model or of a protocol phase (lesions, drugs, opsins).

See ``docs/design.md``. Each intervention is a small frozen description plus a pure
function applying it; none mutates its input.
"""

from engramlab.interventions.lesion import Lesion, Lesioned, apply_lesion, lesion_mask
from engramlab.interventions.network import (
    add_conductance,
    cut_projection,
    inject_current,
    lesion_neurons,
    lesion_synapses,
    scale_receptor,
)

__all__ = ["Lesion", "Lesioned", "add_conductance", "apply_lesion", "cut_projection",
           "inject_current", "lesion_mask", "lesion_neurons", "lesion_synapses",
           "scale_receptor"]
