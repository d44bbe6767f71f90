"""Analytic checks of the Siegert rate and Brunel's (2000) mean-field theory."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import integrate, special

from engramlab.core import ParameterError
from engramlab.network.meanfield import (
    BrunelModel,
    MeanFieldError,
    brunel_fixed_points,
    brunel_inputs,
    brunel_rate_hz,
    deterministic_lif_rate_hz,
    nu_thr_hz,
    siegert_rate_hz,
)

# Brunel 2000 model A neuron: tau 20 ms, theta 20 mV, V_r 10 mV, t_ref 2 ms.
LIF = {"tau_m_ms": 20.0, "theta_mv": 20.0, "v_reset_mv": 10.0, "t_ref_ms": 2.0}
# Brunel 2000, Fig. 8: panel -> (g, nu_ext / nu_thr).
PANELS = {"A": (3.0, 2.0), "B": (6.0, 4.0), "C": (5.0, 2.0), "D": (4.5, 0.9)}


def quad_rate_hz(mu: float, sigma: float) -> float:
    """Siegert's formula by adaptive quadrature of erfcx(-u) = e^{u^2}(1 + erf u)."""
    a, b = (LIF["v_reset_mv"] - mu) / sigma, (LIF["theta_mv"] - mu) / sigma
    value, _ = integrate.quad(
        lambda u: special.erfcx(-u), a, b, epsabs=0.0, epsrel=1e-13, limit=200
    )
    return 1000.0 / (LIF["t_ref_ms"] + LIF["tau_m_ms"] * math.sqrt(math.pi) * value)


# Bounds from -60 to +5: there the integrand is smooth and at most e^25, and QUADPACK
# is accurate to ~1e-13, so a 1e-9 tolerance leaves room only for real errors.
@pytest.mark.parametrize("mu", [-200.0, 0.0, 10.0, 15.0, 19.5, 20.0, 21.0, 30.0, 100.0])
@pytest.mark.parametrize("sigma", [2.0, 5.0, 20.0, 80.0])
def test_siegert_matches_direct_quadrature(mu, sigma):
    got = siegert_rate_hz(mu, sigma, **LIF)
    assert got == pytest.approx(quad_rate_hz(mu, sigma), rel=1e-9)


def test_siegert_matches_high_precision_reference_at_extreme_bounds():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 30

    def reference(mu: float, sigma: float) -> float:
        a = mpmath.mpf(LIF["v_reset_mv"] - mu) / sigma
        b = mpmath.mpf(LIF["theta_mv"] - mu) / sigma
        # Break points on a log scale for the 1/|u| tail, and near the top for e^{u^2}.
        marks = [-(mpmath.mpf(10) ** (k / 4)) for k in range(-8, 40)] + [0, 1, 2, 3, 5, 8, 13]
        points = sorted({a, b, *(x for x in marks if a < x < b)})
        value = mpmath.quad(lambda u: mpmath.exp(u * u) * mpmath.erfc(-u), points)
        return float(1000 / (LIF["t_ref_ms"] + LIF["tau_m_ms"] * mpmath.sqrt(mpmath.pi) * value))

    # Bounds from about -1e6 (tiny noise, strong drive) to +25 (rate ~1e-270 Hz).
    cases = [
        (25.0, 1e-5),
        (20.1, 0.05),
        (19.9, 0.3),
        (20.0, 1e-3),
        (1000.0, 1.0),
        (-30.0, 2.0),
        (15.0, 0.2),
        (0.0, 50.0),
    ]
    mu, sigma = np.array(cases).T
    got = siegert_rate_hz(mu, sigma, **LIF)
    want = np.array([reference(m, s) for m, s in cases])
    assert np.all(want > 0)
    # The composite Gauss-Legendre rule is exact to ~1e-13; 1e-10 is a loose margin.
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_deterministic_limit():
    mu = np.array([20.5, 25.0, 40.0, 200.0])
    exact = 1000.0 / (2.0 + 20.0 * np.log((mu - 10.0) / (mu - 20.0)))
    np.testing.assert_allclose(deterministic_lif_rate_hz(mu, **LIF), exact, rtol=1e-14)
    # sigma = 0 is the noiseless rate exactly, below threshold it is 0.
    np.testing.assert_allclose(siegert_rate_hz(mu, 0.0, **LIF), exact, rtol=1e-14)
    assert siegert_rate_hz(19.0, 0.0, **LIF) == 0.0
    # The Siegert rate tends to it with a relative error O((sigma / (mu - theta))^2).
    for sigma in (1e-2, 1e-3, 1e-4):
        got = siegert_rate_hz(mu, sigma, **LIF)
        bound = 2.0 * (sigma / (mu - 20.0)) ** 2
        assert np.all(np.abs(got / exact - 1.0) <= bound)
    # ... and is far below e^{-1000} Hz when the drive stays below threshold.
    assert siegert_rate_hz(19.0, 1e-3, **LIF) == 0.0


