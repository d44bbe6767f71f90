"""Experiments of seed chapter 3: prefrontal working memory (persistent activity,
short-term synaptic facilitation, oscillations)."""
