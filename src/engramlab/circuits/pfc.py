r"""Prefrontal cortex: the spatial working-memory ring of Compte et al. (2000) as a region.

:func:`compte_region` puts :func:`~engramlab.network.working_memory.compte_network` (2048
pyramidal cells on a ring of preferred angles, 512 interneurons; recurrent excitation by
saturating NMDA synapses with the circular Gaussian footprint :math:`J(\theta)`, feedback
inhibition by GABA_A) behind the :class:`~engramlab.circuits.SpikingRegion` interface:

* cell groups ``E`` (the pyramidal cells in ring order: cell :math:`i` prefers
  :math:`\theta_i = 360 i / N_E` deg) and ``I``;
* each cue stimulus of the protocol (``cues``: stimulus name -> location, deg) injects
  :math:`I_i = I_{cue}\, e^{-d(\theta_i, \theta_c)^2 / 2 \sigma_c^2}` (pA, times the
  stimulus's intensity) into the pyramidal cells during the epochs it is on
  (:func:`~engramlab.network.working_memory.ring_current`: 375 pA, 6 deg in the lineage
  code of Murray et al. 2012); a distractor is one more cue at another location;
* receptor classes ``"nmda"`` (the recurrent ``rec`` channels of E and I), ``"ampa"``
  (the background ``ext`` channels) and ``"gaba_a"`` (``gaba``), so that
  :class:`~engramlab.circuits.ScaleReceptor` (AP5 with :func:`engramlab.interventions.
  ap5`) blocks the recurrent NMDA current;
* the background Poisson drive (1.8 kHz per cell) stays on, the region's activity in an
  epoch is each cell's rate (Hz), and consecutive epochs of a trial continue the same
  simulation: the delay is a sequence of epochs over which the bump persists or not.

The model has no plasticity (``ScaleLearning`` has nothing to scale).

Examples
--------
>>> from engramlab.circuits.pfc import compte_region
>>> from engramlab.network import CompteParams
>>> region = compte_region(CompteParams(n_e=64, n_i=16))
>>> region.groups, sorted(dict(region.receptors))
({'E': 64, 'I': 16}, ['ampa', 'gaba_a', 'nmda'])
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from engramlab.circuits.spiking import SpikingRegion
from engramlab.core.errors import ParameterError
from engramlab.network import CompteParams, compte_network, ring_current

__all__ = ["compte_region"]

#: Cue of the lineage code of Murray et al. (2012): peak current (pA) and width (deg).
CUE_PA = 375.0
CUE_SIGMA_DEG = 6.0


def compte_region(params: CompteParams | None = None, *, name: str = "pfc",
                  cues: Mapping[str, float] | None = None, cue_pa: float = CUE_PA,
                  cue_sigma_deg: float = CUE_SIGMA_DEG, dt_ms: float = 0.1) -> SpikingRegion:
    """The Compte et al. (2000) network as a spiking region (module docstring).

    Parameters
    ----------
    params
        The network's parameters (:class:`~engramlab.network.CompteParams`).
    name
        The region's name.
    cues
        Protocol stimulus -> cue location (deg); default ``{"cue": 180.0}``.
    cue_pa, cue_sigma_deg
        Peak current (pA, at intensity 1) and width (deg) of every cue.
    dt_ms
        Time step (ms); the synaptic delay is one step (the model has none).

    Examples
    --------
    A small ring (64 pyramidal cells, 16 interneurons) cued at 90 deg for 100 ms: the
    population vector of the cue epoch's rates points at the cue.

    >>> from engramlab.circuits import Circuit, Record, run_protocol
    >>> from engramlab.network import CompteParams, population_vector
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> pfc = compte_region(CompteParams(n_e=64, n_i=16), cues={"cue": 90.0})
    >>> dict(pfc.groups), [stim for stim, _ in pfc.currents]
    ({'E': 64, 'I': 16}, ['cue'])
    >>> p = Protocol.of(session("trial", trial("t", epoch("cue", 100.0, cue=1.0),
    ...                                        epoch("delay", 100.0))))
    >>> ds = run_protocol(Circuit((pfc,), settle=1), p, seed=0,
    ...                   record={"E": Record("E", "pfc.E", "cells")})
    >>> rates = ds.E.sel(group="control", subject=0, event="trial/0/0:cue").values[:64]
    >>> angle, _ = population_vector(rates)
    >>> bool(abs(angle - 90.0) < 20.0)
    True
    """
    p = CompteParams() if params is None else params
    cues = {"cue": 180.0} if cues is None else dict(cues)
    if not cues:
        raise ParameterError(f"{name}.cues", "must name at least one cue stimulus", cues)
    for stim, deg in cues.items():
        if not (isinstance(stim, str) and stim and isinstance(deg, (int, float))
                and math.isfinite(deg)):
            raise ParameterError(f"{name}.cues", "must map stimulus names to finite "
                                 "locations (deg)", (stim, deg))
    if not (isinstance(cue_pa, (int, float)) and math.isfinite(cue_pa) and cue_pa >= 0):
        raise ParameterError(f"{name}.cue_pa", "must be a finite current >= 0 (pA)", cue_pa)
    currents = tuple((stim, ring_current("E", p.n_e, centre_deg=float(deg),
                                         sigma_deg=cue_sigma_deg, peak_pa=float(cue_pa),
                                         start_ms=0.0, stop_ms=math.inf))
                     for stim, deg in cues.items())
    net = compte_network(p, delay_ms=dt_ms)
    return SpikingRegion(
        name, net, (("E", "E", np.arange(p.n_e)), ("I", "I", np.arange(p.n_i))),
        currents=currents, dt_ms=dt_ms,
        receptors=(("nmda", (("E", "rec"), ("I", "rec"))),
                   ("ampa", (("E", "ext"), ("I", "ext"))),
                   ("gaba_a", (("E", "gaba"), ("I", "gaba")))))
