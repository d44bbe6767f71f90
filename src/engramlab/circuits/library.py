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

import dataclasses
import math

from engramlab.circuits._circuit import Circuit
from engramlab.circuits._pathway import (
    Constant,
    Hebbian,
    OneToOne,
    Pathway,
    RandomSparse,
    WeightInit,
)
from engramlab.circuits.regions import IndexRegion, RateRegion, Sensory
from engramlab.core.errors import ParameterError

__all__ = ["BalancedSparse", "episodic_index_circuit", "fear_memory_circuit"]


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
                BalancedSparse(projection_density)),
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


@dataclasses.dataclass(frozen=True)
class BalancedSparse(WeightInit):
    r"""Random excitation balanced per target cell: :math:`W_{ij} - \bar W_i`.

    :math:`W` is :class:`~engramlab.circuits.RandomSparse` (each synapse present with
    probability ``density``, weight uniform in ``(0, weight]``) and :math:`\bar W_i` the
    mean of target cell :math:`i`'s weights: a feedforward inhibition matched to each
    cell's excitation, so that no cell is more excitable than another. A k-WTA target
    then gives two random source patterns with :math:`m` active cells each codes that
    overlap only by chance: the inputs of a cell to two patterns have covariance
    :math:`\sigma^2 (|A \cap B| - m^2 / n)`, zero on average over independent
    patterns, while the unbalanced weights share the cell's mean :math:`m \bar W_i` and
    correlate the inputs by about :math:`m / n`.
    """

    density: float = 1.0
    weight: float = 1.0

    def __post_init__(self) -> None:
        RandomSparse(self.density, self.weight, "uniform")  # the same checks

    def draw(self, n_subjects, n_post, n_pre, rng):
        """The balanced weights ``(subjects, post, pre)``: each row's mean removed."""
        w = RandomSparse(self.density, self.weight, "uniform").draw(n_subjects, n_post,
                                                                     n_pre, rng)
        return w - w.mean(axis=2, keepdims=True)


def episodic_index_circuit(*, episodes: tuple[str, ...], modules: tuple[str, ...] = (
        "what", "where", "when"), module_cells: int = 100, coding: float = 0.05,
        index_cells: int = 2000, index_k: int = 100, projection_density: float = 1.0,
        complete_overlap: float = 0.18, cortex_threshold: float = 2.0,
        index_rate: float = 1.0, index_tau_ms: float = math.inf, reinstatement: float = 2.8,
        cortical_rate: float, cortical_tau_ms: float = math.inf,
        cortical_strength: float = 2.8, n_slots: int | None = None,
        balanced: bool = True, settle: int = 2) -> Circuit:
    r"""Cortical modules bound into episodes by a sparse hippocampal index.

    The indexing theory of Teyler & DiScenna (1986; Teyler & Rudy 2007): the features of
    an episode (what / where / when, one cortical module each) activate a sparse,
    conjunctive set of hippocampal cells, the index; the synapses from the index back to
    the features' cortical cells potentiate at once, so a later cue to any one module
    reactivates the index and, through it, the whole episode. Regions:

    - ``senses``: one channel ``f"{module}_{episode}"`` per feature of each episode, a
      fixed sparse pattern (a fraction ``coding`` of ``module_cells``,
      :class:`~engramlab.circuits.Sensory`), driving its module one-to-one with
      :math:`1 + \theta_c`, so a perceived feature's cells are at 1;
    - ``cortex``: one group per module, rectified, :math:`r = \min([I - \theta_c]_+, 1)`;
    - ``hippocampus``: the index (:class:`~engramlab.circuits.IndexRegion`), ``index_k``
      of ``index_cells`` winners of a fixed random projection of the cortex (density
      ``projection_density``, uniform weights, balanced per index cell:
      :class:`BalancedSparse`; ``balanced=False``: the raw
      :class:`~engramlab.circuits.RandomSparse` weights); it stores each code,
      completes a partial code sharing at least ``complete_overlap`` of its cells with
      a stored one into that code, and replays stored codes in sleep.

    The cortical threshold :math:`\theta_c` (2, of a full learned drive of 2.8) makes a
    cortical cell fire only when most of a feature's learned inputs converge, so that
    the few cells two sparse features share by chance do not spread an episode into
    another one (nor bind the spread to its index in one shot).

    Learned pathways (soft-bounded Hebb, :class:`~engramlab.circuits.Hebbian`):

    - ``hippocampus-cortex``, fast: rate ``index_rate`` (1: one shot), bound
      ``reinstatement / index_k``, so a whole index drives its episode's cortical cells
      with ``reinstatement`` (above :math:`\theta_c + 0.5`: reinstated cells read as
      recalled by :func:`~engramlab.analysis.recall_fraction`); decay ``index_tau_ms``;
    - ``f"{a}-{b}"`` for every ordered pair of modules, slow: rate ``cortical_rate``,
      bound ``cortical_strength / n_a`` with :math:`n_a` the active cells of a feature,
      so a fully learned link lets one module's feature drive the other module's
      feature with ``cortical_strength``. It learns whenever two modules are active
      together -- once at encoding and at every sleep replay of the index, which
      reinstates the episode in all modules (systems consolidation, Alvarez & Squire
      1994). After :math:`n` co-activations at activity :math:`\rho` the link holds
      :math:`1 - (1 - \eta_c \rho^2)^n` of its bound: the cortical cue alone recalls
      the feature once that fraction exceeds :math:`(\theta_c + 0.5) / s_c`.

    A lesion of ``hippocampus`` removes the index route and all further replay; what
    is left is what the cortico-cortical links have learned.
    """
    n_active = max(1, round(coding * module_cells))
    modules = tuple(modules)
    episodes = tuple(episodes)
    for field, names in (("episodes", episodes), ("modules", modules)):
        if not names or len(set(names)) < len(names) or not all(
                isinstance(x, str) and x and "." not in x for x in names):
            raise ParameterError(field, "must be distinct non-empty names without '.'",
                                 names)
    channels = tuple((f"{m}_{e}", module_cells) for e in episodes for m in modules)
    senses = Sensory("senses", channels, context_cells=1, coding=coding)
    cortex = RateRegion("cortex", tuple((m, module_cells) for m in modules),
                        threshold=cortex_threshold, ceiling=1.0)
    slots = n_slots if n_slots is not None else 2 * len(episodes) + 8
    hippocampus = IndexRegion("hippocampus", (("index", index_cells),), k=index_k,
                              tau_ms=index_tau_ms, n_slots=slots,
                              complete_overlap=complete_overlap)
    pathways = [Pathway(f"{m}_{e}-cortex", f"senses.{m}_{e}", f"cortex.{m}",
                        OneToOne(1.0 + cortex_threshold)) for e in episodes for m in modules]
    pathways += [
        Pathway("cortex-hippocampus", "cortex", "hippocampus",
                BalancedSparse(projection_density) if balanced
                else RandomSparse(projection_density, 1.0, "uniform")),
        Pathway("hippocampus-cortex", "hippocampus", "cortex", Constant(0.0),
                Hebbian(index_rate, reinstatement / index_k, index_tau_ms)),
    ]
    pathways += [Pathway(f"{a}-{b}", f"cortex.{a}", f"cortex.{b}", Constant(0.0),
                         Hebbian(cortical_rate, cortical_strength / n_active,
                                 cortical_tau_ms))
                 for a in modules for b in modules if a != b]
    return Circuit((senses, cortex, hippocampus), tuple(pathways), settle=settle)
