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
from typing import Any, Literal

import numpy as np
from pydantic import ValidationError, model_validator
from pydantic_core import InitErrorDetails

from engramlab.core import Params, param

__all__ = ["CoincidenceRule", "GraupnerBrunelRule", "PlasticityContext", "PlasticityRule"]

_VLACHOS = "Vlachos et al. 2011 (PLoS Comput Biol 7:e1001104), Eq. 6-8"
_RE_VLACHOS = ("Carvalho et al., ReScience replication of Vlachos et al. 2011 "
               "(github.com/tawantayron/RE-Fear-and-extinction-in-a-BA-net-model), "
               "Table 6 and code/params.py")


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

    Examples
    --------
    A rule reads the spikes at each synapse through its indices:

    >>> ctx = PlasticityContext(
    ...     t_ms=1.0, dt_ms=0.1, pre_spiked=np.array([True, False]),
    ...     post_spiked=np.array([False, False, True]), pre=np.array([0, 0, 1]),
    ...     post=np.array([1, 2, 2]), weights=np.array([0.5, 0.5, 0.5]),
    ...     post_v_mv=np.array([-60.0, -55.0, -50.0]))
    >>> ctx.pre_spiked[ctx.pre].tolist()  # synapses whose presynaptic neuron fired
    [True, True, False]
    >>> ctx.post_spiked[ctx.post].tolist(), ctx.post_v_mv[ctx.post].tolist()
    ([False, True, True], [-55.0, -50.0, -50.0])
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
    """A long-term plasticity rule for one projection (see the module docstring).

    Examples
    --------
    A rule that adds ``dw`` to a synapse at each of its presynaptic spikes:

    >>> class PreGrowth(PlasticityRule):
    ...     def __init__(self, dw):
    ...         self.dw = dw
    ...     def init(self, n_syn, pre, post, weights, rng):
    ...         return None  # no state
    ...     def step(self, state, ctx):
    ...         return state, ctx.weights + self.dw * ctx.pre_spiked[ctx.pre]
    >>> from engramlab.network import (Network, OneToOne, Population, Projection,
    ...                                Simulator, SpikeSource)
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import delta
    >>> src = SpikeSource(times_ms=[1.0, 2.0, 3.0], indices=[0, 0, 1])
    >>> pops = [Population("src", 2, src), Population("E", 2, LIF(), {"exc": delta()})]
    >>> net = Network(pops, [Projection("src", "E", "exc", OneToOne(), weight=0.5,
    ...                                 plasticity=PreGrowth(0.25), name="in")])
    >>> sim = Simulator(net, seed=0)
    >>> _ = sim.run(5.0)
    >>> sim.weights("in").tolist()  # two spikes from unit 0, one from unit 1
    [1.0, 0.75]
    """

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

    Examples
    --------
    On a projection: ``Projection(..., plasticity=GraupnerBrunelRule(w_up=2.0))``.
    What the engine does with it, by hand:

    >>> rule = GraupnerBrunelRule(w_down=0.0, w_up=2.0, noise=False)
    >>> pre, post = np.array([0, 0, 1]), np.array([1, 2, 2])
    >>> state = rule.init(3, pre, post, np.array([0.0, 1.0, 2.0]), np.random.default_rng(0))
    >>> state["gb"].rho.tolist()  # efficacies read back from the weights
    [0.0, 0.5, 1.0]
    >>> ctx = PlasticityContext(0.0, 0.1, pre_spiked=np.zeros(2, bool),
    ...                         post_spiked=np.array([False, False, True]), pre=pre,
    ...                         post=post, weights=np.array([0.0, 1.0, 2.0]),
    ...                         post_v_mv=np.full(3, -60.0))
    >>> state, w = rule.step(state, ctx)  # postsynaptic neuron 2 fired
    >>> state["gb"].c.round(2).tolist()  # calcium: C_post = 2 into its synapses
    [0.0, 1.99, 1.99]
    >>> w.round(5).tolist()  # c > theta_p > theta_d: rho = 0.5 rises, rho = 1 can only fall
    [0.0, 1.00008, 1.99973]
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


