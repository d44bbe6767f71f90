"""Circuits: regions composed by pathways, driven through behavioural protocols.

A :class:`Region` is a named model with named cell groups and pure ``init`` / ``step``;
:class:`Pathway` s join regions, optionally with a :class:`LearningRule`; a
:class:`Circuit` is data and composes with ``+``. Regions: :class:`Sensory`,
:class:`RateRegion`, :class:`IndexRegion`, :class:`MemoryRegion` (any associative
memory), :class:`DistributedRegion` (the neocortex's back-propagation learner),
:class:`SpikingRegion` (a spiking network on the engine, e.g. :func:`amygdala_region`);
a :class:`TimedRegion` simulates time within each epoch and keeps its time course.
:func:`run_protocol` walks a :class:`~engramlab.protocol.Protocol` for several groups of
subjects, branching from shared training, and applies interventions, which resolve into
the effect primitives (:class:`Remove`, :class:`Gain`, :class:`Drive`,
:class:`ScaleLearning`, :class:`Tag`, :class:`ReplaySince`, :class:`Dopamine`) that each
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
    StepContext,
    Tag,
    TimedRegion,
    effect_handler,
    register_effect,
)
from engramlab.circuits._run import Group, Intervention, Record, Scheduled, run_protocol
from engramlab.circuits.cortex import DistributedRegion
from engramlab.circuits.memory_region import MemoryRegion
from engramlab.circuits.regions import IndexRegion, RateRegion, ReplaySince, Sensory
from engramlab.circuits.spiking import SpikingRegion, amygdala_region

__all__ = ["Circuit", "CircuitState", "Constant", "DistributedRegion", "Dopamine", "Drive",
           "Effect",
           "EffectHandler", "Gain", "Group", "Hebbian", "IndexRegion", "Intervention",
           "LearningRule", "MemoryRegion", "OneToOne", "Pathway", "RandomSparse", "RateRegion",
           "Record", "Region", "Remove", "ReplaySince", "ScaleLearning", "Scheduled",
           "Sensory", "SpikingRegion", "StepContext", "Tag", "TimedRegion", "WeightInit",
           "amygdala_region", "effect_handler", "register_effect", "run_protocol"]
