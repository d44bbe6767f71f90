"""basal-ganglia.dopamine-rpe: the trial-by-trial prediction error against TD written
here from the equations, PsyNeuLink's protocol and indexing, bad input, the figure."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import quick_run
from engramlab.core import ParameterError
from engramlab.experiments._registry import get_experiment

EXP = "basal-ganglia.dopamine-rpe"


def _td_by_time_step(rewards_per_trial, *, cs=41, n_steps=60, last_weighted=58,
                     eta=0.3, w0=0.0):
    """TD(0) in PsyNeuLink's form, written from the equations (not the model's code).

    One weight per time step of the CS (a complete serial compound): V[t] = w[t] for
    cs <= t <= last_weighted, else 0; delta[t] = r[t] + V[t] - V[t - 1] (gamma 1), from
    the weights at the start of the trial; then w[t - 1] += eta * delta[t] for every t.
    """
    w = np.zeros(n_steps)
    w[cs:last_weighted + 1] = w0
    out = []
    for r in rewards_per_trial:
        v = w.copy()
        delta = np.zeros(n_steps)
        delta[1:] = r[1:] + v[1:] - v[:-1]
        delta[0] = r[0] + v[0]
        out.append(delta)
        w[:-1] += eta * delta[1:]
        w[:cs] = 0.0
        w[last_weighted + 1:] = 0.0
    return np.array(out)


def _pnl_rewards(n_trials, omissions=(14, 29, 44, 59, 74, 89)):
    r = np.zeros((n_trials, 60))
    r[:, 54] = 1.0
    r[[i for i in omissions if i < n_trials], 54] = 0.0
    return r


def test_the_trial_by_trial_error_matches_td_written_from_the_equations_to_1e12():
    ds = quick_run(EXP).dataset
    n = ds.sizes["pnl_trial"]
    # PsyNeuLink's protocol: 60 steps, CS 41-59, reward at 54 (omissions), lr 0.3
    for var, w0 in (("delta_pnl_zero", 0.0), ("delta_pnl", 0.003)):
        want = _td_by_time_step(_pnl_rewards(n), w0=w0)
        np.testing.assert_allclose(ds[var].values, want, rtol=0, atol=1e-12, err_msg=var)
    # the shared training (every trial rewarded)
    want = _td_by_time_step(_pnl_rewards(ds.sizes["trial"], omissions=()))
    np.testing.assert_allclose(ds.delta_train.values, want, rtol=0, atol=1e-12)


def test_psyneulink_values_sit_one_step_later_here_as_documented():
    ds = quick_run(EXP).dataset
    exp = ds.pnl_expected.sel(pnl_checked=1).values
    assert exp[41] == 0.003 and exp[54] == 1.0 and exp[59] == -0.003  # their 40, 53, 58
    assert np.isnan(exp[:41]).all()
    # with the same initial weights the three logged trials are matched
    got = ds.delta_pnl.sel(pnl_trial=ds.pnl_checked).values
    ok = np.isfinite(ds.pnl_expected.values)
    assert np.max(np.abs(got[ok] - ds.pnl_expected.values[ok])) < 1e-9


def test_the_probes_have_the_shapes_of_the_checks():
    out = quick_run(EXP)
    assert all(c.passed for c in out.checks), [c.name for c in out.checks if not c.passed]
    ds = out.dataset
    om = ds.delta_probe.sel(probe="omission").values
    assert om[54] == pytest.approx(-1.0, abs=1e-9)
    # elsewhere only what is left of the learning wave after 100 trials (< 1e-3)
    assert np.all(np.abs(np.delete(om, [41, 54])) < 1e-3)


def test_no_bursts_at_all_means_no_learning_from_the_reward():
    exp = get_experiment(EXP)
    p = exp.params("quick", burst_reduced=0.0, pnl_trials=50, discount_trials=20)
    ds = exp.run(p, seed=0)
    assert np.all(ds.value_reduced.values == 0.0)
    assert np.all(ds.delta_reduced.values <= 0.0)
    assert exp.metrics(ds)["trained_cs_value"] > 0.99


@pytest.mark.parametrize("field, value", [
    ("n_csc", 13), ("learning_rate", 0.0), ("representation", "tapped"),
    ("burst_reduced", 1.0), ("early_steps", 13), ("discount_gamma", 1.0),
    ("pnl_trials", 10), ("dt_ms", -1.0)])
def test_bad_parameters_are_refused_naming_the_field(field, value):
    with pytest.raises(ParameterError, match=field):
        get_experiment(EXP).params("quick", **{field: value})


def test_the_figure_draws_the_published_shape_and_psyneulink():
    out = quick_run(EXP)
    fig = out.experiment.figure(out.dataset, out.checks)
    legends = [ax.get_legend() for ax in fig.axes]
    texts = [t.get_text() for leg in legends if leg is not None for t in leg.get_texts()]
    assert any("Schultz et al. 1997" in t for t in texts)
    assert any("PsyNeuLink" in t for t in texts)
    assert any("0.9^10" in t for t in texts)
    assert len(fig.axes) >= 6
