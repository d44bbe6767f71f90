"""Figure of ``working-memory.distractor``: the bump meeting a near and a far distractor
(space-time rate maps), the map of outcomes over distance and strength, and the three
published checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import find_check, new_figure, target_text
from engramlab.plotting.displays import target_segment

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_OUTCOME_COLORS = ("#4c72b0", "#dd8452", "#c44e52", "0.6")


def _condition(ds: xr.Dataset, distance: float, strength: float) -> str:
    return f"{distance:g} deg x {strength:g}"


def _map(ax: Axes, ds: xr.Dataset, condition: str, distance: float | None,
         title: str, vmax: float) -> object:
    rates = ds.rate_map.sel(condition=condition).isel(subject=0).values.T  # (arc, epoch)
    t = ds.t_s.values
    start = t[0] - ds.attrs["fixation_ms"] / 1e3
    arcs = ds.arc_deg.values
    step = arcs[1] - arcs[0]
    mesh = ax.pcolormesh(np.concatenate([[start], t]),
                         np.concatenate([arcs - step / 2, [arcs[-1] + step / 2]]),
                         rates, cmap="viridis", vmin=0.0, vmax=vmax, shading="flat")
    cue = ds.attrs["cue_deg"]
    ax.axhline(cue, color="w", ls=":", lw=1.0)
    ax.axvspan(-ds.attrs["cue_ms"] / 1e3, 0.0, ymin=0.0, ymax=0.04, color="#f0a500")
    ax.text(-ds.attrs["cue_ms"] / 2e3, 14, "cue", color="#f0a500", ha="center", fontsize=7)
    if distance is not None:
        t0 = ds.attrs["pre_ms"] / 1e3
        t1 = t0 + ds.attrs["distractor_ms"] / 1e3
        ax.axvspan(t0, t1, ymin=0.96, ymax=1.0, color="#e377c2")
        ax.text((t0 + t1) / 2, 330, "distractor", color="#e377c2", ha="center", fontsize=7)
        ax.axhline((cue + distance) % 360.0, color="#e377c2", ls=":", lw=1.0)
    ax.set_xlabel("time from the cue's offset (s)")
    ax.set_ylabel("preferred location of the cell (deg)")
    ax.set_ylim(0, 360)
    ax.set_title(title, fontsize=9)
    return mesh


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Rate maps (no, near strong, far strong distractor), the outcome map, the checks."""
    fig = new_figure(14.0, 8.2)
    (a, b, c), (d, e, f) = fig.subplots(2, 3)
    near, far = float(ds.distance_deg.min()), float(ds.distance_deg.max())
    strong = float(ds.strength.max())
    vmax = float(np.nanpercentile(ds.rate_map.values, 99.5))
    mesh = _map(a, ds, "control", None, "Activity: no distractor (network 1;\n"
                "dotted: the cue's location)", vmax)
    _map(b, ds, _condition(ds, near, strong), near,
         f"Activity: a strong near distractor ({strong:g} x the cue,\n{near:g} deg away): "
         "the memory moves towards it", vmax)
    _map(c, ds, _condition(ds, far, strong), far,
         f"Activity: a strong far distractor ({strong:g} x the cue,\n{far:g} deg away): "
         "it captures the memory", vmax)
    bar = fig.colorbar(mesh, ax=[a, b, c], label="pyramidal rate (Hz)", fraction=0.02,
                       pad=0.01)
    bar.ax.set_title("rate", fontsize=8)
    # behaviour: the map of the fraction of the way to the distractor
    frac = ds.toward.mean("subject").values                          # (distance, strength)
    image = d.imshow(frac.T, origin="lower", cmap="coolwarm", vmin=-0.25, vmax=1.25,
                     aspect="auto")
    names = ("R", "S", "X", "L")
    for i in range(ds.sizes["distance_deg"]):
        for j in range(ds.sizes["strength"]):
            counts = np.bincount(ds.outcome.values[:, i, j], minlength=4)
            label = "".join(n * k for n, k in zip(names, counts, strict=True))
            d.text(i, j, f"{frac[i, j]:.2f}\n{label}", ha="center", va="center", fontsize=7)
    d.set_xticks(range(ds.sizes["distance_deg"]),
                 [f"{x:g}" for x in ds.distance_deg.values])
    d.set_yticks(range(ds.sizes["strength"]), [f"{x:g}" for x in ds.strength.values])
    d.set_xlabel("distractor distance from the cue (deg)")
    d.set_ylabel("distractor strength (x the cue's current, 1)")
    d.set_title("Behaviour: fraction of the way the memory went to the\ndistractor "
                "(colour, number; R resisted, S shifted, X replaced,\nL lost: one letter "
                "per network)", fontsize=9)
    del image
    # the saccade: end position against the distractor's, per condition
    for i, dist in enumerate(ds.distance_deg.values):
        shift = ((ds.end_deg - ds.attrs["cue_deg"] + 180.0) % 360.0 - 180.0).isel(
            distance_deg=i)
        for j, s in enumerate(ds.strength.values):
            y = shift.isel(strength=j).values
            e.plot(np.full(y.size, s) * (1 + 0.04 * (i - 1.5)), y, "o",
                   color=f"C{i}", ms=4, label=f"distractor at +{dist:g} deg" if j == 0
                   else None)
        for y in ((dist,) if dist < 180 else (180.0, -180.0)):
            e.axhline(y, color=f"C{i}", lw=0.7, ls=":")
    e.axhline(0.0, color="k", lw=0.8, label="the cue")
    e.set_xscale("log")
    e.set_xlabel("distractor strength (x the cue's current)")
    e.set_ylabel("saccade to the bump's centre, from the cue (deg)")
    e.set_ylim(-200, 200)
    e.set_title("Behaviour: the memory-guided saccade\n(dotted: each distractor's "
                "location)", fontsize=9)
    e.legend(fontsize=6, loc="lower left")
    # the published checks at the corners of the map
    keys = ("strong_far_captured_fraction", "strong_near_toward",
            "far_equal_resisted_fraction")
    labels = ("strong far:\ncaptured", "strong near:\nway to it", "as the cue,\nfar: "
              "resisted")
    found = [find_check(checks, k) for k in keys]
    values = [float(ck.value) if ck is not None else np.nan for ck in found]
    x = np.arange(len(keys))
    f.bar(x, values, color=_OUTCOME_COLORS[0], alpha=0.8)
    f.set_xticks(x, list(labels))
    for xi, ck in zip(x, found, strict=True):
        target_segment(f, ck, xi - 0.4, xi + 0.4, label="" if xi else None)
    weak = find_check(checks, "weak_shift_deg")
    if weak is not None:
        f.text(0.98, 0.97, f"weakest distractors move the memory {weak.value:.1f} deg\n"
               f"(target {target_text(weak)}: {weak.verdict})", transform=f.transAxes,
               ha="right", va="top", fontsize=7)
    f.set_ylim(0, 1.25)
    f.set_ylabel("fraction (1)")
    f.set_title("Taken over when strong; the last a declared\ndeviation (empty: not run)",
                fontsize=9)
    f.legend(fontsize=7, loc="upper left")
    return fig
