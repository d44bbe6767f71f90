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

Calcium of consecutive pairs (any frequency). :math:`c` is a sum of decaying jumps, so
between two calcium events it decays from its value :math:`c_i` just after event
:math:`i` for the time :math:`L_i` to the next event, and stays above :math:`\\theta` for
:math:`\\min(L_i, \\tau_{Ca} [\\ln(c_i/\\theta)]_+)`. Summing over the events gives the
time above threshold exactly, with :math:`c_i = c_{i-1} e^{-(t_i - t_{i-1})/\\tau_{Ca}} +
A_i`. :func:`pair_protocol_theory` offers three ways to get :math:`\\alpha_{d,p}`:

``"exact"`` (default)
    The finite train of ``n_pairs`` pairs (pre at :math:`k/f`, its calcium at
    :math:`k/f + D`; post at :math:`k/f + \\Delta t`), including the build-up over the
    first pairs and the tail after the last; :math:`\\alpha = T_\\theta / (n/f)`. Trains
    of ``pairs_per_burst`` pairs far apart (bursts) are computed once and multiplied.
``"periodic"``
    The stationary periodic trace of an infinite train (the paper's Methods, used by
    its Fig. 4): with the two events of a period at offsets :math:`0 \\le g < T` apart,
    :math:`c` just after the first is :math:`(A_1 + A_2 e^{-(T - g)/\\tau_{Ca}}) /
    (1 - e^{-T/\\tau_{Ca}})`, after the second :math:`(A_2 + A_1 e^{-g/\\tau_{Ca}}) /
    (1 - e^{-T/\\tau_{Ca}})`, and :math:`\\alpha` is the time above in one period over
    :math:`T = 1/f`.
``"isolated"``
    Pairs do not overlap (:func:`pair_time_above_ms`), the approximation of earlier
    versions; calcium left over from the previous pair,
    :math:`\\propto e^{-1/(f \\tau_{Ca})}`, is neglected (:math:`e^{-50}` at 1 Hz, so all
    three agree to rounding at 1 Hz).

The OU duration is the time of the pairs, :math:`T = n/f`; in the gaps between bursts
calcium is below threshold and (the cubic drift neglected) nothing happens.

Parameter sets. :data:`GB_PARAMETER_SETS` holds the nine published sets: the six of
Fig. 2 (DP, DPD, DPD', P, D, D') and the three fits to data (hippocampal slices,
Wittenberg & Wang 2006; hippocampal cultures, Wang et al. 2005; cortical slices,
Sjöström et al. 2001) of the paper's Table S1 (SI); the values were checked against the
authors' own published code (M. Graupner, github.com/mgraupe/CalciumBasedPlasticityModel,
synapticChange.py), which lists the same numbers.

References
----------
M. Graupner, N. Brunel (2012). Calcium-based plasticity model explains sensitivity of
synaptic changes to spike pattern, rate, and dendritic location. PNAS 109:3991-3996,
doi:10.1073/pnas.1109359109 (parameter set DP: Fig. 2 and the parameter table of
its SI; all nine sets: Table S1 of the SI); correction of the noise term: PNAS
110:2031 (2013).
H. Z. Wittenberg, S. S.-H. Wang (2006). Malleability of spike-timing-dependent
plasticity at the CA3-CA1 synapse. J. Neurosci. 26:6610-6617,
doi:10.1523/JNEUROSCI.5388-05.2006.
H.-X. Wang, R. C. Gerkin, D. W. Nauen, G.-Q. Bi (2005). Coactivation and
timing-dependent integration of synaptic potentiation and depression. Nat. Neurosci.
8:187-193, doi:10.1038/nn1387.
P. J. Sjöström, G. G. Turrigiano, S. B. Nelson (2001). Rate, timing, and cooperativity
jointly determine cortical synaptic plasticity. Neuron 32:1149-1164,
doi:10.1016/S0896-6273(01)00542-6.

Examples
--------
>>> import numpy as np
>>> p = GraupnerBrunel()  # parameter set DP
>>> th = pair_protocol_theory(p, np.array([-50.0, 10.0]), n_pairs=60, freq_hz=1.0)
>>> np.round(th.change, 3).tolist()  # w_after / w_before: LTD, then LTP
[0.905, 1.221]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, cast

