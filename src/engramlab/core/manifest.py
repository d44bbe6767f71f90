"""The completion marker of a result directory: ``manifest.json``.

A result directory (one ``engramlab run``, one experiment of ``engramlab validate``, or a
whole ``validate`` root) is complete when it holds a valid ``manifest.json`` and every
file it lists is there with the listed size (bytes) and SHA-256 hash, and nothing else
is. The manifest is written last, into the directory's private temporary (see
:func:`engramlab.core.io.result_transaction`), so a directory whose manifest is missing
or does not match is an unfinished or damaged write: it is never shown as a result and
never reused.

>>> from engramlab.core.manifest import incomplete_reason
>>> incomplete_reason("engramlab-results/hopfield.seed-demo")   # doctest: +SKIP
>>> # None: complete; otherwise the reason, e.g. "no manifest.json"
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

__all__ = ["CLAIM", "FORMAT", "MANIFEST", "incomplete_reason", "is_complete_result",
           "read_manifest", "write_manifest"]

#: File name of the completion marker.
MANIFEST = "manifest.json"
#: The ``format`` field of every manifest this version writes.
FORMAT = "engramlab-result-1"
#: Claim marker of a validate root (:func:`engramlab.core.io.claim_root`), removed before
#: its manifest is written.
CLAIM = ".engramlab-claim"
#: Entries a directory may hold that its manifest does not list.
UNLISTED = frozenset({MANIFEST, CLAIM})

_CHUNK = 1 << 20  # bytes read at a time when hashing


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _listing(directory: Path) -> dict[str, Path]:
    """Every file under ``directory`` (recursively) by its ``/``-separated relative path.

    The manifest and the claim marker excepted. Links to directories are listed too, so
    that they make the directory incomplete.
    """
    found: dict[str, Path] = {}
    for base, dirs, files in os.walk(directory):
        for name in sorted(files) + [d for d in dirs if Path(base, d).is_symlink()]:
            path = Path(base, name)
            rel = path.relative_to(directory).as_posix()
            if rel not in UNLISTED:
                found[rel] = path
    return found


def write_manifest(directory: str | os.PathLike[str], **meta: Any) -> Path:
    """Write ``manifest.json`` into ``directory``: its files, sizes and hashes, and ``meta``.

    Call it last, when every file is written: the manifest is the completion marker.

    Parameters
    ----------
    directory
        The (temporary) result directory.
    **meta
        What the result is: ``kind`` (``"run"`` or ``"validate"``), ``experiment``,
        ``seed``, ``preset``, ``params``, ... (JSON values).

    Returns
    -------
    Path
        The manifest's path.
    """
    from engramlab.core import io as fileio
    from engramlab.core.version import __version__

    directory = Path(directory)
    files = {rel: {"size": path.stat().st_size, "sha256": _sha256(path)}
             for rel, path in sorted(_listing(directory).items())}
    body = {"format": FORMAT, "engramlab": __version__, **meta, "files": files}
    return fileio.write_json(directory / MANIFEST, body)


def read_manifest(directory: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of a complete result directory.

    Raises
    ------
    ParameterError
        ``directory`` is not a complete result (the reason is in the message).
    """
    from engramlab.core.errors import ParameterError

    reason = incomplete_reason(directory)
    if reason is not None:
        raise ParameterError("", f"{os.fspath(directory)} is not a complete result: {reason}")
    body: dict[str, Any] = json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8"))
    return body


def incomplete_reason(directory: str | os.PathLike[str]) -> str | None:
    """Why ``directory`` is not a complete result, or ``None`` if it is one.

    Complete: a directory with a readable ``manifest.json`` of this :data:`FORMAT`,
    every listed file present with its size and SHA-256, and no file it does not list.
    """
    directory = Path(directory)
    if not directory.is_dir() or directory.is_symlink():
        return "not a directory" if directory.exists() else "does not exist"
    try:
        body = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"no {MANIFEST}"
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return f"unreadable {MANIFEST} ({type(exc).__name__})"
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        return f"{MANIFEST} is not of format {FORMAT}"
    listed = body.get("files")
    if not isinstance(listed, dict):
        return f"{MANIFEST} lists no files"
    present = _listing(directory)
    extra = sorted(set(present) - set(listed))
    if extra:
        return f"{extra[0]} is not in {MANIFEST}"
    for rel, entry in sorted(listed.items()):
        path = present.get(rel)
        if path is None or not path.is_file() or path.is_symlink():
            return f"{rel} is missing"
        if not isinstance(entry, dict):
            return f"{MANIFEST} entry of {rel} is malformed"
        if path.stat().st_size != entry.get("size"):
            return f"{rel} has another size than {MANIFEST} lists"
        if _sha256(path) != entry.get("sha256"):
            return f"{rel} has another SHA-256 than {MANIFEST} lists"
    return None


def is_complete_result(directory: str | os.PathLike[str]) -> bool:
    """Whether ``directory`` is a complete result (:func:`incomplete_reason` is ``None``)."""
    return incomplete_reason(directory) is None
