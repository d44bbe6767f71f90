"""Experiments of seed chapter 4: successors of the Hopfield network (one package each)."""