import numpy as np
from scipy.special import erfc

from engramlab.core import ParameterError, Params, SimulationError, namespace, param

__all__ = [
    "GB_PARAMETER_SETS",
    "GB_SET_SOURCES",
    "GBState",
    "GraupnerBrunel",
    "PairProtocolTheory",
    "calcium_trace",
    "gb_init",
    "gb_step",
    "pair_protocol_theory",
    "pair_time_above_ms",
    "pair_train_time_above_ms",
    "simulate_pair_protocol",
    "simulate_pair_train",
    "strength_change",
    "train_time_above_ms",
]

Array = Any
_GB = "Graupner & Brunel 2012, parameter set DP (Fig. 2; parameter table of the SI)"


class GraupnerBrunel(Params):
    """Parameters of the Graupner-Brunel rule; defaults: set DP (pyramidal cells, Fig. 2).

    Calcium amplitudes and thresholds are in units of :math:`\\theta_d` (dimensionless),
    ``tau_ca_ms`` and ``delay_ms`` in ms, ``tau_s`` (:math:`\\tau`) in s, rates
    :math:`\\gamma_{p,d}` dimensionless (per :math:`\\tau`); the equations are in the module
    docstring. :data:`GB_PARAMETER_SETS` holds the nine published sets.

    References
    ----------
    M. Graupner, N. Brunel (2012). Calcium-based plasticity model explains sensitivity of
    synaptic changes to spike pattern, rate, and dendritic location. PNAS 109:3991-3996,
    doi:10.1073/pnas.1109359109.

    Examples
    --------
    >>> p = GraupnerBrunel()
    >>> p.theta_d, p.theta_p, p.gamma_p, p.tau_s, p.delay_ms
    (1.0, 1.3, 321.808, 150.0, 13.7)
    >>> sorted(GB_PARAMETER_SETS)[:3]
    ['D', "D'", 'DP']
    """

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

    @classmethod
    def preset(cls, name: str) -> GraupnerBrunel:
        """One of the nine published parameter sets (:data:`GB_PARAMETER_SETS`)."""
        if name not in GB_PARAMETER_SETS:
            raise ParameterError("name", f"must be one of {', '.join(GB_PARAMETER_SETS)}",
                                 name)
        return GB_PARAMETER_SETS[name]


_FIG2 = "Graupner & Brunel 2012, Fig. 2 and Table S1 (SI), set "
_FIT = "Graupner & Brunel 2012, Table S1 (SI), fit to "

#: Where each parameter set of :data:`GB_PARAMETER_SETS` comes from.
GB_SET_SOURCES: Mapping[str, str] = MappingProxyType({
    "DP": _FIG2 + "DP (depression-potentiation)",
    "DPD": _FIG2 + "DPD (depression-potentiation-depression)",
    "DPD'": _FIG2 + "DPD' (high theta_p)",
    "P": _FIG2 + "P (potentiation only)",
    "D": _FIG2 + "D (depression only)",
    "D'": _FIG2 + "D' (depression only, high theta_p)",
    "hippocampal slices": _FIT + "hippocampal slices, Wittenberg & Wang 2006 "
                          "(doi:10.1523/JNEUROSCI.5388-05.2006)",
    "hippocampal cultures": _FIT + "hippocampal cultures, Wang et al. 2005 "
                            "(doi:10.1038/nn1387)",
    "cortical slices": _FIT + "visual cortex slices, Sjostrom et al. 2001 "
                       "(doi:10.1016/S0896-6273(01)00542-6); used in the paper's Fig. 4",
})


def _gb(name: str, **values: float) -> GraupnerBrunel:
    return GraupnerBrunel.create(f"GB set {name}", **values)


