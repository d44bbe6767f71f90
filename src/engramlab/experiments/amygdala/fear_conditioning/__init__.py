r"""Fear conditioning, extinction, renewal and spontaneous recovery in a spiking basal amygdala.

``amygdala.fear-conditioning``
    Reproduces: the spiking basal-amygdala network of Vlachos, Herry, Lüthi, Aertsen &
    Kumar (2011, PLoS Comput Biol 7:e1001104, doi:10.1371/journal.pcbi.1001104) as
    replicated in Brian2 by Carvalho et al. (ReScience replication,
    github.com/tawantayron/RE-Fear-and-extinction-in-a-BA-net-model, figure
    ``RENEWAL_avarages.png``, mean of 30 simulations, read here): the CS-evoked rate of
    the fear cells (population A, the 20 % of E that context A reaches) rises over 5
    CS pulses in context A from 0.2 to 3.6 Hz; in context B it falls over 6 pulses from
    1.1 to 0.15 Hz while the extinction cells (B, reached by context B, the
    infralimbic input) rise from 0.1 to 4.3 Hz; one CS back in A gives 1.5 Hz (A) and
    1.05 Hz (B): renewal. And the behaviour those populations stand for (Herry et al.
    2008, Nature 454:600, doi:10.1038/nature07166): freezing rises over CS-US pairings,
    falls with extinction in a second context, returns when the CS is met again in the
    conditioning context (ABA renewal), and returns with the passage of time in the
    extinction context (spontaneous recovery; Pavlov 1927; Rescorla 2004, Learn. Mem.
    11:501, doi:10.1101/lm.77504: recovery grows with the interval since extinction).

    Model: :func:`engramlab.circuits.spiking.amygdala_region` -- the network of
    :mod:`engramlab.network.amygdala` (3400 E + 600 I conductance LIF, CS and context
    weights learning by the input-coincidence rule, the replication's parameters) as a
    :class:`~engramlab.circuits.spiking.SpikingRegion`, driven by :func:`~engramlab.
    circuits.run_protocol` through the protocol below (:mod:`engramlab.protocol`).
    Protocol: each CS pulse is an epoch (``cs``, 50 ms, with the US in conditioning,
    plasticity on: the neuromodulator :math:`m = 1`) followed by an epoch ``iti`` (150
    ms, context only), one trial per pulse, as the replication's protocol; a 100-ms
    ``baseline`` epoch opens the conditioning session in context A (5 pairings);
    extinction in context B 100 ms later (6 CS); then, branching from the one
    extinguished network (:class:`~engramlab.circuits.Group`), one CS test: in A 100
    ms later (renewal), or in B 100 ms, 1, 7 or 28 days later (extinction recall and
    spontaneous recovery). Between sessions the network is not simulated
    (:meth:`SpikingRegion.elapse`).

    The added mechanism (Vlachos et al. have none that depends on time): weight
    changes learnt without the US (extinction, tests) are labile and decay back to the
    last consolidated (US-paired) weights, :math:`w \to w^* + (w - w^*)
    e^{-\Delta/\tau_{ext}}`, with :math:`\tau_{ext}` = ``extinction_tau_d`` (7 days,
    chosen: spontaneous recovery develops over days to weeks, Rescorla 2004; Quirk
    2002, Learn. Mem. 9:402), see :mod:`engramlab.circuits.spiking`; the extinction
    trace fades, the fear memory stays. ``extinction_tau_d`` = 1e6 (the model as
    published) gives no spontaneous recovery (a mutation).

    Behaviour: percent freezing from the fear cells' CS-evoked rate :math:`r_A`,
    :math:`F = 100\,r_A^2 / (r_A^2 + r_{1/2}^2)` (:func:`engramlab.analysis.
    freezing_percent`, Hill 2), with :math:`r_{1/2}` = ``half_rate_hz`` = 1.9 Hz, the
    midpoint of the replication's naive (0.2 Hz) and conditioned (3.6 Hz) responses
    (chosen, not fitted). The fear cells drive the central amygdala's output (Vlachos
    et al.: the competition of A and B, through feedback inhibition, sets it); the
    extinction cells act through that inhibition, already in :math:`r_A`.

    What differs: the replication's own differences (:mod:`engramlab.network.amygdala`);
    the US is merged into the CS as in the replication (``us_rate_hz`` = 0), so
    conditioning and extinction differ by context only, and the US only marks which
    learning consolidates; the 100-ms gaps between sessions are not simulated (the
    replication runs them with the contexts off); the quick preset is a reduced network
    (``network_scale`` 0.2: 680 E + 120 I, connection probabilities divided by 0.2 so
    every neuron keeps its in-degrees; cost scales with the neurons, about linearly);
    the behavioural targets are shapes (Herry et al. 2008 and Rescorla 2004 are read as
    orderings, not as the freezing values, which are not typed here); the freezing map
    is chosen (monotonic: it never reorders conditions).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np
import xarray as xr

from engramlab.analysis import freezing_percent
from engramlab.circuits import Circuit, Group, run_protocol
from engramlab.circuits.spiking import amygdala_region
from engramlab.core import Params, Target, cite, param
from engramlab.experiments._registry import register
from engramlab.experiments.base import (
    Experiment,
    Mutation,
    ProgressFn,
    Resources,
    no_progress,
)
from engramlab.network import AmygdalaParams
from engramlab.protocol import Protocol, days, epoch, repeat, session, trial

_RE = ("Carvalho et al., ReScience replication of Vlachos et al. 2011 "
       "(github.com/tawantayron/RE-Fear-and-extinction-in-a-BA-net-model), figure "
       "RENEWAL_avarages.png (panel A, mean +- SEM of 30 simulations)")
_VL = "Vlachos et al. 2011"
_HERRY = "Herry et al. 2008"
_RESCORLA = "Rescorla 2004"

#: The replication's CS-evoked rates (Hz), read from RENEWAL_avarages.png panel A:
#: fear cells (A) and extinction cells (B) in the 5 conditioning, 6 extinction and 1
#: renewal CS pulses (read to about +-0.05 Hz).
PUBLISHED_FEAR_HZ = (0.2, 0.75, 1.55, 2.55, 3.6, 1.1, 0.85, 0.6, 0.4, 0.25, 0.15, 1.5)
PUBLISHED_EXTINCTION_HZ = (0.08, 0.05, 0.05, 0.03, 0.02, 0.1, 0.5, 1.2, 2.25, 3.3, 4.3,
                           1.05)
#: Days from the end of extinction to the recall tests in context B (0: 100 ms later).
RECALL_DAYS = (0, 3, 28)


class FearConditioningParams(Params):
    """Parameters of ``amygdala.fear-conditioning`` (defaults: the full preset)."""

    n_subjects: int = param(4, unit="1", ge=1, le=100,
                            doc="Networks (animals), each drawn with its own seed.",
                            source="chosen: a few independent networks per condition")
    network_scale: float = param(1.0, unit="1", ge=0.05, le=1.0,
                                 doc="Neurons as a fraction of the paper's 3400 E + 600 I; "
                                     "connection probabilities are divided by it (capped "
                                     "at 1), so in-degrees stay the paper's.",
                                 source=f"{_VL} (N = 4000); chosen for the quick preset")
    n_conditioning: int = param(5, unit="1", ge=2, le=50, doc="CS-US pairings in context A.",
                                source=f"{_RE}; {_VL}")
    n_extinction: int = param(6, unit="1", ge=2, le=50, doc="CS alone in context B.",
                              source=f"{_RE}; {_VL}")
    cs_on_ms: float = param(50.0, unit="ms", ge=10.0, le=1000.0,
                            doc="Duration of a CS pulse.", source=f"{_RE}; {_VL}")
    cs_off_ms: float = param(150.0, unit="ms", ge=10.0, le=10_000.0,
                             doc="Interval between CS pulses (context on).",
                             source=_RE + " (Simulation protocols)")
    gap_ms: float = param(100.0, unit="ms", ge=0.1, le=10_000.0,
                          doc="Interval between conditioning, extinction and the "
                              "immediate tests.", source=_RE + " (Simulation protocols)")
    n_test: int = param(2, unit="1", ge=1, le=20,
                        doc="CS pulses of each test (renewal, recall).",
                        source="chosen: the replication's renewal test is 1 pulse; 2 "
                               "halve the counting noise of a 50-ms window")
    window_ms: float = param(100.0, unit="ms", ge=0.1, le=10_000.0,
                             doc="Coincidence window of CS and context arrivals.",
                             source=_RE + " (code/models_eq.py)")
    alpha: float = param(1.6e-3, unit="1", ge=0.0, le=0.1,
                         doc="Learning rates alpha_1 = alpha_2 of the coincidence rule.",
                         source=_RE + ", Table 6")
    extinction_tau_d: float = param(7.0, unit="d", gt=0.0, le=1e6,
                                    doc="Time constant of the decay of unreinforced "
                                        "(extinction) weight changes; 1e6: none, the "
                                        "model as published.",
                                    source=f"chosen: spontaneous recovery develops over "
                                           f"days to weeks ({_RESCORLA}; Quirk 2002)")
    half_rate_hz: float = param(1.9, unit="Hz", ge=0.01, le=100.0,
                                doc="Fear-cell CS rate giving 50 % freezing (Hill 2).",
                                source="chosen: midpoint of the replication's naive "
                                       "(0.2 Hz) and conditioned (3.6 Hz) responses")


def network_params(p: FearConditioningParams) -> AmygdalaParams:
    """The network at ``network_scale`` with the paper's in-degrees."""
    s = p.network_scale
    base = AmygdalaParams()
    return AmygdalaParams(n_e=max(10, round(base.n_e * s)), n_i=max(1, round(base.n_i * s)),
                          p_ee=min(1.0, base.p_ee / s), p_ei=min(1.0, base.p_ei / s),
                          p_ie=min(1.0, base.p_ie / s), p_ii=min(1.0, base.p_ii / s),
                          window_ms=p.window_ms, alpha_ltp=p.alpha, alpha_ltd=p.alpha)


