"""working-memory.capacity: the arrays, the bump counting on known profiles, the network."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import quick_run
from engramlab.core import ParameterError
from engramlab.experiments._registry import get_experiment
from engramlab.experiments.working_memory.capacity import (
    ACTIVE_HZ,
    arrays,
    bumps,
    count,
    network_params,
    random_array,
)
from engramlab.network import DenseRing


def test_random_arrays_keep_the_minimum_gap_and_depend_on_the_seed():
    rng = np.random.default_rng(3)
    for k in range(2, 9):
        for _ in range(50):
            a = random_array(rng, k, 40.0)
            gaps = np.diff(np.r_[a, a[0] + 360.0])
            assert a.size == k and np.all((a >= 0) & (a < 360))
            assert gaps.min() >= 40.0 - 1e-9 and gaps.sum() == pytest.approx(360.0)
    p = get_experiment("working-memory.capacity").params("quick")
    a0, a0b, a1 = arrays(p, 0), arrays(p, 0), arrays(p, 1)
    assert list(a0) == ([f"load{k}" for k in range(1, 9)] + ["load6_1", "load7_1", "load8_1"]
                        + ["pair20", "pair180"])
    assert all(np.array_equal(a0[g], a0b[g]) for g in a0)
    assert not np.allclose(a0["load8"], a1["load8"])
    np.testing.assert_allclose(a0["pair180"], [90.0, 270.0])


def test_bumps_are_runs_of_active_arcs_on_a_ring():
    hi = 2 * ACTIVE_HZ
    assert bumps(np.zeros(12)) == []
    assert bumps(np.full(12, hi)) == [(0, 12)]
    r = np.zeros(12)
    r[[0, 1, 11]] = hi          # one bump across the wrap
    r[[5, 6]] = hi
    assert bumps(r) == [(5, 2), (11, 3)]
    # items: one in each bump, one outside; the widest bump is 3 arcs (of 30 deg)
    n_b, n_s, width = count(r, np.array([15.0, 170.0, 100.0]))
    assert (n_b, n_s, width) == (2, 2, 90.0)


def test_the_network_has_the_per_synapse_values_of_the_authors_code():
    p = get_experiment("working-memory.capacity").params("full")
    net = network_params(p)
    # CompteParams scales by 2048 / N_E and 512 / N_I: per synapse at 4096 / 1024 cells
    assert net.g_ee_ns * 2048 / net.n_e == pytest.approx(0.1905)
    assert net.g_ie_ns * 512 / net.n_i == pytest.approx(0.6681)
    assert net.g_ei_ns * 2048 / net.n_e == pytest.approx(0.146)
    assert net.g_ii_ns * 512 / net.n_i == pytest.approx(0.512)
    # J- of the footprint as the code's normalisation: (1 - c J+) / (1 - c), c =
    # sqrt(2 pi) sigma / 360 (the Gaussian's tails past 180 deg are negligible)
    c = np.sqrt(2 * np.pi) * 5.0 / 360.0
    assert DenseRing(net.j_plus, net.sigma_deg).j_minus == pytest.approx(
        (1 - c * 4.02) / (1 - c), rel=1e-9)


def test_a_quick_run_normalises_and_merges():
    ds = quick_run("working-memory.capacity").dataset
    loads = ds.sel(array=ds.is_load)
    # the spontaneous state is silent, the delay holds at least one bump at every load
    assert float(ds.rate_map.where(ds.epoch == "fixation").mean()) < 1.0
    assert (loads.n_bumps >= 1).all()
    # the total activity does not grow with the load as independent items would
    tot = loads.total_hz.values
    assert tot[-1] < 2 * tot[0]
    # bumps never exceed the items shown; close pair merged, far pair apart
    assert (loads.n_bumps <= loads.n_items).all()
    assert int(ds.n_bumps.sel(array="pair20")) == 1
    assert int(ds.n_bumps.sel(array="pair180")) == 2


@pytest.mark.parametrize(("field", "value"), [("delay_s", 0.3), ("late_ms", 5000.0)])
def test_bad_parameters_are_refused_naming_the_field(field, value):
    with pytest.raises(ParameterError, match=field):
        get_experiment("working-memory.capacity").params("quick", **{field: value})


def test_items_that_do_not_fit_and_a_negative_footprint_are_refused():
    exp = get_experiment("working-memory.capacity")
    with pytest.raises(ParameterError, match="min_separation_deg"):
        exp.params("quick", max_load=12, min_separation_deg=30.0)
    with pytest.raises(ParameterError, match="j_plus"):
        exp.params("quick", j_plus=10.0, sigma_deg=30.0)
