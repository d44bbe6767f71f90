"""The engine parts of ``working-memory.synaptic``: Mongillo's short-term plasticity per
presynaptic neuron, the white-noise input, and the network's build."""

from __future__ import annotations

import numpy as np
import pytest

from engramlab.core import ParameterError
from engramlab.network import (
    Network,
    Population,
    Projection,
    Simulator,
    SpikeSource,
    State,
    STPState,
    build,
)
from engramlab.network.connectivity import OneToOne
from engramlab.network.synaptic_wm import MongilloParams, mongillo_network, population_sizes
from engramlab.neurons import LIF
from engramlab.synapses import TsodyksMarkram, delta

U, TAU_F, TAU_D = 0.19, 1500.0, 200.0


def _tm_euler(spikes_ms, t_end_ms, *, baseline: bool, h=0.001):
    """u, x on a grid of 1 ms and the releases u+ x- of each spike, by forward Euler of
    du/dt = (u0 - u)/tau_F, dx/dt = (1 - x)/tau_D at step h (ms), with the jumps
    u += U (1 - u), then x -= u x at each spike (an integration independent of the
    engine's exact event-based update)."""
    u0 = U if baseline else 0.0
    u, x = u0, 1.0
    steps = round(t_end_ms / h)
    spk = {round(s / h) for s in spikes_ms}
    grid_u, grid_x, rel = [], [], []
    per_ms = round(1.0 / h)
    for k in range(steps):
        if k % per_ms == 0:
            grid_u.append(u)
            grid_x.append(x)
        if k in spk:
            u += U * (1 - u)
            r = u * x
            rel.append(r)
            x -= r
        u += h * (u0 - u) / TAU_F
        x += h * (1 - x) / TAU_D
    return np.array(grid_u), np.array(grid_x), np.array(rel)


@pytest.mark.parametrize("baseline", [True, False])
def test_stp_per_presynaptic_neuron_equals_an_independent_integration(baseline):
    """Two presynaptic units with different trains onto two integrators (no leak to
    speak of, delta synapses, weight 1 mV): the recorded u, x of each unit and the sum
    of its releases (the integrator's potential) match forward Euler of the equations."""
    trains = [np.array([10.0, 30.0, 50.0, 70.0, 400.0, 420.0, 900.0]),
              np.array([100.0, 600.0, 650.0])]
    times = np.concatenate(trains)
    idx = np.concatenate([np.full(t.size, k) for k, t in enumerate(trains)])
    src = Population("pre", 2, SpikeSource(times, idx))
    integ = LIF(c_m_pf=1e6, g_l_ns=1e-6, e_l_mv=0.0, v_th_mv=50.0, v_reset_mv=0.0,
                t_ref_ms=0.0)
    post = Population("post", 2, integ, {"syn": delta()}, v0_mv=0.0)
    stp = TsodyksMarkram(u_se=U, tau_rec_ms=TAU_D, tau_fac_ms=TAU_F)
    net = Network([src, post], [Projection("pre", "post", "syn", OneToOne(), weight=1.0,
                                           delay_ms=0.1, stp=stp,
                                           stp_u_baseline=baseline, name="pp")])
    sim = Simulator(net, dt_ms=0.1, seed=0)
    ds = sim.run(1000.0, record=[STPState("pp", every_ms=1.0),
                                 State("post", "v", neurons=[0, 1], every_ms=1000.0)])
    for k, train in enumerate(trains):
        gu, gx, rel = _tm_euler(train, 1000.0, baseline=baseline)
        # the samples are at the start of steps 0, 1, 2, ... ms
        np.testing.assert_allclose(ds.pp_u.values[:1000, k], gu, atol=2e-3)
        np.testing.assert_allclose(ds.pp_x.values[:1000, k], gx, atol=2e-3)
        assert float(ds.post_v.values[-1, k]) == pytest.approx(rel.sum(), rel=2e-3)
    # the first spike from rest releases U + U (1 - U) with Mongillo's baseline, U without
    first = (U + U * (1 - U)) if baseline else U
    _, _, rel = _tm_euler(trains[1][:1], 200.0, baseline=baseline)
    assert rel[0] == pytest.approx(first, rel=1e-12)


