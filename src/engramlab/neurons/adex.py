r"""The adaptive exponential integrate-and-fire (AdEx) neuron.

Brette & Gerstner (2005), J. Neurophysiol. 94:3637, doi:10.1152/jn.00686.2005:

.. math::

    C_m \frac{dV}{dt} = -g_L (V - E_L) + g_L \Delta_T e^{(V - V_T)/\Delta_T} - w + I,

    \tau_w \frac{dw}{dt} = a (V - E_L) - w .

When V reaches :math:`V_{peak}` the neuron fires: :math:`V \to V_{reset}`,
:math:`w \to w + b`, and V is held at :math:`V_{reset}` for :math:`t_{ref}` (0 in the
paper). The spike-triggered increment b and the subthreshold coupling a make the
interspike intervals grow under a constant current (spike-frequency adaptation).

Integration (:func:`adex_step`) is exponential Euler: over one step the exponential
term and w are frozen, so V relaxes exactly towards
:math:`V_\infty = E_L + (g_L \Delta_T e^{(V - V_T)/\Delta_T} - w + I) / g_L` with
:math:`\tau_m = C_m / g_L`; likewise w relaxes exactly towards :math:`a (V - E_L)` with
V frozen. The argument of the exponential is capped at
:math:`(V_{peak} - V_T) / \Delta_T`, its value at the spike cut-off, so it cannot
overflow (the cap only binds at or above :math:`V_{peak}`, where the neuron fires).
The scheme is first-order accurate; 0.1 ms or less is a reasonable step.

Examples
--------
>>> import numpy as np
>>> p = AdEx()
>>> s = adex_init(p, 1)
>>> n_spikes = 0
>>> for _ in range(2000):  # 200 ms at 0.1 ms, 1 nA
...     s = adex_step(p, s, 1000.0, 0.1)
...     n_spikes += int(s.spike[0])
>>> n_spikes > 5
True
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from pydantic import model_validator

from engramlab.core.arrays import namespace
from engramlab.core.params import Params, param
from engramlab.neurons.lif import as_input, check_finite, order_error

__all__ = ["AdEx", "AdExState", "adex_init", "adex_step"]

Array = Any

_BG = ("Brette & Gerstner 2005, J Neurophysiol 94:3637, doi:10.1152/jn.00686.2005, "
       "Table 1 (the pyramidal cell model)")


class AdEx(Params):
    """Parameters of the adaptive exponential integrate-and-fire neuron.

    Defaults: the pyramidal cell model of Brette & Gerstner (2005, J. Neurophysiol.
    94:3637, doi:10.1152/jn.00686.2005, Table 1), reset at rest, with the spike cut at
    :math:`V_{peak} = V_T + 5 \\Delta_T` (a convention chosen here); it adapts under a
    current step.

    References
    ----------
    R. Brette, W. Gerstner (2005). Adaptive exponential integrate-and-fire model as an
    effective description of neuronal activity. J. Neurophysiol. 94:3637-3642,
    doi:10.1152/jn.00686.2005 (Table 1).

    Examples
    --------
    >>> p = AdEx()
    >>> round(p.tau_m_ms, 3), p.a_ns, p.b_pa  # ms, nS, pA
    (9.367, 4.0, 80.5)
    """

    c_m_pf: float = param(281.0, unit="pF", gt=0.0, doc="Membrane capacitance C_m.",
                          source=_BG)
    g_l_ns: float = param(30.0, unit="nS", gt=0.0, doc="Leak conductance g_L.", source=_BG)
    e_l_mv: float = param(-70.6, unit="mV", ge=-150.0, le=50.0,
                          doc="Leak reversal potential E_L.", source=_BG)
    v_t_mv: float = param(-50.4, unit="mV", ge=-150.0, le=50.0,
                          doc="Threshold slope factor midpoint V_T.", source=_BG)
    delta_t_mv: float = param(2.0, unit="mV", gt=0.0, le=50.0,
                              doc="Slope factor Delta_T of the exponential.", source=_BG)
    tau_w_ms: float = param(144.0, unit="ms", gt=0.0, doc="Adaptation time constant tau_w.",
                            source=_BG)
    a_ns: float = param(4.0, unit="nS", ge=-1000.0, le=1000.0,
                        doc="Subthreshold adaptation conductance a.", source=_BG)
    b_pa: float = param(80.5, unit="pA", ge=-10_000.0, le=10_000.0,
                        doc="Spike-triggered adaptation increment b.", source=_BG)
    v_reset_mv: float = param(-70.6, unit="mV", ge=-150.0, le=50.0,
                              doc="Reset potential V_reset (must be below V_peak).",
                              source=_BG)
    v_peak_mv: float = param(-40.4, unit="mV", ge=-150.0, le=100.0,
                             doc="Spike cut-off V_peak (must be above V_T).",
                             source="chosen: V_T + 5 Delta_T, where the exponential term "
                                    "dominates, so spike times hardly depend on it")
    t_ref_ms: float = param(0.0, unit="ms", ge=0.0, le=1000.0,
                            doc="Refractory period t_ref (V held at V_reset).",
                            source=_BG + " (no refractory period)")

    @model_validator(mode="after")
    def _ordering(self) -> AdEx:
        name = type(self).__name__
        if not self.v_reset_mv < self.v_peak_mv:
            raise order_error(name, "v_reset_mv", self.v_reset_mv, self.v_peak_mv)
        if not self.v_t_mv < self.v_peak_mv:
            raise order_error(name, "v_t_mv", self.v_t_mv, self.v_peak_mv)
        return self

    @property
    def tau_m_ms(self) -> float:
        """Membrane time constant :math:`\\tau_m = C_m / g_L` (ms)."""
        return self.c_m_pf / self.g_l_ns


class AdExState(NamedTuple):
    """State of a population of AdEx neurons (arrays of shape ``(n,)``).

    Examples
    --------
    >>> s = adex_init(AdEx(), 2, w0=50.0)
    >>> s._fields
    ('v', 'w', 'refractory_ms', 'spike')
    >>> s.w.tolist()  # pA
    [50.0, 50.0]
    """

    v: Array
    """Membrane potential (mV)."""
    w: Array
    """Adaptation current (pA)."""
    refractory_ms: Array
    """Refractory time left (ms)."""
    spike: Array
    """Whether the neuron fired during the last step (bool)."""


def adex_init(params: AdEx, n: int, *, v0: Any = None, w0: Any = 0.0,
              xp: Any = np) -> AdExState:
    """``n`` AdEx neurons at ``v0`` (default :math:`E_L`) with adaptation ``w0`` (pA).

    Parameters
    ----------
    params
        The neuron parameters.
    n
        Number of neurons.
    v0
        Initial membrane potential(s) in mV, a number or an array of shape ``(n,)``.
    w0
        Initial adaptation current(s) in pA.
    xp
        Array namespace of the state (NumPy by default).

    Returns
    -------
    AdExState
        ``v`` (mV), ``w`` (pA), ``refractory_ms`` (ms) and ``spike`` (bool), shape ``(n,)``.

    Examples
    --------
    >>> s = adex_init(AdEx(), 2, v0=-65.0)
    >>> s.v.tolist(), s.w.tolist(), s.spike.tolist()
    ([-65.0, -65.0], [0.0, 0.0], [False, False])
    """
    zeros = xp.zeros((n,), dtype=xp.float64)
    v = zeros + params.e_l_mv if v0 is None else as_input(v0, zeros) + zeros
    return AdExState(v=v, w=as_input(w0, zeros) + zeros, refractory_ms=zeros,
                     spike=xp.zeros((n,), dtype=xp.bool))


def adex_step(params: AdEx, state: AdExState, i_pa: Any, dt_ms: float, *,
              step_index: int = -1) -> AdExState:
    """Advance AdEx neurons by ``dt_ms`` (exponential Euler, see the module docstring).

    Parameters
    ----------
    params
        The neuron parameters.
    state
        The state at the start of the step.
    i_pa
        Input current (pA), a number or an array broadcastable to ``(n,)``.
    dt_ms
        Step (ms).
    step_index
        The step number, used only in the error message.

    Raises
    ------
    SimulationError
        If V or w becomes NaN or infinite.

    Returns
    -------
    AdExState
        The state at the end of the step.

    Examples
    --------
    >>> p = AdEx()
    >>> s = adex_step(p, adex_init(p, 1), 500.0, 0.1)
    >>> round(float(s.v[0]), 4), round(float(s.w[0]), 6)  # mV, pA
    (-70.423, 0.0)
    >>> s = adex_step(p, adex_init(p, 1, v0=-40.0), 0.0, 0.1)  # above V_peak: a spike
    >>> bool(s.spike[0]), float(s.v[0]), round(float(s.w[0]), 3)  # reset, w jumped by b
    (True, -70.6, 80.585)
    """
    v, w, r = state.v, state.w, state.refractory_ms
    xp = namespace(v)
    dt = float(dt_ms)
    refractory = r > 0.0
    cap = (params.v_peak_mv - params.v_t_mv) / params.delta_t_mv
    arg = xp.clip((v - params.v_t_mv) / params.delta_t_mv, max=cap)
    drive = params.g_l_ns * params.delta_t_mv * xp.exp(arg) - w + as_input(i_pa, v)
    v_inf = params.e_l_mv + drive / params.g_l_ns
    v_new = v_inf + (v - v_inf) * math.exp(-dt / params.tau_m_ms)
    v_new = xp.where(refractory, params.v_reset_mv, v_new)
    w_inf = params.a_ns * (v - params.e_l_mv)
    w_new = w_inf + (w - w_inf) * math.exp(-dt / params.tau_w_ms)
    check_finite("v", v_new, step_index)
    check_finite("w", w_new, step_index)
    spike = ~refractory & (v_new >= params.v_peak_mv)
    v_new = xp.where(spike, params.v_reset_mv, v_new)
    w_new = xp.where(spike, w_new + params.b_pa, w_new)
    r_new = xp.where(spike, params.t_ref_ms, xp.clip(r - dt, min=0.0))
    return AdExState(v=v_new, w=w_new, refractory_ms=r_new, spike=spike)
