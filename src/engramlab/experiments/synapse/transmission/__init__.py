"""Chemical transmission: calcium-triggered quantal release and EPSP / IPSP (seed chapter 1).

``synapse.transmission``
    Reproduces two classic results of quantal release and shows the EPSP / IPSP the
    seed's first chapter walks through.

    1. Release rises with about the fourth power of external calcium (Dodge &
       Rahamimoff 1967, J Physiol 193:419, doi:10.1113/jphysiol.1967.sp008367): the
       mean quantal content measured from simulated spikes is fitted on log-log axes
       at low [Ca]; published slope 3.78 +/- 0.2 (S.D., 28 frog junctions), and adding
       Mg2+ lowers release without altering that slope (their summary point 2; here
       0 -> 1 mM Mg2+). Both are ``published`` checks.
    2. At low release the number of quanta is Poisson (del Castillo & Katz 1954, J
       Physiol 124:560, doi:10.1113/jphysiol.1954.sp005129): the quantal content from
       the failures, m = ln(N / n_0), equals the mean quantal content (``theory``).
    3. Consistency checks: the binomial sample mean and variance equal N p and
       N p (1 - p) within their standard errors (z-scores; a test of the generator),
       and AMPA and GABA_A conductances (Brette et al. 2007 COBA values) on a passive
       single compartment (C = 200 pF, g_L = 10 nS, E_L = -60 mV) give an EPSP that
       depolarises and an IPSP that hyperpolarises at rest, the size of the
       small-conductance theory, and PSPs that reverse exactly at the run's reversal
       potentials (E_GABA = -80 mV, E_AMPA = 0 mV; in a passive compartment the PSP is
       proportional to E_rev - V_hold, so this holds by construction).

    What differs: the terminal is a frog-NMJ-sized set of N independent, identical
    sites (no spatial Ca2+ domains, no non-linear summation of end-plate potentials,
    no quantal-size variance). K_Ca and K_Mg are "of the order of" D&R's fitted
    constants, not their values (these were not available to this project), so only
    the slope and its Mg invariance, not the curve's position, are compared with the
    paper; the slope's decline towards normal [Ca] (their point 3) is shown
    (``high_ca_log_slope``) but not checked, for want of a published number.
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Any

import numpy as np
import xarray as xr
from pydantic import model_validator
from scipy import stats

from engramlab.core import Params, SimulationError, Target, cite, make_rng, param
from engramlab.experiments._registry import register
from engramlab.experiments.base import (
    Experiment,
    Mutation,
    ProgressFn,
    Resources,
    broken_rule,
    no_progress,
)
from engramlab.synapses import (
    AMPA,
    GABA_A,
    DodgeRahamimoff,
    Receptor,
    binomial_moments,
    peak_factor,
    quantal_release,
    receptor_init,
    receptor_step,
    release_log_slope,
    release_probability,
    sample_moment_se,
)

RECEPTORS = ("AMPA", "GABA_A")
#: Stated in the targets: the largest |z| allowed for a sampled moment.
Z_MAX = 4.0
#: z-tests only where the expected number of quanta over all trials is at least this
#: (normal approximation of the sample moments).
MIN_EXPECTED_QUANTA = 1000.0
#: Levels of the failures check: mean quanta per spike in this range (enough quanta for
#: the mean, and >= e^-3 = 5 % failures for their count).
POISSON_M_RANGE = (0.05, 3.0)

# -- published values, typed from the papers ---------------------------------------------
#: Dodge & Rahamimoff 1967 (J Physiol 193:419), summary point 2: the initial part of the
#: log e.p.p. / log [Ca] relation has "a slope of nearly four (mean 3.78 +/- 0.2 S.D. in
#: 28 experiments)"; "addition of a constant amount of Mg reduces the e.p.p. without
#: altering the slope".
DR67_SLOPE = 3.78
DR67_SLOPE_SD = 0.2
DR67_N_JUNCTIONS = 28
_BRETTE = "Brette et al. 2007, COBA benchmark"


class TransmissionParams(Params):
    """Parameters of ``synapse.transmission`` (defaults: the full preset)."""

    ca_mm: tuple[float, ...] = param(
        (0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0),
        unit="mM", ge=1e-3, le=100.0, min_length=4,
        doc="External Ca2+ concentrations of the release sweep (>= 1 uM).",
        source="Dodge & Rahamimoff 1967: from low [Ca] up past the normal 1.8 mM",
    )
    mg_mm: float = param(1.0, unit="mM", ge=0.0, le=50.0,
                         doc="External Mg2+ concentration during the sweep.",
                         source="chosen: physiological 1 mM; D&R 1967: Mg2+ lowers "
                                "release without changing the low-[Ca] slope")
    mg_compare_mm: float = param(
        0.0, unit="mM", ge=0.0, le=50.0,
        doc="External Mg2+ of the second low-[Ca] series (the Mg2+ comparison).",
        source="chosen: Mg-free, so the sweep at mg_mm is the 'addition of a constant "
               "amount of Mg' of Dodge & Rahamimoff 1967 (summary point 2)",
    )
    low_ca_max_mm: float = param(
        0.2, unit="mM", gt=0.0, le=100.0,
        doc="Concentrations up to this value enter the low-[Ca] log-log fit.",
        source="Dodge & Rahamimoff 1967: 'the initial part' of the relation",
    )
    k_ca_mm: float = param(1.0, unit="mM", ge=1e-3, le=100.0,
                           doc="K_Ca of the Dodge-Rahamimoff relation (>= 1 uM).",
                           source="chosen: of the order of D&R 1967's fitted constants")
    k_mg_mm: float = param(3.0, unit="mM", ge=1e-3, le=100.0,
                           doc="K_Mg of the Dodge-Rahamimoff relation (>= 1 uM).",
                           source="chosen: of the order of D&R 1967's fitted constants")
    cooperativity: float = param(4.0, unit="1", gt=0.0, le=10.0,
                                 doc="n: CaX needed per quantum.",
                                 source="Dodge & Rahamimoff 1967: about four")
    n_sites: int = param(1000, unit="1", ge=1, le=1_000_000,
                         doc="Release sites N of the terminal.",
                         source="chosen: frog end-plate scale, a quantal content of "
                                "~100 at normal [Ca] (del Castillo & Katz 1954)")
    quantal_size_mv: float = param(0.5, unit="mV", gt=0.0, le=100.0,
                                   doc="Quantal size q (one vesicle's response).",
                                   source="Fatt & Katz 1952: spontaneous miniature "
                                          "end-plate potentials of about 0.5 mV")
    n_trials: int = param(400_000, unit="1", ge=100, le=100_000_000,
                          doc="Presynaptic spikes simulated per [Ca].",
                          source="chosen: ~700 quanta in all at the lowest [Ca] "
                                 "(4 % error on the mean)")
    ca_reference_mm: float = param(1.0, unit="mM", gt=0.0, le=100.0,
                                   doc="[Ca] whose amplitude histogram is kept.",
                                   source="chosen: a few tens of quanta per spike")
    c_m_pf: float = param(200.0, unit="pF", ge=1.0, le=1e5,
                          doc="Membrane capacitance C of the passive compartment (>= 1 pF).",
                          source=_BRETTE + ": C = 200 pF")
    g_leak_ns: float = param(10.0, unit="nS", ge=0.1, le=1e4,
                             doc="Leak conductance g_L (>= 0.1 nS).",
                             source=_BRETTE + ": g_L = 10 nS (tau_m = 20 ms)")
    e_leak_mv: float = param(-60.0, unit="mV", ge=-120.0, lt=0.0,
                             doc="Leak reversal (resting potential) E_L; below E_AMPA = "
                                 "0 mV, so that an EPSP at rest has a driving force.",
                             source=_BRETTE + ": E_L = -60 mV")
    ampa_weight_ns: float = param(0.27, unit="nS", gt=0.0, le=1e3,
                                  doc="Peak AMPA conductance of one spike.",
                                  source=_BRETTE + ": Delta g_exc = 0.27 nS")
    gaba_weight_ns: float = param(4.5, unit="nS", gt=0.0, le=1e3,
                                  doc="Peak GABA_A conductance of one spike.",
                                  source=_BRETTE + ": Delta g_inh = 4.5 nS")
    e_gaba_mv: float = param(-80.0, unit="mV", ge=-120.0, le=0.0,
                             doc="GABA_A reversal potential (not E_L: an IPSP at rest "
                                 "needs a driving force).",
                             source=_BRETTE + ": E_inh = -80 mV")
    holding_mv: tuple[float, ...] = param(
        tuple(float(v) for v in np.arange(-97.5, 20.0, 5.0)), unit="mV", ge=-150.0,
        le=60.0,
        min_length=3,
        doc="Holding potentials (set by a constant injected current) of the PSP sweep.",
        source="chosen: spans E_GABA = -80 mV and E_AMPA = 0 mV without landing on "
               "them, so the reversal is found by interpolation",
    )
    dt_ms: float = param(0.05, unit="ms", ge=1e-3, le=1.0,
                         doc="Time step of the compartment (>= 1e-3 ms, 1/5000 of the "
                             "fastest receptor decay).",
                         source="chosen: the synaptic conductance is exact; the "
                                "membrane step is second order, error ~(dt / 5 ms)^2")

    @model_validator(mode="after")
    def _driving_forces(self) -> TransmissionParams:
        if sum(ca <= self.low_ca_max_mm for ca in self.ca_mm) < 2:
            raise broken_rule(self, ("low_ca_max_mm", "ca_mm"), (
                "must leave at least two levels of ca_mm at or below low_ca_max_mm = "
                f"{self.low_ca_max_mm:g} mM for the low-[Ca] log-log fit"))
        if self.e_gaba_mv == self.e_leak_mv:
            why = "an IPSP at rest needs a driving force E_GABA - E_L"
            raise broken_rule(self, ("e_gaba_mv", "e_leak_mv"), {
                "e_gaba_mv": f"must differ from e_leak_mv = {self.e_leak_mv:g} mV: {why}",
                "e_leak_mv": f"must differ from e_gaba_mv = {self.e_gaba_mv:g} mV: {why}"})
        return self
    duration_ms: float = param(100.0, unit="ms", ge=1.0, le=10_000.0,
                               doc="Recorded time after the spike (>= 1 ms, the longest "
                                   "time step).",
                               source="chosen: PSPs peak within 20 ms (tau_m = 20 ms)")


def _release_model(params: TransmissionParams) -> DodgeRahamimoff:
    return DodgeRahamimoff.create("synapse.transmission", k_ca_mm=params.k_ca_mm,
                                  k_mg_mm=params.k_mg_mm,
                                  cooperativity=params.cooperativity)


def _receptors(params: TransmissionParams) -> dict[str, Receptor]:
    return {"AMPA": AMPA(), "GABA_A": GABA_A(e_rev_mv=params.e_gaba_mv)}


def _weights(params: TransmissionParams) -> dict[str, float]:
    return {"AMPA": params.ampa_weight_ns, "GABA_A": params.gaba_weight_ns}


def passive_psp(receptor: Receptor, weight_ns: float, v_hold_mv: np.ndarray, *,
                c_m_pf: float, g_leak_ns: float, e_leak_mv: float, dt_ms: float,
                n_steps: int) -> np.ndarray:
    r"""Membrane potential after one presynaptic spike, for a batch of holding potentials.

    .. math::

        C \frac{dV}{dt} = -g_L (V - E_L) + I_h + g(t)\,(E_\mathrm{rev} - V),
        \qquad I_h = g_L (V_h - E_L),

    starting at :math:`V = V_h` with the conductance jumping to ``weight_ns`` at
    :math:`t = 0`. The receptor is stepped exactly (:func:`receptor_step`); over each
    step the membrane equation is solved exactly with :math:`g` replaced by the mean of
    its two end values (second order in ``dt``).

    Returns ``V`` of shape ``(len(v_hold_mv), n_steps + 1)`` in mV.
    """
    v_hold = np.asarray(v_hold_mv, dtype=float)
    i_hold = g_leak_ns * (v_hold - e_leak_mv)
    state = receptor_init(receptor, v_hold.shape)
    state = state._replace(g=state.g + weight_ns)
    out = np.empty((v_hold.size, n_steps + 1))
    v = v_hold.copy()
    out[:, 0] = v
    zero = np.zeros(v_hold.shape)
    for k in range(n_steps):
        nxt = receptor_step(receptor, state, zero, dt_ms)
        g = 0.5 * (state.g + nxt.g)
        g_tot = g_leak_ns + g
        v_inf = (g_leak_ns * e_leak_mv + i_hold + g * receptor.e_rev_mv) / g_tot
        v = v_inf + (v - v_inf) * np.exp(-dt_ms * g_tot / c_m_pf)
        out[:, k + 1] = v
        state = nxt
    if not np.all(np.isfinite(out)):
        raise SimulationError("V", int(np.argmax(~np.isfinite(out).all(axis=0))))
    return out


def _linear_psp_peak(params: TransmissionParams, receptor: Receptor, weight: float,
                     v0: float) -> float:
    """Peak PSP of the small-conductance (linear) theory, mV (see ``targets``)."""
    tau_m = params.c_m_pf / params.g_leak_ns
    kernel_peak = 1.0 / peak_factor(receptor.tau_decay_ms, tau_m)  # ms
    return (receptor.e_rev_mv - v0) * weight / params.c_m_pf * kernel_peak


def _quantal_sweep(params: TransmissionParams, seed: int) -> dict[str, np.ndarray]:
    """Binomial release of ``n_trials`` spikes at every [Ca] (at ``mg_mm``), and at the
    low-[Ca] levels again with [Mg] = ``mg_compare_mm``.

    Returns the release probability per site and, per level, the sample mean and
    variance of the quanta released and the fraction of failures (no quantum).
    """
    model = _release_model(params)
    ca = np.asarray(params.ca_mm)
    n, t = params.n_sites, params.n_trials
    p = release_probability(model, ca, params.mg_mm)
    out = {"p_release": p, "mean_quanta": np.empty(ca.size),
           "var_quanta": np.empty(ca.size), "failure_rate": np.empty(ca.size)}
    for i in range(ca.size):
        k = quantal_release(n, p[i], make_rng(seed, i), size=t)
        out["mean_quanta"][i] = k.mean()
        out["var_quanta"][i] = k.var(ddof=1)
        out["failure_rate"][i] = np.mean(k == 0)
    # Streams ca.size (the histogram) and beyond are the Mg comparison's.
    low = ca[ca <= params.low_ca_max_mm]
    p_cmp = np.atleast_1d(release_probability(model, low, params.mg_compare_mm))
    out["mean_quanta_mg_compare"] = np.array([
        quantal_release(n, p_cmp[j], make_rng(seed, ca.size + 1 + j), size=t).mean()
        for j in range(low.size)])
    return out


def low_ca_slope(ca: np.ndarray, mean_quanta: np.ndarray, max_mm: float) -> float:
    """Slope of ln(mean quanta) vs ln [Ca] over [Ca] <= ``max_mm`` (Dodge & Rahamimoff's
    double-logarithmic plot), by least squares; NaN with fewer than two levels that
    released anything."""
    ok = (np.asarray(ca) <= max_mm) & (np.asarray(mean_quanta) > 0)
    if ok.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log(ca[ok]), np.log(mean_quanta[ok]), 1)[0])


def failures_quantal_content(failure_rate: np.ndarray) -> np.ndarray:
    r"""Quantal content from the failures, del Castillo & Katz 1954's Poisson method.

    .. math:: m = \ln(N / n_0) = -\ln(\text{failure rate})

    (N spikes, n_0 of them releasing nothing); inf where no spike failed.
    """
    with np.errstate(divide="ignore"):
        return -np.log(np.asarray(failure_rate, dtype=float))


#: ln(m_fail / m_mean) of a binomial: -N ln(1 - p) / (N p) - 1 ~ p / 2 <= 0.0015 for
#: m <= 3 at N = 1000 sites; allowed on top of the sampling noise.
_BINOMIAL_BIAS = 0.002
#: Seed-to-seed spread of the stochastic metrics over seeds 0-19 of the quick preset
#: (measured; stated in the targets' reasons).
_SPREAD = {"slope": "0.055 over seeds 0-19 of the quick preset (3.62-3.80, mean 3.71)",
           "mg": "0.065 over seeds 0-19 of the quick preset (0.003-0.226, mean 0.096)",
           "poisson": "0.0032 over seeds 0-19 of the quick preset (0.0015-0.013)"}


def _failures_tolerance(n_trials: int) -> float:
    """4 sd of ln(m_fail / m_mean) at the largest tested m, plus the binomial bias."""
    m = POISSON_M_RANGE[1]
    return 4.0 * math.sqrt((math.exp(m) - 1.0 - m) / (m * m * n_trials)) + _BINOMIAL_BIAS


def _reversal(holding: np.ndarray, amplitude: np.ndarray) -> float:
    """Holding potential where the PSP changes sign (linear interpolation), NaN if none."""
    order = np.argsort(holding)
    h, a = holding[order], amplitude[order]
    for i in range(h.size - 1):
        if a[i] == 0.0:
            return float(h[i])
        if a[i] * a[i + 1] < 0:
            return float(h[i] - a[i] * (h[i + 1] - h[i]) / (a[i + 1] - a[i]))
    return float(h[-1]) if a[-1] == 0.0 else float("nan")


@register
class Transmission(Experiment[TransmissionParams]):
    id = "synapse.transmission"
    title = "Chemical transmission: Ca2+-cooperative quantal release, EPSP and IPSP"
    chapter = 1
    summary = (
        "The seed's first chapter: a spike opens Ca2+ channels, Ca2+ makes vesicles "
        "fuse, and the transmitter opens receptor channels that depolarise (EPSP) or "
        "hyperpolarise (IPSP) the cell. Here release grows with about the fourth power "
        "of [Ca2+]o (Dodge & Rahamimoff 1967), comes in binomial quanta (del Castillo & "
        "Katz 1954), and AMPA / GABA_A conductances give PSPs that reverse at their "
        "reversal potentials."
    )
    Params = TransmissionParams
    quick = MappingProxyType({"n_trials": 50_000, "dt_ms": 0.1, "duration_ms": 60.0,
                              "holding_mv": tuple(float(v) for v in range(-95, 16, 10))})
    citations = (cite("dodge1967"), cite("delcastillo1954"), cite("brette2007"))
    mutations = (
        Mutation(name="Ca2+ cooperativity n 4 -> 3", value=3.0, param="cooperativity"),
        Mutation(name="release sites N 1000 -> 3 (few sites, high p)", value=3,
                 param="n_sites"),
    )

    def resources(self, params: TransmissionParams) -> Resources:
        """Binomial draws (levels x trials) and the compartment's steps."""
        ca = np.asarray(params.ca_mm)
        levels = ca.size + 1 + int(np.sum(ca <= params.low_ca_max_mm))
        steps = round(params.duration_ms / params.dt_ms)
        batch = 2 * (1 + len(params.holding_mv)) + 6
        memory = 32.0 * params.n_trials + 8.0 * batch * (steps + 1) + 16.0 * params.n_sites
        return Resources(
            memory_bytes=memory, steps=5 * steps,
            work=20.0 * levels * params.n_trials + 10.0 * batch * steps,
            drivers=("n_trials", "dt_ms", "duration_ms", "n_sites"),
            detail=f"{levels * params.n_trials:.3g} binomial draws, {steps:.3g} steps")

    def run(self, params: TransmissionParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        del backend  # binomial draws and a small batch of compartments: NumPy
        model = _release_model(params)
        ca = np.asarray(params.ca_mm)
        n, q, t = params.n_sites, params.quantal_size_mv, params.n_trials
        sweep = _quantal_sweep(params, seed)
        p = sweep["p_release"]
        exp_mean, exp_var = binomial_moments(n, p)
        se_mean, se_var = sample_moment_se(n, p, t)
        # Amplitude histogram at the reference [Ca].
        p_ref = release_probability(model, params.ca_reference_mm, params.mg_mm)
        k_ref = quantal_release(n, p_ref, make_rng(seed, ca.size), size=t)
        k_max = int(max(k_ref.max(), stats.binom.ppf(1 - 1e-6, n, p_ref))) + 1
        counts = np.bincount(k_ref, minlength=k_max + 1)[: k_max + 1]
        quanta = np.arange(k_max + 1)
        progress(1, 2)

        recs, weights = _receptors(params), _weights(params)
        n_steps = round(params.duration_ms / params.dt_ms)
        hold = np.asarray(params.holding_mv)
        examples = np.array([-100.0, -90.0, -80.0, -70.0, -60.0, -50.0])
        examples = examples + (params.e_gaba_mv + 80.0)
        kw: dict[str, Any] = {"c_m_pf": params.c_m_pf, "g_leak_ns": params.g_leak_ns,
              "e_leak_mv": params.e_leak_mv, "dt_ms": params.dt_ms, "n_steps": n_steps}
        at_rest = np.empty((len(RECEPTORS), n_steps + 1))
        amplitude = np.empty((len(RECEPTORS), hold.size))
        for j, name in enumerate(RECEPTORS):
            at_rest[j] = passive_psp(recs[name], weights[name],
                                     np.array([params.e_leak_mv]), **kw)[0]
            v = passive_psp(recs[name], weights[name], hold, **kw)
            dev = v - hold[:, None]
            at = np.argmax(np.abs(dev), axis=1)
            amplitude[j] = dev[np.arange(hold.size), at]
        ipsp_examples = passive_psp(recs["GABA_A"], weights["GABA_A"], examples, **kw)
        progress(2, 2)

        mean_k = sweep["mean_quanta"]
        low = ca <= params.low_ca_max_mm
        slope = low_ca_slope(ca, mean_k, params.low_ca_max_mm)
        slope_compare = low_ca_slope(ca[low], sweep["mean_quanta_mg_compare"],
                                     params.low_ca_max_mm)
        one = {"units": "1"}
        return xr.Dataset(
            {
                "p_release": (("ca",), p, {**one, "long_name": "release probability per "
                                           "site (Dodge-Rahamimoff)"}),
                "mean_quanta": (("ca",), mean_k, {**one, "long_name": "sample mean "
                                                  "quanta per spike"}),
                "var_quanta": (("ca",), sweep["var_quanta"], {
                    **one, "long_name": "sample variance of quanta per spike"}),
                "sem_quanta": (("ca",), np.sqrt(sweep["var_quanta"] / t), one),
                "failure_rate": (("ca",), sweep["failure_rate"], {
                    **one, "long_name": "fraction of spikes releasing no quantum"}),
                "mean_quanta_mg_compare": (("ca_low",), sweep["mean_quanta_mg_compare"], {
                    **one, "long_name": "sample mean quanta per spike at [Mg] = "
                    f"{params.mg_compare_mm:g} mM"}),
                "expected_quanta": (("ca",), exp_mean, {**one, "long_name": "N p"}),
                "expected_var_quanta": (("ca",), exp_var, {**one,
                                                           "long_name": "N p (1 - p)"}),
                "se_mean_quanta": (("ca",), se_mean, one),
                "se_var_quanta": (("ca",), se_var, one),
                "analytic_slope": (("ca",), release_log_slope(model, ca, params.mg_mm),
                                   {**one, "long_name": "d ln p / d ln [Ca]"}),
                "histogram": (("quanta",), counts, {**one, "long_name": "spikes "
                                                    "releasing k quanta"}),
                "binomial_pmf": (("quanta",), stats.binom.pmf(quanta, n, p_ref), one),
                "psp_at_rest": (("receptor", "time"), at_rest, {"units": "mV"}),
                "psp_amplitude": (("receptor", "holding"), amplitude,
                                  {"units": "mV", "long_name": "signed peak deflection"}),
                "ipsp_examples": (("holding_example", "time"), ipsp_examples,
                                  {"units": "mV"}),
                "e_rev": (("receptor",), [recs[r].e_rev_mv for r in RECEPTORS],
                          {"units": "mV"}),
                "weight": (("receptor",), [weights[r] for r in RECEPTORS],
                           {"units": "nS"}),
            },
            coords={
                "ca": ("ca", ca, {"units": "mM", "long_name": "[Ca2+]o"}),
                "ca_low": ("ca_low", ca[low], {"units": "mM", "long_name": "[Ca2+]o of "
                                                "the low-[Ca] fit"}),
                "quanta": quanta,
                "receptor": list(RECEPTORS),
                "time": ("time", np.arange(n_steps + 1) * params.dt_ms, {"units": "ms"}),
                "holding": ("holding", hold, {"units": "mV"}),
                "holding_example": ("holding_example", examples, {"units": "mV"}),
            },
            attrs={
                "n_sites": n, "quantal_size_mv": q, "n_trials": t, "mg_mm": params.mg_mm,
                "low_ca_max_mm": params.low_ca_max_mm, "low_ca_slope": slope,
                "mg_compare_mm": params.mg_compare_mm,
                "low_ca_slope_mg_compare": slope_compare,
                "ca_reference_mm": params.ca_reference_mm, "p_reference": p_ref,
                "e_leak_mv": params.e_leak_mv,
            },
        )

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        out: dict[str, float] = {
            "low_ca_log_slope": float(ds.attrs["low_ca_slope"]),
            "mg_slope_change": float(ds.attrs["low_ca_slope"])
            - float(ds.attrs["low_ca_slope_mg_compare"]),
        }
        # del Castillo & Katz 1954: m from the failures vs m from the mean, at the
        # levels where both are well measured (0.05 <= mean quanta <= 3).
        m = ds.mean_quanta.values
        sel = (m >= POISSON_M_RANGE[0]) & (m <= POISSON_M_RANGE[1])
        m_fail = failures_quantal_content(ds.failure_rate.values)
        out["poisson_failures_max_abs_log_ratio"] = float(
            np.abs(np.log(m_fail[sel] / m[sel])).max()) if sel.any() else float("nan")
        out["poisson_levels_tested"] = float(sel.sum())
        ca = ds.ca.values
        m = ds.mean_quanta.values
        high = (ca >= 1.5) & (m > 0)  # levels that released something (as low_ca_slope)
        if high.sum() >= 2:
            out["high_ca_log_slope"] = float(np.polyfit(np.log(ca[high]),
                                                        np.log(m[high]), 1)[0])
        tested = ds.expected_quanta.values * ds.attrs["n_trials"] >= MIN_EXPECTED_QUANTA
        z_mean = (ds.mean_quanta - ds.expected_quanta) / ds.se_mean_quanta
        z_var = (ds.var_quanta - ds.expected_var_quanta) / ds.se_var_quanta
        # NaN where no level has enough expected quanta for the normal approximation
        out["quantal_mean_max_abs_z"] = (float(np.abs(z_mean.values[tested]).max())
                                         if tested.any() else float("nan"))
        out["quantal_variance_max_abs_z"] = (float(np.abs(z_var.values[tested]).max())
                                             if tested.any() else float("nan"))
        out["quantal_levels_tested"] = float(tested.sum())
        for r in ds.receptor.values:
            out[f"{r}_reversal_mv"] = _reversal(ds.holding.values,
                                                ds.psp_amplitude.sel(receptor=r).values)
            trace = ds.psp_at_rest.sel(receptor=r).values - ds.attrs["e_leak_mv"]
            out[f"{r}_psp_at_rest_mv"] = float(trace[np.argmax(np.abs(trace))])
        return out

    def targets(self, params: TransmissionParams) -> tuple[Target, ...]:
        model = _release_model(params)
        ca = np.asarray(params.ca_mm)
        low = ca[ca <= params.low_ca_max_mm]
        expected_slope = release_log_slope(model, low, params.mg_mm) if low.size else [np.nan]
        recs, weights = _receptors(params), _weights(params)
        z_reason = (f"|z| <= {Z_MAX:g} with the exact binomial standard error of the "
                    f"sample moment over {params.n_trials} spikes (false alarm ~6e-5 per "
                    f"level); only levels with >= {MIN_EXPECTED_QUANTA:g} expected quanta "
                    "in all, where the sample moments are close to normal")
        dr_src = (f"Dodge & Rahamimoff 1967, summary point 2: slope {DR67_SLOPE:g} +/- "
                  f"{DR67_SLOPE_SD:g} S.D. over {DR67_N_JUNCTIONS} junctions")
        spread = _SPREAD
        out = [
            Target("low_ca_log_slope", DR67_SLOPE, 2 * DR67_SLOPE_SD, compare="abs",
                   kind="published", source=dr_src + " at low [Ca]",
                   reason=f"2 S.D. of the between-junction spread of the data; the model's "
                          f"own local slope over the fitted range is "
                          f"{np.min(expected_slope):.2f}-{np.max(expected_slope):.2f} "
                          f"(-> n as [Ca] -> 0); seed-to-seed sd {spread['slope']}",
                   description="slope of log(mean quantal content) vs log [Ca] at low "
                               "[Ca] (fourth-power cooperativity)"),
            Target("mg_slope_change", 0.0, 2 * DR67_SLOPE_SD, compare="abs",
                   kind="published",
                   source="Dodge & Rahamimoff 1967, summary point 2: 'addition of a "
                          "constant amount of Mg reduces the e.p.p. without altering the "
                          "slope' of the log e.p.p. / log [Ca] relation",
                   reason=f"2 S.D. of D&R's slopes ({DR67_SLOPE_SD:g}); competitive Mg "
                          f"binding raises the model's slope slightly towards n (+0.09 "
                          f"from {params.mg_compare_mm:g} to {params.mg_mm:g} mM); "
                          f"seed-to-seed sd {spread['mg']}",
                   description=f"low-[Ca] slope at [Mg] = {params.mg_mm:g} mM minus that "
                               f"at {params.mg_compare_mm:g} mM"),
            Target("poisson_failures_max_abs_log_ratio", 0.0,
                   _failures_tolerance(params.n_trials), compare="abs", kind="theory",
                   source="del Castillo & Katz 1954: release of many independent quanta "
                          "is Poisson at low release, so the quantal content from the "
                          "failures, m = ln(N / n_0), equals mean e.p.p. / mean quantum",
                   reason=f"4 sd of ln(m_fail / m_mean) for Poisson counts, "
                          f"sqrt((e^m - 1 - m) / (m^2 T)) at m = {POISSON_M_RANGE[1]:g} "
                          f"(the largest tested) and T = {params.n_trials} spikes, plus "
                          f"{_BINOMIAL_BIAS:g} for the binomial's ln ratio ~ p / 2 at "
                          f"N = 1000 sites; seed-to-seed sd {spread['poisson']}",
                   description="largest |ln(m from failures / m from the mean)| over "
                               f"levels with {POISSON_M_RANGE[0]:g} <= m <= "
                               f"{POISSON_M_RANGE[1]:g}"),
            Target("quantal_mean_max_abs_z", 0.0, Z_MAX, compare="abs", kind="consistency",
                   source="binomial generator vs its own mean N p (numpy.random)",
                   reason=z_reason,
                   description="largest |z| of the sample mean over [Ca] levels"),
            Target("quantal_variance_max_abs_z", 0.0, Z_MAX, compare="abs",
                   kind="consistency",
                   source="binomial generator vs its own variance N p (1 - p)",
                   reason=z_reason,
                   description="largest |z| of the sample variance over [Ca] levels"),
            Target("quantal_levels_tested", 3.0, 0.0, compare="at_least",
                   kind="consistency", source="this experiment's design",
                   reason="the moment checks must cover several [Ca] levels",
                   description="[Ca] levels entering the z-tests"),
        ]
        for name in RECEPTORS:
            rec = recs[name]
            out.append(Target(
                f"{name}_reversal_mv", rec.e_rev_mv, 1e-6, compare="abs",
                kind="consistency",
                source=("the run's E_GABA (Brette et al. 2007: E_inh = -80 mV)"
                        if name == "GABA_A"
                        else "the receptor's E_AMPA (Brette et al. 2007: E_exc = 0 mV)"),
                reason="in a passive compartment the PSP is exactly proportional to "
                       "E_rev - V_hold, so interpolating between holding potentials is "
                       "exact up to rounding",
                description=f"holding potential at which the {name} PSP changes sign"))
            lin = _linear_psp_peak(params, rec, weights[name], params.e_leak_mv)
            shunt = abs(lin / (rec.e_rev_mv - params.e_leak_mv))
            out.append(Target(
                f"{name}_psp_at_rest_mv", lin, 2.0 * shunt + 0.005, compare="rel",
                kind="consistency",
                source="small-conductance theory with the run's parameters: peak of "
                       "(E - V) w / C x "
                       "(tau_s tau_m / (tau_m - tau_s)) (e^-t/tau_m - e^-t/tau_s)",
                reason=f"the theory leaves out the synapse's own shunt g (V - V_rest), a "
                       f"relative error of about |PSP| / |E - V_rest| = {shunt:.3f}; "
                       "0.5 % more for the time step",
                description=f"{name} PSP at rest: sign ({'de' if lin > 0 else 'hyper'}"
                            "polarising) and size"))
        return tuple(out)
