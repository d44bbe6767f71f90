"""Compiling the network loop with Numba: once per CPU, then from a disk cache that heals.

The loop (:mod:`engramlab.network._engine`) is compiled by ``numba.njit(cache=True)``
the first time a process runs a network. Numba keeps the machine code in
``<cache>/numba-<python>-<numba>/<cpu>-<key>/`` (``<cache>``: :func:`cache_dir`), where
``<key>`` hashes the host CPU's features and the path and text of every source file
compiled into the loop and of this module (the options it compiles with); a later
process (any process of this Python, Numba, CPU and checkout) loads it. Directories of
other keys are never touched: another checkout, version or machine sharing the cache
may be using its own.

A cache is trusted only with its manifest: ``compiled.json``, written last, after a
complete build, lists every file Numba wrote (``*.nbi`` indexes, ``*.nbc`` data) with
its size and SHA-256, and the CPU, Python and Numba it was built for. Before anything is
loaded the files are checked against it (about 10 ms for the 6 MB): Numba unpickles the
object code of a cached function and links it into the process, so a truncated file
raises from deep inside Numba and a damaged one can crash the interpreter (a
segmentation fault, no message). A directory whose files do not match (truncated,
overwritten, missing, unlisted, or left by a build that was killed), or whose files
verify and still fail to load, is emptied and the loop is built again, once, with one
line on stderr naming what was wrong.

Processes share a directory through a lock on it (``flock``): loading holds it shared,
building (and emptying) holds it exclusively, so two processes that find a cache
missing both succeed (one builds, the other waits, says so, and loads what was built)
and no process reads a file that another is replacing. Numba writes each file under a
temporary name in the directory and renames it; the compilation writes nothing
elsewhere (no temporary C or object files: Numba compiles in memory through LLVM).

A compilation is announced on stderr (it takes a while, once); a process that loads
the loop from the cache prints nothing. The Python functions stay as they are: the
loop is compiled from copies of them whose globals name the compiled helpers, so
``ENGRAMLAB_NO_NUMBA=1`` still runs plain Python in the same process.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import hashlib
import inspect
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX (Windows)
    fcntl = None  # type: ignore[assignment]

__all__ = ["cache_dir", "collector_paused", "loop", "loop_dir"]

#: About how long the first compilation takes (s; 2 cores of a 2020s x86 server: 22-31 s
#: measured with the engine of 2026-12, Python 3.11 and 3.13).
COMPILE_S = 30

_LOOP: Any = None


def cache_dir() -> str:
    """engramlab's cache: ``$ENGRAMLAB_CACHE_DIR``, else ``$XDG_CACHE_HOME/engramlab``
    (``~/.cache/engramlab``)."""
    return os.environ.get("ENGRAMLAB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "engramlab")


def _sources() -> list[str]:
    from engramlab.network import _engine as E

    return sorted({inspect.getfile(getattr(E, name)) for name in E.KERNEL + E.SHARED}
                  | {__file__})


def _host() -> tuple[str, str]:
    """The CPU's name and features as LLVM (or ``NUMBA_CPU_NAME``) names them."""
    import llvmlite.binding as ll  # type: ignore[import-untyped]
    import numba

    cpu = getattr(numba.config, "CPU_NAME", None) or ll.get_host_cpu_name()
    try:
        features = (getattr(numba.config, "CPU_FEATURES", None)
                    or ll.get_host_cpu_features().flatten())
    except RuntimeError:  # pragma: no cover - LLVM cannot tell on this platform
        features = ""
    return cpu, features


def loop_dir() -> str:
    """Where the compiled loop of this Python, Numba, CPU and checkout is cached."""
    import numba

    cpu, features = _host()
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
    # (inlining the per-spike path, inline="always", was tried: ~5 % less simulation
    # time on the amygdala protocol for 10 s more compilation on every new machine)
    ns = dict(vars(E))
    saved = numba.config.CACHE_DIR
    if directory is not None:
        numba.config.CACHE_DIR = directory  # read when a dispatcher's cache is made
    try:
        for name in E.SHARED:  # the components' formulas, compiled from their modules
            ns[name] = inner(ns[name])
        # the helpers that allocate nothing are compiled without reference counting:
        # every array slice and every table passed between them otherwise costs an
        # atomic increment and decrement of its owner's count (~10 % of the amygdala
        # loop, measured with perf); the arrays they see are owned by the caller
        bare = numba.njit(no_cpython_wrapper=True, no_cfunc_wrapper=True, _nrt=False,
                          **options)
        for name in E.KERNEL:
            f = ns[name]
            jit = (numba.njit(**options) if name == "_advance"
                   else inner if name in E.ALLOCATING else bare)
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


#: The SciPy modules that Numba's start-up would import for nothing here (see
#: :func:`_without_numba_blas_probe`).
_HIDDEN = ("scipy.linalg", "scipy.fft", "cffi")


