"""Pairing frequency decides LTP vs LTD: triplet STDP and the calcium rule.

``plasticity.frequency-stdp``
    Reproduces: the pairing-frequency result of Sjöström, Turrigiano & Nelson (2001,
    Neuron 32:1149, doi:10.1016/S0896-6273(01)00542-6) in layer-5 visual cortex: pre/post
    pairs with dt = t_post - t_pre = +10 ms potentiate more the higher the pairing
    frequency, and pairs with dt = -10 ms depress at 0.1-20 Hz but potentiate at 40-50
    Hz. Data (dw/w, mean +- SEM; +10 ms / -10 ms): 0.1 Hz -0.04 +- 0.05 / -0.29 +- 0.08;
    10 Hz +0.14 +- 0.10 / -0.41 +- 0.11; 20 Hz +0.29 +- 0.14 / -0.34 +- 0.10; 40 Hz
    +0.53 +- 0.11 / +0.56 +- 0.32; 50 Hz +0.56 +- 0.26 / +0.75 +- 0.19.
    (1) Triplet STDP (Pfister & Gerstner 2006, J. Neurosci. 26:9673,
    doi:10.1523/JNEUROSCI.1425-06.2006), all-to-all visual-cortex fit of their Table 2.
    The change is the closed form of
    :func:`engramlab.plasticity.triplet.pairing_protocol_theory` (checked here against
    the event-driven rule to rounding). Weights are in units of the initial weight and
    updates are additive, so the summed update *is* dw/w (as in the paper's fit).
    (2) The calcium rule of Graupner & Brunel (2012, PNAS 109:3991,
    doi:10.1073/pnas.1109359109), their "cortical slices" parameter set (fitted by them
    to these data): fractions of time above threshold from the exact calcium trace of
    the train, dw/w = w_after / w_before - 1. A stochastic Euler-Maruyama simulation
    must agree with the analytic transition probabilities (binomial z-scores).
    Checks against the data: the chi-square of the 10 points, (model - mean) / SEM
    squared and summed, with its p-value on 10 degrees of freedom (the model values are
    closed forms without sampling error, the parameters are the papers', not refitted
    here); per point "within 1 SEM" is not a test (a correct model misses a third of
    the points by more). For the calcium rule also the shape the data bracket: LTD at
    dt = -10 ms up to 20 Hz, LTP for both timings from 40 Hz, sign change between.
    What differs, and the two protocols. Sjöström et al. paired in 15 trains of 5 pairs
    (75 pairs, trains 10 s apart): this literal protocol is the published comparison
    (chi-square of the 10 points against their SEMs, with its p-value). Pfister &
    Gerstner fitted their parameters under 60 pairs at f without breaks (the protocol of
    the reimplementations of their pairing experiment, the NEST and sPyNNaker examples;
    their full text was not available to the search tools here), Graupner & Brunel
    under 75 pairs at f without breaks; both continuous protocols are also evaluated
    and labelled as such (``*_continuous`` metrics, dotted in the figure). The triplet
    model passes under its own continuous protocol (chi^2 / 10 = 0.34) but fails the
    literal one (chi^2 / 10 = 6.35, p ~ 8e-10): within a train of 5 pairs its triplet
    traces (tau_y 125 ms, tau_x 101 ms) never build up, so the high-frequency LTP is
    lost (+0.02 / -0.32 at 40 Hz against the data's +0.53 / +0.56). That is a declared
    deviation, reproduced by ``tests/test_triplet.py::
    test_sjostrom_literal_protocol_numbers``. The calcium rule passes both protocols.
    The calcium-rule theory neglects the bistable (cubic) drift of rho; at 0.1 Hz the
    75 pairs last 750 s, longer than tau = 346 s, and the full stochastic model (drift
    included) depresses less than the theory at dt = -10 ms (about -0.20 vs -0.31 at
    n = 1000: drift pulls synapses back to UP between pairs), so the simulation check
    (75 continuous pairs, the paper's protocol) uses 10-50 Hz only and the 0.1 Hz gap is
    reported as a metric. Data are the group means quoted above (as fitted by Pfister &
    Gerstner 2006); no new digitisation.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import xarray as xr
from scipy.stats import chi2 as chi2_dist

from engramlab.analysis.curves import level_crossing
from engramlab.core import Params, Target, cite, make_rng, param
from engramlab.experiments._registry import register
from engramlab.experiments.base import Experiment, Mutation, ProgressFn, Resources, no_progress
from engramlab.plasticity.calcium import (
    GB_SET_SOURCES,
    GraupnerBrunel,
    pair_protocol_theory,
    simulate_pair_train,
    strength_change,
)
from engramlab.plasticity.triplet import (
    TripletSTDP,
    pairing_protocol_simulated,
    pairing_protocol_theory,
)

#: Sjöström et al. 2001 pairing-frequency data: f (Hz), dw/w at +10 ms (mean, SEM),
#: at -10 ms (mean, SEM).
DATA_FREQ_HZ = (0.1, 10.0, 20.0, 40.0, 50.0)
DATA_PRE_POST = ((-0.04, 0.05), (0.14, 0.10), (0.29, 0.14), (0.53, 0.11), (0.56, 0.26))
DATA_POST_PRE = ((-0.29, 0.08), (-0.41, 0.11), (-0.34, 0.10), (0.56, 0.32), (0.75, 0.19))
_DATA_SRC = ("Sjöström et al. 2001, pairing frequency at dt = +-10 ms (group means +- "
             "SEM, as fitted by Pfister & Gerstner 2006)")
_GB_SET = "cortical slices"
_PG = "Pfister & Gerstner 2006, Table 2 (all-to-all visual-cortex fit)"
_CHOSEN = "chosen: resolution / statistics of this reproduction"
#: The chi-square of the 10 data points must have p >= this (10 degrees of freedom).
P_MIN = 0.05
#: The stochastic check uses the data frequencies from here on: 75 pairs last <= 7.5 s,
#: short against tau = 346 s, so the cubic drift the theory neglects stays small.
_SIM_CHECK_MIN_HZ = 10.0
#: The calcium rule must depress at dt = -10 ms up to this frequency (the data: LTD at
#: 0.1-20 Hz) and potentiate both timings from LTP_FROM_HZ on (the data: LTP at 40-50 Hz).
LTD_UP_TO_HZ = 20.0
LTP_FROM_HZ = 40.0
#: The literal protocol (``*_bursts``) and the models' continuous ones, by label.
PROTOCOLS = ("literal", "continuous")


class FrequencySTDPParams(Params):
    """Parameters of ``plasticity.frequency-stdp`` (rule parameters: the published fits)."""

    dt_ms: float = param(
        10.0, unit="ms", ge=0.5, le=40.0,
        doc="|dt| of the pairs: dt = +dt_ms (pre before post) and -dt_ms (>= 0.5 ms).",
        source="Sjöström et al. 2001 (+-10 ms)",
    )
    f_min_hz: float = param(
        0.1, unit="Hz", ge=0.01, le=1.0, doc="Lowest frequency of the curves (>= 0.01 Hz).",
        source="Sjöström et al. 2001 (0.1 Hz)",
    )
    f_max_hz: float = param(
        50.0, unit="Hz", ge=50.0, le=60.0, doc="Highest frequency of the curves.",
        source="Sjöström et al. 2001 (50 Hz); period must exceed 2 dt",
    )
    n_freqs: int = param(
        120, unit="1", ge=10, le=2000,
        doc="Log-spaced frequencies of the curves (crossovers are read on them).",
        source=_CHOSEN,
    )
    n_trains: int = param(
        15, unit="1", ge=1, le=100,
        doc="Trains of the literal protocol (pairs_per_train pairs at f each, far apart).",
        source="Sjöström et al. 2001 (15 trains, 10 s apart)",
    )
    pairs_per_train: int = param(
        5, unit="1", ge=1, le=100, doc="Pairs per train of the literal protocol.",
        source="Sjöström et al. 2001 (5 pairs)",
    )
    triplet_n_pairs: int = param(
        60, unit="1", ge=1, le=1000,
        doc="Pairs of the triplet model's continuous protocol (at f without breaks), "
            "evaluated besides the literal one.",
        source="Pfister & Gerstner 2006 (60 pairs, the protocol of their fit)",
    )
    gb_n_pairs: int = param(
        75, unit="1", ge=1, le=1000,
        doc="Pairs of the calcium model's continuous protocol (at f without breaks; also "
            "the protocol of the stochastic simulation).",
        source="Graupner & Brunel 2012, Fig. 4 (75 pairs)",
    )
    triplet_a3_plus: float = param(
        6.2e-3, unit="1", ge=0.0, le=10.0,
        doc="Triplet LTP amplitude A3+ of the triplet model (the rest: its defaults).",
        source=_PG,
    )
    gb_tau_ca_ms: float = param(
        22.6936, unit="ms", ge=1.0, le=1000.0,
        doc="Calcium decay time tau_Ca of the calcium rule (the rest: the set's values); "
            ">= 1 ms.",
        source=GB_SET_SOURCES[_GB_SET],
    )
    n_synapses: int = param(
        1000, unit="1", ge=10, le=100_000,
        doc="Simulated synapses per initial state (DOWN, UP), timing and frequency.",
        source="chosen: binomial error of U and D about 0.015",
    )
    sim_step_ms: float = param(
        0.1, unit="ms", ge=1e-3, le=1.0,
        doc="Euler-Maruyama step of the stochastic calcium-rule simulation (>= 1e-3 ms).",
        source="chosen: small against the ~20 ms that calcium stays above threshold",
    )


def _data() -> tuple[np.ndarray, np.ndarray]:
    mean = np.array([[m for m, _ in DATA_PRE_POST], [m for m, _ in DATA_POST_PRE]])
    sem = np.array([[s for _, s in DATA_PRE_POST], [s for _, s in DATA_POST_PRE]])
    return mean, sem


def _key(timing: int, f: float) -> str:
    return f"{'pre_post' if timing == 0 else 'post_pre'}_{f:g}hz"


def chi2_p(z: np.ndarray) -> float:
    """p-value of sum(z^2) on ``z.size`` degrees of freedom (chi-square survival)."""
    return float(chi2_dist.sf(float(np.sum(np.asarray(z) ** 2)), np.asarray(z).size))


def _curves(trip: TripletSTDP, gb: GraupnerBrunel, params: FrequencySTDPParams,
            dts: np.ndarray, fs: np.ndarray) -> dict[str, np.ndarray]:
    """dw/w of both models under both protocols, shape (timing, frequency) each."""
    n_lit = params.n_trains * params.pairs_per_train
    per = params.pairs_per_train
    out = {k: np.empty((2, fs.size)) for k in ("trip", "trip_c", "gb", "gb_c")}
    for j, f in enumerate(fs):
        out["trip"][:, j] = pairing_protocol_theory(trip, dts, f, n_pairs=n_lit,
                                                    pairs_per_burst=per)
        out["trip_c"][:, j] = pairing_protocol_theory(trip, dts, f,
                                                      n_pairs=params.triplet_n_pairs)
        out["gb"][:, j] = pair_protocol_theory(
            gb, dts, n_pairs=n_lit, freq_hz=f, pairs_per_burst=per,
            calcium="exact").change - 1.0
        out["gb_c"][:, j] = pair_protocol_theory(
            gb, dts, n_pairs=params.gb_n_pairs, freq_hz=f,
            calcium="periodic").change - 1.0
    return out


def _simulate_gb(gb: GraupnerBrunel, params: FrequencySTDPParams, dts: np.ndarray,
                 fd: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """The stochastic calcium rule, the paper's protocol (gb_n_pairs at f), vs theory."""
    n = params.n_synapses
    rho0 = np.concatenate([np.zeros(n), np.ones(n)])
    out = {k: np.empty((2, fd.size)) for k in ("p_up", "p_dn", "e_up", "e_dn", "e_change")}
    for j, f in enumerate(fd):
        rho = simulate_pair_train(gb, dts, rho0, make_rng(seed, j),
                                  n_pairs=params.gb_n_pairs, freq_hz=float(f),
                                  step_ms=params.sim_step_ms, quiet_step_ms=500.0)
        out["p_up"][:, j] = (rho[:, :n] > gb.rho_star).mean(axis=1)
        out["p_dn"][:, j] = (rho[:, n:] < gb.rho_star).mean(axis=1)
        th = pair_protocol_theory(gb, dts, n_pairs=params.gb_n_pairs, freq_hz=float(f),
                                  calcium="exact")
        out["e_up"][:, j], out["e_dn"][:, j] = th.p_up, th.p_down
        out["e_change"][:, j] = th.change
    return out


