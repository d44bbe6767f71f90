"""Array namespaces: one model code for NumPy, array-api-strict, PyTorch and CuPy.

Model code never calls ``numpy`` directly on its state; it asks for the namespace of
its inputs (``xp = namespace(x)``) and uses the Python array API standard through it.
Backends are chosen by name at the edges (``backend="numpy"``) and arrays are moved in
and out with :func:`asarray` and :func:`to_numpy`.

Randomness is always drawn with NumPy generators and then moved to the backend, so
the same seed gives the same numbers on every backend.

``torch`` runs on CUDA when it is available and on the CPU otherwise
(``ENGRAMLAB_TORCH_DEVICE`` overrides); it is optional, and only
:mod:`engramlab.core.backend` imports it.
"""

from __future__ import annotations

import importlib
from typing import Any

import array_api_compat
import numpy as np

from engramlab.core.errors import ParameterError

__all__ = [
    "BACKENDS",
    "asarray",
    "backend_name",
    "device_of",
    "get_namespace",
    "namespace",
    "to_numpy",
]

#: Backend name -> module providing it. ``torch`` is optional (the ``torch`` extra).
BACKENDS: dict[str, str] = {
    "numpy": "numpy",
    "array_api_strict": "array_api_strict",
    "torch": "torch",
}


def get_namespace(backend: str) -> Any:
    """The array-API namespace for a backend name.

    Parameters
    ----------
    backend
        ``"numpy"``, ``"array_api_strict"`` or ``"torch"``.

    Raises
    ------
    ParameterError
        For an unknown name, or a backend whose package is not installed.
    """
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise ParameterError("backend", f"must be one of {', '.join(BACKENDS)}", backend)
    if backend == "torch":
        from engramlab.core import backend as torch_backend

        torch_backend.torch_device()  # fail early on a bad ENGRAMLAB_TORCH_DEVICE
        return torch_backend.torch_namespace()
    try:
        module = importlib.import_module(BACKENDS[backend])
    except ImportError as exc:
        raise ParameterError("backend", f"needs the package {BACKENDS[backend]!r} "
                             f"installed ({exc})", backend) from None
    return array_api_compat.array_namespace(module.asarray(0.0))


def namespace(*arrays: Any) -> Any:
    """The array-API namespace of the given arrays (all from one library)."""
    return array_api_compat.array_namespace(*arrays)


def device_of(x: Any) -> Any:
    """The device ``x`` lives on.

    Pass it as ``device=`` when creating arrays beside ``x``
    (``xp.eye(n, device=device_of(w))``), so model code also runs on a GPU.
    """
    return array_api_compat.device(x)


def backend_name(xp: Any) -> str:
    """The short name of a namespace, e.g. ``"numpy"``."""
    if array_api_compat.is_numpy_namespace(xp):
        return "numpy"
    if array_api_compat.is_torch_namespace(xp):
        return "torch"
    return xp.__name__.split(".")[0]


def asarray(x: Any, xp: Any, dtype: Any = None) -> Any:
    """Move ``x`` (NumPy or Python data) into namespace ``xp``.

    The NumPy dtype is kept unless ``dtype`` is given. Torch tensors go to the
    backend's device (:func:`engramlab.core.backend.torch_device`).
    """
    if array_api_compat.is_torch_namespace(xp):
        from engramlab.core import backend as torch_backend

        return torch_backend.to_torch(x, dtype=dtype)
    if dtype is None:
        return xp.asarray(np.asarray(x))
    return xp.asarray(np.asarray(x), dtype=dtype)


def to_numpy(x: Any) -> np.ndarray:
    """A NumPy copy of any backend array (moves from the GPU when needed)."""
    if isinstance(x, np.ndarray):
        return x
    if array_api_compat.is_torch_array(x):
        from engramlab.core import backend as torch_backend

        return torch_backend.to_numpy(x)
    try:
        return np.asarray(x)
    except (TypeError, RuntimeError, ValueError):
        # array-api-strict refuses implicit conversion; go through DLPack.
        return np.from_dlpack(x)
