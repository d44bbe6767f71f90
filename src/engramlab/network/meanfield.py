r"""Mean-field theory of sparse excitatory-inhibitory LIF networks (Brunel 2000).

Brunel N (2000) Dynamics of sparsely connected networks of excitatory and inhibitory
spiking neurons. *J Comput Neurosci* 8:183-208, doi:10.1023/A:1008925309027.

A leaky integrate-and-fire neuron (membrane time constant :math:`\tau`, threshold
:math:`\theta`, reset :math:`V_r`, refractory period :math:`\tau_{rp}`) that receives
many small, independent PSPs sees, in the diffusion approximation, the Langevin
equation

.. math::

    \tau \dot V = -V + \mu + \sigma \sqrt{\tau}\, \xi(t),

with Gaussian white noise :math:`\xi`. (With this convention, Brunel's, the free
membrane potential has standard deviation :math:`\sigma / \sqrt 2`.) Its stationary rate
is the first-passage result of Siegert (1951), in the form of Amit & Brunel (1997,
Cereb Cortex 7:237) and Brunel (2000, eq. 21):

.. math::

    \frac{1}{\nu} = \tau_{rp} + \tau \sqrt{\pi}
        \int_{(V_r - \mu)/\sigma}^{(\theta - \mu)/\sigma} e^{u^2} (1 + \operatorname{erf} u)\, du .

In Brunel's model A every neuron receives :math:`C_E = \epsilon N_E` excitatory synapses
of efficacy :math:`J`, :math:`C_I = \gamma C_E` inhibitory ones of efficacy :math:`-gJ`
from the network (rate :math:`\nu`), and :math:`C_E` excitatory synapses of efficacy
:math:`J` from outside (Poisson, rate :math:`\nu_{ext}`), so that (eqs. 4-5)

.. math::

    \mu = C_E J \tau \left(\nu_{ext} + \nu (1 - g\gamma)\right), \qquad
    \sigma^2 = J^2 C_E \tau \left(\nu_{ext} + \nu (1 + g^2\gamma)\right),

and the asynchronous state has the self-consistent rate :math:`\nu_0 = \phi(\mu(\nu_0),
\sigma(\nu_0))`, :math:`\phi` the Siegert rate. The external rate is quoted in units of
:math:`\nu_{thr} = \theta / (J C_E \tau)`, the rate that brings the mean input to
threshold without feedback.

What is here: the Siegert rate (:func:`siegert_rate_hz`, stable for any bounds), the
noiseless LIF rate (:func:`deterministic_lif_rate_hz`), the inputs (:func:`brunel_inputs`,
:func:`nu_thr_hz`), the self-consistent rates (:func:`brunel_fixed_points`,
:func:`brunel_rate_hz`) and the model constants (:class:`BrunelModel`); for
current-based synapses with a time constant (the CUBA network), the inputs
(:func:`filtered_inputs`), the Siegert rate corrected for synaptic filtering (Fourcaud &
Brunel 2002, :func:`filtered_siegert_rate_hz`) and the self-consistent rate
(:func:`filtered_network_rate_hz`). What is not: the
linear stability analysis of the asynchronous state (Brunel 2000, section 4) that
separates Brunel's regimes; the stationary rate is computed whatever its stability
against oscillations.

Units: times in ms, potentials in mV, rates in Hz.

Example
-------
>>> round(brunel_rate_hz(5.0, 2.0), 2)  # Brunel 2000, Fig. 8C (g = 5, nu_ext = 2 nu_thr)
37.95
"""

from __future__ import annotations

import math
from typing import Any, Literal, NamedTuple

import numpy as np
from pydantic import ValidationError, model_validator
from pydantic_core import InitErrorDetails
from scipy import optimize, special

from engramlab.core import EngramlabError, ParameterError, Params, param

__all__ = [
    "FB_ALPHA",
    "BrunelModel",
    "FixedPoint",
    "MeanFieldError",
    "SynapseClass",
    "brunel_fixed_points",
    "brunel_inputs",
    "brunel_rate_hz",
    "deterministic_lif_rate_hz",
    "filtered_inputs",
    "filtered_network_rate_hz",
    "filtered_siegert_rate_hz",
    "nu_thr_hz",
    "siegert_rate_hz",
]

_SQRT_PI = math.sqrt(math.pi)
# Composite Gauss-Legendre rule for int erfcx(v) dv after v = sinh(t).
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(20)
_PANELS = 12
# Above this y_theta the Siegert rate underflows (< 1e-690 Hz).
_Y_SILENT = 40.0


