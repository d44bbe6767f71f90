r"""Circuits composed from the regions: ready-made memory systems.

:func:`fear_memory_circuit` -- hippocampus, neocortex and amygdala for contextual and
cued fear and its systems consolidation, after the network of Alvarez & Squire (1994)
with the fear read-out of Kim & Fanselow (1992):

- ``senses``: the tone (unimodal CS) and shock (US) channels and the context (a
  polymodal conjunction of many features), as fixed sparse patterns
  (:class:`~engramlab.circuits.Sensory`);
- ``cortex``: the context's cortical features, rectified with threshold
  :math:`\theta_c`; driven by the senses, and by the hippocampus through learned
  weights, so a replayed index reinstates the context it indexes;
- ``hippocampus``: the sparse conjunctive index (k-WTA of a random projection of the
  cortex), which stores what it encodes and replays it in sleep
  (:class:`~engramlab.circuits.IndexRegion`);
- ``amygdala``: the fear cells, driven one-to-one by the shock and through three learned
  pathways: from the tone (thalamo-amygdala, fast: the unimodal CS needs no
  hippocampus, LeDoux 2000), from the hippocampal index (fast, decaying with the
  hippocampal trace) and from the cortex (slow, stable: the consolidated route).

Every learned pathway is the soft-bounded Hebb rule of
:class:`~engramlab.circuits.Hebbian`; the fast amygdala inputs (tone,
hippocampus) potentiate only with the shock on, the US-driven teaching signal of the
lateral amygdala (Johansen et al. 2010), so a test session does not condition its
context. The cortical route learns a little whenever the
context and fear are active together -- at conditioning, and in every replay of the
episode during sleep, when the hippocampus reactivates the index, which reinstates the
context in cortex and the fear in the amygdala: so the context memory moves from the
hippocampal to the cortical route over the nights after conditioning, while the
hippocampal trace decays (time constant :math:`\tau_h`). A hippocampal lesion removes
the hippocampal route and any further replay; what is left is what was consolidated.
"""

from __future__ import annotations

import math

from engramlab.circuits._circuit import Circuit
from engramlab.circuits._pathway import Constant, Hebbian, OneToOne, Pathway, RandomSparse
from engramlab.circuits.regions import IndexRegion, RateRegion, Sensory

__all__ = ["fear_memory_circuit"]


def fear_memory_circuit(*, tones: tuple[str, ...] = ("tone",), context_cells: int = 100,
                        context_coding: float = 0.1, tone_cells: int = 20,
                        fear_cells: int = 10, index_cells: int = 400, index_k: int = 10,
                        projection_density: float = 0.2, cortex_threshold: float = 0.4,
                        hippocampal_rate: float = 0.3, hippocampal_tau_ms: float,
                        cortical_rate: float, cortical_tau_ms: float = math.inf,
                        tone_rate: float = 0.3, route_strength: float = 0.6,
                        settle: int = 2) -> Circuit:
    """The hippocampus-cortex-amygdala circuit of contextual and tone fear.

    Weights are scaled so that each route, fully learned, gives the fear cells an input
    of ``route_strength`` (activity units, 0..1): the bound of a learned synapse is
    ``route_strength`` divided by the number of its active inputs (``index_k`` for the
    hippocampal route, the context's active cells for the cortical one, the tone's for
    the tone route). The hippocampus reinstates the context with a drive of 1.2 (above
    the cortical threshold when most of the index is active, below it for the chance
    overlap of another context's index). Rates are fractions of the distance to the
    bound per epoch; time constants in ms.
    """
    n_ctx_active = max(1, round(context_coding * context_cells))
    n_tone_active = max(1, round(context_coding * tone_cells))
    channels = (*((t, tone_cells) for t in tones), ("shock", fear_cells))
    senses = Sensory("senses", channels, context_cells=context_cells,
                     coding=context_coding, codings=(("shock", 1.0),))
    cortex = RateRegion("cortex", (("context", context_cells),), threshold=cortex_threshold,
                        ceiling=1.0)
    hippocampus = IndexRegion("hippocampus", (("index", index_cells),), k=index_k,
                              tau_ms=hippocampal_tau_ms)
    amygdala = RateRegion("amygdala", (("fear", fear_cells),), ceiling=1.0)
    pathways = [
        Pathway("senses-cortex", "senses.context", "cortex",
                OneToOne(1.0 + cortex_threshold)),
        Pathway("cortex-hippocampus", "cortex", "hippocampus",
                RandomSparse(projection_density, 1.0, "uniform")),
        Pathway("hippocampus-cortex", "hippocampus", "cortex", Constant(0.0),
                Hebbian(hippocampal_rate, 1.2 / index_k, hippocampal_tau_ms)),
        Pathway("hippocampus-amygdala", "hippocampus", "amygdala", Constant(0.0),
                Hebbian(hippocampal_rate, route_strength / index_k, hippocampal_tau_ms,
                        gate="shock")),
        Pathway("cortex-amygdala", "cortex", "amygdala", Constant(0.0),
                Hebbian(cortical_rate, route_strength / n_ctx_active, cortical_tau_ms)),
        Pathway("shock-amygdala", "senses.shock", "amygdala", OneToOne(1.0)),
    ]
    for t in tones:
        pathways.append(Pathway(f"{t}-amygdala", f"senses.{t}", "amygdala", Constant(0.0),
                                Hebbian(tone_rate, route_strength / n_tone_active,
                                        cortical_tau_ms, gate="shock")))
    return Circuit((senses, cortex, hippocampus, amygdala), tuple(pathways), settle=settle)