class _HideScipy:
    """An import hook that makes the :data:`_HIDDEN` modules absent in one thread (see
    :func:`_without_numba_blas_probe`)."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name in _HIDDEN and threading.get_ident() == self.thread:
            raise ModuleNotFoundError("hidden while Numba loads the engramlab loop",
                                      name=name)


@contextmanager
def _without_numba_blas_probe() -> Iterator[None]:
    """Load Numba's CPU target without importing ``scipy.linalg``, ``scipy.fft`` or
    ``cffi``.

    The first function a process compiles or loads makes Numba import its NumPy
    support and its extensions. ``numba.np.arraymath`` probes for BLAS once by
    importing ``scipy.linalg.cython_blas`` (0.15-0.27 s here), and the extension
    rocket-fft (``numpy.fft`` in the loop) imports ``scipy.fft`` to add Numba versions
    of SciPy's transforms too (0.37 s here), and Numba's typing of CFFI functions
    builds a ``cffi.FFI`` (importing cffi and pycparser: 0.10 s): together about 60 %
    of what loading the cached loop costs, for a loop that calls none of them. While
    Numba's target initialises, this thread sees none of these modules. The effects,
    in this process only: Numba's ``np.convolve`` / ``np.correlate`` use their loop
    instead of ``np.dot`` (``np.dot`` and ``np.linalg`` import scipy themselves when
    typed, and work as usual), and Numba-compiled code cannot call ``scipy.fft`` or
    CFFI functions (``numpy.fft`` works). A process that wants those in its own Numba
    code imports ``scipy.fft`` / ``cffi`` before its first network: a module already
    imported is not hidden. Other threads, and a process that initialised Numba's
    target already, are left as they are.
    """
    if (all(name in sys.modules for name in _HIDDEN)
            or "numba.np.arraymath" in sys.modules):
        yield
        return
    hook = _HideScipy()
    sys.meta_path.insert(0, hook)
    try:
        yield
    finally:
        sys.meta_path.remove(hook)


def _notice(text: str, end: str = "\n") -> None:
    print(text, end=end, file=sys.stderr, flush=True)


# --- the cache's manifest, its lock, and loading ------------------------------------

#: The manifest of a complete build (written last).
MANIFEST = "compiled.json"
#: What Numba writes into the cache: function indexes and their data (object code).
_CACHE_SUFFIXES = (".nbi", ".nbc")
#: :func:`_verify`: nothing cached yet.
ABSENT = "absent"


def _target() -> dict[str, str]:
    """What a build is for: CPU (name, features), Python, Numba."""
    import numba

    cpu, features = _host()
    return {"cpu": cpu, "cpu_features": hashlib.sha256(features.encode()).hexdigest()[:16],
            "python": f"{sys.version_info[0]}.{sys.version_info[1]}",
            "numba": numba.__version__}


def _cache_files(directory: str) -> list[str]:
    """The files Numba loads from ``directory`` (paths relative to it)."""
    out: list[str] = []
    for root, _dirs, files in os.walk(directory):
        out.extend(os.path.relpath(os.path.join(root, name), directory)
                   for name in files if name.endswith(_CACHE_SUFFIXES))
    return sorted(out)


def _digest(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _verify(directory: str, target: dict[str, str]) -> str | None:
    """None if ``directory`` holds a complete build for ``target`` whose files match its
    manifest (size and SHA-256); :data:`ABSENT` if it holds nothing; else what is wrong."""
    files = _cache_files(directory)
    path = os.path.join(directory, MANIFEST)
    if not os.path.exists(path):
        return ABSENT if not files else (f"{len(files)} files and no {MANIFEST}: a build "
                                         "that did not finish")
    try:
        with open(path, encoding="utf-8") as f:
            record = json.load(f)
        listed = {str(k): (int(v[0]), str(v[1])) for k, v in record["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as e:
        return f"{MANIFEST} is unreadable ({type(e).__name__})"
    for key, value in target.items():
        if record.get(key) != value:
            return f"built for {key} {record.get(key)!r}, not {value!r}"
    for rel in sorted(set(listed) - set(files)):
        return f"{rel} is missing"
    for rel in files:
        if rel not in listed:
            return f"{rel} is not in {MANIFEST}"
        size, sha = listed[rel]
        full = os.path.join(directory, rel)
        try:
            have = os.path.getsize(full)
            if have != size:
                return f"{rel} has {have} bytes, not {size} (truncated?)"
            if _digest(full) != sha:
                return f"{rel} does not match its SHA-256 in {MANIFEST} (overwritten?)"
        except OSError as e:
            return f"{rel} cannot be read ({e.strerror})"
    return None


def _write_manifest(directory: str, target: dict[str, str], seconds: float) -> None:
    """List every cached file with its size and SHA-256 (call with the lock held
    exclusively: leftovers of killed writers are removed first)."""
    for root, _dirs, names in os.walk(directory):
        for name in names:
            if name.startswith(".compiled-") or ".tmp." in name:  # ours, Numba's
                with contextlib.suppress(OSError):
                    os.remove(os.path.join(root, name))
    files = {rel: [os.path.getsize(os.path.join(directory, rel)),
                   _digest(os.path.join(directory, rel))]
             for rel in _cache_files(directory)}
    record = {**target, "files": files, "seconds": round(seconds, 2),
              "python_version": sys.version.split()[0], "written": time.time()}
    fd, tmp = tempfile.mkstemp(prefix=".compiled-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(record, f, indent=1)
        os.replace(tmp, os.path.join(directory, MANIFEST))
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def _clear(directory: str) -> None:
    """Empty ``directory`` (the build of this key only; the directory stays, locked)."""
    for entry in os.scandir(directory):
        with contextlib.suppress(FileNotFoundError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.remove(entry.path)


@contextmanager
def _locked(directory: str, *, exclusive: bool) -> Iterator[None]:
    """Hold ``directory``'s lock, shared (loading) or exclusive (building, emptying,
    writing the manifest); says so on stderr when it has to wait. Without ``fcntl``
    (Windows) there is no lock: Numba's renames still keep every file whole."""
    if fcntl is None:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            _notice(f"engramlab: another process is building or loading the network loop "
                    f"in {directory}; waiting for it")
            fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)  # releases the lock


