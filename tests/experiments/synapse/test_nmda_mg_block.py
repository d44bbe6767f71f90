"""synapse.nmda-mg-block: the recipe's I-V minimum of the Jahr-Stevens block, the
paper's constants typed apart from the receptor's, and checks that can fail."""

from __future__ import annotations

import numpy as np
import pytest

import engramlab
from conftest import quick_run
from engramlab.core.targets import evaluate
from engramlab.experiments.synapse import nmda_mg_block as recipe
from engramlab.experiments.synapse.nmda_mg_block import block_formula, iv_minimum_mv
from engramlab.runner import run
from engramlab.synapses import receptors

EXP_ID = "synapse.nmda-mg-block"


def test_nmda_iv_minimum_is_stationary():
    """The I-V minimum zeroes d/dV [B(V)(V - E)] (checked by central differences)."""
    v0 = iv_minimum_mv(1.0, 0.0)
    assert -30.0 < v0 < -24.0

    def f(v):
        return block_formula(np.array(v), 1.0) * v

    h = 1e-3
    assert abs((f(v0 + h) - f(v0 - h)) / (2 * h)) < 1e-7  # derivative error O(h^2)


def test_published_constants_are_typed_not_imported(monkeypatch):
    """Breaking the receptor's constants leaves the published formula alone."""
    monkeypatch.setattr(receptors, "MG_BLOCK_K_MM", 10.0)
    assert (recipe.JS1990_K_MM, recipe.JS1990_SLOPE_PER_MV) == (3.57, 0.062)
    assert block_formula(np.array(0.0), 1.0) == pytest.approx(3.57 / 4.57, rel=1e-15)
    assert receptors.mg_block(0.0) == pytest.approx(10.0 / 11.0, rel=1e-15)


@pytest.mark.parametrize("k", [0, 1])
def test_a_broken_block_constant_fails_the_published_block(k):
    """With K or the voltage slope wrong, the published comparison fails (0.004 allows
    only the rounding of the printed constants) and so does the I-V minimum."""
    mutation = engramlab.get_experiment(EXP_ID).mutations[k]
    with mutation.applied() as overrides:
        out = run(EXP_ID, seed=0, overrides=overrides)
    checks = {c.name: c for c in out.checks}
    assert checks["block_max_abs_error"].value > 0.2
    assert not checks["iv_min_mv"].passed
    assert checks["block_model_max_abs_error"].passed  # the receptor agrees with itself


def test_no_negative_slope_fails_the_published_shape():
    """An ohmic I-V has no negative-slope region: its end is NaN, which fails."""
    exp = engramlab.get_experiment(EXP_ID)
    ds = quick_run(EXP_ID).dataset
    ohmic = ds.assign(iv_slope=ds.iv_slope_mg_free)
    checks = {c.name: c for c in evaluate(exp.targets(exp.params("quick")),
                                          exp.metrics(ohmic))}
    assert checks["negative_slope_to_mv"].failure == "NaN"
    assert not checks["min_slope_conductance_ns"].passed
