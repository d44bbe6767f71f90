"""VOR adaptation: the gain learns in the cerebellar cortex, then moves to the nucleus.

``cerebellum.motor-adaptation``
    Reproduces: adaptation of the vestibulo-ocular reflex (VOR) gain to lenses, and the
    shift of its memory from the cerebellar cortex to the vestibular nucleus. Cats
    rotated for 60 min while viewing the world through lenses learned a decrease of the
    VOR gain; blocking the cerebellar cortex (CNQX) "immediately after 60 min of
    rotation" returned the gain to its baseline value, but "after learning had
    continued for 3 d, expression of the learned change was diminished only slightly by
    blockade" (Kassardjian et al. 2005, J. Neurosci. 25:7979, abstract): learning in the
    cortex first, and in a second site -- the vestibular nucleus, the mossy-fibre site
    of Raymond, Lisberger & Mauk (1996) -- with consolidation. The gain moves toward the
    value that abolishes retinal slip, the lens magnification (Miles & Lisberger 1981).

    The model's prediction beside a published result it does not match: with PF-LTD
    blocked the model adapts hardly at all (its only error-driven cortical plasticity is
    LTD), whereas three mutant mice lacking the expression of PF-LTD "show no motor
    learning impairment", VOR adaptation included (Schonewille et al. 2011, Neuron 70:43,
    abstract): the model is a Marr-Albus-Ito model, and the mutants show that such
    models miss the other cortical plasticities (LTP, intrinsic and interneuron
    plasticity) that compensate. The check on it is of kind ``consistency`` (the model's
    own prediction); the figure draws both.

    Model: :class:`engramlab.circuits.cerebellum.Cerebellum` in mode ``"head"``
    (push-pull head velocity in the mossy fibres and parallel fibres, the climbing
    fibre driven by retinal slip, PF-Purkinje LTD / LTP within a 100-ms window, the
    mossy-fibre -> vestibular-nucleus collateral learning from the Purkinje cell's
    learned modulation), fed by a :class:`~engramlab.circuits.Sensory` region through
    the ``head-mossy`` and ``vision-climbing`` pathways. Protocol: a baseline VOR test
    in darkness (10 s of 1-Hz rotation), then per day rotation under x0.5 lenses in
    10-min blocks (60 min on day 1; 6 h on days 2 and 3, the lenses worn while the
    learning continues) and a test in darkness. Groups: control; PF-LTD blocked
    throughout (``ScaleLearning(0)``, the mutants); and two branches tested with the
    cortex blocked (``Gain(0)`` on the Purkinje output) after day 1 and after day 3.

    Read-outs: the VOR gain :math:`-\\langle e h\\rangle / \\langle h^2\\rangle` in the dark
    tests; the cortex's share of the gain, :math:`-\\gamma \\langle P h\\rangle /
    \\langle h^2\\rangle` from the Purkinje trace, and the nucleus's, the rest.

    What differs: a rate model at one frequency (no phase, no frequency dependence); the
    cats' CNQX block was partial, the model's block of the Purkinje output total; the
    training schedule of days 2-3 is chosen; the model has no random element (the same
    numbers on every seed).
"""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np
import xarray as xr
from pydantic import model_validator

from engramlab.circuits import (
    Circuit,
    Gain,
    Group,
    OneToOne,
    Pathway,
    Record,
    ScaleLearning,
    Scheduled,
    Sensory,
    run_protocol,
)
from engramlab.circuits.cerebellum import Cerebellum, vor_gain
from engramlab.core import Params, Target, cite, param
from engramlab.experiments._registry import register
from engramlab.experiments.base import (
    Experiment,
    Mutation,
    ProgressFn,
    Resources,
    broken_rule,
    no_progress,
)
from engramlab.protocol import (
    During,
    Protocol,
    Session,
    epoch,
    minutes,
    repeat,
    seconds,
    session,
    trial,
)

