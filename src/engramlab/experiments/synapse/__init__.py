"""Experiments of seed chapter 1: synaptic transmission (one package per experiment)."""
