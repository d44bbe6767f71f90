"""memory.boltzmann: the letters and bounds of the recipe, and backends."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import engramlab
from engramlab.experiments.memory.boltzmann import (
    ideal_error_ratio,
    known_mask,
    letter_patterns,
)


def test_boltzmann_letters_are_identified_by_the_visible_columns():
    letters, known = letter_patterns(), known_mask()
    assert known.sum() == 15
    d = (letters[:, None, known] != letters[None, :, known]).sum(-1)
    assert d[np.triu_indices(len(letters), 1)].min() >= 2
    assert 0 < ideal_error_ratio(0.05) < 0.5
    assert ideal_error_ratio(0.0) == 0.0


def test_experiment_identical_across_backends():
    pytest.importorskip("array_api_strict")
    exp = engramlab.get_experiment("memory.boltzmann")
    params = exp.params("quick", n_copies=5, epochs=3, n_cues=2, gibbs_steps=4,
                        corruption=(0.08,))
    a = exp.run(params, seed=3, backend="numpy")
    b = exp.run(params, seed=3, backend="array_api_strict")
    xr.testing.assert_identical(a, b)


def test_environment_conditional_is_the_noise_level():
    """Clamped columns identify the letter, so the pixel keeps only the noise q."""
    from engramlab.experiments.memory.boltzmann import environment_conditional

    assert environment_conditional(0.05) == pytest.approx(0.95, abs=0.002)
    assert environment_conditional(1e-6) == pytest.approx(1.0, abs=1e-4)
