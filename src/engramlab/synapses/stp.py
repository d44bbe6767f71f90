r"""Short-term depression and facilitation: the Tsodyks-Markram model.

A synapse holds a fraction :math:`x` of its resources available (:math:`x = 1` at
rest) and uses a fraction :math:`u` of them per spike. Between spikes the resources
recover and the facilitation decays; a spike first facilitates, then releases.

**The convention, exactly** (event based; Markram, Wang & Tsodyks 1998, PNAS 95:5323,
doi:10.1073/pnas.95.9.5323; Tsodyks, Pawelzik & Markram 1998, Neural Comput 10:821,
doi:10.1162/089976698300017502). With :math:`\Delta_n = t_n - t_{n-1}`:

1. between spikes (exact solutions of :math:`dx/dt = (1 - x)/\tau_\mathrm{rec}`,
   :math:`du/dt = -u/\tau_F`):

   .. math::

       x \leftarrow 1 - (1 - x)\, e^{-\Delta_n/\tau_\mathrm{rec}}, \qquad
       u \leftarrow u\, e^{-\Delta_n/\tau_F};

2. at spike :math:`n`, in this order:

   .. math::

       u \leftarrow u + U (1 - u), \qquad r_n = u\,x, \qquad x \leftarrow x - r_n.

The synapse starts at rest, :math:`u = 0, x = 1`, so the first spike releases
:math:`r_1 = U`. With :math:`\tau_F = 0` (no facilitation) the decay factor is taken
as 0, so :math:`u = U` at every spike. The EPSC of spike :math:`n` is
:math:`A\,r_n` (absolute efficacy :math:`A`, pA) and decays with
:math:`\tau_I` (``tau_inact_ms``), the time constant of the postsynaptic current.

**Periodic train** at rate :math:`f` (:math:`\Delta = 1/f`): the recursion converges
to the fixed point (:func:`tm_steady_state`)

.. math::

    u_\infty = \frac{U}{1 - (1 - U)\, e^{-\Delta/\tau_F}}, \qquad
    x_\infty = \frac{1 - e^{-\Delta/\tau_\mathrm{rec}}}
                    {1 - (1 - u_\infty)\, e^{-\Delta/\tau_\mathrm{rec}}}, \qquad
    r_\infty = u_\infty x_\infty ,

where :math:`u_\infty` is the utilisation used at a spike and :math:`x_\infty` the
resources just before it. For a depressing synapse (:math:`\tau_F = 0`) at
:math:`f \gg 1/\tau_\mathrm{rec}`, :math:`r_\infty \approx 1/(f \tau_\mathrm{rec})`: the
steady-state EPSC falls as :math:`1/f` and the transmitted rate :math:`f r_\infty`
saturates at :math:`1/\tau_\mathrm{rec}`. The two asymptotes, :math:`r = U` at low rates
and :math:`1/(f\tau_\mathrm{rec})`, cross at the *limiting frequency*
:math:`\lambda = 1/(U \tau_\mathrm{rec})` (Tsodyks & Markram 1997, PNAS 94:719,
doi:10.1073/pnas.94.2.719; :func:`tm_limiting_frequency_hz`).

For a facilitating synapse with small :math:`U` and :math:`\Delta \ll \tau_F`,
:math:`u_\infty \approx U\tau_F/(U\tau_F + \Delta)` and
:math:`r_\infty \approx U\tau_F\Delta/(U\tau_F\tau_\mathrm{rec} + U\tau_F\Delta +
\Delta^2)`, maximal at :math:`\Delta^2 = U\tau_F\tau_\mathrm{rec}`: the steady-state EPSC
peaks near :math:`f^* = 1/\sqrt{U\tau_F\tau_\mathrm{rec}}`
(:func:`tm_peak_frequency_hz`).

**Poisson train** at rate :math:`\nu`: the inter-spike factors are independent of the
state, so the stationary means solve linear equations. With
:math:`m_\tau = E[e^{-\Delta/\tau}] = \nu\tau/(1 + \nu\tau)`:

.. math::

    E[u] = \frac{U (1 + \nu\tau_F)}{1 + U\nu\tau_F}, \qquad
    E[x] = \frac{1}{1 + U \nu \tau_\mathrm{rec}} \ (\tau_F = 0)

(:func:`tm_poisson_means`; :math:`E[x]` with facilitation has no closed form, since
:math:`u` and :math:`x` are correlated).

Example
-------
>>> p = tm_depressing()
>>> tm_release(p, [0.0, 100.0, 200.0]).round(4)
array([0.5   , 0.2794, 0.182 ])
>>> round(tm_limiting_frequency_hz(p), 6)
2.5
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from engramlab.core import ParameterError, Params, namespace, param

__all__ = [
    "TMState",
    "TMTrain",
    "TsodyksMarkram",
    "tm_depressing",
    "tm_facilitating",
    "tm_init",
    "tm_limiting_frequency_hz",
    "tm_peak_frequency_hz",
    "tm_poisson_means",
    "tm_release",
    "tm_steady_state",
    "tm_step",
    "tm_train",
]

Array = Any

_TM_1997 = "Tsodyks & Markram 1997, PNAS 94:719 (depressing layer-5 pyramidal synapses)"
_TPM_1998 = ("Tsodyks, Pawelzik & Markram 1998, Neural Comput 10:821; Markram, Wang & "
             "Tsodyks 1998, PNAS 95:5323 (facilitating synapse)")


class TsodyksMarkram(Params):
    """Parameters of a Tsodyks-Markram synapse (defaults: the depressing synapse).

    See the module docstring for the update rule. :func:`tm_depressing` and
    :func:`tm_facilitating` give the two published parameter sets.

    Examples
    --------
    >>> p = TsodyksMarkram()
    >>> p.u_se, p.tau_rec_ms, p.tau_fac_ms, p.tau_inact_ms
    (0.5, 800.0, 0.0, 3.0)
    >>> TsodyksMarkram.create("mine", u_se=0.2).u_se
    0.2
    """

    u_se: float = param(
        0.5, unit="1", gt=0.0, le=1.0,
        doc="U (U_SE): utilisation of synaptic efficacy, the release fraction at rest.",
        source=_TM_1997 + ": U = 0.5",
    )
    tau_rec_ms: float = param(
        800.0, unit="ms", gt=0.0, le=1e6,
        doc="tau_rec: recovery time constant of the resources x.",
        source=_TM_1997 + ": tau_rec = 800 ms",
    )
    tau_fac_ms: float = param(
        0.0, unit="ms", ge=0.0, le=1e6,
        doc="tau_F: decay time constant of the facilitation u; 0 = no facilitation.",
        source=_TM_1997 + ": no facilitation",
    )
    tau_inact_ms: float = param(
        3.0, unit="ms", gt=0.0, le=1e4,
        doc="tau_I: decay time constant of the EPSC (postsynaptic current).",
        source=_TM_1997 + ": tau_inact = 3 ms",
    )


def tm_depressing(**overrides: Any) -> TsodyksMarkram:
    """The depressing synapse: U = 0.5, tau_rec = 800 ms, tau_I = 3 ms (TM 1997).

    Examples
    --------
    >>> p = tm_depressing()
    >>> p.u_se, p.tau_rec_ms, p.tau_fac_ms
    (0.5, 800.0, 0.0)
    >>> tm_depressing(tau_rec_ms=400.0).tau_rec_ms
    400.0
    """
    values = {"u_se": 0.5, "tau_rec_ms": 800.0, "tau_fac_ms": 0.0, "tau_inact_ms": 3.0}
    return TsodyksMarkram.create("tm_depressing", **{**values, **overrides})


def tm_facilitating(**overrides: Any) -> TsodyksMarkram:
    """The facilitating synapse: U = 0.03, tau_rec = 130 ms, tau_F = 530 ms, tau_I = 1.5 ms.

    Tsodyks, Pawelzik & Markram 1998 (Neural Comput 10:821); Markram, Wang & Tsodyks
    1998 (PNAS 95:5323).

    Examples
    --------
    >>> p = tm_facilitating()
    >>> p.u_se, p.tau_rec_ms, p.tau_fac_ms
    (0.03, 130.0, 530.0)
    >>> tm_release(p, [0.0, 20.0, 40.0]).round(4).tolist()  # at 50 Hz each EPSC grows
    [0.03, 0.0565, 0.0783]
    """
    values = {"u_se": 0.03, "tau_rec_ms": 130.0, "tau_fac_ms": 530.0, "tau_inact_ms": 1.5}
    return TsodyksMarkram.create("tm_facilitating", **{**values, **overrides})


def _decay(interval_ms: Any, tau_ms: float) -> Any:
    """exp(-interval / tau), with tau = 0 meaning instantaneous decay (factor 0)."""
    if tau_ms == 0.0:
        return np.zeros_like(interval_ms, dtype=float)
    return np.exp(-np.asarray(interval_ms, dtype=float) / tau_ms)


class TMTrain(NamedTuple):
    """The TM variables at each spike of a train (arrays shaped like the spike times).

    ``u``: utilisation used at the spike (after facilitation); ``x``: resources just
    before the spike; ``r = u x``: the fraction released (EPSC / A).

    Examples
    --------
    >>> tr = tm_train(tm_depressing(), [0.0, 100.0])
    >>> tr._fields, tr.r.round(4).tolist()
    (('u', 'x', 'r'), [0.5, 0.2794])
    """

    u: np.ndarray
    x: np.ndarray
    r: np.ndarray


def tm_train(params: TsodyksMarkram, spike_times_ms: Any) -> TMTrain:
    """Run the event-based TM recursion over spike trains, from rest.

    Parameters
    ----------
    params
        The synapse.
    spike_times_ms
        Spike times (ms), shape ``(..., n_spikes)``, non-decreasing along the last axis;
        leading axes are independent trains (a batch).

    Returns
    -------
    TMTrain
        ``u``, ``x``, ``r`` at every spike, same shape as the input.

    Examples
    --------
    >>> tr = tm_train(tm_depressing(), [0.0, 100.0, 200.0])
    >>> tr.u.tolist(), tr.x.round(4).tolist()  # x_2 = 1 - (1 - 0.5) e^(-100/800)
    ([0.5, 0.5, 0.5], [1.0, 0.5588, 0.3641])
    >>> tr.r.round(4).tolist()
    [0.5, 0.2794, 0.182]
    """
    t = np.asarray(spike_times_ms, dtype=float)
    if t.ndim == 0:
        t = t[None]
    if not np.all(np.isfinite(t)):
        raise ParameterError("spike_times_ms", "must be finite")
    if t.shape[-1] > 1 and np.any(np.diff(t, axis=-1) < 0):
        raise ParameterError("spike_times_ms", "must be non-decreasing along the last axis")
    big_u = params.u_se
    u = np.zeros(t.shape[:-1])
    x = np.ones(t.shape[:-1])
    out_u, out_x, out_r = (np.empty(t.shape) for _ in range(3))
    for k in range(t.shape[-1]):
        if k > 0:
            gap = t[..., k] - t[..., k - 1]
            x = 1.0 - (1.0 - x) * _decay(gap, params.tau_rec_ms)
            u = u * _decay(gap, params.tau_fac_ms)
        u = u + big_u * (1.0 - u)
        r = u * x
        out_u[..., k], out_x[..., k], out_r[..., k] = u, x, r
        x = x - r
    return TMTrain(out_u, out_x, out_r)


def tm_release(params: TsodyksMarkram, spike_times_ms: Any) -> np.ndarray:
    """Fractions released ``r_n`` at each spike (EPSC_n = A r_n); see :func:`tm_train`.

    Examples
    --------
    >>> p = tm_depressing()
    >>> r = tm_release(p, np.arange(20) * 50.0)  # 20 Hz: r_n converges to r_ss
    >>> round(float(r[0]), 4), round(float(r[-1]), 4), round(tm_steady_state(p, 20.0)[2], 4)
    (0.5, 0.0571, 0.0571)
    """
    return tm_train(params, spike_times_ms).r


def _rates(rate_hz: Any) -> np.ndarray:
    rate = np.asarray(rate_hz, dtype=float)
    if not np.all(np.isfinite(rate) & (rate > 0)):
        raise ParameterError("rate_hz", "must be finite and > 0", rate_hz)
    return rate


def tm_steady_state(params: TsodyksMarkram, rate_hz: Any) -> tuple[Any, Any, Any]:
    """Closed-form fixed point ``(u_ss, x_ss, r_ss)`` of a periodic train at ``rate_hz``.

    ``u_ss``: utilisation used at a spike; ``x_ss``: resources just before a spike;
    ``r_ss = u_ss x_ss`` (see the module docstring). Vectorised over ``rate_hz``.

    Examples
    --------
    >>> [round(v, 4) for v in tm_steady_state(tm_depressing(), 20.0)]
    [0.5, 0.1143, 0.0571]
    >>> u_ss, x_ss, r_ss = tm_steady_state(tm_depressing(), [1.0, 100.0])
    >>> r_ss.round(4).tolist()  # at 100 Hz close to 1 / (f tau_rec) = 0.0125
    [0.4164, 0.0123]
    """
    rate = _rates(rate_hz)
    interval = 1000.0 / rate
    e_f = _decay(interval, params.tau_fac_ms)
    e_r = _decay(interval, params.tau_rec_ms)
    big_u = params.u_se
    u_ss = big_u / (1.0 - (1.0 - big_u) * e_f)
    x_ss = (1.0 - e_r) / (1.0 - (1.0 - u_ss) * e_r)
    r_ss = u_ss * x_ss
    if rate.ndim == 0:
        return float(u_ss), float(x_ss), float(r_ss)
    return u_ss, x_ss, r_ss


def tm_limiting_frequency_hz(params: TsodyksMarkram) -> float:
    """Limiting frequency ``1 / (U tau_rec)`` in Hz (Tsodyks & Markram 1997).

    Examples
    --------
    >>> tm_limiting_frequency_hz(tm_depressing())  # 1000 / (0.5 * 800 ms)
    2.5
    """
    return 1000.0 / (params.u_se * params.tau_rec_ms)


def tm_peak_frequency_hz(params: TsodyksMarkram) -> float:
    """Small-U estimate ``1 / sqrt(U tau_F tau_rec)`` (Hz) of the rate that maximises r_ss.

    Only meaningful for a facilitating synapse; raises for ``tau_fac_ms == 0``.

    Examples
    --------
    >>> round(tm_peak_frequency_hz(tm_facilitating()), 2)  # 1000 / sqrt(0.03 * 530 * 130)
    22.0
    """
    if params.tau_fac_ms == 0.0:
        raise ParameterError("tau_fac_ms", "must be > 0 for a peak frequency",
                             params.tau_fac_ms)
    return 1000.0 / math.sqrt(params.u_se * params.tau_fac_ms * params.tau_rec_ms)


def tm_poisson_means(params: TsodyksMarkram, rate_hz: Any) -> tuple[Any, Any]:
    """Stationary means ``(E[u], E[x])`` at the spikes of a Poisson train.

    ``E[u]`` is exact for any synapse; ``E[x]`` (and so ``E[r] = U E[x]``) is exact
    for ``tau_fac_ms == 0`` and NaN otherwise (no closed form). See the module docstring.

    Examples
    --------
    >>> tm_poisson_means(tm_depressing(), 10.0)  # E[x] = 1 / (1 + 0.5 * 0.01 * 800)
    (0.5, 0.2)
    >>> [round(m, 4) for m in tm_poisson_means(tm_facilitating(), 10.0)]
    [0.1631, nan]
    """
    rate = _rates(rate_hz) / 1000.0  # 1/ms
    big_u = params.u_se
    nu_f = rate * params.tau_fac_ms
    mean_u = big_u * (1.0 + nu_f) / (1.0 + big_u * nu_f)
    if params.tau_fac_ms == 0.0:
        mean_x = 1.0 / (1.0 + big_u * rate * params.tau_rec_ms)
    else:
        mean_x = np.full(np.shape(rate), np.nan)
    if np.ndim(rate) == 0:
        return float(mean_u), float(mean_x)
    return mean_u, mean_x


# -- clock-driven component -----------------------------------------------------------


class TMState(NamedTuple):
    """State of a population of TM synapses between time steps.

    ``u``: facilitation variable (after the last spike's update, decayed since);
    ``x``: available resources; ``r``: fraction released in the last step (0 where
    there was no spike).

    Examples
    --------
    >>> p = tm_depressing()
    >>> s = tm_step(p, tm_init(p, 2), np.array([True, False]), 1.0)
    >>> s._fields, s.u.tolist(), s.x.tolist(), s.r.tolist()
    (('u', 'x', 'r'), [0.5, 0.0], [0.5, 1.0], [0.5, 0.0])
    """

    u: Array
    x: Array
    r: Array


def tm_init(params: TsodyksMarkram, n: int | tuple[int, ...], *, xp: Any = None,
            dtype: Any = None) -> TMState:
    """Synapses at rest: ``u = 0``, ``x = 1``, ``r = 0`` (``params`` kept for symmetry).

    Examples
    --------
    >>> s = tm_init(tm_depressing(), 3)
    >>> s.u.tolist(), s.x.tolist(), s.r.tolist()
    ([0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0])
    """
    del params
    xp = np if xp is None else xp
    dtype = xp.float64 if dtype is None else dtype
    shape = (n,) if isinstance(n, (int, np.integer)) else tuple(n)
    zeros = xp.zeros(shape, dtype=dtype)
    return TMState(zeros, xp.ones(shape, dtype=dtype), xp.zeros(shape, dtype=dtype))


def tm_step(params: TsodyksMarkram, state: TMState, spikes: Array,
            dt_ms: float) -> TMState:
    """Advance TM synapses by ``dt_ms`` exactly, then apply the spikes of this step.

    The recovery and facilitation decay over the step are exact exponentials; spikes
    (a boolean array, ``True`` where a presynaptic spike arrives at ``t + dt``) are
    then applied with the event rule of the module docstring. Chained over a train on
    the time grid this reproduces :func:`tm_train` up to rounding.

    Examples
    --------
    >>> p, spike, none = tm_depressing(), np.array([True]), np.array([False])
    >>> s = tm_step(p, tm_init(p, 1), spike, 1.0)  # a spike at 1 ms releases U
    >>> for _ in range(99):
    ...     s = tm_step(p, s, none, 1.0)
    >>> round(float(s.r[0]), 4), round(float(tm_step(p, s, spike, 1.0).r[0]), 4)  # 100 ms on
    (0.0, 0.2794)
    """
    if not (isinstance(dt_ms, (int, float, np.floating)) and math.isfinite(dt_ms)
            and dt_ms > 0):
        raise ParameterError("dt_ms", "must be a finite number > 0", dt_ms)
    xp = namespace(state.x)
    dec_r = math.exp(-dt_ms / params.tau_rec_ms)
    dec_f = 0.0 if params.tau_fac_ms == 0.0 else math.exp(-dt_ms / params.tau_fac_ms)
    x = 1.0 - (1.0 - state.x) * dec_r
    u = state.u * dec_f
    u_spk = u + params.u_se * (1.0 - u)
    r = xp.where(spikes, u_spk * x, xp.zeros_like(x))
    return TMState(xp.where(spikes, u_spk, u), x - r, r)
