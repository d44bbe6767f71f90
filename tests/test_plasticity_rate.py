"""Rate-based Hebbian rules: hand-computed steps, Oja's PC, BCM fixed points."""

from __future__ import annotations

import numpy as np
import pytest

from engramlab.core import ParameterError
from engramlab.plasticity.rate import (
    BCMParams,
    bcm_init,
    bcm_step,
    bcm_threshold_step,
    bcm_update,
    covariance_update,
    hebb_update,
    linear_response,
    oja_update,
    pc_angle_deg,
)

W = np.array([[0.5, -1.0]])
X = np.array([[2.0, 1.0]])
Y = np.array([3.0])


def test_updates_hand_computed():
    # exact in float64: small dyadic numbers
    np.testing.assert_array_equal(hebb_update(W, X, Y, 0.5), [[3.5, 0.5]])
    np.testing.assert_array_equal(
        covariance_update(W, X, Y, 0.5, np.array([1.0, 1.0]), np.array([1.0])),
        [[1.5, -1.0]])
    # y (x - y w) = 3 * ([2, 1] - [1.5, -3]) = [1.5, 12]
    np.testing.assert_array_equal(oja_update(W, X, Y, 0.5), [[1.25, 5.0]])
    # x y (y - theta) = [2, 1] * 3 * (3 - 1) = [12, 6]
    np.testing.assert_array_equal(bcm_update(W, X, Y, np.array([1.0]), 0.25), [[3.5, 0.5]])
    np.testing.assert_array_equal(bcm_threshold_step(np.array([1.0]), Y, 4.0), [3.0])
    assert linear_response(W, X)[0] == 0.0


def test_generalised_rules_hand_computed():
    # Hebb with decay: w + 0.5 ([6, 3] - 0.5 [0.5, -1]) = w + [2.875, 1.75]
    np.testing.assert_array_equal(hebb_update(W, X, Y, 0.5, decay=0.5), [[3.375, 0.75]])
    # Oja with alpha 2: w + 0.5 * 3 * ([2, 1] - 2 * 3 * [0.5, -1]) = w + [-1.5, 10.5]
    np.testing.assert_array_equal(oja_update(W, X, Y, 0.5, alpha=2.0), [[-1.0, 9.5]])
    # |y|^3 = 27: 1 + (27 - 1) / 2 = 14
    np.testing.assert_array_equal(bcm_threshold_step(np.array([1.0]), -Y, 2.0, 3.0), [14.0])
    # the defaults are the plain rules, bit for bit
    np.testing.assert_array_equal(hebb_update(W, X, Y, 0.5, decay=0.0), hebb_update(W, X, Y, 0.5))
    np.testing.assert_array_equal(oja_update(W, X, Y, 0.5, alpha=1.0), oja_update(W, X, Y, 0.5))
    with pytest.raises(ParameterError, match="decay"):
        hebb_update(W, X, Y, 0.5, decay=-1.0)
    with pytest.raises(ParameterError, match="alpha"):
        oja_update(W, X, Y, 0.5, alpha=float("nan"))


@pytest.mark.parametrize("update", [
    lambda w, x, y: hebb_update(w, x, y, 0.0),
    lambda w, x, y: oja_update(w, x, y, 0.0),
    lambda w, x, y: bcm_update(w, x, y, np.array([0.5]), 0.0),
    lambda w, x, y: covariance_update(w, x, y, 0.0, 0.3, 0.2),
])
def test_eta_zero_freezes_weights(update):
    np.testing.assert_array_equal(update(W, X, Y), W)


def test_bad_rates_raise():
    with pytest.raises(ParameterError, match="eta"):
        hebb_update(W, X, Y, -1.0)
    with pytest.raises(ParameterError, match="eta"):
        oja_update(W, X, Y, float("nan"))
    with pytest.raises(ParameterError, match="tau_over_dt"):
        bcm_threshold_step(np.array([1.0]), Y, 0.5)
    with pytest.raises(ParameterError, match="tau_theta"):
        BCMParams.create(tau_theta=0.1)
    with pytest.raises(ParameterError, match="w0"):
        bcm_init(BCMParams(), 3, W)


def test_oja_converges_to_first_pc():
    # C has eigenvalues 2 and 0.5, PC1 along (1, 1) / sqrt 2.
    c = np.array([[1.25, 0.75], [0.75, 1.25]])
    lfac = np.linalg.cholesky(c)
    rng = np.random.default_rng(3)
    w = rng.standard_normal((8, 2)) * 0.1
    for t in range(20_000):
        x = rng.standard_normal((8, 2)) @ lfac.T
        w = oja_update(w, x, linear_response(w, x), 0.01 / (1 + t / 200))
    angle = pc_angle_deg(w, np.array([1.0, 1.0]) / np.sqrt(2))
    assert angle.max() < 2.0
    # |w| = 1 up to the O(eta) fluctuations (eta_T ~ 1e-4)
    np.testing.assert_allclose(np.linalg.norm(w, axis=1), 1.0, atol=5e-3)


def test_bcm_fixed_points_are_stationary():
    # Orthonormal patterns shown with p = 1/K: selective state y = (K, 0, 0), theta = K.
    k = 3
    pats = np.eye(k)
    w = np.array([[float(k), 0.0, 0.0]])
    mean_dw = sum(bcm_update(w, p[None], linear_response(w, p[None]), np.array([k]), 1.0)
                  - w for p in pats) / k
    np.testing.assert_array_equal(mean_dw, 0.0)
    theta = np.array([float(k)])
    mean_dtheta = sum(bcm_threshold_step(theta, linear_response(w, p[None]), 1.0) - theta
                      for p in pats) / k
    np.testing.assert_array_equal(mean_dtheta, 0.0)
    # A small perturbation of the selective state relaxes back under the averaged rule.
    params = BCMParams.create(eta=0.01, tau_theta=5.0)
    state = bcm_init(params, k, np.array([[k * 1.2, 0.3, 0.2]]), np.array([float(k)]))
    rng = np.random.default_rng(0)
    for _ in range(20_000):
        state = bcm_step(params, state, pats[rng.integers(0, k)][None])
    np.testing.assert_allclose(state.w[0], [k, 0, 0], atol=0.3)