_KAS = "Kassardjian et al. 2005"
_SCH = "Schonewille et al. 2011"
_ML = "Miles & Lisberger 1981"
N_DAYS = 3  #: days of training before the late blockade (Kassardjian et al. 2005)
TEST_S = 10.0  #: duration of a VOR test in darkness (s)
#: Schonewille et al. 2011 (abstract): the three LTD-expression mutants adapt as wild
#: types do -- drawn as a learned change equal to the control's.
SCHONEWILLE_RATIO = 1.0


class MotorAdaptationParams(Params):
    """Parameters of ``cerebellum.motor-adaptation`` (defaults: the full preset)."""

    n_subjects: int = param(4, unit="1", ge=1, le=50, doc="Animals per group.",
                            source="chosen: the model is deterministic")
    magnification: float = param(0.5, unit="1", gt=0.0, le=4.0,
                                 doc="Lens magnification M, the target gain.",
                                 source=f"{_KAS}: gain-down training (x0.5 lenses here)")
    day1_min: float = param(60.0, unit="min", ge=1.0, le=420.0,
                            doc="Training on day 1.", source=f"{_KAS} (60 min)")
    later_min: float = param(360.0, unit="min", ge=1.0, le=420.0,
                             doc="Training on each of days 2 and 3.",
                             source="chosen: the learning 'continued for 3 d' "
                                    f"({_KAS}); hours of head movement under lenses")
    block_min: float = param(5.0, unit="min", ge=1.0, le=60.0,
                             doc="Length of one training epoch (block).",
                             source="chosen: weights change by a few % per block")
    dt_ms: float = param(5.0, unit="ms", ge=1.0, le=20.0, doc="Time step of the region.",
                         source="chosen: 200 steps per 1-Hz cycle; it must divide the "
                                "rotation period")
    frequency_hz: float = param(1.0, unit="Hz", ge=0.5, le=5.0,
                                doc="Head rotation frequency f.",
                                source="chosen: within the 0.5-2 Hz of VOR studies")
    window_ms: float = param(100.0, unit="ms", ge=1.0, le=1000.0,
                             doc="Eligibility window W of PF-LTD.",
                             source="chosen: 50-150 ms in VOR models")
    ltd_rate: float = param(2.5e-3, unit="1/(activity s)", ge=0.0, le=1.0,
                            doc="PF-LTD rate eta-.",
                            source="chosen: a gain change within an hour")
    ltp_rate: float = param(2.5e-4, unit="1/(activity s)", ge=0.0, le=1.0,
                            doc="PF-LTP rate eta+.",
                            source="chosen: balances LTD at the resting CF rate "
                                   "(eta+ = eta- r0 W) so naive weights do not drift")
    cf_slip_hz: float = param(4.0, unit="Hz", ge=0.0, le=100.0,
                              doc="Climbing-fibre modulation by retinal slip kappa.",
                              source="chosen: a modulation of a few Hz around 1 Hz "
                                     "(complex spikes)")
    nucleus_rate: float = param(7e-5, unit="1/(activity s)", ge=0.0, le=1.0,
                                doc="Mossy fibre -> vestibular nucleus learning rate.",
                                source="chosen: about 30x slower than the cortex, fit to "
                                       f"the 1-h vs 3-d blockade of {_KAS}")


    @model_validator(mode="after")
    def _cycles(self) -> MotorAdaptationParams:
        period = 1000.0 / self.frequency_hz
        k = period / self.dt_ms
        if abs(k - round(k)) > 1e-9 * k:
            raise broken_rule(self, ("dt_ms", "frequency_hz"), (
                f"must divide the rotation period ({period:g} ms) into whole steps"))
        for t_s in (TEST_S, 60.0 * self.block_min):
            c = t_s * self.frequency_hz
            if abs(c - round(c)) > 1e-9 * c:
                raise broken_rule(self, ("frequency_hz", "block_min"), (
                    f"must give whole head-rotation cycles in every epoch ({t_s:g} s at "
                    f"{self.frequency_hz:g} Hz is {c:g} cycles)"))
        return self


