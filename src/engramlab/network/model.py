"""The network as data: populations, projections, inputs, stimuli and phases.

Nothing here simulates. A :class:`Network` is immutable and validated when it is made;
:func:`engramlab.network.build` turns it, with a seed and a time step, into arrays.

Units: times in ms, potentials in mV, currents in pA, conductances in nS, rates in Hz.
Weights are in the unit of the target receptor (:class:`engramlab.synapses.Receptor`):
mV for ``delta``, pA for ``current``, nS for ``conductance`` (the peak conductance).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from engramlab.core import ParameterError, Params, param
from engramlab.neurons import LIF, AdEx, HodgkinHuxley
from engramlab.synapses import Receptor, TsodyksMarkram

if TYPE_CHECKING:  # pragma: no cover
    from engramlab.network.connectivity import Connectivity
    from engramlab.network.plasticity import PlasticityRule

__all__ = ["ConductanceStep", "CurrentStep", "Network", "Normal", "Phase", "PoissonInput",
           "PoissonSource", "Population", "Projection", "ReceptorScale", "RemoveNeurons",
           "RemoveProjection", "RemoveSynapses", "SpikeSource", "Uniform"]


class PoissonSource(Params):
    """Units that fire as independent Poisson processes (a spike source population)."""

    rate_hz: float = param(10.0, unit="Hz", ge=0.0, doc="Firing rate of every unit.",
                           source="user choice (no paper default)")


@dataclasses.dataclass(frozen=True)
class SpikeSource:
    """Units that fire at given times: unit ``indices[k]`` fires at ``times_ms[k]``."""

    times_ms: Sequence[float] | np.ndarray
    indices: Sequence[int] | np.ndarray

    def __post_init__(self) -> None:
        t = np.asarray(self.times_ms, dtype=float).ravel()
        i = np.asarray(self.indices, dtype=np.int64).ravel()
        if t.shape != i.shape:
            raise ParameterError("model.indices", "must have as many entries as model.times_ms")
        if t.size and (not np.all(np.isfinite(t)) or t.min() < 0):
            raise ParameterError("model.times_ms", "must be finite and >= 0")
        object.__setattr__(self, "times_ms", t)
        object.__setattr__(self, "indices", i)


NEURON_MODELS = (LIF, AdEx, HodgkinHuxley)


@dataclasses.dataclass(frozen=True)
class Normal:
    """Values drawn from a normal distribution, clipped below at ``low`` (default 0)."""

    mean: float
    std: float
    low: float | None = 0.0

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` values drawn with ``rng``."""
        x = rng.normal(self.mean, self.std, size=n)
        return x if self.low is None else np.maximum(x, self.low)


@dataclasses.dataclass(frozen=True)
class Uniform:
    """Values drawn uniformly from ``[low, high)``."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not self.high >= self.low:
            raise ParameterError("high", "must be >= low", self.high)

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` values drawn with ``rng``."""
        return rng.uniform(self.low, self.high, size=n)


Distribution = Normal | Uniform


def _name_ok(field: str, name: str) -> None:
    if not isinstance(name, str) or not name or not name.replace("_", "").isalnum():
        raise ParameterError(field, "must be a non-empty name of letters, digits and '_'",
                             name)


