"""network.cuba: the isolated neuron's rate, the mean-field rate and the structure of
the quick run."""

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
    assert {c.name: c.kind for c in out.checks} == {
        "rate_hz": "theory", "rate_end_over_mean": "published",
        "synchrony_chi": "published", "cv_isi": "consistency"}


def test_cuba_meanfield_rate_uses_the_benchmark_constants():
    """The theory's constants are typed from Brette et al. 2007, not read from the
    network: 64 E inputs of 1.62 mV (5 ms) and 16 I inputs of -9 mV (10 ms)."""
    from engramlab.experiments.network.cuba import CUBA_SYNAPSES, meanfield_rate_hz
    from engramlab.network.library import cuba_network

    assert CUBA_SYNAPSES == ((64.0, 1.62, 5.0), (16.0, -9.0, 10.0))
    assert meanfield_rate_hz() == pytest.approx(5.08, abs=0.01)
    # the simulated network has the same in-degrees (p N_pre with p = 80 / N)
    net = cuba_network(4000)
    assert [p.connect.p * 3200 for p in net.projections[:2]] == pytest.approx([64, 64])