class MeanFieldError(EngramlabError, ValueError):
    """The self-consistency equation has no usable solution (none, or no unique one).

    Attributes
    ----------
    fixed_points
        Every self-consistent rate found, as :class:`FixedPoint` s.
    """

    def __init__(self, message: str, fixed_points: tuple[FixedPoint, ...] = ()) -> None:
        super().__init__(message)
        self.fixed_points = fixed_points


# -- the Siegert rate ---------------------------------------------------------------------


def _erfcx_integral(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    r""":math:`\int_{lo}^{hi} \operatorname{erfcx}(v)\, dv` for :math:`0 \le lo \le hi`.

    The substitution :math:`v = \sinh t` turns the :math:`1/(\sqrt\pi v)` tail of
    erfcx into a nearly constant integrand, so a fixed composite Gauss-Legendre rule
    (12 panels of 20 nodes) is accurate to ~1e-13 relative from 0 to very large bounds
    (checked against 30-digit mpmath quadrature up to 5e5, and the noiseless limit
    to 1e200).
    """
    t0, t1 = np.arcsinh(lo), np.arcsinh(hi)
    width = (t1 - t0) / _PANELS
    starts = t0[..., None] + width[..., None] * np.arange(_PANELS)
    t = starts[..., None] + 0.5 * width[..., None, None] * (_GL_NODES + 1.0)
    with np.errstate(over="ignore", invalid="ignore"):
        f = special.erfcx(np.sinh(t)) * np.cosh(t)
    # For t > 700 cosh overflows; there erfcx(sinh t) cosh t = 1/sqrt(pi) to 1e-600.
    f = np.where(t > 700.0, 1.0 / _SQRT_PI, f)
    return 0.5 * width * np.sum(f * _GL_WEIGHTS, axis=(-2, -1))


def _log_siegert_integral(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    r""":math:`\log \int_a^b e^{u^2}(1 + \operatorname{erf} u)\, du` for :math:`a < b`.

    The integrand is :math:`\operatorname{erfcx}(-u)`. Below zero it is bounded and is
    integrated numerically (:func:`_erfcx_integral`). Above zero it is written
    :math:`2e^{u^2} - \operatorname{erfcx}(u)`, whose first part integrates in closed form
    with Dawson's function :math:`F` (:math:`\int_0^x e^{u^2} du = e^{x^2} F(x)`); the
    result is carried as :math:`e^{b^2}` times a number of order one, so nothing overflows
    however large :math:`b` is.
    """
    neg_hi = np.maximum(-a, 0.0)
    neg_lo = np.minimum(np.maximum(-b, 0.0), neg_hi)
    k_neg = _erfcx_integral(neg_lo, neg_hi)  # int over [a, min(b, 0)]

    bp = np.maximum(b, 0.0)
    ap = np.minimum(np.maximum(a, 0.0), bp)
    c = bp * bp
    # Positive part [ap, bp], divided by e^{c}.
    k_pos = _erfcx_integral(ap, bp)
    decay = np.exp(ap * ap - c)  # <= 1
    r_dawson = 2.0 * (special.dawsn(bp) - decay * special.dawsn(ap)) - np.exp(-c) * k_pos
    # A short interval near a large b: the Dawson difference would cancel; integrate
    # e^{u^2 - c} erfc(-u) directly (its exponent varies by less than 1 there).
    u = ap[..., None] + 0.5 * (bp - ap)[..., None] * (_GL_NODES + 1.0)
    direct = (
        0.5
        * (bp - ap)
        * np.sum(np.exp(u * u - c[..., None]) * special.erfc(-u) * _GL_WEIGHTS, axis=-1)
    )
    r_pos = np.where(2.0 * bp * (bp - ap) <= 1.0, direct, r_dawson)
    with np.errstate(divide="ignore"):
        return c + np.log(k_neg * np.exp(-c) + r_pos)


def _as_float_array(name: str, value: object) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(name, "must be a real number or an array of them", value) from None
    if not np.all(np.isfinite(arr)):
        raise ParameterError(name, "must be finite", value)
    return arr


def _check_lif(
    tau_m_ms: np.ndarray, theta_mv: np.ndarray, v_reset_mv: np.ndarray, t_ref_ms: np.ndarray
) -> None:
    if np.any(tau_m_ms <= 0):
        raise ParameterError("tau_m_ms", "must be > 0", tau_m_ms.tolist())
    if np.any(t_ref_ms < 0):
        raise ParameterError("t_ref_ms", "must be >= 0", t_ref_ms.tolist())
    if np.any(v_reset_mv >= theta_mv):
        raise ParameterError("v_reset_mv", "must be < theta_mv", v_reset_mv.tolist())


def _result(x: np.ndarray) -> float | np.ndarray:
    return float(x) if x.ndim == 0 else x


def deterministic_lif_rate_hz(
    mu_mv: float | np.ndarray,
    *,
    tau_m_ms: float | np.ndarray,
    theta_mv: float | np.ndarray,
    v_reset_mv: float | np.ndarray,
    t_ref_ms: float | np.ndarray,
) -> float | np.ndarray:
    r"""Rate of a noiseless LIF neuron with constant drive :math:`\mu` (mV).

    .. math::

        \nu = \left[\tau_{rp} + \tau \ln\frac{\mu - V_r}{\mu - \theta}\right]^{-1}
        \quad (\mu > \theta), \qquad \nu = 0 \quad (\mu \le \theta).

    This is the :math:`\sigma \to 0` limit of :func:`siegert_rate_hz`.

    Parameters
    ----------
    mu_mv
        Mean input :math:`\mu` (mV), the asymptotic membrane potential.
    tau_m_ms, theta_mv, v_reset_mv, t_ref_ms
        Membrane time constant (ms), threshold and reset (mV), refractory period (ms).

    Returns
    -------
    float or numpy.ndarray
        Rate in Hz.
    """
    mu = _as_float_array("mu_mv", mu_mv)
    tau, theta, v_r, t_ref = (
        _as_float_array(n, v)
        for n, v in (
            ("tau_m_ms", tau_m_ms),
            ("theta_mv", theta_mv),
            ("v_reset_mv", v_reset_mv),
            ("t_ref_ms", t_ref_ms),
        )
    )
    _check_lif(tau, theta, v_r, t_ref)
    mu, tau, theta, v_r, t_ref = np.broadcast_arrays(mu, tau, theta, v_r, t_ref)
    above = mu > theta
    safe = np.where(above, mu, theta + 1.0)
    period = t_ref + tau * np.log((safe - v_r) / (safe - theta))
    return _result(np.where(above, 1000.0 / period, 0.0))


def siegert_rate_hz(
    mu_mv: float | np.ndarray,
    sigma_mv: float | np.ndarray,
    *,
    tau_m_ms: float | np.ndarray,
    theta_mv: float | np.ndarray,
    v_reset_mv: float | np.ndarray,
    t_ref_ms: float | np.ndarray,
) -> float | np.ndarray:
    r"""Stationary rate of a LIF neuron driven by white noise (Siegert 1951).

    .. math::

        \frac{1}{\nu} = \tau_{rp} + \tau \sqrt{\pi}
            \int_{y_r}^{y_\theta} e^{u^2} (1 + \operatorname{erf} u)\, du,
        \qquad y_r = \frac{V_r - \mu}{\sigma},\; y_\theta = \frac{\theta - \mu}{\sigma}

    (Amit & Brunel 1997, Cereb Cortex 7:237; Brunel 2000, J Comput Neurosci 8:183,
    eq. 21), for :math:`\tau \dot V = -V + \mu + \sigma\sqrt\tau\,\xi(t)`, threshold
    :math:`\theta`, reset :math:`V_r` and refractory period :math:`\tau_{rp}`.

    The integrand is :math:`\operatorname{erfcx}(-u)`; the integral is evaluated in
    pieces that neither overflow nor cancel (see :func:`_log_siegert_integral`), so the
    result is accurate (~1e-12 relative) for bounds of any size: it tends to the
    noiseless rate (:func:`deterministic_lif_rate_hz`) as :math:`\sigma \to 0`, follows
    the Kramers (Arrhenius) law :math:`\nu \approx y_\theta e^{-y_\theta^2}/(\tau\sqrt\pi)`
    at low rates, and returns 0 only where the rate is below the smallest double
    (:math:`y_\theta \gtrsim 27`). ``sigma_mv = 0`` gives the noiseless rate exactly.

    Parameters
    ----------
    mu_mv
        Mean input :math:`\mu` (mV).
    sigma_mv
        Input noise :math:`\sigma` (mV), >= 0, in Brunel's convention above (the free
        membrane potential fluctuates with standard deviation :math:`\sigma/\sqrt2`).
    tau_m_ms
        Membrane time constant :math:`\tau` (ms), > 0.
    theta_mv
        Firing threshold :math:`\theta` (mV).
    v_reset_mv
        Reset potential :math:`V_r` (mV), < ``theta_mv``.
    t_ref_ms
        Absolute refractory period :math:`\tau_{rp}` (ms), >= 0.

    All arguments broadcast against each other.

    Returns
    -------
    float or numpy.ndarray
        The rate in Hz (a float when every argument is a scalar).

    Raises
    ------
    ParameterError
        For a non-finite argument, :math:`\sigma < 0`, :math:`\tau \le 0`,
        :math:`\tau_{rp} < 0` or :math:`V_r \ge \theta`.

    Examples
    --------
    >>> round(siegert_rate_hz(15.0, 5.0, tau_m_ms=20.0, theta_mv=20.0, v_reset_mv=10.0,
    ...                       t_ref_ms=2.0), 3)
    9.461
    """
    mu = _as_float_array("mu_mv", mu_mv)
    sigma = _as_float_array("sigma_mv", sigma_mv)
    if np.any(sigma < 0):
        raise ParameterError("sigma_mv", "must be >= 0", sigma.tolist())
    tau, theta, v_r, t_ref = (
        _as_float_array(n, v)
        for n, v in (
            ("tau_m_ms", tau_m_ms),
            ("theta_mv", theta_mv),
            ("v_reset_mv", v_reset_mv),
            ("t_ref_ms", t_ref_ms),
        )
    )
    _check_lif(tau, theta, v_r, t_ref)
    mu, sigma, tau, theta, v_r, t_ref = np.broadcast_arrays(mu, sigma, tau, theta, v_r, t_ref)

    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        y_theta = (theta - mu) / sigma
        y_r = (v_r - mu) / sigma
    # sigma = 0, or so small that the bounds overflow: the noiseless limit.
    noisy = (sigma > 0) & np.isfinite(y_r) & np.isfinite(y_theta) & (y_r > -1e300)
    # Far below threshold (y_theta > 40) the rate is below e^{-1600} Hz: 0 in double.
    silent = noisy & (y_theta > _Y_SILENT)
    work = noisy & ~silent
    log_integral = _log_siegert_integral(np.where(work, y_r, -2.0), np.where(work, y_theta, -1.0))
    # log of the mean interval in ms, then the rate in Hz; log-space keeps tiny rates.
    with np.errstate(divide="ignore"):
        log_period = np.logaddexp(np.log(t_ref), np.log(tau * _SQRT_PI) + log_integral)
    rate = np.where(silent, 0.0, 1000.0 * np.exp(-log_period))
    if not np.all(noisy):
        quiet = deterministic_lif_rate_hz(
            mu, tau_m_ms=tau, theta_mv=theta, v_reset_mv=v_r, t_ref_ms=t_ref
        )
        rate = np.where(noisy, rate, quiet)
    return _result(np.asarray(rate))


# -- Brunel's model A ---------------------------------------------------------------------


class BrunelModel(Params):
    """Constants of Brunel's (2000) model A: sparse E-I network of LIF neurons.

    Every value is from Brunel (2000), J Comput Neurosci 8:183, section 2 and the caption
    of Fig. 8 (the simulated network). The relative inhibition ``g`` and the external
    rate ``nu_ext / nu_thr`` are the axes of the phase diagram and are passed to
    :func:`brunel_rate_hz` separately.
    """

    n_exc: int = param(
        10000,
        unit="1",
        ge=1,
        doc="Number of excitatory neurons N_E.",
        source="Brunel 2000, Fig. 8 caption",
    )
    n_inh: int = param(
        2500,
        unit="1",
        ge=1,
        doc="Number of inhibitory neurons N_I.",
        source="Brunel 2000, Fig. 8 caption",
    )
    epsilon: float = param(
        0.1,
        unit="1",
        gt=0.0,
        le=1.0,
        doc="Connection probability eps (C_E = eps N_E, C_I = eps N_I).",
        source="Brunel 2000, Fig. 8 caption",
    )
    j_mv: float = param(
        0.1,
        unit="mV",
        gt=0.0,
        doc="Excitatory PSP amplitude J.",
        source="Brunel 2000, Fig. 8 caption",
    )
    delay_ms: float = param(
        1.5,
        unit="ms",
        gt=0.0,
        doc="Transmission delay D (does not enter the stationary rate).",
        source="Brunel 2000, Fig. 8 caption",
    )
    tau_m_ms: float = param(
        20.0, unit="ms", gt=0.0, doc="Membrane time constant tau.", source="Brunel 2000, section 2"
    )
    theta_mv: float = param(
        20.0, unit="mV", gt=0.0, doc="Firing threshold theta.", source="Brunel 2000, section 2"
    )
    v_reset_mv: float = param(
        10.0,
        unit="mV",
        ge=0.0,
        doc="Reset potential V_r (< theta).",
        source="Brunel 2000, section 2",
    )
    t_ref_ms: float = param(
        2.0, unit="ms", gt=0.0, doc="Refractory period tau_rp.", source="Brunel 2000, section 2"
    )

    @model_validator(mode="after")
    def _reset_below_threshold(self) -> BrunelModel:
        if not self.v_reset_mv < self.theta_mv:
            # A pydantic error, so that ``create`` names the field like any other.
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type="less_than",
                        loc=("v_reset_mv",),
                        input=self.v_reset_mv,
                        ctx={"lt": self.theta_mv},
                    )
                ],
            )
        return self

    @property
    def c_exc(self) -> int:
        """Excitatory in-degree :math:`C_E = \\epsilon N_E` (rounded)."""
        return max(1, round(self.epsilon * self.n_exc))

    @property
    def c_inh(self) -> int:
        """Inhibitory in-degree :math:`C_I = \\epsilon N_I` (rounded)."""
        return max(1, round(self.epsilon * self.n_inh))

    @property
    def gamma(self) -> float:
        """Ratio :math:`\\gamma = C_I / C_E` (0.25 in Brunel 2000)."""
        return self.c_inh / self.c_exc

    @property
    def nu_thr_hz(self) -> float:
        """External rate that brings the mean input to threshold, :math:`\\nu_{thr}`."""
        return nu_thr_hz(
            theta_mv=self.theta_mv, j_mv=self.j_mv, c_exc=self.c_exc, tau_m_ms=self.tau_m_ms
        )


