"""plasticity.tagging-capture: parameter checks and consistency of the metrics."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import quick_run
from engramlab.core import ParameterError
from engramlab.experiments import get_experiment


def test_experiment_rejects_bad_recording_interval():
    exp = get_experiment("plasticity.tagging-capture")
    # Not a multiple of 30 s: refused with the parameters, before any work.
    with pytest.raises(ParameterError) as err:
        exp.params("quick", record_interval_s=45.0)
    assert err.value.field == "record_interval_s"


def test_experiment_quick_metrics_are_consistent():
    exp = get_experiment("plasticity.tagging-capture")
    ds = quick_run("plasticity.tagging-capture", seed=1).dataset  # shared with test_common
    m = exp.metrics(ds)
    # Baseline before any stimulus is 100 % in every trial and pathway.
    assert np.allclose(ds.weight_pct.isel(time=0).values, 100.0, atol=1e-12)
    # Late LTP (strong) > captured S2 > weak tetanus alone at 5 h; LFS goes down.
    assert m["strong_tetanus_late_pct"] > m["capture_s2_late_pct"] > 3.0
    assert m["strong_lfs_late_pct"] < -5.0
    assert -15.0 < m["weak_lfs_early_pct"] < 0.0
    assert m["anisomycin_max_protein"] == 0.0  # the drug window covers the trigger
    # Capture 35 min after the strong tetanus turns the weak early LTP into late LTP;
    # 1 h before it, the model captures only a fraction (reported in the docstring).
    assert 0.6 < m["capture_fraction"] < 1.4
    assert 0.1 < m["weak_1h_before_fraction"] < 0.5
    assert m["weak_tetanus_early_z"] == pytest.approx(
        m["weak_tetanus_early_pct"] / m["weak_tetanus_early_se"], rel=1e-12)