class CoincidenceRule(Params):
    r"""The input-coincidence rule of Vlachos et al. (2011), run inside the compiled loop.

    Put one on each plastic input projection onto a population, with ``role="cue"``
    on the CS projection and ``role="context"`` on the contextual ones (all with the
    same parameters otherwise). Every postsynaptic neuron has at most one cue and one
    context synapse; it keeps a cue trace :math:`c` and a context trace :math:`h`,

    .. math::

        \dot c = -\frac{c}{\tau_c} + c_u \sum \delta(t - t_{cue}), \qquad
        \dot h = -\frac{h}{\tau_h} + h_u \sum \delta(t - t_{ctx}),

    and at each cue or context spike arriving at it (after the jump), while plasticity
    is on (:class:`~engramlab.network.Phase`: the neuromodulator :math:`m = 1`), both
    its cue and its context weight move:

    .. math::

        w \leftarrow \begin{cases}
            w + \alpha_1\, h\, c\, (w_{max} - w) & |t_{cue} - t_{ctx}| < T_w \\
            w - \alpha_2\, c\, (w - w_{min}) & \text{otherwise}
        \end{cases}

    with :math:`t_{cue}, t_{ctx}` the last cue and context arrivals (a neuron that never
    had one: depression); the spike is then transmitted with the new weight. The rule
    depends on the two presynaptic inputs only, not on the postsynaptic spikes.
    Weights are in the receptor's unit (nS here). Defaults: the ReScience replication's
    values (Vlachos et al. give the form, not the numbers).

    A weight outside :math:`[w_{min}, w_{max}]` relaxes towards it (the replication
    writes :math:`|w_{max} - w|`, :math:`|w_{min} - w|`, which pushes a weight below
    :math:`w_{min}` further down under depression; here it moves up to :math:`w_{min}`).
    An update never crosses the bound it moves towards.

    Examples
    --------
    >>> rule = CoincidenceRule.create("doc", role="context")
    >>> rule.role, rule.w_min, rule.w_max, rule.window_ms  # nS, nS, ms
    ('context', 0.4, 4.0, 100.0)

    A CS (cue) train at 10, 20 and 30 ms and a context train onto one neuron, with fast
    learning rates to see the rule act in three spikes:

    >>> from engramlab.network import (Network, OneToOne, Population, Projection,
    ...                                Simulator, SpikeSource)
    >>> from engramlab.neurons import LIF
    >>> from engramlab.synapses import AMPA
    >>> def cue_weight(context_ms):
    ...     pops = [Population("cs", 1, SpikeSource([10.0, 20.0, 30.0], [0, 0, 0])),
    ...             Population("ctx", 1, SpikeSource(context_ms, [0] * len(context_ms))),
    ...             Population("E", 1, LIF(), {"exc": AMPA()})]
    ...     projs = [Projection(pre, "E", "exc", OneToOne(), weight=1.0,
    ...                         plasticity=CoincidenceRule.create(
    ...                             "doc", role=role, alpha_ltp=0.1, alpha_ltd=0.1))
    ...              for pre, role in (("cs", "cue"), ("ctx", "context"))]
    ...     sim = Simulator(Network(pops, projs), seed=0)
    ...     _ = sim.run(50.0)
    ...     return round(float(sim.weights("cs_E_exc")[0]), 3)  # nS
    >>> cue_weight([12.0, 22.0, 32.0])  # context 2 ms after each cue: potentiation
    1.186
    >>> cue_weight([])  # the cue alone: depression
    0.922
    """

    role: Literal["cue", "context"] = param(
        "cue", unit="1", doc="Which input of the rule this projection is: the CS (cue) "
        "or a context.", source=_VLACHOS)
    tau_cue_ms: float = param(10.0, unit="ms", gt=0.0, le=10_000.0,
                              doc="Time constant tau_c of the cue trace c.",
                              source=_RE_VLACHOS)
    tau_context_ms: float = param(10.0, unit="ms", gt=0.0, le=10_000.0,
                                  doc="Time constant tau_h of the context trace h.",
                                  source=_RE_VLACHOS)
    cue_jump: float = param(0.35, unit="1", gt=0.0, le=100.0,
                            doc="Jump c_u of the cue trace at a cue spike.",
                            source=_RE_VLACHOS)
    context_jump: float = param(0.35, unit="1", gt=0.0, le=100.0,
                                doc="Jump h_u of the context trace at a context spike.",
                                source=_RE_VLACHOS)
    alpha_ltp: float = param(1.6e-3, unit="1", ge=0.0, le=1.0,
                             doc="Learning rate alpha_1 of potentiation.",
                             source=_RE_VLACHOS)
    alpha_ltd: float = param(1.6e-3, unit="1", ge=0.0, le=1.0,
                             doc="Learning rate alpha_2 of depression.", source=_RE_VLACHOS)
    w_min: float = param(0.4, unit="nS", ge=0.0, le=1e6,
                         doc="Lower weight bound w_min.", source=_RE_VLACHOS)
    w_max: float = param(4.0, unit="nS", gt=0.0, le=1e6,
                         doc="Upper weight bound w_max.", source=_RE_VLACHOS)
    window_ms: float = param(100.0, unit="ms", gt=0.0, le=1e6,
                             doc="Coincidence window T_w: cue and context arrivals less "
                             "than this apart potentiate.", source=_RE_VLACHOS
                             + " (code/models_eq.py); Vlachos et al. 2011: 'temporally "
                             "coincide'")

    @model_validator(mode="after")
    def _bounds_ordered(self) -> CoincidenceRule:
        if not self.w_min < self.w_max:
            # a pydantic error, so that ``create`` names the field like any other
            raise ValidationError.from_exception_data(type(self).__name__, [InitErrorDetails(
                type="greater_than", loc=("w_max",), input=self.w_max,
                ctx={"gt": self.w_min})])
        return self
