r"""Engram manipulation: activity-dependent tagging, opsins on a light schedule, DREADDs.

The tools of chapter 5's engram experiments, as descriptions of the shared vocabulary.
In a circuit each resolves (:meth:`schedule`) into the effect primitives of
:mod:`engramlab.circuits`; on a spiking :class:`~engramlab.network.Network` an opsin
resolves into the engine's stimuli (:meth:`Opsin.to_network`).

:class:`Tagging`
    The cells of a region active above ``threshold`` during ``window`` join a named
    cell set: c-fos-tTA labelling while doxycycline is off (TetTag, Reijmers, Perkins,
    Matsuo & Mayford 2007; Liu et al. 2012). Resolves into
    :class:`~engramlab.circuits.Tag` over the window; later interventions name the set
    as their ``cells``.
:class:`Opsin`
    Light-gated channels or pumps in a cell set (a group or a tagged set), active in the
    epochs of ``light``. Excitatory (ChR2, Nagel et al. 2003; Boyden et al. 2005): in a
    rate circuit an added drive :math:`D` (activity units,
    :class:`~engramlab.circuits.Drive`); on a network a conductance :math:`g` reversing
    at 0 mV, :math:`I = g\,(0 - V)`. Inhibitory: in a circuit the cells' output
    scaled by :math:`1 - \epsilon` (:class:`~engramlab.circuits.Gain`, efficacy
    :math:`\epsilon`; a spiking region takes it as a shunting conductance); on a
    network the anion channel GtACR2 (Govorunova et al. 2015) a
    conductance reversing at :math:`E_{Cl}` = -70 mV, the pumps eNpHR3.0 (Gradinaru et
    al. 2010) and ArchT (Han et al. 2011) an outward current :math:`-I_{pump}`
    (a pump's current does not reverse).
:class:`Chemogenetic`
    A designer receptor (DREADD; Armbruster et al. 2007) in a cell set, activated by
    its ligand from an injection at :math:`t_0`. Its activation follows the
    Bateman function of a ligand absorbed with time constant :math:`\tau_r` and cleared
    with :math:`\tau_d`,

    .. math::

        a(t) = \frac{e^{-(t - t_0)/\tau_d} - e^{-(t - t_0)/\tau_r}}{a_{peak}},
        \qquad t \ge t_0,

    normalised to a peak of 1. Defaults: :math:`\tau_r` = 15 min and :math:`\tau_d`
    = 3 h -- CNO plasma levels in mice peak 15 min after an i.p. injection, and the
    biological effects last 6-10 h (Manvich et al. 2018); with :math:`\tau_d` = 3 h,
    :math:`a` falls to 10 % about 8 h after the injection. hM4Di (Gi, silencing) scales
    the cells' output by :math:`1 - \epsilon\,a(t)`, hM3Dq (Gq, excitation) adds a drive
    :math:`D\,a(t)`, both per epoch at the epoch's midpoint (effects below
    ``cutoff`` of the peak are dropped). Circuits only: a spiking network runs for
    seconds, the receptor acts over hours.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from engramlab.circuits import Circuit, Drive, Gain, Intervention, Scheduled, Tag
from engramlab.core import ParameterError, cite
from engramlab.interventions.network import add_conductance, inject_current
from engramlab.network import Network
from engramlab.protocol import Interval, Timeline, WindowLike, as_window

__all__ = ["CHEMOGENETIC_RECEPTORS", "OPSINS", "Chemogenetic", "Opsin", "OpsinKind",
           "Tagging", "tag_cells"]

MINUTE_MS = 60_000.0
HOUR_MS = 3_600_000.0


def _positive(field: str, value: object, *, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        rule = "must be a finite number >= 0" if allow_zero else "must be a finite number > 0"
        raise ParameterError(field, rule, value)
    return float(value)


def _fraction(field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not 0.0 <= value <= 1.0:
        raise ParameterError(field, "must be a number between 0 and 1", value)
    return float(value)


def _name(field: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ParameterError(field, "must be a non-empty string", value)
    return value


# -- tagging --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Tagging(Intervention):
    """Cells active above ``threshold`` in ``window`` join the set ``name``.

    The cells of ``region`` (its group ``cells``, or all); see the module docstring
    (Reijmers et al. 2007).

    Examples
    --------
    >>> tag = Tagging("engram", "hippocampus", "conditioning", threshold=0.3)
    >>> tag.name, tag.window.session, tag.cells, tag.threshold
    ('engram', 'conditioning', None, 0.3)
    """

    name: str
    region: str
    window: WindowLike
    cells: str | None = None
    threshold: float = 0.5

    def __post_init__(self) -> None:
        _name("tagging.name", self.name)
        _name("tagging.region", self.region)
        object.__setattr__(self, "window", as_window(self.window, "tagging.window"))
        if self.cells is not None:
            _name("tagging.cells", self.cells)
        _positive("tagging.threshold", self.threshold, allow_zero=True)

    def schedule(self, timeline: Timeline, circuit: Circuit) -> tuple[Scheduled, ...]:
        """:class:`~engramlab.circuits.Tag` on ``region`` over ``window``."""
        return (Scheduled(self.region, Tag(self.name, self.cells, self.threshold),
                          as_window(self.window)),)


def tag_cells(name: str, region: str, window: WindowLike, *, cells: str | None = None,
              threshold: float = 0.5) -> Tagging:
    """``Tagging(name, region, window, ...)``: label the cells active in ``window``.

    Examples
    --------
    >>> tag = tag_cells("engram", "hippocampus", "conditioning")  # doxycycline off in training
    >>> tag == Tagging("engram", "hippocampus", "conditioning", None, 0.5)
    True
    """
    return Tagging(name, region, window, cells, threshold)


# -- opsins ---------------------------------------------------------------------------------

OpsinKind = Literal["ChR2", "GtACR2", "eNpHR3.0", "ArchT"]


@dataclasses.dataclass(frozen=True)
class _OpsinSpec:
    action: Literal["excite", "silence"]
    carrier: Literal["channel", "pump"]
    e_rev_mv: float  # channels only
    source: str


#: What each opsin does: its action, whether a channel (conductance with a reversal
#: potential) or a pump (a current), and the paper it comes from.
OPSINS: dict[str, _OpsinSpec] = {
    "ChR2": _OpsinSpec("excite", "channel", 0.0, "nagel2003"),
    "GtACR2": _OpsinSpec("silence", "channel", -70.0, "govorunova2015"),
    "eNpHR3.0": _OpsinSpec("silence", "pump", math.nan, "gradinaru2010"),
    "ArchT": _OpsinSpec("silence", "pump", math.nan, "han2011"),
}


@dataclasses.dataclass(frozen=True)
class Opsin(Intervention):
    r"""``opsin`` expressed in ``cells`` of ``target``, on during ``light``.

    Parameters
    ----------
    opsin
        One of :data:`OPSINS` (``"ChR2"`` excites; ``"GtACR2"``, ``"eNpHR3.0"``,
        ``"ArchT"`` silence).
    target
        A region of a circuit, or a population of a spiking network.
    light
        When the light is on: a protocol window in a circuit; on a network an
        :class:`~engramlab.protocol.Interval` in ms of simulated time (``None``: the
        whole run).
    cells
        In a circuit, a cell group or a tagged set (:class:`Tagging`) of the region
        (``None``: every cell); on a network, the neuron indices (``None``: all).
    drive
        Circuits, excitatory opsins: the drive added, in the region's drive units
        (activity units of a rate region; nS of a 0-mV conductance on the cells of a
        :class:`~engramlab.circuits.SpikingRegion`).
    efficacy
        Circuits, inhibitory opsins: the fraction :math:`\epsilon` of the cells' output
        removed (1: complete silencing).
    g_ns
        Networks, channels: the light-evoked conductance (nS).
    current_pa
        Networks, pumps: the outward pump current (pA).

    Examples
    --------
    >>> chr2 = Opsin("ChR2", "hippocampus", light="test", cells="engram", drive=0.5)
    >>> chr2.spec.action, chr2.spec.e_rev_mv, chr2.citation
    ('excite', 0.0, 'Nagel et al. 2003')
    >>> Opsin("ArchT", "E").spec.carrier, Opsin("GtACR2", "E").spec.e_rev_mv  # E_Cl
    ('pump', -70.0)
    """

    opsin: OpsinKind
    target: str
    light: WindowLike | None = None
    cells: str | Sequence[int] | np.ndarray | None = None
    drive: float = 1.0
    efficacy: float = 1.0
    g_ns: float = 10.0
    current_pa: float = 200.0

    def __post_init__(self) -> None:
        if self.opsin not in OPSINS:
            raise ParameterError("opsin.opsin", f"must be one of {tuple(OPSINS)}",
                                 self.opsin)
        _name("opsin.target", self.target)
        if self.light is not None:
            object.__setattr__(self, "light", as_window(self.light, "opsin.light"))
        if self.cells is not None and not isinstance(self.cells, str):
            cells = np.asarray(self.cells)
            if cells.ndim != 1 or (cells.size and (not np.issubdtype(cells.dtype, np.integer)
                                                    or cells.min() < 0)):
                raise ParameterError("opsin.cells", "must name a cell group or set, or list "
                                     "neuron indices >= 0", self.cells)
            object.__setattr__(self, "cells", tuple(int(i) for i in cells))
        elif isinstance(self.cells, str):
            _name("opsin.cells", self.cells)
        _positive("opsin.drive", self.drive, allow_zero=True)
        _fraction("opsin.efficacy", self.efficacy)
        _positive("opsin.g_ns", self.g_ns, allow_zero=True)
        _positive("opsin.current_pa", self.current_pa, allow_zero=True)

    @property
    def spec(self) -> _OpsinSpec:
        """The opsin's action, carrier and reversal potential (:data:`OPSINS`)."""
        return OPSINS[self.opsin]

    @property
    def citation(self) -> str:
        """The paper the opsin comes from (short form)."""
        return cite(self.spec.source).short

    def schedule(self, timeline: Timeline, circuit: Circuit) -> tuple[Scheduled, ...]:
        """A drive (excite) or a gain (silence) of ``cells`` in the light's epochs.

        :class:`~engramlab.circuits.Drive` or :class:`~engramlab.circuits.Gain`.
        """
        if self.light is None:
            raise ParameterError("opsin.light", "in a circuit, say when the light is on (a "
                                 "window of the protocol)")
        if self.cells is not None and not isinstance(self.cells, str):
            raise ParameterError("opsin.cells", "in a circuit, name a cell group or a tagged "
                                 "set", self.cells)
        cells = self.cells if isinstance(self.cells, str) else None
        effect = (Drive(self.drive, cells) if self.spec.action == "excite"
                  else Gain(1.0 - self.efficacy, cells))
        return (Scheduled(self.target, effect, as_window(self.light)),)

    def to_network(self, network: Network) -> Network:
        """The opsin on a spiking network, while the light is on.

        A conductance (channels) or a current (pumps) on ``cells`` of population
        ``target``.
        """
        if self.light is None:
            start, stop = 0.0, math.inf
        elif isinstance(self.light, Interval):
            assert self.light.stop_ms is not None
            start, stop = self.light.start_ms, self.light.stop_ms
        else:
            raise ParameterError("opsin.light", "a network has no protocol: give "
                                 "Interval(start_ms, stop_ms) of simulated time",
                                 self.light)
        if isinstance(self.cells, str):
            raise ParameterError("opsin.cells", "on a network, list the neuron indices",
                                 self.cells)
        neurons = None if self.cells is None else np.asarray(self.cells, dtype=int)
        if self.spec.carrier == "channel":
            return add_conductance(network, self.target, self.g_ns, self.spec.e_rev_mv,
                                   start_ms=start, stop_ms=stop, neurons=neurons)
        return inject_current(network, self.target, -self.current_pa, start_ms=start,
                              stop_ms=stop, neurons=neurons)


