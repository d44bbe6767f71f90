"""Compiling the network loop with Numba: once per CPU, then from a disk cache.

The loop (:mod:`engramlab.network._engine`) is compiled by ``numba.njit(cache=True)``
the first time a process runs a network. Numba keeps the machine code in
``<cache>/numba-<python>-<numba>/<cpu>-<key>/`` (``<cache>``: :func:`cache_dir`), where
``<key>`` hashes the host CPU's features and the path and text of every source file
compiled into the loop; a later process (any process of this Python, Numba, CPU and
checkout) loads it. Directories are never deleted: another checkout, version or
machine sharing the cache may be using its own. Numba writes each cache file to a
temporary name and renames it, so processes compiling at the same time all succeed.

A compilation is announced on stderr (it takes a while, once); a process that loads
the loop from the cache prints nothing. The Python functions stay as they are: the
loop is compiled from copies of them whose globals name the compiled helpers, so
``ENGRAMLAB_NO_NUMBA=1`` still runs plain Python in the same process.
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import inspect
import json
import os
import sys
import tempfile
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["cache_dir", "loop", "loop_dir"]

#: About how long the first compilation takes (s; 2 cores of a 2020s x86 server).
COMPILE_S = 15

_LOOP: Any = None


def cache_dir() -> str:
    """engramlab's cache: ``$ENGRAMLAB_CACHE_DIR``, else ``$XDG_CACHE_HOME/engramlab``
    (``~/.cache/engramlab``)."""
    return os.environ.get("ENGRAMLAB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "engramlab")


def _sources() -> list[str]:
    from engramlab.network import _engine as E

    return sorted({inspect.getfile(getattr(E, name)) for name in E.KERNEL + E.SHARED})


def loop_dir() -> str:
    """Where the compiled loop of this Python, Numba, CPU and checkout is cached."""
    import llvmlite.binding as ll  # type: ignore[import-untyped]
    import numba

    cpu = getattr(numba.config, "CPU_NAME", None) or ll.get_host_cpu_name()
    try:
        features = (getattr(numba.config, "CPU_FEATURES", None)
                    or ll.get_host_cpu_features().flatten())
    except RuntimeError:  # pragma: no cover - LLVM cannot tell on this platform
        features = ""
    h = hashlib.sha256(features.encode())
    for path in _sources():
        h.update(path.encode())
        with open(path, "rb") as f:
            h.update(f.read())
    py = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return os.path.join(cache_dir(), f"numba-{py}-{numba.__version__}",
                        f"{cpu}-{h.hexdigest()[:12]}")


def _writable(directory: str) -> str | None:
    """None if ``directory`` can be created and written, else why not."""
    try:
        os.makedirs(directory, exist_ok=True)
        tempfile.TemporaryFile(dir=directory).close()
    except OSError as e:
        return str(e)
    return None


def _dispatchers(numba: Any, directory: str | None) -> Any:
    """The loop's functions as Numba dispatchers (cached in ``directory``; None: not
    cached); returns the one of ``_advance``."""
    from engramlab.network import _engine as E

    options = dict(cache=directory is not None, nogil=True, error_model="numpy")
    # the helpers are only called from compiled code: no CPython wrapper to unbox the
    # tables (compiling one costs ~1 s per function that takes the network)
    inner = numba.njit(no_cpython_wrapper=True, no_cfunc_wrapper=True, **options)
    ns = dict(vars(E))
    saved = numba.config.CACHE_DIR
    if directory is not None:
        numba.config.CACHE_DIR = directory  # read when a dispatcher's cache is made
    try:
        for name in E.SHARED:  # the components' formulas, compiled from their modules
            ns[name] = inner(ns[name])
        for name in E.KERNEL:
            f = ns[name]
            jit = numba.njit(**options) if name == "_advance" else inner
            ns[name] = jit(types.FunctionType(f.__code__, ns, f.__name__, f.__defaults__,
                                              f.__closure__))
    finally:
        numba.config.CACHE_DIR = saved
    return ns["_advance"]


def _freeze_at_exit() -> None:
    """Freeze the heap just before the interpreter tears itself down.

    Loading the loop makes Numba build its type registries: about 150 000 objects that
    the garbage collector tracks. CPython collects garbage again while it tears down
    its modules at exit, and traversing them costs ~0.4 s per process (measured: a
    1-s CUBA run, 2.0 s -> 1.6 s for the whole process). :func:`gc.freeze` moves every
    object to the permanent generation, so those collections skip them; the memory
    goes back with the process as always. ``atexit`` handlers registered before this
    one and ``weakref.finalize`` callbacks still run (they do not depend on the
    collector); what is lost is only the collection of reference cycles that are
    already garbage when the process ends.
    """
    gc.freeze()


class _HideScipyLinalg:
    """An import hook that makes ``scipy.linalg`` absent in one thread (see
    :func:`_without_numba_blas_probe`)."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "scipy.linalg" and threading.get_ident() == self.thread:
            raise ModuleNotFoundError("hidden while Numba loads the engramlab loop",
                                      name=name)