def test_white_noise_gives_the_ornstein_uhlenbeck_mean_sd_and_correlation():
    """Free membranes (threshold out of reach) with mean mu and noise sigma: the
    stationary mean is mu, the sd sigma, the autocorrelation at lag tau_m e^-1."""
    tau, mu, sigma = 15.0, 5.0, 1.0
    g = 250.0 / tau
    model = LIF(c_m_pf=250.0, g_l_ns=g, e_l_mv=0.0, v_th_mv=50.0, v_reset_mv=0.0,
                t_ref_ms=0.0)
    net = Network([Population("n", 2000, model, {"syn": delta()}, v0_mv=mu,
                              i_bias_pa=mu * g, noise_sd_mv=sigma)])
    ds = Simulator(net, dt_ms=0.1, seed=3).run(
        600.0, record=[State("n", "v", neurons=None, every_ms=15.0)])
    v = ds.n_v.values[10:]                       # after 150 ms (10 tau)
    assert v.mean() == pytest.approx(mu, abs=0.02)
    assert v.std() == pytest.approx(sigma, rel=0.02)
    a, b = v[:-1] - mu, v[1:] - mu                # lag 15 ms = tau
    assert float((a * b).mean() / (a.std() * b.std())) == pytest.approx(np.exp(-1), abs=0.03)


def test_noise_is_refused_where_it_is_not_defined():
    from engramlab.network import PoissonSource
    with pytest.raises(ParameterError, match="noise_sd_mv"):
        Population("n", 2, LIF(), noise_sd_mv=-1.0)
    with pytest.raises(ParameterError, match="noise_sd_mv"):
        Population("s", 2, PoissonSource(), noise_sd_mv=1.0)


def test_the_network_builds_with_its_structure():
    p = MongilloParams(n_e=2000, n_i=500)
    net = mongillo_network(p)
    sizes = population_sizes(p)
    assert sizes == {"E1": 200, "E2": 200, "E3": 200, "E4": 200, "E5": 200, "E0": 1000,
                     "I": 500}
    b = build(net, dt_ms=0.1, seed=1)
    scale = 8000 / 2000
    for name, j in (("E1_E1", 0.45), ("E1_E2", 0.10), ("E0_E1", 0.10), ("E0_E1_p", 0.45),
                    ("E2_E0", 0.10)):
        pr = net.projection(name)
        assert pr.stp is not None and pr.stp_u_baseline
        w = b.net.proj.w[b.syn[name][2]]
        assert np.allclose(w, j * scale)
    # connection probability c = 0.2 (gamma_0 = 0.1 of E0 -> E1 potentiated)
    n = b.syn["E1_E1"][0].size
    assert n == pytest.approx(0.2 * 200 * 199, rel=0.05)
    n_p, n_b = b.syn["E0_E1_p"][0].size, b.syn["E0_E1"][0].size
    assert n_p / (n_p + n_b) == pytest.approx(0.1, abs=0.01)
    assert net.projection("E1_I").stp is None and net.projection("I_E1").stp is None
    assert np.all(b.net.proj.w[b.syn["I_E1"][2]] == pytest.approx(-0.25 * 2000 / 500))
    # delays uniform in 0.1-1 ms: 1 to 10 steps
    d = b.net.proj.dly[b.syn["E1_E1"][2]]
    assert d.min() == 1 and d.max() == 10
    # every STP state starts at u = U, x = 1
    assert np.all(b.net.proj.stp_u == pytest.approx(p.u_se)) and np.all(b.net.proj.stp_x == 1)


@pytest.mark.slow
def test_the_full_network_has_the_papers_twenty_million_synapses():
    """10,000 neurons at connection probability 0.2 (the build's time is measured in
    benchmarks/working_memory.py --mongillo, never asserted)."""
    b = build(mongillo_network(MongilloParams()), dt_ms=0.1, seed=0)
    assert b.net.proj.w.size == pytest.approx(0.2 * 10_000 ** 2, rel=0.01)


def test_stp_state_recorder_refuses_a_projection_without_stp():
    net = Network([Population("a", 2, LIF(), {"syn": delta()})],
                  [Projection("a", "a", "syn", OneToOne(), weight=0.1, name="aa")])
    with pytest.raises(ParameterError, match="short-term"):
        Simulator(net).run(1.0, record=[STPState("aa")])