def nu_thr_hz(
    *, theta_mv: float = 20.0, j_mv: float = 0.1, c_exc: int = 1000, tau_m_ms: float = 20.0
) -> float:
    r"""The external rate that alone drives the mean input to threshold (Brunel 2000).

    .. math::

        \nu_{thr} = \frac{\theta}{J C_E \tau}

    With Brunel's values (20 mV, 0.1 mV, 1000, 20 ms) it is 10 Hz.
    """
    for name, value in (
        ("theta_mv", theta_mv),
        ("j_mv", j_mv),
        ("c_exc", c_exc),
        ("tau_m_ms", tau_m_ms),
    ):
        if not (math.isfinite(value) and value > 0):
            raise ParameterError(name, "must be finite and > 0", value)
    return 1000.0 * theta_mv / (j_mv * c_exc * tau_m_ms)


def brunel_inputs(
    nu_hz: float | np.ndarray,
    *,
    g: float,
    nu_ext_hz: float,
    j_mv: float = 0.1,
    c_exc: int = 1000,
    gamma: float = 0.25,
    tau_m_ms: float = 20.0,
) -> tuple[float | np.ndarray, float | np.ndarray]:
    r"""Mean and noise of the input to a neuron of Brunel's model A (eqs. 4-5).

    .. math::

        \mu = C_E J \tau \left(\nu_{ext} + \nu (1 - g\gamma)\right), \qquad
        \sigma = J \sqrt{C_E \tau \left(\nu_{ext} + \nu (1 + g^2\gamma)\right)}

    with :math:`\tau` converted to seconds, since rates are in Hz.

    Parameters
    ----------
    nu_hz
        Network rate :math:`\nu` (Hz), >= 0.
    g
        Relative strength of inhibition, :math:`J_I = -gJ`, >= 0.
    nu_ext_hz
        Rate of each of the :math:`C_E` external Poisson inputs (Hz), >= 0.
    j_mv, c_exc, gamma, tau_m_ms
        PSP amplitude :math:`J` (mV), excitatory in-degree :math:`C_E`,
        :math:`\gamma = C_I / C_E` and membrane time constant (ms); Brunel's defaults.

    Returns
    -------
    (mu_mv, sigma_mv)
        In mV.
    """
    nu = _as_float_array("nu_hz", nu_hz)
    if np.any(nu < 0):
        raise ParameterError("nu_hz", "must be >= 0", nu.tolist())
    for name, value in (("g", g), ("nu_ext_hz", nu_ext_hz), ("gamma", gamma)):
        if not (math.isfinite(value) and value >= 0):
            raise ParameterError(name, "must be finite and >= 0", value)
    for name, value in (("j_mv", j_mv), ("c_exc", c_exc), ("tau_m_ms", tau_m_ms)):
        if not (math.isfinite(value) and value > 0):
            raise ParameterError(name, "must be finite and > 0", value)
    tau_s = tau_m_ms / 1000.0
    mu = c_exc * j_mv * tau_s * (nu_ext_hz + nu * (1.0 - g * gamma))
    sigma = j_mv * np.sqrt(c_exc * tau_s * (nu_ext_hz + nu * (1.0 + g * g * gamma)))
    return _result(mu), _result(sigma)


