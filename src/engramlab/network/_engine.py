r"""The time loop of the network engine: typed tables in, one stage function per step.

One call of :func:`advance` runs ``n_steps`` steps of the whole network. The network is
a :class:`Net` of tables (NamedTuples of flat arrays, built by
:mod:`engramlab.network._build`; this module knows no Python objects): :class:`Pops`
(one row per population), :class:`Chans` (one row per receptor channel, and the
channels' state), :class:`Units` (one entry per neuron), :class:`Proj` (projections,
their CSR synapse tables and short-term plasticity), :class:`Stdp` (trace rules
compiled into the loop), :class:`Drive` (external Poisson inputs, scheduled spikes) and
:class:`Work` (scratch). What a call returns goes to an :class:`Out` table. Columns of
2-D tables are named by the integer constants below (``PAR_*``, ``LIF_*``, ...).

Per step ``t`` (time :math:`t\,\Delta t` to :math:`(t+1)\,\Delta t`), stage by stage
(:func:`_advance`):

1. the spikes of spike sources due now are sent (:func:`_scheduled_spikes`);
2. population by population, in order: a Poisson source draws its spikes
   (:func:`_poisson_source`); a neuron population steps (:func:`_neuron_step`): the
   ring-buffer slot ``t mod D`` arrives on its synaptic channels, a ``delta`` channel
   jumps the membrane potential of non-refractory neurons (:func:`_arrivals`), the
   external Poisson inputs draw their counts (:func:`_poisson_inputs`), the population
   integrates one step, one function per neuron kind (:func:`_lif_exact`,
   :func:`_lif_conductance`, :func:`_adex`, :func:`_hh`; a neuron reaching threshold
   spikes, is reset and enters its refractory period) and its channels decay exactly
   over the step (:func:`_decay`). For exponential Euler (LIF with conductances,
   AdEx) the channels' arrivals, inputs, share of the frozen totals and decay run in
   one pass per channel before the integration (:func:`_channel_step`), which reads
   only the totals: the same operations in the same order;
3. then the population's spikes, in unit order (:func:`_emit_all`, :func:`_emit`), are
   counted, written out if the population is recorded (:attr:`Out.rec_pop`), and sent
   through the CSR rows of its outgoing projections into slot ``(t + d) mod D``
   (``d >= 1`` steps of delay), scaled by Tsodyks-Markram ``u x`` where the projection
   has short-term plasticity (:func:`_deliver`, :func:`_release`), and update the
   compiled plasticity rules (:func:`_deliver_plastic`, :func:`_potentiate`,
   :func:`_deliver_coincidence`); a spike only writes future slots, weights and traces,
   none of which the rest of its step reads. A population without short-term
   plasticity or trace rules sends its spikes in one pass (:func:`_emit_all`): a 500-Hz
   input train onto every neuron is 200 spikes per step in a network of 4000;
4. the gates of the dense projections integrate over the step and take the spikes
   due (:func:`_gate_update`), and set the gated channels for the next step
   (:func:`_gate_deliver`: a sum, a circular convolution by FFT or a matrix product);
5. the sampled state variables are recorded (:func:`_record`);
6. every ``CHECK_EVERY`` steps, and after the last step of the call, every integrated
   state variable is checked for non-finite values (:func:`_state_finite`): membrane
   potentials, AdEx ``w`` and the HH gates, the channels' currents, conductances and
   rise variables (NMDA included), the pending arrivals of the delay buffer, the
   short-term plasticity state, the STDP traces and the plastic weights. A membrane
   potential is also checked at every step as it is integrated (beyond ``V_LIMIT``:
   divergence).

A LIF population with white noise (``Population.noise_sd_mv`` :math:`= \sigma`) adds
:math:`\sigma\sqrt{1 - e^{-2\Delta t/\tau_m}}\, z` to each neuron's potential every
step (:func:`_normals`: Box-Muller on the counter-based uniforms), the exact update of
the Ornstein-Uhlenbeck process :math:`\tau_m dV = -(V - E_L) dt + \sigma
\sqrt{2\tau_m} dW`, so that the free membrane has stationary sd :math:`\sigma`.

Short-term plasticity (:func:`_release`): per presynaptic unit and projection, the
resources :math:`x` recover to 1 with :math:`\tau_{rec}` and the utilisation
:math:`u` relaxes with :math:`\tau_F` to its baseline (0, Markram et al. 1998; or
:math:`U`, Mongillo et al. 2008: :attr:`Proj.stp_base`), exactly between spikes; at a
spike :math:`u \leftarrow u + U(1 - u)`, the release is :math:`u x`, then
:math:`x \leftarrow x - u x`.

A spike is time-stamped :math:`t\,\Delta t` (the start of the step in which threshold
was crossed) and acts on its targets from :math:`(t + d)\,\Delta t`.

Models, with :math:`I_s` the synaptic currents and :math:`g_s` the conductances (times
:math:`B(V)` for Mg2+-blocked channels,
:func:`~engramlab.synapses.receptors.mg_unblocked_fraction`) at the start of the step:

LIF, only current / delta inputs (exact; Rotter & Diesmann 1999):
    :math:`V' = E_L + (V - E_L) e^{-\Delta t/\tau_m} + \sum_s P_{21,s} I_s
    + I_b (1 - e^{-\Delta t/\tau_m}) / g_L`, with
    :math:`P_{21,s} = \frac{\tau_m \tau_s}{C (\tau_s - \tau_m)}
    (e^{-\Delta t/\tau_s} - e^{-\Delta t/\tau_m})`.
LIF with conductances (exponential Euler, exact for frozen conductances):
    :math:`G = g_L + \sum g_s`, :math:`V_\infty = (g_L E_L + \sum g_s E_s + I)/G`,
    :math:`V' = V_\infty + (V - V_\infty) e^{-\Delta t\, G / C}`.
AdEx (Brette & Gerstner 2005): the same exponential Euler with the spike current
    :math:`g_L \Delta_T e^{(V - V_T)/\Delta_T}` and :math:`-w` frozen over the step;
    :math:`w' = a(V - E_L) + (w - a(V - E_L)) e^{-\Delta t/\tau_w}`; at
    :math:`V \ge V_{peak}`: :math:`V \leftarrow V_r`, :math:`w \leftarrow w + b`.
Hodgkin-Huxley: gates exact for frozen V (the rates and the gate update of
    :mod:`engramlab.neurons.hh`), then V by exponential Euler with the total
    conductance; a spike is an upward crossing of ``v_spike``.

Long-term plasticity (trace rules: pair and triplet STDP,
:class:`~engramlab.plasticity.stdp.TraceRule`) runs inside the loop, event by event: a
presynaptic spike is sent with the current weight and then depresses each synapse it
used by :math:`s_-(w)\, o_1 (a_{2-} + a_{3-} r_2)`; a postsynaptic spike potentiates
each plastic synapse onto the neuron (a CSC table per projection) by
:math:`s_+(w)\, r_1 (a_{2+} + a_{3+} o_2)`; weights are clipped to the rule's bounds.
Each neuron keeps its two traces as they were just before its last spike and the step
of that spike; a trace is read as that value plus the jump, decayed exactly
(:math:`e^{-(t - t_l)\Delta t/\tau}`), or as the stored value for a spike in the same
step, so simultaneous pre and post spikes do not interact. Within a step, spikes are
processed in population order. With plasticity off (a phase), traces still follow the
spikes and weights stay exactly as they are.

The input-coincidence rule of Vlachos et al. 2011
(:class:`~engramlab.network.CoincidenceRule`) runs in the loop too, event by event on
the arrivals of its two inputs: each postsynaptic neuron keeps a cue trace :math:`c`
and a context trace :math:`h` (:math:`\dot c = -c/\tau_c`, jump :math:`c_u` at a cue
spike; :math:`\dot h = -h/\tau_h`, jump :math:`h_u` at a context spike), read exactly
as the value after the last jump decayed, and the steps of its last cue and context
spikes. At every cue or context spike onto it (after the jump), while learning, both
its cue weight and its context weight move:

.. math::

    w \leftarrow w + \alpha_1 h c (w_{max} - w) \ \text{if}\ |t_{cue} - t_{ctx}|
    < T_w, \qquad w \leftarrow w - \alpha_2 c (w - w_{min}) \ \text{otherwise}

(never crossing the bound approached); the spike is then sent with its new weight.
With plasticity off the traces and arrival times still follow the spikes.

Poisson sources draw, per step and population, :math:`K \sim
\mathrm{Poisson}(n\lambda)` spikes with :math:`\lambda = -\ln(1 - r\Delta t)` and put
each on a unit drawn uniformly (Poisson splitting: every unit gets an independent
Poisson(:math:`\lambda`) count; a unit drawn twice spikes once, so a unit spikes in a
step with probability exactly :math:`r \Delta t`); above :math:`n\lambda` = 30 they
draw one uniform per unit instead.

A Poisson input with a mean count up to 30 per unit and step is drawn by inversion of
one uniform per unit against the cumulative Poisson sums, computed once per input and
step (the same sums, in the same order, as :func:`_poisson` computes per unit: the same
counts).

Randomness (Poisson inputs and sources) is counter-based: the uniform for unit ``i`` at
step ``t`` of stream ``key`` is a SplitMix64 hash of ``(key, t, i)``. There is no
generator state to carry, so a snapshot / restore continues with the same numbers.

Every function here is plain Python on arrays and scalars. :func:`advance` runs them
compiled by Numba (:mod:`engramlab.network._compile`: once per CPU, cached on disk),
or, with ``ENGRAMLAB_NO_NUMBA=1``, as the Python they are (slow; bit for bit the same
results).
"""

from __future__ import annotations

import math
import os
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from engramlab.neurons.hh import hh_gate_step, hh_rates_with, vtrap_scalar
from engramlab.synapses.receptors import mg_unblocked_fraction

__all__ = [
    "CHECK_EVERY",
    "ERR_NONE",
    "ERR_NONFINITE",
    "ERR_STATE",
    "V_LIMIT",
    "Chans",
    "Drive",
    "Gates",
    "Net",
    "Out",
    "Pops",
    "Proj",
    "Stdp",
    "Units",
    "Work",
    "advance",
    "compiled",
    "engine_name",
    "uniform_np",
]

I1 = npt.NDArray[np.int8]
I4 = npt.NDArray[np.int32]
I8 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint64]
F8 = npt.NDArray[np.float64]
C16 = npt.NDArray[np.complex128]

# --- codes and named columns ------------------------------------------------------

#: Population kinds (:attr:`Pops.kind`).
K_LIF, K_ADEX, K_HH, K_POISSON, K_SCHEDULED = 0, 1, 2, 10, 11
#: Channel kinds (:attr:`Chans.kind`).
C_DELTA, C_CURRENT, C_COND = 0, 1, 2
#: Gate kinds (:attr:`Gates.kind`): single exponential, linear bi-exponential,
#: saturating two-stage (x, s).
G_EXP, G_BIEXP, G_SAT = 0, 1, 2
#: Dense row modes (:attr:`Gates.d_mode`): uniform, ring (FFT), explicit matrix.
D_UNIFORM, D_RING, D_MATRIX = 0, 1, 2

