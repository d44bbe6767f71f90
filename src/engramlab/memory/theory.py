r"""Mean-field theory of the Hebbian Hopfield network (Amit, Gutfreund & Sompolinsky 1985).

At zero temperature the replica-symmetric retrieval state with overlap :math:`m`
solves (Amit, Gutfreund & Sompolinsky 1987, Ann. Phys. 173:30, eqs. at T = 0)

.. math::

    m = \operatorname{erf}(y), \qquad
    y\left(\sqrt{2\alpha} + \tfrac{2}{\sqrt\pi} e^{-y^2}\right) = \operatorname{erf}(y),

with the load :math:`\alpha = P / N`. Solving the second equation for :math:`\alpha`,

.. math::

    \alpha(y) = \tfrac12 \left(\frac{\operatorname{erf}(y)}{y}
                - \tfrac{2}{\sqrt\pi} e^{-y^2}\right)^2 ,

the retrieval branch exists for :math:`\alpha \le \alpha_c = \max_y \alpha(y)
\approx 0.138`, where the overlap is :math:`\approx 0.967` (about 1.6 % wrong bits).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import optimize, special

__all__ = ["ags_alpha_of_y", "ags_critical_load", "ags_retrieval_overlap"]

_C = 2.0 / math.sqrt(math.pi)


def ags_alpha_of_y(y: float) -> float:
    r"""The load :math:`\alpha(y)` at which :math:`y` solves the AGS equation."""
    return 0.5 * (special.erf(y) / y - _C * math.exp(-y * y)) ** 2


@functools.cache
def _critical() -> tuple[float, float]:
    res = optimize.minimize_scalar(lambda y: -ags_alpha_of_y(y), bounds=(0.5, 3.0),
                                   method="bounded", options={"xatol": 1e-12})
    return float(res.x), float(-res.fun)


def ags_critical_load() -> tuple[float, float]:
    r"""The storage capacity :math:`\alpha_c` and the overlap there, ``(alpha_c, m_c)``.

    Returns
    -------
    tuple of float
        The critical load :math:`\alpha_c = \max_y \alpha(y)` and the overlap
        :math:`m_c = \operatorname{erf}(y_c)` of the retrieval state at that load.

    Examples
    --------
    >>> alpha_c, m_c = ags_critical_load()
    >>> round(alpha_c, 3), round(m_c, 3)  # AGS 1985: 0.138, about 1.6 % wrong bits
    (0.138, 0.967)
    """
    y_c, alpha_c = _critical()
    return alpha_c, float(special.erf(y_c))


def ags_retrieval_overlap(alpha: float | np.ndarray) -> np.ndarray:
    r"""Overlap :math:`m(\alpha)` of the retrieval state; NaN above :math:`\alpha_c`.

    At :math:`\alpha = 0` the retrieval state is the pattern itself, :math:`m = 1`.

    Parameters
    ----------
    alpha
        Load(s) :math:`\alpha = P / N`, a number or an array.

    Returns
    -------
    numpy.ndarray
        The overlap(s), shaped like ``alpha`` (a 0-d array for a number).

    Examples
    --------
    >>> import numpy as np
    >>> ags_retrieval_overlap(np.array([0.0, 0.05, 0.1, 0.13, 0.14])).round(3).tolist()
    [1.0, 1.0, 0.998, 0.987, nan]
    >>> round(float(ags_retrieval_overlap(0.1)), 3)  # 0.1 % wrong bits at alpha = 0.1
    0.998
    """
    y_c, alpha_c = _critical()
    alphas = np.atleast_1d(np.asarray(alpha, dtype=float))
    out = np.full(alphas.shape, np.nan)
    for k, a in enumerate(alphas.flat):
        if a <= 0:
            out.flat[k] = 1.0
        elif a <= alpha_c:
            # Retrieval branch: the root above y_c (alpha(y) decreases there).
            upper = y_c
            while ags_alpha_of_y(upper) > a:
                upper *= 2.0
            y = optimize.brentq(lambda y, a=a: ags_alpha_of_y(y) - a, y_c, upper, xtol=1e-14)
            out.flat[k] = special.erf(y)
    return out.reshape(np.shape(alpha)) if np.ndim(alpha) else out[0]
