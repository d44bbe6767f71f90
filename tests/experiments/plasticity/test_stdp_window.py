"""plasticity.stdp-window: the quick preset passes with the published landmarks."""

from __future__ import annotations

import pytest

import engramlab
from conftest import quick_run


def test_experiment_quick_passes_and_landmarks():
    out = quick_run("plasticity.stdp-window")
    assert out.passed, [c for c in out.checks if not c.passed]
    m = out.metrics
    assert -30 <= m["gb_ltd_peak_ms"] <= -20
    assert 0 < m["gb_ltp_peak_ms"] <= 20
    assert m["gb_min_change"] < 1 < m["gb_max_change"]


@pytest.mark.slow
def test_experiment_full_preset():
    out = engramlab.run("plasticity.stdp-window", seed=0, preset="full")
    assert out.passed, [c for c in out.checks if not c.passed]
