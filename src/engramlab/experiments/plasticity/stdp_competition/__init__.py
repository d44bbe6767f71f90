"""STDP makes synapses compete: Song, Miller & Abbott (2000).

``plasticity.stdp-competition``
    Reproduces: the three results of Song, Miller & Abbott (2000, Nat. Neurosci. 3:919,
    doi:10.1038/78829) on one conductance-based LIF neuron driven by 1000 excitatory
    Poisson inputs with additive pair STDP (A+ = 0.005 g_max, A-/A+ = 1.05, tau+- =
    20 ms, hard bounds [0, g_max], g_max = 0.015 in units of the leak conductance) and
    200 fixed inhibitory inputs at 10 Hz (g_in = 0.05):

    1. the output rate becomes nearly independent of the input rate (their Fig. 2A):
       the log-log slope of output rate against input rate (10-40 Hz) is small with
       STDP, while with the weights frozen at their initial values it is steep;
    2. the equilibrium weight distribution is bimodal, with most synapses near 0 or
       near g_max (their Fig. 1B-C);
    3. correlated inputs win: a group of inputs that share part of their spikes ends
       near g_max while the uncorrelated inputs are pushed towards 0 (their Fig. 3).

    The network is :func:`engramlab.network.library.song_network`; STDP runs inside the
    compiled network loop.
    What differs: the learning runs for ``duration_s`` (1000 s in the full preset) from
    weights uniform in [0, g_max]. With A+ = 0.005 g_max the weights separate by a slow
    diffusion and the output rate at 10 Hz input climbs for hundreds of seconds (from
    ~4 Hz to ~10 Hz), so results 1 and 2 -- statements about the equilibrium -- are
    checked for runs of at least ``EQUILIBRIUM_MIN_S`` only: the quick preset (60 s)
    checks result 3 and the frozen-weight control and lists the three equilibrium
    checks as "full preset only"; the full preset checks all. At the lowest
    input rate the separation is still incomplete after 1000 s, so bimodality is
    checked at the highest input rate and reported for all. Correlated inputs: each of
    ``n_corr`` trains copies every spike of a common Poisson "mother" train with
    probability sqrt(c) and adds independent spikes, so every pair has spike-count
    correlation c at zero lag (the paper's own construction of correlated inputs differs
    in detail). Rates with STDP are those of the last fifth of each run; the rates of
    the frozen-weight controls are taken over the whole run after a 0.5 s transient
    (at 10 Hz input the frozen neuron fires at only ~2-3 Hz, so a short window can hold
    no spike at all).
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Any

import numpy as np
import xarray as xr

from engramlab.core import Params, Target, cite, make_rng, param
from engramlab.experiments._registry import register
from engramlab.experiments.base import Experiment, Mutation, ProgressFn, Resources, no_progress
from engramlab.network import Network, Simulator, Spikes, SpikeSource
from engramlab.network.library import song_network

_SMA = "Song, Miller & Abbott 2000, Methods"
_CHOSEN = "chosen: length / statistics of this reproduction"
EQUILIBRIUM_MIN_S = 500.0  # learning time needed before the weights have separated (see doc)
_CONTROL_TRANSIENT_MS = 500.0  # start of the rate window of the frozen-weight controls
_DT_MS = 0.1
_G_L_NS = 10.0  # song_network's leak conductance: weights are g_L * g (nS)
_N_INPUTS = 1200  # song_network: 1000 excitatory and 200 inhibitory inputs
#: Lowest input rate (Hz) and shortest run (s): below, a run holds almost no spikes.
MIN_RATE_HZ, MIN_DURATION_S = 0.1, 1.0
#: Shortest STDP time constant (ms): ten time steps.
MIN_TAU_MS = 10 * _DT_MS


class STDPCompetitionParams(Params):
    """Parameters of ``plasticity.stdp-competition`` (neuron: song_network's defaults)."""

    input_rates_hz: tuple[float, ...] = param(
        (10.0, 20.0, 40.0), unit="Hz", ge=MIN_RATE_HZ, le=100.0, min_length=2,
        doc="Rates of the excitatory Poisson inputs, one learning run each.",
        source="Song, Miller & Abbott 2000 Fig. 2A (10-40 Hz)",
    )
    duration_s: float = param(
        1000.0, unit="s", ge=MIN_DURATION_S, le=20_000.0,
        doc="Learning time per input rate (>= 1 s).",
        source=_CHOSEN + f"; >= {EQUILIBRIUM_MIN_S:g} s for the weights to separate",
    )
    control_duration_s: float = param(
        20.0, unit="s", ge=MIN_DURATION_S, le=1000.0,
        doc="Duration of each frozen-weight control run (no STDP; >= 1 s).",
        source=_CHOSEN + " (the rate of a fixed network settles within 100 ms; 20 s "
                     "hold ~40 spikes at 10 Hz input)",
    )
    g_max: float = param(
        0.015, unit="1", gt=0.0, le=1.0,
        doc="Upper bound g_max of the excitatory conductances (units of the leak).",
        source=_SMA,
    )
    a_plus: float = param(
        0.005, unit="1", gt=0.0, le=0.1, doc="A+ / g_max: potentiation per pair.",
        source=_SMA,
    )
    a_ratio: float = param(
        1.05, unit="1", gt=0.0, le=3.0, doc="A- / A+ (depression slightly dominates).",
        source=_SMA,
    )
    tau_plus_ms: float = param(
        20.0, unit="ms", ge=MIN_TAU_MS, le=200.0,
        doc="Decay time tau+ of the LTP side (>= 1 ms, ten time steps).",
        source=_SMA,
    )
    tau_minus_ms: float = param(
        20.0, unit="ms", ge=MIN_TAU_MS, le=200.0,
        doc="Decay time tau- of the LTD side (>= 1 ms, ten time steps).",
        source=_SMA,
    )
    n_corr: int = param(
        200, unit="1", ge=1, le=999,
        doc="Correlated inputs (of 1000 excitatory) in the competition run.",
        source="chosen: a fifth of the inputs, as a group of the paper's Fig. 3",
    )
    corr_c: float = param(
        0.1, unit="1", gt=0.0, lt=1.0,
        doc="Pairwise spike-count correlation c within the correlated group.",
        source="chosen: weak correlation, Song, Miller & Abbott 2000 Fig. 3 uses c <= 0.2",
    )
    corr_rate_hz: float = param(
        20.0, unit="Hz", ge=MIN_RATE_HZ, le=100.0,
        doc="Rate of every input (correlated or not) in the competition run.",
        source="chosen: within the paper's 10-40 Hz",
    )
    corr_duration_s: float = param(
        300.0, unit="s", ge=MIN_DURATION_S, le=5000.0,
        doc="Learning time of the competition run (>= 1 s).",
        source=_CHOSEN,
    )


def correlated_trains(n: int, rate_hz: float, c: float, duration_ms: float,
                      rng: np.random.Generator, dt_ms: float = _DT_MS) -> SpikeSource:
    """``n`` Poisson trains at ``rate_hz`` with pairwise count correlation ``c``.

    Each train copies every spike of a common Poisson train (rate ``rate_hz``) with
    probability :math:`q = \\sqrt{c}` and adds its own Poisson spikes at rate
    :math:`(1 - q)\\,` ``rate_hz``; two trains then share spikes at rate
    :math:`q^2 r = c\\, r`. Spikes are put on the ``dt_ms`` grid, at most one per step
    and train.
    """
    q = math.sqrt(c)
    n_steps = int(duration_ms / dt_ms)
    t_s = duration_ms * 1e-3
    mother = np.unique(rng.integers(0, n_steps, rng.poisson(rate_hz * t_s)))
    steps, units = [], []
    for i in range(n):
        own = rng.integers(0, n_steps, rng.poisson((1 - q) * rate_hz * t_s))
        s = np.unique(np.concatenate([own, mother[rng.random(mother.size) < q]]))
        steps.append(s)
        units.append(np.full(s.size, i))
    s = np.concatenate(steps)
    return SpikeSource(s * dt_ms, np.concatenate(units))


def _rate_after(times_ms: np.ndarray, start_ms: float, duration_ms: float) -> float:
    """Output rate (Hz) from ``start_ms`` to the end of a run."""
    return float((times_ms >= start_ms).sum() / ((duration_ms - start_ms) * 1e-3))


def _late_rate(times_ms: np.ndarray, duration_ms: float) -> float:
    """Output rate (Hz) over the last fifth of a run."""
    return _rate_after(times_ms, 0.8 * duration_ms, duration_ms)


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope of log y against log x."""
    if np.any(y <= 0):
        return float("nan")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


@register
class STDPCompetition(Experiment[STDPCompetitionParams]):
    id = "plasticity.stdp-competition"
    title = "STDP makes synapses compete (Song, Miller & Abbott 2000)"
    chapter = 2
    summary = (
        "With spike-timing-dependent plasticity the synapses onto a neuron compete: "
        "inputs that cause it to fire are strengthened, the rest weakened, the weights "
        "split into strong and silent ones, the output rate stays nearly constant as "
        "the input rate changes, and correlated inputs take over."
    )
    Params = STDPCompetitionParams
    quick = MappingProxyType({"input_rates_hz": (10.0, 40.0), "duration_s": 60.0,
                              "corr_duration_s": 60.0})
    citations = (cite("song2000"),)
    # Params, not patches: the rule runs inside the compiled network loop.
    mutations = (
        Mutation(name="A-/A+ 1.05 -> 0.9 (potentiation dominates: no competition)",
                 value=0.9, param="a_ratio"),
        Mutation(name="tau- 20 -> 10 ms (LTD window half as long: potentiation dominates)",
                 value=10.0, param="tau_minus_ms"),
    )

    def resources(self, params: STDPCompetitionParams) -> Resources:
        """Steps of every run (dt = 0.1 ms), the input spikes, and the correlated
        group's trains (held in memory)."""
        n_rates = len(params.input_rates_hz)
        seconds = n_rates * (params.duration_s + params.control_duration_s) + \
            params.corr_duration_s
        steps = seconds * 1000.0 / _DT_MS
        events = _N_INPUTS * (sum(params.input_rates_hz) * (params.duration_s
                                                            + params.control_duration_s)
                              + params.corr_rate_hz * params.corr_duration_s)
        corr_spikes = params.n_corr * params.corr_rate_hz * params.corr_duration_s
        return Resources(
            memory_bytes=48.0 * corr_spikes + 1e6, steps=steps,
            work=steps * _N_INPUTS + 10.0 * events,
            drivers=("duration_s", "corr_duration_s", "control_duration_s", "n_corr",
                     "corr_rate_hz", "input_rates_hz"),
            detail=f"{steps:.3g} time steps of {_N_INPUTS} inputs, {events:.3g} input "
                   "spikes")

    def run(self, params: STDPCompetitionParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        # The network engine is a compiled CPU loop (backend unused).
        rates = np.asarray(params.input_rates_hz, float)

        def net(n_exc: int, **extra: Any) -> Network:
            return song_network(n_exc, g_max=params.g_max, a_plus=params.a_plus,
                                a_ratio=params.a_ratio, tau_plus_ms=params.tau_plus_ms,
                                tau_minus_ms=params.tau_minus_ms, **extra)

        w_max = params.g_max * _G_L_NS
        n_bins = 20
        edges = np.linspace(0.0, 1.0, n_bins + 1)
        total = 2 * rates.size + 1
        out_stdp, out_fixed, hist, w_final = [], [], [], []
        dur = params.duration_s * 1e3
        for i, r in enumerate(rates):
            sim = Simulator(net(1000, rate_exc_hz=r), dt_ms=_DT_MS,
                            seed=seed * 1000 + i)
            ds = sim.run(dur, record=[Spikes("post")])
            out_stdp.append(_late_rate(ds["post_spike_time"].values, dur))
            w = sim.weights("exc_post") / w_max
            w_final.append(w)
            hist.append(np.histogram(w, bins=edges)[0])
            progress(2 * i + 1, total)
            ctl = Simulator(net(1000, rate_exc_hz=r, plastic=False),
                            dt_ms=_DT_MS, seed=seed * 1000 + i)
            cd = params.control_duration_s * 1e3
            dc = ctl.run(cd, record=[Spikes("post")])
            out_fixed.append(_rate_after(dc["post_spike_time"].values,
                                         min(_CONTROL_TRANSIENT_MS, 0.5 * cd), cd))
            progress(2 * i + 2, total)
        cdur = params.corr_duration_s * 1e3
        src = correlated_trains(params.n_corr, params.corr_rate_hz, params.corr_c, cdur,
                                make_rng(seed, 1))
        sim = Simulator(net(1000 - params.n_corr, rate_exc_hz=params.corr_rate_hz,
                            corr_source=src, n_corr=params.n_corr),
                        dt_ms=_DT_MS, seed=seed * 1000 + 999)
        dsc = sim.run(cdur, record=[Spikes("post")])
        w_unc = sim.weights("exc_post") / w_max
        w_cor = sim.weights("corr_post") / w_max
        progress(total, total)
        one = {"units": "1"}
        return xr.Dataset(
            {
                "out_rate_stdp": ("input_rate", np.asarray(out_stdp),
                                  {"units": "Hz", "long_name": "output rate with STDP"}),
                "out_rate_fixed": ("input_rate", np.asarray(out_fixed),
                                   {"units": "Hz", "long_name": "output rate, weights "
                                    "frozen at their initial values"}),
                "w_final": (("input_rate", "synapse"), np.asarray(w_final),
                            {**one, "long_name": "final weight / g_max"}),
                "w_hist": (("input_rate", "w_bin"), np.asarray(hist),
                           {**one, "long_name": "synapses per bin of w / g_max"}),
                "w_uncorrelated": ("unc_synapse", w_unc, {**one, "long_name":
                                   "final weight / g_max, uncorrelated inputs"}),
                "w_correlated": ("corr_synapse", w_cor, {**one, "long_name":
                                 "final weight / g_max, correlated inputs"}),
            },
            coords={
                "input_rate": ("input_rate", rates, {"units": "Hz"}),
                "w_bin": ("w_bin", 0.5 * (edges[:-1] + edges[1:]), one),
            },
            attrs={"duration_s": params.duration_s, "corr_duration_s": params.corr_duration_s,
                   "corr_c": params.corr_c, "corr_rate_hz": params.corr_rate_hz,
                   "corr_out_rate_hz": _late_rate(dsc["post_spike_time"].values, cdur),
                   "a_plus": params.a_plus, "g_max": params.g_max},
        )

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        rates = ds.input_rate.values
        w_top = ds.w_final.values[-1]
        out = {
            "rate_slope_stdp": _slope(rates, ds.out_rate_stdp.values),
            "rate_slope_fixed": _slope(rates, ds.out_rate_fixed.values),
            "out_rate_stdp_min_hz": float(ds.out_rate_stdp.min()),
            "out_rate_stdp_max_hz": float(ds.out_rate_stdp.max()),
            "corr_mean_w": float(ds.w_correlated.mean()),
            "uncorr_mean_w": float(ds.w_uncorrelated.mean()),
            "outer_fraction_top_rate": float(((w_top < 0.1) | (w_top > 0.9)).mean()),
            "upper_fraction_top_rate": float((w_top > 0.9).mean()),
        }
        for r, w in zip(rates, ds.w_final.values, strict=True):
            out[f"outer_fraction_{r:g}hz"] = float(((w < 0.1) | (w > 0.9)).mean())
        return out

    def targets(self, params: STDPCompetitionParams) -> tuple[Target, ...]:
        fig2 = "Song, Miller & Abbott 2000 Fig. 2A"
        short = (f"full preset only: {params.duration_s:g} s of learning is too short "
                 f"for the equilibrium (>= {EQUILIBRIUM_MIN_S:g} s; the weights separate "
                 "by a slow diffusion)"
                 if params.duration_s < EQUILIBRIUM_MIN_S else "")
        return (
            Target("rate_slope_fixed", 2.0, 0.0, compare="at_least", kind="published",
                   source=fig2 + " (without STDP the output rate rises steeply with "
                                 "the input rate)",
                   reason="the contrast that makes result 1 meaningful: with frozen "
                          "weights the neuron is threshold-driven and its rate grows "
                          "much faster than the input. Seen: 3.3-4.9 over seeds 0-19 "
                          "(quick; the same 20 s controls as the full preset), mean 4.0, "
                          "sd 0.4; 2 = a fourfold input change raising the output "
                          "16-fold, 5 sd below the mean",
                   description="log-log slope of output rate vs input rate, weights "
                               "frozen"),
            Target("corr_mean_w", 0.8, 0.0, compare="at_least", kind="published",
                   source="Song, Miller & Abbott 2000 Fig. 3 (correlated inputs end at "
                          "g_max)",
                   reason="the correlated group wins: most of its synapses at the upper "
                          "bound, so a mean of at least 0.8 g_max. Seen: 0.988-0.996 "
                          "over seeds 0-19 (quick, 60 s), sd 0.002",
                   description="mean final weight / g_max of the correlated inputs"),
            Target("uncorr_mean_w", 0.3, 0.0, compare="at_most", kind="published",
                   source="Song, Miller & Abbott 2000 Fig. 3 (uncorrelated inputs lose)",
                   reason="the winners take the output: the uncorrelated synapses are "
                          "pushed down, below a third of g_max on average (from 0.5 at "
                          "the start). Seen: 0.163-0.182 over seeds 0-19 (quick, 60 s), "
                          "sd 0.004",
                   description="mean final weight / g_max of the uncorrelated inputs"),
            Target("rate_slope_stdp", 0.5, 0.0, compare="at_most", kind="published",
                   not_tested=short,
                   source=fig2 + " (with STDP the output rate is nearly independent of "
                                 "the input rate)",
                   reason="'nearly independent' as a number: a fourfold change of input "
                          "rate changes the output rate by at most a factor 2 (slope "
                          "0.5), read from the paper's curve, which rises by well under "
                          "that (seen here: 0.43 and 0.26 with seeds 0 and 1, full "
                          "preset; 0.36-3.0 after the 60 s of the quick preset, before "
                          "the equilibrium)",
                   description="log-log slope of output rate vs input rate, with STDP"),
            Target("outer_fraction_top_rate", 0.7, 0.0, compare="at_least",
                   kind="published", not_tested=short,
                   source="Song, Miller & Abbott 2000 Fig. 1B-C (bimodal: most "
                          "synapses near 0 or near g_max)",
                   reason="'most' read as more than 70 % within 0.1 g_max of a "
                          "bound; the rest are in transit (seen: ~0.84 at 40 Hz after "
                          "1000 s; ~0.64 after the 60 s of the quick preset)",
                   description="fraction of weights < 0.1 or > 0.9 g_max at the "
                               "highest input rate"),
            Target("upper_fraction_top_rate", 0.03, 0.0, compare="at_least",
                   kind="published", not_tested=short,
                   source="Song, Miller & Abbott 2000 Fig. 1B-C (a second mode at "
                          "g_max)",
                   reason="bimodal, not all silenced: a population of strong synapses "
                          "remains, a few percent at 40 Hz (seen ~0.08 after 1000 s; "
                          "~0.003 after the 60 s of the quick preset)",
                   description="fraction of weights > 0.9 g_max at the highest "
                               "input rate"),
        )
