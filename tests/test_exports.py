"""The model packages export what they say: every name of each ``__all__`` exists."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

PACKAGES = ["analysis", "neurons", "synapses", "plasticity", "network", "memory",
            "interventions"]

#: Public names of a package's modules that the package itself deliberately does not
#: export, with the reason. Any other name of a module's ``__all__`` must be exported
#: by the package (a new rule or model is importable as ``from engramlab.<pkg> import X``).
NOT_REEXPORTED: dict[str, set[str]] = {
    # calcium_control.simulate: too general a name beside network.simulate.
    "plasticity": {"calcium_control.simulate"},
    # drugs.Target (the Literal type of a drug's target) would shadow core.Target.
    "interventions": {"drugs.Target"},
}


@pytest.mark.parametrize("package", PACKAGES)
def test_every_name_in_all_exists(package):
    mod = importlib.import_module(f"engramlab.{package}")
    names = mod.__all__
    assert len(names) == len(set(names)), f"engramlab.{package}.__all__ repeats a name"
    missing = [n for n in names if not hasattr(mod, n)]
    assert not missing, f"engramlab.{package}.__all__ names what it lacks: {missing}"


@pytest.mark.parametrize("package", ["plasticity", "neurons", "synapses", "interventions",
                                     "analysis"])
def test_package_exports_the_public_names_of_its_modules(package):
    mod = importlib.import_module(f"engramlab.{package}")
    exported = set(mod.__all__)
    skip = NOT_REEXPORTED.get(package, set())
    missing = []
    for info in pkgutil.iter_modules(mod.__path__):
        if info.name.startswith("_"):
            continue
        sub = importlib.import_module(f"engramlab.{package}.{info.name}")
        for name in getattr(sub, "__all__", ()):
            if name not in exported and f"{info.name}.{name}" not in skip:
                missing.append(f"{info.name}.{name}")
            elif name in exported:
                assert getattr(mod, name) is getattr(sub, name), f"{package}.{name}"
    assert not missing, f"engramlab.{package} does not export {missing}"


def test_plasticity_is_lazy_and_its_three_lists_agree():
    """Each rule loads on first use; the lazy map, ``__all__`` and the typed imports match."""
    import engramlab.plasticity as pl

    lazy = set(pl._MODULE_OF) | set(pl._EXPORTS)
    assert lazy == set(pl.__all__)
    tree = ast.parse(Path(pl.__file__).read_text(encoding="utf-8"))
    typed = {alias.asname or alias.name
             for node in ast.walk(tree) if isinstance(node, ast.If)
             for stmt in node.body if isinstance(stmt, ast.ImportFrom)
             for alias in stmt.names}
    assert typed == set(pl.__all__), "the TYPE_CHECKING imports differ from __all__"
    for name, module in pl._MODULE_OF.items():
        sub = importlib.import_module(f"engramlab.plasticity.{module}")
        assert name in sub.__all__, f"{name} is not public in plasticity.{module}"


def test_importing_one_rule_does_not_import_scipy_signal():
    import subprocess
    import sys

    code = ("import sys; from engramlab.plasticity import PairSTDP; "
            "print('scipy.signal' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"

