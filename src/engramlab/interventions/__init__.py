"""Interventions: transforms of a model or of a protocol phase (lesions, drugs, opsins).

See ``docs/design.md``. Each intervention is a small frozen description plus a pure
function applying it; none mutates its input.
"""
