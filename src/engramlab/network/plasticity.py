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

__all__ = ["GraupnerBrunelRule", "PlasticityContext", "PlasticityRule"]


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


class GraupnerBrunelRule(PlasticityRule):
    r"""The calcium rule of Graupner & Brunel (2012) on a projection (Python hook).

    Every synapse has its own calcium :math:`c` and efficacy :math:`\rho`
    (:mod:`engramlab.plasticity.calcium`): a presynaptic spike raises :math:`c` by
    :math:`C_{pre}` after the rule's delay :math:`D` (rounded to whole steps), a
    postsynaptic spike by :math:`C_{post}`; :math:`\rho` follows the rule's
    Euler-Maruyama step, and the weight is

    .. math:: w = w_\downarrow + (w_\uparrow - w_\downarrow)\, \rho,

    so :math:`\rho = 0` (DOWN) gives ``w_down`` and :math:`\rho = 1` (UP) ``w_up``;
    the initial :math:`\rho` is read back from the initial weights. ``noise=False``
    drops the noise term. The noise is drawn from the generator the engine hands to
    ``init`` (seeded by the simulation seed and the projection's name), kept in the
    state, so snapshots continue identically.
    """

    def __init__(self, params: Any = None, *, w_down: float = 0.0, w_up: float = 1.0,
                 noise: bool = True) -> None:
        from engramlab.core import ParameterError
        from engramlab.plasticity.calcium import GraupnerBrunel

        self.params = GraupnerBrunel() if params is None else params
        if not isinstance(self.params, GraupnerBrunel):
            raise ParameterError("params", "must be GraupnerBrunel parameters",
                                 type(params).__name__)
        if not w_up > w_down:
            raise ParameterError("w_up", "must be > w_down", w_up)
        self.w_down, self.w_up, self.noise = float(w_down), float(w_up), bool(noise)

    def init(self, n_syn, pre, post, weights, rng):
        """Efficacies from the initial weights (see :class:`PlasticityRule`)."""
        from engramlab.plasticity.calcium import gb_init

        rho = (np.asarray(weights, float) - self.w_down) / (self.w_up - self.w_down)
        return {"gb": gb_init(self.params, rho), "pending": [], "rng": rng}

    def step(self, state, ctx):
        """One step of the rule (see :class:`PlasticityRule`)."""
        from engramlab.plasticity.calcium import GBState, gb_step

        lag = max(0, round(self.params.delay_ms / ctx.dt_ms))
        pending = state["pending"]
        pending.append(ctx.pre_spiked[ctx.pre])  # presynaptic spikes of this step
        arrival = pending.pop(0) if len(pending) > lag else np.zeros(ctx.pre.size, bool)
        gb = state["gb"]
        noise = state["rng"].standard_normal(gb.rho.shape) if self.noise else None
        gb = gb_step(self.params, GBState(gb.c, gb.rho), arrival, ctx.post_spiked[ctx.post],
                     ctx.dt_ms, noise)
        state = {"gb": gb, "pending": pending, "rng": state["rng"]}
        return state, self.w_down + (self.w_up - self.w_down) * gb.rho
