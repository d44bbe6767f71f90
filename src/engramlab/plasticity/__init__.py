"""Synaptic plasticity rules (seed chapter 2): rate rules, spike-timing rules, calcium.

Each rule is a Params class plus pure functions, with its equations in the docstring
and an experiment that reproduces its paper.
"""
