"""The engine's vectorised kernels against the scalar formulas they replace.

:func:`~engramlab.network._engine._exps` (exponential Euler's decay factors) against
``math.exp``; :func:`~engramlab.network._engine._uniforms` and
:func:`~engramlab.network._engine._counts` (the Poisson inputs and sources) against
:func:`~engramlab.network._engine._uniform` and the inversion of
:func:`~engramlab.network._engine._poisson`, bit for bit; and the conductance LIF's
branch-free step against its unit-by-unit form when a unit diverges. The kernels are
compiled here the way the loop compiles them (Numba, ``error_model="numpy"``) and run
as plain Python too (``ENGRAMLAB_NO_NUMBA=1`` runs them so).
"""

from __future__ import annotations

import math
import types

import numba
import numpy as np
import pytest

from engramlab.core import SimulationError
from engramlab.network import Network, Population, Spikes, State, simulate
from engramlab.network import _engine as E
from engramlab.neurons import LIF
from engramlab.synapses import AMPA


def _compiled(name: str, *helpers: str):
    """Engine function ``name`` compiled with its ``helpers`` (as the loop does)."""
    ns = dict(vars(E))
    for h in helpers:
        ns[h] = numba.njit(error_model="numpy")(getattr(E, h))
    f = getattr(E, name)
    return numba.njit(error_model="numpy")(types.FunctionType(f.__code__, ns, name))


EXPS = {"numba": _compiled("_exps", "_exp_parts"), "python": E._exps}