#: Columns of :attr:`Pops.par`, shared by every neuron model: capacitance (pF; HH:
#: uF/cm2), leak conductance (nS; HH: mS/cm2), leak reversal (mV).
PAR_C, PAR_GL, PAR_EL = 0, 1, 2
#: LIF: threshold, reset, exp(-dt / tau_m), (1 - exp(-dt / tau_m)) / g_L, and the
#: white-noise amplitude per step sigma sqrt(1 - exp(-2 dt / tau_m)) (mV; 0: none).
LIF_VTH, LIF_VRESET, LIF_P22, LIF_PBIAS, LIF_NOISE = 3, 4, 5, 6, 7
#: AdEx: V_T, Delta_T, exp(-dt / tau_w), a, b, reset, V_peak.
ADEX_VT, ADEX_DT, ADEX_WDECAY, ADEX_A, ADEX_B, ADEX_VRESET, ADEX_VPEAK = 3, 4, 5, 6, 7, 8, 9
#: HH: g_Na, g_K, E_Na, E_K, spike detection level, pA -> uA/cm2.
HH_GNA, HH_GK, HH_ENA, HH_EK, HH_VSPIKE, HH_SCALE = 3, 4, 5, 6, 7, 8
#: Width of :attr:`Pops.par`.
N_PAR = 10
#: AdEx: cap of the argument of the spike-current exponential (no overflow).
ADEX_EXP_CAP = 30.0

#: :attr:`Out.rec_var` codes: the unit's v, a1, a2, a3; ``REC_CHANNEL``: the channel
#: state (g) at slot ``rec_unit``.
REC_V, REC_A1, REC_A2, REC_A3, REC_CHANNEL = 0, 1, 2, 3, 100

#: :attr:`Out.status` entries: spikes written, samples written, error code, error step,
#: error unit (``ERR_NONFINITE``), the last step after which the state was checked and
#: found finite (``ERR_STATE``; ``t0 - 1`` if no check of the call passed).
ST_SPIKES, ST_SAMPLES, ST_ERROR, ST_ERR_STEP, ST_ERR_UNIT, ST_ERR_CLEAN = 0, 1, 2, 3, 4, 5
N_STATUS = 6
ERR_NONE = 0
#: A membrane potential non-finite or beyond ``V_LIMIT`` (exact step and unit).
ERR_NONFINITE = 1
#: Another integrated state variable non-finite (found by :func:`_state_finite`; which
#: one, where, is found afterwards by the caller).
ERR_STATE = 2
V_LIMIT = 1.0e4  # |V| beyond this (mV) is divergence
#: The whole integrated state is checked for non-finite values after every step ``t``
#: with ``(t + 1) % CHECK_EVERY == 0`` and after the last step of each call
#: (:func:`_state_finite`: one pass over the state, ~1/100 of a step's work).
CHECK_EVERY = 100
#: :func:`_finite`: the exponent bits of a float64, and its block length.
_EXP_BITS = np.int64(0x7FF0000000000000)
_FINITE_BLOCK = 4096
#: :func:`_counts`: units per block.
_COUNT_BLOCK = 256

#: :attr:`Stdp.mode`: no compiled rule, learning, traces only (weights frozen).
PL_NONE, PL_LEARN, PL_FROZEN = 0, 1, 2
#: :attr:`Stdp.soft` of a row with the input-coincidence rule (Vlachos et al. 2011) on
#: a cue (CS) or on a context projection (trace rules: 0 additive, 1 multiplicative).
RULE_CUE, RULE_CONTEXT = 2, 3


# --- the tables -------------------------------------------------------------------

class Pops(NamedTuple):
    """One row per population."""

    kind: I8       # K_* code
    start: I8      # first unit (global index)
    stop: I8       # one past the last unit
    ch0: I8        # first channel row
    ch1: I8        # one past the last channel row
    cond: I8       # 1: exponential Euler (conductances, bi-exponential or conductance stimuli)
    ref_steps: I8  # refractory period (steps)
    key: U8        # random stream of a Poisson source, or of a LIF population's noise
    prob: F8       # Poisson source: spike probability per step (phases scale it)
    par: F8        # (P, N_PAR) model parameters, columns PAR_* and LIF_* / ADEX_* / HH_*


class Chans(NamedTuple):
    """One row per receptor channel; a channel has one state slot per unit of its
    population, slots ``off .. off + n``."""

    kind: I8       # C_* code
    off: I8        # first slot
    mg: I8         # 1: Mg2+-blocked conductance
    decay: F8      # exp(-dt / tau_decay)
    rise: F8       # exp(-dt / tau_rise); 0: single exponential
    coef: F8       # bi-exponential: weight of h in g after one step
    norm: F8       # bi-exponential: peak normalisation (1 otherwise)
    e_rev: F8      # reversal potential (mV)
    mg_mm: F8      # [Mg2+] (mM)
    p21: F8        # LIF current channel: its exact propagator onto V
    scale: F8      # receptor scaling (stimuli, drugs); 1 by default
    gated: I8      # 1: set every step by dense projections (no arrivals, no decay)
    g: F8          # per slot: conductance (nS) or current (pA)
    h: F8          # per slot: rise variable of a bi-exponential channel
    buf: F8        # (D, S) ring buffer of arrivals: row t mod D arrives at step t
    flat: F8       # the same buffer as one row (a view)


class Units(NamedTuple):
    """One entry per unit (neurons and sources, all populations)."""

    v: F8          # membrane potential (mV)
    a1: F8         # AdEx w (pA) / HH m
    a2: F8         # HH h
    a3: F8         # HH n
    refr: I4       # refractory steps left; -1: removed (lesioned)
    flag: I1       # HH: above v_spike; Poisson source: drawn this step
    ibias: F8      # bias and stimulus current (pA)
    gs: F8         # stimulus conductance (nS)
    gse: F8        # stimulus conductance times its reversal (nS mV)


class Proj(NamedTuple):
    """Projections (rows grouped by presynaptic population), their synapses (CSR by
    presynaptic unit) and short-term plasticity (one state per presynaptic unit)."""

    first: I8      # per population: first projection it sends
    last: I8       # per population: one past its last
    pre_start: I8  # first unit of the presynaptic population
    off: I8        # first slot of the target channel
    syn0: I8       # first synapse
    row0: I8       # first CSR row pointer
    stp0: I8       # first STP state; -1: no STP
    stp_U: F8      # Tsodyks-Markram U
    stp_rec: F8    # tau_rec (ms)
    stp_fac: F8    # tau_fac (ms); 0: no facilitation
    stp_base: F8   # the value u relaxes to between spikes: 0 (Markram 1998) or U (Mongillo 2008)
    iptr: I8       # CSR row pointers (per projection, local)
    post: I4       # per synapse: target unit (local to its population)
    dly: I4        # per synapse: delay (steps, >= 1)
    w: F8          # per synapse: weight
    stp_u: F8      # per STP state: u
    stp_x: F8      # per STP state: x
    stp_last: I8   # per STP state: step of the last spike; -1: none


class Stdp(NamedTuple):
    """Rules compiled into the loop: one row per projection (``mode`` 0 where it has
    none). Trace rules: the rows grouped by postsynaptic population, a CSC table of
    their synapses, and the traces.

    A row with the input-coincidence rule (``soft`` RULE_CUE or RULE_CONTEXT) uses the
    same columns, so that the table (passed with every spike) is no wider: ``dr1`` dt /
    tau_c, ``do1`` dt / tau_h, ``a3p`` c_u, ``a3m`` h_u, ``a2p`` alpha_1, ``a2m``
    alpha_2, ``do2`` the window (steps), ``w_min``, ``w_max``. Each postsynaptic neuron
    ``j`` of the rule has trace row ``post0 + j`` (= ``pre0 + j``): its cue trace c
    just after its last jump in ``tr_post[., 0]`` and the step of that cue arrival in
    ``tr_post_t``, its context trace h in ``tr_pre[., 0]`` and its last context arrival
    in ``tr_pre_t`` (-1: none); its cue and context synapses (global index, -1: none)
    are ``cidx[col0 + 2 j]`` and ``cidx[col0 + 2 j + 1]``. The rows are not in
    ``rows`` (a postsynaptic spike does nothing)."""

    mode: I8       # PL_* code
    pre0: I8       # first presynaptic trace row
    post0: I8      # first postsynaptic trace row
    col0: I8       # first CSC column pointer
    post_start: I8 # first unit of the postsynaptic population
    dr1: F8        # dt / tau_r1 (presynaptic traces)
    dr2: F8        # dt / tau_r2
    do1: F8        # dt / tau_o1 (postsynaptic traces)
    do2: F8        # dt / tau_o2
    a2p: F8        # pair potentiation amplitude
    a3p: F8        # triplet potentiation amplitude
    a2m: F8        # pair depression amplitude
    a3m: F8        # triplet depression amplitude
    w_min: F8
    w_max: F8
    soft: I8       # 1: multiplicative bounds
    nearest: I8    # 1: nearest-spike pairing
    first: I8      # per population: first of its rows in ``rows``
    last: I8       # per population: one past its last
    rows: I8       # projections with a rule, by postsynaptic population
    cptr: I8       # CSC column pointers
    cidx: I8       # CSC: global synapse index
    syn_pre: I4    # per synapse: presynaptic unit (local)
    tr_pre: F8     # (n, 2) presynaptic traces just before the last spike
    tr_pre_t: I8   # step of that spike; -1: none
    tr_post: F8    # (n, 2) postsynaptic traces
    tr_post_t: I8


class Drive(NamedTuple):
    """External Poisson inputs (rows grouped by target population) and the spikes of
    spike sources (sorted by step)."""

    first: I8      # per population: its first input
    last: I8       # per population: one past its last
    chan: I8       # per input: target channel
    lam: F8        # per input: mean count per unit and step (phases scale it)
    weight: F8     # per input: weight of one input spike
    key: U8        # per input: random stream
    sch_step: I8   # scheduled spikes: step
    sch_unit: I8   # scheduled spikes: unit
    sch_pop: I8    # scheduled spikes: population of the unit
    sch_ptr: I8    # [0]: the next scheduled spike


class Work(NamedTuple):
    """Scratch for one population (length: the largest population; ``cdf`` and
    ``cdf_lam``: one row per Poisson input)."""

    spiked: I8     # the units that spiked in this step, in order
    dv: F8         # delta-channel jumps
    vnew: F8       # exact LIF: the new potential
    vpre: F8       # exponential Euler: V after the jumps
    gtot: F8       # exponential Euler: total conductance
    itot: F8       # exponential Euler: total current
    bits: I8       # exponential Euler: the bits of 2^k (:func:`_exps`)
    cdf: F8        # Poisson inputs: per input, the cumulative sums of its count's law
    cdf_lam: F8    # Poisson inputs: per input, the mean those sums are for (NaN: none)
    kin: F8        # Poisson inputs: (inputs of a population, units) counts kept for
                   # exponential Euler's pass over each channel (:func:`_channel_step`)


