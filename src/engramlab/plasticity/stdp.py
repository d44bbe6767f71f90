"""Pair-based spike-timing-dependent plasticity (STDP) with exponential traces.

A presynaptic spike at :math:`t_\\mathrm{pre}` and a postsynaptic spike at
:math:`t_\\mathrm{post}` change the weight by the window (Bi & Poo 1998; fit of
Bi & Poo 2001 and van Rossum, Bi & Turrigiano 2000)

.. math::

    \\Delta w(\\Delta t) =
    \\begin{cases}
        A_+(w)\\, e^{-\\Delta t / \\tau_+} & \\Delta t > 0 \\\\
        -A_-(w)\\, e^{\\Delta t / \\tau_-} & \\Delta t < 0 \\\\
        0 & \\Delta t = 0
    \\end{cases},\\qquad \\Delta t = t_\\mathrm{post} - t_\\mathrm{pre}

with :math:`A_+ = a_+`, :math:`A_- = a_-` for additive bounds (then clipped to
:math:`[0, w_\\max]`) and :math:`A_+ = a_+ (w_\\max - w)`, :math:`A_- = a_- w` for
multiplicative (soft) bounds (van Rossum et al. 2000).

It is implemented event by event with two traces (Morrison, Diesmann & Gerstner 2008):
a presynaptic trace :math:`x` and a postsynaptic trace :math:`y`,

.. math::

    \\frac{dx}{dt} = -\\frac{x}{\\tau_+},\\quad \\frac{dy}{dt} = -\\frac{y}{\\tau_-};
    \\qquad \\text{pre spike: } w \\mathrel{-}= A_-(w)\\, y,\\ x \\to x + 1
    \\ (\\text{all-to-all}) \\text{ or } x \\to 1\\ (\\text{nearest});
    \\qquad \\text{post spike: } w \\mathrel{+}= A_+(w)\\, x,\\ y \\to y + 1
    \\text{ or } y \\to 1.

Spikes at the same time are processed with the traces from just before that time, so
:math:`\\Delta t = 0` gives no change, as the closed form.

References
----------
G. Bi, M. Poo (1998). Synaptic modifications in cultured hippocampal neurons.
J. Neurosci. 18:10464-10472, doi:10.1523/JNEUROSCI.18-24-10464.1998.
G. Bi, M. Poo (2001). Synaptic modification by correlated activity: Hebb's postulate
revisited. Annu. Rev. Neurosci. 24:139-166, doi:10.1146/annurev.neuro.24.1.139.
M. C. W. van Rossum, G. Bi, G. G. Turrigiano (2000). Stable Hebbian learning from
spike timing-dependent plasticity. J. Neurosci. 20:8812-8821,
doi:10.1523/JNEUROSCI.20-23-08812.2000.
A. Morrison, M. Diesmann, W. Gerstner (2008). Phenomenological models of synaptic
plasticity based on spike timing. Biol. Cybern. 98:459-478,
doi:10.1007/s00422-008-0233-1.

Examples
--------
>>> import numpy as np
>>> p = PairSTDP()
>>> np.round(stdp_window(p, np.array([-20.0, 10.0, 20.0])), 5).tolist()
[-0.00331, 0.00551, 0.00304]
>>> np.round(pair_protocol(p, np.array([-10.0, 10.0]), n_pairs=60), 4).tolist()
[-0.2676, 0.3309]
"""

from __future__ import annotations

import math
from typing import Any, Literal, NamedTuple

import numpy as np

from engramlab.core import ParameterError, Params, namespace, param

__all__ = [
    "PairSTDP",
    "STDPState",
    "TraceRule",
    "pair_protocol",
    "run_spike_trains",
    "stdp_init",
    "stdp_spike_trains",
    "stdp_step",
    "stdp_window",
]

Array = Any


