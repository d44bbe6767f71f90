"""Dense projections: presynaptic gates, the ring convolution by FFT, saturating NMDA.

The references are independent of the engine: the NMDA gate against ``solve_ivp`` of
the equations of Wang (1999) / Compte et al. (2000) with their constants typed here;
the structured profiles (uniform, ring) against the explicit sparse synapse list and
the explicit matrix of the same weights.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from engramlab.core import ParameterError
from engramlab.network import (
    AllToAll,
    CurrentStep,
    DenseMatrix,
    DenseRing,
    Explicit,
    Network,
    PoissonInput,
    PoissonSource,
    Population,
    Projection,
    ReceptorScale,
    RemoveSynapses,
    Simulator,
    Spikes,
    SpikeSource,
    State,
    Weights,
    simulate,
)
from engramlab.network.working_memory import ring_current
from engramlab.neurons import LIF
from engramlab.synapses import AMPA, NMDA, Receptor, TsodyksMarkram

# Wang 1999 (J. Neurosci. 19:9587) / Compte et al. 2000 (Cereb. Cortex 10:910), NMDA:
# x' = -x / tau_x + sum_k delta(t - t_k),  s' = -s / tau_s + alpha x (1 - s)
TAU_X, TAU_S, ALPHA = 2.0, 100.0, 0.5  # ms, ms, 1/ms


def _nmda() -> NMDA:
    return NMDA(tau_rise_ms=TAU_X, tau_decay_ms=TAU_S, saturation_per_ms=ALPHA)


def _one_source(times, dt, *, weight=2.0, n_post=2):
    src = Population("src", 1, SpikeSource(list(times), [0] * len(times)))
    post = Population("post", n_post, LIF(), {"r": _nmda()})
    return Network([src, post], [Projection("src", "post", "r", AllToAll(), weight=weight,
                                            delay_ms=dt)])


def _ode_g(t_eval, arrivals, weight):
    """``weight * s(t)`` of the equations above, ``x`` jumping by 1 at each arrival."""
    def rhs(_t, y):
        return [-y[0] / TAU_X, -y[1] / TAU_S + ALPHA * y[0] * (1.0 - y[1])]

    out = np.zeros_like(t_eval)
    y, t0 = np.zeros(2), 0.0
    for t1 in [*sorted(arrivals), t_eval[-1] + 1.0]:
        sol = solve_ivp(rhs, (t0, t1), y, rtol=1e-11, atol=1e-13, dense_output=True)
        m = (t_eval >= t0) & (t_eval < t1)
        out[m] = weight * sol.sol(t_eval[m])[1]
        y = sol.y[:, -1].copy()
        y[0] += 1.0
        t0 = t1
    return out


def test_saturating_nmda_gate_is_second_order_against_the_ode():
    """Spikes at 5, 7 and 30 ms: the recorded conductance is within 1e-4 of the ODE (per
    unit of its peak) at dt = 0.1 ms and the error falls by 4 when dt halves (measured
    4.2e-5, 1.0e-5: second order, from the mid-step x)."""
    times, w = (5.0, 7.0, 30.0), 2.0
    err = {}
    for dt in (0.1, 0.05):
        ds = simulate(_one_source(times, dt, weight=w), 80.0, dt_ms=dt,
                      record=[State("post", "r", [0, 1], every_ms=dt)])
        t = ds["post_r_time"].values
        g = ds["post_r"].values
        ref = _ode_g(t, [x + dt for x in times], w)  # x jumps one delay after the spike
        np.testing.assert_array_equal(g[:, 0], g[:, 1])  # one gate, every target
        err[dt] = np.max(np.abs(g[:, 0] - ref)) / ref.max()
        assert ref.max() > 0.8 * w  # two spikes 2 ms apart nearly saturate s
    assert err[0.1] < 1e-4
    assert 3.5 < err[0.1] / err[0.05] < 4.5


def test_saturating_gate_never_exceeds_its_weight():
    """A 500-Hz burst: s saturates below 1, so the conductance stays below the weight."""
    times = list(np.arange(10.0, 110.0, 2.0))
    ds = simulate(_one_source(times, 0.1, weight=3.0), 150.0,
                  record=[State("post", "r", [0])])
    g = ds["post_r"].values[:, 0]
    assert 0.95 * 3.0 < g.max() < 3.0


def test_a_different_saturation_rate_is_seen():
    """The check is not blind to alpha: with alpha = 0.25 /ms the peak is off by > 5 %."""
    times, dt = (5.0, 7.0, 30.0), 0.1
    src = Population("src", 1, SpikeSource(list(times), [0, 0, 0]))
    post = Population("post", 1, LIF(), {"r": NMDA(tau_rise_ms=TAU_X, tau_decay_ms=TAU_S,
                                                   saturation_per_ms=0.25)})
    net = Network([src, post], [Projection("src", "post", "r", AllToAll(), weight=2.0,
                                           delay_ms=dt)])
    ds = simulate(net, 80.0, record=[State("post", "r", [0])])
    ref = _ode_g(ds["post_r_time"].values, [x + dt for x in times], 2.0)
    assert abs(ds["post_r"].values.max() - ref.max()) / ref.max() > 0.05


# --- the structured profiles against explicit synapses -------------------------------

def _driven(n, connect, receptor, *, weight, n_src=40, rate=30.0, seed_pairs=None):
    src = Population("src", n_src, PoissonSource(rate_hz=rate))
    post = Population("post", n, LIF(), {"r": receptor, "ext": AMPA()})
    inp = PoissonInput("bg", "post", "ext", 100, 40.0, 1.0)
    return Network([src, post], [Projection("src", "post", "r", connect, weight=weight,
                                            delay_ms=0.5)], inputs=[inp])


@pytest.mark.parametrize("receptor", [AMPA(), NMDA()], ids=["exp", "biexp"])
def test_all_to_all_equals_every_explicit_synapse(receptor):
    """AllToAll with linear kinetics delivers what the explicit list of every pair does:
    the same membrane potentials to rounding and the same spikes. (The sampled
    conductances differ at an arrival instant only: a gated channel is sampled with the
    arrivals of the next step in, a sparse one without.)"""
    n, n_src = 12, 40
    pre, post = np.divmod(np.arange(n_src * n), n)
    rec = [Spikes("post"), State("post", "v", list(range(n))), State("post", "r", [0])]
    a = simulate(_driven(n, AllToAll(), receptor, weight=0.4), 300.0, seed=3, record=rec)
    b = simulate(_driven(n, Explicit(pre.tolist(), post.tolist()), receptor, weight=0.4),
                 300.0, seed=3, record=rec)
    assert a["post_r"].values.max() > 1.0  # the pathway carried something
    np.testing.assert_allclose(a["post_v"].values, b["post_v"].values, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(a["post_spike_time"].values, b["post_spike_time"].values)
    assert a["post_spike_time"].size > 10


def _ring_net(connect, n=64):
    e = Population("E", n, LIF(), {"rec": _nmda(), "ext": AMPA()})
    return Network([e], [Projection("E", "E", "rec", connect, weight=0.3, delay_ms=0.1)],
                   inputs=[PoissonInput("bg", "E", "ext", 100, 25.0, 1.2)],
                   stimuli=[ring_current("E", n, centre_deg=90.0, sigma_deg=30.0,
                                         peak_pa=150.0, start_ms=20.0, stop_ms=120.0)])


def test_ring_by_fft_equals_the_explicit_matrix():
    """The circular convolution by FFT equals W s with W the DenseRing's own matrix."""
    ring = DenseRing(j_plus=1.62, sigma_deg=14.4)
    rec = [Spikes("E"), State("E", "rec", list(range(0, 64, 7)))]
    a = simulate(_ring_net(ring), 250.0, seed=4, record=rec)
    b = simulate(_ring_net(DenseMatrix(ring.matrix(64, 64))), 250.0, seed=4, record=rec)
    np.testing.assert_allclose(a["E_rec"].values, b["E_rec"].values, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(a["E_spike_time"].values, b["E_spike_time"].values)
    assert a["E_spike_time"].size > 100


def test_ring_profile_by_hand():
    """J(d) = J- + (J+ - J-) exp(-d^2 / 2 sigma^2) on a ring; J- makes the mean 1."""
    ring = DenseRing(j_plus=1.62, sigma_deg=14.4)
    n = 3600
    d = np.radians(np.minimum(np.arange(n), n - np.arange(n)) * 360.0 / n)
    jm = ring.j_minus
    np.testing.assert_allclose(ring.profile(n),
                               jm + (1.62 - jm) * np.exp(-d**2 / (2 * math.radians(14.4)**2)))
    assert ring.profile(n).mean() == pytest.approx(1.0, abs=1e-4)
    w = ring.matrix(8, 8)
    np.testing.assert_allclose(w, w.T)  # symmetric, circulant
    np.testing.assert_allclose(w[3], np.roll(w[0], 3))


def test_compiled_and_python_engines_agree_on_dense_projections(monkeypatch):
    rec = [Spikes("E"), State("E", "rec", [0, 16, 32])]
    a = simulate(_ring_net(DenseRing(1.62, 14.4)), 150.0, seed=8, record=rec)
    monkeypatch.setenv("ENGRAMLAB_NO_NUMBA", "1")
    b = simulate(_ring_net(DenseRing(1.62, 14.4)), 150.0, seed=8, record=rec)
    assert b.attrs["engine"] == "python"
    np.testing.assert_allclose(a["E_rec"].values, b["E_rec"].values, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(a["E_spike_time"].values, b["E_spike_time"].values)


def test_snapshot_restore_keeps_the_gates():
    sim = Simulator(_ring_net(DenseRing(1.62, 14.4)), seed=2)
    sim.run(60.0)  # mid-cue: the gates are full
    snap = sim.snapshot()
    first = sim.run(80.0, record=[Spikes("E"), State("E", "rec", [16])])
    sim.restore(snap)
    again = sim.run(80.0, record=[Spikes("E"), State("E", "rec", [16])])
    assert first["E_rec"].values.max() > 0.1
    np.testing.assert_array_equal(first["E_rec"].values, again["E_rec"].values)
    np.testing.assert_array_equal(first["E_spike_time"].values, again["E_spike_time"].values)


def test_receptor_scale_blocks_a_gated_channel_in_its_window():
    """AP5 on the gated NMDA channel: zero conductance inside the window only."""
    net = _ring_net(DenseRing(1.62, 14.4))
    net = net.replace(stimuli=(*net.stimuli, ReceptorScale("E", "rec", 0.0, 50.0, 100.0)))
    ds = simulate(net, 150.0, seed=1, record=[State("E", "rec", [16])])
    t, g = ds["E_rec_time"].values, ds["E_rec"].values[:, 0]
    assert np.all(g[(t > 50.05) & (t < 100.0)] == 0.0)
    assert g[(t > 30.0) & (t < 50.0)].max() > 0.1 and g[t > 100.05].max() > 0.0


def test_current_step_profile_reaches_only_its_neurons():
    """A per-neuron amplitude: a neuron given 0 pA stays at rest, one given 150 pA
    fires at the LIF's closed-form rate of 150 pA (37 Hz, see engramlab.neurons.lif)."""
    pop = Population("P", 3, LIF())
    step = CurrentStep("P", [0.0, 150.0, 150.0], start_ms=0.0, stop_ms=1000.0)
    ds = simulate(Network([pop], [], stimuli=[step]), 1000.0,
                  record=[Spikes("P"), State("P", "v", [0])])
    counts = np.bincount(ds["P_spike_neuron"].values, minlength=3)
    assert counts[0] == 0 and np.all(ds["P_v"].values == LIF().e_l_mv)
    assert counts[1] == counts[2] == 37


# --- what a dense projection can be --------------------------------------------------

def _base(**proj):
    src = Population("src", 4, PoissonSource(rate_hz=10.0))
    post = Population("post", 4, LIF(), {"r": NMDA(), "s": _nmda(), "d": Receptor(kind="delta")})
    kw = {"connect": AllToAll(), "weight": 0.5, "delay_ms": 0.1, "receptor": "r"} | proj
    return Network([src, post], [Projection("src", "post", kw.pop("receptor"),
                                            kw.pop("connect"), name="P", **kw)])


@pytest.mark.parametrize(("kw", "field"), [
    ({"receptor": "d"}, "P.receptor"),
    ({"weight": [0.5] * 16}, "P.weight"),
    ({"stp": TsodyksMarkram()}, "P.stp"),
    ({"connect": Explicit([0], [0]), "receptor": "s"}, "P.connect"),
    ({"delay_ms": 0.0}, "P.delay_ms"),
])
def test_bad_dense_projection_names_the_field(kw, field):
    with pytest.raises(ParameterError) as exc:
        simulate(_base(**kw), 1.0)
    assert exc.value.field == field


def test_sparse_and_poisson_onto_a_gated_receptor_are_refused():
    net = _base()
    mixed = net.replace(projections=(*net.projections,
                                     Projection("src", "post", "r", Explicit([0], [1]),
                                                weight=0.1, name="Q")))
    with pytest.raises(ParameterError, match="dense projections") as exc:
        simulate(mixed, 1.0)
    assert exc.value.field == "Q.receptor"
    poisson = net.replace(inputs=[PoissonInput("bg", "post", "s", 5, 10.0, 0.1)])
    with pytest.raises(ParameterError) as exc:
        simulate(poisson, 1.0)
    assert exc.value.field == "bg.receptor"
    thinned = net.replace(lesions=[RemoveSynapses("P", 0.5)])
    with pytest.raises(ParameterError, match="RemoveSynapses") as exc:
        simulate(thinned, 1.0)
    assert exc.value.field == "lesions"


def test_bad_ring_and_matrix_are_refused():
    with pytest.raises(ParameterError) as exc:
        DenseRing(j_plus=9.0, sigma_deg=60.0)  # J- would be negative
    assert exc.value.field == "connect.j_plus"
    with pytest.raises(ParameterError) as exc:
        DenseRing(j_plus=1.5, sigma_deg=0.0)
    assert exc.value.field == "connect.sigma_deg"
    src = Population("src", 4, PoissonSource(rate_hz=10.0))
    post = Population("post", 6, LIF(), {"r": _nmda()})
    for connect in (DenseRing(1.5, 20.0), DenseMatrix(np.ones((4, 4)))):
        with pytest.raises(ParameterError) as exc:
            simulate(Network([src, post], [Projection("src", "post", "r", connect, 0.1,
                                                      name="P")]), 1.0)
        assert exc.value.field in ("P.connect", "P.connect.factors")


def test_a_dense_projection_says_why_it_has_no_synapse_list():
    src = Population("src", 4, PoissonSource(rate_hz=10.0))
    post = Population("post", 6, LIF(), {"r": _nmda()})
    net = Network([src, post], [Projection("src", "post", "r", AllToAll(), 0.1, name="P")])
    sim = Simulator(net)
    for call in (lambda: sim.weights("P"), lambda: sim.synapses("P"),
                 lambda: sim.run(1.0, record=[Weights("P")])):
        with pytest.raises(ParameterError, match=r"is dense \(AllToAll"):
            call()
    with pytest.raises(ParameterError, match="unknown projection"):
        sim.weights("Q")
