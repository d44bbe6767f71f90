"""Drugs of the plasticity experiments, applied in a time window.

A :class:`Drug` blocks a fraction of one molecular target during ``[start_s, stop_s)``:

- :func:`ap5` -- D-AP5 (D-2-amino-5-phosphonovalerate), a competitive NMDA-receptor
  antagonist: blocks NMDA-receptor current and so the NMDA calcium influx that induces
  LTP and LTD (Collingridge, Kehl & McLennan 1983, J. Physiol. 334:33,
  doi:10.1113/jphysiol.1983.sp014478; Dudek & Bear 1992, PNAS 89:4363,
  doi:10.1073/pnas.89.10.4363);
- :func:`anisomycin` -- a protein-synthesis (translation) inhibitor: spares early LTP
  and blocks late LTP (Frey, Krug, Reymann & Matthies 1988, Brain Res. 452:57,
  doi:10.1016/0006-8993(88)90008-X; Frey & Morris 1997, Nature 385:533,
  doi:10.1038/385533a0).

Models do not know about drugs. A model that has such a target takes a *factor of
time*: a function ``f(t_s) -> array`` giving the fraction of the target still working
(1 = untouched, 0 = fully blocked). :func:`availability` builds that function from a
list of drugs; :func:`~engramlab.interventions.apply_to_network` turns NMDA blockers
into receptor scalings of a spiking :class:`~engramlab.network.Network`; in a circuit,
a drug given a ``region`` and a ``window`` of the protocol
(``ap5(region="amygdala", window="conditioning")``) is an
:class:`~engramlab.circuits.Intervention` whose effect is
:class:`~engramlab.circuits.ScaleLearning` of the plasticity needing its target in that
region, in every epoch of the window; an NMDA blocker in a region that maps NMDA
channels (a spiking region with ``receptors``, such as the prefrontal ring of
:func:`~engramlab.circuits.pfc.compte_region`) also scales the NMDA current there
(:class:`~engramlab.circuits.ScaleReceptor`): AP5 blocks both the learning and the
transmission that NMDA receptors carry. With several drugs on one target the
factors multiply (independent binding). Outside its window a drug has no effect (the
wash-in and wash-out are taken as instantaneous).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

from engramlab.circuits import (
    Circuit,
    Intervention,
    ScaleLearning,
    ScaleReceptor,
    Scheduled,
    takes_effect,
)
from engramlab.core import ParameterError
from engramlab.protocol import Timeline, WindowLike, as_window

__all__ = ["NMDA", "PROTEIN_SYNTHESIS", "Drug", "Target", "anisomycin", "ap5",
           "availability"]

Target = Literal["nmda", "protein_synthesis"]
NMDA: Target = "nmda"
PROTEIN_SYNTHESIS: Target = "protein_synthesis"
_TARGETS = (NMDA, PROTEIN_SYNTHESIS)


@dataclasses.dataclass(frozen=True)
class Drug(Intervention):
    """``block`` of ``target`` (fraction, 0..1) during ``[start_s, stop_s)`` (s).

    In a circuit: in ``region`` during ``window`` (a protocol window) instead.

    Examples
    --------
    >>> d = Drug("AP5", NMDA, start_s=0.0, stop_s=60.0, block=0.8)
    >>> np.round(d.factor([-1.0, 0.0, 30.0, 60.0]), 4).tolist()  # 1 - 0.8 inside [0, 60) s
    [1.0, 0.2, 0.2, 1.0]
    """

    name: str
    target: Target
    start_s: float = -math.inf
    stop_s: float = math.inf
    block: float = 1.0
    region: str | None = None
    window: WindowLike | None = None

    def __post_init__(self) -> None:
        if self.target not in _TARGETS:
            raise ParameterError(f"{self.name}.target", f"must be one of {_TARGETS}",
                                 self.target)
        if not 0.0 <= self.block <= 1.0:
            raise ParameterError(f"{self.name}.block", "must be between 0 and 1",
                                 self.block)
        if math.isnan(self.start_s) or math.isnan(self.stop_s):
            raise ParameterError(f"{self.name}.start_s", "must not be NaN", self.start_s)
        if not self.stop_s > self.start_s:
            raise ParameterError(f"{self.name}.stop_s", "must be > start_s", self.stop_s)
        if (self.region is None) != (self.window is None):
            raise ParameterError(f"{self.name}.region", "a drug in a circuit needs both a "
                                 "region and a window", self.region)
        if self.window is not None:
            object.__setattr__(self, "window", as_window(self.window, f"{self.name}.window"))
            if math.isfinite(self.start_s) or math.isfinite(self.stop_s):
                raise ParameterError(f"{self.name}.window", "give either a window of the "
                                     "protocol or start_s / stop_s, not both", self.window)

    def schedule(self, timeline: Timeline, circuit: Circuit) -> tuple[Scheduled, ...]:
        """:class:`~engramlab.circuits.ScaleLearning` in ``region`` during ``window``.

        And :class:`~engramlab.circuits.ScaleReceptor` of the NMDA current where the
        region takes it (module docstring).
        """
        if self.region is None or self.window is None:
            raise ParameterError(f"{self.name}.region", "a drug in a circuit needs a region "
                                 "and a window of the protocol")
        window = as_window(self.window)
        out = [Scheduled(self.region, ScaleLearning(1.0 - self.block, self.target), window)]
        current = ScaleReceptor(1.0 - self.block, NMDA)
        regions = {r.name: r for r in circuit.regions}
        if (self.target == NMDA and self.region in regions
                and takes_effect(regions[self.region], current, windowed=True)):
            out.append(Scheduled(self.region, current, window))
        return tuple(out)

    def factor(self, t_s: float | np.ndarray) -> np.ndarray:
        """Fraction of the target still working at ``t_s`` (s).

        ``1 - block`` inside the window, 1 outside.
        """
        t = np.asarray(t_s, dtype=float)
        inside = (t >= self.start_s) & (t < self.stop_s)
        return np.where(inside, 1.0 - self.block, 1.0)


def ap5(start_s: float = -math.inf, stop_s: float = math.inf, *, block: float = 1.0,
        region: str | None = None, window: WindowLike | None = None) -> Drug:
    """D-AP5, the NMDA-receptor antagonist.

    50-100 uM in slices blocks LTP and LTD (Dudek & Bear 1992); ``block`` is the
    fraction of NMDA current removed.

    Examples
    --------
    >>> d = ap5(0.0, 60.0, block=0.5)
    >>> d.name, d.target, float(d.factor(30.0)), float(d.factor(90.0))
    ('AP5', 'nmda', 0.5, 1.0)
    >>> ap5(region="amygdala", window="conditioning").window.session  # in a circuit
    'conditioning'
    """
    return Drug("AP5", NMDA, start_s, stop_s, block, region, window)


def anisomycin(start_s: float = -math.inf, stop_s: float = math.inf, *,
               block: float = 1.0, region: str | None = None,
               window: WindowLike | None = None) -> Drug:
    """Anisomycin, the protein-synthesis inhibitor.

    25 uM blocks late LTP (Frey & Morris 1997); ``block`` is the fraction of
    plasticity-related protein synthesis removed.

    Examples
    --------
    >>> d = anisomycin(0.0, 3_600.0)  # the first hour
    >>> d.target, float(d.factor(10.0)), float(d.factor(3_600.0))
    ('protein_synthesis', 0.0, 1.0)
    """
    return Drug("anisomycin", PROTEIN_SYNTHESIS, start_s, stop_s, block, region, window)


def availability(drugs: Sequence[Drug], target: Target) -> Callable[[float | np.ndarray],
                                                                     np.ndarray]:
    """The factor of time of ``target`` under ``drugs``.

    ``f(t_s)`` is the product of the factors of the drugs acting on it (1 where none
    acts).

    Examples
    --------
    >>> drugs = [ap5(0, 10, block=0.5), ap5(5, 20, block=0.5), anisomycin(0, 100)]
    >>> f = availability(drugs, NMDA)  # anisomycin acts on another target
    >>> f(np.array([1.0, 7.0, 15.0, 30.0])).tolist()  # 0.5 * 0.5 where the two AP5 overlap
    [0.5, 0.25, 0.5, 1.0]
    """
    if target not in _TARGETS:
        raise ParameterError("target", f"must be one of {_TARGETS}", target)
    acting = tuple(d for d in drugs if d.target == target)

    def factor(t_s: float | np.ndarray) -> np.ndarray:
        out = np.ones_like(np.asarray(t_s, dtype=float))
        for drug in acting:
            out = out * drug.factor(t_s)
        return out

    return factor
