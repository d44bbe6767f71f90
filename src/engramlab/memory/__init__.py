"""Associative memories, from Hebb's rule to modern Hopfield networks.

One API for the whole family of the seed's chapter 4. Every model takes a batch of cues
``(B, N)`` and is written against the array namespace of its inputs.

Storage rules
    :func:`hebbian_weights` (Hopfield 1982), :func:`storkey_weights` (Storkey 1997),
    :func:`pseudo_inverse_weights` (Personnaz, Guyon & Dreyfus 1985),
    :func:`covariance_weights` for sparse 0/1 patterns (Tsodyks & Feigel'man 1988);
    :class:`HebbianMemory` runs Hebbian dynamics without forming the N x N matrix.
Dynamics
    :func:`recall` (asynchronous in random or fixed order, or synchronous),
    :func:`glauber` (stochastic, temperature T), :func:`sparse_recall`,
    :func:`energy` (a Lyapunov function of asynchronous updates).
Successors
    :func:`dense_recall` / :func:`dense_energy` (Krotov & Hopfield 2016),
    :func:`modern_update` / :func:`modern_energy` (Ramsauer et al. 2020),
    :mod:`~engramlab.memory.rbm` (restricted Boltzmann machine, contrastive divergence),
    :mod:`~engramlab.memory.bam` (Kosko's bidirectional associative memory),
    :func:`localist_recall` (one unit per item, the contrast to distributed storage).
Distributed cortical learner
    :mod:`~engramlab.memory.distributed`: the back-propagation network of McClelland,
    McNaughton & O'Reilly (1995) on the Rumelhart semantic set (:func:`semantic_patterns`,
    :func:`penguin_patterns`, focused vs interleaved :func:`continue_learning`) and AB-AC
    list learning (:func:`abac_lists`, :func:`run_abac`).
Hippocampal coding
    :mod:`~engramlab.memory.hippocampal`: :func:`kwta` (k-winners-take-all), DG pattern
    separation (:func:`separation_monte_carlo` against :func:`separation_theory`) and the
    diluted CA3 autoassociator with one-cycle recall (:func:`ca3_recall`,
    :func:`ca3_capacity`, :func:`capacity_sweep`, :func:`almeida_capacity`).
Circuits
    :mod:`~engramlab.memory.associative`: the :class:`AssociativeMemory` protocol every
    memory above offers a circuit region (``store`` / ``recall`` on 0/1 activity), with
    the adapters :class:`HopfieldMemory`, :class:`CovarianceMemory`, :class:`CA3Memory`,
    :class:`ModernHopfieldMemory`, :class:`DenseMemory`.
Analysis
    :func:`overlaps`, :func:`classify_states` (stored / reversed / spurious),
    :func:`classify_mixtures`, :func:`fixed_points`, :func:`reachable_fixed_points`,
    :func:`basin_radius`, and the Amit-Gutfreund-Sompolinsky theory
    (:func:`ags_critical_load`, :func:`ags_retrieval_overlap`).
"""