def _ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance in units in the last place of positive doubles."""
    return np.abs(a.view(np.int64) - b.view(np.int64))


@pytest.mark.parametrize("engine", ["numba", "python"])
def test_exps_is_within_one_ulp_of_math_exp(engine):
    rng = np.random.default_rng(7)
    n = 2 * 10**6 if engine == "numba" else 20_000
    x = np.concatenate([rng.uniform(-708.0, 709.0, n // 2),
                        rng.uniform(-2.0, 0.0, n // 2),  # decay factors: -dt G / C
                        [0.0, -0.0, 1e-300, -1e-300, math.log(2) / 2, -708.0, 709.0]])
    ref = np.array([math.exp(v) for v in x])
    y = x.copy()
    EXPS[engine](y, y.size, np.zeros(y.size, np.int64))
    d = _ulps(y, ref)
    assert d.max() <= 1
    assert 0.0 < np.mean(d > 0) < 0.2  # it is not math.exp itself: ~10 % differ
    assert y[-7] == 1.0 and y[-6] == 1.0


def test_exps_clamps_outside_its_range():
    x = np.array([-1e6, -750.0, 710.0, 1e6, np.nan])
    EXPS["numba"](x, x.size, np.zeros(x.size, np.int64))
    assert x[0] == x[1] == pytest.approx(math.exp(-708.0), rel=1e-15)
    assert x[2] == x[3] == pytest.approx(math.exp(709.0), rel=1e-15)
    assert np.all(np.isfinite(x[:4])) and math.isnan(x[4])


def test_exps_leaves_the_tail_alone():
    x = np.array([0.0, 1.0, 2.0, 3.0])
    EXPS["numba"](x, 2, np.zeros(4, np.int64))
    assert x[0] == 1.0 and _ulps(x[1:2], np.array([math.e]))[0] <= 1
    assert x[2:].tolist() == [2.0, 3.0]


def test_uniforms_equal_the_scalar_draws_bit_for_bit():
    uniforms = _compiled("_uniforms", "_mix")
    for key, t in ((np.uint64(1), 0), (np.uint64(2**63 + 12345), 987_654_321)):
        a, b = np.empty(5000), np.empty(5000)
        uniforms(key, t, 5000, a)
        with np.errstate(over="ignore"):  # the hash wraps around, as it should
            E._uniforms(key, t, 5000, b)  # the plain-Python form
        scalar = E.uniform_np(int(key), t, np.arange(5000))  # _uniform, unit by unit
        assert np.array_equal(a, b) and np.array_equal(a, scalar)


def _cdf(lam: float) -> np.ndarray:
    """The cumulative sums of Poisson(lam) as the loop forms them (201 of them)."""
    out = np.empty(201)
    pk = sk = math.exp(-lam)
    out[0] = sk
    for k in range(1, 201):
        pk *= lam / k
        s2 = sk + pk
        out[k] = s2
        if s2 == sk:
            out[k + 1:] = sk
            break
        sk = s2
    return out


@pytest.mark.parametrize("lam", [0.005, 0.5, 3.0, 25.0])
def test_counts_equal_the_scalar_search(lam):
    counts = numba.njit(error_model="numpy")(E._counts)
    rng = np.random.default_rng(3)
    u = np.concatenate([rng.random(20_000), [0.0, 1.0 - 2**-53]])
    cdf = _cdf(lam)
    kv = np.empty(u.size)
    counts(u, u.size, cdf, 200, kv)
    ref = np.empty(u.size)
    for i, ui in enumerate(u):  # the search of _poisson, one unit at a time
        k = 0
        while ui > cdf[k] and k < 200:
            k += 1
        ref[i] = k
    assert np.array_equal(kv, ref)
    # and they are Poisson: mean and variance within 5 standard errors of lam
    se = math.sqrt(lam / u.size)
    assert abs(kv.mean() - lam) < 5 * se
    if lam >= 0.5:
        assert kv.var() == pytest.approx(lam, rel=0.1)


def test_conductance_lif_divergence_stops_at_the_unit():
    """The branch-free step finds a unit out of bounds and hands the step to the
    unit-by-unit form, which names that unit; the units before it still spike."""
    pop = Population("n", 4, LIF(), {"e": AMPA()}, i_bias_pa=[5e3, 5e3, -1e16, 0.0])
    with pytest.raises(SimulationError, match=r"n\.v\[2\]"):
        simulate(Network([pop]), 20.0, dt_ms=0.1, record=[Spikes("n")])


def test_conductance_lif_spikes_and_refractoriness_match_the_closed_form():
    """Constant current, no input: the interspike interval of the conductance LIF
    (exponential Euler is exact for constant conductances) is t_ref plus the charging
    time tau ln((I/g - (V_r - E_L)) / (I/g - (V_th - E_L))), on the grid of dt."""
    m = LIF()
    i_pa = 300.0
    pop = Population("n", 3, m, {"e": AMPA()}, i_bias_pa=i_pa)
    ds = simulate(Network([pop]), 500.0, dt_ms=0.1, record=[Spikes("n")])
    t, j = ds["n_spike_time"].values, ds["n_spike_neuron"].values
    assert set(j.tolist()) == {0, 1, 2}
    isi = np.diff(t[j == 0])
    tau = m.c_m_pf / m.g_l_ns
    vinf = i_pa / m.g_l_ns
    charge = tau * math.log((vinf - (m.v_reset_mv - m.e_l_mv))
                            / (vinf - (m.v_th_mv - m.e_l_mv)))
    expected = m.t_ref_ms + charge
    assert isi.size > 5
    assert np.all(np.abs(isi - expected) <= 0.1 + 1e-9)  # one step of the grid


FINITE = {"numba": numba.njit(error_model="numpy")(E._finite), "python": E._finite}


@pytest.mark.parametrize("engine", ["numba", "python"])
@pytest.mark.parametrize("n", [1, 4095, 4096, 4097, 10_000])
def test_finite_finds_a_non_finite_value_anywhere(engine, n):
    """The block-wise check (no branch within a block) finds an infinity or a NaN at
    the first entry, at either side of a block's edge and at the last entry; extreme
    finite values (the largest double, subnormals, -0.0) pass."""
    finite = FINITE[engine]
    a = np.linspace(-1e3, 1e3, n)
    a[n // 2] = -0.0
    a[n // 3] = 2.2e-308
    a[0] = 1.7976931348623157e308
    a[-1] = -5e-324
    assert finite(a)
    for pos in sorted({0, 4095 % n, 4096 % n, n - 1}):
        for bad in (math.inf, -math.inf, math.nan):
            b = a.copy()
            b[pos] = bad
            assert not finite(b), (pos, bad)


def _channel_network():
    """One conductance-LIF population with every kind of channel exponential Euler
    steps: conductances with a rise time and with none, each with two, one and no
    Poisson input, an NMDA conductance (Mg2+ block), a current, a delta channel."""
    from engramlab.network import PoissonInput
    from engramlab.synapses import NMDA, Receptor, current_exp, delta

    rise = {"tau_decay_ms": 3.0, "tau_rise_ms": 1.0}
    recs = {"rise2": Receptor.create("rise2", **rise),
            "rise1": Receptor.create("rise1", **rise),
            "rise0": Receptor.create("rise0", **rise),
            "plain2": AMPA(), "plain1": AMPA(), "plain0": AMPA(),
            "nmda": NMDA(), "cur": current_exp(2.0), "jump": delta()}
    pop = Population("n", 37, LIF(), recs)
    inputs = [PoissonInput("r2a", "n", "rise2", 100, 10.0, 0.5),
              PoissonInput("r2b", "n", "rise2", 50, 20.0, 0.3),
              PoissonInput("r1", "n", "rise1", 90, 10.0, 0.45),
              PoissonInput("p2a", "n", "plain2", 80, 10.0, 0.4),
              PoissonInput("p2b", "n", "plain2", 70, 10.0, 0.35),
              PoissonInput("p1", "n", "plain1", 75, 10.0, 0.3),
              PoissonInput("m1", "n", "nmda", 40, 10.0, 0.2),
              PoissonInput("c1", "n", "cur", 60, 10.0, 20.0),
              PoissonInput("j1", "n", "jump", 60, 10.0, 0.1)]
    return Network([pop], inputs=inputs)


def test_channel_step_equals_the_separate_passes():
    """:func:`_channel_step` (each channel's arrivals, Poisson counts, share of the
    totals and decay in one pass where it can) against the separate passes it
    replaced, written out here with NumPy in their order: the same numbers, bit for
    bit, for every kind of channel, and for a channel set by the gates (totals only)."""
    from engramlab.network._build import build
    from engramlab.synapses.receptors import mg_unblocked_fraction

    b = build(_channel_network(), dt_ms=0.1, seed=3)
    _, pops, ch, _, _, _, dr, wk, _ = b.net
    rng = np.random.default_rng(11)
    n = pops.stop[0] - pops.start[0]
    slot = 1 % ch.buf.shape[0]
    chans = [c for c in range(pops.ch0[0], pops.ch1[0]) if ch.kind[c] != E.C_DELTA]
    assert sorted(int(ch.kind[c]) for c in chans) == [E.C_CURRENT] + [E.C_COND] * 7
    assert any(ch.mg[c] == 1 for c in chans) and any(ch.rise[c] > 0 for c in chans)
    for gated in (None, chans[1]):
        ch.g[:] = rng.uniform(0.0, 3.0, ch.g.size)
        ch.h[:] = rng.uniform(0.0, 3.0, ch.h.size)
        ch.buf[:] = rng.uniform(0.0, 2.0, ch.buf.shape)
        ch.gated[:] = 0
        if gated is not None:
            ch.gated[gated] = 1
        wk.kin[:] = rng.poisson(1.5, wk.kin.shape)
        wk.vpre[:] = rng.uniform(-80.0, -40.0, wk.vpre.size)
        wk.gtot[:] = rng.uniform(10.0, 20.0, wk.gtot.size)
        wk.itot[:] = rng.uniform(-900.0, -800.0, wk.itot.size)
        g, h, buf = ch.g.copy(), ch.h.copy(), ch.buf.copy()
        gt, it = wk.gtot[:n].copy(), wk.itot[:n].copy()
        for c in chans:  # the passes before: arrivals, inputs, totals, decay
            s = slice(ch.off[c], ch.off[c] + n)
            rise = ch.rise[c] > 0.0
            if not ch.gated[c]:
                tv = h if rise else g
                tv[s] += buf[slot, s] * (ch.scale[c] * ch.norm[c] if rise else ch.scale[c])
                buf[slot, s] = 0.0
                for q in range(dr.first[0], dr.last[0]):
                    if dr.chan[q] == c and dr.lam[q] > 0.0:
                        kv = wk.kin[q - dr.first[0], :n]
                        if rise:
                            tv[s] += kv * dr.weight[q] * ch.scale[c] * ch.norm[c]
                        else:
                            tv[s] += kv * dr.weight[q] * ch.scale[c]
            if ch.kind[c] == E.C_CURRENT:
                it += g[s]
            else:
                gb = g[s].copy()
                if ch.mg[c]:
                    gb = gb * np.array([mg_unblocked_fraction(v, ch.mg_mm[c], math.exp)
                                        for v in wk.vpre[:n]])
                gt += gb
                it += gb * ch.e_rev[c]
            if not ch.gated[c]:
                if rise:
                    g[s] = g[s] * ch.decay[c] + h[s] * ch.coef[c]
                    h[s] *= ch.rise[c]
                else:
                    g[s] *= ch.decay[c]
        for c in chans:
            E._channel_step(0, c, slot, n, pops, dr, ch, wk)
        for name, x, y in (("g", ch.g, g), ("h", ch.h, h), ("buf", ch.buf, buf),
                           ("gtot", wk.gtot[:n], gt), ("itot", wk.itot[:n], it)):
            assert np.array_equal(x, y), (name, gated)


def test_python_engine_equals_compiled_on_every_channel_kind(monkeypatch):
    net = _channel_network()
    rec = [Spikes("n"), State("n", "v", [0, 5, 36])]
    a = simulate(net, 30.0, seed=4, record=rec)
    monkeypatch.setenv("ENGRAMLAB_NO_NUMBA", "1")
    b = simulate(net, 30.0, seed=4, record=rec)
    assert b.attrs["engine"] == "python" and a["n_spike_time"].size > 0
    np.testing.assert_array_equal(a["n_spike_time"], b["n_spike_time"])
    np.testing.assert_array_equal(a["n_v"], b["n_v"])
