"""Published networks, built from the engine's parts.

``cuba_network``
    Brette et al. 2007 (J Comput Neurosci 23:349, doi:10.1007/s10827-007-0038-6),
    benchmark 2 "CUBA", after Vogels & Abbott 2005 (J Neurosci 25:10786,
    doi:10.1523/JNEUROSCI.3508-05.2005).
``brunel_network``
    Brunel 2000 (J Comput Neurosci 8:183, doi:10.1023/A:1008925309027), model A.
``song_network``
    Song, Miller & Abbott 2000 (Nat Neurosci 3:919, doi:10.1038/78829): one conductance
    LIF neuron whose excitatory synapses learn by pair STDP.
"""

from __future__ import annotations

from engramlab.core import ParameterError
from engramlab.network.connectivity import FixedInDegree, FixedProbability
from engramlab.network.model import (
    Network,
    PoissonInput,
    PoissonSource,
    Population,
    Projection,
    SpikeSource,
    Uniform,
)
from engramlab.neurons import LIF
from engramlab.plasticity.stdp import PairSTDP
from engramlab.synapses import Receptor, current_exp, delta

__all__ = ["brunel_network", "brunel_nu_thr_hz", "cuba_network", "song_network"]


def cuba_network(n_neurons: int = 4000, *, connections_per_neuron: float = 80.0,
                 exc_fraction: float = 0.8, w_e_mv: float = 1.62, w_i_mv: float = -9.0,
                 delay_ms: float = 0.1) -> Network:
    r"""The CUBA benchmark network (Brette et al. 2007, benchmark 2).

    .. math:: \tau_m \frac{dV}{dt} = -(V - E_L) + g_e + g_i, \quad
              \tau_e \frac{dg_e}{dt} = -g_e, \quad \tau_i \frac{dg_i}{dt} = -g_i

    with :math:`\tau_m` = 20 ms, :math:`\tau_e` = 5 ms, :math:`\tau_i` = 10 ms,
    :math:`E_L` = -49 mV, threshold -50 mV, reset -60 mV, refractory 5 ms; 80 % of the
    neurons excitatory; every pair connected with probability :math:`p = 80 / N`
    (0.02 for N = 4000); a spike makes :math:`g_e` jump by 1.62 mV or :math:`g_i` by
    -9 mV; :math:`V_0` uniform in [-60, -50] mV. Here the synaptic variables are
    currents, :math:`I = g_L g`, so the weights are :math:`g_L w` in pA
    (:math:`g_L` = 10 nS, :math:`C` = 200 pF). ``delay_ms`` is one step at dt = 0.1 ms
    (the benchmark has no delay; the engine needs at least one step).
    """
    if n_neurons < 10:
        raise ParameterError("n_neurons", "must be >= 10", n_neurons)
    n_e = round(exc_fraction * n_neurons)
    n_i = n_neurons - n_e
    p = connections_per_neuron / n_neurons
    if not 0 < p <= 1:
        raise ParameterError("connections_per_neuron", f"must be in (0, {n_neurons}]",
                             connections_per_neuron)
    model = LIF(c_m_pf=200.0, g_l_ns=10.0, e_l_mv=-49.0, v_th_mv=-50.0, v_reset_mv=-60.0,
                t_ref_ms=5.0)
    receptors = {"exc": current_exp(5.0), "inh": current_exp(10.0)}
    v0 = Uniform(-60.0, -50.0)
    pops = [Population("E", n_e, model, receptors, v0_mv=v0),
            Population("I", n_i, model, receptors, v0_mv=v0)]
    g_l = model.g_l_ns
    projs = []
    for pre, rec, w in (("E", "exc", w_e_mv * g_l), ("I", "inh", w_i_mv * g_l)):
        for post in ("E", "I"):
            projs.append(Projection(pre, post, rec, FixedProbability(p), weight=w,
                                    delay_ms=delay_ms))
    return Network(pops, projs)


