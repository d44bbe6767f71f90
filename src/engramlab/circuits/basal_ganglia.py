r"""Basal ganglia: an opponent (Go / NoGo) actor and a goal-directed controller with arbitration.

:class:`OpponentActor`
    The opponent actor learning model (OpAL) of Collins & Frank (2014, Psychol. Rev.
    121:337; the equations as written in published OpAL code, D. Hunt's and Jaskir &
    Frank's): a critic :math:`V(s)` and, per state and action, direct-pathway
    (D1, "Go") weights :math:`G` and indirect-pathway (D2, "NoGo") weights :math:`N`,
    both starting at 1,

    .. math::

        \delta = r - V(s),\qquad V(s) \leftarrow V(s) + \alpha_C\,\delta,

        G_{s,a} \leftarrow \big[G_{s,a} + \alpha_G\,G_{s,a}\,\delta'\big]_+,\qquad
        N_{s,a} \leftarrow \big[N_{s,a} + \alpha_N\,N_{s,a}\,(-\delta')\big]_+,

        \mathrm{Act}_{s,a} = \beta_G\,G_{s,a} - \beta_N\,N_{s,a},\qquad
        P(a \mid s) = \frac{e^{\mathrm{Act}_{s,a}}}{\sum_{b} e^{\mathrm{Act}_{s,b}}}

    (only the chosen action learns; the three-factor Hebbian form: the change is
    proportional to the weight, the pre/post activity, and the dopamine signal). The
    weights are kept non-negative (they are activities; as in the published OpAL code of
    Jaskir & Frank). The defaults (:math:`\alpha_C = \alpha_G = \alpha_N = 0.1`,
    :math:`\beta = 1`, :math:`\rho = 0`) are chosen, of the order of the paper's
    simulations (its per-simulation values were not read here).
    **Phasic dopamine**: the actors read :math:`\delta' = b\,\delta` for
    :math:`\delta > 0` and :math:`d\,\delta` for :math:`\delta \le 0`, with
    ``(b, d) = ctx.dopamine()`` (the :class:`~engramlab.circuits.Dopamine` effect; 1 and 1
    without an intervention); the critic (ventral striatum / cortex) learns from the raw
    :math:`\delta`. **Tonic dopamine** shifts the balance of the two actors at choice:
    :math:`\beta_G = \beta (1 + \rho)`, :math:`\beta_N = \beta (1 - \rho)` with
    :math:`\rho \in [-1, 1]` (``rho``; 0 balanced, < 0 dopamine depleted, the paper's
    asymmetry parameter); the :class:`Dopamine` effect does not change :math:`\rho`.

    As a region, one epoch is one choice trial: the options offered are the option
    stimuli that are on, and **the intensity of an option's stimulus is the probability
    that choosing it is rewarded** (:math:`r = 1`, else 0); the state is the first of
    ``states`` whose stimulus is on (one state if ``states`` is empty); the actor learns
    only in epochs where the ``feedback`` stimulus is on (a test without feedback does not
    change it). Cells: ``choice`` (one-hot), ``go`` and ``nogo`` (the state's weights),
    ``value`` (:math:`V(s)` after the trial) and ``delta`` (:math:`\delta`). This is the
    form the probabilistic selection task of Frank, Seeberger & O'Reilly (2004) needs.

:class:`GoalDirected`
    Free-operant instrumental behaviour under two controllers and their arbitration, the
    session's response opportunities simulated inside each epoch (one every ``dt_ms``).

    *Habitual (model-free)*: an :class:`OpponentActor` (``habit``) over the actions
    ``press`` / ``other`` in the lever state, taught by :math:`r = U\,o - c\,\mathrm{press}`
    (:math:`o` = 1 when an outcome is delivered, :math:`U` its current value, :math:`c`
    the effort of a press); its press tendency is
    :math:`h = \mathrm{Act}_\mathrm{press} - \mathrm{Act}_\mathrm{other}`.

    *Goal-directed (model-based)*: it learns (i) the outcome's value :math:`U`, by
    incentive learning -- in an epoch where the outcome is consumed with the ``illness``
    stimulus on (a LiCl taste-aversion pairing), :math:`U \leftarrow U + \eta\,(u_\mathrm{ill}
    - U)` -- and (ii) the instrumental contingency from the experienced relation between
    response rate and outcome rate (Dickinson 1985; Dickinson, Nicholas & Adams 1983):
    over time samples of ``window_s`` seconds it keeps exponentially weighted moments
    (memory :math:`\lambda` per sample) of the presses :math:`b` and outcomes
    :math:`o` per sample, and estimates the outcomes one more press brings,

    .. math:: \hat k = \frac{[\mathrm{cov}(b, o)]_+}{\mathrm{var}(b) + 1},

    the slope of the experienced feedback function (the ``+ 1`` shrinks it to 0 while
    response rates have not varied). It evaluates pressing by the **current** value of
    its outcome, :math:`g = \beta_\mathrm{GD}\,(\hat k\,U - c)` (other behaviour: 0), so
    a devaluation acts at once, without new experience of pressing. On a ratio schedule
    every press has the same chance of an outcome, so :math:`\hat k` stays at 1/ratio at
    any response rate; on an interval schedule outcomes are set up by time and once the
    animal responds faster than they are set up more pressing earns almost nothing,
    :math:`\hat k \approx 0`: the weaker response-outcome correlation of interval
    schedules (Dickinson 1985) comes from the schedule itself, not from a label.

    *Arbitration* (a soft form of Daw, Niv & Dayan 2005): each controller's uncertainty
    about its action values; the habit's falls with practice (reinforced responses
    :math:`n`), the goal-directed controller's keeps a floor set by the noise of its
    computation,

    .. math::

        \sigma^2_\mathrm{MF}(n) = \frac{\sigma_0^2}{1 + n/\kappa},\qquad
        \sigma^2_\mathrm{MB} = \text{const},\qquad
        w = \frac{1}{1 + (\sigma^2_\mathrm{MB}/\sigma^2_\mathrm{MF})^{\gamma}},

    :math:`w` the weight of the goal-directed controller (:math:`\gamma \to \infty`: Daw
    et al.'s rule, the less uncertain controller wins outright; :math:`\gamma = 1`:
    precision weighting). Here :math:`\sigma_0^2 = 1` and ``mb_uncertainty`` is
    :math:`\sigma^2_\mathrm{MB}/\sigma^2_0`. The press probability at an opportunity is

    .. math:: P(\mathrm{press}) = \sigma\big(\theta + w\,g + (1 - w)\,h + e\big),

    with :math:`\theta` the operant level (log odds of pressing before any training) and
    :math:`e` = 0 in a time sample where the animal is engaged with the lever
    (probability ``engaged``) and ``disengaged_logit`` otherwise: responding comes in
    bouts, which is what gives time samples different response rates. With
    ``arbitration=False`` the goal-directed controller has the weight 1 always.

    *Reaction time* (Keramati, Dezfouli & Piray 2011: the goal-directed process is slow,
    the habitual one fast): a press is a deliberated (goal-directed) one with probability
    :math:`w` and takes :math:`t_\mathrm{motor} + t_\mathrm{search}`, else
    :math:`t_\mathrm{motor}`; so performance rises and speeds up with practice.

    Schedules are named stimuli (``schedules``: name -> :class:`RandomRatio` /
    :class:`RandomInterval`): an epoch with the ``lever`` stimulus on and a schedule's
    stimulus on delivers outcomes by that schedule; with the lever on and no schedule, none
    (extinction). A schedule with ``cap`` ends the session (the lever is withdrawn) once a
    subject has earned ``cap`` outcomes in the epoch. Activity per epoch: ``presses_per_min``
    (over the time the lever was available), ``outcomes`` (count), ``rt_ms`` (mean reaction
    time of the presses; 0 without presses), ``goal_weight`` (:math:`w` at the end),
    ``contingency`` (:math:`\hat k`), ``outcome_value`` (:math:`U`), ``go`` / ``nogo``
    (press, other) and ``value`` (the critic).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from engramlab.circuits._circuit import Circuit
from engramlab.circuits._region import (
    Dopamine,
    Region,
    StepContext,
    cell_mask,
    register_effect,
)
from engramlab.core.errors import ParameterError

__all__ = ["GoalDirected", "OpponentActor", "RandomInterval", "RandomRatio", "arbitration_weight",
           "habit_circuit", "opal_update"]

Array = np.ndarray


def _num(field: str, v: Any, *, lo: float | None = None, hi: float | None = None,
         gt: float | None = None) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ParameterError(field, "must be a finite number", v)
    if lo is not None and v < lo:
        raise ParameterError(field, f"must be >= {lo:g}", v)
    if hi is not None and v > hi:
        raise ParameterError(field, f"must be <= {hi:g}", v)
    if gt is not None and not v > gt:
        raise ParameterError(field, f"must be > {gt:g}", v)
    return float(v)


def _names(field: str, v: Any, *, allow_empty: bool = False) -> tuple[str, ...]:
    t = tuple(v) if isinstance(v, (tuple, list)) else None
    if t is None or (not t and not allow_empty) or not all(isinstance(x, str) and x for x in t) \
            or len(set(t)) != len(t):
        raise ParameterError(field, "must be distinct non-empty names" if allow_empty else
                             "must be at least one distinct non-empty name", v)
    return t


def opal_update(v: Array, g: Array, n: Array, r: Array, *, alpha_c: float, alpha_g: float,
                alpha_n: float, burst: float = 1.0, dip: float = 1.0
                ) -> tuple[Array, Array, Array, Array]:
    r"""One OpAL step for the chosen actions (module docstring; Collins & Frank 2014).

    ``v``, ``g``, ``n``, ``r``: the critic value of the state, the chosen action's Go and
    NoGo weights and the reward, one per subject. Returns the new ``(v, g, n)`` and
    :math:`\delta`; the actors learn from the dopamine-scaled :math:`\delta'`.
    """
    delta = r - v
    d = np.where(delta > 0, burst * delta, dip * delta)
    return (v + alpha_c * delta, np.maximum(g + alpha_g * g * d, 0.0),
            np.maximum(n - alpha_n * n * d, 0.0), delta)


def arbitration_weight(n_reinforced: Array | float, *, kappa: float, mb_uncertainty: float,
                       sharpness: float) -> Array:
    r"""Weight :math:`w` of the goal-directed controller after ``n_reinforced`` outcomes.

    :math:`w = 1 / (1 + (\sigma^2_\mathrm{MB} / \sigma^2_\mathrm{MF}(n))^\gamma)` with
    :math:`\sigma^2_\mathrm{MF}(n) = 1 / (1 + n/\kappa)` (module docstring; a soft form of
    Daw, Niv & Dayan 2005). ``kappa = inf``: the habit never becomes reliable.
    """
    n = np.asarray(n_reinforced, float)
    ratio = mb_uncertainty * (1.0 + (n / kappa if math.isfinite(kappa) else 0.0 * n))
    return 1.0 / (1.0 + ratio ** sharpness)


@dataclasses.dataclass(frozen=True)
class OpponentActor(Region):
    """The opponent actor learning (OpAL) model as a choice region (module docstring).

    Examples
    --------
    A choice between A (rewarded with probability 0.8) and B (0.2), with feedback on
    every trial: the subjects come to choose A.

    >>> from engramlab.circuits import Circuit, Record, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, repeat, session, trial
    >>> actor = OpponentActor("striatum", options=("A", "B"))
    >>> dict(actor.groups)
    {'choice': 2, 'go': 2, 'nogo': 2, 'value': 1, 'delta': 1}
    >>> choose = trial("AB", epoch("choice", 1000, A=0.8, B=0.2, feedback=1.0))
    >>> ds = run_protocol(Circuit((actor,), settle=1),
    ...                   Protocol.of(session("training", repeat(choose, 100))),
    ...                   record={"choice": Record("choice", "striatum.choice", "cells")},
    ...                   seed=0, n_subjects=20)
    >>> chose_a = ds.choice.sel(group="control")[..., 0]  # (subject, trial): cell A
    >>> float(chose_a[:, :10].mean()), float(chose_a[:, -10:].mean())  # first, last 10
    (0.565, 0.965)
    """

    name: str
    options: tuple[str, ...]
    states: tuple[str, ...] = ()
    alpha_c: float = 0.1
    alpha_g: float = 0.1
    alpha_n: float = 0.1
    beta: float = 1.0
    rho: float = 0.0
    feedback: str = "feedback"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or "." in self.name:
            raise ParameterError("opponent_actor.name", "must be a non-empty name without "
                                 "'.'", self.name)
        object.__setattr__(self, "options", _names(f"{self.name}.options", self.options))
        if len(self.options) < 2:
            raise ParameterError(f"{self.name}.options", "must name at least two actions",
                                 self.options)
        object.__setattr__(self, "states", _names(f"{self.name}.states", self.states,
                                                  allow_empty=True))
        for f in ("alpha_c", "alpha_g", "alpha_n"):
            _num(f"{self.name}.{f}", getattr(self, f), lo=0.0, hi=1.0)
        _num(f"{self.name}.beta", self.beta, lo=0.0)
        _num(f"{self.name}.rho", self.rho, lo=-1.0, hi=1.0)

    @property
    def beta_g(self) -> float:
        """:math:`\\beta_G = \\beta (1 + \\rho)`."""
        return self.beta * (1.0 + self.rho)

    @property
    def beta_n(self) -> float:
        """:math:`\\beta_N = \\beta (1 - \\rho)`."""
        return self.beta * (1.0 - self.rho)

    @property
    def groups(self) -> Mapping[str, int]:
        """Cells: choice, go, nogo (one per option), value, delta."""
        k = len(self.options)
        return {"choice": k, "go": k, "nogo": k, "value": 1, "delta": 1}

    def cell_set(self, state, name):
        """A group's cells (no tagged sets)."""
        return cell_mask(self, state["v"].shape[0], {}, name)

    @property
    def n_states(self) -> int:
        """Critic states (1 when ``states`` is empty)."""
        return max(1, len(self.states))

    def init(self, n_subjects, rng):
        """Naive subjects: :math:`V = 0`, :math:`G = N = 1`."""
        k, s = len(self.options), self.n_states
        return {"v": np.zeros((n_subjects, s)), "g": np.ones((n_subjects, s, k)),
                "n": np.ones((n_subjects, s, k)), "alive": np.ones(n_subjects, bool)}

    def act(self, g: Array, n: Array) -> Array:
        """:math:`\\mathrm{Act} = \\beta_G G - \\beta_N N` (any shape)."""
        return self.beta_g * g - self.beta_n * n

    def step(self, state, inputs, ctx: StepContext):
        """One choice trial (module docstring)."""
        b = state["v"].shape[0]
        k = len(self.options)
        p_reward = np.array([ctx.span.intensity(o) for o in self.options])
        offered = p_reward > 0
        s = next((i for i, name in enumerate(self.states) if ctx.span.intensity(name) > 0), 0)
        out = np.zeros((b, 3 * k + 2))
        if ctx.sleeping or offered.sum() < 1 or not state["alive"].any():
            return state, out
        act = self.act(state["g"][:, s], state["n"][:, s])
        act = np.where(offered, act, -np.inf)
        act = act - act.max(axis=1, keepdims=True)
        p = np.exp(act)
        p /= p.sum(axis=1, keepdims=True)
        rng = ctx.rng
        a = (rng.random((b, 1)) > np.cumsum(p, axis=1)).sum(axis=1).clip(0, k - 1)
        r = (rng.random(b) < p_reward[a]).astype(float)
        idx = np.arange(b)
        v, g, n = state["v"].copy(), state["g"].copy(), state["n"].copy()
        delta = r - v[:, s]
        if ctx.span.intensity(self.feedback) > 0 and ctx.learning("all") > 0:
            burst, dip = ctx.dopamine()
            f = ctx.learning("all")
            nv, ng, nn, delta = opal_update(v[:, s], g[idx, s, a], n[idx, s, a], r,
                                            alpha_c=f * self.alpha_c, alpha_g=f * self.alpha_g,
                                            alpha_n=f * self.alpha_n, burst=burst, dip=dip)
            live = state["alive"]
            v[:, s] = np.where(live, nv, v[:, s])
            g[idx, s, a] = np.where(live, ng, g[idx, s, a])
            n[idx, s, a] = np.where(live, nn, n[idx, s, a])
        out[idx, a] = 1.0
        out[:, k:2 * k] = g[:, s]
        out[:, 2 * k:3 * k] = n[:, s]
        out[:, 3 * k] = v[:, s]
        out[:, 3 * k + 1] = delta
        out *= state["alive"][:, None]
        return {**state, "v": v, "g": g, "n": n}, out