# The six sets of Fig. 2 share tau_Ca = 20 ms, theta_d = 1, tau = 150 s, rho* = 0.5,
# beta = 0.5, b = 5 (the defaults); the three fits set every parameter.
#: The nine published parameter sets of Graupner & Brunel 2012 (see GB_SET_SOURCES).
GB_PARAMETER_SETS: Mapping[str, GraupnerBrunel] = MappingProxyType({
    "DP": GraupnerBrunel(),
    "DPD": _gb("DPD", c_pre=0.9, c_post=0.9, theta_p=1.3, gamma_d=250.0, gamma_p=550.0,
               sigma=2.8284, delay_ms=4.6),
    "DPD'": _gb("DPD'", c_pre=1.0, c_post=2.0, theta_p=2.5, gamma_d=50.0, gamma_p=600.0,
                sigma=2.8284, delay_ms=2.2),
    "P": _gb("P", c_pre=2.0, c_post=2.0, theta_p=1.3, gamma_d=160.0, gamma_p=257.447,
             sigma=2.8284, delay_ms=0.0),
    "D": _gb("D", c_pre=0.6, c_post=0.6, theta_p=1.3, gamma_d=500.0, gamma_p=550.0,
             sigma=5.6568, delay_ms=0.0),
    "D'": _gb("D'", c_pre=1.0, c_post=2.0, theta_p=3.5, gamma_d=60.0, gamma_p=600.0,
              sigma=2.8284, delay_ms=0.0),
    "hippocampal slices": _gb(
        "hippocampal slices", tau_ca_ms=48.8373, c_pre=1.0, c_post=0.275865, theta_d=1.0,
        theta_p=1.3, gamma_d=313.0965, gamma_p=1645.59, sigma=9.1844, tau_s=688.355,
        rho_star=0.5, delay_ms=18.8008, beta=0.7, b=5.28145),
    "hippocampal cultures": _gb(
        "hippocampal cultures", tau_ca_ms=11.9536, c_pre=0.58156, c_post=1.76444,
        theta_d=1.0, theta_p=1.3, gamma_d=61.141, gamma_p=113.6545, sigma=2.5654,
        tau_s=33.7596, rho_star=0.5, delay_ms=10.0, beta=0.5, b=36.0263),
    "cortical slices": _gb(
        "cortical slices", tau_ca_ms=22.6936, c_pre=0.5617539, c_post=1.23964,
        theta_d=1.0, theta_p=1.3, gamma_d=331.909, gamma_p=725.085, sigma=3.3501,
        tau_s=346.3615, rho_star=0.5, delay_ms=4.6098, beta=0.5, b=5.40988),
})


class GBState(NamedTuple):
    """Calcium ``c`` and efficacy ``rho`` of a batch of synapses (both dimensionless).

    Examples
    --------
    >>> import numpy as np
    >>> s = gb_init(GraupnerBrunel(), np.array([0.0, 1.0]))
    >>> s.c.tolist(), s.rho.tolist()
    ([0.0, 0.0], [0.0, 1.0])
    """

    c: Array
    rho: Array


class PairProtocolTheory(NamedTuple):
    """The analytic pair-protocol result, one entry per timing (NumPy arrays).

    Examples
    --------
    >>> import numpy as np
    >>> th = pair_protocol_theory(GraupnerBrunel(), np.array([10.0]))
    >>> [round(float(x[0]), 3) for x in (th.alpha_d, th.alpha_p, th.rho_bar)]
    [0.023, 0.018, 0.555]
    """

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

    Parameters
    ----------
    params
        The rule.
    t_ms
        Times (ms) at which to evaluate :math:`c`.
    pre_times_ms, post_times_ms
        Spike times (ms).

    Returns
    -------
    numpy.ndarray
        :math:`c(t)` (units of :math:`\\theta_d`), shape of ``t_ms``.

    References
    ----------
    M. Graupner, N. Brunel (2012). Calcium-based plasticity model explains sensitivity of
    synaptic changes to spike pattern, rate, and dendritic location. PNAS 109:3991-3996,
    doi:10.1073/pnas.1109359109.

    Examples
    --------
    >>> import numpy as np
    >>> p = GraupnerBrunel()
    >>> c = calcium_trace(p, np.array([0.0, 13.7, 20.0, 33.7]), [0.0], [20.0])
    >>> np.round(c, 4).tolist()  # pre calcium arrives at D = 13.7 ms; post spike at 20 ms
    [0.0, 1.0, 2.7298, 1.3761]
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

    Parameters
    ----------
    params
        The rule.
    dt_ms
        Timings :math:`\\Delta t = t_\\mathrm{post} - t_\\mathrm{pre}` (ms).
    theta
        Threshold (units of :math:`\\theta_d`).

    Returns
    -------
    numpy.ndarray
        :math:`T_\\theta` (ms), shape of ``dt_ms``.

    Examples
    --------
    >>> import numpy as np
    >>> p = GraupnerBrunel()
    >>> np.round(pair_time_above_ms(p, np.array([-100.0, 0.0, 10.0]), p.theta_p), 3).tolist()
    [8.616, 17.313, 18.036]
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


