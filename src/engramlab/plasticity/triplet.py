"""Triplet spike-timing-dependent plasticity (Pfister & Gerstner 2006).

Four exponential traces: two presynaptic, :math:`r_1` (time constant :math:`\\tau_+`)
and :math:`r_2` (:math:`\\tau_x`), and two postsynaptic, :math:`o_1`
(:math:`\\tau_-`) and :math:`o_2` (:math:`\\tau_y`), all dimensionless,

.. math::

    \\frac{dr_1}{dt} = -\\frac{r_1}{\\tau_+},\\quad
    \\frac{dr_2}{dt} = -\\frac{r_2}{\\tau_x},\\quad
    \\frac{do_1}{dt} = -\\frac{o_1}{\\tau_-},\\quad
    \\frac{do_2}{dt} = -\\frac{o_2}{\\tau_y}.

At a presynaptic spike at :math:`t` and at a postsynaptic spike at :math:`t`
(:math:`\\epsilon \\to 0^+`: the triplet trace is read *before* its own jump)

.. math::

    \\text{pre: } w \\to w - o_1(t) \\bigl[A_2^- + A_3^-\\, r_2(t - \\epsilon)\\bigr],
    \\qquad
    \\text{post: } w \\to w + r_1(t) \\bigl[A_2^+ + A_3^+\\, o_2(t - \\epsilon)\\bigr],

then the spiking side's traces jump: :math:`r_{1,2} \\to r_{1,2} + 1` (all-to-all) or
:math:`r_{1,2} \\to 1` (nearest spike), likewise :math:`o_{1,2}` at a post spike. A pre
and a post spike at the same time are each processed with the traces from just before
that time, so they do not interact with each other. The weight is unbounded (additive),
as in the paper's fits. With :math:`A_3^\\pm = 0` the rule is pair STDP
(:class:`engramlab.plasticity.stdp.PairSTDP` with additive bounds away from them).

Weight units. Pfister & Gerstner fit the sum of updates :math:`\\Delta w` directly to
the measured normalised change :math:`\\Delta w / w` (EPSP slope after / before - 1):
the weight is measured in units of its initial value, :math:`w_0 = 1`, and the
updates are additive. This module does the same: :math:`\\Delta w` of
:func:`pairing_protocol_theory` *is* the predicted :math:`\\Delta w / w`.

Pairing protocol, closed form (this module's derivation, all-to-all). Pre spikes at
:math:`kT`, post spikes at :math:`kT + \\Delta t`, :math:`k = 0 \\ldots n-1`,
:math:`T = 1/f`, :math:`|\\Delta t| < T`. Write :math:`q_\\tau = e^{-T/\\tau}` and
:math:`G_n(a) = \\sum_{k=0}^{n-1} a^k = (1 - a^n)/(1 - a)`. Just before pre spike
:math:`k` the triplet trace is a geometric series over the earlier pre spikes,
:math:`r_2 = q_x (1 - q_x^k)/(1 - q_x)`; likewise :math:`o_2 = q_y (1 - q_y^k)/(1 - q_y)`
just before post spike :math:`k`. For :math:`\\Delta t > 0` post spike :math:`k` sees
pre spikes :math:`0..k` and pre spike :math:`k` sees post spikes :math:`0..k-1`:

.. math::

    r_1 = e^{-\\Delta t/\\tau_+} \\frac{1 - q_+^{k+1}}{1 - q_+},\\qquad
    o_1 = e^{-(T - \\Delta t)/\\tau_-} \\frac{1 - q_-^{k}}{1 - q_-}.

For :math:`\\Delta t < 0` (post first) the roles swap:
:math:`r_1 = e^{-(T - |\\Delta t|)/\\tau_+}(1 - q_+^k)/(1 - q_+)`,
:math:`o_1 = e^{-|\\Delta t|/\\tau_-}(1 - q_-^{k+1})/(1 - q_-)`; for :math:`\\Delta t = 0`
both see only earlier spikes (:math:`e^{-T/\\tau}(1 - q^k)/(1 - q)`). Every trace is
:math:`u (1 - a^{k+s})` with :math:`s \\in \\{0, 1\\}`, so the total

.. math::

    \\Delta w = \\sum_{k=0}^{n-1} r_1^{(k)}\\bigl[A_2^+ + A_3^+ o_2^{(k)}\\bigr]
              - \\sum_{k=0}^{n-1} o_1^{(k)}\\bigl[A_2^- + A_3^- r_2^{(k)}\\bigr]

needs only :math:`\\sum_k (1 - a^{k+s})(1 - b^k) = n - a^s G_n(a) - G_n(b)
+ a^s G_n(ab)`. Per pair in the long-protocol limit (:math:`n \\to \\infty`), for
:math:`\\Delta t > 0`:

.. math::

    \\frac{\\Delta w}{n} \\to \\frac{e^{-\\Delta t/\\tau_+}}{1 - q_+}
        \\Bigl[A_2^+ + A_3^+ \\frac{q_y}{1 - q_y}\\Bigr]
      - \\frac{e^{-(T - \\Delta t)/\\tau_-}}{1 - q_-}
        \\Bigl[A_2^- + A_3^- \\frac{q_x}{1 - q_x}\\Bigr].

At low frequency only the pair terms survive (:math:`q \\to 0`): the pair window; at
high frequency the :math:`A_3^+` term grows as :math:`f` and LTP wins for both signs
of :math:`\\Delta t`. The nearest-spike variant has the same structure with every
geometric sum replaced by its last term (a trace set to 1 keeps only the latest spike).

Bursts (Sjöström et al. 2001: 15 trains of 5 pairs, 10 s apart): the traces decay
completely between trains (:math:`e^{-10\\,\\mathrm{s}/125\\,\\mathrm{ms}}`), so the change
is the number of trains times the change of one train (``pairs_per_burst``).

References
----------
J.-P. Pfister, W. Gerstner (2006). Triplets of spikes in a model of spike
timing-dependent plasticity. J. Neurosci. 26:9673-9682,
doi:10.1523/JNEUROSCI.1425-06.2006 (Table 2: fits to the visual-cortex data of
Sjöström et al. 2001).
P. J. Sjöström, G. G. Turrigiano, S. B. Nelson (2001). Rate, timing, and cooperativity
jointly determine cortical synaptic plasticity. Neuron 32:1149-1164,
doi:10.1016/S0896-6273(01)00542-6.

Examples
--------
>>> import numpy as np
>>> p = TripletSTDP()  # visual cortex, all-to-all (Pfister & Gerstner 2006, Table 2)
>>> dw = pairing_protocol_theory(p, np.array([-10.0, 10.0]), 20.0)  # 60 pairs at 20 Hz
>>> np.round(dw, 3).tolist()  # LTD for post-before-pre, LTP for pre-before-post
[-0.352, 0.247]
>>> np.round(pairing_protocol_theory(p, np.array([-10.0, 10.0]), 50.0), 3).tolist()  # 50 Hz: LTP
[0.727, 0.741]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

import numpy as np

from engramlab.core import ParameterError, Params, namespace, param
from engramlab.plasticity.stdp import TraceRule, run_spike_trains

__all__ = [
    "TRIPLET_PARAMETER_SETS",
    "TripletSTDP",
    "TripletState",
    "pairing_protocol_simulated",
    "pairing_protocol_theory",
    "triplet_init",
    "triplet_spike_trains",
    "triplet_step",
]

Array = Any
_PG = "Pfister & Gerstner 2006, Table 2 (visual cortex, all-to-all, full model)"


class TripletSTDP(Params):
    """Parameters of triplet STDP; defaults: the all-to-all visual-cortex fit.

    Time constants in ms, amplitudes dimensionless (weights in units of their initial
    value). :data:`TRIPLET_PARAMETER_SETS` holds the four fits of the paper's Table 2.

    References
    ----------
    J.-P. Pfister, W. Gerstner (2006). Triplets of spikes in a model of spike
    timing-dependent plasticity. J. Neurosci. 26:9673-9682,
    doi:10.1523/JNEUROSCI.1425-06.2006 (Table 2).

    Examples
    --------
    >>> p = TripletSTDP()
    >>> p.tau_x_ms, p.tau_y_ms, p.a3_plus, p.a2_minus
    (101.0, 125.0, 0.0062, 0.007)
    >>> sorted(TRIPLET_PARAMETER_SETS)
    ['all-to-all', 'all-to-all minimal', 'nearest', 'nearest minimal']
    """

    tau_plus_ms: float = param(16.8, unit="ms", gt=0.0, le=10_000.0,
                               doc="Decay time tau+ of the presynaptic pair trace r1.",
                               source=_PG + " (from Bi & Poo 2001)")
    tau_x_ms: float = param(101.0, unit="ms", gt=0.0, le=10_000.0,
                            doc="Decay time tau_x of the presynaptic triplet trace r2.",
                            source=_PG)
    tau_minus_ms: float = param(33.7, unit="ms", gt=0.0, le=10_000.0,
                                doc="Decay time tau- of the postsynaptic pair trace o1.",
                                source=_PG + " (from Bi & Poo 2001)")
    tau_y_ms: float = param(125.0, unit="ms", gt=0.0, le=10_000.0,
                            doc="Decay time tau_y of the postsynaptic triplet trace o2.",
                            source=_PG)
    a2_plus: float = param(5e-10, unit="1", ge=0.0, le=10.0,
                           doc="Pair LTP amplitude A2+ (per post spike, times r1).",
                           source=_PG)
    a3_plus: float = param(6.2e-3, unit="1", ge=0.0, le=10.0,
                           doc="Triplet LTP amplitude A3+ (times r1 o2).", source=_PG)
    a2_minus: float = param(7e-3, unit="1", ge=0.0, le=10.0,
                            doc="Pair LTD amplitude A2- (per pre spike, times o1).",
                            source=_PG)
    a3_minus: float = param(2.3e-4, unit="1", ge=0.0, le=10.0,
                            doc="Triplet LTD amplitude A3- (times o1 r2).", source=_PG)
    pairing: Literal["all-to-all", "nearest"] = param(
        "all-to-all", unit="1",
        doc="Trace update at a spike: +1 (all-to-all) or set to 1 (nearest spike).",
        source="Pfister & Gerstner 2006, Methods (all-to-all and nearest-spike models)")

    def trace_rule(self) -> TraceRule:
        """This rule as a :class:`~engramlab.plasticity.stdp.TraceRule`.

        It then runs inside the compiled network loop
        (``Projection(..., plasticity=TripletSTDP())``): amplitudes in the projection's
        weight unit, additive, weights kept >= 0 (a conductance or current amplitude
        cannot change sign) and unbounded above, as in the paper's fits.
        """
        return TraceRule(self.tau_plus_ms, self.tau_x_ms, self.tau_minus_ms, self.tau_y_ms,
                         self.a2_plus, self.a3_plus, self.a2_minus, self.a3_minus, 0.0,
                         math.inf, False, self.pairing == "nearest")


def _set(source: str, **values: Any) -> TripletSTDP:
    return TripletSTDP.create(f"triplet set {source}", **values)


#: The four visual-cortex fits of Pfister & Gerstner 2006, Table 2. In the "minimal"
#: models A2+ = A3- = 0, so tau_x does not enter (kept at 101 ms).
TRIPLET_PARAMETER_SETS: Mapping[str, TripletSTDP] = MappingProxyType({
    "all-to-all": TripletSTDP(),
    "all-to-all minimal": _set("all-to-all minimal", a2_plus=0.0, a3_plus=6.5e-3,
                               a2_minus=7.1e-3, a3_minus=0.0),
    "nearest": _set("nearest", pairing="nearest", tau_x_ms=714.0, tau_y_ms=40.0,
                    a2_plus=8.8e-11, a3_plus=5.3e-2, a2_minus=6.6e-3, a3_minus=3.1e-3),
    "nearest minimal": _set("nearest minimal", pairing="nearest", tau_y_ms=40.0,
                            a2_plus=0.0, a3_plus=5.2e-2, a2_minus=8e-3, a3_minus=0.0),
})


class TripletState(NamedTuple):
    """Weights ``w`` and the four traces (all the same shape, dimensionless).

    Examples
    --------
    >>> import numpy as np
    >>> s = triplet_init(TripletSTDP(), np.ones(2))
    >>> s._fields
    ('w', 'r1', 'r2', 'o1', 'o2')
    >>> s.r2.tolist()
    [0.0, 0.0]
    """

    w: Array
    r1: Array
    r2: Array
    o1: Array
    o2: Array


def _check_dt(dt: float) -> float:
    dt = float(dt)
    if not math.isfinite(dt) or dt <= 0:
        raise ParameterError("dt", "must be a finite number > 0 (ms)", dt)
    return dt


def triplet_init(params: TripletSTDP, w0: Array) -> TripletState:
    """Initial state: weights ``w0`` (any shape, finite), all traces zero.

    Parameters
    ----------
    params
        The rule.
    w0
        Initial weights (units of the initial weight: 1 for the relative change).

    Returns
    -------
    TripletState
        ``w = w0`` and the four traces at zero, same shape.

    Examples
    --------
    >>> import numpy as np
    >>> triplet_init(TripletSTDP(), np.array([1.0])).o1.tolist()
    [0.0]
    """
    xp = namespace(w0)
    w = xp.asarray(w0)
    if not bool(xp.all(xp.isfinite(w))):
        raise ParameterError("w0", "must be finite")
    z = xp.zeros_like(w)
    return TripletState(w=w, r1=z, r2=xp.zeros_like(w), o1=xp.zeros_like(w),
                        o2=xp.zeros_like(w))


def triplet_step(params: TripletSTDP, state: TripletState, pre: Array, post: Array,
                 dt: float) -> TripletState:
    """Decay the traces exactly over ``dt`` ms, then apply this step's spikes.

    Parameters
    ----------
    pre, post
        Boolean arrays broadcasting against ``state.w``: a spike at the end of the step.
    dt
        Time since the previous call (ms), > 0.

    Notes
    -----
    Both updates use the traces after the decay and before this step's jumps (the
    :math:`t - \\epsilon` of the rule), so a pre and a post spike in the same step do not
    interact, as in :func:`engramlab.plasticity.stdp.stdp_step`.

    Returns
    -------
    TripletState
        The state after the step.

    Examples
    --------
    >>> import numpy as np
    >>> p = TripletSTDP()
    >>> s = triplet_step(p, triplet_init(p, np.ones(1)), np.array([True]), np.array([False]), 1.0)
    >>> s = triplet_step(p, s, np.array([False]), np.array([True]), 10.0)  # post 10 ms after pre
    >>> round(float(s.w[0] - 1.0), 12), round(float(s.o2[0]), 3)  # A2+ e^(-10/16.8); o2 jumped
    (2.76e-10, 1.0)
    """
    dt = _check_dt(dt)
    xp = namespace(state.w)
    r1 = state.r1 * math.exp(-dt / params.tau_plus_ms)
    r2 = state.r2 * math.exp(-dt / params.tau_x_ms)
    o1 = state.o1 * math.exp(-dt / params.tau_minus_ms)
    o2 = state.o2 * math.exp(-dt / params.tau_y_ms)
    pre_f = xp.astype(xp.asarray(pre), state.w.dtype)
    post_f = xp.astype(xp.asarray(post), state.w.dtype)
    w = (state.w - pre_f * o1 * (params.a2_minus + params.a3_minus * r2)
         + post_f * r1 * (params.a2_plus + params.a3_plus * o2))
    if params.pairing == "all-to-all":
        r1, r2 = r1 + pre_f, r2 + pre_f
        o1, o2 = o1 + post_f, o2 + post_f
    else:
        one = xp.ones_like(w)
        r1 = xp.where(pre_f > 0, one, r1)
        r2 = xp.where(pre_f > 0, one, r2)
        o1 = xp.where(post_f > 0, one, o1)
        o2 = xp.where(post_f > 0, one, o2)
    return TripletState(w=w, r1=r1, r2=r2, o1=o1, o2=o2)


def triplet_spike_trains(params: TripletSTDP, w0: Array, pre_times_ms: Array,
                         post_times_ms: Array) -> TripletState:
    """Event-driven triplet STDP over one pre and one post spike train (exact traces).

    Parameters
    ----------
    w0
        Initial weights, shape ``(...)``: a batch of synapses sharing the two trains.
    pre_times_ms, post_times_ms
        1-D spike times (ms), any order.

    Returns
    -------
    The state after the last spike (traces as of that time).

    References
    ----------
    J.-P. Pfister, W. Gerstner (2006). Triplets of spikes in a model of spike
    timing-dependent plasticity. J. Neurosci. 26:9673-9682,
    doi:10.1523/JNEUROSCI.1425-06.2006 (Table 2).

    Examples
    --------
    >>> import numpy as np
    >>> s = triplet_spike_trains(TripletSTDP(), np.ones(1), [0.0, 50.0], [10.0, 60.0])
    >>> round(float(s.w[0]), 6)
    1.00023
    """
    return run_spike_trains(triplet_init, triplet_step, params, w0, pre_times_ms,
                            post_times_ms)


# -- pairing protocol -------------------------------------------------------------------


def _protocol_args(dt_ms: Array, freq_hz: float, n_pairs: int,
                   pairs_per_burst: int | None) -> tuple[np.ndarray, float, int, int]:
    f = float(freq_hz)
    if not math.isfinite(f) or f <= 0:
        raise ParameterError("freq_hz", "must be a finite number > 0", freq_hz)
    if n_pairs < 1:
        raise ParameterError("n_pairs", "must be >= 1", n_pairs)
    per = n_pairs if pairs_per_burst is None else int(pairs_per_burst)
    if per < 1 or n_pairs % per:
        raise ParameterError("pairs_per_burst", f"must be >= 1 and divide n_pairs = "
                             f"{n_pairs}", pairs_per_burst)
    period = 1000.0 / f
    dts = np.asarray(dt_ms, dtype=float)
    if not np.all(np.isfinite(dts)) or np.any(np.abs(dts) >= period):
        raise ParameterError("dt_ms", f"|dt| must be < the pairing period {period:g} ms",
                             dt_ms)
    return dts, period, per, n_pairs // per


def _geo(a: np.ndarray | float, n: int) -> np.ndarray:
    """G_n(a) = sum_{k<n} a^k, stable for a -> 1 (a in [0, 1])."""
    a = np.asarray(a, dtype=float)
    close = a > 1 - 1e-12
    safe = np.where(close, 0.5, a)
    return np.where(close, float(n), (1 - safe ** n) / (1 - safe))


def _sum_prod(a: np.ndarray | float, s: np.ndarray | float, b: float, n: int,
              nearest: bool) -> np.ndarray:
    """sum_{k<n} S_a(k + s) S_b(k): S(m) = (1 - a^m) (all-to-all) or [m >= 1] (nearest).

    The trace factors below are u * S_a(k + s) / (1 - a) (all-to-all) or u * [k + s >= 1]
    (nearest); this sums the product with the other trace's factor S_b(k).
    """
    a = np.asarray(a, dtype=float)
    s = np.asarray(s, dtype=float)
    if nearest:
        # [k + s >= 1][k >= 1] summed over k < n: n - 1 terms (k >= 1), s irrelevant.
        return np.full(np.broadcast(a, s).shape, float(n - 1))
    return n - a ** s * _geo(a, n) - _geo(b, n) + a ** s * _geo(a * b, n)


def _sum_single(a: np.ndarray | float, s: np.ndarray | float, n: int,
                nearest: bool) -> np.ndarray:
    """sum_{k<n} S_a(k + s)."""
    a = np.asarray(a, dtype=float)
    s = np.asarray(s, dtype=float)
    if nearest:
        return np.where(s >= 1, float(n), float(n - 1)) + 0.0 * a
    return n - a ** s * _geo(a, n)


def pairing_protocol_theory(params: TripletSTDP, dt_ms: Array, freq_hz: float, *,
                            n_pairs: int = 60,
                            pairs_per_burst: int | None = None) -> np.ndarray:
    """Closed-form total weight change of the pairing protocol (module docstring).

    Parameters
    ----------
    dt_ms
        :math:`\\Delta t = t_\\mathrm{post} - t_\\mathrm{pre}` (ms), any shape,
        :math:`|\\Delta t| < 1000 / f`.
    freq_hz
        Pairing frequency :math:`f` (Hz) within a train.
    n_pairs
        Total number of pairs.
    pairs_per_burst
        Pairs per train; trains are far apart (traces decay fully between them).
        ``None``: one train of ``n_pairs``.

    Returns
    -------
    :math:`\\Delta w` (sum of all updates; with :math:`w_0 = 1` the relative change),
    shape of ``dt_ms``.

    References
    ----------
    J.-P. Pfister, W. Gerstner (2006). Triplets of spikes in a model of spike
    timing-dependent plasticity. J. Neurosci. 26:9673-9682,
    doi:10.1523/JNEUROSCI.1425-06.2006 (Table 2).

    Examples
    --------
    >>> import numpy as np
    >>> np.round(pairing_protocol_theory(TripletSTDP(), np.array([-10.0, 10.0]), 10.0), 4).tolist()
    [-0.3336, 0.1321]
    """
    dts, period, per, n_bursts = _protocol_args(dt_ms, freq_hz, n_pairs, pairs_per_burst)
    nearest = params.pairing == "nearest"
    q_p = math.exp(-period / params.tau_plus_ms)
    q_m = math.exp(-period / params.tau_minus_ms)
    q_x = math.exp(-period / params.tau_x_ms)
    q_y = math.exp(-period / params.tau_y_ms)
    pos, neg = dts > 0, dts < 0
    d = np.abs(dts)
    # Post spike k: r1 = u_p * S_{q+}(k + s_p) [/(1 - q+)]; pre spike k: o1 likewise.
    u_p = np.where(pos, np.exp(-d / params.tau_plus_ms),
                   np.exp(-(period - d) / params.tau_plus_ms))
    s_p = np.where(pos, 1.0, 0.0)
    u_m = np.where(neg, np.exp(-d / params.tau_minus_ms),
                   np.exp(-(period - d) / params.tau_minus_ms))
    s_m = np.where(neg, 1.0, 0.0)
    if nearest:
        c_p = c_m = c_y = c_x = 1.0
    else:
        c_p, c_m = 1 / (1 - q_p), 1 / (1 - q_m)
        c_y, c_x = 1 / (1 - q_y), 1 / (1 - q_x)
    # o2 before post k = q_y S_{q_y}(k) c_y; r2 before pre k = q_x S_{q_x}(k) c_x.
    ltp = u_p * c_p * (params.a2_plus * _sum_single(q_p, s_p, per, nearest)
                       + params.a3_plus * q_y * c_y
                       * _sum_prod(q_p, s_p, q_y, per, nearest))
    ltd = u_m * c_m * (params.a2_minus * _sum_single(q_m, s_m, per, nearest)
                       + params.a3_minus * q_x * c_x
                       * _sum_prod(q_m, s_m, q_x, per, nearest))
    return n_bursts * (ltp - ltd)


def pairing_protocol_simulated(params: TripletSTDP, dt_ms: Array, freq_hz: float, *,
                               n_pairs: int = 60, pairs_per_burst: int | None = None,
                               burst_interval_ms: float = 10_000.0) -> np.ndarray:
    """The pairing protocol run through :func:`triplet_spike_trains` (for checks).

    Pre spikes at ``b * burst_interval_ms + k * 1000 / f``, post spikes ``dt`` later.

    Returns
    -------
    ``w_final - 1`` for each timing (NumPy), shape of ``dt_ms``.

    Parameters
    ----------
    params
        The rule.
    dt_ms
        :math:`\\Delta t = t_\\mathrm{post} - t_\\mathrm{pre}` (ms), any shape.
    freq_hz
        Pairing frequency (Hz) within a train.
    n_pairs
        Total number of pairs.
    pairs_per_burst
        Pairs per train (``None``: one train of ``n_pairs``).
    burst_interval_ms
        Time between the starts of the trains (ms).

    Examples
    --------
    >>> import numpy as np
    >>> dt = np.array([-10.0, 10.0])
    >>> sim = pairing_protocol_simulated(TripletSTDP(), dt, 10.0, n_pairs=20)
    >>> theory = pairing_protocol_theory(TripletSTDP(), dt, 10.0, n_pairs=20)
    >>> np.round(sim, 4).tolist(), bool(np.allclose(sim, theory, rtol=1e-9, atol=1e-12))
    ([-0.1109, 0.041], True)
    """
    dts, period, per, n_bursts = _protocol_args(dt_ms, freq_hz, n_pairs, pairs_per_burst)
    if n_bursts > 1 and burst_interval_ms < per * period + 1000.0:
        raise ParameterError("burst_interval_ms", "must leave >= 1 s between trains",
                             burst_interval_ms)
    onsets = (np.arange(n_bursts)[:, None] * burst_interval_ms
              + np.arange(per)[None, :] * period).ravel()
    out = np.empty(dts.shape)
    for idx, d in np.ndenumerate(dts):
        st = triplet_spike_trains(params, np.asarray(1.0), onsets, onsets + d)
        out[idx] = float(st.w) - 1.0
    return out