class TraceRule(NamedTuple):
    r"""A trace-based STDP rule in the form the network engine runs compiled.

    Presynaptic traces :math:`r_1, r_2` (time constants ``tau_r1_ms``, ``tau_r2_ms``),
    postsynaptic traces :math:`o_1, o_2` (``tau_o1_ms``, ``tau_o2_ms``); each jumps by 1
    at its neuron's spike (``nearest``: is set to 1). With traces read just before the
    spike being processed (Pfister & Gerstner 2006, Eqs. 3-4; pair STDP: ``a3p = a3m = 0``):

    .. math::

        \text{post spike: } w \mathrel{+}= s_+(w)\, r_1 (a_{2+} + a_{3+} o_2),\qquad
        \text{pre spike: } w \mathrel{-}= s_-(w)\, o_1 (a_{2-} + a_{3-} r_2)

    with :math:`s_\pm = 1` (additive: amplitudes in weight units) or
    :math:`s_+ = w_\max - w`, :math:`s_- = w - w_\min` (``soft``: amplitudes are
    fractions), then :math:`w` clipped to :math:`[w_\min, w_\max]`.

    References
    ----------
    J.-P. Pfister, W. Gerstner (2006). Triplets of spikes in a model of spike
    timing-dependent plasticity. J. Neurosci. 26:9673-9682,
    doi:10.1523/JNEUROSCI.1425-06.2006.

    Examples
    --------
    >>> rule = PairSTDP().trace_rule()
    >>> rule.tau_r1_ms, rule.tau_o1_ms, rule.a2p, rule.a3p, rule.soft
    (16.8, 33.7, 0.01, 0.0, False)
    """

    tau_r1_ms: float
    tau_r2_ms: float
    tau_o1_ms: float
    tau_o2_ms: float
    a2p: float
    a3p: float
    a2m: float
    a3m: float
    w_min: float
    w_max: float
    soft: bool
    nearest: bool


class PairSTDP(Params):
    """Parameters of pair-based STDP.

    On a network projection (``Projection(..., plasticity=PairSTDP(...))``) it runs
    inside the compiled loop; ``w_max`` is then in the projection's weight unit (nS for
    a conductance receptor, pA for a current one).

    .. math::

        \\Delta w = A_+(w)\\, e^{-\\Delta t / \\tau_+} \\ (\\Delta t > 0), \\qquad
        \\Delta w = -A_-(w)\\, e^{\\Delta t / \\tau_-} \\ (\\Delta t < 0)

    Time constants in ms (:math:`\\tau_+` = 16.8 ms, :math:`\\tau_-` = 33.7 ms, the fit of
    Bi & Poo 2001); amplitudes ``a_plus``, ``a_minus`` in weight units (additive bounds) or as
    fractions of the distance to the bound (multiplicative bounds).

    References
    ----------
    G. Bi, M. Poo (2001). Synaptic modification by correlated activity: Hebb's postulate
    revisited. Annu. Rev. Neurosci. 24:139-166, doi:10.1146/annurev.neuro.24.1.139.
    A. Morrison, M. Diesmann, W. Gerstner (2008). Phenomenological models of synaptic
    plasticity based on spike timing. Biol. Cybern. 98:459-478,
    doi:10.1007/s00422-008-0233-1.

    Examples
    --------
    >>> p = PairSTDP(bounds="multiplicative")
    >>> p.tau_plus_ms, p.tau_minus_ms, p.bounds
    (16.8, 33.7, 'multiplicative')
    """

    a_plus: float = param(
        0.01, unit="1", ge=0.0, le=1.0,
        doc="LTP amplitude a+ (fraction of w_max per pair at dt -> 0+).",
        source="chosen: ~1 % per pair, so 60 pairs give tens of % as in Bi & Poo 1998 "
               "Fig. 7",
    )
    a_minus: float = param(
        0.006, unit="1", ge=0.0, le=1.0,
        doc="LTD amplitude a- (fraction of w_max per pair at dt -> 0-).",
        source="chosen: a- tau- > a+ tau+ so the window integral is negative (LTD "
               "dominates), as in Song, Miller & Abbott 2000",
    )
    tau_plus_ms: float = param(
        16.8, unit="ms", gt=0.0, le=1000.0,
        doc="Decay time tau+ of the LTP side of the window.",
        source="Bi & Poo 2001 (fit to Bi & Poo 1998 Fig. 7); van Rossum et al. 2000",
    )
    tau_minus_ms: float = param(
        33.7, unit="ms", gt=0.0, le=1000.0,
        doc="Decay time tau- of the LTD side of the window.",
        source="Bi & Poo 2001 (fit to Bi & Poo 1998 Fig. 7); van Rossum et al. 2000",
    )
    w_max: float = param(
        1.0, unit="1", gt=0.0, le=1e6,
        doc="Upper weight bound w_max (weights live in [0, w_max]).",
        source="chosen: weights in units of w_max",
    )
    pairing: Literal["all-to-all", "nearest"] = param(
        "all-to-all", unit="1", doc="Which spike pairs interact: all, or nearest "
        "neighbours (trace reset to 1 instead of incremented).",
        source="Morrison, Diesmann & Gerstner 2008, Sect. 4.1",
    )
    bounds: Literal["additive", "multiplicative"] = param(
        "additive", unit="1", doc="Weight dependence: additive (hard bounds, clipped) or "
        "multiplicative (soft bounds).",
        source="van Rossum, Bi & Turrigiano 2000 (multiplicative); Song et al. 2000 "
               "(additive)",
    )


    def trace_rule(self) -> TraceRule:
        """This rule as a :class:`TraceRule` (second-order amplitudes zero)."""
        soft = self.bounds == "multiplicative"
        scale = 1.0 if soft else self.w_max
        return TraceRule(self.tau_plus_ms, self.tau_plus_ms, self.tau_minus_ms,
                         self.tau_minus_ms, self.a_plus * scale, 0.0,
                         self.a_minus * scale, 0.0, 0.0, self.w_max, soft,
                         self.pairing == "nearest")


