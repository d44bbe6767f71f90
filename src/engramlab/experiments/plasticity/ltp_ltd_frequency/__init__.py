"""LTD at low, LTP at high stimulation frequency: the calcium-control model.

``plasticity.ltp-ltd-frequency``
    Reproduces: the frequency dependence of NMDA-receptor-dependent plasticity in CA1
    (Dudek & Bear 1992, PNAS 89:4363, doi:10.1073/pnas.89.10.4363: 900 pulses at
    0.5-50 Hz give LTD at 1-3 Hz, no change near 10 Hz, LTP at 50 Hz; all blocked by
    AP5) with the unified model of Shouval, Bear & Cooper (2002, PNAS 99:10831,
    doi:10.1073/pnas.152343099; Fig. 3B), and the pairing protocol of the same paper
    (Fig. 3A: presynaptic pulses while the postsynaptic membrane is clamped: no change
    below about -62.5 mV, LTD between -62.5 and -52.5 mV, LTP above about -50 mV).
    900 pulses at each frequency of a log grid from 0.5 to 100 Hz plus the Dudek &
    Bear frequencies; the final weight W / W_0 one second after the train. The same
    trains with AP5 (block 1) during the stimulation give no change at all.
    What differs: a population of synapses whose NMDA conductance varies (gamma
    distribution, coefficient of variation ``nmda_cv``, chosen; the field EPSP of
    Dudek & Bear averages many synapses) is simulated besides the paper's single
    synapse (``typical``, scale 1) and drawn, but no check uses it: its mean is pulled
    towards LTP by the synapses with more NMDA receptors (LTP is bounded at W/W_0 = 4,
    LTD at 0), so with 6 synapses (quick preset) its change at 1-3 Hz is positive on 5
    of seeds 0-19. Every check is on the paper's synapse, which does not depend on the
    seed. The model's changes are those of one synapse driven to the bounds of Omega,
    much larger than the +-20 % of field EPSPs, so only signs, the crossover frequency
    and the pairing thresholds are compared. Dudek & Bear's Fig. 2 means are not
    digitised here. The pairing protocol's pulse number and rate (100 at 1 Hz) are
    chosen. Not reproduced (a declared deviation): with the paper's parameters the
    crossover sits at 5.2 Hz, not near 10 Hz, so 10 Hz gives strong LTP where Dudek &
    Bear saw no change; raising the LTP threshold alpha_2 to 0.8 uM moves it to 9.8 Hz
    but moves the pairing LTP onset off the paper's Fig. 3A (-42 instead of -50 mV).
"""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np
import xarray as xr

from engramlab.analysis.curves import level_crossing
from engramlab.core import Params, Target, cite, make_rng, param
from engramlab.experiments._registry import register
from engramlab.experiments.base import Experiment, Mutation, ProgressFn, Resources, no_progress
from engramlab.interventions.drugs import ap5, availability
from engramlab.plasticity.calcium_control import (
    CalciumControl,
    evolve_affine,
    pulse_protocol,
    pulse_protocol_steps,
    weight_rates,
)

#: Stimulation frequencies of Dudek & Bear 1992 (Fig. 2), plus 100 Hz.
DB_FREQS_HZ = (0.5, 1.0, 3.0, 5.0, 10.0, 50.0, 100.0)
#: Where the metrics read the targets: LTD at these frequencies, no change at
#: NO_CHANGE_HZ, LTP from LTP_MIN_HZ on (Dudek & Bear 1992); no change of the pairing
#: protocol at clamps up to REST_MAX_MV (Shouval et al. 2002 Fig. 3A).
LTD_FREQS_HZ = (1.0, 3.0)
NO_CHANGE_HZ = 10.0
LTP_MIN_HZ = 20.0
REST_MAX_MV = -70.0
#: Half the log distance from 10 Hz (no change) to 3 Hz (LTD) of Dudek & Bear 1992.
CROSSOVER_TOL_DECADES = 0.5 * math.log10(10.0 / 3.0)
_CHOSEN = "chosen: resolution / cost of this reproduction"
_CC = CalciumControl.model_fields
_SBC_M = "Shouval, Bear & Cooper 2002, Methods (CalciumControl default)"


