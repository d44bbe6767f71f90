"""Published targets as data, and the pass / fail checks made from them.

A :class:`Target` is one number from a paper (or an analytic result) with the
tolerance allowed and *why* that tolerance is right. Experiments list their targets
next to their code; :func:`evaluate` compares them with the measured metrics.

Every target says what kind of evidence it is (:data:`KINDS`):

``published``
    a number, curve or ordering from a paper's data or figures;
``theory``
    an independent analytic result of the literature, its constants typed from the
    paper in the experiment (never imported from the model under test);
``consistency``
    the implementation against its own closed form, a generator against its
    moments, a theorem that holds by construction: a regression check, not a
    reproduction.

A check never passes on NaN, nor on a value at the edge of the grid it was read
from (``grid``): such a value is censored, not measured. A declared ``deviation``
that starts passing is *stale* and fails the run, like a strict xfail. A target this
run cannot test (``not_tested``, e.g. "full preset only") is listed, not evaluated.

>>> t = Target("overlap", 1.0, 0.01, compare="abs", source="Hopfield 1982",
...            reason="finite-size fluctuations of order 1/sqrt(N)", kind="theory")
>>> t.check(0.995).passed
True
>>> t.check(float("nan")).failure
'NaN'
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from engramlab.core.errors import EngramlabError

__all__ = ["KINDS", "Check", "Target", "evaluate"]

Comparison = Literal["abs", "rel", "at_least", "at_most"]
Kind = Literal["published", "theory", "consistency"]

#: The kinds of evidence a target can be (module docstring).
KINDS: tuple[str, ...] = ("published", "theory", "consistency")
#: Kinds that count as a reproduction (``consistency`` does not).
EVIDENCE_KINDS: tuple[str, ...] = ("published", "theory")

_RULE_TEXT = {
    "abs": "|measured - published| <= tolerance",
    "rel": "|measured - published| <= tolerance * |published|",
    "at_least": "measured >= published - tolerance",
    "at_most": "measured <= published + tolerance",
}


@dataclasses.dataclass(frozen=True)
class Target:
    """A published (or analytic) value that a metric must reproduce.

    Parameters
    ----------
    metric
        Name of the metric (a key of the experiment's ``metrics(ds)``).
    value
        The published value.
    tolerance
        Allowed deviation, read according to ``compare``.
    source
        Paper, table / figure, or the analytic result.
    reason
        Why this tolerance: finite size, SEM of the data, numerical precision...
    compare
        ``"abs"`` (two-sided, absolute), ``"rel"`` (two-sided, relative),
        ``"at_least"`` / ``"at_most"`` (one-sided bounds).
    description
        What the check means, in one sentence for the report.
    deviation
        Empty for a check that must pass. Otherwise the target is a published claim
        this project does *not* reproduce, and this says why and with what evidence
        (e.g. a peer simulator gives the same number on the same model). The check is
        still computed and shown -- as "not reproduced" when it fails -- but does not
        fail the run; if it passes, the deviation is stale and the run fails. Use it
        only with evidence reproducible from the repository; every one is listed in
        the report and the README.
    kind
        ``"published"``, ``"theory"`` or ``"consistency"`` (module docstring). Required.
    grid
        ``(lowest, highest)`` value the metric can take on the grid it is read from
        (e.g. the largest noise level scanned): a value at either end is censored and
        fails. ``None``: the metric is not read from a finite grid.
    not_tested
        Non-empty when this run cannot test the target (why, e.g. ``"full preset
        only: needs 100 s of plasticity"``); the check is listed, not evaluated, and
        its metric may be missing.
    """

    metric: str
    value: float
    tolerance: float
    source: str
    reason: str
    compare: Comparison = "abs"
    description: str = ""
    deviation: str = ""
    kind: str = ""
    grid: tuple[float, float] | None = None
    not_tested: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"target {self.metric!r}: kind must be one of {list(KINDS)}, "
                             f"not {self.kind!r}")
        if self.grid is not None and not self.grid[0] <= self.grid[1]:
            raise ValueError(f"target {self.metric!r}: grid must be (lowest, highest)")
        if self.compare not in _RULE_TEXT:
            raise ValueError(f"compare must be one of {sorted(_RULE_TEXT)}, not {self.compare!r}")
        if not self.tolerance >= 0:
            raise ValueError(f"tolerance must be >= 0, not {self.tolerance}")
        if not self.source or not self.reason:
            raise ValueError(f"target {self.metric!r} needs a source and a reason")

    def failure(self, measured: float) -> str:
        """Why ``measured`` does not reproduce this target (``""``: it does).

        ``"NaN"``, ``"at the edge of its grid [lo, hi]"`` or ``"outside the tolerance"``.
        """
        m = float(measured)
        if math.isnan(m):
            return "NaN"
        if self.grid is not None and (math.isclose(m, self.grid[0], rel_tol=1e-12,
                                                   abs_tol=1e-12)
                                      or math.isclose(m, self.grid[1], rel_tol=1e-12,
                                                      abs_tol=1e-12)):
            return f"at the edge of its grid [{self.grid[0]:g}, {self.grid[1]:g}]"
        return "" if self._within(m) else "outside the tolerance"

    def passes(self, measured: float) -> bool:
        """Whether ``measured`` reproduces this target (NaN or a grid edge never does)."""
        return self.failure(measured) == ""

    def _within(self, m: float) -> bool:
        v, tol = self.value, self.tolerance
        match self.compare:
            case "abs":
                return abs(m - v) <= tol
            case "rel":
                return abs(m - v) <= tol * abs(v)
            case "at_least":
                return m >= v - tol
            case "at_most":
                return m <= v + tol
        raise AssertionError(self.compare)  # pragma: no cover - guarded in __post_init__

    def check(self, measured: float | None) -> Check:
        """Compare ``measured`` with this target and record the outcome as a :class:`Check`.

        ``measured`` may be None only for a target this run does not test.
        """
        tested = not self.not_tested
        if tested and measured is None:
            raise EngramlabError(f"target {self.metric!r} is tested but has no value")
        value = float("nan") if measured is None else float(measured)
        failure = self.failure(value) if tested else ""
        return Check(
            name=self.metric,
            value=value,
            target=self.value,
            tolerance=self.tolerance,
            passed=tested and failure == "",
            source=self.source,
            reason=self.reason,
            compare=self.compare,
            rule=_RULE_TEXT[self.compare],
            description=self.description,
            deviation=self.deviation,
            kind=self.kind,
            failure=failure,
            not_tested=self.not_tested,
        )


@dataclasses.dataclass(frozen=True)
class Check:
    """The outcome of comparing one metric with its target."""

    name: str
    value: float
    target: float
    tolerance: float
    passed: bool
    source: str
    reason: str
    compare: str
    rule: str
    description: str
    deviation: str = ""
    kind: str = ""
    failure: str = ""
    not_tested: str = ""

    @property
    def tested(self) -> bool:
        """Whether this run evaluated the check (see :attr:`Target.not_tested`)."""
        return not self.not_tested

    @property
    def stale(self) -> bool:
        """A declared deviation that passes: the declaration is out of date."""
        return self.tested and self.passed and bool(self.deviation)

    @property
    def ok(self) -> bool:
        """Whether the check lets the run pass.

        Passed (and not a stale deviation), a declared deviation that still deviates,
        or not tested in this run.
        """
        if not self.tested:
            return True
        return not self.passed if self.deviation else self.passed

    @property
    def evidence(self) -> bool:
        """Whether this check is a reproduction (``published`` / ``theory``)."""
        return self.kind in EVIDENCE_KINDS

    @property
    def verdict(self) -> str:
        """The outcome in words.

        ``"pass"``, ``"FAIL (why)"``, ``"not reproduced"`` (a declared deviation),
        ``"FAIL (stale deviation: it passes)"`` or ``"not tested: why"``.
        """
        if not self.tested:
            return f"not tested: {self.not_tested}"
        if self.deviation:
            return "FAIL (stale deviation: it passes)" if self.passed else "not reproduced"
        return "pass" if self.passed else f"FAIL ({self.failure})"

    def as_dict(self) -> dict[str, Any]:
        """The check as a plain dict (field name -> value), for JSON output."""
        return dataclasses.asdict(self)


def evaluate(targets: Sequence[Target], metrics: Mapping[str, float]) -> list[Check]:
    """Check every target against the measured ``metrics``.

    A tested target whose metric is missing is a bug in the experiment, not a failed
    check, and raises :class:`EngramlabError`; so do two targets of one metric.
    """
    missing = [t.metric for t in targets if t.metric not in metrics and not t.not_tested]
    if missing:
        raise EngramlabError(f"metrics missing for targets: {', '.join(missing)}")
    names = [t.metric for t in targets]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise EngramlabError(f"more than one target of: {', '.join(twice)}")
    return [t.check(metrics.get(t.metric)) for t in targets]
