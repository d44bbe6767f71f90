"""plasticity.hebb-oja: the quick preset passes; Hebb grows at lambda_1; the full preset."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import quick_run
from engramlab.experiments.plasticity.hebb_oja import angle_rms_theory_deg, norm_excess_theory


def test_hebb_oja_quick_passes():
    out = quick_run("plasticity.hebb-oja")
    assert out.passed
    # Plain Hebb grows without bound (by ~e^60 here), at the rate lambda_1 = 1.
    assert out.metrics["hebb_log10_min_growth_2d"] > 20
    assert out.metrics["hebb_growth_rate_2d"] == pytest.approx(1.0, abs=0.006)


def test_theory_formulas():
    # One transverse direction: a^2 l1 l2 / ((2 a (l1 - l2) - 1) t), in deg.
    lam = np.array([1.0, 0.25])
    expected = np.rad2deg(np.sqrt(16 * 0.25 / (2 * 4 * 0.75 - 1) / 1000.0))
    assert angle_rms_theory_deg(lam, 4.0, 1000.0) == pytest.approx(expected, rel=1e-12)
    assert np.isnan(angle_rms_theory_deg(lam, 0.5, 1000.0))  # 2 a (l1 - l2) < 1
    assert norm_excess_theory(lam, 4.0, 1000.0) == pytest.approx(
        16 * 0.25 / (2 * 7 * 1000.0), rel=1e-12)
