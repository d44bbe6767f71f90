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
    doi:10.1523/JNEUROSCI.1425-06.2006), all-to-all visual-cortex fit of their Table 2,
    with their protocol: 60 pairs at frequency f. The change is the closed form of
    :func:`engramlab.plasticity.triplet.pairing_protocol_theory` (checked here against
    the event-driven rule to rounding). Weights are in units of the initial weight and
    updates are additive, so the summed update *is* dw/w (as in the paper's fit).
    Target: each of the 10 data points within 1.5 SEM.
    (2) The calcium rule of Graupner & Brunel (2012, PNAS 109:3991,
    doi:10.1073/pnas.1109359109), their "cortical slices" parameter set (fitted by them
    to these data), with their method: 75 pairs at f, fractions of time above threshold
    from the stationary periodic calcium trace, dw/w = w_after / w_before - 1. The paper
    shows its fit against the data but gives no goodness of fit, so the targets are a
    chi^2 per point <= 1 against the data and the qualitative shape (LTD for -10 ms up to
    20 Hz, LTP for both timings at >= 40 Hz, crossover between 20 and 40 Hz). A
    stochastic Euler-Maruyama simulation of the same protocol must agree with the
    analytic transition probabilities (binomial z-scores).
    What differs: Sjöström et al. paired in 15 trains of 5 pairs (75 pairs, trains
    10 s apart). Pfister & Gerstner modelled 60 pairs at f without breaks (the task
    brief says so for their Fig. 6; their full text was not available to the search
    tools here) and Graupner & Brunel 75 pairs at f without breaks. Both models are
    also evaluated with the literal 15 x 5 protocol (no targets; ``*_bursts`` variables
    and metrics, dotted in the figure): the calcium model changes little, but the
    triplet model loses most of its high-frequency LTP (traces built over 5 pairs
    only), about 4-5 SEM below the data at 40-50 Hz -- its parameters were fitted
    under the continuous protocol. With 75 continuous pairs the triplet model
    overshoots at 40-50 Hz (about 1.5 SEM). The calcium-rule theory neglects the
    bistable (cubic) drift of rho; at 0.1 Hz the 75 pairs last 750 s, longer than
    tau = 346 s, and the full stochastic model (drift included) depresses less than
    the theory at dt = -10 ms (about -0.20 vs -0.31 at n = 1000: drift pulls synapses
    back to UP between pairs), so the simulation check uses 10-50 Hz only and the
    0.1 Hz gap is reported as a metric. Data are the group means quoted above (as
    fitted by Pfister & Gerstner 2006); no new digitisation.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import xarray as xr

from engramlab.analysis.curves import level_crossing
from engramlab.core import Params, Target, cite, make_rng, param
from engramlab.experiments._registry import register
from engramlab.experiments.base import Experiment, ProgressFn, no_progress
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
_CHOSEN = "chosen: resolution / statistics of this reproduction"
#: The stochastic check uses the data frequencies from here on: 75 pairs last <= 7.5 s,
#: short against tau = 346 s, so the cubic drift the theory neglects stays small.
_SIM_CHECK_MIN_HZ = 10.0
#: The calcium rule must depress at dt = -10 ms up to this frequency (the data: LTD at
#: 0.1-20 Hz) and potentiate both timings from LTP_FROM_HZ on (the data: LTP at 40-50 Hz).
LTD_UP_TO_HZ = 20.0
LTP_FROM_HZ = 40.0


class FrequencySTDPParams(Params):
    """Parameters of ``plasticity.frequency-stdp`` (rule parameters: the published fits)."""

    dt_ms: float = param(
        10.0, unit="ms", gt=0.0, le=40.0,
        doc="|dt| of the pairs: dt = +dt_ms (pre before post) and -dt_ms.",
        source="Sjöström et al. 2001 (+-10 ms)",
    )
    f_min_hz: float = param(
        0.1, unit="Hz", gt=0.0, le=1.0, doc="Lowest frequency of the curves.",
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
    triplet_n_pairs: int = param(
        60, unit="1", ge=1, le=1000,
        doc="Pairs of the triplet model's protocol, at f without breaks.",
        source="Pfister & Gerstner 2006 (60 pairs, fit to Sjöström et al. 2001)",
    )
    gb_n_pairs: int = param(
        75, unit="1", ge=1, le=1000,
        doc="Pairs of the calcium model's protocol, at f without breaks.",
        source="Graupner & Brunel 2012, Fig. 4 (75 pairs)",
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
    n_synapses: int = param(
        1000, unit="1", ge=10, le=100_000,
        doc="Simulated synapses per initial state (DOWN, UP), timing and frequency.",
        source="chosen: binomial error of U and D about 0.015",
    )
    sim_step_ms: float = param(
        0.1, unit="ms", gt=0.0, le=1.0,
        doc="Euler-Maruyama step of the stochastic calcium-rule simulation.",
        source="chosen: small against the ~20 ms that calcium stays above threshold",
    )


def _data() -> tuple[np.ndarray, np.ndarray]:
    mean = np.array([[m for m, _ in DATA_PRE_POST], [m for m, _ in DATA_POST_PRE]])
    sem = np.array([[s for _, s in DATA_PRE_POST], [s for _, s in DATA_POST_PRE]])
    return mean, sem


def _key(timing: int, f: float) -> str:
    return f"{'pre_post' if timing == 0 else 'post_pre'}_{f:g}hz"


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

    def run(self, params: FrequencySTDPParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        # Closed forms and a small event / Euler simulation: NumPy (backend unused).
        trip = TripletSTDP()
        gb = GraupnerBrunel.preset(_GB_SET)
        dts = np.array([params.dt_ms, -params.dt_ms])
        freqs = np.geomspace(params.f_min_hz, params.f_max_hz, params.n_freqs)
        fd = np.asarray(DATA_FREQ_HZ)
        n_lit = params.n_trains * params.pairs_per_train
        per = params.pairs_per_train

        def curves(fs: np.ndarray) -> dict[str, np.ndarray]:
            out = {k: np.empty((2, fs.size)) for k in
                   ("trip", "trip_b", "gb", "gb_b")}
            for j, f in enumerate(fs):
                out["trip"][:, j] = pairing_protocol_theory(
                    trip, dts, f, n_pairs=params.triplet_n_pairs)
                out["trip_b"][:, j] = pairing_protocol_theory(
                    trip, dts, f, n_pairs=n_lit, pairs_per_burst=per)
                out["gb"][:, j] = pair_protocol_theory(
                    gb, dts, n_pairs=params.gb_n_pairs, freq_hz=f,
                    calcium="periodic").change - 1.0
                out["gb_b"][:, j] = pair_protocol_theory(
                    gb, dts, n_pairs=n_lit, freq_hz=f, pairs_per_burst=per,
                    calcium="exact").change - 1.0
            return out

        fine = curves(freqs)
        at = curves(fd)
        events = np.stack([pairing_protocol_simulated(trip, dts, f,
                                                      n_pairs=params.triplet_n_pairs)
                           for f in fd], axis=1)
        progress(1, 2)

        # Stochastic check of the calcium rule: the paper's protocol (75 pairs at f),
        # against the exact-calcium theory of the same protocol.
        n = params.n_synapses
        rho0 = np.concatenate([np.zeros(n), np.ones(n)])
        p_up = np.empty((2, fd.size))
        p_dn = np.empty((2, fd.size))
        e_up = np.empty((2, fd.size))
        e_dn = np.empty((2, fd.size))
        e_change = np.empty((2, fd.size))
        for j, f in enumerate(fd):
            rho = simulate_pair_train(gb, dts, rho0, make_rng(seed, j),
                                      n_pairs=params.gb_n_pairs, freq_hz=float(f),
                                      step_ms=params.sim_step_ms, quiet_step_ms=500.0)
            p_up[:, j] = (rho[:, :n] > gb.rho_star).mean(axis=1)
            p_dn[:, j] = (rho[:, n:] < gb.rho_star).mean(axis=1)
            th = pair_protocol_theory(gb, dts, n_pairs=params.gb_n_pairs, freq_hz=float(f),
                                      calcium="exact")
            e_up[:, j], e_dn[:, j], e_change[:, j] = th.p_up, th.p_down, th.change
        progress(2, 2)

        mean, sem = _data()
        one = {"units": "1"}
        dims = ("timing", "freq")
        dd = ("timing", "f_data")
        return xr.Dataset(
            {
                "triplet_dw": (dims, fine["trip"], {**one, "long_name":
                               f"triplet dw/w, {params.triplet_n_pairs} pairs at f"}),
                "triplet_dw_bursts": (dims, fine["trip_b"], {**one, "long_name":
                                      f"triplet dw/w, {params.n_trains} x {per} pairs"}),
                "gb_dw": (dims, fine["gb"], {**one, "long_name":
                          f"calcium rule dw/w, {params.gb_n_pairs} pairs at f"}),
                "gb_dw_bursts": (dims, fine["gb_b"], {**one, "long_name":
                                 f"calcium rule dw/w, {params.n_trains} x {per} pairs"}),
                "data_dw": (dd, mean, {**one, "long_name": "Sjöström et al. 2001, mean"}),
                "data_sem": (dd, sem, {**one, "long_name": "Sjöström et al. 2001, SEM"}),
                "triplet_dw_at_data": (dd, at["trip"], one),
                "triplet_dw_events": (dd, events, {**one, "long_name":
                                      "triplet dw/w, event-driven rule"}),
                "triplet_dw_bursts_at_data": (dd, at["trip_b"], one),
                "gb_dw_at_data": (dd, at["gb"], one),
                "gb_dw_bursts_at_data": (dd, at["gb_b"], one),
                "gb_p_up_sim": (dd, p_up, one),
                "gb_p_down_sim": (dd, p_dn, one),
                "gb_p_up_expected": (dd, e_up, one),
                "gb_p_down_expected": (dd, e_dn, one),
                "gb_dw_sim": (dd, strength_change(gb, p_up, p_dn) - 1.0,
                              {**one, "long_name": "calcium rule dw/w, simulation"}),
                "gb_dw_expected": (dd, e_change - 1.0, one),
            },
            coords={
                "timing": ("timing", dts, {"units": "ms",
                                           "long_name": "dt = t_post - t_pre"}),
                "freq": ("freq", freqs, {"units": "Hz"}),
                "f_data": ("f_data", fd, {"units": "Hz"}),
            },
            attrs={"n_synapses": n, "triplet_n_pairs": params.triplet_n_pairs,
                   "gb_n_pairs": params.gb_n_pairs, "n_trains": params.n_trains,
                   "pairs_per_train": per, "gb_set": _GB_SET, "gb_beta": gb.beta,
                   "gb_b": gb.b},
        )

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        fd = ds.f_data.values
        out: dict[str, float] = {}
        for i in range(2):
            for j, f in enumerate(fd):
                out[f"triplet_{_key(i, f)}"] = float(ds.triplet_dw_at_data.values[i, j])
        out["triplet_closed_vs_events_max_abs"] = float(np.max(np.abs(
            ds.triplet_dw_at_data.values - ds.triplet_dw_events.values)))
        mean, sem = ds.data_dw.values, ds.data_sem.values
        for name, var in (("triplet", "triplet_dw_at_data"),
                          ("triplet_bursts", "triplet_dw_bursts_at_data"),
                          ("gb", "gb_dw_at_data"), ("gb_bursts", "gb_dw_bursts_at_data")):
            z = (ds[var].values - mean) / sem
            out[f"{name}_chi2_per_point"] = float(np.mean(z ** 2))
            out[f"{name}_max_abs_z"] = float(np.max(np.abs(z)))
        freqs = ds.freq.values
        gb = ds.gb_dw.values
        low, high = freqs <= LTD_UP_TO_HZ + 1e-9, freqs >= LTP_FROM_HZ - 1e-9
        out["gb_post_pre_max_dw_up_to_20hz"] = float(gb[1, low].max())
        out["gb_min_dw_from_40hz"] = float(gb[:, high].min())
        out["gb_crossover_hz_post_pre"] = level_crossing(freqs, gb[1], last=True, log_x=True)
        out["triplet_crossover_hz_post_pre"] = level_crossing(
            freqs, ds.triplet_dw.values[1], last=True, log_x=True)
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
        mean, sem = _data()
        tr_src = (f"Pfister & Gerstner 2006 triplet model (all-to-all, Table 2), "
                  f"{params.triplet_n_pairs} pairs at f")
        out = []
        for i, timing in enumerate((f"+{params.dt_ms:g}", f"-{params.dt_ms:g}")):
            for j, f in enumerate(DATA_FREQ_HZ):
                out.append(Target(
                    f"triplet_{_key(i, f)}", float(mean[i, j]), 1.5 * float(sem[i, j]),
                    compare="abs", source=f"{_DATA_SRC}: {f:g} Hz, dt = {timing} ms",
                    reason=f"1.5 SEM of the data ({sem[i, j]:g}); the model value is a "
                           f"closed form (no sampling error). Model: {tr_src}",
                    description=f"triplet dw/w at {f:g} Hz, dt = {timing} ms"))
        k = 4 * sum(f >= _SIM_CHECK_MIN_HZ for f in DATA_FREQ_HZ)
        sd = float(np.sqrt(2.0 / k))
        gb_src = GB_SET_SOURCES[_GB_SET]
        out += [
            Target("triplet_closed_vs_events_max_abs", 0.0, 1e-12, compare="at_most",
                   source="closed form of the pairing protocol (geometric trace sums, "
                          "engramlab.plasticity.triplet)",
                   reason="both are exact; only rounding (~1e-16 per update, 120 "
                          "updates of <= 1e-2) remains",
                   description="max |closed form - event-driven rule| over the 10 "
                               "protocol points"),
            Target("triplet_crossover_hz_post_pre", 30.0, 10.0, compare="abs",
                   source=_DATA_SRC + ": dt = -10 ms depresses at 20 Hz (-0.34) and "
                          "potentiates at 40 Hz (+0.56)",
                   reason="the data only bracket the sign change: between 20 and 40 Hz",
                   description="frequency where the triplet dw/w at dt = -10 ms turns "
                               "positive"),
            Target("gb_chi2_per_point", 1.0, 0.0, compare="at_most",
                   source=f"{gb_src} vs {_DATA_SRC}",
                   reason="a model consistent with the data within their SEMs has mean "
                          "z^2 about 1 (less after fitting); the paper shows the fit in "
                          "its Fig. 4 without a goodness of fit, so this is the honest "
                          "pass mark",
                   description="mean squared (model - data) / SEM over the 10 points, "
                               "calcium rule"),
            Target("gb_post_pre_max_dw_up_to_20hz", 0.0, 0.0, compare="at_most",
                   source=_DATA_SRC + ": LTD for dt = -10 ms at 0.1, 10, 20 Hz; "
                          "Graupner & Brunel 2012 Fig. 4",
                   reason="a sign, no tolerance",
                   description="largest calcium-rule dw/w at dt = -10 ms for f <= "
                               f"{LTD_UP_TO_HZ:g} Hz"),
            Target("gb_min_dw_from_40hz", 0.0, 0.0, compare="at_least",
                   source=_DATA_SRC + ": LTP for both timings at 40 and 50 Hz; "
                          "Graupner & Brunel 2012 Fig. 4",
                   reason="a sign, no tolerance",
                   description="smallest calcium-rule dw/w, both timings, "
                               f"f >= {LTP_FROM_HZ:g} Hz"),
            Target("gb_crossover_hz_post_pre", 30.0, 10.0, compare="abs",
                   source=_DATA_SRC + ": sign change of dt = -10 ms between 20 and 40 Hz",
                   reason="the data only bracket the sign change: between 20 and 40 Hz",
                   description="frequency where the calcium-rule dw/w at dt = -10 ms "
                               "turns positive"),
            Target("gb_sim_chi2_per_point", 1.0, 1.0, compare="at_most",
                   source="OU theory of the pair protocol with overlapping calcium "
                          "(Graupner & Brunel 2012, Methods; exact time above threshold)",
                   reason=f"mean squared binomial z-score of the simulated U and D ({k} "
                          f"values, n = {params.n_synapses} each) is 1 +- {sd:.2f} if "
                          "the theory is right; up to 2 allowed for the neglected cubic "
                          "drift, the rates switching within a period (the OU process "
                          "averages them) and the Euler grid (seen: 1.2 at n = 1000). "
                          "0.1 Hz is left out: there the 75 pairs last 750 s > tau = "
                          "346 s and the cubic drift the theory neglects matters (see "
                          "gb_sim_minus_theory_post_pre_0.1hz)",
                   description="mean z^2 of simulated vs analytic transition "
                               "probabilities, calcium rule, 10-50 Hz x 2 timings"),
        ]
        return tuple(out)
