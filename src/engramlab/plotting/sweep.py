"""The figure of a parameter sweep: the experiment's main metric over the grid."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.plotting import new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_sweep"]


def _label(ds: xr.Dataset, dim: str) -> str:
    unit = ds[dim].attrs.get("units", "")
    return f"{dim} ({unit or '1'})"


def plot_sweep(ds: xr.Dataset) -> Figure:
    """Main metric (mean ± s.e.m. over seeds) against the first swept parameter.

    One line per value of the second swept parameter; further parameters are averaged.
    """
    metric = ds.attrs["main_metric"]
    grid_dims = [d for d in ds[metric].dims if d != "seed"]
    values = ds[metric]
    n = values.count("seed")
    mean = values.mean("seed")
    sem = values.std("seed") / np.sqrt(np.maximum(n, 1))
    if len(grid_dims) > 2:
        extra = grid_dims[2:]
        mean, sem = mean.mean(extra), sem.mean(extra)
    fig = new_figure(7.5, 4.5)
    ax = fig.add_subplot()
    x = grid_dims[0]
    xs = ds[x].values
    numeric = np.issubdtype(xs.dtype, np.number)
    pos = xs if numeric else np.arange(xs.size)
    groups = ds[grid_dims[1]].values if len(grid_dims) > 1 else [None]
    for g in groups:
        m = mean if g is None else mean.sel({grid_dims[1]: g})
        s = sem if g is None else sem.sel({grid_dims[1]: g})
        label = None if g is None else f"{grid_dims[1]} = {g}"
        ax.errorbar(pos, m.values, yerr=s.values, marker="o", capsize=3, label=label)
    if not numeric:
        ax.set_xticks(pos, [str(v) for v in xs])
    ax.set_xlabel(_label(ds, x))
    ax.set_ylabel(f"{metric} ({ds[metric].attrs.get('units', '1')})")
    ax.set_title(f"{ds.attrs['experiment']}: {metric} over the sweep "
                 f"(mean ± s.e.m. over {ds.sizes['seed']} seeds)", fontsize=10)
    if len(groups) > 1:
        ax.legend(fontsize=8)
    failed = int(ds["failed"].sum())
    if failed:
        ax.text(0.99, 0.01, f"{failed} failed point(s) not shown", ha="right", va="bottom",
                transform=ax.transAxes, fontsize=8, color="#b3261e")
    return fig
