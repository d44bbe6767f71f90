"""Tag-trigger-consolidation (TagTriC): early and late LTP / LTD of Clopath et al. (2008).

A neuron receives ``n_pathways`` independent pathways of ``n_synapses`` synapses each
(Frey & Morris 1997: two pathways S1, S2 of the same CA1 population). Each synapse
:math:`i` has

- an *early phase* (the tag): three discrete states, neutral, high (:math:`h_i = 1`) or
  low (:math:`l_i = 1`), never both. During stimulation a neutral synapse goes high with
  probability :math:`\\rho_H` and low with probability :math:`\\rho_L` per 1-ms step;
  a high (low) synapse returns to neutral at the rate :math:`k_H = 1/\\tau_H`
  (:math:`k_L = 1/\\tau_L`), with :math:`\\tau_H` = 1 h and :math:`\\tau_L` = 1.5 h;
- a *late phase* :math:`z_i`, bistable (stable states 0 and 1, unstable point
  :math:`\\kappa`), pushed up by a high tag and down by a low tag, but only in the
  presence of the plasticity-related protein :math:`p`, which is shared by all synapses
  of the neuron and whose synthesis is *triggered* when the number of tagged synapses
  (high or low, all pathways) exceeds :math:`\\theta_p`:

.. math::

    \\frac{dp}{dt} &= -\\frac{p}{\\tau_p^\\mathrm{decay}}
        + s(t)\\, \\frac{1 - p}{\\tau_p^\\mathrm{syn}}\\,
          \\Theta\\Big[\\sum_i (h_i + l_i) - \\theta_p\\Big] \\\\
    \\tau_z \\frac{dz_i}{dt} &= z_i (1 - z_i)(z_i - \\kappa) + \\gamma\\, (h_i - l_i)\\, p \\\\
    w_i &= w_0 + g_H h_i - g_L l_i + g_Z z_i

(:math:`t` in s; :math:`p`, :math:`z` dimensionless; :math:`w` in units of the residual
weight :math:`w_0`). :math:`s(t)` is the *synthesis factor* (1 = untouched, 0 = fully
blocked, e.g. by anisomycin; the argument ``synthesis_factor``). Without tags
:math:`z = 0` and :math:`z = 1` are stable; with :math:`p` near its maximum
:math:`\\gamma p` (0.1 p) exceeds the largest restoring force of the cubic on the way
(about 0.048), so a tagged synapse switches its late phase: that is synaptic capture.

Induction (the paper's voltage-based rule). The postsynaptic neuron is an adaptive
exponential integrate-and-fire (AdEx) neuron, stepped at :math:`\\Delta t` = 1 ms as in
the paper's simulations; a presynaptic pulse on pathway :math:`k`
(:math:`x_k(t) = 1` in that step) injects a current that moves the voltage by
:math:`\\epsilon\\, (W_k + w_0)` mV (:math:`W_k` the summed weight of the pathway,
:math:`\\epsilon` = 3 mV). With the filtered voltages :math:`\\bar u_-` (time constant
1000 ms), :math:`\\bar u_+` (100 ms) and the presynaptic trace :math:`\\bar x_k`
(100 ms, jump 1/100 per pulse), all Euler-updated once per step,

.. math::

    \\rho_L^{(k)}(t) = A_\\mathrm{LTD}\\, x_k(t)\\, [\\bar u_-(t) - \\theta_-]_+,\\qquad
    \\rho_H^{(k)}(t) = A_\\mathrm{LTP}\\, [u(t) - \\theta_+]_+\\,\\bar x_k(t)\\,
        [\\bar u_+(t) - \\theta_-]_+

with :math:`\\theta_- = E_L` = -70.6 mV, :math:`\\theta_+` = -50 mV, :math:`A_\\mathrm{LTD}
= 10^{-2}` /mV and :math:`A_\\mathrm{LTP} = 10^{-3}` /mV^2 (per step). At every step the
order of the two updates (high first or low first) is drawn at random, as in the paper.

Time stepping. Protocols span hours, but plasticity is induced only in the 1-ms steps
that carry a presynaptic pulse: the voltage exceeds :math:`\\theta_+` only in the spike
step, and :math:`\\rho_L \\propto x_k`. (1) A pulse moves the voltage by
:math:`\\epsilon (W_k + w_0)` mV, about 480 mV at the baseline weight, far beyond the
spike threshold, so every pulse fires the neuron in its own step and the voltage trace
does not depend on the weights. The trace is computed once per protocol; the summed
weight each pulse needs to fire is returned with it and checked against the actual
weights at every pulse
(:class:`~engramlab.core.SimulationError` if a pathway were ever that weak).
Between spikes the AdEx is linear once its exponential term,
:math:`g_L \\Delta_T e^{(E_L - V_T)/\\Delta_T}` (0.003 pA at rest, i.e. < 1e-4 mV), is
dropped, so the neuron and filter state from one pulse to the next is propagated
exactly with powers of the 1-ms Euler matrix (:func:`induction_events`); a brute-force
1-ms loop with the full exponential (:func:`induction_events_stepwise`) gives the same
rates (a test). (2) The transition probabilities are applied only at those pulse steps;
a tag's lifetime is drawn, exponential with mean :math:`\\tau_{H,L}`, when it is set, so
the tags are exact in continuous time and independent of any step. (3) :math:`p` and
:math:`z` are integrated on a uniform grid of ``step_s`` (default 10 s, against
:math:`\\tau_z` = :math:`\\tau_p^\\mathrm{syn}` = 360 s): within a step the tags, the
trigger and :math:`s(t)` are frozen at the step midpoint, :math:`p` follows its exact
exponential solution and :math:`z` a classical Runge-Kutta step (a test checks that
2.5 s gives the same weights).

Departures from the published code (ModelDB 118199): tag decay is continuous in time
(the code draws it once per second, or once per ms during stimulation, with the same
rate); trains are placed onset-to-onset (the code adds the train duration to the
inter-train interval, 1 s in 600 s); the AdEx exponential term is dropped between
spikes (see above); the code re-initialises the neuron at the start of each train,
which the exact propagation reproduces (after 10 min every filter is back at rest).

References
----------
C. Clopath, L. Ziegler, E. Vasilaki, L. Büsing, W. Gerstner (2008). Tag-trigger-
consolidation: a model of early and late long-term-potentiation and depression. PLoS
Comput. Biol. 4(12):e1000248, doi:10.1371/journal.pcbi.1000248 (model: Methods and
Fig. 1). The full text was not at hand for this implementation: the equations and
every parameter value (including the LTP / LTD amplitudes corrected on 20 April 2009)
were taken from the authors' own simulation code, ModelDB accession 118199
(``tagtric.py`` and its README), so no equation or table numbers are cited.
R. Brette, W. Gerstner (2005). Adaptive exponential integrate-and-fire model as an
effective description of neuronal activity. J. Neurophysiol. 94:3637-3642,
doi:10.1152/jn.00686.2005 (AdEx parameters).
C. Clopath, L. Büsing, E. Vasilaki, W. Gerstner (2010). Connectivity reflects coding: a
model of voltage-based STDP with homeostasis. Nat. Neurosci. 13:344-352,
doi:10.1038/nn.2479 (the voltage-based rule).
U. Frey, R. G. M. Morris (1997). Synaptic tagging and long-term potentiation. Nature
385:533-536, doi:10.1038/385533a0 (tetanus protocols).
S. Sajikumar, J. U. Frey (2004). Late-associativity, synaptic tagging, and the role of
dopamine during LTP and LTD. Neurobiol. Learn. Mem. 82:12-25,
doi:10.1016/j.nlm.2004.03.003 (low-frequency protocols).

Examples
--------
Synaptic capture (Frey & Morris 1997): a weak tetanus alone gives early LTP only; 30 min
after a strong tetanus on the other pathway it is consolidated as well (pathway 1, 4 h
after the start; 4 neurons each):

>>> import numpy as np
>>> model = TagTriggerConsolidation()
>>> weak = Protocol("weak alone", (weak_tetanus(1, 1800.0),))
>>> capture = Protocol("capture", (strong_tetanus(0, 60.0), weak_tetanus(1, 1800.0)))
>>> res = simulate_tagging(model, [weak, capture], t_start_s=0.0, t_stop_s=4 * 3600.0,
...                        n_trials=4, rng=np.random.default_rng(0), step_s=60.0,
...                        record_every=30)
>>> np.round(res.consolidated[:, :, -1, 1].mean(axis=1), 3).tolist()  # from 0.3
[0.3, 0.345]
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence

import numpy as np

from engramlab.core import ParameterError, Params, SimulationError, param

__all__ = [
    "INDUCTION_STEP_MS",
    "InductionEvents",
    "Protocol",
    "Stimulus",
    "TagTriggerConsolidation",
    "TaggingResult",
    "induction_events",
    "induction_events_stepwise",
    "simulate_tagging",
    "slow_step",
    "strong_lfs",
    "strong_tetanus",
    "weak_lfs",
    "weak_tetanus",
]

#: Step of the induction dynamics (ms): the paper's AdEx / voltage rule is defined on it
#: (the spike is one step at ``v_spike_mv``), so it is part of the model.
INDUCTION_STEP_MS = 1.0

SynthesisFactor = Callable[[float | np.ndarray], np.ndarray]

_C08 = "Clopath et al. 2008, Methods; value as in the authors' code (ModelDB 118199)"
_ADEX = ("Brette & Gerstner 2005 (AdEx), as used by Clopath et al. 2008 (ModelDB 118199)")


class TagTriggerConsolidation(Params):
    """Parameters of the tag-trigger-consolidation model (defaults: Clopath et al. 2008).

    Times in s (slow dynamics) or ms (induction), potentials in mV, weights in units of
    :math:`w_0`; the equations are in the module docstring.

    References
    ----------
    C. Clopath, L. Ziegler, E. Vasilaki, L. Büsing, W. Gerstner (2008). Tag-trigger-
    consolidation: a model of early and late long-term-potentiation and depression.
    PLoS Comput. Biol. 4(12):e1000248, doi:10.1371/journal.pcbi.1000248.

    Examples
    --------
    >>> model = TagTriggerConsolidation()
    >>> model.n_synapses, model.n_pathways, model.theta_p, model.kappa
    (100, 2, 60.0, 0.5)
    >>> model.baseline_weight()  # w0 + g_Z x 30 % of the synapses with z = 1
    1.6
    """

    n_synapses: int = param(100, unit="1", ge=1, le=100_000,
                            doc="Synapses per pathway n.", source=_C08)
    n_pathways: int = param(2, unit="1", ge=1, le=16,
                            doc="Independent pathways sharing the neuron's protein.",
                            source=_C08 + " (two pathways, as Frey & Morris 1997)")
    initial_up_fraction: float = param(
        0.3, unit="1", ge=0.0, le=1.0,
        doc="Fraction of synapses of each pathway with z = 1 at the start.", source=_C08)
    # -- early phase ---------------------------------------------------------------
    tau_h_s: float = param(3600.0, unit="s", gt=0.0, le=1e7,
                           doc="Mean lifetime 1 / k_H of the high state.", source=_C08)
    tau_l_s: float = param(5400.0, unit="s", gt=0.0, le=1e7,
                           doc="Mean lifetime 1 / k_L of the low state.", source=_C08)
    a_ltp: float = param(1e-3, unit="1/mV^2", ge=0.0, le=1.0,
                         doc="Potentiation amplitude A_LTP (probability per 1-ms step).",
                         source=_C08 + " (corrected amplitudes of 20 April 2009)")
    a_ltd: float = param(1e-2, unit="1/mV", ge=0.0, le=1.0,
                         doc="Depression amplitude A_LTD (probability per 1-ms step).",
                         source=_C08 + " (corrected amplitudes of 20 April 2009)")
    theta_ltp_mv: float = param(-50.0, unit="mV", ge=-100.0, le=0.0,
                                doc="Potentiation threshold theta_+ on the voltage u.",
                                source=_C08)
    theta_ltd_mv: float = param(-70.6, unit="mV", ge=-100.0, le=0.0,
                                doc="Depression threshold theta_- on the filtered voltages.",
                                source=_C08 + " (theta_- = E_L)")
    tau_u_ltp_ms: float = param(100.0, unit="ms", gt=1.0, le=1e5,
                                doc="Time constant of the filtered voltage u_+ (LTP term).",
                                source=_C08)
    tau_u_ltd_ms: float = param(1000.0, unit="ms", gt=1.0, le=1e5,
                                doc="Time constant of the filtered voltage u_- (LTD term).",
                                source=_C08)
    tau_x_ms: float = param(100.0, unit="ms", gt=1.0, le=1e5,
                            doc="Time constant of the presynaptic trace x_bar.", source=_C08)
    # -- neuron (AdEx, 1-ms Euler) ---------------------------------------------------
    c_pf: float = param(281.0, unit="pF", gt=0.0, le=1e5, doc="Capacitance C.", source=_ADEX)
    g_l_ns: float = param(30.0, unit="nS", gt=0.0, le=1e4, doc="Leak conductance g_L.",
                          source=_ADEX)
    e_l_mv: float = param(-70.6, unit="mV", ge=-100.0, le=0.0, doc="Resting potential E_L.",
                          source=_ADEX)
    v_t_mv: float = param(-50.4, unit="mV", ge=-100.0, le=0.0,
                          doc="Threshold V_T of the exponential term.", source=_ADEX)
    delta_t_mv: float = param(2.0, unit="mV", gt=0.0, le=20.0, doc="Slope factor Delta_T.",
                              source=_ADEX)
    tau_w_ms: float = param(144.0, unit="ms", gt=1.0, le=1e5,
                            doc="Adaptation time constant tau_w.", source=_ADEX)
    a_ns: float = param(4.0, unit="nS", ge=0.0, le=1e3,
                        doc="Subthreshold adaptation a.", source=_ADEX)
    b_pa: float = param(0.0805, unit="pA", ge=0.0, le=1e4,
                        doc="Spike-triggered adaptation b.",
                        source="ModelDB 118199: 0.0805 added to a current in pA (Brette & "
                               "Gerstner 2005 give 0.0805 nA); kept as simulated")
    v_peak_mv: float = param(10.0, unit="mV", ge=-50.0, le=100.0,
                             doc="Spike detection: v above this is a spike.", source=_C08)
    v_spike_mv: float = param(20.0, unit="mV", ge=-50.0, le=100.0,
                              doc="Voltage held during the 1-ms spike step.", source=_C08)
    input_gain_mv: float = param(
        3.0, unit="mV", gt=0.0, le=1e3,
        doc="Voltage jump eps per unit of presynaptic weight of a pulse (eps (W_k + w0)).",
        source=_C08 + " ('conjunction of many presynaptic spikes')")
    # -- protein -------------------------------------------------------------------
    tau_p_synthesis_s: float = param(360.0, unit="s", gt=0.0, le=1e7,
                                     doc="Time constant of protein synthesis.", source=_C08)
    tau_p_decay_s: float = param(3600.0, unit="s", gt=0.0, le=1e7,
                                 doc="Time constant of protein degradation.", source=_C08)
    theta_p: float = param(60.0, unit="1", ge=0.0, le=1e6,
                           doc="Trigger: synthesis runs while sum_i (h_i + l_i) > theta_p.",
                           source=_C08 + " (counted over all pathways)")
    # -- late phase ----------------------------------------------------------------
    tau_z_s: float = param(360.0, unit="s", gt=0.0, le=1e7,
                           doc="Time constant tau_z of the late phase.", source=_C08)
    kappa: float = param(0.5, unit="1", gt=0.0, lt=1.0,
                         doc="Unstable fixed point kappa of the late phase.", source=_C08)
    gamma: float = param(0.1, unit="1", ge=0.0, le=10.0,
                         doc="Coupling gamma of tag and protein to z.", source=_C08)
    # -- weight --------------------------------------------------------------------
    w0: float = param(1.0, unit="1", ge=0.0, le=100.0, doc="Residual weight w_0.",
                      source=_C08)
    g_h: float = param(1.0, unit="1", ge=0.0, le=100.0, doc="Weight of the high state.",
                       source=_C08)
    g_l: float = param(0.5, unit="1", ge=0.0, le=100.0,
                       doc="Weight removed by the low state.", source=_C08)
    g_z: float = param(2.0, unit="1", ge=0.0, le=100.0, doc="Weight of the late phase z.",
                       source=_C08)

    def baseline_weight(self) -> float:
        """Mean weight before any stimulus: w0 + g_Z (fraction initially with z = 1).

        Examples
        --------
        >>> TagTriggerConsolidation(initial_up_fraction=0.5).baseline_weight()
        2.0
        """
        k = int(self.initial_up_fraction * self.n_synapses)
        return self.w0 + self.g_z * k / self.n_synapses


# -- stimulation protocols --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Stimulus:
    """Pulses on one pathway.

    ``n_bursts`` bursts of ``pulses_per_burst`` pulses at ``pulse_rate_hz``, burst
    onsets ``burst_interval_s`` apart, the first at ``start_s``.

    Examples
    --------
    Two bursts of three pulses at 50 Hz, one second apart, starting at 2 s:

    >>> s = Stimulus(pathway=0, start_s=2.0, n_bursts=2, pulses_per_burst=3,
    ...              pulse_rate_hz=50.0, burst_interval_s=1.0)
    >>> s.pulse_steps().tolist()
    [2000, 2020, 2040, 3000, 3020, 3040]
    """

    pathway: int
    start_s: float
    n_bursts: int = 1
    pulses_per_burst: int = 1
    pulse_rate_hz: float = 100.0
    burst_interval_s: float = 0.0
    name: str = ""

    def __post_init__(self) -> None:
        if self.pathway < 0:
            raise ParameterError("pathway", "must be >= 0", self.pathway)
        if not math.isfinite(self.start_s):
            raise ParameterError("start_s", "must be finite", self.start_s)
        if self.n_bursts < 1 or self.pulses_per_burst < 1:
            raise ParameterError("n_bursts", "bursts and pulses must be >= 1",
                                 (self.n_bursts, self.pulses_per_burst))
        if not 0.0 < self.pulse_rate_hz <= 500.0:
            raise ParameterError("pulse_rate_hz", "must be in (0, 500] Hz (pulses at least "
                                 "2 steps apart)", self.pulse_rate_hz)
        burst_len = (self.pulses_per_burst - 1) / self.pulse_rate_hz
        if self.n_bursts > 1 and not self.burst_interval_s > burst_len:
            raise ParameterError("burst_interval_s", "must exceed the burst duration",
                                 self.burst_interval_s)

    def pulse_steps(self) -> np.ndarray:
        """Pulse times on the 1-ms grid (integer ms).

        Examples
        --------
        >>> weak_tetanus(0, 1.0).pulse_steps()[:3].tolist()
        [1000, 1010, 1020]
        """
        k = np.arange(self.pulses_per_burst) * (1000.0 / self.pulse_rate_hz)
        b = np.arange(self.n_bursts) * (1000.0 * self.burst_interval_s)
        t = 1000.0 * self.start_s + (b[:, None] + k[None, :]).ravel()
        return np.round(t).astype(np.int64)


def weak_tetanus(pathway: int, start_s: float) -> Stimulus:
    """1 train of 21 pulses at 100 Hz (Frey & Morris 1997; Clopath et al. 2008).

    Parameters
    ----------
    pathway
        Index of the stimulated pathway.
    start_s
        Time of the first pulse (s).

    Returns
    -------
    Stimulus
        The train, named ``"weak tetanus"``.

    Examples
    --------
    >>> s = weak_tetanus(0, 60.0)
    >>> s.name, s.pulse_steps().size, s.pulse_steps()[[0, -1]].tolist()  # 200 ms long
    ('weak tetanus', 21, [60000, 60200])
    """
    return Stimulus(pathway, start_s, 1, 21, 100.0, 0.0, "weak tetanus")


def strong_tetanus(pathway: int, start_s: float) -> Stimulus:
    """3 trains of 100 pulses at 100 Hz, 10 min apart (Frey & Morris 1997).

    Parameters
    ----------
    pathway
        Index of the stimulated pathway.
    start_s
        Time of the first pulse (s).

    Returns
    -------
    Stimulus
        The trains, named ``"strong tetanus"``.

    Examples
    --------
    >>> steps = strong_tetanus(0, 0.0).pulse_steps()
    >>> steps.size, steps[[0, 99, 100, 200]].tolist()  # train onsets at 0, 600, 1200 s
    (300, [0, 990, 600000, 1200000])
    """
    return Stimulus(pathway, start_s, 3, 100, 100.0, 600.0, "strong tetanus")


def weak_lfs(pathway: int, start_s: float) -> Stimulus:
    """900 pulses at 1 Hz (Sajikumar & Frey 2004; Clopath et al. 2008).

    Parameters
    ----------
    pathway
        Index of the stimulated pathway.
    start_s
        Time of the first pulse (s).

    Returns
    -------
    Stimulus
        The train, named ``"weak LFS"``.

    Examples
    --------
    >>> steps = weak_lfs(1, 0.0).pulse_steps()
    >>> steps.size, int(steps[-1])  # 15 min
    (900, 899000)
    """
    return Stimulus(pathway, start_s, 1, 900, 1.0, 0.0, "weak LFS")


def strong_lfs(pathway: int, start_s: float) -> Stimulus:
    """900 bursts of 3 pulses at 20 Hz, one burst per second (Sajikumar & Frey 2004).

    Parameters
    ----------
    pathway
        Index of the stimulated pathway.
    start_s
        Time of the first pulse (s).

    Returns
    -------
    Stimulus
        The bursts, named ``"strong LFS"``.

    Examples
    --------
    >>> steps = strong_lfs(1, 0.0).pulse_steps()
    >>> steps.size, steps[:4].tolist()
    (2700, [0, 50, 100, 1000])
    """
    return Stimulus(pathway, start_s, 900, 3, 20.0, 1.0, "strong LFS")


@dataclasses.dataclass(frozen=True)
class Protocol:
    """One experimental condition: stimuli and a protein-synthesis factor of time.

    A ``synthesis_factor`` of ``None`` leaves synthesis untouched.

    Examples
    --------
    A strong tetanus with protein synthesis blocked (anisomycin) for the first 3 h:

    >>> import numpy as np
    >>> prot = Protocol("strong + anisomycin", (strong_tetanus(0, 60.0),),
    ...                 synthesis_factor=lambda t_s: np.where(t_s < 3 * 3600.0, 0.0, 1.0))
    >>> prot.name, len(prot.stimuli), float(prot.synthesis_factor(3600.0))
    ('strong + anisomycin', 1, 0.0)
    """

    name: str
    stimuli: tuple[Stimulus, ...]
    synthesis_factor: SynthesisFactor | None = None


# -- induction ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class InductionEvents:
    """Transition probabilities at the pulse steps of a protocol.

    Examples
    --------
    >>> ev = induction_events(TagTriggerConsolidation(), [weak_tetanus(0, 1.0)])
    >>> ev.step_ms[:3].tolist(), ev.rho_h.shape, ev.rho_l.shape, ev.weight_needed.shape
    ([1000, 1010, 1020], (21, 2), (21, 2), (21,))
    """

    step_ms: np.ndarray  #: (n_events,) int, time of the step (ms)
    rho_h: np.ndarray  #: (n_events, n_pathways) neutral -> high probability
    rho_l: np.ndarray  #: (n_events, n_pathways) neutral -> low probability
    #: (n_events,) summed weight W_k of a stimulated pathway (units of w0) below which
    #: the pulse would not fire the neuron (the trace assumes it does; checked in
    #: :func:`simulate_tagging`)
    weight_needed: np.ndarray


def _pulse_table(model: TagTriggerConsolidation,
                 stimuli: Sequence[Stimulus]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique pulse steps and the (n, n_pathways) 0/1 input x_k at each."""
    if not stimuli:
        return np.zeros(0, np.int64), np.zeros((0, model.n_pathways))
    for s in stimuli:
        if s.pathway >= model.n_pathways:
            raise ParameterError("pathway", f"must be < n_pathways = {model.n_pathways}",
                                 s.pathway)
    steps = np.concatenate([s.pulse_steps() for s in stimuli])
    paths = np.concatenate([np.full(s.n_bursts * s.pulses_per_burst, s.pathway)
                            for s in stimuli])
    uniq, inv = np.unique(steps, return_inverse=True)
    x = np.zeros((uniq.size, model.n_pathways))
    x[inv, paths] = 1.0
    if uniq.size > 1 and np.min(np.diff(uniq)) < 2:
        raise ParameterError("stimuli", "pulses must be at least 2 ms apart (a spike step "
                             "and its reset step)", int(np.min(np.diff(uniq))))
    return uniq, x


