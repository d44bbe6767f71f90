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
