"""The PyTorch backend: the only module of engramlab that imports ``torch`` (lazily).

PyTorch is optional (``pip install 'engramlab[torch]'``). Model code never sees this
module: it runs on torch tensors through the array-API namespace of its inputs
(``array_api_compat.torch``), exactly as it runs on NumPy or array-api-strict arrays.
This module only answers the questions that the array API leaves open:

- which device new tensors go to: CUDA when ``torch.cuda.is_available()``, the CPU
  otherwise; the environment variable ``ENGRAMLAB_TORCH_DEVICE`` (e.g. ``cpu``,
  ``cuda``, ``cuda:1``) overrides the choice;
- how data moves in: NumPy dtypes are kept (float64 stays float64, on the CPU and on
  CUDA alike), so the same seed gives the same numbers as NumPy up to the order of
  floating-point reductions in library kernels;
- how data moves out: :func:`to_numpy` detaches and copies to the host.

Example
-------
>>> import numpy as np
>>> from engramlab.core.backend import torch_available
>>> if torch_available():
...     x = to_torch(np.arange(3.0), device="cpu")
...     assert str(x.dtype) == "torch.float64" and to_numpy(x).tolist() == [0.0, 1.0, 2.0]
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

import numpy as np

from engramlab.core.errors import ParameterError

__all__ = [
    "DEVICE_ENV",
    "import_torch",
    "is_torch_array",
    "to_numpy",
    "to_torch",
    "torch_available",
    "torch_device",
    "torch_namespace",
]

#: Environment variable that overrides the torch device (``cpu``, ``cuda``, ``cuda:1``).
DEVICE_ENV = "ENGRAMLAB_TORCH_DEVICE"


def torch_available() -> bool:
    """Whether PyTorch can be imported (without importing it)."""
    return importlib.util.find_spec("torch") is not None


def import_torch() -> Any:
    """Import and return ``torch``; a clear :class:`ParameterError` when it is missing."""
    try:
        import torch
    except ImportError as exc:
        raise ParameterError("backend", "'torch' needs PyTorch installed "
                             f"(pip install 'engramlab[torch]'; {exc})", "torch") from None
    return torch


def torch_device() -> Any:
    """The device for new tensors: ``$ENGRAMLAB_TORCH_DEVICE``, else CUDA if present, else CPU.

    Raises
    ------
    ParameterError
        If the environment variable names no valid device, or a CUDA device that this
        machine does not have.
    """
    torch = import_torch()
    name = os.environ.get(DEVICE_ENV, "").strip()
    if not name:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(name)
    except (RuntimeError, ValueError):
        raise ParameterError(DEVICE_ENV, "must name a torch device such as 'cpu' or 'cuda'",
                             name) from None
    if device.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0 or (device.index is not None and device.index >= count):
            raise ParameterError(DEVICE_ENV, f"names a CUDA device but {count} are available",
                                 name)
    elif device.type != "cpu":
        raise ParameterError(DEVICE_ENV, "must be 'cpu' or a CUDA device ('cuda', 'cuda:N')",
                             name)
    return device


def torch_namespace() -> Any:
    """The array-API namespace of torch tensors (``array_api_compat.torch``)."""
    import array_api_compat

    torch = import_torch()
    return array_api_compat.array_namespace(torch.zeros(0))


def is_torch_array(x: Any) -> bool:
    """Whether ``x`` is a torch tensor (never imports torch)."""
    import array_api_compat

    return bool(array_api_compat.is_torch_array(x))


def to_torch(x: Any, *, dtype: Any = None, device: Any = None) -> Any:
    """Move NumPy or Python data to a torch tensor on ``device`` (default :func:`torch_device`).

    The NumPy dtype is kept (float64 stays float64) unless ``dtype`` is given; a torch
    tensor passed in is moved (and cast) without a round trip through the host.
    """
    torch = import_torch()
    device = torch_device() if device is None else device
    if dtype is not None and not isinstance(dtype, torch.dtype):
        dtype = torch.from_numpy(np.empty(0, dtype=np.dtype(dtype))).dtype  # NumPy -> torch
    if isinstance(x, torch.Tensor):
        return x.to(device=device, dtype=dtype)
    # A copy: the tensor never aliases (or is aliased by) the caller's NumPy buffer.
    return torch.asarray(np.asarray(x), dtype=dtype, device=device, copy=True)


def to_numpy(x: Any) -> np.ndarray:
    """A NumPy copy of a torch tensor (detached, moved to the host)."""
    return x.detach().cpu().numpy()
