"""Circuits: regions composed by pathways, driven through behavioural protocols.

A :class:`Region` is a named model with named cell groups and pure ``init`` / ``step``;
:class:`Pathway` s join regions, optionally with a :class:`LearningRule`; a
:class:`Circuit` is data and composes with ``+``. Regions: :class:`Sensory`,
:class:`RateRegion`, :class:`IndexRegion`, :class:`MemoryRegion` (any associative
memory), :class:`DistributedRegion` (the neocortex's back-propagation learner),
:class:`SpikingRegion` (a spiking network on the engine, e.g. :func:`amygdala_region`,
:func:`compte_region`);
a :class:`TimedRegion` simulates time within each epoch and keeps its time course. The
learning systems of chapter 3: :class:`RescorlaWagnerRegion` (conditioning),
:class:`TDCritic` (the striatal critic, dopamine as prediction error),
:class:`OpponentActor` and :class:`GoalDirected` (habit and goal-directed control),
:class:`Cerebellum` (timed responses, VOR), :class:`AttractorRegion` (priming).
:func:`run_protocol` walks a :class:`~engramlab.protocol.Protocol` for several groups of
subjects, branching from shared training, and applies interventions, which resolve into
the effect primitives (:class:`Remove`, :class:`Gain`, :class:`Drive`,
:class:`ScaleLearning`, :class:`ScaleReceptor`, :class:`Tag`, :class:`ReplaySince`,
:class:`Dopamine`) that each
kind of region takes by dispatch (:func:`register_effect`). See ``docs/circuits.md``.
"""

from engramlab.circuits._circuit import Circuit, CircuitState
from engramlab.circuits._pathway import (
    Constant,
    Hebbian,
    LearningRule,
    OneToOne,
    Pathway,
    RandomSparse,
    WeightInit,
)
from engramlab.circuits._region import (
    Dopamine,
    Drive,
    Effect,
    EffectHandler,
    Gain,
    Region,
    Remove,
    ScaleLearning,
    ScaleReceptor,
    StepContext,
    Tag,
    TimedRegion,
    effect_handler,
    register_effect,
    takes_effect,
)
from engramlab.circuits._run import Group, Intervention, Record, Scheduled, run_protocol
from engramlab.circuits.basal_ganglia import (
    GoalDirected,
    OpponentActor,
    RandomInterval,
    RandomRatio,
    habit_circuit,
)
from engramlab.circuits.cerebellum import Cerebellum
from engramlab.circuits.conditioning import RescorlaWagnerRegion
from engramlab.circuits.cortex import DistributedRegion
from engramlab.circuits.memory_region import MemoryRegion
from engramlab.circuits.oscillatory import OscillatoryBuffer
from engramlab.circuits.pfc import compte_region
from engramlab.circuits.priming import AttractorRegion
from engramlab.circuits.regions import IndexRegion, RateRegion, ReplaySince, Sensory
from engramlab.circuits.spiking import SpikingRegion, amygdala_region
from engramlab.circuits.striatum import TDCritic, td_trial

__all__ = ["AttractorRegion", "Cerebellum", "Circuit", "CircuitState", "Constant",
           "DistributedRegion", "Dopamine", "Drive", "Effect", "EffectHandler", "Gain",
           "GoalDirected", "Group", "Hebbian", "IndexRegion", "Intervention", "LearningRule",
           "MemoryRegion", "OneToOne", "OpponentActor", "OscillatoryBuffer", "Pathway",
           "RandomInterval",
           "RandomRatio", "RandomSparse", "RateRegion", "Record", "Region", "Remove",
           "ReplaySince", "RescorlaWagnerRegion", "ScaleLearning", "ScaleReceptor", "Scheduled",
           "Sensory",
           "SpikingRegion", "StepContext", "TDCritic", "Tag", "TimedRegion", "WeightInit",
           "amygdala_region", "compte_region", "effect_handler", "habit_circuit", "register_effect",
           "run_protocol", "takes_effect", "td_trial"]