def _time_above_sorted(tau: float, times: np.ndarray, amps: np.ndarray,
                       theta: float) -> np.ndarray:
    """Exact time above ``theta`` of sum-of-exponential calcium, events sorted per row.

    ``times`` and ``amps`` have shape ``(m, E)``; returns shape ``(m,)``.
    """
    m, n_ev = times.shape
    total = np.zeros(m)
    c = np.zeros(m)
    for i in range(n_ev):
        if i > 0:
            c = c * np.exp(-(times[:, i] - times[:, i - 1]) / tau)
        c = c + amps[:, i]
        gap = times[:, i + 1] - times[:, i] if i + 1 < n_ev else np.full(m, np.inf)
        with np.errstate(divide="ignore"):
            above = tau * np.maximum(np.log(np.maximum(c, 1e-300) / theta), 0.0)
        total += np.minimum(gap, above)
    return total


def train_time_above_ms(params: GraupnerBrunel, pre_times_ms: Array, post_times_ms: Array,
                        theta: float) -> float:
    """Exact total time (ms) with :math:`c > \\theta` for given pre and post trains.

    Presynaptic calcium arrives ``D`` after each pre spike; see the module docstring.

    Parameters
    ----------
    params
        The rule.
    pre_times_ms, post_times_ms
        Spike times (ms).
    theta
        Threshold (units of :math:`\\theta_d`).

    Returns
    -------
    float
        Total time above ``theta`` (ms).

    Examples
    --------
    >>> p = GraupnerBrunel()
    >>> round(train_time_above_ms(p, [0.0], [10.0], p.theta_d), 4)
    23.2831
    >>> round(train_time_above_ms(p, [0.0], [], p.theta_d), 4)  # C_pre = theta_d: never above
    0.0
    """
    theta = _check_positive("theta", theta)
    pre = np.asarray(pre_times_ms, dtype=float).ravel() + params.delay_ms
    post = np.asarray(post_times_ms, dtype=float).ravel()
    times = np.concatenate([pre, post])
    if times.size == 0:
        return 0.0
    amps = np.concatenate([np.full(pre.size, params.c_pre), np.full(post.size,
                                                                     params.c_post)])
    order = np.argsort(times, kind="stable")
    return float(_time_above_sorted(params.tau_ca_ms, times[order][None, :],
                                    amps[order][None, :], theta)[0])


CalciumMode = Literal["exact", "periodic", "isolated"]