class Gates(NamedTuple):
    """Presynaptic gating of the dense projections (:class:`~engramlab.network.Dense`).

    One gate per (presynaptic population, receptor kinetics), its state one value per
    presynaptic neuron; one dense row per dense projection; the gated channels (every
    channel a dense projection targets) are set from the gates after each step's
    update of the gates (:func:`_gate_update`, :func:`_gate_deliver`)."""

    pop: I8        # per gate: presynaptic population
    kind: I8       # per gate: G_* code
    off: I8        # per gate: first entry of s / x / pend
    ed: F8         # per gate: exp(-dt / tau_decay)
    er: F8         # per gate: exp(-dt / tau_rise) (linear bi-exponential; saturating: x)
    coef: F8       # per gate: bi-exponential coupling of x into s over one step
    norm: F8       # per gate: bi-exponential peak normalisation
    alpha: F8      # per gate: saturation rate alpha (1/ms)
    xmid: F8       # per gate: exp(-dt / (2 tau_rise)): x at mid-step
    s: F8          # per presynaptic neuron: gating variable s
    x: F8          # per presynaptic neuron: rise variable (x, or h of a bi-exponential)
    pend: F8       # (D, n) spikes still on their way: row t mod D is added after step t
    dly: I8        # per gate: delay (steps, >= 1) of its spikes onto the gates
    inv_tau: F8    # per gate: 1 / tau_decay (1/ms)
    first: I8      # per population: its first gate
    last: I8       # per population: one past its last
    chans: I8      # the gated channels
    chan_n: I8     # per gated channel: its number of slots (the population's size)
    d_gate: I8     # per dense row: its gate
    d_chan: I8     # per dense row: the target channel
    d_npost: I8    # per dense row: neurons of the postsynaptic population
    d_mode: I8     # per dense row: D_* code
    d_w: F8        # per dense row: weight (the receptor's unit)
    d_k0: I8       # per dense row: first entry of its kernel in ``kern`` / ``mat``
    kern: C16      # ring rows: the real FFT of the profile J at offsets 0 .. n-1
    mat: F8        # matrix rows: W, (n_post, n_pre) row-major


class Net(NamedTuple):
    """The whole network as the loop sees it."""

    dt: float
    pops: Pops
    chans: Chans
    units: Units
    proj: Proj
    stdp: Stdp
    drive: Drive
    work: Work
    gates: Gates


class Out(NamedTuple):
    """What one call of :func:`advance` returns (status counts continue within a call)."""

    spk_t: I8      # spike steps
    spk_i: I4      # spike units
    counts: I4     # (steps, P) spikes per step and population
    rec_unit: I8   # sampled units (or channel slots)
    rec_var: I8    # REC_* code per sampled column
    rec_every: int # sample after every step t with (t + 1) % rec_every == 0
    rec_out: F8    # (samples, columns)
    status: I8     # ST_* entries
    rec_pop: I1    # per population: 1 if its spikes are written to spk_t / spk_i


# --- counter-based random numbers ---------------------------------------------------

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_ODD = np.uint64(0xD1B54A32D192ED03)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TWO53 = 1.0 / 9007199254740992.0


def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def _uniform(key, t, i):
    """Uniform in [0, 1) for (stream ``key``, step ``t``, unit ``i``)."""
    z = _mix(key + np.uint64(t) * _GOLDEN)
    z = _mix(z ^ (np.uint64(i) * _ODD + _GOLDEN))
    return float(z >> _S11) * _TWO53


def _uniforms(key, t, n, out):
    """``out[i] = _uniform(key, t, i)`` for ``i < n``, the same numbers bit for bit: the
    step's half of the hash is computed once, and the loop has no branch, so that it runs
    in vector registers (measured: 4000 uniforms in ~2 us here, against ~25 us one by
    one inside the count's search)."""
    z0 = _mix(key + np.uint64(t) * _GOLDEN)
    for i in range(n):
        z = _mix(z0 ^ (np.uint64(i) * _ODD + _GOLDEN))
        out[i] = float(z >> _S11) * _TWO53


def _poisson(lam, emlam, key, t, i):
    """Poisson count with mean ``lam`` (``emlam`` = exp(-lam)) by inversion of one
    uniform; above a mean of 30, the normal approximation (two uniforms)."""
    if lam <= 0.0:
        return 0
    if lam > 30.0:
        u1 = _uniform(key, t, 2 * i)
        u2 = _uniform(key, t, 2 * i + 1)
        z = math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)
        k = math.floor(lam + math.sqrt(lam) * z + 0.5)
        return k if k > 0 else 0
    u = _uniform(key, t, i)
    p = emlam
    s = p
    k = 0
    while u > s and k < 200:
        k += 1
        p *= lam / k
        s += p
    return k


def _exp(x):
    """The scalar exponential handed to the components' shared formulas."""
    return math.exp(x)


#: :func:`_exps`: Cody-Waite reduction by ln 2 (ln 2 split into a high part with 32
#: significant bits and the rest: the classic fdlibm split), and the Taylor series of
#: e^r to r^13 / 13! (the first term left out is below 2^-60 for |r| <= ln 2 / 2).
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.4426950408889634
_ROUND = 6755399441055744.0  # 1.5 * 2^52: x + _ROUND - _ROUND rounds x to an integer
_EXP_TAYLOR = np.array([1.0 / math.factorial(k) for k in range(14)])
#: :func:`_exps` clamps its arguments to [_EXP_LO, _EXP_HI] (e^_EXP_LO is a normal
#: number: 3.3e-308; e^_EXP_HI is finite: 8.2e307).
_EXP_LO = -708.0
_EXP_HI = 709.0


def _exps(x, n, bits):
    r"""``x[i] = e^x[i]`` for ``i < n``, in place, within 1 ulp of ``math.exp`` (the
    tests: at most 1 ulp apart over 2 x 10^6 arguments; ~10 % of them differ in the
    last bit), for arguments in [-708, 709] (outside, the bound's value; NaN stays NaN).

    :math:`e^x = 2^k e^r` with :math:`k = \mathrm{round}(x / \ln 2)`,
    :math:`r = x - k \ln 2` (:math:`|r| \le \ln 2 / 2`), :math:`e^r` by Horner's rule
    on its Taylor series, :math:`2^k` written as the bits of a double (``bits``:
    integer scratch). Without a branch or a library call, the loop runs in vector
    registers: ~1.3 ns per exponential here, against ~4.9 ns for ``math.exp`` one
    by one (glibc; Numba cannot vectorise it), which was most of the time of a
    conductance LIF's step. Why not SVML: Numba uses it only where Intel's runtime is
    installed, and the numbers would then depend on the machine."""
    c = _EXP_TAYLOR
    for i in range(n):
        x[i], bits[i] = _exp_parts(x[i], c)
    scale = bits.view(np.float64)
    for i in range(n):
        x[i] *= scale[i]


def _exp_parts(x, c):
    """:func:`_exps` of one argument ``x`` in two parts: :math:`e^r` and the bits of
    :math:`2^k` (``c``: the Taylor coefficients, ``_EXP_TAYLOR``)."""
    xi = min(max(x, _EXP_LO), _EXP_HI)
    kd = (xi * _INV_LN2 + _ROUND) - _ROUND
    r = (xi - kd * _LN2_HI) - kd * _LN2_LO
    q = c[13]
    for m in range(12, -1, -1):
        q = q * r + c[m]
    return q, (np.int64(kd) + np.int64(1023)) << np.int64(52)


def _normals(key, t, n_p, out):
    """``n_p`` standard normals for (stream ``key``, step ``t``) into ``out``: Box-Muller
    on the counter-based uniforms of pairs ``(2m, 2m + 1)``, both outputs used."""
    for m in range(0, n_p, 2):
        u1 = _uniform(key, t, m)
        u2 = _uniform(key, t, m + 1)
        r = math.sqrt(-2.0 * math.log(1.0 - u1))
        out[m] = r * math.cos(2.0 * math.pi * u2)
        if m + 1 < n_p:
            out[m + 1] = r * math.sin(2.0 * math.pi * u2)


# --- spikes: sending, short-term and long-term plasticity ---------------------------

def _trace(tb, tt, i, t, decay, nearest, col):
    """Trace ``col`` of unit ``i`` at step ``t``, just before a spike at ``t``: ``tb``
    holds each trace just before the unit's last spike (at step ``tt``; -1: never),
    ``decay`` is dt / tau."""
    tl = tt[i]
    if tl < 0:
        return 0.0
    if tl == t:
        return tb[i, col]
    after = 1.0 if nearest else tb[i, col] + 1.0
    return after * math.exp(-(t - tl) * decay)


def _jump(tb, tt, i, t, decay1, decay2, nearest):
    """Unit ``i`` spikes at step ``t``: keep its two traces as of just before."""
    if tt[i] != t:
        b1 = _trace(tb, tt, i, t, decay1, nearest, 0)
        b2 = _trace(tb, tt, i, t, decay2, nearest, 1)
        tb[i, 0] = b1
        tb[i, 1] = b2
        tt[i] = t


def _potentiate(j, p, t, w, sd):
    """Unit ``j`` of population ``p`` spiked: potentiate its plastic inputs (the
    trace rule of :class:`~engramlab.plasticity.stdp.TraceRule`), then its traces."""
    for m in range(sd.first[p], sd.last[p]):
        k = sd.rows[m]
        jl = j - sd.post_start[k]
        po = sd.post0[k] + jl
        nearest = sd.nearest[k] != 0
        if sd.mode[k] == PL_LEARN:
            amp = sd.a2p[k] + sd.a3p[k] * _trace(sd.tr_post, sd.tr_post_t, po, t, sd.do2[k],
                                                 nearest, 1)
            soft = sd.soft[k] != 0
            wmax = sd.w_max[k]
            pre_off = sd.pre0[k]
            c = sd.col0[k] + jl
            for e in range(sd.cptr[c], sd.cptr[c + 1]):
                sq = sd.cidx[e]
                x1 = _trace(sd.tr_pre, sd.tr_pre_t, pre_off + sd.syn_pre[sq], t, sd.dr1[k],
                            nearest, 0)
                if x1 > 0.0:
                    dw = x1 * amp
                    if soft:
                        dw *= wmax - w[sq]
                    wn = w[sq] + dw
                    w[sq] = wmax if wn > wmax else wn
        _jump(sd.tr_post, sd.tr_post_t, po, t, sd.do1[k], sd.do2[k], nearest)


