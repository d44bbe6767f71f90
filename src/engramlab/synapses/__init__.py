"""Chemical synapses: transmitter release, postsynaptic receptors, short-term plasticity.

- :mod:`~engramlab.synapses.release`: Ca2+-cooperative release probability (Dodge &
  Rahamimoff 1967) and binomial quantal release (del Castillo & Katz 1954).
- :mod:`~engramlab.synapses.receptors`: delta, current and conductance receptors
  (AMPA, NMDA with the Mg2+ block of Jahr & Stevens 1990, GABA_A, GABA_B) with exact
  single / bi-exponential kinetics.
- :mod:`~engramlab.synapses.stp`: the Tsodyks-Markram model of short-term depression
  and facilitation, event based, clock driven and in closed form.

Components follow the ``init(params, n) -> State`` / ``step(params, state, inputs, dt)
-> State`` shape, with states as NamedTuples of arrays.
"""

from engramlab.synapses.receptors import (
    AMPA,
    GABA_A,
    GABA_B,
    MG_BLOCK_K_MM,
    MG_BLOCK_SLOPE_PER_MV,
    NMDA,
    Propagators,
    Receptor,
    ReceptorState,
    current_exp,
    delta,
    mg_block,
    mg_unblocked_fraction,
    peak_factor,
    receptor_current_pa,
    receptor_init,
    receptor_propagators,
    receptor_step,
)
from engramlab.synapses.release import (
    DodgeRahamimoff,
    binomial_moments,
    quantal_release,
    release_log_slope,
    release_probability,
    sample_moment_se,
)
from engramlab.synapses.stp import (
    TMState,
    TMTrain,
    TsodyksMarkram,
    tm_depressing,
    tm_facilitating,
    tm_init,
    tm_limiting_frequency_hz,
    tm_peak_frequency_hz,
    tm_poisson_means,
    tm_release,
    tm_steady_state,
    tm_step,
    tm_train,
)

__all__ = [
    "AMPA",
    "GABA_A",
    "GABA_B",
    "MG_BLOCK_K_MM",
    "MG_BLOCK_SLOPE_PER_MV",
    "NMDA",
    "DodgeRahamimoff",
    "Propagators",
    "Receptor",
    "ReceptorState",
    "TMState",
    "TMTrain",
    "TsodyksMarkram",
    "binomial_moments",
    "current_exp",
    "delta",
    "mg_block",
    "mg_unblocked_fraction",
    "peak_factor",
    "quantal_release",
    "receptor_current_pa",
    "receptor_init",
    "receptor_propagators",
    "receptor_step",
    "release_log_slope",
    "release_probability",
    "sample_moment_se",
    "tm_depressing",
    "tm_facilitating",
    "tm_init",
    "tm_limiting_frequency_hz",
    "tm_peak_frequency_hz",
    "tm_poisson_means",
    "tm_release",
    "tm_steady_state",
    "tm_step",
    "tm_train",
]
