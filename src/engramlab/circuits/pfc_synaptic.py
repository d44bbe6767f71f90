r"""Prefrontal synaptic working memory (Mongillo, Barak & Tsodyks 2008) as a region.

:func:`synaptic_region` puts :func:`~engramlab.network.synaptic_wm.mongillo_network`
(8000 E / 2000 I LIF with delta synapses, five selective populations, facilitating and
depressing E -> E synapses) behind the :class:`~engramlab.circuits.SpikingRegion`
interface:

* cell groups ``E1`` ... ``E<p>`` (the selective populations, the items), ``E0`` (the
  nonselective excitatory cells) and ``I``;
* each cue stimulus of the protocol (``cues``: stimulus name -> item, default ``{"cue":
  "E1"}``) adds ``cue_gain`` (15 %) of the external mean input to the cued population
  during the epochs it is on: a current step of :math:`0.15\,\mu_E g_L` pA (times the
  stimulus's intensity), so that the mean input :math:`\mu_E` becomes
  :math:`1.15\,\mu_E` (Mongillo et al. 2008: the item is loaded by a 350-ms increase of
  its external input);
* the ``readout`` stimulus adds ``readout_gain`` (5 %) of :math:`\mu_E` to every
  excitatory cell (the nonspecific read-out signal, 250 ms);
* the background (mean and white noise) stays on; the activity of each cell in an
  epoch is its rate (Hz); consecutive epochs of a trial continue the same simulation.

:class:`SynapticRegion` also keeps, per subject, the short-term plasticity state of each
excitatory population at the end of every epoch (:attr:`SynapticRegion.stp_probe`:
the mean over its neurons of :math:`u` and :math:`x` on its own recurrent synapses, as
a spike at that time would find them), which the protocol's records do not carry.

Examples
--------
>>> from engramlab.circuits.pfc_synaptic import synaptic_region
>>> from engramlab.network.synaptic_wm import MongilloParams
>>> region = synaptic_region(MongilloParams(n_e=400, n_i=100))
>>> region.groups
{'E1': 40, 'E2': 40, 'E3': 40, 'E4': 40, 'E5': 40, 'E0': 200, 'I': 100}
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from engramlab.circuits._region import StepContext
from engramlab.circuits.spiking import SpikingRegion
from engramlab.core.errors import ParameterError
from engramlab.network import CurrentStep
from engramlab.network.simulate import stp_now
from engramlab.network.synaptic_wm import (
    MongilloParams,
    mongillo_network,
    population_sizes,
    selective_names,
)

__all__ = ["SynapticRegion", "synaptic_region"]

#: Cue: +15 % of the external mean input; read-out: +5 % (Mongillo et al. 2008, as the
#: contrast factors 1.15 and 1.05 of the authors' code).
CUE_GAIN = 0.15
READOUT_GAIN = 0.05


@dataclasses.dataclass(frozen=True, eq=False)
class SynapticRegion(SpikingRegion):
    """A :class:`SpikingRegion` that also records the STP state of its E populations.

    ``stp_probe[subject index]`` is a list of ``(t_ms, u, x)`` after every epoch, ``u``
    and ``x`` arrays over the projections named in ``stp_projections`` (mean over the
    presynaptic neurons).
    """

    stp_projections: tuple[str, ...] = ()
    stp_probe: dict[int, list[tuple[float, np.ndarray, np.ndarray]]] = dataclasses.field(
        default_factory=dict, repr=False, compare=False)

    def step(self, state: Any, inputs: Mapping[str, Any], ctx: StepContext) -> tuple[Any, Any]:
        """One epoch (:meth:`SpikingRegion.step`), then the STP probe."""
        state, act = super().step(state, inputs, ctx)
        if state["removed"] or not self.stp_projections:
            return state, act
        for b, seed in enumerate(state["seeds"]):
            sim = self._sim(seed)[0]
            bt = sim.built
            t = int(bt.state["t"][0])
            us, xs = [], []
            for name in self.stp_projections:
                k = bt.proj_index[name]
                n_pre = self.network.population(self.network.projection(name).pre).n
                u, x = stp_now(bt, k, np.arange(n_pre), t)
                us.append(u.mean())
                xs.append(x.mean())
            self.stp_probe.setdefault(b, []).append((t * bt.dt, np.array(us), np.array(xs)))
        return state, act


def synaptic_region(params: MongilloParams | None = None, *, name: str = "pfc",
                    cues: Mapping[str, str] | None = None, cue_gain: float = CUE_GAIN,
                    readout_gain: float = READOUT_GAIN, dt_ms: float = 0.1) -> SynapticRegion:
    """The Mongillo et al. (2008) network as a spiking region (module docstring).

    Parameters
    ----------
    params
        The network's parameters (:class:`~engramlab.network.synaptic_wm.MongilloParams`).
    name
        The region's name.
    cues
        Protocol stimulus -> cued population (``E1`` ...); default ``{"cue": "E1"}``.
    cue_gain, readout_gain
        The cue's and the read-out's increase of the external mean input, as a
        fraction of :math:`\\mu_E` (at intensity 1).
    dt_ms
        Time step (ms).
    """
    p = MongilloParams() if params is None else params
    sel = selective_names(p)
    cues = {"cue": sel[0]} if cues is None else dict(cues)
    if not cues:
        raise ParameterError(f"{name}.cues", "must name at least one cue stimulus", cues)
    for stim, pop in cues.items():
        if not (isinstance(stim, str) and stim and stim != "readout" and pop in sel):
            raise ParameterError(f"{name}.cues", f"must map stimulus names (not "
                                 f"'readout') to selective populations {sel}", (stim, pop))
    for field, g in (("cue_gain", cue_gain), ("readout_gain", readout_gain)):
        if not (isinstance(g, (int, float)) and math.isfinite(g) and 0 <= g <= 10):
            raise ParameterError(f"{name}.{field}", "must be a fraction in [0, 10] of the "
                                 "external mean input", g)
    net = mongillo_network(p)
    g_l = net.population(sel[0]).model.g_l_ns
    base_pa = p.mu_e_mv * g_l
    currents: list[tuple[str, CurrentStep]] = [
        (stim, CurrentStep(pop, cue_gain * base_pa)) for stim, pop in cues.items()]
    currents += [("readout", CurrentStep(pop, readout_gain * base_pa))
                 for pop in [*sel, "E0"]]
    sizes = population_sizes(p)
    cells = tuple((pop, pop, np.arange(n)) for pop, n in sizes.items())
    return SynapticRegion(name, net, cells, currents=tuple(currents), dt_ms=dt_ms,
                          stp_projections=tuple(f"{pop}_{pop}" for pop in [*sel, "E0"]))
