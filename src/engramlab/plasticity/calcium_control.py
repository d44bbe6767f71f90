"""The calcium-control hypothesis: the unified NMDA-receptor model of Shouval, Bear & Cooper (2002).

A synapse's weight :math:`W` moves towards a calcium-dependent target
:math:`\\Omega([Ca])` at a calcium-dependent rate :math:`\\eta([Ca])`; the calcium
enters through NMDA receptors, whose current needs both glutamate (presynaptic pulses)
and depolarisation (the Mg2+ block). Low calcium does nothing, moderate calcium
depresses, high calcium potentiates (Lisman 1989; the BCM curve).

Calcium (:math:`\\mu M`; relative to the resting level, which is taken as 0):

.. math::

    \\frac{d[Ca]}{dt} = I_\\mathrm{NMDA}(t, V) - \\frac{[Ca]}{\\tau_{Ca}},\\qquad
    I_\\mathrm{NMDA} = g_\\mathrm{NMDA}\\, f_\\mathrm{AP5}(t)\\, O(t)\\, H(V),\\qquad
    H(V) = B(V)\\,(V_{Ca} - V)

with :math:`g_\\mathrm{NMDA} = 1/500\\ \\mu M/(ms\\,mV)`, the calcium reversal
:math:`V_{Ca} = 130` mV, :math:`\\tau_{Ca} = 50` ms, and the Mg2+ block of Jahr &
Stevens (1990), :math:`B(V) = 1/(1 + [Mg^{2+}]_o e^{-0.062 V}/3.57)` with
:math:`[Mg^{2+}]_o = 1` mM (:func:`engramlab.synapses.receptors.mg_block`).
:math:`f_\\mathrm{AP5}(t)` is the fraction of NMDA receptors not blocked by a drug (1
without one). The fraction of glutamate-bound (open) receptors is a sum over
presynaptic pulses :math:`t_k`,

.. math::

    O(t) = \\sum_k a_k \\left[I_f e^{-(t - t_k)/\\tau_f}
           + (1 - I_f) e^{-(t - t_k)/\\tau_s}\\right],\\qquad
    a_k = P_0\\,\\bigl(1 - O(t_k^-)\\bigr)

(:math:`P_0 = 0.5` of the receptors still closed open at each pulse; :math:`I_f = 0.5`,
:math:`\\tau_f = 50` ms, :math:`\\tau_s = 200` ms). Membrane potential at the spine
(mV), unless clamped:

.. math::

    V(t) = V_\\mathrm{rest} + \\frac{s}{n_\\mathrm{EPSP}} \\sum_k
           \\bigl(e^{-(t - t_k)/\\tau_1} - e^{-(t - t_k)/\\tau_2}\\bigr)
         + 100\\ \\mathrm{mV} \\sum_j \\bigl(0.75\\, e^{-(t - t_j - d)/3\\,\\mathrm{ms}}
           + 0.25\\, e^{-(t - t_j - d)/25\\,\\mathrm{ms}}\\bigr)

(:math:`V_\\mathrm{rest} = -65` mV; EPSPs with :math:`\\tau_1 = 50` ms, :math:`\\tau_2 = 5`
ms, peak :math:`s` (:math:`n_\\mathrm{EPSP}` normalises the peak); back-propagating
action potentials of postsynaptic spikes :math:`t_j` arriving after :math:`d = 2` ms;
each term only for :math:`t` after its event). Weight:

.. math::

    \\frac{dW}{dt} = \\eta([Ca])\\bigl(\\Omega([Ca]) - \\lambda W\\bigr),\\qquad
    \\Omega = 0.25 + \\sigma([Ca] - \\alpha_2, \\beta_2)
                 - 0.25\\, \\sigma([Ca] - \\alpha_1, \\beta_1),\\qquad
    \\eta = \\Bigl(\\frac{P_1}{P_2 + [Ca]^{P_3}} + P_4\\Bigr)^{-1}

with :math:`\\sigma(x, \\beta) = e^{\\beta x}/(1 + e^{\\beta x})`, :math:`\\alpha_1 = 0.35`
uM, :math:`\\alpha_2 = 0.55` uM, :math:`\\beta_{1,2} = 80/\\mu M`, :math:`P_1 = 0.1` s,
:math:`P_2 = 10^{-5}` (so that :math:`1/\\eta(0) \\approx 10^4` s, about 3 h),
:math:`P_3 = 3`, :math:`P_4 = 1` s, :math:`\\lambda = 1`. With :math:`\\lambda = 1` the
weight at rest is :math:`W_0 = \\Omega(0) \\approx 0.25`; changes are reported as
:math:`W/W_0`.

Numerics. Between pulses every component of :math:`O`, the EPSP and the BPAP decays
exponentially, so they are exact on a uniform grid (first-order linear filters of the
pulse trains, :func:`scipy.signal.lfilter`). Calcium is integrated exactly for a current
linear between grid points. :math:`W` (and any variable obeying
:math:`dx/dt = -k([Ca])\\,x + b([Ca])`) is propagated exactly for calcium held at its
midpoint value over each step: :math:`x \\leftarrow A x + B`,
:math:`A = e^{-k h}`, :math:`B = (b/k)(1 - A)` (:func:`solve_affine`, vectorised with
cumulative sums). Long protocols (900 pulses at 0.5 Hz last 30 min) use their
periodicity (:func:`pulse_protocol`): once the calcium machinery has converged to
its periodic state (the slowest time constant is :math:`\\tau_s = 200` ms), every
further inter-pulse interval is the same affine map of :math:`x`, applied :math:`R`
times in closed form, :math:`x \\leftarrow A^R x + B (1 - A^R)/(1 - A)`. The remaining
discrepancy of the periodic state is reported (``periodicity_error``).

References
----------
H. Z. Shouval, M. F. Bear, L. N. Cooper (2002). A unified model of NMDA
receptor-dependent bidirectional synaptic plasticity. PNAS 99:10831-10836,
doi:10.1073/pnas.152343099 (model and parameters: Methods and SI; Fig. 3A pairing,
Fig. 3B rate dependence).
C. E. Jahr, C. F. Stevens (1990). Voltage dependence of NMDA-activated macroscopic
conductances predicted by single-channel kinetics. J. Neurosci. 10:3178-3182,
doi:10.1523/JNEUROSCI.10-09-03178.1990.
S. M. Dudek, M. F. Bear (1992). Homosynaptic long-term depression in area CA1 of
hippocampus and effects of N-methyl-D-aspartate receptor blockade. PNAS
89:4363-4367, doi:10.1073/pnas.89.10.4363 (900 pulses at 0.5-50 Hz).
J. Lisman (1989). A mechanism for the Hebb and the anti-Hebb processes underlying
learning and memory. PNAS 86:9574-9578, doi:10.1073/pnas.86.23.9574.

Examples
--------
The rate dependence of Fig. 3B: 900 pulses depress at 1-3 Hz and potentiate at 10 Hz
(weights relative to the rest weight :math:`W_0`):

>>> p = CalciumControl()
>>> for freq_hz in (1.0, 3.0, 10.0):
...     prot = pulse_protocol(p, freq_hz, 900)
...     w = evolve_affine(prot, lambda ca: weight_rates(p, ca), p.w_rest).final
...     print(freq_hz, round(float(w / p.w_rest), 3))
1.0 0.511
3.0 0.348
10.0 3.832
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, overload

import numpy as np
from scipy.signal import lfilter
from scipy.special import expit

from engramlab.core import ParameterError, Params, SimulationError, param
from engramlab.synapses.receptors import mg_block

__all__ = [
    "AffineResult",
    "CalciumControl",
    "CalciumState",
    "CalciumTrace",
    "PulseProtocol",
    "calcium_steady_pulse",
    "epsp_norm",
    "eta_per_s",
    "evolve_affine",
    "nmda_drive",
    "omega",
    "pulse_protocol",
    "simulate",
    "solve_affine",
    "weight_change",
    "weight_rates",
]

Array = Any
FactorFn = Callable[[np.ndarray], np.ndarray]
_SBC = "Shouval, Bear & Cooper 2002, PNAS 99:10831"
_SBC_M = _SBC + ", Methods"


class CalciumControl(Params):
    """Parameters of the calcium-control model (defaults: Shouval, Bear & Cooper 2002).

    Calcium in uM (relative to rest), times in ms, potentials in mV, the rate constants
    of :math:`\\eta` in s; the equations are in the module docstring.

    References
    ----------
    H. Z. Shouval, M. F. Bear, L. N. Cooper (2002). A unified model of NMDA
    receptor-dependent bidirectional synaptic plasticity. PNAS 99:10831-10836,
    doi:10.1073/pnas.152343099.

    Examples
    --------
    >>> p = CalciumControl()
    >>> p.alpha1_um, p.alpha2_um, p.tau_ca_ms
    (0.35, 0.55, 50.0)
    >>> round(p.w_rest, 3)  # Omega(0) / lambda
    0.25
    """

    tau_ca_ms: float = param(50.0, unit="ms", gt=0.0, le=10_000.0,
                             doc="Calcium decay time tau_Ca.", source=_SBC_M)
    g_nmda: float = param(1.0 / 500.0, unit="uM/(ms mV)", ge=0.0, le=10.0,
                          doc="NMDA calcium-current scale g_NMDA (current = g O H(V)).",
                          source=_SBC_M + " (G_NMDA = -1/500 with H = B(V)(V - V_r))")
    p0: float = param(0.5, unit="1", gt=0.0, le=1.0,
                      doc="Fraction P0 of the closed NMDA receptors opened by a pulse.",
                      source=_SBC_M)
    i_f: float = param(0.5, unit="1", ge=0.0, le=1.0,
                       doc="Weight I_f of the fast NMDA component (slow: 1 - I_f).",
                       source=_SBC_M)
    tau_f_ms: float = param(50.0, unit="ms", gt=0.0, le=10_000.0,
                            doc="Decay time tau_f of the fast NMDA component.",
                            source=_SBC_M)
    tau_s_ms: float = param(200.0, unit="ms", gt=0.0, le=10_000.0,
                            doc="Decay time tau_s of the slow NMDA component.",
                            source=_SBC_M)
    v_ca_mv: float = param(130.0, unit="mV", ge=0.0, le=300.0,
                           doc="Reversal potential V_r of the calcium current.",
                           source=_SBC_M)
    mg_mm: float = param(1.0, unit="mM", ge=0.0, le=100.0,
                         doc="External Mg2+ concentration of the block B(V).",
                         source="Jahr & Stevens 1990, J. Neurosci. 10:3178; " + _SBC_M)
    v_rest_mv: float = param(-65.0, unit="mV", ge=-120.0, le=0.0,
                             doc="Resting potential V_rest of the spine.", source=_SBC_M)
    epsp_mv: float = param(10.0, unit="mV", ge=0.0, le=100.0,
                           doc="Peak s of one EPSP (sums linearly in trains).",
                           source=_SBC + ", SI: EPSP of the rate protocol (Fig. 3B); "
                                  "single-pulse figures use 1 mV")
    epsp_tau1_ms: float = param(50.0, unit="ms", gt=0.0, le=10_000.0,
                                doc="EPSP decay time tau_1.", source=_SBC + ", SI")
    epsp_tau2_ms: float = param(5.0, unit="ms", gt=0.0, le=10_000.0,
                                doc="EPSP rise time tau_2 (< tau_1).", source=_SBC + ", SI")
    bpap_mv: float = param(100.0, unit="mV", ge=0.0, le=200.0,
                           doc="Peak of the back-propagating action potential.",
                           source=_SBC_M)
    bpap_i_f: float = param(0.75, unit="1", ge=0.0, le=1.0,
                            doc="Weight of the fast BPAP component (slow: 1 - this).",
                            source=_SBC_M)
    bpap_tau_f_ms: float = param(3.0, unit="ms", gt=0.0, le=1000.0,
                                 doc="Fast BPAP decay time.", source=_SBC_M)
    bpap_tau_s_ms: float = param(25.0, unit="ms", gt=0.0, le=1000.0,
                                 doc="Slow BPAP decay time (after-depolarisation).",
                                 source=_SBC_M)
    bpap_delay_ms: float = param(2.0, unit="ms", ge=0.0, le=100.0,
                                 doc="Delay of the BPAP's arrival at the spine.",
                                 source=_SBC_M)
    alpha1_um: float = param(0.35, unit="uM", gt=0.0, le=100.0,
                             doc="Depression threshold alpha_1 of Omega.", source=_SBC_M)
    alpha2_um: float = param(0.55, unit="uM", gt=0.0, le=100.0,
                             doc="Potentiation threshold alpha_2 of Omega.", source=_SBC_M)
    beta1_per_um: float = param(80.0, unit="1/uM", gt=0.0, le=1e4,
                                doc="Steepness beta_1 of the depression sigmoid.",
                                source=_SBC_M)
    beta2_per_um: float = param(80.0, unit="1/uM", gt=0.0, le=1e4,
                                doc="Steepness beta_2 of the potentiation sigmoid.",
                                source=_SBC_M)
    p1_s: float = param(0.1, unit="s uM^3", gt=0.0, le=1e6,
                        doc="P1 of the learning rate eta = 1 / (P1 / (P2 + Ca^P3) + P4).",
                        source=_SBC_M)
    p2: float = param(1e-5, unit="uM^3", gt=0.0, le=1e3,
                      doc="P2 of eta (1/eta(0) = P1/P2 + P4, about 3 h).",
                      source=_SBC_M + " (P2 = P1 x 1e-4, so 1/eta(0) ~ 3 h as stated)")
    p3: float = param(3.0, unit="1", gt=0.0, le=10.0, doc="Exponent P3 of eta.",
                      source=_SBC_M)
    p4_s: float = param(1.0, unit="s", gt=0.0, le=1e6,
                        doc="P4 of eta (fastest time scale of W).", source=_SBC_M)
    lam: float = param(1.0, unit="1", gt=0.0, le=100.0,
                       doc="Decay coefficient lambda of dW/dt = eta (Omega - lambda W).",
                       source=_SBC_M)

    @property
    def w_rest(self) -> float:
        """Weight at rest, the fixed point Omega(0) / lambda."""
        return float(omega(self, 0.0)) / self.lam


class CalciumState(NamedTuple):
    """Pulse-driven state at one instant (floats).

    NMDA components, EPSP and BPAP components (mV) and calcium (uM).

    Examples
    --------
    >>> rest = CalciumState()
    >>> rest.ca, rest.o_fast
    (0.0, 0.0)
    >>> end = simulate(CalciumControl(), [0.0], 100.0).end  # 100 ms after one pulse
    >>> end.ca > 0, round(end.distance(rest), 3)
    (True, 1.0)
    """

    o_fast: float = 0.0
    o_slow: float = 0.0
    epsp_decay: float = 0.0
    epsp_rise: float = 0.0
    bpap_fast: float = 0.0
    bpap_slow: float = 0.0
    ca: float = 0.0

    def distance(self, other: CalciumState) -> float:
        """Largest relative difference of two states (scale: ``max(abs(a), abs(b), 1e-12)``).

        Examples
        --------
        >>> CalciumState(ca=1.0).distance(CalciumState(ca=0.5))
        0.5
        """
        a = np.asarray(self, dtype=float)
        b = np.asarray(other, dtype=float)
        return float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)),
                                                       1e-12)))


class CalciumTrace(NamedTuple):
    """A simulated stretch on a uniform grid (``n + 1`` points, first = initial state).

    Times in ms, potential in mV, open fraction dimensionless, calcium in uM; ``end`` is
    the state at the last point, from which a following stretch continues.

    Examples
    --------
    >>> tr = simulate(CalciumControl(), [0.0], 300.0)  # one pulse, 0.1 ms grid
    >>> tr.t_ms.shape, round(float(tr.ca_um.max()), 3), round(float(tr.v_mv.max()), 3)
    ((3001,), 0.399, -55.0)
    """

    t_ms: np.ndarray
    v_mv: np.ndarray
    open_fraction: np.ndarray
    current: np.ndarray  #: NMDA calcium current (uM/ms)
    ca_um: np.ndarray
    end: CalciumState


# -- the rule ---------------------------------------------------------------------------


def omega(params: CalciumControl, ca_um: Array) -> np.ndarray:
    """Target Omega([Ca]) = 0.25 + sig(Ca - alpha2, beta2) - 0.25 sig(Ca - alpha1, beta1).

    Parameters
    ----------
    params
        The model.
    ca_um
        Calcium concentration (uM).

    Returns
    -------
    numpy.ndarray
        :math:`\\Omega` (dimensionless), shape of ``ca_um``.

    Examples
    --------
    No change at rest, depression between the thresholds, potentiation above:

    >>> import numpy as np
    >>> np.round(omega(CalciumControl(), [0.0, 0.45, 1.0]), 3).tolist()
    [0.25, 0.0, 1.0]
    """
    ca = np.asarray(ca_um, dtype=float)
    return (0.25 + expit(params.beta2_per_um * (ca - params.alpha2_um))
            - 0.25 * expit(params.beta1_per_um * (ca - params.alpha1_um)))


def eta_per_s(params: CalciumControl, ca_um: Array) -> np.ndarray:
    """Learning rate eta([Ca]) = 1 / (P1 / (P2 + Ca^P3) + P4), in 1/s.

    Parameters
    ----------
    params
        The model.
    ca_um
        Calcium concentration (uM); negative values count as 0.

    Returns
    -------
    numpy.ndarray
        :math:`\\eta` (1/s), shape of ``ca_um``.

    Examples
    --------
    The time scale :math:`1/\\eta` is about 3 h at rest and 1 s at high calcium:

    >>> import numpy as np
    >>> np.round(1.0 / eta_per_s(CalciumControl(), [0.0, 0.5, 2.0]), 1).tolist()
    [10001.0, 1.8, 1.0]
    """
    ca = np.maximum(np.asarray(ca_um, dtype=float), 0.0)
    return 1.0 / (params.p1_s / (params.p2 + ca ** params.p3) + params.p4_s)


def weight_rates(params: CalciumControl, ca_um: Array) -> tuple[np.ndarray, np.ndarray]:
    """``(k, b)`` of dW/dt = -k W + b: ``k = lambda eta``, ``b = eta Omega`` (1/s).

    The form :func:`evolve_affine` and :func:`solve_affine` propagate exactly.

    Returns
    -------
    k, b : numpy.ndarray
        Decay rate and drive (1/s), shape of ``ca_um``.

    Examples
    --------
    >>> import numpy as np
    >>> k, b = weight_rates(CalciumControl(), [0.0, 0.45, 1.0])
    >>> np.round(b / k, 3).tolist()  # the fixed point Omega / lambda
    [0.25, 0.0, 1.0]
    """
    eta = eta_per_s(params, ca_um)
    return params.lam * eta, eta * omega(params, ca_um)


def nmda_drive(params: CalciumControl, v_mv: Array) -> np.ndarray:
    """H(V) = B(V) (V_Ca - V) in mV (positive: calcium enters).

    Parameters
    ----------
    params
        The model.
    v_mv
        Membrane potential (mV).

    Returns
    -------
    numpy.ndarray
        :math:`H(V)` (mV), shape of ``v_mv``.

    Examples
    --------
    Depolarisation relieves the Mg2+ block: :math:`H` grows almost ninefold from rest
    to 0 mV although the driving force falls:

    >>> import numpy as np
    >>> np.round(nmda_drive(CalciumControl(), [-65.0, 0.0]), 3).tolist()
    [11.635, 101.554]
    """
    v = np.asarray(v_mv, dtype=float)
    return mg_block(v, params.mg_mm) * (params.v_ca_mv - v)


def epsp_norm(params: CalciumControl) -> float:
    """Peak of e^{-t/tau1} - e^{-t/tau2}, so that one EPSP peaks at ``epsp_mv``.

    Returns
    -------
    float
        The peak, reached at :math:`t^* = \\tau_1 \\tau_2 \\ln(\\tau_1/\\tau_2) /
        (\\tau_1 - \\tau_2)`.

    Raises
    ------
    ParameterError
        If ``epsp_tau2_ms`` is not below ``epsp_tau1_ms``.

    Examples
    --------
    >>> round(epsp_norm(CalciumControl()), 4)  # tau_1 = 50 ms, tau_2 = 5 ms
    0.6968
    """
    t1, t2 = params.epsp_tau1_ms, params.epsp_tau2_ms
    if not t1 > t2:
        raise ParameterError("epsp_tau2_ms", "must be < epsp_tau1_ms", t2)
    t_peak = t1 * t2 / (t1 - t2) * math.log(t1 / t2)
    return math.exp(-t_peak / t1) - math.exp(-t_peak / t2)


# -- exact affine propagation -----------------------------------------------------------


def solve_affine(log_a: Array, b: Array, x0: Array) -> np.ndarray:
    """Solve ``x_j = a_j x_{j-1} + b_j`` along the last axis, ``x_{-1} = x0``.

    ``log_a = log a_j <= 0`` (given as a log so that strong decay cannot underflow);
    ``x0`` broadcasts against the leading axes. Vectorised with cumulative sums,
    :math:`x_j = e^{L_j}(x_0 + \\sum_{m \\le j} b_m e^{-L_m})`, :math:`L_j = \\sum_{m \\le
    j} \\log a_m`, in chunks over which :math:`-L` grows by at most 300 (no overflow).

    Returns
    -------
    numpy.ndarray
        :math:`x_j`, shape of ``log_a`` and ``b`` broadcast together.

    Examples
    --------
    >>> import numpy as np
    >>> x = solve_affine(np.log([0.5, 0.5, 0.5]), [1.0, 1.0, 1.0], 0.0)
    >>> np.round(x, 6).tolist()  # x_j = x_{j-1} / 2 + 1
    [1.0, 1.5, 1.75]
    >>> x = solve_affine(np.full(5000, -0.5), np.ones(5000), 0.0)  # no overflow
    >>> round(float(x[-1]), 6), round(float(1.0 / (1.0 - np.exp(-0.5))), 6)  # fixed point
    (2.541494, 2.541494)
    """
    la = np.maximum(np.asarray(log_a, dtype=float), -200.0)
    bb = np.asarray(b, dtype=float)
    la, bb = np.broadcast_arrays(la, bb)
    x = np.asarray(x0, dtype=float) * np.ones(la.shape[:-1])
    out = np.empty(la.shape)
    n = la.shape[-1]
    if np.any(la > 0):
        raise ParameterError("log_a", "must be <= 0 (a decaying map)", float(la.max()))
    total = np.cumsum(la, axis=-1)
    worst = total.reshape(-1, n).min(axis=0) if total.ndim > 1 else total
    start = 0
    while start < n:
        # chunk end: where the worst row has decayed by 300 more than at the start
        base = worst[start - 1] if start else 0.0
        stop = int(np.searchsorted(-(worst - base), 300.0, side="right"))
        stop = max(stop, start + 1)
        seg_la = la[..., start:stop]
        cum = np.cumsum(seg_la, axis=-1)
        acc = np.cumsum(bb[..., start:stop] * np.exp(-cum), axis=-1)
        out[..., start:stop] = np.exp(cum) * (x[..., None] + acc)
        x = out[..., stop - 1]
        start = stop
    return out


# -- simulation on a grid ---------------------------------------------------------------


def _decay(h: float, tau: float) -> float:
    return math.exp(-h / tau)


def _filter(impulses: np.ndarray, d: float, y0: float) -> np.ndarray:
    """y_j = d y_{j-1} + impulses_j, with y_{-1} chosen so that y_0 = y0 + impulses_0."""
    return lfilter([1.0], [1.0, -d], impulses, zi=[y0])[0]


def _simulate_grid(params: CalciumControl, n_steps: int, h: float, pre_idx: np.ndarray,
                   post_idx: np.ndarray, state: CalciumState, v_clamp_mv: float | None,
                   factor: np.ndarray | float, t0_ms: float) -> CalciumTrace:
    """Core: ``n_steps`` steps of ``h`` ms from ``state``; pulses at grid indices."""
    n = n_steps + 1
    pre_idx = np.asarray(pre_idx, dtype=np.int64)
    post_idx = np.asarray(post_idx, dtype=np.int64)
    df, ds = _decay(h, params.tau_f_ms), _decay(h, params.tau_s_ms)
    # Saturating amplitudes a_k = P0 (1 - O(t_k^-)): a recursion over the pulses.
    amps = np.empty(pre_idx.size)
    of, os_, last = state.o_fast, state.o_slow, 0
    for k, j in enumerate(pre_idx):
        gap = int(j - last)
        of *= df ** gap
        os_ *= ds ** gap
        a = params.p0 * (1.0 - of - os_)
        amps[k] = a
        of += params.i_f * a
        os_ += (1.0 - params.i_f) * a
        last = int(j)
    imp = np.zeros(n)
    np.add.at(imp, pre_idx, amps)
    o_fast = _filter(params.i_f * imp, df, state.o_fast)
    o_slow = _filter((1.0 - params.i_f) * imp, ds, state.o_slow)
    opened = o_fast + o_slow
    cnt = np.zeros(n)
    np.add.at(cnt, pre_idx, 1.0)
    post = np.zeros(n)
    np.add.at(post, post_idx, 1.0)
    s = params.epsp_mv / epsp_norm(params) if params.epsp_mv > 0 else 0.0
    e1 = _filter(s * cnt, _decay(h, params.epsp_tau1_ms), state.epsp_decay)
    e2 = _filter(s * cnt, _decay(h, params.epsp_tau2_ms), state.epsp_rise)
    b1 = _filter(params.bpap_mv * params.bpap_i_f * post, _decay(h, params.bpap_tau_f_ms),
                 state.bpap_fast)
    b2 = _filter(params.bpap_mv * (1 - params.bpap_i_f) * post,
                 _decay(h, params.bpap_tau_s_ms), state.bpap_slow)
    if v_clamp_mv is None:
        v = params.v_rest_mv + e1 - e2 + b1 + b2
        v_minus = v - params.bpap_mv * post  # just before a BPAP's jump
    else:
        v = v_minus = np.full(n, float(v_clamp_mv))
    g = params.g_nmda * np.broadcast_to(np.asarray(factor, dtype=float), (n,))
    current = g * opened * nmda_drive(params, v)
    # The current is right-continuous; a step (t_{j-1}, t_j] sees the value just before
    # the jumps at t_j, so the result does not depend on where a stretch is cut.
    current_minus = g * (opened - imp) * nmda_drive(params, v_minus)
    tau = params.tau_ca_ms
    dca = _decay(h, tau)
    c1 = tau - tau * tau * (1.0 - dca) / h
    c0 = tau * (1.0 - dca) - c1
    u = np.zeros(n)
    u[1:] = c0 * current[:-1] + c1 * current_minus[1:]
    ca = _filter(u, dca, state.ca)
    if not np.all(np.isfinite(ca)):
        raise SimulationError("ca", int(np.argmin(np.isfinite(ca))), "non-finite calcium")
    end = CalciumState(float(o_fast[-1]), float(o_slow[-1]), float(e1[-1]), float(e2[-1]),
                       float(b1[-1]), float(b2[-1]), float(ca[-1]))
    t = t0_ms + h * np.arange(n)
    return CalciumTrace(t, v, opened, np.array(current), ca, end)


def _join(a: CalciumTrace, b: CalciumTrace) -> CalciumTrace:
    """``a`` then ``b`` (which starts where ``a`` ends; the pulse there is ``b``'s)."""
    t, v, opened, current, ca = (np.concatenate([x[:-1], y])
                                 for x, y in zip(a[:5], b[:5], strict=True))
    return CalciumTrace(t, v, opened, current, ca, b.end)


@overload
def _factor_on(nmda_factor: None, t_ms: np.ndarray) -> float: ...
@overload
def _factor_on(nmda_factor: FactorFn, t_ms: np.ndarray) -> np.ndarray: ...
@overload
def _factor_on(nmda_factor: FactorFn | None, t_ms: np.ndarray) -> np.ndarray | float: ...
def _factor_on(nmda_factor: FactorFn | None, t_ms: np.ndarray) -> np.ndarray | float:
    if nmda_factor is None:
        return 1.0
    f = np.asarray(nmda_factor(t_ms / 1000.0), dtype=float)
    if f.shape != t_ms.shape or not np.all((f >= 0) & (f <= 1)):
        raise ParameterError("nmda_factor", "must map times (s) to fractions in [0, 1] of "
                             "the same shape")
    return f


def _check_step(step_ms: float) -> float:
    step = float(step_ms)
    if not math.isfinite(step) or step <= 0 or step > 10.0:
        raise ParameterError("step_ms", "must be a finite number in (0, 10] ms", step_ms)
    return step


def simulate(params: CalciumControl, pre_times_ms: Sequence[float] | np.ndarray,
             t_end_ms: float, *, post_times_ms: Sequence[float] | np.ndarray = (),
             v_clamp_mv: float | None = None, step_ms: float = 0.1,
             nmda_factor: FactorFn | None = None) -> CalciumTrace:
    """Calcium of an arbitrary pulse train from rest, on a grid of ``step_ms`` from 0.

    Pulse times are rounded to the grid (error <= step / 2); postsynaptic spikes act
    after ``bpap_delay_ms``. ``v_clamp_mv`` clamps the spine (EPSPs and BPAPs then have
    no effect). ``nmda_factor(t_s)`` scales the NMDA conductance (AP5).

    Returns
    -------
    CalciumTrace
        The trace on the grid ``0, step_ms, ..., >= t_end_ms``.

    Examples
    --------
    A back-propagating action potential 10 ms after the pulse unblocks the NMDA
    receptors and doubles the calcium peak:

    >>> p = CalciumControl()
    >>> alone = simulate(p, [0.0], 200.0)
    >>> paired = simulate(p, [0.0], 200.0, post_times_ms=[10.0])
    >>> round(float(alone.ca_um.max()), 3), round(float(paired.ca_um.max()), 3)
    (0.399, 0.817)
    """
    h = _check_step(step_ms)
    if not math.isfinite(t_end_ms) or t_end_ms <= 0:
        raise ParameterError("t_end_ms", "must be a finite number > 0", t_end_ms)
    n_steps = math.ceil(t_end_ms / h - 1e-9)
    pre = np.sort(np.asarray(pre_times_ms, dtype=float).ravel())
    post = np.sort(np.asarray(post_times_ms, dtype=float).ravel()) + params.bpap_delay_ms
    pre = pre[(pre >= 0) & (pre <= n_steps * h)]
    post = post[(post >= 0) & (post <= n_steps * h)]
    t = h * np.arange(n_steps + 1)
    return _simulate_grid(params, n_steps, h, np.rint(pre / h), np.rint(post / h),
                          CalciumState(), v_clamp_mv, _factor_on(nmda_factor, t), 0.0)


def weight_change(params: CalciumControl, trace: CalciumTrace,
                  nmda_scale: Array = 1.0, w0: Array | None = None) -> np.ndarray:
    """W along ``trace`` (shape ``(..., n)``), from ``w0`` (default: the rest weight).

    ``nmda_scale`` (array of synapses) multiplies the calcium: exact, since calcium is
    linear in g_NMDA and does not act back on the potential.

    Returns
    -------
    numpy.ndarray
        :math:`W` at every grid point of ``trace``, shape ``(*nmda_scale.shape, n)``.

    Examples
    --------
    One pulse with the spine clamped at -10 mV potentiates within 300 ms:

    >>> p = CalciumControl()
    >>> tr = simulate(p, [0.0], 300.0, v_clamp_mv=-10.0)
    >>> w = weight_change(p, tr)
    >>> w.shape, round(float(w[0] / p.w_rest), 3), round(float(w[-1] / p.w_rest), 3)
    ((3001,), 1.0, 1.724)
    """
    scale = np.asarray(nmda_scale, dtype=float)[..., None]
    ca_mid = 0.5 * (trace.ca_um[1:] + trace.ca_um[:-1]) * scale
    k, b = weight_rates(params, ca_mid)
    h_s = float(trace.t_ms[1] - trace.t_ms[0]) / 1000.0
    log_a = -k * h_s
    bb = np.where(k > 0, b / np.where(k > 0, k, 1.0) * -np.expm1(log_a), b * h_s)
    x0 = params.w_rest if w0 is None else w0
    x = solve_affine(log_a, bb, np.broadcast_to(np.asarray(x0, dtype=float), scale.shape[:-1]))
    first = np.broadcast_to(np.asarray(x0, dtype=float)[..., None], (*x.shape[:-1], 1))
    return np.concatenate([first, x], axis=-1)


# -- periodic protocols -----------------------------------------------------------------


class PulseProtocol(NamedTuple):
    """Calcium of ``n_pulses`` presynaptic pulses at ``freq_hz`` (pulse k at k / f).

    ``segments`` are the explicitly simulated stretches: either one (all pulses and the
    tail), or two -- the first ``n_explicit`` intervals, then the last pulse and the
    tail -- with the last interval of the first one repeated ``n_repeat`` times in
    between (the periodic state).

    Examples
    --------
    900 pulses at 1 Hz: 8 intervals are simulated, 891 repeated in closed form:

    >>> prot = pulse_protocol(CalciumControl(), 1.0, 900)
    >>> len(prot.segments), prot.n_explicit, prot.n_repeat, prot.steps_per_period
    (2, 8, 891, 10000)
    >>> prot.t_end_ms, round(prot.peak_ca_um, 3), prot.periodicity_error < 1e-12
    (901000.0, 0.401, True)
    """

    freq_hz: float
    n_pulses: int
    period_ms: float
    step_ms: float
    steps_per_period: int
    segments: tuple[CalciumTrace, ...]
    n_explicit: int
    n_repeat: int
    periodicity_error: float

    @property
    def t_end_ms(self) -> float:
        """Time of the last simulated grid point (ms)."""
        return float(self.segments[-1].t_ms[-1])

    @property
    def peak_ca_um(self) -> float:
        """Largest calcium concentration in any simulated segment (uM)."""
        return float(max(s.ca_um.max() for s in self.segments))


def pulse_protocol(params: CalciumControl, freq_hz: float, n_pulses: int, *,
                   v_clamp_mv: float | None = None, step_ms: float = 0.1,
                   tail_ms: float = 1000.0, explicit_ms: float = 8000.0,
                   nmda_factor: FactorFn | None = None,
                   post_offset_ms: float | None = None) -> PulseProtocol:
    """Simulate a periodic train, exactly where needed and by periodicity elsewhere.

    Parameters
    ----------
    freq_hz, n_pulses
        Pulse k arrives at ``k / freq_hz``; the protocol ends ``tail_ms`` after the
        interval of the last pulse (``n_pulses / freq_hz + tail_ms``).
    v_clamp_mv
        Clamp the spine at this potential (the pairing protocol); ``None``: free
        (EPSPs summate on ``v_rest_mv``).
    step_ms
        Largest grid step; the step used divides the period exactly.
    explicit_ms
        Length simulated explicitly before the periodic state is assumed (the state
        converges as ``exp(-t / tau_s)``: 8 s leave ``e^{-40}``). Trains not longer
        than this are simulated entirely.
    nmda_factor
        ``f(t_s)``: fraction of NMDA conductance available (AP5). In the repeated
        intervals it must equal its value over the periodic interval (checked on a
        grid of a tenth of a period); otherwise the whole train is simulated.
    post_offset_ms
        A postsynaptic spike this long after every pulse (``None``: no spikes).

    Returns
    -------
    PulseProtocol
        The simulated segments and how the periodic state is repeated.

    Examples
    --------
    The pairing protocol of Fig. 3A (100 pulses at 1 Hz, spine clamped): no change at
    rest, LTD at moderate and LTP at strong depolarisation:

    >>> p = CalciumControl()
    >>> for v in (-65.0, -55.0, -10.0):
    ...     prot = pulse_protocol(p, 1.0, 100, v_clamp_mv=v)
    ...     w = evolve_affine(prot, lambda ca: weight_rates(p, ca), p.w_rest).final
    ...     print(v, round(float(w / p.w_rest), 3))
    -65.0 0.999
    -55.0 0.331
    -10.0 3.275
    """
    if not math.isfinite(freq_hz) or not 0 < freq_hz <= 1000:
        raise ParameterError("freq_hz", "must be in (0, 1000] Hz", freq_hz)
    if int(n_pulses) != n_pulses or n_pulses < 1:
        raise ParameterError("n_pulses", "must be an integer >= 1", n_pulses)
    n_pulses = int(n_pulses)
    if not math.isfinite(tail_ms) or tail_ms < 0:
        raise ParameterError("tail_ms", "must be a finite number >= 0", tail_ms)
    if not math.isfinite(explicit_ms) or explicit_ms <= 0:
        raise ParameterError("explicit_ms", "must be a finite number > 0", explicit_ms)
    h0 = _check_step(step_ms)
    period = 1000.0 / freq_hz
    m = max(1, math.ceil(period / h0 - 1e-9))
    h = period / m
    n_tail = math.ceil(tail_ms / h - 1e-9)
    post_shift = None
    if post_offset_ms is not None:
        post_shift = round((post_offset_ms + params.bpap_delay_ms) / h)
        if not 0 <= post_shift < m:
            raise ParameterError("post_offset_ms", "spike (after the BPAP delay) must fall "
                                 "within the period", post_offset_ms)

    def segment(n_int: int, extra: int, state: CalciumState, k0: int) -> CalciumTrace:
        pre = m * np.arange(n_int)
        post = pre + post_shift if post_shift is not None else np.empty(0, dtype=np.int64)
        n_steps = n_int * m + extra
        t0 = k0 * period
        t = t0 + h * np.arange(n_steps + 1)
        return _simulate_grid(params, n_steps, h, pre, post, state, v_clamp_mv,
                              _factor_on(nmda_factor, t), t0)

    k_exp = max(3, math.ceil(explicit_ms / period))
    if n_pulses <= k_exp + 1:
        seg = segment(n_pulses, n_tail, CalciumState(), 0)
        return PulseProtocol(freq_hz, n_pulses, period, h, m, (seg,), n_pulses, 0, 0.0)
    head = segment(k_exp - 1, 0, CalciumState(), 0)
    tail = segment(1, 0, head.end, k_exp - 1)
    first = _join(head, tail)
    n_repeat = n_pulses - k_exp - 1
    # State at the start of the last explicit interval vs at its end.
    err = head.end.distance(tail.end)
    if nmda_factor is not None:
        per = _factor_on(nmda_factor, first.t_ms[-m - 1:])
        k = np.arange(k_exp, k_exp + n_repeat)
        sub = np.linspace(0.0, period, 11)
        later = _factor_on(nmda_factor, (k[:, None] * period + sub[None, :]).ravel())
        if not (np.ptp(per) == 0 and np.all(later == per[0])):
            seg = segment(n_pulses, n_tail, CalciumState(), 0)
            return PulseProtocol(freq_hz, n_pulses, period, h, m, (seg,), n_pulses, 0, 0.0)
    last = segment(1, n_tail, first.end, n_pulses - 1)
    return PulseProtocol(freq_hz, n_pulses, period, h, m, (first, last), k_exp, n_repeat,
                         err)


def pulse_protocol_steps(freq_hz: float, n_pulses: int, *, step_ms: float = 0.1,
                         tail_ms: float = 1000.0, explicit_ms: float = 8000.0) -> int:
    """Grid steps :func:`pulse_protocol` simulates explicitly for these arguments.

    The same arithmetic as :func:`pulse_protocol` (a periodic NMDA factor assumed), for
    resource estimates made before anything runs.
    """
    period = 1000.0 / freq_hz
    m = max(1, math.ceil(period / step_ms - 1e-9))
    n_tail = math.ceil(tail_ms / (period / m) - 1e-9)
    k_exp = max(3, math.ceil(explicit_ms / period))
    if n_pulses <= k_exp + 1:
        return n_pulses * m + n_tail
    return (k_exp + 1) * m + n_tail


class AffineResult(NamedTuple):
    """A variable obeying dx/dt = -k(Ca) x + b(Ca) over a :class:`PulseProtocol`.

    Examples
    --------
    >>> p = CalciumControl()
    >>> prot = pulse_protocol(p, 1.0, 900)
    >>> res = evolve_affine(prot, lambda ca: weight_rates(p, ca), p.w_rest)
    >>> res.at_pulses.shape, [tr.shape for tr in res.traces]
    ((900,), [(80001,), (20001,)])
    >>> round(float(res.final / p.w_rest), 3)  # LTD
    0.511
    """

    at_pulses: np.ndarray  #: x just before each pulse, shape (..., n_pulses)
    final: np.ndarray  #: x at the end of the protocol, shape (...)
    traces: tuple[np.ndarray, ...]  #: x along each explicit segment, (..., n_points)


def evolve_affine(protocol: PulseProtocol,
                  rates: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
                  x0: Array, nmda_scale: Array = 1.0) -> AffineResult:
    """Propagate ``dx/dt = -k x + b`` with ``(k, b) = rates(ca)`` (1/s) exactly.

    ``nmda_scale`` (one value per synapse, leading axis) multiplies the calcium, which
    is linear in g_NMDA. Calcium is held at its step midpoint; repeated intervals are
    applied in closed form (see the module docstring).

    Returns
    -------
    AffineResult
        ``x`` before each pulse, at the end and along the explicit segments.

    Examples
    --------
    The same 1 Hz train depresses synapses with half the NMDA conductance less and
    potentiates those with twice as much (the sliding of the BCM curve):

    >>> import numpy as np
    >>> p = CalciumControl()
    >>> prot = pulse_protocol(p, 1.0, 900)
    >>> res = evolve_affine(prot, lambda ca: weight_rates(p, ca), p.w_rest,
    ...                     nmda_scale=np.array([0.5, 1.0, 2.0]))
    >>> np.round(res.final / p.w_rest, 3).tolist()
    [1.0, 0.511, 2.546]
    """
    scale = np.asarray(nmda_scale, dtype=float)
    lead = scale.shape
    x = np.broadcast_to(np.asarray(x0, dtype=float), lead).astype(float)
    h_s = protocol.step_ms / 1000.0
    m = protocol.steps_per_period

    def coeffs(seg: CalciumTrace) -> tuple[np.ndarray, np.ndarray]:
        ca_mid = 0.5 * (seg.ca_um[1:] + seg.ca_um[:-1]) * scale[..., None]
        k, b = rates(ca_mid)
        k, b = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(b, dtype=float))
        if np.any(k < 0):
            raise ParameterError("rates", "decay rate k must be >= 0")
        log_a = -k * h_s
        bb = np.where(k > 0, b / np.where(k > 0, k, 1.0) * -np.expm1(log_a), b * h_s)
        return log_a, bb

    traces = []
    at_pulses = np.empty((*lead, protocol.n_pulses))
    seg0 = protocol.segments[0]
    la, bb = coeffs(seg0)
    tr = np.concatenate([x[..., None], solve_affine(la, bb, x)], axis=-1)
    traces.append(tr)
    n_first = protocol.n_explicit
    at_pulses[..., :n_first] = tr[..., : n_first * m : m]
    if len(protocol.segments) == 1:
        return AffineResult(at_pulses, tr[..., -1], tuple(traces))
    x = tr[..., -1]
    # The periodic interval: the last one of the first segment.
    la_p, bb_p = la[..., -m:], bb[..., -m:]
    a_int = np.exp(la_p.sum(axis=-1))
    b_int = solve_affine(la_p, bb_p, np.zeros(lead))[..., -1]
    r = np.arange(protocol.n_repeat + 1)
    ar = a_int[..., None] ** r
    with np.errstate(divide="ignore", invalid="ignore"):
        geo = np.where(np.isclose(a_int, 1.0, rtol=0.0, atol=1e-15)[..., None],
                       r * 1.0, (1.0 - ar) / (1.0 - a_int[..., None]))
    seq = ar * x[..., None] + b_int[..., None] * geo  # x before pulses n_first .. n - 1
    at_pulses[..., n_first:] = seq
    x = seq[..., -1]
    la2, bb2 = coeffs(protocol.segments[1])
    tr2 = np.concatenate([x[..., None], solve_affine(la2, bb2, x)], axis=-1)
    traces.append(tr2)
    return AffineResult(at_pulses, tr2[..., -1], tuple(traces))


def calcium_steady_pulse(protocol: PulseProtocol) -> tuple[np.ndarray, np.ndarray]:
    """``(t_ms, ca_um)`` of the last explicit inter-pulse interval (the periodic one).

    Times (ms) are relative to the pulse that starts the interval.

    Returns
    -------
    t_ms, ca_um : numpy.ndarray
        Times (ms, from 0 to the period) and calcium (uM).

    Examples
    --------
    >>> t, ca = calcium_steady_pulse(pulse_protocol(CalciumControl(), 10.0, 900))
    >>> t.shape, float(t[-1]), round(float(ca.max()), 3)  # 10 Hz: summation to 0.84 uM
    ((1001,), 100.0, 0.836)
    """
    seg = protocol.segments[0]
    m = protocol.steps_per_period
    if len(protocol.segments) == 1:
        k = protocol.n_pulses - 1
        sl = slice(k * m, (k + 1) * m + 1)
    else:
        sl = slice(len(seg.t_ms) - m - 1, len(seg.t_ms))
    t = seg.t_ms[sl]
    return t - t[0], seg.ca_um[sl]
