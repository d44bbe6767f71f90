r"""The spatial working-memory ring of Compte, Brunel, Goldman-Rakic & Wang (2000).

Compte A, Brunel N, Goldman-Rakic PS, Wang X-J (2000). Synaptic mechanisms and network
dynamics underlying spatial working memory in a cortical network model. Cereb Cortex
10:910-923, doi:10.1093/cercor/10.9.910. Parameter values as read in the lineage code
of Murray et al. 2012 (Cereb Cortex 24:859, doi:10.1093/cercor/bhs370), whose
comments note that the paper's "18 deg" is a typo for 14.4 deg and that, with these
parameters, the spontaneous state settles near 8 Hz after a ~10 s transient rather
than at the paper's 1-3 Hz (see the experiment ``working-memory.bump`` for what this
engine measures).

:math:`N_E` = 2048 pyramidal cells and :math:`N_I` = 512 interneurons, conductance LIF
(E: :math:`C` = 0.5 nF, :math:`g_L` = 25 nS, refractory 2 ms; I: 0.2 nF, 20 nS, 1 ms;
:math:`E_L` = -70, threshold -50, reset -60 mV), pyramidal cell :math:`i` at angle
:math:`\theta_i = 2\pi i / N_E`:

.. math::

    C \frac{dV_i}{dt} = -g_L (V_i - E_L) - g_{ext} s^{ext}_i (V_i - E_E)
        - \frac{g_{EE} \sum_j J(\theta_i - \theta_j) s_j}{1 + [\mathrm{Mg}]
          e^{-0.062 V_i} / 3.57} (V_i - E_E)
        - g_{IE} \sum_k s^{GABA}_k (V_i - E_I) + I_{cue}(\theta_i, t)

(interneurons alike, with :math:`g_{EI} \sum_j s_j` and :math:`g_{II}`, no profile),
the NMDA gating per presynaptic pyramidal cell saturating,
:math:`\dot x_j = -x_j / \tau_x + \sum_k \delta(t - t_j^k)`,
:math:`\dot s_j = -s_j/\tau_{NMDA} + \alpha x_j (1 - s_j)` (:math:`\tau_x` 2 ms,
:math:`\tau_{NMDA}` 100 ms, :math:`\alpha` 0.5 /ms), GABA
:math:`\dot s_k = -s_k/\tau_{GABA} + \sum \delta` (10 ms, :math:`E_I` = -70 mV), the
external drive AMPA (2 ms, :math:`E_E` = 0 mV) from 1.8 kHz of Poisson input per cell,
and :math:`J` the circular Gaussian of :class:`~engramlab.network.DenseRing`
(:math:`J_+` = 1.62, :math:`\sigma` = 14.4 deg, mean 1). Recurrent AMPA is zero in
Compte's set. The recurrent projections are dense (every pair, autapses included, as in
the model's code), delivered by presynaptic gating: :math:`O(N)` per step, the ring by
FFT (:class:`~engramlab.network.Dense`).

The cue: :math:`I_{cue}(\theta) = I_{peak} e^{-d(\theta, \theta_c)^2 / 2\sigma_c^2}`
into the pyramidal cells (:func:`ring_current`; 375 pA, 6 deg, 250 ms as in the
lineage code's stimulus).

What differs: the membrane is integrated by exponential Euler with the conductances
frozen over a step (the original: second-order Runge-Kutta at 0.02 ms); a spike acts on
the gates after one step; the external trains are one Poisson count per cell and step.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from engramlab.core import ParameterError, Params, param
from engramlab.network.connectivity import AllToAll, DenseRing
from engramlab.network.model import (
    CurrentStep,
    Network,
    PoissonInput,
    Population,
    Projection,
    Stimulus,
)
from engramlab.network.model import Uniform as UniformV0
from engramlab.neurons import LIF
from engramlab.synapses import AMPA, GABA_A, NMDA

__all__ = [
    "CompteParams",
    "compte_network",
    "population_vector",
    "ring_angles_deg",
    "ring_current",
    "ring_rates",
]

_C2000 = "Compte et al. 2000, Cereb Cortex 10:910, Methods"
_LINEAGE = ("Compte et al. 2000 as read in the code of Murray et al. 2012 (Cereb Cortex "
            "24:859), modelparams_compte")


class CompteParams(Params):
    """Parameters of the Compte et al. (2000) ring network (conductances per synapse).

    Examples
    --------
    >>> p = CompteParams.create("doc", n_e=64, n_i=16)  # a small ring
    >>> p.n_e, p.g_ee_ns, p.j_plus, p.sigma_deg  # 1, nS (at N_E = 2048), 1, deg
    (64, 0.381, 1.62, 14.4)
    """

    n_e: int = param(2048, unit="1", ge=8, le=65_536, doc="Pyramidal cells N_E (the ring).",
                     source=_C2000)
    n_i: int = param(512, unit="1", ge=1, le=65_536, doc="Interneurons N_I.", source=_C2000)
    g_ee_ns: float = param(0.381, unit="nS", ge=0.0, le=100.0,
                           doc="NMDA conductance E -> E per synapse, g_EE (at N_E = 2048; "
                               "scaled by 2048 / N_E for other sizes, so the total is kept).",
                           source=_LINEAGE)
    g_ei_ns: float = param(0.292, unit="nS", ge=0.0, le=100.0,
                           doc="NMDA conductance E -> I per synapse, g_EI (scaled as g_EE).",
                           source=_LINEAGE)
    g_ie_ns: float = param(1.336, unit="nS", ge=0.0, le=100.0,
                           doc="GABA conductance I -> E per synapse, g_IE (at N_I = 512; "
                               "scaled by 512 / N_I).", source=_LINEAGE)
    g_ii_ns: float = param(1.024, unit="nS", ge=0.0, le=100.0,
                           doc="GABA conductance I -> I per synapse, g_II (scaled as g_IE).",
                           source=_LINEAGE)
    g_ext_e_ns: float = param(3.1, unit="nS", ge=0.0, le=100.0,
                              doc="External AMPA conductance onto E per input spike.",
                              source=_LINEAGE)
    g_ext_i_ns: float = param(2.38, unit="nS", ge=0.0, le=100.0,
                              doc="External AMPA conductance onto I per input spike.",
                              source=_LINEAGE)
    nu_ext_hz: float = param(1800.0, unit="Hz", ge=0.0, le=1e5,
                             doc="External Poisson input per cell (total rate).",
                             source=_LINEAGE)
    j_plus: float = param(1.62, unit="1", ge=0.0, le=10.0,
                          doc="J+, the E -> E weight factor between cells of the same angle.",
                          source=_LINEAGE)
    sigma_deg: float = param(14.4, unit="deg", gt=0.0, le=180.0,
                             doc="Width sigma of the E -> E profile (the paper's 18 deg is a "
                                 "typo, per the code).", source=_LINEAGE)
    tau_nmda_ms: float = param(100.0, unit="ms", gt=0.0, le=1e4,
                               doc="NMDA gating decay tau_NMDA.", source=_C2000)
    tau_x_ms: float = param(2.0, unit="ms", gt=0.0, le=100.0,
                            doc="NMDA rise variable decay tau_x.", source=_C2000)
    alpha_per_ms: float = param(0.5, unit="1/ms", gt=0.0, le=100.0,
                                doc="NMDA saturation rate alpha.", source=_C2000)
    tau_ampa_ms: float = param(2.0, unit="ms", gt=0.0, le=100.0, doc="AMPA decay.",
                               source=_C2000)
    tau_gaba_ms: float = param(10.0, unit="ms", gt=0.0, le=1000.0, doc="GABA decay.",
                               source=_C2000)


def ring_angles_deg(n: int) -> np.ndarray:
    r"""Angles :math:`\theta_i = 360 i / n` (deg) of the cells of a ring of ``n``.

    Examples
    --------
    >>> ring_angles_deg(4).tolist()
    [0.0, 90.0, 180.0, 270.0]
    """
    return 360.0 * np.arange(n) / n


def _circ_deg(a: np.ndarray | float, b: float) -> np.ndarray:
    """Signed circular difference ``a - b`` in (-180, 180] degrees."""
    return (np.asarray(a) - b + 180.0) % 360.0 - 180.0


def ring_current(population: str, n: int, *, centre_deg: float, sigma_deg: float,
                 peak_pa: float, start_ms: float, stop_ms: float) -> CurrentStep:
    r"""A current into the cells of a ring by angle during ``[start_ms, stop_ms)``.

    :math:`I_i = I_{peak} \exp(-d(\theta_i, \theta_c)^2 / 2\sigma^2)` (pA), :math:`d` the
    circular distance (deg). The cue and the distractor of a spatial working-memory task.

    Examples
    --------
    >>> c = ring_current("E", 8, centre_deg=90.0, sigma_deg=45.0, peak_pa=100.0,
    ...                  start_ms=0.0, stop_ms=250.0)
    >>> np.round(c.amplitude_pa, 1).tolist()
    [13.5, 60.7, 100.0, 60.7, 13.5, 1.1, 0.0, 1.1]
    """
    if not (math.isfinite(sigma_deg) and sigma_deg > 0):
        raise ParameterError("sigma_deg", "must be a finite number > 0 (degrees)", sigma_deg)
    d = _circ_deg(ring_angles_deg(n), centre_deg)
    amp = peak_pa * np.exp(-0.5 * (d / sigma_deg) ** 2)
    return CurrentStep(population, amp, start_ms=start_ms, stop_ms=stop_ms)


def compte_network(p: CompteParams | None = None, *, stimuli: Sequence[Stimulus] = (),
                   delay_ms: float = 0.1) -> Network:
    """The Compte et al. 2000 network with ``stimuli``.

    Populations ``E`` and ``I``; receptors ``ext`` (AMPA, the background), ``rec``
    (NMDA, recurrent excitation) and ``gaba``. The model has no synaptic delay; the
    engine's is at least one step: pass ``delay_ms`` = the time step.

    Examples
    --------
    >>> cue = ring_current("E", 64, centre_deg=180.0, sigma_deg=6.0, peak_pa=375.0,
    ...                    start_ms=100.0, stop_ms=350.0)
    >>> net = compte_network(CompteParams.create("doc", n_e=64, n_i=16), stimuli=[cue])
    >>> [(pop.name, pop.n) for pop in net.populations]
    [('E', 64), ('I', 16)]
    >>> [(pr.name, type(pr.connect).__name__) for pr in net.projections]
    [('EE', 'DenseRing'), ('EI', 'AllToAll'), ('IE', 'AllToAll'), ('II', 'AllToAll')]
    >>> round(net.projection("EE").weight, 3)  # g_EE x 2048 / 64 (nS): the total is kept
    12.192
    """
    p = p or CompteParams()
    e_model = LIF(c_m_pf=500.0, g_l_ns=25.0, e_l_mv=-70.0, v_th_mv=-50.0,
                  v_reset_mv=-60.0, t_ref_ms=2.0)
    i_model = LIF(c_m_pf=200.0, g_l_ns=20.0, e_l_mv=-70.0, v_th_mv=-50.0,
                  v_reset_mv=-60.0, t_ref_ms=1.0)
    rec = NMDA(tau_rise_ms=p.tau_x_ms, tau_decay_ms=p.tau_nmda_ms,
               saturation_per_ms=p.alpha_per_ms)
    receptors = {"ext": AMPA(tau_decay_ms=p.tau_ampa_ms), "rec": rec,
                 "gaba": GABA_A(tau_decay_ms=p.tau_gaba_ms, e_rev_mv=-70.0)}
    v0 = UniformV0(-60.0, -50.0)
    se, si = 2048.0 / p.n_e, 512.0 / p.n_i
    return Network(
        populations=(Population("E", p.n_e, e_model, receptors=receptors, v0_mv=v0),
                     Population("I", p.n_i, i_model, receptors=receptors, v0_mv=v0)),
        projections=(
            Projection("E", "E", "rec", DenseRing(p.j_plus, p.sigma_deg),
                       weight=p.g_ee_ns * se, delay_ms=delay_ms, name="EE"),
            Projection("E", "I", "rec", AllToAll(), weight=p.g_ei_ns * se,
                       delay_ms=delay_ms, name="EI"),
            Projection("I", "E", "gaba", AllToAll(), weight=p.g_ie_ns * si,
                       delay_ms=delay_ms, name="IE"),
            Projection("I", "I", "gaba", AllToAll(), weight=p.g_ii_ns * si,
                       delay_ms=delay_ms, name="II"),
        ),
        inputs=(PoissonInput("ext_E", "E", "ext", 1, p.nu_ext_hz, p.g_ext_e_ns),
                PoissonInput("ext_I", "I", "ext", 1, p.nu_ext_hz, p.g_ext_i_ns)),
        stimuli=tuple(stimuli),
    )


def ring_rates(spike_i: np.ndarray, spike_t_ms: np.ndarray, n: int, *, t0_ms: float,
               t1_ms: float, n_bins: int = 36) -> np.ndarray:
    """Mean rate (Hz) of the cells of each of ``n_bins`` equal arcs of a ring.

    The ring has ``n`` cells; spikes ``(spike_i, spike_t_ms)`` in ``[t0_ms, t1_ms)``
    count.

    Examples
    --------
    >>> cells = np.array([0, 1, 1, 5])  # a ring of 8 cells, 4 arcs of 2 cells
    >>> times = np.array([1.0, 2.0, 3.0, 4.0])  # ms
    >>> ring_rates(cells, times, 8, t0_ms=0.0, t1_ms=100.0, n_bins=4).tolist()
    [15.0, 0.0, 5.0, 0.0]
    """
    if not t1_ms > t0_ms:
        raise ParameterError("t1_ms", "must be > t0_ms", (t0_ms, t1_ms))
    sel = (spike_t_ms >= t0_ms) & (spike_t_ms < t1_ms)
    counts = np.bincount(np.asarray(spike_i)[sel], minlength=n)[:n]
    arcs = counts.reshape(n_bins, -1) if n % n_bins == 0 else None
    if arcs is None:
        edges = np.linspace(0, n, n_bins + 1).round().astype(int)
        per = np.array([counts[a:b].mean() for a, b in itertools.pairwise(edges)])
    else:
        per = arcs.mean(axis=1)
    return per / ((t1_ms - t0_ms) * 1e-3)


def population_vector(rates: np.ndarray) -> tuple[float, float]:
    r"""Centre (deg, in [0, 360)) and length of the population vector of rates on a ring.

    The vector is :math:`\sum_k r_k e^{i\theta_k} / \sum_k r_k` over equal arcs (arc
    :math:`k` centred at :math:`360 (k + 1/2) / K`).

    Examples
    --------
    >>> c, r = population_vector(np.array([0.0, 10.0, 0.0, 0.0]))
    >>> round(c, 6), round(r, 6)
    (135.0, 1.0)
    """
    r = np.asarray(rates, float)
    k = r.size
    th = np.deg2rad(360.0 * (np.arange(k) + 0.5) / k)
    tot = r.sum()
    if not tot > 0:
        return math.nan, 0.0
    z = (r * np.exp(1j * th)).sum() / tot
    return float(np.rad2deg(np.angle(z)) % 360.0), float(abs(z))

