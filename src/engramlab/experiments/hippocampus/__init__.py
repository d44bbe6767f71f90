"""Experiments of seed chapter 3: the hippocampus."""