def circuit(p: FearConditioningParams) -> Circuit:
    """The one-region circuit: the basal amygdala, settled once per epoch."""
    return Circuit((amygdala_region(network_params(p),
                                    extinction_tau_ms=days(p.extinction_tau_d)),), settle=1)


def _cs(p: FearConditioningParams, name: str, **stimuli: float) -> Any:
    return trial(name, epoch("cs", p.cs_on_ms, cs=1.0, **stimuli),
                 epoch("iti", p.cs_off_ms))


def training(p: FearConditioningParams) -> tuple[Any, Any]:
    """Conditioning in A (baseline, CS-US pairings), extinction in B 100 ms later."""
    cond = session("conditioning", [trial("baseline", epoch("baseline", 100.0)),
                                    *repeat(_cs(p, "pairing", us=1.0), p.n_conditioning)],
                   context="A")
    ext = session("extinction", repeat(_cs(p, "extinction"), p.n_extinction), context="B",
                  gap_ms=p.gap_ms)
    return cond, ext


def groups(p: FearConditioningParams) -> dict[str, Group]:
    """ABA renewal, and recall in B 0, 3 and 28 days after extinction (``n_test`` CS)."""
    cond, ext = training(p)
    block = repeat(_cs(p, "test"), p.n_test)
    out = {"renewal (A)": Group((), Protocol.of(cond, ext, session(
        "test", block, context="A", gap_ms=p.gap_ms)))}
    for d in RECALL_DAYS:
        test = (session("test", block, context="B", gap_ms=p.gap_ms) if d == 0
                else session("test", block, context="B", day=float(d)))
        out[f"recall (B) {d} d"] = Group((), Protocol.of(cond, ext, test))
    return out


