"""Atomic writes: a result file or directory is either complete or absent, never half written.

Files: each writer writes to a temporary file in the destination's directory, flushes it
to disk and renames it over the destination (``os.replace`` is atomic on POSIX).

Directories: :func:`result_transaction` writes a result directory into a private
temporary beside its destination and renames it into place once its manifest
(:mod:`engramlab.core.manifest`) is written; :func:`claim_root` claims a directory that is
filled step by step (a validate root); :func:`check_output_dir` checks an output location
before any work.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engramlab.core.manifest import CLAIM

if TYPE_CHECKING:
    from engramlab.core.errors import ParameterError

_fcntl: Any
try:
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - Windows
    _fcntl = None

__all__ = [
    "CLAIM",
    "ResultTransaction",
    "atomic_path",
    "check_output_dir",
    "claim_root",
    "clean_leftovers",
    "output_errors",
    "remove_stale_temporaries",
    "result_transaction",
    "stderr_note",
    "write_bytes",
    "write_json",
    "write_netcdf",
    "write_text",
]


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success rename it onto ``path``."""
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    # .<name>.<pid>-<random>.tmp: remove_stale_temporaries knows a killed writer's by its pid
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.{os.getpid()}-", suffix=".tmp",
                               dir=dest.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, dest)
    finally:
        tmp_path.unlink(missing_ok=True)


_STALE_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[^.]+\.tmp$")


