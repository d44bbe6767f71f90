"""Mutation sensitivity: with a critical constant broken, a published / theory check fails.

Each experiment names its critical model constants and wrong values
(:attr:`Experiment.mutations`). A model that still passes every published and theory
check with its physics broken is not being tested by them. The runs are ``slow`` (one
quick preset per mutation); the declarations are checked in the default suite.
"""

from __future__ import annotations

import importlib

import pytest

import engramlab
from conftest import EXPERIMENT_IDS, quick_run
from engramlab.runner import run

CASES = [(exp_id, k) for exp_id in EXPERIMENT_IDS
         for k in range(len(engramlab.get_experiment(exp_id).mutations))]


def test_every_experiment_names_its_critical_constants(experiment_id):
    exp = engramlab.get_experiment(experiment_id)
    assert exp.mutations, "declare Experiment.mutations (critical constants, wrong values)"
    for m in exp.mutations:
        if m.param:
            assert m.param in exp.Params.model_fields, m.param
            exp.params("quick", **{m.param: m.value})  # a valid (if wrong) value
        else:
            module, _, path = m.patch.partition(":")
            owner = importlib.import_module(module)
            for name in path.split("."):
                owner = getattr(owner, name)


def test_a_patch_is_undone():
    patches = [m for i in EXPERIMENT_IDS for m in engramlab.get_experiment(i).mutations
               if m.patch]
    if not patches:
        pytest.skip("no experiment declares a patch mutation")
    m = patches[0]
    module, _, path = m.patch.partition(":")

    def current():
        owner = importlib.import_module(module)
        for name in path.split("."):
            owner = getattr(owner, name)
        return owner

    before = current()
    with m.applied() as overrides:
        assert overrides == {} and current() == m.value
    assert current() is before


@pytest.mark.slow
@pytest.mark.parametrize(("experiment_id", "k"), CASES,
                         ids=[f"{i}-{k}" for i, k in CASES])
def test_a_broken_constant_fails_a_published_or_theory_check(experiment_id, k):
    exp = engramlab.get_experiment(experiment_id)
    m = exp.mutations[k]
    intact = {c.name for c in quick_run(experiment_id).checks
              if c.evidence and c.tested and c.passed}
    assert intact
    with m.applied() as overrides:
        out = run(experiment_id, seed=0, preset="quick", overrides=overrides)
    broken = [c.name for c in out.checks if c.name in intact and not c.passed]
    assert broken, f"{m.name}: every published / theory check still passes"