class FixedPoint(NamedTuple):
    """A self-consistent rate ``rate_hz`` and whether it is stable.

    Stable: the rate dynamics :math:`\\tau\\dot\\nu = -\\nu + \\phi(\\nu)` are stable
    there (:math:`\\phi' < 1`).
    """

    rate_hz: float
    stable: bool


def _model(model: BrunelModel | None, overrides: dict[str, object]) -> BrunelModel:
    base = BrunelModel() if model is None else model
    if not isinstance(base, BrunelModel):
        raise ParameterError("model", "must be a BrunelModel", type(base).__name__)
    return base.replace("BrunelModel", **overrides) if overrides else base


def brunel_fixed_points(
    g: float,
    nu_ext_over_thr: float,
    model: BrunelModel | None = None,
    *,
    grid_points: int = 600,
    **overrides: object,
) -> tuple[FixedPoint, ...]:
    r"""Every self-consistent rate :math:`\nu = \phi(\mu(\nu), \sigma(\nu))` of model A.

    :math:`\phi` is :func:`siegert_rate_hz` and :math:`\mu, \sigma` are
    :func:`brunel_inputs`. Since :math:`\phi(0) \ge 0` and :math:`\phi < 1/\tau_{rp}`,
    the residual :math:`\phi(\nu) - \nu` changes sign on :math:`[0, 1/\tau_{rp}]` an odd
    number of times. It is scanned on a grid (geometric from 1e-6 Hz plus uniform,
    ``grid_points`` each) and every sign change is refined with Brent's method to
    1e-12 relative. Two roots closer than the grid spacing (a near-tangency) can be
    missed.

    Parameters
    ----------
    g
        Relative strength of inhibition :math:`g` (>= 0).
    nu_ext_over_thr
        External rate in units of :math:`\nu_{thr}` (> 0).
    model
        The network constants (default :class:`BrunelModel`, Brunel's values).
    grid_points
        Size of each of the two scanning grids.
    **overrides
        Fields of :class:`BrunelModel` to change, e.g. ``j_mv=0.2``.

    Returns
    -------
    tuple of FixedPoint
        In increasing rate; stable and unstable ones alternate, the first and last
        being stable.
    """
    m = _model(model, overrides)
    if not (math.isfinite(g) and g >= 0):
        raise ParameterError("g", "must be finite and >= 0", g)
    if not (math.isfinite(nu_ext_over_thr) and nu_ext_over_thr > 0):
        raise ParameterError("nu_ext_over_thr", "must be finite and > 0", nu_ext_over_thr)
    if grid_points < 10:
        raise ParameterError("grid_points", "must be >= 10", grid_points)
    nu_ext = nu_ext_over_thr * m.nu_thr_hz
    lif: dict[str, float] = {
        "tau_m_ms": m.tau_m_ms,
        "theta_mv": m.theta_mv,
        "v_reset_mv": m.v_reset_mv,
        "t_ref_ms": m.t_ref_ms,
    }
    syn: dict[str, Any] = {
        "g": g,
        "nu_ext_hz": nu_ext,
        "j_mv": m.j_mv,
        "c_exc": m.c_exc,
        "gamma": m.gamma,
        "tau_m_ms": m.tau_m_ms,
    }

    def residual(nu: float | np.ndarray) -> float | np.ndarray:
        mu, sigma = brunel_inputs(nu, **syn)
        return siegert_rate_hz(mu, sigma, **lif) - nu

    nu_max = 1000.0 / m.t_ref_ms
    grid = np.unique(
        np.concatenate(
            [
                [0.0],
                np.geomspace(1e-6, nu_max, grid_points),
                np.linspace(0.0, nu_max, grid_points),
            ]
        )
    )
    values = np.asarray(residual(grid))
    if not np.all(np.isfinite(values)):
        raise MeanFieldError(f"non-finite Siegert rate for g={g}, nu_ext/nu_thr={nu_ext_over_thr}")
    points: list[FixedPoint] = []
    for k in range(grid.size - 1):
        lo, hi = values[k], values[k + 1]
        if lo == 0.0:
            points.append(FixedPoint(float(grid[k]), bool(hi < 0)))
        elif lo * hi < 0:
            root = optimize.brentq(residual, grid[k], grid[k + 1], xtol=1e-300, rtol=1e-12)
            points.append(FixedPoint(float(root), bool(lo > 0)))
    return tuple(points)


