r"""Connection rules: which presynaptic neuron contacts which postsynaptic neuron.

Every rule is a small frozen dataclass with ``sample(n_pre, n_post, same, rng)``
returning the synapse list ``(pre, post)`` as int arrays sorted by ``pre`` then
``post`` (the order of the CSR tables). ``same`` says pre and post are one population;
autapses (``i -> i``) are then excluded unless ``allow_autapses``.

Sampling is exact and vectorised: a Bernoulli draw per pair is replaced, when the
expected degree is small, by the equivalent two-stage draw (a binomial out-degree, then
that many distinct targets), which costs :math:`O(\text{synapses})` rather than
:math:`O(N_{pre} N_{post})`.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from engramlab.core import ParameterError

__all__ = ["AllToAll", "Connectivity", "Dense", "DenseMatrix", "DenseRing", "Explicit",
           "FixedInDegree", "FixedProbability", "OneToOne", "RingProfile", "ring_distance"]

#: Above this connection probability a dense Bernoulli draw (in row blocks) is cheaper
#: than drawing distinct targets with rejection of duplicates.
DENSE_ABOVE_P = 0.1
_BLOCK = 2_000_000  # pairs per dense block


def _distinct(counts: np.ndarray, n_choices: int, rng: np.random.Generator) -> np.ndarray:
    """For row ``r``, ``counts[r]`` distinct values in ``[0, n_choices)``, sorted.

    Rows are concatenated. Uniform draws with replacement, then every duplicate inside
    a row is redrawn until none is left: the result is a uniform sample without
    replacement per row.
    """
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    if 4 * int(counts.max()) > n_choices:
        # dense rows: the k smallest of m uniform keys are a uniform k-subset
        out = []
        block = max(1, _BLOCK // n_choices)
        for start in range(0, counts.size, block):
            c = counts[start:start + block]
            keys = rng.random((c.size, n_choices))
            kmax = int(c.max())
            part = np.argpartition(keys, kmax - 1, axis=1)[:, :kmax] if kmax else keys[:, :0]
            for r in range(c.size):  # keep the c[r] smallest keys of the row, sorted
                sel = part[r, np.argsort(keys[r, part[r]])[: c[r]]]
                out.append(np.sort(sel))
        return np.concatenate(out).astype(np.int64)
    row = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    val = rng.integers(0, n_choices, size=total)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    active = np.arange(counts.size, dtype=np.int64)  # rows that may hold duplicates
    while active.size:
        lens = counts[active]
        # positions of the active rows' entries
        idx = np.repeat(starts[active] - np.concatenate([[0], np.cumsum(lens)[:-1]]),
                        lens) + np.arange(int(lens.sum()))
        key = row[idx] * n_choices + val[idx]
        order = np.argsort(key, kind="stable")
        ks = key[order]
        dup = idx[order[1:][ks[1:] == ks[:-1]]]
        if dup.size == 0:
            break
        val[dup] = rng.integers(0, n_choices, size=dup.size)
        active = np.unique(row[dup])
    order = np.argsort(row * n_choices + val, kind="stable")
    return val[order]  # rows stay in place (row is the major key)


def _sorted(pre: np.ndarray, post: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((post, pre))
    return pre[order].astype(np.int64), post[order].astype(np.int64)


class Connectivity:
    """Base of the connection rules (see the module docstring)."""

    def sample(self, n_pre: int, n_post: int, same: bool,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Draw the synapses: ``(pre, post)`` local indices, sorted by pre, then post.

        ``same``: the projection connects a population onto itself.
        """
        raise NotImplementedError


