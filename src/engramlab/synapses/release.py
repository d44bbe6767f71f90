r"""Presynaptic transmitter release: calcium cooperativity and quantal statistics.

**Calcium dependence** (Dodge & Rahamimoff 1967, J Physiol 193:419,
doi:10.1113/jphysiol.1967.sp008367). External Ca2+ binds a site X on the terminal,
competing with Mg2+; release needs about four CaX together, so the release probability
per site is

.. math::

    p([\mathrm{Ca}], [\mathrm{Mg}]) = p_\mathrm{max}\left(
        \frac{[\mathrm{Ca}]/K_\mathrm{Ca}}
             {1 + [\mathrm{Ca}]/K_\mathrm{Ca} + [\mathrm{Mg}]/K_\mathrm{Mg}}\right)^{n},
    \qquad n = 4 .

Its log-log slope (:func:`release_log_slope`)

.. math::

    \frac{d \ln p}{d \ln [\mathrm{Ca}]} =
    n\,\frac{1 + [\mathrm{Mg}]/K_\mathrm{Mg}}
             {1 + [\mathrm{Ca}]/K_\mathrm{Ca} + [\mathrm{Mg}]/K_\mathrm{Mg}}

tends to :math:`n = 4` at low [Ca] and falls as [Ca] rises towards the normal level;
adding Mg2+ lowers release without changing the low-[Ca] slope (D&R 1967, points 2-3
of their summary: measured slope 3.78 +/- 0.2 s.d. over 28 junctions).

**Quantal release** (del Castillo & Katz 1954, J Physiol 124:560,
doi:10.1113/jphysiol.1954.sp005129). A terminal with :math:`N` independent release
sites, each releasing one quantum of size :math:`q` with probability :math:`p`, releases
:math:`k \sim \mathrm{Binomial}(N, p)` quanta, a response :math:`A = k q` with

.. math::

    E[A] = N p q, \qquad \mathrm{Var}[A] = N p (1 - p)\, q^2 ,

so the variance is a parabola in the mean, :math:`\mathrm{Var} = q E - E^2/N`
(the variance-mean relation of quantal analysis). :func:`sample_moment_se` gives the
standard errors of the sample mean and sample variance of :math:`T` trials, from the
binomial's fourth central moment
:math:`\mu_4 = Npq'\,[1 + 3(N-2)pq']` (:math:`q' = 1 - p`):
:math:`\mathrm{SE}^2(s^2) = [\mu_4 - \sigma^4 (T-3)/(T-1)]/T`.

Randomness comes only from the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engramlab.core import ParameterError, Params, param

__all__ = [
    "DodgeRahamimoff",
    "binomial_moments",
    "quantal_release",
    "release_log_slope",
    "release_probability",
    "sample_moment_se",
]

_DR = "Dodge & Rahamimoff 1967, J Physiol 193:419"


class DodgeRahamimoff(Params):
    """Cooperative Ca2+ dependence of the release probability (see the module docstring).

    Examples
    --------
    >>> p = DodgeRahamimoff()
    >>> p.k_ca_mm, p.k_mg_mm, p.cooperativity, p.p_max
    (1.0, 3.0, 4.0, 1.0)
    """

    k_ca_mm: float = param(
        1.0, unit="mM", gt=0.0, le=100.0,
        doc="K_Ca: apparent dissociation constant of Ca2+ from the release site X.",
        source="chosen: of the order of the constants fitted by " + _DR + " (about 1 "
               "mM); the low-[Ca] slope does not depend on it",
    )
    k_mg_mm: float = param(
        3.0, unit="mM", gt=0.0, le=100.0,
        doc="K_Mg: apparent dissociation constant of the competing Mg2+.",
        source="chosen: a few mM, Mg2+ binding X more weakly than Ca2+ (" + _DR + ")",
    )
    cooperativity: float = param(
        4.0, unit="1", gt=0.0, le=10.0,
        doc="n: number of CaX needed together for the release of one quantum.",
        source=_DR + ": about four",
    )
    p_max: float = param(
        1.0, unit="1", gt=0.0, le=1.0,
        doc="p_max: release probability when every site X is occupied by Ca2+.",
        source="chosen: 1, so p is the occupancy raised to the power n",
    )


def _check_conc(name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr) & (arr >= 0)):
        raise ParameterError(name, "must be finite and >= 0", value)
    return arr


def release_probability(params: DodgeRahamimoff, ca_mm: Any, mg_mm: Any = 1.0) -> Any:
    """Release probability per site at external [Ca2+] and [Mg2+] (mM), vectorised.

    Examples
    --------
    >>> p = DodgeRahamimoff()
    >>> release_probability(p, 1.0, 0.0)  # occupancy 1 / (1 + 1) = 1/2, to the 4th power
    0.0625
    >>> round(release_probability(p, 1.0, 3.0), 6)  # Mg2+ competes: (1/3)^4
    0.012346
    >>> np.round(release_probability(p, [0.5, 1.0, 2.0], 0.0), 4).tolist()
    [0.0123, 0.0625, 0.1975]
    """
    ca = _check_conc("ca_mm", ca_mm)
    mg = _check_conc("mg_mm", mg_mm)
    a = ca / params.k_ca_mm
    occupancy = a / (1.0 + a + mg / params.k_mg_mm)
    p = params.p_max * occupancy ** params.cooperativity
    return float(p) if p.ndim == 0 else p


def release_log_slope(params: DodgeRahamimoff, ca_mm: Any, mg_mm: Any = 1.0) -> Any:
    """Analytic slope d ln p / d ln [Ca] (-> n at low [Ca]); see the module docstring.

    Examples
    --------
    >>> p = DodgeRahamimoff()
    >>> release_log_slope(p, 1.0, 0.0), round(release_log_slope(p, 0.01, 0.0), 4)  # 4 * 1/2
    (2.0, 3.9604)
    >>> round(release_log_slope(p, 1.0, 3.0), 4)  # 4 * 2 / (2 + 1): steeper with Mg2+
    2.6667
    """
    ca = _check_conc("ca_mm", ca_mm)
    mg = _check_conc("mg_mm", mg_mm)
    b = 1.0 + mg / params.k_mg_mm
    slope = params.cooperativity * b / (b + ca / params.k_ca_mm)
    return float(slope) if slope.ndim == 0 else slope


def _check_sites(n_sites: Any) -> int:
    if isinstance(n_sites, bool) or not isinstance(n_sites, (int, np.integer)) or n_sites < 1:
        raise ParameterError("n_sites", "must be an integer >= 1", n_sites)
    return int(n_sites)


def _check_p(p_release: Any) -> np.ndarray:
    p = np.asarray(p_release, dtype=float)
    if not np.all(np.isfinite(p) & (p >= 0) & (p <= 1)):
        raise ParameterError("p_release", "must be in [0, 1]", p_release)
    return p


def quantal_release(n_sites: int, p_release: Any, rng: np.random.Generator,
                    size: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Numbers of quanta released, ``k ~ Binomial(n_sites, p_release)``.

    Parameters
    ----------
    n_sites
        Number of independent release sites N (>= 1).
    p_release
        Release probability per site, scalar or array (broadcast against ``size``).
    rng
        The generator all randomness comes from.
    size
        Output shape (default: the shape of ``p_release``). Multiply by the quantal size
        q for the response amplitude.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> k = quantal_release(10, 0.3, rng, size=10_000)  # E = N p = 3, Var = N p (1 - p) = 2.1
    >>> round(float(k.mean()), 1), round(float(k.var()), 1), bool(k.min() >= 0 and k.max() <= 10)
    (3.0, 2.1, True)
    """
    if not isinstance(rng, np.random.Generator):
        raise ParameterError("rng", "must be a numpy.random.Generator", type(rng).__name__)
    return rng.binomial(_check_sites(n_sites), _check_p(p_release), size=size)


