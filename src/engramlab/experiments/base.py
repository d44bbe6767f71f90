"""The experiment interface: one registered recipe per published result.

An experiment lives in its own package, ``engramlab/experiments/<area>/<name>/`` (the id
``area.name`` with ``-`` written ``_``): ``__init__.py`` holds the recipe, a final
subclass of :class:`Experiment` decorated with :func:`~engramlab.experiments.register`,
and ``figure.py`` its figure, a function ``figure(ds, checks) -> Figure``. The recipe
declares

- ``id`` (``area.name``), ``title``, ``chapter`` (of the seed article) and ``summary``
  (two or three sentences tying it to the seed),
- ``Params``, a :class:`~engramlab.core.Params` class whose defaults are the full,
  paper-scale preset, and ``quick``, the overrides that make it run in seconds,
- ``citations``, the papers behind the model and the targets, taken from the
  bibliography (:func:`engramlab.core.cite`),

and implements ``run`` (parameters, seed, backend -> ``xarray.Dataset``), ``metrics``
(Dataset -> numbers) and ``targets`` (the published values those numbers must
reproduce, with tolerances and their reasons). The figure draws every target from the
:class:`~engramlab.core.Check` objects it is given, never from numbers of its own. The
CLI, the report, sweeps and validation use only this interface.
"""

from __future__ import annotations

import abc
import dataclasses
import importlib
import math
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from engramlab.core.params import Params as ParamsBase
from engramlab.core.references import Citation
from engramlab.core.targets import Check, Target

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr
    from matplotlib.figure import Figure

__all__ = ["Citation", "Experiment", "Preset", "ProgressFn", "RunOutcome", "no_progress"]

Preset = Literal["quick", "full"]

#: ``progress(done, total)``: called by long experiments as work units finish.
ProgressFn = Callable[[int, int], None]

P = TypeVar("P", bound=ParamsBase)


def no_progress(done: int, total: int) -> None:
    """The default progress callback: does nothing."""


class Experiment(abc.ABC, Generic[P]):
    """A registered reproduction of a published result (see the module docstring).

    ``Experiment[SomeParams]`` types ``run`` and ``targets`` with the experiment's own
    parameter class.
    """

    id: ClassVar[str]
    title: ClassVar[str]
    chapter: ClassVar[int]
    summary: ClassVar[str]
    #: The parameter class; its defaults are the full (paper-scale) preset.
    Params: type[P]
    quick: ClassVar[Mapping[str, Any]] = MappingProxyType({})
    citations: ClassVar[tuple[Citation, ...]] = ()
    #: The metric a parameter sweep plots over its grid; ``None``: the first target's.
    main_metric: ClassVar[str | None] = None

    def params(self, preset: Preset = "quick", **overrides: Any) -> P:
        """The parameters of a preset (``"quick"`` or ``"full"``) with ``overrides``."""
        if preset not in ("quick", "full"):
            from engramlab.core.errors import ParameterError

            raise ParameterError("preset", "must be 'quick' or 'full'", preset)
        base = dict(self.quick) if preset == "quick" else {}
        return self.Params.create(self.id, **{**base, **overrides})

    @abc.abstractmethod
    def run(self, params: P, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        """Simulate and return the labelled result (no provenance yet)."""

    @abc.abstractmethod
    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        """The numbers compared with the targets, computed from the result only."""

    @abc.abstractmethod
    def targets(self, params: P) -> tuple[Target, ...]:
        """The published values the metrics must reproduce, for these parameters."""

    def figure(self, ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
        """The experiment's figure: ``figure(ds, checks)`` of its ``figure`` module.

        Every target drawn comes from ``checks`` (the outcome of :meth:`targets` against
        :meth:`metrics`), so a changed tolerance changes the figure too.
        """
        module = importlib.import_module(f"{type(self).__module__}.figure")
        fig: Figure = module.figure(ds, checks)
        return fig


@dataclasses.dataclass(frozen=True)
class RunOutcome:
    """One experiment run: its result, metrics and checks (and files, once saved)."""

    experiment: Experiment[Any]
    params: ParamsBase
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

    def figure(self) -> Figure:
        """The experiment's figure for this run, drawn with its checks."""
        return self.experiment.figure(self.dataset, self.checks)

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
