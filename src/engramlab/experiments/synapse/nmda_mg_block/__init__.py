"""The NMDA receptor as a coincidence detector: the Mg2+ block (seed chapters 1-2).

``synapse.nmda-mg-block``
    Reproduces: the voltage dependence of the Mg2+ block of NMDA receptor channels,
    B(V) = 1 / (1 + [Mg2+]/3.57 mM * exp(-0.062 V/mV)) (Jahr & Stevens 1990, J Neurosci
    10:3178, doi:10.1523/JNEUROSCI.10-09-03178.1990), with [Mg2+] = 1 mM, and its two
    consequences the seed relies on for LTP:

    1. the NMDA current-voltage relation has a region of negative slope conductance
       below about -27 mV (the classic I-V of Mayer, Westbrook & Guthrie 1984, Nature
       309:261, and Nowak et al. 1984, Nature 307:462): less depolarised means less
       current, although the driving force grows; without Mg2+ the I-V is ohmic;
    2. the NMDA current needs glutamate AND depolarisation: under voltage clamp a
       Poisson glutamate train at rest (-70 mV) gives little charge, depolarisation
       without glutamate gives none, and both together give B(V_d)(E - V_d) /
       (B(V_r)(E - V_r)) times the charge at rest, while without Mg2+ depolarising
       *reduces* the current (smaller driving force).

    The block is measured from the simulated receptor (NMDA kinetics of Wang 2002:
    rise 2 ms, decay 100 ms) as I / (g (E - V)) and compared with Jahr & Stevens'
    published fit, its constants (3.57 mM, 0.062/mV) typed in this module and the
    formula written independently as K_d(V) / (K_d(V) + [Mg2+]) with K_d(V) = 3.57 mM
    exp(0.062 V) (``published``); the I-V minimum and the coincidence gain are
    predicted from that fit (``theory``), the end of the negative-slope region is
    compared with the I-V curves of Mayer et al. and Nowak et al. (``published``).
    The receptor against its own ``mg_block`` and the voltage-clamp identities
    (no glutamate, no charge; the same ratio on every train; the ohmic Mg2+-free
    control) are ``consistency`` checks.
    What differs: instantaneous block (no Mg2+ binding kinetics), a single
    compartment under ideal voltage clamp, no Ca2+ permeation (the charge is the
    total NMDA current); the only randomness is in the glutamate trains (the charges
    depend on the seed, the checked ratios do not).
"""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np
import xarray as xr
from scipy import optimize

from engramlab.core import Params, Target, cite, make_rng, param
from engramlab.experiments._registry import register
from engramlab.experiments.base import Experiment, Mutation, ProgressFn, Resources, no_progress
from engramlab.synapses import (
    NMDA,
    Receptor,
    mg_block,
    receptor_current_pa,
    receptor_init,
    receptor_step,
)

CONDITIONS = ("none", "glutamate", "depolarisation", "glutamate + depolarisation")
MG_LEVELS = ("with Mg", "Mg-free")
#: Points closer than this to E_rev are left out of B = I / (g (E - V)).
_NEAR_REVERSAL_MV = 0.5

#: Jahr & Stevens 1990 (J Neurosci 10:3178): the gating function derived from their
#: single-channel rate constants, which fits the whole-cell NMDA conductance-voltage
#: data of hippocampal neurons in 1 uM to 10 mM Mg2+ (abstract),
#: g = g_max / (1 + exp(-0.062 V) [Mg] / 3.57): the [Mg2+] scale at 0 mV (mM) and the
#: voltage dependence (1/mV). Typed from the paper here, not imported from the
#: receptor under test.
JS1990_K_MM = 3.57
JS1990_SLOPE_PER_MV = 0.062
#: The NMDA reversal potential of the prediction (mV): V_E = 0 mV of Wang 2002 and
#: Brunel & Wang 2001, whose NMDA synapse the receptor follows.
E_NMDA_MV = 0.0
#: Mayer, Westbrook & Guthrie 1984 (Nature 309:261) and Nowak et al. 1984 (Nature
#: 307:462): in physiological Mg2+ (1 mM) the NMDA I-V has a region of negative slope
#: conductance at hyperpolarised potentials (Nowak et al., abstract), ending where the
#: inward current peaks, at about -20..-30 mV (issue 12's reading of their I-V
#: figures; the papers do not tabulate it and the figures were not read here). The
#: window (mV) within which that end must lie.
NEGATIVE_SLOPE_END_MV = (-40.0, -20.0)