def _check_prob(name: str, p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ParameterError(name, "must be between 0 and 1", p)


@dataclasses.dataclass(frozen=True)
class FixedProbability(Connectivity):
    """Each ordered pair is connected independently with probability ``p``.

    Examples
    --------
    >>> rule = FixedProbability(0.1)  # e.g. Projection("E", "E", "exc", rule)
    >>> pre, post = rule.sample(40, 40, True, np.random.default_rng(0))
    >>> pre.size  # about 0.1 x 40 x 39 = 156 synapses
    167
    >>> bool(np.any(pre == post))  # one population onto itself: no autapses
    False
    """

    p: float
    allow_autapses: bool = False

    def __post_init__(self) -> None:
        _check_prob("connect.p", self.p)

    def sample(self, n_pre, n_post, same, rng):
        """Draw the synapses: ``(pre, post)`` local indices, sorted by pre, then post."""
        skip_self = same and not self.allow_autapses
        m = n_post - 1 if skip_self else n_post
        if m <= 0 or self.p == 0.0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        if self.p > DENSE_ABOVE_P:
            pres, posts = [], []
            rows = max(1, _BLOCK // m)
            for start in range(0, n_pre, rows):
                hit = rng.random((min(rows, n_pre - start), m)) < self.p
                r, c = np.nonzero(hit)
                pres.append(r + start)
                posts.append(c)
            pre = np.concatenate(pres)
            post = np.concatenate(posts)
        else:
            counts = rng.binomial(m, self.p, size=n_pre)
            pre = np.repeat(np.arange(n_pre, dtype=np.int64), counts)
            post = _distinct(counts, m, rng)  # sorted within each presynaptic row
        if skip_self:
            post = post + (post >= pre)  # keeps the order within a row
        return pre.astype(np.int64), post.astype(np.int64)


@dataclasses.dataclass(frozen=True)
class FixedInDegree(Connectivity):
    """Every postsynaptic neuron receives exactly ``k`` distinct inputs (Brunel 2000).

    Examples
    --------
    >>> pre, post = FixedInDegree(5).sample(30, 40, False, np.random.default_rng(0))
    >>> pre.size, np.unique(np.bincount(post, minlength=40)).tolist()
    (200, [5])
    """

    k: int
    allow_autapses: bool = False

    def __post_init__(self) -> None:
        if self.k < 0:
            raise ParameterError("connect.k", "must be >= 0", self.k)

    def sample(self, n_pre, n_post, same, rng):
        """Draw the synapses: ``(pre, post)`` local indices, sorted by pre, then post."""
        skip_self = same and not self.allow_autapses
        m = n_pre - 1 if skip_self else n_pre
        if self.k > m:
            raise ParameterError("connect.k", f"must be <= the number of possible sources ({m})",
                                 self.k)
        counts = np.full(n_post, self.k, dtype=np.int64)
        post = np.repeat(np.arange(n_post, dtype=np.int64), counts)
        pre = _distinct(counts, m, rng)
        if skip_self:
            pre = pre + (pre >= post)
        order = np.argsort(pre, kind="stable")  # post is already ascending: (pre, post)
        return pre[order], post[order]


@dataclasses.dataclass(frozen=True)
class OneToOne(Connectivity):
    """Neuron ``i`` contacts neuron ``i`` (the populations must have one size).

    Examples
    --------
    >>> pre, post = OneToOne().sample(3, 3, False, np.random.default_rng(0))
    >>> pre.tolist(), post.tolist()
    ([0, 1, 2], [0, 1, 2])
    """

    def sample(self, n_pre, n_post, same, rng):
        """Draw the synapses: ``(pre, post)`` local indices, sorted by pre, then post."""
        if n_pre != n_post:
            raise ParameterError("connect", "one-to-one needs populations of equal size",
                                 (n_pre, n_post))
        idx = np.arange(n_pre, dtype=np.int64)
        return idx, idx.copy()


@dataclasses.dataclass(frozen=True)
class Explicit(Connectivity):
    """An explicit synapse list ``pre[k] -> post[k]`` (local indices).

    Examples
    --------
    >>> rule = Explicit(pre=[2, 0, 0], post=[1, 3, 1])
    >>> pre, post = rule.sample(3, 4, False, np.random.default_rng(0))
    >>> pre.tolist(), post.tolist()  # sorted by pre, then post
    ([0, 0, 2], [1, 3, 1])
    """

    pre: tuple[int, ...] | np.ndarray
    post: tuple[int, ...] | np.ndarray

    def sample(self, n_pre, n_post, same, rng):
        """Draw the synapses: ``(pre, post)`` local indices, sorted by pre, then post."""
        pre = np.asarray(self.pre, dtype=np.int64).ravel()
        post = np.asarray(self.post, dtype=np.int64).ravel()
        if pre.shape != post.shape:
            raise ParameterError("connect.post", "must have as many entries as connect.pre",
                                 post.size)
        if pre.size and (pre.min() < 0 or pre.max() >= n_pre):
            raise ParameterError("connect.pre", f"indices must lie in [0, {n_pre})")
        if post.size and (post.min() < 0 or post.max() >= n_post):
            raise ParameterError("connect.post", f"indices must lie in [0, {n_post})")
        return _sorted(pre, post)


#: Tolerance of the box profile's edge (fraction of the ring).
_BOX_EDGE = 1e-9


@dataclasses.dataclass(frozen=True)
class RingProfile(Connectivity):
    r"""Distance-dependent connections on a ring.

    Neurons sit at positions :math:`x_i = i / N` on a ring of circumference 1; the pair
    ``(i, j)`` is connected with probability

    .. math:: p_{ij} = p_{max} \exp\left(-\frac{d_{ij}^2}{2 \sigma^2}\right),
              \quad d_{ij} = \min(|x_i - x_j|, 1 - |x_i - x_j|)

    (``profile="gaussian"``), or :math:`p_{max}` for :math:`d_{ij} \le \sigma`
    (``profile="box"``). ``sigma`` is a fraction of the ring.

    Examples
    --------
    >>> ring = RingProfile(p_max=0.5, sigma=0.1)
    >>> ring.probability(np.array([0.0, 0.1, 0.5])).round(3).tolist()
    [0.5, 0.303, 0.0]
    >>> box = RingProfile(p_max=1.0, sigma=0.1, profile="box")
    >>> pre, post = box.sample(20, 20, True, np.random.default_rng(0))
    >>> post[pre == 0].tolist()  # neuron 0 contacts two neighbours on each side
    [1, 2, 18, 19]
    """

    p_max: float
    sigma: float
    profile: str = "gaussian"
    allow_autapses: bool = False

    def __post_init__(self) -> None:
        _check_prob("connect.p_max", self.p_max)
        if not self.sigma > 0:
            raise ParameterError("connect.sigma", "must be > 0", self.sigma)
        if self.profile not in ("gaussian", "box"):
            raise ParameterError("connect.profile", "must be 'gaussian' or 'box'", self.profile)

    def probability(self, d: np.ndarray) -> np.ndarray:
        """Connection probability at ring distance ``d`` (fraction of the ring)."""
        if self.profile == "gaussian":
            return self.p_max * np.exp(-0.5 * (d / self.sigma) ** 2)
        # d comes from |i / N - j / N| in floating point, a few ulps off (j - i) / N: a
        # sigma on the lattice (a multiple of 1 / N) must include its own boundary on
        # every row alike. 1e-9 is far below any lattice spacing the engine builds.
        return np.where(d <= self.sigma + _BOX_EDGE, self.p_max, 0.0)

    def sample(self, n_pre, n_post, same, rng):
        """Draw the synapses: ``(pre, post)`` local indices, sorted by pre, then post."""
        xpost = np.arange(n_post) / n_post
        pres, posts = [], []
        rows = max(1, _BLOCK // max(n_post, 1))
        for start in range(0, n_pre, rows):
            i = np.arange(start, min(start + rows, n_pre))
            d = np.abs(i[:, None] / n_pre - xpost[None, :])
            d = np.minimum(d, 1.0 - d)
            hit = rng.random(d.shape) < self.probability(d)
            if same and not self.allow_autapses:
                hit[np.arange(i.size), i] = False
            r, c = np.nonzero(hit)
            pres.append(r + start)
            posts.append(c)
        return _sorted(np.concatenate(pres), np.concatenate(posts))


# --- dense connectivity: delivered by presynaptic gating, not synapse by synapse ----------

def ring_distance(n: int) -> np.ndarray:
    r"""Circular distance (rad) of each ring offset ``k`` from 0 to ``n - 1``.

    :math:`2\pi \min(k, n - k) / n`.

    Neuron ``i`` of a ring of ``n`` sits at angle :math:`\theta_i = 2\pi i / n`.

    Examples
    --------
    >>> ring_distance(4).round(3).tolist()
    [0.0, 1.571, 3.142, 1.571]
    """
    k = np.arange(n)
    return 2.0 * np.pi * np.minimum(k, n - k) / n


class Dense(Connectivity):
    r"""Every presynaptic neuron contacts every postsynaptic one (autapses included).

    A dense projection is not a list of synapses: the engine keeps one gating variable
    :math:`s_j` per presynaptic neuron (the receptor's kinetics, saturating NMDA
    included) and sets the postsynaptic conductance every step,

    .. math:: g_i(t) = w \sum_j W_{ij}\, s_j(t),

    with ``weight`` :math:`w` (one number, the receptor's unit per synapse) and the
    profile :math:`W` (:meth:`matrix`). The spikes of step :math:`t` act from step
    :math:`t + 1`: a dense projection has a delay of one time step. Subclasses say how
    :math:`W s` is computed without :math:`N^2` work where the structure allows it.

    Examples
    --------
    >>> ring = DenseRing(j_plus=2.0, sigma_deg=30.0)
    >>> isinstance(ring, Dense), ring.mode, AllToAll().mode
    (True, 'ring', 'uniform')
    >>> ring.matrix(4, 4)[0].round(2).tolist()  # a row of W: J+ = 2 at its own angle
    [2.0, 0.75, 0.74, 0.75]
    """

    #: how the engine computes :math:`W s`: ``"uniform"``, ``"ring"`` (circular
    #: convolution by FFT), ``"matrix"`` (explicit :math:`W s`).
    mode = "matrix"

    def matrix(self, n_pre: int, n_post: int) -> np.ndarray:
        """The profile :math:`W` as an ``(n_post, n_pre)`` array."""
        raise NotImplementedError

    def sample(self, n_pre, n_post, same, rng):
        """Every pair ``(pre, post)``, sorted by pre then post.

        This is the explicit synapse list of the same connectivity (autapses included);
        :meth:`matrix` gives the factor of each pair.
        """
        pre = np.repeat(np.arange(n_pre, dtype=np.int64), n_post)
        post = np.tile(np.arange(n_post, dtype=np.int64), n_pre)
        return pre, post


@dataclasses.dataclass(frozen=True)
class AllToAll(Dense):
    r"""Dense, uniform: :math:`W_{ij} = 1`, so :math:`g_i = w \sum_j s_j`.

    The engine sums the gates once per step (:math:`O(N)`).

    Examples
    --------
    >>> AllToAll().matrix(2, 3).tolist()
    [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]]
    """

    mode = "uniform"

    def matrix(self, n_pre, n_post):
        """Ones, ``(n_post, n_pre)``."""
        return np.ones((n_post, n_pre))


@dataclasses.dataclass(frozen=True)
class DenseRing(Dense):
    r"""Dense, on a ring: :math:`W_{ij} = J(\theta_i - \theta_j)`, a circular Gaussian.

    The profile is

    .. math:: J(d) = J_- + (J_+ - J_-)\, e^{-d^2 / 2\sigma^2},
              \quad d \in [-\pi, \pi),\ \theta_i = 2\pi i / N,

    and :math:`J_-` set so that the mean of :math:`J` over the ring is 1 (recurrent
    excitation then totals the same as uniform: Compte et al. 2000, Cereb. Cortex
    10:910, the normalisation of their code):

    .. math:: J_- = \frac{1 - J_+ c}{1 - c},
              \quad c = \frac{\sigma}{\sqrt{2\pi}}\left(2\Phi(\pi/\sigma) - 1\right)

    (:math:`\Phi` the standard normal distribution; :math:`c` is the mean over the ring
    of the Gaussian of the continuum). Pre and post have the same number of neurons
    :math:`N`; :math:`W s` is a circular convolution, computed every step by FFT
    (:math:`O(N \log N)`).

    Parameters
    ----------
    j_plus
        :math:`J_+`, the weight factor between neurons of the same angle (1).
    sigma_deg
        :math:`\sigma`, the width of the profile (degrees).

    Examples
    --------
    >>> ring = DenseRing(j_plus=1.62, sigma_deg=14.4)
    >>> round(ring.j_minus, 4)
    0.9309
    >>> round(float(ring.profile(1024).mean()), 4)
    1.0
    """

    j_plus: float
    sigma_deg: float

    mode = "ring"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.j_plus) and self.j_plus >= 0):
            raise ParameterError("connect.j_plus", "must be a finite number >= 0", self.j_plus)
        if not 0 < self.sigma_deg <= 360:
            raise ParameterError("connect.sigma_deg", "must lie in (0, 360] degrees",
                                 self.sigma_deg)
        if self.j_minus < 0:
            raise ParameterError("connect.j_plus", f"must make J- >= 0 (J- = "
                                 f"{self.j_minus:.3g} with sigma {self.sigma_deg} deg): "
                                 "the profile would be negative far from the diagonal",
                                 self.j_plus)

    @property
    def j_minus(self) -> float:
        """:math:`J_-`, the weight factor far from the diagonal (1)."""
        from scipy.stats import norm

        sig = math.radians(self.sigma_deg)
        c = sig * (2.0 * float(norm.cdf(math.pi / sig)) - 1.0) / math.sqrt(2.0 * math.pi)
        return (1.0 - self.j_plus * c) / (1.0 - c)

    def profile(self, n: int) -> np.ndarray:
        """:math:`J` at ring offsets ``k = 0 .. n-1`` (the first column of :math:`W`)."""
        d = ring_distance(n)
        jm = self.j_minus
        return jm + (self.j_plus - jm) * np.exp(-0.5 * (d / math.radians(self.sigma_deg)) ** 2)

    def matrix(self, n_pre, n_post):
        """:math:`W_{ij} = J(\\theta_i - \\theta_j)`, ``(n, n)``."""
        if n_pre != n_post:
            raise ParameterError("connect", "a DenseRing connects populations of the same "
                                 f"size (have {n_pre} -> {n_post})")
        j = self.profile(n_pre)
        k = (np.arange(n_post)[:, None] - np.arange(n_pre)[None, :]) % n_pre
        return j[k]


@dataclasses.dataclass(frozen=True, eq=False)
class DenseMatrix(Dense):
    r"""Dense, with an explicit profile: :math:`W` given as an ``(n_post, n_pre)`` array.

    The engine computes :math:`W s` in :math:`O(N_{pre} N_{post})` per step; this is the
    reference the structured profiles are tested against.

    Examples
    --------
    >>> DenseMatrix([[0.0, 1.0], [2.0, 0.5]]).matrix(2, 2).tolist()
    [[0.0, 1.0], [2.0, 0.5]]
    """

    factors: np.ndarray | list

    mode = "matrix"

    def __post_init__(self) -> None:
        w = np.asarray(self.factors, float)
        if w.ndim != 2 or not np.all(np.isfinite(w)) or (w.size and w.min() < 0):
            raise ParameterError("connect.factors", "must be a 2-D array (n_post, n_pre) of "
                                 "finite numbers >= 0", w.shape)
        object.__setattr__(self, "factors", w)

    def matrix(self, n_pre, n_post):
        """The given factors (checked against the populations' sizes)."""
        w = np.asarray(self.factors)
        if w.shape != (n_post, n_pre):
            raise ParameterError("connect.factors", f"must have shape (n_post, n_pre) = "
                                 f"({n_post}, {n_pre})", w.shape)
        return w
