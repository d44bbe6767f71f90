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
    """Units that fire as independent Poisson processes (a spike source population).

    Examples
    --------
    >>> from engramlab.network import Spikes, simulate
    >>> net = Network([Population("drive", 50, PoissonSource(rate_hz=20.0))])
    >>> ds = simulate(net, 200.0, record=[Spikes("drive")], seed=1)
    >>> ds.attrs["n_spikes"] / (50 * 0.2)  # spikes per unit and second: about 20 Hz
    18.7
    """

    rate_hz: float = param(10.0, unit="Hz", ge=0.0, doc="Firing rate of every unit.",
                           source="user choice (no paper default)")


@dataclasses.dataclass(frozen=True)
class SpikeSource:
    """Units that fire at given times: unit ``indices[k]`` fires at ``times_ms[k]``.

    Examples
    --------
    >>> from engramlab.network import Spikes, simulate
    >>> stim = SpikeSource(times_ms=[1.0, 3.0, 3.0], indices=[0, 2, 1])
    >>> ds = simulate(Network([Population("stim", 3, stim)]), 5.0,
    ...               record=[Spikes("stim")], seed=0)
    >>> ds["stim_spike_time"].values.tolist(), ds["stim_spike_neuron"].values.tolist()
    ([1.0, 3.0, 3.0], [0, 2, 1])
    """

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
    """Values drawn from a normal distribution, clipped below at ``low`` (default 0).

    Examples
    --------
    >>> w = Normal(0.5, 1.0)  # e.g. Projection(..., weight=w): no negative weight
    >>> w.draw(4, np.random.default_rng(2)).round(2).tolist()
    [0.69, 0.0, 0.09, 0.0]
    >>> v0 = Normal(-65.0, 2.0, low=None)  # no clipping: initial potentials (mV)
    >>> v0.draw(3, np.random.default_rng(0)).round(2).tolist()
    [-64.75, -65.26, -63.72]
    """

    mean: float
    std: float
    low: float | None = 0.0

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` values drawn with ``rng``."""
        x = rng.normal(self.mean, self.std, size=n)
        return x if self.low is None else np.maximum(x, self.low)


@dataclasses.dataclass(frozen=True)
class Uniform:
    """Values drawn uniformly from ``[low, high)``.

    Examples
    --------
    >>> v0 = Uniform(-60.0, -50.0)  # e.g. Population(..., v0_mv=v0), in mV
    >>> v0.draw(3, np.random.default_rng(0)).round(2).tolist()
    [-53.63, -57.3, -59.59]
    """

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

    Examples
    --------
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import AMPA, GABA_A
    >>> pop = Population("E", 40, LIF(), {"exc": AMPA(), "inh": GABA_A()},
    ...                  v0_mv=Uniform(-60.0, -50.0), i_bias_pa=50.0)
    >>> pop.n, sorted(pop.receptors), pop.is_source
    (40, ['exc', 'inh'], False)
    >>> Population("drive", 100, PoissonSource(rate_hz=5.0)).is_source
    True
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

    Examples
    --------
    >>> from engramlab.network import FixedInDegree, Simulator
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import delta
    >>> pops = [Population("E", 20, LIF(), {"exc": delta()}),
    ...         Population("I", 5, LIF(), {"exc": delta()})]
    >>> proj = Projection("E", "I", "exc", FixedInDegree(4), weight=0.5,
    ...                   delay_ms=Uniform(1.0, 2.0))
    >>> proj.name  # the default name: pre_post_receptor
    'E_I_exc'
    >>> pre, post = Simulator(Network(pops, [proj]), seed=1).synapses("E_I_exc")
    >>> pre.size  # 4 inputs onto each of the 5 I cells
    20
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

    Examples
    --------
    >>> from engramlab.network import State, simulate
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import delta
    >>> pop = Population("E", 20, LIF(v_th_mv=-40.0), {"exc": delta()})
    >>> bkg = PoissonInput("bkg", "E", "exc", n_inputs=100, rate_hz=10.0, weight=0.2)
    >>> ds = simulate(Network([pop], inputs=[bkg]), 200.0,
    ...               record=[State("E", "v", neurons=None, every_ms=1.0)], seed=1)
    >>> round(float(ds["E_v"][100:].mean()), 1)  # about -60 + 1 kHz x 0.2 mV x 20 ms
    -56.2
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

    Examples
    --------
    >>> from engramlab.network import State, simulate
    >>> from engramlab.neurons import LIF
    >>> step = CurrentStep("E", 80.0, start_ms=10.0, stop_ms=60.0)  # 80 pA for 50 ms
    >>> net = Network([Population("E", 1, LIF())], stimuli=[step])
    >>> ds = simulate(net, 80.0, record=[State("E", "v", every_ms=1.0)], seed=0)
    >>> v = ds["E_v"].sel(E_v_neuron=0)  # charging towards -60 + 80 / 10 = -52 mV
    >>> v.sel(E_v_time=[10.0, 60.0, 80.0]).values.round(2).tolist()
    [-60.0, -52.66, -57.3]
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

    Examples
    --------
    >>> from engramlab.network import State, simulate
    >>> from engramlab.neurons import LIF
    >>> cell = Population("E", 1, LIF(), i_bias_pa=150.0)  # alone: fires at ~37 Hz
    >>> silence = ConductanceStep("E", g_ns=10.0, e_rev_mv=-80.0)  # for the whole run
    >>> ds = simulate(Network([cell], stimuli=[silence]), 200.0,
    ...               record=[State("E", "v", every_ms=1.0)], seed=0)
    >>> ds.attrs["n_spikes"], round(float(ds["E_v"][-1, 0]), 2)  # (10 E_L + 10 E + I) / 20
    (0, -62.5)
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

    Examples
    --------
    >>> from engramlab.network import State, simulate
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import delta
    >>> pop = Population("E", 20, LIF(), {"exc": delta()})
    >>> bkg = PoissonInput("bkg", "E", "exc", 100, 10.0, 0.2)
    >>> block = ReceptorScale("E", "exc", factor=0.0, stop_ms=50.0)  # washed out at 50 ms
    >>> ds = simulate(Network([pop], inputs=[bkg], stimuli=[block]), 100.0,
    ...               record=[State("E", "v", neurons=None, every_ms=1.0)], seed=1)
    >>> v = ds["E_v"].mean("E_v_neuron")  # mV
    >>> round(float(v.sel(E_v_time=50.0)), 2), round(float(v.sel(E_v_time=100.0)), 1)
    (-60.0, -56.5)
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

    Examples
    --------
    >>> from engramlab.network import Spikes, simulate
    >>> from engramlab.neurons import LIF
    >>> pop = Population("E", 10, LIF(), i_bias_pa=150.0)  # every neuron fires
    >>> net = Network([pop], lesions=[RemoveNeurons("E", [0, 1])])
    >>> ds = simulate(net, 50.0, record=[Spikes("E")], seed=0)
    >>> np.unique(ds["E_spike_neuron"]).tolist()
    [2, 3, 4, 5, 6, 7, 8, 9]
    """

    population: str
    neurons: Sequence[int] | np.ndarray


@dataclasses.dataclass(frozen=True)
class RemoveSynapses:
    """Lesion: each synapse of ``projection`` is removed with probability ``fraction``.

    Examples
    --------
    >>> from engramlab.network import OneToOne, Simulator
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import delta
    >>> pops = [Population(n, 100, LIF(), {"exc": delta()}) for n in ("A", "B")]
    >>> net = Network(pops, [Projection("A", "B", "exc", OneToOne(), name="AB")],
    ...               lesions=[RemoveSynapses("AB", 0.25)])
    >>> pre, post = Simulator(net, seed=3).synapses("AB")
    >>> pre.size  # of 100 synapses, about 75 are left
    74
    """

    projection: str
    fraction: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.fraction <= 1.0:
            raise ParameterError(f"{self.projection}.lesion.fraction",
                                 "must be between 0 and 1", self.fraction)


@dataclasses.dataclass(frozen=True)
class RemoveProjection:
    """Lesion: the whole ``projection`` is cut.

    Examples
    --------
    >>> from engramlab.network import OneToOne, Simulator
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import delta
    >>> pops = [Population(n, 10, LIF(), {"exc": delta()}) for n in ("A", "B")]
    >>> net = Network(pops, [Projection("A", "B", "exc", OneToOne(), name="AB")],
    ...               lesions=[RemoveProjection("AB")])
    >>> pre, post = Simulator(net, seed=0).synapses("AB")
    >>> pre.size
    0
    """

    projection: str


Lesion = RemoveNeurons | RemoveSynapses | RemoveProjection


@dataclasses.dataclass(frozen=True)
class Phase:
    """A stretch of a protocol: ``duration_ms`` with plasticity on or off.

    The named inputs (Poisson inputs or Poisson source populations) are scaled by
    ``inputs[name]`` (0 switches one off). Every phase change is logged and recorded in
    the result.

    Examples
    --------
    >>> from engramlab.network import Spikes, simulate
    >>> net = Network([Population("drive", 40, PoissonSource(rate_hz=50.0))])
    >>> phases = [Phase("on", 100.0), Phase("off", 100.0, inputs={"drive": 0.0})]
    >>> ds = simulate(net, phases=phases, record=[Spikes("drive")], seed=2)
    >>> ds["phase_name"].values.tolist(), ds["phase_start_ms"].values.tolist()
    (['on', 'off'], [0.0, 100.0])
    >>> t = ds["drive_spike_time"].values  # 40 x 50 Hz x 0.1 s = 200 expected, then none
    >>> int((t < 100.0).sum()), int((t >= 100.0).sum())
    (199, 0)
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
    """Populations, projections, external inputs and stimuli (all validated here).

    Examples
    --------
    >>> from engramlab.network import FixedProbability
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import delta
    >>> E = Population("E", 40, LIF(), {"exc": delta(), "inh": delta()})
    >>> I = Population("I", 10, LIF(), {"exc": delta()})
    >>> net = Network([E, I], [Projection("E", "I", "exc", FixedProbability(0.2)),
    ...                        Projection("I", "E", "inh", FixedProbability(0.5),
    ...                                   weight=-1.0)])
    >>> [p.name for p in net.projections], net.population("I").n
    (['E_I_exc', 'I_E_inh'], 10)
    >>> lesioned = net.replace(lesions=[RemoveNeurons("E", [0, 1])])  # a new network
    >>> len(lesioned.lesions), len(net.lesions)
    (1, 0)

    A projection onto a receptor the population lacks is refused when the network is
    made:

    >>> Network([I], [Projection("I", "I", "inh", FixedProbability(0.5))])
    Traceback (most recent call last):
        ...
    engramlab.core.errors.ParameterError: ... 'I' has no receptor 'inh' (has ['exc'])
    """

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
