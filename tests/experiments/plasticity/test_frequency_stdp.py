"""plasticity.frequency-stdp: quick and full presets, and the protocol effect."""

from __future__ import annotations

import pytest

import engramlab
from conftest import quick_run


def test_experiment_quick_passes_and_documents_the_protocol_effect():
    out = quick_run("plasticity.frequency-stdp")
    assert out.passed, [c for c in out.checks if not c.passed]
    m = out.metrics
    # "What differs": with the literal 15 x 5 protocol the triplet fit fails at 40-50 Hz
    assert m["triplet_bursts_max_abs_z"] > 3 > 1.5 > m["triplet_max_abs_z"]
    ds = out.dataset
    # Sjöström data reproduced in the dataset as given
    assert ds.data_dw.sel(timing=-10.0, f_data=50.0).item() == 0.75


@pytest.mark.slow
def test_experiment_full_preset():
    out = engramlab.run("plasticity.frequency-stdp", seed=0, preset="full")
    assert out.passed, [c for c in out.checks if not c.passed]