def _compile(numba: Any, directory: str | None, args: tuple[Any, ...]) -> tuple[Any, float,
                                                                                int]:
    """Compile (or load from ``directory``) the loop for the types of ``args``: the
    dispatcher, the seconds taken and the number of cache misses of ``_advance``."""
    t = time.perf_counter()
    disp = _dispatchers(numba, directory)
    with _without_numba_blas_probe():
        disp.compile(tuple(numba.typeof(a) for a in args))
    return disp, time.perf_counter() - t, sum(disp.stats.cache_misses.values())


def _load(args: tuple[Any, ...]) -> Any:
    try:
        import numba
    except ImportError as e:
        raise ImportError(
            "engramlab: the network loop is compiled by Numba, which does not import "
            f"({e}). Install numba (a dependency of engramlab), or set "
            "ENGRAMLAB_NO_NUMBA=1 to run the loop as plain Python (about 100x slower)."
        ) from e
    atexit.register(_freeze_at_exit)
    directory = loop_dir()
    why = _writable(directory)
    if why is not None:
        _notice(f"engramlab: cannot write the cache directory {directory} ({why}); "
                f"compiling the network loop in this process (~{COMPILE_S} s; set "
                "ENGRAMLAB_CACHE_DIR to a writable directory)...", end="")
        disp, took, _ = _compile(numba, None, args)
        _notice(f" done ({took:.1f} s)")
        return disp
    target = _target()
    failed = None
    with _locked(directory, exclusive=False):
        problem = _verify(directory, target)
        if problem is None:
            try:
                with collector_paused():  # a load: long-lived objects only
                    disp, took, misses = _compile(numba, directory, args)
            except Exception as e:  # verified files that still do not load: rebuild once
                failed = " ".join(f"it does not load ({type(e).__name__}: {e}"
                                  .split())[:200] + ")"
            else:
                if not misses:
                    return disp
    with _locked(directory, exclusive=True):
        if problem is None and failed is None:
            # loaded, but Numba compiled parts again (a source file's time stamp changed)
            _notice(f"engramlab: compiled the network loop for this CPU ({took:.1f} s; its "
                    f"cache in {directory} was incomplete)")
            _write_manifest(directory, target, took)
            return disp
        if failed is None:
            problem = _verify(directory, target)  # another process may have built it
            if problem is None:
                disp, took, misses = _compile(numba, directory, args)
                if misses:
                    _write_manifest(directory, target, took)
                return disp
        else:
            problem = failed
        if problem == ABSENT:
            _notice("engramlab: compiling the network loop for this CPU (once, "
                    f"~{COMPILE_S} s)...", end="")
        else:
            _notice(f"engramlab: the cached network loop in {directory} is damaged "
                    f"({problem}); removed it, compiling it again (~{COMPILE_S} s)...",
                    end="")
        _clear(directory)
        disp, took, _ = _compile(numba, directory, args)
        _notice(f" done ({took:.1f} s)")
        _write_manifest(directory, target, took)
        return disp


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block that only builds long-lived
    objects: loading the cached loop (Numba's registries, ~150 000 objects) or
    importing xarray (and pandas). Allocating that many objects starts dozens of
    collections that find no garbage and, as the heap grows, full ones that traverse
    all of it: 0.15 s of the 2 s a process spends on the amygdala benchmark (measured
    with :data:`gc.callbacks`), of which pausing saves 0.04-0.05 s (the first young
    collection after the block still traverses the new objects once). Not for a
    compilation: it leaves cyclic garbage behind for ~30 s. Reference counting frees
    memory as usual inside the block; cycles that become garbage there wait for the
    next collection after it. A collector the caller disabled stays disabled."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def loop(*args: Any) -> Any:
    """The compiled loop (compiled, or loaded from the cache, on first use for the
    argument types of ``args``, the arguments of :func:`~._engine.advance`)."""
    global _LOOP
    if _LOOP is None:
        _LOOP = _load(args)
    return _LOOP
