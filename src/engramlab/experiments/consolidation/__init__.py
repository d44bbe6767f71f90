"""Experiments of seed chapter 3: systems consolidation."""