def block_formula(v_mv: np.ndarray, mg_mm: float) -> np.ndarray:
    r"""Jahr & Stevens 1990 as a dissociation constant: K_d(V) / (K_d(V) + [Mg]).

    :math:`K_d(V) = 3.57\ \mathrm{mM}\ e^{0.062 V / \mathrm{mV}}`, the paper's
    constants (:data:`JS1990_K_MM`, :data:`JS1990_SLOPE_PER_MV`), written
    independently of the receptor's :func:`~engramlab.synapses.mg_block`.
    """
    k_d = JS1990_K_MM * np.exp(JS1990_SLOPE_PER_MV * np.asarray(v_mv, dtype=float))
    return k_d / (k_d + mg_mm)


def iv_minimum_mv(mg_mm: float, e_rev_mv: float) -> float:
    """Potential of the most inward NMDA current, B(V)(V - E) minimal (Brent's method)."""
    def outward(v: float) -> float:
        return float(block_formula(np.array(v), mg_mm) * (v - e_rev_mv))

    res = optimize.minimize_scalar(outward, bounds=(e_rev_mv - 150.0, e_rev_mv),
                                   method="bounded", options={"xatol": 1e-10})
    return float(res.x)


class NMDAParams(Params):
    """Parameters of ``synapse.nmda-mg-block`` (defaults: the full preset)."""

    mg_mm: float = param(1.0, unit="mM", gt=0.0, le=20.0,
                         doc="External Mg2+ concentration.",
                         source="Jahr & Stevens 1990; docs/catalogue.md: [Mg] = 1 mM")
    v_min_mv: float = param(-100.0, unit="mV", ge=-150.0, lt=-40.0,
                            doc="Most negative potential of the I-V sweep.",
                            source="chosen: below rest, where the block is near total")
    v_max_mv: float = param(60.0, unit="mV", gt=0.0, le=100.0,
                            doc="Most positive potential of the I-V sweep.",
                            source="chosen: past E_NMDA = 0 mV, where the block is relieved")
    v_step_mv: float = param(1.0, unit="mV", ge=0.01, le=5.0,
                             doc="Step of the I-V sweep (>= 0.01 mV: 16000 potentials "
                                 "over the widest sweep).",
                             source="chosen: a parabola through 3 points then locates the "
                                    "I-V minimum to ~0.01 mV")
    weight_ns: float = param(1.0, unit="nS", ge=1e-3, le=1e3,
                             doc="Peak NMDA conductance of one glutamate release (>= 1 pS).",
                             source="chosen: sets the scale only; every check is a ratio "
                                    "or in its units")
    v_rest_mv: float = param(-70.0, unit="mV", ge=-120.0, le=-40.0,
                             doc="Clamp potential 'at rest'.",
                             source="chosen: a typical resting potential")
    v_depol_mv: float = param(-30.0, unit="mV", ge=-60.0, le=20.0,
                              doc="Clamp potential 'depolarised'.",
                              source="chosen: near the I-V minimum (-27 mV at 1 mM Mg)")
    glutamate_rate_hz: float = param(20.0, unit="Hz", ge=0.01, le=500.0,
                                     doc="Rate of the Poisson glutamate release train "
                                         "(>= 0.01 Hz).",
                                     source="chosen: a moderate presynaptic rate")
    glutamate_ms: float = param(500.0, unit="ms", ge=1.0, le=10_000.0,
                                doc="Duration of the glutamate train (>= 1 ms, the longest "
                                    "time step).",
                                source="chosen: ~10 releases per train")
    record_ms: float = param(1000.0, unit="ms", ge=1.0, le=20_000.0,
                             doc="Recorded duration (the charge integral; >= 1 ms, the "
                                 "longest time step).",
                             source="chosen: 5 tau_decay after the train")
    dt_ms: float = param(0.1, unit="ms", ge=1e-3, le=1.0,
                         doc="Time step (the receptor kinetics are exact); >= 1e-3 ms, "
                             "1/2000 of the 2-ms rise.",
                         source="chosen: resolves the 2 ms rise in the traces")
    n_trials: int = param(20, unit="1", ge=2, le=10_000,
                          doc="Independent glutamate trains.",
                          source="chosen: enough to show that the ratio does not depend "
                                 "on the train")