@pytest.mark.parametrize("y", [5.0, 8.0, 12.0, 20.0, 25.0])
def test_kramers_low_rate_asymptotics(y):
    # For y = (theta - mu) / sigma >> 1: nu ~ y e^{-y^2} / (tau sqrt(pi)) (Brunel 2000,
    # eq. 22), with relative correction -1/(2 y^2) - 1/(2 y^4) + O(y^-6) from the
    # asymptotic series of Dawson's function. The O(y^-4) slack tests the y^-2 term.
    sigma = 1.0
    got = siegert_rate_hz(20.0 - y * sigma, sigma, **LIF)
    kramers = 1000.0 * y * math.exp(-y * y) / (20.0 * math.sqrt(math.pi))
    assert abs(got / kramers - (1.0 - 0.5 / y**2)) <= 1.0 / y**4


def test_no_overflow_and_saturation():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        far_below = siegert_rate_hz(
            np.array([-10.0, 15.0, -1e6]), np.array([1.0, 1e-9, 10.0]), **LIF
        )
        strong = siegert_rate_hz(np.array([1e6, 1e12]), 1.0, **LIF)
        huge_noise = siegert_rate_hz(0.0, 1e12, **LIF)
    np.testing.assert_array_equal(far_below, 0.0)
    # Strong drive: the rate approaches, and never reaches, 1 / t_ref = 500 Hz.
    assert np.all(strong < 500.0)
    assert strong[1] == pytest.approx(500.0, rel=1e-9)
    assert strong[0] == pytest.approx(500.0, rel=1e-4)
    assert 0.0 < huge_noise < 500.0


def test_vectorised_and_monotone():
    # (theta - mu) / sigma <= 20 here, so no rate underflows to 0.
    mu = np.linspace(0.0, 40.0, 51)[:, None]
    sigma = np.array([1.0, 3.0, 8.0])[None, :]
    rates = siegert_rate_hz(mu, sigma, **LIF)
    assert rates.shape == (51, 3)
    one = siegert_rate_hz(mu[7, 0], sigma[0, 1], **LIF)
    assert one == pytest.approx(rates[7, 1], rel=1e-14)
    assert isinstance(siegert_rate_hz(15.0, 5.0, **LIF), float)
    # The rate increases with the mean input.
    assert np.all(np.diff(rates, axis=0) > 0)
    # Below threshold, noise raises the rate.
    below = rates[mu[:, 0] < 18.0]
    assert np.all(np.diff(below, axis=1) > 0)
    # Refractoriness and time constant broadcast too.
    per_tref = siegert_rate_hz(
        25.0, 3.0, tau_m_ms=20.0, theta_mv=20.0, v_reset_mv=10.0, t_ref_ms=np.array([0.0, 2.0, 5.0])
    )
    assert np.all(np.diff(per_tref) < 0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sigma_mv": -1.0}, "sigma_mv"),
        ({"mu_mv": float("nan")}, "mu_mv"),
        ({"tau_m_ms": 0.0}, "tau_m_ms"),
        ({"t_ref_ms": -1.0}, "t_ref_ms"),
        ({"v_reset_mv": 20.0}, "v_reset_mv"),
    ],
)
def test_bad_input_raises_parameter_error(kwargs, field):
    args = {"mu_mv": 15.0, "sigma_mv": 5.0, **LIF, **kwargs}
    with pytest.raises(ParameterError) as info:
        siegert_rate_hz(**args)
    assert info.value.field == field


