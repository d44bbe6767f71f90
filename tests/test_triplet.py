"""Triplet STDP, the nine Graupner-Brunel sets and overlapping calcium."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engramlab.core import ParameterError, make_rng
from engramlab.plasticity.calcium import (
    GB_PARAMETER_SETS,
    GB_SET_SOURCES,
    GraupnerBrunel,
    calcium_trace,
    pair_protocol_theory,
    pair_train_time_above_ms,
    simulate_pair_train,
    train_time_above_ms,
)
from engramlab.plasticity.stdp import PairSTDP, pair_protocol, stdp_window
from engramlab.plasticity.triplet import (
    TRIPLET_PARAMETER_SETS,
    TripletSTDP,
    pairing_protocol_simulated,
    pairing_protocol_theory,
    triplet_init,
    triplet_spike_trains,
    triplet_step,
)

# -- triplet STDP: the rule ----------------------------------------------------------------


def test_defaults_are_the_published_all_to_all_fit():
    p = TripletSTDP()
    assert (p.tau_plus_ms, p.tau_x_ms, p.tau_minus_ms, p.tau_y_ms) == (16.8, 101.0, 33.7,
                                                                       125.0)
    assert (p.a2_plus, p.a3_plus, p.a2_minus, p.a3_minus) == (5e-10, 6.2e-3, 7e-3, 2.3e-4)
    assert set(TRIPLET_PARAMETER_SETS) == {"all-to-all", "all-to-all minimal", "nearest",
                                           "nearest minimal"}
    assert TRIPLET_PARAMETER_SETS["nearest"].pairing == "nearest"


def test_hand_computed_all_to_all():
    p = TripletSTDP(a2_plus=0.01, a3_plus=0.02, a2_minus=0.03, a3_minus=0.04)
    # pre 0, post 10, post 25, pre 40.
    tp, tx, tm, ty = 16.8, 101.0, 33.7, 125.0
    w = 1.0
    w += math.exp(-10 / tp) * 0.01  # post 10: r1 from pre 0; o2 = 0
    w += math.exp(-25 / tp) * (0.01 + 0.02 * math.exp(-15 / ty))  # post 25: o2 from 10
    o1 = math.exp(-30 / tm) + math.exp(-15 / tm)
    w -= o1 * (0.03 + 0.04 * math.exp(-40 / tx))  # pre 40: r2 from pre 0
    st = triplet_spike_trains(p, np.asarray(1.0), [0.0, 40.0], [10.0, 25.0])
    assert float(st.w) == pytest.approx(w, rel=1e-14)  # same formula, rounding only
    # traces after the last spike (t = 40): r1, r2 jumped by 1 on top of the decay
    assert float(st.r1) == pytest.approx(1 + math.exp(-40 / tp), rel=1e-14)
    assert float(st.o2) == pytest.approx(math.exp(-15 / ty) + math.exp(-30 / ty), rel=1e-14)


def test_hand_computed_nearest():
    p = TripletSTDP(a2_plus=0.01, a3_plus=0.02, a2_minus=0.03, a3_minus=0.04,
                    pairing="nearest")
    # pre 0, pre 5, post 10, post 25, pre 40: traces are reset to 1, not incremented.
    tp, tx, tm, ty = 16.8, 101.0, 33.7, 125.0
    w = 1.0 + math.exp(-5 / tp) * 0.01
    w += math.exp(-20 / tp) * (0.01 + 0.02 * math.exp(-15 / ty))
    w -= math.exp(-15 / tm) * (0.03 + 0.04 * math.exp(-35 / tx))
    st = triplet_spike_trains(p, np.asarray(1.0), [0.0, 5.0, 40.0], [10.0, 25.0])
    assert float(st.w) == pytest.approx(w, rel=1e-14)


def test_simultaneous_spikes_do_not_interact():
    p = TripletSTDP()
    st = triplet_spike_trains(p, np.asarray([1.0]), [5.0], [5.0])
    assert float(st.w[0]) == 1.0


def test_pair_rule_is_the_special_case_a3_zero():
    pair = PairSTDP(a_plus=0.01, a_minus=0.006)  # additive, far from the bounds below
    trip = TripletSTDP(a2_plus=0.01, a3_plus=0.0, a2_minus=0.006, a3_minus=0.0)
    dts = np.linspace(-80, 80, 33)
    single = pairing_protocol_simulated(trip, dts, 1.0, n_pairs=1)
    np.testing.assert_allclose(single, stdp_window(pair, dts), rtol=0, atol=1e-15)
    # many pairs at 20 Hz, all-to-all: the pair rule's trains, w0 = 0.5 (no clipping)
    many = pairing_protocol_theory(trip, [-10.0, 10.0, 20.0], 20.0, n_pairs=8)
    ref = pair_protocol(pair, [-10.0, 10.0, 20.0], n_pairs=8, period_ms=50.0)
    np.testing.assert_allclose(many, ref, rtol=1e-12)  # closed form vs events: rounding


def test_clock_driven_step_matches_event_driven():
    p = TripletSTDP()
    rng = make_rng(5)
    pre = rng.random(800) < 0.04
    post = rng.random(800) < 0.04
    t = np.arange(1, 801) * 0.5
    for pairing in ("all-to-all", "nearest"):
        q = p.replace(pairing=pairing)
        st = triplet_init(q, np.asarray([1.0, 0.3]))
        for k in range(800):
            st = triplet_step(q, st, pre[k], post[k], 0.5)
        ev = triplet_spike_trains(q, np.asarray([1.0, 0.3]), t[pre], t[post])
        # Same updates; the step decays by exp(-h / tau) 800 times instead of once per
        # gap: relative rounding ~1e-16 per step.
        np.testing.assert_allclose(st.w, ev.w, rtol=1e-12)
        np.testing.assert_allclose(st.o2, ev.o2 * np.exp(-(t[-1] - max(t[pre][-1],
                                   t[post][-1])) / q.tau_y_ms), rtol=1e-12)


# -- triplet STDP: the pairing protocol ----------------------------------------------------


@pytest.mark.parametrize("name", sorted(TRIPLET_PARAMETER_SETS))
def test_closed_form_equals_event_driven(name):
    p = TRIPLET_PARAMETER_SETS[name]
    dts = [-15.0, -10.0, 0.0, 3.0, 10.0]
    for f in (0.1, 5.0, 20.0, 50.0):
        for per in (None, 5):
            th = pairing_protocol_theory(p, dts, f, n_pairs=30, pairs_per_burst=per)
            # trains 60 s apart: traces decay by exp(-60 s / 714 ms) ~ 1e-37
            ev = pairing_protocol_simulated(p, dts, f, n_pairs=30, pairs_per_burst=per,
                                            burst_interval_ms=60_000.0 + 5000.0 / f)
            # both exact: rounding of ~100 updates of <= 5e-2 each
            np.testing.assert_allclose(th, ev, rtol=1e-10, atol=1e-13)


def test_low_frequency_limit_is_the_pair_window():
    p = TripletSTDP()
    n = 60
    th = pairing_protocol_theory(p, [10.0, -10.0], 0.001, n_pairs=n)
    # 1000 s apart: only the pair terms of each pair survive (exp(-1e6 / 125) = 0)
    want = [n * p.a2_plus * math.exp(-10 / 16.8), -n * p.a2_minus * math.exp(-10 / 33.7)]
    np.testing.assert_allclose(th, want, rtol=1e-14)


def test_long_protocol_limit_per_pair():
    p = TripletSTDP()
    f, dt = 20.0, 10.0
    per_pair = (pairing_protocol_theory(p, dt, f, n_pairs=2000)
                - pairing_protocol_theory(p, dt, f, n_pairs=1000)) / 1000
    T = 50.0
    q = {k: math.exp(-T / tau) for k, tau in
         (("p", 16.8), ("m", 33.7), ("x", 101.0), ("y", 125.0))}
    want = (math.exp(-dt / 16.8) / (1 - q["p"])
            * (p.a2_plus + p.a3_plus * q["y"] / (1 - q["y"]))
            - math.exp(-(T - dt) / 33.7) / (1 - q["m"])
            * (p.a2_minus + p.a3_minus * q["x"] / (1 - q["x"])))
    # geometric remainders q^1000 = 0; difference of two O(10) numbers: ~1e-13
    assert float(per_pair) == pytest.approx(want, rel=1e-10)


def test_sjostrom_literal_protocol_numbers():
    """Evidence of the declared deviation of ``plasticity.frequency-stdp``: the triplet
    fit (Pfister & Gerstner 2006, all-to-all) under Sjöström et al.'s 15 trains of 5
    pairs loses its high-frequency LTP; under the fit's 60 continuous pairs it keeps it.

    Reproduces the numbers the deviation cites: dw/w at dt = +-10 ms, 40 Hz, and the
    chi-square of the 10 data points (Sjöström et al. 2001, as in the experiment).
    """
    from scipy.stats import chi2

    p = TripletSTDP()
    freqs = (0.1, 10.0, 20.0, 40.0, 50.0)
    mean = np.array([[-0.04, 0.14, 0.29, 0.53, 0.56], [-0.29, -0.41, -0.34, 0.56, 0.75]])
    sem = np.array([[0.05, 0.10, 0.14, 0.11, 0.26], [0.08, 0.11, 0.10, 0.32, 0.19]])
    dts = [10.0, -10.0]
    lit = np.stack([pairing_protocol_theory(p, dts, f, n_pairs=75, pairs_per_burst=5)
                    for f in freqs], axis=1)
    cont = np.stack([pairing_protocol_theory(p, dts, f, n_pairs=60) for f in freqs],
                    axis=1)
    # the event-driven rule gives the same (trains 10 s apart, 50 s at 0.1 Hz)
    ev = np.stack([pairing_protocol_simulated(p, dts, f, n_pairs=75, pairs_per_burst=5,
                                              burst_interval_ms=max(10_000.0,
                                                                    5000.0 / f + 10_000.0
                                                                    * (f < 1)))
                   for f in freqs], axis=1)
    np.testing.assert_allclose(ev, lit, rtol=0, atol=1e-12)  # both exact: rounding
    # 40 Hz: +0.023 / -0.319 (15 x 5) against +0.534 / +0.155 (60 pairs)
    np.testing.assert_allclose(lit[:, 3], [0.02299, -0.31941], atol=5e-6)
    np.testing.assert_allclose(cont[:, 3], [0.53372, 0.15479], atol=5e-6)
    x_lit = float((((lit - mean) / sem) ** 2).sum())
    x_cont = float((((cont - mean) / sem) ** 2).sum())
    assert x_lit == pytest.approx(63.54, abs=0.01)
    assert x_cont == pytest.approx(3.416, abs=0.001)
    assert chi2.sf(x_lit, 10) == pytest.approx(7.7e-10, rel=0.01)
    assert chi2.sf(x_cont, 10) == pytest.approx(0.970, abs=0.001)


def test_triplet_validation():
    with pytest.raises(ParameterError, match="tau_y_ms"):
        TripletSTDP.create(tau_y_ms=0.0)
    with pytest.raises(ParameterError, match="pairing"):
        TripletSTDP.create(pairing="quadruplet")
    with pytest.raises(ParameterError, match="a3_plus"):
        TripletSTDP.create(a3_plus=-1.0)
    with pytest.raises(ParameterError, match="dt_ms"):
        pairing_protocol_theory(TripletSTDP(), [25.0], 50.0)  # |dt| >= period 20 ms
    with pytest.raises(ParameterError, match="n_pairs"):
        pairing_protocol_theory(TripletSTDP(), [5.0], 1.0, n_pairs=0)
    with pytest.raises(ParameterError, match="pairs_per_burst"):
        pairing_protocol_theory(TripletSTDP(), [5.0], 1.0, n_pairs=75, pairs_per_burst=7)
    with pytest.raises(ParameterError, match="freq_hz"):
        pairing_protocol_theory(TripletSTDP(), [5.0], 0.0)
    with pytest.raises(ParameterError, match="dt"):
        triplet_step(TripletSTDP(), triplet_init(TripletSTDP(), np.ones(2)), True, False,
                     0.0)
    with pytest.raises(ParameterError, match="w0"):
        triplet_init(TripletSTDP(), np.asarray([np.nan]))


# -- Graupner-Brunel: parameter sets and overlapping calcium --------------------------------


def test_nine_published_sets():
    assert list(GB_PARAMETER_SETS) == ["DP", "DPD", "DPD'", "P", "D", "D'",
                                       "hippocampal slices", "hippocampal cultures",
                                       "cortical slices"]
    assert set(GB_SET_SOURCES) == set(GB_PARAMETER_SETS)
    assert GB_PARAMETER_SETS["DP"] == GraupnerBrunel()
    cs = GraupnerBrunel.preset("cortical slices")
    assert (cs.tau_ca_ms, cs.c_pre, cs.c_post, cs.delay_ms) == (22.6936, 0.5617539,
                                                                 1.23964, 4.6098)
    assert GraupnerBrunel.preset("hippocampal slices").beta == 0.7
    with pytest.raises(ParameterError, match="name"):
        GraupnerBrunel.preset("striatum")


def test_fig2_shapes_of_the_six_sets():
    """Each Fig. 2 set gives its named curve at 60 pairs, 1 Hz (signs at landmarks)."""
    dts = np.linspace(-100, 100, 2001)

    def change(name):
        return pair_protocol_theory(GB_PARAMETER_SETS[name], dts).change - 1

    tol = 1e-3  # "no change" read as |dw/w| < 0.1 %
    dp, p_, d_ = change("DP"), change("P"), change("D")
    assert dp.min() < -0.1 and dp.max() > 0.1
    assert p_.min() > -tol and p_.max() > 0.1  # potentiation only
    assert d_.max() < tol and d_.min() < -0.1  # depression only
    for name in ("DPD", "DPD'"):
        c = change(name)
        ltp = np.nonzero(c > 0.05)[0]
        # depression on both sides of the potentiation window
        assert (c[: ltp[0]].min() < -0.05) and (c[ltp[-1]:].min() < -0.05), name
    c = change("D'")
    assert c.min() < -0.1 and c.max() < 0.05


def test_train_time_above_matches_dense_trace():
    p = GraupnerBrunel.preset("cortical slices")
    t = np.arange(-50, 400, 0.001)
    for f, dt in ((50.0, 10.0), (50.0, -10.0), (20.0, -10.0), (40.0, 3.0)):
        onsets = np.arange(6) * 1000.0 / f
        c = calcium_trace(p, t, onsets, onsets + dt)
        for theta in (p.theta_d, p.theta_p):
            dense = (c > theta).sum() * 0.001
            exact = train_time_above_ms(p, onsets, onsets + dt, theta)
            # 1 us grid: <= 1 us per crossing, at most 2 per calcium event (12 events)
            assert exact == pytest.approx(dense, abs=0.03)
            per = pair_train_time_above_ms(p, dt, theta, freq_hz=f, n_pairs=6)
            assert float(per) * 6 == pytest.approx(exact, rel=1e-12)


def test_exact_train_tends_to_the_periodic_trace():
    p = GraupnerBrunel.preset("cortical slices")
    dts = np.array([-10.0, 0.0, 10.0])
    for f in (10.0, 30.0, 50.0):
        for theta in (p.theta_d, p.theta_p):
            n = 200
            t1 = n * pair_train_time_above_ms(p, dts, theta, freq_hz=f, n_pairs=n)
            t2 = 2 * n * pair_train_time_above_ms(p, dts, theta, freq_hz=f, n_pairs=2 * n)
            per = pair_train_time_above_ms(p, dts, theta, freq_hz=f, calcium="periodic")
            # n extra pairs in the stationary regime add n periods' worth: the build-up
            # (e^{-k T / tau_Ca}) is gone after 200 pairs; rounding of ~400 sums only.
            np.testing.assert_allclose((t2 - t1) / n, per, rtol=1e-9, atol=1e-9)


def test_one_hertz_results_are_unchanged():
    p = GraupnerBrunel()
    dts = np.linspace(-100, 100, 401)
    iso = pair_protocol_theory(p, dts, calcium="isolated")
    for mode in ("exact", "periodic"):
        new = pair_protocol_theory(p, dts, calcium=mode)
        # leftover calcium after 1 s: e^{-1000 / 20} ~ 2e-22, below rounding
        np.testing.assert_allclose(new.change, iso.change, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(new.alpha_p, iso.alpha_p, rtol=1e-12, atol=1e-15)


def test_overlap_matters_at_high_frequency():
    p = GraupnerBrunel.preset("cortical slices")
    iso = pair_protocol_theory(p, [-10.0], freq_hz=50.0, n_pairs=75, calcium="isolated")
    ex = pair_protocol_theory(p, [-10.0], freq_hz=50.0, n_pairs=75)
    assert ex.alpha_p[0] > 2 * iso.alpha_p[0]  # summation of transients
    assert ex.change[0] > 1.3 > 1 > iso.change[0]  # LTP at 50 Hz, LTD if isolated


@pytest.mark.parametrize("name", ["DP", "cortical slices"])
def test_stochastic_simulation_agrees_at_50_hz(name):
    """Pure OU (no cubic drift) with overlapping calcium at 50 Hz: binomial z-scores."""
    p = GB_PARAMETER_SETS[name]
    n = 1000
    dts = [10.0, -10.0]
    rho = simulate_pair_train(p, dts, np.r_[np.zeros(n), np.ones(n)], make_rng(0),
                              n_pairs=75, freq_hz=50.0, step_ms=0.05, bistable=False)
    th = pair_protocol_theory(p, dts, n_pairs=75, freq_hz=50.0)
    z = np.concatenate([
        ((rho[:, :n] > p.rho_star).mean(1) - th.p_up) / np.sqrt(th.p_up * (1 - th.p_up) / n),
        ((rho[:, n:] < p.rho_star).mean(1) - th.p_down)
        / np.sqrt(th.p_down * (1 - th.p_down) / n),
    ])
    # 4 values: each |z| < 4 (false alarm ~6e-5 each) and mean z^2 within 1 + 3 sd
    # (sd = sqrt(2 / 4)) for the OU approximation of rates that switch within a period.
    assert np.all(np.abs(z) < 4), z
    assert np.mean(z ** 2) <= 1 + 3 * math.sqrt(2 / 4), z
    # the mean of rho from DOWN within 4 standard errors + 1 % (Euler grid, as test_stdp)
    m0 = rho[:, :n].mean(1)
    assert np.all(np.abs(m0 - th.mean_from_down) <= 4 * np.sqrt(th.var / n)
                  + 0.01 * th.mean_from_down)


def test_simulation_is_deterministic_per_seed():
    p = GraupnerBrunel.preset("cortical slices")
    kw = {"n_pairs": 10, "freq_hz": 40.0, "step_ms": 0.2}
    a = simulate_pair_train(p, [10.0], np.zeros(50), make_rng(3), **kw)
    b = simulate_pair_train(p, [10.0], np.zeros(50), make_rng(3), **kw)
    c = simulate_pair_train(p, [10.0], np.zeros(50), make_rng(4), **kw)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_gb_train_validation():
    p = GraupnerBrunel()
    with pytest.raises(ParameterError, match="calcium"):
        pair_protocol_theory(p, [0.0], calcium="steady")
    with pytest.raises(ParameterError, match="pairs_per_burst"):
        pair_protocol_theory(p, [0.0], n_pairs=75, pairs_per_burst=4)
    with pytest.raises(ParameterError, match="burst_interval_ms"):
        simulate_pair_train(p, [0.0], [0.0], make_rng(0), n_pairs=10, freq_hz=1.0,
                            pairs_per_burst=5, burst_interval_ms=100.0)
    with pytest.raises(ParameterError, match="step_ms"):
        simulate_pair_train(p, [0.0], [0.0], make_rng(0), step_ms=0.0)
