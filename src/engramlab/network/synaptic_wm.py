r"""Synaptic working memory: the facilitating network of Mongillo, Barak & Tsodyks (2008).

Mongillo G, Barak O, Tsodyks M (2008). Synaptic theory of working memory. Science
319:1543-1546, doi:10.1126/science.1150769. Values as read in the authors' code via the
NEST reimplementation of Tiddia, Golosio, Fanti & Paolucci (2022, Front. Integr.
Neurosci. 16:972055, doi:10.3389/fnint.2022.972055; ``model/default_params.py``).

:math:`N_E` = 8000 excitatory and :math:`N_I` = 2000 inhibitory LIF neurons with delta
synapses (a presynaptic spike makes the potential jump by :math:`J`, mV):

.. math::

    \tau_a \frac{dV_i}{dt} = -V_i + \mu_a + \sigma \sqrt{2\tau_a}\, \xi_i(t)
        + \tau_a \sum_j J_{ij}\, u_j x_j \sum_k \delta(t - t_j^k - d_{ij})

(:math:`\tau_E` 15, :math:`\tau_I` 10 ms; threshold 20 mV, reset 16 (E) / 13 (I) mV,
refractory 2 ms; :math:`u_j x_j` only on E -> E synapses, 1 otherwise). The external
input is Gaussian white noise of mean :math:`\mu_E` (23.7 mV in the regime with
spontaneous population spikes; 22.7 and 24.1 mV in the authors' code for the other two
regimes) / :math:`\mu_I` 20.5 mV and free-membrane sd :math:`\sigma` = 1 mV
(:attr:`~engramlab.network.Population.noise_sd_mv`, the mean as a bias current).
Every pair is connected with probability :math:`c` = 0.2; delays uniform in 0.1-1 ms.
The E cells form :math:`p` = 5 selective populations of :math:`f N_E` (f = 0.1) and a
nonselective rest. E -> E efficacies: :math:`J_p` = 0.45 mV within a selective
population, :math:`J_b` = 0.10 mV otherwise, except a fraction :math:`\gamma_0` = 0.1
of the synapses from the nonselective onto the selective cells, potentiated
(:math:`J_p`); E -> I 0.135, I -> E -0.25, I -> I -0.20 mV.

Short-term plasticity on every E -> E synapse (per presynaptic neuron), in the paper's
convention (the utilisation relaxes to :math:`U`, not to 0:
:attr:`~engramlab.network.Projection.stp_u_baseline`):

.. math::

    \frac{du}{dt} = \frac{U - u}{\tau_F} + U(1 - u^-)\,\delta(t - t_{sp}), \qquad
    \frac{dx}{dt} = \frac{1 - x}{\tau_D} - u^+ x^-\,\delta(t - t_{sp}),

the spike transmitting :math:`J u^+ x^-` (:math:`U` 0.19 in the code, 0.2 in the
paper's text; :math:`\tau_F` 1.5 s, :math:`\tau_D` 0.2 s).

Populations ``E1`` ... ``E<p>`` (selective), ``E0`` (nonselective) and ``I``, one
receptor ``syn`` (delta) each; E -> E projections are named ``<pre>_<post>`` (and
``E0_<post>_p`` for the potentiated share of the nonselective inputs).

Smaller networks (``n_e`` < 8000): every efficacy is scaled by :math:`8000 / N_E`
(E afferents) or :math:`2000 / N_I` (I afferents) at the same :math:`c`, so that each
cell keeps its mean recurrent input :math:`c N J`; the fluctuations of that input grow
as :math:`1/\sqrt{N}`.

What differs: dt 0.1 ms with exact integration of the membrane between steps (the
NEST reimplementation: 0.05 ms), white noise drawn independently every step (NEST's
``noise_generator`` holds each value for 1 ms), delays rounded to whole steps,
no autapses and no multiple contacts within a projection.
"""

from __future__ import annotations

from collections.abc import Sequence

from engramlab.core import ParameterError, Params, param
from engramlab.network.connectivity import FixedProbability
from engramlab.network.model import Network, Population, Projection, Stimulus, Uniform
from engramlab.neurons import LIF
from engramlab.synapses import TsodyksMarkram, delta

__all__ = ["MongilloParams", "mongillo_network", "population_sizes", "selective_names"]

_M2008 = "Mongillo, Barak & Tsodyks 2008, Science 319:1543 (SOM)"
_CODE = ("Mongillo et al. 2008 as read in the NEST reimplementation of Tiddia et al. "
         "2022 (model/default_params.py)")
