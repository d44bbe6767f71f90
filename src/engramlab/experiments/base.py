"""The experiment interface: one registered recipe per published result.

An experiment is a final subclass of :class:`Experiment` that declares

- ``id`` (``area.name``), ``title``, ``chapter`` (of the seed article) and ``summary``
  (two or three sentences tying it to the seed),
- ``Params``, a :class:`~engramlab.core.Params` class whose defaults are the full,
  paper-scale preset, and ``quick``, the overrides that make it run in seconds,
- ``citations``, the papers behind the model and the targets,

and implements ``run`` (parameters, seed, backend -> ``xarray.Dataset``),
``metrics`` (Dataset -> numbers), ``targets`` (the published values those numbers must
reproduce, with tolerances and their reasons) and ``plot`` (Dataset -> Figure, drawn by
:mod:`engramlab.plotting`). The CLI, the report, sweeps and validation use only this.
"""

from __future__ import annotations

import abc
import dataclasses
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import xarray as xr

from engramlab.core import Check, Params, Target

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["Citation", "Experiment", "Preset", "ProgressFn", "RunOutcome", "no_progress"]

Preset = Literal["quick", "full"]

#: ``progress(done, total)``: called by long experiments as work units finish.
ProgressFn = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """The default progress callback: does nothing."""


@dataclasses.dataclass(frozen=True)
class Citation:
    """A paper an experiment rests on."""

    key: str  # short form, e.g. "Hopfield 1982"
    text: str  # authors, year, title, journal, volume, pages
    doi: str = ""

    def as_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


class Experiment(abc.ABC):
    """A registered reproduction of a published result (see the module docstring)."""

    id: ClassVar[str]
    title: ClassVar[str]
    chapter: ClassVar[int]
    summary: ClassVar[str]
    Params: ClassVar[type[Params]]
    quick: ClassVar[Mapping[str, Any]] = MappingProxyType({})
    citations: ClassVar[tuple[Citation, ...]] = ()
    #: The metric a parameter sweep plots over its grid; ``None``: the first target's.
    main_metric: ClassVar[str | None] = None

    def params(self, preset: Preset = "quick", **overrides: Any) -> Params:
        """The parameters of a preset (``"quick"`` or ``"full"``) with ``overrides``."""
        if preset not in ("quick", "full"):
            from engramlab.core import ParameterError

            raise ParameterError("preset", "must be 'quick' or 'full'", preset)
        base = dict(self.quick) if preset == "quick" else {}
        return self.Params.create(self.id, **{**base, **overrides})

    @abc.abstractmethod
    def run(self, params: Params, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        """Simulate and return the labelled result (no provenance yet)."""

    @abc.abstractmethod
    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        """The numbers compared with the targets, computed from the result only."""

    @abc.abstractmethod
    def targets(self, params: Params) -> tuple[Target, ...]:
        """The published values the metrics must reproduce, for these parameters."""

    @abc.abstractmethod
    def plot(self, ds: xr.Dataset) -> Figure:
        """The experiment's figure, with the published target drawn on it."""


@dataclasses.dataclass(frozen=True)
class RunOutcome:
    """One experiment run: its result, metrics and checks (and files, once saved)."""

    experiment: Experiment
    params: Params
    seed: int
    preset: str
    dataset: xr.Dataset
    metrics: dict[str, float]
    checks: list[Check]
    wall_time_s: float
    files: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Whether every check passed (known, documented deviations excepted)."""
        return all(c.ok for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of ``engramlab run --json``."""
        return {
            "experiment": self.experiment.id,
            "seed": self.seed,
            "preset": self.preset,
            "params": self.params.model_dump(mode="json"),
            "metrics": {k: _finite_or_none(v) for k, v in self.metrics.items()},
            "checks": [{k: _finite_or_none(v) for k, v in c.as_dict().items()}
                       for c in self.checks],
            "passed": self.passed,
            "wall_time_s": round(self.wall_time_s, 4),
            "files": dict(self.files),
        }


def _finite_or_none(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
