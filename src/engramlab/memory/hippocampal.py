r"""Hippocampal coding by k-winners-take-all: DG pattern separation, CA3 pattern completion.

Two halves of one theory (Marr 1971; McNaughton & Morris 1987; Treves & Rolls 1992): the
dentate gyrus (DG) *separates* similar entorhinal (EC) inputs by a random expansion onto
many more granule cells of which only a few win a competition, and CA3 *completes* a
partial cue into the stored pattern through one cycle of recurrent excitation followed
by the same competition.

k-winners-take-all
    :func:`kwta` keeps the ``k`` largest fields of each row (feedback inhibition that
    lets exactly ``k`` cells fire; O'Reilly & McClelland 1994).
Pattern separation (``hippocampus.pattern-separation``)
    :func:`expansion_weights` (random, optionally diluted EC -> DG weights),
    :func:`overlapping_pairs` (pairs of sparse EC patterns with a given overlap),
    :func:`active_overlap` (the overlap measure), :func:`separation_monte_carlo` (the
    simulated curve) and :func:`separation_theory` (the Gaussian-field curve, through
    :func:`orthant_probability` and :func:`field_correlation`).
Pattern completion (``hippocampus.pattern-completion``)
    :func:`dilution_mask`, :func:`ca3_weights` (clipped Hebbian / Willshaw or covariance
    storage on a diluted net), :func:`partial_cues`, :func:`ca3_recall` (one gamma cycle),
    :func:`recall_overlap`, :func:`ca3_capacity` (the largest load recalled),
    :func:`ca3_recall_curve` (recall overlap against load and cue size),
    :func:`capacity_sweep` and :func:`fit_capacity_law` (the law over a grid of ``c`` and
    ``a``), :func:`almeida_capacity` (:math:`P = c / a^2`, de Almeida, Idiart & Lisman
    2007) and :func:`willshaw_recall_theory` / :func:`willshaw_capacity_theory` (the
    binomial theory of the same network).

The overlap measure
-------------------
Throughout, the overlap of two 0/1 patterns is the normalised overlap of their active
sets (the cosine of the two 0/1 vectors),

.. math::

    s(x, y) = \frac{|x \wedge y|}{\sqrt{|x|\,|y|}},

which is the fraction of active units the two share when both have the same number of
active units (always true for the patterns and k-WTA outputs here). Two independent
random patterns of coding level :math:`a` have :math:`s \approx a` (chance); Pearson's
correlation of the two 0/1 vectors is the chance-corrected
:math:`r = (s - a) / (1 - a)` (:func:`chance_corrected_overlap`), so curves in either
measure can be drawn from the same numbers.

Randomness comes only from the ``numpy.random.Generator`` passed in; inputs are never
modified. :func:`kwta`, :func:`active_overlap`, :func:`recall_overlap` and
:func:`ca3_recall` are written against the array namespace of their inputs (NumPy,
array-api-strict, PyTorch); the builders and the Monte-Carlo drivers use NumPy.

References
----------
- D. Marr (1971). Simple memory: a theory for archicortex. Phil. Trans. R. Soc. B 262:23.
- D. J. Willshaw, O. P. Buneman, H. C. Longuet-Higgins (1969). Non-holographic
  associative memory. Nature 222:960.
- J. Buckingham, D. Willshaw (1993). On setting unit thresholds in an incompletely
  connected associative net. Network 4:441 (and J. Buckingham 1991, PhD thesis,
  Edinburgh, "Delicate nets, faint recollections").
- A. Treves, E. T. Rolls (1991). What determines the capacity of autoassociative
  memories in the brain? Network 2:371. (1992) Computational constraints suggest the
  need for two distinct input systems to the hippocampal CA3 network. Hippocampus 2:189.
- R. C. O'Reilly, J. L. McClelland (1994). Hippocampal conjunctive encoding, storage,
  and recall: avoiding a trade-off. Hippocampus 4:661.
- L. de Almeida, M. Idiart, J. E. Lisman (2007). Memory retrieval time and memory
  capacity of the CA3 network: role of gamma frequency oscillations. Learn. Mem.
  14:795, doi:10.1101/lm.730207.
- B. Babadi, H. Sompolinsky (2014). Sparseness and expansion in sensory
  representations. Neuron 83:1213.
- A. M. Dubreuil, Y. Amit, N. Brunel (2014). Memory capacity of networks with stochastic
  binary synapses. PLoS Comput. Biol. 10:e1003727.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import array_api_compat
import numpy as np
from scipy import special, stats

from engramlab.core.arrays import namespace
from engramlab.core.errors import ParameterError
from engramlab.core.rng import make_rng
from engramlab.memory.sparse import covariance_weights

__all__ = [
    "CapacityLaw",
    "CapacityMeasurement",
    "CapacitySweep",
    "SeparationCurve",
    "active_overlap",
    "almeida_capacity",
    "ca3_capacity",
    "ca3_recall",
    "ca3_recall_curve",
    "ca3_weights",
    "capacity_sweep",
    "chance_corrected_overlap",
    "dilution_mask",
    "expansion_weights",
    "field_correlation",
    "fit_capacity_law",
    "kwta",
    "orthant_probability",
    "overlapping_pairs",
    "partial_cues",
    "recall_overlap",
    "separation_monte_carlo",
    "separation_theory",
    "willshaw_capacity_theory",
    "willshaw_recall_theory",
]

Array = Any
Rule = Literal["willshaw", "covariance", "additive"]
_RULES = ("willshaw", "covariance", "additive")
_RULE_TEXT = "must be 'willshaw', 'covariance' or 'additive'"

#: Recall counts as successful when the mean overlap of the k-WTA output with the stored
#: pattern, over the test cues, is at least this (the success criterion of
#: :func:`ca3_capacity`; chosen: 90 % of the pattern's cells recalled).
RECALL_CRITERION: float = 0.9


# --------------------------------------------------------------------------- checks


def _check_fraction(name: str, value: float, *, closed_low: bool = False,
                    closed_high: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ParameterError(name, "must be a number", value)
    v = float(value)
    low_ok = v >= 0.0 if closed_low else v > 0.0
    high_ok = v <= 1.0 if closed_high else v < 1.0
    if not (math.isfinite(v) and low_ok and high_ok):
        rule = f"must be {'>=' if closed_low else '>'} 0 and {'<=' if closed_high else '<'} 1"
        raise ParameterError(name, rule, value)
    return v


def _check_count(name: str, value: int, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(name, "must be an integer", value)
    if int(value) < low:
        raise ParameterError(name, f"must be >= {low}", value)
    return int(value)


def _n_active(coding_level: float, n_units: int) -> int:
    return max(1, round(coding_level * n_units))


# --------------------------------------------------------------------------- k-WTA


def kwta(fields: Array, k: int) -> Array:
    r"""k-winners-take-all: 1 for the ``k`` largest fields of each row, 0 elsewhere.

    .. math::

        y_i = \begin{cases} 1 & h_i > \theta_k \text{ or } (h_i = \theta_k \text{ and }
        i \text{ among the first } k - |\{j: h_j > \theta_k\}| \text{ such units})\\
        0 & \text{otherwise,}\end{cases}

    with :math:`\theta_k` the k-th largest field of the row. The output has exactly ``k``
    ones per row; it stands for feedback inhibition strong enough to let only the ``k``
    most excited cells fire (O'Reilly & McClelland 1994; in CA3 the inhibition of each
    gamma cycle, de Almeida et al. 2007).

    Ties are broken deterministically: among units whose field equals the k-th largest
    value, the units with the lowest index along the last axis win. The result depends
    only on the values (never on a random draw or the sort algorithm). Callers that want
    unbiased ties between, say, integer dendritic sums should use patterns placed at
    random with respect to the unit index (as every pattern here is).

    Parameters
    ----------
    fields
        ``(..., N)`` real fields (any array namespace); batched over the leading axes.
    k
        Number of winners per row, ``0 <= k <= N``.

    Returns
    -------
    Array
        0/1 array of the shape of ``fields``, in the floating dtype of ``fields`` (float64
        for integer fields).

    Raises
    ------
    ParameterError
        For ``k`` outside ``[0, N]``, a 0-d input, or NaN fields.

    Examples
    --------
    >>> import numpy as np
    >>> kwta(np.array([[0.1, 0.5, 0.5, 0.2]]), 2).tolist()
    [[0.0, 1.0, 1.0, 0.0]]
    >>> kwta(np.array([[1.0, 1.0, 1.0, 0.0]]), 2).tolist()   # ties: lowest index wins
    [[1.0, 1.0, 0.0, 0.0]]
    """
    xp = namespace(fields)
    if fields.ndim < 1:
        raise ParameterError("fields", "must have at least one axis (..., N)", fields.shape)
    n = int(fields.shape[-1])
    k = _check_count("k", k, low=0)
    if k > n:
        raise ParameterError("k", f"must be <= N = {n}", k)
    floating = xp.isdtype(fields.dtype, "real floating")
    out_dtype = fields.dtype if floating else xp.float64
    if floating and bool(xp.any(xp.isnan(fields))):
        raise ParameterError("fields", "must not contain NaN", "NaN")
    dev = array_api_compat.device(fields)
    if k == 0:
        return xp.zeros(fields.shape, dtype=out_dtype, device=dev)
    if k == n:
        return xp.ones(fields.shape, dtype=out_dtype, device=dev)
    if array_api_compat.is_numpy_array(fields):
        kth = np.partition(fields, n - k, axis=-1)[..., n - k]  # O(N) selection
    else:
        kth = xp.sort(fields, axis=-1)[..., n - k]
    kth = xp.expand_dims(kth, axis=-1)
    above = fields > kth
    tied = fields == kth
    n_above = xp.sum(xp.astype(above, xp.int64), axis=-1, keepdims=True)
    rank_tied = xp.cumulative_sum(xp.astype(tied, xp.int64), axis=-1)
    winners = above | (tied & (rank_tied <= (k - n_above)))
    return xp.astype(winners, out_dtype)


# --------------------------------------------------------------------------- overlaps


def active_overlap(x: Array, y: Array) -> Array:
    r"""Normalised overlap of the active sets, :math:`|x \wedge y| / \sqrt{|x|\,|y|}`, per row.

    For 0/1 rows with the same number of active units this is the fraction of active
    units the two share (1 for identical rows, about the coding level :math:`a` for
    independent random rows). A row with no active unit gives 0.

    Parameters
    ----------
    x, y
        ``(..., N)`` 0/1 arrays of one namespace (broadcast against each other).

    Returns
    -------
    Array
        ``(...)`` overlaps in ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> float(active_overlap(np.array([1.0, 1, 0, 0]), np.array([1.0, 0, 1, 0])))  # 1 of 2 shared
    0.5
    >>> active_overlap(np.array([[1.0, 1, 0, 0], [0, 0, 0, 0]]), np.array([1.0, 1, 0, 0])).tolist()
    [1.0, 0.0]
    """
    xp = namespace(x, y)
    both = xp.sum(x * y, axis=-1)
    norm = xp.sqrt(xp.sum(x, axis=-1) * xp.sum(y, axis=-1))
    return xp.where(norm > 0, both / xp.where(norm > 0, norm, 1.0), 0.0 * both)


def chance_corrected_overlap(overlap: Any, coding_level: float) -> np.ndarray:
    r"""Pearson correlation :math:`r = (s - a)/(1 - a)` of two 0/1 patterns with overlap ``s``.

    Exact for two patterns that both have :math:`aN` active units out of :math:`N`:
    :math:`\mathrm{cov} = (s\,aN)/N - a^2 = a(s - a)`, :math:`\mathrm{var} = a(1 - a)`.
    Chance (:math:`s = a`) maps to 0, identity to 1.

    Parameters
    ----------
    overlap
        :math:`s` (array-like).
    coding_level
        :math:`a`, between 0 and 1 (exclusive).

    Returns
    -------
    numpy.ndarray
        :math:`r`, shaped like ``overlap``.

    Examples
    --------
    >>> chance_corrected_overlap([0.1, 0.55, 1.0], 0.1).round(3).tolist()
    [0.0, 0.5, 1.0]
    """
    a = _check_fraction("coding_level", coding_level)
    return (np.asarray(overlap, dtype=float) - a) / (1.0 - a)


# --------------------------------------------------------------------------- DG: expansion


def expansion_weights(rng: np.random.Generator, n_in: int, n_out: int, *,
                      connection_probability: float = 1.0,
                      distribution: Literal["gaussian", "uniform"] = "gaussian") -> np.ndarray:
    r"""Random EC -> DG weights :math:`W_{ij} = C_{ij}\,w_{ij}`, shape ``(n_out, n_in)``.

    :math:`C_{ij} \sim \mathrm{Bernoulli}(p)` says whether EC cell :math:`j` contacts
    granule cell :math:`i` (``connection_probability`` :math:`p`; the mean fan-in is
    :math:`p\,N_\mathrm{in}`), and :math:`w_{ij}` is drawn i.i.d., standard normal
    (``"gaussian"``, the case the analytic curve treats exactly) or uniform on
    ``[0, 1)`` (``"uniform"``, excitatory synapses). Every weight is i.i.d., which is all
    :func:`field_correlation` needs. Stored dense (zeros where :math:`C_{ij} = 0`).

    Parameters
    ----------
    rng
        Source of the random draws.
    n_in, n_out
        Numbers of EC and DG cells (DG is several times larger than EC in the rat).
    connection_probability
        :math:`p`, in ``(0, 1]``.
    distribution
        Law of the present weights.

    Returns
    -------
    numpy.ndarray
        ``(n_out, n_in)`` weights.

    Examples
    --------
    >>> from engramlab.core import make_rng
    >>> w = expansion_weights(make_rng(0), 100, 500, connection_probability=0.2)
    >>> w.shape, round(float((w != 0).mean()), 2)  # five-fold expansion, 20 % of synapses
    ((500, 100), 0.2)
    >>> u = expansion_weights(make_rng(0), 100, 500, distribution="uniform")
    >>> bool((u >= 0).all() and (u < 1).all())
    True
    """
    n_in = _check_count("n_in", n_in)
    n_out = _check_count("n_out", n_out)
    p = _check_fraction("connection_probability", connection_probability, closed_high=True)
    if distribution == "gaussian":
        w = rng.standard_normal((n_out, n_in))
    elif distribution == "uniform":
        w = rng.random((n_out, n_in))
    else:
        raise ParameterError("distribution", "must be 'gaussian' or 'uniform'", distribution)
    if p < 1.0:
        w = w * (rng.random((n_out, n_in)) < p)
    return w


def overlapping_pairs(rng: np.random.Generator, n_pairs: int, n_units: int, n_active: int,
                      overlap: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Pairs of random 0/1 patterns with ``n_active`` active units sharing a fraction of them.

    Pattern :math:`x` is a random set of :math:`K` = ``n_active`` units; :math:`y` keeps
    :math:`S = \operatorname{round}(s K)` of them (a random subset) and replaces the rest by
    :math:`K - S` units inactive in :math:`x`, so :func:`active_overlap` of every pair is
    exactly :math:`S / K`.

    Parameters
    ----------
    rng
        Source of the random draws.
    n_pairs, n_units, n_active
        Batch size :math:`B`, pattern size :math:`N`, active units :math:`K`
        (:math:`2K - S \le N`).
    overlap
        Requested :math:`s \in [0, 1]`; the pairs have :math:`\operatorname{round}(sK)/K`.

    Returns
    -------
    tuple of numpy.ndarray
        ``x, y``, each ``(B, N)`` float 0/1.

    Examples
    --------
    >>> from engramlab.core import make_rng
    >>> x, y = overlapping_pairs(make_rng(0), 3, 100, 10, 0.4)
    >>> x.sum(axis=1).tolist(), y.sum(axis=1).tolist(), active_overlap(x, y).tolist()
    ([10.0, 10.0, 10.0], [10.0, 10.0, 10.0], [0.4, 0.4, 0.4])
    """
    n_pairs = _check_count("n_pairs", n_pairs)
    n_units = _check_count("n_units", n_units)
    n_active = _check_count("n_active", n_active)
    s = _check_fraction("overlap", overlap, closed_low=True, closed_high=True)
    shared = round(s * n_active)
    if 2 * n_active - shared > n_units:
        raise ParameterError("n_active", f"must leave room for the pair: 2K - S <= N = {n_units}",
                             n_active)
    perm = np.argsort(rng.random((n_pairs, n_units)), axis=1)
    x = np.zeros((n_pairs, n_units))
    y = np.zeros((n_pairs, n_units))
    np.put_along_axis(x, perm[:, :n_active], 1.0, axis=1)
    y_idx = np.concatenate([perm[:, :shared], perm[:, n_active:2 * n_active - shared]], axis=1)
    np.put_along_axis(y, y_idx, 1.0, axis=1)
    return x, y


