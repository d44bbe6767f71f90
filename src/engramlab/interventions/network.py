"""Interventions on spiking networks: transforms of a :class:`~engramlab.network.Network`.

Each function returns a new network; the original is unchanged. Lesions remove parts
(neurons, a fraction of synapses, a whole projection); stimulation and drugs add a
time-windowed stimulus that the engine applies during the run:

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
from engramlab.network import (
    ConductanceStep,
    CurrentStep,
    Network,
    ReceptorScale,
    RemoveNeurons,
    RemoveProjection,
    RemoveSynapses,
)

__all__ = ["add_conductance", "cut_projection", "inject_current", "lesion_neurons",
           "lesion_synapses", "scale_receptor"]


def lesion_neurons(network: Network, population: str, *, fraction: float | None = None,
                   neurons: Sequence[int] | np.ndarray | None = None,
                   seed: int = 0) -> Network:
    """Remove ``neurons`` of ``population``, or a random ``fraction`` drawn with ``seed``.

    Removed neurons never fire again and lose all their synapses.
    """
    pop = network.population(population)
    if (fraction is None) == (neurons is None):
        raise ParameterError("fraction", "give exactly one of fraction or neurons")
    if fraction is not None:
        if not 0.0 <= fraction <= 1.0:
            raise ParameterError("fraction", "must be between 0 and 1", fraction)
        rng = make_rng(seed, 5)
        neurons = np.sort(rng.permutation(pop.n)[: round(fraction * pop.n)])
    return network.replace(lesions=(*network.lesions, RemoveNeurons(population,
                                                                    np.asarray(neurons))))


def lesion_synapses(network: Network, projection: str, fraction: float) -> Network:
    """Remove each synapse of ``projection`` with probability ``fraction``.

    The synapses are drawn with the simulation seed when the network is built.
    """
    network.projection(projection)
    return network.replace(lesions=(*network.lesions, RemoveSynapses(projection, fraction)))


def cut_projection(network: Network, projection: str) -> Network:
    """Remove every synapse of ``projection`` (a pathway lesion)."""
    network.projection(projection)
    return network.replace(lesions=(*network.lesions, RemoveProjection(projection)))


def inject_current(network: Network, population: str, amplitude_pa: float, *,
                   start_ms: float = 0.0, stop_ms: float = math.inf,
                   neurons: Sequence[int] | np.ndarray | None = None) -> Network:
    """Add a current step of ``amplitude_pa`` to ``population`` during the window."""
    return network.replace(stimuli=(*network.stimuli, CurrentStep(
        population, amplitude_pa, start_ms, stop_ms, neurons)))


def add_conductance(network: Network, population: str, g_ns: float, e_rev_mv: float, *,
                    start_ms: float = 0.0, stop_ms: float = math.inf,
                    neurons: Sequence[int] | np.ndarray | None = None) -> Network:
    """Add a conductance ``g_ns`` reversing at ``e_rev_mv`` during the window."""
    return network.replace(stimuli=(*network.stimuli, ConductanceStep(
        population, g_ns, e_rev_mv, start_ms, stop_ms, neurons)))


def scale_receptor(network: Network, population: str, receptor: str, factor: float, *,
                   start_ms: float = 0.0, stop_ms: float = math.inf) -> Network:
    """Multiply what arrives at ``receptor`` of ``population`` by ``factor``."""
    return network.replace(stimuli=(*network.stimuli, ReceptorScale(
        population, receptor, factor, start_ms, stop_ms)))
