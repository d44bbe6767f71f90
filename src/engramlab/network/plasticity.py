r"""The hook through which long-term plasticity rules update a projection's weights.

A rule is an object with two methods, called by the engine:

``init(n_syn, pre, post, weights, rng) -> state``
    once, when the network is built (``pre`` / ``post`` are the local indices of the
    synapses, in the CSR order of the projection);
``step(state, ctx) -> (state, weights)``
    after every time step in which plasticity is on (see :class:`~engramlab.network.Phase`),
    with a :class:`PlasticityContext`; it returns the new state and the new weights
    (an array of the same shape, in the receptor's unit).

State is any pytree of arrays (a NamedTuple, as the components). The engine copies it
into snapshots. With plasticity on, the engine steps one ``dt`` at a time so a rule
sees every spike at its time step; rules of :mod:`engramlab.plasticity` that need speed
run inside the compiled loop instead.
"""

from __future__ import annotations

import abc
import dataclasses
from typing import Any

import numpy as np

__all__ = ["PlasticityContext", "PlasticityRule"]


@dataclasses.dataclass(frozen=True)
class PlasticityContext:
    """What a rule sees after one step.

    Attributes
    ----------
    t_ms
        Time at the start of the step (ms).
    dt_ms
        The step (ms).
    pre_spiked, post_spiked
        Boolean masks over the pre- and postsynaptic populations: who spiked this step.
    pre, post
        Local pre- / postsynaptic index of every synapse.
    weights
        Current weights (read-only view; return new ones).
    post_v_mv
        Membrane potentials of the postsynaptic population after the step (mV).
    """

    t_ms: float
    dt_ms: float
    pre_spiked: np.ndarray
    post_spiked: np.ndarray
    pre: np.ndarray
    post: np.ndarray
    weights: np.ndarray
    post_v_mv: np.ndarray


class PlasticityRule(abc.ABC):
    """A long-term plasticity rule for one projection (see the module docstring)."""

    @abc.abstractmethod
    def init(self, n_syn: int, pre: np.ndarray, post: np.ndarray, weights: np.ndarray,
             rng: np.random.Generator) -> Any:
        """The rule's initial state."""

    @abc.abstractmethod
    def step(self, state: Any, ctx: PlasticityContext) -> tuple[Any, np.ndarray]:
        """Advance one step; return ``(state, weights)``."""