# --------------------------------------------------------------------------- DG: theory


def field_correlation(input_overlap: Any) -> np.ndarray:
    r"""Correlation :math:`\rho` of a DG cell's fields for two EC patterns of overlap ``s``.

    With i.i.d. weights :math:`W_{ij}` (mean :math:`\mu`, variance :math:`\sigma^2`; any
    :func:`expansion_weights`, diluted or not) and two 0/1 EC patterns :math:`x, x'` with
    :math:`K` active units each, of which :math:`S = sK` are shared, the fields
    :math:`h_i = \sum_j W_{ij} x_j` of one granule cell have, over the random weights
    (i.e. across cells),

    .. math::

        \mathbb{E}[h_i] = \mu K, \qquad \mathrm{Var}[h_i] = \sigma^2 K, \qquad
        \mathrm{Cov}[h_i, h'_i] = \sum_j x_j x'_j\, \sigma^2 = \sigma^2 S,

    so :math:`\rho = S / K = s`: the field correlation equals the active-set overlap of
    the inputs, whatever the weight law, the dilution or the EC coding level. In
    Pearson's measure :math:`r_\mathrm{in}` of the inputs (:func:`chance_corrected_overlap`)
    this reads :math:`\rho = a_\mathrm{in} + (1 - a_\mathrm{in})\, r_\mathrm{in}`: two
    independent EC patterns still share a fraction :math:`a_\mathrm{in}` of their active
    cells, hence correlated fields. The mean :math:`\mu K` is common to all cells and
    drops out of the k-WTA competition. The fields are exactly bivariate normal for
    Gaussian weights and full connectivity, and approximately so (central limit,
    :math:`pK` terms) for diluted or uniform weights.

    Parameters
    ----------
    input_overlap
        :math:`s` (array-like, in ``[0, 1]``).

    Returns
    -------
    numpy.ndarray
        :math:`\rho`, equal to ``input_overlap``.

    Examples
    --------
    The empirical correlation across 20,000 granule cells matches :math:`\rho = s`:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> x, y = overlapping_pairs(make_rng(0), 1, 200, 20, 0.6)
    >>> w = expansion_weights(make_rng(1), 200, 20_000)
    >>> float(field_correlation(0.6)), round(float(np.corrcoef(w @ x[0], w @ y[0])[0, 1]), 2)
    (0.6, 0.6)
    """
    s = np.asarray(input_overlap, dtype=float)
    if np.any(~np.isfinite(s)) or np.any((s < 0) | (s > 1)):
        raise ParameterError("input_overlap", "must be in [0, 1]", input_overlap)
    return s