def _release(k, local, t, dt, pj):
    """Tsodyks-Markram release ``u x`` of a spike of presynaptic unit ``local`` on
    projection ``k`` at step ``t`` (recovery and facilitation since its last spike)."""
    s = pj.stp0[k] + local
    U = pj.stp_U[k]
    if pj.stp_last[s] >= 0:
        gap = (t - pj.stp_last[s]) * dt
        pj.stp_x[s] = 1.0 - (1.0 - pj.stp_x[s]) * math.exp(-gap / pj.stp_rec[k])
        if pj.stp_fac[k] > 0.0:
            base = pj.stp_base[k]
            pj.stp_u[s] = base + (pj.stp_u[s] - base) * math.exp(-gap / pj.stp_fac[k])
    if pj.stp_fac[k] > 0.0:
        pj.stp_u[s] = pj.stp_u[s] + U * (1.0 - pj.stp_u[s])
    else:
        pj.stp_u[s] = U
    rel = pj.stp_u[s] * pj.stp_x[s]
    pj.stp_x[s] -= rel
    pj.stp_last[s] = t
    return rel


def _deliver(j, p, t, dt, ch, pj, sd):
    """Send a spike of unit ``j`` (population ``p``) into the delay buffer."""
    D = ch.buf.shape[0]
    S = ch.buf.shape[1]
    flat = ch.flat
    base = t % D
    for k in range(pj.first[p], pj.last[p]):
        local = j - pj.pre_start[k]
        rel = 1.0
        if pj.stp0[k] >= 0:
            rel = _release(k, local, t, dt, pj)
        if sd.mode[k] != PL_NONE:
            if sd.soft[k] < RULE_CUE:
                _deliver_plastic(k, local, t, base, rel, ch, pj, sd)
            else:
                _deliver_coincidence(k, local, t, base, rel, ch, pj, sd)
            continue
        off = pj.off[k]
        a = pj.row0[k] + local
        syn0 = pj.syn0[k]
        for q in range(pj.iptr[a], pj.iptr[a + 1]):
            sq = syn0 + q
            r = base + pj.dly[sq]
            if r >= D:
                r -= D
            flat[r * S + off + pj.post[sq]] += pj.w[sq] * rel


def _deliver_plastic(k, local, t, base, rel, ch, pj, sd):
    """:func:`_deliver` on projection ``k`` with a compiled trace rule: the spike is sent
    with the weight before its own depression, then depresses (while learning) and the
    presynaptic traces jump."""
    D = ch.buf.shape[0]
    S = ch.buf.shape[1]
    flat = ch.flat
    w = pj.w
    off = pj.off[k]
    a = pj.row0[k] + local
    syn0 = pj.syn0[k]
    learn = sd.mode[k] == PL_LEARN
    nearest = sd.nearest[k] != 0
    pre_tr = sd.pre0[k] + local
    post_off = sd.post0[k]
    amp = sd.a2m[k] + sd.a3m[k] * _trace(sd.tr_pre, sd.tr_pre_t, pre_tr, t, sd.dr2[k],
                                         nearest, 1)
    soft = sd.soft[k] != 0
    wmin = sd.w_min[k]
    for q in range(pj.iptr[a], pj.iptr[a + 1]):
        sq = syn0 + q
        r = base + pj.dly[sq]
        if r >= D:
            r -= D
        flat[r * S + off + pj.post[sq]] += w[sq] * rel
        if learn:
            y1 = _trace(sd.tr_post, sd.tr_post_t, post_off + pj.post[sq], t, sd.do1[k],
                        nearest, 0)
            if y1 > 0.0:
                dw = y1 * amp
                if soft:
                    dw *= w[sq] - wmin
                wn = w[sq] - dw
                w[sq] = wmin if wn < wmin else wn
    _jump(sd.tr_pre, sd.tr_pre_t, pre_tr, t, sd.dr1[k], sd.dr2[k], nearest)


def _co_trace(tr, tt, n, t, decay):
    """Coincidence trace of neuron row ``n`` at step ``t``: its value just after its
    last jump (``tr[n, 0]``, at step ``tt[n]``; -1: never), decayed."""
    tl = tt[n]
    if tl < 0:
        return 0.0
    if tl == t:
        return tr[n, 0]
    return tr[n, 0] * math.exp(-(t - tl) * decay)


def _co_update(w, sq, pot, x, wmin, wmax):
    """Move weight ``w[sq]`` by the coincidence rule: up by ``x (w_max - w)`` (``pot``)
    or down by ``x (w - w_min)``, never across the bound it moves towards."""
    wo = w[sq]
    if pot:
        wn = wo + x * (wmax - wo)
        if (wo - wmax) * (wn - wmax) < 0.0:
            wn = wmax
    else:
        wn = wo - x * (wo - wmin)
        if (wo - wmin) * (wn - wmin) < 0.0:
            wn = wmin
    w[sq] = wn


def _deliver_coincidence(k, local, t, base, rel, ch, pj, sd):
    """:func:`_deliver` on projection ``k`` with the coincidence rule (Vlachos et al.
    2011): per synapse used, the postsynaptic neuron's trace of this input (c for a
    cue, h for a context) jumps and the step of its last arrival is set; while learning,
    its cue and context weights both move, up by ``alpha_1 h c (w_max - w)`` if the
    last arrival of the other input is less than the window ago, else down by
    ``alpha_2 c (w - w_min)`` (never: down; exactly the window: no change); then the
    spike is sent with the new weight. (Columns: see :class:`Stdp`.)"""
    D = ch.buf.shape[0]
    S = ch.buf.shape[1]
    flat = ch.flat
    w = pj.w
    off = pj.off[k]
    a = pj.row0[k] + local
    syn0 = pj.syn0[k]
    learn = sd.mode[k] == PL_LEARN
    cue = sd.soft[k] == RULE_CUE
    dc = sd.dr1[k]
    dh = sd.do1[k]
    ap = sd.a2p[k]
    ad = sd.a2m[k]
    win = sd.do2[k]
    wmin = sd.w_min[k]
    wmax = sd.w_max[k]
    n0 = sd.post0[k]
    c0 = sd.col0[k]
    for q in range(pj.iptr[a], pj.iptr[a + 1]):
        sq = syn0 + q
        jl = pj.post[sq]
        n = n0 + jl
        c = 0.0
        h = 0.0
        if cue:
            c = _co_trace(sd.tr_post, sd.tr_post_t, n, t, dc) + sd.a3p[k]
            sd.tr_post[n, 0] = c
            sd.tr_post_t[n] = t
            t_other = sd.tr_pre_t[n]
        else:
            h = _co_trace(sd.tr_pre, sd.tr_pre_t, n, t, dh) + sd.a3m[k]
            sd.tr_pre[n, 0] = h
            sd.tr_pre_t[n] = t
            t_other = sd.tr_post_t[n]
        if learn:
            if cue:
                h = _co_trace(sd.tr_pre, sd.tr_pre_t, n, t, dh)
            else:
                c = _co_trace(sd.tr_post, sd.tr_post_t, n, t, dc)
            gap = float(t - t_other)
            pot = False
            amp = 0.0
            if t_other >= 0 and gap < win:
                pot = True
                amp = ap * h * c
            elif t_other < 0 or gap > win:
                amp = ad * c
            if amp != 0.0:
                for r in range(2):
                    s2 = sd.cidx[c0 + 2 * jl + r]
                    if s2 >= 0:
                        _co_update(w, s2, pot, amp, wmin, wmax)
        r = base + pj.dly[sq]
        if r >= D:
            r -= D
        flat[r * S + off + pj.post[sq]] += w[sq] * rel


def _emit(j, p, t, step, dt, ch, pj, sd, out):
    """Count a spike of unit ``j`` (population ``p``), write it out if the population is
    recorded (:attr:`Out.rec_pop`), and send it on (depressing the plastic synapses it
    uses); potentiate the plastic synapses onto it."""
    if out.rec_pop[p] != 0:
        n = out.status[ST_SPIKES]
        out.spk_t[n] = t
        out.spk_i[n] = j
        out.status[ST_SPIKES] = n + 1
    out.counts[step, p] += 1
    _deliver(j, p, t, dt, ch, pj, sd)
    if sd.last[p] > sd.first[p]:
        _potentiate(j, p, t, pj.w, sd)


def _emit_all(spiked, n, p, t, step, dt, ch, pj, sd, out):
    """:func:`_emit` for the ``n`` spikes of population ``p`` in ``spiked``, in unit
    order. Where the population's projections have neither short-term plasticity nor a
    trace rule (and no trace rule potentiates onto it), the spikes are sent here with
    the tables' arrays taken once, not per spike: the same operations in the same order
    as :func:`_emit` (:func:`_deliver`, :func:`_deliver_coincidence`)."""
    if n == 0:
        return
    fast = sd.last[p] == sd.first[p]
    for k in range(pj.first[p], pj.last[p]):
        if pj.stp0[k] >= 0 or (sd.mode[k] != PL_NONE and sd.soft[k] < RULE_CUE):
            fast = False
    if not fast:
        for i in range(n):
            _emit(spiked[i], p, t, step, dt, ch, pj, sd, out)
        return
    rec = out.rec_pop[p] != 0
    spk_t = out.spk_t
    spk_i = out.spk_i
    nspk = out.status[ST_SPIKES]
    D = ch.buf.shape[0]
    S = ch.buf.shape[1]
    flat = ch.flat
    base = t % D
    w = pj.w
    iptr = pj.iptr
    post = pj.post
    dly = pj.dly
    tr_pre = sd.tr_pre
    tr_pre_t = sd.tr_pre_t
    tr_post = sd.tr_post
    tr_post_t = sd.tr_post_t
    cidx = sd.cidx
    k0 = pj.first[p]
    k1 = pj.last[p]
    rel = 1.0
    for i in range(n):
        j = spiked[i]
        if rec:
            spk_t[nspk] = t
            spk_i[nspk] = j
            nspk += 1
        for k in range(k0, k1):
            local = j - pj.pre_start[k]
            off = pj.off[k]
            a = pj.row0[k] + local
            syn0 = pj.syn0[k]
            if sd.mode[k] == PL_NONE:
                # the row's synapses as views (indices from 0) and the slot as an
                # unsigned index: no wrap-around checks for negative indices
                q0 = syn0 + iptr[a]
                q1 = syn0 + iptr[a + 1]
                dq = dly[q0:q1]
                pq = post[q0:q1]
                wq = w[q0:q1]
                for q in range(q1 - q0):
                    r = base + dq[q]
                    if r >= D:
                        r -= D
                    flat[np.uint64(r * S + off + pq[q])] += wq[q] * rel
                continue
            # the coincidence rule (:func:`_deliver_coincidence`)
            learn = sd.mode[k] == PL_LEARN
            cue = sd.soft[k] == RULE_CUE
            dc = sd.dr1[k]
            dh = sd.do1[k]
            ap = sd.a2p[k]
            ad = sd.a2m[k]
            win = sd.do2[k]
            wmin = sd.w_min[k]
            wmax = sd.w_max[k]
            n0 = sd.post0[k]
            c0 = sd.col0[k]
            for q in range(iptr[a], iptr[a + 1]):
                sq = syn0 + q
                jl = post[sq]
                m = n0 + jl
                c = 0.0
                h = 0.0
                if cue:
                    c = _co_trace(tr_post, tr_post_t, m, t, dc) + sd.a3p[k]
                    tr_post[m, 0] = c
                    tr_post_t[m] = t
                    t_other = tr_pre_t[m]
                else:
                    h = _co_trace(tr_pre, tr_pre_t, m, t, dh) + sd.a3m[k]
                    tr_pre[m, 0] = h
                    tr_pre_t[m] = t
                    t_other = tr_post_t[m]
                if learn:
                    if cue:
                        h = _co_trace(tr_pre, tr_pre_t, m, t, dh)
                    else:
                        c = _co_trace(tr_post, tr_post_t, m, t, dc)
                    gap = float(t - t_other)
                    pot = False
                    amp = 0.0
                    if t_other >= 0 and gap < win:
                        pot = True
                        amp = ap * h * c
                    elif t_other < 0 or gap > win:
                        amp = ad * c
                    if amp != 0.0:
                        for rr in range(2):
                            s2 = cidx[c0 + 2 * jl + rr]
                            if s2 >= 0:
                                _co_update(w, s2, pot, amp, wmin, wmax)
                r = base + dly[sq]
                if r >= D:
                    r -= D
                flat[r * S + off + post[sq]] += w[sq] * rel
    out.status[ST_SPIKES] = nspk
    out.counts[step, p] += n


