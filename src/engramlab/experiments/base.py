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
import contextlib
import dataclasses
import importlib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from engramlab.core.params import Params as ParamsBase
from engramlab.core.references import Citation
from engramlab.core.resources import Limits, Resources, check_resources
from engramlab.core.targets import Check, Target

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr
    from matplotlib.figure import Figure

__all__ = ["Citation", "Experiment", "Mutation", "Preset", "ProgressFn", "Resources",
           "RunOutcome", "broken_rule", "no_progress"]

Preset = Literal["quick", "full"]

#: ``progress(done, total)``: called by long experiments as work units finish.
ProgressFn = Callable[[int, int], None]

P = TypeVar("P", bound=ParamsBase)


def no_progress(done: int, total: int) -> None:
    """The default progress callback: does nothing."""


def broken_rule(params: ParamsBase, fields: Sequence[str],
                rule: str | Mapping[str, str]) -> ValidationError:
    """The error of a cross-field rule, on the user's parameter, for a model validator.

    ``fields`` are the parameters the rule ties together; the error names the first of
    them whose value differs from its default (the one the user most likely changed),
    else the first; ``rule`` is the broken rule in words, or one wording per field.
    Raise the result in a ``model_validator(mode="after")``: pydantic
    passes it on with its location, so :meth:`Params.create` reports
    ``parameter 'FIELD' RULE (got VALUE)``, never an internal name.

    >>> raise broken_rule(self, ("dt_ms", "delay_ms"),
    ...                   "must divide delay_ms into whole steps")  # doctest: +SKIP
    """
    fields_info = type(params).model_fields
    changed = [f for f in fields if getattr(params, f) != fields_info[f].default]
    field = (changed or list(fields))[0]
    text = rule if isinstance(rule, str) else rule[field]
    return ValidationError.from_exception_data(type(params).__name__, [InitErrorDetails(
        type=PydanticCustomError("cross_field", text), loc=(field,),
        input=getattr(params, field))])