def brunel_rate_hz(
    g: float,
    nu_ext_over_thr: float,
    model: BrunelModel | None = None,
    *,
    branch: Literal["unique", "low", "high"] = "unique",
    **overrides: Any,
) -> float:
    r"""The self-consistent rate of the asynchronous state of Brunel's model A (Hz).

    Solves :math:`\nu_0 = \phi(\mu(\nu_0), \sigma(\nu_0))` (Brunel 2000, eqs. 4-5 and
    21) with :func:`brunel_fixed_points`. In the inhibition-dominated regime
    (:math:`g > 4`) the solution is unique; for weak inhibition there can be a low and
    a high (near :math:`1/\tau_{rp}`) stable rate.

    Parameters
    ----------
    g
        Relative strength of inhibition.
    nu_ext_over_thr
        External rate in units of :math:`\nu_{thr}` (:func:`nu_thr_hz`).
    model
        Network constants (default :class:`BrunelModel`).
    branch
        ``"unique"`` (default): the only stable solution, and :class:`MeanFieldError`
        when there are several. ``"low"`` / ``"high"``: the lowest / highest stable one.
    **overrides
        Fields of :class:`BrunelModel` to change.

    Raises
    ------
    MeanFieldError
        No stable solution was found, or several with ``branch="unique"``; the error
        carries them all in ``fixed_points``.
    """
    if branch not in ("unique", "low", "high"):
        raise ParameterError("branch", "must be 'unique', 'low' or 'high'", branch)
    points = brunel_fixed_points(g, nu_ext_over_thr, model, **overrides)
    stable = [p.rate_hz for p in points if p.stable]
    if not stable:
        raise MeanFieldError(
            f"no stable self-consistent rate for g={g}, nu_ext/nu_thr={nu_ext_over_thr}", points
        )
    if len(stable) > 1 and branch == "unique":
        found = ", ".join(f"{r:.6g}" for r in stable)
        raise MeanFieldError(
            f"{len(stable)} stable self-consistent rates for g={g}, "
            f"nu_ext/nu_thr={nu_ext_over_thr}: {found} Hz; pass "
            "branch='low' or 'high'",
            points,
        )
    return stable[-1] if branch == "high" else stable[0]