# -- schedules ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RandomRatio:
    """Each press earns an outcome with probability ``1 / ratio`` (RR-``ratio``).

    Examples
    --------
    A 10-minute RR-10 session capped at 10 outcomes: a subject that earns them has the
    lever withdrawn.

    >>> from engramlab.circuits import habit_circuit, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, minutes, session, trial
    >>> circuit = habit_circuit({"RR": RandomRatio(10.0, cap=10)})
    >>> p = Protocol.of(session("training", trial("lever", epoch("lever", minutes(10),
    ...                                                          lever=1.0, RR=1.0))))
    >>> ds = run_protocol(circuit, p, record={"outcomes": "basal_ganglia.outcomes"}, seed=0,
    ...                   n_subjects=8)
    >>> ds.outcomes.values[0, :, 0].tolist()  # per subject
    [10.0, 0.0, 10.0, 10.0, 10.0, 10.0, 3.0, 10.0]
    """

    ratio: float
    cap: int | None = None

    def __post_init__(self) -> None:
        _num("random_ratio.ratio", self.ratio, lo=1.0)
        _cap(self.cap)


@dataclasses.dataclass(frozen=True)
class RandomInterval:
    """Outcomes are set up by time (RI-``mean_s``), one collected by the next press.

    An outcome is set up with probability ``dt / mean_s`` per step; at most one waits.

    Examples
    --------
    On RI-30 s the outcomes of a 10-minute session are set by the clock (about 20 set
    up), however fast a subject presses:

    >>> from engramlab.circuits import habit_circuit, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, minutes, session, trial
    >>> circuit = habit_circuit({"RI": RandomInterval(30.0)})
    >>> p = Protocol.of(session("training", trial("lever", epoch("lever", minutes(10),
    ...                                                          lever=1.0, RI=1.0))))
    >>> ds = run_protocol(circuit, p, seed=0, n_subjects=8, record={
    ...     "presses": "basal_ganglia.presses_per_min", "outcomes": "basal_ganglia.outcomes"})
    >>> (10 * ds.presses.values[0, :, 0]).round().tolist()  # presses of each subject
    [180.0, 221.0, 111.0, 149.0, 217.0, 171.0, 164.0, 161.0]
    >>> ds.outcomes.values[0, :, 0].tolist()  # its outcomes
    [16.0, 15.0, 15.0, 11.0, 17.0, 21.0, 17.0, 20.0]
    """

    mean_s: float
    cap: int | None = None

    def __post_init__(self) -> None:
        _num("random_interval.mean_s", self.mean_s, gt=0.0)
        _cap(self.cap)


