r"""Mixture (spurious) states of the Hebbian Hopfield network.

Besides the stored patterns :math:`\xi^\mu` and their reversals :math:`-\xi^\mu`, the
Hebbian network has *mixture states* (Hopfield 1982 noticed spurious minima; Amit,
Gutfreund & Sompolinsky 1985, Phys. Rev. A 32:1007, gave their theory). The symmetric
mixture of an odd number :math:`k` of patterns is

.. math::

    s_i = \operatorname{sgn}\Big(\sum_{\mu=1}^{k} \epsilon_\mu \xi^\mu_i\Big),
    \qquad \epsilon_\mu = \pm 1 ,

and, for random patterns at vanishing load :math:`\alpha = P/N \to 0`, its overlap with
each component is (AGS 1985, eq. for the symmetric :math:`n`-mixtures at :math:`T = 0`)

.. math::

    m_k = 2^{1-k} \binom{k-1}{(k-1)/2}, \qquad m_3 = \tfrac12,\ m_5 = \tfrac38,\ \dots

For :math:`k = 3`: a component agrees with the majority with probability 3/4, so
:math:`m_3 = 2 \cdot \tfrac34 - 1 = \tfrac12`. With the AGS normalisation
:math:`J_{ij} = \frac1N \sum_\mu \xi^\mu_i \xi^\mu_j` the energy per neuron of a state
with overlaps :math:`m_\mu` is :math:`e = -\frac12 \sum_\mu m_\mu^2`, so the
3-mixture sits at :math:`-3/8` and a stored pattern at :math:`-1/2`.

Energy convention
-----------------
engramlab keeps the seed's unnormalised weights :math:`T = \Xi^\top \Xi - P I`, whose
energy :math:`E = -\frac12 s^\top T s` is :math:`N^2` times larger: one factor
:math:`N` for "per neuron", one for the :math:`1/N` in :math:`J`. Hence
:func:`energy_per_neuron` returns :math:`E / N^2`, and for Hebbian weights

.. math::

    \frac{E}{N^2} = -\frac12 \sum_{\mu=1}^{P} m_\mu^2 + \frac{\alpha}{2} ,

the :math:`+\alpha/2` coming from the removed diagonal. For random patterns the
:math:`P - k` non-condensed overlaps are :math:`O(N^{-1/2})` and contribute about
:math:`-(P - k)/(2N)`, which cancels the diagonal term up to :math:`k/(2N)`: at low
load :math:`E/N^2 \approx -k\,m_k^2/2 + k/(2N)`.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from engramlab.core.arrays import asarray, namespace, to_numpy
from engramlab.core.errors import ParameterError
from engramlab.memory.analysis import overlaps
from engramlab.memory.hopfield import energy, sgn

__all__ = [
    "MixtureClass",
    "classify_mixtures",
    "energy_per_neuron",
    "mixture_states",
    "symmetric_mixture_energy",
    "symmetric_mixture_overlap",
]

Array = Any


def symmetric_mixture_overlap(k: int) -> float:
    r"""Overlap :math:`m_k = 2^{1-k}\binom{k-1}{(k-1)/2}` of a symmetric :math:`k`-mixture.

    Exact for orthogonal patterns and for random patterns as :math:`N \to \infty` at
    fixed :math:`P` (Amit, Gutfreund & Sompolinsky 1985, PRA 32:1007). ``k`` must be odd.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1 or k % 2 == 0:
        raise ParameterError("k", "must be an odd positive integer", k)
    k = int(k)
    return math.comb(k - 1, (k - 1) // 2) / 2 ** (k - 1)


def symmetric_mixture_energy(k: int) -> float:
    r"""Energy per neuron :math:`-k\,m_k^2 / 2` of a symmetric :math:`k`-mixture, alpha -> 0.

    In the AGS normalisation (:math:`J = \Xi^\top\Xi / N`); ``-1/2`` for ``k = 1`` (a
    stored pattern), ``-3/8`` for ``k = 3``.
    """
    return -0.5 * k * symmetric_mixture_overlap(k) ** 2


def mixture_states(patterns: Array, components: Any, signs: Any = None) -> Array:
    r"""Mixture states :math:`\operatorname{sgn}(\sum_{\mu \in C} \epsilon_\mu \xi^\mu)`.

    Parameters
    ----------
    patterns
        Stored patterns, ``(P, N)``, values ±1.
    components
        Pattern indices, ``(M, k)`` integers (one mixture per row), ``k`` odd so the
        sum is never zero.
    signs
        :math:`\epsilon_\mu`, ``(M, k)`` of ±1; all +1 when omitted.

    Returns
    -------
    Array
        ``(M, N)`` states, values ±1, in the namespace of ``patterns``.

    Examples
    --------
    The symmetric 3-mixture overlaps each component by about :math:`m_3 = 1/2` and
    lies at about :math:`-3/8` per neuron, above a stored pattern's :math:`-1/2`:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> from engramlab.memory.analysis import overlaps
    >>> from engramlab.memory.hopfield import hebbian_weights
    >>> xi = make_rng(0).choice(np.array([-1.0, 1.0]), size=(5, 1000))
    >>> mix = mixture_states(xi, [[0, 1, 2]])
    >>> overlaps(xi, mix).round(2).tolist()
    [[0.51, 0.46, 0.5, 0.01, 0.0]]
    >>> energy_per_neuron(hebbian_weights(xi), np.vstack([xi[:1], mix])).round(2).tolist()
    [-0.5, -0.36]
    """
    xp = namespace(patterns)
    comp = np.asarray(components)
    if comp.ndim != 2 or not np.issubdtype(comp.dtype, np.integer):
        raise ParameterError("components", "must be an (M, k) integer array", comp.shape)
    n_patterns = patterns.shape[0]
    if comp.shape[1] % 2 == 0:
        raise ParameterError("components", "must mix an odd number of patterns",
                             comp.shape[1])
    if comp.size and (comp.min() < 0 or comp.max() >= n_patterns):
        raise ParameterError("components", f"must index patterns 0..{n_patterns - 1}")
    if any(len(set(row)) != len(row) for row in comp.tolist()):
        raise ParameterError("components", "must not repeat a pattern within a mixture")
    eps = np.ones(comp.shape) if signs is None else np.asarray(signs, dtype=float)
    if eps.shape != comp.shape or not np.all(np.abs(eps) == 1):
        raise ParameterError("signs", "must be ±1 with the shape of components", eps.shape)
    # Coefficient matrix C (M, P): C[m, mu] = eps for the components of mixture m.
    coef = np.zeros((comp.shape[0], n_patterns))
    np.put_along_axis(coef, comp, eps, axis=1)
    fields = xp.matmul(asarray(coef, xp, dtype=patterns.dtype), patterns)
    return sgn(fields)


def energy_per_neuron(weights: Array, states: Array) -> Array:
    r"""Energy per neuron :math:`E / N^2` in the AGS normalisation, shape ``(B,)``.

    ``weights`` are the seed's unnormalised :math:`T` (:math:`T = N J`); dividing the
    energy :math:`-\frac12 s^\top T s` by :math:`N^2` gives :math:`H/N` of the AGS
    Hamiltonian :math:`H = -\frac12 \sum_{i \ne j} J_{ij} s_i s_j`.
    """
    n = states.shape[-1]
    return energy(weights, states) / (n * n)


class MixtureClass(NamedTuple):
    """What :func:`classify_mixtures` found in each state.

    Attributes
    ----------
    members
        ``(B, P)`` bool: patterns whose overlap magnitude exceeds the threshold.
    signs
        ``(B, P)`` int8: sign of each member's overlap (0 for non-members).
    order
        ``(B,)`` number of members (1: a stored or reversed pattern, 3: a 3-mixture).
    symmetric
        ``(B,)`` bool: the members' overlap magnitudes agree to within ``spread``.

    Examples
    --------
    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> xi = make_rng(0).choice(np.array([-1.0, 1.0]), size=(5, 1000))
    >>> c = classify_mixtures(xi, -xi[1])  # a reversed pattern: one member, sign -1
    >>> c.order.tolist(), c.signs.tolist(), c.symmetric.tolist()
    ([1], [[0, -1, 0, 0, 0]], [True])
    """

    members: np.ndarray
    signs: np.ndarray
    order: np.ndarray
    symmetric: np.ndarray


def classify_mixtures(patterns: Array, states: Array, threshold: float = 0.2,
                      spread: float = 0.1) -> MixtureClass:
    r"""Classify each state as a mixture of the patterns it overlaps with.

    A pattern is a member when :math:`|m^\mu| >` ``threshold``. The default 0.2 is below
    the smallest symmetric-mixture overlap of order up to 9 (:math:`m_9 = 0.273`) and
    about 6 standard deviations :math:`N^{-1/2}` of a chance overlap at ``N = 1000``.
    A mixture is symmetric when its members' :math:`|m^\mu|` differ by at most
    ``spread`` (a sampling fluctuation of order :math:`N^{-1/2}` is allowed for).

    Parameters
    ----------
    patterns
        ``(P, N)`` stored patterns, values ±1.
    states
        ``(B, N)`` or ``(N,)`` states, values ±1.
    threshold
        Overlap magnitude above which a pattern is a member.
    spread
        Largest difference of the members' overlap magnitudes of a symmetric mixture.

    Returns
    -------
    MixtureClass
        Members, their signs, the order and the symmetry of each state.

    Examples
    --------
    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> xi = make_rng(0).choice(np.array([-1.0, 1.0]), size=(5, 1000))
    >>> mix = mixture_states(xi, [[0, 1, 2], [1, 3, 4]], signs=[[1, 1, 1], [1, -1, 1]])
    >>> c = classify_mixtures(xi, np.vstack([xi[:1], mix]))
    >>> c.order.tolist(), c.signs[2].tolist(), c.symmetric.tolist()
    ([1, 3, 3], [0, 1, 0, -1, 1], [True, True, True])
    """
    if not 0.0 < threshold < 1.0:
        raise ParameterError("threshold", "must be between 0 and 1", threshold)
    if not spread >= 0.0:
        raise ParameterError("spread", "must be >= 0", spread)
    m = to_numpy(overlaps(patterns, states))
    if m.ndim == 1:
        m = m[None, :]
    members = np.abs(m) > threshold
    signs = np.where(members, np.sign(m), 0).astype(np.int8)
    order = members.sum(axis=1)
    mag = np.where(members, np.abs(m), np.nan)
    with np.errstate(all="ignore"):
        width = np.where(order > 0, np.nanmax(np.where(members, mag, -np.inf), axis=1)
                         - np.nanmin(np.where(members, mag, np.inf), axis=1), np.inf)
    return MixtureClass(members, signs, order, width <= spread)
