r"""Independent reference solutions of ``neuron.action-potential`` (SciPy's ODE solvers).

Nothing here imports the models under test (:mod:`engramlab.neurons`): the equations
and their constants are typed from the papers, and the solutions come from SciPy's
adaptive solvers at tolerances far below the differences checked --
:func:`scipy.integrate.odeint` (ODEPACK's LSODA) for Hodgkin-Huxley, restarted at
every pulse edge, and :func:`scipy.integrate.solve_ivp` (``DOP853``) with event
detection for the LIF neuron -- not from the exponential-Euler and exact-step
integrators of the package.

Hodgkin & Huxley 1952, in the paper's own convention
    J. Physiol. 117:500, doi:10.1113/jphysiol.1952.sp004764. :math:`V` is the
    displacement of the membrane potential from rest, *depolarisation negative*,
    currents inward positive, so that under an injected depolarising current density
    :math:`I_{inj}` (µA/cm²)

    .. math::

        C_M \frac{dV}{dt} = -\bar g_{Na} m^3 h (V - V_{Na}) - \bar g_K n^4 (V - V_K)
                            - \bar g_l (V - V_l) - I_{inj}

    with Table 3's constants (C_M 1 µF/cm², g_Na 120, g_K 36, g_l 0.3 mS/cm²,
    V_Na -115, V_K +12, V_l -10.613 mV) and the rate functions of eqs. 12, 13, 20, 21,
    23, 24 (6.3 °C, rates in 1/ms). A spike is an upward crossing of 65 mV of
    depolarisation above HH's zero: the 0 mV of the modern convention (rest -65 mV)
    that the model under test uses.

Leaky integrate-and-fire (Brette et al. 2007, J Comput Neurosci 23:349, COBA neuron)
    :math:`dV/dt = (-(V - E_L) + R I) / \tau_m`, :math:`\tau_m = C_m / g_L`, with
    C_m 200 pF, g_L 10 nS, E_L -60 mV, V_th -50 mV, V_reset -60 mV, t_ref 5 ms; the
    threshold crossing is located by ``solve_ivp``'s event detection.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy import integrate, optimize

__all__ = [
    "HH1952",
    "LIF_BRETTE2007",
    "hh1952_rates",
    "hh1952_rest_mv",
    "lif_ode_first_spike_ms",
    "lif_ode_rate_hz",
    "simulate_hh1952",
]

#: Hodgkin & Huxley 1952, Table 3 ("value chosen"), their sign convention (mV, mS/cm2,
#: uF/cm2): depolarisation negative, rest at V = 0.
HH1952 = {"c_m": 1.0, "g_na": 120.0, "g_k": 36.0, "g_l": 0.3,
          "v_na": -115.0, "v_k": 12.0, "v_l": -10.613}
#: The spike level: 65 mV of depolarisation (the modern 0 mV for a -65 mV rest).
HH1952_SPIKE_DEPOLARISATION_MV = 65.0

#: Brette et al. 2007, COBA benchmark neuron (pF, nS, mV, ms).
LIF_BRETTE2007 = {"c_m_pf": 200.0, "g_l_ns": 10.0, "e_l_mv": -60.0, "v_th_mv": -50.0,
                  "v_reset_mv": -60.0, "t_ref_ms": 5.0}

#: Tolerances of ``odeint`` (mV and gate fractions; far below every check's tolerance).
_RTOL, _ATOL = 1e-9, 1e-9


def _ratio(x: np.ndarray) -> np.ndarray:
    """x / (exp(x) - 1), 1 at x = 0 (the removable singularity of alpha_m, alpha_n)."""
    small = np.abs(x) < 1e-6
    if not small.any():  # the common case, kept cheap: odeint calls this ~1e4 times
        return x / np.expm1(x)
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 - x / 2.0, safe / np.expm1(safe))


def hh1952_rates(v: np.ndarray) -> tuple[np.ndarray, ...]:
    """(alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n) at V (HH's convention), 1/ms.

    HH 1952 eqs. 13 and 20-24: alpha_m = 0.1 (V + 25) / (exp((V + 25)/10) - 1),
    beta_m = 4 exp(V/18), alpha_h = 0.07 exp(V/20), beta_h = 1 / (exp((V + 30)/10) + 1),
    alpha_n = 0.01 (V + 10) / (exp((V + 10)/10) - 1), beta_n = 0.125 exp(V/80).
    """
    v = np.asarray(v, dtype=float)
    am = 1.0 * _ratio((v + 25.0) / 10.0)
    bm = 4.0 * np.exp(v / 18.0)
    ah = 0.07 * np.exp(v / 20.0)
    bh = 1.0 / (np.exp((v + 30.0) / 10.0) + 1.0)
    an = 0.1 * _ratio((v + 10.0) / 10.0)
    bn = 0.125 * np.exp(v / 80.0)
    return am, bm, ah, bh, an, bn


def _gates_at(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    am, bm, ah, bh, an, bn = hh1952_rates(v)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


def _ionic(v: np.ndarray, m: np.ndarray, h: np.ndarray, n: np.ndarray) -> np.ndarray:
    p = HH1952
    return (p["g_na"] * m**3 * h * (v - p["v_na"]) + p["g_k"] * n**4 * (v - p["v_k"])
            + p["g_l"] * (v - p["v_l"]))


def hh1952_rest_mv() -> float:
    """The resting V of HH 1952's equations (their convention; ~0 by construction of V_l)."""
    return float(optimize.brentq(lambda v: float(_ionic(np.array(v), *_gates_at(
        np.array(v)))), -5.0, 5.0, xtol=1e-13))


def _rhs(_t: float, y: np.ndarray, i_inj: np.ndarray) -> np.ndarray:
    v, m, h, n = y.reshape(4, -1)
    am, bm, ah, bh, an, bn = hh1952_rates(v)
    out = np.empty_like(y).reshape(4, -1)
    out[0] = (-_ionic(v, m, h, n) - i_inj) / HH1952["c_m"]
    out[1] = am - (am + bm) * m
    out[2] = ah - (ah + bh) * h
    out[3] = an - (an + bn) * n
    return out.reshape(-1)


def simulate_hh1952(shock_mv: np.ndarray, onsets_ms: np.ndarray, amps_ua_cm2: np.ndarray,
                    pulse_ms: float, t_end_ms: float, *,
                    sample_ms: float = 0.0025) -> dict[str, np.ndarray]:
    """A batch of HH 1952 membranes: a shock at t = 0, then square current pulses.

    Parameters
    ----------
    shock_mv
        ``(B,)`` instantaneous depolarisations at t = 0 (mV; gates at rest).
    onsets_ms, amps_ua_cm2
        ``(B, K)`` onsets and depolarising amplitudes of ``K`` pulses per membrane,
        each ``pulse_ms`` long.
    t_end_ms
        Duration.
    sample_ms
        Spacing of the dense-output samples on which spikes are counted and peaks read.

    Returns
    -------
    dict
        ``spikes`` (B,) upward crossings of the spike level, ``peak_mv`` (B,) largest
        depolarisation from rest (mV).
    """
    shock_mv = np.asarray(shock_mv, dtype=float)
    batch = shock_mv.size
    rest = hh1952_rest_mv()
    m0, h0, n0 = _gates_at(np.array(rest))
    y = np.concatenate([rest - shock_mv, np.full(batch, m0), np.full(batch, h0),
                        np.full(batch, n0)])
    starts, stops = np.asarray(onsets_ms, float), np.asarray(onsets_ms, float) + pulse_ms
    edges = np.unique(np.clip(np.concatenate([[0.0, t_end_ms], starts.ravel(),
                                              stops.ravel()]), 0.0, t_end_ms))
    level = -HH1952_SPIKE_DEPOLARISATION_MV  # as V: depolarisation negative
    traces = [y[:batch].copy()]
    for a, b in itertools.pairwise(edges):
        mid = 0.5 * (a + b)
        i_inj = np.where((starts <= mid) & (mid < stops), amps_ua_cm2, 0.0).sum(axis=1)
        n_s = max(1, math.ceil((b - a) / sample_ms))
        t_eval = np.linspace(a, b, n_s + 1)
        sol = integrate.odeint(_rhs, y, t_eval, args=(i_inj,), tfirst=True, rtol=_RTOL,
                               atol=_ATOL, mxstep=100_000)
        traces.append(sol[1:, :batch])
        y = sol[-1]
    v = np.vstack([traces[0][None, :], *traces])
    spikes = ((v[:-1] > level) & (v[1:] <= level)).sum(axis=0)
    return {"spikes": spikes, "peak_mv": rest - v.min(axis=0)}


def lif_ode_first_spike_ms(current_pa: float, v0_mv: float, t_max_ms: float) -> float:
    """Time (ms) at which the Brette et al. 2007 LIF neuron first reaches V_th from V0.

    ``solve_ivp`` with a terminal event at V = V_th; NaN if it does not within
    ``t_max_ms``, and NaN without integrating when V_inf = E_L + R I <= V_th: then V
    approaches V_inf from below and never reaches V_th, but at V_inf = V_th exactly
    (the rheobase) the solver's round-off can cross it after hundreds of ms.
    """
    p = LIF_BRETTE2007
    tau = p["c_m_pf"] / p["g_l_ns"]
    drive = current_pa / p["g_l_ns"]  # R I (mV)
    if p["e_l_mv"] + drive <= p["v_th_mv"] and v0_mv < p["v_th_mv"]:
        return float("nan")

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        return (-(y - p["e_l_mv"]) + drive) / tau

    def hit(_t: float, y: np.ndarray) -> float:
        return float(y[0] - p["v_th_mv"])

    hit.terminal = True  # type: ignore[attr-defined]
    hit.direction = 1.0  # type: ignore[attr-defined]
    sol = integrate.solve_ivp(rhs, (0.0, t_max_ms), [v0_mv], method="DOP853",
                              events=hit, rtol=1e-12, atol=1e-12)
    times = sol.t_events[0]
    return float(times[0]) if times.size else float("nan")


def lif_ode_rate_hz(current_pa: float, t_max_ms: float) -> float:
    """Steady firing rate (Hz): 1 / (t_ref + time from V_reset to V_th), by ``solve_ivp``.

    0 if V_th is not reached within ``t_max_ms`` (at or below the rheobase).
    """
    p = LIF_BRETTE2007
    t = lif_ode_first_spike_ms(current_pa, p["v_reset_mv"], t_max_ms)
    return 0.0 if math.isnan(t) else 1000.0 / (p["t_ref_ms"] + t)