#: Membrane capacitance (pF): any value; the model is in mV (a bias current of
#: mu * g_L pA holds the mean input mu).
C_M_PF = 250.0


class MongilloParams(Params):
    """Parameters of the Mongillo, Barak & Tsodyks (2008) network (efficacies in mV)."""

    n_e: int = param(8000, unit="1", ge=100, le=32_000, doc="Excitatory neurons N_E.",
                     source=_M2008)
    n_i: int = param(2000, unit="1", ge=25, le=8000, doc="Inhibitory neurons N_I.",
                     source=_M2008)
    n_items: int = param(5, unit="1", ge=1, le=9, doc="Selective populations p.",
                         source=_M2008)
    f: float = param(0.1, unit="1", ge=0.01, le=0.2,
                     doc="Coding level: each selective population is f N_E cells (p f <= 1).",
                     source=_M2008)
    c: float = param(0.2, unit="1", ge=0.01, le=1.0, doc="Connection probability c.",
                     source=_M2008)
    j_b_mv: float = param(0.10, unit="mV", ge=0.0, le=5.0,
                          doc="Baseline E -> E efficacy J_b.", source=_CODE)
    j_p_mv: float = param(0.45, unit="mV", ge=0.0, le=5.0,
                          doc="Potentiated E -> E efficacy J_p (within a population).",
                          source=_CODE)
    gamma0: float = param(0.10, unit="1", ge=0.0, le=1.0,
                          doc="Fraction gamma_0 of nonselective -> selective synapses "
                              "that are potentiated.", source=_CODE)
    j_ie_mv: float = param(0.135, unit="mV", ge=0.0, le=5.0, doc="E -> I efficacy.",
                           source=_CODE)
    j_ei_mv: float = param(0.25, unit="mV", ge=0.0, le=5.0,
                           doc="I -> E efficacy (inhibitory: a jump of -J).", source=_CODE)
    j_ii_mv: float = param(0.20, unit="mV", ge=0.0, le=5.0,
                           doc="I -> I efficacy (inhibitory).", source=_CODE)
    u_se: float = param(0.19, unit="1", ge=0.01, le=1.0,
                        doc="Baseline utilisation U of the E -> E synapses.",
                        source=_CODE + " (0.19; the paper's text: 0.2)")
    tau_f_ms: float = param(1500.0, unit="ms", ge=0.0, le=100_000.0,
                            doc="Facilitation time constant tau_F (0: none, u = U).",
                            source=_M2008)
    tau_d_ms: float = param(200.0, unit="ms", ge=1.0, le=100_000.0,
                            doc="Depression (recovery) time constant tau_D.", source=_M2008)
    mu_e_mv: float = param(23.7, unit="mV", ge=0.0, le=40.0,
                           doc="Mean external input to E, mu_E.", source=_CODE)
    mu_i_mv: float = param(20.5, unit="mV", ge=0.0, le=40.0,
                           doc="Mean external input to I, mu_I.", source=_CODE)
    sigma_mv: float = param(1.0, unit="mV", ge=0.0, le=10.0,
                            doc="SD of the external noise (free-membrane sd).", source=_CODE)
    tau_e_ms: float = param(15.0, unit="ms", ge=1.0, le=100.0,
                            doc="Membrane time constant of E.", source=_M2008)
    tau_i_ms: float = param(10.0, unit="ms", ge=1.0, le=100.0,
                            doc="Membrane time constant of I.", source=_M2008)
    theta_mv: float = param(20.0, unit="mV", ge=1.0, le=100.0, doc="Threshold.",
                            source=_M2008)
    reset_e_mv: float = param(16.0, unit="mV", ge=0.0, le=100.0, doc="Reset of E.",
                              source=_M2008)
    reset_i_mv: float = param(13.0, unit="mV", ge=0.0, le=100.0, doc="Reset of I.",
                              source=_M2008)
    t_ref_ms: float = param(2.0, unit="ms", ge=0.0, le=20.0, doc="Refractory period.",
                            source=_M2008)
    delay_min_ms: float = param(0.1, unit="ms", ge=0.1, le=10.0,
                                doc="Shortest synaptic delay (uniform).", source=_CODE)
    delay_max_ms: float = param(1.0, unit="ms", ge=0.1, le=10.0,
                                doc="Longest synaptic delay (uniform).", source=_CODE)


def selective_names(p: MongilloParams) -> list[str]:
    """The selective populations, ``E1`` ... ``E<p>``."""
    return [f"E{k + 1}" for k in range(p.n_items)]


