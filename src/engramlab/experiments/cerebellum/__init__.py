"""Experiments of seed chapter 3: the cerebellum (timed responses, motor adaptation)."""
