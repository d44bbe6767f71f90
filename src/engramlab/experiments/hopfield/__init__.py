"""Experiments of seed chapter 4: the Hopfield network (one package per experiment)."""
