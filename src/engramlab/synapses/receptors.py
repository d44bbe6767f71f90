r"""Postsynaptic receptors: delta, current and conductance synapses with exact kinetics.

A :class:`Receptor` describes what one presynaptic spike does to the postsynaptic cell:

``"delta"``
    the membrane potential jumps by the weight :math:`w` (mV) in the step the spike
    arrives; there is no synaptic state to integrate.
``"current"``
    a synaptic current :math:`I_\mathrm{syn}` (pA) that jumps by :math:`w` (pA) and
    decays (single or bi-exponential kinetics, below).
``"conductance"``
    a conductance :math:`g` (nS) that jumps by :math:`w` (nS) and decays; the current
    into the cell is

    .. math::  I_\mathrm{syn} = g \, B(V) \, (E_\mathrm{rev} - V)

    with :math:`B(V) = 1` unless the receptor has the voltage-dependent Mg2+ block of
    the NMDA receptor (:func:`mg_block`, Jahr & Stevens 1990).

**Sign convention.** :math:`I_\mathrm{syn} > 0` depolarises: it enters the membrane
equation as :math:`C \, dV/dt = -g_L (V - E_L) + I_\mathrm{syn} + \dots`. An excitatory
conductance (:math:`E_\mathrm{rev} = 0` mV) at rest therefore gives a positive
current, an inhibitory one (:math:`E_\mathrm{rev} = -80` mV) a negative one.

**Kinetics.** With ``tau_rise_ms == 0`` the state is one variable,

.. math::  \frac{dg}{dt} = -\frac{g}{\tau_d}, \qquad g \leftarrow g + w \text{ at a spike.}

With ``tau_rise_ms > 0`` it is two variables :math:`(g, h)`,

.. math::

    \frac{dg}{dt} = -\frac{g}{\tau_d} + h, \qquad \frac{dh}{dt} = -\frac{h}{\tau_r},
    \qquad h \leftarrow h + w \, \kappa(\tau_r, \tau_d) \text{ at a spike,}

so a single spike gives :math:`g(t) = w \kappa \, \frac{\tau_d \tau_r}{\tau_d - \tau_r}
(e^{-t/\tau_d} - e^{-t/\tau_r})`, whose peak equals :math:`w` because of the
normalisation :math:`\kappa` (:func:`peak_factor`, unit 1/ms). For
:math:`\tau_r = \tau_d = \tau` this is the alpha function :math:`w \, (t/\tau)\,
e^{1 - t/\tau}`.

**Integration** (:func:`receptor_step`) is exact for any ``dt``: over one step the
linear system is propagated with its matrix exponential, then the spikes of the step
are added (they arrive at the *end* of the step, at :math:`t + dt`):

.. math::

    h(t+dt) &= h(t)\, e^{-dt/\tau_r} + \kappa \textstyle\sum w, \\
    g(t+dt) &= g(t)\, e^{-dt/\tau_d} + h(t)\, P(dt) \;(+ \textstyle\sum w
    \text{ if } \tau_r = 0), \\
    P(dt) &= \int_0^{dt} e^{-(dt-s)/\tau_d} e^{-s/\tau_r}\, ds
          = dt\, e^{-dt/\tau_d}\, \varphi\big((1/\tau_r - 1/\tau_d)\, dt\big),
          \quad \varphi(x) = \frac{1 - e^{-x}}{x},

written with :math:`\varphi` so that it stays accurate as :math:`\tau_r \to \tau_d`.

Defaults and sources
--------------------
- :func:`AMPA`, :func:`GABA_A`: single exponentials, 5 ms / 0 mV and 10 ms / -80 mV,
  the conductance-based benchmark (COBA) of Brette et al. 2007, J Comput Neurosci
  23:349, doi:10.1007/s10827-007-0038-6 (after Vogels & Abbott 2005).
- :func:`NMDA`: rise 2 ms, decay 100 ms, 0 mV, Mg2+ block with [Mg2+] = 1 mM, Wang 2002,
  Neuron 36:955, doi:10.1016/S0896-6273(02)01092-9 and Brunel & Wang 2001, J Comput
  Neurosci 11:63, doi:10.1023/A:1011204814320 (their saturation term is dropped: the
  conductance is linear in the input).
- :func:`GABA_B`: rise 60 ms, decay 200 ms (the dual-exponential GABA_B synapse of Hill
  & Tononi 2005, J Neurophysiol 93:1671, doi:10.1152/jn.00915.2004) with
  :math:`E_K = -95` mV (the K+ reversal of the GABA_B kinetic model of Destexhe, Mainen
  & Sejnowski 1994, J Comput Neurosci 1:195, doi:10.1007/BF00961734). The G-protein
  cascade (four G-proteins to open a channel) is not modelled; only the slow time
  course is kept.

Example
-------
>>> import numpy as np
>>> r = AMPA()
>>> s = receptor_init(r, 2)
>>> s = receptor_step(r, s, np.array([6.0, 0.0]), 0.1)   # 6 nS arrives at neuron 0
>>> receptor_current_pa(r, s, np.array([-60.0, -60.0]))  # (0 - (-60)) mV * 6 nS
array([360.,   0.])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

import numpy as np
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from engramlab.core import ParameterError, Params, namespace, param

__all__ = [
    "AMPA",
    "GABA_A",
    "GABA_B",
    "MG_BLOCK_K_MM",
    "MG_BLOCK_SLOPE_PER_MV",
    "NMDA",
    "Propagators",
    "Receptor",
    "ReceptorState",
    "current_exp",
    "delta",
    "mg_block",
    "mg_unblocked_fraction",
    "peak_factor",
    "receptor_current_pa",
    "receptor_init",
    "receptor_propagators",
    "receptor_step",
]

Array = Any

#: Jahr & Stevens 1990 (J Neurosci 10:3178), Eq. 2: [Mg2+] scale of the block, mM.
MG_BLOCK_K_MM = 3.57
#: Jahr & Stevens 1990: voltage dependence of the block, 1/mV.
MG_BLOCK_SLOPE_PER_MV = 0.062


def mg_unblocked_fraction(v_mv: Any, mg_mm: float, exp: Callable[[Any], Any]) -> Any:
    """B(V) of :func:`mg_block`, written once for any elementwise ``exp``.

    No checks: :func:`mg_block` calls it with ``xp.exp``; the network loop compiles it
    per neuron with ``math.exp``.

    Examples
    --------
    >>> round(mg_unblocked_fraction(-60.0, 1.0, math.exp), 4)  # 1 / (1 + e^3.72 / 3.57)
    0.0796
    """
    return 1.0 / (1.0 + mg_mm / MG_BLOCK_K_MM * exp(-MG_BLOCK_SLOPE_PER_MV * v_mv))


_BRETTE_2007 = ("Brette et al. 2007, J Comput Neurosci 23:349, COBA benchmark "
                "(after Vogels & Abbott 2005)")
_WANG_2002 = "Wang 2002, Neuron 36:955; Brunel & Wang 2001, J Comput Neurosci 11:63"


class Receptor(Params):
    r"""A postsynaptic receptor type (see the module docstring for the equations).

    Build one with a factory (:func:`AMPA`, :func:`NMDA`, ...) or with
    ``Receptor.create(...)``, which turns invalid values into
    :class:`~engramlab.core.ParameterError`. A ``"current"`` or ``"delta"`` receptor
    cannot have the Mg2+ block (it has no driving force to block).

    Examples
    --------
    >>> r = Receptor.create("slow_exc", tau_decay_ms=20.0, tau_rise_ms=1.0)
    >>> r.kind, r.tau_decay_ms, r.e_rev_mv, r.has_rise
    ('conductance', 20.0, 0.0, True)
    >>> Receptor().has_rise  # the defaults: AMPA-like, single exponential
    False
    """

    kind: Literal["delta", "current", "conductance"] = param(
        "conductance", unit="1",
        doc="What a spike changes: the potential (delta, weight in mV), a current "
            "(weight in pA) or a conductance (weight in nS).",
        source="Brette et al. 2007 benchmark: CUBA (current) and COBA (conductance) "
               "synapses; delta synapses as in Brunel 2000",
    )
    tau_decay_ms: float = param(
        5.0, unit="ms", gt=0.0, le=1e6,
        doc="Decay time constant tau_d of the conductance or current (unused for delta).",
        source=_BRETTE_2007 + ": excitatory tau_e = 5 ms",
    )
    tau_rise_ms: float = param(
        0.0, unit="ms", ge=0.0, le=1e6,
        doc="Rise time constant tau_r; 0 = instantaneous rise (single exponential).",
        source=_BRETTE_2007 + ": instantaneous rise",
    )
    e_rev_mv: float = param(
        0.0, unit="mV", ge=-200.0, le=200.0,
        doc="Reversal potential E_rev of a conductance (unused for current and delta).",
        source=_BRETTE_2007 + ": E_ex = 0 mV",
    )
    mg_block: bool = param(
        False, unit="1",
        doc="Whether the conductance is multiplied by the Mg2+ block B(V).",
        source="Jahr & Stevens 1990, J Neurosci 10:3178 (NMDA receptors only)",
    )
    mg_mm: float = param(
        1.0, unit="mM", ge=0.0, le=100.0,
        doc="External Mg2+ concentration [Mg2+]_o used by the block.",
        source="Jahr & Stevens 1990; Wang 2002: [Mg2+] = 1 mM",
    )

    saturation_per_ms: float = param(
        0.0, unit="1/ms", ge=0.0, le=1e3,
        doc="Saturating two-stage kinetics (alpha): per presynaptic neuron, x jumps by 1 "
            "at a spike and decays with tau_rise, the gating s obeys ds/dt = -s/tau_decay "
            "+ alpha x (1 - s) (0 <= s < 1). 0: linear kinetics. Only dense projections "
            "(presynaptic gating, engramlab.network.Dense) can target such a receptor.",
        source="Wang 1999 (J Neurosci 19:9587) and Compte et al. 2000 (Cereb Cortex "
               "10:910): NMDA with alpha = 0.5 /ms, tau_x = 2 ms, tau_s = 100 ms",
    )

    @field_validator("saturation_per_ms")
    @classmethod
    def _saturation_needs_rise(cls, value: float, info: ValidationInfo) -> float:
        if value > 0 and not info.data.get("tau_rise_ms", 0.0) > 0:
            raise PydanticCustomError(
                "saturation_rise",
                "needs tau_rise_ms > 0 (the decay time of x, the first stage of the "
                "saturating kinetics)", {})
        if value > 0 and info.data.get("kind") == "delta":
            raise PydanticCustomError("saturation_kind",
                                      "must be 0 for a delta receptor", {})
        return value

    @field_validator("mg_block")
    @classmethod
    def _block_needs_conductance(cls, value: bool, info: ValidationInfo) -> bool:
        kind = info.data.get("kind")
        if value and kind in ("current", "delta"):
            raise PydanticCustomError(
                "mg_block_kind",
                "must be false for a {kind} receptor (the Mg2+ block acts on a "
                "conductance's driving force)",
                {"kind": kind},
            )
        return value

    @property
    def has_rise(self) -> bool:
        """Whether the kinetics are bi-exponential (two state variables)."""
        return self.kind != "delta" and self.tau_rise_ms > 0.0


def _with(defaults: dict[str, Any], overrides: dict[str, Any], name: str) -> Receptor:
    return Receptor.create(name, **{**defaults, **overrides})


def AMPA(**overrides: Any) -> Receptor:
    """AMPA receptor: conductance, tau_d = 5 ms, E = 0 mV (Brette et al. 2007 COBA).

    Examples
    --------
    >>> r = AMPA()
    >>> r.kind, r.tau_decay_ms, r.e_rev_mv, r.has_rise, r.mg_block
    ('conductance', 5.0, 0.0, False, False)
    >>> AMPA(tau_decay_ms=2.0).tau_decay_ms  # any field can be overridden
    2.0
    """
    return _with({"kind": "conductance", "tau_decay_ms": 5.0, "tau_rise_ms": 0.0,
                  "e_rev_mv": 0.0, "mg_block": False}, overrides, "AMPA")


def GABA_A(**overrides: Any) -> Receptor:
    """GABA_A receptor: conductance, tau_d = 10 ms, E = -80 mV (Brette et al. 2007).

    Examples
    --------
    >>> r = GABA_A()
    >>> r.tau_decay_ms, r.e_rev_mv, r.has_rise
    (10.0, -80.0, False)
    """
    return _with({"kind": "conductance", "tau_decay_ms": 10.0, "tau_rise_ms": 0.0,
                  "e_rev_mv": -80.0, "mg_block": False}, overrides, "GABA_A")


def NMDA(**overrides: Any) -> Receptor:
    """NMDA receptor: tau_r = 2 ms, tau_d = 100 ms, E = 0 mV, Mg2+ block at 1 mM.

    Kinetics from Wang 2002 (Neuron 36:955) and Brunel & Wang 2001 (J Comput Neurosci
    11:63), block from Jahr & Stevens 1990 (J Neurosci 10:3178).

    Examples
    --------
    >>> r = NMDA()
    >>> r.tau_rise_ms, r.tau_decay_ms, r.e_rev_mv, r.mg_block, r.mg_mm
    (2.0, 100.0, 0.0, True, 1.0)
    >>> NMDA(mg_mm=0.0).mg_mm  # Mg2+-free bath
    0.0
    """
    return _with({"kind": "conductance", "tau_decay_ms": 100.0, "tau_rise_ms": 2.0,
                  "e_rev_mv": 0.0, "mg_block": True, "mg_mm": 1.0}, overrides, "NMDA")


def GABA_B(**overrides: Any) -> Receptor:
    """GABA_B receptor: slow K+ conductance, tau_r = 60 ms, tau_d = 200 ms, E = -95 mV.

    Time constants: the dual-exponential GABA_B synapse of Hill & Tononi 2005
    (J Neurophysiol 93:1671). Reversal: E_K = -95 mV as in the GABA_B kinetic model of
    Destexhe, Mainen & Sejnowski 1994 (J Comput Neurosci 1:195). The bi-exponential
    replaces their G-protein cascade, keeping the slow rise and long decay only.

    Examples
    --------
    >>> r = GABA_B()
    >>> r.tau_rise_ms, r.tau_decay_ms, r.e_rev_mv, r.has_rise
    (60.0, 200.0, -95.0, True)
    """
    return _with({"kind": "conductance", "tau_decay_ms": 200.0, "tau_rise_ms": 60.0,
                  "e_rev_mv": -95.0, "mg_block": False}, overrides, "GABA_B")


def current_exp(tau_ms: float, **overrides: Any) -> Receptor:
    """Exponentially decaying current synapse (weights in pA), e.g. the CUBA benchmark.

    Examples
    --------
    >>> r = current_exp(5.0)
    >>> r.kind, r.tau_decay_ms
    ('current', 5.0)
    >>> s = receptor_step(r, receptor_init(r, 1), 10.0, 5.0)  # 10 pA arrives
    >>> receptor_current_pa(r, receptor_step(r, s, 0.0, 5.0), -60.0).round(4).tolist()  # 10/e
    [3.6788]
    """
    return _with({"kind": "current", "tau_decay_ms": tau_ms, "tau_rise_ms": 0.0},
                 overrides, "current_exp")


def delta(**overrides: Any) -> Receptor:
    """Delta synapse: a spike of weight w moves V by w mV (Brunel 2000).

    Examples
    --------
    >>> r = delta()
    >>> s = receptor_step(r, receptor_init(r, 2), np.array([0.2, 0.0]), 0.1)
    >>> r.kind, s.g.tolist()  # this step's jumps of V (mV)
    ('delta', [0.2, 0.0])
    >>> receptor_step(r, s, 0.0, 0.1).g.tolist()  # no state: gone the next step
    [0.0, 0.0]
    """
    return _with({"kind": "delta"}, overrides, "delta")


# -- the block ------------------------------------------------------------------------


def mg_block(v_mv: Array, mg_mm: float = 1.0, xp: Any = None) -> Array:
    r"""Fraction of NMDA conductance not blocked by Mg2+ (Jahr & Stevens 1990, Eq. 2).

    .. math::  B(V) = \frac{1}{1 + \frac{[\mathrm{Mg}^{2+}]_o}{3.57\ \mathrm{mM}}
               \, e^{-0.062\,V / \mathrm{mV}}}

    Parameters
    ----------
    v_mv
        Membrane potential (mV), scalar or array.
    mg_mm
        External Mg2+ concentration (mM), >= 0. ``0`` gives ``B = 1``.
    xp
        Array namespace; by default the namespace of ``v_mv`` (NumPy for scalars).

    Returns
    -------
    Array of ``B`` in (0, 1], same shape as ``v_mv``.

    Examples
    --------
    >>> round(float(mg_block(-60.0)), 4)  # 1 / (1 + (1 / 3.57) e^(0.062 * 60))
    0.0796
    >>> np.round(mg_block(np.array([-80.0, -20.0, 0.0])), 4).tolist()  # relieved as V rises
    [0.0244, 0.5081, 0.7812]
    >>> float(mg_block(-60.0, mg_mm=0.0))  # no Mg2+: no block
    1.0
    """
    if not (isinstance(mg_mm, (int, float, np.floating)) and math.isfinite(mg_mm)
            and mg_mm >= 0):
        raise ParameterError("mg_mm", "must be a finite number >= 0", mg_mm)
    if xp is None:
        try:
            xp = namespace(v_mv)
        except TypeError:
            xp = np
            v_mv = np.asarray(v_mv, dtype=float)
    return mg_unblocked_fraction(v_mv, float(mg_mm), xp.exp)


# -- kinetics -------------------------------------------------------------------------


def _phi(x: float) -> float:
    """(1 - exp(-x)) / x, accurate near 0 (the limit 1)."""
    return 1.0 if x == 0.0 else -math.expm1(-x) / x


def _check_tau(name: str, value: float, lower_open: bool) -> float:
    ok = isinstance(value, (int, float, np.floating)) and math.isfinite(value) and (
        value > 0 if lower_open else value >= 0)
    if not ok:
        raise ParameterError(name, "must be a finite number " + (">" if lower_open else ">=")
                             + " 0", value)
    return float(value)


def peak_factor(tau_rise_ms: float, tau_decay_ms: float) -> float:
    r"""Normalisation :math:`\kappa` that makes the peak of a bi-exponential equal the weight.

    A jump :math:`h \leftarrow h + w\kappa` in :math:`dg/dt = -g/\tau_d + h,\
    dh/dt = -h/\tau_r` gives a conductance whose maximum is exactly :math:`w`:

    .. math::

        t^* = \frac{\tau_r \tau_d}{\tau_d - \tau_r} \ln\frac{\tau_d}{\tau_r}, \qquad
        \kappa = \Big[t^* e^{-t^*/\tau_d}\,
                 \varphi\big((1/\tau_r - 1/\tau_d)\,t^*\big)\Big]^{-1}

    (unit 1/ms). For :math:`\tau_r = \tau_d = \tau` (alpha function) :math:`t^* = \tau`
    and :math:`\kappa = e/\tau`; for ``tau_rise_ms == 0`` the rise is instantaneous, the
    weight is added to :math:`g` directly, and the factor is 1 (dimensionless).

    Examples
    --------
    >>> round(peak_factor(2.0, 2.0), 4), round(math.e / 2.0, 4)  # alpha function: e / tau
    (1.3591, 1.3591)
    >>> peak_factor(0.0, 5.0), round(peak_factor(2.0, 100.0), 4)  # instant rise; NMDA
    (1.0, 0.5416)
    """
    tau_r = _check_tau("tau_rise_ms", tau_rise_ms, lower_open=False)
    tau_d = _check_tau("tau_decay_ms", tau_decay_ms, lower_open=True)
    if tau_r == 0.0:
        return 1.0
    if tau_r == tau_d:
        t_peak = tau_d
    else:
        diff = tau_d - tau_r  # exact in floating point (Sterbenz) when close
        t_peak = tau_r * tau_d * math.log1p(diff / tau_r) / diff
    rate_gap = 1.0 / tau_r - 1.0 / tau_d
    return 1.0 / (t_peak * math.exp(-t_peak / tau_d) * _phi(rate_gap * t_peak))


class ReceptorState(NamedTuple):
    """State of a population of receptors (arrays of one shape).

    ``g``: conductance (nS), current (pA), or for a delta receptor the voltage jump
    (mV) delivered in the last step. ``h``: the rise variable (nS/ms or pA/ms); zero
    and unused for single-exponential and delta receptors.

    Examples
    --------
    >>> r = NMDA()
    >>> s = receptor_step(r, receptor_init(r, 1), 1.0, 0.1)  # 1 nS arrives at the step's end
    >>> s._fields, s.g.tolist(), round(float(s.h[0]), 4)  # h jumps by kappa, g rises later
    (('g', 'h'), [0.0], 0.5416)
    """

    g: Array
    h: Array


class Propagators(NamedTuple):
    """Exact one-step propagators of :func:`receptor_step` for a given ``dt``.

    ``g(t+dt) = decay_g g + couple h (+ jump_g w)``, ``h(t+dt) = decay_h h + jump_h w``.

    Examples
    --------
    >>> p = receptor_propagators(AMPA(), 1.0)
    >>> round(p.decay_g, 6), p.jump_g, p.jump_h  # e^(-1/5); the weight jumps into g
    (0.818731, 1.0, 0.0)
    """

    decay_g: float
    decay_h: float
    couple: float
    jump_g: float
    jump_h: float


def receptor_propagators(receptor: Receptor, dt_ms: float) -> Propagators:
    """The constants of one exact step of length ``dt_ms`` (see the module docstring).

    A network kernel can apply them itself:
    ``g = decay_g * g + couple * h + jump_g * w``, ``h = decay_h * h + jump_h * w``
    (``h`` on the right-hand side is the value before the step).

    Examples
    --------
    >>> p = receptor_propagators(NMDA(), 0.1)
    >>> round(p.decay_g, 7), round(p.decay_h, 6)  # e^(-0.1/100), e^(-0.1/2)
    (0.9990005, 0.951229)
    >>> p.jump_g, round(p.jump_h, 4)  # the weight enters h, scaled by peak_factor(2, 100)
    (0.0, 0.5416)
    """
    dt = _check_tau("dt_ms", dt_ms, lower_open=True)
    if receptor.kind == "delta":
        return Propagators(0.0, 0.0, 0.0, 1.0, 0.0)
    tau_d = receptor.tau_decay_ms
    decay_g = math.exp(-dt / tau_d)
    if not receptor.has_rise:
        return Propagators(decay_g, 0.0, 0.0, 1.0, 0.0)
    tau_r = receptor.tau_rise_ms
    couple = dt * decay_g * _phi((1.0 / tau_r - 1.0 / tau_d) * dt)
    return Propagators(decay_g, math.exp(-dt / tau_r), couple, 0.0,
                       peak_factor(tau_r, tau_d))


def receptor_init(receptor: Receptor, n: int | tuple[int, ...], *, xp: Any = None,
                  dtype: Any = None) -> ReceptorState:
    """Receptors at rest (``g = h = 0``) for ``n`` synapses or neurons.

    Parameters
    ----------
    receptor
        The receptor type.
    n
        Number of receptors, or a shape for batched simulations.
    xp, dtype
        Array namespace (default NumPy) and dtype (default float64).

    Examples
    --------
    >>> s = receptor_init(NMDA(), 3)
    >>> s.g.tolist(), s.h.tolist()
    ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0])
    >>> receptor_init(AMPA(), (2, 4)).g.shape  # a batch of 2 networks of 4 receptors
    (2, 4)
    """
    xp = np if xp is None else xp
    dtype = xp.float64 if dtype is None else dtype
    shape = (n,) if isinstance(n, (int, np.integer)) else tuple(n)
    if any(int(k) < 0 for k in shape):
        raise ParameterError("n", "must be >= 0", n)
    return ReceptorState(xp.zeros(shape, dtype=dtype), xp.zeros(shape, dtype=dtype))


def receptor_step(receptor: Receptor, state: ReceptorState, spikes_weighted: Array,
                  dt_ms: float) -> ReceptorState:
    """Advance receptors exactly by ``dt_ms``, then add the spikes of this step.

    Parameters
    ----------
    receptor
        The receptor type.
    state
        The state at time ``t``.
    spikes_weighted
        Sum of the weights of the spikes arriving in this step, per receptor (mV for
        delta, pA for current, nS for conductance receptors); broadcast against the
        state. They are added after the propagation, i.e. they arrive at ``t + dt``.
    dt_ms
        Step length (ms), > 0. Any value is exact (no stability limit).

    Returns
    -------
    ReceptorState
        The state at ``t + dt``. For a delta receptor ``g`` is the jump of this step.

    Examples
    --------
    >>> r = GABA_A()  # tau_d = 10 ms
    >>> s = receptor_step(r, receptor_init(r, 1), 2.0, 0.1)  # 2 nS arrives
    >>> round(float(receptor_step(r, s, 0.0, 10.0).g[0]), 4)  # one tau later: 2 / e
    0.7358
    """
    p = receptor_propagators(receptor, dt_ms)
    if receptor.kind == "delta":
        xp = namespace(state.g)
        return ReceptorState(xp.zeros_like(state.g) + spikes_weighted, state.h)
    if not receptor.has_rise:
        return ReceptorState(state.g * p.decay_g + spikes_weighted, state.h)
    g = state.g * p.decay_g + state.h * p.couple
    h = state.h * p.decay_h + spikes_weighted * p.jump_h
    return ReceptorState(g, h)


def receptor_current_pa(receptor: Receptor, state: ReceptorState, v_mv: Array) -> Array:
    r"""Synaptic current into the cell (pA), positive = depolarising.

    ``"current"``: :math:`I = g`. ``"conductance"``:
    :math:`I = g\,B(V)\,(E_\mathrm{rev} - V)` with nS x mV = pA, :math:`B = 1` without
    the Mg2+ block. A ``"delta"`` receptor has no current (it moves V directly by
    ``state.g`` mV) and raises :class:`~engramlab.core.ParameterError`.

    Examples
    --------
    >>> r = GABA_A()
    >>> s = receptor_step(r, receptor_init(r, 1), 2.0, 0.1)
    >>> receptor_current_pa(r, s, np.array([-60.0])).tolist()  # 2 nS * (-80 - (-60)) mV
    [-40.0]
    >>> r = NMDA()
    >>> s = ReceptorState(g=np.array([1.0]), h=np.array([0.0]))  # 1 nS open
    >>> receptor_current_pa(r, s, np.array([-60.0])).round(3).tolist()  # 1 * 0.0796 * 60
    [4.778]
    """
    if receptor.kind == "delta":
        raise ParameterError("kind", "delta receptors have no current; add state.g (mV) "
                             "to the membrane potential instead", receptor.kind)
    if receptor.kind == "current":
        return state.g
    drive = receptor.e_rev_mv - v_mv
    if receptor.mg_block:
        return state.g * mg_block(v_mv, receptor.mg_mm) * drive
    return state.g * drive
