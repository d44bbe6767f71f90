"""working-memory.span: the oscillatory buffer against its closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import quick_run
from engramlab.circuits import Circuit, OscillatoryBuffer, Record, run_protocol
from engramlab.circuits.oscillatory import adp_kernel
from engramlab.core import ParameterError
from engramlab.experiments._registry import get_experiment
from engramlab.experiments.working_memory.span import HELD_CYCLES, task


def _run(theta_hz: float, gamma_hz: float, n_items: int, **kw):
    reg = OscillatoryBuffer("buffer", items=tuple(f"item{k}" for k in range(n_items)),
                            theta_hz=theta_hz, gamma_hz=gamma_hz, **kw)
    ds = run_protocol(Circuit((reg,)), task(n_items, reg.theta_ms, 6, True), seed=0,
                      n_subjects=2, record=[Record("count", "buffer.items", "cells"),
                                            Record("lat", "buffer.latency", "cells")])
    count = ds["count"].isel(group=0).values[:, :, :n_items]
    lat = ds["lat"].isel(group=0).values[:, :, n_items:]
    return reg, count, lat


def test_adp_kernel_peaks_once_at_its_peak_time():
    s = np.linspace(0.0, 500.0, 5001)
    k = adp_kernel(s, 166.5, 40.0)
    assert s[np.argmax(k)] == pytest.approx(166.5, abs=0.1)
    assert k.max() == pytest.approx(1.0, abs=1e-6)
    assert k[0] == 0.0 and adp_kernel(-5.0, 100.0, 4.0) == 0.0
    # closed form at twice the peak: 2^a e^{-a}
    assert float(adp_kernel(200.0, 100.0, 3.0)) == pytest.approx(8 * math.exp(-3), rel=1e-12)


@pytest.mark.parametrize(("theta", "gamma", "expected"), [(12, 40, 3), (8, 40, 5),
                                                           (6, 40, 6)])
def test_subcycles_are_the_floor_of_the_ratio(theta, gamma, expected):
    reg = OscillatoryBuffer("b", items=("a",), theta_hz=theta, gamma_hz=gamma)
    assert reg.n_subcycles == expected == math.floor(gamma / theta)


@pytest.mark.parametrize(("theta", "gamma"), [(12.0, 40.0), (8.0, 40.0), (6.0, 40.0)])
def test_items_within_capacity_fire_once_per_cycle_in_order_one_per_subcycle(theta,
                                                                             gamma):
    n = math.floor(gamma / theta) - 1                     # below capacity
    reg, count, lat = _run(theta, gamma, n)
    assert (count[:, -HELD_CYCLES:, :] == 1).all()        # every item, once a cycle
    last = lat[:, -1, :]                                  # the probe's cycle
    assert (np.diff(last, axis=1) > 0).all()              # presentation order kept
    sub = np.floor(last / reg.gamma_ms)
    assert (sub == np.arange(n)[None, :]).all()           # item k in subcycle k


@pytest.mark.parametrize(("theta", "n"), [(8.0, 5), (6.0, 6)])
def test_a_list_at_capacity_is_held_whole(theta, n):
    _, count, _ = _run(theta, 40.0, n)
    assert (count[:, -HELD_CYCLES:, :] == 1).all()


def test_more_items_than_subcycles_are_lost_down_to_the_floor():
    reg, count, _ = _run(8.0, 40.0, 8)
    held = (count[:, -HELD_CYCLES:, :] == 1).all(axis=1).sum(axis=1)
    assert (held == reg.n_subcycles).all()


def test_without_adp_nothing_is_held():
    _, count, _ = _run(6.0, 40.0, 4, adp_mv=0.0)
    assert (count[:, -HELD_CYCLES:, :] == 0).all()


def test_quick_run_holds_the_floor_and_scans_one_gamma_period_per_item():
    out = quick_run("working-memory.span")
    m = out.metrics
    assert m["main_span"] == 6.0 and m["sweep_match_fraction"] == 1.0
    assert m["rt_slope_ms"] == pytest.approx(25.0, rel=0.02)


@pytest.mark.parametrize(("field", "value"), [("theta_hz", 2.0), ("gamma_hz", 100.0),
                                               ("sweep_theta_hz", (6.0, 8.0)),
                                               ("dt_ms", 1e-9)])
def test_bad_parameters_are_refused_naming_the_field(field, value):
    with pytest.raises(ParameterError, match=field):
        get_experiment("working-memory.span").params("quick", **{field: value})


@pytest.mark.parametrize(("kw", "field"), [({"theta_hz": -1.0}, "theta_hz"),
                                           ({"gamma_hz": 3.0}, "gamma_hz"),
                                           ({"items": ()}, "items"),
                                           ({"adp_mv": float("nan")}, "adp_mv")])
def test_the_region_refuses_bad_values(kw, field):
    args = {"items": ("a", "b"), **kw}
    with pytest.raises(ParameterError, match=field):
        OscillatoryBuffer("b", **args)
