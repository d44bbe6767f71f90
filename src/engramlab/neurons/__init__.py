"""Neuron models: parameters plus a pair of pure functions each (seed chapter 1).

Every model is a frozen :class:`~engramlab.core.Params` class, a NamedTuple state
and two functions, ``*_init(params, n, ...) -> State`` and
``*_step(params, state, i_pa, dt_ms) -> State``, written against the array namespace
of the state (NumPy, array-api-strict and PyTorch run the same code). Currents are in
pA, potentials in mV, times in ms.

:class:`LIF`
    Leaky integrate-and-fire, integrated exactly for piecewise-constant input
    (Brette et al. 2007 benchmark neuron); :func:`lif_rate_hz` is its closed-form
    f-I curve and :func:`lif_advance` also returns exact spike times.
:class:`AdEx`
    Adaptive exponential integrate-and-fire (Brette & Gerstner 2005), exponential
    Euler.
:class:`HodgkinHuxley`
    The squid axon membrane of Hodgkin & Huxley (1952), exponential Euler;
    :func:`hh_rates`, :func:`hh_steady_state`, :func:`hh_resting_potential_mv` and
    :func:`hh_fastest_time_constant_ms` (the bound on ``dt``).
"""

from engramlab.neurons.adex import AdEx, AdExState, adex_init, adex_step
from engramlab.neurons.hh import (
    HHState,
    HodgkinHuxley,
    hh_fastest_time_constant_ms,
    hh_gate_step,
    hh_init,
    hh_ionic_current,
    hh_rates,
    hh_rates_with,
    hh_resting_potential_mv,
    hh_steady_state,
    hh_step,
    vtrap_scalar,
)
from engramlab.neurons.lif import (
    LIF,
    LIFState,
    lif_advance,
    lif_init,
    lif_rate_hz,
    lif_rheobase_pa,
    lif_step,
)

__all__ = [
    "LIF",
    "AdEx",
    "AdExState",
    "HHState",
    "HodgkinHuxley",
    "LIFState",
    "adex_init",
    "adex_step",
    "hh_fastest_time_constant_ms",
    "hh_gate_step",
    "hh_init",
    "hh_ionic_current",
    "hh_rates",
    "hh_rates_with",
    "hh_resting_potential_mv",
    "hh_steady_state",
    "hh_step",
    "lif_advance",
    "lif_init",
    "lif_rate_hz",
    "lif_rheobase_pa",
    "lif_step",
    "vtrap_scalar",
]
