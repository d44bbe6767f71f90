"""Family 3: the same model code gives the same numbers on every array backend."""

from __future__ import annotations

import numpy as np
import pytest

from engramlab.core import ParameterError, asarray, get_namespace, make_rng, to_numpy
from engramlab.memory import energy, hebbian_weights, overlaps, recall

pytest.importorskip("array_api_strict")
BACKENDS = ["numpy", "array_api_strict"]


def _problem():
    rng = make_rng(5)
    xi = rng.choice(np.array([-1.0, 1.0]), size=(6, 50))
    cues = np.repeat(xi[:3], 4, axis=0)
    flips = rng.random(cues.shape) < 0.15
    return xi, np.where(flips, -cues, cues)


@pytest.mark.parametrize("dynamics", ["async", "sync"])
def test_hopfield_identical_across_backends(dynamics):
    xi, cues = _problem()
    results = {}
    for name in BACKENDS:
        xp = get_namespace(name)
        w = hebbian_weights(asarray(xi, xp))
        out = recall(w, asarray(cues, xp), dynamics=dynamics, rng=make_rng(9), max_sweeps=50)
        results[name] = [to_numpy(a) for a in (w, out.states, out.sweeps, out.converged,
                                               energy(w, out.states),
                                               overlaps(asarray(xi, xp), out.states))]
    for a, b in zip(results["numpy"], results["array_api_strict"], strict=True):
        np.testing.assert_array_equal(a, b)


def test_strict_backend_is_really_used():
    xp = get_namespace("array_api_strict")
    w = hebbian_weights(asarray(np.ones((2, 4)), xp))
    assert type(w).__module__.startswith("array_api_strict")


def test_unknown_backend():
    with pytest.raises(ParameterError, match="backend"):
        get_namespace("fortran")