class FrequencyParams(Params):
    """Parameters of ``plasticity.ltp-ltd-frequency`` (model: CalciumControl defaults)."""

    n_freqs: int = param(25, unit="1", ge=3, le=200,
                         doc="Points of the log frequency grid (besides Dudek & Bear's).",
                         source=_CHOSEN)
    f_min_hz: float = param(0.5, unit="Hz", ge=0.1, le=10.0,
                            doc="Lowest frequency of the grid (>= 0.1 Hz).",
                            source="Dudek & Bear 1992 (0.5 Hz)")
    f_max_hz: float = param(100.0, unit="Hz", ge=20.0, le=500.0,
                            doc="Highest frequency of the grid.",
                            source="chosen: above Dudek & Bear's 50 Hz")
    n_pulses: int = param(900, unit="1", ge=10, le=10_000,
                          doc="Pulses per train.", source="Dudek & Bear 1992 (900 pulses)")
    n_synapses: int = param(20, unit="1", ge=2, le=2000,
                            doc="Synapses of the population (field EPSP average).",
                            source=_CHOSEN)
    nmda_cv: float = param(0.25, unit="1", ge=0.0, le=2.0,
                           doc="Coefficient of variation of the synapses' NMDA conductance "
                               "(gamma distribution, mean 1).",
                           source="chosen: synapses differ in NMDA-receptor number "
                                  "(stochastic variant: Shouval & Kalantzis 2005)")
    step_ms: float = param(0.1, unit="ms", ge=1e-3, le=1.0,
                           doc="Largest integration step (>= 1e-3 ms).",
                           source="chosen: W/W0 changes by ~2e-5 from 0.1 to 0.025 ms")
    explicit_s: float = param(8.0, unit="s", ge=1.0, le=100.0,
                              doc="Stretch simulated before the periodic state is used.",
                              source="chosen: leaves exp(-explicit / 200 ms) of the "
                                     "transient")
    tail_ms: float = param(1000.0, unit="ms", ge=0.0, le=10_000.0,
                           doc="Time after the train at which W is read.",
                           source="chosen: calcium back near rest")
    v_clamp_min_mv: float = param(-100.0, unit="mV", ge=-150.0, le=-60.0,
                                  doc="Lowest clamp potential of the pairing protocol.",
                                  source="Shouval et al. 2002 Fig. 3A (range)")
    v_clamp_max_mv: float = param(0.0, unit="mV", ge=-40.0, le=40.0,
                                  doc="Highest clamp potential of the pairing protocol.",
                                  source="Shouval et al. 2002 Fig. 3A (range)")
    v_clamp_step_mv: float = param(1.0, unit="mV", ge=0.01, le=10.0,
                                   doc="Grid step of the clamp potentials (>= 0.01 mV).",
                                   source=_CHOSEN + "; thresholds are read to this step")
    pairing_pulses: int = param(100, unit="1", ge=1, le=10_000,
                                doc="Presynaptic pulses of the pairing protocol.",
                                source="chosen: a typical pairing protocol")
    pairing_freq_hz: float = param(1.0, unit="Hz", ge=0.1, le=10.0,
                                   doc="Pulse rate of the pairing protocol (>= 0.1 Hz).",
                                   source="chosen: a typical pairing protocol")
    alpha1_um: float = param(_CC["alpha1_um"].default, unit="uM", gt=0.0, le=100.0,
                             doc="Depression threshold alpha_1 (theta_d) of Omega.",
                             source=_SBC_M)
    alpha2_um: float = param(_CC["alpha2_um"].default, unit="uM", gt=0.0, le=100.0,
                             doc="Potentiation threshold alpha_2 (theta_p) of Omega.",
                             source=_SBC_M)
    tau_ca_ms: float = param(_CC["tau_ca_ms"].default, unit="ms", ge=1.0, le=10_000.0,
                             doc="Calcium decay time tau_Ca (>= 1 ms).", source=_SBC_M)
    mg_mm: float = param(_CC["mg_mm"].default, unit="mM", ge=0.0, le=100.0,
                         doc="External Mg2+ of the NMDA block B(V).",
                         source="Jahr & Stevens 1990; " + _SBC_M)

    def model(self) -> CalciumControl:
        """The calcium-control model with this experiment's thresholds, tau_Ca and Mg."""
        return CalciumControl(alpha1_um=self.alpha1_um, alpha2_um=self.alpha2_um,
                              tau_ca_ms=self.tau_ca_ms, mg_mm=self.mg_mm)