def mongillo_network(p: MongilloParams | None = None, *,
                     stimuli: Sequence[Stimulus] = ()) -> Network:
    """The network of the module docstring, with ``stimuli``."""
    p = p or MongilloParams()
    n_sel = round(p.f * p.n_e)
    n_ns = p.n_e - p.n_items * n_sel
    if n_sel < 1 or n_ns < 1:
        raise ParameterError("n_items", "times f must leave >= 1 cell per selective "
                             "population and >= 1 nonselective cell (p f < 1)",
                             (p.n_items, p.f))
    if p.reset_e_mv >= p.theta_mv or p.reset_i_mv >= p.theta_mv:
        raise ParameterError("reset_e_mv", "must be below the threshold (both resets)",
                             (p.reset_e_mv, p.reset_i_mv))
    if p.delay_max_ms < p.delay_min_ms:
        raise ParameterError("delay_max_ms", "must be >= delay_min_ms", p.delay_max_ms)
    se, si = 8000.0 / p.n_e, 2000.0 / p.n_i
    g_e, g_i = C_M_PF / p.tau_e_ms, C_M_PF / p.tau_i_ms
    e_model = LIF(c_m_pf=C_M_PF, g_l_ns=g_e, e_l_mv=0.0, v_th_mv=p.theta_mv,
                  v_reset_mv=p.reset_e_mv, t_ref_ms=p.t_ref_ms)
    i_model = LIF(c_m_pf=C_M_PF, g_l_ns=g_i, e_l_mv=0.0, v_th_mv=p.theta_mv,
                  v_reset_mv=p.reset_i_mv, t_ref_ms=p.t_ref_ms)
    rec = {"syn": delta()}
    v0 = Uniform(0.0, p.theta_mv)
    sel = selective_names(p)
    e_names = [*sel, "E0"]
    pops = [Population(n, n_sel, e_model, rec, v0_mv=v0, i_bias_pa=p.mu_e_mv * g_e,
                       noise_sd_mv=p.sigma_mv) for n in sel]
    pops.append(Population("E0", n_ns, e_model, rec, v0_mv=v0, i_bias_pa=p.mu_e_mv * g_e,
                           noise_sd_mv=p.sigma_mv))
    pops.append(Population("I", p.n_i, i_model, rec, v0_mv=v0, i_bias_pa=p.mu_i_mv * g_i,
                           noise_sd_mv=p.sigma_mv))
    stp = TsodyksMarkram(u_se=p.u_se, tau_rec_ms=p.tau_d_ms, tau_fac_ms=p.tau_f_ms)
    delay = Uniform(p.delay_min_ms, p.delay_max_ms)
    projs: list[Projection] = []

    def ee(pre: str, post: str, prob: float, j: float, name: str) -> None:
        if prob > 0:  # kept at J = 0 too: its STP state is the population's
            projs.append(Projection(pre, post, "syn", FixedProbability(prob), weight=j * se,
                                    delay_ms=delay, stp=stp, stp_u_baseline=True,
                                    name=name))

    for post in e_names:
        for pre in e_names:
            if post != "E0" and pre == "E0":
                ee(pre, post, p.c * (1 - p.gamma0), p.j_b_mv, f"{pre}_{post}")
                ee(pre, post, p.c * p.gamma0, p.j_p_mv, f"{pre}_{post}_p")
            else:
                j = p.j_p_mv if (pre == post and pre != "E0") else p.j_b_mv
                ee(pre, post, p.c, j, f"{pre}_{post}")
    for pre in e_names:
        projs.append(Projection(pre, "I", "syn", FixedProbability(p.c), weight=p.j_ie_mv * se,
                                delay_ms=delay, name=f"{pre}_I"))
    for post in e_names:
        projs.append(Projection("I", post, "syn", FixedProbability(p.c),
                                weight=-p.j_ei_mv * si, delay_ms=delay, name=f"I_{post}"))
    projs.append(Projection("I", "I", "syn", FixedProbability(p.c), weight=-p.j_ii_mv * si,
                            delay_ms=delay, name="I_I"))
    return Network(pops, projs, stimuli=tuple(stimuli))


def population_sizes(p: MongilloParams) -> dict[str, int]:
    """Cells per population (``E1`` ... ``E<p>``, ``E0``, ``I``)."""
    n_sel = round(p.f * p.n_e)
    out = {n: n_sel for n in selective_names(p)}
    out["E0"] = p.n_e - p.n_items * n_sel
    out["I"] = p.n_i
    return out