# -- current-based synapses with a time constant (Fourcaud & Brunel 2002) ----------------

#: :math:`\alpha = \sqrt 2\, |\zeta(1/2)|`, the threshold shift of filtered noise
#: (Fourcaud & Brunel 2002; Brunel, Chance, Fourcaud & Abbott 2001).
FB_ALPHA = math.sqrt(2.0) * 1.4603545088095868


class SynapseClass(NamedTuple):
    """One class of inputs of a current-based LIF neuron (for :func:`filtered_inputs`).

    ``in_degree`` inputs firing at the network rate, each adding ``weight_mv`` to a
    synaptic variable that decays with ``tau_ms`` and drives
    :math:`\\tau_m \\dot V = -(V - E_L) + I` (the CUBA convention, weights in mV).
    """

    in_degree: float
    weight_mv: float
    tau_ms: float


def filtered_inputs(nu_hz: float, classes: tuple[SynapseClass, ...], *,
                    tau_m_ms: float, e_l_mv: float) -> tuple[float, float, float]:
    r"""Mean, noise and effective time constant of filtered Poisson inputs.

    Each spike of class :math:`k` (in-degree :math:`C_k`, weight :math:`w_k`, time
    constant :math:`\tau_k`) brings the charge :math:`J_k = w_k \tau_k / \tau_m` (mV), so
    in Brunel's convention (:math:`\tau_m\dot V = -V + \mu + \sigma\sqrt{\tau_m}\,\xi`)

    .. math::

        \mu = E_L + \tau_m \nu \sum_k C_k J_k, \qquad
        \sigma^2 = \tau_m \nu \sum_k C_k J_k^2, \qquad
        \tau_s = \frac{\sum_k C_k J_k^2 \tau_k}{\sum_k C_k J_k^2}

    (:math:`\tau_s`: the noise-weighted synaptic time constant).

    Returns
    -------
    (mu_mv, sigma_mv, tau_s_ms)
    """
    if not (math.isfinite(nu_hz) and nu_hz >= 0):
        raise ParameterError("nu_hz", "must be finite and >= 0", nu_hz)
    if not classes:
        raise ParameterError("classes", "needs at least one synapse class", classes)
    nu = nu_hz / 1000.0  # per ms
    charge = [(c.in_degree, c.weight_mv * c.tau_ms / tau_m_ms, c.tau_ms) for c in classes]
    mu = e_l_mv + tau_m_ms * nu * sum(k * j for k, j, _ in charge)
    power = sum(k * j * j for k, j, _ in charge)
    tau_s = sum(k * j * j * t for k, j, t in charge) / power if power > 0 else 0.0
    return mu, math.sqrt(tau_m_ms * nu * power), tau_s


