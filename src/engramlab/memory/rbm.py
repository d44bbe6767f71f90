r"""The restricted Boltzmann machine (RBM) trained by contrastive divergence.

Binary visible units :math:`v \in \{0, 1\}^V` and hidden units :math:`h \in \{0, 1\}^H`
are coupled only across the two layers (no visible-visible or hidden-hidden weights),
with the energy (Smolensky 1986; Hinton 2002)

.. math::

    E(v, h) = -a^\top v - b^\top h - v^\top W h,

and the Boltzmann distribution :math:`p(v, h) = e^{-E(v, h)} / Z`. Summing out the
hidden units gives the free energy

.. math::

    F(v) = -a^\top v - \sum_{j=1}^{H} \log\bigl(1 + e^{\,b_j + (v^\top W)_j}\bigr),
    \qquad p(v) = e^{-F(v)} / Z,

and, because there are no lateral connections, the conditionals factorise:

.. math::

    p(h_j = 1 \mid v) = \sigma\bigl(b_j + (v^\top W)_j\bigr), \qquad
    p(v_i = 1 \mid h) = \sigma\bigl(a_i + (W h)_i\bigr), \qquad
    \sigma(x) = \frac{1}{1 + e^{-x}}.

Block Gibbs sampling alternates the two conditionals. Contrastive divergence CD-k
(Hinton 2002, Neural Computation 14:1771, doi:10.1162/089976602760128018) replaces the
intractable model expectation of the log-likelihood gradient with the statistics
after k Gibbs steps started at the data:

.. math::

    \Delta W = \epsilon\,\bigl(\langle v h^\top\rangle_0 - \langle v h^\top\rangle_k\bigr),
    \quad \Delta a = \epsilon\,(\langle v\rangle_0 - \langle v\rangle_k), \quad
    \Delta b = \epsilon\,(\langle h\rangle_0 - \langle h\rangle_k).

The practical choices follow Hinton (2010), "A practical guide to training restricted
Boltzmann machines", UTML TR 2010-003 (the "guide" below): hidden states driven by
data are sampled, the reconstruction uses probabilities, and the statistics use
probabilities (guide sections 3.1-3.4); initial weights :math:`0.01\,\mathcal N(0, 1)`,
hidden biases 0, visible biases :math:`\log[p_i / (1 - p_i)]` (section 8); momentum
0.5 then 0.9 (section 9); an L2 weight cost on the weights only (section 10).

Symbols and units: all quantities are dimensionless. States are floats in
``{0., 1.}``; batches have shape ``(B, V)`` / ``(B, H)``. Every function is written
against the array namespace of its inputs. Randomness comes only from a NumPy
``Generator``: uniforms are drawn with NumPy and moved to the backend, so NumPy and
array-api-strict give identical numbers.

Examples
--------
>>> import numpy as np
>>> from engramlab.core import make_rng
>>> data = np.array([[1, 1, 0, 0], [0, 0, 1, 1]] * 5, dtype=float)
>>> rbm = init_rbm(data, 3, make_rng(0))
>>> trained = train_cd(rbm, data, make_rng(1), epochs=200, batch_size=10,
...                    learning_rate=0.1)
>>> bool(trained.reconstruction_error[-1] < trained.reconstruction_error[0])
True
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

import numpy as np

from engramlab.core.arrays import asarray, device_of, namespace, to_numpy
from engramlab.core.errors import ParameterError

__all__ = [
    "RBM",
    "CDStatistics",
    "Completion",
    "Training",
    "cd_statistics",
    "cd_update",
    "complete",
    "energy",
    "free_energy",
    "gibbs_step",
    "hidden_probabilities",
    "init_rbm",
    "reconstruct",
    "reconstruction_error",
    "sample_bernoulli",
    "sigmoid",
    "train_cd",
    "visible_probabilities",
]

Array = Any

#: Guide section 8: initial weights from a zero-mean Gaussian with s.d. 0.01.
INITIAL_WEIGHT_STD = 0.01


class RBM(NamedTuple):
    """Parameters of a binary-binary RBM.

    Attributes
    ----------
    weights
        :math:`W`, shape ``(V, H)``.
    visible_bias
        :math:`a`, shape ``(V,)``.
    hidden_bias
        :math:`b`, shape ``(H,)``.
    """

    weights: Array
    visible_bias: Array
    hidden_bias: Array


class CDStatistics(NamedTuple):
    """The CD-k gradient estimate for one mini-batch (batch means), and its chain end."""

    weights: Array  # <v h^T>_0 - <v h^T>_k, (V, H)
    visible_bias: Array  # <v>_0 - <v>_k, (V,)
    hidden_bias: Array  # <h>_0 - <h>_k, (H,)
    visible: Array  # the visible end of the chain, v_k (probabilities), (B, V)


class Training(NamedTuple):
    """Outcome of :func:`train_cd`.

    Attributes
    ----------
    rbm
        The trained parameters.
    reconstruction_error
        Mean-field reconstruction error of the whole training set before training
        (entry 0) and after each epoch, shape ``(epochs + 1,)`` (NumPy).
    """

    rbm: RBM
    reconstruction_error: np.ndarray


class Completion(NamedTuple):
    """Outcome of :func:`complete`.

    Attributes
    ----------
    probabilities
        Estimated :math:`p(v_i = 1)` of every visible unit given the clamped ones; the
        clamped units keep their cue values. Shape ``(B, V)``.
    states
        ``probabilities >= 0.5`` as ``{0., 1.}``, shape ``(B, V)``.
    """

    probabilities: Array
    states: Array


# --- elementary functions -----------------------------------------------------------


def sigmoid(x: Array) -> Array:
    r"""Logistic function :math:`\sigma(x) = 1 / (1 + e^{-x})`, without overflow.

    Written as :math:`\exp(-\log(1 + e^{-x}))` with ``logaddexp``, which never overflows.
    """
    xp = namespace(x)
    return xp.exp(-xp.logaddexp(xp.zeros_like(x), -x))


def _softplus(x: Array) -> Array:
    xp = namespace(x)
    return xp.logaddexp(xp.zeros_like(x), x)


def _as_batch(x: Array, name: str, size: int) -> tuple[Array, bool]:
    xp = namespace(x)
    if x.ndim not in (1, 2) or x.shape[-1] != size:
        raise ParameterError(name, f"must have shape (B, {size}) or ({size},)", tuple(x.shape))
    if x.ndim == 1:
        return xp.reshape(x, (1, size)), True
    return x, False


def hidden_probabilities(rbm: RBM, visible: Array) -> Array:
    r""":math:`p(h_j = 1 \mid v) = \sigma(b_j + (v^\top W)_j)`, shape ``(B, H)``."""
    xp = namespace(rbm.weights, visible)
    return sigmoid(xp.matmul(visible, rbm.weights) + rbm.hidden_bias)


def visible_probabilities(rbm: RBM, hidden: Array) -> Array:
    r""":math:`p(v_i = 1 \mid h) = \sigma(a_i + (W h)_i)`, shape ``(B, V)``."""
    xp = namespace(rbm.weights, hidden)
    return sigmoid(xp.matmul(hidden, xp.permute_dims(rbm.weights, (1, 0))) + rbm.visible_bias)


def energy(rbm: RBM, visible: Array, hidden: Array) -> Array:
    r"""Energy :math:`E(v, h) = -a^\top v - b^\top h - v^\top W h`, shape ``(B,)``."""
    xp = namespace(rbm.weights, visible, hidden)
    vw = xp.matmul(visible, rbm.weights)
    return -(xp.sum(visible * rbm.visible_bias, axis=-1)
             + xp.sum(hidden * rbm.hidden_bias, axis=-1)
             + xp.sum(vw * hidden, axis=-1))


def free_energy(rbm: RBM, visible: Array) -> Array:
    r"""Free energy :math:`F(v) = -a^\top v - \sum_j \log(1 + e^{b_j + (v^\top W)_j})`.

    :math:`e^{-F(v)} = \sum_h e^{-E(v, h)}`, so :math:`p(v) \propto e^{-F(v)}`.
    Shape ``(B,)``.
    """
    xp = namespace(rbm.weights, visible)
    x = xp.matmul(visible, rbm.weights) + rbm.hidden_bias
    return -xp.sum(visible * rbm.visible_bias, axis=-1) - xp.sum(_softplus(x), axis=-1)


def sample_bernoulli(probabilities: Array, rng: np.random.Generator) -> Array:
    """Binary samples ``u < p`` with uniforms ``u`` drawn by NumPy (backend-neutral)."""
    xp = namespace(probabilities)
    u = asarray(rng.random(tuple(probabilities.shape)), xp, dtype=probabilities.dtype)
    return xp.astype(u < probabilities, probabilities.dtype)


def gibbs_step(rbm: RBM, visible: Array, rng: np.random.Generator) -> tuple[Array, Array]:
    r"""One block Gibbs step :math:`v \to h \sim p(h \mid v) \to v' \sim p(v \mid h)`.

    Returns
    -------
    hidden, visible
        The sampled hidden states ``(B, H)`` and the new visible states ``(B, V)``.
    """
    hidden = sample_bernoulli(hidden_probabilities(rbm, visible), rng)
    return hidden, sample_bernoulli(visible_probabilities(rbm, hidden), rng)


def reconstruct(rbm: RBM, visible: Array) -> Array:
    r"""Deterministic (mean-field) reconstruction :math:`\sigma(a + W\,p(h \mid v))`."""
    return visible_probabilities(rbm, hidden_probabilities(rbm, visible))


def reconstruction_error(rbm: RBM, visible: Array) -> float:
    r"""Mean squared reconstruction error per unit, :math:`\langle (v - \hat v)^2 \rangle`.

    :math:`\hat v` is the mean-field reconstruction of :func:`reconstruct`. The guide
    (section 5) calls this the usual, if imperfect, progress monitor of CD learning;
    the mean-field form makes it deterministic.
    """
    xp = namespace(rbm.weights, visible)
    diff = visible - reconstruct(rbm, visible)
    return float(to_numpy(xp.mean(diff * diff)))


# --- learning -----------------------------------------------------------------------


def init_rbm(data: Array, n_hidden: int, rng: np.random.Generator, *,
             weight_std: float = INITIAL_WEIGHT_STD) -> RBM:
    r"""Initial parameters as the guide (section 8) recommends.

    Weights :math:`W_{ij} \sim 0.01\,\mathcal N(0, 1)`, hidden biases 0, visible biases
    :math:`a_i = \log[p_i / (1 - p_i)]` with :math:`p_i` the fraction of training
    vectors in which unit ``i`` is on. :math:`p_i` is Laplace-smoothed,
    :math:`(n_i + 1) / (n + 2)`, so that a unit that is always on or off gets a
    finite bias (a choice; the guide does not say).

    Parameters
    ----------
    data
        Training vectors ``(n, V)`` in ``{0, 1}``; fixes ``V`` and the backend.
    n_hidden
        Number of hidden units ``H``.
    rng
        Source of the initial weights.
    weight_std
        Standard deviation of the initial weights (guide: 0.01).
    """
    xp = namespace(data)
    if data.ndim != 2:
        raise ParameterError("data", "must have shape (n, V)", tuple(data.shape))
    if n_hidden < 1:
        raise ParameterError("n_hidden", "must be >= 1", n_hidden)
    if not weight_std >= 0:
        raise ParameterError("weight_std", "must be >= 0", weight_std)
    n, n_visible = data.shape
    p = (to_numpy(xp.sum(data, axis=0)) + 1.0) / (n + 2.0)
    dtype = data.dtype
    return RBM(
        weights=asarray(weight_std * rng.standard_normal((n_visible, n_hidden)), xp, dtype),
        visible_bias=asarray(np.log(p / (1.0 - p)), xp, dtype),
        hidden_bias=xp.zeros(n_hidden, dtype=dtype, device=device_of(data)),
    )


def cd_statistics(rbm: RBM, visible: Array, rng: np.random.Generator, *,
                  k: int = 1) -> CDStatistics:
    r"""The CD-k estimate of the log-likelihood gradient for a mini-batch.

    The chain starts at the data :math:`v_0`; hidden states driven by data or by
    intermediate reconstructions are sampled, visible reconstructions are
    probabilities, and the last hidden step uses probabilities (guide sections 3.1-3.4):

    .. math::

        h_0 \sim p(h \mid v_0),\ v_1 = p(v \mid h_0),\ h_1 \sim p(h \mid v_1),\ \dots,\
        v_k = p(v \mid h_{k-1}),

    and the statistics are :math:`\langle v_0\, p(h \mid v_0)^\top \rangle -
    \langle v_k\, p(h \mid v_k)^\top \rangle` (batch means).
    """
    xp = namespace(rbm.weights, visible)
    if k < 1:
        raise ParameterError("k", "must be >= 1", k)
    v0, _ = _as_batch(visible, "visible", rbm.weights.shape[0])
    ph0 = hidden_probabilities(rbm, v0)
    h = sample_bernoulli(ph0, rng)
    vk = visible_probabilities(rbm, h)
    for _ in range(k - 1):
        h = sample_bernoulli(hidden_probabilities(rbm, vk), rng)
        vk = visible_probabilities(rbm, h)
    phk = hidden_probabilities(rbm, vk)
    batch = v0.shape[0]
    t = (1, 0)
    dw = (xp.matmul(xp.permute_dims(v0, t), ph0) - xp.matmul(xp.permute_dims(vk, t), phk)) / batch
    return CDStatistics(
        weights=dw,
        visible_bias=xp.mean(v0 - vk, axis=0),
        hidden_bias=xp.mean(ph0 - phk, axis=0),
        visible=vk,
    )


def cd_update(rbm: RBM, velocity: RBM, visible: Array, rng: np.random.Generator, *,
              learning_rate: float, k: int = 1, momentum: float = 0.0,
              weight_cost: float = 0.0) -> tuple[RBM, RBM]:
    r"""One CD-k step with momentum and an L2 weight cost (guide sections 9, 10).

    .. math::

        \Delta\theta \leftarrow \mu\,\Delta\theta
            + \epsilon\,(\mathrm{CD}_k(\theta) - \lambda\,\theta_W), \qquad
        \theta \leftarrow \theta + \Delta\theta,

    with the weight cost :math:`\lambda` applied to :math:`W` only (not to the biases).

    Returns
    -------
    rbm, velocity
        The updated parameters and velocities :math:`\Delta\theta`.
    """
    stats = cd_statistics(rbm, visible, rng, k=k)
    grads = (stats.weights - weight_cost * rbm.weights, stats.visible_bias, stats.hidden_bias)
    new_velocity = RBM(*(momentum * v + learning_rate * g
                         for v, g in zip(velocity, grads, strict=True)))
    return RBM(*(p + v for p, v in zip(rbm, new_velocity, strict=True))), new_velocity


def train_cd(rbm: RBM, data: Array, rng: np.random.Generator, *, epochs: int,
             batch_size: int = 10, learning_rate: float = 0.1, k: int = 1,
             initial_momentum: float = 0.5, final_momentum: float = 0.9,
             momentum_switch_epoch: int = 5, weight_cost: float = 1e-4) -> Training:
    """Train by CD-k on shuffled mini-batches; record the reconstruction error per epoch.

    Parameters
    ----------
    rbm
        Initial parameters (:func:`init_rbm`).
    data
        Training vectors ``(n, V)`` in ``{0, 1}``.
    rng
        Source of the mini-batch order and of the Gibbs samples.
    epochs
        Passes through the training set.
    batch_size
        Mini-batch size (guide section 4: about 10 cases, one per class).
    learning_rate
        :math:`\\epsilon`. 0.1 is the rate of the binary RBMs of Hinton & Salakhutdinov
        (2006, Science 313:504); the guide (section 5) asks for weight updates of about
        1e-3 of the weights, which can be checked on the trained model.
    k
        Gibbs steps of CD-k (Hinton 2002: k = 1 works well).
    initial_momentum, final_momentum, momentum_switch_epoch
        Momentum 0.5 for the first 5 epochs, then 0.9 (guide section 9).
    weight_cost
        L2 weight cost :math:`\\lambda` (guide section 10: 1e-4).
    """
    xp = namespace(rbm.weights, data)
    if epochs < 0:
        raise ParameterError("epochs", "must be >= 0", epochs)
    if batch_size < 1:
        raise ParameterError("batch_size", "must be >= 1", batch_size)
    n = data.shape[0]
    velocity = RBM(*(xp.zeros_like(p) for p in rbm))
    errors = [reconstruction_error(rbm, data)]
    for epoch in range(epochs):
        momentum = initial_momentum if epoch < momentum_switch_epoch else final_momentum
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = xp.take(data, asarray(order[start:start + batch_size], xp), axis=0)
            rbm, velocity = cd_update(rbm, velocity, batch, rng, learning_rate=learning_rate,
                                      k=k, momentum=momentum, weight_cost=weight_cost)
        errors.append(reconstruction_error(rbm, data))
    return Training(rbm, np.asarray(errors))


# --- pattern completion -------------------------------------------------------------


def complete(rbm: RBM, cues: Array, known: Array, *, n_steps: int,
             method: Literal["gibbs", "mean_field"] = "gibbs",
             rng: np.random.Generator | None = None) -> Completion:
    r"""Fill in the unknown visible units of each cue, the known ones clamped.

    ``method="gibbs"`` samples the conditional distribution of the unknown units given
    the clamped ones: the unknown units start from fair coin flips, and each step
    samples :math:`h \sim p(h \mid v)` and then the unknown
    :math:`v_i \sim p(v_i \mid h)`. The returned probabilities are the Rao-Blackwellised
    average of :math:`p(v_i = 1 \mid h)` over the second half of the ``n_steps`` steps
    (the first half is burn-in).

    ``method="mean_field"`` iterates the deterministic map
    :math:`v_u \leftarrow \sigma(a + W\,p(h \mid v))_u` on the unknown units ``u``,
    starting from the cue values there. With no unit clamped it acts as an attractor
    network that denoises a corrupted cue (the cue is only the starting point).

    Parameters
    ----------
    rbm
        Trained parameters.
    cues
        ``(B, V)`` visible values; only the ``known`` entries are kept (and, for
        mean-field, the others are the starting point).
    known
        Boolean mask ``(B, V)`` (or ``(V,)``) of clamped units.
    n_steps
        Gibbs steps or mean-field iterations.
    method
        ``"gibbs"`` or ``"mean_field"``.
    rng
        Required for ``"gibbs"``.
    """
    xp = namespace(rbm.weights, cues)
    v, single = _as_batch(cues, "cues", rbm.weights.shape[0])
    if n_steps < 1:
        raise ParameterError("n_steps", "must be >= 1", n_steps)
    known = xp.broadcast_to(known, v.shape)
    if method == "mean_field":
        for _ in range(n_steps):
            v = xp.where(known, v, reconstruct(rbm, v))
        probs = v
    elif method == "gibbs":
        if rng is None:
            raise ParameterError("rng", "is required for Gibbs completion")
        half = xp.full(v.shape, 0.5, dtype=v.dtype, device=device_of(v))
        v = xp.where(known, v, sample_bernoulli(half, rng))
        clamped = v
        total = xp.zeros_like(v)
        burn_in = n_steps // 2
        for step in range(n_steps):
            h = sample_bernoulli(hidden_probabilities(rbm, v), rng)
            pv = visible_probabilities(rbm, h)
            if step >= burn_in:
                total = total + pv
            v = xp.where(known, clamped, sample_bernoulli(pv, rng))
        probs = xp.where(known, clamped, total / (n_steps - burn_in))
    else:
        raise ParameterError("method", "must be one of 'gibbs', 'mean_field'", method)
    one = xp.asarray(1.0, dtype=probs.dtype)
    zero = xp.asarray(0.0, dtype=probs.dtype)
    states = xp.where(probs >= 0.5, one, zero)
    if single:
        return Completion(probs[0, ...], states[0, ...])
    return Completion(probs, states)
