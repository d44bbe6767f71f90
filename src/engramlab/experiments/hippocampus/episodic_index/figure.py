"""Figure of ``hippocampus.episodic-index``: recall by episode age beside test activity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, find_check, new_figure, target_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_COLORS = {"intact": "0.45", "lesion": "#c44e52"}
_STYLE: dict[str, Any] = {**TARGET_STYLE, "linewidth": 2.2}
_AREA_COLORS = {"what": "#4c72b0", "where": "#55a868", "when": "#8172b2", "index": "#dd8452"}


def _age_labels(ages: np.ndarray) -> list[str]:
    return ["after\nsurgery" if a < 0 else f"{a:g}" for a in ages]


def _bound(ax: Axes, check: Check | None, x: float, color: str, *,
           value: float | None = None, text: str | None = None) -> None:
    """A one-sided target as a dashed bar over the bar at ``x``, with its text."""
    if check is None:
        return
    y = check.target if value is None else value
    ax.plot([x - 0.22, x + 0.22], [y, y], **_STYLE, zorder=5)
    ax.annotate(text or target_text(check), (x, y), xytext=(0, 3),
                textcoords="offset points", ha="center", fontsize=7, color=color,
                zorder=6, bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none",
                                "alpha": 0.8})


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Behaviour (recall per age, intact vs lesioned, with the published bounds), the
    activity of each module and of the index in the cued test, and the index overlap."""
    fig = new_figure(14.0, 4.6)
    a, b, c = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.4, 1.4, 1.0]})
    ages = ds.age.values
    x = np.arange(ages.size)
    width = 0.38
    n = ds.sizes["subject"]
    for k, g in enumerate(ds.group.values):
        r = ds.recall.sel(group=g)
        m, se = r.mean("subject").values, r.std("subject", ddof=1).values / np.sqrt(n) \
            if n > 1 else np.zeros(ages.size)
        a.bar(x + (k - 0.5) * width, m, width, yerr=se, color=_COLORS.get(str(g), "0.6"),
              capsize=3, label=f"{g} index (mean ± SEM, n = {n})")
    pos = {float(v): i for i, v in enumerate(ages)}
    recent, remote = float(min(v for v in ages if v > 0)), float(max(ages))
    _bound(a, find_check(checks, "recent_recall_intact"), pos[recent] - width / 2,
           _COLORS["intact"])
    _bound(a, find_check(checks, "recent_recall_lesion"), pos[recent] + width / 2,
           _COLORS["lesion"])
    _bound(a, find_check(checks, "postop_recall_lesion"), pos[-1.0] + width / 2,
           _COLORS["lesion"])
    ratio = find_check(checks, "remote_recall_ratio")
    if ratio is not None:
        intact_remote = float(ds.recall.sel(group="intact", age=remote).mean())
        _bound(a, ratio, pos[remote] + width / 2, _COLORS["lesion"],
               value=ratio.target * intact_remote,
               text=f"lesion / intact {target_text(ratio)}")
    a.plot([], [], **_STYLE, label="published bound (abstracts)")
    a.set_xticks(x, _age_labels(ages))
    a.set_xlabel("episode age at surgery (weeks before it)")
    a.set_ylabel("fraction of the episode recalled (1)")
    a.set_ylim(0, 1.45)
    a.set_title("Behaviour: cue to one module, test 2 weeks after surgery\n"
                "(design and shape of Zola-Morgan & Squire 1990)", fontsize=9)
    a.legend(fontsize=7, loc="upper center", ncol=2)
    # activity in the cued test: cue 'what', a recent and a remote episode
    act = ds.test_activity.sel(cue="what").mean("subject")
    areas = [str(v) for v in ds.area.values]
    labels, xs = [], []
    w = 0.8 / len(areas)
    for j, (g, age) in enumerate([(g, age) for age in (remote, recent)
                                  for g in ds.group.values]):
        for i, area in enumerate(areas):
            v = float(act.sel(group=g, age=age, area=area))
            b.bar(j + (i - (len(areas) - 1) / 2) * w, v, w,
                  color=_AREA_COLORS.get(area, "0.5"), label=area if j == 0 else None,
                  hatch="//" if area == "what" else None, edgecolor="white")
        labels.append(f"{g}\n{age:g} w old")
        xs.append(j)
        if g == "lesion":
            b.text(j + 0.3, 0.03, "index\nlesioned", ha="center", fontsize=6, color="0.3")
    b.set_xticks(xs, labels, fontsize=8)
    b.set_ylabel("activity of the episode's cells (1)\nindex: fraction of its code active")
    b.set_ylim(0, 1.1)
    b.axhline(0.5, color="0.7", lw=0.8, ls=":")
    b.set_title("Activity at test, cue to 'what' only (hatched)", fontsize=9)
    b.legend(fontsize=8, title="module / index", title_fontsize=8, loc="upper right")
    # the index's statistics: overlap of two episodes' codes
    ov = ds.index_overlap.values.ravel()
    k = int(ds.attrs["index_k"])
    merged = ov >= float(ds.attrs["complete_overlap"]) * k
    bins = np.arange(0, max(int(ov[~merged].max(initial=0)) + 2, 12))
    c.hist(ov[~merged], bins=bins, color="#dd8452", alpha=0.8,
           label=f"pairs of episodes (n = {(~merged).sum()})")
    c.axvline(float(np.mean(ov[~merged])) if (~merged).any() else 0.0, color="k", lw=1.2,
              label="mean")
    ck = find_check(checks, "index_overlap_cells")
    if ck is not None:
        lo, hi = ck.target * (1 - ck.tolerance), ck.target * (1 + ck.tolerance)
        c.axvspan(lo, hi, color="#4c72b0", alpha=0.2,
                  label=f"theory k²/N = {ck.target:.3g} ± {100 * ck.tolerance:.0f} %")
    if merged.any():
        c.text(0.98, 0.6, f"{merged.sum()} merged pair(s) left out", ha="right",
               transform=c.transAxes, fontsize=7)
    c.set_xlabel("index cells shared by two codes (cells)")
    c.set_ylabel("pairs (count)")
    c.set_title(f"Index: k = {k} of N = {ds.attrs['index_cells']} cells", fontsize=9)
    c.legend(fontsize=7)
    return fig
