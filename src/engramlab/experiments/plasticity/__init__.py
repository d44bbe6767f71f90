"""Experiments of seed chapter 2: synaptic plasticity (one package per experiment)."""
