r"""The leaky integrate-and-fire (LIF) neuron, integrated exactly.

Below threshold the membrane is a leaky capacitor driven by the input current
:math:`I` (pA):

.. math::

    C_m \frac{dV}{dt} = -g_L (V - E_L) + I, \qquad
    \tau_m = C_m / g_L, \qquad V_\infty = E_L + I / g_L .

When :math:`V` reaches :math:`V_{th}` the neuron fires, :math:`V` is reset to
:math:`V_{reset}` and held there for the refractory period :math:`t_{ref}`.

For a current held constant over a step the solution is exact,
:math:`V(t + s) = V_\infty + (V(t) - V_\infty)\, e^{-s / \tau_m}`, and so is the time
of the threshold crossing inside the step,

.. math::

    s^* = \tau_m \ln \frac{V_\infty - V(t)}{V_\infty - V_{th}} .

:func:`lif_step` uses both: the refractory period starts at the crossing, not at the
end of the step, and a refractory period that ends inside a step is followed by exact
integration for the rest of it. Spike times and rates are therefore exact for
piecewise-constant input whatever ``dt`` is, as long as a neuron fires at most once
per step (a neuron that would fire again inside the same step fires at the start of
the next one). The f-I curve of this model has the closed form
(Gerstner, Kistler, Naud & Paninski 2014, *Neuronal Dynamics*, Cambridge University
Press, eq. 1.11; Burkitt 2006, Biol. Cybern. 95:1, doi:10.1007/s00422-006-0068-6)

.. math::

    f(I) = \left[t_{ref} + \tau_m \ln
           \frac{R I + E_L - V_{reset}}{R I + E_L - V_{th}}\right]^{-1},
    \qquad R = 1 / g_L,

for :math:`I` above the rheobase :math:`g_L (V_{th} - E_L)` and zero below it
(:func:`lif_rate_hz`).

Examples
--------
>>> p = LIF()
>>> state, n_spikes = lif_init(p, 1), 0
>>> for _ in range(1000):  # 1 s in 1 ms steps under 150 pA (exact for any dt)
...     state = lif_step(p, state, 150.0, 1.0)
...     n_spikes += int(state.spike[0])
>>> n_spikes, round(float(lif_rate_hz(p, 150.0)), 2)
(37, 37.08)
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from pydantic import ValidationError, model_validator
from pydantic_core import InitErrorDetails

from engramlab.core.arrays import device_of, namespace
from engramlab.core.errors import SimulationError
from engramlab.core.params import Params, param

__all__ = [
    "LIF",
    "LIFState",
    "lif_advance",
    "lif_init",
    "lif_rate_hz",
    "lif_rheobase_pa",
    "lif_step",
]

Array = Any

_BRETTE_2007 = ("Brette et al. 2007, J Comput Neurosci 23:349, doi:10.1007/s10827-007-0038-6, "
                "COBA benchmark (benchmark 1, after Vogels & Abbott 2005)")


class LIF(Params):
    """Parameters of the leaky integrate-and-fire neuron.

    Defaults are the neuron of the COBA benchmark of Brette et al. (2007,
    J. Comput. Neurosci. 23:349, doi:10.1007/s10827-007-0038-6; after Vogels & Abbott
    2005, J. Neurosci. 25:10786): a 200 pF, 10 nS membrane (:math:`\\tau_m` = 20 ms),
    rest and reset at -60 mV, threshold -50 mV, 5 ms refractory period. (The CUBA
    benchmark uses the same neuron with E_L = -49 mV.)

    References
    ----------
    R. Brette et al. (2007). Simulation of networks of spiking neurons: a review of tools
    and strategies. J. Comput. Neurosci. 23:349-398, doi:10.1007/s10827-007-0038-6.

    Examples
    --------
    >>> p = LIF()
    >>> p.tau_m_ms, lif_rheobase_pa(p)
    (20.0, 100.0)
    >>> LIF(t_ref_ms=2.0).t_ref_ms
    2.0
    """

    c_m_pf: float = param(200.0, unit="pF", gt=0.0, doc="Membrane capacitance C_m.",
                          source=_BRETTE_2007)
    g_l_ns: float = param(10.0, unit="nS", gt=0.0, doc="Leak conductance g_L = 1 / R.",
                          source=_BRETTE_2007)
    e_l_mv: float = param(-60.0, unit="mV", ge=-150.0, le=50.0,
                          doc="Leak reversal (resting) potential E_L.", source=_BRETTE_2007)
    v_th_mv: float = param(-50.0, unit="mV", ge=-150.0, le=50.0,
                           doc="Spike threshold V_th.", source=_BRETTE_2007)
    v_reset_mv: float = param(-60.0, unit="mV", ge=-150.0, le=50.0,
                              doc="Reset potential V_reset (must be below V_th).",
                              source=_BRETTE_2007)
    t_ref_ms: float = param(5.0, unit="ms", ge=0.0, le=1000.0,
                            doc="Absolute refractory period t_ref (V held at V_reset).",
                            source=_BRETTE_2007)

    @model_validator(mode="after")
    def _reset_below_threshold(self) -> LIF:
        if not self.v_reset_mv < self.v_th_mv:
            raise order_error(type(self).__name__, "v_reset_mv", self.v_reset_mv,
                               self.v_th_mv)
        return self

    @property
    def tau_m_ms(self) -> float:
        """Membrane time constant :math:`\\tau_m = C_m / g_L` (ms)."""
        return self.c_m_pf / self.g_l_ns


def order_error(model: str, field: str, value: float, bound: float) -> ValidationError:
    """A pydantic error for ``field < bound``.

    ``Params.create`` turns it into a :class:`~engramlab.core.ParameterError` naming
    ``field``.
    """
    return ValidationError.from_exception_data(
        model, [InitErrorDetails(type="less_than", loc=(field,), input=value,
                                 ctx={"lt": bound})])


class LIFState(NamedTuple):
    """State of a population of LIF neurons (arrays of shape ``(n,)``).

    Examples
    --------
    >>> s = lif_init(LIF(), 3)
    >>> s._fields
    ('v', 'refractory_ms', 'spike')
    >>> s.v.tolist(), s.spike.tolist()
    ([-60.0, -60.0, -60.0], [False, False, False])
    """

    v: Array
    """Membrane potential (mV)."""
    refractory_ms: Array
    """Refractory time left at the end of the step (ms); 0 when the neuron is free."""
    spike: Array
    """Whether the neuron fired during the last step (bool)."""


def as_input(x: Any, like: Array) -> Array:
    """``x`` (Python number or array) as an array like ``like``.

    Same namespace, dtype and device as ``like``, broadcast to its shape.
    """
    xp = namespace(like)
    try:
        same = namespace(x) is xp
    except TypeError:
        same = False
    if not same:
        x = xp.asarray(np.asarray(x, dtype=np.float64), dtype=like.dtype,
                       device=device_of(like))
    return xp.broadcast_to(x, like.shape) if x.shape != like.shape else x


def check_finite(name: str, x: Array, step_index: int) -> None:
    """Raise :class:`~engramlab.core.SimulationError` if ``x`` holds NaN or inf."""
    xp = namespace(x)
    if not bool(xp.all(xp.isfinite(x))):
        raise SimulationError(name, step_index, "non-finite value (NaN or inf); "
                              "is dt too large or the input current out of range?")


def lif_init(params: LIF, n: int, *, v0: Any = None, xp: Any = np) -> LIFState:
    """``n`` LIF neurons at ``v0`` (default :math:`E_L`), free, not spiking.

    Parameters
    ----------
    params
        The neuron parameters.
    n
        Number of neurons.
    v0
        Initial membrane potential(s) in mV: a number or an array of shape ``(n,)``.
    xp
        Array namespace of the state (NumPy by default).

    Returns
    -------
    LIFState
        Potentials ``v`` (mV), refractory time left ``refractory_ms`` (ms, all 0) and
        ``spike`` (bool, all False), each of shape ``(n,)``.

    Examples
    --------
    >>> s = lif_init(LIF(), 2, v0=[-65.0, -55.0])
    >>> s.v.tolist(), s.refractory_ms.tolist()
    ([-65.0, -55.0], [0.0, 0.0])
    """
    zeros = xp.zeros((n,), dtype=xp.float64)
    v = zeros + params.e_l_mv if v0 is None else as_input(v0, zeros) + zeros
    return LIFState(v=v, refractory_ms=xp.zeros((n,), dtype=xp.float64),
                    spike=xp.zeros((n,), dtype=xp.bool))


def lif_advance(params: LIF, state: LIFState, i_pa: Any, dt_ms: float, *,
                step_index: int = -1) -> tuple[LIFState, Array]:
    """Advance LIF neurons by ``dt_ms`` under a current constant over the step.

    Exact integration (see the module docstring): a refractory neuron stays at
    :math:`V_{reset}` for the refractory time left, is then integrated exactly from
    :math:`V_{reset}`; a neuron whose potential reaches :math:`V_{th}` fires at the
    exact crossing time, is reset and starts its refractory period there.

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

    Returns
    -------
    state
        The state at the end of the step.
    spike_offset_ms
        For neurons that fired, the spike time measured from the start of the step
        (ms, in ``[0, dt]``); NaN for the others.

    Raises
    ------
    SimulationError
        If the membrane potential becomes NaN or infinite.

    Examples
    --------
    >>> p = LIF()
    >>> s, offset = lif_advance(p, lif_init(p, 2, v0=[-60.0, -50.5]), 200.0, 1.0)
    >>> s.spike.tolist(), [round(float(x), 4) for x in offset]  # ms after the start of the step
    ([False, True], [nan, 0.9758])
    >>> s.refractory_ms.round(4).tolist()  # the 5 ms refractory period began at the crossing
    [0.0, 4.9758]
    """
    v, r = state.v, state.refractory_ms
    xp = namespace(v)
    dt = float(dt_ms)
    tau = params.tau_m_ms
    v_inf = params.e_l_mv + as_input(i_pa, v) / params.g_l_ns
    # 1. The refractory part of the step, held at V_reset.
    busy = xp.clip(r, max=dt)
    free = dt - busy
    r_left = r - busy
    v_start = xp.where(r > 0.0, params.v_reset_mv, v)
    # 2. Exact integration over the free part; did V reach threshold in it?
    v_end = v_inf + (v_start - v_inf) * xp.exp(-free / tau)
    already = v_start >= params.v_th_mv
    rises = (v_end >= params.v_th_mv) & ~already
    spike = (free > 0.0) & (already | rises)
    num = xp.where(rises, v_inf - v_start, 1.0)
    den = xp.where(rises, v_inf - params.v_th_mv, 1.0)
    t_cross = xp.where(rises, xp.clip(tau * xp.log(num / den), min=0.0, max=free), 0.0)
    # 3. After a spike: refractory, then exact integration from V_reset if time is left.
    after = free - t_cross
    t_ref = params.t_ref_ms
    rest_free = xp.clip(after - t_ref, min=0.0)
    v_post = xp.where(after > t_ref,
                      v_inf + (params.v_reset_mv - v_inf) * xp.exp(-rest_free / tau),
                      params.v_reset_mv)
    v_new = xp.where(spike, v_post, v_end)
    r_new = xp.where(spike, xp.clip(t_ref - after, min=0.0), r_left)
    check_finite("v", v_new, step_index)
    offset = xp.where(spike, busy + t_cross, math.nan)
    return LIFState(v=v_new, refractory_ms=r_new, spike=spike), offset


def lif_step(params: LIF, state: LIFState, i_pa: Any, dt_ms: float, *,
             step_index: int = -1) -> LIFState:
    """Advance LIF neurons by ``dt_ms``: :func:`lif_advance` without the spike times.

    Examples
    --------
    >>> s = lif_step(LIF(), lif_init(LIF(), 2), 200.0, 1.0)
    >>> s.v.round(4).tolist()  # V = V_inf + (E_L - V_inf) exp(-dt / tau), V_inf = -40
    [-59.0246, -59.0246]
    """
    return lif_advance(params, state, i_pa, dt_ms, step_index=step_index)[0]


def lif_rheobase_pa(params: LIF) -> float:
    """The smallest constant current that makes the neuron fire (pA).

    :math:`g_L (V_{th} - E_L)`.

    Parameters
    ----------
    params
        The neuron parameters.

    Returns
    -------
    float
        The rheobase current (pA).

    Examples
    --------
    >>> lif_rheobase_pa(LIF())  # 10 nS * (-50 - (-60)) mV
    100.0
    """
    return params.g_l_ns * (params.v_th_mv - params.e_l_mv)


def lif_rate_hz(params: LIF, i_pa: Any) -> np.ndarray:
    r"""Closed-form firing rate (Hz) of the LIF neuron under a constant current.

    .. math::

        f(I) = \left[t_{ref} + \tau_m \ln
               \frac{R I + E_L - V_{reset}}{R I + E_L - V_{th}}\right]^{-1}

    for :math:`R I > V_{th} - E_L`, 0 otherwise (Gerstner et al. 2014, *Neuronal
    Dynamics*, eq. 1.11, written here for a general :math:`V_{reset}`).

    Parameters
    ----------
    params
        The neuron parameters.
    i_pa
        Current(s) in pA (NumPy-convertible).

    Returns
    -------
    numpy.ndarray
        Firing rate(s) in Hz, shaped like ``i_pa``.

    References
    ----------
    W. Gerstner, W. M. Kistler, R. Naud, L. Paninski (2014). *Neuronal Dynamics*.
    Cambridge University Press, eq. 1.11.

    Examples
    --------
    >>> lif_rate_hz(LIF(), [50.0, 100.0, 150.0, 300.0]).round(2).tolist()
    [0.0, 0.0, 37.08, 76.28]
    """
    drive = np.asarray(i_pa, dtype=np.float64) / params.g_l_ns + params.e_l_mv  # V_inf
    above = drive > params.v_th_mv
    num = np.where(above, drive - params.v_reset_mv, 1.0)
    den = np.where(above, drive - params.v_th_mv, 1.0)
    period_ms = params.t_ref_ms + params.tau_m_ms * np.log(num / den)
    return np.where(above, 1000.0 / np.where(above, period_ms, 1.0), 0.0)