def _ratio(a: float, b: float) -> float:
    """``a / b``, NaN where nothing was learned (``b`` = 0): a check fails on it."""
    return float(a / b) if b != 0 and np.isfinite(a) and np.isfinite(b) else math.nan


def _test(name: str, day: float) -> Session:
    return session(name, (trial("test", epoch("dark", seconds(TEST_S), head=1.0)),),
                   day=day)


def _sessions(p: MotorAdaptationParams, days: int) -> list[Session]:
    out = [_test("baseline", 0.0)]
    for d in range(1, days + 1):
        total = p.day1_min if d == 1 else p.later_min
        n = max(1, round(total / p.block_min))
        out.append(session(f"day {d} training", repeat(trial("block", epoch(
            "rotation", minutes(p.block_min), head=1.0, vision=p.magnification)), n),
            day=d - 1 + 0.1))
        out.append(_test(f"day {d} test", d - 1 + 0.5))
    return out


def protocol(p: MotorAdaptationParams) -> Protocol:
    """Baseline, then each day's training under lenses and a test in darkness."""
    return Protocol.of(*_sessions(p, N_DAYS))


def blocked_protocol(p: MotorAdaptationParams, day: int) -> Protocol:
    """Training up to day ``day``, then a test with the cortex blocked."""
    s = _sessions(p, day)
    return Protocol.of(*s[:-1], _test(f"day {day} blocked test", day - 1 + 0.5))


def circuit(p: MotorAdaptationParams) -> tuple[Circuit, Cerebellum]:
    """Senses (head rotation, vision) -> the flocculus and vestibular nucleus."""
    cb = Cerebellum(mode="head", n_mossy=2, n_granule=2, step_ms=p.dt_ms,
                    window_ms=p.window_ms, ltd_rate=p.ltd_rate, ltp_rate=p.ltp_rate,
                    w_init=0.5, nucleus_rate=p.nucleus_rate, nucleus_init=1.0,
                    nucleus_max=4.0, purkinje_weight=1.0, cf_rest_hz=1.0,
                    cf_slip_hz=p.cf_slip_hz, frequency_hz=p.frequency_hz)
    senses = Sensory("senses", (("head", cb.n_mossy), ("vision", cb.n_climbing)),
                     coding=1.0, context_cells=1)
    return Circuit((senses, cb),
                   (Pathway("head-mossy", "senses.head", "cerebellum.mossy", OneToOne()),
                    Pathway("vision-climbing", "senses.vision", "cerebellum.climbing",
                            OneToOne())), settle=1), cb


GROUPS = ("control", "PF-LTD blocked", "cortex blocked, day 1", f"cortex blocked, day "
          f"{N_DAYS}")


