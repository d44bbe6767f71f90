"""Synapse components: receptors, the Mg2+ block, Tsodyks-Markram, quantal release.

Analytic and oracle checks; tolerances are stated with their reason next to each test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from engramlab.core import ParameterError, get_namespace, make_rng, to_numpy
from engramlab.experiments.synapse.nmda_mg_block import block_formula
from engramlab.experiments.synapse.short_term_plasticity import epsc_trace
from engramlab.synapses import (
    AMPA,
    GABA_A,
    GABA_B,
    NMDA,
    DodgeRahamimoff,
    Receptor,
    TsodyksMarkram,
    binomial_moments,
    current_exp,
    delta,
    mg_block,
    peak_factor,
    quantal_release,
    receptor_current_pa,
    receptor_init,
    receptor_propagators,
    receptor_step,
    release_log_slope,
    release_probability,
    sample_moment_se,
    tm_depressing,
    tm_facilitating,
    tm_init,
    tm_limiting_frequency_hz,
    tm_peak_frequency_hz,
    tm_poisson_means,
    tm_release,
    tm_steady_state,
    tm_step,
    tm_train,
)

# -- Mg2+ block --------------------------------------------------------------------------


def test_mg_block_formula_values():
    """Jahr & Stevens 1990 at hand-computed points (exact arithmetic, rounding only)."""
    assert mg_block(0.0) == pytest.approx(3.57 / 4.57, rel=1e-15)
    v = np.array([-80.0, -40.0, 0.0, 40.0])
    expected = 1.0 / (1.0 + np.exp(-0.062 * v) / 3.57)
    np.testing.assert_allclose(mg_block(v), expected, rtol=1e-15, atol=0)
    np.testing.assert_allclose(mg_block(v, 2.0), 1.0 / (1.0 + 2.0 * np.exp(-0.062 * v) / 3.57),
                               rtol=1e-15)
    np.testing.assert_array_equal(mg_block(v, 0.0), 1.0)  # no Mg2+, no block
    # Independent form: dissociation constant K_d(V) = 3.57 exp(0.062 V).
    grid = np.linspace(-120, 80, 401)
    np.testing.assert_allclose(mg_block(grid), block_formula(grid, 1.0), rtol=0, atol=1e-9)
    assert np.all(np.diff(mg_block(grid)) > 0)  # relieved monotonically by depolarisation


def test_mg_block_bad_input_and_namespaces():
    with pytest.raises(ParameterError, match="mg_mm"):
        mg_block(-60.0, -1.0)
    with pytest.raises(ParameterError, match="mg_mm"):
        mg_block(-60.0, float("nan"))
    xp = get_namespace("array_api_strict")
    v = xp.asarray([-70.0, 0.0])
    np.testing.assert_allclose(to_numpy(mg_block(v)), mg_block(np.array([-70.0, 0.0])),
                               rtol=1e-15)


# -- receptors -----------------------------------------------------------------------------


def test_factories_defaults_and_overrides():
    assert (AMPA().tau_decay_ms, AMPA().e_rev_mv, AMPA().mg_block) == (5.0, 0.0, False)
    assert (GABA_A().tau_decay_ms, GABA_A().e_rev_mv) == (10.0, -80.0)
    n = NMDA()
    assert (n.tau_rise_ms, n.tau_decay_ms, n.e_rev_mv, n.mg_block, n.mg_mm) == (
        2.0, 100.0, 0.0, True, 1.0)
    b = GABA_B()
    assert b.tau_rise_ms > 0 and b.tau_decay_ms > b.tau_rise_ms and b.e_rev_mv < -90.0
    assert NMDA(mg_mm=2.0).mg_mm == 2.0
    assert current_exp(7.0).kind == "current" and current_exp(7.0).tau_decay_ms == 7.0
    assert delta().kind == "delta"


@pytest.mark.parametrize(("values", "field"), [
    ({"kind": "current", "mg_block": True}, "mg_block"),
    ({"kind": "delta", "mg_block": True}, "mg_block"),
    ({"tau_decay_ms": 0.0}, "tau_decay_ms"),
    ({"tau_rise_ms": -1.0}, "tau_rise_ms"),
    ({"kind": "chemical"}, "kind"),
    ({"mg_mm": -0.1}, "mg_mm"),
    ({"e_rev_mv": float("nan")}, "e_rev_mv"),
])
def test_receptor_validation_names_the_field(values, field):
    with pytest.raises(ParameterError) as err:
        Receptor.create(**values)
    assert err.value.field == field
    assert field in str(err.value)


def test_factories_validate_overrides():
    with pytest.raises(ParameterError, match="AMPA: parameter 'tau_decay_ms'"):
        AMPA(tau_decay_ms=-1.0)
    with pytest.raises(ParameterError, match="mg_block"):
        current_exp(5.0, mg_block=True)
    with pytest.raises(ParameterError, match="no_such"):
        NMDA(no_such=1)


def test_peak_factor_normalises_the_peak_to_the_weight():
    """Analytic waveform w kappa tau_d tau_r / (tau_d - tau_r) (e^-t/tau_d - e^-t/tau_r)."""
    for tau_r, tau_d in [(2.0, 100.0), (0.5, 5.0), (60.0, 200.0), (10.0, 3.0)]:
        kappa = peak_factor(tau_r, tau_d)
        t = np.linspace(0, 8 * max(tau_r, tau_d), 400_001)
        g = kappa * tau_d * tau_r / (tau_d - tau_r) * (np.exp(-t / tau_d) - np.exp(-t / tau_r))
        # The grid spacing leaves a relative error ~ (spacing / width)^2 < 1e-9.
        assert g.max() == pytest.approx(1.0, rel=1e-9)
    assert peak_factor(0.0, 5.0) == 1.0
    assert peak_factor(5.0, 5.0) == pytest.approx(math.e / 5.0, rel=1e-15)
    # Continuous through the alpha-function limit (no cancellation).
    assert peak_factor(5.0, 5.0 + 1e-9) == pytest.approx(math.e / 5.0, rel=1e-9)
    assert peak_factor(5.0 - 1e-12, 5.0) == pytest.approx(math.e / 5.0, rel=1e-11)
    for bad in [(-1.0, 5.0), (1.0, 0.0), (float("nan"), 5.0)]:
        with pytest.raises(ParameterError):
            peak_factor(*bad)


@pytest.mark.parametrize("receptor", [AMPA(), NMDA(), GABA_B(), NMDA(tau_rise_ms=100.0),
                                      current_exp(3.0, tau_rise_ms=1.0)],
                         ids=["AMPA", "NMDA", "GABA_B", "alpha", "current-biexp"])
def test_receptor_step_is_exact_for_any_dt(receptor):
    """Coarse steps equal fine steps and an independent solution of the ODE.

    Exact propagation: coarse and fine steps differ by rounding only (rtol 1e-11). The
    reference is the closed form for a single exponential and solve_ivp (rtol 1e-11)
    for the two-variable kinetics, which sets the 1e-8 bound.
    """
    w, dt, n = 2.5, 1.0, 60
    inputs = {0: w, 7: 0.5 * w}  # coarse step -> weight arriving at its end

    def run(ratio):
        s = receptor_init(receptor, 1)
        out = []
        for k in range(n * ratio):
            last_substep = (k + 1) % ratio == 0
            inp = inputs.get(k // ratio, 0.0) if last_substep else 0.0
            s = receptor_step(receptor, s, np.array([inp]), dt / ratio)
            if last_substep:
                out.append(float(s.g[0]))
        return np.array(out)

    coarse = run(1)
    np.testing.assert_allclose(coarse, run(50), rtol=1e-11, atol=1e-12)

    times = dt * np.arange(1, n + 1)
    arrivals = [(dt * (k + 1), wk) for k, wk in inputs.items()]
    tau_r, tau_d = receptor.tau_rise_ms, receptor.tau_decay_ms
    if tau_r == 0:
        ref = sum(wk * np.exp(-(times - ta) / tau_d) * (times >= ta) for ta, wk in arrivals)
    else:
        kappa = peak_factor(tau_r, tau_d)

        def rhs(_t, y):
            return [-y[0] / tau_d + y[1], -y[1] / tau_r]

        (t1, w1), (t2, w2) = arrivals
        first = integrate.solve_ivp(rhs, (t1, t2), [0.0, w1 * kappa], rtol=1e-11,
                                    atol=1e-13, dense_output=True)
        g2, h2 = first.y[:, -1]
        second = integrate.solve_ivp(rhs, (t2, times[-1]), [g2, h2 + w2 * kappa],
                                     rtol=1e-11, atol=1e-13, dense_output=True)
        ref = np.where(times <= t2, first.sol(np.clip(times, t1, t2))[0],
                       second.sol(np.maximum(times, t2))[0])
    np.testing.assert_allclose(coarse, ref, rtol=1e-8, atol=1e-10)


def test_single_exponential_and_delta_steps():
    r = AMPA()
    s = receptor_step(r, receptor_init(r, 3), np.array([1.0, 2.0, 0.0]), 0.1)
    np.testing.assert_array_equal(s.g, [1.0, 2.0, 0.0])
    s = receptor_step(r, s, np.zeros(3), 5.0)
    np.testing.assert_allclose(s.g, np.array([1.0, 2.0, 0.0]) * math.exp(-1.0), rtol=1e-15)
    d = delta()
    s = receptor_step(d, receptor_init(d, 2), np.array([0.5, 0.0]), 0.1)
    np.testing.assert_array_equal(s.g, [0.5, 0.0])
    s = receptor_step(d, s, np.zeros(2), 0.1)  # no memory
    np.testing.assert_array_equal(s.g, [0.0, 0.0])
    with pytest.raises(ParameterError, match="delta"):
        receptor_current_pa(d, s, np.zeros(2))
    with pytest.raises(ParameterError, match="dt_ms"):
        receptor_step(r, s, np.zeros(2), 0.0)
    p = receptor_propagators(NMDA(), 0.1)
    assert p.decay_g == pytest.approx(math.exp(-0.001)) and p.jump_h == peak_factor(2, 100)


def test_current_sign_convention():
    """Positive current depolarises: AMPA at rest > 0, GABA_A at rest < 0, zero at E."""
    v = np.array([-60.0, -80.0, 0.0])
    for rec, sign_at_rest in [(AMPA(), 1), (GABA_A(), -1)]:
        s = receptor_init(rec, 3)._replace(g=np.full(3, 2.0))
        i = receptor_current_pa(rec, s, v)
        assert np.sign(i[0]) == sign_at_rest
        assert i[2 if rec.e_rev_mv == 0 else 1] == 0.0
    n = NMDA()
    s = receptor_init(n, 1)._replace(g=np.array([1.0]))
    assert receptor_current_pa(n, s, np.array([-70.0]))[0] == pytest.approx(
        70.0 * mg_block(-70.0), rel=1e-15)
    c = current_exp(5.0)
    s = receptor_init(c, 1)._replace(g=np.array([-30.0]))
    assert receptor_current_pa(c, s, np.array([-70.0]))[0] == -30.0


def test_receptors_run_on_array_api_strict():
    xp = get_namespace("array_api_strict")
    r = NMDA()
    s_np = receptor_init(r, 2)
    s_x = receptor_init(r, 2, xp=xp)
    w = np.array([1.0, 0.0])
    for _ in range(5):
        s_np = receptor_step(r, s_np, w, 0.5)
        s_x = receptor_step(r, s_x, xp.asarray(w), 0.5)
    np.testing.assert_allclose(to_numpy(s_x.g), s_np.g, rtol=1e-15)
    v = xp.asarray([-70.0, -20.0])
    np.testing.assert_allclose(to_numpy(receptor_current_pa(r, s_x, v)),
                               receptor_current_pa(r, s_np, np.array([-70.0, -20.0])),
                               rtol=1e-15)


# -- Tsodyks-Markram ----------------------------------------------------------------------


def _tm_literal(u_se, tau_rec, tau_f, times):
    """The recursion of Markram, Wang & Tsodyks 1998 written out with math, one train."""
    u, x, out = 0.0, 1.0, []
    for k, t in enumerate(times):
        if k:
            gap = t - times[k - 1]
            x = 1.0 - (1.0 - x) * math.exp(-gap / tau_rec)
            u = 0.0 if tau_f == 0 else u * math.exp(-gap / tau_f)
        u = u + u_se * (1.0 - u)
        r = u * x
        x -= r
        out.append(r)
    return np.array(out)


def test_tm_release_matches_literal_recursion():
    times = np.cumsum(make_rng(4).exponential(40.0, size=60))
    for p in (tm_depressing(), tm_facilitating()):
        np.testing.assert_allclose(tm_release(p, times),
                                   _tm_literal(p.u_se, p.tau_rec_ms, p.tau_fac_ms, times),
                                   rtol=1e-14)
        assert tm_release(p, times)[0] == pytest.approx(p.u_se, rel=1e-15)  # from rest
    dep = tm_train(tm_depressing(), times)
    np.testing.assert_array_equal(dep.u, 0.5)  # no facilitation: u = U at every spike
    # Batched trains equal single ones.
    batch = np.stack([times, times * 2.0])
    r = tm_release(tm_facilitating(), batch)
    np.testing.assert_array_equal(r[1], tm_release(tm_facilitating(), times * 2.0))


def test_tm_steady_state_closed_form_vs_simulation():
    """A long regular train converges to the closed-form fixed point (to rounding)."""
    for p in (tm_depressing(), tm_facilitating()):
        rates = np.array([1.0, 2.5, 10.0, 40.0])
        times = np.arange(600)[None, :] * (1000.0 / rates[:, None])
        tr = tm_train(p, times)
        u_ss, x_ss, r_ss = tm_steady_state(p, rates)
        np.testing.assert_allclose(tr.r[:, -1], r_ss, rtol=1e-12)
        np.testing.assert_allclose(tr.u[:, -1], u_ss, rtol=1e-12)
        np.testing.assert_allclose(tr.x[:, -1], x_ss, rtol=1e-12)
        assert isinstance(tm_steady_state(p, 10.0)[2], float)
    dep = tm_depressing()
    # Depressing synapse, closed form by hand at 10 Hz: U (1 - e) / (1 - (1 - U) e).
    e = math.exp(-100.0 / 800.0)
    assert tm_steady_state(dep, 10.0)[2] == pytest.approx(0.5 * (1 - e) / (1 - 0.5 * e),
                                                          rel=1e-15)
    assert tm_limiting_frequency_hz(dep) == pytest.approx(2.5, rel=1e-15)
    assert tm_peak_frequency_hz(tm_facilitating()) == pytest.approx(
        1000 / math.sqrt(0.03 * 530 * 130), rel=1e-15)
    with pytest.raises(ParameterError):
        tm_peak_frequency_hz(dep)
    with pytest.raises(ParameterError):
        tm_steady_state(dep, 0.0)


def test_tm_clock_driven_equals_event_driven():
    """tm_step on a grid reproduces tm_train; rounding of per-step exponentials only."""
    for p in (tm_depressing(), tm_facilitating()):
        current, amps, dt = epsc_trace(p, 25.0, 12, 80)
        grid = np.arange(1, 13) * 80 * dt
        np.testing.assert_allclose(amps, tm_release(p, grid), rtol=1e-11)
        assert current[0] == 0.0 and np.all(current >= 0)
    # Batched, with two synapses spiking at different steps.
    p = tm_facilitating()
    s = tm_init(p, 2)
    released = [[], []]
    for k in range(1, 301):
        spikes = np.array([k % 30 == 0, k % 45 == 0])
        s = tm_step(p, s, spikes, 0.5)
        for j in range(2):
            if spikes[j]:
                released[j].append(float(s.r[j]))
    np.testing.assert_allclose(released[0], tm_release(p, np.arange(1, 11) * 15.0), rtol=1e-11)
    np.testing.assert_allclose(released[1], tm_release(p, np.arange(1, 7) * 22.5), rtol=1e-11)
    with pytest.raises(ParameterError):
        tm_step(p, s, np.array([True, False]), -1.0)


def test_tm_poisson_means_monte_carlo():
    """Stationary means on Poisson trains; |z| < 4 with a fixed seed (false alarm ~6e-5)."""
    rng = make_rng(11)
    rate = 10.0
    gaps = rng.exponential(1000.0 / rate, size=(400, 250))
    times = np.cumsum(gaps, axis=1)
    for p in (tm_depressing(), tm_facilitating()):
        tr = tm_train(p, times)
        mean_u, mean_x = tm_poisson_means(p, rate)
        if p.tau_fac_ms == 0:
            assert mean_u == p.u_se
            assert mean_x == pytest.approx(1.0 / (1.0 + 0.5 * 0.01 * 800.0), rel=1e-15)
            per_train, theory = tr.x[:, 100:].mean(axis=1), mean_x
        else:
            assert math.isnan(mean_x)
            per_train, theory = tr.u[:, 100:].mean(axis=1), mean_u
        z = (per_train.mean() - theory) / (per_train.std(ddof=1) / 20.0)  # 400 trains
        assert abs(z) < 4.0


def test_tm_params_validation():
    with pytest.raises(ParameterError, match="u_se"):
        TsodyksMarkram.create(u_se=0.0)
    with pytest.raises(ParameterError, match="u_se"):
        tm_depressing(u_se=1.5)
    with pytest.raises(ParameterError, match="tau_fac_ms"):
        tm_facilitating(tau_fac_ms=-1.0)
    with pytest.raises(ParameterError, match="spike_times_ms"):
        tm_release(tm_depressing(), [10.0, 5.0])


# -- release ----------------------------------------------------------------------------


def test_dodge_rahamimoff_fourth_power_at_low_calcium():
    model = DodgeRahamimoff()
    c = 1e-4
    assert release_probability(model, 2 * c) / release_probability(model, c) == pytest.approx(
        16.0, rel=1e-3)  # slope 4 (1 - O(c / K))
    ca = np.geomspace(0.05, 10.0, 30)
    h = 1e-6
    numeric = (np.log(release_probability(model, ca * (1 + h)))
               - np.log(release_probability(model, ca * (1 - h)))) / (2 * h)
    np.testing.assert_allclose(release_log_slope(model, ca), numeric, rtol=1e-8)
    assert np.all(np.diff(release_log_slope(model, ca)) < 0)  # slope falls with [Ca]
    # Mg2+ lowers release but not the low-[Ca] slope (D&R 1967).
    assert release_probability(model, 0.2, 3.0) < release_probability(model, 0.2, 1.0)
    assert release_log_slope(model, 1e-6, 3.0) == pytest.approx(4.0, rel=1e-5)
    with pytest.raises(ParameterError, match="ca_mm"):
        release_probability(model, -1.0)


def test_binomial_moments_and_their_standard_errors():
    """Sample moments of quantal_release match N p q, N p (1 - p) q^2 and their s.e."""
    n, p, q = 20, 0.3, 0.4
    mean, var = binomial_moments(n, p, q)
    assert (mean, var) == pytest.approx((2.4, 20 * 0.3 * 0.7 * 0.16), rel=1e-15)
    rng = make_rng(5)
    trials, repeats = 200, 4000
    k = quantal_release(n, p, rng, size=(repeats, trials)) * q
    se_mean, se_var = sample_moment_se(n, p, trials, q)
    # The s.e. formulas against the spread over 4000 repeats: the relative error of a
    # standard deviation from 4000 samples is ~1/sqrt(8000) ~ 1.1 %; allow 5 %.
    assert k.mean(axis=1).std(ddof=1) == pytest.approx(se_mean, rel=0.05)
    assert k.var(axis=1, ddof=1).std(ddof=1) == pytest.approx(se_var, rel=0.05)
    z = (k.mean() - mean) / (se_mean / math.sqrt(repeats))
    assert abs(z) < 4.0
    # Same seed, same draws; the generator is the only source of randomness.
    a = quantal_release(n, p, make_rng(9), size=10)
    b = quantal_release(n, p, make_rng(9), size=10)
    np.testing.assert_array_equal(a, b)
    for bad in [dict(n_sites=0, p_release=0.5), dict(n_sites=5, p_release=1.5)]:
        with pytest.raises(ParameterError):
            quantal_release(rng=make_rng(0), size=3, **bad)
    with pytest.raises(ParameterError, match="rng"):
        quantal_release(5, 0.5, np.random.default_rng(0).bit_generator, size=3)