def brunel_nu_thr_hz(*, theta_mv: float = 20.0, j_mv: float = 0.1, c_e: int = 1000,
                     tau_ms: float = 20.0) -> float:
    r"""The threshold rate :math:`\nu_{thr} = \theta / (J C_E \tau)` (Hz).

    The external rate that brings the mean input to threshold (Brunel 2000).
    """
    return theta_mv / (j_mv * c_e * tau_ms * 1e-3)


def brunel_network(g: float, nu_ext_over_thr: float, *, n_e: int = 10_000,
                   gamma: float = 0.25, epsilon: float = 0.1, j_mv: float = 0.1,
                   delay_ms: float = 1.5, theta_mv: float = 20.0, v_reset_mv: float = 10.0,
                   tau_ms: float = 20.0, t_ref_ms: float = 2.0) -> Network:
    r"""Brunel's (2000) sparse network of excitatory and inhibitory LIF neurons (model A).

    :math:`N_E` excitatory and :math:`N_I = \gamma N_E` inhibitory neurons, each
    receiving :math:`C_E = \epsilon N_E` excitatory and :math:`C_I = \epsilon N_I`
    inhibitory inputs (fixed in-degree) and :math:`C_E` external Poisson inputs at
    :math:`\nu_{ext}`; a spike makes the target's potential jump by :math:`J`
    (excitatory) or :math:`-g J` (inhibitory) after the delay :math:`D`.
    :math:`\tau` = 20 ms, :math:`\theta` = 20 mV, :math:`V_r` = 10 mV,
    :math:`\tau_{rp}` = 2 ms, J = 0.1 mV, D = 1.5 ms (Brunel 2000, section 2 and Fig. 8).
    Potentials are measured from rest (:math:`E_L` = 0); :math:`V_0` is uniform in
    [0, :math:`\theta`].
    """
    n_i = round(gamma * n_e)
    c_e = round(epsilon * n_e)
    c_i = round(epsilon * n_i)
    if c_e < 1 or c_i < 1:
        raise ParameterError("n_e", "too small for the connection probability", n_e)
    c_m = 250.0
    model = LIF(c_m_pf=c_m, g_l_ns=c_m / tau_ms, e_l_mv=0.0, v_th_mv=theta_mv,
                v_reset_mv=v_reset_mv, t_ref_ms=t_ref_ms)
    rec = {"syn": delta()}
    v0 = Uniform(0.0, theta_mv)
    pops = [Population("E", n_e, model, rec, v0_mv=v0), Population("I", n_i, model, rec,
                                                                     v0_mv=v0)]
    projs = []
    for pre, k, w in (("E", c_e, j_mv), ("I", c_i, -g * j_mv)):
        for post in ("E", "I"):
            projs.append(Projection(pre, post, "syn", FixedInDegree(k), weight=w,
                                    delay_ms=delay_ms))
    nu_ext = nu_ext_over_thr * brunel_nu_thr_hz(theta_mv=theta_mv, j_mv=j_mv, c_e=c_e,
                                                tau_ms=tau_ms)
    inputs = [PoissonInput(f"ext_{post}", post, "syn", c_e, nu_ext, j_mv) for post in ("E", "I")]
    return Network(pops, projs, inputs)


