"""Interventions: transforms of a model or of a protocol phase (lesions, drugs, opsins).

See ``docs/design.md``. Each intervention is a small frozen description plus a pure
function applying it; none mutates its input.
"""

from engramlab.interventions.lesion import Lesion, Lesioned, apply_lesion, lesion_mask

__all__ = ["Lesion", "Lesioned", "apply_lesion", "lesion_mask"]
