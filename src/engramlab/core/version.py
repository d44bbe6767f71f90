"""The installed engramlab version (from the package metadata)."""

from importlib import metadata

try:
    __version__ = metadata.version("engramlab")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"