def _euler_matrix(model: TagTriggerConsolidation) -> np.ndarray:
    """The 1-ms Euler map of (v, w, u_-, u_+, x_bar_k) relative to rest, no input."""
    n = 4 + model.n_pathways
    c, g, tw, a = model.c_pf, model.g_l_ns, model.tau_w_ms, model.a_ns
    m = np.zeros((n, n))
    v_row = np.zeros(n)
    v_row[0], v_row[1] = 1.0 - g / c, -1.0 / c
    m[0] = v_row
    m[1] = (a / tw) * v_row
    m[1, 1] += 1.0 - 1.0 / tw
    m[2] = v_row / model.tau_u_ltd_ms
    m[2, 2] += 1.0 - 1.0 / model.tau_u_ltd_ms
    m[3] = v_row / model.tau_u_ltp_ms
    m[3, 3] += 1.0 - 1.0 / model.tau_u_ltp_ms
    for k in range(model.n_pathways):
        m[4 + k, 4 + k] = 1.0 - 1.0 / model.tau_x_ms
    return m


def _pulse_step(model: TagTriggerConsolidation, s: np.ndarray, x: np.ndarray,
                v_new: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rates of one pulse step and the state after it.

    ``v_new`` is the voltage after the jump, relative to rest. Rates use the filters and
    trace *before* their update.
    """
    e_l = model.e_l_mv
    u_sig = max(v_new + e_l - model.theta_ltp_mv, 0.0)
    um_sig = max(s[2] + e_l - model.theta_ltd_mv, 0.0)
    up_sig = max(s[3] + e_l - model.theta_ltd_mv, 0.0)
    rho_l = model.a_ltd * x * um_sig
    rho_h = model.a_ltp * u_sig * s[4:] * up_sig
    out = s.copy()
    out[0] = v_new
    out[1] += (model.a_ns * v_new - s[1]) / model.tau_w_ms
    out[2] += (v_new - s[2]) / model.tau_u_ltd_ms
    out[3] += (v_new - s[3]) / model.tau_u_ltp_ms
    out[4:] += (x - s[4:]) / model.tau_x_ms
    return rho_h, rho_l, out


def induction_events(model: TagTriggerConsolidation,
                     stimuli: Sequence[Stimulus]) -> InductionEvents:
    """Transition probabilities at every pulse step (deterministic).

    The neuron is propagated exactly between pulses (module docstring, "Time
    stepping").

    Parameters
    ----------
    model
        The model.
    stimuli
        The pulses of one protocol (at least 2 ms apart).

    Returns
    -------
    InductionEvents
        One row per distinct pulse step, in time order.

    Examples
    --------
    Summed over the pulses, a weak tetanus favours the high tag, 900 pulses at 1 Hz
    only the low one; the unstimulated pathway gets nothing:

    >>> model = TagTriggerConsolidation()
    >>> ev = induction_events(model, [weak_tetanus(0, 1.0)])
    >>> [round(float(x), 3) for x in (ev.rho_h[:, 0].sum(), ev.rho_l[:, 0].sum())]
    [0.454, 0.174]
    >>> float(ev.rho_h[:, 1].sum() + ev.rho_l[:, 1].sum())
    0.0
    >>> ev = induction_events(model, [weak_lfs(0, 0.0)])
    >>> [round(float(x), 3) for x in (ev.rho_h[:, 0].sum(), ev.rho_l[:, 0].sum())]
    [0.0, 0.407]
    >>> bool(ev.weight_needed.max() < model.n_synapses * model.baseline_weight())
    True
    """
    steps, xs = _pulse_table(model, stimuli)
    n_ev, n_p = steps.size, model.n_pathways
    rho_h = np.zeros((n_ev, n_p))
    rho_l = np.zeros((n_ev, n_p))
    needed = np.zeros(n_ev)
    m = _euler_matrix(model)
    powers: dict[int, np.ndarray] = {}
    s = np.zeros(4 + n_p)
    v_spike = model.v_spike_mv - model.e_l_mv
    for j in range(n_ev):
        if j > 0:
            gap = int(steps[j] - steps[j - 1])
            s[0] = 0.0  # reset after the spike step
            s[1] += model.b_pa
            mp = powers.get(gap - 1)
            if mp is None:
                mp = powers[gap - 1] = np.linalg.matrix_power(m, gap - 1)
            s = mp @ s
        # Pulse step: the leak / adaptation part of the Euler step, then the jump.
        v_free = s[0] + (-model.g_l_ns * s[0] - s[1]) / model.c_pf
        needed[j] = (model.v_peak_mv - model.e_l_mv - v_free) / model.input_gain_mv - model.w0
        rho_h[j], rho_l[j], s = _pulse_step(model, s, xs[j], v_spike)
    if not (np.all(np.isfinite(rho_h)) and np.all(np.isfinite(rho_l))):
        raise SimulationError("rho", 0, "non-finite transition probability")
    return InductionEvents(steps, rho_h, rho_l, needed)


def induction_events_stepwise(model: TagTriggerConsolidation,
                              stimuli: Sequence[Stimulus]) -> InductionEvents:
    """Reference for :func:`induction_events`: the same rates from a plain 1-ms loop.

    The loop runs over the whole stimulation with the full AdEx (exponential term
    kept), every pathway at its baseline summed weight. Slow; for tests.

    Returns
    -------
    InductionEvents
        As :func:`induction_events`.

    Examples
    --------
    >>> import numpy as np
    >>> model, stim = TagTriggerConsolidation(), [weak_tetanus(0, 1.0)]
    >>> fast = induction_events(model, stim)
    >>> ref = induction_events_stepwise(model, stim)
    >>> bool(np.allclose(fast.rho_h, ref.rho_h, atol=1e-6)
    ...      and np.allclose(fast.rho_l, ref.rho_l, atol=1e-6))
    True
    """
    steps, xs = _pulse_table(model, stimuli)
    n_p = model.n_pathways
    if steps.size == 0:
        return InductionEvents(steps, np.zeros((0, n_p)), np.zeros((0, n_p)), np.zeros(0))
    e_l, c = model.e_l_mv, model.c_pf
    jump = model.input_gain_mv * (model.n_synapses * model.baseline_weight() + model.w0)
    v, w, um, up = e_l, 0.0, e_l, e_l
    xbar = np.zeros(n_p)
    rho_h = np.zeros((steps.size, n_p))
    rho_l = np.zeros((steps.size, n_p))
    needed = np.zeros(steps.size)
    j = 0
    for t in range(int(steps[0]), int(steps[-1]) + 1):
        pulse = t == steps[j]
        x = xs[j] if pulse else np.zeros(n_p)
        if v == model.v_spike_mv:
            v, w = e_l, w + model.b_pa
        v += (-model.g_l_ns * (v - e_l)
              + model.g_l_ns * model.delta_t_mv * math.exp((v - model.v_t_mv)
                                                         / model.delta_t_mv) - w) / c
        if pulse:
            needed[j] = (model.v_peak_mv - v) / model.input_gain_mv - model.w0
            v += jump
        if v > model.v_peak_mv:
            v = model.v_spike_mv
        w += (model.a_ns * (v - e_l) - w) / model.tau_w_ms
        u_sig = max(v - model.theta_ltp_mv, 0.0)
        if pulse:
            rho_l[j] = model.a_ltd * x * max(um - model.theta_ltd_mv, 0.0)
            rho_h[j] = model.a_ltp * u_sig * xbar * max(up - model.theta_ltd_mv, 0.0)
        xbar += (x - xbar) / model.tau_x_ms
        um += (v - um) / model.tau_u_ltd_ms
        up += (v - up) / model.tau_u_ltp_ms
        if pulse:
            j += 1
    return InductionEvents(steps, rho_h, rho_l, needed)


# -- the slow dynamics and the stochastic tags -------------------------------------------


@dataclasses.dataclass(frozen=True)
class TaggingResult:
    """Recorded means, each (n_protocols, n_trials, n_times, n_pathways) unless noted.

    Examples
    --------
    A strong tetanus sets high tags on more than half of the synapses and triggers
    protein synthesis (values at 10 min, 2 neurons):

    >>> import numpy as np
    >>> model = TagTriggerConsolidation()
    >>> res = simulate_tagging(model, [Protocol("strong", (strong_tetanus(0, 60.0),))],
    ...                        t_start_s=0.0, t_stop_s=3600.0, n_trials=2,
    ...                        rng=np.random.default_rng(0), step_s=60.0, record_every=10)
    >>> res.t_s.tolist()
    [0.0, 600.0, 1200.0, 1800.0, 2400.0, 3000.0, 3600.0]
    >>> res.weight.shape, res.protein.shape
    ((1, 2, 7, 2), (1, 2, 7))
    >>> round(float(res.high[0, :, 1, 0].mean()), 3), bool(res.protein[0, :, 1].min() > 0.5)
    (0.58, True)
    """

    t_s: np.ndarray  #: (n_times,) recording times (s)
    weight: np.ndarray  #: mean weight of the pathway (units of w0)
    high: np.ndarray  #: fraction of synapses in the high state
    low: np.ndarray  #: fraction in the low state
    consolidated: np.ndarray  #: fraction with z > kappa
    protein: np.ndarray  #: (n_protocols, n_trials, n_times) protein p


def _factor_value(factor: SynthesisFactor | None, t: float, name: str) -> float:
    if factor is None:
        return 1.0
    value = float(np.asarray(factor(t), dtype=float))
    if not (math.isfinite(value) and value >= 0.0):
        raise ParameterError("synthesis_factor", f"must be finite and >= 0 ({name}, "
                             f"t = {t} s)", value)
    return value


def slow_step(model: TagTriggerConsolidation, p: np.ndarray, z: np.ndarray,
              drive: np.ndarray, synthesis: np.ndarray | float,
              dt_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Advance the protein ``p`` (shape B) and late phases ``z`` (shape B x n) by ``dt_s``.

    The tags are frozen: ``drive`` = gamma (h - l) (B x n), ``synthesis`` = s(t) times
    the trigger (B, or a number). ``p`` is exact (a linear ODE), ``z`` one classical
    Runge-Kutta step using the exact ``p`` at the stage times.

    Returns
    -------
    p, z : numpy.ndarray
        Protein and late phases after ``dt_s``.

    Examples
    --------
    Without protein the late phase relaxes to 0 or 1, away from ``kappa`` = 0.5:

    >>> import numpy as np
    >>> model = TagTriggerConsolidation()
    >>> p, z = slow_step(model, np.zeros(1), np.array([[0.0, 0.4, 0.6, 1.0]]),
    ...                  np.zeros((1, 4)), 0.0, 60.0)
    >>> p.tolist(), np.round(z, 3).tolist()
    ([0.0], [[0.0, 0.396, 0.604, 1.0]])

    With synthesis running, :math:`p` approaches 10/11 with the time constant
    :math:`(1/360 + 1/3600)^{-1}` s:

    >>> p, _ = slow_step(model, np.zeros(1), np.zeros((1, 1)), np.zeros((1, 1)), 1.0, 360.0)
    >>> round(float(p[0]), 4), round(float(10 / 11 * (1 - np.exp(-1.1))), 4)
    (0.6065, 0.6065)
    """
    c = np.asarray(synthesis, dtype=float) / model.tau_p_synthesis_s
    rate = c + 1.0 / model.tau_p_decay_s
    p_inf = c / rate
    p_half = p_inf + (p - p_inf) * np.exp(-rate * 0.5 * dt_s)
    p_end = p_inf + (p - p_inf) * np.exp(-rate * dt_s)

    def fz(zz: np.ndarray, pp: np.ndarray) -> np.ndarray:
        return (zz * (1.0 - zz) * (zz - model.kappa) + drive * pp[..., None]) / model.tau_z_s

    k1 = fz(z, np.asarray(p, dtype=float))
    k2 = fz(z + 0.5 * dt_s * k1, p_half)
    k3 = fz(z + 0.5 * dt_s * k2, p_half)
    k4 = fz(z + dt_s * k3, p_end)
    return p_end, z + (dt_s / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def _tagging_steps(t_start_s: float, t_stop_s: float, n_trials: int, step_s: float,
                   record_every: int) -> int:
    """The number of steps of :func:`simulate_tagging`, after checking its arguments."""
    if n_trials < 1:
        raise ParameterError("n_trials", "must be >= 1", n_trials)
    if not (math.isfinite(step_s) and step_s > 0):
        raise ParameterError("step_s", "must be a finite number > 0", step_s)
    if record_every < 1:
        raise ParameterError("record_every", "must be >= 1", record_every)
    if not t_stop_s > t_start_s:
        raise ParameterError("t_stop_s", "must be > t_start_s", t_stop_s)
    n_steps = round((t_stop_s - t_start_s) / step_s)
    if not math.isclose(n_steps * step_s, t_stop_s - t_start_s, rel_tol=1e-9):
        raise ParameterError("step_s", "must divide t_stop_s - t_start_s", step_s)
    return n_steps


_Event = tuple[float, int, np.ndarray, np.ndarray, np.ndarray, float]


def _merged_events(model: TagTriggerConsolidation, protocols: Sequence[Protocol],
                   t_start_s: float, t_stop_s: float) -> list[_Event]:
    """Induction events of every protocol, merged in time order (ties: protocol order).

    Each is (time s, protocol, rho_h and rho_l per pathway, stimulated pathways, summed
    weight needed to fire); a pulse outside ``[t_start_s, t_stop_s)`` is refused.
    """
    events: list[_Event] = []
    for c, prot in enumerate(protocols):
        ev = induction_events(model, prot.stimuli)
        _, xs = _pulse_table(model, prot.stimuli)
        for j in range(ev.step_ms.size):
            events.append((ev.step_ms[j] * 1e-3, c, ev.rho_h[j], ev.rho_l[j],
                           xs[j] > 0, ev.weight_needed[j]))
    events.sort(key=lambda e: (e[0], e[1]))
    for t_ev, *_ in events:
        if not t_start_s <= t_ev < t_stop_s:
            raise ParameterError("stimuli", f"pulse at {t_ev} s outside the simulated time "
                                 f"[{t_start_s}, {t_stop_s}) s", t_ev)
    return events


def simulate_tagging(model: TagTriggerConsolidation, protocols: Sequence[Protocol], *,
                     t_start_s: float, t_stop_s: float, n_trials: int,
                     rng: np.random.Generator, step_s: float = 10.0,
                     record_every: int = 6) -> TaggingResult:
    """Simulate ``n_trials`` independent neurons per protocol.

    The run goes from ``t_start_s`` to ``t_stop_s`` (s), recording every
    ``record_every`` steps of ``step_s``.

    Each protocol draws from its own child stream of ``rng`` (``rng.spawn``), so its
    trials do not depend on the other protocols, and the random numbers drawn do not
    depend on ``step_s`` (the tags come out identical for any step). A protocol's
    ``synthesis_factor`` is sampled at the step midpoints, so drug windows must be long
    against ``step_s``.

    Parameters
    ----------
    model
        The model.
    protocols
        The conditions, simulated side by side.
    t_start_s, t_stop_s
        Simulated time (s); every pulse must fall inside it.
    n_trials
        Independent neurons per protocol.
    rng
        Generator (e.g. :func:`engramlab.core.make_rng`); spawned, one stream per
        protocol.
    step_s
        Step of the protein and late-phase dynamics (s); must divide the simulated time.
    record_every
        Record every this many steps.

    Returns
    -------
    TaggingResult
        Means over each pathway's synapses, per protocol, trial and recording time.

    Examples
    --------
    Late LTP needs protein synthesis: blocked for 3 h (anisomycin), the strong tetanus
    leaves no consolidated synapses and the weight returns to baseline (1.6) within 4 h:

    >>> import numpy as np
    >>> model = TagTriggerConsolidation()
    >>> strong = Protocol("strong", (strong_tetanus(0, 60.0),))
    >>> aniso = Protocol("strong + anisomycin", (strong_tetanus(0, 60.0),),
    ...                  synthesis_factor=lambda t_s: np.where(t_s < 3 * 3600.0, 0.0, 1.0))
    >>> res = simulate_tagging(model, [strong, aniso], t_start_s=0.0, t_stop_s=4 * 3600.0,
    ...                        n_trials=4, rng=np.random.default_rng(0), step_s=60.0,
    ...                        record_every=30)
    >>> np.round(res.weight[:, :, -1, 0].mean(axis=1), 3).tolist()
    [2.017, 1.601]
    >>> np.round(res.consolidated[:, :, -1, 0].mean(axis=1), 3).tolist()
    [0.508, 0.3]
    """
    n_steps = _tagging_steps(t_start_s, t_stop_s, n_trials, step_s, record_every)
    n_prot, n_syn, n_p = len(protocols), model.n_synapses, model.n_pathways
    n_all = n_p * n_syn
    path_of = np.repeat(np.arange(n_p), n_syn)
    rngs = rng.spawn(n_prot)
    n_rec = n_steps // record_every + 1

    # Tags: a synapse is high while t < h_end (l_end for low); -inf = never set.
    h_end = np.full((n_prot, n_trials, n_all), -np.inf)
    l_end = np.full((n_prot, n_trials, n_all), -np.inf)
    k_up = int(model.initial_up_fraction * n_syn)
    z: np.ndarray = np.zeros((n_prot, n_trials, n_p, n_syn))  # reshaped to 3-D below
    for c in range(n_prot):
        order = rngs[c].random((n_trials, n_p, n_syn)).argsort(axis=-1)
        z[c] = (order < k_up).astype(float)
    z = z.reshape(n_prot, n_trials, n_all)
    p = np.zeros((n_prot, n_trials))

    events = _merged_events(model, protocols, t_start_s, t_stop_s)
    i_ev = 0

    def apply_events(until: float) -> None:
        nonlocal i_ev
        while i_ev < len(events) and events[i_ev][0] <= until:
            t_ev, c, rh, rl, stim, needed = events[i_ev]
            i_ev += 1
            hi_c = t_ev < h_end[c]
            lo_c = t_ev < l_end[c]
            # The voltage trace assumes that the pulse fires the neuron (module docstring).
            w_c = (model.w0 + model.g_h * hi_c - model.g_l * lo_c + model.g_z * z[c])
            w_sum = w_c.reshape(n_trials, n_p, n_syn).sum(-1)[:, stim]
            if np.any(w_sum < needed):
                raise SimulationError("weight", i_ev, f"a pulse at {t_ev} s would not fire "
                                      "the neuron (summed pathway weight too small)")
            if not (np.any(rh > 0) or np.any(rl > 0)):
                continue
            g = rngs[c]
            neutral = ~hi_c & ~lo_c
            h_first = g.random(n_trials) < 0.5
            uh = g.random((n_trials, n_all))
            ul = g.random((n_trials, n_all))
            life_h = g.exponential(model.tau_h_s, (n_trials, n_all))
            life_l = g.exponential(model.tau_l_s, (n_trials, n_all))
            jump_h = uh < rh[path_of]
            jump_l = ul < rl[path_of]
            go_h = neutral & jump_h & (h_first[:, None] | ~jump_l)
            go_l = neutral & jump_l & (~h_first[:, None] | ~jump_h)
            h_end[c] = np.where(go_h, t_ev + life_h, h_end[c])
            l_end[c] = np.where(go_l, t_ev + life_l, l_end[c])

    rec = {k: np.zeros((n_prot, n_trials, n_rec, n_p))
           for k in ("weight", "high", "low", "consolidated")}
    rec_p = np.zeros((n_prot, n_trials, n_rec))
    t_rec = t_start_s + step_s * record_every * np.arange(n_rec)

    def record(i: int, t: float) -> None:
        hi = (t < h_end).astype(float)
        lo = (t < l_end).astype(float)
        w = model.w0 + model.g_h * hi - model.g_l * lo + model.g_z * z
        shape = (n_prot, n_trials, n_p, n_syn)
        rec["weight"][:, :, i] = w.reshape(shape).mean(-1)
        rec["high"][:, :, i] = hi.reshape(shape).mean(-1)
        rec["low"][:, :, i] = lo.reshape(shape).mean(-1)
        rec["consolidated"][:, :, i] = (z > model.kappa).reshape(shape).mean(-1)
        rec_p[:, :, i] = p

    dt = step_s

    for k in range(n_steps + 1):
        t0 = t_start_s + k * dt
        apply_events(t0)
        if k % record_every == 0:
            record(k // record_every, t0)
        if k == n_steps:
            break
        mid = t0 + 0.5 * dt
        apply_events(mid)
        hi = (mid < h_end)
        lo = (mid < l_end)
        n_tags = hi.sum(-1) + lo.sum(-1)
        s = np.array([_factor_value(pr.synthesis_factor, mid, pr.name) for pr in protocols])
        synthesis = s[:, None] * (n_tags > model.theta_p)
        drive = model.gamma * (hi.astype(float) - lo.astype(float))
        p, z = slow_step(model, p, z, drive, synthesis, dt)
        if not np.all(np.isfinite(z)):
            raise SimulationError("z", k, "non-finite late-phase variable")
    return TaggingResult(t_rec, rec["weight"], rec["high"], rec["low"],
                         rec["consolidated"], rec_p)