@dataclasses.dataclass(frozen=True)
class Mutation:
    """A critical model constant set to a wrong value.

    Some ``published`` or ``theory`` check of the experiment must then fail
    (``tests/test_mutations.py``).

    Exactly one of ``param`` (a parameter of the experiment, overridden in its quick
    preset) and ``patch`` (``"package.module:NAME"`` or ``"package.module:obj.attr"``: a
    module-level name, or an attribute of a module-level object, that the code reads
    at run time; set with ``setattr`` for the run) names the constant. A pydantic
    model's field default is not such an attribute: keep the model instance the
    experiment uses at module level and patch that name with a wrong instance.

    Parameters
    ----------
    name
        What is broken, in words ("Mg block K 3.57 -> 10 mM").
    value
        The wrong value.
    """

    name: str
    value: Any
    param: str = ""
    patch: str = ""

    def __post_init__(self) -> None:
        if bool(self.param) == bool(self.patch):
            raise ValueError(f"mutation {self.name!r}: give exactly one of param and patch")
        if self.patch and ":" not in self.patch:
            raise ValueError(f"mutation {self.name!r}: patch must be 'package.module:NAME'")

    @contextlib.contextmanager
    def applied(self) -> Iterator[dict[str, Any]]:
        """Apply the mutation for the duration of the ``with`` block.

        Yields the parameter overrides to run with (``{param: value}``, or ``{}`` for a
        patch, which is set on its module -- or class -- and restored afterwards).
        """
        if self.param:
            yield {self.param: self.value}
            return
        module_name, _, path = self.patch.partition(":")
        owner: Any = importlib.import_module(module_name)
        *parents, attr = path.split(".")
        for name in parents:
            owner = getattr(owner, name)
        old = getattr(owner, attr)  # AttributeError: a mutation of nothing
        setattr(owner, attr, self.value)
        try:
            yield {}
        finally:
            setattr(owner, attr, old)


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
    #: Whether the result depends on the seed (then it is validated on several seeds).
    stochastic: ClassVar[bool] = True
    #: The critical constants and wrong values that must make a published / theory
    #: check fail (:class:`Mutation`).
    mutations: ClassVar[tuple[Mutation, ...]] = ()

    def params(self, preset: Preset = "quick", **overrides: Any) -> P:
        """The parameters of a preset (``"quick"`` or ``"full"``) with ``overrides``."""
        if preset not in ("quick", "full"):
            from engramlab.core.errors import ParameterError

            raise ParameterError("preset", "must be 'quick' or 'full'", preset)
        base = dict(self.quick) if preset == "quick" else {}
        return self.Params.create(self.id, **{**base, **overrides})

    def resources(self, params: P) -> Resources | None:
        """The memory and work a run with ``params`` will take, estimated before it starts.

        An experiment that can grow large (populations, synapses, recorded spikes,
        steps = duration / dt, N x N weights, trials) overrides this with an estimate
        and names the parameters it grows with (:class:`~engramlab.core.Resources`);
        :meth:`check_resources` compares it with the machine. The default, ``None``,
        means "small at every declared value": nothing is checked.
        """
        del params
        return None

    def check_resources(self, params: P, *, allow_large: bool = False,
                        limits: Limits | None = None) -> None:
        """Refuse ``params`` if :meth:`resources` exceeds the machine or the limits.

        Raises :class:`~engramlab.core.ParameterError` naming the parameter most
        responsible (the driver whose default value lowers the estimate most), every
        driver's value and the estimate, unless ``allow_large``
        (:func:`engramlab.core.resources.check_resources`).
        """
        if allow_large:
            return
        defaults = {name: info.default for name, info in self.Params.model_fields.items()}

        def reestimate(changes: Mapping[str, Any]) -> Resources | None:
            return self.resources(params.replace(self.id, **changes))

        check_resources(self.resources(params), params, context=self.id, limits=limits,
                        reestimate=reestimate, defaults=defaults)

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
    #: The checks of further seeds, ``(seed, checks)`` each (``run(..., seeds=K)``).
    more_seeds: tuple[tuple[int, tuple[Check, ...]], ...] = ()

    @property
    def seeds(self) -> list[int]:
        """Every seed this outcome ran: its own, then those of :attr:`more_seeds`."""
        return [self.seed] + [s for s, _ in self.more_seeds]

    def checks_by_seed(self) -> list[Sequence[Check]]:
        """The checks of every seed, in the order of :attr:`seeds`."""
        return [self.checks] + [c for _, c in self.more_seeds]

    @property
    def passed(self) -> bool:
        """Whether every check is :attr:`~engramlab.core.Check.ok` on every seed.

        That is: passed, a declared deviation that still deviates, or not tested.
        """
        return all(c.ok for checks in self.checks_by_seed() for c in checks)

    def tally(self) -> list[dict[str, Any]]:
        """Per check: its kind, on how many seeds it was ok, and its value on each."""
        out = []
        per_seed = self.checks_by_seed()
        for k, c in enumerate(self.checks):
            runs = [checks[k] for checks in per_seed]
            out.append({"name": c.name, "kind": c.kind, "seeds": len(runs),
                        "ok": sum(r.ok for r in runs), "passed": sum(r.passed for r in runs),
                        "values": [_finite_or_none(r.value) for r in runs]})
        return out

    @property
    def status(self) -> str:
        """What the run shows, in one word or three.

        ``"failed"``, ``"reproduced"``, ``"reproduced with deviations"`` or
        ``"demonstration"`` (no published / theory check was tested and passed).
        """
        if not self.passed:
            return "failed"
        evidence = [c for c in self.checks if c.evidence and c.tested]
        if not any(c.passed for c in evidence):
            return "demonstration"
        if any(c.deviation for c in evidence):
            return "reproduced with deviations"
        return "reproduced"

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
            "checks": [{**{k: _finite_or_none(v) for k, v in c.as_dict().items()},
                        "verdict": c.verdict, "tested": c.tested,
                        "seeds": {"run": t["seeds"], "ok": t["ok"], "passed": t["passed"],
                                  "values": t["values"]}}
                       for c, t in zip(self.checks, self.tally(), strict=True)],
            "seeds": self.seeds,
            "evidence": _count_kinds(self.checks),
            "status": self.status,
            "passed": self.passed,
            "wall_time_s": round(self.wall_time_s, 4),
            "files": dict(self.files),
        }


def _count_kinds(checks: Sequence[Check]) -> dict[str, int]:
    """How many tested checks of each kind (and how many are not tested)."""
    from engramlab.core.targets import KINDS

    out = {k: sum(c.kind == k and c.tested for c in checks) for k in KINDS}
    out["not_tested"] = sum(not c.tested for c in checks)
    return out


def _finite_or_none(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