@register
class MotorAdaptation(Experiment[MotorAdaptationParams]):
    id = "cerebellum.motor-adaptation"
    title = "VOR adaptation: fast cortical learning, slow transfer to the vestibular nucleus"
    chapter = 3
    summary = ("Motor learning in the cerebellum: viewing the world through lenses, the "
               "VOR gain adapts toward the magnification, first through PF-Purkinje LTD "
               "driven by retinal slip, then, over days, in the vestibular nucleus, where "
               "a cortical blockade no longer undoes it; the model needs PF-LTD, which "
               "LTD-deficient mutant mice do not.")
    Params = MotorAdaptationParams
    quick = MappingProxyType({"n_subjects": 2, "block_min": 10.0, "dt_ms": 10.0})
    stochastic = False
    citations = (cite("kassardjian2005"), cite("raymond1996"), cite("schonewille2011"),
                 cite("miles1981"), cite("medina1999"))
    mutations = (
        Mutation(name="eligibility window 100 -> 1 ms (under one step): no PF-LTD, "
                 "no error learning", value=1.0, param="window_ms"),
        Mutation(name="mossy fibre -> nucleus learning 7e-5 -> 0: no transfer",
                 value=0.0, param="nucleus_rate"),
        Mutation(name="climbing fibre blind to retinal slip (kappa 4 -> 0 Hz)",
                 value=0.0, param="cf_slip_hz"),
    )

    def resources(self, params: MotorAdaptationParams) -> Resources:
        """One simulated rotation cycle per block of training, for every group."""
        p = params
        blocks = 4 * (p.day1_min + 2 * p.later_min + 60.0) / p.block_min
        steps = blocks * 1000.0 / p.frequency_hz / p.dt_ms
        return Resources(memory_bytes=8.0 * p.n_subjects * steps * 8 + 1e6,
                         steps=float(steps), work=float(steps) * p.n_subjects * 64,
                         drivers=("n_subjects", "block_min", "dt_ms", "day1_min", "later_min"),
                         detail=f"about {blocks:.0f} blocks of one cycle")

    def run(self, params: MotorAdaptationParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        p = params
        circ, cb = circuit(p)
        pr = protocol(p)
        groups = {
            "control": Group((), pr),
            "PF-LTD blocked": Group((Scheduled("cerebellum", ScaleLearning(0.0),
                                               During()),), pr),
        }
        for d in (1, N_DAYS):
            groups[f"cortex blocked, day {d}"] = Group(
                (Scheduled("cerebellum", Gain(0.0, "purkinje"),
                           During(session=f"day {d} blocked test")),),
                blocked_protocol(p, d))
        ds = run_protocol(circ, pr, groups=groups, seed=seed, n_subjects=p.n_subjects,
                          record={"eye": Record("eye", "cerebellum.output", "trace"),
                                  "purkinje": Record("purkinje", "cerebellum.purkinje",
                                                     "trace")})
        progress(1, 1)
        dt = float(ds.eye.attrs["dt_ms"])
        n = round(1000.0 / p.frequency_hz / dt)
        head = np.sin(2 * np.pi * p.frequency_hz * np.arange(n) * dt / 1000.0)
        tests = ["baseline", *(f"day {d} test" for d in range(1, N_DAYS + 1))]
        gain = np.full((2, p.n_subjects, len(tests)), np.nan)
        cortex = np.full_like(gain, np.nan)
        for gi, g in enumerate(("control", "PF-LTD blocked")):
            sub = ds.sel(group=g)
            for k, name in enumerate(tests):
                ev = next(e for e in sub.event.values if str(e).startswith(f"{name}/"))
                eye = sub.eye.sel(event=ev).values[:, :n]
                pk = sub.purkinje.sel(event=ev).values[:, :n]
                gain[gi, :, k] = vor_gain(eye, head)
                cortex[gi, :, k] = -cb.purkinje_weight * (pk * head).sum(-1) / (
                    head * head).sum()
        blocked = np.full((2, p.n_subjects), np.nan)
        for k, d in enumerate((1, N_DAYS)):
            sub = ds.sel(group=f"cortex blocked, day {d}")
            ev = next(e for e in sub.event.values if str(e).startswith(f"day {d} blocked test/"))
            blocked[k] = vor_gain(sub.eye.sel(event=ev).values[:, :n], head)
        return xr.Dataset(
            {"gain": (("genotype", "subject", "test"), gain, {
                "units": "1", "long_name": "VOR gain in darkness"}),
             "cortex_gain": (("genotype", "subject", "test"), cortex, {
                 "units": "1", "long_name": "cortical share of the gain (Purkinje)"}),
             "nucleus_gain": (("genotype", "subject", "test"), gain - cortex, {
                 "units": "1", "long_name": "nuclear share of the gain (MF -> VN)"}),
             "blocked_gain": (("block_day", "subject"), blocked, {
                 "units": "1", "long_name": "VOR gain with the cortex blocked"})},
            coords={"genotype": ["control", "PF-LTD blocked"],
                    "subject": np.arange(p.n_subjects),
                    "test": tests, "day": ("test", np.arange(len(tests), dtype=float),
                                           {"units": "d"}),
                    "block_day": ("block_day", np.array([1.0, float(N_DAYS)]),
                                  {"units": "d"})},
            attrs={"magnification": p.magnification,
                   "schonewille_ratio": SCHONEWILLE_RATIO})

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        g = ds.gain.mean("subject")
        m = float(ds.attrs["magnification"])
        c = g.sel(genotype="control").values
        ltd = g.sel(genotype="PF-LTD blocked").values
        b = ds.blocked_gain.mean("subject").values
        g0 = c[0]
        out = {f"gain_{t.replace(' ', '_')}": float(v) for t, v in
               zip(ds.test.values, c, strict=True)}
        out["converged_fraction"] = _ratio(g0 - c[-1], g0 - m)
        out["retained_blocked_day1"] = _ratio(g0 - b[0], g0 - c[1])
        out[f"retained_blocked_day{N_DAYS}"] = _ratio(g0 - b[1], g0 - c[-1])
        out["ltd_block_ratio"] = _ratio(ltd[0] - ltd[-1], g0 - c[-1])
        nuc = ds.nucleus_gain.mean("subject").sel(genotype="control").values
        out["nucleus_readout_error"] = float(max(abs(nuc[1] - b[0]), abs(nuc[-1] - b[1])))
        return out

    def targets(self, params: MotorAdaptationParams) -> tuple[Target, ...]:
        det = "the model has no random element: the same value on every seed"
        return (
            Target("converged_fraction", 1.0, 0.2, compare="abs", kind="published",
                   source=f"{_ML}: the VOR gain adapts toward the value that abolishes "
                          f"retinal slip, the lens magnification; {_KAS}: a learned "
                          "decrease with gain-down training",
                   reason="at least 80 % of the way to the magnification after 3 days "
                          "(adaptation in animals is often incomplete; no overshoot past "
                          f"20 %); {det}; quick 0.96",
                   description="(baseline - day-3 gain) / (baseline - magnification)"),
            Target("retained_blocked_day1", 0.0, 0.25, compare="at_most", kind="published",
                   source=f"{_KAS} (abstract): CNQX immediately after 60 min of training "
                          "returned the gain to its baseline value",
                   reason="'returned to baseline' read as at most a quarter of the learned "
                          f"change left under the block; {det}; quick 0.21",
                   description="learned change left with the cortex blocked after 60 min"),
            Target(f"retained_blocked_day{N_DAYS}", 1.0, 0.25, compare="at_least",
                   kind="published",
                   source=f"{_KAS} (abstract): after 3 d 'expression of the learned change "
                          "was diminished only slightly by blockade'",
                   reason="'only slightly' read as at least 75 % of the learned change "
                          f"left under the block; {det}; quick 0.95",
                   description="learned change left with the cortex blocked after 3 days"),
            Target("ltd_block_ratio", 0.0, 0.5, compare="at_most", kind="consistency",
                   source=f"the model's prediction: without PF-LTD the VOR hardly adapts "
                          f"(contradicted by {_SCH}: three LTD-expression mutants adapt "
                          "normally; drawn in the figure)",
                   reason=f"a reduction read as at most half the control's change; {det}; "
                          "quick 0.09",
                   description="learned change, PF-LTD blocked / control, after 3 days"),
            Target("nucleus_readout_error", 0.0, 1e-9, compare="abs", kind="consistency",
                   source="the model's linearity: the nucleus's share read from the "
                          "Purkinje trace equals the gain measured with the cortex blocked",
                   reason="floating-point agreement of two computations",
                   description="|activity read-out - blocked gain| after days 1 and 3"),
        )
