"""plasticity.hebb-oja: the quick preset passes and Hebb grows; the full preset passes."""

from __future__ import annotations

import pytest

import engramlab
from conftest import quick_run


def test_hebb_oja_quick_passes():
    out = quick_run("plasticity.hebb-oja")
    assert out.passed
    assert out.metrics["hebb_min_growth_2d"] > 100


@pytest.mark.slow
def test_full_preset_passes():
    assert engramlab.run("plasticity.hebb-oja", seed=0, preset="full").passed