@dataclasses.dataclass(frozen=True)
class Population:
    r"""``n`` neurons (or spike sources) of one model.

    Parameters
    ----------
    name
        Unique name (letters, digits, ``_``).
    n
        Number of units.
    model
        :class:`~engramlab.neurons.LIF`, :class:`~engramlab.neurons.AdEx`,
        :class:`~engramlab.neurons.HodgkinHuxley`, :class:`PoissonSource` or
        :class:`SpikeSource`.
    receptors
        The named synaptic input channels of the population (neurons only), e.g.
        ``{"exc": AMPA(), "inh": GABA_A()}``; projections and inputs target one by name.
    v0_mv
        Initial membrane potential: a number, a :class:`Uniform` / :class:`Normal`
        distribution, or ``None`` for the resting potential.
    i_bias_pa
        A constant current injected into every neuron (pA), or one value per neuron.
    noise_sd_mv
        Gaussian white-noise current into every LIF neuron, given as the stationary
        standard deviation (mV) of the free membrane potential it causes:
        :math:`\tau_m\, dV = -(V - E_L)\,dt + \ldots + \sigma \sqrt{2\tau_m}\, dW`, an
        Ornstein-Uhlenbeck process (LIF only; 0: none). Integrated exactly: each step
        adds :math:`\sigma \sqrt{1 - e^{-2\Delta t/\tau_m}}\, z`, :math:`z` standard
        normal (counter-based, stream ``(seed, 1, "noise/<pop>")``), to every
        non-refractory neuron. With a mean from ``i_bias_pa`` this is the external input
        "mu + sigma xi(t)" of Mongillo, Barak & Tsodyks 2008 (and of Brunel & Hakim 1999).
    """

    name: str
    n: int
    model: Any
    receptors: Mapping[str, Receptor] = dataclasses.field(default_factory=dict)
    v0_mv: float | Distribution | None = None
    i_bias_pa: float | Sequence[float] | np.ndarray = 0.0
    noise_sd_mv: float = 0.0

    def __post_init__(self) -> None:
        _name_ok("population.name", self.name)
        if not isinstance(self.n, (int, np.integer)) or self.n < 1:
            raise ParameterError(f"{self.name}.n", "must be an integer >= 1", self.n)
        if not isinstance(self.model, (*NEURON_MODELS, PoissonSource, SpikeSource)):
            raise ParameterError(f"{self.name}.model", "must be LIF, AdEx, HodgkinHuxley, "
                                 "PoissonSource or SpikeSource", type(self.model).__name__)
        for key, rec in self.receptors.items():
            _name_ok(f"{self.name}.receptors", key)
            if not isinstance(rec, Receptor):
                raise ParameterError(f"{self.name}.receptors.{key}", "must be a Receptor",
                                     type(rec).__name__)
        if self.is_source and self.receptors:
            raise ParameterError(f"{self.name}.receptors", "a spike source has no receptors")
        idx = np.asarray(self.model.indices) if isinstance(self.model, SpikeSource) else None
        if idx is not None and idx.size and (idx.min() < 0 or idx.max() >= self.n):
            raise ParameterError(f"{self.name}.model.indices", f"must lie in [0, {self.n})")
        bias = np.asarray(self.i_bias_pa, dtype=float)
        if bias.ndim > 1 or (bias.ndim == 1 and bias.size != self.n):
            raise ParameterError(f"{self.name}.i_bias_pa", f"must be a number or {self.n} values")
        if not np.all(np.isfinite(bias)):
            raise ParameterError(f"{self.name}.i_bias_pa", "must be finite")
        if not (isinstance(self.noise_sd_mv, (int, float)) and math.isfinite(self.noise_sd_mv)
                and self.noise_sd_mv >= 0):
            raise ParameterError(f"{self.name}.noise_sd_mv", "must be a finite number >= 0",
                                 self.noise_sd_mv)
        if self.noise_sd_mv > 0 and not isinstance(self.model, LIF):
            raise ParameterError(f"{self.name}.noise_sd_mv", "white-noise input is for LIF "
                                 "neurons only", type(self.model).__name__)
        object.__setattr__(self, "receptors", MappingProxyType(dict(self.receptors)))

    @property
    def is_source(self) -> bool:
        """A spike source (Poisson or scheduled), not neurons."""
        return isinstance(self.model, (PoissonSource, SpikeSource))


