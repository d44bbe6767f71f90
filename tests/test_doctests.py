"""The docstring examples of the model layers run, and every public name has one.

Every module of the model layers -- :mod:`engramlab.neurons`, :mod:`engramlab.synapses`,
:mod:`engramlab.plasticity`, :mod:`engramlab.network`, :mod:`engramlab.memory`,
:mod:`engramlab.circuits` -- and of the protocol, interventions and analysis packages is
collected with :func:`pkgutil.walk_packages` and its
doctests run (ELLIPSIS, NORMALIZE_WHITESPACE); a failing example fails the test of its
module. Every public name of those packages (their ``__all__``) that can carry a
docstring (function, class, module) must have a numpydoc ``Examples`` section with at
least one ``>>>`` line, so a new public name without an example fails here.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
import types

import pytest

PACKAGES = ("engramlab.memory", "engramlab.neurons", "engramlab.plasticity",
            "engramlab.protocol", "engramlab.analysis", "engramlab.interventions",
            "engramlab.synapses", "engramlab.network", "engramlab.circuits")
DOCTEST_PACKAGES = PACKAGES
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _modules() -> list[str]:
    names = []
    for package_name in DOCTEST_PACKAGES:
        package = importlib.import_module(package_name)
        names.append(package_name)
        names += [info.name for info in
                  pkgutil.walk_packages(package.__path__, prefix=f"{package_name}.")]
    return sorted(names)


def _public() -> list[tuple[str, str]]:
    return [(package_name, name) for package_name in PACKAGES
            for name in importlib.import_module(package_name).__all__]


MODULES = _modules()
PUBLIC = _public()
_EXAMPLES = re.compile(r"^Examples\n-{8}\n(?:.*\n)*?>>> ", re.MULTILINE)


def test_collects_every_module() -> None:
    """The walk finds the modules this test is meant for (it cannot pass empty)."""
    for name in ("engramlab.neurons.lif", "engramlab.memory.hopfield",
                 "engramlab.plasticity.calcium", "engramlab.plasticity.stdp",
                 "engramlab.network.working_memory", "engramlab.circuits.pfc"):
        assert name in MODULES
    assert len(MODULES) >= 28


@pytest.mark.parametrize("module_name", MODULES)
def test_module_doctests(module_name: str) -> None:
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    failed = sum(runner.run(test, out=report.append).failed
                 for test in finder.find(module, module_name))
    assert failed == 0, "".join(report)


def _documentable(obj: object) -> bool:
    """Functions, classes and modules of engramlab (not constants or type aliases)."""
    if isinstance(obj, types.ModuleType):
        return True
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return False
    return str(getattr(obj, "__module__", "")).startswith("engramlab.")


@pytest.mark.parametrize(("package_name", "name"), PUBLIC,
                         ids=[f"{p}.{n}" for p, n in PUBLIC])
def test_public_name_has_examples(package_name: str, name: str) -> None:
    obj = getattr(importlib.import_module(package_name), name)
    if not _documentable(obj):
        pytest.skip(f"{name} is data or a type alias: it has no docstring of its own")
    doc = inspect.getdoc(obj) or ""
    assert _EXAMPLES.search(doc + "\n"), (
        f"{package_name}.{name} has no numpydoc 'Examples' section with a >>> example")


def test_examples_check_is_not_vacuous() -> None:
    """The section check rejects a docstring without examples and accepts one with."""
    assert not _EXAMPLES.search("Summary.\n\nReturns\n-------\nx\n")
    assert not _EXAMPLES.search("Summary.\n\nExamples\n--------\nNone here.\n")
    assert _EXAMPLES.search("Summary.\n\nExamples\n--------\n>>> 1 + 1\n2\n")
