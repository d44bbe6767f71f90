"""RescorlaWagnerRegion: the rule against an independent step, its effects, its bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engramlab.circuits import (
    Circuit,
    Gain,
    Group,
    Record,
    ScaleLearning,
    Scheduled,
    run_protocol,
)
from engramlab.circuits.conditioning import RescorlaWagnerRegion
from engramlab.core import ParameterError
from engramlab.interventions import ap5, dopamine, lesion
from engramlab.protocol import After, During, Protocol, epoch, repeat, session, sleep, trial

CSS = ("A", "X", "B")


def _reference(trials, alpha, beta1, beta0, v0, summed=True, burst=1.0, dip=1.0,
               factor=1.0):
    """An independent Rescorla-Wagner (or Bush-Mosteller) learner, one CS at a time.

    ``trials``: a list of (set of present CS names, lambda). Returns, per trial, the
    prediction before the update and the strengths after it.
    """
    v = dict(v0)
    preds, after = [], []
    for present, lam in trials:
        present = [c for c in CSS if c in present]
        total = sum(v[c] for c in present)
        preds.append(total if present else 0.0)
        b = (beta1 if lam > 0 else beta0) * factor
        new = dict(v)
        for c in present:
            err = lam - (total if summed else v[c])
            err = err * (burst if err > 0 else dip)
            new[c] = v[c] + alpha[c] * b * err
        v = new
        after.append([v[c] for c in CSS])
    return np.array(preds), np.array(after)


def _protocol(trials):
    out = []
    for k, (present, lam) in enumerate(trials):
        stim = {c: 1.0 for c in present}
        if lam > 0:
            stim["us"] = lam
        out.append(trial(f"t{k}", epoch("cs" if present else "blank", 1000.0, **stim)))
    return Protocol.of(session("training", out, iti_ms=5000.0))


def _run(region, protocol, groups=None, n_subjects=2):
    ds = run_protocol(Circuit((region,), settle=1), protocol, groups=groups,
                      record=[Record("rw", region.name, "cells")], seed=3,
                      n_subjects=n_subjects)
    return ds


def _random_trials(seed, n=60):
    rng = np.random.default_rng(seed)
    trials = []
    for _ in range(n):
        present = {c for c in CSS if rng.random() < 0.5}
        lam = float(rng.choice([0.0, 1.0, 0.5, 2.0]))
        trials.append((present, lam))
    return trials


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("error_term", ["summed", "individual"])
def test_the_region_follows_an_independent_step(seed, error_term):
    trials = _random_trials(seed)
    alpha = {"A": 0.3, "X": 0.15, "B": 0.6}
    v0 = {"A": 0.1, "X": -0.2, "B": 0.0}
    rw = RescorlaWagnerRegion("rw", stimuli=CSS, alpha=alpha, beta=0.4, beta_absent=0.25,
                              v_init=v0, error_term=error_term)
    ds = _run(rw, _protocol(trials))
    got = ds.rw.values[0]  # (subjects, events, cells): cr, error, V_A, V_X, V_B
    pred, after = _reference(trials, alpha, 0.4, 0.25, v0, summed=error_term == "summed")
    for s in range(2):  # every subject the same (a deterministic learner)
        np.testing.assert_allclose(got[s, :, 0], pred, atol=1e-12)
        np.testing.assert_allclose(got[s, :, 2:], after, atol=1e-12)


def test_the_error_cell_is_the_summed_error_and_no_cs_means_no_learning():
    trials = [({"A", "X"}, 1.0), (set(), 1.0), ({"A"}, 0.0)]
    rw = RescorlaWagnerRegion("rw", stimuli=CSS, alpha=0.2, beta=0.5)
    got = _run(rw, _protocol(trials)).rw.values[0, 0]
    assert got[0, 1] == pytest.approx(1.0)           # lambda - 0 on the first AX+ trial
    assert got[0, 2] == pytest.approx(0.1)           # V_A = 0.2 * 0.5 * 1
    assert got[1, 0] == 0.0 and got[1, 1] == 0.0     # the US alone: no CS, no error
    np.testing.assert_array_equal(got[1, 2:], got[0, 2:])   # ... and nothing learned
    assert got[2, 1] == pytest.approx(-0.1)          # A- : 0 - V_A


def test_acquisition_matches_the_closed_form():
    rw = RescorlaWagnerRegion("rw", stimuli=("A",), alpha=0.2, beta=0.5)
    p = Protocol.of(session("s", repeat(trial("A+", epoch("A+", 1000.0, A=1.0, us=1.0)),
                                        50)))
    v = _run(rw, p).rw.values[0, 0, :, 2]
    n = np.arange(1, 51)
    np.testing.assert_allclose(v, 1 - 0.9 ** n, atol=1e-14)


def test_a_lesion_silences_and_stops_learning_and_sleep_changes_nothing():
    rw = RescorlaWagnerRegion("rw", stimuli=("A",), alpha=0.5, beta=0.5)
    a_plus = trial("A+", epoch("A+", 1000.0, A=1.0, us=1.0))
    p = Protocol.of(session("one", repeat(a_plus, 3)),
                    sleep("night", 60_000.0, events=2, day=1.0),
                    session("two", repeat(a_plus, 3), day=2.0))
    ds = run_protocol(Circuit((rw,), settle=1), p, record={"v": "rw.A", "cr": "rw.cr"},
                      seed=0, groups={"sham": [], "lesion": [lesion("rw", After("one"))]},
                      record_sleep=True)
    sham = ds.v.sel(group="sham").values[0]
    les = ds.v.sel(group="lesion").values[0]
    v3 = 1 - 0.75 ** 3
    assert sham[2] == pytest.approx(v3)
    assert sham[3] == sham[4] == pytest.approx(v3)   # the night: no CS, no change
    assert sham[5] == pytest.approx(1 - 0.75 ** 4)
    np.testing.assert_array_equal(les[3:], 0.0)      # lesioned: silent from then on
    assert np.all(ds.cr.sel(group="lesion").values[0, 3:] == 0.0)


def test_dopamine_scales_bursts_and_dips_and_scale_learning_scales_beta():
    a_plus = trial("A+", epoch("A+", 1000.0, A=1.0, us=1.0))
    a_minus = trial("A-", epoch("A-", 1000.0, A=1.0))
    p = Protocol.of(session("acq", repeat(a_plus, 5)), session("ext", repeat(a_minus, 5)))
    rw = RescorlaWagnerRegion("rw", stimuli=("A",), alpha=0.4, beta=0.5)
    groups = {
        "control": Group(),
        "burst 0.5": Group((dopamine(region="rw", window="acq", burst=0.5, dip=3.0),)),
        "dip 0.25": Group((dopamine(region="rw", window="ext", burst=7.0, dip=0.25),)),
        "AP5": Group((ap5(region="rw", window="acq"),)),
        "half": Group((Scheduled("rw", ScaleLearning(0.5), During("ext")),)),
    }
    ds = run_protocol(Circuit((rw,), settle=1), p, groups=groups, record={"v": "rw.A"},
                      seed=0)
    trials = [({"A"}, 1.0)] * 5 + [({"A"}, 0.0)] * 5
    alpha = {"A": 0.4, "X": 0.0, "B": 0.0}
    zero = dict.fromkeys(CSS, 0.0)

    def ref(**kw):
        acq = _reference(trials[:5], alpha, 0.5, 0.5, zero, **kw.get("acq", {}))[1]
        v0 = {"A": acq[-1, 0], "X": 0.0, "B": 0.0}
        ext = _reference(trials[5:], alpha, 0.5, 0.5, v0, **kw.get("ext", {}))[1]
        return np.concatenate([acq[:, 0], ext[:, 0]])

    got = {g: ds.v.sel(group=g).values[0] for g in groups}
    # in acquisition the errors are all > 0 (bursts), in extinction all < 0 (dips)
    np.testing.assert_allclose(got["control"], ref(), atol=1e-12)
    np.testing.assert_allclose(got["burst 0.5"], ref(acq={"burst": 0.5}), atol=1e-12)
    np.testing.assert_allclose(got["dip 0.25"], ref(ext={"dip": 0.25}), atol=1e-12)
    np.testing.assert_allclose(got["AP5"][:5], 0.0)
    np.testing.assert_allclose(got["half"], ref(ext={"factor": 0.5}), atol=1e-12)
    assert got["burst 0.5"][4] < got["control"][4]
    assert got["dip 0.25"][-1] > got["control"][-1]     # extinction slowed


def test_an_effect_the_region_cannot_take_is_refused_before_any_work():
    rw = RescorlaWagnerRegion("rw", stimuli=("A",))
    p = Protocol.of(session("s", trial("A+", epoch("A+", 1000.0, A=1.0, us=1.0))))
    with pytest.raises(ParameterError, match="cannot take Gain"):
        run_protocol(Circuit((rw,)), p, seed=0,
                     groups={"g": [Scheduled("rw", Gain(0.0), During("s"))]})


def test_records_read_each_cs_group():
    rw = RescorlaWagnerRegion("rw", stimuli=("tone", "light"), alpha=(0.2, 0.1))
    assert list(rw.groups) == ["cr", "error", "tone", "light"]
    p = Protocol.of(session("s", trial("TL+", epoch("TL+", 1000.0, tone=1.0, light=1.0,
                                                     us=1.0))))
    ds = run_protocol(Circuit((rw,), settle=1), p, seed=0,
                      record={"tone": "rw.tone", "light": "rw.light"})
    assert float(ds.tone[0, 0, 0]) == pytest.approx(2 * float(ds.light[0, 0, 0]))
    with pytest.raises(ParameterError, match="names no group"):
        run_protocol(Circuit((rw,), settle=1), p, seed=0, record={"x": "rw.noise"})


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"stimuli": ()}, "rw.stimuli"),
    ({"stimuli": ("A", "A")}, "rw.stimuli"),
    ({"stimuli": ("cr",)}, "rw.stimuli"),
    ({"stimuli": ("a.b",)}, "rw.stimuli"),
    ({"alpha": 1.5}, "rw.alpha"),
    ({"alpha": -0.1}, "rw.alpha"),
    ({"alpha": (0.1,)}, "rw.alpha"),
    ({"alpha": {"A": 0.1, "Z": 0.2}}, "rw.alpha"),
    ({"alpha": {"A": 0.1}}, "rw.alpha"),
    ({"alpha": (0.1, math.nan)}, "rw.alpha[X]"),
    ({"alpha": True}, "rw.alpha"),
    ({"beta": -0.5}, "rw.beta"),
    ({"beta": "0.5"}, "rw.beta"),
    ({"beta_absent": 2.0}, "rw.beta_absent"),
    ({"us": "A"}, "rw.us"),
    ({"us": ""}, "rw.us"),
    ({"v_init": math.inf}, "rw.v_init"),
    ({"error_term": "sum"}, "rw.error_term"),
])
def test_bad_input_names_the_field(kwargs, field):
    base = {"name": "rw", "stimuli": ("A", "X")}
    with pytest.raises(ParameterError) as err:
        RescorlaWagnerRegion(**{**base, **kwargs})
    assert f"'{field}'" in str(err.value)