class STDPState(NamedTuple):
    """State of the trace implementation.

    Attributes
    ----------
    w
        Weights, shape ``(...)`` (units of ``w_max``'s unit).
    x
        Presynaptic trace (1), same shape.
    y
        Postsynaptic trace (1), same shape.

    Examples
    --------
    >>> import numpy as np
    >>> s = stdp_init(PairSTDP(), np.full(2, 0.5))
    >>> s.w.tolist(), s.x.tolist(), s.y.tolist()
    ([0.5, 0.5], [0.0, 0.0], [0.0, 0.0])
    """

    w: Array
    x: Array
    y: Array


def _check_dt(dt: float) -> float:
    dt = float(dt)
    if not math.isfinite(dt) or dt <= 0:
        raise ParameterError("dt", "must be a finite number > 0 (ms)", dt)
    return dt


def _potentiation(params: PairSTDP, w: Array) -> Array:
    if params.bounds == "multiplicative":
        return params.a_plus * (params.w_max - w)
    return params.a_plus * params.w_max + 0.0 * w


def _depression(params: PairSTDP, w: Array) -> Array:
    if params.bounds == "multiplicative":
        return params.a_minus * w
    return params.a_minus * params.w_max + 0.0 * w


def _clip(params: PairSTDP, w: Array) -> Array:
    xp = namespace(w)
    return xp.clip(w, 0.0, params.w_max)


def stdp_window(params: PairSTDP, dt_ms: Array, w: Array | float | None = None) -> Array:
    """Closed-form weight change of one isolated pre/post pair.

    Parameters
    ----------
    params
        The rule.
    dt_ms
        :math:`\\Delta t = t_\\mathrm{post} - t_\\mathrm{pre}` (ms), any shape.
    w
        Weight before the pair (needed for multiplicative bounds; default ``w_max / 2``).

    Returns
    -------
    The change :math:`\\Delta w`, same shape as ``dt_ms``; for additive bounds it is
    the unclipped window (the event implementation clips the weight to
    :math:`[0, w_\\max]`).

    References
    ----------
    G. Bi, M. Poo (2001). Synaptic modification by correlated activity: Hebb's postulate
    revisited. Annu. Rev. Neurosci. 24:139-166, doi:10.1146/annurev.neuro.24.1.139.
    A. Morrison, M. Diesmann, W. Gerstner (2008). Phenomenological models of synaptic
    plasticity based on spike timing. Biol. Cybern. 98:459-478,
    doi:10.1007/s00422-008-0233-1.

    Examples
    --------
    >>> import numpy as np
    >>> dw = stdp_window(PairSTDP(), np.array([-33.7, 0.0, 16.8]))  # one time constant apart
    >>> np.round(dw, 6).tolist()  # -a- / e, 0, a+ / e
    [-0.002207, 0.0, 0.003679]
    """
    dt = np.asarray(dt_ms, dtype=float)
    w_arr = np.asarray(params.w_max / 2 if w is None else w, dtype=float)
    ltp = _potentiation(params, w_arr) * np.exp(-np.abs(dt) / params.tau_plus_ms)
    ltd = -_depression(params, w_arr) * np.exp(-np.abs(dt) / params.tau_minus_ms)
    return np.where(dt > 0, ltp, np.where(dt < 0, ltd, 0.0))


