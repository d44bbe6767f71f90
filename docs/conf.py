"""Sphinx configuration of the engramlab site (``sphinx-build -W docs docs/_build/html``).

Offline by construction: the intersphinx inventories of Python, NumPy, SciPy and xarray
are written from the installed packages (``_ext/engramlab_inventories.py``), MathJax is
served from the build (``sphinx-mathjax-offline``), the experiment pages are generated
from the registry (``_ext/engramlab_gallery.py``) and the tutorials are executed by
sphinx-gallery at build time (an error fails the build).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import engramlab_inventories  # noqa: E402

from engramlab.core.version import __version__  # noqa: E402

project = "engramlab"
author = "the engramlab developers"
copyright = "2026, the engramlab developers"
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "engramlab_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "tutorials/README.rst", "**/GENERATED_*"]
templates_path = ["_templates"]
html_theme = "pydata_sphinx_theme"
html_title = f"engramlab {version}"
html_static_path = ["_static"]
html_css_files = ["engramlab.css"]
html_theme_options = {"navigation_depth": 3, "show_toc_level": 2,
                      "navbar_end": ["navbar-icon-links"]}

# API reference: one page per public name (autosummary), numpydoc sections
autosummary_generate = True
autosummary_imported_members = False


def _home_public_names(packages: tuple[str, ...]) -> list[str]:
    """Give each public name whose module gets no API page its package as home, in this
    build only, as NumPy's ``set_module`` does.

    Autosummary documents a module's own members, on the module's page; a module gets no
    page when it is private (``engramlab.circuits._region``), when the package's
    attribute of its name is something else (the function ``engramlab.network.simulate``
    shadows the module), or under ``engramlab.experiments`` (whose template lists no
    modules). Their public names are documented where users import them from
    (``engramlab.circuits.Gain``, ``engramlab.network.Simulator``); a name two packages
    export stays with the one that defines it.
    """
    import importlib
    import inspect
    import sys

    homed = []
    for package in packages:
        module = importlib.import_module(package)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            home = str(getattr(obj, "__module__", ""))
            if not (inspect.isclass(obj) or inspect.isfunction(obj)) \
                    or not home.startswith(package + "."):
                continue
            first = home[len(package) + 1:].split(".")[0]
            pageless = (any(part.startswith("_") for part in home.split(".")[1:])
                        or package == "engramlab.experiments"
                        or getattr(module, first, None) is not sys.modules.get(
                            f"{package}.{first}"))
            if pageless:
                obj.__module__ = package
                homed.append(f"{package}.{name}")
    return homed


#: The packages of the API reference, read from api.rst (bottom layer first).
API_PACKAGES = tuple(line.strip() for line in (HERE / "api.rst").read_text().splitlines()
                     if line.startswith("   engramlab."))
HOMED = _home_public_names(API_PACKAGES)
autodoc_default_options: dict[str, object] = {}
autodoc_typehints = "none"  # the numpydoc sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = True
numpydoc_xref_ignore = {"optional", "default", "of", "or", "shape", "array", "like",
                        "callable", "sequence", "mapping", "iterable", "n", "k", "N",
                        "P", "T", "subjects", "cells", "steps"}

intersphinx_mapping = engramlab_inventories.mapping(HERE / "_build" / "inventories")
intersphinx_timeout = 1

myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

sphinx_gallery_conf = {
    "examples_dirs": ["tutorials"],
    "gallery_dirs": ["auto_tutorials"],
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "reference_url": {"engramlab": None},
}

# the generated experiment pages and executed tutorials take the time they take
engramlab_results = "_build/validate"
engramlab_seeds = 1
