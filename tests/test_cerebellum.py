"""The cerebellar region: the PF-Purkinje rule against an independent computation, the
time basis, lesions, the VOR read-out, the response read-outs and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engramlab.analysis.responses import (
    cr_amplitude,
    onset_latency,
    peak_time,
    response_peaks,
)
from engramlab.circuits import (
    Circuit,
    Gain,
    OneToOne,
    Pathway,
    Record,
    Remove,
    ScaleLearning,
    Scheduled,
    Sensory,
    StepContext,
    run_protocol,
)
from engramlab.circuits.cerebellum import Cerebellum, eligibility, vor_gain
from engramlab.core import ParameterError, make_rng
from engramlab.protocol import During, Protocol, epoch, repeat, session, trial


def _spans(*epochs, trials=1):
    pr = Protocol.of(session("s", repeat(trial("t", *epochs), trials), iti_ms=10_000))
    return pr.resolve().spans


def _step(region, state, span, cs, us, effects=()):
    x = np.zeros((state["w"].shape[0], sum(region.groups.values())))
    x[:, :region.n_mossy] = cs
    x[:, region.n_mossy:region.n_mossy + region.n_climbing] = us
    return region.step(state, {"input": x}, StepContext(span, tuple(effects), 0,
                                                        x.shape[0]))


def test_pf_ltd_only_within_the_window_before_the_climbing_fibre():
    """One pairing (CS 200 ms, then 50 ms CS + US): LTD from the PF samples of the 50 ms
    before the CF spike, LTP from every other sample; checked against a step written
    here from the rule's definition."""
    dt, w_ms, isi = 5.0, 50.0, 200.0
    cb = Cerebellum(n_granule=6, step_ms=dt, window_ms=w_ms, ltd_rate=3.0, ltp_rate=0.4,
                    w_init=0.6, basis_ms=1000.0)
    state = cb.init(2, make_rng(3))
    w0 = state["w"].copy()
    a, b, rest = _spans(epoch("cs", isi, cs=1.0), epoch("us", 50.0, cs=1.0, us=1.0),
                        epoch("off", 100.0), trials=2)[:3]
    state, _ = _step(cb, state, a, 1.0, 0.0)
    state, _ = _step(cb, state, b, 1.0, 1.0)
    state, _ = _step(cb, state, rest, 0.0, 0.0)  # flushes the last window, no PF input
    # independent: the basis sampled at the step midpoints since CS onset
    n_t = int((isi + 50.0) / dt)
    t = (np.arange(n_t) + 0.5) * dt
    tau = state["tau"]
    g = np.exp(-np.log(t[None, :, None] / tau[:, None, :]) ** 2 / (2 * 0.2 ** 2))
    k_cf = int(isi / dt)
    eligible = (np.arange(n_t) >= k_cf - int(w_ms / dt)) & (np.arange(n_t) < k_cf)
    # a sample's drive is applied once no later CF can reach it (W after it): at the end
    # of the CS epoch, of the US epoch, and at the next trial; each batch one exact step
    # of w' = eta+ A (w_max - w) - eta- B w
    k = np.arange(n_t)
    batches = (k < k_cf - int(w_ms / dt),
               (k >= k_cf - int(w_ms / dt)) & (k < n_t - int(w_ms / dt)),
               k >= n_t - int(w_ms / dt))
    want = w0.copy()
    for batch in batches:
        ltd = g[:, batch & eligible].sum(axis=1) * dt / 1000
        ltp = g[:, batch & ~eligible].sum(axis=1) * dt / 1000
        up, down = 0.4 * ltp, 3.0 * ltd
        w_inf = up * 1.0 / (up + down)
        want = w_inf + (want - w_inf) * np.exp(-(up + down))
    np.testing.assert_allclose(state["w"], want, rtol=1e-10)
    # the cells active just before the US were depressed, early ones potentiated
    assert (state["w"][:, tau[0] < 50] > w0[:, tau[0] < 50]).all()
    late = (tau[0] > 160) & (tau[0] < 210)
    if late.any():
        assert (state["w"][:, late] < w0[:, late]).all()