def pair_train_time_above_ms(params: GraupnerBrunel, dt_ms: Array, theta: float, *,
                             freq_hz: float, n_pairs: int = 1,
                             calcium: CalciumMode = "exact") -> np.ndarray:
    """Time (ms) with :math:`c > \\theta` of a pair protocol, per pair.

    ``n_pairs`` pairs at ``freq_hz`` (pre at :math:`k/f`, post at :math:`k/f + \\Delta t`),
    one value per timing in ``dt_ms``: the total time above divided by ``n_pairs``
    (``"exact"``), the time above in one period of the stationary periodic trace
    (``"periodic"``) or of one isolated pair (``"isolated"``). See the module docstring.

    Returns
    -------
    numpy.ndarray
        Time above ``theta`` per pair (ms), shape of ``dt_ms``.

    Examples
    --------
    >>> import numpy as np
    >>> p = GraupnerBrunel()
    >>> dt = np.array([10.0])
    >>> [round(float(pair_train_time_above_ms(p, dt, p.theta_d, freq_hz=f, n_pairs=60)[0]), 3)
    ...  for f in (1.0, 20.0)]  # at 20 Hz calcium of consecutive pairs adds up
    [23.283, 24.965]
    """
    theta = _check_positive("theta", theta)
    period = 1000.0 / _check_positive("freq_hz", freq_hz)
    if n_pairs < 1:
        raise ParameterError("n_pairs", "must be >= 1", n_pairs)
    dt = np.asarray(dt_ms, dtype=float)
    tau = params.tau_ca_ms
    if calcium == "isolated":
        return pair_time_above_ms(params, dt, theta)
    if calcium == "periodic":
        # offsets within a period of the post spike and the pre calcium
        o_post = np.mod(dt, period)
        o_pre = np.mod(params.delay_ms, period) + 0.0 * dt
        first_post = o_post <= o_pre
        a1 = np.where(first_post, params.c_post, params.c_pre)
        a2 = np.where(first_post, params.c_pre, params.c_post)
        g = np.abs(o_pre - o_post)
        norm = 1.0 - math.exp(-period / tau)
        c1 = (a1 + a2 * np.exp(-(period - g) / tau)) / norm
        c2 = (a2 + a1 * np.exp(-g / tau)) / norm
        with np.errstate(divide="ignore"):
            t1 = np.minimum(g, tau * np.maximum(np.log(np.maximum(c1, 1e-300) / theta), 0))
            t2 = np.minimum(period - g,
                            tau * np.maximum(np.log(np.maximum(c2, 1e-300) / theta), 0))
        return t1 + t2
    if calcium != "exact":
        raise ParameterError("calcium", "must be 'exact', 'periodic' or 'isolated'",
                             calcium)
    flat = dt.ravel()
    onsets = np.arange(n_pairs) * period
    pre = np.broadcast_to(onsets + params.delay_ms, (flat.size, n_pairs))
    post = onsets[None, :] + flat[:, None]
    times = np.concatenate([pre, post], axis=1)
    amps = np.concatenate([np.full((flat.size, n_pairs), params.c_pre),
                           np.full((flat.size, n_pairs), params.c_post)], axis=1)
    order = np.argsort(times, axis=1, kind="stable")
    total = _time_above_sorted(tau, np.take_along_axis(times, order, axis=1),
                               np.take_along_axis(amps, order, axis=1), theta)
    return (total / n_pairs).reshape(dt.shape)


# -- theory -----------------------------------------------------------------------------


def strength_change(params: GraupnerBrunel, p_up: Array, p_down: Array) -> np.ndarray:
    """Ratio of mean synaptic weight after / before, from U and D (see module docstring).

    Parameters
    ----------
    params
        The rule (``beta`` and ``b`` enter).
    p_up, p_down
        Probabilities :math:`U` (DOWN to UP) and :math:`D_\\downarrow` (UP to DOWN).

    Returns
    -------
    numpy.ndarray
        :math:`w_\\mathrm{after} / w_\\mathrm{before}`.

    References
    ----------
    M. Graupner, N. Brunel (2012). Calcium-based plasticity model explains sensitivity of
    synaptic changes to spike pattern, rate, and dendritic location. PNAS 109:3991-3996,
    doi:10.1073/pnas.1109359109.

    Examples
    --------
    >>> p = GraupnerBrunel()  # beta = 0.5, b = 5
    >>> float(strength_change(p, 0.0, 0.0)), round(float(strength_change(p, 1.0, 0.0)), 4)
    (1.0, 1.6667)
    """
    u = np.asarray(p_up, dtype=float)
    d = np.asarray(p_down, dtype=float)
    beta, b = params.beta, params.b
    after = (1 - u) * beta + d * (1 - beta) + b * (u * beta + (1 - d) * (1 - beta))
    return after / (beta + (1 - beta) * b)