def stdp_init(params: PairSTDP, w0: Array) -> STDPState:
    """Initial state: weights ``w0`` (shape ``(...)``), both traces zero.

    Parameters
    ----------
    params
        The rule.
    w0
        Initial weights (units of ``w_max``), any shape.

    Returns
    -------
    STDPState
        ``w = w0``, traces ``x = y = 0`` of the same shape.

    Examples
    --------
    >>> import numpy as np
    >>> stdp_init(PairSTDP(), np.array([0.2, 0.8])).x.tolist()
    [0.0, 0.0]
    """
    xp = namespace(w0)
    w = xp.asarray(w0)
    if not bool(xp.all((w >= 0) & (w <= params.w_max))):
        raise ParameterError("w0", f"must lie in [0, w_max = {params.w_max}]")
    return STDPState(w=w, x=xp.zeros_like(w), y=xp.zeros_like(w))


def stdp_step(params: PairSTDP, state: STDPState, pre: Array, post: Array,
              dt: float) -> STDPState:
    """Advance the traces by ``dt`` ms, then apply this step's spikes.

    Parameters
    ----------
    state
        Current state.
    pre, post
        Boolean arrays broadcasting against ``state.w``: a spike at the end of the step.
    dt
        Time since the previous call (ms), > 0.

    Notes
    -----
    Both updates use the traces after the decay and before this step's increments, so a
    pre and a post spike in the same step do not interact.

    Returns
    -------
    STDPState
        The state after the step.

    Examples
    --------
    >>> import numpy as np
    >>> p = PairSTDP()
    >>> s = stdp_step(p, stdp_init(p, np.array([0.5])), np.array([True]), np.array([False]), 1.0)
    >>> s = stdp_step(p, s, np.array([False]), np.array([True]), 10.0)  # post 10 ms after pre
    >>> round(float(s.w[0]) - 0.5, 6), round(float(stdp_window(p, 10.0)), 6)
    (0.005514, 0.005514)
    """
    dt = _check_dt(dt)
    xp = namespace(state.w)
    x = state.x * math.exp(-dt / params.tau_plus_ms)
    y = state.y * math.exp(-dt / params.tau_minus_ms)
    pre_f = xp.astype(xp.asarray(pre), state.w.dtype)
    post_f = xp.astype(xp.asarray(post), state.w.dtype)
    w = state.w - pre_f * _depression(params, state.w) * y
    w = _clip(params, w)
    w = w + post_f * _potentiation(params, w) * x
    w = _clip(params, w)
    if params.pairing == "all-to-all":
        x = x + pre_f
        y = y + post_f
    else:
        x = xp.where(pre_f > 0, xp.ones_like(x), x)
        y = xp.where(post_f > 0, xp.ones_like(y), y)
    return STDPState(w=w, x=x, y=y)