def test_brunel_inputs_and_threshold_rate():
    assert nu_thr_hz() == pytest.approx(10.0, rel=1e-15)  # 20 / (0.1 * 1000 * 0.02 s)
    # nu_ext = nu_thr and a silent network: mu = theta, sigma^2 = J theta.
    mu, sigma = brunel_inputs(0.0, g=5.0, nu_ext_hz=10.0)
    assert mu == pytest.approx(20.0, rel=1e-14)
    assert sigma == pytest.approx(math.sqrt(0.1 * 20.0), rel=1e-14)
    # g gamma = 1: recurrent excitation and inhibition cancel in the mean, not in sigma.
    nu = np.array([0.0, 10.0, 100.0])
    mu, sigma = brunel_inputs(nu, g=4.0, nu_ext_hz=20.0)
    np.testing.assert_allclose(mu, 40.0, rtol=1e-14)
    np.testing.assert_allclose(sigma**2, 0.01 * 1000 * 0.02 * (20.0 + 5.0 * nu), rtol=1e-14)
    with pytest.raises(ParameterError):
        brunel_inputs(-1.0, g=5.0, nu_ext_hz=10.0)


def test_brunel_model_defaults_and_validation():
    m = BrunelModel()
    assert (m.c_exc, m.c_inh, m.gamma, m.nu_thr_hz) == (1000, 250, 0.25, pytest.approx(10.0))
    with pytest.raises(ParameterError, match="v_reset_mv"):
        BrunelModel.create(v_reset_mv=25.0)
    with pytest.raises(ParameterError, match="j_mv"):
        brunel_rate_hz(5.0, 2.0, j_mv=0.0)
    with pytest.raises(ParameterError, match="nu_ext_over_thr"):
        brunel_rate_hz(5.0, 0.0)


@pytest.mark.parametrize("panel", sorted(PANELS))
def test_self_consistent_rate_of_brunel_panels(panel):
    g, eta = PANELS[panel]
    rate = brunel_rate_hz(g, eta)
    mu, sigma = brunel_inputs(rate, g=g, nu_ext_hz=eta * 10.0)
    phi = siegert_rate_hz(mu, sigma, **LIF)
    print(
        f"Brunel 2000 panel {panel} (g={g}, nu_ext/nu_thr={eta}): nu0 = {rate:.4f} Hz, "
        f"mu = {mu:.3f} mV, sigma = {sigma:.3f} mV"
    )
    # brentq stops at 1e-12 relative in nu; phi' is O(1), so the residual is as small.
    assert abs(phi - rate) <= 1e-9 * rate
    assert 0.0 < rate < 500.0


def test_panel_rates_are_ordered_as_brunel_describes():
    # Brunel 2000, Fig. 8: A regular firing at high rates, B and C irregular, D "very
    # low rates"; C is at the same external drive as A with more inhibition.
    rates = {p: brunel_rate_hz(*PANELS[p]) for p in PANELS}
    assert rates["A"] > rates["B"] > rates["C"] > rates["D"] > 0.0