@dataclasses.dataclass(frozen=True)
class Projection:
    r"""Synapses from population ``pre`` onto receptor ``receptor`` of population ``post``.

    ``weight`` is a number, a distribution or one value per synapse (in the receptor's
    unit); ``delay_ms`` a number, a :class:`Uniform` or a :class:`Normal` clipped below
    at ``low > 0`` (rounded to whole steps, at least one). ``stp`` adds Tsodyks-Markram
    short-term plasticity: a spike then transmits
    ``weight * u * x`` (:mod:`engramlab.synapses.stp`); with ``stp_u_baseline`` the
    facilitation ``u`` relaxes to ``U`` between spikes and starts there (Mongillo, Barak
    & Tsodyks 2008: :math:`du/dt = (U - u)/\tau_F + U(1 - u)\delta(t - t_{sp})`),
    instead of to 0 (Markram et al. 1998: the first spike from rest then releases
    ``U``, here ``U + U(1 - U)``); the order at a spike is the same (``u`` jumps, then
    ``u x`` is released, then ``x`` drops by it). ``plasticity`` is a long-term
    rule that updates the weights: a trace rule of :mod:`engramlab.plasticity`
    (:class:`~engramlab.plasticity.stdp.PairSTDP`, triplet STDP), run inside the
    compiled loop, the input-coincidence rule :class:`~engramlab.network.CoincidenceRule`
    (compiled too), or any :class:`~engramlab.network.PlasticityRule` (a Python hook,
    stepped once per ``dt``).
    """

    pre: str
    post: str
    receptor: str
    connect: Connectivity
    weight: float | Distribution | Sequence[float] | np.ndarray = 1.0
    delay_ms: float | Uniform | Normal = 0.1
    stp: TsodyksMarkram | None = None
    plasticity: PlasticityRule | Any | None = None
    name: str = ""
    stp_u_baseline: bool = False

    def __post_init__(self) -> None:
        from engramlab.network.connectivity import Connectivity

        if not self.name:
            object.__setattr__(self, "name", f"{self.pre}_{self.post}_{self.receptor}")
        _name_ok("projection.name", self.name)
        if not isinstance(self.connect, Connectivity):
            raise ParameterError(f"{self.name}.connect", "must be a connection rule",
                                 type(self.connect).__name__)
        from engramlab.network.plasticity import CoincidenceRule, PlasticityRule

        if self.plasticity is not None and not (isinstance(self.plasticity, PlasticityRule)
                                                or isinstance(self.plasticity, CoincidenceRule)
                                                or hasattr(self.plasticity, "trace_rule")):
            raise ParameterError(f"{self.name}.plasticity", "must be a PlasticityRule, a "
                                 "trace rule (PairSTDP, TripletSTDP) or a CoincidenceRule",
                                 type(self.plasticity).__name__)
        if self.stp is not None and not isinstance(self.stp, TsodyksMarkram):
            raise ParameterError(f"{self.name}.stp", "must be TsodyksMarkram or None")
        if isinstance(self.delay_ms, (int, float)) and not self.delay_ms > 0:
            raise ParameterError(f"{self.name}.delay_ms", "must be > 0", self.delay_ms)
        if isinstance(self.delay_ms, Uniform) and not self.delay_ms.low > 0:
            raise ParameterError(f"{self.name}.delay_ms.low", "must be > 0", self.delay_ms.low)
        if isinstance(self.delay_ms, Normal) and not (self.delay_ms.low is not None
                                                      and self.delay_ms.low > 0):
            raise ParameterError(f"{self.name}.delay_ms.low", "must be > 0 (a normal delay "
                                 "is clipped below)", self.delay_ms.low)


@dataclasses.dataclass(frozen=True)
class PoissonInput:
    r"""External drive: ``n_inputs`` independent Poisson trains onto each neuron.

    Each neuron of ``target`` receives ``n_inputs`` trains at ``rate_hz``, each spike
    transmitting ``weight`` on ``receptor``. Drawn as one Poisson count per neuron and
    step, :math:`k \sim \mathrm{Poisson}(n_{inputs}\, \nu\, \Delta t)`, without
    representing the sources (the external population of Brunel 2000).
    """

    name: str
    target: str
    receptor: str
    n_inputs: int
    rate_hz: float
    weight: float

    def __post_init__(self) -> None:
        _name_ok("input.name", self.name)
        if self.n_inputs < 1:
            raise ParameterError(f"{self.name}.n_inputs", "must be >= 1", self.n_inputs)
        if not self.rate_hz >= 0:
            raise ParameterError(f"{self.name}.rate_hz", "must be >= 0", self.rate_hz)


def _window(field: str, start: float, stop: float) -> None:
    if not (start >= 0 and stop > start):
        raise ParameterError(field, "needs 0 <= start_ms < stop_ms", (start, stop))


