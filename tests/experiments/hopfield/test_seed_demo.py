"""hopfield.seed-demo: the seed's letters, the quick run's numbers, backends, the figure."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import engramlab
from conftest import quick_run
from engramlab.experiments.hopfield.seed_demo import SEED_LETTERS
from engramlab.memory import StateKind, classify_states, fixed_points, hebbian_weights
from engramlab.plotting.displays import wilson_interval


def test_seed_network_fixed_points_are_the_letters_and_their_reversals():
    xi = np.array(list(SEED_LETTERS.values()), dtype=float)
    fp = fixed_points(hebbian_weights(xi))
    kind, index = classify_states(xi, fp)
    assert len(fp) == 6
    assert sorted(zip(kind.tolist(), index.tolist(), strict=True)) == [
        (StateKind.STORED, 0), (StateKind.STORED, 1), (StateKind.STORED, 2),
        (StateKind.REVERSED, 0), (StateKind.REVERSED, 1), (StateKind.REVERSED, 2)]


def test_seed_demo_numbers():
    """The seed's example: exact end-state sets, and where the unseen pattern goes."""
    out = quick_run("hopfield.seed-demo")
    m = out.metrics
    assert m["noisy_T_recalls_T"] == 1.0
    assert m["noisy_H_recalls_H"] == 1.0
    assert m["unseen_stored"] + m["unseen_reversed"] == pytest.approx(1.0, abs=1e-12)
    # Every outcome the exhaustive search allows appears among 1000 random orders, and
    # none it forbids (reversed H is the rarest, about 1 %).
    ds = out.dataset
    seen = ds.outcome_fraction.sel(cue="unseen").values > 0
    assert (seen == ds.reachable.sel(cue="unseen").values).all()
    # Noisy T can only end in T, whatever the order (exhaustive search).
    reach_t = ds.reachable.sel(cue="noisy T")
    assert reach_t.sum() == 1 and bool(reach_t.sel(outcome="T"))


def test_experiment_identical_across_backends():
    pytest.importorskip("array_api_strict")
    exp = engramlab.get_experiment("hopfield.seed-demo")
    params = exp.params("quick")
    a = exp.run(params, seed=2, backend="numpy")
    b = exp.run(params, seed=2, backend="array_api_strict")
    xr.testing.assert_identical(a, b)


@pytest.mark.parametrize("n", [7, 100, 1000, 10_000])
def test_wilson_interval_contains_the_fraction(n):
    """Error bars of the seed-demo figure never have negative length (regression)."""
    p = np.array([0.0, 1.0, 0.5, 0.013])
    lo, hi = wilson_interval(p, n)
    assert (lo <= p).all() and (p <= hi).all() and (lo >= -1e-12).all()


def test_fixed_points_are_the_energy_minima_only_with_a_zero_diagonal(monkeypatch):
    """Hopfield's theorem (the theory check): with T_ii = 0 the dynamics' fixed points are
    the states no single flip can lower in energy; a negative diagonal breaks it."""
    from engramlab.core import get_namespace
    from engramlab.experiments.hopfield.seed_demo import _energy_minima_mismatch
    from engramlab.memory import hopfield

    xi = np.array(list(SEED_LETTERS.values()), dtype=float)
    xp = get_namespace("numpy")
    assert _energy_minima_mismatch(hebbian_weights(xi), xp) == 0
    monkeypatch.setattr(hopfield, "SELF_COUPLING", -1.0)
    assert _energy_minima_mismatch(hebbian_weights(xi), xp) > 0
    out = quick_run("hopfield.seed-demo")
    kinds = {c.name: c.kind for c in out.checks}
    assert kinds["energy_minima_mismatch"] == kinds["all_converged"] == "theory"
    assert kinds["noisy_T_recalls_T"] == "consistency"
