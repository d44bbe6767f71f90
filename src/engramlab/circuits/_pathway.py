r"""Pathways: weighted connections from the cells of one region to those of another.

A :class:`Pathway` carries the activity :math:`r^\mathrm{pre}` of its source cells
(a region, or one cell group of it, ``"region.group"``) to its target cells through a
weight matrix per subject, :math:`I^\mathrm{post} = g\, W r^\mathrm{pre}`, with ``gain``
:math:`g` (0 after a pathway lesion). The initial weights come from a
:class:`WeightInit` (:class:`Constant`, :class:`OneToOne`, :class:`RandomSparse`); a
pathway with a ``rule`` learns once per epoch, after the circuit has settled.

:class:`Hebbian` is the soft-bounded Hebb rule with optional heterosynaptic depression
and passive decay,

.. math::

    \Delta W_{ij} = \eta\, \phi\, r^\mathrm{post}_i \big[(w_\max - W_{ij})\, r^\mathrm{pre}_j
    - \delta\, W_{ij}\, (1 - r^\mathrm{pre}_j)\big]
    \quad\text{per epoch},\qquad
    W(t + \Delta t) = W(t)\, e^{-\Delta t / \tau}

(:math:`\eta` per epoch, :math:`\phi` the learning factor of the epoch -- 0 under a
full block of the mechanism the rule needs -- :math:`\tau` in ms; :math:`\tau = \infty`:
no decay). :math:`\delta` (default 0, the plain Hebb rule) depresses the synapses from
silent inputs onto an active cell: heterosynaptic LTD, with which a cell that learns a
new input pattern loses part of an old one; with binary inputs and :math:`\delta = 1` it
is the instar rule of competitive learning, :math:`\Delta W = \eta\,r^\mathrm{post}
(w_\max r^\mathrm{pre} - W)` (Rumelhart & Zipser 1985). The decay is exact for any
:math:`\Delta t`, so days between sessions cost one multiplication.
"""

from __future__ import annotations

import abc
import dataclasses
import math

import numpy as np

from engramlab.circuits._region import MECHANISMS, Mechanism
from engramlab.core.errors import ParameterError

__all__ = ["Constant", "Hebbian", "LearningRule", "OneToOne", "Pathway", "RandomSparse",
           "WeightInit"]


