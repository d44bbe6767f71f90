"""synapse.nmda-mg-block: the recipe's I-V minimum of the Jahr-Stevens block."""

from __future__ import annotations

import numpy as np

from engramlab.experiments.synapse.nmda_mg_block import block_formula, iv_minimum_mv


def test_nmda_iv_minimum_is_stationary():
    """The I-V minimum zeroes d/dV [B(V)(V - E)] (checked by central differences)."""
    v0 = iv_minimum_mv(1.0, 0.0)
    assert -30.0 < v0 < -24.0

    def f(v):
        return block_formula(np.array(v), 1.0) * v

    h = 1e-3
    assert abs((f(v0 + h) - f(v0 - h)) / (2 * h)) < 1e-7  # derivative error O(h^2)
