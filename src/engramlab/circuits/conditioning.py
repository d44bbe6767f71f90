r"""The Rescorla-Wagner learner: associative strengths taught by a summed prediction error.

:class:`RescorlaWagnerRegion` keeps, for every subject, the associative strength
:math:`V_i` of each conditioned stimulus (CS) :math:`i` it is given (stimulus names of
the protocol). Rescorla & Wagner (1972): on a learning epoch, every CS present in it
changes by

.. math::

    \Delta V_i = \alpha_i\,\beta\,\Big(\lambda - \sum_{j \in \text{present}} V_j\Big),
    \qquad i \in \text{present},

with :math:`\alpha_i` the salience of CS :math:`i` (``alpha``), :math:`\beta` the learning
rate of the US (``beta`` when the US is on, ``beta_absent`` when it is off: Rescorla &
Wagner's :math:`\beta_1` and :math:`\beta_0`), and :math:`\lambda` the intensity of the
``us`` stimulus in the epoch (0 when it is absent: the asymptote the US supports). CSs
that are absent do not change. The sum over the present CSs is what makes the rule
produce blocking, overshadowing and conditioned inhibition; ``error_term="individual"``
replaces it by each CS's own prediction, :math:`\Delta V_i = \alpha_i\beta(\lambda -
V_i)` (the linear operator of Bush & Mosteller 1951, applied to each CS separately),
which does not block.

**Which epochs learn.** An awake epoch in which at least one of the region's CSs is on
(intensity > 0) is a learning epoch (a conditioning trial, reinforced if the US is on,
non-reinforced otherwise: a test trial is therefore also an extinction trial). CS
intensity marks presence only; it does not scale the change (salience is
:math:`\alpha_i`). An epoch with no CS on (an inter-trial interval, a US alone, the
context alone) changes nothing, and so does sleep.

**Effects.**

- :class:`~engramlab.circuits.ScaleLearning`: its factor :math:`f` multiplies
  :math:`\beta` (a drug blocking the plasticity of the association).
- :class:`~engramlab.circuits.Dopamine`: the prediction error
  :math:`\delta = \lambda - \sum V_j` is delivered as :math:`\delta' = b\,\delta` when
  :math:`\delta > 0` (a burst, :math:`b` = ``burst``) and :math:`\delta' = d\,\delta` when
  :math:`\delta < 0` (a dip, :math:`d` = ``dip``), and :math:`\Delta V_i = \alpha_i \beta
  f\,\delta'` (with ``error_term="individual"`` each CS's own error is scaled the same
  way). Depleting dopamine (``burst < 1``) slows acquisition; filling the dips (``dip <
  1``) slows extinction and conditioned inhibition.
- :class:`~engramlab.circuits.Remove`: a lesion; the region outputs 0 and learns
  nothing from then on.

**Output cells** (one cell per group, in this order):

``cr``
    The conditioned response of the epoch: the prediction :math:`\sum_{j \in
    \text{present}} V_j` with the strengths *before* the epoch's update (what the
    subject expects during the CS, before the US comes); 0 in an epoch without a CS.
``error``
    The prediction error the epoch learned from, :math:`\delta'` (for
    ``error_term="individual"`` the mean over the present CSs of their own errors); 0
    in an epoch that does not learn.
one group per CS, named after it
    :math:`V_i` *after* the epoch's update (the strength at the end of the epoch), so a
    record of CS ``"A"`` after its :math:`n`-th reinforced trial reads :math:`V_n`.

Units: :math:`V`, :math:`\lambda` and the prediction are in units of the US intensity
(1 = the paper's US); :math:`\alpha`, :math:`\beta` are dimensionless, in
:math:`[0, 1]`.

Examples
--------
>>> import numpy as np
>>> from engramlab.circuits import Circuit, run_protocol
>>> from engramlab.protocol import Protocol, epoch, repeat, session, trial
>>> rw = RescorlaWagnerRegion("rw", stimuli=("A",), alpha=0.2, beta=0.5)
>>> p = Protocol.of(session("training", repeat(trial("A+", epoch("A+", 1000, A=1, us=1)), 10)))
>>> ds = run_protocol(Circuit((rw,), settle=1), p, record={"v": "rw.A"}, seed=0)
>>> round(float(ds.v[0, 0, -1]), 4)  # 1 - (1 - 0.1)^10
0.6513
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from engramlab.circuits._region import (
    Dopamine,
    Effect,
    Region,
    Remove,
    ScaleLearning,
    StepContext,
    cell_mask,
    register_effect,
)
from engramlab.core.errors import ParameterError

__all__ = ["RescorlaWagnerRegion"]

Array = np.ndarray
ErrorTerm = Literal["summed", "individual"]
ERROR_TERMS = ("summed", "individual")
_RESERVED = ("cr", "error")


def _fraction(field: str, v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer)) \
            or not math.isfinite(float(v)) or not 0.0 <= float(v) <= 1.0:
        raise ParameterError(field, "must be a finite number in [0, 1]", v)
    return float(v)


def _per_cs(field: str, value: object, stimuli: tuple[str, ...], *,
            check: Any) -> tuple[float, ...]:
    """A number for every CS from a number, a sequence aligned with ``stimuli`` or a map."""
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in stimuli]
        if unknown:
            raise ParameterError(field, f"names no CS of the region ({list(stimuli)})",
                                 unknown[0])
        missing = [s for s in stimuli if s not in value]
        if missing:
            raise ParameterError(field, f"gives no value for CS {missing[0]!r}", value)
        return tuple(check(f"{field}[{s}]", value[s]) for s in stimuli)
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != len(stimuli):
            raise ParameterError(field, f"must give one value per CS ({len(stimuli)}), or "
                                 "one number for all", value)
        return tuple(check(f"{field}[{s}]", v) for s, v in zip(stimuli, value, strict=True))
    v = check(field, value)
    return (v,) * len(stimuli)


def _strength(field: str, v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer)) \
            or not math.isfinite(float(v)) or abs(float(v)) > 1e6:
        raise ParameterError(field, "must be a finite number in [-1e6, 1e6]", v)
    return float(v)


@dataclasses.dataclass(frozen=True)
class RescorlaWagnerRegion(Region):
    r"""Associative strengths of CSs learned by the Rescorla-Wagner rule (module docstring).

    Parameters
    ----------
    name
        The region's name.
    stimuli
        The CSs (stimulus names of the protocol), each with its strength :math:`V_i`;
        each also names the output group carrying :math:`V_i` (so not ``"cr"`` or
        ``"error"``, no ``"."``).
    alpha
        :math:`\alpha_i`, salience of each CS in [0, 1]: one number for all, a sequence
        aligned with ``stimuli`` or a mapping CS -> value. Default 0.2 (chosen: with
        ``beta`` 0.5, :math:`\alpha\beta = 0.1`, the textbook illustration of the rule).
    beta
        :math:`\beta_1`, learning rate on epochs with the US on, in [0, 1] (0.5, chosen).
    beta_absent
        :math:`\beta_0`, learning rate on epochs with the US off (``None``: ``beta``).
        Rescorla & Wagner (1972) allow :math:`\beta_0 \ne \beta_1`.
    us
        The stimulus whose intensity is :math:`\lambda` (default ``"us"``).
    v_init
        Initial strengths (one number, a sequence or a mapping; default 0: naive CSs).
    error_term
        ``"summed"`` (Rescorla-Wagner) or ``"individual"`` (Bush-Mosteller per CS).

    Examples
    --------
    Blocking (Kamin 1969): after A+ training, A predicts the US, so the compound AB+
    leaves little error for B to learn from; with each CS's own error
    (Bush-Mosteller) B is not blocked:

    >>> from engramlab.circuits import Circuit, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, repeat, session, trial
    >>> p = Protocol.of(
    ...     session("A+", repeat(trial("A+", epoch("A+", 1000, A=1, us=1)), 20)),
    ...     session("AB+", repeat(trial("AB+", epoch("AB+", 1000, A=1, B=1, us=1)), 10)))
    >>> for term in ("summed", "individual"):
    ...     rw = RescorlaWagnerRegion("rw", stimuli=("A", "B"), alpha=0.3, error_term=term)
    ...     ds = run_protocol(Circuit((rw,), settle=1), p, seed=0,
    ...                       record={"A": "rw.A", "B": "rw.B"})
    ...     print(term, round(float(ds.A[0, 0, -1]), 3), round(float(ds.B[0, 0, -1]), 3))
    summed 0.98 0.019
    individual 0.992 0.803
    >>> dict(rw.groups)  # the prediction, the error, then one cell per CS
    {'cr': 1, 'error': 1, 'A': 1, 'B': 1}
    """

    name: str = "rw"
    stimuli: tuple[str, ...] = ("cs",)
    alpha: Any = 0.2
    beta: float = 0.5
    beta_absent: float | None = None
    us: str = "us"
    v_init: Any = 0.0
    error_term: ErrorTerm = "summed"

    def __post_init__(self) -> None:
        n = self.name
        if not isinstance(n, str) or not n or "." in n or ":" in n:
            raise ParameterError("rescorla_wagner.name", "must be a non-empty string "
                                 "without '.' or ':'", n)
        stim = (self.stimuli,) if isinstance(self.stimuli, str) else self.stimuli
        if not isinstance(stim, Sequence) or not stim:
            raise ParameterError(f"{n}.stimuli", "must name one or more CSs", self.stimuli)
        stim = tuple(stim)
        for s in stim:
            if not isinstance(s, str) or not s or "." in s or s in _RESERVED:
                raise ParameterError(f"{n}.stimuli", "CS names must be non-empty strings "
                                     f"without '.', other than {_RESERVED}", s)
        if len(set(stim)) != len(stim):
            raise ParameterError(f"{n}.stimuli", "names a CS twice", self.stimuli)
        object.__setattr__(self, "stimuli", stim)
        if not isinstance(self.us, str) or not self.us or self.us in stim:
            raise ParameterError(f"{n}.us", "must be a stimulus name that is not a CS",
                                 self.us)
        object.__setattr__(self, "alpha", _per_cs(f"{n}.alpha", self.alpha, stim,
                                                  check=_fraction))
        object.__setattr__(self, "beta", _fraction(f"{n}.beta", self.beta))
        if self.beta_absent is not None:
            object.__setattr__(self, "beta_absent",
                               _fraction(f"{n}.beta_absent", self.beta_absent))
        object.__setattr__(self, "v_init", _per_cs(f"{n}.v_init", self.v_init, stim,
                                                   check=_strength))
        if self.error_term not in ERROR_TERMS:
            raise ParameterError(f"{n}.error_term", f"must be one of {ERROR_TERMS}",
                                 self.error_term)

    # -- the Region interface ---------------------------------------------------------

    @property
    def groups(self) -> Mapping[str, int]:
        """``cr``, ``error``, then one cell per CS (module docstring)."""
        return {"cr": 1, "error": 1, **{s: 1 for s in self.stimuli}}

    @property
    def beta0(self) -> float:
        r""":math:`\beta_0`, the rate on epochs without the US."""
        return float(self.beta if self.beta_absent is None else self.beta_absent)

    def init(self, n_subjects: int, rng: np.random.Generator) -> dict[str, Any]:
        """Naive subjects: :math:`V_i` = ``v_init`` for every subject (no randomness)."""
        v = np.broadcast_to(np.asarray(self.v_init, float), (n_subjects, len(self.stimuli)))
        return {"v": v.copy(), "alive": True}

    def step(self, state: dict[str, Any], inputs: Mapping[str, Array],
             ctx: StepContext) -> tuple[dict[str, Any], Array]:
        """One epoch: the prediction, the error and the update (module docstring)."""
        v = state["v"]
        n_sub, n_cs = v.shape
        out = np.zeros((n_sub, 2 + n_cs))
        if not state["alive"]:
            return state, out
        out[:, 2:] = v
        present = np.array([ctx.span.intensity(s) > 0 for s in self.stimuli], bool)
        if ctx.sleeping or not present.any():
            return state, out
        lam = float(ctx.span.intensity(self.us))
        rate = (self.beta if lam > 0 else self.beta0) * ctx.learning("all")
        burst, dip = ctx.dopamine()
        pred = v[:, present].sum(axis=1)                         # (subjects,)
        if self.error_term == "summed":
            delta = np.broadcast_to((lam - pred)[:, None], (n_sub, int(present.sum())))
        else:
            delta = lam - v[:, present]                          # each CS's own error
        da = np.where(delta > 0, burst * delta, dip * delta)
        new = v.copy()
        new[:, present] += rate * np.asarray(self.alpha)[present] * da
        out[:, 0] = pred
        out[:, 1] = da.mean(axis=1)
        out[:, 2:] = new
        return {**state, "v": new}, out

    def cell_set(self, state: dict[str, Any], name: str) -> Array:
        """A group's cells (the region has no tagged sets)."""
        return cell_mask(self, np.asarray(state["v"]).shape[0], {}, name)

    def strengths(self, state: dict[str, Any]) -> Array:
        """The strengths :math:`V` ``(subjects, CS)`` in the order of :attr:`stimuli`."""
        return np.asarray(state["v"]).copy()


def _remove(region: RescorlaWagnerRegion, effect: Effect,
            state: dict[str, Any]) -> dict[str, Any]:
    return {**state, "alive": False}


register_effect(RescorlaWagnerRegion, Remove, instant=_remove)
register_effect(RescorlaWagnerRegion, ScaleLearning, during=True)
register_effect(RescorlaWagnerRegion, Dopamine, during=True)