def binomial_moments(n_sites: int, p_release: Any, quantal_size: float = 1.0
                     ) -> tuple[Any, Any]:
    """Mean ``N p q`` and variance ``N p (1 - p) q^2`` of the quantal response.

    Examples
    --------
    >>> binomial_moments(10, 0.5)
    (5.0, 2.5)
    >>> [round(m, 4) for m in binomial_moments(10, 0.3, quantal_size=2.0)]  # 6, 10 * 0.21 * 4
    [6.0, 8.4]
    """
    n = _check_sites(n_sites)
    p = _check_p(p_release)
    if not math.isfinite(quantal_size):
        raise ParameterError("quantal_size", "must be finite", quantal_size)
    mean = n * p * quantal_size
    var = n * p * (1.0 - p) * quantal_size**2
    if p.ndim == 0:
        return float(mean), float(var)
    return mean, var


def sample_moment_se(n_sites: int, p_release: Any, n_trials: int,
                     quantal_size: float = 1.0) -> tuple[Any, Any]:
    """Standard errors of the sample mean and of the sample variance (ddof = 1).

    Exact for ``n_trials`` independent binomial responses (module docstring); use them
    to turn a measured moment into a z-score.

    Examples
    --------
    >>> se_mean, se_var = sample_moment_se(10, 0.5, 100)  # sigma^2 = 2.5, mu_4 = 17.5
    >>> round(se_mean, 4), round(se_var, 4)  # sqrt(2.5 / 100), sqrt((17.5 - 6.25 * 97/99) / 100)
    (0.1581, 0.3373)
    """
    if isinstance(n_trials, bool) or not isinstance(n_trials, (int, np.integer)) \
            or n_trials < 2:
        raise ParameterError("n_trials", "must be an integer >= 2", n_trials)
    n = _check_sites(n_sites)
    p = _check_p(p_release)
    t = float(n_trials)
    pq = p * (1.0 - p)
    var = n * pq
    mu4 = n * pq * (1.0 + 3.0 * (n - 2) * pq)
    se_mean = np.sqrt(var / t) * abs(quantal_size)
    se_var = np.sqrt(np.maximum(mu4 - var**2 * (t - 3.0) / (t - 1.0), 0.0) / t) \
        * quantal_size**2
    if p.ndim == 0:
        return float(se_mean), float(se_var)
    return se_mean, se_var
