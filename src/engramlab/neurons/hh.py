r"""The Hodgkin-Huxley (1952) model of the squid giant axon membrane.

A space-clamped patch of membrane with a sodium, a potassium and a leak conductance
(Hodgkin & Huxley 1952, J. Physiol. 117:500, doi:10.1113/jphysiol.1952.sp004764):

.. math::

    C_m \frac{dV}{dt} = -\bar g_{Na} m^3 h (V - E_{Na}) - \bar g_K n^4 (V - E_K)
                        - g_L (V - E_L) + I,

    \frac{dx}{dt} = \alpha_x(V) (1 - x) - \beta_x(V) x, \qquad x \in \{m, h, n\},

with the rate functions of the paper (eqs. 12, 13, 20, 21, 23, 24, at 6.3 °C), written
in the modern convention (V is the inside potential, rest at -65 mV; HH measured the
displacement from rest with the opposite sign), V in mV, rates in 1/ms:

.. math::

    \alpha_m = \frac{0.1 (V + 40)}{1 - e^{-(V + 40)/10}}, \quad
    \beta_m = 4 e^{-(V + 65)/18}, \quad
    \alpha_h = 0.07 e^{-(V + 65)/20}, \quad
    \beta_h = \frac{1}{1 + e^{-(V + 35)/10}},

    \alpha_n = \frac{0.01 (V + 55)}{1 - e^{-(V + 55)/10}}, \quad
    \beta_n = 0.125 e^{-(V + 65)/80} .

:math:`\alpha_m` and :math:`\alpha_n` have removable singularities at -40 and -55 mV
(limits 1 and 0.1 per ms); :func:`hh_rates` evaluates them exactly there.

Integration (:func:`hh_step`) is exponential Euler (e.g. Dayan & Abbott 2001,
*Theoretical Neuroscience*, ch. 5.6): each gate is advanced exactly for the potential
frozen over the step, :math:`x \leftarrow x_\infty + (x - x_\infty) e^{-(\alpha_x +
\beta_x) dt}`; then V is advanced exactly for the new conductances frozen over the
step, :math:`V \leftarrow V_\infty + (V - V_\infty) e^{-G\, dt / C_m}` with the total
conductance :math:`G` and :math:`V_\infty = (\sum_k g_k E_k + I) / G`. The scheme is
stable for any step but first-order accurate; use ``dt`` at most half of
:func:`hh_fastest_time_constant_ms`.

Examples
--------
>>> p = HodgkinHuxley()
>>> round(hh_resting_potential_mv(p), 3)
-64.996
>>> [round(float(x), 12) for x in hh_rates(-40.0)[:1] + hh_rates(-55.0)[4:5]]
[1.0, 0.1]
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from engramlab.core.arrays import namespace
from engramlab.core.params import Params, param
from engramlab.neurons.lif import as_input, check_finite

__all__ = [
    "HHState",
    "HodgkinHuxley",
    "hh_fastest_time_constant_ms",
    "hh_gate_step",
    "hh_init",
    "hh_ionic_current",
    "hh_rates",
    "hh_rates_with",
    "hh_resting_potential_mv",
    "hh_steady_state",
    "hh_step",
    "vtrap_scalar",
]

Array = Any

_HH = ("Hodgkin & Huxley 1952, J Physiol 117:500, doi:10.1113/jphysiol.1952.sp004764 "
       "(constants of the squid axon membrane at 6.3 C)")
_HH_SHIFTED = _HH + "; HH's value relative to rest, shifted to a -65 mV rest (modern sign)"

#: Below this |u|, u / (1 - exp(-u)) is evaluated by its Taylor series 1 + u / 2
#: (the next term, u^2 / 12, is below 1e-13).
_TAYLOR = 1e-6


class HodgkinHuxley(Params):
    """Parameters of the Hodgkin-Huxley squid axon membrane.

    Defaults: Hodgkin & Huxley (1952), J. Physiol. 117:500 (the constants of the squid
    axon membrane at 6.3 °C), with potentials shifted to a resting potential of -65 mV
    in the modern sign convention (E_Na = -65 + 115, E_K = -65 - 12,
    E_L = -65 + 10.613 mV).

    ``area_um2`` is a convention chosen here, not a value from the paper: the model is
    a current density, and input currents in pA are converted to µA/cm² through this
    membrane area (1 µA/cm² = 100 pA at the default 10 000 µm²).

    References
    ----------
    A. L. Hodgkin, A. F. Huxley (1952). A quantitative description of membrane current
    and its application to conduction and excitation in nerve. J. Physiol. 117:500-544,
    doi:10.1113/jphysiol.1952.sp004764.

    Examples
    --------
    >>> p = HodgkinHuxley()
    >>> p.g_na_ms_cm2, p.g_k_ms_cm2, p.e_na_mv, p.e_k_mv  # mS/cm2, mV
    (120.0, 36.0, 50.0, -77.0)
    >>> p.pa_to_ua_cm2  # 100 pA is 1 uA/cm2 on 10 000 um2
    0.01
    """

    c_m_uf_cm2: float = param(1.0, unit="uF/cm2", gt=0.0, doc="Membrane capacitance C_m.",
                              source=_HH)
    g_na_ms_cm2: float = param(120.0, unit="mS/cm2", ge=0.0,
                               doc="Maximal sodium conductance g_Na.", source=_HH)
    g_k_ms_cm2: float = param(36.0, unit="mS/cm2", ge=0.0,
                              doc="Maximal potassium conductance g_K.", source=_HH)
    g_l_ms_cm2: float = param(0.3, unit="mS/cm2", gt=0.0, doc="Leak conductance g_L.",
                              source=_HH)
    e_na_mv: float = param(50.0, unit="mV", ge=-200.0, le=200.0,
                           doc="Sodium reversal potential E_Na.", source=_HH_SHIFTED)
    e_k_mv: float = param(-77.0, unit="mV", ge=-200.0, le=200.0,
                          doc="Potassium reversal potential E_K.", source=_HH_SHIFTED)
    e_l_mv: float = param(-54.387, unit="mV", ge=-200.0, le=200.0,
                          doc="Leak reversal potential E_L.", source=_HH_SHIFTED)
    v_spike_mv: float = param(0.0, unit="mV", ge=-100.0, le=100.0,
                              doc="A spike is an upward crossing of this potential.",
                              source="chosen: well above any subthreshold response "
                                     "and below the +35 to +50 mV peak of the spike")
    area_um2: float = param(10_000.0, unit="um2", gt=0.0,
                            doc="Membrane area converting input currents in pA to uA/cm2.",
                            source="convention chosen here (not from the paper): "
                                   "1 uA/cm2 = 100 pA at 10 000 um2")

    @property
    def pa_to_ua_cm2(self) -> float:
        """Factor converting a current in pA into a density in µA/cm² (``100 / area_um2``)."""
        return 100.0 / self.area_um2


class HHState(NamedTuple):
    """State of a population of Hodgkin-Huxley neurons (arrays of shape ``(n,)``).

    Examples
    --------
    >>> s = hh_init(HodgkinHuxley(), 1)
    >>> s._fields
    ('v', 'm', 'h', 'n', 'spike')
    >>> [round(float(x[0]), 4) for x in (s.v, s.m, s.h, s.n)]  # mV, then the gates
    [-64.9964, 0.053, 0.596, 0.3177]
    """

    v: Array
    """Membrane potential (mV)."""
    m: Array
    """Sodium activation (1)."""
    h: Array
    """Sodium inactivation (1)."""
    n: Array
    """Potassium activation (1)."""
    spike: Array
    """Whether V crossed ``v_spike_mv`` upwards during the last step (bool)."""


def _vtrap(u: Array, xp: Any) -> Array:
    """:math:`u / (1 - e^{-u})`, exact (limit 1) at u = 0."""
    small = xp.abs(u) < _TAYLOR
    safe = xp.where(small, 1.0, u)
    return xp.where(small, 1.0 + u / 2.0, safe / -xp.expm1(-safe))


def vtrap_scalar(u: float) -> float:
    """:func:`_vtrap` for one float (plain arithmetic: the network loop compiles it).

    .. math::

        \\mathrm{vtrap}(u) = \\frac{u}{1 - e^{-u}}, \\qquad \\mathrm{vtrap}(0) = 1 .

    Parameters
    ----------
    u
        The argument (dimensionless).

    Returns
    -------
    float
        :math:`u / (1 - e^{-u})`, with its Taylor expansion :math:`1 + u/2` near 0.

    Examples
    --------
    >>> vtrap_scalar(0.0), round(vtrap_scalar(1.0), 6), round(vtrap_scalar(-1.0), 6)
    (1.0, 1.581977, 0.581977)
    """
    if abs(u) < _TAYLOR:
        return 1.0 + u / 2.0
    return u / -math.expm1(-u)


def hh_rates_with(v: Any, exp: Callable[[Any], Any],
                  vtrap: Callable[[Any], Any]) -> tuple[Any, ...]:
    """The six rate functions (1/ms) at ``v`` (mV), for any elementwise ``exp``.

    Written once: ``vtrap`` is :math:`u / (1 - e^{-u})`. :func:`hh_rates` calls it on
    arrays (``xp.exp``); the network loop compiles it per neuron with ``math.exp`` and
    :func:`vtrap_scalar`.

    Parameters
    ----------
    v
        Membrane potential (mV).
    exp
        Elementwise exponential (``math.exp``, ``numpy.exp``, ...).
    vtrap
        Elementwise :math:`u / (1 - e^{-u})`.

    Returns
    -------
    tuple
        ``(alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n)`` in 1/ms.

    Examples
    --------
    >>> import math
    >>> rates = hh_rates_with(-65.0, math.exp, vtrap_scalar)
    >>> [round(r, 4) for r in rates]
    [0.2236, 4.0, 0.07, 0.0474, 0.0582, 0.125]
    """
    am = vtrap((v + 40.0) / 10.0)
    bm = 4.0 * exp(-(v + 65.0) / 18.0)
    ah = 0.07 * exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (1.0 + exp(-(v + 35.0) / 10.0))
    an = 0.1 * vtrap((v + 55.0) / 10.0)
    bn = 0.125 * exp(-(v + 65.0) / 80.0)
    return am, bm, ah, bh, an, bn


def hh_gate_step(x: Any, alpha: Any, beta: Any, dt_ms: float,
                 exp: Callable[[Any], Any]) -> Any:
    r"""Gate ``x`` after ``dt_ms`` at rates frozen over the step (exact).

    :math:`x_\infty + (x - x_\infty) e^{-(\alpha + \beta)\, dt}`; used by
    :func:`hh_step` (``xp.exp``) and compiled into the network loop.

    Parameters
    ----------
    x
        Gate value(s) at the start of the step (dimensionless, in [0, 1]).
    alpha, beta
        Opening and closing rates (1/ms).
    dt_ms
        Step (ms).
    exp
        Elementwise exponential.

    Returns
    -------
    same as ``x``
        The gate at the end of the step.

    Examples
    --------
    >>> import math
    >>> round(hh_gate_step(0.0, 1.0, 1.0, 0.5, math.exp), 6)  # 0.5 (1 - e^-1)
    0.31606
    """
    k = alpha + beta
    x_inf = alpha / k
    return x_inf + (x - x_inf) * exp(-k * dt_ms)


def _array(v: Any, xp: Any) -> tuple[Array, Any]:
    if xp is None:
        try:
            xp = namespace(v)
        except TypeError:
            xp = namespace(np.asarray(0.0))
            v = np.asarray(v, dtype=np.float64)
    return v, xp


def hh_rates(v: Any, xp: Any = None) -> tuple[Array, ...]:
    """The six Hodgkin-Huxley rate functions (1/ms) at potential ``v`` (mV).

    Returns ``(alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n)`` (equations in the
    module docstring), in the array namespace of ``v`` (NumPy for Python numbers)
    unless ``xp`` is given.

    Examples
    --------
    >>> [round(float(r), 4) for r in hh_rates(-65.0)]
    [0.2236, 4.0, 0.07, 0.0474, 0.0582, 0.125]
    >>> hh_rates([-40.0, -55.0])[0].round(4).tolist()  # alpha_m at its removable singularity
    [1.0, 0.4308]
    """
    v, xp = _array(v, xp)
    return hh_rates_with(v, xp.exp, lambda u: _vtrap(u, xp))


def hh_steady_state(v: Any, xp: Any = None) -> tuple[Array, Array, Array]:
    r"""Steady-state gates :math:`x_\infty = \alpha_x / (\alpha_x + \beta_x)` at ``v`` (mV).

    Returned as ``(m, h, n)``.

    Examples
    --------
    >>> [round(float(x), 4) for x in hh_steady_state(-65.0)]  # m, h, n at rest
    [0.0529, 0.5961, 0.3177]
    """
    am, bm, ah, bh, an, bn = hh_rates(v, xp)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


@functools.cache
def _fastest_tau_ms() -> float:
    v = np.linspace(-100.0, 60.0, 16_001)  # 0.01 mV grid
    am, bm, ah, bh, an, bn = hh_rates(v)
    return float(min(np.min(1.0 / (am + bm)), np.min(1.0 / (ah + bh)),
                     np.min(1.0 / (an + bn))))


def hh_fastest_time_constant_ms(params: HodgkinHuxley) -> float:
    r"""The fastest gating time constant :math:`\min_V 1 / (\alpha_x + \beta_x)` (ms).

    The minimum over V in [-100, 60] mV and x in {m, h, n}: 0.0357 ms, the sodium
    activation at -100 mV. A step ``dt`` should be at most half of it.

    ``params`` is taken for the future (a temperature factor would change it); the
    rates of the 1952 paper do not depend on the other parameters.

    Examples
    --------
    >>> round(hh_fastest_time_constant_ms(HodgkinHuxley()), 4)
    0.0357
    """
    del params
    return _fastest_tau_ms()


def hh_ionic_current(params: HodgkinHuxley, v: Any, m: Any, h: Any, n: Any) -> Array:
    """Total ionic current density (µA/cm², outward positive) at ``(v, m, h, n)``.

    .. math::

        I_{ion} = \\bar g_{Na} m^3 h (V - E_{Na}) + \\bar g_K n^4 (V - E_K) + g_L (V - E_L)

    Parameters
    ----------
    params
        The membrane parameters.
    v
        Membrane potential (mV).
    m, h, n
        Gate values (dimensionless).

    Returns
    -------
    array
        Current density (µA/cm²).

    Examples
    --------
    >>> p = HodgkinHuxley()
    >>> v = hh_resting_potential_mv(p)
    >>> abs(float(hh_ionic_current(p, v, *hh_steady_state(v)))) < 1e-9  # zero at rest
    True
    """
    return (params.g_na_ms_cm2 * m**3 * h * (v - params.e_na_mv)
            + params.g_k_ms_cm2 * n**4 * (v - params.e_k_mv)
            + params.g_l_ms_cm2 * (v - params.e_l_mv))


def hh_resting_potential_mv(params: HodgkinHuxley) -> float:
    """The resting potential (mV).

    The V at which the ionic current with every gate at steady state vanishes (Brent's
    method in [-100, -40] mV; -64.996 mV for the defaults).

    Parameters
    ----------
    params
        The membrane parameters.

    Returns
    -------
    float
        The resting potential (mV).

    Examples
    --------
    >>> round(hh_resting_potential_mv(HodgkinHuxley()), 3)
    -64.996
    """

    def current(v: float) -> float:
        m, h, n = hh_steady_state(v)
        return float(hh_ionic_current(params, v, m, h, n))

    from scipy import optimize  # here: scipy.optimize costs 0.2 s to import

    return float(optimize.brentq(current, -100.0, -40.0, xtol=1e-12))


def hh_init(params: HodgkinHuxley, n: int, *, v0: Any = None, xp: Any = np) -> HHState:
    """``n`` neurons at ``v0`` with every gate at its steady state for ``v0``.

    Parameters
    ----------
    params
        The neuron parameters.
    n
        Number of neurons.
    v0
        Initial potential(s) in mV: a number or an array of shape ``(n,)``; default
        the resting potential.
    xp
        Array namespace of the state (NumPy by default).

    Returns
    -------
    HHState
        ``v`` (mV), gates ``m``, ``h``, ``n`` at steady state, ``spike`` all False.

    Examples
    --------
    >>> s = hh_init(HodgkinHuxley(), 2, v0=[-65.0, -60.0])
    >>> s.m.round(4).tolist()
    [0.0529, 0.0936]
    """
    zeros = xp.zeros((n,), dtype=xp.float64)
    v = zeros + (hh_resting_potential_mv(params) if v0 is None else as_input(v0, zeros))
    m, h, g = hh_steady_state(v)
    return HHState(v=v, m=m, h=h, n=g, spike=xp.zeros((n,), dtype=xp.bool))


def hh_step(params: HodgkinHuxley, state: HHState, i_pa: Any, dt_ms: float, *,
            step_index: int = -1) -> HHState:
    """Advance Hodgkin-Huxley neurons by ``dt_ms`` (exponential Euler, module docstring).

    Parameters
    ----------
    params
        The neuron parameters.
    state
        The state at the start of the step.
    i_pa
        Injected current (pA, inward positive, depolarising), a number or an array
        broadcastable to ``(n,)``; converted to µA/cm² through ``params.area_um2``.
    dt_ms
        Step (ms).
    step_index
        The step number, used only in the error message.

    Raises
    ------
    SimulationError
        If the membrane potential becomes NaN or infinite.

    Examples
    --------
    >>> p = HodgkinHuxley()
    >>> s, n_spikes = hh_init(p, 1), 0
    >>> for _ in range(500):  # 10 ms at 0.02 ms, 1000 pA = 10 uA/cm2
    ...     s = hh_step(p, s, 1000.0, 0.02)
    ...     n_spikes += int(s.spike[0])
    >>> n_spikes
    1
    """
    v = state.v
    xp = namespace(v)
    dt = float(dt_ms)
    am, bm, ah, bh, an, bn = hh_rates(v, xp)
    m, h, n = (hh_gate_step(x, a, b, dt, xp.exp)
               for x, a, b in ((state.m, am, bm), (state.h, ah, bh), (state.n, an, bn)))
    g_na = params.g_na_ms_cm2 * m**3 * h
    g_k = params.g_k_ms_cm2 * n**4
    g_total = g_na + g_k + params.g_l_ms_cm2
    i_density = as_input(i_pa, v) * params.pa_to_ua_cm2
    v_inf = (g_na * params.e_na_mv + g_k * params.e_k_mv
             + params.g_l_ms_cm2 * params.e_l_mv + i_density) / g_total
    v_new = v_inf + (v - v_inf) * xp.exp(-g_total * (dt / params.c_m_uf_cm2))
    check_finite("v", v_new, step_index)
    spike = (v < params.v_spike_mv) & (v_new >= params.v_spike_mv)
    return HHState(v=v_new, m=m, h=h, n=n, spike=spike)
