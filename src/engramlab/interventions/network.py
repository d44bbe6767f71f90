"""Interventions on spiking networks: transforms of a :class:`~engramlab.network.Network`.

Each function returns a new network; the original is unchanged. The lesions are
shorthands of the one lesion description, :class:`~engramlab.interventions.Lesion`,
applied by :func:`~engramlab.interventions.apply_lesion` (``lesion_neurons(net, "E",
fraction=0.1)`` is ``apply_lesion(net, Lesion("neurons", 0.1, target="E"), rng)``).
The stimuli below are the primitives that the descriptions of
:mod:`engramlab.interventions.stimulation` (an :class:`~engramlab.interventions.Opsin`)
and of the drugs (:class:`~engramlab.interventions.Drug`) resolve into on a network, as
:class:`~engramlab.circuits.Drive` and :class:`~engramlab.circuits.Gain` are in a
circuit; the engine applies them during the run:

- :func:`inject_current`: a current step on (some neurons of) a population -- the shape
  of electrical stimulation and of a photocurrent;
- :func:`add_conductance`: a conductance with a reversal potential over a window -- the
  shape of an opsin (ChR2 near 0 mV drives, a chloride channel near -70 mV silences);
- :func:`scale_receptor`: multiply what arrives at one receptor -- a drug (AP5 blocks
  NMDA: factor 0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from engramlab.core import ParameterError, make_rng
from engramlab.interventions.lesion import Lesion, apply_lesion
from engramlab.network import ConductanceStep, CurrentStep, Network, ReceptorScale

__all__ = ["add_conductance", "cut_projection", "inject_current", "lesion_neurons",
           "lesion_synapses", "scale_receptor"]


def lesion_neurons(network: Network, population: str, *, fraction: float | None = None,
                   neurons: Sequence[int] | np.ndarray | None = None,
                   seed: int = 0) -> Network:
    """Remove ``neurons`` of ``population``, or a random ``fraction`` drawn with ``seed``.

    Removed neurons never fire again and lose all their synapses.

    Examples
    --------
    >>> from engramlab.network import AllToAll, Population, Projection
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import AMPA
    >>> net = Network([Population("E", 4, LIF(), receptors={"ampa": AMPA()})],
    ...               [Projection("E", "E", "ampa", AllToAll())])
    >>> lesion_neurons(net, "E", neurons=[0, 2]).lesions[0].neurons.tolist()
    [0, 2]
    >>> lesion_neurons(net, "E", fraction=0.5, seed=0).lesions[0].neurons.size  # round(0.5 * 4)
    2
    """
    network.population(population)
    if (fraction is None) == (neurons is None):
        raise ParameterError("fraction", "give exactly one of fraction or neurons")
    les = Lesion("neurons", 1.0 if fraction is None else fraction, target=population,
                 cells=None if neurons is None else np.asarray(neurons))
    return apply_lesion(network, les, make_rng(seed, 5))


def lesion_synapses(network: Network, projection: str, fraction: float) -> Network:
    """Remove each synapse of ``projection`` with probability ``fraction``.

    The synapses are drawn with the simulation seed when the network is built.

    Examples
    --------
    >>> from engramlab.network import AllToAll, Population, Projection
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import AMPA
    >>> net = Network([Population("E", 4, LIF(), receptors={"ampa": AMPA()})],
    ...               [Projection("E", "E", "ampa", AllToAll())])
    >>> lesion_synapses(net, "E_E_ampa", 0.3).lesions
    (RemoveSynapses(projection='E_E_ampa', fraction=0.3),)
    """
    return apply_lesion(network, Lesion("synapses", fraction, target=projection),
                        make_rng(0))


def cut_projection(network: Network, projection: str) -> Network:
    """Remove every synapse of ``projection`` (a pathway lesion).

    Examples
    --------
    >>> from engramlab.network import AllToAll, Population, Projection
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import AMPA
    >>> net = Network([Population("E", 4, LIF(), receptors={"ampa": AMPA()})],
    ...               [Projection("E", "E", "ampa", AllToAll())])
    >>> cut_projection(net, "E_E_ampa").lesions, net.lesions
    ((RemoveProjection(projection='E_E_ampa'),), ())
    """
    return apply_lesion(network, Lesion("synapses", 1.0, target=projection), make_rng(0))


def inject_current(network: Network, population: str, amplitude_pa: float, *,
                   start_ms: float = 0.0, stop_ms: float = math.inf,
                   neurons: Sequence[int] | np.ndarray | None = None) -> Network:
    """Add a current step of ``amplitude_pa`` to ``population`` during the window.

    Examples
    --------
    >>> from engramlab.network import Population
    >>> from engramlab.neurons import LIF
    >>> net = inject_current(Network([Population("E", 4, LIF())]), "E", 150.0,
    ...                      start_ms=100.0, stop_ms=200.0, neurons=[0])
    >>> step = net.stimuli[0]
    >>> type(step).__name__, step.amplitude_pa, step.stop_ms - step.start_ms
    ('CurrentStep', 150.0, 100.0)
    """
    return network.replace(stimuli=(*network.stimuli, CurrentStep(
        population, amplitude_pa, start_ms, stop_ms, neurons)))


def add_conductance(network: Network, population: str, g_ns: float, e_rev_mv: float, *,
                    start_ms: float = 0.0, stop_ms: float = math.inf,
                    neurons: Sequence[int] | np.ndarray | None = None) -> Network:
    """Add a conductance ``g_ns`` reversing at ``e_rev_mv`` during the window.

    Examples
    --------
    >>> from engramlab.network import Population
    >>> from engramlab.neurons import LIF
    >>> net = add_conductance(Network([Population("E", 4, LIF())]), "E", 10.0, -70.0)
    >>> step = net.stimuli[0]  # a silencing chloride conductance for the whole run
    >>> type(step).__name__, step.g_ns, step.e_rev_mv, step.start_ms, step.stop_ms
    ('ConductanceStep', 10.0, -70.0, 0.0, inf)
    """
    return network.replace(stimuli=(*network.stimuli, ConductanceStep(
        population, g_ns, e_rev_mv, start_ms, stop_ms, neurons)))


def scale_receptor(network: Network, population: str, receptor: str, factor: float, *,
                   start_ms: float = 0.0, stop_ms: float = math.inf) -> Network:
    """Multiply what arrives at ``receptor`` of ``population`` by ``factor``.

    Examples
    --------
    >>> from engramlab.network import Population
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import NMDA
    >>> net = Network([Population("E", 4, LIF(), receptors={"nmda": NMDA()})])
    >>> scale_receptor(net, "E", "nmda", 0.0, stop_ms=500.0).stimuli  # AP5 for 500 ms
    (ReceptorScale(population='E', receptor='nmda', factor=0.0, start_ms=0.0, stop_ms=500.0),)
    """
    return network.replace(stimuli=(*network.stimuli, ReceptorScale(
        population, receptor, factor, start_ms, stop_ms)))