def test_several_fixed_points_for_weak_inhibition():
    # g < 4 and weak drive: a quiescent and a high-rate state, an unstable one between.
    points = brunel_fixed_points(3.0, 0.5)
    assert len(points) == 3
    assert [p.stable for p in points] == [True, False, True]
    model = BrunelModel()
    for p in points:

        def phi(nu: float) -> float:
            mu, sigma = brunel_inputs(nu, g=3.0, nu_ext_hz=5.0)
            return siegert_rate_hz(mu, sigma, **LIF)

        h = 1e-6 * max(p.rate_hz, 1e-3)
        slope = (phi(p.rate_hz + h) - phi(max(p.rate_hz - h, 0.0))) / (
            p.rate_hz + h - max(p.rate_hz - h, 0.0)
        )
        assert (slope < 1.0) == p.stable
        assert phi(p.rate_hz) == pytest.approx(p.rate_hz, rel=1e-9, abs=1e-300)
    with pytest.raises(MeanFieldError) as info:
        brunel_rate_hz(3.0, 0.5, model)
    assert len(info.value.fixed_points) == 3
    assert brunel_rate_hz(3.0, 0.5, branch="low") == points[0].rate_hz
    assert brunel_rate_hz(3.0, 0.5, branch="high") == points[2].rate_hz
    assert points[0].rate_hz < 1e-30 < 100.0 < points[2].rate_hz


# -- filtered (current-based) synapses: Fourcaud & Brunel 2002 -------------------------


def test_filtered_inputs_match_brunel_inputs_for_delta_like_synapses():
    """With tau_s -> 0 and w tau_s / tau_m = J, the filtered inputs are Brunel's eqs. 4-5
    (all inputs recurrent: nu_ext = 0)."""
    from engramlab.network.meanfield import SynapseClass, filtered_inputs

    tau_s = 1e-3
    classes = (SynapseClass(1000, 0.1 * 20.0 / tau_s, tau_s),
               SynapseClass(250, -0.5 * 20.0 / tau_s, tau_s))
    mu, sigma, ts = filtered_inputs(30.0, classes, tau_m_ms=20.0, e_l_mv=0.0)
    mu_b, sigma_b = brunel_inputs(30.0, g=5.0, nu_ext_hz=0.0)
    assert mu == pytest.approx(mu_b, rel=1e-12)
    assert sigma == pytest.approx(sigma_b, rel=1e-12)
    assert ts == pytest.approx(tau_s)


def test_filtered_siegert_rate_shifts_threshold_and_reset():
    from engramlab.network.meanfield import FB_ALPHA, filtered_siegert_rate_hz

    assert FB_ALPHA == pytest.approx(2.0652, abs=1e-4)  # sqrt(2) |zeta(1/2)|
    white = siegert_rate_hz(15.0, 5.0, **LIF)
    assert filtered_siegert_rate_hz(15.0, 5.0, tau_syn_ms=0.0, **LIF) == white
    shift = 5.0 * FB_ALPHA / 2 * math.sqrt(5.0 / 20.0)
    shifted = siegert_rate_hz(15.0, 5.0, tau_m_ms=20.0, theta_mv=20.0 + shift,
                              v_reset_mv=10.0 + shift, t_ref_ms=2.0)
    assert filtered_siegert_rate_hz(15.0, 5.0, tau_syn_ms=5.0, **LIF) == pytest.approx(
        shifted, rel=1e-12)
    assert shifted < white  # filtering lowers the rate of a noise-driven neuron


def test_filtered_network_rate_is_self_consistent():
    from engramlab.network.meanfield import (
        SynapseClass,
        filtered_inputs,
        filtered_network_rate_hz,
        filtered_siegert_rate_hz,
    )

    classes = (SynapseClass(64, 1.62, 5.0), SynapseClass(16, -9.0, 10.0))  # CUBA
    lif = {"tau_m_ms": 20.0, "theta_mv": -50.0, "v_reset_mv": -60.0, "t_ref_ms": 5.0}
    nu = filtered_network_rate_hz(classes, e_l_mv=-49.0, **lif)
    mu, sigma, tau_s = filtered_inputs(nu, classes, tau_m_ms=20.0, e_l_mv=-49.0)
    assert filtered_siegert_rate_hz(mu, sigma, tau_syn_ms=tau_s, **lif) == pytest.approx(
        nu, rel=1e-9)
    assert nu == pytest.approx(5.08, abs=0.01)
    with pytest.raises(ParameterError):
        filtered_inputs(-1.0, classes, tau_m_ms=20.0, e_l_mv=-49.0)
