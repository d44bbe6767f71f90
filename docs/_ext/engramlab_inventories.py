"""Intersphinx inventories built offline from the installed packages.

The build machines have no internet, so the inventories of Python, NumPy, SciPy and
xarray cannot be downloaded. This extension writes them itself, before intersphinx
reads them: it walks the public names of each installed package and writes, in the
Sphinx inventory format (version 2: a four-line header, then zlib-compressed lines
``name domain:role priority uri dispname``), the URL each project's documentation gives
that name (NumPy: ``reference/generated/numpy.NAME.html``; SciPy:
``reference/generated/scipy.MODULE.NAME.html``; xarray: ``generated/xarray.NAME.html``;
Python: ``library/MODULE.html#MODULE.NAME``). A name the walk misses is simply not
linked; a URL pattern a project changes is a broken link, not a broken build.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import zlib
from pathlib import Path

#: project -> (base URL, version module)
PROJECTS = {
    "python": "https://docs.python.org/3/",
    "numpy": "https://numpy.org/doc/stable/",
    "scipy": "https://docs.scipy.org/doc/scipy/",
    "xarray": "https://docs.xarray.dev/en/stable/",
}

_STDLIB = ("abc", "collections", "collections.abc", "concurrent.futures", "contextlib",
           "dataclasses", "enum", "functools", "hashlib", "itertools", "json", "math",
           "os", "pathlib", "random", "typing", "types", "warnings")
_SCIPY = ("scipy.integrate", "scipy.optimize", "scipy.signal", "scipy.sparse",
          "scipy.special", "scipy.stats", "scipy.linalg", "scipy.ndimage", "scipy.fft")


def _role(obj: object) -> str:
    if inspect.isclass(obj):
        return "py:exception" if issubclass(obj, BaseException) else "py:class"
    if inspect.ismodule(obj):
        return "py:module"
    if callable(obj):
        return "py:function"
    return "py:data"


def _public(mod: object) -> list[tuple[str, object]]:
    names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
    out = []
    for n in names:
        try:
            out.append((n, getattr(mod, n)))
        except Exception:
            continue
    return out


def _members(cls: type) -> list[tuple[str, str]]:
    out = []
    for n, v in vars(cls).items():
        if n.startswith("_"):
            continue
        role = "py:property" if isinstance(v, property) else (
            "py:method" if callable(v) or isinstance(v, (classmethod, staticmethod))
            else "py:attribute")
        out.append((n, role))
    return out


def entries(project: str) -> list[tuple[str, str, str]]:
    """``(name, domain:role, uri)`` of the public names of ``project``."""
    rows: list[tuple[str, str, str]] = []
    if project == "python":
        for n in dir(builtins):
            obj = getattr(builtins, n)
            if n.startswith("_"):
                continue
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                rows.append((n, "py:exception", f"library/exceptions.html#{n}"))
            elif inspect.isclass(obj) and n in ("int", "float", "str", "bool", "bytes",
                                                 "list", "tuple", "dict", "set",
                                                 "frozenset", "range", "slice", "object",
                                                 "type", "complex", "memoryview",
                                                 "bytearray"):
                page = "functions" if n in ("int", "float", "str", "bool", "object", "type",
                                            "complex", "slice") else "stdtypes"
                rows.append((n, "py:class", f"library/{page}.html#{n}"))
            elif callable(obj):
                rows.append((n, "py:function", f"library/functions.html#{n}"))
        rows.append(("None", "py:data", "library/constants.html#None"))
        for m in _STDLIB:
            mod = importlib.import_module(m)
            rows.append((m, "py:module", f"library/{m}.html#module-{m}"))
            for n, obj in _public(mod):
                if inspect.ismodule(obj):
                    continue
                rows.append((f"{m}.{n}", _role(obj), f"library/{m}.html#{m}.{n}"))
        return rows
    if project == "numpy":
        import numpy as np
        for n, obj in _public(np):
            if inspect.ismodule(obj):
                continue
            rows.append((f"numpy.{n}", _role(obj), f"reference/generated/numpy.{n}.html"))
        rows.append(("numpy.ndarray", "py:class", "reference/generated/numpy.ndarray.html"))
        for n, role in _members(np.ndarray):
            rows.append((f"numpy.ndarray.{n}", role,
                         f"reference/generated/numpy.ndarray.{n}.html"))
        g = "reference/random/generated/numpy.random"
        rows.append(("numpy.random.Generator", "py:class",
                     "reference/random/generator.html#numpy.random.Generator"))
        for n, role in _members(np.random.Generator):
            rows.append((f"numpy.random.Generator.{n}", role, f"{g}.Generator.{n}.html"))
        rows.append(("numpy.random.default_rng", "py:function", f"{g}.default_rng.html"))
        rows.append(("numpy.typing.ArrayLike", "py:data",
                     "reference/typing.html#numpy.typing.ArrayLike"))
        rows.append(("numpy.typing.NDArray", "py:data",
                     "reference/typing.html#numpy.typing.NDArray"))
        return rows
    if project == "scipy":
        for m in _SCIPY:
            mod = importlib.import_module(m)
            rows.append((m, "py:module", f"reference/{m.split('.', 1)[1]}.html"))
            for n, obj in _public(mod):
                if inspect.ismodule(obj):
                    continue
                rows.append((f"{m}.{n}", _role(obj), f"reference/generated/{m}.{n}.html"))
        return rows
    if project == "xarray":
        import xarray as xr
        for n, obj in _public(xr):
            if inspect.ismodule(obj):
                continue
            rows.append((f"xarray.{n}", _role(obj), f"generated/xarray.{n}.html"))
            if inspect.isclass(obj) and n in ("Dataset", "DataArray", "DataTree"):
                for m, role in _members(obj):
                    rows.append((f"xarray.{n}.{m}", role, f"generated/xarray.{n}.{m}.html"))
        return rows
    raise ValueError(project)


def write_inventory(project: str, path: Path) -> Path:
    """Write ``project``'s inventory to ``path`` (Sphinx inventory version 2)."""
    version = ""
    if project != "python":
        version = str(getattr(importlib.import_module(project), "__version__", ""))
    head = ("# Sphinx inventory version 2\n"
            f"# Project: {project}\n# Version: {version}\n"
            "# The remainder of this file is compressed using zlib.\n")
    seen: set[tuple[str, str]] = set()
    lines = []
    for name, role, uri in entries(project):
        if (name, role) in seen:
            continue
        seen.add((name, role))
        lines.append(f"{name} {role} 1 {uri} -\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head.encode() + zlib.compress("".join(lines).encode()))
    return path


def mapping(outdir: Path) -> dict[str, tuple[str, str]]:
    """The ``intersphinx_mapping`` of the four projects, inventories written now."""
    return {p: (url, str(write_inventory(p, outdir / f"{p}.inv")))
            for p, url in PROJECTS.items()}
