r"""The striatal critic: TD learning of reward predictions, dopamine as its error.

:class:`TDCritic` is TD(0) with a complete serial compound (CSC) stimulus
representation (Sutton & Barto 1990; Montague, Dayan & Sejnowski 1996; Schultz,
Dayan & Montague 1997). Time advances in steps of :math:`\Delta t` (``dt_ms``) inside
each epoch (a :class:`~engramlab.circuits.TimedRegion`). For every conditioned
stimulus :math:`i` it is given (a stimulus name of the protocol), a delay line of
``n_csc`` components

.. math:: x_{i,k}(t) = a_i\,[\text{CS } i \text{ came on at step } t - k],
          \qquad k = 0, \dots, K - 1,

with :math:`a_i` the CS intensity at its onset (an onset is a step where the CS is on
and was off at the step before). The value (the prediction of the rewards still to
come in the trial) is linear in the features, and the prediction error is

.. math::

    V(t) = \sum_{i,k} w_{i,k}\,x_{i,k}(t), \qquad
    \delta(t) = r(t) + \gamma\,V(t) - V(t-1),

    w \leftarrow w + \eta\,\delta'(t)\,x(t-1),

with :math:`r(t)` the intensity of the ``reward`` stimulus at step :math:`t`, both
values evaluated with the weights before the update at step :math:`t` (linear TD(0),
Sutton & Barto 1998), and :math:`\delta'` the error the dopamine neurons deliver
(:class:`~engramlab.circuits.Dopamine`: bursts :math:`\delta > 0` times ``burst``,
dips times ``dip``; 1 and 1 without the effect). :math:`\delta'` is also what the
region outputs in its ``dopamine`` group, as the phasic response of the dopamine
cells, and :math:`V` in its ``value`` group (the anticipatory prediction that
behaviour, e.g. anticipatory licking, reads). ``representation="presence"`` replaces
the delay line with one feature per CS, :math:`x_i(t) = ` its intensity at step
:math:`t` (a CS "present" feature): it cannot time the reward, so the error at the
reward never vanishes (the classic argument for the CSC; Schultz et al. 1997).

Trials. Time since CS onset persists across the epochs of one trial (a trial is
written as epochs "pre", "cs", "reward", ...) and resets at the start of each trial:
an epoch whose ``(session_index, trial_index)`` differs from the previous epoch's
starts with no feature on, :math:`x(t-1) = 0`, so no value is carried across the
inter-trial interval (:math:`V(t-1) = 0` at the first step). The last step of a trial
is the end of the episode: no transition is taken from it, so the weights of the
features active at that step do not learn (as in PsyNeuLink's
``MontagueDayanSejnowski96`` script). Sleep epochs are skipped (no step, no
learning).

Effects: :class:`~engramlab.circuits.Dopamine` (as above), ``ScaleLearning`` (its
factor multiplies :math:`\eta`), ``Remove`` (a lesion: no output, no learning).

Units: values and errors are in units of the reward intensity (1 = the paper's
reward); time in steps of ``dt_ms``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from engramlab.circuits._region import (
    Dopamine,
    Effect,
    Remove,
    ScaleLearning,
    StepContext,
    TimedRegion,
    register_effect,
)
from engramlab.core.errors import ParameterError
from engramlab.protocol import Trial, epoch, trial

__all__ = ["TDCritic", "td_trial"]

Array = np.ndarray
Representation = Literal["csc", "presence"]
REPRESENTATIONS = ("csc", "presence")


def _number(field: str, v: object, *, lo: float, hi: float | None = None,
            lo_open: bool = False) -> None:
    ok = (not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v)
          and (v > lo if lo_open else v >= lo) and (hi is None or v <= hi))
    if not ok:
        rule = f"{'>' if lo_open else '>='} {lo:g}" + (f" and <= {hi:g}" if hi is not None
                                                        else "")
        raise ParameterError(field, f"must be a finite number {rule}", v)


@dataclasses.dataclass(frozen=True)
class TDCritic(TimedRegion):
    r"""TD(0) critic with a complete serial compound (see the module docstring).

    Parameters
    ----------
    name
        The region's name.
    stimuli
        The conditioned stimuli it represents (stimulus names of the protocol), each with
        its own delay line.
    reward
        The stimulus whose intensity is the reward :math:`r(t)` (default ``"reward"``).
    n_csc
        :math:`K`, components of each delay line: the CSC spans :math:`K` steps after
        onset (must exceed the CS-reward interval in steps for the reward to be
        predicted). Default 18: steps 41-58 of PsyNeuLink's 60-step trial (CS at 41).
    gamma
        :math:`\gamma`, temporal discount per step (1: Montague et al. 1996 and
        PsyNeuLink's ``PredictionErrorDeltaFunction`` default).
    learning_rate
        :math:`\eta` (0.3: PsyNeuLink's ``MontagueDayanSejnowski96`` script).
    step_ms
        :math:`\Delta t`, the TD time step (ms). Default 100 ms: chosen, the scale of the
        dopamine histograms' bins; the model is defined in steps, so only the protocol's
        epoch durations depend on it.
    representation
        ``"csc"`` (delay lines) or ``"presence"`` (one feature per CS while it is on).
    w_init
        Initial weight of every feature (0). PsyNeuLink's script starts, in effect, from
        0.003 on the CS steps (``w_init=0.003`` reproduces its logged errors).

    Examples
    --------
    Fifty trials of a CS from step 2 and a reward at step 7 (100-ms steps): the
    dopamine response moves from the reward to the CS onset (Schultz et al. 1997).

    >>> from engramlab.circuits import Circuit, Record, run_protocol
    >>> from engramlab.protocol import Protocol, repeat, session
    >>> critic = TDCritic("critic", stimuli=("cs",), n_csc=8)
    >>> t = td_trial("t", 10, critic.dt_ms, cues={"cs": (2, 10)}, rewards={7: 1.0})
    >>> ds = run_protocol(Circuit((critic,), settle=1), Protocol.of(session("s", repeat(t, 50))),
    ...                   record=[Record("da", "critic.dopamine", "trace")], seed=0)
    >>> da = ds.da.sel(group="control", subject=0)  # (event, step within the epoch)
    >>> for n in (0, 49):  # CS onset (first step of the "cs" epoch), reward
    ...     onset, reward = da.sel(event=f"s/{n}/1:cs")[0], da.sel(event=f"s/{n}/2:cs+reward")[0]
    ...     print(f"trial {n}: onset {float(onset):.2f}, reward {float(reward):.2f}")
    trial 0: onset 0.00, reward 1.00
    trial 49: onset 1.00, reward 0.00
    """

    name: str = "critic"
    stimuli: tuple[str, ...] = ("cs",)
    reward: str = "reward"
    n_csc: int = 18
    gamma: float = 1.0
    learning_rate: float = 0.3
    step_ms: float = 100.0
    representation: Representation = "csc"
    w_init: float = 0.0

    def __post_init__(self) -> None:
        n = self.name
        stim = (self.stimuli,) if isinstance(self.stimuli, str) else tuple(self.stimuli)
        if not stim or any(not isinstance(s, str) or not s for s in stim) or \
                len(set(stim)) != len(stim):
            raise ParameterError(f"{n}.stimuli", "must be one or more distinct non-empty "
                                 "stimulus names", self.stimuli)
        object.__setattr__(self, "stimuli", stim)
        if not isinstance(self.reward, str) or not self.reward or self.reward in stim:
            raise ParameterError(f"{n}.reward", "must be a stimulus name that is not a CS",
                                 self.reward)
        if isinstance(self.n_csc, bool) or not isinstance(self.n_csc, int) or \
                not 1 <= self.n_csc <= 100_000:
            raise ParameterError(f"{n}.n_csc", "must be an integer in [1, 100000]",
                                 self.n_csc)
        _number(f"{n}.gamma", self.gamma, lo=0.0, hi=1.0)
        _number(f"{n}.learning_rate", self.learning_rate, lo=0.0, hi=1.0)
        _number(f"{n}.step_ms", self.step_ms, lo=0.0, lo_open=True)
        _number(f"{n}.w_init", self.w_init, lo=-1e6, hi=1e6)
        if self.representation not in REPRESENTATIONS:
            raise ParameterError(f"{n}.representation", f"must be one of {REPRESENTATIONS}",
                                 self.representation)

    # -- the Region interface ---------------------------------------------------------

    @property
    def groups(self) -> Mapping[str, int]:
        """``value`` (:math:`V`, 1 cell) and ``dopamine`` (:math:`\\delta'`, 1 cell)."""
        return {"value": 1, "dopamine": 1}

    @property
    def dt_ms(self) -> float:
        """The TD time step (ms): ``step_ms``."""
        return float(self.step_ms)

    @property
    def n_features(self) -> int:
        """Features per CS: ``n_csc`` (CSC) or 1 (presence)."""
        return self.n_csc if self.representation == "csc" else 1

    def init(self, n_subjects: int, rng: np.random.Generator) -> dict[str, Any]:
        """Naive subjects: weights ``w_init``, empty delay lines (no randomness)."""
        shape = (n_subjects, len(self.stimuli), self.n_features)
        return {"w": np.full(shape, float(self.w_init)),
                "x": np.zeros(shape),                 # x(t-1): the last step's features
                "on": np.zeros((n_subjects, len(self.stimuli))),  # CS intensity at t-1
                "trial": None,                        # (session_index, trial_index)
                "alive": True,
                "trace": np.zeros((n_subjects, 0, 2))}

    def features(self, x_prev: Array, on_prev: Array, on_now: Array) -> Array:
        """:math:`x(t)` from :math:`x(t-1)` and the CS intensities at :math:`t-1`, :math:`t`.

        CSC: the delay line shifts by one step and an onset (on now, off before) enters
        component 0 with its intensity; presence: the intensity now.
        """
        if self.representation == "presence":
            return on_now[..., None].copy()
        x = np.empty_like(x_prev)
        x[..., 1:] = x_prev[..., :-1]
        x[..., 0] = np.where((on_now > 0) & (on_prev <= 0), on_now, 0.0)
        return x

    def step(self, state: dict[str, Any], inputs: Mapping[str, Array],
             ctx: StepContext) -> tuple[dict[str, Any], Array]:
        """One epoch of ``n_steps`` TD steps (module docstring)."""
        span = ctx.span
        n_sub = state["w"].shape[0]
        if ctx.sleeping:
            return {**state, "trace": np.zeros((n_sub, 0, 2))}, np.zeros((n_sub, 2))
        n = self.n_steps(span)
        key = (span.session_index, span.trial_index)
        x, on_prev = state["x"], state["on"]
        if key != state["trial"]:  # a new trial: the delay lines start empty
            x, on_prev = np.zeros_like(x), np.zeros_like(on_prev)
        w = state["w"].copy()
        on_now = np.broadcast_to(np.array([span.intensity(s) for s in self.stimuli]),
                                 on_prev.shape)
        r = span.intensity(self.reward)
        burst, dip = ctx.dopamine()
        eta = self.learning_rate * ctx.learning("all")
        trace = np.zeros((n_sub, n, 2))
        alive = state["alive"]
        learn = alive and eta > 0
        onset = np.where((on_now > 0) & (on_prev <= 0), on_now, 0.0)
        if not x.any() and not (on_now > 0).any():
            # nothing represented and no CS: V = 0 at every step, so delta = r and no
            # weight changes (the same equations, without the steps)
            trace[:, :, 1] = burst * r if r > 0 else dip * r
        elif self._one_line(x, onset, n):
            x, trace, w = self._epoch_at_once(w, x, onset, n, r, burst, dip,
                                              eta if learn else 0.0)
        else:
            for k in range(n):
                x_now = self.features(x, on_prev, on_now)
                v_prev = (w * x).sum(axis=(1, 2))
                v_now = (w * x_now).sum(axis=(1, 2))
                delta = r + self.gamma * v_now - v_prev
                da = np.where(delta > 0, burst * delta, dip * delta)
                if learn:
                    w += eta * da[:, None, None] * x
                trace[:, k, 0] = v_now
                trace[:, k, 1] = da
                x, on_prev = x_now, on_now
        on_prev = on_now
        if not alive:
            trace[:] = 0.0
        new = {**state, "w": w if alive else state["w"], "x": x, "on": np.array(on_prev),
               "trial": key, "trace": trace}
        return new, trace[:, -1].copy()

    def _one_line(self, x: Array, onset: Array, n: int) -> bool:
        """Whether every CS has at most one active delay-line component in the epoch.

        Then every feature is on at most once within the epoch, no weight is read after
        it changed in the same epoch, and the epoch's steps can be computed at once.
        """
        if self.representation != "csc" or x.shape[0] * x.shape[1] * n * x.shape[2] > 4e6:
            return False
        return bool(((np.count_nonzero(x, axis=2) + (onset != 0)) <= 1).all())

    def _epoch_at_once(self, w: Array, x0: Array, onset: Array, n: int, r: float,
                       burst: float, dip: float, eta: float
                       ) -> tuple[Array, Array, Array]:
        """The ``n`` steps of an epoch of the delay line as arrays (see :meth:`_one_line`).

        :math:`x_k(j) = x_{k-j-1}(-1)` (the line shifted), with the onset entering
        component 0 at step 0: one gather from the padded line, index :math:`n+k-j-1`.
        """
        s_, c_, k_ = x0.shape
        pad = np.zeros((s_, c_, n + k_))
        pad[..., n - 1] = onset
        pad[..., n:] = x0
        idx = n + np.arange(k_)[None, :] - np.arange(n)[:, None] - 1
        xs = pad[..., idx]                          # (S, C, n, K): x(0) .. x(n-1)
        prev = np.concatenate([x0[:, :, None, :], xs[:, :, :-1]], axis=2)
        v_now = np.einsum("sik,sijk->sj", w, xs)
        v_prev = np.einsum("sik,sijk->sj", w, prev)
        delta = r + self.gamma * v_now - v_prev
        da = np.where(delta > 0, burst * delta, dip * delta)
        if eta > 0:
            w = w + eta * np.einsum("sj,sijk->sik", da, prev)
        trace = np.stack([v_now, da], axis=2)
        return xs[:, :, -1].copy(), trace, w

    def time_course(self, state: dict[str, Any]) -> Array:
        """``(subjects, steps, 2)``: :math:`V(t)` and :math:`\\delta'(t)` of the last epoch."""
        return np.asarray(state["trace"])

    def weights(self, state: dict[str, Any]) -> Array:
        """The weights ``(subjects, CS, features)``: :math:`w_{i,k}`."""
        return np.asarray(state["w"]).copy()


def td_trial(name: str, n_steps: int, dt_ms: float, *,
             cues: Mapping[str, tuple[int, int]] | None = None,
             rewards: Mapping[int, float] | None = None, reward: str = "reward") -> Trial:
    """A trial of ``n_steps`` TD steps as the fewest epochs of constant stimuli.

    ``cues`` maps a CS name to ``(onset, offset)`` steps (on for ``onset <= t < offset``),
    ``rewards`` a step to the intensity of stimulus ``reward`` (one step each). Steps are
    0-based: step ``t`` covers ``[t dt, (t + 1) dt)`` of the trial. Each epoch is named
    after the stimuli on in it (``"blank"`` when none), e.g. PsyNeuLink's
    ``MontagueDayanSejnowski96`` trial is ``td_trial("t", 60, dt, cues={"cs": (41, 60)},
    rewards={54: 1.0})``.

    Examples
    --------
    Ten 100-ms steps, the CS on from step 2 to the end, the reward at step 7:

    >>> t = td_trial("t", 10, 100.0, cues={"cs": (2, 10)}, rewards={7: 1.0})
    >>> for e in t.epochs:
    ...     print(e.name, e.duration_ms, e.stimuli)
    blank 200.0 ()
    cs 500.0 (('cs', 1.0),)
    cs+reward 100.0 (('cs', 1.0), ('reward', 1.0))
    cs 200.0 (('cs', 1.0),)
    """
    cues = dict(cues or {})
    rewards = {int(k): float(v) for k, v in (rewards or {}).items()}
    if isinstance(n_steps, bool) or not isinstance(n_steps, int) or n_steps < 1:
        raise ParameterError("td_trial.n_steps", "must be an integer >= 1", n_steps)
    for cs, (a, b) in cues.items():
        if not 0 <= a < b <= n_steps:
            raise ParameterError(f"td_trial.cues[{cs}]", f"must be 0 <= onset < offset <= "
                                 f"{n_steps}", (a, b))
    for t in rewards:
        if not 0 <= t < n_steps:
            raise ParameterError("td_trial.rewards", f"steps must be in [0, {n_steps})", t)

    def stimuli(t: int) -> tuple[tuple[str, float], ...]:
        on = [(cs, 1.0) for cs, (a, b) in cues.items() if a <= t < b]
        if rewards.get(t, 0.0) != 0.0:
            on.append((reward, rewards[t]))
        return tuple(on)

    epochs = []
    start = 0
    for t in range(1, n_steps + 1):
        if t == n_steps or stimuli(t) != stimuli(start):
            st = stimuli(start)
            label = "+".join(k for k, _ in st) or "blank"
            epochs.append(epoch(label, (t - start) * dt_ms, **dict(st)))
            start = t
    return trial(name, *epochs)


def _remove(region: TDCritic, effect: Effect, state: dict[str, Any]) -> dict[str, Any]:
    return {**state, "alive": False}


register_effect(TDCritic, Remove, instant=_remove)
register_effect(TDCritic, Dopamine, during=True)
register_effect(TDCritic, ScaleLearning, during=True)