def orthant_probability(rho: Any, threshold: Any) -> np.ndarray:
    r"""Orthant probability :math:`P(X > \theta, Y > \theta)` of a standard bivariate normal.

    :math:`X, Y` have correlation :math:`\rho`.

    By Owen's (1956) T function,

    .. math::

        P(X > \theta, Y > \theta) = \Phi(-\theta) - 2\,T\!\left(\theta,
        \sqrt{\tfrac{1 - \rho}{1 + \rho}}\right),
        \qquad T(h, q) = \frac{1}{2\pi}\int_0^q \frac{e^{-h^2 (1 + x^2)/2}}{1 + x^2}\,dx,

    the equal-threshold case of :math:`\Phi_2(h, k; \rho) = \tfrac12\Phi(h) +
    \tfrac12\Phi(k) - T(h, q_h) - T(k, q_k)` (D. B. Owen 1956, Ann. Math. Stat. 27:1075).
    :math:`\rho = 1` gives :math:`\Phi(-\theta)`, :math:`\rho = 0` gives
    :math:`\Phi(-\theta)^2`, :math:`\rho = -1` gives :math:`\max(0, 1 - 2\Phi(\theta))`.

    Parameters
    ----------
    rho
        Correlation(s) in ``[-1, 1]``.
    threshold
        :math:`\theta` (broadcast against ``rho``).

    Returns
    -------
    numpy.ndarray
        The probabilities, of the broadcast shape.

    Examples
    --------
    At :math:`\theta = 0`: 1/4 for independent fields, 1/2 for identical ones, 0 for
    opposite ones:

    >>> orthant_probability([0.0, 1.0, -1.0], 0.0).round(6).tolist()
    [0.25, 0.5, 0.0]
    """
    r = np.asarray(rho, dtype=float)
    theta = np.asarray(threshold, dtype=float)
    if np.any(~np.isfinite(r)) or np.any((r < -1) | (r > 1)):
        raise ParameterError("rho", "must be in [-1, 1]", rho)
    if np.any(~np.isfinite(theta)):
        raise ParameterError("threshold", "must be finite", threshold)
    inner = r > -1.0
    q = np.sqrt((1.0 - r) / np.where(inner, 1.0 + r, 1.0))
    general = stats.norm.sf(theta) - 2.0 * special.owens_t(theta, q)
    anti = np.maximum(0.0, 1.0 - 2.0 * stats.norm.cdf(theta))   # rho = -1
    return np.clip(np.where(inner, general, anti), 0.0, None)


def separation_theory(input_overlap: Any, coding_level_out: float) -> np.ndarray:
    r"""Output overlap of a k-WTA layer with Gaussian fields, as a function of the input overlap.

    A fraction :math:`a_\mathrm{out}` of the cells win, i.e. the fields (standardised)
    cross :math:`\theta = \Phi^{-1}(1 - a_\mathrm{out})`; a cell is active for both inputs
    with the orthant probability (:func:`orthant_probability`) at the field correlation
    :math:`\rho = s_\mathrm{in}` (:func:`field_correlation`), and the output overlap is

    .. math::

        s_\mathrm{out} = \frac{P(h > \theta,\, h' > \theta)}{a_\mathrm{out}}
        = 1 - \frac{2}{a_\mathrm{out}}\, T\!\left(\theta,
          \sqrt{\tfrac{1 - s_\mathrm{in}}{1 + s_\mathrm{in}}}\right).

    It runs from chance :math:`a_\mathrm{out}` at :math:`s_\mathrm{in} = 0` to 1 at
    :math:`s_\mathrm{in} = 1`, with slope :math:`\varphi(\theta)^2 / a_\mathrm{out}` at
    the origin and a :math:`\sqrt{1 - s_\mathrm{in}}` approach to 1; at fixed
    :math:`s_\mathrm{in} < 1` it decreases as the code gets sparser (lower
    :math:`a_\mathrm{out}`). This is the large-N limit of the model of Babadi &
    Sompolinsky (2014) and of the DG estimate of O'Reilly & McClelland (1994).

    Parameters
    ----------
    input_overlap
        :math:`s_\mathrm{in}` (array-like in ``[0, 1]``).
    coding_level_out
        :math:`a_\mathrm{out}`, the fraction of DG cells active (2-5 % measured in the
        rat DG; e.g. Chawla et al. 2005, Hippocampus 15:579).

    Returns
    -------
    numpy.ndarray
        :math:`s_\mathrm{out}`, shaped like ``input_overlap``.

    Examples
    --------
    With 2 % of DG cells active, inputs sharing half their units share 17 % at the output:

    >>> separation_theory([0.0, 0.5, 0.8, 1.0], 0.02).round(3).tolist()
    [0.02, 0.169, 0.423, 1.0]
    """
    a = _check_fraction("coding_level_out", coding_level_out)
    rho = field_correlation(input_overlap)
    theta = stats.norm.isf(a)
    return np.clip(orthant_probability(rho, theta) / a, 0.0, 1.0)


# --------------------------------------------------------------------------- DG: Monte Carlo


class SeparationCurve(NamedTuple):
    """Outcome of :func:`separation_monte_carlo`.

    Attributes
    ----------
    input_overlap
        Realised input overlaps :math:`S/K` (after rounding), ``(L,)``.
    output_overlap
        Mean output overlap over all pairs and networks, ``(L,)``.
    output_sem
        Standard error of that mean (spread over the samples), ``(L,)``.
    binomial_se
        The sampling error expected from the sample size,
        :math:`\\sqrt{s_\\mathrm{out}(1 - s_\\mathrm{out}) / (k_\\mathrm{out} n)}` with
        :math:`n` samples (pairs times networks) and :math:`k_\\mathrm{out}` winners, ``(L,)``.
    n_samples
        Pairs per level (pairs times networks).
    k_out
        Winners per pattern, :math:`\\operatorname{round}(a_\\mathrm{out} N_\\mathrm{out})`.

    Examples
    --------
    >>> from engramlab.core import make_rng
    >>> c = separation_monte_carlo(make_rng(0), [0.0, 0.5, 0.8], n_in=200, n_out=1000,
    ...                            n_pairs=20, n_networks=2)
    >>> c.input_overlap.tolist(), c.n_samples, c.k_out
    ([0.0, 0.5, 0.8], 40, 20)
    """

    input_overlap: np.ndarray
    output_overlap: np.ndarray
    output_sem: np.ndarray
    binomial_se: np.ndarray
    n_samples: int
    k_out: int


