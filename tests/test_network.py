"""The spiking-network engine: exact integration, delays, STP, phases, state, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from engramlab.core import ParameterError, SimulationError
from engramlab.interventions import (
    add_conductance,
    cut_projection,
    inject_current,
    lesion_neurons,
    lesion_synapses,
    scale_receptor,
)
from engramlab.network import (
    Explicit,
    FixedInDegree,
    FixedProbability,
    Network,
    OneToOne,
    Phase,
    PlasticityRule,
    PoissonInput,
    PoissonSource,
    Population,
    Projection,
    Rates,
    RingProfile,
    Simulator,
    Spikes,
    SpikeSource,
    State,
    Uniform,
    Weights,
    _engine,
    simulate,
)
from engramlab.network.library import brunel_network, cuba_network
from engramlab.neurons import (
    LIF,
    AdEx,
    HodgkinHuxley,
    adex_init,
    adex_step,
    hh_init,
    hh_step,
    lif_rate_hz,
)
from engramlab.synapses import (
    AMPA,
    NMDA,
    TsodyksMarkram,
    current_exp,
    delta,
    mg_block,
    tm_release,
)

LIF_P = LIF()  # C 200 pF, g_L 10 nS, E_L -60, V_th -50, V_r -60, t_ref 5 ms


def one_input(receptor, weight, times_ms, *, model=LIF_P, stp=None, delay_ms=0.1, n_post=1):
    """A spike source driving ``n_post`` neurons through one receptor."""
    src = Population("src", 1, SpikeSource(times_ms, [0] * len(times_ms)))
    post = Population("post", n_post, model, {"r": receptor})
    proj = Projection("src", "post", "r", Explicit([0] * n_post, list(range(n_post))),
                      weight=weight, delay_ms=delay_ms, stp=stp)
    return Network([src, post], [proj])


# --- exact integration --------------------------------------------------------------

@pytest.mark.parametrize("tau_s", [5.0, 20.0])  # 20 ms = tau_m: the degenerate propagator
def test_current_psp_is_exact(tau_s):
    """LIF + exponential current: the sampled PSP equals the closed form to 1e-12 mV."""
    w = 100.0  # pA
    net = one_input(current_exp(tau_s), w, [1.0], delay_ms=0.1)
    ds = simulate(net, 40.0, dt_ms=0.1, record=[State("post", "v", [0])])
    t = ds["post_v_time"].values
    arrive = 1.1  # spike at 1.0 ms + delay 0.1 ms
    s = np.clip(t - arrive, 0, None)
    tau_m = LIF_P.tau_m_ms
    if tau_s == tau_m:
        psp = w / LIF_P.c_m_pf * s * np.exp(-s / tau_m)
    else:
        psp = (w / LIF_P.c_m_pf * tau_m * tau_s / (tau_s - tau_m)
               * (np.exp(-s / tau_s) - np.exp(-s / tau_m)))
    np.testing.assert_allclose(ds["post_v"].values[:, 0], LIF_P.e_l_mv + psp, atol=1e-12)


def test_conductance_psp_matches_fine_reference():
    """LIF + AMPA conductance (exponential Euler): within 2e-3 mV of solve_ivp at dt =
    0.01 ms (the scheme is first order in dt; the PSP peaks at ~0.4 mV)."""
    rec = AMPA()
    w = 1.0  # nS
    net = one_input(rec, w, [1.0])
    ds = simulate(net, 30.0, dt_ms=0.01, record=[State("post", "v", [0])])
    m = LIF_P
    t0 = 1.1  # spike at 1.0 ms + the default delay of 0.1 ms

    def rhs(t, y):
        g = w * math.exp(-(t - t0) / rec.tau_decay_ms) if t >= t0 else 0.0
        return [(m.g_l_ns * (m.e_l_mv - y[0]) + g * (rec.e_rev_mv - y[0])) / m.c_m_pf]

    t = ds["post_v_time"].values
    ref = solve_ivp(rhs, (0, 30.0), [m.e_l_mv], t_eval=t, rtol=1e-10, atol=1e-12,
                    max_step=0.005)
    err = np.max(np.abs(ds["post_v"].values[:, 0] - ref.y[0]))
    assert err < 2e-3
    assert ds["post_v"].values.max() - m.e_l_mv > 0.1  # a real PSP was compared


def test_biexponential_peak_equals_weight():
    """NMDA (rise 2 ms, decay 100 ms): the conductance peaks at the weight (to 1e-3 at
    dt = 0.01 ms, the sampling of the peak)."""
    net = one_input(NMDA(), 2.5, [0.0])
    ds = simulate(net, 60.0, dt_ms=0.01, record=[State("post", "r", [0])])
    assert ds["post_r"].max().item() == pytest.approx(2.5, rel=1e-3)


def test_mg_block_in_engine():
    """One exponential-Euler step with an NMDA conductance, computed by hand with
    B(V) = 1 / (1 + [Mg]/3.57 exp(-0.062 V)) (Jahr & Stevens 1990)."""
    v0 = np.array([-80.0, -40.0, 0.0])
    rec = NMDA()
    m = LIF(v_th_mv=50.0)
    net = one_input(rec, 1.0, [100.0], n_post=3, model=m)
    sim = Simulator(net, dt_ms=0.01)
    st = sim.built.state
    st["v"][1:] = v0
    st["g"][:] = 5.0  # nS, the conductance now
    st["h"][:] = 0.0
    sim.run(0.01)
    gb = 5.0 * mg_block(v0, rec.mg_mm)
    big_g = m.g_l_ns + gb
    v_inf = (m.g_l_ns * m.e_l_mv + gb * rec.e_rev_mv) / big_g
    expected = v_inf + (v0 - v_inf) * np.exp(-0.01 * big_g / m.c_m_pf)
    np.testing.assert_allclose(st["v"][1:], expected, rtol=0, atol=1e-12)


def test_lif_rate_matches_closed_form_on_the_grid():
    """Constant current: rates within one dt per period of the closed form."""
    currents = np.array([150.0, 200.0, 300.0, 500.0])
    pop = Population("n", currents.size, LIF_P, i_bias_pa=currents)
    ds = simulate(Network([pop]), 2000.0, dt_ms=0.01, record=[Spikes("n")])
    for k, i in enumerate(currents):
        times = ds["n_spike_time"].values[ds["n_spike_neuron"].values == k]
        isi = np.diff(times).mean()
        f = float(lif_rate_hz(LIF_P, i))
        assert 1000 / isi == pytest.approx(f, rel=0.01 * 1000 / f / 1000 * 1 + 1e-3 * 10)
        # the period is quantised to the grid: |ISI - 1/f| <= dt
        assert abs(isi - 1000 / f) <= 0.01 + 1e-9


def test_matches_component_steps():
    """The engine's AdEx and HH updates equal the components' own step functions."""
    adex = AdEx()
    hh = HodgkinHuxley()
    i_a, i_h = 500.0, 1000.0
    net = Network([Population("a", 1, adex, i_bias_pa=i_a),
                   Population("h", 1, hh, i_bias_pa=i_h)])
    dt = 0.01
    ds = simulate(net, 50.0, dt_ms=dt, record=[State("a", "v", [0]), State("a", "w", [0]),
                                               State("h", "v", [0])])
    sa = adex_init(adex, 1)
    sh = hh_init(hh, 1)
    va, wa, vh = [], [], []
    for _ in range(5000):
        sa = adex_step(adex, sa, np.array([i_a]), dt)
        sh = hh_step(hh, sh, np.array([i_h]), dt)
        va.append(float(sa.v[0]))
        wa.append(float(sa.w[0]))
        vh.append(float(sh.v[0]))
    np.testing.assert_allclose(ds["a_v"].values[:, 0], va, atol=1e-9)
    np.testing.assert_allclose(ds["a_w"].values[:, 0], wa, atol=1e-9)
    np.testing.assert_allclose(ds["h_v"].values[:, 0], vh, atol=1e-9)


# --- delays, short-term plasticity, sources ------------------------------------------

def test_delay_is_exact():
    net = one_input(delta(), 1.0, [2.0], delay_ms=1.5)
    ds = simulate(net, 10.0, dt_ms=0.1, record=[State("post", "v", [0])])
    v = ds["post_v"].values[:, 0]
    t = ds["post_v_time"].values
    first = t[np.argmax(v > LIF_P.e_l_mv + 1e-12)]
    # a jump at 3.5 ms appears in the sample taken at the end of that step (3.6 ms)
    assert first == pytest.approx(3.6)


@pytest.mark.parametrize("stp", [TsodyksMarkram(u_se=0.5, tau_rec_ms=800.0, tau_fac_ms=0.0,
                                                tau_inact_ms=3.0),
                                 TsodyksMarkram(u_se=0.03, tau_rec_ms=130.0,
                                                tau_fac_ms=530.0, tau_inact_ms=1.5)])
def test_tsodyks_markram_in_engine_equals_recursion(stp):
    times = [5.0, 30.0, 55.0, 80.0, 105.0, 300.0, 310.0, 1200.0]
    w = 100.0
    net = one_input(current_exp(stp.tau_inact_ms), w, times, stp=stp)
    dt = 0.1
    ds = simulate(net, 1300.0, dt_ms=dt, record=[State("post", "r", [0])])
    g = ds["post_r"].values[:, 0]
    t_idx = np.round(ds["post_r_time"].values / dt).astype(int)
    decay = math.exp(-dt / stp.tau_inact_ms)
    # the jump of the current at each arrival: g[k] - g[k-1] * decay, sampled after decay
    jumps = []
    for tm in times:
        k = int(np.flatnonzero(t_idx == round(tm / dt) + 2)[0])  # arrives at tm + 0.1
        jumps.append((g[k] - g[k - 1] * decay) / decay)
    np.testing.assert_allclose(jumps, w * tm_release(stp, np.asarray(times)), rtol=1e-9)


def test_poisson_source_rate_and_determinism():
    pop = Population("p", 200, PoissonSource(rate_hz=20.0))
    a = simulate(Network([pop]), 5000.0, record=[Spikes("p")], seed=3)
    b = simulate(Network([pop]), 5000.0, record=[Spikes("p")], seed=3)
    c = simulate(Network([pop]), 5000.0, record=[Spikes("p")], seed=4)
    n = a["p_spike_time"].size
    expected = 200 * 20 * 5  # 20000; sd ~ 141
    assert abs(n - expected) < 5 * math.sqrt(expected)
    np.testing.assert_array_equal(a["p_spike_time"], b["p_spike_time"])
    assert not np.array_equal(a["p_spike_time"].values[:100], c["p_spike_time"].values[:100])


def test_poisson_input_counts_are_poisson():
    """External drive with delta synapses: the jump per step is k J, k ~ Poisson(lambda)."""
    lam_rate, n_inputs = 25.0, 800  # lambda = 2 per 0.1 ms step
    model = LIF(v_th_mv=50.0, v_reset_mv=-100.0, e_l_mv=-100.0, c_m_pf=1e9, g_l_ns=10.0)
    pop = Population("n", 500, model, {"syn": delta()})
    inp = PoissonInput("ext", "n", "syn", n_inputs, lam_rate, 0.01)
    sim = Simulator(Network([pop], inputs=[inp]), dt_ms=0.1, seed=1)
    sim.run(100.0)  # 1000 steps; leak negligible (tau = 1e8 ms)
    counts = (sim.built.state["v"] - model.e_l_mv) / 0.01
    assert counts.mean() == pytest.approx(2000, rel=0.005)  # sd of mean ~ 2
    assert counts.var() == pytest.approx(2000, rel=0.15)


# --- state: seeds, snapshots, phases, streaming --------------------------------------

def small_net(n=400):
    net = cuba_network(n, connections_per_neuron=40)
    ext = [PoissonInput(f"ext_{p}", p, "exc", 50, 10.0, 16.2) for p in ("E", "I")]
    return net.replace(inputs=ext)


def test_snapshot_restore_continues_identically():
    sim = Simulator(small_net(), seed=5)
    sim.run(50.0)
    snap = sim.snapshot()
    first = sim.run(100.0, record=[Spikes("E"), State("E", "v", [0, 1])])
    sim.restore(snap)
    again = sim.run(100.0, record=[Spikes("E"), State("E", "v", [0, 1])])
    assert first["E_spike_time"].size > 50
    np.testing.assert_array_equal(first["E_spike_time"], again["E_spike_time"])
    np.testing.assert_array_equal(first["E_v"], again["E_v"])
    # one run of 150 ms equals 50 + 100 ms
    whole = simulate(small_net(), 150.0, seed=5, record=[Spikes("E")])
    late = whole["E_spike_time"].values
    np.testing.assert_array_equal(late[late >= 50.0], first["E_spike_time"].values)


def test_python_engine_equals_compiled(monkeypatch):
    net = small_net(120)
    a = simulate(net, 30.0, seed=2, record=[Spikes("E"), State("I", "v", [0, 3])])
    monkeypatch.setenv("ENGRAMLAB_NO_NUMBA", "1")
    b = simulate(net, 30.0, seed=2, record=[Spikes("E"), State("I", "v", [0, 3])])
    assert b.attrs["engine"] == "python"
    np.testing.assert_array_equal(a["E_spike_time"], b["E_spike_time"])
    np.testing.assert_array_equal(a["I_v"], b["I_v"])


def test_phases_switch_inputs_and_are_recorded(caplog):
    net = small_net()
    phases = [Phase("drive", 100.0), Phase("quiet", 100.0, inputs={"ext_E": 0.0,
                                                                   "ext_I": 0.0})]
    with caplog.at_level("INFO", logger="engramlab.network"):
        ds = simulate(net, phases=phases, seed=1, record=[Rates("E", 50.0)])
    assert "quiet" in caplog.text
    assert list(ds["phase_name"].values) == ["drive", "quiet"]
    assert ds["phase_start_ms"].values.tolist() == [0.0, 100.0]
    rate = ds["E_rate"].values
    assert rate[1] > 1.0  # driven
    assert rate[3] < rate[1]  # the drive is off (the network may keep itself going)


class CountPre(PlasticityRule):
    """A toy rule: +1 to every synapse whose presynaptic neuron spiked."""

    def init(self, n_syn, pre, post, weights, rng):
        return 0

    def step(self, state, ctx):
        return state + 1, ctx.weights + ctx.pre_spiked[ctx.pre]


def test_plasticity_hook_and_freeze():
    src = Population("src", 3, SpikeSource([1.0, 2.0, 2.0, 5.0], [0, 1, 2, 0]))
    post = Population("post", 2, LIF_P, {"r": current_exp(5.0)})
    proj = Projection("src", "post", "r", FixedProbability(1.0), weight=0.0,
                      plasticity=CountPre(), name="plastic")
    sim = Simulator(Network([src, post], [proj]))
    ds = sim.run(phases=[Phase("learn", 3.0), Phase("frozen", 5.0, plasticity=False)],
                 record=[Weights("plastic", every_ms=1.0)])
    pre, _ = sim.synapses("plastic")
    # neuron 0 spiked once (t = 1) while learning, neurons 1 and 2 once (t = 2); the
    # spike of neuron 0 at t = 5 fell into the frozen phase
    np.testing.assert_array_equal(sim.weights("plastic"), np.ones(pre.size))
    assert ds["plastic_weight"].shape == (9, 6)
    assert sim.built.plastic_state["plastic"] == 30  # one call per step while learning


def test_stream_to_file_equals_memory(tmp_path):
    net = small_net(200)
    rec = [Spikes("E"), Rates("I", 5.0), State("E", "v", [0, 2], every_ms=0.5)]
    mem = simulate(net, 60.0, seed=3, record=rec)
    disk = simulate(net, 60.0, seed=3, record=rec, stream_to=tmp_path / "run.nc")
    for name in ("E_spike_time", "E_spike_neuron", "I_rate", "E_v"):
        np.testing.assert_array_equal(mem[name].values, disk[name].values)
    disk.close()
    with pytest.raises(ParameterError, match="stream_to"):
        simulate(net, 1.0, record=rec, stream_to=tmp_path / "run.nc")


# --- interventions ------------------------------------------------------------------

def test_lesions_remove_what_they_name():
    net = small_net(300)
    gone = lesion_neurons(net, "E", neurons=[0, 1, 2])
    ds = simulate(gone, 100.0, seed=1, record=[Spikes("E")])
    assert not np.isin(ds["E_spike_neuron"].values, [0, 1, 2]).any()
    assert ds["E_spike_time"].size > 0
    sim = Simulator(gone, seed=1)
    pre, post = sim.synapses("E_E_exc")
    assert not np.isin(pre, [0, 1, 2]).any() and not np.isin(post, [0, 1, 2]).any()
    cut = Simulator(cut_projection(net, "E_I_exc"), seed=1)
    assert cut.synapses("E_I_exc")[0].size == 0
    half = Simulator(lesion_synapses(net, "E_E_exc", 0.5), seed=1)
    full = Simulator(net, seed=1)
    ratio = half.synapses("E_E_exc")[0].size / full.synapses("E_E_exc")[0].size
    assert ratio == pytest.approx(0.5, abs=0.05)


def test_stimulus_windows():
    pop = Population("n", 1, LIF_P)
    net = inject_current(Network([pop]), "n", 300.0, start_ms=100.0, stop_ms=200.0)
    ds = simulate(net, 300.0, dt_ms=0.1, record=[Spikes("n")])
    t = ds["n_spike_time"].values
    assert t.size > 3 and t.min() >= 100.0 and t.max() < 200.0
    # a shunting conductance at rest silences a driven neuron
    driven = Network([Population("n", 1, LIF_P, i_bias_pa=300.0)])
    shunt = add_conductance(driven, "n", 200.0, -60.0, start_ms=100.0, stop_ms=200.0)
    t = simulate(shunt, 300.0, record=[Spikes("n")])["n_spike_time"].values
    assert ((t > 105) & (t < 200)).sum() == 0 and (t > 200).sum() > 3
    # blocking the receptor removes the PSP
    net = one_input(current_exp(5.0), 100.0, [10.0])
    blocked = scale_receptor(net, "post", "r", 0.0)
    v = simulate(blocked, 30.0, record=[State("post", "v")])["post_v"].values
    assert np.all(v == LIF_P.e_l_mv)


# --- connectivity -------------------------------------------------------------------

def test_connectivity_rules():
    rng = np.random.default_rng(0)
    pre, post = FixedProbability(0.05).sample(1000, 1000, True, rng)
    assert not np.any(pre == post)
    assert pre.size == pytest.approx(0.05 * 1000 * 999, rel=0.02)
    assert np.unique(pre * 1000 + post).size == pre.size  # no duplicates
    assert np.all(np.diff(pre * 1000 + post) > 0)  # CSR order: by pre, then post
    pre, post = FixedInDegree(30).sample(500, 200, False, rng)
    assert np.all(np.bincount(post, minlength=200) == 30)
    assert np.all(np.diff(pre * 1000 + post) > 0)
    assert np.unique(pre * 1000 + post).size == pre.size
    pre, post = FixedInDegree(200).sample(300, 300, True, rng)  # dense rows
    assert np.all(np.bincount(post, minlength=300) == 200) and not np.any(pre == post)
    assert np.unique(pre * 1000 + post).size == pre.size
    assert np.all(np.diff(pre * 1000 + post) > 0)
    use = np.bincount(pre, minlength=300)  # out-degrees: mean 200, sd ~ 8
    assert use.min() > 160 and use.max() < 240
    pre, post = OneToOne().sample(5, 5, False, rng)
    np.testing.assert_array_equal(pre, post)
    ring = RingProfile(1.0, 0.055, profile="box")  # 5 neighbours each side
    pre, post = ring.sample(100, 100, True, rng)
    d = np.abs(pre - post)
    assert np.all(np.minimum(d, 100 - d) <= 5) and pre.size == 100 * 10
    # a width on the lattice (2 / 20 of the ring) includes its edge on every row alike
    # (in floating point |i/20 - j/20| is a few ulps off |i - j| / 20: 70 synapses, rows
    # of 2-4, before the edge's tolerance)
    pre, post = RingProfile(1.0, 0.1, profile="box").sample(20, 20, True, rng)
    assert np.bincount(pre, minlength=20).tolist() == [4] * 20
    dense = FixedProbability(0.5).sample(300, 300, True, rng)
    assert dense[0].size == pytest.approx(0.5 * 300 * 299, rel=0.02)


# --- errors -------------------------------------------------------------------------

def test_bad_input_names_the_field():
    pop = Population("n", 2, LIF_P, {"r": current_exp(5.0)})
    with pytest.raises(ParameterError, match="dt_ms"):
        simulate(Network([pop]), 10.0, dt_ms=3.0)
    with pytest.raises(ParameterError, match="delay_ms"):
        net = Network([pop], [Projection("n", "n", "r", FixedProbability(1.0),
                                         delay_ms=0.15)])
        simulate(net, 10.0, dt_ms=0.1)
    with pytest.raises(ParameterError, match="receptor"):
        Network([pop], [Projection("n", "n", "nmda", FixedProbability(1.0))])
    with pytest.raises(ParameterError, match="unknown population"):
        Network([pop], [Projection("n", "m", "r", FixedProbability(1.0))])
    with pytest.raises(ParameterError, match="backend"):
        simulate(Network([pop]), 1.0, backend="torch")
    with pytest.raises(ParameterError, match="p"):
        FixedProbability(1.5)
    with pytest.raises(ParameterError, match="inputs"):
        simulate(Network([pop]), phases=[Phase("a", 1.0, inputs={"nope": 0.0})])


def test_divergence_raises_simulation_error():
    pop = Population("n", 3, HodgkinHuxley(), i_bias_pa=[0.0, 0.0, 1e12])
    with pytest.raises(SimulationError, match=r"n\.v\[2\]"):
        simulate(Network([pop]), 5.0, dt_ms=0.01)


def test_brunel_network_degrees():
    sim = Simulator(brunel_network(5.0, 2.0, n_e=400), seed=0)
    _pre, post = sim.synapses("E_I_syn")
    assert np.all(np.bincount(post, minlength=100) == 40)
    assert np.all(sim.weights("I_E_syn") == pytest.approx(-0.5))


def test_counter_rng_is_uniform():
    u = _engine.uniform_np(12345, 7, np.arange(20000))
    assert abs(u.mean() - 0.5) < 0.01 and 0 <= u.min() and u.max() < 1
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.03


def test_uniform_v0():
    pop = Population("n", 1000, LIF_P, v0_mv=Uniform(-60.0, -50.0))
    sim = Simulator(Network([pop]), seed=0)
    v = sim.built.state["v"]
    assert v.min() >= -60 and v.max() < -50 and abs(v.mean() + 55) < 0.5


def test_interrupted_stream_keeps_what_was_recorded(tmp_path):
    import xarray as xr

    net = Network([Population("n", 5, LIF_P, i_bias_pa=300.0)])

    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        simulate(net, 3000.0, record=[Spikes("n")], stream_to=tmp_path / "x.nc",
                 progress=stop)
    with xr.open_dataset(tmp_path / "x.nc", engine="h5netcdf") as ds:
        t = ds["n_spike_time"].values
    assert t.size > 10 and t.max() < 1000.0  # the first 1-s chunk, then the interrupt


# --- the compiled loop: one build per CPU, shared safely, never a silent fallback ---------

_PROCESS = """
import json
from engramlab.network import (FixedProbability, Network, Population, PoissonSource,
                               Projection, Spikes, compile_loop, simulate)
