"""hopfield.spurious-states: its targets are the AGS numbers typed in the module."""

from __future__ import annotations

import engramlab
from conftest import quick_run


def test_targets_are_typed_from_the_paper_and_listed_when_untestable():
    exp = engramlab.get_experiment("hopfield.spurious-states")
    targets = {t.metric: t for t in exp.targets(exp.params("quick"))}
    assert targets["mixture_overlap"].value == 0.5
    assert targets["mixture_energy_per_neuron"].value == -0.375
    assert targets["pattern_energy_per_neuron"].kind == "consistency"
    only_low = {t.metric: t for t in exp.targets(exp.params("quick", load=(0.005,)))}
    assert only_low["still_mixture_high_load"].not_tested
    assert not only_low["still_mixture_low_load"].not_tested


def test_quick_run_mixture_numbers():
    m = quick_run("hopfield.spurious-states").metrics
    assert abs(m["mixture_overlap"] - 0.5) < 0.02
    assert m["still_mixture@0.005"] == 1.0 and m["still_mixture@0.06"] <= 0.1
    # a stored (or reversed) pattern lies deeper than the mixture: -1/2 < -3/8
    assert m["pattern_energy_per_neuron"] < m["mixture_energy_per_neuron"]
    assert m["reversed_energy_per_neuron"] < m["mixture_energy_per_neuron"]
