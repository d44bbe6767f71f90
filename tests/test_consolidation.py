"""Tag-trigger-consolidation model (Clopath et al. 2008)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from engramlab.core import ParameterError, make_rng
from engramlab.interventions.drugs import PROTEIN_SYNTHESIS, anisomycin, availability
from engramlab.plasticity.consolidation import (
    Protocol,
    Stimulus,
    TagTriggerConsolidation,
    induction_events,
    induction_events_stepwise,
    simulate_tagging,
    slow_step,
    strong_lfs,
    strong_tetanus,
    weak_lfs,
    weak_tetanus,
)

H = 3600.0
MODEL = TagTriggerConsolidation()


def _sim(protocols, *, n_trials=4, seed=3, step_s=30.0, t_stop_s=3 * H, model=MODEL,
         t_start_s=-600.0, record_every=10):
    return simulate_tagging(model, protocols, t_start_s=t_start_s, t_stop_s=t_stop_s,
                            n_trials=n_trials, rng=make_rng(seed), step_s=step_s,
                            record_every=record_every)


# -- parameters and protocols -------------------------------------------------------------


def test_defaults_are_the_published_values():
    m = MODEL
    assert (m.tau_h_s, m.tau_l_s) == (3600.0, 5400.0)  # high decays in 1 h, low in 1.5 h
    assert (m.tau_p_synthesis_s, m.tau_p_decay_s, m.theta_p) == (360.0, 3600.0, 60.0)
    assert (m.tau_z_s, m.kappa, m.gamma) == (360.0, 0.5, 0.1)
    assert (m.w0, m.g_h, m.g_l, m.g_z) == (1.0, 1.0, 0.5, 2.0)
    # 30 of 100 synapses start consolidated: baseline mean weight 1 + 2 * 0.3.
    assert m.baseline_weight() == pytest.approx(1.6, abs=1e-15)


def test_protocol_pulse_times():
    w = weak_tetanus(0, 0.0).pulse_steps()
    assert w.size == 21 and np.all(np.diff(w) == 10)  # 100 Hz on the 1-ms grid
    s = strong_tetanus(1, 5.0).pulse_steps()
    assert s.size == 300 and s[0] == 5000 and s[100] == 5000 + 600_000
    assert weak_lfs(0, 0.0).pulse_steps().size == 900
    sl = strong_lfs(0, 0.0).pulse_steps()
    assert sl.size == 2700 and list(sl[:4]) == [0, 50, 100, 1000]


@pytest.mark.parametrize(("field", "kwargs"), [
    ("tau_h_s", {"tau_h_s": -1.0}),
    ("kappa", {"kappa": 1.5}),
    ("n_synapses", {"n_synapses": 0}),
    ("a_ltp", {"a_ltp": -1e-3}),
])
def test_model_validation_names_the_field(field, kwargs):
    with pytest.raises(ParameterError) as err:
        TagTriggerConsolidation.create(**kwargs)
    assert err.value.field == field


def test_stimulus_and_simulation_validation():
    with pytest.raises(ParameterError) as err:
        Stimulus(-1, 0.0)
    assert err.value.field == "pathway"
    with pytest.raises(ParameterError) as err:
        Stimulus(0, 0.0, 1, 5, 1000.0)
    assert err.value.field == "pulse_rate_hz"
    with pytest.raises(ParameterError) as err:
        Stimulus(0, 0.0, 3, 100, 100.0, 0.5)
    assert err.value.field == "burst_interval_s"
    with pytest.raises(ParameterError) as err:
        induction_events(MODEL, [weak_tetanus(2, 0.0)])  # only pathways 0 and 1
    assert err.value.field == "pathway"
    with pytest.raises(ParameterError) as err:
        _sim([Protocol("x", (weak_tetanus(0, 0.0),))], n_trials=0)
    assert err.value.field == "n_trials"
    with pytest.raises(ParameterError) as err:
        _sim([Protocol("x", (weak_tetanus(0, 4 * H),))])  # after the end
    assert err.value.field == "stimuli"
    with pytest.raises(ParameterError) as err:
        _sim([Protocol("x", (), lambda t: np.asarray(-1.0))])
    assert err.value.field == "synthesis_factor"


# -- induction ----------------------------------------------------------------------------


def test_induction_hand_computed_two_pulses():
    """Two pulses 2 ms apart on pathway 0, from rest. By hand (voltages relative to
    E_L; 1-ms Euler of the AdEx / filters as in the module docstring):
    pulse 1 (t = 0): spike, v = 20 - E_L = 90.6 mV; nothing filtered yet, so
      rho_L = A_LTD x [u_- - E_L]_+ = 0 and rho_H ~ x_bar = 0 -> both 0;
      then w = a v / tau_w, u_- = v / 1000, u_+ = v / 100, x_bar = 1 / 100.
    t = 1 ms: reset v = 0, w += b; v = -w / C; w += (a v - w) / tau_w;
      u_- += (v - u_-) / 1000; u_+ += (v - u_+) / 100; x_bar *= 0.99.
    pulse 2 (t = 2 ms): rho_L = A_LTD u_-, rho_H = A_LTP (20 - theta_+) x_bar u_+."""
    m = MODEL
    v1 = 20.0 - m.e_l_mv
    w1 = m.a_ns * v1 / m.tau_w_ms
    um1, up1, x1 = v1 / 1000.0, v1 / 100.0, 0.01
    w = w1 + m.b_pa
    v = -w / m.c_pf
    um2 = um1 + (v - um1) / 1000.0
    up2 = up1 + (v - up1) / 100.0
    x2 = 0.99 * x1
    rho_l = m.a_ltd * um2
    rho_h = m.a_ltp * (20.0 - m.theta_ltp_mv) * x2 * up2
    ev = induction_events(m, [Stimulus(0, 0.0, 1, 2, 500.0)])
    assert list(ev.step_ms) == [0, 2]
    assert ev.rho_h[0, 0] == 0.0 and ev.rho_l[0, 0] == 0.0
    # Same operations in the same order up to reassociation: rounding only (1e-12 rel).
    assert ev.rho_l[1, 0] == pytest.approx(rho_l, rel=1e-12)
    assert ev.rho_h[1, 0] == pytest.approx(rho_h, rel=1e-12)
    # The unstimulated pathway gets nothing.
    assert np.all(ev.rho_h[:, 1] == 0) and np.all(ev.rho_l[:, 1] == 0)


@pytest.mark.parametrize("stim", [
    weak_tetanus(0, 0.0),
    Stimulus(1, 0.0, 1, 30, 1.0),  # 30 pulses of the weak LFS
    Stimulus(0, 0.0, 6, 3, 20.0, 1.0),  # 6 bursts of the strong LFS
    Stimulus(0, 0.0, 2, 100, 100.0, 3.0),  # two tetanic trains, 3 s apart
])
def test_event_driven_induction_equals_the_1ms_loop(stim):
    """Exact propagation between pulses vs a plain 1-ms loop with the full AdEx. They
    differ only by the dropped exponential term, which shifts the voltage near rest by
    at most off = Delta_T exp((E_L - V_T) / Delta_T) = 8.2e-5 mV (its current over
    g_L; adaptation only reduces it). The rates are linear in the filtered voltages, so
    |d rho_L| <= A_LTD off and |d rho_H| <= A_LTP (20 mV - theta_+) off (x_bar <= 1)."""
    m = MODEL
    ev = induction_events(m, [stim])
    ref = induction_events_stepwise(m, [stim])
    assert np.array_equal(ev.step_ms, ref.step_ms)
    assert max(ref.rho_h.max(), ref.rho_l.max()) > 0
    off = m.delta_t_mv * math.exp((m.e_l_mv - m.v_t_mv) / m.delta_t_mv)
    assert off < 1e-4
    assert np.max(np.abs(ev.rho_l - ref.rho_l)) <= m.a_ltd * off
    assert np.max(np.abs(ev.rho_h - ref.rho_h)) <= (
        m.a_ltp * (m.v_spike_mv - m.theta_ltp_mv) * off)
    assert np.allclose(ev.weight_needed, ref.weight_needed, atol=1e-3)
    # Every pulse fires the neuron with room to spare at the baseline weight (160).
    assert np.all(ev.weight_needed < 40.0)


def test_strong_protocols_induce_more_than_weak_ones():
    def total(stim):
        ev = induction_events(MODEL, [stim])
        return ev.rho_h[:, 0].sum(), ev.rho_l[:, 0].sum()

    h_w, _ = total(weak_tetanus(0, 0.0))
    h_s, _ = total(strong_tetanus(0, 0.0))
    _, l_wl = total(weak_lfs(0, 0.0))
    _, l_sl = total(strong_lfs(0, 0.0))
    assert h_s > 10 * h_w > 0
    assert l_sl > 5 * l_wl > 0


# -- slow dynamics: analytic limits ----------------------------------------------------------


def test_protein_is_the_exact_exponential():
    """Synthesis on: p(t) = p_inf (1 - exp(-t / tau_eff)), 1/tau_eff = 1/360 + 1/3600,
    p_inf = (1/360) tau_eff = 10/11; off: p decays as exp(-t / 3600). Exact update:
    rounding only (1e-13)."""
    p = np.zeros(1)
    z = np.zeros((1, 1))
    drive = np.zeros((1, 1))
    rate = 1 / 360 + 1 / 3600
    for _ in range(50):
        p, z = slow_step(MODEL, p, z, drive, 1.0, 7.0)
    assert p[0] == pytest.approx((10 / 11) * (1 - math.exp(-rate * 350.0)), rel=1e-13)
    p0 = p[0]
    for _ in range(10):
        p, z = slow_step(MODEL, p, z, drive, 0.0, 60.0)
    assert p[0] == pytest.approx(p0 * math.exp(-600 / 3600), rel=1e-13)
    assert z[0, 0] == 0.0  # no tag: z stays on its fixed point


def test_late_phase_fixed_points_and_rk4_accuracy():
    z = np.array([[0.0, 0.5, 1.0, 0.6, 0.4]])
    drive = np.zeros_like(z)
    p = np.zeros(1)
    zz = z.copy()
    for _ in range(36):
        p, zz = slow_step(MODEL, p, zz, drive, 0.0, 10.0)
    assert list(zz[0, :3]) == [0.0, 0.5, 1.0]  # f(0) = f(kappa) = f(1) = 0 exactly

    def rhs(_t, y):
        return y * (1 - y) * (y - 0.5) / 360.0

    ref = solve_ivp(rhs, (0, 360.0), z[0, 3:], rtol=1e-12, atol=1e-14).y[:, -1]
    # RK4 with 10 s << 360 s: local error ~ (dt/tau)^5 -> global < 1e-8.
    assert np.allclose(zz[0, 3:], ref, atol=1e-8)


def test_capture_threshold_of_the_late_phase():
    """With a high tag and constant p, z leaves 0 and crosses kappa iff gamma p exceeds
    the largest restoring force max_{0<z<kappa} -z (1 - z)(z - kappa) (0.0481...)."""
    zg = np.linspace(0, 0.5, 200_001)
    f_max = float(np.max(-zg * (1 - zg) * (zg - 0.5)))
    assert f_max == pytest.approx(0.0481, abs=1e-4)
    # 20 % above / below: the bottleneck passage time near the threshold,
    # pi tau / sqrt(eps f''/2) with eps = 0.2 f_max and f'' = 1.73, is ~1e4 s; run 4e4 s.
    for gp, crosses in ((f_max * 1.2, True), (f_max * 0.8, False)):
        z = np.zeros((1, 1))
        drive = np.full((1, 1), gp)  # gamma (h - l) with p ~ 1
        for _ in range(4000):  # p re-set to 1 every 10 s step (decays < 0.2 % within)
            _, z = slow_step(MODEL, np.ones(1), z, drive, 0.0, 10.0)
        assert bool(z[0, 0] > 0.5) is crosses


# -- the stochastic simulation -----------------------------------------------------------------


def test_no_stimulus_keeps_the_baseline_exactly():
    r = _sim([Protocol("none", ())], n_trials=3)
    assert np.all(r.weight == pytest.approx(MODEL.baseline_weight(), abs=1e-15))
    assert np.all(r.protein == 0.0) and np.all(r.high == 0.0) and np.all(r.low == 0.0)


def test_unstimulated_pathway_is_untouched_even_with_protein():
    """Input specificity: protein reaches both pathways, but z moves only where there is
    a tag, so pathway 2 stays exactly at baseline during a strong tetanus of pathway 1."""
    r = _sim([Protocol("strong", (strong_tetanus(0, 0.0),))], n_trials=3)
    assert r.protein.max() > 0.8
    assert np.all(r.weight[..., 1] == pytest.approx(MODEL.baseline_weight(), abs=1e-15))
    assert np.all(r.high[..., 1] == 0.0)


def test_same_seed_same_numbers_and_independent_protocol_streams():
    a = _sim([Protocol("w", (weak_tetanus(0, 0.0),))], seed=11)
    b = _sim([Protocol("w", (weak_tetanus(0, 0.0),))], seed=11)
    c = _sim([Protocol("w", (weak_tetanus(0, 0.0),))], seed=12)
    assert np.array_equal(a.weight, b.weight)
    assert not np.array_equal(a.weight, c.weight)
    # Adding a second protocol leaves the first one's trials unchanged (own stream).
    d = _sim([Protocol("w", (weak_tetanus(0, 0.0),)),
              Protocol("l", (weak_lfs(1, 0.0),))], seed=11)
    assert np.array_equal(a.weight[0], d.weight[0])


def test_finer_step_gives_the_same_result():
    """Tags do not depend on the step (identical); p and z with step 10 s vs 2.5 s
    differ by the midpoint freezing of tag / trigger switches, a timing error ~ step
    against tau = 360 s. Typical weight difference: measured ~5e-6 (units of w0,
    baseline 1.6), median allowed 1e-4. A synapse whose z sits on the separatrix when
    its tag ends may fall either way: at most one such synapse per trial and pathway
    (g_Z / n = 0.02 of the pathway mean), plus 2e-3 smooth error, at any time."""
    prots = [Protocol("capture", (strong_tetanus(0, 0.0), weak_tetanus(1, 2100.0))),
             Protocol("slfs", (strong_lfs(0, 0.0),))]
    a = _sim(prots, step_s=10.0, record_every=60, t_stop_s=5 * H)
    b = _sim(prots, step_s=2.5, record_every=240, t_stop_s=5 * H)
    assert np.array_equal(a.t_s, b.t_s)
    assert np.array_equal(a.high, b.high) and np.array_equal(a.low, b.low)
    n = MODEL.n_synapses
    flips = np.abs(a.consolidated[:, :, -1] - b.consolidated[:, :, -1]) * n
    assert np.max(flips) <= 1.0 + 1e-9
    d = np.abs(a.weight - b.weight)
    assert np.median(d) <= 1e-4
    assert np.max(d) <= MODEL.g_z / n + 2e-3
    assert np.max(np.abs(a.protein - b.protein)) <= 1e-2


def test_transition_rule_matches_its_probabilities():
    """Per pulse a neutral synapse goes high with rho_H (1 - rho_L / 2) and low with
    rho_L (1 - rho_H / 2) (random order of the two updates, each with probability 1/2);
    over the weak tetanus the expected fractions follow by hand from the rates.
    400 x 100 synapses: binomial SE ~ 0.0025; allowed 4 SE (0.01). Tag decay within
    the 0.2 s train (< 1e-4) is negligible."""
    stim = weak_tetanus(0, 0.0)
    ev = induction_events(MODEL, [stim])
    neutral, high, low = 1.0, 0.0, 0.0
    for rh, rl in zip(ev.rho_h[:, 0], ev.rho_l[:, 0], strict=True):
        ph, pl = rh * (1 - rl / 2), rl * (1 - rh / 2)
        high, low, neutral = high + neutral * ph, low + neutral * pl, neutral * (1 - ph - pl)
    r = _sim([Protocol("w", (stim,))], n_trials=400, t_start_s=-1.0, t_stop_s=1.0,
             step_s=1.0, record_every=1)
    assert r.high[0, :, -1, 0].mean() == pytest.approx(high, abs=0.01)
    assert r.low[0, :, -1, 0].mean() == pytest.approx(low, abs=0.01)
    assert 0.2 < high < 0.5 and 0.05 < low < 0.2


def test_high_tags_decay_with_tau_h():
    """After the strong tetanus no tags are set: the fraction high falls by e^-1 per
    hour. Binomial SE of the ratio over 40 x 100 synapses ~ 0.03; allowed 3 SE (0.1)."""
    r = _sim([Protocol("s", (strong_tetanus(0, 0.0),))], n_trials=40, t_stop_s=3 * H,
             record_every=20)
    t = r.t_s
    h1 = r.high[0, :, np.argmin(np.abs(t - 1 * H)), 0].mean()
    h2 = r.high[0, :, np.argmin(np.abs(t - 2 * H)), 0].mean()
    assert h2 / h1 == pytest.approx(math.exp(-1.0), abs=0.1)


# -- drugs -----------------------------------------------------------------------------------


def test_anisomycin_blocks_protein_and_late_phase_but_not_tags():
    drug = availability([anisomycin(-1800.0, 7200.0)], PROTEIN_SYNTHESIS)
    base = _sim([Protocol("s", (strong_tetanus(0, 0.0),))], t_stop_s=5 * H)
    aniso = _sim([Protocol("s", (strong_tetanus(0, 0.0),), drug)], t_stop_s=5 * H)
    # Same seed: the tags (early phase) are identical, the drug does not touch them.
    assert np.array_equal(base.high, aniso.high) and np.array_equal(base.low, aniso.low)
    assert base.protein.max() > 0.8 and aniso.protein.max() == 0.0
    # Without protein nothing consolidates: the late fraction stays at 0.3.
    assert np.all(aniso.consolidated[..., 0] == pytest.approx(0.3, abs=1e-15))
    assert base.consolidated[0, :, -1, 0].mean() > 0.35


def test_anisomycin_without_protein_demand_changes_nothing():
    """A weak tetanus never triggers synthesis, and a drug long after a strong tetanus
    (trigger off) finds nothing to block: results identical with and without it."""
    late = availability([anisomycin(3 * H, 4 * H)], PROTEIN_SYNTHESIS)
    for stim, factor in ((weak_tetanus(0, 0.0), availability([anisomycin()],
                                                              PROTEIN_SYNTHESIS)),
                         (strong_tetanus(0, 0.0), late)):
        a = _sim([Protocol("a", (stim,))], t_stop_s=2 * H)
        b = _sim([Protocol("a", (stim,), factor)], t_stop_s=2 * H)
        assert np.array_equal(a.weight, b.weight)