@dataclasses.dataclass(frozen=True, eq=False)
class CurrentStep:
    """Inject ``amplitude_pa`` into ``population`` during ``[start_ms, stop_ms)``.

    Optionally only into ``neurons``; times are simulated time. ``amplitude_pa`` is one
    number or one value per neuron targeted (a profile: a cue on a ring,
    :func:`~engramlab.network.working_memory.ring_current`). The shape of electrical
    stimulation and of a photocurrent.
    """

    population: str
    amplitude_pa: float | Sequence[float] | np.ndarray
    start_ms: float = 0.0
    stop_ms: float = math.inf
    neurons: Sequence[int] | np.ndarray | None = None

    def __post_init__(self) -> None:
        _window(f"{self.population}.current_step", self.start_ms, self.stop_ms)
        a = np.asarray(self.amplitude_pa, float)
        if a.ndim > 1 or not np.all(np.isfinite(a)):
            raise ParameterError(f"{self.population}.current_step.amplitude_pa",
                                 "must be a finite number or a 1-D array of them", a.shape)
        if a.ndim == 1:
            if self.neurons is not None and a.size != len(self.neurons):
                raise ParameterError(f"{self.population}.current_step.amplitude_pa",
                                     f"must have one value per neuron targeted "
                                     f"({len(self.neurons)})", a.size)
            object.__setattr__(self, "amplitude_pa", a)


@dataclasses.dataclass(frozen=True)
class ConductanceStep:
    r"""Add a conductance ``g_ns`` with reversal ``e_rev_mv`` to ``population``.

    During ``[start_ms, stop_ms)``: :math:`I = g (E_{rev} - V)`. The shape of an opsin
    (ChR2 depolarising, a chloride pump or GtACR silencing) or a tonic shunt.
    """

    population: str
    g_ns: float
    e_rev_mv: float
    start_ms: float = 0.0
    stop_ms: float = math.inf
    neurons: Sequence[int] | np.ndarray | None = None

    def __post_init__(self) -> None:
        _window(f"{self.population}.conductance_step", self.start_ms, self.stop_ms)
        if not self.g_ns >= 0:
            raise ParameterError(f"{self.population}.conductance_step.g_ns", "must be >= 0",
                                 self.g_ns)


@dataclasses.dataclass(frozen=True)
class ReceptorScale:
    """Multiply everything arriving at ``receptor`` of ``population`` by ``factor``.

    During ``[start_ms, stop_ms)``: a drug (AP5 on NMDA: ``factor=0``; a benzodiazepine
    on GABA_A: ``factor > 1``).
    """

    population: str
    receptor: str
    factor: float
    start_ms: float = 0.0
    stop_ms: float = math.inf

    def __post_init__(self) -> None:
        _window(f"{self.population}.{self.receptor}.scale", self.start_ms, self.stop_ms)
        if not self.factor >= 0:
            raise ParameterError(f"{self.population}.{self.receptor}.factor", "must be >= 0",
                                 self.factor)


Stimulus = CurrentStep | ConductanceStep | ReceptorScale


@dataclasses.dataclass(frozen=True)
class RemoveNeurons:
    """Lesion: the listed neurons of ``population`` are gone.

    They never integrate or fire, and every synapse from or onto them is removed.
    """

    population: str
    neurons: Sequence[int] | np.ndarray


@dataclasses.dataclass(frozen=True)
class RemoveSynapses:
    """Lesion: each synapse of ``projection`` is removed with probability ``fraction``."""

    projection: str
    fraction: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.fraction <= 1.0:
            raise ParameterError(f"{self.projection}.lesion.fraction",
                                 "must be between 0 and 1", self.fraction)


@dataclasses.dataclass(frozen=True)
class RemoveProjection:
    """Lesion: the whole ``projection`` is cut."""

    projection: str


Lesion = RemoveNeurons | RemoveSynapses | RemoveProjection


@dataclasses.dataclass(frozen=True)
class Phase:
    """A stretch of a protocol: ``duration_ms`` with plasticity on or off.

    The named inputs (Poisson inputs or Poisson source populations) are scaled by
    ``inputs[name]`` (0 switches one off). Every phase change is logged and recorded in
    the result.
    """

    name: str
    duration_ms: float
    plasticity: bool = True
    inputs: Mapping[str, float] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.duration_ms > 0:
            raise ParameterError(f"phase {self.name!r}.duration_ms", "must be > 0",
                                 self.duration_ms)
        for key, val in self.inputs.items():
            if not val >= 0:
                raise ParameterError(f"phase {self.name!r}.inputs.{key}", "must be >= 0", val)


