"""hippocampus.pattern-separation: the orthant theory; a dense code does not separate."""

from __future__ import annotations

import numpy as np

import engramlab
from conftest import quick_run
from engramlab.memory.hippocampal import separation_theory


def test_curve_follows_the_orthant_theory():
    ds = quick_run("hippocampus.pattern-separation").dataset
    dev = np.abs(ds.output_overlap - ds.theory) / ds.binomial_se
    assert float(dev.max()) < 4.0


def test_theory_limits():
    # s_in = 1 gives identical outputs; s_in = 0 gives chance, the coding level
    assert abs(separation_theory([1.0], 0.02)[0] - 1.0) < 1e-9
    assert abs(separation_theory([0.0], 0.02)[0] - 0.02) < 1e-9


def test_dense_code_does_not_separate():
    """The mutation: 40-50 % of DG cells active gives output overlap above input."""
    exp = engramlab.get_experiment("hippocampus.pattern-separation")
    p = exp.params("quick", coding_levels_out=(0.5, 0.4), n_pairs=10)
    ds = exp.run(p, seed=0)
    assert exp.metrics(ds)["max_output_minus_input"] > 0.05