def filtered_siegert_rate_hz(mu_mv: float, sigma_mv: float, *, tau_syn_ms: float,
                             tau_m_ms: float, theta_mv: float, v_reset_mv: float,
                             t_ref_ms: float) -> float:
    r"""Rate of a LIF neuron driven by noise filtered with a synaptic time constant.

    Fourcaud & Brunel (2002), eq. 4.1 (also Brunel et al. 2001): to first order in
    :math:`\sqrt{\tau_s / \tau_m}`, the Siegert rate (:func:`siegert_rate_hz`) with
    threshold and reset both raised by :math:`\sigma \frac{\alpha}{2}
    \sqrt{\tau_s/\tau_m}`, :math:`\alpha = \sqrt 2 |\zeta(1/2)|` (:data:`FB_ALPHA`).
    ``tau_syn_ms = 0`` gives the white-noise Siegert rate.
    """
    if not tau_syn_ms >= 0:
        raise ParameterError("tau_syn_ms", "must be >= 0", tau_syn_ms)
    shift = sigma_mv * FB_ALPHA / 2.0 * math.sqrt(tau_syn_ms / tau_m_ms)
    return float(siegert_rate_hz(mu_mv, sigma_mv, tau_m_ms=tau_m_ms,
                                 theta_mv=theta_mv + shift, v_reset_mv=v_reset_mv + shift,
                                 t_ref_ms=t_ref_ms))