def _freq_grid(params: FrequencyParams) -> np.ndarray:
    grid = np.geomspace(params.f_min_hz, params.f_max_hz, params.n_freqs)
    extra = [f for f in DB_FREQS_HZ if params.f_min_hz <= f <= params.f_max_hz]
    return np.unique(np.round(np.concatenate([grid, extra]), 10))


@register
class LTPLTDFrequency(Experiment[FrequencyParams]):
    id = "plasticity.ltp-ltd-frequency"
    title = "Calcium control: LTD at low, LTP at high stimulation frequency"
    chapter = 2
    summary = (
        "The same synapse is depressed by 900 pulses at 1-3 Hz and potentiated at 50 Hz, "
        "and AP5 blocks both (Dudek & Bear 1992). The calcium-control model (Shouval, "
        "Bear & Cooper 2002) explains it: NMDA calcium that stays moderate depresses, "
        "calcium that builds up potentiates -- and clamping the membrane potential "
        "selects the sign the same way."
    )
    Params = FrequencyParams
    quick = MappingProxyType({"n_freqs": 10, "n_synapses": 6, "step_ms": 0.25,
                              "explicit_s": 4.0, "v_clamp_step_mv": 2.5,
                              "tail_ms": 500.0})
    citations = (cite("shouval2002"), cite("dudek1992"), cite("jahr1990"))
    mutations = (
        Mutation(name="LTP threshold alpha_2 (theta_p) 0.55 -> 0.45 uM", value=0.45,
                 param="alpha2_um"),
        Mutation(name="calcium decay tau_Ca 50 -> 100 ms", value=100.0, param="tau_ca_ms"),
        Mutation(name="NMDA Mg2+ block removed ([Mg] 1 -> 0 mM)", value=0.0, param="mg_mm"),
    )

    def resources(self, params: FrequencyParams) -> Resources:
        """Grid steps of every train (frequencies, AP5, clamp potentials) for the
        synapses."""
        explicit = params.explicit_s * 1000.0
        freqs = _freq_grid(params)
        n_ap5 = sum(f in DB_FREQS_HZ for f in freqs)
        n_v = math.floor((params.v_clamp_max_mv - params.v_clamp_min_mv)
                         / params.v_clamp_step_mv) + 1
        per_train = [pulse_protocol_steps(float(f), params.n_pulses, step_ms=params.step_ms,
                                          tail_ms=params.tail_ms, explicit_ms=explicit)
                     for f in freqs]
        pairing = pulse_protocol_steps(params.pairing_freq_hz, params.pairing_pulses,
                                       step_ms=params.step_ms, tail_ms=params.tail_ms,
                                       explicit_ms=explicit)
        steps = float(sum(per_train)) + n_ap5 * max(per_train) + n_v * pairing
        n_syn = params.n_synapses + 1
        return Resources(
            memory_bytes=8.0 * (20 + 6 * n_syn) * max(*per_train, pairing),
            steps=steps, work=(20.0 + 10.0 * n_syn) * steps,
            drivers=("step_ms", "explicit_s", "n_synapses", "n_freqs", "v_clamp_step_mv",
                     "tail_ms"),
            detail=f"{steps:.3g} grid steps of {n_syn} synapses over "
                   f"{len(per_train) + n_ap5 + n_v} trains")

    def run(self, params: FrequencyParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        # Deterministic filters on a grid; NumPy throughout (backend unused).
        model = params.model()
        rng = make_rng(seed, 0)
        cv = params.nmda_cv
        if cv > 0:
            scale = rng.gamma(1.0 / cv ** 2, cv ** 2, params.n_synapses)
        else:
            scale = np.ones(params.n_synapses)
        scales = np.concatenate([[1.0], scale])  # index 0: the typical synapse
        w0 = model.w_rest
        freqs = _freq_grid(params)
        ap5_freqs = np.array([f for f in freqs if f in DB_FREQS_HZ])
        volts = np.arange(params.v_clamp_min_mv,
                          params.v_clamp_max_mv + 0.5 * params.v_clamp_step_mv,
                          params.v_clamp_step_mv)
        total = freqs.size + ap5_freqs.size + volts.size
        done = 0

        def rates(ca: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return weight_rates(model, ca)

        def train(freq: float, drugs: tuple = (), v_clamp: float | None = None,
                  n: int | None = None) -> tuple[np.ndarray, float, float]:
            n_p = params.n_pulses if n is None else n
            factor = availability(drugs, "nmda") if drugs else None
            prot = pulse_protocol(model, freq, n_p, v_clamp_mv=v_clamp,
                                  step_ms=params.step_ms, tail_ms=params.tail_ms,
                                  explicit_ms=params.explicit_s * 1000.0,
                                  nmda_factor=factor)
            res = evolve_affine(prot, rates, w0, scales)
            return res.final / w0 - 1.0, prot.peak_ca_um, prot.periodicity_error

        change = np.empty((freqs.size, scales.size))
        peak = np.empty(freqs.size)
        period_err = 0.0
        for i, f in enumerate(freqs):
            change[i], peak[i], err = train(float(f))
            period_err = max(period_err, err)
            done += 1
            progress(done, total)
        change_ap5 = np.empty((ap5_freqs.size, scales.size))
        for i, f in enumerate(ap5_freqs):
            # AP5 from before the first pulse until after the last (Dudek & Bear 1992).
            drug = ap5(-1.0, params.n_pulses / f + 1.0)
            change_ap5[i], _, err = train(float(f), (drug,))
            period_err = max(period_err, err)
            done += 1
            progress(done, total)
        change_v = np.empty((volts.size, scales.size))
        peak_v = np.empty(volts.size)
        for i, v in enumerate(volts):
            change_v[i], peak_v[i], err = train(params.pairing_freq_hz, v_clamp=float(v),
                                                n=params.pairing_pulses)
            period_err = max(period_err, err)
            done += 1
            progress(done, total)

        pct = {"units": "%"}
        return xr.Dataset(
            {
                "change_typical": ("freq", 100 * change[:, 0],
                                   {**pct, "long_name": "W/W0 - 1, typical synapse "
                                    "(NMDA scale 1)"}),
                "change_mean": ("freq", 100 * change[:, 1:].mean(axis=1),
                                {**pct, "long_name": "W/W0 - 1, population mean"}),
                "change_sd": ("freq", 100 * change[:, 1:].std(axis=1),
                              {**pct, "long_name": "W/W0 - 1, population s.d."}),
                "peak_ca": ("freq", peak, {"units": "uM", "long_name": "largest calcium, "
                                           "typical synapse"}),
                "change_ap5_mean": ("freq_ap5", 100 * change_ap5[:, 1:].mean(axis=1),
                                    {**pct, "long_name": "W/W0 - 1 with AP5, mean"}),
                "change_ap5_max_abs": ("freq_ap5", 100 * np.abs(change_ap5).max(axis=1),
                                       {**pct, "long_name": "max |W/W0 - 1| with AP5"}),
                "pairing_typical": ("v_clamp", 100 * change_v[:, 0],
                                    {**pct, "long_name": "W/W0 - 1, typical synapse"}),
                "pairing_mean": ("v_clamp", 100 * change_v[:, 1:].mean(axis=1),
                                 {**pct, "long_name": "W/W0 - 1, population mean"}),
                "pairing_peak_ca": ("v_clamp", peak_v,
                                    {"units": "uM", "long_name": "largest calcium"}),
                "nmda_scale": ("synapse", scale, {"units": "1"}),
            },
            coords={
                "freq": ("freq", freqs, {"units": "Hz"}),
                "freq_ap5": ("freq_ap5", ap5_freqs, {"units": "Hz"}),
                "v_clamp": ("v_clamp", volts, {"units": "mV"}),
                "synapse": ("synapse", np.arange(params.n_synapses)),
            },
            attrs={"n_pulses": params.n_pulses, "pairing_pulses": params.pairing_pulses,
                   "pairing_freq_hz": params.pairing_freq_hz,
                   "periodicity_error": float(period_err),
                   "alpha1_um": model.alpha1_um, "alpha2_um": model.alpha2_um},
        )

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        f = ds.freq.values
        mean = ds.change_mean.values
        typ = ds.change_typical.values
        v = ds.v_clamp.values
        pair = ds.pairing_typical.values
        pair_mean = ds.pairing_mean.values

        def at(arr: np.ndarray, freq: float) -> float:
            i = np.nonzero(np.isclose(f, freq))[0]
            return float(arr[i[0]]) if i.size else float("nan")

        high = f >= LTP_MIN_HZ
        rest = v <= REST_MAX_MV
        cross = level_crossing(f, typ, 0.0, upward=True, log_x=True)
        return {
            "change_1hz_pct": at(mean, 1.0),
            "change_3hz_pct": at(mean, 3.0),
            "change_10hz_pct": at(mean, 10.0),
            "change_50hz_pct": at(mean, 50.0),
            "ltd_1_3hz_max_pct": max(at(mean, x) for x in LTD_FREQS_HZ),
            "ltp_min_above_20hz_pct": float(mean[high].min()) if high.any()
            else float("nan"),
            "typical_ltd_1_3hz_max_pct": max(at(typ, x) for x in LTD_FREQS_HZ),
            "typical_ltp_min_above_20hz_pct": float(typ[high].min()) if high.any()
            else float("nan"),
            "min_change_pct": float(mean.min()),
            "freq_of_min_hz": float(f[np.argmin(mean)]),
            "crossover_typical_hz": cross,
            "log10_crossover_typical_hz": math.log10(cross) if cross > 0 else float("nan"),
            "crossover_mean_hz": level_crossing(f, mean, 0.0, upward=True, log_x=True),
            "typical_change_1hz_pct": at(typ, 1.0),
            "typical_change_10hz_pct": at(typ, NO_CHANGE_HZ),
            "typical_change_50hz_pct": at(typ, 50.0),
            "ap5_max_abs_change_pct": float(ds.change_ap5_max_abs.max()),
            "pairing_rest_max_abs_pct": float(np.abs(pair[rest]).max()) if rest.any()
            else float("nan"),
            "pairing_ltd_onset_mv": level_crossing(v, pair, -1.0, upward=False),
            "pairing_ltp_onset_mv": level_crossing(v, pair, 0.0, upward=True),
            "pairing_min_pct": float(pair.min()),
            "pairing_v_of_min_mv": float(v[np.argmin(pair)]),
            "pairing_max_pct": float(pair.max()),
            "pairing_ltd_onset_mean_mv": level_crossing(v, pair_mean, -1.0, upward=False),
            "pairing_ltp_onset_mean_mv": level_crossing(v, pair_mean, 0.0, upward=True),
            "periodicity_error": float(ds.attrs["periodicity_error"]),
        }

    def targets(self, params: FrequencyParams) -> tuple[Target, ...]:
        db = "Dudek & Bear 1992, Fig. 2"
        fig3a = "Shouval, Bear & Cooper 2002, Fig. 3A (legend)"
        step = params.v_clamp_step_mv
        sign = ("a sign: the model's changes are those of one synapse driven to the bounds "
                "of Omega (W/W0 from 0 to 4), not comparable with the +-20 % of field "
                "EPSPs, so magnitudes are not compared; 5 % asks for a change clearly "
                "beyond the ~5 % baseline drift of field EPSPs")
        f_grid = (math.log10(params.f_min_hz), math.log10(params.f_max_hz))
        v_grid = (params.v_clamp_min_mv, params.v_clamp_max_mv)
        return (
            Target("typical_ltd_1_3hz_max_pct", -5.0, 0.0, compare="at_most",
                   kind="published", source=db + ": LTD after 900 pulses at 1 and 3 Hz",
                   reason=sign,
                   description="larger (less negative) of the changes of the paper's "
                               "synapse (NMDA scale 1) at 1 and 3 Hz"),
            Target("typical_ltp_min_above_20hz_pct", 5.0, 0.0, compare="at_least",
                   kind="published",
                   source=db + ": LTP after 900 pulses at 50 Hz; Shouval et al. 2002 "
                               "Fig. 3B",
                   reason=sign,
                   description="smallest change of the paper's synapse at 20-100 Hz"),
            Target("log10_crossover_typical_hz", 1.0, CROSSOVER_TOL_DECADES, compare="abs",
                   kind="published", grid=f_grid,
                   source=db + ": LTD at 3 Hz, no change at 10 Hz, LTP at 50 Hz",
                   reason="the crossover lies nearer to 10 Hz, where Dudek & Bear saw no "
                          "change, than to 3 Hz, where they saw LTD: within half the log "
                          "distance from 10 to 3 Hz, log10(10/3) / 2 = 0.26 decade, either "
                          "side (5.5-18 Hz; 50 Hz, the nearest LTP point, is farther)",
                   description="log10 of the frequency (Hz) where the change of the "
                               "paper's synapse (NMDA scale 1) turns from LTD to LTP",
                   deviation="not reproduced: with the parameters of Shouval, Bear & "
                             "Cooper 2002 (Methods: alpha_1 0.35 uM, alpha_2 0.55 uM, "
                             "tau_Ca 50 ms, G_NMDA 1/500, EPSP 10 mV for Fig. 3B; the same "
                             "values as the independent re-implementation folmez/"
                             "CaDP-MatLab) the model turns from LTD to LTP at 5.2 Hz, and "
                             "gives +280 % at 10 Hz where Dudek & Bear saw no change. "
                             "Evidence: this run (the metric), and `engramlab run "
                             "plasticity.ltp-ltd-frequency --set alpha2_um=0.8`, which "
                             "moves it to 9.8 Hz with LTD at 1-3 Hz kept but the pairing "
                             "LTP onset to -42 mV, off Fig. 3A's -50 mV "
                             "(tests/test_calcium_control.py). No single parameter of the "
                             "model does both: tau_Ca 30 ms or an all-fast NMDA current "
                             "move it to 10.8 / 11.7 Hz but abolish LTD at 1 Hz."),
            Target("ap5_max_abs_change_pct", 0.0, 1e-9, compare="at_most", kind="consistency",
                   source=db + ": 50-100 uM AP5 blocks LTD and LTP",
                   reason="true by construction: with the block complete the NMDA calcium "
                          "is exactly 0 and W stays at its rest fixed point Omega(0) / "
                          "lambda; only rounding (~1e-12 %) remains",
                   description="largest |W/W0 - 1| with AP5, any synapse, Dudek & Bear "
                               "frequencies"),
            Target("pairing_rest_max_abs_pct", 0.0, 1.0, compare="at_most", kind="published",
                   source=fig3a + ": no change below -62.5 mV",
                   reason="clamped at or below -70 mV the NMDA calcium stays under "
                          "alpha_1; 1 % allows the tail of the sigmoid of Omega (the "
                          "model gives 4e-4 %; without the Mg block it is -50 %)",
                   description="largest |change| of the paper's synapse for clamps <= "
                               "-70 mV"),
            Target("pairing_ltd_onset_mv", -62.5, 2.5 + step, compare="abs",
                   kind="published", grid=v_grid,
                   source=fig3a + ": LTD from -62.5 mV",
                   reason="thresholds read from the figure legend to the nearest 2.5 mV, "
                          "plus the clamp grid step",
                   description="clamp potential where the change of the paper's "
                               "synapse first falls below -1 %"),
            Target("pairing_ltp_onset_mv", -51.25, 1.25 + 2.5 + step, compare="abs",
                   kind="published", grid=v_grid,
                   source=fig3a + ": LTD up to -52.5 mV, LTP above -50 mV",
                   reason="the crossover lies between -52.5 and -50 mV (+-1.25 mV), read "
                          "to the nearest 2.5 mV, plus the clamp grid step",
                   description="clamp potential where the change of the paper's "
                               "synapse turns from LTD to LTP"),
            Target("periodicity_error", 0.0, 1e-6, compare="at_most", kind="consistency",
                   source="numerics: the periodic state used for the repeated intervals",
                   reason="the transient decays as exp(-t / 200 ms); after the explicit "
                          "stretch it is below 1e-6 relative (1.3e-7 in the quick preset)",
                   description="largest relative change of the calcium state over the "
                               "last explicit interval"),
        )
