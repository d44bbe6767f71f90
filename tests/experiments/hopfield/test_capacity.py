"""hopfield.capacity against its published values (AGS 1985/87) and finite-size trends."""

from __future__ import annotations

import pytest

import engramlab
from conftest import quick_run


def test_capacity_quick_numbers():
    m = quick_run("hopfield.capacity").metrics
    assert m["alpha_c_theory"] == pytest.approx(0.138, abs=1e-3)
    assert m["m_c_theory"] == pytest.approx(0.967, abs=1e-3)
    # Finite-size: the smaller network crosses 50 % at a higher load, more gradually.
    assert m["crossing@N=250"] > m["crossing@N=1000"] > 0.138
    assert m["width@N=250"] > m["width@N=1000"]


@pytest.mark.slow
def test_full_preset():
    outcome = engramlab.run("hopfield.capacity", preset="full", seed=0)
    failed = [c.name for c in outcome.checks if not c.passed]
    assert not failed