from engramlab.neurons import LIF
from engramlab.synapses import current_exp
seconds = compile_loop()
net = Network([Population("src", 50, PoissonSource(rate_hz=40.0)),
               Population("n", 20, LIF(), {"r": current_exp(5.0)})],
              [Projection("src", "n", "r", FixedProbability(0.5), weight=300.0)])
ds = simulate(net, 50.0, seed=1, record=[Spikes("n")])
print(json.dumps({"engine": ds.attrs["engine"], "seconds": seconds,
                  "t": ds["n_spike_time"].values.tolist(),
                  "i": ds["n_spike_neuron"].values.tolist()}))
"""


def _processes(cache, n, tmp=None):
    import json
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "ENGRAMLAB_NO_NUMBA"}
    env["ENGRAMLAB_CACHE_DIR"] = str(cache)
    if tmp is not None:
        env["TMPDIR"] = str(tmp)
    procs = [subprocess.Popen([sys.executable, "-c", _PROCESS], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(n)]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=600)
        assert p.returncode == 0, stderr
        out.append((json.loads(stdout), stderr))
    return out


@pytest.mark.faults
@pytest.mark.slow  # ~30 s with both cores compiling: in CI's three fault passes only
def test_two_processes_compile_at_once_then_a_third_loads(tmp_path):
    """Two processes compiling into one fresh cache both succeed (and say so, once);
    a third loads the loop silently; nothing else in the cache is touched. The compile
    writes its cache and nothing else: no temporary C or object files in TMPDIR, no
    leftovers in the cache (only Numba's indexes and data, and the manifest, which lists
    exactly them with their sizes and SHA-256)."""
    import hashlib
    import json

    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    other = cache / "numba-0.0-0.0" / "elsewhere-000000000000"
    other.mkdir(parents=True)
    (other / "another-version.nbi").write_text("not ours")
    first = _processes(cache, 2, tmp)
    assert list(tmp.iterdir()) == []
    (d,) = (m.parent for m in cache.glob("numba-*/*-*/compiled.json"))
    files = sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file())
    cached = [f for f in files if f != "compiled.json"]
    assert cached and all(f.endswith((".nbi", ".nbc")) for f in cached), files
    manifest = json.loads((d / "compiled.json").read_text())
    assert sorted(manifest["files"]) == cached
    for f in cached:
        data = (d / f).read_bytes()
        assert manifest["files"][f] == [len(data), hashlib.sha256(data).hexdigest()]
    assert [p.name for p in cache.rglob("*") if p.is_file() and p.parent != d
            and p.parent != other and not p.name.endswith((".nbi", ".nbc"))] == []
    assert any("compiling the network loop for this CPU" in err for _, err in first)
    (res, err), = _processes(cache, 1)
    assert err == ""  # loaded from the cache: no notice
    assert res["engine"] == "numba" and len(res["t"]) > 20
    for r, _ in first:
        assert (r["t"], r["i"]) == (res["t"], res["i"])
    assert res["seconds"] < max(r["seconds"] for r, _ in first)
    assert (other / "another-version.nbi").read_text() == "not ours"
    assert len(list(cache.glob("numba-*/*/compiled.json"))) == 1


_START_UP = """
import atexit, gc, json, sys
atexit.register(lambda: print(json.dumps({"frozen_at_exit": gc.get_freeze_count()})))
from engramlab.network import Population, Network, simulate
from engramlab.neurons import LIF
simulate(Network([Population("n", 5, LIF())]), 5.0)
imported = [m for m in ("scipy.linalg", "scipy.fft", "cffi") if m in sys.modules]
import numba, numpy as np
dot = numba.njit(lambda a, b: np.dot(a, b))(np.arange(3.0), np.arange(3.0))
print(json.dumps({"imported": imported, "dot": dot, "gc": gc.isenabled()}))
"""


def test_loading_the_loop_skips_numbas_blas_probe_and_exits_frozen():
    """Start-up costs earned back (network/_compile.py): loading the loop does not
    import scipy.linalg, scipy.fft or cffi, Numba's np.dot still works after it, the
    garbage collector paused for the load is running again, and the heap is frozen
    before the interpreter's final collections (an earlier atexit handler sees it)."""
    import json
    import os
    import subprocess
    import sys

    if not _engine.compiled():
        pytest.skip("ENGRAMLAB_NO_NUMBA=1")
    env = {k: v for k, v in os.environ.items() if k != "ENGRAMLAB_NO_NUMBA"}
    out = subprocess.run([sys.executable, "-c", _START_UP], env=env, text=True,
                         capture_output=True, timeout=600)
    assert out.returncode == 0, out.stderr
    first, last = (json.loads(line) for line in out.stdout.splitlines()[-2:])
    assert first == {"imported": [], "dot": 5.0, "gc": True}
    assert last["frozen_at_exit"] > 10_000


