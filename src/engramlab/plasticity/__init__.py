"""Synaptic plasticity rules (seed chapter 2): rate rules, spike-timing rules, calcium.

Each rule is a Params class plus pure functions, with its equations in the docstring
and an experiment that reproduces its paper.

:mod:`~engramlab.plasticity.rate`
    Plain Hebb, covariance, Oja and BCM rules (:func:`hebb_update`,
    :func:`oja_update`, :class:`BCMParams` with :func:`bcm_step`).
:mod:`~engramlab.plasticity.stdp`
    Pair STDP with exponential traces, all-to-all or nearest spike, additive or
    multiplicative bounds (:class:`PairSTDP`, :func:`stdp_window`).
:mod:`~engramlab.plasticity.triplet`
    Triplet STDP of Pfister & Gerstner 2006 (:class:`TripletSTDP`) and its pairing
    protocol in closed form.
:mod:`~engramlab.plasticity.calcium`
    The calcium rule of Graupner & Brunel 2012 (:class:`GraupnerBrunel`, the nine
    published sets in :data:`GB_PARAMETER_SETS`), analytic and stochastic.
:mod:`~engramlab.plasticity.calcium_control`
    The calcium-control model of Shouval, Bear & Cooper 2002 (:class:`CalciumControl`);
    its simulation is ``calcium_control.simulate`` (not exported here: the name is too
    general at package level).
:mod:`~engramlab.plasticity.ampa`
    Expression of LTP / LTD by AMPA-receptor trafficking (:class:`AMPAExpression`).
:mod:`~engramlab.plasticity.consolidation`
    Tag-trigger-consolidation of Clopath et al. 2008 (:class:`TagTriggerConsolidation`,
    :func:`simulate_tagging`).

Every name below is importable from this package (``from engramlab.plasticity import
PairSTDP``); each is loaded from its module on first use, so importing one rule does
not import the SciPy parts of the others.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engramlab.plasticity import (
        ampa,
        calcium,
        calcium_control,
        consolidation,
        rate,
        stdp,
        triplet,
    )
    from engramlab.plasticity.ampa import (
        AMPAExpression,
        epsc_pa,
        kinase_activity,
        phosphatase_activity,
        phosphorylation_rates,
        relax,
        rest_state,
        surface_rates,
    )
    from engramlab.plasticity.calcium import (
        GB_PARAMETER_SETS,
        GB_SET_SOURCES,
        GBState,
        GraupnerBrunel,
        PairProtocolTheory,
        calcium_trace,
        gb_init,
        gb_step,
        pair_protocol_theory,
        pair_time_above_ms,
        pair_train_time_above_ms,
        simulate_pair_protocol,
        simulate_pair_train,
        strength_change,
        train_time_above_ms,
    )
    from engramlab.plasticity.calcium_control import (
        AffineResult,
        CalciumControl,
        CalciumState,
        CalciumTrace,
        PulseProtocol,
        calcium_steady_pulse,
        epsp_norm,
        eta_per_s,
        evolve_affine,
        nmda_drive,
        omega,
        pulse_protocol,
        solve_affine,
        weight_change,
        weight_rates,
    )
    from engramlab.plasticity.consolidation import (
        INDUCTION_STEP_MS,
        InductionEvents,
        Protocol,
        Stimulus,
        TaggingResult,
        TagTriggerConsolidation,
        induction_events,
        induction_events_stepwise,
        simulate_tagging,
        slow_step,
        strong_lfs,
        strong_tetanus,
        weak_lfs,
        weak_tetanus,
    )
    from engramlab.plasticity.rate import (
        BCMParams,
        BCMState,
        HebbParams,
        OjaParams,
        bcm_init,
        bcm_step,
        bcm_threshold_step,
        bcm_update,
        covariance_update,
        hebb_update,
        linear_response,
        oja_update,
        pc_angle_deg,
    )
    from engramlab.plasticity.stdp import (
        PairSTDP,
        STDPState,
        TraceRule,
        pair_protocol,
        run_spike_trains,
        stdp_init,
        stdp_spike_trains,
        stdp_step,
        stdp_window,
    )
    from engramlab.plasticity.triplet import (
        TRIPLET_PARAMETER_SETS,
        TripletState,
        TripletSTDP,
        pairing_protocol_simulated,
        pairing_protocol_theory,
        triplet_init,
        triplet_spike_trains,
        triplet_step,
    )

#: Where each exported name lives (module of this package -> its names).
_EXPORTS: dict[str, tuple[str, ...]] = {
    "rate": ("BCMParams", "BCMState", "HebbParams", "OjaParams", "bcm_init", "bcm_step",
             "bcm_threshold_step", "bcm_update", "covariance_update", "hebb_update",
             "linear_response", "oja_update", "pc_angle_deg"),
    "stdp": ("PairSTDP", "STDPState", "TraceRule", "pair_protocol", "run_spike_trains",
             "stdp_init", "stdp_spike_trains", "stdp_step", "stdp_window"),
    "triplet": ("TRIPLET_PARAMETER_SETS", "TripletSTDP", "TripletState",
                "pairing_protocol_simulated", "pairing_protocol_theory", "triplet_init",
                "triplet_spike_trains", "triplet_step"),
    "calcium": ("GB_PARAMETER_SETS", "GB_SET_SOURCES", "GBState", "GraupnerBrunel",
                "PairProtocolTheory", "calcium_trace", "gb_init", "gb_step",
                "pair_protocol_theory", "pair_time_above_ms", "pair_train_time_above_ms",
                "simulate_pair_protocol", "simulate_pair_train", "strength_change",
                "train_time_above_ms"),
    "calcium_control": ("AffineResult", "CalciumControl", "CalciumState", "CalciumTrace",
                        "PulseProtocol", "calcium_steady_pulse", "epsp_norm", "eta_per_s",
                        "evolve_affine", "nmda_drive", "omega", "pulse_protocol",
                        "solve_affine", "weight_change", "weight_rates"),
    "ampa": ("AMPAExpression", "epsc_pa", "kinase_activity", "phosphatase_activity",
             "phosphorylation_rates", "relax", "rest_state", "surface_rates"),
    "consolidation": ("INDUCTION_STEP_MS", "InductionEvents", "Protocol", "Stimulus",
                      "TagTriggerConsolidation", "TaggingResult", "induction_events",
                      "induction_events_stepwise", "simulate_tagging", "slow_step",
                      "strong_lfs", "strong_tetanus", "weak_lfs", "weak_tetanus"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [
    "GB_PARAMETER_SETS",
    "GB_SET_SOURCES",
    "INDUCTION_STEP_MS",
    "TRIPLET_PARAMETER_SETS",
    "AMPAExpression",
    "AffineResult",
    "BCMParams",
    "BCMState",
    "CalciumControl",
    "CalciumState",
    "CalciumTrace",
    "GBState",
    "GraupnerBrunel",
    "HebbParams",
    "InductionEvents",
    "OjaParams",
    "PairProtocolTheory",
    "PairSTDP",
    "Protocol",
    "PulseProtocol",
    "STDPState",
    "Stimulus",
    "TagTriggerConsolidation",
    "TaggingResult",
    "TraceRule",
    "TripletSTDP",
    "TripletState",
    "ampa",
    "bcm_init",
    "bcm_step",
    "bcm_threshold_step",
    "bcm_update",
    "calcium",
    "calcium_control",
    "calcium_steady_pulse",
    "calcium_trace",
    "consolidation",
    "covariance_update",
    "epsc_pa",
    "epsp_norm",
    "eta_per_s",
    "evolve_affine",
    "gb_init",
    "gb_step",
    "hebb_update",
    "induction_events",
    "induction_events_stepwise",
    "kinase_activity",
    "linear_response",
    "nmda_drive",
    "oja_update",
    "omega",
    "pair_protocol",
    "pair_protocol_theory",
    "pair_time_above_ms",
    "pair_train_time_above_ms",
    "pairing_protocol_simulated",
    "pairing_protocol_theory",
    "pc_angle_deg",
    "phosphatase_activity",
    "phosphorylation_rates",
    "pulse_protocol",
    "rate",
    "relax",
    "rest_state",
    "run_spike_trains",
    "simulate_pair_protocol",
    "simulate_pair_train",
    "simulate_tagging",
    "slow_step",
    "solve_affine",
    "stdp",
    "stdp_init",
    "stdp_spike_trains",
    "stdp_step",
    "stdp_window",
    "strength_change",
    "strong_lfs",
    "strong_tetanus",
    "surface_rates",
    "train_time_above_ms",
    "triplet",
    "triplet_init",
    "triplet_spike_trains",
    "triplet_step",
    "weak_lfs",
    "weak_tetanus",
    "weight_change",
    "weight_rates",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _MODULE_OF:
        value = getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
