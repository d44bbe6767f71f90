"""Experiments of seed chapter 3: the basal ganglia (dopamine, prediction error, habit)."""