def song_network(n_exc: int = 1000, *, rate_exc_hz: float = 10.0, n_inh: int = 200,
                 rate_inh_hz: float = 10.0, g_max: float = 0.015, g_inh: float = 0.05,
                 a_plus: float = 0.005, a_ratio: float = 1.05, tau_plus_ms: float = 20.0,
                 tau_minus_ms: float = 20.0, tau_m_ms: float = 20.0, e_l_mv: float = -70.0,
                 v_th_mv: float = -54.0, v_reset_mv: float = -60.0, e_ex_mv: float = 0.0,
                 e_in_mv: float = -70.0, tau_syn_ms: float = 5.0, g_l_ns: float = 10.0,
                 g0: float | None = None, exc_source: SpikeSource | None = None,
                 corr_source: SpikeSource | None = None, n_corr: int = 0,
                 plastic: bool = True) -> Network:
    r"""Song, Miller & Abbott (2000): STDP on the excitatory inputs of one neuron.

    .. math::

        \tau_m \frac{dV}{dt} = V_{rest} - V + g_{ex}(E_{ex} - V) + g_{in}(E_{in} - V),
        \qquad \tau_{syn} \frac{dg_{ex,in}}{dt} = -g_{ex,in}

    with conductances in units of the leak conductance; a presynaptic spike of
    excitatory synapse :math:`a` raises :math:`g_{ex}` by :math:`\bar g_a \in [0,
    g_{max}]`, an inhibitory one raises :math:`g_{in}` by :math:`g_{inh}`; the
    :math:`\bar g_a` follow additive pair STDP with :math:`A_+ = a_+ g_{max}`,
    :math:`A_- = a_{ratio} A_+`, all-to-all, hard bounds. Defaults: the paper's
    (Methods): :math:`\tau_m` 20 ms, :math:`V_{rest}` -70, threshold -54, reset -60,
    :math:`E_{ex}` 0, :math:`E_{in}` -70 mV, :math:`\tau_{syn}` 5 ms, 1000
    excitatory Poisson inputs, 200 inhibitory at 10 Hz, :math:`g_{max}` 0.015,
    :math:`g_{inh}` 0.05, :math:`a_+` 0.005, :math:`A_-/A_+` 1.05, :math:`\tau_\pm`
    20 ms.

    Here the leak conductance is ``g_l_ns`` (10 nS, so :math:`C = \tau_m g_L`) and the
    weights are :math:`g_L \bar g` in nS. ``g0`` is the initial :math:`\bar g`
    (default: uniform in :math:`[0, g_{max}]`); ``exc_source`` replaces the excitatory
    Poisson inputs by scheduled spike trains; ``corr_source`` adds a second group of
    ``n_corr`` excitatory inputs (population ``corr``, projection ``corr_post``, same
    rule and initial weights), e.g. correlated trains; ``plastic=False`` freezes the
    weights (the no-STDP control).
    """
    if n_exc < 1 or n_inh < 0:
        raise ParameterError("n_exc", "must be >= 1 (and n_inh >= 0)", n_exc)
    if not 0 < g_max:
        raise ParameterError("g_max", "must be > 0", g_max)
    model = LIF(c_m_pf=tau_m_ms * g_l_ns, g_l_ns=g_l_ns, e_l_mv=e_l_mv, v_th_mv=v_th_mv,
                v_reset_mv=v_reset_mv, t_ref_ms=0.0)
    receptors = {"ex": Receptor(kind="conductance", tau_decay_ms=tau_syn_ms, e_rev_mv=e_ex_mv),
                 "in": Receptor(kind="conductance", tau_decay_ms=tau_syn_ms, e_rev_mv=e_in_mv)}
    w_max = g_max * g_l_ns
    rule = PairSTDP(a_plus=a_plus, a_minus=a_ratio * a_plus, tau_plus_ms=tau_plus_ms,
                    tau_minus_ms=tau_minus_ms, w_max=w_max)
    src = exc_source if exc_source is not None else PoissonSource(rate_hz=rate_exc_hz)
    pops = [Population("exc", n_exc, src), Population("post", 1, model, receptors)]
    w0 = Uniform(0.0, w_max) if g0 is None else g0 * g_l_ns
    projs = [Projection("exc", "post", "ex", FixedProbability(1.0), weight=w0, delay_ms=0.1,
                        plasticity=rule if plastic else None, name="exc_post")]
    if corr_source is not None:
        if n_corr < 1:
            raise ParameterError("n_corr", "must be >= 1 with a corr_source", n_corr)
        pops.insert(1, Population("corr", n_corr, corr_source))
        projs.append(Projection("corr", "post", "ex", FixedProbability(1.0), weight=w0,
                                delay_ms=0.1, plasticity=rule if plastic else None,
                                name="corr_post"))
    if n_inh > 0:
        pops.insert(1, Population("inh", n_inh, PoissonSource(rate_hz=rate_inh_hz)))
        projs.append(Projection("inh", "post", "in", FixedProbability(1.0),
                                weight=g_inh * g_l_ns, delay_ms=0.1, name="inh_post"))
    return Network(pops, projs)
