r"""The Rescorla-Wagner laws of conditioning: acquisition, blocking, overshadowing,
conditioned inhibition and extinction from one summed prediction error.

``conditioning.rescorla-wagner``
    Reproduces: the five classic consequences of the learning rule of Rescorla & Wagner
    (1972), "A theory of Pavlovian conditioning", in A. H. Black & W. F. Prokasy (eds.),
    *Classical Conditioning II*, pp. 64-99: on each trial every CS present changes by

    .. math:: \Delta V_i = \alpha_i\,\beta\,\Big(\lambda - \sum_{j\ \text{present}} V_j\Big).

    Five designs, one group each (plus the controls), on the shared vocabulary
    (:mod:`engramlab.protocol` trials, :func:`engramlab.circuits.run_protocol`, the region
    :class:`~engramlab.circuits.conditioning.RescorlaWagnerRegion`):

    (a) **acquisition**, ``A+`` trials: :math:`V_n = \lambda[1 - (1 - \alpha\beta)^n]`,
        at :math:`\alpha\beta = 0.1`, :math:`\lambda = 1`: :math:`V_{10} = 0.6513`,
        :math:`V_{20} = 0.8784`, :math:`V_{50} = 0.9948` (theory, to 1e-9);
    (b) **blocking** (Kamin 1969): ``A+`` pretraining, then ``AX+`` compound trials; the
        control has the compound trials only. With :math:`V_A^0 = \lambda[1 - (1 -
        \alpha_A\beta)^{n_1}]` after pretraining, the compound error decays by
        :math:`1 - (\alpha_A + \alpha_X)\beta` per trial and X takes its share
        :math:`\alpha_X / (\alpha_A + \alpha_X)` of what is learned:

        .. math:: V_X = \frac{\alpha_X}{\alpha_A + \alpha_X}\,(\lambda - V_A^0)\,
                  \big[1 - (1 - (\alpha_A + \alpha_X)\beta)^{n_2}\big],

        with :math:`V_A^0 = 0` for the control (theory, to 1e-9); and Kamin's published
        shape: the pretrained rats "learned virtually nothing" about the added CS (a
        test suppression ratio near 0.5, no suppression), the controls suppress;
    (c) **overshadowing**, ``AB+`` compound: both CSs share one error, so
        :math:`V_A / V_B = \alpha_A / \alpha_B` exactly from equal (zero) starting
        strengths, and B conditions less than when trained alone (theory);
    (d) **conditioned inhibition** (Rescorla 1969), ``A+`` / ``AX-`` interleaved: the
        only strengths with both errors zero are :math:`V_A = \lambda`,
        :math:`V_X = -\lambda` (theory: the fixed point);
    (e) **extinction**, ``A-`` after acquisition: :math:`V_n = V_0 (1 - \alpha\beta_0)^n`
        (geometric, theory, to 1e-9).

    Behaviour: the conditioned response is the region's prediction during the CS,
    :math:`\mathrm{CR} = \sum_{j\ \text{present}} V_j` (before the trial's US), read as
    conditioned suppression of lever pressing, the measure of Kamin's experiments
    (module function :func:`suppression_ratio`).

    What differs: the model is the rule itself (a trial-level learner, no time within a
    trial; CS intensity marks presence only). Kamin's chapter was not available here,
    so the published check is the shape of his result with stated margins, not his
    group values (textbook accounts cite a suppression ratio of about 0.45 for the
    blocked group and 0.05 for the control; not verified here, so not used). The
    suppression map is chosen (monotonic: it never reorders groups). Trial counts of
    the blocking design (30 pretraining, 10 compound trials) are chosen to bring A near
    asymptote first (0.958), as Kamin's pretraining did; his counts are not used.
    A test trial is a learning trial of the rule: a test of the inhibitor alone would
    extinguish it (a known prediction of the rule that animals do not follow), so the
    summation test presents AX before X.

    Mutations: :math:`\alpha\beta` 0.1 -> 0.2 (``beta_us`` 0.5 -> 1.0) fails the
    acquisition values; the individual error of Bush & Mosteller (1951)
    (``error_term="individual"``) fails blocking and inhibition; :math:`\beta_0` 0.5 ->
    0.25 fails extinction; :math:`\alpha_B` 0.1 -> 0.2 fails the overshadowing ratio.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import xarray as xr

from engramlab.circuits import Circuit, Group, Record, run_protocol
from engramlab.circuits.conditioning import RescorlaWagnerRegion
from engramlab.core import Params, Target, cite, param
from engramlab.experiments._registry import register
from engramlab.experiments.base import Experiment, Mutation, ProgressFn, Resources, no_progress
from engramlab.protocol import Protocol, alternate, epoch, minutes, repeat, session, trial

_RW = "Rescorla & Wagner 1972"
_KAMIN = "Kamin 1969"

#: The CSs of the designs: A (the pretrained / acquired CS), X (the added CS of blocking,
#: the inhibitor), B (the weaker CS of overshadowing).
CSS = ("A", "X", "B")
#: US stimulus name.
US = "us"
#: One trial: a CS of 1 min, the US at its end (the model is trial-level: durations only
#: place trials on the timeline), and the interval between trials.
CS_MS = minutes(1.0)
ITI_MS = minutes(4.0)

# -- the design constants the theory targets are typed for (the catalogue's values) -----
#: alpha_A beta_US = alpha_X beta_US of the acquisition, blocking and inhibition designs.
AB = 0.1
#: alpha_A beta_noUS of extinction.
AB0 = 0.1
#: alpha_B beta_US of overshadowing.
AB_B = 0.05
#: lambda, the asymptote the US supports.
LAMBDA = 1.0
#: Trials at which acquisition is checked, and the typed closed-form values
#: V_n = 1 - 0.9^n (Rescorla & Wagner 1972 at alpha beta 0.1, lambda 1).
ACQ_TRIALS = (10, 20, 50)
ACQ_VALUES = (0.6513215599, 0.8784233454094307, 0.9948462247926799)
#: Extinction trials checked, and (1 - alpha beta_0)^n = 0.9^n.
EXT_TRIALS = (10, 20)
EXT_VALUES = (0.3486784401, 0.12157665459056929)


def acquisition_closed_form(n: int, ab: float = AB, lam: float = LAMBDA) -> float:
    r""":math:`V_n = \lambda[1 - (1 - \alpha\beta)^n]` (Rescorla & Wagner 1972)."""
    return lam * (1.0 - (1.0 - ab) ** n)


def blocking_closed_form(n_pretraining: int, n_compound: int, ab_a: float = AB,
                         ab_x: float = AB, lam: float = LAMBDA) -> float:
    r""":math:`V_X` after ``n_pretraining`` ``A+`` then ``n_compound`` ``AX+`` trials.

    The compound error :math:`e = \lambda - V_A - V_X` shrinks by :math:`1 - (\alpha_A
    + \alpha_X)\beta` per trial, starting from :math:`\lambda(1 - \alpha_A
    \beta)^{n_1}`, and X gains :math:`\alpha_X\beta e` of it each trial. 0 pretraining
    trials is the compound-only control.
    """
    e0 = lam * (1.0 - ab_a) ** n_pretraining
    return ab_x / (ab_a + ab_x) * e0 * (1.0 - (1.0 - ab_a - ab_x) ** n_compound)


def overshadowing_closed_form(n: int, ab_a: float = AB, ab_b: float = AB_B,
                              lam: float = LAMBDA) -> float:
    r""":math:`V_B` after ``n`` ``AB+`` trials over :math:`V_B` after ``n`` ``B+`` trials."""
    compound = ab_b / (ab_a + ab_b) * lam * (1.0 - (1.0 - ab_a - ab_b) ** n)
    return compound / (lam * (1.0 - (1.0 - ab_b) ** n))


def suppression_ratio(cr: Any, gain: float, lam: float = 1.0) -> Any:
    r"""Conditioned suppression from the CR: :math:`B / (A + B) = 1 / (1 + e^{k c})`.

    Lever pressing during the CS, :math:`B`, falls from the pre-CS rate :math:`A` as
    :math:`B = A\,e^{-k c}`, with :math:`c = \max(\mathrm{CR}, 0)/\lambda` the
    fear the CS predicts in units of the US's asymptote and :math:`k` = ``gain``; the
    suppression ratio :math:`B / (A + B)` (Annau & Kamin's measure, used by Kamin 1969)
    is then 0.5 with no fear and tends to 0 with complete suppression. A negative
    prediction (an inhibitor alone) does not raise pressing above baseline: 0.5.
    """
    c = np.maximum(np.asarray(cr, float), 0.0) / lam
    return 0.5 * (1.0 - np.tanh(0.5 * gain * c))  # = 1 / (1 + e^(k c)), no overflow


class RescorlaWagnerParams(Params):
    """Parameters of ``conditioning.rescorla-wagner`` (defaults: the full preset)."""

    n_subjects: int = param(8, unit="1", ge=1, le=1000,
                            doc="Subjects per group (the model is deterministic: every "
                                "subject learns the same).",
                            source="chosen: a typical group of a CER experiment")
    alpha_a: float = param(0.2, unit="1", ge=0.0, le=1.0,
                           doc="Salience alpha_A of CS A (acquired, pretrained, excitor).",
                           source=f"chosen: alpha beta = 0.1 with beta_us 0.5, the "
                                  f"catalogue's illustration of {_RW}")
    alpha_x: float = param(0.2, unit="1", ge=0.0, le=1.0,
                           doc="Salience alpha_X of CS X (the added CS of blocking, the "
                               "inhibitor).",
                           source="chosen: as A (the blocked CS is as salient as the "
                                  "blocking one, so only pretraining differs)")
    alpha_b: float = param(0.1, unit="1", ge=0.0, le=1.0,
                           doc="Salience alpha_B of CS B (the weaker CS of "
                               "overshadowing).",
                           source="chosen: half of alpha_A, so V_A / V_B = 2")
    beta_us: float = param(0.5, unit="1", ge=0.0, le=1.0,
                           doc="beta_1, learning rate on trials with the US.",
                           source=f"chosen ({_RW} leave it free): alpha beta = 0.1")
    beta_no_us: float = param(0.5, unit="1", ge=0.0, le=1.0,
                              doc="beta_0, learning rate on trials without the US "
                                  "(extinction, AX- trials, tests).",
                              source=f"chosen: equal to beta_1 ({_RW} allow them to "
                                     "differ)")
    us_intensity: float = param(1.0, unit="1", gt=0.0, le=100.0,
                                doc="lambda, intensity of the US (the asymptote it "
                                    "supports), in units of the paper's US.",
                                source=f"{_RW}: lambda = 1 by convention")
    error_term: Literal["summed", "individual"] = param(
        "summed", unit="1", doc="Prediction error: summed over the present CSs "
                                "(Rescorla-Wagner) or each CS's own (Bush-Mosteller).",
        source=f"{_RW} (summed); Bush & Mosteller 1951 (individual, a control)")
    n_acquisition: int = param(50, unit="1", ge=50, le=2000,
                               doc="A+ trials of acquisition (checked at 10, 20, 50).",
                               source="the catalogue's check points")
    n_extinction: int = param(20, unit="1", ge=20, le=2000,
                              doc="A- trials of extinction after acquisition (checked at "
                                  "10 and 20).", source="chosen")
    n_pretraining: int = param(30, unit="1", ge=1, le=2000,
                               doc="A+ trials before the compound in the blocking group.",
                               source=f"chosen: A near asymptote first (0.958), as in "
                                      f"{_KAMIN}'s pretraining")
    n_compound: int = param(10, unit="1", ge=1, le=2000,
                            doc="AX+ trials (blocking, control) and AB+ / B+ trials "
                                "(overshadowing, B alone).",
                            source="chosen: the compound phase of a blocking design")
    n_inhibition: int = param(150, unit="1", ge=1, le=2000,
                              doc="A+ / AX- pairs of trials (interleaved) of conditioned "
                                  "inhibition.",
                              source="chosen: V_X within 0.0025 of -lambda at alpha beta "
                                     "0.1")
    suppression_gain: float = param(5.0, unit="1", gt=0.0, le=50.0,
                                    doc="k of the suppression map: pressing during the "
                                        "CS falls as exp(-k CR / lambda).",
                                    source="chosen: a CS at asymptote suppresses to a "
                                           "ratio 1 / (1 + e^5) = 0.007, the near-complete "
                                           "suppression of a well-trained CER CS")


def _trial(name: str, us: float, *cs: str) -> Any:
    stim = {c: 1.0 for c in cs}
    if us > 0:
        stim[US] = us
    return trial(name, epoch(name, CS_MS, **stim))


def _session(name: str, trials: Any) -> Any:
    return session(name, trials, context="box", iti_ms=ITI_MS, gap_ms=ITI_MS)


def protocols(p: RescorlaWagnerParams) -> dict[str, Protocol]:
    """The protocol of every group (each design has its own)."""
    lam = p.us_intensity
    return {
        "acquisition": Protocol.of(
            _session("acquisition", repeat(_trial("A+", lam, "A"), p.n_acquisition)),
            _session("extinction", repeat(_trial("A-", 0.0, "A"), p.n_extinction))),
        "blocking": Protocol.of(
            _session("pretraining", repeat(_trial("A+", lam, "A"), p.n_pretraining)),
            _session("compound", repeat(_trial("AX+", lam, "A", "X"), p.n_compound)),
            _session("test", (_trial("X-", 0.0, "X"),))),
        "blocking control": Protocol.of(
            _session("compound", repeat(_trial("AX+", lam, "A", "X"), p.n_compound)),
            _session("test", (_trial("X-", 0.0, "X"),))),
        "overshadowing": Protocol.of(
            _session("compound", repeat(_trial("AB+", lam, "A", "B"), p.n_compound)),
            _session("test", (_trial("A-", 0.0, "A"), _trial("B-", 0.0, "B")))),
        "B alone": Protocol.of(
            _session("compound", repeat(_trial("B+", lam, "B"), p.n_compound)),
            _session("test", (_trial("B-", 0.0, "B"),))),
        "inhibition": Protocol.of(
            _session("training", alternate((_trial("A+", lam, "A"),
                                            _trial("AX-", 0.0, "A", "X")),
                                           2 * p.n_inhibition)),
            # the compound first: in the rule a test of X alone extinguishes inhibition
            _session("test", (_trial("AX-", 0.0, "A", "X"), _trial("X-", 0.0, "X")))),
    }


def region(p: RescorlaWagnerParams) -> RescorlaWagnerRegion:
    """The learner with this experiment's constants."""
    return RescorlaWagnerRegion(
        "rw", stimuli=CSS, alpha=(p.alpha_a, p.alpha_x, p.alpha_b), beta=p.beta_us,
        beta_absent=p.beta_no_us, us=US, error_term=p.error_term)


#: The region's cells, in order (RescorlaWagnerRegion.groups).
CELLS = ("cr", "error", *CSS)


def _series(ds: xr.Dataset, group: str, session_name: str, cell: str) -> np.ndarray:
    """``(subjects, trials)`` of one cell over one session of one group, in time order."""
    g = list(ds.group.values).index(group)
    sel = ds.session.values[g] == session_name
    order = np.argsort(ds.start_ms.values[g][sel])
    return ds.rw.values[g][:, sel][:, order, CELLS.index(cell)]


@register
class RescorlaWagner(Experiment[RescorlaWagnerParams]):
    id = "conditioning.rescorla-wagner"
    title = "Rescorla-Wagner: acquisition, blocking, overshadowing, inhibition, extinction"
    chapter = 3
    summary = ("One error-correcting rule, each CS present changing by its salience times "
               "the US's surprise (lambda minus the summed prediction), gives the "
               "negatively accelerated learning curve, Kamin's blocking, overshadowing, "
               "conditioned inhibition and geometric extinction.")
    Params = RescorlaWagnerParams
    quick = MappingProxyType({"n_subjects": 2})
    stochastic = False
    main_metric = "v_acquisition_10"
    citations = (cite("rescorla1972"), cite("kamin1969"), cite("rescorla1969"),
                 cite("bush1951"))
    mutations = (
        Mutation(name="alpha beta 0.1 -> 0.2 (beta_us 0.5 -> 1.0): acquisition too fast",
                 value=1.0, param="beta_us"),
        Mutation(name="summed error -> individual error (Bush-Mosteller): no blocking, no "
                      "inhibition", value="individual", param="error_term"),
        Mutation(name="alpha beta_0 0.1 -> 0.05 (beta_no_us 0.5 -> 0.25): extinction too "
                      "slow", value=0.25, param="beta_no_us"),
        Mutation(name="alpha_B 0.1 -> 0.2: no overshadowing asymmetry", value=0.2,
                 param="alpha_b"),
    )

    def resources(self, params: RescorlaWagnerParams) -> Resources:
        """One epoch per trial of the six designs, a few strengths per subject."""
        p = params
        trials = (p.n_acquisition + p.n_extinction + p.n_pretraining + p.n_compound
                  + 2 * p.n_inhibition + 20)
        return Resources(memory_bytes=8.0 * p.n_subjects * trials * 16 + 1e6,
                         steps=float(trials), work=float(trials) * p.n_subjects * 8,
                         drivers=("n_subjects", "n_inhibition", "n_acquisition"),
                         detail=f"about {trials} trials of {p.n_subjects} subjects")

    def run(self, params: RescorlaWagnerParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        p = params
        protos = protocols(p)
        records = [Record("rw", "rw", "cells")]  # every cell: cr, error, V_A, V_X, V_B
        raw = run_protocol(Circuit((region(p),), settle=1), protos["acquisition"],
                           groups={k: Group((), v) for k, v in protos.items()},
                           record=records, seed=seed, n_subjects=p.n_subjects)
        progress(1, 1)
        k, lam = p.suppression_gain, p.us_intensity

        def s(group: str, session_name: str, var: str) -> np.ndarray:
            return _series(raw, group, session_name, var)

        acq_v, acq_cr = s("acquisition", "acquisition", "A"), s("acquisition",
                                                                   "acquisition", "cr")
        ext_v, ext_cr = s("acquisition", "extinction", "A"), s("acquisition",
                                                                 "extinction", "cr")
        blk = ("blocking", "blocking control")
        comp_vx = np.stack([s(g, "compound", "X") for g in blk])
        comp_va = np.stack([s(g, "compound", "A") for g in blk])
        test_cr = np.stack([s(g, "test", "cr")[:, 0] for g in blk])
        pre_va = s("blocking", "pretraining", "A")
        ov_va, ov_vb = s("overshadowing", "compound", "A"), s("overshadowing", "compound",
                                                                  "B")
        alone_vb = s("B alone", "compound", "B")
        ov_test = np.stack([s("overshadowing", "test", "cr")[:, 0],
                            s("overshadowing", "test", "cr")[:, 1],
                            s("B alone", "test", "cr")[:, 0]])
        inh_va, inh_vx = s("inhibition", "training", "A"), s("inhibition", "training",
                                                                 "X")
        inh_cr = s("inhibition", "training", "cr")
        inh_test = s("inhibition", "test", "cr")
        one = {"units": "1 (US intensity)"}
        sr = {"units": "1", "long_name": "suppression ratio B / (A + B)"}
        subj = np.arange(p.n_subjects)
        return xr.Dataset(
            {"acq_v": (("subject", "acq_trial"), acq_v, {**one, "long_name":
                                                          "V_A after each A+ trial"}),
             "acq_cr": (("subject", "acq_trial"), acq_cr, {**one, "long_name":
                                                            "CR (prediction) on each A+ "
                                                            "trial, before its US"}),
             "acq_sr": (("subject", "acq_trial"), suppression_ratio(acq_cr, k, lam), sr),
             "ext_v": (("subject", "ext_trial"), ext_v, {**one, "long_name":
                                                          "V_A after each A- trial"}),
             "ext_cr": (("subject", "ext_trial"), ext_cr, one),
             "ext_sr": (("subject", "ext_trial"), suppression_ratio(ext_cr, k, lam), sr),
             "pre_v_a": (("subject", "pre_trial"), pre_va, one),
             "comp_v_x": (("design", "subject", "comp_trial"), comp_vx, {
                 **one, "long_name": "V_X after each AX+ trial"}),
             "comp_v_a": (("design", "subject", "comp_trial"), comp_va, one),
             "test_cr": (("design", "subject"), test_cr, {**one, "long_name":
                                                          "CR to X alone at the test"}),
             "test_sr": (("design", "subject"), suppression_ratio(test_cr, k, lam), {
                 **sr, "long_name": "suppression ratio to X alone at the test"}),
             "ov_v_a": (("subject", "comp_trial"), ov_va, one),
             "ov_v_b": (("subject", "comp_trial"), ov_vb, one),
             "alone_v_b": (("subject", "comp_trial"), alone_vb, one),
             "ov_test_cr": (("ov_test", "subject"), ov_test, one),
             "ov_test_sr": (("ov_test", "subject"), suppression_ratio(ov_test, k, lam), sr),
             "inh_v_a": (("subject", "inh_trial"), inh_va, one),
             "inh_v_x": (("subject", "inh_trial"), inh_vx, one),
             "inh_cr": (("subject", "inh_trial"), inh_cr, one),
             "inh_test_cr": (("subject", "inh_test"), inh_test, one)},
            coords={"subject": subj,
                    "acq_trial": np.arange(1, p.n_acquisition + 1),
                    "ext_trial": np.arange(1, p.n_extinction + 1),
                    "pre_trial": np.arange(1, p.n_pretraining + 1),
                    "comp_trial": np.arange(1, p.n_compound + 1),
                    "inh_trial": np.arange(1, 2 * p.n_inhibition + 1),
                    "design": list(blk),
                    "ov_test": ["A (after AB+)", "B (after AB+)", "B (after B+)"],
                    "inh_test": ["AX-", "X-"]},
            attrs={"us_intensity": lam, "suppression_gain": k,
                   "n_pretraining": p.n_pretraining, "n_compound": p.n_compound,
                   "error_term": p.error_term})

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        def mean(x: xr.DataArray) -> float:
            return float(x.mean("subject"))

        with np.errstate(divide="ignore", invalid="ignore"):  # V = 0 (alpha 0): NaN ratios
            return self._metrics(ds, mean)

    def _metrics(self, ds: xr.Dataset, mean: Any) -> dict[str, float]:

        out: dict[str, float] = {}
        for n in ACQ_TRIALS:
            out[f"v_acquisition_{n}"] = mean(ds.acq_v.sel(acq_trial=n))
        v0 = ds.acq_v.isel(acq_trial=-1)
        for n in EXT_TRIALS:
            out[f"extinction_ratio_{n}"] = mean(ds.ext_v.sel(ext_trial=n) / v0)
        vx = ds.comp_v_x.isel(comp_trial=-1)
        out["v_x_blocked"] = mean(vx.sel(design="blocking"))
        out["v_x_control"] = mean(vx.sel(design="blocking control"))
        out["suppression_ratio_blocked"] = mean(ds.test_sr.sel(design="blocking"))
        out["suppression_ratio_control"] = mean(ds.test_sr.sel(design="blocking control"))
        a, b = ds.ov_v_a.isel(comp_trial=-1), ds.ov_v_b.isel(comp_trial=-1)
        out["overshadowing_v_a_over_v_b"] = mean(a / b)
        out["overshadowing_b_compound_over_alone"] = mean(
            b / ds.alone_v_b.isel(comp_trial=-1))
        out["inhibition_v_x"] = mean(ds.inh_v_x.isel(inh_trial=-1))
        out["inhibition_v_a"] = mean(ds.inh_v_a.isel(inh_trial=-1))
        return out

    def targets(self, params: RescorlaWagnerParams) -> tuple[Target, ...]:
        p = params
        exact = ("the closed form is exact for the rule; 1e-9 allows for float64 "
                 "rounding over the trials (measured error < 1e-14)")
        rw = f"{_RW} (the rule's closed form, typed here)"
        acq = tuple(
            Target(f"v_acquisition_{n}", v, 1e-9, kind="theory",
                   source=f"{rw}: V_n = lambda [1 - (1 - alpha beta)^n] at alpha beta 0.1, "
                          f"lambda 1: V_{n} = {v:.4f}",
                   reason=exact, description=f"V_A after {n} A+ trials")
            for n, v in zip(ACQ_TRIALS, ACQ_VALUES, strict=True))
        ext = tuple(
            Target(f"extinction_ratio_{n}", v, 1e-9, kind="theory",
                   source=f"{rw}: V_n = V_0 (1 - alpha beta_0)^n at alpha beta_0 0.1: "
                          f"{v:.4f}",
                   reason=exact, description=f"V_A after {n} A- trials / V_A before "
                                             "extinction")
            for n, v in zip(EXT_TRIALS, EXT_VALUES, strict=True))
        blocked = blocking_closed_form(p.n_pretraining, p.n_compound)
        control = blocking_closed_form(0, p.n_compound)
        ratio_b = overshadowing_closed_form(p.n_compound)
        return (*acq, *ext,
                Target("v_x_blocked", blocked, 1e-9, kind="theory",
                       source=f"{rw}: V_X = alpha_X / (alpha_A + alpha_X) (lambda - V_A^0) "
                              f"[1 - (1 - (alpha_A + alpha_X) beta)^n2] at alpha beta 0.1, "
                              f"{p.n_pretraining} A+ then {p.n_compound} AX+ trials",
                       reason=exact, description="blocking: V_X after A+ pretraining and "
                                                 "AX+ compound trials (about 0)"),
                Target("v_x_control", control, 1e-9, kind="theory",
                       source=f"{rw}: the same with V_A^0 = 0 ({p.n_compound} AX+ trials "
                              "only)",
                       reason=exact, description="blocking control: V_X after AX+ trials "
                                                 "only"),
                Target("suppression_ratio_blocked", 0.4, 0.0, compare="at_least",
                       kind="published",
                       source=f"{_KAMIN}: rats pretrained on one CS learned virtually "
                              "nothing about a second CS added to it (blocking; shape: "
                              "the chapter's group values not read here)",
                       reason="'virtually nothing' read as a suppression ratio within 0.1 "
                              "of no suppression (0.5); deterministic model, no seed "
                              "spread; the suppression map is chosen "
                              "(suppression_gain)",
                       description="suppression ratio to X alone after A+ then AX+"),
                Target("suppression_ratio_control", 0.2, 0.0, compare="at_most",
                       kind="published",
                       source=f"{_KAMIN}: without pretraining the added CS conditions in "
                              "the compound (the control of blocking; shape)",
                       reason="strong suppression read as a ratio at most 0.2 (well below "
                              "0.5); deterministic; depends on the chosen map",
                       description="suppression ratio to X alone after AX+ only"),
                Target("overshadowing_v_a_over_v_b", 2.0, 1e-9, kind="theory",
                       source=f"{rw}: in an AB+ compound both CSs share one error, so "
                              "V_A / V_B = alpha_A / alpha_B = 0.2 / 0.1 from zero",
                       reason=exact, description="overshadowing: V_A / V_B after AB+ "
                                                 "trials"),
                Target("overshadowing_b_compound_over_alone", ratio_b, 1e-9, kind="theory",
                       source=f"{rw}: V_B(AB+) / V_B(B+) = alpha_B / (alpha_A + alpha_B) "
                              "[1 - (1 - (alpha_A + alpha_B) beta)^n] / [1 - (1 - alpha_B "
                              f"beta)^n], n = {p.n_compound}, alpha beta 0.1 and 0.05",
                       reason=exact, description="overshadowing: B learns less in the "
                                                 "compound than alone"),
                Target("inhibition_v_x", -LAMBDA, 0.01, kind="theory",
                       source=f"{rw}; Rescorla 1969: with A+ and AX- interleaved the only "
                              "strengths with both errors zero are V_A = lambda, V_X = "
                              "-lambda",
                       reason="the approach to the fixed point is geometric (the A+ / AX- "
                              "map has eigenvalue moduli 0.96 and 0.75 at alpha beta 0.1): "
                              "after 150 pairs the distance is 0.0025; 0.01 allows for it",
                       description="conditioned inhibition: V_X after A+ / AX- training"),
                Target("inhibition_v_a", LAMBDA, 0.01, kind="theory",
                       source=f"{rw}: the same fixed point, V_A = lambda",
                       reason="as for V_X (distance 0.0017 after 150 pairs)",
                       description="conditioned inhibition: V_A after A+ / AX- training"),
                )