@dataclasses.dataclass(frozen=True)
class Network:
    """Populations, projections, external inputs and stimuli (all validated here)."""

    populations: Sequence[Population]
    projections: Sequence[Projection] = ()
    inputs: Sequence[PoissonInput] = ()
    stimuli: Sequence[Stimulus] = ()
    lesions: Sequence[Lesion] = ()

    def __post_init__(self) -> None:
        for field in ("populations", "projections", "inputs", "stimuli", "lesions"):
            object.__setattr__(self, field, tuple(getattr(self, field)))
        pops = {}
        for p in self.populations:
            if not isinstance(p, Population):
                raise ParameterError("populations", "must hold Population objects")
            if p.name in pops:
                raise ParameterError("populations", "names must be unique", p.name)
            pops[p.name] = p
        if not pops:
            raise ParameterError("populations", "needs at least one population")
        names = set()
        for pr in self.projections:
            for end in (pr.pre, pr.post):
                if end not in pops:
                    raise ParameterError(f"{pr.name}", f"unknown population {end!r}")
            if pops[pr.post].is_source:
                raise ParameterError(f"{pr.name}.post", "a spike source cannot receive synapses")
            if pr.receptor not in pops[pr.post].receptors:
                raise ParameterError(f"{pr.name}.receptor", f"{pr.post!r} has no receptor "
                                     f"{pr.receptor!r} (has {sorted(pops[pr.post].receptors)})")
            if pr.name in names:
                raise ParameterError("projections", "names must be unique", pr.name)
            names.add(pr.name)
        for inp in self.inputs:
            if inp.target not in pops or pops[inp.target].is_source:
                raise ParameterError(f"{inp.name}.target", "must name a neuron population",
                                     inp.target)
            if inp.receptor not in pops[inp.target].receptors:
                raise ParameterError(f"{inp.name}.receptor",
                                     f"{inp.target!r} has no receptor {inp.receptor!r}")
            if inp.name in names or inp.name in pops:
                raise ParameterError("inputs", "names must be unique", inp.name)
            names.add(inp.name)
        for st in self.stimuli:
            if st.population not in pops or pops[st.population].is_source:
                raise ParameterError("stimuli.population", "must name a neuron population",
                                     st.population)
            if isinstance(st, ReceptorScale) and st.receptor not in pops[st.population].receptors:
                raise ParameterError("stimuli.receptor",
                                     f"{st.population!r} has no receptor {st.receptor!r}")
            if (isinstance(st, CurrentStep) and st.neurons is None
                    and np.ndim(st.amplitude_pa) == 1
                    and np.size(st.amplitude_pa) != pops[st.population].n):
                raise ParameterError("stimuli.amplitude_pa", f"must have one value per neuron "
                                     f"of {st.population!r} ({pops[st.population].n})",
                                     np.size(st.amplitude_pa))
        proj_names = {pr.name for pr in self.projections}
        for les in self.lesions:
            if isinstance(les, RemoveNeurons):
                if les.population not in pops:
                    raise ParameterError("lesions.population", "unknown population",
                                         les.population)
                idx = np.asarray(les.neurons, np.int64).ravel()
                if idx.size and (idx.min() < 0 or idx.max() >= pops[les.population].n):
                    raise ParameterError("lesions.neurons",
                                         f"indices must lie in [0, {pops[les.population].n})")
            elif isinstance(les, (RemoveSynapses, RemoveProjection)):
                if les.projection not in proj_names:
                    raise ParameterError("lesions.projection", "unknown projection",
                                         les.projection)
            else:
                raise ParameterError("lesions", "must hold RemoveNeurons, RemoveSynapses or "
                                     "RemoveProjection", type(les).__name__)

    def population(self, name: str) -> Population:
        """The population called ``name``."""
        for p in self.populations:
            if p.name == name:
                return p
        raise ParameterError("population", "unknown population", name)

    def projection(self, name: str) -> Projection:
        """The projection called ``name``."""
        for p in self.projections:
            if p.name == name:
                return p
        raise ParameterError("projection", "unknown projection", name)

    def replace(self, **changes: Any) -> Network:
        """A copy with some fields replaced (and validated again)."""
        return dataclasses.replace(self, **changes)