def test_a_zero_window_gives_ltp_only():
    cb = Cerebellum(n_granule=5, step_ms=5.0, window_ms=0.0, basis_ms=1000.0)
    state = cb.init(1, make_rng(0))
    w0 = state["w"].copy()
    a, b, rest = _spans(epoch("cs", 100.0, cs=1.0), epoch("us", 50.0, cs=1.0, us=1.0),
                        epoch("off", 50.0))
    for sp, cs, us in ((a, 1.0, 0.0), (b, 1.0, 1.0), (rest, 0.0, 0.0)):
        state, _ = _step(cb, state, sp, cs, us)
    assert (state["w"] >= w0).all() and (state["w"] > w0).any()


def test_eligibility_counts_the_spikes_that_follow_within_the_window():
    cf = np.zeros(10)
    cf[6] = 1.0
    n = eligibility(cf, 3)
    np.testing.assert_array_equal(n, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0])
    assert not eligibility(cf, 0).any()


def test_ltd_block_stops_depression():
    cb = Cerebellum(n_granule=6, step_ms=5.0, basis_ms=1000.0)
    state = cb.init(1, make_rng(1))
    w0 = state["w"].copy()
    a, b, rest = _spans(epoch("cs", 200.0, cs=1.0), epoch("us", 50.0, cs=1.0, us=1.0),
                        epoch("off", 50.0))
    blocked = (ScaleLearning(0.0),)
    for sp, cs, us in ((a, 1.0, 0.0), (b, 1.0, 1.0), (rest, 0.0, 0.0)):
        state, _ = _step(cb, state, sp, cs, us, blocked)
    assert (state["w"] >= w0 - 1e-15).all()


def test_the_time_basis_is_reproducible_per_subject_and_differs_between_subjects():
    cb = Cerebellum(n_granule=20, basis_ms=1000.0)
    s1, s2 = cb.init(3, make_rng(5)), cb.init(3, make_rng(5))
    np.testing.assert_array_equal(s1["basis"], s2["basis"])
    assert not np.allclose(s1["tau"][0], s1["tau"][1])
    assert not np.allclose(cb.init(3, make_rng(6))["tau"], s1["tau"])
    # stratified: one delay in each log bin of [min, max]
    edges = np.linspace(math.log(cb.min_delay_ms), math.log(cb.max_delay_ms), 21)
    idx = np.digitize(np.log(s1["tau"][0]), edges) - 1
    np.testing.assert_array_equal(idx, np.arange(20))


def _circuit(cb):
    senses = Sensory("senses", (("cs", cb.n_mossy), ("us", cb.n_climbing)), coding=1.0,
                     context_cells=1)
    return Circuit((senses, cb), (Pathway("cs-mossy", "senses.cs", "cerebellum.mossy",
                                          OneToOne()),
                                  Pathway("us-climbing", "senses.us",
                                          "cerebellum.climbing", OneToOne())), settle=1)


def test_granule_trace_is_the_same_on_every_trial_and_lesions_act():
    cb = Cerebellum(n_granule=10, step_ms=10.0, basis_ms=1000.0, ltd_rate=0.0,
                    ltp_rate=0.0, nucleus_init=1.0)
    pr = Protocol.of(session("train", repeat(trial("t", epoch("cs", 300.0, cs=1.0)), 2),
                             iti_ms=5000),
                     session("test", (trial("t", epoch("cs", 300.0, cs=1.0)),), day=1))
    groups = {"intact": [],
              "cortex off": [Scheduled("cerebellum", Gain(0.0, "purkinje"),
                                       During(session="test"))],
              "cerebellum lesion": [Scheduled("cerebellum", Remove(),
                                              During(session="test"), instant=True)]}
    ds = run_protocol(_circuit(cb), pr, groups=groups, seed=0, n_subjects=2,
                      record={"g": Record("g", "cerebellum.granule", "trace"),
                              "pk": Record("pk", "cerebellum.purkinje", "trace"),
                              "cr": Record("cr", "cerebellum.output", "trace")})
    ev = list(ds.event.values)
    g = ds.g.sel(group="intact")
    np.testing.assert_array_equal(g.sel(event=ev[0]).values, g.sel(event=ev[1]).values)
    assert not np.allclose(g.isel(subject=0, event=0), g.isel(subject=1, event=0))
    off = ds.sel(group="cortex off", event=ev[2])
    assert not off.pk.values.any()
    # without Purkinje output the nucleus is driven by its mossy-fibre site alone: an
    # eyelid response from CS onset (1 - e^{-t/tau} of the drive)
    cr = off.cr.isel(subject=0).values
    drive = 1.0
    a = math.exp(-10.0 / cb.eyelid_tau_ms)
    want = drive * (1 - a ** np.arange(1, cr.size + 1))
    np.testing.assert_allclose(cr, want, rtol=1e-9)
    assert np.allclose(ds.sel(group="cerebellum lesion", event=ev[2]).cr.values, 0.0)


