"""plasticity.stdp-window: the quick preset passes with the published landmarks."""

from __future__ import annotations

import engramlab
from conftest import quick_run
from engramlab.core.targets import evaluate
from engramlab.plasticity.calcium import GraupnerBrunel, pair_protocol_theory


def test_experiment_quick_passes_and_landmarks():
    out = quick_run("plasticity.stdp-window")
    assert out.passed, [c for c in out.checks if not c.passed]
    m = out.metrics
    assert -30 <= m["gb_ltd_peak_ms"] <= -20
    assert 0 < m["gb_ltp_peak_ms"] <= 20
    assert m["gb_min_change"] < 1 < m["gb_max_change"]


def test_kinds_say_what_is_evidence():
    """The Graupner-Brunel landmarks are the published evidence; the pair-STDP window
    (the fitted exponentials themselves) and the simulation vs its OU theory are
    consistency checks."""
    kinds = {c.name: c.kind for c in quick_run("plasticity.stdp-window").checks}
    assert {n for n, k in kinds.items() if k == "published"} == {
        "gb_ltd_peak_ms", "gb_ltp_peak_ms", "gb_crossover_ms"}
    assert kinds["stdp_ltp_fraction_small_positive"] == "consistency"
    assert kinds["gb_sim_chi2_per_point"] == "consistency"


def test_a_landmark_at_the_edge_of_the_grid_fails():
    """With theta_p at theta_d every timing potentiates: the 'LTD minimum' sits at the
    grid's edge (+100 ms) and is censored, and there is no crossover (NaN)."""
    exp = engramlab.get_experiment("plasticity.stdp-window")
    params = exp.params("quick")
    ds = exp.run(params, seed=0)
    gb = GraupnerBrunel(theta_p=1.0)
    ds["gb_change_theory"] = ("dt_theory", pair_protocol_theory(
        gb, ds.dt_theory.values, n_pairs=params.n_pairs, freq_hz=params.freq_hz).change)
    checks = {c.name: c for c in evaluate(exp.targets(params), exp.metrics(ds))}
    assert checks["gb_ltd_peak_ms"].failure.startswith("at the edge of its grid")
    assert checks["gb_crossover_ms"].failure == "NaN"
