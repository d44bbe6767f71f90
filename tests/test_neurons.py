"""Neuron components (LIF, AdEx, Hodgkin-Huxley)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from engramlab.core import ParameterError, SimulationError, asarray, get_namespace, to_numpy
from engramlab.neurons import (
    LIF,
    AdEx,
    HodgkinHuxley,
    adex_init,
    adex_step,
    hh_fastest_time_constant_ms,
    hh_init,
    hh_ionic_current,
    hh_rates,
    hh_resting_potential_mv,
    hh_steady_state,
    hh_step,
    lif_advance,
    lif_init,
    lif_rate_hz,
    lif_rheobase_pa,
    lif_step,
)


def _lif_spike_times(params: LIF, currents: np.ndarray, dt: float, duration: float,
                     v0: float | None = None) -> list[list[float]]:
    state = lif_init(params, currents.size, v0=v0)
    times: list[list[float]] = [[] for _ in currents]
    for k in range(round(duration / dt)):
        state, offset = lif_advance(params, state, currents, dt)
        for i in np.flatnonzero(state.spike):
            times[i].append(k * dt + offset[i])
    return times


def _hh_rhs(params: HodgkinHuxley, current_density):
    def rhs(t, y):
        v, m, h, n = y
        am, bm, ah, bh, an, bn = (float(r) for r in hh_rates(v))
        i_ion = float(hh_ionic_current(params, v, m, h, n))
        return [(current_density(t) - i_ion) / params.c_m_uf_cm2,
                am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n]
    return rhs


# -- LIF ------------------------------------------------------------------------------


def test_lif_defaults_and_rheobase():
    p = LIF()
    assert p.tau_m_ms == 20.0
    assert lif_rheobase_pa(p) == pytest.approx(100.0, rel=1e-15)
    # At and below the rheobase the closed form gives exactly zero.
    assert lif_rate_hz(p, np.array([0.0, 50.0, 100.0])).tolist() == [0.0, 0.0, 0.0]


def test_lif_rate_matches_catalogue_formula_when_reset_is_rest():
    # docs/catalogue.md: f = 1 / (t_ref + tau ln(RI / (RI - (V_th - E_L)))), V_reset = E_L.
    p = LIF()
    i = np.array([150.0, 300.0, 1000.0])
    ri = i / p.g_l_ns
    expected = 1000.0 / (p.t_ref_ms + p.tau_m_ms * np.log(ri / (ri - (p.v_th_mv - p.e_l_mv))))
    np.testing.assert_allclose(lif_rate_hz(p, i), expected, rtol=1e-14)  # same formula


@pytest.mark.parametrize(("t_ref", "dt"), [(5.0, 0.1), (5.0, 1.0), (0.3, 1.0), (0.0, 0.7)])
def test_lif_simulated_rate_equals_closed_form(t_ref, dt):
    """Exact integration with spike times inside the step: the interspike intervals
    equal the closed-form period to round-off for any dt shorter than the ISI, also
    when the refractory period ends inside a step (t_ref < dt)."""
    p = LIF(t_ref_ms=t_ref, v_reset_mv=-65.0)  # general reset: V_reset != E_L
    currents = np.array([110.0, 150.0, 300.0, 600.0])
    times = _lif_spike_times(p, currents, dt, 600.0)
    for i, t in enumerate(times):
        isi = np.diff(t)
        assert isi.size >= 3
        # float64 round-off accumulates over a few thousand steps: 1e-9 ms is ample.
        np.testing.assert_allclose(isi, 1000.0 / lif_rate_hz(p, currents[i]), rtol=0,
                                   atol=1e-9)


def test_lif_no_spikes_at_rheobase():
    p = LIF()
    times = _lif_spike_times(p, np.array([99.0, 100.0]), 0.5, 2000.0)
    assert times == [[], []]


def test_lif_exact_subthreshold_integration_vs_solve_ivp():
    p = LIF()
    i_pa, dt, n_steps = 80.0, 0.1, 1000  # 80 pA < 100 pA rheobase
    state = lif_init(p, 1)
    trace = [float(state.v[0])]
    for _ in range(n_steps):
        state = lif_step(p, state, i_pa, dt)
        trace.append(float(state.v[0]))
    t = np.arange(n_steps + 1) * dt
    ref = solve_ivp(lambda _, v: (-p.g_l_ns * (v - p.e_l_mv) + i_pa) / p.c_m_pf,
                    (0.0, t[-1]), [p.e_l_mv], t_eval=t, rtol=1e-12, atol=1e-12)
    # Exact exponential update vs an adaptive solver at 1e-12 tolerance.
    np.testing.assert_allclose(trace, ref.y[0], rtol=0, atol=1e-8)


def test_lif_refractory_clamp_and_first_spike_time():
    p = LIF()
    v0 = -55.0
    state = lif_init(p, 1, v0=v0)
    i_pa, dt = 300.0, 0.1
    v_inf = p.e_l_mv + i_pa / p.g_l_ns
    t_spike = p.tau_m_ms * math.log((v_inf - v0) / (v_inf - p.v_th_mv))
    k_spike = None
    vs = []
    for k in range(200):
        state, offset = lif_advance(p, state, i_pa, dt)
        vs.append(float(state.v[0]))
        if state.spike[0] and k_spike is None:
            k_spike = k
            assert k * dt + offset[0] == pytest.approx(t_spike, abs=1e-12)
    assert k_spike is not None
    # Held at V_reset for the rest of the refractory period (5 ms = 50 steps).
    held = vs[k_spike: k_spike + 49]
    assert all(v == p.v_reset_mv for v in held)
    assert vs[k_spike + 51] > p.v_reset_mv


def test_lif_state_starting_above_threshold_fires_at_once():
    p = LIF()
    state, offset = lif_advance(p, lif_init(p, 2, v0=np.array([-40.0, -70.0])), 0.0, 0.1)
    assert state.spike.tolist() == [True, False]
    assert offset[0] == 0.0 and math.isnan(offset[1])


def test_lif_nan_input_raises_simulation_error():
    p = LIF()
    with pytest.raises(SimulationError, match="v"):
        lif_step(p, lif_init(p, 2), np.array([0.0, np.nan]), 0.1, step_index=7)


# -- Parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(("cls", "values", "field"), [
    (LIF, {"v_reset_mv": -50.0}, "v_reset_mv"),
    (LIF, {"v_reset_mv": -45.0}, "v_reset_mv"),
    (LIF, {"c_m_pf": 0.0}, "c_m_pf"),
    (LIF, {"t_ref_ms": -1.0}, "t_ref_ms"),
    (AdEx, {"v_t_mv": -40.0}, "v_t_mv"),
    (AdEx, {"v_reset_mv": -40.0}, "v_reset_mv"),
    (AdEx, {"delta_t_mv": 0.0}, "delta_t_mv"),
    (HodgkinHuxley, {"area_um2": -1.0}, "area_um2"),
    (HodgkinHuxley, {"g_na_ms_cm2": float("nan")}, "g_na_ms_cm2"),
    (HodgkinHuxley, {"no_such_field": 1.0}, "no_such_field"),
])
def test_bad_neuron_parameters_raise_parameter_error(cls, values, field):
    with pytest.raises(ParameterError) as err:
        cls.create(**values)
    assert err.value.field == field
    assert field in str(err.value)


def test_neuron_params_are_documented():
    for cls in (LIF, AdEx, HodgkinHuxley):
        for info in cls.describe():
            assert info.unit and info.source and info.doc and info.constraint, info.name


# -- Hodgkin-Huxley -------------------------------------------------------------------


def test_hh_rates_at_the_removable_singularities():
    am, *_ = hh_rates(-40.0)
    an = hh_rates(-55.0)[4]
    assert float(am) == 1.0 and float(an) == 0.1
    # Continuous through them: u / (1 - exp(-u)) = 1 + u/2 + u^2/12 + O(u^4) with
    # u = (V + 40) / 10 (resp. (V + 55) / 10); the O(u^4) term is < 1e-18 here.
    for eps in (1e-9, 1e-6, 1e-3):
        for sign in (-1, 1):
            u = sign * eps / 10
            limit = 1.0 + u / 2 + u * u / 12
            assert float(hh_rates(-40.0 + sign * eps)[0]) == pytest.approx(limit, rel=1e-12)
            assert float(hh_rates(-55.0 + sign * eps)[4]) == pytest.approx(0.1 * limit,
                                                                         rel=1e-12)


def test_hh_rates_match_the_formulas():
    v = np.array([-90.0, -65.0, -30.0, 0.0, 40.0])
    am, bm, ah, bh, an, bn = hh_rates(v)
    np.testing.assert_allclose(am, 0.1 * (v + 40) / (1 - np.exp(-(v + 40) / 10)), rtol=1e-13)
    np.testing.assert_allclose(bm, 4 * np.exp(-(v + 65) / 18), rtol=1e-15)
    np.testing.assert_allclose(ah, 0.07 * np.exp(-(v + 65) / 20), rtol=1e-15)
    np.testing.assert_allclose(bh, 1 / (1 + np.exp(-(v + 35) / 10)), rtol=1e-15)
    np.testing.assert_allclose(an, 0.01 * (v + 55) / (1 - np.exp(-(v + 55) / 10)),
                               rtol=1e-13)
    np.testing.assert_allclose(bn, 0.125 * np.exp(-(v + 65) / 80), rtol=1e-15)


def test_hh_fastest_time_constant():
    tau = hh_fastest_time_constant_ms(HodgkinHuxley())
    am, bm, *_ = hh_rates(-100.0)
    # The minimum is the sodium activation at the edge V = -100 mV of the range.
    assert tau == pytest.approx(1.0 / float(am + bm), rel=1e-12)
    assert 0.035 < tau < 0.036


def test_hh_resting_state_is_a_fixed_point():
    p = HodgkinHuxley()
    rest = hh_resting_potential_mv(p)
    assert rest == pytest.approx(-65.0, abs=0.01)  # E_L = -54.387 was chosen for this
    m, h, n = hh_steady_state(rest)
    assert abs(float(hh_ionic_current(p, rest, m, h, n))) < 1e-10  # uA/cm2
    state = hh_init(p, 1)
    for _ in range(2000):  # 20 ms
        state = hh_step(p, state, 0.0, 0.01)
    # Only the root-finding tolerance (1e-12 mV) and round-off move it.
    assert abs(float(state.v[0]) - rest) < 1e-9
    assert not state.spike.any()


def test_hh_spike_matches_an_adaptive_reference():
    """Exponential Euler at dt = 0.01 ms vs solve_ivp for a 1 ms, 1500 pA pulse."""
    p = HodgkinHuxley()
    dt, onset, width, amp = 0.01, 1.0, 1.0, 1500.0
    state = hh_init(p, 1)
    v0 = (float(state.v[0]), float(state.m[0]), float(state.h[0]), float(state.n[0]))
    vs = [v0[0]]
    for k in range(1500):
        on = round(onset / dt) <= k < round((onset + width) / dt)
        state = hh_step(p, state, amp if on else 0.0, dt)
        vs.append(float(state.v[0]))
    t = np.arange(len(vs)) * dt
    density = amp * p.pa_to_ua_cm2
    ref = solve_ivp(_hh_rhs(p, lambda s: density if onset <= s < onset + width else 0.0),
                    (0.0, t[-1]), v0, t_eval=t, rtol=1e-10, atol=1e-10, max_step=0.005)
    # First-order scheme: the peak is within 0.1 mV and its time within 0.05 ms.
    assert max(vs) == pytest.approx(ref.y[0].max(), abs=0.1)
    assert t[np.argmax(vs)] == pytest.approx(t[np.argmax(ref.y[0])], abs=0.05)
    assert max(vs) > 30.0


def test_hh_area_converts_pa_to_current_density():
    # 1 uA/cm2 = 100 pA at 10 000 um2: doubling the area halves the effect of a current.
    a = HodgkinHuxley()
    b = HodgkinHuxley(area_um2=20_000.0)
    sa = hh_step(a, hh_init(a, 1), 200.0, 0.01)
    sb = hh_step(b, hh_init(b, 1), 400.0, 0.01)
    assert float(sa.v[0]) == float(sb.v[0])
    assert a.pa_to_ua_cm2 == 0.01


# -- AdEx ------------------------------------------------------------------------------


def test_adex_spikes_and_adapts():
    """Brette & Gerstner 2005 defaults: under a 1 nA step the ISIs lengthen (b = 80.5
    pA per spike, tau_w = 144 ms) and settle."""
    p = AdEx()
    state = adex_init(p, 1)
    times, dt = [], 0.05
    for k in range(round(600.0 / dt)):
        state = adex_step(p, state, 1000.0, dt)
        if state.spike[0]:
            times.append(k * dt)
    isi = np.diff(times)
    assert isi.size >= 10
    assert isi[-1] > 2.0 * isi[0]
    assert np.all(np.diff(isi) > -0.5)  # non-decreasing up to one 0.5 ms wobble
    assert float(state.w[0]) > 0.0


def test_adex_subthreshold_current_does_not_fire():
    p = AdEx()
    state = adex_init(p, 1)
    for _ in range(5000):
        state = adex_step(p, state, 300.0, 0.1)
        assert not state.spike[0]


def test_adex_exponential_is_capped_against_overflow():
    p = AdEx()
    with np.errstate(over="raise"):
        state = adex_step(p, adex_init(p, 2, v0=np.array([1e4, -70.0])), 0.0, 0.1)
    assert state.spike.tolist() == [True, False]
    assert float(state.v[0]) == p.v_reset_mv
    assert float(state.w[0]) > p.b_pa  # w increment on top of the a (V - E_L) drive


# -- Array backends -------------------------------------------------------------------


def test_components_identical_on_array_api_strict():
    xp = get_namespace("array_api_strict")
    i = np.array([50.0, 150.0, 900.0])
    results = {}
    for name, ns in (("numpy", np), ("strict", xp)):
        lif, hh, ad = LIF(), HodgkinHuxley(), AdEx()
        s1 = lif_init(lif, 3, v0=asarray(np.array([-60.0, -52.0, -50.5]), ns), xp=ns)
        s2 = hh_init(hh, 3, xp=ns)
        s3 = adex_init(ad, 3, xp=ns)
        cur = asarray(i, ns)
        for _ in range(300):
            s1 = lif_step(lif, s1, cur, 0.1)
            s2 = hh_step(hh, s2, cur * 10.0, 0.01)
            s3 = adex_step(ad, s3, cur * 2.0, 0.1)
        results[name] = [to_numpy(x) for x in (*s1, *s2, *s3)]
    for a, b in zip(results["numpy"], results["strict"], strict=True):
        np.testing.assert_array_equal(a, b)
