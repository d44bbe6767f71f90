"""Spiking networks: populations + projections + schedule -> :func:`simulate`.

A network is data (:class:`Network`: named :class:`Population` s, :class:`Projection` s,
external :class:`PoissonInput` s and stimulus windows). :func:`simulate` (or a
:class:`Simulator` when the state must be kept, snapshotted and restored between
phases) builds it with an explicit seed and owns the time loop: event-driven spike
propagation through per-projection CSR tables and delay ring buffers, exact
integration of the linear parts, all in one loop compiled by Numba (:mod:`._engine`),
once per CPU and then loaded from a disk cache (:func:`compile_loop` compiles it ahead).
"""

from engramlab.network.amygdala import (
    AmygdalaParams,
    amygdala_cells,
    amygdala_network,
    amygdala_protocol,
    cs_responses,
    cs_windows,
)
from engramlab.network.connectivity import (
    AllToAll,
    Dense,
    DenseMatrix,
    DenseRing,
    Explicit,
    FixedInDegree,
    FixedProbability,
    OneToOne,
    RingProfile,
)
from engramlab.network.model import (
    ConductanceStep,
    CurrentStep,
    Network,
    Normal,
    Phase,
    PoissonInput,
    PoissonSource,
    Population,
    Projection,
    ReceptorScale,
    RemoveNeurons,
    RemoveProjection,
    RemoveSynapses,
    SpikeSource,
    Uniform,
)
from engramlab.network.plasticity import (
    CoincidenceRule,
    GraupnerBrunelRule,
    PlasticityContext,
    PlasticityRule,
)
from engramlab.network.record import Rates, Spikes, State, STPState, Weights
from engramlab.network.simulate import (
    Built,
    Simulator,
    Snapshot,
    build,
    compile_loop,
    simulate,
)
from engramlab.network.working_memory import (
    CompteParams,
    compte_network,
    population_vector,
    ring_angles_deg,
    ring_current,
    ring_rates,
)

__all__ = [
    "AllToAll",
    "AmygdalaParams",
    "Built",
    "CoincidenceRule",
    "CompteParams",
    "ConductanceStep",
    "CurrentStep",
    "Dense",
    "DenseMatrix",
    "DenseRing",
    "Explicit",
    "FixedInDegree",
    "FixedProbability",
    "GraupnerBrunelRule",
    "Network",
    "Normal",
    "OneToOne",
    "Phase",
    "PlasticityContext",
    "PlasticityRule",
    "PoissonInput",
    "PoissonSource",
    "Population",
    "Projection",
    "Rates",
    "ReceptorScale",
    "RemoveNeurons",
    "RemoveProjection",
    "RemoveSynapses",
    "RingProfile",
    "STPState",
    "Simulator",
    "Snapshot",
    "SpikeSource",
    "Spikes",
    "State",
    "Uniform",
    "Weights",
    "amygdala_cells",
    "amygdala_network",
    "amygdala_protocol",
    "build",
    "compile_loop",
    "compte_network",
    "cs_responses",
    "cs_windows",
    "population_vector",
    "ring_angles_deg",
    "ring_current",
    "ring_rates",
    "simulate",
]
