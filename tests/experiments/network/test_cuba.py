"""network.cuba: the isolated neuron's rate and the structure of the quick run."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import quick_run
from engramlab.experiments.network.cuba import intrinsic_rate_hz


def test_intrinsic_rate_of_the_cuba_neuron_matches_the_engine():
    from engramlab.network import Network, Population, Spikes, simulate
    from engramlab.neurons import LIF

    model = LIF(c_m_pf=200.0, g_l_ns=10.0, e_l_mv=-49.0, v_th_mv=-50.0, v_reset_mv=-60.0,
                t_ref_ms=5.0)
    ds = simulate(Network([Population("E", 1, model, v0_mv=-60.0)], []), 1000.0,
                  record=[Spikes("E")], seed=0)
    period = np.diff(ds.E_spike_time.values)
    nu0 = intrinsic_rate_hz(tau_m_ms=20.0, e_l_mv=-49.0, v_th_mv=-50.0, v_reset_mv=-60.0,
                            t_ref_ms=5.0)
    assert nu0 == pytest.approx(1000 / (5 + 20 * math.log(11)), rel=1e-12)
    # spikes are resolved to dt = 0.1 ms: each period is rounded up by < 1 step
    assert np.all(np.abs(period - 1000 / nu0) <= 0.1 + 1e-9)
    assert intrinsic_rate_hz(tau_m_ms=20.0, e_l_mv=-70.0, v_th_mv=-50.0, v_reset_mv=-60.0,
                             t_ref_ms=5.0) == 0.0


def test_cuba_quick_run_is_self_sustained_and_irregular():
    out = quick_run("network.cuba")
    ds = out.dataset
    n = ds.attrs["n_E"] + ds.attrs["n_I"]
    assert n == 2000 and out.metrics["spike_count"] == ds.spike_time.size
    assert ds.spike_time.max() > ds.attrs["duration_ms"] - 5.0  # still firing at the end
    assert {c.name for c in out.checks} == {"rate_end_over_mean", "rate_over_intrinsic",
                                            "cv_isi", "synchrony_chi"}