def _finite(field: str, value: object, *, lo: float | None = None,
            positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ParameterError(field, "must be a number", value)
    v = float(value)
    if positive and not v > 0:
        raise ParameterError(field, "must be > 0", value)
    if lo is not None and v < lo:
        raise ParameterError(field, f"must be >= {lo:g}", value)
    return v


class WeightInit(abc.ABC):
    """How a pathway's weights ``(subjects, post, pre)`` start.

    A subclass implements :meth:`draw`; :meth:`Circuit.init <engramlab.circuits.Circuit.init>`
    calls it once per pathway with the pathway's own generator. A subclass that fits only
    some sizes also overrides :meth:`check_shape`, which the
    :class:`~engramlab.circuits.Circuit` calls when it is built, so that a pathway whose
    ends do not fit is refused by name before any work.

    Examples
    --------
    >>> import dataclasses
    >>> import numpy as np
    >>> @dataclasses.dataclass(frozen=True)
    ... class Ramp(WeightInit):  # weights rising from the first input cell to the last
    ...     top: float = 1.0
    ...     def draw(self, n_subjects, n_post, n_pre, rng):
    ...         row = np.linspace(0.0, self.top, n_pre)
    ...         return np.broadcast_to(row, (n_subjects, n_post, n_pre)).copy()
    >>> Ramp(0.5).draw(1, 2, 3, np.random.default_rng(0)).tolist()
    [[[0.0, 0.25, 0.5], [0.0, 0.25, 0.5]]]
    >>> Pathway("ramp", "senses.tone", "amygdala", Ramp()).weights
    Ramp(top=1.0)
    """

    @abc.abstractmethod
    def draw(self, n_subjects: int, n_post: int, n_pre: int,
             rng: np.random.Generator) -> np.ndarray:
        """The initial weights."""

    def check_shape(self, field: str, n_post: int, n_pre: int) -> None:
        """Refuse ends of ``n_pre`` source and ``n_post`` target cells that this
        initialisation cannot connect (a :class:`ParameterError` on ``field``); the
        default takes any sizes."""
        return None


@dataclasses.dataclass(frozen=True)
class Constant(WeightInit):
    """Every weight ``value`` (0: a pathway that learns from nothing).

    Examples
    --------
    >>> import numpy as np
    >>> Constant(0.5).draw(1, 2, 3, np.random.default_rng(0)).tolist()  # (subjects, post, pre)
    [[[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]]
    >>> Pathway("tone-amygdala", "senses.tone", "amygdala").weights  # the default: 0
    Constant(value=0.0)
    """

    value: float = 0.0

    def draw(self, n_subjects, n_post, n_pre, rng):
        return np.full((n_subjects, n_post, n_pre), float(self.value))


@dataclasses.dataclass(frozen=True)
class OneToOne(WeightInit):
    """``weight`` from pre cell i to post cell i (equal sizes), 0 elsewhere.

    Examples
    --------
    >>> import numpy as np
    >>> OneToOne(2.0).draw(1, 3, 3, np.random.default_rng(0))[0].tolist()
    [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 2.0]]
    >>> OneToOne().draw(1, 3, 2, np.random.default_rng(0))
    Traceback (most recent call last):
    ...
    engramlab.core.errors.ParameterError: parameter 'one_to_one' needs as many pre as ...
    """

    weight: float = 1.0

    def check_shape(self, field, n_post, n_pre):
        if n_post != n_pre:
            raise ParameterError(field, f"one-to-one needs as many source as target cells "
                                 f"(source {n_pre}, target {n_post})", self)

    def draw(self, n_subjects, n_post, n_pre, rng):
        if n_post != n_pre:
            raise ParameterError("one_to_one", f"needs as many pre as post cells (got "
                                 f"{n_pre} -> {n_post})")
        return np.broadcast_to(np.eye(n_post) * float(self.weight),
                               (n_subjects, n_post, n_pre)).copy()


@dataclasses.dataclass(frozen=True)
class RandomSparse(WeightInit):
    """Each synapse present with probability ``density``, per subject.

    A present synapse has weight ``weight`` (``distribution="constant"``) or a weight
    drawn uniformly from ``(0, weight]`` (``"uniform"``: no two inputs tie, so a
    k-winners-take-all target picks its winners by its input, not by its cells' order).

    Examples
    --------
    >>> import numpy as np
    >>> w = RandomSparse(0.5).draw(2, 3, 4, np.random.default_rng(0))  # a mask per subject
    >>> w.shape, sorted(set(w.ravel().tolist()))
    ((2, 3, 4), [0.0, 1.0])
    >>> w = RandomSparse(0.5, weight=0.2, distribution="uniform").draw(
    ...     1, 2, 4, np.random.default_rng(0))
    >>> w.round(3).tolist()  # present synapses in (0, 0.2]
    [[[0.0, 0.013, 0.037, 0.199], [0.0, 0.0, 0.0, 0.0]]]
    """

    density: float
    weight: float = 1.0
    distribution: str = "constant"

    def __post_init__(self) -> None:
        d = _finite("random_sparse.density", self.density, positive=True)
        if d > 1:
            raise ParameterError("random_sparse.density", "must be <= 1", self.density)
        if self.distribution not in ("constant", "uniform"):
            raise ParameterError("random_sparse.distribution", "must be 'constant' or "
                                 "'uniform'", self.distribution)

    def draw(self, n_subjects, n_post, n_pre, rng):
        shape = (n_subjects, n_post, n_pre)
        present = rng.random(shape) < self.density
        if self.distribution == "constant":
            return present * float(self.weight)
        return present * (1.0 - rng.random(shape)) * float(self.weight)


class LearningRule(abc.ABC):
    """A plasticity rule of a pathway: ``update`` per epoch, ``decay`` across time.

    ``gate``: a stimulus whose intensity in the epoch multiplies the learning factor
    (``None``: ungated).

    Examples
    --------
    A rule that adds ``rate`` times the product of the activities (plain Hebb, unbounded)
    and never decays (the default :meth:`decay`):

    >>> import dataclasses
    >>> import numpy as np
    >>> @dataclasses.dataclass(frozen=True)
    ... class PlainHebb(LearningRule):
    ...     rate: float
    ...     mechanism: str = "nmda"
    ...     def update(self, w, pre, post, factor):
    ...         return w + self.rate * factor * post[:, :, None] * pre[:, None, :]
    >>> rule = PlainHebb(0.1)
    >>> w = rule.update(np.zeros((1, 1, 2)), np.array([[1.0, 0.0]]), np.array([[1.0]]), 1.0)
    >>> w.tolist(), rule.decay(w, 1e6).tolist(), rule.gate
    ([[[0.1, 0.0]]], [[[0.1, 0.0]]], None)
    """

    mechanism: Mechanism
    gate: str | None = None

    @abc.abstractmethod
    def update(self, w: np.ndarray, pre: np.ndarray, post: np.ndarray,
               factor: float) -> np.ndarray:
        """New weights after one epoch with activities ``pre`` / ``post``."""

    def decay(self, w: np.ndarray, duration_ms: float) -> np.ndarray:
        """Weights after ``duration_ms`` without activity (default: unchanged)."""
        return w


@dataclasses.dataclass(frozen=True)
class Hebbian(LearningRule):
    """Soft-bounded Hebb with passive decay (module docstring).

    ``rate`` :math:`\\eta` per epoch (0..1), ``w_max`` the bound, ``tau_ms`` the decay
    time constant, ``mechanism`` what a drug must block to stop it (default NMDA-
    receptor-dependent induction, as for LTP). ``gate``, when given, names a stimulus
    whose intensity in the epoch multiplies the rate: a teaching signal, e.g. the
    US-evoked depolarisation without which CS inputs to the lateral amygdala do not
    potentiate (Johansen et al. 2010); a gated rule does not learn in sleep.
    ``depression`` :math:`\\delta` >= 0 is the heterosynaptic depression of the inputs
    silent while the cell is active (module docstring; 0: none).

    Examples
    --------
    One epoch in which the post cell and the first two inputs are active: their
    synapses move ``rate`` of the way to ``w_max``; a blocked epoch (factor 0) changes
    nothing:

    >>> import numpy as np
    >>> rule = Hebbian(0.5, w_max=1.0)
    >>> pre, post = np.array([[1.0, 1.0, 0.0]]), np.array([[1.0]])
    >>> w = rule.update(np.zeros((1, 1, 3)), pre, post, factor=1.0)
    >>> w.tolist(), rule.update(w, pre, post, factor=1.0).tolist()
    ([[[0.5, 0.5, 0.0]]], [[[0.75, 0.75, 0.0]]])
    >>> rule.update(w, pre, post, factor=0.0).tolist()  # under AP5
    [[[0.5, 0.5, 0.0]]]

    Passive decay over one time constant, and heterosynaptic depression of the silent
    input:

    >>> Hebbian(0.5, tau_ms=1000.0).decay(w, 1000.0).round(4).tolist()  # e^-1 of each
    [[[0.1839, 0.1839, 0.0]]]
    >>> Hebbian(0.5, depression=1.0).update(np.full((1, 1, 3), 0.5), pre, post, 1.0).tolist()
    [[[0.75, 0.75, 0.25]]]
    """

    rate: float
    w_max: float = 1.0
    tau_ms: float = math.inf
    mechanism: Mechanism = "nmda"
    gate: str | None = None
    depression: float = 0.0

    def __post_init__(self) -> None:
        r = _finite("hebbian.rate", self.rate, lo=0.0)
        if r > 1:
            raise ParameterError("hebbian.rate", "must be <= 1 (a fraction of the distance "
                                 "to w_max per epoch)", self.rate)
        _finite("hebbian.w_max", self.w_max, positive=True)
        _finite("hebbian.tau_ms", self.tau_ms, positive=True)
        if self.mechanism not in MECHANISMS:
            raise ParameterError("hebbian.mechanism", f"must be one of {MECHANISMS}",
                                 self.mechanism)
        if self.gate is not None and (not isinstance(self.gate, str) or not self.gate):
            raise ParameterError("hebbian.gate", "must be a stimulus name or None",
                                 self.gate)
        _finite("hebbian.depression", self.depression, lo=0.0)

    def update(self, w, pre, post, factor):
        eta = self.rate * factor
        rows = np.flatnonzero(post.any(axis=0))
        if self.depression:
            if eta == 0.0 or not rows.size:
                return w
            # every synapse onto an active cell changes: up from active inputs, down
            # from silent ones
            sub, x = w[:, rows, :], pre[:, None, :]
            out = w.copy()
            out[:, rows, :] = sub + eta * post[:, rows, None] * (
                (self.w_max - sub) * x - self.depression * sub * (1.0 - x))
            return out
        cols = np.flatnonzero(pre.any(axis=0))
        if eta == 0.0 or not rows.size or not cols.size:
            return w
        # only the synapses between active cells change (the rest get a zero term)
        sub = w[:, rows[:, None], cols[None, :]]
        out = w.copy()
        out[:, rows[:, None], cols[None, :]] = sub + eta * (self.w_max - sub) * (
            post[:, rows, None] * pre[:, None, cols])
        return out

    def decay(self, w, duration_ms):
        if math.isinf(self.tau_ms) or duration_ms <= 0:
            return w
        return w * math.exp(-duration_ms / self.tau_ms)


@dataclasses.dataclass(frozen=True)
class Pathway:
    """``source`` cells -> ``target`` cells (each ``"region"`` or ``"region.group"``).

    Examples
    --------
    The thalamic tone input to the lateral amygdala, learning when the shock is on:

    >>> p = Pathway("tone-amygdala", "senses.tone", "amygdala", Constant(0.0),
    ...             Hebbian(0.3, w_max=0.3, gate="shock"))
    >>> p.rule.gate, p.gain
    ('shock', 1.0)
    >>> Pathway.split(p.source), Pathway.split(p.target)
    (('senses', 'tone'), ('amygdala', None))
    """

    name: str
    source: str
    target: str
    weights: WeightInit = dataclasses.field(default_factory=Constant)
    rule: LearningRule | None = None
    gain: float = 1.0

    def __post_init__(self) -> None:
        for field in ("name", "source", "target"):
            v = getattr(self, field)
            if not isinstance(v, str) or not v:
                raise ParameterError(f"pathway.{field}", "must be a non-empty string", v)
        if not isinstance(self.weights, WeightInit):
            raise ParameterError(f"pathway[{self.name}].weights", "must be a WeightInit",
                                 self.weights)
        if self.rule is not None and not isinstance(self.rule, LearningRule):
            raise ParameterError(f"pathway[{self.name}].rule", "must be a LearningRule or "
                                 "None", self.rule)
        _finite(f"pathway[{self.name}].gain", self.gain, lo=0.0)

    @staticmethod
    def split(end: str) -> tuple[str, str | None]:
        """``"region.group"`` -> ``("region", "group")``; ``"region"`` -> ``(region, None)``."""
        region, _, group = end.partition(".")
        return region, (group or None)