def test_vor_gain_of_a_scaled_counter_rotation():
    h = np.sin(np.linspace(0, 2 * np.pi, 100, endpoint=False))
    assert vor_gain(-0.7 * h, h) == pytest.approx(0.7)


def test_head_mode_gain_before_learning_is_the_direct_pathway():
    cb = Cerebellum(mode="head", n_granule=2, step_ms=10.0, nucleus_init=1.0,
                    nucleus_max=4.0)
    state = cb.init(1, make_rng(0))
    (sp,) = _spans(epoch("dark", 2000.0, head=1.0))
    state, _ = _step(cb, state, sp, 1.0, 0.0)
    h = np.sin(2 * np.pi * np.arange(100) * 10.0 / 1000.0)
    eye = cb.time_course(state)[0, :, -1]
    assert vor_gain(eye, h) == pytest.approx(1.0, rel=1e-12)


def test_response_readouts_on_a_known_trace():
    t = (np.arange(200) + 0.5) * 5.0
    y = np.exp(-((t - 401) / 60) ** 2)
    assert float(peak_time(y, 5.0)) == pytest.approx(402.5)
    assert float(cr_amplitude(y)) == pytest.approx(y.max())
    on = float(onset_latency(y, 5.0, threshold=0.2))
    assert abs(on - (400 - 60 * math.sqrt(math.log(5)))) <= 5.0
    two = y + 0.8 * np.exp(-((t - 800) / 60) ** 2)
    assert response_peaks(two, 5.0) == pytest.approx([402.5, 797.5])
    assert np.isnan(peak_time(np.zeros(10), 5.0))
    assert np.isnan(onset_latency(np.zeros(10), 5.0))


@pytest.mark.parametrize("field, value", [("window_ms", -1.0), ("step_ms", 0.0),
                                          ("mode", "tone"), ("n_granule", 0),
                                          ("w_init", 2.0), ("max_delay_ms", 0.5)])
def test_bad_region_parameters_name_the_field(field, value):
    with pytest.raises(ParameterError, match=field):
        Cerebellum(**{field: value})


def test_bad_epochs_and_readout_arguments_are_refused():
    cb = Cerebellum(step_ms=10.0, basis_ms=500.0)
    state = cb.init(1, make_rng(0))
    (sp,) = _spans(epoch("cs", 15.0, cs=1.0))
    with pytest.raises(ParameterError, match="dt_ms"):
        _step(cb, state, sp, 1.0, 0.0)
    vor = Cerebellum(mode="head", n_granule=2, step_ms=10.0)
    (sp,) = _spans(epoch("dark", 1500.0, head=1.0))
    with pytest.raises(ParameterError, match="frequency_hz"):
        _step(vor, vor.init(1, make_rng(0)), sp, 1.0, 0.0)
    with pytest.raises(ParameterError, match="threshold"):
        onset_latency(np.ones(3), 5.0, threshold=0.0)
    with pytest.raises(ParameterError, match="dt_ms"):
        peak_time(np.ones(3), -1.0)
    with pytest.raises(ParameterError, match="cells"):
        run_protocol(_circuit(cb), Protocol.of(session("a", (trial("t", epoch(
            "cs", 100.0, cs=1.0)),))), seed=0, groups={"g": [Scheduled(
                "cerebellum", Gain(0.0, "golgi"), During(session="a"))]})