def test_one_compiled_signature_for_every_network():
    """Every network runs the one compiled loop (the tables' types never vary)."""
    from engramlab.network import _compile

    if not _engine.compiled():
        pytest.skip("ENGRAMLAB_NO_NUMBA=1")
    nets = [small_net(60), one_input(NMDA(), 1.0, [1.0, 2.0], model=AdEx()),
            one_input(AMPA(), 1.0, [1.0], model=HodgkinHuxley()),
            one_input(delta(), 1.0, [1.0], stp=TsodyksMarkram())]
    for net in nets:
        simulate(net, 5.0, dt_ms=0.01)
    assert len(_compile.loop().signatures) == 1


def test_no_silent_fallback_without_numba(monkeypatch):
    """Numba missing: a clear error naming ENGRAMLAB_NO_NUMBA, not a slow silent run."""
    import sys

    from engramlab.network import _compile

    monkeypatch.delenv("ENGRAMLAB_NO_NUMBA", raising=False)
    monkeypatch.setattr(_compile, "_LOOP", None)
    monkeypatch.setitem(sys.modules, "numba", None)
    with pytest.raises(ImportError, match="ENGRAMLAB_NO_NUMBA=1"):
        simulate(Network([Population("n", 1, LIF_P)]), 1.0)


def test_unwritable_cache_is_reported(tmp_path):
    from engramlab.network import _compile

    blocker = tmp_path / "file"
    blocker.write_text("")
    assert _compile._writable(str(blocker / "cache")) is not None
    assert _compile._writable(str(tmp_path / "cache")) is None