from engramlab.memory import bam, dense, modern, rbm, rules, sparse
from engramlab.memory.analysis import (
    BASIN_OVERLAP,
    StateKind,
    basin_radius,
    classify_states,
    fixed_points,
    overlaps,
    reachable_fixed_points,
)
from engramlab.memory.associative import (
    AssociativeMemory,
    CA3Memory,
    CovarianceMemory,
    DenseMemory,
    HopfieldMemory,
    MemoryFactory,
    ModernHopfieldMemory,
    as_activity,
    check_memory,
    to_rates,
    to_spins,
)
from engramlab.memory.bam import bam_energy, bam_weights
from engramlab.memory.dense import Interaction, dense_energy, dense_recall
from engramlab.memory.distributed import (
    ABAC,
    ABACRun,
    Continuation,
    abac_lists,
    continue_learning,
    init_abac,
    init_semantic,
    penguin_patterns,
    recall_accuracy,
    run_abac,
    semantic_patterns,
    train_to_criterion,
)
from engramlab.memory.hippocampal import (
    CapacityLaw,
    CapacityMeasurement,
    CapacitySweep,
    SeparationCurve,
    active_overlap,
    almeida_capacity,
    ca3_capacity,
    ca3_recall,
    ca3_recall_curve,
    ca3_weights,
    capacity_sweep,
    chance_corrected_overlap,
    dilution_mask,
    expansion_weights,
    field_correlation,
    fit_capacity_law,
    kwta,
    orthant_probability,
    overlapping_pairs,
    partial_cues,
    recall_overlap,
    separation_monte_carlo,
    separation_theory,
    willshaw_capacity_theory,
    willshaw_recall_theory,
)
from engramlab.memory.hopfield import (
    HebbianMemory,
    Recall,
    energy,
    glauber,
    hebbian_weights,
    local_fields,
    recall,
    sgn,
    update_sync,
)
from engramlab.memory.localist import LocalistRecall, localist_recall, localist_weights
from engramlab.memory.mixtures import MixtureClass, classify_mixtures, mixture_states
from engramlab.memory.modern import ModernRecall, modern_energy, modern_recall, modern_update
from engramlab.memory.rules import pseudo_inverse_weights, storkey_weights
from engramlab.memory.sparse import (
    SparseRecall,
    covariance_weights,
    sparse_patterns,
    sparse_recall,
)
from engramlab.memory.theory import ags_critical_load, ags_retrieval_overlap

__all__ = [
    "ABAC",
    "BASIN_OVERLAP",
    "ABACRun",
    "AssociativeMemory",
    "CA3Memory",
    "CapacityLaw",
    "CapacityMeasurement",
    "CapacitySweep",
    "Continuation",
    "CovarianceMemory",
    "DenseMemory",
    "HebbianMemory",
    "HopfieldMemory",
    "Interaction",
    "LocalistRecall",
    "MemoryFactory",
    "MixtureClass",
    "ModernHopfieldMemory",
    "ModernRecall",
    "Recall",
    "SeparationCurve",
    "SparseRecall",
    "StateKind",
    "abac_lists",
    "active_overlap",
    "ags_critical_load",
    "ags_retrieval_overlap",
    "almeida_capacity",
    "as_activity",
    "bam",
    "bam_energy",
    "bam_weights",
    "basin_radius",
    "ca3_capacity",
    "ca3_recall",
    "ca3_recall_curve",
    "ca3_weights",
    "capacity_sweep",
    "chance_corrected_overlap",
    "check_memory",
    "classify_mixtures",
    "classify_states",
    "continue_learning",
    "covariance_weights",
    "dense",
    "dense_energy",
    "dense_recall",
    "dilution_mask",
    "energy",
    "expansion_weights",
    "field_correlation",
    "fit_capacity_law",
    "fixed_points",
    "glauber",
    "hebbian_weights",
    "init_abac",
    "init_semantic",
    "kwta",
    "local_fields",
    "localist_recall",
    "localist_weights",
    "mixture_states",
    "modern",
    "modern_energy",
    "modern_recall",
    "modern_update",
    "orthant_probability",
    "overlapping_pairs",
    "overlaps",
    "partial_cues",
    "penguin_patterns",
    "pseudo_inverse_weights",
    "rbm",
    "reachable_fixed_points",
    "recall",
    "recall_accuracy",
    "recall_overlap",
    "rules",
    "run_abac",
    "semantic_patterns",
    "separation_monte_carlo",
    "separation_theory",
    "sgn",
    "sparse",
    "sparse_patterns",
    "sparse_recall",
    "storkey_weights",
    "to_rates",
    "to_spins",
    "train_to_criterion",
    "update_sync",
    "willshaw_capacity_theory",
    "willshaw_recall_theory",
]
