"""Experiments of seed chapter 3: the laws of classical conditioning."""
