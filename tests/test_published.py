"""Family 4: every experiment reproduces its published targets (quick here, full: slow)."""

from __future__ import annotations

import pytest

import engramlab
from conftest import EXPERIMENT_IDS, quick_run


def _failures(outcome) -> list[str]:
    return [f"{c.name}: measured {c.value:.6g}, published {c.target:.6g} "
            f"({c.compare} {c.tolerance:g}; {c.source})" for c in outcome.checks if not c.ok]


#: Published claims that engramlab knowingly does not reproduce (Target.deviation),
#: each with its evidence in the target. Adding one is a deliberate edit of this list.
KNOWN_DEVIATIONS = {
    ("network.brunel2000", "cv_C"),
    ("plasticity.ltp-ltd-frequency", "typical_change_10hz_pct"),
}


def test_known_deviations_are_declared_and_explained(experiment_id):
    outcome = quick_run(experiment_id)
    for c in outcome.checks:
        if c.deviation:
            assert (experiment_id, c.name) in KNOWN_DEVIATIONS, c.name
            assert len(c.deviation) > 40 and c.reason


def test_quick_preset_reproduces_targets(experiment_id):
    outcome = quick_run(experiment_id)
    assert outcome.checks
    assert not _failures(outcome)


@pytest.mark.slow
@pytest.mark.parametrize("experiment_id", EXPERIMENT_IDS)
def test_full_preset_reproduces_targets(experiment_id):
    outcome = engramlab.run(experiment_id, preset="full", seed=0)
    assert not _failures(outcome)
