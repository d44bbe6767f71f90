"""synapse.transmission: the recipe's passive compartment and reversal read-out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engramlab.experiments.synapse.transmission import _reversal, passive_psp
from engramlab.synapses import GABA_A


def test_passive_psp_is_proportional_to_driving_force():
    """In a passive compartment PSP(t) = (E - V_hold) F(t): the reversal is exactly E."""
    hold = np.array([-95.0, -85.0, -75.0, -40.0])
    v = passive_psp(GABA_A(), 4.5, hold, c_m_pf=200.0, g_leak_ns=10.0, e_leak_mv=-60.0,
                    dt_ms=0.1, n_steps=400)
    dev = v - hold[:, None]
    shape = dev / (-80.0 - hold[:, None])
    np.testing.assert_allclose(shape, np.broadcast_to(shape[0], shape.shape), rtol=1e-9,
                               atol=1e-15)
    amp = dev[np.arange(4), np.argmax(np.abs(dev), axis=1)]
    assert _reversal(hold, amp) == pytest.approx(-80.0, abs=1e-9)
    assert amp[0] > 0 > amp[-1]  # hyperpolarising at -40, depolarising below E_GABA
    assert math.isnan(_reversal(np.array([1.0, 2.0]), np.array([1.0, 1.0])))


def test_failures_method_and_low_calcium_slope():
    """del Castillo & Katz's m = ln(N / n0) and the double-log slope read-out."""
    from engramlab.experiments.synapse.transmission import (
        _failures_tolerance,
        failures_quantal_content,
        low_ca_slope,
    )

    np.testing.assert_allclose(failures_quantal_content(np.exp(-np.array([0.1, 2.0]))),
                               [0.1, 2.0], rtol=1e-12)
    assert math.isinf(failures_quantal_content(np.array([0.0]))[0])
    ca = np.array([0.05, 0.1, 0.2, 1.0])
    assert low_ca_slope(ca, 7.0 * ca**4, 0.2) == pytest.approx(4.0, rel=1e-12)
    assert math.isnan(low_ca_slope(ca, np.array([0.0, 0.0, 1.0, 2.0]), 0.2))
    # the tolerance shrinks as 1 / sqrt(trials), down to the binomial allowance
    assert _failures_tolerance(50_000) > _failures_tolerance(400_000) > 0.002