def pair_protocol_theory(params: GraupnerBrunel, dt_ms: Array, *, n_pairs: int = 60,
                         freq_hz: float = 1.0, pairs_per_burst: int | None = None,
                         calcium: CalciumMode = "exact") -> PairProtocolTheory:
    """Analytic result of ``n_pairs`` pairs at ``freq_hz`` for each timing in ``dt_ms``.

    ``dt = t_post - t_pre`` (ms). ``pairs_per_burst``: the pairs come in trains of this
    many at ``freq_hz``, far apart (``None``: one train). ``calcium``: how the fractions
    of time above threshold are computed (module docstring; at 1 Hz all agree). See the
    module docstring for the equations.

    Returns
    -------
    PairProtocolTheory
        Fractions of time above threshold, OU parameters (``tau_eff_s`` in s), transition
        probabilities ``p_up`` / ``p_down`` and ``change`` (:math:`w_\\mathrm{after} /
        w_\\mathrm{before}`), one entry per timing.

    References
    ----------
    M. Graupner, N. Brunel (2012). Calcium-based plasticity model explains sensitivity of
    synaptic changes to spike pattern, rate, and dendritic location. PNAS 109:3991-3996,
    doi:10.1073/pnas.1109359109.

    Examples
    --------
    >>> import numpy as np
    >>> th = pair_protocol_theory(GraupnerBrunel(), np.array([-20.0, 0.0, 20.0]))
    >>> np.round(th.p_up, 3).tolist(), np.round(th.change, 3).tolist()
    ([0.244, 0.487, 0.585], [0.764, 1.008, 1.172])
    """
    if n_pairs < 1:
        raise ParameterError("n_pairs", "must be >= 1", n_pairs)
    per = n_pairs if pairs_per_burst is None else int(pairs_per_burst)
    if per < 1 or n_pairs % per:
        raise ParameterError("pairs_per_burst", f"must be >= 1 and divide n_pairs = "
                             f"{n_pairs}", pairs_per_burst)
    period_ms = 1000.0 / _check_positive("freq_hz", freq_hz)
    a_d = pair_train_time_above_ms(params, dt_ms, params.theta_d, freq_hz=freq_hz,
                                   n_pairs=per, calcium=calcium) / period_ms
    a_p = pair_train_time_above_ms(params, dt_ms, params.theta_p, freq_hz=freq_hz,
                                   n_pairs=per, calcium=calcium) / period_ms
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
    """State with no calcium and efficacy ``rho0`` (any shape).

    Parameters
    ----------
    params
        The rule.
    rho0
        Initial efficacies (dimensionless; 0 is DOWN, 1 is UP).

    Returns
    -------
    GBState
        ``c = 0`` and ``rho = rho0``.

    Examples
    --------
    >>> import numpy as np
    >>> gb_init(GraupnerBrunel(), np.array([0.5])).c.tolist()
    [0.0]
    """
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

    References
    ----------
    M. Graupner, N. Brunel (2012). Calcium-based plasticity model explains sensitivity of
    synaptic changes to spike pattern, rate, and dendritic location. PNAS 109:3991-3996,
    doi:10.1073/pnas.1109359109.

    Examples
    --------
    >>> import numpy as np
    >>> p = GraupnerBrunel()
    >>> s = gb_init(p, np.array([0.5]))
    >>> s = gb_step(p, s, np.array([False]), np.array([True]), 0.1)  # post spike
    >>> round(float(s.c[0]), 4), round(float(s.rho[0]), 6)  # above theta_p: rho grows
    (1.99, 0.500041)
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

    References
    ----------
    M. Graupner, N. Brunel (2012). Calcium-based plasticity model explains sensitivity of
    synaptic changes to spike pattern, rate, and dendritic location. PNAS 109:3991-3996,
    doi:10.1073/pnas.1109359109.

    Examples
    --------
    >>> import numpy as np
    >>> rho = simulate_pair_protocol(GraupnerBrunel(), np.array([-50.0, 10.0]), np.zeros(4),
    ...                              np.random.default_rng(0), n_pairs=3)
    >>> rho.shape, np.round(rho.mean(axis=1), 2).tolist()
    ((2, 4), [0.08, 0.11])
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
    any_active = cast(np.ndarray, hd.any(axis=(0, 2)))  # (n_win,): axes 0 and 2 reduced
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