def separation_monte_carlo(rng: np.random.Generator, input_overlaps: Sequence[float] | np.ndarray,
                           *, n_in: int = 1000, n_out: int = 5000,
                           coding_level_in: float = 0.1, coding_level_out: float = 0.02,
                           connection_probability: float = 1.0,
                           distribution: Literal["gaussian", "uniform"] = "gaussian",
                           n_pairs: int = 50, n_networks: int = 4) -> SeparationCurve:
    r"""Monte-Carlo pattern separation: output overlap of EC -> DG k-WTA versus input overlap.

    For each of ``n_networks`` random expansions (:func:`expansion_weights`) and each
    requested input overlap, ``n_pairs`` pairs of EC patterns (:func:`overlapping_pairs`,
    :math:`K_\mathrm{in} = a_\mathrm{in} N_\mathrm{in}` active) are mapped to DG fields
    :math:`h = W x` and through :func:`kwta` with
    :math:`k_\mathrm{out} = a_\mathrm{out} N_\mathrm{out}`; the output overlap of a pair is
    :func:`active_overlap` of its two outputs. Compare with :func:`separation_theory`.

    The sampling error follows from the sample size: a pair's output overlap is
    :math:`S_\mathrm{out}/k_\mathrm{out}` with :math:`S_\mathrm{out}` approximately
    binomial (:math:`k_\mathrm{out}` trials, probability :math:`s_\mathrm{out}`; the
    fixed number of winners only lowers the variance), so the mean of :math:`n` pairs has
    standard error at most :math:`\sqrt{s_\mathrm{out}(1 - s_\mathrm{out})/(k_\mathrm{out}
    n)}` (``binomial_se``). The finite-N k-WTA threshold (an order statistic instead of
    :math:`\theta`) adds a bias of order :math:`1/N_\mathrm{out}`.

    Parameters
    ----------
    rng
        Source of every random draw (weights, then patterns, network after network).
    input_overlaps
        Requested input overlaps in ``[0, 1]``.
    n_in, n_out
        EC and DG sizes (defaults: a five-fold expansion; chosen).
    coding_level_in, coding_level_out
        Fractions of EC and DG cells active (defaults 0.1 and 0.02; chosen, DG within the
        2-5 % measured).
    connection_probability, distribution
        Passed to :func:`expansion_weights`.
    n_pairs, n_networks
        Pairs per overlap level per network, and independent networks.

    Returns
    -------
    SeparationCurve
        Realised input overlaps, mean output overlaps and their errors.

    Examples
    --------
    A small network (200 EC -> 1000 DG cells, 2 % active) against the large-N theory
    (0.169 and 0.423 at input overlaps 0.5 and 0.8):

    >>> from engramlab.core import make_rng
    >>> c = separation_monte_carlo(make_rng(0), [0.0, 0.5, 0.8], n_in=200, n_out=1000,
    ...                            n_pairs=20, n_networks=2)
    >>> c.output_overlap.round(3).tolist(), c.binomial_se.round(3).tolist()
    ([0.016, 0.156, 0.395], [0.004, 0.013, 0.017])
    """
    levels = np.atleast_1d(np.asarray(input_overlaps, dtype=float))
    if levels.ndim != 1 or levels.size == 0:
        raise ParameterError("input_overlaps", "must be a non-empty 1-d sequence", input_overlaps)
    n_in = _check_count("n_in", n_in)
    n_out = _check_count("n_out", n_out)
    a_in = _check_fraction("coding_level_in", coding_level_in)
    a_out = _check_fraction("coding_level_out", coding_level_out)
    n_pairs = _check_count("n_pairs", n_pairs)
    n_networks = _check_count("n_networks", n_networks)
    k_in = _n_active(a_in, n_in)
    k_out = _n_active(a_out, n_out)
    realised = np.array([round(_check_fraction("input_overlaps", s, closed_low=True,
                                               closed_high=True) * k_in) / k_in for s in levels])
    samples = np.empty((levels.size, n_networks * n_pairs))
    for net in range(n_networks):
        w = expansion_weights(rng, n_in, n_out, connection_probability=connection_probability,
                              distribution=distribution)
        for li, s in enumerate(levels):
            x, y = overlapping_pairs(rng, n_pairs, n_in, k_in, float(s))
            ox = kwta(x @ w.T, k_out)
            oy = kwta(y @ w.T, k_out)
            samples[li, net * n_pairs:(net + 1) * n_pairs] = active_overlap(ox, oy)
    n = samples.shape[1]
    mean = samples.mean(axis=1)
    sem = samples.std(axis=1, ddof=1) / math.sqrt(n) if n > 1 else np.full(levels.size, np.nan)
    binomial = np.sqrt(np.clip(mean * (1.0 - mean), 0.0, None) / (k_out * n))
    return SeparationCurve(realised, mean, sem, binomial, n, k_out)


# --------------------------------------------------------------------------- CA3: model


