"""Experiments of seed chapter 1: the neuron, its threshold and action potential."""