def _train_events(params: GraupnerBrunel, dts: np.ndarray, per: int,
                  period: float) -> tuple[np.ndarray, np.ndarray]:
    """Calcium events of one train of ``per`` pairs, one row per timing, sorted in time.

    Returns the event times (ms) and :math:`c` just after each event, with
    :math:`c(t) = \\sum_k A_k e^{-(t - t_k)/\\tau_{Ca}}` (``A`` = ``c_pre`` for a
    presynaptic spike, delayed by ``delay_ms``, ``c_post`` for a postsynaptic one).
    """
    tau = params.tau_ca_ms
    onsets = np.arange(per) * period
    times = np.concatenate([np.broadcast_to(onsets + params.delay_ms, (dts.size, per)),
                            onsets[None, :] + dts[:, None]], axis=1)
    amps = np.concatenate([np.full((dts.size, per), params.c_pre),
                           np.full((dts.size, per), params.c_post)], axis=1)
    order = np.argsort(times, axis=1, kind="stable")
    times = np.take_along_axis(times, order, axis=1)
    amps = np.take_along_axis(amps, order, axis=1)
    after = np.empty_like(times)  # c just after each event
    c = np.zeros(dts.size)
    for i in range(times.shape[1]):
        if i > 0:
            c = c * np.exp(-(times[:, i] - times[:, i - 1]) / tau)
        c = c + amps[:, i]
        after[:, i] = c
    return times, after


def _active_steps(params: GraupnerBrunel, times: np.ndarray, after: np.ndarray,
                  h_ms: float) -> tuple[np.ndarray, np.ndarray]:
    """Candidate steps of the grid :math:`t_j = t_0 + j h`, and calcium there.

    The candidates are where some timing may have :math:`c > \\theta_d`; calcium has
    one row per timing.

    A step is a candidate after each event for :math:`\\tau_{Ca} \\ln(c/\\theta_d)`,
    with one point of margin each side against rounding; calcium at the candidates
    (exact: the value after the last event, decayed) decides. ``t_0`` is the first
    event of the train.
    """
    tau = params.tau_ca_ms
    n_t = times.shape[0]
    start = float(times.min())
    with np.errstate(divide="ignore"):
        above = tau * np.maximum(np.log(np.maximum(after, 1e-300) / params.theta_d), 0.0)
    # one point of margin each side against rounding; c decides below
    lo = np.ceil((times - start) / h_ms).astype(np.int64) - 1
    hi = np.floor((times + above - start) / h_ms).astype(np.int64) + 1
    lo = np.maximum(lo, 0)
    keep = above > 0
    cand = (np.unique(np.concatenate([np.arange(u, v + 1) for u, v in
                                      zip(lo[keep], hi[keep], strict=True)]))
            if keep.any() else np.zeros(0, dtype=np.int64))
    if n_t * cand.size > 50_000_000:
        raise ParameterError("step_ms", f"{cand.size} active steps per timing: too many "
                             "for memory; use a larger step", h_ms)
    grid = start + h_ms * cand
    cg = np.empty((n_t, cand.size))
    for r in range(n_t):
        idx = np.searchsorted(times[r], grid, side="right") - 1
        lag = grid - times[r, np.maximum(idx, 0)]
        cg[r] = np.where(idx >= 0, after[r, np.maximum(idx, 0)] * np.exp(-lag / tau), 0.0)
    return cand, cg