def _receptors(params: NMDAParams) -> dict[str, Receptor]:
    return {"with Mg": NMDA(mg_mm=params.mg_mm), "Mg-free": NMDA(mg_block=False)}


def _ratio_formula(params: NMDAParams, mg_mm: float) -> float:
    """B(V_d)(E - V_d) / (B(V_r)(E - V_r)) with Jahr & Stevens' B (1 without Mg2+)."""
    def drive(v: float) -> float:
        b = 1.0 if mg_mm == 0 else float(block_formula(np.array(v), mg_mm))
        return b * (E_NMDA_MV - v)

    return drive(params.v_depol_mv) / drive(params.v_rest_mv)


def _coincidence_table(params: NMDAParams, recs: dict[str, Receptor], seed: int,
                       progress: ProgressFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson glutamate trains x clamp potential: the charge (mg, condition, trial) in
    pC, the current of trial 0 with Mg2+ (condition, time) and its release times."""
    dt = params.dt_ms
    n_steps = round(params.record_ms / dt)
    n_glu = min(round(params.glutamate_ms / dt), n_steps)
    rng = make_rng(seed, 0)
    counts = np.zeros((params.n_trials, n_steps), dtype=np.int64)
    first_train = np.empty(0)
    for trial in range(params.n_trials):
        n_spk = rng.poisson(params.glutamate_rate_hz * params.glutamate_ms / 1000.0)
        times = np.sort(rng.uniform(0.0, params.glutamate_ms, size=n_spk))
        steps = np.minimum((times // dt).astype(np.int64), n_glu - 1)
        np.add.at(counts[trial], steps, 1)
        if trial == 0:
            first_train = (steps + 1) * dt  # arrival at the end of the step
    glu = np.array([0.0, 1.0, 0.0, 1.0])[:, None]
    clamp = np.array([params.v_rest_mv, params.v_rest_mv, params.v_depol_mv,
                      params.v_depol_mv])[:, None]
    charge = np.zeros((len(MG_LEVELS), len(CONDITIONS), params.n_trials))
    example = np.zeros((len(CONDITIONS), n_steps + 1))
    for m, name in enumerate(MG_LEVELS):
        rec = recs[name]
        state = receptor_init(rec, (len(CONDITIONS), params.n_trials))
        acc = np.zeros((len(CONDITIONS), params.n_trials))
        prev = receptor_current_pa(rec, state, clamp)
        if name == "with Mg":
            example[:, 0] = prev[:, 0]
        for k in range(n_steps):
            spikes = glu * counts[None, :, k] * params.weight_ns
            state = receptor_step(rec, state, spikes, dt)
            cur = receptor_current_pa(rec, state, clamp)
            acc += 0.5 * (prev + cur) * dt  # trapezoid, pA ms = fC
            prev = cur
            if name == "with Mg":
                example[:, k + 1] = cur[:, 0]
        charge[m] = acc / 1000.0  # pC
        progress(2 + m, 3)
    return charge, example, first_train


@register
class NMDAMgBlock(Experiment[NMDAParams]):
    id = "synapse.nmda-mg-block"
    title = "NMDA receptors: the Mg2+ block makes a coincidence detector"
    chapter = 1
    summary = (
        "The seed explains that at rest NMDA channels are plugged by Mg2+, so they pass "
        "current only when glutamate is bound AND the membrane is depolarised; this is "
        "why NMDA receptors detect the coincidence of pre- and postsynaptic activity "
        "that triggers LTP. The Jahr & Stevens (1990) block gives the NMDA I-V curve its "
        "negative-slope region and makes the charge under depolarisation several times "
        "the charge at rest, the opposite of a Mg2+-free channel."
    )
    Params = NMDAParams
    quick = MappingProxyType({"v_step_mv": 2.0, "record_ms": 600.0, "glutamate_ms": 300.0,
                              "n_trials": 6, "dt_ms": 0.2})
    citations = (cite("jahr1990"), cite("mayer1984"), cite("nowak1984"), cite("wang2002"))
    mutations = (
        Mutation(name="Mg block K 3.57 -> 10 mM", value=10.0,
                 patch="engramlab.synapses.receptors:MG_BLOCK_K_MM"),
        Mutation(name="Mg block voltage slope 0.062 -> 0.1 /mV", value=0.1,
                 patch="engramlab.synapses.receptors:MG_BLOCK_SLOPE_PER_MV"),
    )

    def resources(self, params: NMDAParams) -> Resources:
        """The I-V (potentials x 100 ms of steps) and the clamp table (trials x steps)."""
        n_v = math.floor((params.v_max_mv - params.v_min_mv) / params.v_step_mv) + 1
        n_iv = 100.0 / params.dt_ms
        n_steps = params.record_ms / params.dt_ms
        batch = len(CONDITIONS) * params.n_trials
        memory = 8.0 * (params.n_trials * n_steps + len(CONDITIONS) * n_steps
                        + 20 * n_v + 20 * batch)
        return Resources(
            memory_bytes=memory, steps=2 * (n_iv + n_steps),
            work=2 * 10.0 * (n_v * n_iv + batch * n_steps),
            drivers=("dt_ms", "record_ms", "n_trials", "v_step_mv"),
            detail=f"{n_v} potentials x {n_iv:.3g} steps, {params.n_trials} trials x "
                   f"{n_steps:.3g} steps")

    def run(self, params: NMDAParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        del backend  # small batches of receptors: NumPy
        recs = _receptors(params)
        dt = params.dt_ms
        # -- I-V: one release at t = 0, voltage clamp at every potential --------------
        n_v = math.floor((params.v_max_mv - params.v_min_mv) / params.v_step_mv) + 1
        volts = params.v_min_mv + params.v_step_mv * np.arange(n_v)
        n_iv = round(100.0 / dt)  # the NMDA conductance peaks at ~8 ms
        iv_peak = np.empty((len(MG_LEVELS), n_v))
        block_measured = np.full(n_v, np.nan)
        for m, name in enumerate(MG_LEVELS):
            rec = recs[name]
            state = receptor_init(rec, n_v)
            state = receptor_step(rec, state, np.full(n_v, params.weight_ns), dt)
            best = np.zeros(n_v)
            g_best = np.zeros(n_v)
            for _ in range(n_iv):
                current = receptor_current_pa(rec, state, volts)  # inward +
                bigger = np.abs(current) > np.abs(best)
                best = np.where(bigger, current, best)
                g_best = np.where(bigger, state.g, g_best)
                state = receptor_step(rec, state, np.zeros(n_v), dt)
            iv_peak[m] = -best  # outward-positive convention of an I-V plot
            if name == "with Mg":
                usable = np.abs(rec.e_rev_mv - volts) >= _NEAR_REVERSAL_MV
                block_measured[usable] = (best[usable] / (g_best[usable] * (
                    rec.e_rev_mv - volts[usable])))
        progress(1, 3)

        # -- coincidence table: Poisson glutamate x clamp potential -------------------
        charge, example, first_train = _coincidence_table(params, recs, seed,
                                                          progress)

        # Ratio per train; NaN for a train that happened to release no glutamate.
        ratio = np.full((len(MG_LEVELS), params.n_trials), np.nan)
        np.divide(charge[:, 3, :], charge[:, 1, :], out=ratio, where=charge[:, 1, :] > 0)
        e_rev = recs["with Mg"].e_rev_mv
        one = {"units": "1"}
        v_mid = 0.5 * (volts[1:] + volts[:-1])
        slope = np.diff(iv_peak[0]) / np.diff(volts)
        return xr.Dataset(
            {
                "block_measured": (("voltage",), block_measured,
                                   {**one, "long_name": "I / (g (E - V)) of the simulated "
                                    "receptor (NaN within 0.5 mV of E)"}),
                "block_formula": (("voltage",), block_formula(volts, params.mg_mm),
                                  {**one, "long_name": "Jahr & Stevens 1990 (the paper's "
                                   "constants)"}),
                "block_model": (("voltage",), mg_block(volts, params.mg_mm),
                                {**one, "long_name": "the receptor's own mg_block"}),
                "iv_peak": (("mg", "voltage"), iv_peak,
                            {"units": "pA", "long_name": "peak NMDA current, outward "
                             "positive"}),
                "iv_slope": (("voltage_mid",), slope,
                             {"units": "nS", "long_name": "dI/dV of the I-V with Mg2+"}),
                "iv_slope_mg_free": (("voltage_mid",),
                                     np.diff(iv_peak[1]) / np.diff(volts),
                                     {"units": "nS"}),
                "charge": (("mg", "condition", "trial"), charge,
                           {"units": "pC", "long_name": "NMDA charge into the cell "
                            "(depolarising +)"}),
                "coincidence_ratio": (("trial",), ratio[0],
                                      {**one, "long_name": "charge depolarised / at rest, "
                                       "with Mg2+ (NaN: no release in the train)"}),
                "mg_free_ratio": (("trial",), ratio[1],
                                  {**one, "long_name": "charge depolarised / at rest, "
                                   "Mg2+-free"}),
                "example_current": (("condition", "time"), example,
                                    {"units": "pA", "long_name": "NMDA current, inward + "
                                     "(trial 0, with Mg2+)"}),
                "example_spikes": (("example_spike",), first_train, {"units": "ms"}),
            },
            coords={
                "voltage": ("voltage", volts, {"units": "mV"}),
                "voltage_mid": ("voltage_mid", v_mid, {"units": "mV"}),
                "mg": list(MG_LEVELS),
                "condition": list(CONDITIONS),
                "trial": np.arange(params.n_trials),
                "time": ("time", np.arange(example.shape[1]) * dt, {"units": "ms"}),
            },
            attrs={
                "mg_mm": params.mg_mm, "e_rev_mv": e_rev,
                "v_rest_mv": params.v_rest_mv, "v_depol_mv": params.v_depol_mv,
                "v_step_mv": params.v_step_mv,
                "iv_min_formula_mv": iv_minimum_mv(params.mg_mm, E_NMDA_MV),
                "coincidence_ratio_formula": _ratio_formula(params, params.mg_mm),
                "mg_free_ratio_formula": _ratio_formula(params, 0.0),
            },
        )

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        err = np.abs(ds.block_measured - ds.block_formula).values
        err_model = np.abs(ds.block_measured - ds.block_model).values
        v = ds.voltage.values
        iv = ds.iv_peak.sel(mg="with Mg").values
        k = int(np.argmin(iv))
        if 0 < k < v.size - 1:
            c = np.polyfit(v[k - 1:k + 2], iv[k - 1:k + 2], 2)
            v_min = float(-c[1] / (2.0 * c[0]))
        else:
            v_min = float("nan")
        slope = ds.iv_slope.values
        neg = ds.voltage_mid.values[slope < 0]
        ratio = ds.coincidence_ratio.values
        ratio = ratio[np.isfinite(ratio)]
        if ratio.size == 0:
            ratio = np.array([np.nan])
        charge = ds.charge.sel(mg="with Mg").mean("trial")
        return {
            "block_max_abs_error": float(np.nanmax(err)),
            "block_model_max_abs_error": float(np.nanmax(err_model)),
            "block_points_compared": float(np.isfinite(err).sum()),
            "iv_min_mv": v_min,
            "min_slope_conductance_ns": float(slope.min()),
            "negative_slope_from_mv": float(neg.min()) if neg.size else float("nan"),
            "negative_slope_to_mv": float(neg.max()) if neg.size else float("nan"),
            "mg_free_min_slope_ns": float(ds.iv_slope_mg_free.values.min()),
            "charge_none_pc": float(charge.sel(condition="none")),
            "charge_glutamate_pc": float(charge.sel(condition="glutamate")),
            "charge_depolarisation_pc": float(charge.sel(condition="depolarisation")),
            "charge_both_pc": float(charge.sel(condition="glutamate + depolarisation")),
            "coincidence_ratio": float(ratio.mean()),
            "coincidence_ratio_spread": float((ratio.max() - ratio.min()) / ratio.mean()),
            "mg_free_ratio": float(np.nanmean(ds.mg_free_ratio.values))
            if np.isfinite(ds.mg_free_ratio.values).any() else float("nan"),
        }

    def targets(self, params: NMDAParams) -> tuple[Target, ...]:
        return _published_targets(params) + _consistency_targets(params)


_JS = (f"Jahr & Stevens 1990 (J Neurosci 10:3178): B(V) = 1 / (1 + [Mg]/{JS1990_K_MM:g} mM "
       f"exp(-{JS1990_SLOPE_PER_MV:g} V/mV)), derived from single-channel kinetics and "
       "fitting their whole-cell NMDA conductances; constants typed in the experiment")
_EXACT_CLAMP = ("exact: under voltage clamp both conditions see the same glutamate train and "
                "the same conductance g(t), so their charges differ by the factor "
                "B(V)(E - V) only; 1e-9 allows for rounding")


def _published_targets(params: NMDAParams) -> tuple[Target, ...]:
    """The block and I-V shape against the papers (published, theory)."""
    v_min = iv_minimum_mv(params.mg_mm, E_NMDA_MV)
    h = params.v_step_mv
    lo, hi = NEGATIVE_SLOPE_END_MV
    n_v = math.floor((params.v_max_mv - params.v_min_mv) / h) + 1
    mids = (params.v_min_mv + 0.5 * h, params.v_min_mv + (n_v - 1.5) * h)
    return (
        Target("block_max_abs_error", 0.0, 0.004, compare="at_most", kind="published",
               source=_JS,
               reason="the paper prints its constants to 3 (3.57 mM) and 2 (0.062/mV) "
                      "significant digits; rounding them by half a unit of the last "
                      "digit moves B by at most 0.0039 over -100..60 mV (at -35 mV)",
               description="max |B of the simulated receptor - Jahr & Stevens' B| over "
                           "the I-V sweep"),
        Target("iv_min_mv", v_min, 0.1 * h * h, compare="abs", kind="theory",
               source=_JS + f"; minimum of B(V)(V - E), E = {E_NMDA_MV:g} mV, by Brent's "
                            "method (the peak inward NMDA current of Mayer et al. 1984 "
                            "and Nowak et al. 1984)",
               reason=f"a parabola through the 3 sweep points around the minimum (step "
                      f"{h:g} mV) errs by O(h^2): 0.008 mV at h = 1 mV, 0.05 mV at 2.5 mV",
               description="potential of the most inward peak NMDA current"),
        Target("negative_slope_to_mv", 0.5 * (lo + hi), 0.5 * (hi - lo), compare="abs",
               kind="published", grid=mids,
               source="Mayer, Westbrook & Guthrie 1984 (Nature 309:261); Nowak et al. "
                      "1984 (Nature 307:462): in 1 mM Mg2+ the NMDA I-V has a region of "
                      "negative slope conductance below about -20..-30 mV (issue 12's "
                      "reading of their I-V figures)",
               reason=f"the end of the negative-slope region (the peak inward current) "
                      f"is read off I-V figures, not tabulated: the window {lo:g} to "
                      f"{hi:g} mV takes about -30 mV +- 10 mV for the spread of the "
                      f"recorded cells and the {h:g} mV sweep step; the figures' own "
                      "values were not read here",
               description="most depolarised potential with dI/dV < 0 (the negative-slope "
                           "region's upper end)"),
        Target("coincidence_ratio", _ratio_formula(params, params.mg_mm), 1e-9,
               compare="rel", kind="theory",
               source=_JS + f", at V_d = {params.v_depol_mv:g} and V_r = "
                            f"{params.v_rest_mv:g} mV, E = {E_NMDA_MV:g} mV",
               reason=_EXACT_CLAMP,
               description="charge with glutamate + depolarisation over glutamate alone "
                           "(with Mg2+): the coincidence gain B(V_d)(E - V_d) / "
                           "(B(V_r)(E - V_r))"),
    )


def _consistency_targets(params: NMDAParams) -> tuple[Target, ...]:
    """The receptor against its own block and the clamp's identities (consistency)."""
    return (
        Target("block_model_max_abs_error", 0.0, 1e-9, compare="at_most",
               kind="consistency",
               source="the receptor's own mg_block (engramlab.synapses)",
               reason="the block read off the simulated receptor current as "
                      "I / (g (E - V)) against the function the receptor multiplies "
                      "by; only rounding separates them",
               description="max |B measured - the receptor's mg_block| over the sweep"),
        Target("block_points_compared", 20.0, 0.0, compare="at_least", kind="consistency",
               source=_JS, reason="the comparison must cover the sweep",
               description="potentials at which B was compared"),
        Target("min_slope_conductance_ns", 0.0, 0.0, compare="at_most", kind="consistency",
               source="Mayer, Westbrook & Guthrie 1984; Nowak et al. 1984: the NMDA I-V "
                      "in Mg2+ has a negative slope region",
               reason="sign check: some dI/dV must be < 0; the finite differences of the "
                      "sweep are exact values of the model's I-V",
               description="most negative slope conductance of the I-V with Mg2+"),
        Target("mg_free_min_slope_ns", 0.0, 0.0, compare="at_least", kind="consistency",
               source="Nowak et al. 1984: without Mg2+ the channels are voltage "
                      "independent (an ohmic I-V)",
               reason="control: an ohmic I-V has slope g > 0 everywhere",
               description="most negative slope conductance without Mg2+"),
        Target("charge_none_pc", 0.0, 0.0, compare="abs", kind="consistency",
               source="seed ch. 2: NMDA channels need glutamate",
               reason="exact: no glutamate, no conductance",
               description="charge with neither glutamate nor depolarisation"),
        Target("charge_depolarisation_pc", 0.0, 0.0, compare="abs", kind="consistency",
               source="seed ch. 2: depolarisation alone does not open NMDA channels",
               reason="exact: no glutamate, no conductance",
               description="charge with depolarisation only"),
        Target("coincidence_ratio_spread", 0.0, 1e-9, compare="at_most",
               kind="consistency", source=_JS, reason=_EXACT_CLAMP,
               description="spread of that ratio over the random glutamate trains"),
        Target("mg_free_ratio", _ratio_formula(params, 0.0), 1e-9, compare="rel",
               kind="consistency", source="ohmic channel: (E - V_d) / (E - V_r)",
               reason=_EXACT_CLAMP,
               description="the same ratio without Mg2+ (< 1: depolarisation reduces the "
                           "driving force)"),
    )
