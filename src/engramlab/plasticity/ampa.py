"""AMPA-receptor expression of plasticity: kinase / phosphatase-driven trafficking.

The weight of a synapse is the number of AMPA receptors in its membrane times their
conductance. A small biochemical model, driven by the NMDA calcium of
:mod:`engramlab.plasticity.calcium_control`, after the structure of Castellani,
Quinlan, Cooper & Shouval (2001): calcium activates a high-threshold kinase
(CaMKII-like) and a low-threshold, higher-affinity phosphatase (PP1 / calcineurin);
the kinase phosphorylates GluA1 at S831 and drives insertion of receptors from a
reserve pool (exocytosis), the phosphatase dephosphorylates them and drives their
removal (endocytosis).

Activities (dimensionless, 0..1; Hill functions of calcium in uM):

.. math::

    K([Ca]) = \\frac{[Ca]^{n_K}}{K_K^{n_K} + [Ca]^{n_K}},\\qquad
    P([Ca]) = \\frac{[Ca]^{n_P}}{K_P^{n_P} + [Ca]^{n_P}},\\qquad K_P < K_K

Surface receptors :math:`N` (of :math:`N_\\mathrm{tot}`, the rest in the reserve
pool) and the phosphorylated fraction :math:`\\varphi` of the surface receptors (1/s):

.. math::

    \\frac{dN}{dt} &= (k^0_\\mathrm{in} + k_\\mathrm{in} K)(N_\\mathrm{tot} - N)
                   - (k^0_\\mathrm{out} + k_\\mathrm{out} P)\\, N \\\\
    \\frac{d\\varphi}{dt} &= (k^0_\\mathrm{p} + k_\\mathrm{p} K)(1 - \\varphi)
                   - (k^0_\\mathrm{dp} + k_\\mathrm{dp} P)\\, \\varphi

EPSC amplitude (pA) at a holding potential :math:`V_h` (AMPA reversal 0 mV), with
phosphorylated channels conducting :math:`r` times more (Derkach, Barria & Soderling
1999):

.. math::

    \\mathrm{EPSC} = N\\, \\gamma_0\\, \\bigl(1 + (r - 1)\\varphi\\bigr)\\,
                     |V_h - E_\\mathrm{AMPA}|

Both equations are affine in their variable for a given calcium trace, so they are
propagated exactly by :func:`engramlab.plasticity.calcium_control.evolve_affine`
(and long periodic protocols in closed form). At rest (:math:`[Ca] = 0`) only the
basal rates act: :math:`N_0 = N_\\mathrm{tot} k^0_\\mathrm{in} / (k^0_\\mathrm{in} +
k^0_\\mathrm{out})`, :math:`\\varphi_0 = k^0_\\mathrm{p}/(k^0_\\mathrm{p} +
k^0_\\mathrm{dp})`, and after a protocol :math:`N, \\varphi` relax back exponentially
with the (slow, hours) basal time constants (:func:`relax`).

Simplifications: receptors keep their phosphorylation state when they move, and the
phosphorylated fraction refers to the surface pool as a whole (well mixed); no
bistability (the changes decay with the basal turnover); the rate constants and
half-activations are chosen (below) so that LFS-like calcium (peaks of 0.3-0.5 uM)
favours the phosphatase and HFS-like calcium (several uM) the kinase, as in the
calcium-control hypothesis -- they are not fitted to data.

References
----------
G. C. Castellani, E. M. Quinlan, L. N. Cooper, H. Z. Shouval (2001). A biophysical
model of bidirectional synaptic plasticity: dependence on AMPA and NMDA receptors.
PNAS 98:12772-12777, doi:10.1073/pnas.201404598 (the structure: calcium-dependent
kinase and phosphatase acting on GluR1 phosphorylation sites, conductance set by the
phosphorylation state).
V. Derkach, A. Barria, T. R. Soderling (1999). Ca2+/calmodulin-kinase II enhances
channel conductance of alpha-amino-3-hydroxy-5-methyl-4-isoxazolepropionate type
glutamate receptors. PNAS 96:3269-3274, doi:10.1073/pnas.96.6.3269.
Y. Hayashi, S.-H. Shi, J. A. Esteban, A. Piccini, J.-C. Poncer, R. Malinow (2000).
Driving AMPA receptors into synapses by LTP and CaMKII: requirement for GluR1 and PDZ
domain interaction. Science 287:2262-2267, doi:10.1126/science.287.5461.2262.
E. C. Beattie, R. C. Carroll, X. Yu, W. Morishita, H. Yasuda, M. von Zastrow,
R. C. Malenka (2000). Regulation of AMPA receptor endocytosis by a signaling mechanism
shared with LTD. Nat. Neurosci. 3:1291-1300, doi:10.1038/81823.

Examples
--------
The calcium of 900 pulses at 1 Hz (LFS) removes receptors and dephosphorylates them,
100 pulses at 100 Hz (a tetanus) inserts and phosphorylates them:

>>> from engramlab.plasticity.calcium_control import (CalciumControl, evolve_affine,
...                                                    pulse_protocol)
>>> p, cc = AMPAExpression(), CalciumControl()
>>> n0, phi0 = rest_state(p)
>>> for freq_hz, n_pulses in ((1.0, 900), (100.0, 100)):
...     prot = pulse_protocol(cc, freq_hz, n_pulses)
...     n = evolve_affine(prot, lambda ca: surface_rates(p, ca), n0).final
...     phi = evolve_affine(prot, lambda ca: phosphorylation_rates(p, ca), phi0).final
...     print(freq_hz, round(float(epsc_pa(p, n, phi) / epsc_pa(p, n0, phi0)), 3))
1.0 0.25
100.0 1.85
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engramlab.core import Params, param

__all__ = [
    "AMPAExpression",
    "epsc_pa",
    "kinase_activity",
    "phosphatase_activity",
    "phosphorylation_rates",
    "relax",
    "rest_state",
    "surface_rates",
]

Array = Any
_CHOSEN = "chosen (structure after Castellani et al. 2001, PNAS 98:12772): "


class AMPAExpression(Params):
    """Parameters of the AMPA-receptor expression model (all chosen; see the docstring).

    Calcium half-activations in uM, rates in 1/s, the single-channel conductance in pS
    and the holding potential in mV; the equations are in the module docstring.

    Examples
    --------
    >>> p = AMPAExpression()
    >>> p.n_total, p.kinase_half_um, p.phosphatase_half_um  # K_P < K_K
    (150.0, 1.0, 0.3)
    >>> rest_state(p)  # a third of the receptors on the surface, 20 % phosphorylated
    (50.0, 0.2)
    """

    n_total: float = param(150.0, unit="1", gt=0.0, le=1e5,
                           doc="Receptors per synapse, surface + reserve pool N_tot.",
                           source="chosen: tens to a hundred or so surface AMPA receptors "
                                  "per spine synapse, plus a reserve")
    kinase_half_um: float = param(1.0, unit="uM", gt=0.0, le=100.0,
                                  doc="Half-activation K_K of the kinase (CaMKII-like).",
                                  source=_CHOSEN + "high threshold, above the 0.3-0.5 uM "
                                         "calcium peaks of 1 Hz stimulation")
    kinase_hill: float = param(4.0, unit="1", gt=0.0, le=10.0,
                               doc="Hill coefficient n_K of the kinase.",
                               source=_CHOSEN + "cooperative activation by Ca4-calmodulin")
    phosphatase_half_um: float = param(0.3, unit="uM", gt=0.0, le=100.0,
                                       doc="Half-activation K_P of the phosphatase "
                                           "(PP1 / calcineurin-like).",
                                       source=_CHOSEN + "higher affinity than the kinase")
    phosphatase_hill: float = param(3.0, unit="1", gt=0.0, le=10.0,
                                    doc="Hill coefficient n_P of the phosphatase.",
                                    source=_CHOSEN + "cooperative calcium binding")
    k_in_basal: float = param(1e-4, unit="1/s", ge=0.0, le=100.0,
                              doc="Basal insertion rate k0_in.",
                              source=_CHOSEN + "turnover of hours at rest, like 1/eta(0) "
                                     "~ 3 h of the calcium-control rule")
    k_out_basal: float = param(2e-4, unit="1/s", ge=0.0, le=100.0,
                               doc="Basal removal rate k0_out (N_0 = N_tot / 3).",
                               source=_CHOSEN + "a third of the receptors on the surface "
                                      "at rest")
    k_in: float = param(0.2, unit="1/s", ge=0.0, le=100.0,
                        doc="Kinase-driven insertion rate k_in (exocytosis).",
                        source=_CHOSEN + "insertion by CaMKII activity (Hayashi et al. "
                               "2000); seconds of tetanus move tens of percent")
    k_out: float = param(0.05, unit="1/s", ge=0.0, le=100.0,
                         doc="Phosphatase-driven removal rate k_out (endocytosis).",
                         source=_CHOSEN + "removal in LTD (Beattie et al. 2000), slower "
                                "than insertion: LTD needs minutes of 1 Hz")
    k_p_basal: float = param(2e-4, unit="1/s", ge=0.0, le=100.0,
                             doc="Basal phosphorylation rate k0_p of S831.",
                             source=_CHOSEN + "phi_0 = 0.2 at rest")
    k_dp_basal: float = param(8e-4, unit="1/s", ge=0.0, le=100.0,
                              doc="Basal dephosphorylation rate k0_dp.",
                              source=_CHOSEN + "phi_0 = 0.2 at rest")
    k_p: float = param(1.0, unit="1/s", ge=0.0, le=100.0,
                       doc="Kinase-driven phosphorylation rate k_p.",
                       source=_CHOSEN + "CaMKII phosphorylates S831 within seconds")
    k_dp: float = param(0.2, unit="1/s", ge=0.0, le=100.0,
                        doc="Phosphatase-driven dephosphorylation rate k_dp.",
                        source=_CHOSEN + "slower than phosphorylation, as k_out < k_in, "
                               "but enough to dephosphorylate at 1 Hz calcium")
    g_single_ps: float = param(10.0, unit="pS", gt=0.0, le=1000.0,
                               doc="Conductance gamma_0 of an unphosphorylated channel.",
                               source="chosen: order of AMPA-receptor single-channel "
                                      "conductances (~10 pS)")
    conductance_ratio: float = param(2.0, unit="1", ge=1.0, le=10.0,
                                     doc="Conductance of S831-phosphorylated channels "
                                         "relative to unphosphorylated ones, r.",
                                     source="chosen: CaMKII raises GluA1 conductance "
                                            "(Derkach, Barria & Soderling 1999, PNAS "
                                            "96:3269); the factor is chosen")
    v_hold_mv: float = param(-70.0, unit="mV", ge=-150.0, le=50.0,
                             doc="Holding potential V_h of the EPSC measurement.",
                             source="chosen: usual voltage-clamp holding potential")


def _hill(ca_um: Array, half: float, n: float) -> np.ndarray:
    ca = np.maximum(np.asarray(ca_um, dtype=float), 0.0)
    x = (ca / half) ** n
    return x / (1.0 + x)


def kinase_activity(params: AMPAExpression, ca_um: Array) -> np.ndarray:
    """K([Ca]) = Ca^n / (K_K^n + Ca^n), in [0, 1).

    Parameters
    ----------
    params
        The model.
    ca_um
        Calcium concentration (uM); negative values count as 0.

    Returns
    -------
    numpy.ndarray
        Kinase activity (dimensionless), shape of ``ca_um``.

    Examples
    --------
    >>> import numpy as np
    >>> p = AMPAExpression()
    >>> np.round(kinase_activity(p, [0.0, 0.4, 1.0, 3.0]), 3).tolist()  # half at K_K = 1 uM
    [0.0, 0.025, 0.5, 0.988]
    """
    return _hill(ca_um, params.kinase_half_um, params.kinase_hill)


def phosphatase_activity(params: AMPAExpression, ca_um: Array) -> np.ndarray:
    """P([Ca]) = Ca^n / (K_P^n + Ca^n), in [0, 1).

    Parameters
    ----------
    params
        The model.
    ca_um
        Calcium concentration (uM); negative values count as 0.

    Returns
    -------
    numpy.ndarray
        Phosphatase activity (dimensionless), shape of ``ca_um``.

    Examples
    --------
    The phosphatase is already active at the 0.4 uM of low-frequency stimulation,
    where the kinase is not:

    >>> import numpy as np
    >>> p = AMPAExpression()
    >>> np.round(phosphatase_activity(p, [0.0, 0.3, 0.4, 3.0]), 3).tolist()
    [0.0, 0.5, 0.703, 0.999]
    """
    return _hill(ca_um, params.phosphatase_half_um, params.phosphatase_hill)


def surface_rates(params: AMPAExpression, ca_um: Array) -> tuple[np.ndarray, np.ndarray]:
    """``(k, b)`` (1/s, receptors/s) of dN/dt = -k N + b.

    Parameters
    ----------
    params
        The model.
    ca_um
        Calcium concentration (uM).

    Returns
    -------
    k, b : numpy.ndarray
        Total rate ``k_in + k_out`` (1/s) and inflow ``k_in N_tot`` (receptors/s), shape
        of ``ca_um``; ``b / k`` is the surface number calcium held fixed would lead to.

    Examples
    --------
    >>> import numpy as np
    >>> p = AMPAExpression()
    >>> k, b = surface_rates(p, [0.0, 0.4, 3.0])
    >>> np.round(b / k, 2).tolist()  # rest, LTD-like, LTP-like calcium
    [50.0, 18.88, 119.64]
    """
    k_in = params.k_in_basal + params.k_in * kinase_activity(params, ca_um)
    k_out = params.k_out_basal + params.k_out * phosphatase_activity(params, ca_um)
    return k_in + k_out, k_in * params.n_total


def phosphorylation_rates(params: AMPAExpression,
                          ca_um: Array) -> tuple[np.ndarray, np.ndarray]:
    """``(k, b)`` (1/s) of dphi/dt = -k phi + b.

    Parameters
    ----------
    params
        The model.
    ca_um
        Calcium concentration (uM).

    Returns
    -------
    k, b : numpy.ndarray
        Total rate ``k_p + k_dp`` and phosphorylation rate ``k_p`` (1/s), shape of
        ``ca_um``; ``b / k`` is the phosphorylated fraction at fixed calcium.

    Examples
    --------
    >>> import numpy as np
    >>> p = AMPAExpression()
    >>> k, b = phosphorylation_rates(p, [0.0, 0.4, 3.0])
    >>> np.round(b / k, 3).tolist()
    [0.2, 0.151, 0.831]
    """
    kp = params.k_p_basal + params.k_p * kinase_activity(params, ca_um)
    kdp = params.k_dp_basal + params.k_dp * phosphatase_activity(params, ca_um)
    return kp + kdp, kp


def rest_state(params: AMPAExpression) -> tuple[float, float]:
    """``(N_0, phi_0)``, the fixed point at zero calcium.

    Returns
    -------
    n0, phi0 : float
        Surface receptors :math:`N_0 = N_\\mathrm{tot} k^0_\\mathrm{in} / (k^0_\\mathrm{in}
        + k^0_\\mathrm{out})` and phosphorylated fraction :math:`\\varphi_0`.

    Examples
    --------
    >>> rest_state(AMPAExpression())
    (50.0, 0.2)
    >>> rest_state(AMPAExpression(k_out_basal=1e-4))  # equal basal rates: half inserted
    (75.0, 0.2)
    """
    k, b = surface_rates(params, 0.0)
    kp, bp = phosphorylation_rates(params, 0.0)
    n0 = float(b / k) if k > 0 else params.n_total / 2
    phi0 = float(bp / kp) if kp > 0 else 0.0
    return n0, phi0


def epsc_pa(params: AMPAExpression, n_surface: Array, phospho: Array) -> np.ndarray:
    """EPSC amplitude (pA): N gamma_0 (1 + (r - 1) phi) abs(V_h - 0 mV) (pS mV = 1e-3 pA).

    Parameters
    ----------
    params
        The model.
    n_surface
        Surface receptors :math:`N`.
    phospho
        Phosphorylated fraction :math:`\\varphi` (broadcasts against ``n_surface``).

    Returns
    -------
    numpy.ndarray
        EPSC amplitude (pA, positive).

    Examples
    --------
    At rest, 50 receptors of 10 pS, 20 % of them conducting twice as much, at -70 mV:

    >>> p = AMPAExpression()
    >>> round(float(epsc_pa(p, *rest_state(p))), 3)
    42.0
    >>> round(float(epsc_pa(p, 50.0, 1.0)), 3)  # all phosphorylated: r = 2 times
    70.0
    """
    g_ps = (np.asarray(n_surface, dtype=float) * params.g_single_ps
            * (1.0 + (params.conductance_ratio - 1.0) * np.asarray(phospho, dtype=float)))
    return g_ps * abs(params.v_hold_mv) * 1e-3


def relax(params: AMPAExpression, n_surface: Array, phospho: Array,
          t_s: Array) -> tuple[np.ndarray, np.ndarray]:
    """``(N, phi)`` a time ``t_s`` after a protocol, at rest (exact exponentials).

    ``t_s`` broadcasts against the trailing axis: inputs of shape ``(...)`` and times of
    shape ``(m,)`` give ``(..., m)``.

    Parameters
    ----------
    params
        The model.
    n_surface, phospho
        State at the end of the protocol.
    t_s
        Times after the protocol (s).

    Returns
    -------
    n, phi : numpy.ndarray
        Surface receptors and phosphorylated fraction, shape ``(..., m)``.

    Examples
    --------
    A potentiated synapse decays back to rest with the basal turnover (hours):

    >>> import numpy as np
    >>> p = AMPAExpression()
    >>> n, phi = relax(p, 80.0, 0.6, np.array([0.0, 3600.0, 36000.0]))
    >>> np.round(n, 2).tolist(), np.round(phi, 3).tolist()
    ([80.0, 60.19, 50.0], [0.6, 0.211, 0.2])
    """
    t = np.asarray(t_s, dtype=float)
    n0, phi0 = rest_state(params)
    k, _ = surface_rates(params, 0.0)
    kp, _ = phosphorylation_rates(params, 0.0)
    n = np.asarray(n_surface, dtype=float)[..., None]
    phi = np.asarray(phospho, dtype=float)[..., None]
    return (n0 + (n - n0) * np.exp(-float(k) * t),
            phi0 + (phi - phi0) * np.exp(-float(kp) * t))