def _fail(out, t, j):
    """Unit ``j`` diverged at step ``t``: the step stops there (its earlier spikes are
    still sent)."""
    out.status[ST_ERROR] = ERR_NONFINITE
    out.status[ST_ERR_STEP] = t
    out.status[ST_ERR_UNIT] = j


def _finite(a):
    """Every entry of the 1-D array ``a`` is finite: no entry has all the bits of its
    exponent set (an infinity or a NaN). Blocks of ``_FINITE_BLOCK`` entries are
    checked without a branch, so that the check runs in vector registers (the delay
    buffer alone is ~240 000 values in the amygdala network, checked every
    ``CHECK_EVERY`` steps); it stops after the first block that fails."""
    n = a.shape[0]
    for b0 in range(0, n, _FINITE_BLOCK):
        # a view, so that the indices start at 0 (no wrap-around checks, SIMD)
        bits = a[b0:min(b0 + _FINITE_BLOCK, n)].view(np.int64)
        bad = False
        for i in range(bits.shape[0]):
            bad |= (bits[i] & _EXP_BITS) == _EXP_BITS
        if bad:
            return False
    return True


def _finite_rows(a):
    """Every entry of the 2-D array ``a`` is finite."""
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if not math.isfinite(a[i, j]):
                return False
    return True


def _state_finite(net):
    """Every integrated state variable of ``net`` is finite: potentials, adaptation and
    gates, channel states (current / conductance and rise variable), the delay buffer,
    the short-term plasticity state, the STDP traces and the weights of projections with
    a compiled rule (the others never change in the loop; they are checked when built).
    One pass, stopping at the first non-finite value."""
    pops, ch, un, pj, sd = net.pops, net.chans, net.units, net.proj, net.stdp
    if not (_finite(un.v) and _finite(un.a1) and _finite(un.a2) and _finite(un.a3)
            and _finite(ch.g) and _finite(ch.h) and _finite(ch.flat)
            and _finite(net.gates.s) and _finite(net.gates.x)
            and _finite(pj.stp_u) and _finite(pj.stp_x)
            and _finite_rows(sd.tr_pre) and _finite_rows(sd.tr_post)):
        return False
    for p in range(pops.kind.shape[0]):
        n_pre = pops.stop[p] - pops.start[p]
        for k in range(pj.first[p], pj.last[p]):
            if sd.mode[k] == PL_NONE:
                continue
            s0 = pj.syn0[k]
            for q in range(s0, s0 + pj.iptr[pj.row0[k] + n_pre]):
                if not math.isfinite(pj.w[q]):
                    return False
    return True


def _fail_state(out, t, clean):
    """The state check after step ``t`` found a non-finite value; it was finite after
    step ``clean``."""
    out.status[ST_ERROR] = ERR_STATE
    out.status[ST_ERR_STEP] = t
    out.status[ST_ERR_CLEAN] = clean


# --- sources ------------------------------------------------------------------------

def _scheduled_spikes(t, step, dt, refr, dr, ch, pj, sd, out, pops, gt):
    """Send the spikes of spike sources due at step ``t`` (and count them for the
    gates of their population)."""
    ptr = dr.sch_ptr
    while ptr[0] < dr.sch_step.shape[0] and dr.sch_step[ptr[0]] <= t:
        if dr.sch_step[ptr[0]] == t:
            j = dr.sch_unit[ptr[0]]
            if refr[j] >= 0:
                p = dr.sch_pop[ptr[0]]
                _emit(j, p, t, step, dt, ch, pj, sd, out)
                for q in range(gt.first[p], gt.last[p]):
                    row = (t + gt.dly[q] - 1) % gt.pend.shape[0]
                    gt.pend[row, gt.off[q] + j - pops.start[p]] += 1.0
        ptr[0] += 1


# --- presynaptic gating: the dense projections ----------------------------------------

