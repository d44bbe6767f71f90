"""Experiments of seed chapter 4: distributed representations (one package per experiment)."""
