"""Rate-based Hebbian plasticity: plain Hebb, covariance, Oja and BCM.

Every rule is a pure function of arrays written against the array namespace of its
inputs, with a batch dimension: ``w`` has shape ``(..., n)`` (one weight vector per
neuron or trial), ``x`` the same shape (the presynaptic rates), ``y`` shape ``(...)``
(the postsynaptic rate of each neuron). Each update returns the *new* weights after
one discrete learning step ``w <- w + dw``; nothing is modified in place.

The rules, with the postsynaptic rate :math:`y = w \\cdot x` of a linear neuron:

.. math::

    \\text{Hebb (1949):}\\quad & \\Delta w = \\eta\\, y\\, x \\\\
    \\text{covariance (Sejnowski 1977):}\\quad & \\Delta w
        = \\eta\\, (y - \\bar y)(x - \\bar x) \\\\
    \\text{Oja (1982):}\\quad & \\Delta w = \\eta\\, y\\, (x - y\\, w) \\\\
    \\text{BCM (1982):}\\quad & \\Delta w = \\eta\\, x\\, y\\, (y - \\theta_M),\\qquad
        \\tau_\\theta \\dot\\theta_M = y^2 - \\theta_M

References
----------
D. O. Hebb (1949). *The Organization of Behavior*. Wiley, New York.
T. J. Sejnowski (1977). Storing covariance with nonlinearly interacting neurons.
J. Math. Biol. 4:303-321, doi:10.1007/BF00275079.
E. Oja (1982). A simplified neuron model as a principal component analyzer.
J. Math. Biol. 15:267-273, doi:10.1007/BF00275687.
E. L. Bienenstock, L. N. Cooper, P. W. Munro (1982). Theory for the development of
neuron selectivity. J. Neurosci. 2:32-48, doi:10.1523/JNEUROSCI.02-01-00032.1982.
N. Intrator, L. N. Cooper (1992). Objective function formulation of the BCM theory of
visual cortical plasticity. Neural Networks 5:3-17, doi:10.1016/S0893-6080(05)80003-6.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = rng.standard_normal((2000, 2)) * np.array([2.0, 0.5])  # PC1 along the first axis
>>> w = np.array([[0.3, 0.9]])
>>> for xt in x:
...     w = oja_update(w, xt[None, :], linear_response(w, xt[None, :]), eta=0.01)
>>> np.round(np.abs(w), 2).tolist()  # unit norm, along PC1
[[1.0, 0.02]]
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from engramlab.core import ParameterError, Params, namespace, param

__all__ = [
    "BCMParams",
    "BCMState",
    "HebbParams",
    "OjaParams",
    "bcm_init",
    "bcm_step",
    "bcm_threshold_step",
    "bcm_update",
    "covariance_update",
    "hebb_update",
    "linear_response",
    "oja_update",
    "pc_angle_deg",
]

Array = Any


class HebbParams(Params):
    """Parameters of the plain Hebb and covariance rules.

    .. math:: \\Delta w = \\eta\\, y\\, x

    References
    ----------
    D. O. Hebb (1949). *The Organization of Behavior*. Wiley, New York.

    Examples
    --------
    >>> HebbParams().eta
    0.001
    >>> HebbParams(eta=0.01).eta
    0.01
    """

    eta: float = param(
        1e-3, unit="1", ge=0.0, le=1.0,
        doc="Learning rate eta per presentation (weights and rates dimensionless).",
        source="chosen: Hebb 1949 gives no number; small against 1 / lambda_max of the "
               "input covariance so one step changes w little",
    )


class OjaParams(Params):
    """Parameters of Oja's rule.

    .. math:: \\Delta w = \\eta\\, y\\, (x - y\\, w)

    References
    ----------
    E. Oja (1982). A simplified neuron model as a principal component analyzer.
    J. Math. Biol. 15:267-273, doi:10.1007/BF00275687.

    Examples
    --------
    >>> OjaParams().eta
    0.001
    """

    eta: float = param(
        1e-3, unit="1", ge=0.0, le=1.0,
        doc="Learning rate eta per presentation.",
        source="Oja 1982: convergence needs a small (ideally decreasing) gain; "
               "eta lambda_max << 1",
    )


class BCMParams(Params):
    """Parameters of the BCM rule with a sliding threshold theta_M = <y^2>.

    .. math::

        \\Delta w = \\eta\\, x\\, y\\, (y - \\theta_M), \\qquad
        \\tau_\\theta\\, \\dot\\theta_M = |y|^p - \\theta_M

    References
    ----------
    E. L. Bienenstock, L. N. Cooper, P. W. Munro (1982). Theory for the development of
    neuron selectivity. J. Neurosci. 2:32-48, doi:10.1523/JNEUROSCI.02-01-00032.1982.
    N. Intrator, L. N. Cooper (1992). Objective function formulation of the BCM theory of
    visual cortical plasticity. Neural Networks 5:3-17, doi:10.1016/S0893-6080(05)80003-6.

    Examples
    --------
    >>> p = BCMParams()
    >>> p.eta, p.tau_theta, p.theta_power
    (0.0002, 50.0, 2.0)
    """

    eta: float = param(
        2e-4, unit="1", ge=0.0, le=1.0,
        doc="Learning rate eta per presentation.",
        source="chosen: weight changes must be slower than the threshold (Intrator & "
               "Cooper 1992 require the threshold average to be fast)",
    )
    tau_theta: float = param(
        50.0, unit="presentations", ge=1.0, le=1e7,
        doc="Time constant tau_theta / dt of the running average theta_M of y^2.",
        source="chosen: long enough to average over several patterns, short against the "
               "weight time scale 1 / (eta <y^2>) (Bienenstock et al. 1982)",
    )
    theta_power: float = param(
        2.0, unit="1", gt=1.0, le=10.0,
        doc="Exponent p of the sliding threshold theta_M = <|y|^p>.",
        source="Intrator & Cooper 1992 (theta_M = E[y^2]); any p > 1 keeps the "
               "selective fixed points (Bienenstock et al. 1982), at y = K^(1/(p-1))",
    )


def _check_finite_rate(name: str, value: float, *, lower: float = 0.0) -> float:
    value = float(value)
    if not np.isfinite(value) or value < lower:
        raise ParameterError(name, f"must be a finite number >= {lower}", value)
    return value


def linear_response(w: Array, x: Array) -> Array:
    """Rate of a linear neuron, :math:`y = \\sum_i w_i x_i`, over the last axis.

    Parameters
    ----------
    w, x
        Weights and presynaptic rates, shape ``(..., n)`` (dimensionless).

    Returns
    -------
    array
        The rate :math:`y`, shape ``(...)``.

    Examples
    --------
    >>> import numpy as np
    >>> linear_response(np.array([[1.0, 2.0]]), np.array([[0.5, 0.25]])).tolist()
    [1.0]
    """
    xp = namespace(w, x)
    return xp.sum(w * x, axis=-1)


def _col(y: Array) -> Array:
    xp = namespace(y)
    return xp.expand_dims(y, axis=-1)


def hebb_update(w: Array, x: Array, y: Array, eta: float, decay: float = 0.0) -> Array:
    """Plain Hebbian step (Hebb 1949): :math:`w \\leftarrow w + \\eta\\,(y\\, x - \\gamma w)`.

    Parameters
    ----------
    w, x
        Weights and presynaptic rates, shape ``(..., n)`` (dimensionless).
    y
        Postsynaptic rate, shape ``(...)``.
    eta
        Learning rate (>= 0). With zero-mean inputs the expected change is
        :math:`\\eta (C - \\gamma) w` (:math:`C` the input covariance), so :math:`|w|`
        grows without bound as :math:`\\exp((\\lambda_1 - \\gamma) \\sum_t \\eta_t)`,
        fastest along the first principal component (eigenvalue :math:`\\lambda_1`).
    decay
        Passive weight decay :math:`\\gamma` (>= 0, per unit of :math:`\\eta`); 0 is
        the plain rule of Hebb 1949.

    Returns
    -------
    array
        The new weights, shape ``(..., n)``.

    References
    ----------
    D. O. Hebb (1949). *The Organization of Behavior*. Wiley, New York.

    Examples
    --------
    >>> import numpy as np
    >>> w, x = np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]])
    >>> hebb_update(w, x, linear_response(w, x), eta=0.1).tolist()
    [[0.55, 0.5]]
    >>> hebb_update(w, x, linear_response(w, x), eta=0.1, decay=1.0).tolist()
    [[0.5, 0.45]]
    """
    eta = _check_finite_rate("eta", eta)
    decay = _check_finite_rate("decay", decay)
    if decay == 0.0:
        return w + eta * _col(y) * x
    return w + eta * (_col(y) * x - decay * w)


def covariance_update(w: Array, x: Array, y: Array, eta: float, x_mean: Array,
                      y_mean: Array) -> Array:
    """Covariance rule (Sejnowski 1977).

    .. math:: w \\leftarrow w + \\eta\\, (y - \\bar y)(x - \\bar x)

    ``x_mean`` broadcasts against ``x`` and ``y_mean`` against ``y``; both are
    averages (rates), so LTD appears when one side is below its mean.

    Parameters
    ----------
    w, x
        Weights and presynaptic rates, shape ``(..., n)`` (dimensionless).
    y
        Postsynaptic rate, shape ``(...)``.
    eta
        Learning rate (>= 0).
    x_mean, y_mean
        Mean presynaptic and postsynaptic rates :math:`\\bar x`, :math:`\\bar y`.

    Returns
    -------
    array
        The new weights, shape ``(..., n)``.

    References
    ----------
    T. J. Sejnowski (1977). Storing covariance with nonlinearly interacting neurons.
    J. Math. Biol. 4:303-321, doi:10.1007/BF00275079.

    Examples
    --------
    >>> import numpy as np
    >>> w, x = np.zeros((1, 2)), np.array([[1.0, 0.0]])
    >>> covariance_update(w, x, np.array([1.0]), 0.1, x_mean=0.5, y_mean=0.5).tolist()  # LTP, LTD
    [[0.025, -0.025]]
    """
    eta = _check_finite_rate("eta", eta)
    return w + eta * _col(y - y_mean) * (x - x_mean)


def oja_update(w: Array, x: Array, y: Array, eta: float, alpha: float = 1.0) -> Array:
    """Oja's rule (Oja 1982, J. Math. Biol. 15:267).

    .. math:: w \\leftarrow w + \\eta\\, y\\, (x - \\alpha\\, y\\, w)

    The decay term :math:`-\\eta \\alpha y^2 w` normalises the weights: for small
    :math:`\\eta` the averaged flow :math:`\\dot w = C w - \\alpha (w^T C w) w` has the
    first principal component of :math:`C`, of norm :math:`\\alpha^{-1/2}`, as its
    stable fixed point. ``alpha = 1`` (unit norm) is Oja's rule.

    Parameters
    ----------
    w, x
        Weights and presynaptic rates, shape ``(..., n)`` (dimensionless).
    y
        Postsynaptic rate, shape ``(...)``.
    eta
        Learning rate (>= 0).
    alpha
        Weight of the decay term (> 0; fixed-point norm :math:`\\alpha^{-1/2}`).

    Returns
    -------
    array
        The new weights, shape ``(..., n)``.

    References
    ----------
    E. Oja (1982). A simplified neuron model as a principal component analyzer.
    J. Math. Biol. 15:267-273, doi:10.1007/BF00275687.

    Examples
    --------
    >>> import numpy as np
    >>> w, x = np.array([[1.0, 0.0]]), np.array([[1.0, 1.0]])
    >>> oja_update(w, x, linear_response(w, x), eta=0.1).tolist()  # w + 0.1 * 1 * (x - 1 * w)
    [[1.0, 0.1]]
    """
    eta = _check_finite_rate("eta", eta)
    alpha = _check_finite_rate("alpha", alpha)
    yc = _col(y)
    if alpha == 1.0:
        return w + eta * yc * (x - yc * w)
    return w + eta * yc * (x - alpha * yc * w)


def bcm_update(w: Array, x: Array, y: Array, theta: Array, eta: float) -> Array:
    """BCM step (Bienenstock, Cooper & Munro 1982; form of Intrator & Cooper 1992).

    .. math:: w \\leftarrow w + \\eta\\, x\\, y\\, (y - \\theta_M)

    LTD for :math:`0 < y < \\theta_M`, LTP for :math:`y > \\theta_M`. With
    :math:`\\theta_M = \\langle y^2 \\rangle` and :math:`K` linearly independent patterns
    shown with probability :math:`1/K`, the stable fixed points respond with
    :math:`y = \\theta_M = K` to one pattern and :math:`y = 0` to the others.
    ``theta`` has the shape of ``y``.

    Parameters
    ----------
    w, x
        Weights and presynaptic rates, shape ``(..., n)`` (dimensionless).
    y
        Postsynaptic rate, shape ``(...)``.
    theta
        Modification threshold :math:`\\theta_M`, shape ``(...)``.
    eta
        Learning rate (>= 0).

    Returns
    -------
    array
        The new weights, shape ``(..., n)``.

    References
    ----------
    E. L. Bienenstock, L. N. Cooper, P. W. Munro (1982). Theory for the development of
    neuron selectivity. J. Neurosci. 2:32-48, doi:10.1523/JNEUROSCI.02-01-00032.1982.
    N. Intrator, L. N. Cooper (1992). Objective function formulation of the BCM theory of
    visual cortical plasticity. Neural Networks 5:3-17, doi:10.1016/S0893-6080(05)80003-6.

    Examples
    --------
    >>> import numpy as np
    >>> w, x = np.array([[0.5], [0.5]]), np.array([[1.0], [1.0]])
    >>> bcm_update(w, x, np.array([0.5, 0.5]), np.array([1.0, 0.25]), eta=1.0).tolist()  # LTD, LTP
    [[0.25], [0.625]]
    """
    eta = _check_finite_rate("eta", eta)
    return w + eta * x * _col(y * (y - theta))


def bcm_threshold_step(theta: Array, y: Array, tau_over_dt: float,
                       power: float = 2.0) -> Array:
    """One Euler step of the sliding threshold, a running average of :math:`|y|^p`.

    .. math:: \\theta_M \\leftarrow \\theta_M + \\frac{\\Delta t}{\\tau_\\theta}
              (|y|^p - \\theta_M)

    ``tau_over_dt`` (>= 1) is the averaging time in presentations; 1 sets
    :math:`\\theta_M = |y|^p` of the last presentation. ``power`` :math:`p` is 2 in
    BCM (Intrator & Cooper 1992).

    Parameters
    ----------
    theta
        Threshold :math:`\\theta_M`, shape ``(...)``.
    y
        Postsynaptic rate, shape ``(...)``.
    tau_over_dt
        :math:`\\tau_\\theta / \\Delta t` (presentations, >= 1).
    power
        Exponent :math:`p` (> 1).

    Returns
    -------
    array
        The new threshold.

    References
    ----------
    E. L. Bienenstock, L. N. Cooper, P. W. Munro (1982). Theory for the development of
    neuron selectivity. J. Neurosci. 2:32-48, doi:10.1523/JNEUROSCI.02-01-00032.1982.
    N. Intrator, L. N. Cooper (1992). Objective function formulation of the BCM theory of
    visual cortical plasticity. Neural Networks 5:3-17, doi:10.1016/S0893-6080(05)80003-6.

    Examples
    --------
    >>> import numpy as np
    >>> bcm_threshold_step(np.zeros(1), np.array([2.0]), 4.0).tolist()  # (4 - 0) / 4
    [1.0]
    """
    tau_over_dt = _check_finite_rate("tau_over_dt", tau_over_dt, lower=1.0)
    if power == 2.0:
        return theta + (y * y - theta) / tau_over_dt
    xp = namespace(y)
    return theta + (xp.abs(y) ** power - theta) / tau_over_dt


class BCMState(NamedTuple):
    """State of a batch of BCM neurons: weights ``(B, n)`` and thresholds ``(B,)``.

    Examples
    --------
    >>> import numpy as np
    >>> s = bcm_init(BCMParams(), 3, np.ones((2, 3)))
    >>> s.w.shape, s.theta.tolist()
    ((2, 3), [0.0, 0.0])
    """

    w: Array
    theta: Array


def bcm_init(params: BCMParams, n: int, w0: Array, theta0: Array | None = None) -> BCMState:
    """Initial BCM state from initial weights ``w0`` of shape ``(B, n)``.

    The threshold starts at ``theta0``, or at zero when not given.

    Parameters
    ----------
    params
        The rule parameters.
    n
        Number of inputs (last dimension of ``w0``).
    w0
        Initial weights, shape ``(B, n)``.
    theta0
        Initial thresholds, shape ``(B,)``; zero when ``None``.

    Returns
    -------
    BCMState
        The weights and the thresholds.

    Examples
    --------
    >>> import numpy as np
    >>> bcm_init(BCMParams(), 2, np.full((1, 2), 0.5), theta0=np.array([1.0])).theta.tolist()
    [1.0]
    """
    if w0.shape[-1] != n:
        raise ParameterError("w0", f"must have last dimension n = {n}", tuple(w0.shape))
    xp = namespace(w0)
    theta = xp.zeros(w0.shape[:-1], dtype=w0.dtype) if theta0 is None else theta0
    return BCMState(w0, theta)


def bcm_step(params: BCMParams, state: BCMState, x: Array, dt: float = 1.0) -> BCMState:
    """One presentation: :math:`y = w\\cdot x`, then the BCM weight and threshold steps.

    The weight step uses the threshold *before* this presentation; ``dt`` is in
    presentations (the threshold relaxes by ``dt / tau_theta``).

    Parameters
    ----------
    params
        The rule parameters.
    state
        Weights ``(B, n)`` and thresholds ``(B,)``.
    x
        Presynaptic rates of this presentation, shape ``(B, n)``.
    dt
        Duration of the presentation (presentations).

    Returns
    -------
    BCMState
        The state after the presentation.

    References
    ----------
    E. L. Bienenstock, L. N. Cooper, P. W. Munro (1982). Theory for the development of
    neuron selectivity. J. Neurosci. 2:32-48, doi:10.1523/JNEUROSCI.02-01-00032.1982.
    N. Intrator, L. N. Cooper (1992). Objective function formulation of the BCM theory of
    visual cortical plasticity. Neural Networks 5:3-17, doi:10.1016/S0893-6080(05)80003-6.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> patterns = np.eye(2)  # two orthogonal patterns, shown at random
    >>> p = BCMParams(eta=0.02, tau_theta=10.0)
    >>> s = bcm_init(p, 2, np.full((1, 2), 0.6))
    >>> for k in rng.integers(0, 2, size=3000):
    ...     s = bcm_step(p, s, patterns[k][None, :])
    >>> np.round(s.w, 2).tolist()  # selective: only the second pattern drives the neuron
    [[0.0, 1.62]]
    """
    y = linear_response(state.w, x)
    w = bcm_update(state.w, x, y, state.theta, params.eta * dt)
    theta = bcm_threshold_step(state.theta, y, params.tau_theta / dt, params.theta_power)
    return BCMState(w, theta)


def pc_angle_deg(w: Array, v: Array) -> Array:
    """Angle (degrees, 0 to 90) between the lines spanned by ``w`` and unit ``v``.

    Sign-invariant, because a principal component is defined up to sign.

    Parameters
    ----------
    w
        Weight vector(s), shape ``(..., n)``.
    v
        Reference direction (e.g. the first principal component), shape ``(n,)``.

    Returns
    -------
    array
        :math:`\\arccos(|w \\cdot v| / (|w|\\,|v|))` in degrees, shape ``(...)``.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(pc_angle_deg(np.array([1.0, 1.0]), np.array([-1.0, 0.0]))), 6)
    45.0
    """
    xp = namespace(w, v)
    norm = xp.sqrt(xp.sum(w * w, axis=-1))
    cos = xp.abs(xp.sum(w * v, axis=-1)) / (norm * xp.sqrt(xp.sum(v * v, axis=-1)))
    cos = xp.clip(cos, 0.0, 1.0)
    return xp.acos(cos) * (180.0 / np.pi)
