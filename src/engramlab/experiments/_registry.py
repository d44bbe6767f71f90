"""The experiment registry: ids -> experiment instances, loaded on demand.

Each experiment lives at ``engramlab/experiments/<area>/<name>/`` (path = id). The file
``index.json`` beside this module lists, per id, its module and what ``engramlab list``
and ``show`` print (title, chapter, summary, parameters, quick targets, papers), so
those commands import no experiment. The index is generated from the packages
(:func:`build_index`, ``python -m engramlab.experiments.index``); a test keeps it true.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import importlib
import json
import pkgutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from engramlab.core.errors import UnknownExperimentError

if TYPE_CHECKING:
    # Annotations only: reading the index (``engramlab list`` / ``show``) must not load
    # the experiment interface (pydantic); experiments import it themselves.
    from engramlab.experiments.base import Experiment

__all__ = ["INDEX_PATH", "build_index", "describe", "discover", "get_experiment", "index",
           "list_experiments", "matching_ids", "module_of", "register"]

_REGISTRY: dict[str, Experiment[Any]] = {}

#: The generated id -> module index.
INDEX_PATH = Path(__file__).with_name("index.json")
_PACKAGE = "engramlab.experiments"

E = TypeVar("E", bound="type[Experiment[Any]]")


def module_of(experiment_id: str) -> str:
    """The module an id lives in: ``some-area.some-name`` ->
    ``...experiments.some_area.some_name`` (``-`` is written ``_`` in both parts)."""
    area, _, name = experiment_id.partition(".")
    return f"{_PACKAGE}.{area.replace('-', '_')}.{name.replace('-', '_')}"


def register(cls: E) -> E:
    """Class decorator: register a final :class:`Experiment` subclass under its id.

    The class must live at the path of its id (:func:`module_of`).
    """
    if cls.id in _REGISTRY:
        raise RuntimeError(f"experiment id {cls.id!r} registered twice")
    if cls.__module__ != module_of(cls.id):
        raise RuntimeError(f"experiment {cls.id!r} must live in {module_of(cls.id)}, "
                           f"not {cls.__module__}")
    _REGISTRY[cls.id] = cls()
    return cls


@functools.cache
def index() -> dict[str, dict[str, Any]]:
    """The generated index: id -> module, title, chapter, summary, params, targets."""
    if not INDEX_PATH.exists():
        return {}
    data: dict[str, dict[str, Any]] = json.loads(INDEX_PATH.read_text(encoding="utf-8"))
    return data


def _load(experiment_id: str) -> Experiment[Any]:
    if experiment_id not in _REGISTRY:
        importlib.import_module(module_of(experiment_id))
    return _REGISTRY[experiment_id]


def get_experiment(experiment_id: str) -> Experiment[Any]:
    """The experiment registered as ``experiment_id``; suggests close ids if unknown.

    An id not yet in the index (an experiment being written) is found at its path.
    """
    if experiment_id not in index() and experiment_id not in _REGISTRY:
        module = module_of(experiment_id)
        try:
            return _load(experiment_id)
        except ModuleNotFoundError as exc:
            # Only the id's own package (or its area) missing means "unknown id"; a
            # dependency missing inside an existing experiment is a real error.
            if exc.name is None or not f"{module}.".startswith(f"{exc.name}."):
                raise
        except KeyError:  # the package exists but registers no such id
            pass
        close = difflib.get_close_matches(experiment_id, list(index()), n=3, cutoff=0.5)
        raise UnknownExperimentError(experiment_id, close) from None
    return _load(experiment_id)


def describe(experiment_id: str) -> dict[str, Any]:
    """What ``engramlab list`` and ``show`` print about an id, without importing it.

    The id's index entry; an experiment not yet in the index (one being written) is
    imported and described from its package. Unknown ids raise
    :class:`~engramlab.core.errors.UnknownExperimentError` with the closest ids.
    """
    entries = index()
    if experiment_id in entries:
        return entries[experiment_id]
    return _entry(get_experiment(experiment_id))


def matching_ids(pattern: str = "*") -> list[str]:
    """Indexed ids matching the glob ``pattern``, sorted by chapter, then id."""
    entries = index()
    found = [i for i in entries if fnmatch.fnmatchcase(i, pattern)]
    return sorted(found, key=lambda i: (entries[i]["chapter"], i))


def list_experiments(pattern: str = "*") -> list[Experiment[Any]]:
    """Registered experiments whose id matches the glob ``pattern``, sorted by chapter, id."""
    return [_load(i) for i in matching_ids(pattern)]


# -- building the index -------------------------------------------------------------------


def discover() -> list[Experiment[Any]]:
    """Import every experiment package under ``experiments/<area>/<name>/``."""
    root = Path(__file__).parent
    for area in sorted(pkgutil.iter_modules([str(root)]), key=lambda m: m.name):
        if area.name.startswith("_") or not area.ispkg:
            continue
        for mod in sorted(pkgutil.iter_modules([str(root / area.name)]), key=lambda m: m.name):
            if mod.ispkg and not mod.name.startswith("_"):
                importlib.import_module(f"{_PACKAGE}.{area.name}.{mod.name}")
    return sorted(_REGISTRY.values(), key=lambda e: (e.chapter, e.id))


def _entry(exp: Experiment[Any]) -> dict[str, Any]:
    quick = exp.params("quick")
    full = exp.params("full")
    quick_values = quick.model_dump(mode="json")
    params = [{**p.as_dict(), "quick": quick_values[p.name]} for p in exp.Params.describe()]
    return {
        "module": type(exp).__module__,
        "title": exp.title,
        "chapter": exp.chapter,
        "summary": exp.summary,
        "citations": [c.key for c in exp.citations],
        "params": json.loads(json.dumps(params, default=list)),
        # through JSON, as the file holds it (a target's grid tuple is a list there), and
        # to 12 significant digits: a target computed by the experiment may differ in
        # its last bit between Python / SciPy versions
        "targets_quick": json.loads(
            json.dumps([dict(t.__dict__) for t in exp.targets(quick)]),
            parse_float=lambda text: float(f"{float(text):.12g}")),
        "n_checks_full": len(exp.targets(full)),
    }


def build_index() -> dict[str, dict[str, Any]]:
    """The index as it should be, from the experiment packages themselves."""
    return {exp.id: _entry(exp) for exp in discover()}


def index_text(entries: dict[str, dict[str, Any]]) -> str:
    """The index file's exact text (sorted, indented, one trailing newline)."""
    return json.dumps(entries, indent=1, sort_keys=True, ensure_ascii=False,
                      allow_nan=False) + "\n"
