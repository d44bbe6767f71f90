"""plasticity.stdp-competition: what the quick preset tests, lists and draws."""

from __future__ import annotations

import engramlab
from conftest import quick_run

EQUILIBRIUM = {"rate_slope_stdp", "outer_fraction_top_rate", "upper_fraction_top_rate"}


def test_quick_lists_the_equilibrium_checks_as_full_preset_only():
    out = quick_run("plasticity.stdp-competition")
    assert out.passed, [c for c in out.checks if not c.ok]
    untested = {c.name for c in out.checks if not c.tested}
    assert untested == EQUILIBRIUM
    assert all(c.not_tested.startswith("full preset only") for c in out.checks
               if not c.tested)
    # Result 3 (correlated inputs win) is published evidence tested in quick.
    tested = {c.name for c in out.checks if c.tested and c.evidence and c.passed}
    assert {"corr_mean_w", "uncorr_mean_w"} <= tested


def test_quick_figure_does_not_claim_bimodal_weights():
    out = quick_run("plasticity.stdp-competition")
    fig = out.figure()
    titles = [ax.get_title() for ax in fig.axes]
    assert "bimodality: full preset only" in titles[1]
    assert "stabilisation checked in the full preset only" in titles[0]
    assert not any("Bimodal" in t for t in titles)


def test_full_preset_tests_everything_it_lists():
    exp = engramlab.get_experiment("plasticity.stdp-competition")
    assert not [t.metric for t in exp.targets(exp.params("full")) if t.not_tested]
