"""Calcium-based plasticity rule of Graupner & Brunel (2012), with its pair-protocol theory.

A synapse has a calcium variable :math:`c` (dimensionless, in units of the threshold
:math:`\\theta_d`) and an efficacy :math:`\\rho` with two stable states, DOWN
(:math:`\\rho = 0`) and UP (:math:`\\rho = 1`):

.. math::

    \\frac{dc}{dt} &= -\\frac{c}{\\tau_{Ca}}
        + C_\\mathrm{pre} \\sum_i \\delta(t - t_i^\\mathrm{pre} - D)
        + C_\\mathrm{post} \\sum_j \\delta(t - t_j^\\mathrm{post}) \\\\
    \\tau \\frac{d\\rho}{dt} &= -\\rho (1 - \\rho)(\\rho_\\star - \\rho)
        + \\gamma_p (1 - \\rho)\\, \\Theta[c - \\theta_p]
        - \\gamma_d\\, \\rho\\, \\Theta[c - \\theta_d]
        + \\sigma \\sqrt{\\tau} \\sqrt{\\Theta[c - \\theta_d] + \\Theta[c - \\theta_p]}\\;
          \\eta(t)

with :math:`\\eta` Gaussian white noise (:math:`\\langle \\eta(t) \\eta(t') \\rangle =
\\delta(t - t')`). The noise amplitude is the one of the published correction
(Graupner & Brunel 2012, PNAS 110:2031, doi:10.1073/pnas.1220044110).

Pair protocol, theory (Graupner & Brunel 2012, Methods). For ``n`` pre/post pairs at
frequency :math:`f`, let :math:`\\alpha_{d,p}` be the fractions of time with
:math:`c > \\theta_{d,p}`. Neglecting the cubic drift during the protocol (the
plasticity terms are much larger), :math:`\\rho` is an Ornstein-Uhlenbeck process with

.. math::

    \\Gamma_{p,d} = \\gamma_{p,d}\\, \\alpha_{p,d},\\quad
    \\bar\\rho = \\frac{\\Gamma_p}{\\Gamma_p + \\Gamma_d},\\quad
    \\tau_\\mathrm{eff} = \\frac{\\tau}{\\Gamma_p + \\Gamma_d},\\quad
    s^2 = \\frac{\\sigma^2 (\\alpha_p + \\alpha_d)}{2 (\\Gamma_p + \\Gamma_d)}

(:math:`s^2` the stationary variance; the paper writes
:math:`\\sigma_\\rho^2 = 2 s^2` inside its erf). After :math:`T = n / f`, starting from
:math:`\\rho_0`, :math:`\\rho` is Gaussian with mean
:math:`\\bar\\rho + (\\rho_0 - \\bar\\rho) e^{-T/\\tau_\\mathrm{eff}}` and variance
:math:`s^2 (1 - e^{-2T/\\tau_\\mathrm{eff}})`, so

.. math::

    U = P(\\rho(T) > \\rho_\\star \\mid \\rho_0 = 0),\\quad
    D_\\downarrow = P(\\rho(T) < \\rho_\\star \\mid \\rho_0 = 1),\\quad
    \\frac{w_\\mathrm{after}}{w_\\mathrm{before}}
    = \\frac{(1 - U)\\beta + D_\\downarrow(1 - \\beta)
             + b\\,[U \\beta + (1 - D_\\downarrow)(1 - \\beta)]}{\\beta + (1 - \\beta) b}

with :math:`\\beta` the fraction of synapses initially DOWN and :math:`b = w_1 / w_0`.

Consecutive pairs are treated as isolated: calcium left over from the previous pair,
:math:`\\propto e^{-1/(f \\tau_{Ca})}`, is neglected (:math:`e^{-50}` at 1 Hz).

References
----------
M. Graupner, N. Brunel (2012). Calcium-based plasticity model explains sensitivity of
synaptic changes to spike pattern, rate, and dendritic location. PNAS 109:3991-3996,
doi:10.1073/pnas.1109359109 (parameter set DP: Fig. 2 and the parameter table of
its SI); correction of the noise term: PNAS 110:2031 (2013).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from scipy.special import erfc

from engramlab.core import ParameterError, Params, SimulationError, namespace, param

__all__ = [
    "GBState",
    "GraupnerBrunel",
    "PairProtocolTheory",
    "calcium_trace",
    "gb_init",
    "gb_step",
    "pair_protocol_theory",
    "pair_time_above_ms",
    "simulate_pair_protocol",
    "strength_change",
]

Array = Any
_GB = "Graupner & Brunel 2012, parameter set DP (Fig. 2; parameter table of the SI)"


class GraupnerBrunel(Params):
    """Parameters of the Graupner-Brunel rule; defaults: set DP (pyramidal cells, Fig. 2)."""

    tau_ca_ms: float = param(20.0, unit="ms", gt=0.0, le=10_000.0,
                             doc="Calcium decay time tau_Ca.", source=_GB)
    c_pre: float = param(1.0, unit="1", ge=0.0, le=100.0,
                         doc="Calcium jump C_pre after a presynaptic spike (after D).",
                         source=_GB)
    c_post: float = param(2.0, unit="1", ge=0.0, le=100.0,
                          doc="Calcium jump C_post after a postsynaptic spike.", source=_GB)
    theta_d: float = param(1.0, unit="1", gt=0.0, le=100.0,
                           doc="Depression threshold theta_d.", source=_GB)
    theta_p: float = param(1.3, unit="1", gt=0.0, le=100.0,
                           doc="Potentiation threshold theta_p.", source=_GB)
    gamma_d: float = param(200.0, unit="1", ge=0.0, le=1e5,
                           doc="Depression rate gamma_d (in units of 1 / tau).", source=_GB)
    gamma_p: float = param(321.808, unit="1", ge=0.0, le=1e5,
                           doc="Potentiation rate gamma_p (in units of 1 / tau).",
                           source=_GB)
    sigma: float = param(2.8284, unit="1", ge=0.0, le=100.0,
                         doc="Noise amplitude sigma.", source=_GB)
    tau_s: float = param(150.0, unit="s", gt=0.0, le=1e6,
                         doc="Time constant tau of the efficacy rho.", source=_GB)
    rho_star: float = param(0.5, unit="1", gt=0.0, lt=1.0,
                            doc="Unstable fixed point rho* between DOWN and UP.", source=_GB)
    delay_ms: float = param(13.7, unit="ms", ge=0.0, le=1000.0,
                            doc="Delay D of the presynaptic calcium transient.", source=_GB)
    beta: float = param(0.5, unit="1", ge=0.0, le=1.0,
                        doc="Fraction beta of synapses initially in the DOWN state.",
                        source=_GB)
    b: float = param(5.0, unit="1", ge=1.0, le=1000.0,
                     doc="Ratio b = w1 / w0 of UP to DOWN synaptic weight.", source=_GB)


class GBState(NamedTuple):
    """Calcium ``c`` and efficacy ``rho`` of a batch of synapses (both dimensionless)."""

    c: Array
    rho: Array


class PairProtocolTheory(NamedTuple):
    """The analytic pair-protocol result, one entry per timing (NumPy arrays)."""

    alpha_d: np.ndarray  #: fraction of time with c > theta_d
    alpha_p: np.ndarray  #: fraction of time with c > theta_p
    rho_bar: np.ndarray  #: OU mean Gamma_p / (Gamma_p + Gamma_d)
    tau_eff_s: np.ndarray  #: OU time constant tau / (Gamma_p + Gamma_d) (s)
    var_stat: np.ndarray  #: stationary OU variance s^2
    mean_from_down: np.ndarray  #: E[rho(T) | rho0 = 0]
    mean_from_up: np.ndarray  #: E[rho(T) | rho0 = 1]
    var: np.ndarray  #: Var[rho(T)] (either start)
    p_up: np.ndarray  #: U, DOWN -> UP transition probability
    p_down: np.ndarray  #: D, UP -> DOWN transition probability
    change: np.ndarray  #: w_after / w_before


def _check_positive(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(name, "must be a finite number > 0", value)
    return value


# -- calcium --------------------------------------------------------------------------


def calcium_trace(params: GraupnerBrunel, t_ms: Array, pre_times_ms: Array,
                  post_times_ms: Array) -> np.ndarray:
    """Calcium :math:`c(t)` for given pre and post spike trains (exact solution).

    .. math:: c(t) = C_\\mathrm{pre} \\sum_i e^{-(t - t_i - D)/\\tau_{Ca}}
        \\Theta(t - t_i - D) + C_\\mathrm{post} \\sum_j e^{-(t - t_j)/\\tau_{Ca}}
        \\Theta(t - t_j)

    ``c`` is right-continuous: at a spike's arrival time the jump is included.
    """
    t = np.asarray(t_ms, dtype=float)[..., None]
    pre = np.asarray(pre_times_ms, dtype=float).ravel() + params.delay_ms
    post = np.asarray(post_times_ms, dtype=float).ravel()

    def kernel(times: np.ndarray, amp: float) -> np.ndarray:
        lag = t - times
        return amp * np.where(lag >= 0, np.exp(-np.maximum(lag, 0.0) / params.tau_ca_ms),
                              0.0).sum(axis=-1)

    return kernel(pre, params.c_pre) + kernel(post, params.c_post)


def pair_time_above_ms(params: GraupnerBrunel, dt_ms: Array, theta: float) -> np.ndarray:
    """Time (ms) that one isolated pair keeps :math:`c > \\theta`.

    With the first transient of amplitude :math:`A_1` at 0 and the second, :math:`A_2`,
    at :math:`g \\ge 0` (``g = |D - dt|``; post first when ``dt < D``):

    .. math:: T_\\theta = \\min\\bigl(g, \\tau_{Ca} [\\ln(A_1/\\theta)]_+\\bigr)
        + \\tau_{Ca} \\bigl[\\ln\\bigl((A_1 e^{-g/\\tau_{Ca}} + A_2)/\\theta\\bigr)\\bigr]_+
    """
    theta = _check_positive("theta", theta)
    dt = np.asarray(dt_ms, dtype=float)
    lag = params.delay_ms - dt  # pre-calcium arrival minus post spike time
    post_first = lag >= 0
    a1 = np.where(post_first, params.c_post, params.c_pre)
    a2 = np.where(post_first, params.c_pre, params.c_post)
    gap = np.abs(lag)
    tau = params.tau_ca_ms
    with np.errstate(divide="ignore"):
        first = np.minimum(gap, tau * np.maximum(np.log(np.maximum(a1, 1e-300) / theta), 0.0))
        peak = a1 * np.exp(-gap / tau) + a2
        second = tau * np.maximum(np.log(np.maximum(peak, 1e-300) / theta), 0.0)
    return first + second


# -- theory -----------------------------------------------------------------------------


def strength_change(params: GraupnerBrunel, p_up: Array, p_down: Array) -> np.ndarray:
    """Ratio of mean synaptic weight after / before, from U and D (see module docstring)."""
    u = np.asarray(p_up, dtype=float)
    d = np.asarray(p_down, dtype=float)
    beta, b = params.beta, params.b
    after = (1 - u) * beta + d * (1 - beta) + b * (u * beta + (1 - d) * (1 - beta))
    return after / (beta + (1 - beta) * b)


def pair_protocol_theory(params: GraupnerBrunel, dt_ms: Array, *, n_pairs: int = 60,
                         freq_hz: float = 1.0) -> PairProtocolTheory:
    """Analytic result of ``n_pairs`` pairs at ``freq_hz`` for each timing in ``dt_ms``.

    ``dt = t_post - t_pre`` (ms). See the module docstring for the equations.
    """
    if n_pairs < 1:
        raise ParameterError("n_pairs", "must be >= 1", n_pairs)
    period_ms = 1000.0 / _check_positive("freq_hz", freq_hz)
    a_d = pair_time_above_ms(params, dt_ms, params.theta_d) / period_ms
    a_p = pair_time_above_ms(params, dt_ms, params.theta_p) / period_ms
    g_d, g_p = params.gamma_d * a_d, params.gamma_p * a_p
    g = g_d + g_p
    total_s = n_pairs * period_ms / 1000.0
    active = g > 0
    safe = np.where(active, g, 1.0)
    rho_bar = np.where(active, g_p / safe, 0.0)
    tau_eff = np.where(active, params.tau_s / safe, np.inf)
    var_stat = np.where(active, params.sigma ** 2 * (a_p + a_d) / (2 * safe), 0.0)
    decay = np.where(active, np.exp(-total_s / np.where(active, tau_eff, 1.0)), 1.0)
    mean0 = rho_bar * (1 - decay)
    mean1 = rho_bar + (1 - rho_bar) * decay
    var = var_stat * (1 - decay ** 2)
    sd = np.sqrt(np.maximum(var, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z_up = np.where(sd > 0, (params.rho_star - mean0) / (np.sqrt(2) * sd), np.inf)
        z_dn = np.where(sd > 0, (mean1 - params.rho_star) / (np.sqrt(2) * sd), np.inf)
    p_up = np.where(sd > 0, 0.5 * erfc(z_up), (mean0 > params.rho_star).astype(float))
    p_dn = np.where(sd > 0, 0.5 * erfc(z_dn), (mean1 < params.rho_star).astype(float))
    return PairProtocolTheory(a_d, a_p, rho_bar, tau_eff, var_stat, mean0, mean1, var,
                              p_up, p_dn, strength_change(params, p_up, p_dn))


# -- dynamics ---------------------------------------------------------------------------


def _drift(params: GraupnerBrunel, rho: Array, hd: Array, hp: Array,
           bistable: bool) -> Array:
    out = params.gamma_p * (1 - rho) * hp - params.gamma_d * rho * hd
    if bistable:
        out = out - rho * (1 - rho) * (params.rho_star - rho)
    return out


def gb_init(params: GraupnerBrunel, rho0: Array) -> GBState:
    """State with no calcium and efficacy ``rho0`` (any shape)."""
    xp = namespace(rho0)
    rho = xp.asarray(rho0)
    return GBState(c=xp.zeros_like(rho), rho=rho)


def gb_step(params: GraupnerBrunel, state: GBState, pre_arrival: Array, post: Array,
            dt: float, noise: Array | None = None) -> GBState:
    """One Euler-Maruyama step of ``dt`` ms.

    Parameters
    ----------
    pre_arrival, post
        Boolean arrays: a presynaptic calcium transient arrives (the spike was ``D``
        earlier) / a postsynaptic spike occurs at the start of this step.
    noise
        Standard normal samples shaped like ``rho`` (drawn by the caller from an explicit
        ``numpy.random.Generator``); ``None``: deterministic.

    Notes
    -----
    .. math:: \\rho \\leftarrow \\rho + \\frac{h}{\\tau} F(\\rho, c)
        + \\sigma \\sqrt{h / \\tau}\\sqrt{\\Theta_d + \\Theta_p}\\, \\xi,\\quad
        c \\leftarrow c\\, e^{-h/\\tau_{Ca}}

    with the jumps added to :math:`c` before :math:`\\rho` is updated.
    """
    h_ms = _check_positive("dt", dt)
    xp = namespace(state.rho)
    c = state.c + params.c_pre * xp.astype(xp.asarray(pre_arrival), state.c.dtype) \
        + params.c_post * xp.astype(xp.asarray(post), state.c.dtype)
    hd = xp.astype(c > params.theta_d, state.rho.dtype)
    hp = xp.astype(c > params.theta_p, state.rho.dtype)
    h = h_ms / 1000.0 / params.tau_s
    rho = state.rho + h * _drift(params, state.rho, hd, hp, True)
    if noise is not None:
        rho = rho + params.sigma * math.sqrt(h) * xp.sqrt(hd + hp) * noise
    return GBState(c=c * math.exp(-h_ms / params.tau_ca_ms), rho=rho)


def simulate_pair_protocol(params: GraupnerBrunel, dt_ms: Array, rho0: Array,
                           rng: np.random.Generator, *, n_pairs: int = 60,
                           freq_hz: float = 1.0, step_ms: float = 0.1,
                           bistable: bool = True, quiet_step_ms: float = 10.0) -> np.ndarray:
    """Euler-Maruyama simulation of :math:`\\rho` during a pair protocol.

    Parameters
    ----------
    dt_ms
        1-D timings ``t_post - t_pre`` (ms).
    rho0
        1-D initial efficacies of the synapses (the same for every timing).
    rng
        Explicit generator for the noise.
    step_ms
        Euler-Maruyama step where calcium can be above a threshold.
    bistable
        Include the cubic drift (``False``: the pure OU process of the theory).
    quiet_step_ms
        Euler step of the deterministic cubic drift in the rest of each period, where
        :math:`c < \\theta_d` for every timing (no plasticity, no noise).

    Returns
    -------
    Final :math:`\\rho`, shape ``(len(dt_ms), len(rho0))``.

    Notes
    -----
    The calcium of one period is exact (:func:`calcium_trace`) on a grid of ``step_ms``,
    evaluated at the left end of each step; pairs are isolated (no calcium carried
    between periods). Each period simulates the window where any timing may have
    :math:`c > \\theta_d` at ``step_ms``, then the remaining time at ``quiet_step_ms``.
    """
    dts = np.atleast_1d(np.asarray(dt_ms, dtype=float))
    r0 = np.atleast_1d(np.asarray(rho0, dtype=float))
    if dts.ndim != 1 or r0.ndim != 1:
        raise ParameterError("dt_ms", "dt_ms and rho0 must be 1-D")
    if n_pairs < 1:
        raise ParameterError("n_pairs", "must be >= 1", n_pairs)
    h_ms = _check_positive("step_ms", step_ms)
    q_ms = _check_positive("quiet_step_ms", quiet_step_ms)
    period = 1000.0 / _check_positive("freq_hz", freq_hz)
    ev_post = np.zeros_like(dts)
    ev_pre = params.delay_ms - dts  # calcium arrival of the pre spike
    start = min(0.0, float(ev_pre.min()))
    peak = params.c_pre + params.c_post
    tail = params.tau_ca_ms * max(math.log(peak / params.theta_d), 0.0) + 2 * h_ms
    end = max(0.0, float(ev_pre.max())) + tail
    if end - start > period:
        raise ParameterError("freq_hz", f"period {period} ms shorter than the calcium "
                             f"window {end - start:.1f} ms", freq_hz)
    n_win = math.ceil((end - start) / h_ms)
    grid = start + h_ms * np.arange(n_win)
    c = np.stack([calcium_trace(params, grid, [ev_pre[i] - params.delay_ms], [ev_post[i]])
                  for i in range(dts.size)])
    hd = (c > params.theta_d).astype(float)[:, :, None]
    hp = (c > params.theta_p).astype(float)[:, :, None]
    amp = np.sqrt(hd + hp)
    any_active = hd.any(axis=(0, 2))
    h = h_ms / 1000.0 / params.tau_s
    noise_scale = params.sigma * math.sqrt(h)
    rest_ms = period - n_win * h_ms
    n_quiet = math.ceil(rest_ms / q_ms) if rest_ms > 0 else 0
    hq = rest_ms / n_quiet / 1000.0 / params.tau_s if n_quiet else 0.0
    rho = np.broadcast_to(r0, (dts.size, r0.size)).copy()
    zero = np.zeros((1, 1))
    for k in range(n_pairs):
        for j in range(n_win):
            if any_active[j]:
                rho = rho + h * _drift(params, rho, hd[:, j], hp[:, j], bistable)
                rho = rho + noise_scale * amp[:, j] * rng.standard_normal(rho.shape)
            elif bistable:
                rho = rho + h * _drift(params, rho, zero, zero, True)
        if bistable:
            for _ in range(n_quiet):
                rho = rho + hq * _drift(params, rho, zero, zero, True)
        if not np.all(np.isfinite(rho)):
            raise SimulationError("rho", (k + 1) * (n_win + n_quiet), "non-finite value")
    return rho