def simulate_pair_train(params: GraupnerBrunel, dt_ms: Array, rho0: Array,
                        rng: np.random.Generator, *, n_pairs: int = 60,
                        freq_hz: float = 1.0, pairs_per_burst: int | None = None,
                        burst_interval_ms: float = 10_000.0, step_ms: float = 0.1,
                        bistable: bool = True, quiet_step_ms: float = 10.0) -> np.ndarray:
    """Euler-Maruyama simulation of :math:`\\rho` during a pair protocol at any frequency.

    Unlike :func:`simulate_pair_protocol`, calcium of consecutive pairs may overlap: the
    pairs come in trains of ``pairs_per_burst`` (``None``: one train of ``n_pairs``) at
    ``freq_hz``, trains start ``burst_interval_ms`` apart.

    Parameters
    ----------
    dt_ms
        1-D timings ``t_post - t_pre`` (ms).
    rho0
        1-D initial efficacies of the synapses (the same for every timing).
    rng
        Explicit generator for the noise.
    step_ms
        Euler-Maruyama step where calcium is above ``theta_d`` for some timing.
    bistable
        Include the cubic drift (``False``: the pure OU process of the theory).
    quiet_step_ms
        Largest Euler step of the deterministic cubic drift where calcium is below
        ``theta_d`` for every timing (no plasticity, no noise).

    Returns
    -------
    Final :math:`\\rho`, shape ``(len(dt_ms), len(rho0))``.

    Notes
    -----
    Calcium is exact at the grid points (the value just after the last calcium event,
    decayed), evaluated at the left end of each step of ``step_ms`` on a grid starting
    at the first event of a train. Only the steps where some timing has
    :math:`c > \\theta_d` are simulated with ``step_ms`` (and the noise); the time between
    them, and between trains, only has the deterministic cubic drift. The grid of one
    train is the same for every train.

    References
    ----------
    M. Graupner, N. Brunel (2012). Calcium-based plasticity model explains sensitivity of
    synaptic changes to spike pattern, rate, and dendritic location. PNAS 109:3991-3996,
    doi:10.1073/pnas.1109359109.

    Examples
    --------
    >>> import numpy as np
    >>> rho = simulate_pair_train(GraupnerBrunel(), np.array([10.0]), np.zeros(3),
    ...                           np.random.default_rng(0), n_pairs=3, freq_hz=20.0)
    >>> rho.shape, np.round(rho, 2).tolist()
    ((1, 3), [[-0.12, 0.21, 0.04]])
    """
    dts = np.atleast_1d(np.asarray(dt_ms, dtype=float))
    r0 = np.atleast_1d(np.asarray(rho0, dtype=float))
    if dts.ndim != 1 or r0.ndim != 1:
        raise ParameterError("dt_ms", "dt_ms and rho0 must be 1-D")
    if n_pairs < 1:
        raise ParameterError("n_pairs", "must be >= 1", n_pairs)
    per = n_pairs if pairs_per_burst is None else int(pairs_per_burst)
    if per < 1 or n_pairs % per:
        raise ParameterError("pairs_per_burst", f"must be >= 1 and divide n_pairs = "
                             f"{n_pairs}", pairs_per_burst)
    n_bursts = n_pairs // per
    h_ms = _check_positive("step_ms", step_ms)
    q_ms = _check_positive("quiet_step_ms", quiet_step_ms)
    period = 1000.0 / _check_positive("freq_hz", freq_hz)
    times, after = _train_events(params, dts, per, period)
    cand, cg = _active_steps(params, times, after, h_ms)
    on = (cg > params.theta_d).any(axis=0)
    cand, cg = cand[on], cg[:, on]
    n_grid = int(cand[-1]) + 2 if cand.size else 1
    train_ms = n_grid * h_ms
    if n_bursts > 1 and burst_interval_ms < train_ms:
        raise ParameterError("burst_interval_ms", f"must be >= the train's calcium "
                             f"window {train_ms:.1f} ms", burst_interval_ms)
    hd = (cg > params.theta_d).astype(float)[:, :, None]
    hp = (cg > params.theta_p).astype(float)[:, :, None]
    amp = np.sqrt(hd + hp)
    h = h_ms / 1000.0 / params.tau_s
    noise_scale = params.sigma * math.sqrt(h)
    zero = np.zeros((1, 1))

    def quiet(rho: np.ndarray, length_ms: float) -> np.ndarray:
        if not bistable or length_ms <= 0:
            return rho
        n_q = math.ceil(length_ms / q_ms - 1e-9)
        hq = length_ms / n_q / 1000.0 / params.tau_s
        for _ in range(n_q):
            rho = rho + hq * _drift(params, rho, zero, zero, True)
        return rho

    rho = np.broadcast_to(r0, (dts.size, r0.size)).copy()
    for b in range(n_bursts):
        last = -1
        for k, j in enumerate(cand):
            rho = quiet(rho, (j - last - 1) * h_ms)
            rho = rho + h * _drift(params, rho, hd[:, k], hp[:, k], bistable)
            rho = rho + noise_scale * amp[:, k] * rng.standard_normal(rho.shape)
            last = j
        rho = quiet(rho, (n_grid - last - 1) * h_ms)
        if b + 1 < n_bursts:
            rho = quiet(rho, burst_interval_ms - train_ms)
        if not np.all(np.isfinite(rho)):
            raise SimulationError("rho", (b + 1) * n_grid, "non-finite value")
    return rho
