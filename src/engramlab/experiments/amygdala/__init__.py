"""Experiments of seed chapter 3: the amygdala and conditioning (one package per experiment)."""
