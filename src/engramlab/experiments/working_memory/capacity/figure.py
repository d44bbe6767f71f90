"""Figure of ``working-memory.capacity``: the ring's activity for a few loads, the
memories held against the load (with Cowan's band), the total activity, the pairs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import draw_target, find_check, new_figure, target_text
from engramlab.plotting.displays import target_segment

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.collections import QuadMesh
    from matplotlib.figure import Figure

_BLUE, _GREY = "#4c72b0", "0.45"


def _map(ax: Axes, ds: xr.Dataset, name: str, vmax: float) -> QuadMesh:
    sub = ds.sel(array=name)
    rates = sub.rate_map.values.T                                  # (arc, epoch)
    t = ds.t_s.values
    start = t[0] - ds.attrs["fixation_ms"] / 1e3
    arcs = ds.arc_deg.values
    step = arcs[1] - arcs[0]
    mesh = ax.pcolormesh(np.concatenate([[start], t]),
                         np.concatenate([arcs - step / 2, [arcs[-1] + step / 2]]), rates,
                         cmap="viridis", vmin=0.0, vmax=vmax, shading="flat")
    items = sub.item_deg.values
    items = items[np.isfinite(items)]
    x_cue = -ds.attrs["cue_ms"] / 2e3
    ax.plot(np.full(items.size, x_cue), items, ">", color="w", ms=4, mec="k", mew=0.4)
    ax.set_ylim(0, 360)
    ax.set_xlabel("time from the array's offset (s)")
    ax.set_ylabel("preferred location (deg)")
    ax.set_title(f"{items.size} item{'s' if items.size > 1 else ''} shown: "
                 f"{int(sub.n_bumps)} bump{'s' if int(sub.n_bumps) != 1 else ''} held")
    return mesh


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Rate maps (loads 1, 4 and the largest), bumps vs load, total activity, pairs."""
    fig = new_figure(14.0, 8.2)
    (a, b, c), (d, e, f) = fig.subplots(2, 3)
    loads = ds.sel(array=ds.is_load)
    k = loads.n_items.values
    vmax = float(np.nanpercentile(ds.rate_map.values, 99.5)) or 1.0
    shown = [f"load{n}" for n in (1, min(4, int(k.max())), int(k.max()))]
    meshes = [_map(ax, ds, name, vmax) for ax, name in zip((a, b, c), shown, strict=True)]
    mesh = meshes[0]
    bar = fig.colorbar(mesh, ax=[a, b, c], label="pyramidal rate (Hz)", fraction=0.02,
                       pad=0.01)
    bar.ax.set_title("rate", fontsize=8)
    # memories held against the load (mean per load; dots: each array)
    ks = np.unique(k)

    def per_load(v: np.ndarray) -> np.ndarray:
        return np.array([v[k == n].mean() for n in ks])

    nb, ns = loads.n_bumps.values.astype(float), loads.n_survived.values.astype(float)
    d.plot(ks, ks, ":", color="0.6", label="every item held apart (no limit)")
    d.plot(ks, per_load(ns), "s-", color=_GREY, ms=4,
           label="items inside a bump (merged ones count)")
    d.plot(ks, per_load(nb), "o-", color=_BLUE, label="distinct bumps (memories)")
    d.plot(k, nb, ".", color=_BLUE, alpha=0.4, label="each array")
    cap = find_check(checks, "capacity")
    target_segment(d, cap, float(k.max()) - 2.0, float(k.max()),
                   label=None if cap is None else f"capacity target {target_text(cap)} "
                                                  "(Cowan 4 ± 1)")
    d.set_xlabel("items shown (load)")
    d.set_ylabel("items held at the end of the delay (1)")
    d.set_title("Capacity: the memories held saturate")
    d.legend(fontsize=7, loc="upper left")
    # total activity against the load
    tot = per_load(loads.total_hz.values)
    e.plot(ks, tot, "o-", color=_BLUE, label="mean pyramidal rate, late delay")
    mean = float(tot.mean())
    cv = find_check(checks, "total_activity_cv")
    if cv is not None:
        hi = mean * (1.0 + cv.target + cv.tolerance)
        lo = mean * (1.0 - cv.target - cv.tolerance)
        e.fill_between([ks.min(), ks.max()], [lo, lo], [hi, hi], color="#c0392b",
                       alpha=0.1)
        e.plot([ks.min(), ks.max()], [hi, hi], color="#c0392b", ls="--", lw=1.5,
               label=f"mean ± {cv.target + cv.tolerance:.2g} x mean (CV target "
                     f"{target_text(cv)}; CV {cv.value:.3f})")
        e.plot([ks.min(), ks.max()], [lo, lo], color="#c0392b", ls="--", lw=1.5)
    e.plot(ks, tot[0] * ks, ":", color="0.6",
           label="independent items (load x load-1 rate)")
    e.set_ylim(0.0, max(2.0 * mean, 1.0))
    e.set_xlabel("items shown (load)")
    e.set_ylabel("total activity (Hz, mean over the ring)")
    e.set_title("Normalisation: total activity ~ invariant")
    e.legend(fontsize=7, loc="upper left")
    # the pairs: merging
    pairs = ds.sel(array=~ds.is_load)
    sep = np.array([float(n.removeprefix("pair")) for n in pairs.array.values])
    order = np.argsort(sep)
    f.plot(sep[order], pairs.n_bumps.values[order], "o-", color=_BLUE,
           label="bumps held from two items")
    f.axhline(2.0, color="0.7", lw=0.8)
    near = find_check(checks, f"bumps_pair{sep.min():g}")
    draw_target(f, near, label=None if near is None else
                f"close pair: ≤ 1 bump (merged; {sep.min():g} deg)")
    f.set_ylim(0.0, 3.0)
    f.set_xlabel("separation of the two items (deg)")
    f.set_ylabel("bumps at the end of the delay (1)")
    f.set_title("Close items merge")
    f.legend(fontsize=7, loc="lower right")
    return fig