def remove_stale_temporaries(folder: str | os.PathLike[str], note: NoteFn) -> int:
    """Remove the temporaries of :func:`atomic_path` whose writer has died; return how many.

    A file write killed between its temporary and its rename leaves
    ``.<name>.<pid>-<random>.tmp``; one whose process no longer runs on this machine is
    deleted, one line through ``note`` saying how many. (For folders that one process on
    one machine writes, such as a sweep's point files.)
    """
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = _STALE_TEMPORARY.match(entry.name)
            if m is None or not entry.is_file(follow_symlinks=False) \
                    or _process_runs(int(m["pid"])):
                continue
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed += 1
    if removed:
        note(f"removed {removed} temporary file(s) of a killed run in {folder}")
    return removed


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write(path: str | os.PathLike[str], writer: Callable[[Path], object]) -> Path:
    with atomic_path(path) as tmp:
        writer(tmp)
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    return _write(path, lambda p: p.write_bytes(data))


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` as UTF-8, atomically; return the path."""
    return _write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_json(path: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as indented JSON with sorted keys (NaN allowed), atomically."""
    return write_text(path, json.dumps(obj, indent=2, sort_keys=True, allow_nan=True) + "\n")


def write_netcdf(path: str | os.PathLike[str], dataset: Any) -> Path:
    """Write an ``xarray.Dataset`` as NetCDF-4 (h5netcdf engine), atomically."""
    return _write(path, lambda p: dataset.to_netcdf(p, engine="h5netcdf"))


# -- output locations ---------------------------------------------------------------------

#: What :func:`result_transaction` and :func:`claim_root` say about leftovers (``note(text)``).
NoteFn = Callable[[str], None]


def stderr_note(text: str) -> None:
    """The default ``note``: one line ``note: TEXT`` on stderr."""
    sys.stderr.write(f"note: {text}\n")
    sys.stderr.flush()


def _out_error(field: str, rule: str, path: Path | None) -> ParameterError:
    from engramlab.core.errors import ParameterError

    return ParameterError(field, rule, os.fspath(path) if path is not None else None)


def check_output_dir(path: str | os.PathLike[str], *, field: str = "out",
                     shown: str | os.PathLike[str] | None = None) -> Path:
    """Make sure results can be written in the directory ``path``, before any work.

    ``path`` is created with its missing parents (``mkdir -p``) if it does not exist;
    then a probe file is created in it and removed: permission bits do not tell (root
    ignores them; a read-only mount or ``/proc`` refuses root too).

    Parameters
    ----------
    path
        The directory to check.
    field
        The option named in the error.
    shown
        The path named in the error (default ``path``; e.g. the requested directory
        when ``path`` is its parent).

    Raises
    ------
    ParameterError
        ``field`` names a file, or a directory that cannot be created or written.
    """
    path = Path(path)
    named = Path(shown) if shown is not None else path
    try:
        is_file = os.path.lexists(path) and not path.is_dir()
    except OSError as exc:  # a name too long, a loop of links, ...
        raise _out_error(field, f"cannot be used ({exc.strerror})", named) from None
    if is_file:
        rule = ("must be a directory, but is a file (or a broken link)" if named == path else
                "cannot be created: a parent is a file")
        raise _out_error(field, rule, named)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise _out_error(field, "cannot be created: a parent is a file", named) from None
    except OSError as exc:
        raise _out_error(field, f"cannot be created ({exc.strerror})", named) from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".engramlab-probe-", dir=path)
    except OSError as exc:
        raise _out_error(field, f"is not writable ({exc.strerror})", named) from None
    os.close(fd)
    os.unlink(probe)
    return path


@contextlib.contextmanager
def output_errors(field: str = "out") -> Iterator[None]:
    """Turn an ``OSError`` raised while writing results into one ``ParameterError``."""
    try:
        yield
    except OSError as exc:
        where = Path(os.fsdecode(exc.filename)) if exc.filename else None
        raise _out_error(field, f"cannot be written ({exc.strerror or exc})", where) from None


# -- result directories as transactions -----------------------------------------------------
#
# A result directory is written into a private temporary ``.<name>.tmp-<pid>-<hex>`` beside
# its destination, completed with ``manifest.json`` (engramlab.core.manifest), and renamed
# into place. Its owner holds an flock on the temporary's own inode (no lock file) for the
# whole transaction, so a later process can tell a killed run's leftover (lock free) from a
# running one's (lock held), whatever its pid namespace. Creating temporaries, installing,
# replacing and cleaning up happen under an flock on the parent directory, so that a
# cleaner never sees a temporary before its lock is taken nor a --force replacement
# between its two renames. ``--force`` renames the old result to ``.<name>.old-<pid>-<hex>``,
# the new one into place, then deletes the old; a crash between the renames leaves the old
# one whole, and the next run in that directory puts it back.

_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-(?P<tag>[0-9a-f]{8})$")
#: ``rename`` errors that mean "the destination is taken" (non-empty directory, a file).
_TAKEN = frozenset({errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR})
_MAX_CANDIDATES = 10_000


def _candidates(path: Path) -> Iterator[Path]:
    yield path
    for k in range(2, _MAX_CANDIDATES):
        yield path.with_name(f"{path.name}-{k}")


def _open_dir(path: Path) -> int:
    return os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))


def _flock(fd: int, *, blocking: bool) -> bool | None:
    """Lock ``fd`` exclusively.

    True if locked, False if someone holds it, None if this platform or file system
    cannot lock.
    """
    if _fcntl is None:  # pragma: no cover - Windows
        return None
    try:
        _fcntl.flock(fd, _fcntl.LOCK_EX | (0 if blocking else _fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:
        return None
    return True


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = _open_dir(path)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _locked_parent(parent: Path, *, shared: bool) -> Iterator[bool | None]:
    """Hold an flock on ``parent``, yielding its state (:func:`_flock`).

    A no-op yielding None for a private parent (``shared=False``).
    """
    if not shared or _fcntl is None:
        yield None
        return
    try:
        fd = _open_dir(parent)
    except PermissionError:  # a directory one may write but not read: cannot lock it
        yield None
        return
    try:
        yield _flock(fd, blocking=True)
    finally:
        os.close(fd)  # releases the lock


def _pause_point(stage: str) -> None:
    """Test hook of the fault-injection tests (tests/test_result_dirs.py); no-op otherwise.

    With ``ENGRAMLAB_TEST_PAUSE=STAGE@DIR`` in the environment, reaching ``STAGE`` creates
    ``DIR/STAGE.<pid>`` and waits until ``DIR/go`` exists (at most 10 minutes), so that a
    test can place a fault (SIGKILL, a concurrent process) at a known point. Stages:
    ``claim`` (validate, before claiming its root), ``save`` (two of four files written),
    ``install`` (complete temporary, before it is renamed into place), ``swap``
    (``--force``: the old result renamed away, the new one not yet in place).
    """
    spec = os.environ.get("ENGRAMLAB_TEST_PAUSE", "")
    at, _, folder = spec.partition("@")
    if at != stage or not folder:
        return
    Path(folder, f"{stage}.{os.getpid()}").touch()
    deadline = time.monotonic() + 600
    while not Path(folder, "go").exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"ENGRAMLAB_TEST_PAUSE: {folder}/go never appeared")
        time.sleep(0.01)


def clean_leftovers(parent: str | os.PathLike[str], note: NoteFn = stderr_note, *,
                    locked: bool | None = True) -> None:
    """Remove the temporaries that killed runs left in ``parent``, saying so.

    An unfinished ``.<name>.tmp-<pid>-<hex>`` whose owner is gone (its flock is free) is
    deleted. A ``.<name>.old-<pid>-<hex>`` (a ``--force`` replacement killed between its
    renames) is put back as ``<name>`` if that name is free and it is complete, deleted
    otherwise. A running process's temporaries are left alone. Call it holding the flock
    of ``parent`` (``locked=True``); with ``locked=None`` (a file system that cannot lock)
    leftovers are only reported, never touched.
    """
    from engramlab.core.manifest import is_complete_result

    parent = Path(parent)
    groups: dict[tuple[str, str, str], set[str]] = {}
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            m = _LEFTOVER.match(entry.name)
            if m and entry.is_dir(follow_symlinks=False):
                key = (m["name"], m["pid"], m["tag"])
                groups.setdefault(key, set()).add(m["kind"])
    for (name, pid, tag), kinds in sorted(groups.items()):
        tmp = parent / f".{name}.tmp-{pid}-{tag}"
        old = parent / f".{name}.old-{pid}-{tag}"
        if not locked:
            note(f"left {tmp if 'tmp' in kinds else old} as is: this file system cannot "
                 "lock, so whether its process still runs is unknown")
            continue
        if "tmp" in kinds:
            try:
                fd = _open_dir(tmp)
            except OSError:
                continue
            try:
                state = _flock(fd, blocking=False)
                if state is False:
                    continue  # a running process's: not a leftover
                if state is None:
                    note(f"left {tmp} as is: cannot tell whether process {pid} still runs")
                    continue
                shutil.rmtree(tmp, ignore_errors=True)
            finally:
                os.close(fd)
            note(f"removed {tmp}: the unfinished result of a killed run (process {pid})")
        if "old" in kinds:
            dest = parent / name
            if not os.path.lexists(dest) and is_complete_result(old):
                try:
                    os.rename(old, dest)
                except OSError as exc:
                    note(f"left {old} as is: cannot restore it as {dest} ({exc.strerror})")
                    continue
                note(f"restored {dest}: a --force run (process {pid}) was killed while "
                     "replacing it")
            else:
                shutil.rmtree(old, ignore_errors=True)
                note(f"removed {old}: the result that a killed --force run (process {pid}) "
                     "had already replaced")


class ResultTransaction:
    """One result directory written as a transaction (use :func:`result_transaction`).

    Attributes
    ----------
    dest
        The requested destination.
    path
        The private temporary to write every file into.
    final
        Where the result went (``dest`` or the next free ``dest-2``, ...), once
        :meth:`commit` returned; None before.
    """

    def __init__(self, dest: Path, *, replace: bool, note: NoteFn, shared: bool) -> None:
        self.dest = Path(dest)
        self.replace = replace
        self.note = note
        self.shared = shared
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.path = self.dest.parent / f".{self.dest.name}.tmp-{self.token}"
        self.final: Path | None = None
        self._fd: int | None = None

    def _open(self) -> None:
        parent = self.dest.parent
        parent.mkdir(parents=True, exist_ok=True)
        with _locked_parent(parent, shared=self.shared) as locked:
            if self.shared:
                clean_leftovers(parent, self.note, locked=locked)
            os.mkdir(self.path)
            if _fcntl is not None:
                self._fd = _open_dir(self.path)
                _flock(self._fd, blocking=False)  # a new inode: always free

    def commit(self, **meta: Any) -> Path:
        """Write the manifest (``meta`` and every file's size and hash) and install.

        Returns
        -------
        Path
            Where the result is now: ``dest``, or with ``replace=False`` the first free
            ``dest``, ``dest-2``, ... (a name taken by anything but an empty directory
            is skipped, so two concurrent transactions never share one).
        """
        from engramlab.core.manifest import write_manifest

        write_manifest(self.path, **meta)
        _fsync_dir(self.path)
        _pause_point("install")
        with _locked_parent(self.dest.parent, shared=self.shared):
            self.final = self._swap() if self.replace else self._install()
        _fsync_dir(self.dest.parent)
        return self.final

    def _install(self) -> Path:
        for cand in _candidates(self.dest):
            try:
                os.rename(self.path, cand)  # fails on anything but an empty directory
            except OSError as exc:
                if exc.errno not in _TAKEN:
                    raise
                continue
            return cand
        raise _out_error("out", "has no free result directory name left",  # pragma: no cover
                         self.dest)

    def _swap(self) -> Path:
        try:
            os.rename(self.path, self.dest)
            return self.dest
        except OSError as exc:
            if exc.errno not in _TAKEN:
                raise
        if not self.dest.is_dir() or self.dest.is_symlink():
            raise _out_error("out", "--force replaces a result directory, and this is none",
                             self.dest)
        old = self.dest.parent / f".{self.dest.name}.old-{self.token}"
        os.rename(self.dest, old)
        try:
            _pause_point("swap")  # test hook: a crash between the two renames
            os.rename(self.path, self.dest)
            final = self.dest
        except OSError as exc:
            if exc.errno not in _TAKEN:
                self._put_back(old)
                raise
            # Only where the parent cannot be locked: a run took the name in between.
            final = self._install()
            self.note(f"another process wrote {self.dest} meanwhile; wrote to {final}")
        except BaseException:  # e.g. KeyboardInterrupt: the old result goes back
            self._put_back(old)
            raise
        shutil.rmtree(old, ignore_errors=True)
        return final

    def _put_back(self, old: Path) -> None:
        with contextlib.suppress(OSError):
            os.rename(old, self.dest)

    def close(self) -> None:
        """Remove the temporary unless committed; release the owner's lock."""
        if self.final is None:
            shutil.rmtree(self.path, ignore_errors=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@contextlib.contextmanager
def result_transaction(dest: str | os.PathLike[str], *, replace: bool = False,
                       note: NoteFn = stderr_note,
                       shared: bool = True) -> Iterator[ResultTransaction]:
    """A result directory written as a transaction: complete at ``dest`` or absent.

    Write every file into ``txn.path``, then call ``txn.commit(**meta)``; leaving the
    block without a commit (an exception) removes the temporary.

    Parameters
    ----------
    dest
        The destination directory.
    replace
        Replace a result at ``dest`` (``--force``): the old one stays whole until the
        new one is complete. Otherwise ``dest`` or the next free ``dest-2``, ...
    note
        Called with what was done about leftovers of killed runs.
    shared
        Whether other processes may write into ``dest``'s parent (then leftovers there
        are cleaned up and installs are serialized by an flock on the parent). False for
        a parent this process owns (a validate root).

    >>> with result_transaction("out/x") as txn:                 # doctest: +SKIP
    ...     write_text(txn.path / "a.txt", "hello")
    ...     where = txn.commit(kind="demo")
    """
    txn = ResultTransaction(Path(dest), replace=replace, note=note, shared=shared)
    try:
        txn._open()
        yield txn
    finally:
        txn.close()


def _note_killed_root(path: Path, note: NoteFn) -> None:
    """Say so where ``path`` is the unfinished root of a killed run.

    It is left as is: the complete results inside it are still worth having.
    """
    from engramlab.core.manifest import is_complete_result

    try:
        claim = json.loads((path / CLAIM).read_text(encoding="utf-8"))
        pid = int(claim["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if not is_complete_result(path) and not _process_runs(pid):
        note(f"{path} is the unfinished result of a killed run (process {pid}); left as "
             "is, writing to the next free name")


def claim_root(path: str | os.PathLike[str], note: NoteFn = stderr_note) -> Path:
    """Claim a directory to be filled step by step (a validate root), atomically.

    ``path``, or the first free ``path-2``, ``path-3``, ...: free is absent or an empty
    directory. The claim is a marker file (:data:`CLAIM`) created exclusively under an
    flock on the parent, so two processes never claim one directory; a directory
    holding anything (an unfinished or foreign result) is never reused.
    """
    path = Path(path)
    if not path.name:  # "." or "/": claim by its real name
        path = path.resolve()
        if not path.name:
            raise _out_error("out", "must name a directory below '/'", path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked_parent(path.parent, shared=True) as locked:
        clean_leftovers(path.parent, note, locked=locked)
        for cand in _candidates(path):
            try:
                os.mkdir(cand)
            except FileExistsError:
                if cand.is_symlink() or not cand.is_dir() or any(cand.iterdir()):
                    _note_killed_root(cand, note)
                    continue
            try:
                fd = os.open(cand / CLAIM, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except (FileExistsError, NotADirectoryError):
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"pid": os.getpid(), "started": time.time()}, fh)
            return cand
    raise _out_error("out", "has no free result directory name left", path)  # pragma: no cover