def stdp_spike_trains(params: PairSTDP, w0: Array, pre_times_ms: Array,
                      post_times_ms: Array) -> STDPState:
    """Event-driven STDP over one pre and one post spike train (exact traces).

    Parameters
    ----------
    w0
        Initial weights, shape ``(...)``: a batch of synapses sharing the two trains.
    pre_times_ms, post_times_ms
        1-D spike times (ms), any order.

    Returns
    -------
    The state after the last spike (traces as of that time).

    Examples
    --------
    >>> import numpy as np
    >>> s = stdp_spike_trains(PairSTDP(), np.array([0.5]), [0.0, 100.0], [10.0, 90.0])
    >>> round(float(s.w[0]), 5)  # a +10 ms and a -10 ms pair (all-to-all)
    0.50069
    """
    return run_spike_trains(stdp_init, stdp_step, params, w0, pre_times_ms, post_times_ms)


def run_spike_trains(init: Any, step: Any, params: Any, w0: Array, pre_times_ms: Array,
                     post_times_ms: Array) -> Any:
    """Drive a trace rule event by event through one pre and one post spike train.

    The rule is a pair ``init(params, w0)``, ``step(params, state, pre, post, dt)``; it
    takes one step per distinct spike time, with the exact time (ms) since the
    previous one.

    Parameters
    ----------
    init, step
        The rule's initial-state and step functions (e.g. :func:`stdp_init`,
        :func:`stdp_step`).
    params
        The rule's parameters.
    w0
        Initial weights, any shape.
    pre_times_ms, post_times_ms
        1-D spike times (ms), any order.

    Returns
    -------
    state
        The rule's state after the last spike.

    Examples
    --------
    >>> import numpy as np
    >>> s = run_spike_trains(stdp_init, stdp_step, PairSTDP(), np.array([0.5]), [0.0], [10.0])
    >>> round(float(s.w[0]), 6)
    0.505514
    """
    pre = np.sort(np.asarray(pre_times_ms, dtype=float).ravel())
    post = np.sort(np.asarray(post_times_ms, dtype=float).ravel())
    if not (np.all(np.isfinite(pre)) and np.all(np.isfinite(post))):
        raise ParameterError("spike times", "must be finite")
    state = init(params, w0)
    times = np.unique(np.concatenate([pre, post]))
    if times.size == 0:
        return state
    xp = namespace(state.w)
    is_pre = np.isin(times, pre)
    is_post = np.isin(times, post)
    last = times[0] - 1.0  # traces are zero, so the first decay does not matter
    for t, p, q in zip(times, is_pre, is_post, strict=True):
        state = step(params, state, xp.asarray(bool(p)), xp.asarray(bool(q)), float(t - last))
        last = t
    return state


def pair_protocol(params: PairSTDP, dt_ms: Array, *, n_pairs: int = 1,
                  period_ms: float = 1000.0, w0: float | None = None) -> np.ndarray:
    """Weight change after ``n_pairs`` pre/post pairs at each timing in ``dt_ms``.

    The pre spikes are at ``k * period_ms``, the post spikes at ``k * period_ms + dt``
    (``k = 0 .. n_pairs - 1``); each timing is run through :func:`stdp_spike_trains`.

    Returns
    -------
    ``w_final - w0`` (NumPy), shape of ``dt_ms``.

    Parameters
    ----------
    params
        The rule.
    dt_ms
        Timings :math:`\\Delta t = t_\\mathrm{post} - t_\\mathrm{pre}` (ms), any shape.
    n_pairs
        Number of pairs.
    period_ms
        Time between the pairs (ms).
    w0
        Initial weight (default ``w_max / 2``).

    Examples
    --------
    >>> import numpy as np
    >>> np.round(pair_protocol(PairSTDP(), np.array([-10.0, 10.0]), n_pairs=5), 5).tolist()
    [-0.0223, 0.02757]
    """
    if n_pairs < 1:
        raise ParameterError("n_pairs", "must be >= 1", n_pairs)
    period_ms = _check_dt(period_ms)
    dts = np.asarray(dt_ms, dtype=float)
    w_start = params.w_max / 2 if w0 is None else float(w0)
    out = np.empty(dts.shape)
    onsets = np.arange(n_pairs) * period_ms
    for idx, d in np.ndenumerate(dts):
        st = stdp_spike_trains(params, np.asarray(w_start), onsets, onsets + d)
        out[idx] = float(st.w) - w_start
    return out
