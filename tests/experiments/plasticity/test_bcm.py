"""plasticity.bcm: the quick preset is selective; the full preset passes."""

from __future__ import annotations

from conftest import quick_run


def test_bcm_quick_is_selective():
    out = quick_run("plasticity.bcm")
    assert out.metrics["selective_fraction"] == 1.0
    assert out.passed