Schedule = RandomRatio | RandomInterval


def _cap(cap: Any) -> None:
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
        raise ParameterError("schedule.cap", "must be None or an integer >= 1", cap)


_CELLS = (("presses_per_min", 1), ("outcomes", 1), ("rt_ms", 1), ("goal_weight", 1),
          ("contingency", 1), ("outcome_value", 1), ("go", 2), ("nogo", 2), ("value", 1))


@dataclasses.dataclass(frozen=True)
class GoalDirected(Region):
    """Goal-directed and habitual lever pressing with arbitration (module docstring).

    Examples
    --------
    Outcome devaluation after 10 minutes of RR-10 training: the outcome paired with
    illness (LiCl) loses value, and the goal-directed controller (weight 0.77 after
    this little training) lowers pressing at once, in an extinction test:

    >>> from engramlab.circuits import Circuit, Group, RandomRatio, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, minutes, session, trial
    >>> rr = Circuit((GoalDirected(schedules={"RR": RandomRatio(10.0)}),), settle=1)
    >>> train = session("training", trial("lever", epoch("lever", minutes(10), lever=1, RR=1)))
    >>> test = session("test", trial("extinction", epoch("lever", minutes(5), lever=1)), day=2)
    >>> def devaluation(illness):
    ...     pairing = epoch("pairing", minutes(1), outcome=1, illness=illness)
    ...     return Protocol.of(train, session("devaluation", trial("LiCl", pairing), day=1),
    ...                        test)
    >>> ds = run_protocol(rr, devaluation(1.0), seed=0, n_subjects=8,
    ...                   groups={"devalued": Group(), "control": Group((), devaluation(0.0))},
    ...                   record={"presses": "basal_ganglia.presses_per_min",
    ...                           "value": "basal_ganglia.outcome_value",
    ...                           "w": "basal_ganglia.goal_weight"})
    >>> ds.presses.sel(event="test/0/0:lever").mean("subject").round(1).to_series()
    group
    devalued    15.8
    control     23.2
    Name: presses, dtype: float64
    >>> ds.value.values[:, 0, -1].round(2).tolist(), round(float(ds.w[0, :, -1].mean()), 2)
    ([0.4, 1.0], 0.77)
    """

    name: str = "basal_ganglia"
    schedules: tuple[tuple[str, Schedule], ...] = (("RR", RandomRatio(10.0)),)
    habit: OpponentActor = OpponentActor("habit", ("press", "other"), alpha_c=0.03,
                                         alpha_g=0.03, alpha_n=0.03)
    lever: str = "lever"
    outcome: str = "outcome"
    illness: str = "illness"
    dt_ms: float = 1000.0
    beta_gd: float = 60.0
    press_cost: float = 0.005
    operant_level: float = -2.0
    window_s: float = 20.0
    memory: float = 0.9
    engaged: float = 0.7
    disengaged_logit: float = -3.0
    kappa: float = 140.0
    mb_uncertainty: float = 0.583
    sharpness: float = 3.0
    arbitration: bool = True
    aversion_rate: float = 0.6
    ill_value: float = 0.0
    motor_ms: float = 300.0
    search_ms: float = 400.0

    def __post_init__(self) -> None:
        nm = self.name
        if not isinstance(nm, str) or not nm or "." in nm:
            raise ParameterError("goal_directed.name", "must be a non-empty name without '.'",
                                 nm)
        sch = tuple(self.schedules.items()) if isinstance(self.schedules, Mapping) else \
            tuple(self.schedules)
        if not sch or not all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str)
                              and p[0] and isinstance(p[1], (RandomRatio, RandomInterval))
                              for p in sch):
            raise ParameterError(f"{nm}.schedules", "must map stimulus names to RandomRatio "
                                 "or RandomInterval", self.schedules)
        object.__setattr__(self, "schedules", sch)
        if not isinstance(self.habit, OpponentActor) or len(self.habit.options) != 2:
            raise ParameterError(f"{nm}.habit", "must be an OpponentActor with two options "
                                 "(press, other)", self.habit)
        _num(f"{nm}.dt_ms", self.dt_ms, gt=0.0)
        _num(f"{nm}.beta_gd", self.beta_gd, lo=0.0)
        _num(f"{nm}.press_cost", self.press_cost, lo=0.0)
        _num(f"{nm}.operant_level", self.operant_level)
        _num(f"{nm}.window_s", self.window_s, gt=0.0)
        if self.window_s * 1000.0 < self.dt_ms:
            raise ParameterError(f"{nm}.window_s", "must be at least one step (dt_ms)",
                                 self.window_s)
        _num(f"{nm}.memory", self.memory, lo=0.0, hi=1.0)
        _num(f"{nm}.engaged", self.engaged, lo=0.0, hi=1.0)
        _num(f"{nm}.disengaged_logit", self.disengaged_logit)
        if not (isinstance(self.kappa, (int, float)) and not isinstance(self.kappa, bool)
                and self.kappa > 0):
            raise ParameterError(f"{nm}.kappa", "must be > 0 (inf: no practice effect)",
                                 self.kappa)
        _num(f"{nm}.mb_uncertainty", self.mb_uncertainty, gt=0.0)
        _num(f"{nm}.sharpness", self.sharpness, gt=0.0)
        if not isinstance(self.arbitration, bool):
            raise ParameterError(f"{nm}.arbitration", "must be True or False",
                                 self.arbitration)
        _num(f"{nm}.aversion_rate", self.aversion_rate, lo=0.0, hi=1.0)
        _num(f"{nm}.ill_value", self.ill_value)
        _num(f"{nm}.motor_ms", self.motor_ms, lo=0.0)
        _num(f"{nm}.search_ms", self.search_ms, lo=0.0)

    @property
    def groups(self) -> Mapping[str, int]:
        """The read-out cells (module docstring)."""
        return dict(_CELLS)

    def cell_set(self, state, name):
        """A group's cells (no tagged sets)."""
        return cell_mask(self, state["v"].shape[0], {}, name)

    @property
    def window_steps(self) -> int:
        """Steps per time sample of the rate relation."""
        return max(1, round(self.window_s * 1000.0 / self.dt_ms))

    def init(self, n_subjects, rng):
        """Naive subjects: no contingency known, outcome value 1, habit weights 1."""
        z = np.zeros(n_subjects)
        return {"v": z.copy(), "g": np.ones((n_subjects, 2)), "n": np.ones((n_subjects, 2)),
                "u": np.ones(n_subjects), "reinforced": z.copy(),
                "moments": np.zeros((n_subjects, 5)), "weight": z.copy(),
                "armed": np.zeros(n_subjects, bool), "k": z.copy()}

    def goal_weight(self, reinforced: Array) -> Array:
        """:func:`arbitration_weight` with this region's constants (1 without arbitration)."""
        if not self.arbitration:
            return np.ones_like(np.asarray(reinforced, float))
        return arbitration_weight(reinforced, kappa=self.kappa,
                                  mb_uncertainty=self.mb_uncertainty,
                                  sharpness=self.sharpness)

    def _schedule(self, ctx: StepContext) -> Schedule | None:
        on = [s for name, s in self.schedules if ctx.span.intensity(name) > 0]
        if len(on) > 1:
            raise ParameterError(f"{self.name}.schedules", f"epoch {ctx.span.label!r} turns "
                                 "on more than one schedule", [n for n, _ in self.schedules])
        return on[0] if on else None

    def step(self, state, inputs, ctx: StepContext):
        """One epoch: a session at the lever, an aversion pairing, or nothing (docstring)."""
        b = state["v"].shape[0]
        out = np.zeros((b, sum(n for _, n in _CELLS)))
        st = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in state.items()}
        if not ctx.sleeping and ctx.span.intensity(self.outcome) > 0 and \
                ctx.span.intensity(self.illness) > 0:
            st["u"] = st["u"] + self.aversion_rate * (self.ill_value - st["u"])
        if not ctx.sleeping and ctx.span.intensity(self.lever) > 0:
            out = self._session(st, ctx)
        else:
            self._fill(out, st)
        return st, out

    def _fill(self, out: Array, st: dict[str, Any]) -> None:
        out[:, 3] = st["weight"] if np.any(st["weight"]) else self.goal_weight(st["reinforced"])
        out[:, 4] = st["k"]
        out[:, 5] = st["u"]
        out[:, 6:8] = st["g"]
        out[:, 8:10] = st["n"]
        out[:, 10] = st["v"]

    def _session(self, st: dict[str, Any], ctx: StepContext) -> Array:
        """Simulate the response opportunities of one epoch (in place on ``st``)."""
        sched = self._schedule(ctx)
        n_steps = max(1, int(ctx.span.duration_ms // self.dt_ms))
        b = st["v"].shape[0]
        rng = ctx.rng
        hab = self.habit
        burst, dip = ctx.dopamine()
        learn = ctx.learning("all")
        ac, ag, an = learn * hab.alpha_c, learn * hab.alpha_g, learn * hab.alpha_n
        bg, bn = hab.beta_g, hab.beta_n
        wsteps = self.window_steps
        lam = self.memory
        v, g, n, u = st["v"], st["g"], st["n"], st["u"]
        reinforced, mom, armed, k = st["reinforced"], st["moments"], st["armed"], st["k"]
        p_out = 1.0 / sched.ratio if isinstance(sched, RandomRatio) else 0.0
        p_arm = (self.dt_ms / 1000.0 / sched.mean_s
                 if isinstance(sched, RandomInterval) else 0.0)
        cap = sched.cap if sched is not None else None
        presses = np.zeros(b)
        outcomes = np.zeros(b)
        deliberated = np.zeros(b)  # presses made under goal-directed deliberation
        active = np.zeros(b)  # steps with the lever available
        avail = np.ones(b, bool)
        b_start = np.zeros(b)
        o_start = np.zeros(b)
        reinforced0 = reinforced.copy()
        w = self.goal_weight(reinforced)
        c = self.press_cost
        g0, g1, n0, n1 = g[:, 0].copy(), g[:, 1].copy(), n[:, 0].copy(), n[:, 1].copy()
        level = self.operant_level
        capped = cap is not None
        plain_da = burst == 1.0 and dip == 1.0
        x = np.empty((0, 3, b))
        base = np.zeros(b)
        one_minus_w = 1.0 - w
        for t in range(n_steps):
            j = t % wsteps
            if j == 0:
                eng = np.where(rng.random(b) < self.engaged, 0.0, self.disengaged_logit)
                w = self.goal_weight(reinforced0 + outcomes)
                one_minus_w = 1.0 - w
                x = rng.random((wsteps, 3, b))
                base = level + w * self.beta_gd * (k * u - c) + eng
            xt = x[j]
            h = (bg * g0 - bn * n0) - (bg * g1 - bn * n1)
            press = xt[0] * (1.0 + np.exp(-(base + one_minus_w * h))) < 1.0
            if capped:
                press &= avail
            if p_arm:
                armed |= xt[1] < p_arm
                o = press & armed
                armed &= ~o
            else:
                o = press & (xt[1] < p_out)
            # OpAL on the chosen action (press or other) where the lever is available
            delta = (o * u - c * press) - v
            d = delta if plain_da else np.where(delta > 0, burst * delta, dip * delta)
            if capped:
                d = d * avail
                v = v + ac * d
            else:
                v = v + ac * delta
            gc = np.where(press, g0, g1)
            nc = np.where(press, n0, n1)
            gn = np.maximum(gc * (1.0 + ag * d), 0.0)
            nn = np.maximum(nc * (1.0 - an * d), 0.0)
            g0 = np.where(press, gn, g0)
            g1 = np.where(press, g1, gn)
            n0 = np.where(press, nn, n0)
            n1 = np.where(press, n1, nn)
            presses += press
            outcomes += o
            deliberated += press & (xt[2] < w)
            if capped:
                active += avail
                avail = avail & (outcomes < cap)
            if j == wsteps - 1:
                b_w, o_w = presses - b_start, outcomes - o_start
                b_start, o_start = presses.copy(), outcomes.copy()
                sample = np.stack([np.ones(b), b_w, o_w, b_w * b_w, b_w * o_w], axis=1)
                mom = np.where(avail[:, None], lam * mom + sample, mom)
                wt = np.maximum(mom[:, 0], 1e-12)
                mb, mo = mom[:, 1] / wt, mom[:, 2] / wt
                var_b = mom[:, 3] / wt - mb * mb
                cov = mom[:, 4] / wt - mb * mo
                k = np.where(mom[:, 0] > 0, np.maximum(cov, 0.0) / (var_b + 1.0), k)
                if capped and not avail.any():
                    break
        if not capped:
            active[:] = t + 1
        reinforced = reinforced0 + outcomes
        rt_sum = self.motor_ms * presses + self.search_ms * deliberated
        g = np.stack([g0, g1], axis=1)
        n = np.stack([n0, n1], axis=1)
        st.update(v=v, g=g, n=n, reinforced=reinforced, moments=mom, armed=armed, k=k,
                  weight=self.goal_weight(reinforced))
        out = np.zeros((b, sum(m for _, m in _CELLS)))
        minutes = np.maximum(active, 1.0) * self.dt_ms / 60_000.0
        out[:, 0] = presses / minutes
        out[:, 1] = outcomes
        out[:, 2] = rt_sum / np.maximum(presses, 1.0)  # 0 without presses
        self._fill(out, st)
        return out


register_effect(OpponentActor, Dopamine, during=True)
register_effect(GoalDirected, Dopamine, during=True)


def habit_circuit(schedules: Mapping[str, Schedule] | tuple[tuple[str, Schedule], ...],
                  *, name: str = "basal_ganglia", **params: Any) -> Circuit:
    """The habit-learning circuit: one :class:`GoalDirected` region with these schedules.

    Its habitual actor is an :class:`OpponentActor` (the dorsolateral striatum), its
    goal-directed controller the prefrontal-dorsomedial striatal loop; ``params`` are the
    region's other constants.

    Examples
    --------
    >>> from engramlab.circuits import RandomRatio, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, minutes, session, trial
    >>> circuit = habit_circuit({"RR": RandomRatio(10.0)}, kappa=100.0)
    >>> circuit.names(), circuit.regions[0].kappa
    (('basal_ganglia',), 100.0)
    >>> p = Protocol.of(session("training", trial("lever", epoch("lever", minutes(10),
    ...                                                          lever=1.0, RR=1.0))))
    >>> ds = run_protocol(circuit, p, seed=0, n_subjects=8, record={
    ...     "presses": "basal_ganglia.presses_per_min", "rt": "basal_ganglia.rt_ms"})
    >>> round(float(ds.presses.mean()), 1), round(float(ds.rt.mean()))  # per min, ms
    (20.8, 623)
    """
    sch = tuple(schedules.items()) if isinstance(schedules, Mapping) else tuple(schedules)
    return Circuit((GoalDirected(name, sch, **params),), (), settle=1)

