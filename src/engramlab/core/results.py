"""Results: an ``xarray.Dataset`` with named dims, units and provenance.

Every experiment returns a Dataset; :func:`attach_provenance` stamps it with what is
needed to reproduce it (experiment id, parameters as JSON, seed, preset, engramlab
version, backend, wall time, creation time) so a NetCDF file found later explains
itself.
"""

from __future__ import annotations

import datetime as _dt
import platform
from typing import Any

import numpy as np
import xarray as xr

from engramlab.core.params import Params
from engramlab.core.version import __version__

__all__ = ["PROVENANCE_KEYS", "attach_provenance", "provenance"]

PROVENANCE_KEYS = (
    "experiment", "params", "seed", "preset", "engramlab_version", "backend",
    "wall_time_s", "created_utc", "python", "numpy",
)


def attach_provenance(
    ds: xr.Dataset,
    *,
    experiment: str,
    params: Params,
    seed: int,
    preset: str,
    backend: str,
    wall_time_s: float,
) -> xr.Dataset:
    """Return ``ds`` with provenance attributes (the input is not modified)."""
    out = ds.copy()
    out.attrs.update(
        experiment=experiment,
        params=params.to_json(),
        seed=int(seed),
        preset=preset,
        engramlab_version=__version__,
        backend=backend,
        wall_time_s=float(wall_time_s),
        created_utc=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        python=platform.python_version(),
        numpy=np.__version__,
    )
    return out


def provenance(ds: xr.Dataset) -> dict[str, Any]:
    """The provenance attributes of a result, as a dict."""
    return {k: ds.attrs[k] for k in PROVENANCE_KEYS if k in ds.attrs}
