"""Behavioural read-outs: from a circuit's activity to what an experimenter scores.

The circuits of chapter 3 are read out as behaviour -- recall of an episode, percent
freezing, choices, response timing. Each read-out is an explicit, documented map from
model activity to a behavioural measure, so that a figure's "freezing (%)" axis has a
definition a reader can check. This module is the place for them; the circuits issues
add the maps (recall overlap, freezing, choice probability) as their experiments need
them.
"""

from __future__ import annotations

__all__: list[str] = []