@register
class FrequencySTDP(Experiment[FrequencySTDPParams]):
    id = "plasticity.frequency-stdp"
    title = "Pairing frequency: triplet STDP and the calcium rule vs Sjöström et al. 2001"
    chapter = 2
    summary = (
        "Spike timing is not the whole story: in visual cortex, pairs repeated at 40-50 "
        "Hz potentiate whatever their order, while at low frequency post-before-pre "
        "pairs depress (Sjöström et al. 2001). Triplet STDP explains it by a "
        "potentiation that grows with the postsynaptic rate; the calcium rule by "
        "calcium transients that summate at high frequency."
    )
    Params = FrequencySTDPParams
    quick = MappingProxyType({"n_freqs": 40, "n_synapses": 150, "sim_step_ms": 0.25})
    citations = (cite("sjostrom2001"), cite("pfister2006"), cite("graupner2012"))
    mutations = (
        Mutation(name="triplet A3+ 6.2e-3 -> 0 (the pair rule: no frequency dependence)",
                 value=0.0, param="triplet_a3_plus"),
        Mutation(name="calcium decay tau_Ca 22.7 -> 8 ms (no summation at 40-50 Hz)",
                 value=8.0, param="gb_tau_ca_ms"),
    )

    def resources(self, params: FrequencySTDPParams) -> Resources:
        """The stochastic simulation: steps while calcium is high (about |dt| + 5 tau_Ca
        after each pair) for 2 x 2 n synapses, at each data frequency."""
        n_syn = 2 * 2 * params.n_synapses
        steps = grid = 0.0
        for f in DATA_FREQ_HZ:
            period = 1000.0 / f
            active = min(period, params.dt_ms + 5.0 * params.gb_tau_ca_ms)
            steps += params.gb_n_pairs * active / params.sim_step_ms
            grid = max(grid, params.gb_n_pairs * period / params.sim_step_ms)
        return Resources(
            memory_bytes=8.0 * (6 * grid + 8 * n_syn), steps=steps,
            work=6.0 * steps * n_syn + 100.0 * params.n_freqs * (
                params.n_trains * params.pairs_per_train + params.gb_n_pairs),
            drivers=("sim_step_ms", "n_synapses", "gb_n_pairs", "gb_tau_ca_ms"),
            detail=f"{steps:.3g} Euler steps of {n_syn} synapses")

    def run(self, params: FrequencySTDPParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        # Closed forms and a small event / Euler simulation: NumPy (backend unused).
        trip = TripletSTDP().replace(a3_plus=params.triplet_a3_plus)
        gb = GraupnerBrunel.preset(_GB_SET).replace(tau_ca_ms=params.gb_tau_ca_ms)
        dts = np.array([params.dt_ms, -params.dt_ms])
        freqs = np.geomspace(params.f_min_hz, params.f_max_hz, params.n_freqs)
        fd = np.asarray(DATA_FREQ_HZ)
        per = params.pairs_per_train
        n_lit = params.n_trains * per
        fine = _curves(trip, gb, params, dts, freqs)
        at = _curves(trip, gb, params, dts, fd)
        # Event-driven check of the literal protocol: trains 10 s apart (onset of one to
        # onset of the next; at 0.1 Hz a train of 5 lasts 40 s, so 10 s after its end; a
        # train that lasts 9 s or more is followed by 1 s without pairs).
        events = np.stack([pairing_protocol_simulated(
            trip, dts, f, n_pairs=n_lit, pairs_per_burst=per,
            burst_interval_ms=max(10_000.0, per * 1000.0 / f + 10_000.0 * (f < 1.0),
                                  per * 1000.0 / f + 1000.0))
            for f in fd], axis=1)
        events_c = np.stack([pairing_protocol_simulated(trip, dts, f,
                                                        n_pairs=params.triplet_n_pairs)
                             for f in fd], axis=1)
        progress(1, 2)
        sim = _simulate_gb(gb, params, dts, fd, seed)
        progress(2, 2)

        mean, sem = _data()
        one = {"units": "1"}
        dims = ("timing", "freq")
        dd = ("timing", "f_data")
        lit = f"{params.n_trains} x {per} pairs (Sjöström protocol)"
        return xr.Dataset(
            {
                "triplet_dw": (dims, fine["trip"], {**one, "long_name":
                               f"triplet dw/w, {lit}"}),
                "triplet_dw_continuous": (dims, fine["trip_c"], {**one, "long_name":
                                          f"triplet dw/w, {params.triplet_n_pairs} "
                                          "pairs at f (Pfister & Gerstner's protocol)"}),
                "gb_dw": (dims, fine["gb"], {**one, "long_name":
                          f"calcium rule dw/w, {lit}"}),
                "gb_dw_continuous": (dims, fine["gb_c"], {**one, "long_name":
                                     f"calcium rule dw/w, {params.gb_n_pairs} pairs at f "
                                     "(Graupner & Brunel's protocol)"}),
                "data_dw": (dd, mean, {**one, "long_name": "Sjöström et al. 2001, mean"}),
                "data_sem": (dd, sem, {**one, "long_name": "Sjöström et al. 2001, SEM"}),
                "triplet_dw_at_data": (dd, at["trip"], one),
                "triplet_dw_continuous_at_data": (dd, at["trip_c"], one),
                "triplet_dw_events": (dd, events, {**one, "long_name":
                                      "triplet dw/w, event-driven rule, literal protocol"}),
                "triplet_dw_continuous_events": (dd, events_c, one),
                "gb_dw_at_data": (dd, at["gb"], one),
                "gb_dw_continuous_at_data": (dd, at["gb_c"], one),
                "gb_p_up_sim": (dd, sim["p_up"], one),
                "gb_p_down_sim": (dd, sim["p_dn"], one),
                "gb_p_up_expected": (dd, sim["e_up"], one),
                "gb_p_down_expected": (dd, sim["e_dn"], one),
                "gb_dw_sim": (dd, strength_change(gb, sim["p_up"], sim["p_dn"]) - 1.0,
                              {**one, "long_name": "calcium rule dw/w, simulation, "
                               f"{params.gb_n_pairs} pairs at f"}),
                "gb_dw_expected": (dd, sim["e_change"] - 1.0, one),
            },
            coords={
                "timing": ("timing", dts, {"units": "ms",
                                           "long_name": "dt = t_post - t_pre"}),
                "freq": ("freq", freqs, {"units": "Hz"}),
                "f_data": ("f_data", fd, {"units": "Hz"}),
            },
            attrs={"n_synapses": params.n_synapses,
                   "triplet_n_pairs": params.triplet_n_pairs,
                   "gb_n_pairs": params.gb_n_pairs, "n_trains": params.n_trains,
                   "pairs_per_train": per, "gb_set": _GB_SET, "gb_beta": gb.beta,
                   "gb_b": gb.b},
        )

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        fd = ds.f_data.values
        mean, sem = ds.data_dw.values, ds.data_sem.values
        out: dict[str, float] = {}
        for suffix in ("", "_continuous"):
            for i in range(2):
                for j, f in enumerate(fd):
                    out[f"triplet{suffix}_{_key(i, f)}"] = float(
                        ds[f"triplet_dw{suffix}_at_data"].values[i, j])
        out["triplet_closed_vs_events_max_abs"] = float(max(
            np.max(np.abs(ds.triplet_dw_at_data.values - ds.triplet_dw_events.values)),
            np.max(np.abs(ds.triplet_dw_continuous_at_data.values
                          - ds.triplet_dw_continuous_events.values))))
        for model in ("triplet", "gb"):
            for suffix in ("", "_continuous"):
                z = (ds[f"{model}_dw{suffix}_at_data"].values - mean) / sem
                out[f"{model}{suffix}_chi2_per_point"] = float(np.mean(z ** 2))
                out[f"{model}{suffix}_chi2_p"] = chi2_p(z)
                out[f"{model}{suffix}_max_abs_z"] = float(np.max(np.abs(z)))
        freqs = ds.freq.values
        gb = ds.gb_dw.values
        low, high = freqs <= LTD_UP_TO_HZ + 1e-9, freqs >= LTP_FROM_HZ - 1e-9
        out["gb_post_pre_max_dw_up_to_20hz"] = float(gb[1, low].max())
        out["gb_min_dw_from_40hz"] = float(gb[:, high].min())
        out["gb_crossover_hz_post_pre"] = level_crossing(freqs, gb[1], last=True, log_x=True)
        out["triplet_continuous_crossover_hz_post_pre"] = level_crossing(
            freqs, ds.triplet_dw_continuous.values[1], last=True, log_x=True)
        n = int(ds.attrs["n_synapses"])
        short = fd >= _SIM_CHECK_MIN_HZ  # protocol short against tau (see targets)
        z = []
        for sim, exp in (("gb_p_up_sim", "gb_p_up_expected"),
                         ("gb_p_down_sim", "gb_p_down_expected")):
            p = ds[exp].values[:, short]
            var = np.maximum(p * (1 - p), 1.0 / n) / n
            z.append(((ds[sim].values[:, short] - p) / np.sqrt(var)).ravel())
        out["gb_sim_chi2_per_point"] = float(np.mean(np.concatenate(z) ** 2))
        gap = ds.gb_dw_sim.values - ds.gb_dw_expected.values
        for i in range(2):
            out[f"gb_sim_minus_theory_{_key(i, fd[0])}"] = float(gap[i, 0])
        return out

    def targets(self, params: FrequencySTDPParams) -> tuple[Target, ...]:
        return _data_targets(params) + _consistency_targets(params)


def _data_targets(params: FrequencySTDPParams) -> tuple[Target, ...]:
    """The comparisons with Sjöström et al. 2001 (kind ``published``)."""
    lit = (f"Sjöström's literal protocol, {params.n_trains} trains of "
           f"{params.pairs_per_train} pairs at f")
    q = float(chi2_dist.isf(P_MIN, 10)) / 10
    chi2_reason = (f"chi-square of the 10 points, 10 degrees of freedom (closed-form model "
                   f"values, parameters taken from the paper, not fitted here): p >= "
                   f"{P_MIN:g}, i.e. mean z^2 <= {q:.2f}. The parameters were fitted by "
                   "the paper to these data, so p is optimistic; it still fails a "
                   "model that misses the points by ~1.4 SEM on average")
    grid = (params.f_min_hz, params.f_max_hz)
    bracket = ("the data only bracket the sign change: -0.34 +- 0.10 at 20 Hz, "
               "+0.56 +- 0.32 at 40 Hz")
    gb_src = GB_SET_SOURCES[_GB_SET]
    return (
        Target("triplet_chi2_p", P_MIN, 0.0, compare="at_least", kind="published",
               source=f"{_DATA_SRC}; model: {_PG}, {lit}",
               reason=chi2_reason,
               description="p-value of the chi-square of the triplet model against the "
                           "10 data points, Sjöström's 15 x 5 protocol",
               deviation=(
                   "Pfister & Gerstner fitted the triplet parameters under 60 continuous "
                   "pairs at f; under Sjöström's 15 trains of 5 pairs the triplet traces "
                   "(tau_y 125 ms, tau_x 101 ms) build over 5 pairs only and the LTP at "
                   "40-50 Hz is lost: dw/w +0.02 / -0.32 at 40 Hz against the data's "
                   "+0.53 +- 0.11 / +0.56 +- 0.32; chi^2 = 63.5 over 10 points, p = 8e-10 "
                   "(tests/test_triplet.py::test_sjostrom_literal_protocol_numbers; "
                   "closed form and event-driven rule agree). Under the continuous "
                   "protocol the fit holds (triplet_continuous_chi2_p)")),
        Target("triplet_continuous_chi2_p", P_MIN, 0.0, compare="at_least",
               kind="published",
               source=f"{_DATA_SRC}; model: {_PG}, {params.triplet_n_pairs} pairs at f "
                      "without breaks (the protocol of the paper's fit, not Sjöström's)",
               reason=chi2_reason + ". Per point: the largest miss is 1.27 SEM "
                                    "(-10 ms, 40 Hz: +0.15 against +0.56 +- 0.32)",
               description="p-value of the chi-square of the triplet model, "
                           f"{params.triplet_n_pairs} continuous pairs (the fit's "
                           "protocol)"),
        Target("triplet_continuous_crossover_hz_post_pre", 30.0, 10.0, compare="abs",
               kind="published", grid=grid,
               source=_DATA_SRC + f"; triplet model, {params.triplet_n_pairs} continuous "
                                  "pairs",
               reason=bracket,
               description="frequency where the triplet dw/w at dt = -10 ms turns "
                           f"positive, {params.triplet_n_pairs} continuous pairs"),
        Target("gb_chi2_p", P_MIN, 0.0, compare="at_least", kind="published",
               source=f"{_DATA_SRC}; model: {gb_src}, {lit}",
               reason=chi2_reason + "; Graupner & Brunel show their fit (Fig. 4) without "
                                    "a goodness of fit",
               description="p-value of the chi-square of the calcium rule against the "
                           "10 data points, Sjöström's 15 x 5 protocol"),
        Target("gb_post_pre_max_dw_up_to_20hz", 0.0, 0.0, compare="at_most",
               kind="published",
               source=_DATA_SRC + ": LTD for dt = -10 ms at 0.1, 10, 20 Hz (-0.29, -0.41, "
                                  "-0.34, each > 2.9 SEM below 0)",
               reason="a sign the data establish beyond their SEM; no tolerance",
               description="largest calcium-rule dw/w at dt = -10 ms for f <= "
                           f"{LTD_UP_TO_HZ:g} Hz, literal protocol"),
        Target("gb_min_dw_from_40hz", 0.0, 0.0, compare="at_least", kind="published",
               source=_DATA_SRC + ": LTP for both timings at 40 and 50 Hz (each >= 1.75 "
                                  "SEM above 0)",
               reason="a sign the data establish beyond their SEM; no tolerance",
               description="smallest calcium-rule dw/w, both timings, "
                           f"f >= {LTP_FROM_HZ:g} Hz, literal protocol"),
        Target("gb_crossover_hz_post_pre", 30.0, 10.0, compare="abs", kind="published",
               grid=grid, source=_DATA_SRC + "; calcium rule, literal protocol",
               reason=bracket,
               description="frequency where the calcium-rule dw/w at dt = -10 ms turns "
                           "positive, literal protocol"),
    )


def _consistency_targets(params: FrequencySTDPParams) -> tuple[Target, ...]:
    """The implementations against their own closed forms (kind ``consistency``)."""
    k = 4 * sum(f >= _SIM_CHECK_MIN_HZ for f in DATA_FREQ_HZ)
    sd = float(np.sqrt(2.0 / k))
    return (
        Target("triplet_closed_vs_events_max_abs", 0.0, 1e-12, compare="at_most",
               kind="consistency",
               source="closed form of the pairing protocol (geometric trace sums, "
                      "engramlab.plasticity.triplet)",
               reason="both are exact; only rounding (~1e-16 per update, <= 150 "
                      "updates of <= 1e-2) remains",
               description="max |closed form - event-driven rule| over the 10 "
                           "protocol points, both protocols"),
        Target("gb_sim_chi2_per_point", 1.0, 1.0, compare="at_most", kind="consistency",
               source="OU theory of the pair protocol with overlapping calcium "
                      "(Graupner & Brunel 2012, Methods; exact time above threshold), "
                      "as implemented in engramlab.plasticity.calcium",
               reason=f"mean squared binomial z-score of the simulated U and D ({k} "
                      f"values, n = {params.n_synapses} each) is 1 +- {sd:.2f} if "
                      "the theory is right; up to 2 allowed for the neglected cubic "
                      "drift, the rates switching within a period (the OU process "
                      "averages them) and the Euler grid. Seed to seed (quick preset, "
                      "seeds 0-19): 0.33-1.59, mean 0.88, sd 0.36 (the expected "
                      "sqrt(2 / 16) = 0.35), so 2 is 3.1 sd above the mean (a "
                      "chi-square on 16 values exceeds it on ~1 % of seeds). 0.1 Hz is left "
                      "out: there the 75 pairs last 750 s > tau = 346 s and the cubic "
                      "drift the theory neglects matters (see "
                      "gb_sim_minus_theory_post_pre_0.1hz)",
               description=f"mean z^2 of simulated vs analytic transition "
                           f"probabilities, calcium rule, {params.gb_n_pairs} continuous "
                           "pairs, 10-50 Hz x 2 timings"),
    )
