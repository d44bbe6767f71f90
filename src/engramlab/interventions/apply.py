"""One way to apply interventions to a spiking network.

:func:`apply_to_network` takes the same descriptions a circuit takes -- a
:class:`~engramlab.interventions.Lesion`, a :class:`~engramlab.interventions.Drug`, an
:class:`~engramlab.interventions.Opsin` -- and returns the transformed
:class:`~engramlab.network.Network`, in the order given. In a circuit the same
descriptions go into a group and :func:`~engramlab.circuits.run_protocol` resolves them
against the protocol.
"""

from __future__ import annotations

from collections.abc import Sequence

from engramlab.core import ParameterError, make_rng
from engramlab.interventions.drugs import NMDA, Drug
from engramlab.interventions.lesion import Lesion, apply_lesion
from engramlab.interventions.network import scale_receptor
from engramlab.interventions.stimulation import Opsin
from engramlab.network import Network

__all__ = ["apply_to_network"]

NetworkIntervention = Drug | Lesion | Opsin


def apply_to_network(network: Network, interventions: Sequence[NetworkIntervention], *,
                     population: str | None = None, nmda_receptor: str = "nmda",
                     seed: int = 0) -> Network:
    """``network`` with ``interventions`` applied, in order (the input is unchanged).

    - a :class:`Drug` blocking NMDA receptors scales ``nmda_receptor`` of
      ``population`` by ``1 - block`` over its window (s -> ms): one
      :class:`~engramlab.network.ReceptorScale` each; protein-synthesis blockers have
      no target in a spiking network without a consolidation model, so passing one is
      an error rather than a silent no-op;
    - a :class:`Lesion` is applied by :func:`apply_lesion` (a random neuron lesion draws
      from ``seed``, the i-th lesion from its own stream);
    - an :class:`Opsin` by :meth:`Opsin.to_network`.

    Examples
    --------
    >>> from engramlab.interventions import Opsin, ap5
    >>> from engramlab.network import Population
    >>> from engramlab.neurons import LIF
    >>> from engramlab.protocol import Interval
    >>> from engramlab.synapses import NMDA as NMDAReceptor
    >>> net = Network([Population("E", 4, LIF(), receptors={"nmda": NMDAReceptor()})])
    >>> out = apply_to_network(net, [ap5(0.0, 1.0), Opsin("ArchT", "E", light=Interval(0, 500))],
    ...                        population="E")
    >>> [type(s).__name__ for s in out.stimuli], out.stimuli[0].factor, out.stimuli[0].stop_ms
    (['ReceptorScale', 'CurrentStep'], 0.0, 1000.0)
    >>> out.stimuli[1].amplitude_pa, net.stimuli  # the pump's outward current; input unchanged
    (-200.0, ())
    """
    for i, iv in enumerate(interventions):
        if isinstance(iv, Drug):
            if iv.target != NMDA:
                raise ParameterError(f"{iv.name}.target",
                                     "a spiking network has no protein synthesis; apply it "
                                     "to a consolidation model", iv.target)
            if population is None:
                raise ParameterError("population", "a drug on a network needs the "
                                     "population whose receptors it blocks")
            start = max(iv.start_s * 1000.0, 0.0)
            network = scale_receptor(network, population, nmda_receptor, 1.0 - iv.block,
                                     start_ms=start, stop_ms=iv.stop_s * 1000.0)
        elif isinstance(iv, Lesion):
            network = apply_lesion(network, iv, make_rng(seed, 5, i))
        elif isinstance(iv, Opsin):
            network = iv.to_network(network)
        else:
            raise ParameterError(f"interventions[{i}]", "must be a Drug, a Lesion or an "
                                 "Opsin", type(iv).__name__)
    return network