# -- chemogenetics ---------------------------------------------------------------------------

CHEMOGENETIC_RECEPTORS = ("hM3Dq", "hM4Di")


@dataclasses.dataclass(frozen=True)
class Chemogenetic(Intervention):
    r"""A DREADD ``receptor`` in ``cells`` of ``region``, ligand injected at ``injection``.

    See the module docstring for :math:`a(t)`. ``efficacy`` :math:`\epsilon` (hM4Di) is
    the fraction of output removed at the peak, ``drive`` :math:`D` (hM3Dq) the drive
    added at the peak (activity units); ``rise_ms`` :math:`\tau_r`, ``decay_ms``
    :math:`\tau_d` (Manvich et al. 2018).

    Examples
    --------
    >>> hm4di = Chemogenetic("hM4Di", "amygdala", injection=Interval(0.0))
    >>> t_peak = math.log(12) * 15 * 180 / 165 * MINUTE_MS  # ln(d/r) r d / (d - r): 40.7 min
    >>> np.round(hm4di.activation([-1.0, t_peak, 8 * HOUR_MS]), 3).tolist()  # ~10 % at 8 h
    [0.0, 1.0, 0.095]
    """

    receptor: Literal["hM3Dq", "hM4Di"]
    region: str
    injection: WindowLike
    cells: str | None = None
    efficacy: float = 1.0
    drive: float = 1.0
    rise_ms: float = 15 * MINUTE_MS
    decay_ms: float = 3 * HOUR_MS
    cutoff: float = 0.01

    def __post_init__(self) -> None:
        if self.receptor not in CHEMOGENETIC_RECEPTORS:
            raise ParameterError("chemogenetic.receptor", f"must be one of "
                                 f"{CHEMOGENETIC_RECEPTORS}", self.receptor)
        _name("chemogenetic.region", self.region)
        object.__setattr__(self, "injection", as_window(self.injection,
                                                        "chemogenetic.injection"))
        if self.cells is not None:
            _name("chemogenetic.cells", self.cells)
        _fraction("chemogenetic.efficacy", self.efficacy)
        _positive("chemogenetic.drive", self.drive, allow_zero=True)
        _positive("chemogenetic.rise_ms", self.rise_ms)
        _positive("chemogenetic.decay_ms", self.decay_ms)
        if not self.decay_ms > self.rise_ms:
            raise ParameterError("chemogenetic.decay_ms", "must be > rise_ms (the ligand is "
                                 "cleared more slowly than it is absorbed)", self.decay_ms)
        _fraction("chemogenetic.cutoff", self.cutoff)

    def activation(self, t_ms: float | np.ndarray) -> np.ndarray:
        """:math:`a(t)` for ``t_ms`` after the injection (0 before it), peak 1."""
        t = np.asarray(t_ms, dtype=float)
        r, d = self.rise_ms, self.decay_ms
        t_peak = math.log(d / r) * r * d / (d - r)
        peak = math.exp(-t_peak / d) - math.exp(-t_peak / r)
        tt = np.maximum(t, 0.0)
        return np.where(t >= 0, (np.exp(-tt / d) - np.exp(-tt / r)) / peak, 0.0)

    def schedule(self, timeline: Timeline, circuit: Circuit) -> tuple[Scheduled, ...]:
        """One gain (hM4Di) or drive (hM3Dq) per epoch after the injection.

        :class:`~engramlab.circuits.Gain` or :class:`~engramlab.circuits.Drive`, at the
        activation :math:`a` of the epoch's midpoint.
        """
        assert not isinstance(self.injection, str)
        t0 = self.injection.resolve(timeline)[0][0]
        out = []
        for span in timeline.spans:
            a = float(self.activation(0.5 * (span.start_ms + span.stop_ms) - t0))
            if a < self.cutoff:
                continue
            effect = (Gain(1.0 - self.efficacy * a, self.cells) if self.receptor == "hM4Di"
                      else Drive(self.drive * a, self.cells))
            out.append(Scheduled(self.region, effect, Interval(span.start_ms, span.stop_ms)))
        if not out:
            raise ParameterError("chemogenetic.injection", "the receptor is active in no "
                                 "epoch of the protocol after the injection", self.injection)
        return tuple(out)