def dilution_mask(rng: np.random.Generator, n_units: int,
                  connection_probability: float) -> np.ndarray:
    r"""Random dilution: ``mask[i, j]`` is True when the synapse from unit j onto unit i exists.

    Each directed synapse is present independently with probability :math:`c`
    (``connection_probability``; the recurrent connectivity of CA3a is
    :math:`c \approx 0.2`, de Almeida et al. 2007); no self-connections. ``(N, N)`` bool.

    Examples
    --------
    >>> from engramlab.core import make_rng
    >>> m = dilution_mask(make_rng(0), 1000, 0.2)
    >>> m.shape, round(float(m.mean()), 3), bool(m.diagonal().any())
    ((1000, 1000), 0.2, False)
    """
    n_units = _check_count("n_units", n_units, low=2)
    c = _check_fraction("connection_probability", connection_probability, closed_high=True)
    mask = np.empty((n_units, n_units), dtype=bool)
    rows = max(1, 4_000_000 // n_units)  # drawn in row blocks: same numbers, less memory
    for start in range(0, n_units, rows):
        stop = min(n_units, start + rows)
        mask[start:stop] = rng.random((stop - start, n_units)) < c
    np.fill_diagonal(mask, False)
    return mask


def ca3_weights(patterns: Any, mask: Any | None = None, *, rule: Rule = "willshaw",
                coding_level: float | None = None) -> np.ndarray:
    r"""Recurrent CA3 weights storing 0/1 patterns on a diluted net, ``(N, N)``.

    ``W[i, j]`` is the synapse from unit j onto unit i.

    Clipped Hebbian (Willshaw, Buneman & Longuet-Higgins 1969), a synapse is potentiated
    once its two cells were active together in any stored pattern:

    .. math::

        W_{ij} = C_{ij}\, \Theta\Big(\sum_{\mu=1}^{P} \xi^\mu_i \xi^\mu_j\Big) \in \{0, 1\};

    covariance (Tsodyks & Feigel'man 1988, :func:`~engramlab.memory.covariance_weights`):

    .. math::

        W_{ij} = C_{ij}\, \frac{1}{a (1 - a) N} \sum_{\mu=1}^{P} (\xi^\mu_i - a)(\xi^\mu_j - a),

    additive Hebbian without a threshold (the co-activation counts, unclipped; a control
    that the clipping matters):

    .. math::

        W_{ij} = C_{ij} \sum_{\mu=1}^{P} \xi^\mu_i \xi^\mu_j,

    with :math:`C_{ij}` the dilution mask (:func:`dilution_mask`; all ones off the
    diagonal when ``mask`` is None) and :math:`W_{ii} = 0`.

    Parameters
    ----------
    patterns
        ``(P, N)`` 0/1 patterns (NumPy or array-like).
    mask
        ``(N, N)`` bool dilution mask, or None for full connectivity.
    rule
        ``"willshaw"``, ``"covariance"`` or ``"additive"``.
    coding_level
        :math:`a` of the covariance rule (default: the mean activity of ``patterns``).

    Returns
    -------
    numpy.ndarray
        ``(N, N)`` weights with zero diagonal.

    Examples
    --------
    Two patterns sharing units 1 and 2: the clipped synapse between them is 1, the
    additive one counts both patterns:

    >>> import numpy as np
    >>> xi = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0.0]])
    >>> ca3_weights(xi)[1].tolist(), ca3_weights(xi, rule="additive")[1].tolist()
    ([1.0, 0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 2.0, 1.0, 0.0])
    """
    xi = np.asarray(patterns, dtype=float)
    if xi.ndim != 2:
        raise ParameterError("patterns", "must have shape (P, N)", xi.shape)
    n = xi.shape[1]
    if mask is None:
        conn = ~np.eye(n, dtype=bool)
    else:
        conn = np.asarray(mask, dtype=bool)
        if conn.shape != (n, n):
            raise ParameterError("mask", f"must have shape ({n}, {n})", conn.shape)
        conn = conn & ~np.eye(n, dtype=bool)
    if rule == "willshaw":
        w = (xi.T @ xi) > 0.5
        return (w & conn).astype(float)
    if rule == "covariance":
        a = float(xi.mean()) if coding_level is None else coding_level
        return covariance_weights(xi, a) * conn
    if rule == "additive":
        return (xi.T @ xi) * conn
    raise ParameterError("rule", _RULE_TEXT, rule)


def partial_cues(rng: np.random.Generator, patterns: Any, cue_fraction: float) -> np.ndarray:
    r"""Partial cues: each pattern with only a random fraction of its active units kept.

    Row :math:`b` keeps :math:`\max(1, \operatorname{round}(f\,|\xi^b|))` of the active
    units of pattern :math:`\xi^b`, chosen at random, and silences the others (no spurious
    units are added). ``(B, N)`` float 0/1.

    Parameters
    ----------
    rng
        Source of the random draws.
    patterns
        ``(B, N)`` 0/1 patterns to cue.
    cue_fraction
        :math:`f \in (0, 1]` (20-30 % for the pattern-completion experiment).

    Returns
    -------
    numpy.ndarray
        ``(B, N)`` cues, each a subset of its pattern.

    Examples
    --------
    >>> from engramlab.core import make_rng
    >>> from engramlab.memory.sparse import sparse_patterns
    >>> xi = sparse_patterns(make_rng(0), 30, 400, 0.05)  # 20 active units each
    >>> cues = partial_cues(make_rng(2), xi, 0.25)
    >>> cues.sum(axis=1).tolist()[:3], bool((cues <= xi).all())
    ([5.0, 5.0, 5.0], True)
    """
    xi = np.asarray(patterns, dtype=float)
    if xi.ndim != 2:
        raise ParameterError("patterns", "must have shape (B, N)", xi.shape)
    f = _check_fraction("cue_fraction", cue_fraction, closed_high=True)
    active = xi > 0.5
    # Random scores on the active units, -1 elsewhere: keep the m highest of each row.
    scores = np.where(active, rng.random(xi.shape), -1.0)
    m = np.maximum(1, np.rint(f * active.sum(axis=1))).astype(int)
    order = np.argsort(-scores, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(xi.shape[1])[None, :], axis=1)
    return (active & (ranks < m[:, None])).astype(float)


def ca3_recall(weights: Array, cues: Array, k: int) -> Array:
    r"""One gamma cycle of CA3 recall: recurrent fields from the cue, then k-WTA.

    .. math::

        h_i = \sum_j W_{ij}\, x_j, \qquad y = \mathrm{kWTA}_k(h),

    the cue cells :math:`x` fire at the start of the cycle, the recurrent excitation
    they send arrives within it, and the inhibition of the cycle lets the :math:`k`
    most excited cells fire (:func:`kwta`; :math:`k = aN`). De Almeida, Idiart & Lisman
    (2007) show that this single cycle suffices for retrieval. Written against the array
    namespace of the inputs.

    Parameters
    ----------
    weights
        ``(N, N)`` weights, ``W[i, j]`` from unit j onto unit i (:func:`ca3_weights`).
    cues
        ``(B, N)`` 0/1 cues.
    k
        Winners per cue.

    Returns
    -------
    Array
        ``(B, N)`` 0/1 states with exactly ``k`` active units each.

    Examples
    --------
    One cycle completes a quarter of a pattern, fully connected or half diluted:

    >>> from engramlab.core import make_rng
    >>> from engramlab.memory.sparse import sparse_patterns
    >>> xi = sparse_patterns(make_rng(0), 30, 400, 0.05)  # 30 patterns, 20 of 400 active
    >>> cues = partial_cues(make_rng(2), xi, 0.25)  # 5 of the 20 units
    >>> full = ca3_recall(ca3_weights(xi), cues, 20)
    >>> half = ca3_recall(ca3_weights(xi, dilution_mask(make_rng(1), 400, 0.5)), cues, 20)
    >>> full.sum(axis=1).tolist()[:3], round(float(recall_overlap(full, xi).mean()), 3)
    ([20.0, 20.0, 20.0], 0.992)
    >>> round(float(recall_overlap(half, xi).mean()), 3)
    0.722
    """
    xp = namespace(weights, cues)
    return kwta(xp.matmul(cues, xp.matrix_transpose(weights)), k)


def recall_overlap(states: Array, patterns: Array) -> Array:
    r"""Fraction of each pattern's active units active in the state, :math:`|y \wedge \xi|/|\xi|`.

    With a k-WTA output of :math:`k = |\xi|` winners this equals :func:`active_overlap`
    (1 for perfect recall, about :math:`a` for a random output). Rows pair up.

    Parameters
    ----------
    states
        ``(..., N)`` 0/1 states.
    patterns
        ``(..., N)`` 0/1 patterns, paired row by row with ``states``.

    Returns
    -------
    Array
        ``(...)`` fractions in ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> xi = np.array([[1.0, 1, 1, 1, 0, 0]])
    >>> recall_overlap(np.array([[1.0, 1, 1, 0, 1, 0]]), xi).tolist()  # 3 of 4 recalled
    [0.75]
    """
    xp = namespace(states, patterns)
    size = xp.sum(patterns, axis=-1)
    return xp.sum(states * patterns, axis=-1) / xp.where(size > 0, size, 1.0)


# --------------------------------------------------------------------------- CA3: capacity


class CapacityMeasurement(NamedTuple):
    """Outcome of :func:`ca3_capacity`.

    Attributes
    ----------
    capacity
        The largest load :math:`P` at which the mean recall overlap reaches the criterion,
        interpolated (linearly in :math:`\\ln P`) between the last tested load that passed
        and the first that failed; 0.0 when recall fails already with one stored pattern.
    loads
        Every load tested, in the order tested, ``(T,)`` int.
    overlaps
        Mean recall overlap over the test cues at each load, ``(T,)``.

    Examples
    --------
    The doubling search, then the fine search by 5 % steps from the last pass:

    >>> from engramlab.core import make_rng
    >>> m = ca3_capacity(make_rng(0), 1000, 0.05, 0.5)
    >>> m.loads.tolist()
    [1, 2, 4, 8, 16, 32, 64, 34, 36, 38, 40, 42]
    >>> bool(m.overlaps[m.loads == 40][0] >= 0.9 > m.overlaps[m.loads == 42][0])
    True
    """

    capacity: float
    loads: np.ndarray
    overlaps: np.ndarray


class _Store:
    """Incremental storage of random patterns: co-activation counts and recall fields."""

    def __init__(self, rng_mask: np.random.Generator, rng_patterns: np.random.Generator,
                 n: int, k: int, c: float, rule: Rule) -> None:
        self.n, self.k, self.rule = n, k, rule
        self.mask_t = dilution_mask(rng_mask, n, c).T.copy()  # mask_t[j, i]: j -> i
        self.rng = rng_patterns
        self.active = np.empty((0, k), dtype=np.int64)  # active units of each pattern
        self.stored = 0
        # counts_t[j, i] = number of stored patterns with both i and j active (co-activation,
        # symmetric); Willshaw only needs whether it is > 0.
        # (float32 holds these integer counts exactly below 2^24 patterns.)
        self.counts_t = np.zeros((n, n), dtype=np.uint8 if rule == "willshaw" else np.float32)
        self.unit_counts = np.zeros(n, dtype=np.int64)

    def _draw(self, upto: int) -> None:
        extra = upto - self.active.shape[0]
        rows = max(1, 4_000_000 // self.n)  # row blocks: the same patterns, less memory
        while extra > 0:
            block = min(extra, rows)
            new = np.argpartition(self.rng.random((block, self.n)), self.k, axis=1)[:, :self.k]
            self.active = np.concatenate([self.active, np.sort(new, axis=1)])
            extra -= block

    def snapshot(self) -> tuple[int, np.ndarray, np.ndarray]:
        return self.stored, self.counts_t.copy(), self.unit_counts.copy()

    def restore(self, snap: tuple[int, np.ndarray, np.ndarray]) -> None:
        self.stored, self.counts_t, self.unit_counts = snap[0], snap[1].copy(), snap[2].copy()

    def grow(self, load: int) -> None:
        self._draw(load)
        chunk = max(1, 2_000_000 // (self.k * self.k))
        for start in range(self.stored, load, chunk):
            idx = self.active[start:min(load, start + chunk)]
            rows = idx[:, :, None]
            cols = idx[:, None, :]
            if self.rule == "willshaw":
                self.counts_t[rows, cols] = 1
            else:  # Q += X^T X, one GEMM per block of patterns
                dense = np.zeros((idx.shape[0], self.n), dtype=np.float32)
                np.put_along_axis(dense, idx, 1.0, axis=1)
                self.counts_t += dense.T @ dense
            np.add.at(self.unit_counts, idx.ravel(), 1)
        self.stored = load

    def fields(self, cue_idx: np.ndarray, a: float) -> np.ndarray:
        """Fields ``(B, N)`` of cues given as ``(B, M)`` active indices (the diagonal is off)."""
        conn = self.mask_t[cue_idx]                       # (B, M, N) bool: j in cue -> i
        if self.rule == "willshaw":
            return (conn & (self.counts_t[cue_idx] > 0)).sum(axis=1, dtype=np.float64)
        if self.rule == "additive":  # unclipped counts on the present synapses
            return (self.counts_t[cue_idx] * conn).sum(axis=1, dtype=np.float64)
        # Covariance, unnormalised: J_ij = Q_ij - a n_i - a n_j + a^2 P (the constant
        # 1 / (a (1 - a) N) cannot change a k-WTA).
        conn_f = conn.astype(np.float32)
        q = (self.counts_t[cue_idx] * conn_f).sum(axis=1).astype(np.float64)
        n_conn = conn_f.sum(axis=1).astype(np.float64)      # connected cue inputs per unit
        nj = np.matmul(self.unit_counts[cue_idx].astype(np.float32)[:, None, :],
                       conn_f)[:, 0, :].astype(np.float64)
        p = float(self.stored)
        return q - a * self.unit_counts[None, :] * n_conn - a * nj + a * a * p * n_conn

    def test(self, rng: np.random.Generator, n_cues: int, m: int, a: float,
             winners: int | None = None) -> float:
        """Mean overlap :math:`|y \\wedge \\xi| / \\sqrt{k K}` of ``n_cues`` recalls."""
        k = self.k if winners is None else winners
        which = rng.integers(0, self.stored, size=n_cues)
        pattern_idx = self.active[which]                               # (B, K)
        keep = np.argsort(rng.random((n_cues, self.k)), axis=1)[:, :m]
        cue_idx = np.take_along_axis(pattern_idx, keep, axis=1)        # (B, M)
        fields = self.fields(cue_idx, a)
        out = kwta(fields, k) if self.rule == "covariance" else _kwta_counts(fields, k)
        hits = np.take_along_axis(out, pattern_idx, axis=1).sum(axis=1)
        if k == self.k:
            return float(hits.mean() / self.k)
        return float(hits.mean() / math.sqrt(k * self.k))


def _kwta_counts(fields: np.ndarray, k: int) -> np.ndarray:
    """:func:`kwta` for ``(B, N)`` fields of small non-negative integers (dendritic counts).

    The same winners as :func:`kwta` (ties to the lowest index), found from a histogram
    of each row instead of a selection: the k-th largest value is the largest ``t`` with
    at least ``k`` fields ``>= t``. NumPy only.
    """
    b, n = fields.shape
    if k <= 0 or k >= n:
        return kwta(fields, k)
    ints = fields.astype(np.int64)
    top = int(ints.max()) + 1
    hist = np.bincount((ints + top * np.arange(b)[:, None]).ravel(),
                       minlength=b * top).reshape(b, top)
    n_ge = np.cumsum(hist[:, ::-1], axis=1)[:, ::-1]                # fields >= t per row
    kth = (n_ge >= k).sum(axis=1) - 1                               # largest t reaching k
    above = ints > kth[:, None]
    tied = ints == kth[:, None]
    n_above = above.sum(axis=1, keepdims=True)
    winners = above | (tied & (np.cumsum(tied, axis=1) <= (k - n_above)))
    return winners.astype(fields.dtype)


def ca3_capacity(rng: np.random.Generator, n_units: int, coding_level: float,
                 connection_probability: float, *, rule: Rule = "willshaw",
                 cue_fraction: float = 0.25, criterion: float = RECALL_CRITERION,
                 n_cues: int = 64, growth: float = 1.05, max_load: int | None = None,
                 winners: int | None = None) -> CapacityMeasurement:
    r"""Capacity of the diluted CA3 autoassociator with one-cycle k-WTA recall, by simulation.

    Patterns :math:`\xi^\mu` with exactly :math:`K = \operatorname{round}(aN)` active
    units are stored one after the other (:func:`ca3_weights`, rule ``rule``, dilution
    :math:`c`); at a load :math:`P`, ``n_cues`` stored patterns drawn at random are cued
    with :math:`M = \operatorname{round}(fK)` of their active units
    (:func:`partial_cues`) and recalled in one step (:func:`ca3_recall`, :math:`k = K`
    winners unless ``winners`` says otherwise). Recall *succeeds* at load :math:`P` when
    the mean overlap with the stored pattern is at least ``criterion``; the capacity is
    the largest such :math:`P`. The overlap is :func:`active_overlap`,
    :math:`|y \wedge \xi| / \sqrt{k K}`, which is :func:`recall_overlap` when
    :math:`k = K`.

    Search: the load doubles from 1 until recall fails, then grows by ``growth`` from the
    last load that passed until it fails again, and the capacity is interpolated between
    the last pass and the first failure (linearly in :math:`\ln P`). Storage is
    incremental, so the whole search costs about one storage of the final load plus one
    recall per tested load; the :math:`N \times N` weights are never formed (fields are
    gathered from the co-activation counts of the cue's units, the same numbers as
    :func:`ca3_recall` on :func:`ca3_weights`). NumPy only.

    Parameters
    ----------
    rng
        Source of every random draw (split into dilution, patterns and cues streams).
    n_units
        :math:`N`.
    coding_level
        :math:`a` (:math:`K = aN` active units per pattern).
    connection_probability
        :math:`c`.
    rule
        ``"willshaw"`` (clipped Hebbian), ``"covariance"`` or ``"additive"``
        (:func:`ca3_weights`).
    cue_fraction
        :math:`f`, the fraction of the pattern's active units in the cue.
    criterion
        Mean recall overlap that counts as success (default 0.9).
    n_cues
        Test cues per load.
    growth
        Factor between loads in the fine search (> 1).
    max_load
        Upper bound on the load (default :math:`\max(1000, 20 / a^2)`); reaching it
        returns ``capacity = max_load`` (a lower bound).
    winners
        :math:`k` of the k-WTA (default :math:`K`, the inhibition that lets as many
        cells fire as a pattern has).

    Returns
    -------
    CapacityMeasurement
        The capacity and every load tested with its mean overlap.

    Examples
    --------
    1000 units, 50 active per pattern, half the synapses: about 41 patterns, below the
    binomial theory's 58 (which ignores the correlations between synapses):

    >>> from engramlab.core import make_rng
    >>> m = ca3_capacity(make_rng(0), 1000, 0.05, 0.5)
    >>> round(m.capacity, 1), round(willshaw_capacity_theory(1000, 0.05, 0.5), 1)
    (41.2, 58.3)
    """
    n = _check_count("n_units", n_units, low=2)
    a = _check_fraction("coding_level", coding_level)
    c = _check_fraction("connection_probability", connection_probability, closed_high=True)
    f = _check_fraction("cue_fraction", cue_fraction, closed_high=True)
    crit = _check_fraction("criterion", criterion, closed_high=True)
    n_cues = _check_count("n_cues", n_cues)
    if not (math.isfinite(growth) and growth > 1.0):
        raise ParameterError("growth", "must be > 1", growth)
    if rule not in _RULES:
        raise ParameterError("rule", _RULE_TEXT, rule)
    limit = max(1000, math.ceil(20.0 / (a * a))) if max_load is None else _check_count(
        "max_load", max_load)
    k = _n_active(a, n)
    if 2 * k > n:
        raise ParameterError("coding_level", "must be <= 0.5", coding_level)
    kw = k if winners is None else _check_count("winners", winners)
    if kw > n:
        raise ParameterError("winners", f"must be <= n_units = {n}", winners)
    m = max(1, round(f * k))
    rng_mask, rng_patterns, rng_cues = rng.spawn(3)
    store = _Store(rng_mask, rng_patterns, n, k, c, rule)
    loads: list[int] = []
    overlaps: list[float] = []

    def measure(load: int) -> float:
        store.grow(load)
        value = store.test(rng_cues, n_cues, m, a, kw)
        loads.append(load)
        overlaps.append(value)
        return value

    # Coarse: doubling.
    passed, failed = 0, 0
    snap = store.snapshot()
    load = 1
    while load <= limit:
        if measure(load) >= crit:
            passed, snap = load, store.snapshot()
            load *= 2
        else:
            failed = load
            break
    if passed == 0:
        return CapacityMeasurement(0.0, np.array(loads), np.array(overlaps))
    if failed == 0:
        if passed < limit:
            passed, snap = limit, store.snapshot()
            if measure(limit) < crit:
                failed = limit
        if failed == 0:
            return CapacityMeasurement(float(limit), np.array(loads), np.array(overlaps))
    # Fine: from the last pass, grow by `growth` until recall fails (at most up to `failed`).
    store.restore(snap)
    lo, lo_value = passed, overlaps[loads.index(passed)]
    hi, hi_value = failed, overlaps[loads.index(failed)]
    load = passed
    while True:
        load = max(load + 1, math.ceil(load * growth))
        if load >= failed:
            break
        value = measure(load)
        if value >= crit:
            lo, lo_value = load, value
        else:
            hi, hi_value = load, value
            break
    if hi_value >= lo_value:  # noisy, non-monotone pair: no interpolation
        capacity = float(lo)
    else:
        t = (lo_value - crit) / (lo_value - hi_value)
        capacity = float(math.exp(math.log(lo) + t * (math.log(hi) - math.log(lo))))
    return CapacityMeasurement(capacity, np.array(loads), np.array(overlaps))


def ca3_recall_curve(rng: np.random.Generator, n_units: int, coding_level: float,
                     connection_probability: float, loads: Sequence[int],
                     cue_fractions: Sequence[float], *, rule: Rule = "willshaw",
                     n_cues: int = 64, winners: int | None = None) -> np.ndarray:
    r"""Mean one-cycle recall overlap of one CA3 network at given loads and cue sizes.

    The network, patterns and test are those of :func:`ca3_capacity` (same streams of
    ``rng``: dilution, patterns, cues): patterns with :math:`K = \operatorname{round}(aN)`
    active units are stored incrementally (rule ``rule``), and at each load ``n_cues``
    stored patterns drawn at random are cued with
    :math:`M = \operatorname{round}(fK)` of their units for every ``f`` in
    ``cue_fractions`` and recalled by one cycle of recurrent excitation and k-WTA
    (``winners``, default :math:`K`). The overlap of an output :math:`y` with its pattern
    is :math:`|y \wedge \xi| / \sqrt{k K}` (:func:`active_overlap`).

    Parameters
    ----------
    rng
        Source of every random draw.
    n_units, coding_level, connection_probability
        :math:`N`, :math:`a`, :math:`c`.
    loads
        Increasing loads :math:`P \ge 1`.
    cue_fractions
        Cue fractions :math:`f \in (0, 1]`.
    rule, n_cues, winners
        As in :func:`ca3_capacity`.

    Returns
    -------
    numpy.ndarray
        ``(len(cue_fractions), len(loads))`` mean overlaps.

    Examples
    --------
    Recall degrades with the load and improves with the cue:

    >>> from engramlab.core import make_rng
    >>> ca3_recall_curve(make_rng(0), 1000, 0.05, 0.5, [10, 50, 100], [0.25, 0.5]).round(3).tolist()
    [[0.972, 0.884, 0.772], [0.999, 0.975, 0.921]]
    """
    n = _check_count("n_units", n_units, low=2)
    a = _check_fraction("coding_level", coding_level)
    c = _check_fraction("connection_probability", connection_probability, closed_high=True)
    fs = [_check_fraction("cue_fractions", f, closed_high=True) for f in cue_fractions]
    n_cues = _check_count("n_cues", n_cues)
    if rule not in _RULES:
        raise ParameterError("rule", _RULE_TEXT, rule)
    ps = [_check_count("loads", p_) for p_ in loads]
    if not ps or not fs:
        raise ParameterError("loads", "loads and cue_fractions must be non-empty", loads)
    if any(b <= a_ for a_, b in itertools.pairwise(ps)):
        raise ParameterError("loads", "must be strictly increasing", loads)
    k = _n_active(a, n)
    if 2 * k > n:
        raise ParameterError("coding_level", "must be <= 0.5", coding_level)
    kw = k if winners is None else _check_count("winners", winners)
    if kw > n:
        raise ParameterError("winners", f"must be <= n_units = {n}", winners)
    rng_mask, rng_patterns, rng_cues = rng.spawn(3)
    store = _Store(rng_mask, rng_patterns, n, k, c, rule)
    out = np.empty((len(fs), len(ps)))
    for j, load in enumerate(ps):
        store.grow(load)
        for i, f in enumerate(fs):
            out[i, j] = store.test(rng_cues, n_cues, max(1, round(f * k)), a, kw)
    return out


class CapacityLaw(NamedTuple):
    r"""Least-squares fit :math:`\ln P = \ln A + \beta_c \ln c + \beta_a \ln a`.

    Attributes
    ----------
    prefactor
        :math:`A` (so that :math:`P \approx A\, c^{\beta_c} a^{\beta_a}`).
    slope_c, slope_a
        :math:`\beta_c` and :math:`\beta_a` (de Almeida et al. 2007: +1 and -2).
    n_points
        Grid points with a positive capacity used in the fit.

    Examples
    --------
    >>> law = fit_capacity_law([0.2, 0.4], [0.02, 0.05], [[500.0, 80.0], [1000.0, 160.0]])  # c/a^2
    >>> round(law.prefactor, 3), round(law.slope_c, 3), round(law.slope_a, 3), law.n_points
    (1.0, 1.0, -2.0, 4)
    """

    prefactor: float
    slope_c: float
    slope_a: float
    n_points: int


def fit_capacity_law(connection_probabilities: Any, coding_levels: Any,
                     capacities: Any) -> CapacityLaw:
    r"""Fit :math:`P = A\, c^{\beta_c} a^{\beta_a}` to capacities on a ``(c, a)`` grid.

    Parameters
    ----------
    connection_probabilities
        ``(n_c,)`` values of :math:`c`.
    coding_levels
        ``(n_a,)`` values of :math:`a`.
    capacities
        ``(n_c, n_a)`` capacities; points with :math:`P \le 0` (no recall at all) are
        left out of the fit.

    Returns
    -------
    CapacityLaw
        NaN slopes when fewer than three usable points (or a degenerate grid) remain.

    Examples
    --------
    The law of de Almeida et al. (2007), with :math:`A = 2`, is recovered exactly:

    >>> import numpy as np
    >>> c, a = np.array([0.2, 0.4]), np.array([0.02, 0.05, 0.1])
    >>> law = fit_capacity_law(c, a, almeida_capacity(c[:, None], a[None, :], prefactor=2.0))
    >>> round(law.prefactor, 6), round(law.slope_c, 6), round(law.slope_a, 6), law.n_points
    (2.0, 1.0, -2.0, 6)
    """
    cs = np.asarray(connection_probabilities, dtype=float)
    avals = np.asarray(coding_levels, dtype=float)
    cap = np.asarray(capacities, dtype=float)
    if cap.shape != (cs.size, avals.size):
        raise ParameterError("capacities", f"must have shape ({cs.size}, {avals.size})",
                             cap.shape)
    cc, aa = np.meshgrid(cs, avals, indexing="ij")
    ok = np.isfinite(cap) & (cap > 0)
    n_ok = int(ok.sum())
    design = np.column_stack([np.ones(n_ok), np.log(cc[ok]), np.log(aa[ok])])
    if n_ok < 3 or np.linalg.matrix_rank(design) < 3:
        return CapacityLaw(math.nan, math.nan, math.nan, n_ok)
    coef, *_ = np.linalg.lstsq(design, np.log(cap[ok]), rcond=None)
    return CapacityLaw(float(math.exp(coef[0])), float(coef[1]), float(coef[2]), n_ok)


class CapacitySweep(NamedTuple):
    """Outcome of :func:`capacity_sweep`.

    Attributes
    ----------
    connection_probabilities, coding_levels
        The grid, ``(n_c,)`` and ``(n_a,)``.
    capacity
        ``(n_seeds, n_c, n_a)`` measured capacities.
    theory
        ``(n_c, n_a)`` :func:`willshaw_capacity_theory` for the same network (NaN for the
        covariance rule).
    fits
        One :class:`CapacityLaw` per seed.
    theory_fit
        :class:`CapacityLaw` of ``theory``.

    Examples
    --------
    >>> s = capacity_sweep(0, 1000, [0.3, 0.6], [0.04, 0.08], n_seeds=1)
    >>> s.capacity.shape, s.theory.shape, len(s.fits), s.theory_fit.n_points
    ((1, 2, 2), (2, 2), 1, 4)
    """

    connection_probabilities: np.ndarray
    coding_levels: np.ndarray
    capacity: np.ndarray
    theory: np.ndarray
    fits: tuple[CapacityLaw, ...]
    theory_fit: CapacityLaw


def capacity_sweep(seed: int, n_units: int, connection_probabilities: Sequence[float],
                   coding_levels: Sequence[float], *, n_seeds: int = 3,
                   rule: Rule = "willshaw", cue_fraction: float = 0.25,
                   criterion: float = RECALL_CRITERION, n_cues: int = 64,
                   growth: float = 1.05) -> CapacitySweep:
    r"""CA3 capacity over a grid of dilution :math:`c` and coding level :math:`a` at fixed N.

    Each point ``(s, i, j)`` runs :func:`ca3_capacity` with its own generator
    ``make_rng(seed, s, i, j)``, so a point's numbers depend only on the seed and its
    position, never on the order of evaluation. The law :math:`P = A c^{\beta_c}
    a^{\beta_a}` is fitted per seed (:func:`fit_capacity_law`); the spread of the slopes
    over seeds is their sampling uncertainty. De Almeida, Idiart & Lisman (2007) state
    :math:`P = c / a^2` (:math:`\beta_c = 1`, :math:`\beta_a = -2`); see
    :func:`willshaw_capacity_theory` for what the same network predicts (at small
    :math:`N` a slope in :math:`c` above 1 and in :math:`a` well above -2).

    Measured (Willshaw, 25 % cues, criterion 0.9, 64 cues per load; c in 0.2-0.5):
    at N = 4000 and a in 0.02-0.05, :math:`\beta_c = 1.96 \pm 0.02`,
    :math:`\beta_a = -0.29 \pm 0.02` (3 seeds; theory 1.81, -0.24), capacities 0.7-0.9
    of :func:`willshaw_capacity_theory`; at N = 12000 and a in 0.01-0.03,
    :math:`\beta_c = 1.46 \pm 0.02`, :math:`\beta_a = -0.83 \pm 0.01` (2 seeds; theory
    1.40, -0.77). The slopes drift towards the asymptotic :math:`1/\ln` and
    :math:`-2 + 1/\ln` as :math:`fcaN` grows; :math:`c / a^2` is not the local law of
    this network at any size simulated.

    Parameters
    ----------
    seed
        Base seed.
    n_units
        :math:`N`.
    connection_probabilities, coding_levels
        The grid of :math:`c` and :math:`a`.
    n_seeds
        Independent repetitions of the grid.
    rule, cue_fraction, criterion, n_cues, growth
        Passed to :func:`ca3_capacity`.

    Returns
    -------
    CapacitySweep
        The measured capacities, the binomial theory and their fitted laws.

    Examples
    --------
    A small grid at N = 1000: the capacity rises with :math:`c` much faster than
    :math:`c^1`, as the theory also says at this size:

    >>> s = capacity_sweep(0, 1000, [0.3, 0.6], [0.04, 0.08], n_seeds=1)
    >>> s.capacity[0].round(1).tolist()
    [[4.5, 13.5], [71.4, 50.4]]
    >>> round(s.fits[0].slope_c, 2), round(s.theory_fit.slope_c, 2)
    (2.94, 3.37)
    """
    n_seeds = _check_count("n_seeds", n_seeds)
    cs = np.asarray(connection_probabilities, dtype=float)
    avals = np.asarray(coding_levels, dtype=float)
    if cs.ndim != 1 or avals.ndim != 1 or cs.size == 0 or avals.size == 0:
        raise ParameterError("coding_levels", "grids must be non-empty 1-d sequences",
                             (cs.shape, avals.shape))
    cap = np.empty((n_seeds, cs.size, avals.size))
    for s in range(n_seeds):
        for i, c in enumerate(cs):
            for j, a in enumerate(avals):
                cap[s, i, j] = ca3_capacity(make_rng(seed, s, i, j), n_units, float(a), float(c),
                                            rule=rule, cue_fraction=cue_fraction,
                                            criterion=criterion, n_cues=n_cues,
                                            growth=growth).capacity
    if rule == "willshaw":
        theory = np.array([[willshaw_capacity_theory(n_units, float(a), float(c),
                                                     cue_fraction=cue_fraction,
                                                     criterion=criterion)
                            for a in avals] for c in cs])
    else:
        theory = np.full((cs.size, avals.size), np.nan)
    fits = tuple(fit_capacity_law(cs, avals, cap[s]) for s in range(n_seeds))
    return CapacitySweep(cs, avals, cap, theory, fits, fit_capacity_law(cs, avals, theory))


# --------------------------------------------------------------------------- CA3: theory


def almeida_capacity(connection_probability: Any, coding_level: Any,
                     prefactor: float = 1.0) -> np.ndarray:
    r"""De Almeida, Idiart & Lisman's (2007) capacity law :math:`P = A\, c / a^2`.

    Their abstract: "We confirm the equation, P = c/a^2, where c is the probability that
    any two cells are recurrently connected and a is the fraction of cells representing
    a memory item"; for CA3a, :math:`c = 0.2` and :math:`a = 0.003` (about 225 of 70,000
    cells) give about 20,000 items (:math:`0.2 / 0.003^2 \approx 22{,}000`, so
    :math:`A = 1` to the precision quoted). ``prefactor`` is :math:`A`.

    Parameters
    ----------
    connection_probability
        :math:`c` (array-like, in ``(0, 1]``).
    coding_level
        :math:`a` (array-like, in ``(0, 1)``), broadcast against ``c``.
    prefactor
        :math:`A`.

    Returns
    -------
    numpy.ndarray
        :math:`P`, of the broadcast shape.

    Examples
    --------
    >>> round(float(almeida_capacity(0.2, 0.003)))  # CA3a: about 20,000 items
    22222
    >>> almeida_capacity([0.1, 0.2], 0.05).round(6).tolist()
    [40.0, 80.0]
    """
    c = np.asarray(connection_probability, dtype=float)
    a = np.asarray(coding_level, dtype=float)
    if np.any(~((c > 0) & (c <= 1))):
        raise ParameterError("connection_probability", "must be > 0 and <= 1",
                             connection_probability)
    if np.any(~((a > 0) & (a < 1))):
        raise ParameterError("coding_level", "must be > 0 and < 1", coding_level)
    return prefactor * c / (a * a)


def willshaw_recall_theory(load: float, n_units: int, coding_level: float,
                           connection_probability: float, *,
                           cue_fraction: float = 0.25) -> float:
    r"""Expected one-cycle recall overlap of the diluted Willshaw net with k-WTA (binomial theory).

    With :math:`K = aN` active units per pattern, a cue of :math:`M = fK` of them, and
    dilution :math:`c`, the dendritic sum :math:`d_i = \sum_{j \in \mathrm{cue}} W_{ij}` is

    - for a pattern unit outside the cue: :math:`d \sim \mathrm{Bin}(M, c)` (every
      synapse from a cue unit to it is potentiated; only dilution removes inputs), and
      :math:`\mathrm{Bin}(M - 1, c)` for the :math:`M` cue units themselves;
    - for one of the :math:`N - K` other units: :math:`d \sim \mathrm{Bin}(M, c\,q)` with
      :math:`q = 1 - (1 - \frac{K (K - 1)}{N (N - 1)})^{P - 1}` the probability that one
      of the other :math:`P - 1` patterns potentiated the synapse (Willshaw et al. 1969;
      Buckingham & Willshaw 1993).

    k-WTA keeps the :math:`K` largest sums: the threshold :math:`t` is the largest value
    with :math:`E[\#\{d \ge t\}] \ge K`, and the units at :math:`t` fill the remaining
    places in proportion (ties are random with respect to the pattern). The overlap is
    the expected number of pattern units among the winners over :math:`K`. This
    independent-synapse approximation ignores the correlations between the synapses onto
    one unit (they share that unit's patterns), so it is slightly optimistic.

    Where the law comes from: recall needs the gap :math:`Mc(1 - q)` between the two
    means to exceed a few standard deviations :math:`\sqrt{Mc}`, i.e.
    :math:`e^{-P a^2} \approx 1 - q \gtrsim z / \sqrt{f c a N}`, hence

    .. math::

        P_c \approx \frac{1}{2 a^2} \ln\frac{f\, c\, a N}{z^2},

    the :math:`1/a^2` of de Almeida et al. (2007) but with :math:`c` (and :math:`aN`)
    only inside a logarithm: at fixed :math:`N` the local slopes are
    :math:`\partial \ln P / \partial \ln c = 1 / \ln(fcaN/z^2)` and
    :math:`\partial \ln P / \partial \ln a = -2 + 1/\ln(fcaN/z^2)`. When the number of
    connected cue inputs :math:`fcaN` is small (a few), recall fails at every load
    (pattern units with :math:`d = 0`). Between the two, for :math:`fcaN` of order 5-50
    (the networks one simulates in seconds, N of a few thousand), the binomial spread
    of the pattern units' own inputs, not synaptic saturation, limits recall: the
    capacity then rises steeply with :math:`c` and with :math:`a` (a larger cue), and the
    fitted slopes are :math:`\beta_c > 1`, :math:`\beta_a > -2` (e.g. 1.8 and -0.24 at
    N = 4000, :math:`f = 0.25`). Since :math:`P a^2` depends on :math:`c` and :math:`a`
    mostly through :math:`fcaN`, :math:`\beta_a \approx -2 + \beta_c` at fixed N.

    Parameters
    ----------
    load
        :math:`P \ge 1` stored patterns.
    n_units, coding_level, connection_probability
        :math:`N`, :math:`a`, :math:`c`.
    cue_fraction
        :math:`f`.

    Returns
    -------
    float
        The expected overlap in :math:`[0, 1]`.

    Examples
    --------
    1000 units, 50 active per pattern, half the synapses, quarter cues:

    >>> [round(willshaw_recall_theory(p, 1000, 0.05, 0.5), 3) for p in (10, 100)]
    [0.98, 0.807]
    """
    n = _check_count("n_units", n_units, low=2)
    a = _check_fraction("coding_level", coding_level)
    c = _check_fraction("connection_probability", connection_probability, closed_high=True)
    f = _check_fraction("cue_fraction", cue_fraction, closed_high=True)
    if not (math.isfinite(load) and load >= 1):
        raise ParameterError("load", "must be >= 1", load)
    k = _n_active(a, n)
    m = max(1, round(f * k))
    pair = k * (k - 1) / (n * (n - 1))
    q = -math.expm1((load - 1.0) * math.log1p(-pair))
    d = np.arange(m + 1)
    counts_pattern = ((k - m) * stats.binom.pmf(d, m, c)
                      + m * stats.binom.pmf(d, m - 1, c))          # expected units at each d
    counts_other = (n - k) * stats.binom.pmf(d, m, c * q)
    total = counts_pattern + counts_other
    at_least = np.cumsum(total[::-1])[::-1]                          # E[#{d >= t}]
    t = int(np.nonzero(at_least >= k)[0].max())
    above_pattern = counts_pattern[t + 1:].sum()
    above = total[t + 1:].sum()
    share = (k - above) / total[t] if total[t] > 0 else 0.0
    return float((above_pattern + share * counts_pattern[t]) / k)


def willshaw_capacity_theory(n_units: int, coding_level: float, connection_probability: float,
                             *, cue_fraction: float = 0.25,
                             criterion: float = RECALL_CRITERION) -> float:
    r"""Load at which :func:`willshaw_recall_theory` falls to ``criterion`` (0.0: never reached).

    Found by bisection in :math:`\ln P` (the theoretical overlap decreases with the load);
    the prediction for :func:`ca3_capacity` with ``rule="willshaw"``.

    Parameters
    ----------
    n_units, coding_level, connection_probability
        :math:`N`, :math:`a`, :math:`c`.
    cue_fraction
        :math:`f`.
    criterion
        The overlap that counts as recall.

    Returns
    -------
    float
        The capacity :math:`P` (``inf`` beyond :math:`10^{12}`).

    Examples
    --------
    >>> p = willshaw_capacity_theory(1000, 0.05, 0.5)
    >>> round(p, 1), round(willshaw_recall_theory(p, 1000, 0.05, 0.5), 3)
    (58.3, 0.9)
    >>> willshaw_capacity_theory(1000, 0.05, 0.5, cue_fraction=0.02)  # one cue unit
    0.0
    """
    crit = _check_fraction("criterion", criterion, closed_high=True)

    def overlap(p: float) -> float:
        return willshaw_recall_theory(p, n_units, coding_level, connection_probability,
                                      cue_fraction=cue_fraction)

    if overlap(1.0) < crit:
        return 0.0
    lo, hi = 1.0, 2.0
    while overlap(hi) >= crit:
        lo, hi = hi, hi * 2.0
        if hi > 1e12:
            return math.inf
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        if overlap(mid) >= crit:
            lo = mid
        else:
            hi = mid
        if hi / lo < 1.0 + 1e-6:
            break
    return float(math.sqrt(lo * hi))
