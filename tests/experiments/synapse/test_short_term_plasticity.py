"""synapse.short-term-plasticity: the theory targets are the papers', not the run's."""

from __future__ import annotations

import math

import pytest

import engramlab
from engramlab.experiments.synapse import short_term_plasticity as stp

THEORY = ("transmitted_rate_saturation_hz", "limiting_frequency_hz",
          "facilitating_peak_frequency_hz")


def test_theory_values_typed_from_the_papers():
    """TM 1997 laws with TPM 1998 Fig. 1A and MWT 1998 Fig. 4 constants."""
    assert stp.SATURATION_HZ == pytest.approx(1.25, rel=1e-15)  # 1 / 800 ms
    assert stp.LIMITING_FREQUENCY_HZ == pytest.approx(2.5, rel=1e-15)  # 1 / (0.5 x 800 ms)
    assert stp.PEAK_FREQUENCY_HZ == pytest.approx(1000 / math.sqrt(0.03 * 530 * 130),
                                                  rel=1e-15)  # ~22.0 Hz


def test_theory_targets_do_not_follow_the_parameters():
    """A mutated synapse keeps the published targets, so its checks can fail."""
    exp = engramlab.get_experiment("synapse.short-term-plasticity")
    base = {t.metric: t for t in exp.targets(exp.params("quick"))}
    moved = {t.metric: t for t in exp.targets(exp.params(
        "quick", dep_tau_rec_ms=400.0, dep_u_se=0.25, fac_tau_fac_ms=300.0))}
    for name in THEORY:
        assert base[name].kind == "theory"
        assert moved[name].value == base[name].value
    assert {t.kind for t in base.values()} == {"theory", "consistency"}