def _rates(ds: xr.Dataset, group: str, session_name: str, var: str) -> np.ndarray:
    """``(pulses, subjects)`` CS-evoked rates of a session in a group."""
    sub = ds.sel(group=group)
    sel = ((sub.session == session_name) & (sub.epoch == "cs")).values
    return sub[var].values[:, sel].T


@register
class FearConditioning(Experiment[FearConditioningParams]):
    id = "amygdala.fear-conditioning"
    title = "Fear conditioning, extinction, renewal and spontaneous recovery (spiking BA)"
    chapter = 3
    summary = ("A spiking basal amygdala learns fear when a tone meets a context: fear "
               "cells rise over tone-shock pairings, extinction cells take over in a "
               "second context, fear returns in the first context (renewal) and, as the "
               "extinction trace fades, with time (spontaneous recovery).")
    Params = FearConditioningParams
    quick = MappingProxyType({"n_subjects": 1, "network_scale": 0.2})
    citations = (cite("vlachos2011"), cite("carvalho2021"), cite("herry2008"),
                 cite("rescorla2004"), cite("quirk2002"), cite("bouton1993"))
    mutations = (
        Mutation(name="no decay of the extinction trace (tau 7 d -> 1e6 d): no "
                      "spontaneous recovery", value=1e6, param="extinction_tau_d"),
        Mutation(name="coincidence window 100 -> 0.1 ms: CS and context never "
                      "coincide, no conditioning", value=0.1, param="window_ms"),
        Mutation(name="learning rate 1.6e-3 -> 0: nothing is learnt", value=0.0,
                 param="alpha"),
    )

    def resources(self, params: FearConditioningParams) -> Resources:
        """Neuron-steps of the shared training and the branched tests, per subject."""
        p = params
        n = 4000 * p.network_scale
        ms = 100 + (p.n_conditioning + p.n_extinction + p.n_test * (1 + len(RECALL_DAYS))) * (
            p.cs_on_ms + p.cs_off_ms)
        steps = ms / 0.1 * p.n_subjects
        synapses = 0.8e6 * p.network_scale
        memory = p.n_subjects * (synapses * 12 * 8 + n * 400)
        return Resources(memory_bytes=memory, steps=steps, work=steps * n * 3,
                         drivers=("n_subjects", "network_scale"),
                         detail=f"{p.n_subjects} networks of {n:.0f} neurons, "
                                f"{ms / 1e3:.1f} s simulated each")

    def run(self, params: FearConditioningParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        p = params
        grp = groups(p)
        first = next(iter(grp.values())).protocol
        assert first is not None
        ds = run_protocol(circuit(p), first, groups=grp, seed=seed, n_subjects=p.n_subjects,
                          record={"fear": "amygdala.fear", "extinction":
                                  "amygdala.extinction", "inhibitory": "amygdala.inhibitory"})
        progress(1, 1)
        g0 = "renewal (A)"
        out: dict[str, Any] = {}
        for phase, sess in (("acq", "conditioning"), ("ext", "extinction")):
            for var in ("fear", "extinction", "inhibitory"):
                out[f"{phase}_{var}_hz"] = (("pulse_" + phase, "subject"),
                                            _rates(ds, g0, sess, var), {"units": "Hz"})
        tests = list(grp)
        for var in ("fear", "extinction", "inhibitory"):
            out[f"test_{var}_hz"] = (("test", "pulse_test", "subject"), np.stack(
                [_rates(ds, g, "test", var) for g in tests]), {"units": "Hz"})
        h = p.half_rate_hz
        for k in ("acq", "ext", "test"):
            dims, fear, _ = out[f"{k}_fear_hz"]
            out[f"{k}_freezing"] = (dims, freezing_percent(fear, half_activity=h),
                                    {"units": "%", "long_name": "freezing (from the fear "
                                     "cells' CS rate)"})
        delay = np.array([np.nan] + [float(d) for d in RECALL_DAYS])
        return xr.Dataset(out, coords={
            "pulse_acq": np.arange(1, p.n_conditioning + 1),
            "pulse_ext": np.arange(1, p.n_extinction + 1),
            "pulse_test": np.arange(1, p.n_test + 1),
            "test": tests, "test_context": ("test", ["A"] + ["B"] * len(RECALL_DAYS)),
            "test_delay_d": ("test", delay, {"units": "d"}),
            "subject": np.arange(p.n_subjects)},
            attrs={"half_rate_hz": h, "extinction_tau_d": p.extinction_tau_d,
                   "n_neurons": network_params(p).n_e + network_params(p).n_i})

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        def last2(v: str) -> float:
            return float(ds[v].isel({ds[v].dims[0]: slice(-2, None)}).mean())

        def test(v: str, name: str, first: bool = False) -> float:
            x = ds[v].sel(test=name)
            return float((x.isel(pulse_test=0) if first else x).mean())

        f_acq = ds.acq_freezing.mean("subject").values
        f_cond = float(ds.acq_freezing.isel(pulse_acq=slice(-2, None)).mean())
        f_ext = float(ds.ext_freezing.isel(pulse_ext=slice(-2, None)).mean())
        rec = {d: test("test_freezing", f"recall (B) {d} d") for d in RECALL_DAYS}
        renewal = test("test_freezing", "renewal (A)")
        out = {
            "fear_conditioned_hz": last2("acq_fear_hz"),
            "fear_extinguished_hz": last2("ext_fear_hz"),
            "extinction_extinguished_hz": last2("ext_extinction_hz"),
            "fear_renewal_hz": test("test_fear_hz", "renewal (A)", first=True),
            "extinction_renewal_hz": test("test_extinction_hz", "renewal (A)", first=True),
            "freezing_acquisition_rise_pct": f_cond - float(f_acq[0]),
            "freezing_conditioned_pct": f_cond,
            "freezing_extinguished_pct": f_ext,
            "extinction_ratio": f_ext / max(f_cond, 1e-9),
            "freezing_renewal_pct": renewal,
            "renewal_over_recall_pct": renewal - rec[0],
            "spontaneous_recovery_pct": rec[28] - rec[0],
            "recovery_growth_pct": rec[28] - rec[3],
        }
        for d in RECALL_DAYS:
            out[f"freezing_recall_{d}d_pct"] = rec[d]
        return out

    def targets(self, params: FearConditioningParams) -> tuple[Target, ...]:
        spread = ("measured over seeds 0-19 of the quick preset (1 network of 800 neurons, "
                  "2 test pulses):")
        return (
            Target("fear_conditioned_hz", (2.55 + 3.6) / 2, 0.9, kind="published",
                   source=f"{_RE}: fear cells 2.55 and 3.6 Hz in the last two CS-US pulses",
                   reason="within the replication's run-to-run spread (SEM about 0.25 Hz "
                          "over 30 runs: SD about 1.4 Hz); " + spread + " 2.57-3.97 Hz",
                   description="fear cells' CS rate, mean of the last two pairings (Hz)"),
            Target("extinction_extinguished_hz", (3.3 + 4.3) / 2, 1.0, kind="published",
                   source=f"{_RE}: extinction cells 3.3 and 4.3 Hz in the last two "
                          "extinction pulses",
                   reason="as for the fear cells (SEM about 0.25 Hz over 30 runs); "
                          + spread + " 2.87-4.56 Hz",
                   description="extinction cells' CS rate, last two extinction pulses (Hz)"),
            Target("fear_extinguished_hz", (0.25 + 0.15) / 2, 0.4, compare="at_most",
                   kind="published",
                   source=f"{_RE}: fear cells 0.25 and 0.15 Hz in the last two extinction "
                          "pulses (from 3.6 Hz)",
                   reason="extinguished: within 0.4 Hz of the replication's floor (one "
                          "spike of 136 cells in 50 ms is 0.15 Hz); " + spread
                          + " 0-0.51 Hz",
                   description="fear cells' CS rate, last two extinction pulses (Hz)"),
            Target("fear_renewal_hz", 1.5, 0.9, kind="published",
                   source=f"{_RE}: fear cells 1.5 Hz at the CS back in context A",
                   reason="one 50-ms window: about 10 spikes of the 136 quick fear cells "
                          "(Poisson SD 0.5 Hz) plus network variation; " + spread
                          + " 0.74-2.35 Hz",
                   description="fear cells' CS rate at the renewal test in A (Hz)"),
            Target("freezing_acquisition_rise_pct", 40.0, 0.0, compare="at_least",
                   kind="published",
                   source=f"{_HERRY}: freezing rises over the CS-US pairings (fear "
                          f"conditioning); {_VL}: the fear cells' CS response grows",
                   reason="a learning curve: the conditioned freezing at least 40 points "
                          "above the first pairing's; " + spread + " 49-77 points",
                   description="freezing, last two pairings minus the first (points)"),
            Target("extinction_ratio", 0.25, 0.0, compare="at_most", kind="published",
                   source=f"{_HERRY}: extinction in a second context lowers freezing",
                   reason="extinguished read as at most a quarter of the conditioned "
                          "freezing; " + spread + " 0-0.12",
                   description="freezing, end of extinction / end of conditioning"),
            Target("renewal_over_recall_pct", 20.0, 0.0, compare="at_least",
                   kind="published",
                   source=f"{_HERRY} (and Bouton 1993): fear renews when the extinguished "
                          "CS is met in the conditioning context (ABA renewal)",
                   reason="renewal: at least 20 points more freezing in A than in B at "
                          "the same time; " + spread + " 32-66 points",
                   description="freezing at the test in A minus in B, 100 ms after "
                               "extinction (points)"),
            Target("spontaneous_recovery_pct", 5.0, 0.0, compare="at_least",
                   kind="published",
                   source=f"{_RESCORLA}: extinguished responding recovers with the "
                          "passage of time (spontaneous recovery, Pavlov 1927)",
                   reason="recovery: at least 5 points more freezing in B 28 days after "
                          "extinction than right after it (right after it, 0-1.5 %; "
                          "without the decay the difference stays within about 2 "
                          "points); " + spread + " 7.4-29.7 points",
                   description="freezing in B, 28 d minus 0 d after extinction (points)"),
            Target("recovery_growth_pct", 3.0, 0.0, compare="at_least", kind="published",
                   source=f"{_RESCORLA}: spontaneous recovery grows with the retention "
                          "interval",
                   reason="more recovery at 28 days than at 3 days (by 3 points, twice "
                          "the counting step of one spike); " + spread + " 6.5-29.1 points",
                   description="freezing in B, 28 d minus 3 d after extinction (points)"),
        )
