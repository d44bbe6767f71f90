"""Published targets as data, and the pass / fail checks made from them.

A :class:`Target` is one number from a paper (or an analytic result) with the
tolerance allowed and *why* that tolerance is right. Experiments list their targets
next to their code; :func:`evaluate` compares them with the measured metrics.

>>> t = Target("overlap", 1.0, 0.01, compare="abs", source="Hopfield 1982",
...            reason="finite-size fluctuations of order 1/sqrt(N)")
>>> t.check(0.995).passed
True
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from engramlab.core.errors import EngramlabError

__all__ = ["Check", "Target", "evaluate"]

Comparison = Literal["abs", "rel", "at_least", "at_most"]

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
        fail the run. Use it only with evidence; every one is listed in the report.
    """

    metric: str
    value: float
    tolerance: float
    source: str
    reason: str
    compare: Comparison = "abs"
    description: str = ""
    deviation: str = ""

    def __post_init__(self) -> None:
        if self.compare not in _RULE_TEXT:
            raise ValueError(f"compare must be one of {sorted(_RULE_TEXT)}, not {self.compare!r}")
        if not self.tolerance >= 0:
            raise ValueError(f"tolerance must be >= 0, not {self.tolerance}")
        if not self.source or not self.reason:
            raise ValueError(f"target {self.metric!r} needs a source and a reason")

    def passes(self, measured: float) -> bool:
        """Whether ``measured`` reproduces this target (NaN never does)."""
        m, v, tol = float(measured), self.value, self.tolerance
        if math.isnan(m):
            return False
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

    def check(self, measured: float) -> Check:
        """Compare ``measured`` with this target and record the outcome as a :class:`Check`."""
        return Check(
            name=self.metric,
            value=float(measured),
            target=self.value,
            tolerance=self.tolerance,
            passed=self.passes(measured),
            source=self.source,
            reason=self.reason,
            compare=self.compare,
            rule=_RULE_TEXT[self.compare],
            description=self.description,
            deviation=self.deviation,
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

    @property
    def ok(self) -> bool:
        """Passed, or a documented known deviation (which does not fail the run)."""
        return self.passed or bool(self.deviation)

    @property
    def verdict(self) -> str:
        """``"pass"``, ``"FAIL"`` or ``"not reproduced"`` (a known deviation)."""
        if self.passed:
            return "pass"
        return "not reproduced" if self.deviation else "FAIL"

    def as_dict(self) -> dict[str, Any]:
        """The check as a plain dict (field name -> value), for JSON output."""
        return dataclasses.asdict(self)


def evaluate(targets: Sequence[Target], metrics: Mapping[str, float]) -> list[Check]:
    """Check every target against the measured ``metrics``.

    A target whose metric is missing is a bug in the experiment, not a failed check,
    and raises :class:`EngramlabError`.
    """
    missing = [t.metric for t in targets if t.metric not in metrics]
    if missing:
        raise EngramlabError(f"metrics missing for targets: {', '.join(missing)}")
    return [t.check(metrics[t.metric]) for t in targets]
