r"""The basal-amygdala network of Vlachos, Herry, Lüthi, Aertsen & Kumar (2011).

Vlachos I, Herry C, Lüthi A, Aertsen A, Kumar A (2011). Context-dependent encoding of
fear and extinction memories in a large-scale network model of the basal amygdala.
PLoS Comput Biol 7:e1001104, doi:10.1371/journal.pcbi.1001104. Parameter values as read
in the ReScience replication in Brian2 (T. T. A. Carvalho, L. B. Domingos, R. O.
Shimoura, N. L. Kamiji, V. Lima, M. Copelli, A. C. Roque;
github.com/tawantayron/RE-Fear-and-extinction-in-a-BA-net-model: ``content.tex``
Tables 2-6 and ``code/params.py``, ``code/models_eq.py``, ``code/amygdala.py``,
``code/runsim.py``), which fills in what the paper leaves out.

The network: :math:`N_E` = 3400 excitatory and :math:`N_I` = 600 inhibitory
conductance-based LIF neurons,

.. math::

    C \frac{dV}{dt} = g_L (E_L - V) + g_{exc} (E_{exc} - V) + g_{inh} (E_{inh} - V),

with alpha-function conductances (:math:`\tau_r = \tau_d` = 0.326 ms, peak = weight),
random connections (E->E 0.01, E->I 0.15, I->E 0.15, I->I 0.10, no autapses), weights
N(1.25, 0.1) nS (excitatory) and N(2.5, 0.1) nS (inhibitory), delays N(2, 0.1) ms;
background 1000 Poisson inputs per neuron at 5 Hz (E) / 6 Hz (I), 1.25 nS. The CS is a
500 Hz Poisson train onto every neuron (one train each), weights N(0.9, 0.1) nS,
plastic onto E; the fear cells (population A, the first 20 % of E) receive context A
(hippocampus), the extinction cells (B, the last 20 %) context B (hippocampus /
medial prefrontal, infralimbic, input), one 300 Hz train each, weights N(0.4, 0.05) nS,
plastic. CS and context weights follow :class:`~engramlab.network.CoincidenceRule`
(potentiated when CS and context arrivals onto a neuron are less than 100 ms apart,
depressed otherwise, bounds 0.4-4 nS), gated by the neuromodulator :math:`m` = 1 during
each CS pulse: here, the phases with ``plasticity=True`` (:func:`amygdala_protocol`).

What differs from the replication (and why):

* Input spikes (CS, contexts) reach their targets one step (0.1 ms) after they are
  drawn (the replication: in the same step; the engine delivers at least one step
  later). Delays are rounded to whole steps.
* The membrane is integrated by exponential Euler for conductances frozen over a step
  (the replication: RK4); background inputs are one Poisson count per neuron and step
  (Brian2's ``PoissonInput``: a binomial count).
* The rule's bounds are soft bounds that a weight below :math:`w_{min}` relaxes
  towards (see :class:`~engramlab.network.CoincidenceRule`).
* A separate US input (``us``, onto every E neuron) exists but is off by default
  (``us_rate_hz`` = 0): the replication, reading the paper, merges it into the CS ("we
  refer to the CS-US input as only CS"); the context-B input stands for the infralimbic
  (mPFC) input of the paper.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np

from engramlab.core import ParameterError, Params, param
from engramlab.network.connectivity import Explicit, FixedProbability
from engramlab.network.model import (
    Network,
    Normal,
    Phase,
    PoissonInput,
    PoissonSource,
    Population,
    Projection,
)
from engramlab.network.plasticity import CoincidenceRule
from engramlab.neurons import LIF
from engramlab.synapses import Receptor

__all__ = ["AmygdalaParams", "amygdala_cells", "amygdala_network", "amygdala_protocol",
           "cs_responses", "cs_windows"]

_RE = ("ReScience replication of Vlachos et al. 2011 (Carvalho et al., "
       "github.com/tawantayron/RE-Fear-and-extinction-in-a-BA-net-model)")
_T_NEURON = _RE + ", Table 2 (after Kumar et al. 2008)"
_T_CONN = "Vlachos et al. 2011, Methods; " + _RE + ", Table 3"
_T_INPUT = _RE + ", Table 5"
_T_RULE = _RE + ", Table 6"
_PROTOCOL = _RE + ", Simulation protocols and code/params.py"


class AmygdalaParams(Params):
    """Parameters of the basal-amygdala network and its protocol (Vlachos et al. 2011).

    Examples
    --------
    >>> p = AmygdalaParams.create("doc", n_e=50, n_i=10)  # a small network
    >>> p.n_cells, p.cs_rate_hz, p.w_max_ns  # fear / extinction cells, Hz, nS
    (10, 500.0, 4.0)
    >>> AmygdalaParams().n_cells  # the paper's 20 % of 3400
    680
    """

    n_e: int = param(3400, unit="1", ge=10, le=1_000_000, doc="Excitatory neurons N_E.",
                     source="Vlachos et al. 2011, Methods; " + _RE)
    n_i: int = param(600, unit="1", ge=1, le=1_000_000, doc="Inhibitory neurons N_I.",
                     source="Vlachos et al. 2011, Methods; " + _RE)
    cell_fraction: float = param(0.2, unit="1", gt=0.0, le=0.5,
                                 doc="Fraction of E in each of the fear (A) and extinction "
                                 "(B) subpopulations.",
                                 source="Vlachos et al. 2011, Methods; " + _RE)
    p_ee: float = param(0.01, unit="1", gt=0.0, le=1.0, doc="Connection probability E -> E.",
                        source=_T_CONN)
    p_ei: float = param(0.15, unit="1", gt=0.0, le=1.0, doc="Connection probability E -> I.",
                        source=_T_CONN)
    p_ie: float = param(0.15, unit="1", gt=0.0, le=1.0, doc="Connection probability I -> E.",
                        source=_T_CONN)
    p_ii: float = param(0.10, unit="1", gt=0.0, le=1.0, doc="Connection probability I -> I.",
                        source=_T_CONN)
    c_m_pf: float = param(250.0, unit="pF", gt=0.0, le=1e5, doc="Membrane capacitance C.",
                          source=_T_NEURON)
    g_l_ns: float = param(16.7, unit="nS", gt=0.0, le=1e4, doc="Leak conductance g_L.",
                          source=_T_NEURON)
    e_l_mv: float = param(-70.0, unit="mV", ge=-120.0, le=0.0, doc="Resting potential E_0.",
                          source=_T_NEURON)
    v_th_mv: float = param(-50.0, unit="mV", ge=-100.0, le=50.0, doc="Spike threshold.",
                           source=_T_NEURON)
    v_reset_mv: float = param(-70.0, unit="mV", ge=-120.0, le=0.0, doc="Reset potential E_k.",
                              source=_T_NEURON)
    t_ref_ms: float = param(2.0, unit="ms", ge=0.0, le=100.0, doc="Refractory period.",
                            source="Vlachos et al. 2011, Table S1F; " + _T_NEURON)
    e_exc_mv: float = param(0.0, unit="mV", ge=-50.0, le=100.0,
                            doc="Excitatory reversal potential E_exc.", source=_T_NEURON)
    e_inh_mv: float = param(-80.0, unit="mV", ge=-120.0, le=0.0,
                            doc="Inhibitory reversal potential E_inh.", source=_T_NEURON)
    v0_sd_mv: float = param(3.0, unit="mV", ge=0.0, le=50.0,
                            doc="Standard deviation of the initial V around E_0.",
                            source=_RE + ", Spiking network model")
    tau_syn_ms: float = param(0.326, unit="ms", gt=0.0, le=100.0,
                              doc="Rise = decay time of the alpha-function conductances.",
                              source=_RE + ", Eq. 9-10 (after Kumar et al. 2008)")
    w_e_ns: float = param(1.25, unit="nS", ge=0.0, le=100.0,
                          doc="Mean excitatory recurrent weight (peak conductance).",
                          source=_T_CONN)
    w_i_ns: float = param(2.5, unit="nS", ge=0.0, le=100.0,
                          doc="Mean inhibitory recurrent weight (peak conductance).",
                          source=_T_CONN)
    w_sd_ns: float = param(0.1, unit="nS", ge=0.0, le=100.0,
                           doc="Standard deviation of the recurrent weights.", source=_T_CONN)
    delay_ms: float = param(2.0, unit="ms", gt=0.0, le=100.0,
                            doc="Mean recurrent transmission delay D.",
                            source=_RE + ", Eq. 10")
    delay_sd_ms: float = param(0.1, unit="ms", ge=0.0, le=10.0,
                               doc="Standard deviation of the delays.",
                               source=_RE + ", Eq. 10")
    bkg_inputs: int = param(1000, unit="1", ge=1, le=1_000_000,
                            doc="Background Poisson inputs per neuron.",
                            source=_RE + ", Spiking network inputs")
    bkg_rate_e_hz: float = param(5.0, unit="Hz", ge=0.0, le=1000.0,
                                 doc="Rate of each background input onto E.", source=_T_INPUT)
    bkg_rate_i_hz: float = param(6.0, unit="Hz", ge=0.0, le=1000.0,
                                 doc="Rate of each background input onto I.", source=_T_INPUT)
    bkg_w_ns: float = param(1.25, unit="nS", ge=0.0, le=100.0,
                            doc="Weight of a background input.", source=_T_INPUT)
    cs_rate_hz: float = param(500.0, unit="Hz", ge=0.0, le=5000.0,
                              doc="Rate of the CS train onto each neuron while the CS is on.",
                              source=_T_INPUT)
    cs_w_ns: float = param(0.9, unit="nS", ge=0.0, le=100.0,
                           doc="Mean initial CS weight (onto E and I).", source=_T_INPUT)
    cs_w_sd_ns: float = param(0.1, unit="nS", ge=0.0, le=100.0,
                              doc="Standard deviation of the initial CS weights.",
                              source=_T_INPUT)
    context_rate_hz: float = param(300.0, unit="Hz", ge=0.0, le=5000.0,
                                   doc="Rate of a context train onto each of its cells.",
                                   source=_T_INPUT)
    context_w_ns: float = param(0.4, unit="nS", ge=0.0, le=100.0,
                                doc="Mean initial context weight.", source=_T_INPUT)
    context_w_sd_ns: float = param(0.05, unit="nS", ge=0.0, le=100.0,
                                   doc="Standard deviation of the initial context weights.",
                                   source=_T_INPUT)
    us_rate_hz: float = param(0.0, unit="Hz", ge=0.0, le=100_000.0,
                              doc="Total rate of the US Poisson input onto each E neuron "
                              "while the US is on (0: no separate US).",
                              source="chosen: " + _RE + " merges the US into the CS input")
    us_w_ns: float = param(0.9, unit="nS", ge=0.0, le=100.0,
                           doc="Weight of a US input spike.",
                           source="chosen: the CS weight (no published US weight)")
    input_delay_ms: float = param(0.1, unit="ms", gt=0.0, le=10.0,
                                  doc="Delay of the CS, context and US inputs.",
                                  source="chosen: one step, the least the engine allows ("
                                  + _RE + ": none)")
    tau_c_ms: float = param(10.0, unit="ms", gt=0.0, le=10_000.0,
                            doc="Time constant tau_c of the cue (CS) trace c.", source=_T_RULE)
    tau_h_ms: float = param(10.0, unit="ms", gt=0.0, le=10_000.0,
                            doc="Time constant tau_h of the context trace h.", source=_T_RULE)
    c_u: float = param(0.35, unit="1", gt=0.0, le=100.0,
                       doc="Jump c_u of c at a CS spike.", source=_T_RULE)
    h_u: float = param(0.35, unit="1", gt=0.0, le=100.0,
                       doc="Jump h_u of h at a context spike.", source=_T_RULE)
    alpha_ltp: float = param(1.6e-3, unit="1", ge=0.0, le=1.0,
                             doc="Learning rate alpha_1 (potentiation).", source=_T_RULE)
    alpha_ltd: float = param(1.6e-3, unit="1", ge=0.0, le=1.0,
                             doc="Learning rate alpha_2 (depression).", source=_T_RULE)
    w_min_ns: float = param(0.4, unit="nS", ge=0.0, le=100.0,
                            doc="Lower bound w_min of the CS and context weights.",
                            source=_T_RULE)
    w_max_ns: float = param(4.0, unit="nS", gt=0.0, le=100.0,
                            doc="Upper bound w_max of the CS and context weights.",
                            source=_T_RULE)
    window_ms: float = param(100.0, unit="ms", gt=0.0, le=10_000.0,
                             doc="Coincidence window of CS and context arrivals.",
                             source=_RE + ", code/models_eq.py")
    t_init_ms: float = param(100.0, unit="ms", gt=0.0, le=100_000.0,
                             doc="Initial transient before conditioning (all inputs off).",
                             source=_PROTOCOL)
    cs_on_ms: float = param(50.0, unit="ms", gt=0.0, le=100_000.0,
                            doc="Duration of one CS pulse.",
                            source="Vlachos et al. 2011; " + _PROTOCOL)
    cs_off_ms: float = param(150.0, unit="ms", gt=0.0, le=100_000.0,
                             doc="Interval between CS pulses (context still on).",
                             source=_PROTOCOL)
    gap_ms: float = param(100.0, unit="ms", gt=0.0, le=100_000.0,
                          doc="Interval with both contexts off between phases.",
                          source=_PROTOCOL)
    n_conditioning: int = param(5, unit="1", ge=1, le=10_000,
                                doc="CS presentations in context A (conditioning).",
                                source=_PROTOCOL)
    n_extinction: int = param(6, unit="1", ge=0, le=10_000,
                              doc="CS presentations in context B (extinction).",
                              source=_PROTOCOL)
    n_test: int = param(1, unit="1", ge=0, le=10_000,
                        doc="CS presentations back in context A (renewal test).",
                        source=_RE + ", Fear renewal protocol")

    @property
    def n_cells(self) -> int:
        """Neurons in each of the fear and extinction subpopulations."""
        return int(self.n_e * self.cell_fraction)


def amygdala_cells(params: AmygdalaParams) -> Mapping[str, np.ndarray]:
    """The named index sets of population ``E``: fear and extinction cells.

    ``fear`` (A: the first ``n_cells``, onto which context A projects) and
    ``extinction`` (B: the last ``n_cells``, context B), as in the replication
    (``pop_A = E[:NA]``, ``pop_B = E[-NB:]``).

    Examples
    --------
    >>> cells = amygdala_cells(AmygdalaParams.create("doc", n_e=50, n_i=10))
    >>> cells["fear"].tolist()
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    >>> cells["extinction"].tolist()
    [40, 41, 42, 43, 44, 45, 46, 47, 48, 49]
    """
    n = params.n_cells
    return MappingProxyType({"fear": np.arange(n), "extinction":
                             np.arange(params.n_e - n, params.n_e)})


def _rule(params: AmygdalaParams, role: str) -> CoincidenceRule:
    return CoincidenceRule.create(
        "amygdala", role=role, tau_cue_ms=params.tau_c_ms, tau_context_ms=params.tau_h_ms,
        cue_jump=params.c_u, context_jump=params.h_u, alpha_ltp=params.alpha_ltp,
        alpha_ltd=params.alpha_ltd, w_min=params.w_min_ns, w_max=params.w_max_ns,
        window_ms=params.window_ms)


def amygdala_network(params: AmygdalaParams | None = None, *, plastic: bool = True,
                     dt_ms: float = 0.1) -> Network:
    r"""The basal-amygdala network of Vlachos et al. (2011) (see the module docstring).

    Populations: ``cs`` (Poisson source, one train per neuron: units ``0 .. n_e - 1``
    onto E, the rest onto I), ``context_a`` and ``context_b`` (one train per fear /
    extinction cell), ``E`` and ``I`` (conductance LIF, receptors ``exc`` and ``inh``).
    Inputs: ``bkg_E``, ``bkg_I`` (background) and ``us`` (onto E; off unless
    ``us_rate_hz > 0``). Projections: ``E_E``, ``E_I``, ``I_E``, ``I_I``, ``cs_E``
    (plastic, cue), ``cs_I`` (static), ``context_a_E`` and ``context_b_E`` (plastic,
    context). Every source is built at its full rate; :func:`amygdala_protocol`
    switches them per phase (``inputs`` factors 0 / 1). ``plastic=False`` freezes the
    CS and context weights (a control). ``dt_ms`` only sets the smallest delay kept
    after drawing (one step).

    Examples
    --------
    >>> net = amygdala_network(AmygdalaParams.create("doc", n_e=50, n_i=10))
    >>> [(pop.name, pop.n) for pop in net.populations]
    [('cs', 60), ('context_a', 10), ('context_b', 10), ('E', 50), ('I', 10)]
    >>> [pr.name for pr in net.projections if pr.plasticity is not None]
    ['cs_E', 'context_a_E', 'context_b_E']
    """
    p = AmygdalaParams() if params is None else params
    if not isinstance(p, AmygdalaParams):
        raise ParameterError("params", "must be AmygdalaParams", type(p).__name__)
    if not p.w_min_ns < p.w_max_ns:
        raise ParameterError("w_max_ns", "must be > w_min_ns", p.w_max_ns)
    if p.n_cells < 1:
        raise ParameterError("cell_fraction", "leaves no fear / extinction cells",
                             p.cell_fraction)
    model = LIF(c_m_pf=p.c_m_pf, g_l_ns=p.g_l_ns, e_l_mv=p.e_l_mv, v_th_mv=p.v_th_mv,
                v_reset_mv=p.v_reset_mv, t_ref_ms=p.t_ref_ms)
    tau = p.tau_syn_ms
    receptors = {"exc": Receptor(kind="conductance", tau_decay_ms=tau, tau_rise_ms=tau,
                                 e_rev_mv=p.e_exc_mv),
                 "inh": Receptor(kind="conductance", tau_decay_ms=tau, tau_rise_ms=tau,
                                 e_rev_mv=p.e_inh_mv)}
    v0 = Normal(p.e_l_mv, p.v0_sd_mv, low=None)
    n_c = p.n_cells
    cells = amygdala_cells(p)
    pops = [Population("cs", p.n_e + p.n_i, PoissonSource(rate_hz=p.cs_rate_hz)),
            Population("context_a", n_c, PoissonSource(rate_hz=p.context_rate_hz)),
            Population("context_b", n_c, PoissonSource(rate_hz=p.context_rate_hz)),
            Population("E", p.n_e, model, receptors, v0_mv=v0),
            Population("I", p.n_i, model, receptors, v0_mv=v0)]
    delay = Normal(p.delay_ms, p.delay_sd_ms, low=dt_ms)
    projs = []
    for pre, post, prob, w, rec in (("E", "E", p.p_ee, p.w_e_ns, "exc"),
                                    ("E", "I", p.p_ei, p.w_e_ns, "exc"),
                                    ("I", "E", p.p_ie, p.w_i_ns, "inh"),
                                    ("I", "I", p.p_ii, p.w_i_ns, "inh")):
        projs.append(Projection(pre, post, rec, FixedProbability(prob),
                                weight=Normal(w, p.w_sd_ns), delay_ms=delay,
                                name=f"{pre}_{post}"))
    e_idx, i_idx = np.arange(p.n_e), np.arange(p.n_i)
    cue = _rule(p, "cue") if plastic else None
    ctx = _rule(p, "context") if plastic else None
    d_in = p.input_delay_ms
    projs += [
        Projection("cs", "E", "exc", Explicit(e_idx, e_idx), weight=Normal(p.cs_w_ns,
                   p.cs_w_sd_ns), delay_ms=d_in, plasticity=cue, name="cs_E"),
        Projection("cs", "I", "exc", Explicit(p.n_e + i_idx, i_idx),
                   weight=Normal(p.cs_w_ns, p.cs_w_sd_ns), delay_ms=d_in, name="cs_I"),
        Projection("context_a", "E", "exc", Explicit(np.arange(n_c), cells["fear"]),
                   weight=Normal(p.context_w_ns, p.context_w_sd_ns), delay_ms=d_in,
                   plasticity=ctx, name="context_a_E"),
        Projection("context_b", "E", "exc", Explicit(np.arange(n_c), cells["extinction"]),
                   weight=Normal(p.context_w_ns, p.context_w_sd_ns), delay_ms=d_in,
                   plasticity=ctx, name="context_b_E"),
    ]
    inputs = [PoissonInput("bkg_E", "E", "exc", p.bkg_inputs, p.bkg_rate_e_hz, p.bkg_w_ns),
              PoissonInput("bkg_I", "I", "exc", p.bkg_inputs, p.bkg_rate_i_hz, p.bkg_w_ns),
              PoissonInput("us", "E", "exc", 1, p.us_rate_hz, p.us_w_ns)]
    return Network(pops, projs, inputs)


def amygdala_protocol(params: AmygdalaParams | None = None) -> tuple[Phase, ...]:
    """Conditioning in context A, extinction in B, a renewal test back in A.

    The replication's renewal protocol: ``baseline`` (``t_init_ms``, every input off);
    ``n_conditioning`` times ``conditioning_cs<k>`` (``cs_on_ms``: CS, context A and
    US on, plasticity on: the neuromodulator m = 1) and ``conditioning_iti<k>``
    (``cs_off_ms``: context A only, plasticity off); ``gap_ab`` (``gap_ms``, every input
    off); ``n_extinction`` times ``extinction_cs<k>`` / ``extinction_iti<k>`` with
    context B and no US; ``gap_ba``; ``n_test`` times ``test_cs<k>`` / ``test_iti<k>``
    with context A and no US (plasticity on during the test CS, as in the
    replication). The background is always on. Phases with no presentations are left
    out, and a gap is named by the contexts on either side (``gap_aa`` from
    conditioning straight to the test).

    Examples
    --------
    >>> phases = amygdala_protocol(AmygdalaParams(n_conditioning=2, n_extinction=1,
    ...                                           n_test=0))
    >>> [ph.name for ph in phases]
    ['baseline', 'conditioning_cs1', 'conditioning_iti1', 'conditioning_cs2',
     'conditioning_iti2', 'gap_ab', 'extinction_cs1', 'extinction_iti1']
    >>> phases[1].duration_ms, phases[1].plasticity, dict(phases[1].inputs)
    (50.0, True, {'cs': 1.0, 'context_a': 1.0, 'context_b': 0.0, 'us': 1.0})
    >>> sum(ph.duration_ms for ph in phases)  # ms
    800.0
    """
    p = AmygdalaParams() if params is None else params
    off = {"cs": 0.0, "context_a": 0.0, "context_b": 0.0, "us": 0.0}
    phases = [Phase("baseline", p.t_init_ms, plasticity=False, inputs=off)]
    blocks = (("conditioning", p.n_conditioning, "context_a", 1.0),
              ("extinction", p.n_extinction, "context_b", 0.0),
              ("test", p.n_test, "context_a", 0.0))
    before = None                       # the context of the last block that ran
    for name, n, ctx, us in blocks:
        if n == 0:
            continue
        if before is not None:          # gap_<from><to>: gap_ab, gap_ba, or gap_aa
            phases.append(Phase(f"gap_{before[-1]}{ctx[-1]}", p.gap_ms,
                                plasticity=False, inputs=off))
        before = ctx
        for k in range(1, n + 1):
            phases.append(Phase(f"{name}_cs{k}", p.cs_on_ms, plasticity=True,
                                inputs={**off, "cs": 1.0, ctx: 1.0, "us": us}))
            phases.append(Phase(f"{name}_iti{k}", p.cs_off_ms, plasticity=False,
                                inputs={**off, ctx: 1.0}))
    return tuple(phases)


#: The CS phases' names: ``<block>_cs<k>``.
_CS_PHASE = re.compile(r".+_cs\d+")


def cs_windows(phases: Sequence[Phase]) -> list[tuple[str, float, float]]:
    """``(phase name, start_ms, stop_ms)`` of every CS phase of a protocol.

    The CS phases are those named ``*_cs<k>``; times count from the protocol's start.

    Examples
    --------
    >>> phases = amygdala_protocol(AmygdalaParams(n_conditioning=2, n_extinction=1,
    ...                                           n_test=0))
    >>> cs_windows(phases)
    [('conditioning_cs1', 100.0, 150.0), ('conditioning_cs2', 300.0, 350.0),
     ('extinction_cs1', 600.0, 650.0)]
    """
    out, t = [], 0.0
    for ph in phases:
        if _CS_PHASE.fullmatch(ph.name):
            out.append((ph.name, t, t + ph.duration_ms))
        t += ph.duration_ms
    return out


def cs_responses(spike_times_ms: np.ndarray, spike_neurons: np.ndarray,
                 windows: Sequence[tuple[str, float, float]],
                 cells: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    r"""Mean CS-evoked rate of each named cell set in each CS window (Hz).

    .. math:: \nu_{set,k} = \frac{\#\{\text{spikes of the set in } [t_k, t_k + T)\}}
              {N_{set}\, T}

    the replication's read-out (spikes of population A or B during each CS, divided by
    the number of cells and the CS duration). ``spike_times_ms`` / ``spike_neurons``:
    the spikes of population ``E`` (local indices), e.g. ``ds["E_spike_time"]``,
    ``ds["E_spike_neuron"]``. Returns one array per set, one value per window.

    Examples
    --------
    >>> times = np.array([10.0, 20.0, 30.0, 70.0])  # ms
    >>> neurons = np.array([0, 1, 0, 3])
    >>> windows = [("cs1", 0.0, 50.0), ("cs2", 50.0, 100.0)]
    >>> cells = {"fear": np.array([0, 1]), "extinction": np.array([2, 3])}
    >>> rates = cs_responses(times, neurons, windows, cells)  # 3 spikes / 2 cells / 50 ms
    >>> rates["fear"].tolist(), rates["extinction"].tolist()
    ([30.0, 0.0], [0.0, 10.0])

    On a simulation: ``cs_responses(ds["E_spike_time"], ds["E_spike_neuron"],
    cs_windows(phases), amygdala_cells(params))``.
    """
    t = np.asarray(spike_times_ms, float)
    i = np.asarray(spike_neurons, np.int64)
    out = {}
    for name, idx in cells.items():
        idx = np.asarray(idx, np.int64)
        member = np.zeros(int(max(i.max(initial=-1), idx.max(initial=-1))) + 1, bool)
        member[idx] = True
        ts = t[member[i]] if i.size else t[:0]
        out[name] = np.array([np.count_nonzero((ts >= a) & (ts < b)) / (idx.size * (b - a)
                                                                       * 1e-3)
                              for _, a, b in windows])
    return out
