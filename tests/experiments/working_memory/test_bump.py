"""working-memory.bump: the protocol and the read-outs, checked on data whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import quick_run
from engramlab.core import ParameterError
from engramlab.experiments._registry import get_experiment
from engramlab.experiments.working_memory.bump import (
    BUMP_DEG,
    FAR_DEG,
    circular_difference_deg,
    groups,
    readouts,
)
from engramlab.interventions import Drug


def test_the_groups_run_the_delayed_response_trial_and_ap5_blocks_only_the_delay():
    p = get_experiment("working-memory.bump").params("full")
    g = groups(p)
    epochs = [e.name for e in g["control"].protocol.sessions[0].trials[0].epochs]
    assert epochs == ["fixation", "cue"] + ["delay"] * 12          # 3 s in 250-ms epochs
    assert len(g["AP5"].protocol.sessions[0].trials[0].epochs) == 2 + 6
    (drug,) = g["AP5"].interventions
    assert isinstance(drug, Drug) and drug.target == "nmda" and drug.block == 1.0
    assert drug.window.epoch == "delay"
    assert g["control"].interventions == ()


def test_readouts_of_a_known_profile():
    """A ring at 2 Hz with cells within 15 deg of 100 deg at 20 Hz: the centre is 100 deg,
    the bump rate the plateau's average over the 20-deg window, the far rate 2 Hz."""
    n = 720
    theta = 360.0 * np.arange(n) / n
    d = np.abs(circular_difference_deg(theta, 100.0))
    rates = np.where(d <= 15.0, 20.0, 2.0)[None, :]
    out = readouts(rates, theta)
    assert out["centre_deg"][0] == pytest.approx(100.0, abs=1e-9)
    in_window = d <= BUMP_DEG
    expected = rates[0, in_window].mean()
    assert out["bump_hz"][0] == pytest.approx(expected, rel=1e-12)
    assert out["far_hz"][0] == pytest.approx(2.0, rel=1e-12)
    assert FAR_DEG > BUMP_DEG
    # a flat ring has no direction
    flat = readouts(np.full((1, n), 3.0), theta)
    assert flat["vector_length"][0] < 1e-12
    # circular difference wraps
    assert circular_difference_deg(350.0, 10.0) == pytest.approx(-20.0)
    assert circular_difference_deg(10.0, 350.0) == pytest.approx(20.0)


def test_the_bump_outlasts_the_cue_and_ap5_erases_it():
    ds = quick_run("working-memory.bump").dataset
    cue = ds.bump_hz.sel(t_s=0.0)
    end = ds.bump_hz.sel(t_s=float(ds.t_s.max()))
    assert (cue > end).all() and (end > 3 * ds.far_hz.sel(t_s=float(ds.t_s.max()))).all()
    ap5_end = ds.ap5_bump_hz.sel(ap5_t_s=float(ds.ap5_t_s.max()))
    # with the NMDA current blocked the cued cells fall below their spontaneous rate
    fix = ds.bump_hz.where(ds.t_s < 0).mean()
    assert (ap5_end < fix).all()
    # the two groups share the naive networks: identical up to the cue's offset
    np.testing.assert_array_equal(ds.rate_map.sel(t_s=0.0).values,
                                  ds.ap5_rate_map.sel(ap5_t_s=0.0).values)


@pytest.mark.parametrize(("field", "value"), [("delay_s", 0.3), ("ap5_delay_s", 0.1),
                                               ("cue_deg", 360.0), ("n_e", 8)])
def test_bad_parameters_are_refused_naming_the_field(field, value):
    with pytest.raises(ParameterError, match=field):
        get_experiment("working-memory.bump").params("quick", **{field: value})
