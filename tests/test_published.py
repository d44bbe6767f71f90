"""Family 4: every experiment reproduces its published targets, on every seed.

Quick presets here on three seeds (one for an experiment that does not depend on the
seed); the full presets and twenty seeds of each quick preset are ``slow``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import engramlab
from conftest import EXPERIMENT_IDS, quick_run

ROOT = Path(__file__).resolve().parents[1]
#: Seeds of the default suite (stochastic experiments); ``validate --seeds 2`` does the same.
#: The slow suite (in CI) runs seeds 0-19 of every quick preset.
SEEDS = (0, 1)


def _failures(outcome) -> list[str]:
    return [f"seed {outcome.seed}: {c.name}: measured {c.value:.6g}, published "
            f"{c.target:.6g} ({c.compare} {c.tolerance:g}; {c.source}): {c.verdict}"
            for c in outcome.checks if not c.ok]


def _seeds(experiment_id: str) -> tuple[int, ...]:
    return SEEDS if engramlab.get_experiment(experiment_id).stochastic else (0,)


def test_quick_preset_reproduces_targets_on_every_seed(experiment_id):
    """Every check is ok (passed, a declared deviation that still deviates, or not
    tested in quick) on seeds 0 and 1 (0-19 in the slow suite)."""
    failures = []
    for seed in _seeds(experiment_id):
        outcome = quick_run(experiment_id, seed)
        assert outcome.checks
        failures += _failures(outcome)
    assert not failures


def test_every_experiment_rests_on_published_or_theory_evidence(experiment_id):
    """At least one published / theory check is tested (and passes) in the quick preset:
    an experiment with only consistency checks would be a demonstration."""
    outcome = quick_run(experiment_id)
    evidence = [c for c in outcome.checks if c.evidence and c.tested]
    assert evidence, "no published or theory check is tested in the quick preset"
    assert outcome.status in ("reproduced", "reproduced with deviations")


def test_kinds_are_declared_on_every_target_of_both_presets(experiment_id):
    exp = engramlab.get_experiment(experiment_id)
    for preset in ("quick", "full"):
        targets = exp.targets(exp.params(preset))
        assert all(t.kind in ("published", "theory", "consistency") for t in targets)
        assert len({t.metric for t in targets}) == len(targets)
    # the full preset tests everything it lists
    assert not [t.metric for t in exp.targets(exp.params("full")) if t.not_tested]


def _declared_deviations() -> dict[tuple[str, str], str]:
    out = {}
    for exp_id in EXPERIMENT_IDS:
        exp = engramlab.get_experiment(exp_id)
        for preset in ("quick", "full"):
            for t in exp.targets(exp.params(preset)):
                if t.deviation:
                    out[(exp_id, t.metric)] = t.deviation
    return out


def _readme_deviations() -> set[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Known deviations", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9.-]+)` \| `([A-Za-z0-9_]+)` \|", section, re.M))


def test_deviations_are_rare_listed_in_the_readme_and_carry_evidence():
    """Each declared deviation is in the README's table, and its text names a file of
    this repository that reproduces the evidence."""
    declared = _declared_deviations()
    # rare: 9 checks of 45 experiments (4 of them in the chapter-3 working-memory models,
    # measured in this engine and listed with their evidence in the README); a new one
    # must raise this bound in review, not silently
    assert len(declared) <= 9, "deviations must be rare"
    assert set(declared) == _readme_deviations(), (
        "README's '## Known deviations' table differs from the targets' deviations")
    for (exp_id, metric), text in declared.items():
        paths = re.findall(r"(?:benchmarks|tests|src)/[\w./-]+\.py", text)
        assert paths and all((ROOT / p).is_file() for p in paths), (
            f"{exp_id} {metric}: the deviation must name the script or test that "
            f"reproduces its evidence: {text!r}")


@pytest.mark.slow
@pytest.mark.parametrize("experiment_id", EXPERIMENT_IDS)
def test_full_preset_reproduces_targets(experiment_id):
    outcome = engramlab.run(experiment_id, preset="full", seed=0)
    assert not _failures(outcome)


@pytest.mark.slow
@pytest.mark.parametrize("experiment_id", EXPERIMENT_IDS)
def test_twenty_seeds_each_check_holds_on_nineteen(experiment_id):
    """Seeds 0-19 of the quick preset: every check is ok on at least 19 of them (a
    stochastic tolerance comes from the seed spread, so it may miss once in twenty)."""
    if not engramlab.get_experiment(experiment_id).stochastic:
        pytest.skip("the result does not depend on the seed")
    outcome = engramlab.run(experiment_id, preset="quick", seed=0, seeds=20)
    weak = [f"{t['name']}: ok on {t['ok']} of 20 seeds (values {t['values']})"
            for t in outcome.tally() if t["ok"] < 19]
    assert not weak
