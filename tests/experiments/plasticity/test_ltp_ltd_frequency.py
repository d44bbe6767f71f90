"""plasticity.ltp-ltd-frequency: runs are deterministic for a seed."""

from __future__ import annotations

from conftest import fresh_run, quick_run


def test_experiment_is_deterministic_and_seed_dependent():
    # The session's quick run and its one fresh rerun (shared with test_common).
    a = quick_run("plasticity.ltp-ltd-frequency").metrics
    b = fresh_run("plasticity.ltp-ltd-frequency").metrics
    assert a == b
