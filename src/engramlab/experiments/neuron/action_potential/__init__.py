"""Threshold, the all-or-none action potential and refractoriness (seed chapter 1).

``neuron.action-potential``
    Reproduces: the membrane action potential of Hodgkin & Huxley (1952), "A
    quantitative description of membrane current and its application to conduction
    and excitation in nerve", J. Physiol. 117:500-544,
    doi:10.1113/jphysiol.1952.sp004764 — its threshold, its all-or-none size and its
    refractory period — and the f-I curve of the leaky integrate-and-fire neuron
    (Gerstner, Kistler, Naud & Paninski 2014, *Neuronal Dynamics*, Cambridge
    University Press, eq. 1.11; Burkitt 2006, Biol. Cybern. 95:1,
    doi:10.1007/s00422-006-0068-6).

    Hodgkin-Huxley, space-clamped squid membrane at 6.3 °C
    (:class:`~engramlab.neurons.HodgkinHuxley` defaults):

    - HH 1952 Fig. 12: the membrane is displaced instantaneously from rest (the gates
      keep their resting values) and left alone; 6 mV decays back, 7 mV gives an
      action potential. The threshold displacement is found by bisection.
    - Short current pulses (``hh_pulse_ms``) of increasing amplitude: below threshold a
      graded depolarisation of a few mV, above it one full spike whose peak hardly
      depends on the stimulus. The pulse threshold is found by bisection.
    - Refractoriness: a conditioning pulse fires a spike; a test pulse follows after
      each interval and its threshold is found by bisection. Shortly after the spike no
      test pulse up to ``hh_test_max_pa`` fires (absolute refractory period); then the
      threshold falls back towards its resting value (relative refractory period).

    Leaky integrate-and-fire (:class:`~engramlab.neurons.LIF`, the Brette et al. 2007
    benchmark neuron) under constant currents from 0 to ``lif_current_max_pa``: the
    rate from the interspike intervals of an exact, event-timed simulation against the
    closed form f(I), and the first-spike latency from a random initial potential
    (uniform in [V_reset, V_th), drawn from the seed) against its closed form
    tau ln((V_inf - V0) / (V_inf - V_th)). The steady rate does not depend on V0; the
    latency does.

    What differs: HH computed their membrane action potentials by hand for a few
    shocks; here the same equations are integrated by exponential Euler
    (``hh_dt_ms`` at most half the fastest gating time constant) over a grid of
    stimuli, with current pulses (converted from pA through an assumed 10 000 µm²
    membrane) in addition to HH's instantaneous shocks, and threshold values are
    located by bisection. Peak voltages are read on the integration grid. HH's
    propagated action potential and their temperature factor are not modelled.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import numpy as np
import xarray as xr

from engramlab.core import (
    Params,
    Target,
    asarray,
    cite,
    get_namespace,
    make_rng,
    param,
    to_numpy,
)
from engramlab.experiments._registry import register
from engramlab.experiments.base import Experiment, ProgressFn, no_progress
from engramlab.neurons import (
    LIF,
    HodgkinHuxley,
    hh_fastest_time_constant_ms,
    hh_init,
    hh_resting_potential_mv,
    hh_step,
    lif_advance,
    lif_init,
    lif_rate_hz,
    lif_rheobase_pa,
)

#: Time of the (first) current pulse after the start of a run (ms): a flat baseline.
PULSE_ONSET_MS = 5.0
#: Time simulated after the last pulse or shock (ms): long enough for a spike to peak
#: and the membrane to repolarise (the latency at threshold is < 10 ms).
TAIL_MS = 20.0
#: Upper end of the bracket of the threshold displacement search (mV).
SHOCK_MAX_MV = 30.0
#: HH 1952 Fig. 12: the instantaneous displacements computed (mV).
HH_FIG12_SHOCKS_MV = (6.0, 7.0, 15.0, 90.0)

_TAU_MIN = hh_fastest_time_constant_ms(HodgkinHuxley())
_HALF_TAU_MIN = math.floor(0.5 * _TAU_MIN * 1e4) / 1e4


class ActionPotentialParams(Params):
    """Parameters of ``neuron.action-potential`` (defaults: the full preset)."""

    hh_dt_ms: float = param(
        0.01, unit="ms", gt=0.0, le=_HALF_TAU_MIN,
        doc="Integration step of the Hodgkin-Huxley runs.",
        source=f"at most half the fastest gating time constant ({_TAU_MIN:.4f} ms, "
               "m at -100 mV); 0.01 ms moves spike peaks by < 0.02 mV vs 0.005 ms",
    )
    hh_pulse_ms: float = param(
        1.0, unit="ms", gt=0.0, le=2.0,
        doc="Duration of every current pulse (conditioning and test pulses included).",
        source="chosen: a short shock, brief against the 1.5 ms spike latency",
    )
    hh_amplitudes_pa: tuple[float, ...] = param(
        (100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 650.0, 680.0, 700.0, 750.0, 800.0,
         1000.0, 1500.0, 2000.0, 3000.0, 5000.0, 7000.0),
        unit="pA", ge=0.0, le=100_000.0, min_length=2,
        doc="Pulse amplitudes of the all-or-none series (100 pA = 1 uA/cm2).",
        source="chosen: 0.15 to 10 times the 1 ms pulse threshold (692 pA)",
    )
    hh_pair_intervals_ms: tuple[float, ...] = param(
        (3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0, 15.0, 20.0, 25.0, 30.0, 40.0),
        unit="ms", ge=2.0, le=200.0, min_length=2,
        doc="Onset-to-onset intervals between the conditioning and the test pulse.",
        source="chosen: from inside the spike to full recovery (h and n relax with "
               "time constants <= 9 ms at rest)",
    )
    hh_conditioning_pa: float = param(
        1400.0, unit="pA", gt=0.0, le=100_000.0,
        doc="Amplitude of the conditioning pulse of the refractoriness series.",
        source="chosen: twice the 1 ms pulse threshold",
    )
    hh_test_max_pa: float = param(
        10_000.0, unit="pA", gt=0.0, le=100_000.0,
        doc="Largest pulse tried by the threshold searches (top of the bisection bracket).",
        source="chosen: 14 times the resting threshold; a test pulse that fails at this "
               "amplitude is counted as absolutely refractory",
    )
    hh_bisection_steps: int = param(
        16, unit="1", ge=4, le=60,
        doc="Halvings of the bracket in the threshold searches.",
        source="chosen: 10 000 pA / 2^16 = 0.15 pA resolution (0.02 % of the threshold)",
    )
    lif_current_max_pa: float = param(
        1000.0, unit="pA", gt=0.0, le=100_000.0,
        doc="Largest constant current of the LIF f-I series (the grid starts at 0).",
        source="chosen: 10 times the rheobase g_L (V_th - E_L) = 100 pA",
    )
    lif_n_currents: int = param(
        41, unit="1", ge=3, le=10_000,
        doc="Number of currents in the LIF f-I series (evenly spaced).",
        source="chosen: 25 pA spacing, the rheobase itself included",
    )
    lif_duration_ms: float = param(
        2000.0, unit="ms", ge=100.0, le=1e6,
        doc="Duration of each LIF run.",
        source="chosen: >= 50 spikes at 25 pA above the rheobase (ISI 37 ms)",
    )
    lif_dt_ms: float = param(
        0.1, unit="ms", gt=0.0, le=1.0,
        doc="Integration step of the LIF runs (exact integration: any step shorter than "
            "the shortest ISI gives the same spike times).",
        source="Brette et al. 2007 benchmark step",
    )


def simulate_hh(params: HodgkinHuxley, *, dt_ms: float, t_end_ms: float,
                onsets_ms: np.ndarray, amps_pa: np.ndarray, pulse_ms: float,
                shock_mv: np.ndarray | None = None, xp: Any = np,
                record: bool = False) -> dict[str, np.ndarray]:
    """Run a batch of HH neurons, each with its own current pulses.

    Parameters
    ----------
    onsets_ms, amps_pa
        ``(B, K)``: the onsets and amplitudes of ``K`` pulses per neuron.
    shock_mv
        ``(B,)`` instantaneous displacements from rest at t = 0 (gates at rest).

    Returns
    -------
    dict
        ``spikes`` (B,) upward crossings of ``v_spike_mv``, ``peak`` (B,) largest V (mV),
        and with ``record`` the traces ``v`` (B, steps + 1) including t = 0.
    """
    batch = onsets_ms.shape[0]
    rest = hh_resting_potential_mv(params)
    state = hh_init(params, batch, xp=xp)
    if shock_mv is not None:
        state = state._replace(v=state.v + asarray(shock_mv, xp))
    n_steps = round(t_end_ms / dt_ms)
    start = np.rint(onsets_ms / dt_ms).astype(np.int64)
    stop = start + max(1, round(pulse_ms / dt_ms))
    spikes = np.zeros(batch, dtype=np.int64)
    v0 = to_numpy(state.v)
    peak = v0.copy()
    trace = [v0] if record else None
    for k in range(n_steps):
        i_pa = np.where((k >= start) & (k < stop), amps_pa, 0.0).sum(axis=1)
        state = hh_step(params, state, asarray(i_pa, xp), dt_ms, step_index=k)
        v = to_numpy(state.v)
        spikes += to_numpy(state.spike)
        np.maximum(peak, v, out=peak)
        if trace is not None:
            trace.append(v)
    out = {"spikes": spikes, "peak": peak, "rest": np.float64(rest)}
    if trace is not None:
        out["v"] = np.stack(trace, axis=1)
    return out


def simulate_lif(params: LIF, currents_pa: np.ndarray, v0_mv: np.ndarray, *,
                 dt_ms: float, duration_ms: float, xp: Any = np) -> dict[str, np.ndarray]:
    """Constant currents into LIF neurons; exact spike times from :func:`lif_advance`.

    Returns ``n_spikes``, ``first_ms``, ``last_ms`` (NaN without spikes) and
    ``rate_hz``, the rate from the mean interspike interval (NaN with < 2 spikes).
    """
    n = currents_pa.size
    state = lif_init(params, n, v0=asarray(v0_mv, xp), xp=xp)
    current = asarray(currents_pa, xp)
    count = np.zeros(n, dtype=np.int64)
    first = np.full(n, np.nan)
    last = np.full(n, np.nan)
    for k in range(round(duration_ms / dt_ms)):
        state, offset = lif_advance(params, state, current, dt_ms, step_index=k)
        fired = to_numpy(state.spike)
        if fired.any():
            t = k * dt_ms + to_numpy(offset)[fired]
            first[fired] = np.where(count[fired] == 0, t, first[fired])
            last[fired] = t
            count[fired] += 1
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(count >= 2, 1000.0 * (count - 1) / (last - first), np.nan)
    return {"n_spikes": count, "first_ms": first, "last_ms": last, "rate_hz": rate}


def _bisect(fires: Any, lo: np.ndarray, hi: np.ndarray, steps: int) -> np.ndarray:
    """Vectorised bisection for the smallest value that fires; ``fires(x) -> bool (B,)``
    is monotone in ``x``; returns the upper end of the final bracket."""
    lo, hi = lo.copy(), hi.copy()
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        ok = fires(mid)
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    return hi


def _hh_thresholds(hh: HodgkinHuxley, params: ActionPotentialParams, xp: Any,
                   step: Callable[[int], None]) -> np.ndarray:
    """Thresholds of the HH model by bisection, all in one batch per halving.

    Row 0: a single pulse (pA); row 1: an instantaneous shock (mV); then a test pulse
    (pA) after each conditioning-to-test interval (the conditioning spike plus one
    more). NaN where even the top of the range does not fire. ``step(k)`` is called
    after the k-th simulated batch (the traces before are batch 1).
    """
    dt, pulse = params.hh_dt_ms, params.hh_pulse_ms
    intervals = np.asarray(params.hh_pair_intervals_ms)
    n_i = intervals.size
    t_end = PULSE_ONSET_MS + float(intervals.max()) + pulse + TAIL_MS
    pair_onsets = np.column_stack([np.full(n_i, PULSE_ONSET_MS),
                                   PULSE_ONSET_MS + intervals])
    onsets = np.concatenate([[[PULSE_ONSET_MS, PULSE_ONSET_MS]], [[0.0, 0.0]],
                             pair_onsets])
    test_max = params.hh_test_max_pa
    done = [1]

    def fires(x: np.ndarray) -> np.ndarray:
        amp_rows = np.zeros((2 + n_i, 2))
        amp_rows[0, 0] = x[0]
        amp_rows[2:, 0] = params.hh_conditioning_pa
        amp_rows[2:, 1] = x[2:]
        shock = np.zeros(2 + n_i)
        shock[1] = x[1]
        out = simulate_hh(hh, dt_ms=dt, t_end_ms=t_end, onsets_ms=onsets,
                          amps_pa=amp_rows, pulse_ms=pulse, shock_mv=shock, xp=xp)
        done[0] += 1
        step(done[0])
        need = np.ones(2 + n_i, dtype=np.int64)
        need[2:] = 2  # the conditioning spike plus one
        return out["spikes"] >= need

    top = np.full(2 + n_i, test_max)
    top[1] = SHOCK_MAX_MV
    fires_at_top = fires(top)
    thr = _bisect(fires, np.zeros(2 + n_i), top, params.hh_bisection_steps)
    thr = np.where(fires_at_top, thr, np.nan)
    return thr


@register
class ActionPotential(Experiment[ActionPotentialParams]):
    id = "neuron.action-potential"
    title = "Threshold, the all-or-none action potential and refractoriness (HH, LIF)"
    chapter = 1
    summary = (
        "The seed describes the action potential as a fast, brief, all-or-none pulse "
        "fired when the input reaches a threshold. In the Hodgkin-Huxley squid membrane a "
        "pulse below threshold gives a small graded depolarisation and any pulse above "
        "it the same full spike; right after a spike no pulse fires a second one "
        "(refractoriness). The leaky integrate-and-fire neuron keeps only threshold and "
        "reset, and its firing rate follows a closed-form f-I curve."
    )
    Params = ActionPotentialParams
    quick = MappingProxyType({
        "hh_dt_ms": 0.0125,
        "hh_amplitudes_pa": (200.0, 400.0, 600.0, 680.0, 700.0, 800.0, 1500.0, 3000.0,
                             7000.0),
        "hh_pair_intervals_ms": (3.0, 5.0, 8.0, 12.0, 20.0, 30.0),
        "hh_bisection_steps": 11,
        "lif_n_currents": 21,
        "lif_duration_ms": 500.0,
        "lif_dt_ms": 0.5,
    })
    citations = (cite("hodgkin1952"), cite("gerstner2014"), cite("burkitt2006"),
                 cite("brette2007"))

    def run(self, params: ActionPotentialParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        xp = get_namespace(backend)
        hh, lif = HodgkinHuxley(), LIF()
        dt, pulse = params.hh_dt_ms, params.hh_pulse_ms
        amps = np.asarray(params.hh_amplitudes_pa)
        shocks = np.asarray(HH_FIG12_SHOCKS_MV)
        intervals = np.asarray(params.hh_pair_intervals_ms)
        total = params.hh_bisection_steps + 3
        # 1. Traces: the pulse series and HH's Fig. 12 shocks in one batch.
        n_a, n_s = amps.size, shocks.size
        onsets = np.concatenate([np.full((n_a, 1), PULSE_ONSET_MS), np.zeros((n_s, 1))])
        grid = simulate_hh(
            hh, dt_ms=dt, t_end_ms=PULSE_ONSET_MS + pulse + TAIL_MS, onsets_ms=onsets,
            amps_pa=np.concatenate([amps, np.zeros(n_s)])[:, None], pulse_ms=pulse,
            shock_mv=np.concatenate([np.zeros(n_a), shocks]), xp=xp, record=True)
        rest = float(grid["rest"])
        progress(1, total)
        # 2. Thresholds by bisection (pulse, shock, test pulse after each interval).
        thr = _hh_thresholds(hh, params, xp, lambda i: progress(i, total))
        pulse_thr = float(thr[0])
        shock_thr = float(thr[1])
        test_thr = thr[2:]
        # 3. LIF f-I curve and first-spike latency from a random V0.
        currents = np.linspace(0.0, params.lif_current_max_pa, params.lif_n_currents)
        v0 = make_rng(seed).uniform(lif.v_reset_mv, lif.v_th_mv, size=currents.size)
        sim = simulate_lif(lif, currents, v0, dt_ms=params.lif_dt_ms,
                           duration_ms=params.lif_duration_ms, xp=xp)
        v_inf = lif.e_l_mv + currents / lif.g_l_ns
        above = v_inf > lif.v_th_mv
        with np.errstate(divide="ignore", invalid="ignore"):
            latency = np.where(above, lif.tau_m_ms * np.log(
                np.where(above, (v_inf - v0) / (v_inf - lif.v_th_mv), 1.0)), np.nan)
        progress(total, total)

        ms = {"units": "ms"}
        mv = {"units": "mV"}
        time = np.arange(grid["v"].shape[1]) * dt
        return xr.Dataset(
            {
                "pulse_v": (("amplitude", "time"), grid["v"][:n_a],
                            {**mv, "long_name": "membrane potential, current pulse"}),
                "pulse_peak": (("amplitude",), grid["peak"][:n_a],
                               {**mv, "long_name": "peak membrane potential"}),
                "pulse_spikes": (("amplitude",), grid["spikes"][:n_a],
                                 {"units": "1", "long_name": "spikes fired"}),
                "shock_v": (("shock", "time"), grid["v"][n_a:],
                            {**mv, "long_name": "membrane potential after an "
                             "instantaneous displacement"}),
                "shock_spikes": (("shock",), grid["spikes"][n_a:],
                                 {"units": "1", "long_name": "upward crossings of 0 mV "
                                  "(the 90 mV shock starts above that level)"}),
                "test_threshold": (("interval",), test_thr,
                                   {"units": "pA", "long_name": "threshold of the test "
                                    "pulse (NaN: none up to hh_test_max_pa fires)"}),
                "lif_rate_sim": (("current",), sim["rate_hz"],
                                 {"units": "Hz", "long_name": "rate from the mean "
                                  "interspike interval (simulated)"}),
                "lif_rate_theory": (("current",), lif_rate_hz(lif, currents),
                                    {"units": "Hz", "long_name": "closed-form f(I)"}),
                "lif_n_spikes": (("current",), sim["n_spikes"], {"units": "1"}),
                "lif_first_spike": (("current",), sim["first_ms"],
                                    {**ms, "long_name": "first spike time (simulated)"}),
                "lif_latency_theory": (("current",), latency,
                                       {**ms, "long_name": "tau ln((V_inf - V0) / "
                                        "(V_inf - V_th))"}),
                "lif_v0": (("current",), v0, {**mv, "long_name": "initial potential V0"}),
            },
            coords={
                "amplitude": ("amplitude", amps, {"units": "pA",
                                                  "long_name": "pulse amplitude"}),
                "shock": ("shock", shocks, {**mv, "long_name": "instantaneous "
                                            "displacement from rest"}),
                "interval": ("interval", intervals, {**ms, "long_name": "conditioning-"
                                                     "to-test pulse interval"}),
                "current": ("current", currents, {"units": "pA",
                                                  "long_name": "constant current"}),
                "time": ("time", time, ms),
            },
            attrs={
                "hh_rest_mv": rest,
                "hh_pulse_threshold_pa": pulse_thr,
                "hh_shock_threshold_mv": shock_thr,
                "hh_pulse_ms": pulse,
                "hh_pulse_onset_ms": PULSE_ONSET_MS,
                "hh_conditioning_pa": params.hh_conditioning_pa,
                "hh_test_max_pa": params.hh_test_max_pa,
                "hh_v_spike_mv": hh.v_spike_mv,
                "hh_dt_ms": dt,
                "lif_rheobase_pa": lif_rheobase_pa(lif),
                "lif_duration_ms": params.lif_duration_ms,
                "lif_dt_ms": params.lif_dt_ms,
                "lif_t_ref_ms": lif.t_ref_ms,
                "lif_tau_m_ms": lif.tau_m_ms,
            },
        )

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        out: dict[str, float] = {}
        rest = float(ds.attrs["hh_rest_mv"])
        thr = float(ds.attrs["hh_pulse_threshold_pa"])
        out["hh_rest_mv"] = rest
        out["hh_pulse_threshold_pa"] = thr
        out["hh_shock_threshold_mv"] = float(ds.attrs["hh_shock_threshold_mv"])
        amps = ds.amplitude.values
        spikes = ds.pulse_spikes.values
        size = ds.pulse_peak.values - rest
        supra, sub = spikes >= 1, spikes == 0
        expected = (amps >= thr).astype(np.int64) if np.isfinite(thr) else None
        out["hh_all_or_none_violations"] = (
            float(np.sum(spikes != expected)) if expected is not None else float("nan"))
        out["hh_suprathreshold_stimuli"] = float(supra.sum())
        if supra.sum() >= 2:
            a = size[supra]
            out["hh_amplitude_spread"] = float((a.max() - a.min()) / a.mean())
            out["hh_spike_amplitude_mv"] = float(a.mean())
        else:
            out["hh_amplitude_spread"] = out["hh_spike_amplitude_mv"] = float("nan")
        if supra.any() and sub.any():
            out["hh_threshold_jump"] = float((size[supra].min() - size[sub].max())
                                             / size[supra].mean())
        else:
            out["hh_threshold_jump"] = float("nan")
        order = np.argsort(ds.interval.values)
        test = ds.test_threshold.values[order]
        ratio = test / thr
        out["hh_absolute_refractory"] = float(np.isnan(test[0]))
        out["hh_refractory_ratio_max"] = float(np.nanmax(ratio)) if np.isfinite(
            ratio).any() else float("nan")
        out["hh_recovered_threshold_ratio"] = float(ratio[-1])
        absolute = ds.interval.values[order][np.isnan(test)]
        out["hh_absolute_refractory_ms"] = float(absolute.max()) if absolute.size else 0.0
        # LIF
        theory = ds.lif_rate_theory.values
        sim = ds.lif_rate_sim.values
        on = theory > 0
        with np.errstate(invalid="ignore"):
            rel = np.abs(sim[on] - theory[on]) / theory[on]
        out["lif_fi_max_rel_error"] = float(np.max(np.where(np.isnan(rel), np.inf, rel))) \
            if on.any() else float("nan")
        out["lif_subthreshold_spikes"] = float(ds.lif_n_spikes.values[~on].sum())
        lat_t, lat_s = ds.lif_latency_theory.values[on], ds.lif_first_spike.values[on]
        lat_err = np.abs(lat_s - lat_t) / lat_t
        out["lif_latency_max_rel_error"] = float(np.max(np.where(np.isnan(lat_err), np.inf,
                                                                 lat_err))) \
            if on.any() else float("nan")
        out["lif_mean_latency_ms"] = float(np.mean(lat_s)) if on.any() else float("nan")
        return out

    def targets(self, params: ActionPotentialParams) -> tuple[Target, ...]:
        hh = "Hodgkin & Huxley 1952 (J Physiol 117:500)"
        return (
            Target("hh_shock_threshold_mv", 6.5, 0.5, compare="abs",
                   source=hh + ", Fig. 12: membrane action potentials computed for "
                          "instantaneous depolarisations; 6 mV fails, 7 mV fires",
                   reason="the paper brackets the threshold between its 6 and 7 mV "
                          "solutions; the same equations must put it in that interval",
                   description="threshold of an instantaneous displacement from rest"),
            Target("hh_all_or_none_violations", 0.0, 0.0, compare="abs",
                   source=hh + "; seed chapter 1 (all-or-none)",
                   reason="exact: every pulse below the bisected threshold fires none, "
                          "every pulse at or above it exactly one spike",
                   description="pulses whose spike count is not (amplitude >= threshold)"),
            Target("hh_amplitude_spread", 0.0, 0.10, compare="at_most",
                   source=hh + ", Fig. 12: the 7, 15 and 90 mV shocks give action "
                          "potentials of nearly the same size",
                   reason="the spike is regenerative but not perfectly stereotyped: near "
                          "threshold sodium inactivates during the longer latency (lower "
                          "peak), far above it the pulse itself adds charge; the same "
                          "equations give a 6 mV (6 %) peak difference between HH's 7 and "
                          "90 mV shocks, and 10 % covers pulses up to 10x threshold",
                   description="(max - min) / mean of peak - rest over suprathreshold "
                               "pulses"),
            Target("hh_threshold_jump", 0.8, 0.0, compare="at_least",
                   source=hh + "; seed chapter 1 (all-or-none)",
                   reason="below threshold the response is graded and < 10 mV (the 6-7 mV "
                          "threshold displacement), above it ~100 mV: the step is > 80 % "
                          "of the spike",
                   description="(smallest spike - largest subthreshold response) / mean "
                               "spike size"),
            Target("hh_absolute_refractory", 1.0, 0.0, compare="abs",
                   source=hh + ", refractory period (sodium inactivation and potassium "
                          "activation after a spike)",
                   reason=f"at {min(params.hh_pair_intervals_ms):g} ms after the "
                          f"conditioning pulse no test pulse up to "
                          f"{params.hh_test_max_pa:g} pA (14x threshold) may fire",
                   description="the test pulse fails at the shortest interval"),
            Target("hh_refractory_ratio_max", 1.5, 0.0, compare="at_least",
                   source=hh + ", relative refractory period",
                   reason="after the absolute period the threshold is raised; 1.5x is a "
                          "conservative floor for the first interval that fires",
                   description="largest finite test threshold / resting pulse threshold"),
            Target("hh_recovered_threshold_ratio", 1.0, 0.05, compare="abs",
                   source=hh + ": h, n relax back to rest with time constants <= 9 ms",
                   reason=f"at {max(params.hh_pair_intervals_ms):g} ms the gates are back "
                          "within a few % of rest; 5 % covers the damped post-spike "
                          "ringing of HH (threshold 15 % low at 20 ms) and the bisection "
                          "resolution",
                   description="test threshold / resting threshold at the longest interval"),
            Target("lif_fi_max_rel_error", 0.0, 1e-3, compare="at_most",
                   source="Gerstner et al. 2014, Neuronal Dynamics eq. 1.11 (CATALOGUE.md "
                          "neuron.action-potential)",
                   reason="catalogue tolerance; exact integration with spike times "
                          "located inside the step leaves float64 round-off only",
                   description="max |f_sim - f(I)| / f(I) over currents above rheobase"),
            Target("lif_subthreshold_spikes", 0.0, 0.0, compare="abs",
                   source="Gerstner et al. 2014: no firing at or below the rheobase "
                          "g_L (V_th - E_L)",
                   reason="exact: V approaches V_inf <= V_th from below and never "
                          "reaches threshold",
                   description="spikes fired at currents at or below the rheobase"),
            Target("lif_latency_max_rel_error", 0.0, 1e-6, compare="at_most",
                   source="closed-form solution of the LIF membrane equation "
                          "(Gerstner et al. 2014, ch. 1.3)",
                   reason="exact event-timed integration: float64 round-off only "
                          "(~1e-12); 1e-6 leaves margin",
                   description="max relative error of the first-spike time from a random "
                               "V0"),
        )
