"""k-WTA coding: DG pattern separation (Monte Carlo vs the orthant curve), CA3 completion."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from scipy import stats

import engramlab.memory
from engramlab.core import ParameterError, make_rng

# The package exports the function ``kwta``, which shadows the module of the same name as
# an attribute of ``engramlab.memory``; the module itself is reached through importlib.
K = importlib.import_module("engramlab.memory.hippocampal")

# --------------------------------------------------------------------------- k-WTA


def test_kwta_keeps_exactly_the_k_largest_of_each_row():
    rng = make_rng(0)
    fields = rng.standard_normal((4, 3, 57))
    before = fields.copy()
    for k in (1, 5, 28, 56):
        out = K.kwta(fields, k)
        assert out.shape == fields.shape and out.dtype == fields.dtype
        assert np.array_equal(out.sum(axis=-1), np.full((4, 3), k))
        low_win = np.where(out == 1, fields, np.inf).min(axis=-1)
        high_lose = np.where(out == 0, fields, -np.inf).max(axis=-1)
        assert np.all(low_win > high_lose)
    assert np.array_equal(fields, before)  # input untouched


def test_kwta_ties_go_to_the_lowest_index_and_edge_cases():
    f = np.array([[3, 1, 2, 2, 2, 0], [1, 1, 1, 1, 1, 1]])   # integer fields
    out = K.kwta(f, 3)
    assert out.dtype == np.float64
    assert out.tolist() == [[1, 0, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]]
    assert K.kwta(f, 0).sum() == 0 and K.kwta(f, 6).sum() == 12
    with pytest.raises(ParameterError):
        K.kwta(f, 7)
    with pytest.raises(ParameterError):
        K.kwta(np.array([[0.0, np.nan]]), 1)


def test_kwta_is_the_same_on_array_api_strict():
    xps = pytest.importorskip("array_api_strict")
    f = make_rng(1).integers(0, 4, size=(6, 40)).astype(float)   # many ties
    ref = K.kwta(f, 9)
    got = K.kwta(xps.asarray(f), 9)
    assert np.array_equal(np.asarray(got), ref)


# --------------------------------------------------------------------------- DG


def test_orthant_probability_matches_scipy_multivariate_normal():
    for rho in (-0.6, 0.0, 0.3, 0.9, 0.99):
        for theta in (0.5, 1.645, 2.054):
            mvn = stats.multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]])
            expected = mvn.cdf([-theta, -theta])
            assert K.orthant_probability(rho, theta) == pytest.approx(expected, abs=2e-6)
    assert K.orthant_probability(1.0, 1.0) == pytest.approx(stats.norm.sf(1.0))
    assert K.orthant_probability(0.0, 1.0) == pytest.approx(stats.norm.sf(1.0) ** 2)


def test_field_correlation_equals_the_input_overlap_for_diluted_positive_weights():
    rng = make_rng(2)
    w = K.expansion_weights(rng, 400, 20000, connection_probability=0.3, distribution="uniform")
    x, y = K.overlapping_pairs(rng, 1, 400, 80, 0.6)
    assert K.active_overlap(x, y)[0] == pytest.approx(0.6)
    r = np.corrcoef(w @ x[0], w @ y[0])[0, 1]
    # Sample correlation of 20000 cells: standard error (1 - rho^2) / sqrt(n) = 0.0045.
    assert r == pytest.approx(float(K.field_correlation(0.6)), abs=5 * 0.64 / np.sqrt(20000))


def test_monte_carlo_separation_agrees_with_the_analytic_curve():
    levels = [0.1, 0.3, 0.5, 0.7, 0.9, 0.95]
    mc = K.separation_monte_carlo(make_rng(3), levels, n_in=500, n_out=2000,
                                  coding_level_in=0.1, coding_level_out=0.05,
                                  n_pairs=40, n_networks=3)
    theory = K.separation_theory(mc.input_overlap, 0.05)
    # Tolerance from the sample size: 4 binomial standard errors of the mean of n pairs of
    # k_out winners (measured spreads are below it), plus the O(1/N_out) bias of the
    # finite k-WTA threshold.
    tol = 4 * mc.binomial_se + 1.0 / 2000
    assert np.all(np.abs(mc.output_overlap - theory) <= tol), (mc.output_overlap, theory, tol)
    assert np.all(mc.output_sem <= 1.2 * mc.binomial_se)


def test_output_overlap_is_below_input_overlap_and_lower_when_sparser():
    # Above input overlap only just above chance (slope phi(theta)^2 / a_out at 0).
    s = np.linspace(0.1, 0.9, 17)
    for a_out in (0.02, 0.05):
        assert np.all(K.separation_theory(s, a_out) < s)
    assert K.separation_theory(0.05, 0.05) > 0.05
    assert np.all(K.separation_theory(s, 0.02) < K.separation_theory(s, 0.05))
    assert K.separation_theory(0.0, 0.02) == pytest.approx(0.02)   # chance
    assert K.separation_theory(1.0, 0.02) == pytest.approx(1.0)
    # The same in simulation: sparser DG, lower overlap (one network each, same inputs).
    curves = [K.separation_monte_carlo(make_rng(4), [0.5, 0.8], n_in=400, n_out=2000,
                                       coding_level_out=a, n_pairs=30, n_networks=1)
              for a in (0.02, 0.1)]
    assert np.all(curves[0].output_overlap < curves[1].output_overlap)
    assert np.all(curves[0].output_overlap < curves[0].input_overlap)


def test_chance_corrected_overlap():
    assert K.chance_corrected_overlap(0.1, 0.1) == pytest.approx(0.0)
    assert K.chance_corrected_overlap(1.0, 0.1) == pytest.approx(1.0)
    x, y = K.overlapping_pairs(make_rng(5), 1, 1000, 100, 0.4)
    assert K.chance_corrected_overlap(0.4, 0.1) == pytest.approx(np.corrcoef(x[0], y[0])[0, 1])


# --------------------------------------------------------------------------- CA3


def _net(rule, n=2000, a=0.05, c=0.4, p=10, seed=6):
    rng = make_rng(seed)
    mask = K.dilution_mask(rng, n, c)
    idx = np.argsort(rng.random((p, n)), axis=1)[:, :round(a * n)]
    xi = np.zeros((p, n))
    np.put_along_axis(xi, idx, 1.0, axis=1)
    return rng, mask, xi, K.ca3_weights(xi, mask, rule=rule, coding_level=a)


@pytest.mark.parametrize("rule", ["willshaw", "covariance"])
def test_recall_from_quarter_cues_at_low_load(rule):
    rng, _, xi, w = _net(rule)
    cues = K.partial_cues(rng, xi, 0.25)
    assert np.all(cues <= xi) and np.array_equal(cues.sum(1), np.full(10, 25.0))
    out = K.ca3_recall(w, cues, 100)
    assert K.recall_overlap(out, xi).mean() >= 0.95
    assert K.recall_overlap(cues, xi).mean() == pytest.approx(0.25)


def test_dilution_mask_and_willshaw_weights():
    _, mask, xi, w = _net("willshaw", p=3)
    assert not mask.diagonal().any() and abs(mask.mean() - 0.4) < 0.01
    assert set(np.unique(w)) <= {0.0, 1.0} and not w.diagonal().any()
    i, j = np.nonzero(xi[0])[0][:2]
    assert w[i, j] == float(mask[i, j])


@pytest.mark.parametrize("rule", ["willshaw", "covariance"])
def test_capacity_fields_are_those_of_the_dense_weights(rule):
    """The gathered fields of ca3_capacity's store equal ca3_recall's dense ones."""
    rng = make_rng(7)
    r_mask, r_pat = rng.spawn(2)
    store = K._Store(r_mask, r_pat, 500, 25, 0.3, rule)
    store.grow(40)
    xi = np.zeros((40, 500))
    np.put_along_axis(xi, store.active, 1.0, axis=1)
    w = K.ca3_weights(xi, store.mask_t.T, rule=rule, coding_level=0.05)
    cue_idx = store.active[:5, :7]
    cues = np.zeros((5, 500))
    np.put_along_axis(cues, cue_idx, 1.0, axis=1)
    dense = cues @ w.T
    if rule == "covariance":
        dense = dense * (0.05 * 0.95 * 500)   # the store keeps them unnormalised
    assert np.allclose(store.fields(cue_idx, 0.05), dense, atol=1e-9)


def test_recall_fails_above_capacity_and_capacity_matches_the_theory():
    n, a, c = 2000, 0.05, 0.4
    meas = K.ca3_capacity(make_rng(8), n, a, c, n_cues=48)
    theory = K.willshaw_capacity_theory(n, a, c)
    # The binomial theory ignores synapse correlations, so it is optimistic; measured
    # 0.7-0.9 of it over the grid of the report.
    assert 0.6 * theory < meas.capacity < 1.05 * theory
    above = meas.loads > 1.3 * meas.capacity
    assert above.any() and np.all(meas.overlaps[above] < K.RECALL_CRITERION)
    below = meas.loads < 0.7 * meas.capacity
    assert np.all(meas.overlaps[below] >= K.RECALL_CRITERION)
    # Three times the capacity: recall clearly broken (a check that fails if storage
    # stopped interfering).
    rng, _, xi, w = _net("willshaw", n=n, a=a, c=c, p=round(3 * meas.capacity), seed=9)
    out = K.ca3_recall(w, K.partial_cues(rng, xi[:40], 0.25), round(a * n))
    assert K.recall_overlap(out, xi[:40]).mean() < 0.7


def test_same_seed_same_numbers():
    one = K.ca3_capacity(make_rng(10), 1500, 0.04, 0.3, n_cues=32)
    two = K.ca3_capacity(make_rng(10), 1500, 0.04, 0.3, n_cues=32)
    other = K.ca3_capacity(make_rng(11), 1500, 0.04, 0.3, n_cues=32)
    assert one.capacity == two.capacity
    assert np.array_equal(one.overlaps, two.overlaps)
    assert one.capacity != other.capacity
    m1 = K.separation_monte_carlo(make_rng(12), [0.5], n_in=200, n_out=500, n_pairs=5,
                                  n_networks=1)
    m2 = K.separation_monte_carlo(make_rng(12), [0.5], n_in=200, n_out=500, n_pairs=5,
                                  n_networks=1)
    assert np.array_equal(m1.output_overlap, m2.output_overlap)


def test_no_recall_when_the_cue_reaches_too_few_cells():
    # f c a N = 0.25 * 0.1 * 0.01 * 2000 = 0.5 connected cue inputs per cell.
    assert K.ca3_capacity(make_rng(13), 2000, 0.01, 0.1, n_cues=16).capacity == 0.0
    assert K.willshaw_capacity_theory(2000, 0.01, 0.1) == 0.0


def test_the_package_exports_the_model():
    assert engramlab.memory.kwta is K.kwta
    assert engramlab.memory.ca3_capacity is K.ca3_capacity


def test_fit_capacity_law_recovers_known_exponents_and_almeida():
    cs = np.array([0.1, 0.2, 0.4])
    avals = np.array([0.01, 0.02, 0.05])
    law = K.fit_capacity_law(cs, avals, 3.0 * cs[:, None] / avals[None, :] ** 2)
    assert law.slope_c == pytest.approx(1.0) and law.slope_a == pytest.approx(-2.0)
    assert law.prefactor == pytest.approx(3.0)
    assert float(K.almeida_capacity(0.2, 0.003)) == pytest.approx(22222.2, rel=1e-4)


def test_bad_inputs_are_refused():
    rng = make_rng(14)
    with pytest.raises(ParameterError):
        K.ca3_capacity(rng, 1000, 0.0, 0.2)
    with pytest.raises(ParameterError):
        K.ca3_capacity(rng, 1000, 0.05, 0.2, growth=1.0)
    with pytest.raises(ParameterError):
        K.separation_theory(1.2, 0.05)
    with pytest.raises(ParameterError):
        K.expansion_weights(rng, 10, 10, distribution="cauchy")


@pytest.mark.slow
def test_capacity_sweep_slopes_follow_the_binomial_theory():
    """N = 4000, 25 % cues: the measured law is the small-N one of the theory, not c / a^2."""
    sweep = K.capacity_sweep(0, 4000, [0.2, 0.3, 0.4, 0.5], [0.02, 0.03, 0.04, 0.05],
                             n_seeds=2)
    for fit in sweep.fits:
        assert fit.slope_c == pytest.approx(sweep.theory_fit.slope_c, abs=0.3)
        assert fit.slope_a == pytest.approx(sweep.theory_fit.slope_a, abs=0.3)
    ratio = sweep.capacity.mean(axis=0) / sweep.theory
    assert np.all((ratio > 0.6) & (ratio < 1.05))