def filtered_network_rate_hz(classes: tuple[SynapseClass, ...], *, tau_m_ms: float,
                             e_l_mv: float, theta_mv: float, v_reset_mv: float,
                             t_ref_ms: float, grid_points: int = 400) -> float:
    r"""Self-consistent rate of a homogeneous network of current-based LIF neurons.

    Solves :math:`\nu = \phi(\mu(\nu), \sigma(\nu))` with :func:`filtered_inputs` and
    :func:`filtered_siegert_rate_hz` (all inputs recurrent, at the network rate), by a
    scan of :math:`(0, 1/\tau_{rp})` and Brent's method at the sign change.

    Raises
    ------
    MeanFieldError
        No solution, or more than one.
    """
    lif = {"tau_m_ms": tau_m_ms, "theta_mv": theta_mv, "v_reset_mv": v_reset_mv,
           "t_ref_ms": t_ref_ms}

    def residual(nu: float) -> float:
        mu, sigma, tau_s = filtered_inputs(nu, classes, tau_m_ms=tau_m_ms, e_l_mv=e_l_mv)
        if sigma == 0.0:
            return float(deterministic_lif_rate_hz(mu, **lif)) - nu
        return filtered_siegert_rate_hz(mu, sigma, tau_syn_ms=tau_s, **lif) - nu

    grid = np.geomspace(1e-3, 1000.0 / t_ref_ms * (1 - 1e-9), grid_points)
    values = np.array([residual(float(nu)) for nu in grid])
    change = np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))
    if change.size != 1:
        raise MeanFieldError(f"{change.size} self-consistent rates found (need 1)")
    k = int(change[0])
    return float(optimize.brentq(residual, grid[k], grid[k + 1], rtol=1e-12))