@contextmanager
def _without_numba_blas_probe() -> Iterator[None]:
    """Load Numba's CPU target without importing ``scipy.linalg``.

    The first function a process compiles or loads makes Numba import its NumPy
    support, and ``numba.np.arraymath`` probes for BLAS once by importing
    ``scipy.linalg.cython_blas``: 0.15-0.27 s here, a fifth of what loading the cached
    loop costs, for a loop that calls no BLAS. While Numba's target initialises, this
    thread sees no ``scipy.linalg``; the only effect is that Numba's ``np.convolve`` /
    ``np.correlate`` use their loop instead of ``np.dot`` in this process (``np.dot`` and
    ``np.linalg`` import scipy themselves when typed, and work as usual). Other threads,
    and a process that imported ``scipy.linalg`` or Numba's target already, are left as
    they are.
    """
    if "scipy.linalg" in sys.modules or "numba.np.arraymath" in sys.modules:
        yield
        return
    hook = _HideScipyLinalg()
    sys.meta_path.insert(0, hook)
    try:
        yield
    finally:
        sys.meta_path.remove(hook)


def _notice(text: str, end: str = "\n") -> None:
    print(text, end=end, file=sys.stderr, flush=True)


def _write_marker(directory: str, record: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".compiled-", dir=directory)
    with os.fdopen(fd, "w") as f:
        json.dump(record, f)
    os.replace(tmp, os.path.join(directory, "compiled.json"))


def _load(args: tuple[Any, ...]) -> Any:
    try:
        import numba
    except ImportError as e:
        raise ImportError(
            "engramlab: the network loop is compiled by Numba, which does not import "
            f"({e}). Install numba (a dependency of engramlab), or set "
            "ENGRAMLAB_NO_NUMBA=1 to run the loop as plain Python (about 100x slower)."
        ) from e
    directory = loop_dir()
    why = _writable(directory)
    fresh = not os.path.exists(os.path.join(directory, "compiled.json"))
    if why is not None:
        _notice(f"engramlab: cannot write the cache directory {directory} ({why}); "
                f"compiling the network loop in this process (~{COMPILE_S} s; set "
                "ENGRAMLAB_CACHE_DIR to a writable directory)...", end="")
    elif fresh:
        _notice(f"engramlab: compiling the network loop for this CPU (once, ~{COMPILE_S} s)"
                "...", end="")
    atexit.register(_freeze_at_exit)
    t = time.perf_counter()
    disp = _dispatchers(numba, None if why else directory)
    with _without_numba_blas_probe():
        disp.compile(tuple(numba.typeof(a) for a in args))
    took = time.perf_counter() - t
    compiled = why is not None or sum(disp.stats.cache_misses.values()) > 0
    if why is not None or fresh:
        _notice(f" done ({took:.1f} s)" if compiled else " loaded from the cache")
    elif compiled:
        _notice(f"engramlab: compiled the network loop for this CPU ({took:.1f} s; its "
                f"cache in {directory} was incomplete)")
    if why is None and (compiled or fresh):
        _write_marker(directory, {"seconds": round(took, 2), "numba": numba.__version__,
                                  "python": sys.version.split()[0], "written": time.time()})
    return disp


def loop(*args: Any) -> Any:
    """The compiled loop (compiled, or loaded from the cache, on first use for the
    argument types of ``args``, the arguments of :func:`~._engine.advance`)."""
    global _LOOP
    if _LOOP is None:
        _LOOP = _load(args)
    return _LOOP
