r"""Dopamine as an intervention: scaling of the phasic bursts and dips of a circuit.

:class:`DopamineScaling` (or :func:`dopamine`) is a description like a drug: in a
region that learns from a reward prediction error (the striatum's critic and actor), in
the epochs of ``window``, the bursts (:math:`\delta > 0`) are multiplied by ``burst``
and the dips (:math:`\delta < 0`) by ``dip``; it resolves into the effect
:class:`~engramlab.circuits.Dopamine`, which each kind of region takes by dispatch
(:func:`~engramlab.circuits.register_effect`), or is refused before any work.

Typical forms (the later experiments of chapter 5 use them unchanged):

* dopamine depletion, Parkinson's disease off medication: ``burst = 1 - f`` for a loss
  ``f`` of the nigrostriatal signal (learning from reward impaired, from punishment
  spared: Frank, Seeberger & O'Reilly 2004, Science 306:1940);
* dopaminergic medication (L-DOPA): tonic dopamine fills the dips, ``dip < 1`` (the same
  paper: learning from punishment impaired on medication);
* a D1/D2 antagonist: both scaled.

Example
-------
>>> from engramlab.interventions import dopamine
>>> iv = dopamine(region="striatum", window="training", burst=0.2)
>>> iv.burst, iv.dip
(0.2, 1.0)
"""

from __future__ import annotations

import dataclasses
import math

from engramlab.circuits import Circuit, Intervention, Scheduled
from engramlab.circuits._region import Dopamine
from engramlab.core.errors import ParameterError
from engramlab.protocol import Timeline, WindowLike, as_window

__all__ = ["DopamineScaling", "dopamine"]


@dataclasses.dataclass(frozen=True)
class DopamineScaling(Intervention):
    """Bursts times ``burst``, dips times ``dip`` in ``region`` during ``window``.

    Examples
    --------
    >>> iv = DopamineScaling("striatum", "training", dip=0.5)  # L-DOPA fills half the dips
    >>> iv.burst, iv.dip, iv.window
    (1.0, 0.5, During(session='training', trial=None, epoch=None, stimulus=None, kind=None))
    """

    region: str
    window: WindowLike
    burst: float = 1.0
    dip: float = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.region, str) or not self.region:
            raise ParameterError("dopamine.region", "must be a region name", self.region)
        for field in ("burst", "dip"):
            v = getattr(self, field)
            if isinstance(v, bool) or not (isinstance(v, (int, float)) and math.isfinite(v)
                                           and v >= 0):
                raise ParameterError(f"dopamine.{field}", "must be a finite number >= 0", v)
        object.__setattr__(self, "window", as_window(self.window, "dopamine.window"))

    def schedule(self, timeline: Timeline, circuit: Circuit) -> tuple[Scheduled, ...]:
        """One :class:`~engramlab.circuits.Dopamine` effect on ``region`` over ``window``."""
        return (Scheduled(self.region, Dopamine(float(self.burst), float(self.dip)),
                          as_window(self.window)),)


def dopamine(*, region: str, window: WindowLike, burst: float = 1.0,
             dip: float = 1.0) -> DopamineScaling:
    """Scale the dopamine bursts and dips of ``region`` during ``window``.

    Examples
    --------
    >>> iv = dopamine(region="striatum", window="training", burst=0.4)  # 60 % of bursts lost
    >>> iv == DopamineScaling("striatum", "training", burst=0.4, dip=1.0)
    True
    """
    return DopamineScaling(region, window, burst, dip)
