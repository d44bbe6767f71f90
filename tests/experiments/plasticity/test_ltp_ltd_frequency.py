"""plasticity.ltp-ltd-frequency: runs are deterministic for a seed."""

from __future__ import annotations

import engramlab


def test_experiment_is_deterministic_and_seed_dependent():
    a = engramlab.run("plasticity.ltp-ltd-frequency", seed=5).metrics
    b = engramlab.run("plasticity.ltp-ltd-frequency", seed=5).metrics
    assert a == b