def _gate_deliver(pops, ch, gt):
    r"""Set every gated channel from the gates (after their update: the conductance
    of the next step, as a channel after its decay; and at the start of a call):
    :math:`g_i = \sum_r a_r (W_r s_r)_i` over the dense rows :math:`r` onto it, with
    :math:`a_r` the weight times the channel's scale. A ring row is a circular
    convolution, :math:`W s = \mathcal{F}^{-1}(\mathcal{F}J \cdot \mathcal{F}s)`."""
    for m in range(gt.chans.shape[0]):
        c = gt.chans[m]
        off = ch.off[c]
        for i in range(gt.chan_n[m]):
            ch.g[off + i] = 0.0
    for r in range(gt.d_gate.shape[0]):
        c = gt.d_chan[r]
        a = gt.d_w[r] * ch.scale[c]
        if a == 0.0:
            continue
        q = gt.d_gate[r]
        p = gt.pop[q]
        n_pre = pops.stop[p] - pops.start[p]
        n_post = gt.d_npost[r]
        sv = gt.s[gt.off[q]:gt.off[q] + n_pre]
        gv = ch.g[ch.off[c]:ch.off[c] + n_post]
        mode = gt.d_mode[r]
        k0 = gt.d_k0[r]
        if mode == D_UNIFORM:
            tot = 0.0
            for j in range(n_pre):
                tot += sv[j]
            tot *= a
            for i in range(n_post):
                gv[i] += tot
        elif mode == D_RING:
            y = np.fft.irfft(np.fft.rfft(sv) * gt.kern[k0:k0 + n_pre // 2 + 1], n_pre)
            for i in range(n_post):
                gv[i] += a * y[i]
        else:
            for i in range(n_post):
                acc = 0.0
                base = k0 + i * n_pre
                for j in range(n_pre):
                    acc += gt.mat[base + j] * sv[j]
                gv[i] += a * acc


def _gate_spikes(p, t, spiked, n, pops, gt):
    """Count the ``n`` spikes of population ``p`` at step ``t`` (``spiked``, global
    units) for its gates; they are added after step ``t + d - 1`` (:func:`_gate_update`,
    ``d`` the gate's delay)."""
    for q in range(gt.first[p], gt.last[p]):
        o = gt.off[q] - pops.start[p]
        row = (t + gt.dly[q] - 1) % gt.pend.shape[0]
        for m in range(n):
            gt.pend[row, o + spiked[m]] += 1.0


def _gate_update(t, dt, pops, gt):
    """The gates integrate over step ``t``, then take the spikes due (so a spike of
    step :math:`t` acts on the gated conductances from step :math:`t + d`: linear
    kinetics) or :math:`t + d + 1` (through the rise variable), :math:`d` the delay.

    Single exponential: :math:`s \\leftarrow s e^{-\\Delta t/\tau_d} + n`. Bi-exponential
    (as a channel, :func:`_decay`): :math:`s \\leftarrow s e^{-\\Delta t/\tau_d} + c\\,x`,
    :math:`x \\leftarrow x e^{-\\Delta t/\tau_r} + \nu n`. Saturating, with :math:`x`
    frozen at its mid-step value :math:`x_m = x e^{-\\Delta t/2\tau_r}` (second order
    in :math:`\\Delta t`): :math:`k = 1/\tau_d + \alpha x_m`,
    :math:`s_\\infty = \alpha x_m / k`, :math:`s \\leftarrow s_\\infty + (s - s_\\infty)
    e^{-k \\Delta t}` (exact for frozen :math:`x`), then
    :math:`x \\leftarrow x e^{-\\Delta t/\tau_r} + n`; :math:`n` the spikes of the step.
    """
    for q in range(gt.pop.shape[0]):
        p = gt.pop[q]
        o = gt.off[q]
        n = pops.stop[p] - pops.start[p]
        ed = gt.ed[q]
        er = gt.er[q]
        sv = gt.s[o:o + n]
        xv = gt.x[o:o + n]
        pv = gt.pend[t % gt.pend.shape[0], o:o + n]
        kind = gt.kind[q]
        if kind == G_EXP:
            for j in range(n):
                sv[j] = sv[j] * ed + pv[j]
                pv[j] = 0.0
        elif kind == G_BIEXP:
            coef = gt.coef[q]
            nm = gt.norm[q]
            for j in range(n):
                sv[j] = sv[j] * ed + xv[j] * coef
                xv[j] = xv[j] * er + nm * pv[j]
                pv[j] = 0.0
        else:
            alpha = gt.alpha[q]
            xmid = gt.xmid[q]
            itau = gt.inv_tau[q]
            for j in range(n):
                xm = xv[j] * xmid
                if xm > 0.0:
                    ax = alpha * xm
                    k = itau + ax
                    sinf = ax / k
                    sv[j] = sinf + (sv[j] - sinf) * math.exp(-k * dt)
                else:
                    sv[j] *= ed
                xv[j] = xv[j] * er + pv[j]
                pv[j] = 0.0


def _poisson_source(p, t, pops, un, spiked, scratch):
    """Poisson source ``p`` at step ``t`` (a sparse draw, or one uniform per unit into
    ``scratch``); its spiking units go to ``spiked``; returns their number."""
    refr, flag = un.refr, un.flag
    start = pops.start[p]
    stop = pops.stop[p]
    key = pops.key[p]
    prob = pops.prob[p]
    n_p = stop - start
    n = 0
    lam_tot = n_p * -math.log1p(-prob) if prob < 1.0 else math.inf
    if prob > 0.0 and lam_tot <= 30.0:
        # sparse: K ~ Poisson(n lambda) spikes, each on a unit drawn uniformly (Poisson
        # splitting: independent Poisson(lambda) counts per unit); a unit drawn twice
        # spikes once, so P(spike) = 1 - e^-lambda = prob
        k_tot = _poisson(lam_tot, math.exp(-lam_tot), key, t, n_p)
        for m in range(k_tot):
            jl = int(_uniform(key, t, n_p + 1 + m) * n_p)
            j = start + (jl if jl < n_p else n_p - 1)
            if refr[j] >= 0 and flag[j] == 0:
                flag[j] = 1
                spiked[n] = j
                n += 1
        for m in range(k_tot):
            jl = int(_uniform(key, t, n_p + 1 + m) * n_p)
            flag[start + (jl if jl < n_p else n_p - 1)] = 0
    elif prob > 0.0:
        # the uniforms in one branch-free pass (:func:`_uniforms`), then the comparison
        uv = scratch
        _uniforms(key, t, n_p, uv)
        for jl in range(n_p):
            if uv[jl] < prob and refr[start + jl] >= 0:
                spiked[n] = start + jl
                n += 1
    return n


# --- inputs to a neuron population ----------------------------------------------------

def _arrivals(p, slot, fused, delta_only, pops, ch, dv):
    """Move slot ``slot`` of the delay buffer onto population ``p``'s channels (one
    branch-free pass per channel; current channels of the exact LIF are left to
    :func:`_lif_exact`, and with ``delta_only`` every channel but the delta ones to
    :func:`_conductance_totals`); delta channels sum into ``dv``. Returns whether
    ``dv`` holds jumps."""
    n_p = pops.stop[p] - pops.start[p]
    has_dv = False
    for c in range(pops.ch0[p], pops.ch1[p]):
        if ((fused and ch.kind[c] == C_CURRENT) or ch.gated[c] == 1
                or (delta_only and ch.kind[c] != C_DELTA)):
            continue
        off = ch.off[c]
        rv = ch.buf[slot, off:off + n_p]
        sc = ch.scale[c]
        if ch.kind[c] == C_DELTA:
            if not has_dv:
                dv[:n_p] = 0.0
                has_dv = True
            for jl in range(n_p):
                dv[jl] += rv[jl] * sc
                rv[jl] = 0.0
        else:
            if ch.rise[c] > 0.0:
                sc *= ch.norm[c]
                tv = ch.h[off:off + n_p]
            else:
                tv = ch.g[off:off + n_p]
            for jl in range(n_p):
                tv[jl] += rv[jl] * sc
                rv[jl] = 0.0
    return has_dv


def _arrive(x, c, s, ch):
    """Input ``x`` arriving on channel ``c`` at slot ``s``; returns a delta jump (mV)."""
    if ch.kind[c] == C_DELTA:
        return x * ch.scale[c]
    if ch.rise[c] > 0.0:
        ch.h[s] += x * ch.scale[c] * ch.norm[c]
    else:
        ch.g[s] += x * ch.scale[c]
    return 0.0


def _counts(uv, n, cdf, top, kv):
    """Poisson counts by inversion: ``kv[i]`` = the number of cumulative sums ``cdf[k]``
    (non-decreasing) below the uniform ``uv[i]``, ``top`` at most, for ``i < n``.

    The same counts as the search of :func:`_poisson` (``top >= 5``), found block by
    block (``_COUNT_BLOCK`` units) in a pass that runs in vector registers: every
    unit's first five comparisons are added (no branch); only in a block with a unit
    above ``cdf[4]`` do that block's units go on searching (P = 1.7e-4 per unit at
    the amygdala's mean of 0.5 per step: about one block in 23). Measured: ~1 ns per
    unit here, against ~7 ns searching unit by unit, whose branches the CPU cannot
    predict. With three comparisons, and every unit scanned again for the 1.4 %
    above ``cdf[2]``, that scan was ~7 % of the amygdala's loop (``perf``)."""
    c0, c1, c2, c3, c4 = cdf[0], cdf[1], cdf[2], cdf[3], cdf[4]
    for b0 in range(0, n, _COUNT_BLOCK):
        # views, so that the indices start at 0 (no wrap-around checks, SIMD)
        ub = uv[b0:min(b0 + _COUNT_BLOCK, n)]
        kb = kv[b0:min(b0 + _COUNT_BLOCK, n)]
        more = False
        for i in range(ub.shape[0]):
            u = ub[i]
            kb[i] = float(int(u > c0) + int(u > c1) + int(u > c2) + int(u > c3)
                          + int(u > c4))
            more |= u > c4
        if more:
            for i in range(ub.shape[0]):
                u = ub[i]
                if u > c4:
                    k = 5
                    while u > cdf[k] and k < top:
                        k += 1
                    kb[i] = float(k)


def _poisson_inputs(p, t, has_dv, keep, pops, dr, ch, dv, wk):
    """The external Poisson inputs of population ``p`` draw their counts at step ``t``
    (``wk.vnew``, ``wk.vpre``: scratch for the uniforms and the counts; ``wk.cdf``: the
    cumulative sums of each input's law, computed again when its mean changes);
    returns whether ``dv`` holds jumps. With ``keep``, the counts of the inputs onto
    channels that are not delta channels stay in ``wk.kin`` (row ``q - dr.first[p]``)
    for :func:`_conductance_totals`, which adds them in its pass over the channel."""
    uv = wk.vnew
    n_p = pops.stop[p] - pops.start[p]
    for q in range(dr.first[p], dr.last[p]):
        lam = dr.lam[q]
        if lam <= 0.0:
            continue
        c = dr.chan[q]
        off = ch.off[c]
        delta = ch.kind[c] == C_DELTA
        if delta and not has_dv:
            dv[:n_p] = 0.0
            has_dv = True
        held = keep and not delta
        kv = wk.kin[q - dr.first[p]] if held else wk.vpre
        emlam = math.exp(-lam)
        key = dr.key[q]
        wq = dr.weight[q]
        if lam > 30.0:
            for jl in range(n_p):
                k = _poisson(lam, emlam, key, t, jl)
                if held:
                    kv[jl] = float(k)
                elif k > 0:
                    dv[jl] += _arrive(k * wq, c, off + jl, ch)
            continue
        # :func:`_poisson` by inversion, its cumulative sums s_k computed once per mean
        # (the same operations in the same order: the same counts, bit for bit)
        cdf = wk.cdf[q]
        top = 200
        if wk.cdf_lam[q] != lam:
            pk = emlam
            sk = pk
            cdf[0] = sk
            for k in range(1, 201):
                pk *= lam / k
                s2 = sk + pk
                cdf[k] = s2
                if s2 == sk:  # the sums stopped growing: they stay there
                    for m in range(k + 1, 201):
                        cdf[m] = sk
                    break
                sk = s2
            wk.cdf_lam[q] = lam
        sc = ch.scale[c]
        # the uniforms, the counts, then their sum into the channel: three passes without
        # branches (a count of 0 adds 0.0, which leaves every value as it was)
        _uniforms(key, t, n_p, uv)
        _counts(uv, n_p, cdf, top, kv)
        if held:
            continue
        if delta:
            for jl in range(n_p):
                dv[jl] += kv[jl] * wq * sc
        elif ch.rise[c] > 0.0:
            nm = ch.norm[c]
            hv = ch.h[off:off + n_p]
            for jl in range(n_p):
                hv[jl] += kv[jl] * wq * sc * nm
        else:
            gv = ch.g[off:off + n_p]
            for jl in range(n_p):
                gv[jl] += kv[jl] * wq * sc
    return has_dv


def _decay(p, fused, pops, ch):
    """Population ``p``'s channels decay exactly over the step (one pass per channel;
    the exact LIF decays its current channels itself)."""
    n_p = pops.stop[p] - pops.start[p]
    for c in range(pops.ch0[p], pops.ch1[p]):
        if ch.kind[c] == C_DELTA or (fused and ch.kind[c] == C_CURRENT) or ch.gated[c] == 1:
            continue
        off = ch.off[c]
        ed = ch.decay[c]
        gv = ch.g[off:off + n_p]
        if ch.rise[c] > 0.0:
            er = ch.rise[c]
            coef = ch.coef[c]
            hv = ch.h[off:off + n_p]
            for jl in range(n_p):
                gv[jl] = gv[jl] * ed + hv[jl] * coef
                hv[jl] *= er
        else:
            for jl in range(n_p):
                gv[jl] *= ed


# --- integration, one function per neuron kind ----------------------------------------
#
# Each integrates population p over step t, writes its spiking units (in order) to
# wk.spiked and returns their number; at a divergence it stops there (_fail).

def _lif_exact(p, t, has_dv, pops, ch, un, wk, out):
    """LIF with only current / delta inputs: the exact propagator (arrival, integration
    and decay of the currents in one pass); refractory neurons keep their potential."""
    start = pops.start[p]
    stop = pops.stop[p]
    n_p = stop - start
    EL = pops.par[p, PAR_EL]
    P22 = pops.par[p, LIF_P22]
    B = pops.par[p, LIF_PBIAS]
    vth = pops.par[p, LIF_VTH]
    vr = pops.par[p, LIF_VRESET]
    ref_steps = pops.ref_steps[p]
    row = ch.buf[t % ch.buf.shape[0]]
    vtmp = wk.vnew
    dv = wk.dv
    # views with non-negative loop indices: no wrap-around checks, SIMD
    vv = un.v[start:stop]
    bv = un.ibias[start:stop]
    rf = un.refr[start:stop]
    for jl in range(n_p):
        vtmp[jl] = EL + (vv[jl] - EL) * P22 + bv[jl] * B
    amp = pops.par[p, LIF_NOISE]
    if amp > 0.0:
        zv = wk.itot
        _normals(pops.key[p], t, n_p, zv)
        for jl in range(n_p):
            vtmp[jl] += amp * zv[jl]
    if has_dv:
        for jl in range(n_p):
            vtmp[jl] += dv[jl] * P22
    for c in range(pops.ch0[p], pops.ch1[p]):
        if ch.kind[c] != C_CURRENT:
            continue
        gv = ch.g[ch.off[c]:ch.off[c] + n_p]
        rv = row[ch.off[c]:ch.off[c] + n_p]
        sc = ch.scale[c]
        p21 = ch.p21[c]
        ed = ch.decay[c]
        for jl in range(n_p):
            x = gv[jl] + rv[jl] * sc
            rv[jl] = 0.0
            vtmp[jl] += p21 * x
            gv[jl] = x * ed
    n = 0
    for jl in range(n_p):
        if rf[jl] != 0:
            if rf[jl] > 0:
                rf[jl] -= 1
            continue
        vn = vtmp[jl]
        if vn >= vth:
            vv[jl] = vr
            rf[jl] = ref_steps
            wk.spiked[n] = start + jl
            n += 1
        elif abs(vn) < V_LIMIT:
            vv[jl] = vn
        else:
            _fail(out, t, start + jl)
            break
    return n


def _conductance_totals(p, slot, has_dv, pops, dr, ch, un, wk):
    """Exponential Euler (LIF with conductances, AdEx): V after the jumps
    (``wk.vpre``), total conductance and current frozen over the step (``wk.gtot``,
    ``wk.itot``), summed channel by channel, and each channel's step around its
    share of the totals: the arrivals from slot ``slot`` of the delay buffer and the
    Poisson counts kept in ``wk.kin`` (:func:`_poisson_inputs`) before it, the exact
    decay over the step after it (:func:`_channel_step`)."""
    start = pops.start[p]
    stop = pops.stop[p]
    n_p = stop - start
    gL = pops.par[p, PAR_GL]
    EL = pops.par[p, PAR_EL]
    vpre, Gt, It = wk.vpre, wk.gtot, wk.itot
    vv = un.v[start:stop]
    rf = un.refr[start:stop]
    for jl in range(n_p):
        vpre[jl] = vv[jl]
    if has_dv:
        for jl in range(n_p):
            if rf[jl] == 0:
                vpre[jl] += wk.dv[jl]
    gsv = un.gs[start:stop]
    gev = un.gse[start:stop]
    bv = un.ibias[start:stop]
    for jl in range(n_p):
        Gt[jl] = gL + gsv[jl]
        It[jl] = gL * EL + bv[jl] + gev[jl]
    if pops.kind[p] == K_ADEX:
        wv = un.a1[start:stop]
        vt_ = pops.par[p, ADEX_VT]
        dT = pops.par[p, ADEX_DT]
        for jl in range(n_p):
            arg = (vpre[jl] - vt_) / dT
            if arg > ADEX_EXP_CAP:
                arg = ADEX_EXP_CAP
            It[jl] += gL * dT * math.exp(arg) - wv[jl]
    for c in range(pops.ch0[p], pops.ch1[p]):
        if ch.kind[c] != C_DELTA:
            _channel_step(p, c, slot, n_p, pops, dr, ch, wk)


def _channel_step(p, c, slot, n_p, pops, dr, ch, wk):
    """Channel ``c`` (not a delta channel) of population ``p`` over one step of
    exponential Euler, in the order of the separate passes it replaces: the arrivals
    (as :func:`_arrivals`), then the Poisson counts in ``wk.kin`` (as
    :func:`_poisson_inputs`), its share of the totals ``wk.gtot`` and ``wk.itot``,
    then the decay (as :func:`_decay`): the same operations on every value, so the
    same numbers bit for bit. A channel set by the gates only adds to the totals. A
    conductance without a magnesium block and with at most one Poisson input, the
    common case, runs as one pass over its units (each value read and written once);
    the others as one pass per stage."""
    off = ch.off[c]
    ck = ch.kind[c]
    gv = ch.g[off:off + n_p]
    Gt, It = wk.gtot, wk.itot
    if ch.gated[c] == 1:
        _channel_totals(c, n_p, ch, gv, wk)
        return
    rise = ch.rise[c] > 0.0
    sc = ch.scale[c]
    nm = ch.norm[c]
    rv = ch.buf[slot, off:off + n_p]
    n_in = 0
    q1 = -1
    for q in range(dr.first[p], dr.last[p]):
        if dr.chan[q] == c and dr.lam[q] > 0.0:
            n_in += 1
            if q1 < 0:
                q1 = q
    if ck == C_COND and ch.mg[c] == 0 and n_in <= 1:
        e_rev = ch.e_rev[c]
        ed = ch.decay[c]
        kv = wk.kin[max(q1, dr.first[p]) - dr.first[p]]
        wq = dr.weight[q1] if n_in == 1 else 0.0
        if rise:
            er = ch.rise[c]
            coef = ch.coef[c]
            scn = sc * nm
            hv = ch.h[off:off + n_p]
            # with and without an input: adding counts of 0 would read one more array
            # per unit and turn a -0.0 into +0.0
            if n_in == 1:
                for jl in range(n_p):
                    hn = hv[jl] + rv[jl] * scn
                    hn += kv[jl] * wq * sc * nm
                    rv[jl] = 0.0
                    gj = gv[jl]
                    Gt[jl] += gj
                    It[jl] += gj * e_rev
                    gv[jl] = gj * ed + hn * coef
                    hv[jl] = hn * er
            else:
                for jl in range(n_p):
                    hn = hv[jl] + rv[jl] * scn
                    rv[jl] = 0.0
                    gj = gv[jl]
                    Gt[jl] += gj
                    It[jl] += gj * e_rev
                    gv[jl] = gj * ed + hn * coef
                    hv[jl] = hn * er
        elif n_in == 1:
            for jl in range(n_p):
                gj = gv[jl] + rv[jl] * sc
                gj += kv[jl] * wq * sc
                rv[jl] = 0.0
                Gt[jl] += gj
                It[jl] += gj * e_rev
                gv[jl] = gj * ed
        else:
            for jl in range(n_p):
                gj = gv[jl] + rv[jl] * sc
                rv[jl] = 0.0
                Gt[jl] += gj
                It[jl] += gj * e_rev
                gv[jl] = gj * ed
        return
    # a magnesium block, a current, or several inputs: one pass per stage
    tv = ch.h[off:off + n_p] if rise else gv
    a = sc * nm if rise else sc
    for jl in range(n_p):
        tv[jl] += rv[jl] * a
        rv[jl] = 0.0
    for q in range(dr.first[p], dr.last[p]):
        if dr.chan[q] == c and dr.lam[q] > 0.0:
            kv = wk.kin[q - dr.first[p]]
            wq = dr.weight[q]
            if rise:
                for jl in range(n_p):
                    tv[jl] += kv[jl] * wq * sc * nm
            else:
                for jl in range(n_p):
                    tv[jl] += kv[jl] * wq * sc
    _channel_totals(c, n_p, ch, gv, wk)
    ed = ch.decay[c]
    if rise:
        er = ch.rise[c]
        coef = ch.coef[c]
        for jl in range(n_p):
            gv[jl] = gv[jl] * ed + tv[jl] * coef
            tv[jl] *= er
    else:
        for jl in range(n_p):
            gv[jl] *= ed


def _channel_totals(c, n_p, ch, gv, wk):
    """Channel ``c``'s conductance ``gv`` (or current) into the totals ``wk.gtot`` and
    ``wk.itot`` (a magnesium block at ``wk.vpre``)."""
    Gt, It, vpre = wk.gtot, wk.itot, wk.vpre
    if ch.kind[c] == C_CURRENT:
        for jl in range(n_p):
            It[jl] += gv[jl]
    else:
        e_rev = ch.e_rev[c]
        if ch.mg[c] == 1:
            mg = ch.mg_mm[c]
            for jl in range(n_p):
                gb = gv[jl] * mg_unblocked_fraction(vpre[jl], mg, _exp)
                Gt[jl] += gb
                It[jl] += gb * e_rev
        else:
            for jl in range(n_p):
                Gt[jl] += gv[jl]
                It[jl] += gv[jl] * e_rev


def _euler_factors(n_p, dt, C, wk):
    r"""Exponential Euler's two numbers for every unit, in place: ``wk.itot`` becomes
    :math:`V_\infty = I / G` and ``wk.gtot`` the step's decay factor
    :math:`e^{-\Delta t\, G / C}` (:func:`_exps`). Passes without branches over every
    unit (refractory ones too: their numbers are not read), so that they run in vector
    registers."""
    it, gt, bits = wk.itot, wk.gtot, wk.bits
    rate = -dt / C
    c = _EXP_TAYLOR
    for jl in range(n_p):  # the division runs while the exponential's chain waits
        g = gt[jl]
        it[jl] = it[jl] / g
        gt[jl], bits[jl] = _exp_parts(g * rate, c)
    scale = bits.view(np.float64)
    for jl in range(n_p):
        gt[jl] *= scale[jl]


def _lif_conductance(p, t, dt, pops, un, wk, out):
    """LIF by exponential Euler from :func:`_conductance_totals`.

    Three passes that run in vector registers: the new potentials of every unit into
    ``wk.dv`` (free once the jumps are in ``wk.vpre``), with whether any active unit
    spikes or leaves the bounds; the update of the potentials and refractory counts;
    and, only in a step with spikes, the collection of the spiking units in order. A
    step in which a unit leaves the bounds runs unit by unit instead
    (:func:`_lif_conductance_units`), which stops at that unit."""
    start = pops.start[p]
    C = pops.par[p, PAR_C]
    vth = pops.par[p, LIF_VTH]
    vr = pops.par[p, LIF_VRESET]
    ref_steps = pops.ref_steps[p]
    vv = un.v[start:pops.stop[p]]
    rf = un.refr[start:pops.stop[p]]
    amp = pops.par[p, LIF_NOISE]
    if amp > 0.0:
        _normals(pops.key[p], t, pops.stop[p] - start, wk.vnew)
    n_p = pops.stop[p] - start
    _euler_factors(n_p, dt, C, wk)
    vinf_, fac, vpre, noise, vs = wk.itot, wk.gtot, wk.vpre, wk.vnew, wk.dv
    bad = False
    spikes = False
    for jl in range(n_p):
        vinf = vinf_[jl]
        vn = vinf + (vpre[jl] - vinf) * fac[jl]
        if amp > 0.0:
            vn += amp * noise[jl]
        active = rf[jl] == 0
        spike = active & (vn >= vth)
        vout = vr if spike else vn
        bad |= active & (not (abs(vout) < V_LIMIT))
        spikes |= spike
        vs[jl] = vn
    if bad:
        return _lif_conductance_units(p, t, pops, un, wk, out, amp)
    for jl in range(n_p):
        r = rf[jl]
        vn = vs[jl]
        spike = (r == 0) & (vn >= vth)
        vv[jl] = vr if spike else (vn if r == 0 else vv[jl])
        rf[jl] = ref_steps if spike else (r - 1 if r > 0 else r)
        vs[jl] = 1.0 if spike else 0.0
    n = 0
    if spikes:
        for jl in range(n_p):
            if vs[jl] != 0.0:
                wk.spiked[n] = start + jl
                n += 1
    return n


def _lif_conductance_units(p, t, pops, un, wk, out, amp):
    """:func:`_lif_conductance` unit by unit, from its factors in ``wk``: stops at the
    first unit that leaves the bounds (:func:`_fail`); the units before it are
    updated and their spikes sent."""
    start = pops.start[p]
    vth = pops.par[p, LIF_VTH]
    vr = pops.par[p, LIF_VRESET]
    ref_steps = pops.ref_steps[p]
    vv = un.v[start:pops.stop[p]]
    rf = un.refr[start:pops.stop[p]]
    vinf_, fac = wk.itot, wk.gtot
    n = 0
    for jl in range(pops.stop[p] - start):
        if rf[jl] != 0:  # refractory (> 0) or removed (< 0)
            if rf[jl] > 0:
                rf[jl] -= 1
            continue
        vj = wk.vpre[jl]
        vinf = vinf_[jl]
        vn = vinf + (vj - vinf) * fac[jl]
        if amp > 0.0:
            vn += amp * wk.vnew[jl]
        spike = vn >= vth
        if spike:
            vn = vr
        if not (abs(vn) < V_LIMIT):
            _fail(out, t, start + jl)
            break
        vv[jl] = vn
        if spike:
            rf[jl] = ref_steps
            wk.spiked[n] = start + jl
            n += 1
    return n


def _adex(p, t, dt, pops, un, wk, out):
    """AdEx by exponential Euler from :func:`_conductance_totals`, w exactly for V
    frozen."""
    start = pops.start[p]
    C = pops.par[p, PAR_C]
    EL = pops.par[p, PAR_EL]
    a = pops.par[p, ADEX_A]
    wdecay = pops.par[p, ADEX_WDECAY]
    vpeak = pops.par[p, ADEX_VPEAK]
    ref_steps = pops.ref_steps[p]
    vv = un.v[start:pops.stop[p]]
    wv = un.a1[start:pops.stop[p]]
    rf = un.refr[start:pops.stop[p]]
    n_p = pops.stop[p] - start
    _euler_factors(n_p, dt, C, wk)
    vinf_, fac = wk.itot, wk.gtot
    n = 0
    for jl in range(n_p):
        if rf[jl] != 0:  # refractory (> 0) or removed (< 0)
            if rf[jl] > 0:
                rf[jl] -= 1
            continue
        vj = wk.vpre[jl]
        vinf = vinf_[jl]
        vn = vinf + (vj - vinf) * fac[jl]
        winf = a * (vj - EL)
        wv[jl] = winf + (wv[jl] - winf) * wdecay
        spike = vn >= vpeak
        if spike:
            vn = pops.par[p, ADEX_VRESET]
            wv[jl] += pops.par[p, ADEX_B]
        if not (abs(vn) < V_LIMIT):
            _fail(out, t, start + jl)
            break
        vv[jl] = vn
        if spike:
            rf[jl] = ref_steps
            wk.spiked[n] = start + jl
            n += 1
    return n


def _hh(p, t, dt, has_dv, pops, ch, un, wk, out):
    """Hodgkin-Huxley, neuron by neuron: the gates exactly for V frozen (the rates and
    gate update of :mod:`engramlab.neurons.hh`), then V by exponential Euler; a spike
    is an upward crossing of v_spike."""
    start = pops.start[p]
    par = pops.par
    C = par[p, PAR_C]
    sc = par[p, HH_SCALE]
    n = 0
    for jl in range(pops.stop[p] - start):
        j = start + jl
        if un.refr[j] != 0:  # removed (< 0)
            if un.refr[j] > 0:
                un.refr[j] -= 1
            continue
        vj = un.v[j]
        if has_dv:
            vj += wk.dv[jl]
        am, bm, ah, bh, an, bn = hh_rates_with(vj, _exp, vtrap_scalar)
        m = hh_gate_step(un.a1[j], am, bm, dt, _exp)
        hh = hh_gate_step(un.a2[j], ah, bh, dt, _exp)
        nn = hh_gate_step(un.a3[j], an, bn, dt, _exp)
        un.a1[j] = m
        un.a2[j] = hh
        un.a3[j] = nn
        gna = par[p, HH_GNA] * m * m * m * hh
        gk = par[p, HH_GK] * nn * nn * nn * nn
        G = gna + gk + par[p, PAR_GL] + un.gs[j] * sc
        i_tot = (gna * par[p, HH_ENA] + gk * par[p, HH_EK] + par[p, PAR_GL] * par[p, PAR_EL]
                 + (un.ibias[j] + un.gse[j]) * sc)
        for c in range(pops.ch0[p], pops.ch1[p]):
            ck = ch.kind[c]
            gv = ch.g[ch.off[c] + jl] * sc
            if ck == C_CURRENT:
                i_tot += gv
            elif ck == C_COND:
                if ch.mg[c] == 1:
                    gv *= mg_unblocked_fraction(vj, ch.mg_mm[c], _exp)
                G += gv
                i_tot += gv * ch.e_rev[c]
        vinf = i_tot / G
        vn = vinf + (vj - vinf) * math.exp(-dt * G / C)
        spike = False
        if vn >= par[p, HH_VSPIKE]:
            if un.flag[j] == 0:
                spike = True
                un.flag[j] = 1
        else:
            un.flag[j] = 0
        if not (abs(vn) < V_LIMIT):
            _fail(out, t, j)
            break
        un.v[j] = vn
        if spike:
            wk.spiked[n] = j
            n += 1
    return n


def _neuron_step(p, t, dt, pops, ch, un, wk, dr, out):
    """One step of neuron population ``p``: arrivals, external drive, integration,
    channel decay (for exponential Euler, the channels' step comes with the totals,
    before the integration); returns the number of spiking units in ``wk.spiked``."""
    kind = pops.kind[p]
    fused = kind == K_LIF and pops.cond[p] == 0
    slot = t % ch.buf.shape[0]
    if fused or kind == K_HH:
        has_dv = _arrivals(p, slot, fused, False, pops, ch, wk.dv)
        has_dv = _poisson_inputs(p, t, has_dv, False, pops, dr, ch, wk.dv, wk)
        if fused:
            n = _lif_exact(p, t, has_dv, pops, ch, un, wk, out)
        else:
            n = _hh(p, t, dt, has_dv, pops, ch, un, wk, out)
        if out.status[ST_ERROR] == ERR_NONE:
            _decay(p, fused, pops, ch)
        return n
    # exponential Euler: the channels step (arrivals, inputs, decay) with their totals
    has_dv = _arrivals(p, slot, False, True, pops, ch, wk.dv)
    has_dv = _poisson_inputs(p, t, has_dv, True, pops, dr, ch, wk.dv, wk)
    _conductance_totals(p, slot, has_dv, pops, dr, ch, un, wk)
    if kind == K_ADEX:
        return _adex(p, t, dt, pops, un, wk, out)
    return _lif_conductance(p, t, dt, pops, un, wk, out)


# --- recording and the loop ---------------------------------------------------------

def _record(t, un, g, out):
    """Sample the recorded state variables after step ``t`` (every ``rec_every``)."""
    if out.rec_unit.shape[0] == 0 or (t + 1) % out.rec_every != 0:
        return
    row = out.status[ST_SAMPLES]
    for m in range(out.rec_unit.shape[0]):
        j = out.rec_unit[m]
        var = out.rec_var[m]
        if var == REC_V:
            out.rec_out[row, m] = un.v[j]
        elif var == REC_A1:
            out.rec_out[row, m] = un.a1[j]
        elif var == REC_A2:
            out.rec_out[row, m] = un.a2[j]
        elif var == REC_A3:
            out.rec_out[row, m] = un.a3[j]
        else:  # a channel's state: var = REC_CHANNEL + channel, j = slot
            out.rec_out[row, m] = g[j]
    out.status[ST_SAMPLES] = row + 1


def _advance(t0, n_steps, net, out):
    """Run steps ``t0 .. t0 + n_steps - 1``; returns the number of steps done.

    Per step: scheduled spikes, then population by population its step (a source's
    draw, or a neuron population's :func:`_neuron_step`) and the sending of its spikes
    in unit order, then the samples, then (every ``CHECK_EVERY`` steps and after the
    last step done) the check of the whole state. :attr:`Out.status` counts the spikes
    and samples written (continuing from its values) and reports a divergence (code,
    step, unit) or a non-finite state (code, step, last clean step). The loop stops
    early, before a step, when the spike buffer could overflow, within a step after a
    divergence, and after a step whose state check failed.
    """
    dt, pops, ch, un, pj, sd, dr, wk, gt = net
    clean = t0 - 1
    done = n_steps
    gated = gt.pop.shape[0] > 0
    if gated:  # from the gates as they are (a channel's scale may have changed)
        _gate_deliver(pops, ch, gt)
    for step in range(n_steps):
        t = t0 + step
        if out.status[ST_SPIKES] + un.v.shape[0] > out.spk_t.shape[0]:
            done = step
            break
        _scheduled_spikes(t, step, dt, un.refr, dr, ch, pj, sd, out, pops, gt)
        for p in range(pops.kind.shape[0]):
            kind = pops.kind[p]
            if kind == K_SCHEDULED:
                continue
            if kind == K_POISSON:
                n = _poisson_source(p, t, pops, un, wk.spiked, wk.vnew)
            else:
                n = _neuron_step(p, t, dt, pops, ch, un, wk, dr, out)
            if n > 0:
                _emit_all(wk.spiked, n, p, t, step, dt, ch, pj, sd, out)
                if gated:
                    _gate_spikes(p, t, wk.spiked, n, pops, gt)
            if out.status[ST_ERROR] != ERR_NONE:
                return step
        if gated:
            _gate_update(t, dt, pops, gt)
            _gate_deliver(pops, ch, gt)
        _record(t, un, ch.g, out)
        if (t + 1) % CHECK_EVERY == 0:
            if not _state_finite(net):
                _fail_state(out, t, clean)
                return step + 1
            clean = t
    if done > 0 and clean != t0 + done - 1 and not _state_finite(net):
        _fail_state(out, t0 + done - 1, clean)
    return done


#: The loop's functions, compiled together by :mod:`engramlab.network._compile`
#: (the components' shared formulas are compiled from their own modules).
KERNEL = ("_mix", "_uniform", "_uniforms", "_counts", "_poisson", "_exp", "_exp_parts",
          "_exps", "_normals", "_trace", "_jump", "_potentiate", "_release", "_deliver",
          "_deliver_plastic", "_co_trace", "_co_update", "_deliver_coincidence", "_emit",
          "_emit_all", "_fail", "_finite", "_finite_rows", "_state_finite", "_fail_state",
          "_scheduled_spikes", "_gate_deliver", "_gate_spikes", "_gate_update",
          "_poisson_source", "_arrivals", "_arrive", "_poisson_inputs", "_decay",
          "_lif_exact", "_channel_totals", "_channel_step", "_conductance_totals",
          "_euler_factors", "_lif_conductance_units", "_lif_conductance", "_adex", "_hh",
          "_neuron_step", "_record", "_advance")
#: The loop's functions that allocate arrays (compiled with Numba's reference counting;
#: the others without it, see :func:`engramlab.network._compile._dispatchers`).
ALLOCATING = ("_gate_deliver",)
SHARED = ("hh_rates_with", "hh_gate_step", "vtrap_scalar", "mg_unblocked_fraction")


# --- running it ---------------------------------------------------------------------

def compiled() -> bool:
    """The loop runs compiled: true unless ``ENGRAMLAB_NO_NUMBA=1``."""
    return os.environ.get("ENGRAMLAB_NO_NUMBA", "").strip().lower() not in ("1", "true")


def engine_name() -> str:
    """``"numba"`` or ``"python"``: what :func:`advance` runs."""
    return "numba" if compiled() else "python"


def advance(t0: int, n_steps: int, net: Net, out: Out) -> int:
    """Run :func:`_advance`: compiled by Numba (once per CPU, then from the disk cache)
    unless ``ENGRAMLAB_NO_NUMBA=1``, in which case the Python source runs as written."""
    if compiled():
        from engramlab.network import _compile

        return int(_compile.loop(t0, n_steps, net, out)(t0, n_steps, net, out))
    # as compiled (error_model="numpy"): non-finite values are found by the checks
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return int(_advance(t0, n_steps, net, out))


def uniform_np(key: int, t: int, i: np.ndarray) -> np.ndarray:
    """The kernel's counter-based uniforms, vectorised (for tests)."""
    with np.errstate(over="ignore"):
        return np.array([_uniform(np.uint64(key), t, int(k)) for k in np.asarray(i)])
