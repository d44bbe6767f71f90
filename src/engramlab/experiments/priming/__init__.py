"""Experiments of seed chapter 3: priming, an implicit memory."""
