"""Figure of ``consolidation.systems``: freezing by lesion delay beside the replay."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import find_check, new_figure, target_text
from engramlab.plotting.displays import target_segment

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_COLORS = {"sham": "0.45", "lesion": "#c44e52"}


def _mean_sem(x: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
    n = x.sizes["subject"]
    return x.mean("subject").values, x.std("subject", ddof=1).values / np.sqrt(n)


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Context and tone freezing per lesion delay, the ratios with their targets, the
    within-subject design, and the nightly replay that moves the memory."""
    fig = new_figure(13.0, 8.0)
    (a, b, c), (d, e, f) = fig.subplots(2, 3)
    delays = ds.delay.values
    width = 0.38
    for ax, var, title in ((a, "context_freezing", "Context test (conditioning context)"),
                           (b, "tone_freezing", "Tone test (novel context)")):
        for k, s in enumerate(("sham", "lesion")):
            m, se = _mean_sem(ds[var].sel(surgery=s))
            x = np.arange(delays.size) + (k - 0.5) * width
            ax.bar(x, m, width, yerr=se, color=_COLORS[s], capsize=3,
                   label=f"{s} (mean ± SEM, n = {ds.sizes['subject']})")
        ax.set_xticks(np.arange(delays.size), [f"{d:g}" for d in delays])
        ax.set_xlabel("lesion delay after conditioning (days)")
        ax.set_ylabel("freezing (%)")
        ax.set_title(title)
        ax.set_ylim(0, 100)
        ax.legend(loc="upper left", fontsize=8)
    # ratios with the published shape
    cf = ds.context_freezing.mean("subject")
    tf = ds.tone_freezing.mean("subject")
    cr = (cf.sel(surgery="lesion") / cf.sel(surgery="sham")).values
    tr = (tf.sel(surgery="lesion") / tf.sel(surgery="sham")).values
    c.plot(delays, cr, "o-", color="#c44e52", label="context")
    c.plot(delays, tr, "s-", color="#4c72b0", label="tone")
    first = True
    for dd in delays:
        ck = find_check(checks, f"context_ratio_{dd:g}d")
        if ck is not None:
            target_segment(c, ck, float(dd) - 1.5, float(dd) + 1.5,
                           label="context targets (bounds)" if first else "")
            first = False
    tone_dev = find_check(checks, "tone_ratio_max_deviation")
    if tone_dev is not None:  # |ratio - 1| <= target: a band around 1
        tol = tone_dev.target
        c.axhspan(1 - tol, 1 + tol, color="#4c72b0", alpha=0.12,
                  label=f"tone target: |ratio - 1| {target_text(tone_dev)}")
    c.set_xlabel("lesion delay (days)")
    c.set_ylabel("freezing, lesion / sham (1)")
    c.set_title("Kim & Fanselow 1992: the gradient\n(targets from the abstract)")
    c.set_ylim(0, 1.3)
    c.legend(fontsize=8, loc="lower right")
    # within subjects
    for k, s in enumerate(("sham", "lesion")):
        m, se = _mean_sem(ds.ws_context_freezing.sel(surgery=s))
        d.bar(np.arange(2) + (k - 0.5) * width, m, width, yerr=se, color=_COLORS[s],
              capsize=3, label=s)
    d.set_xticks([0, 1], ["remote (51 d)", "recent (1 d)"])
    d.set_ylabel("context freezing (%)")
    d.set_ylim(0, 100)
    d.set_title("Anagnostaras et al. 1999: one rat, two memories")
    wc = ds.ws_context_freezing.mean("subject")
    wr = (wc.sel(surgery="lesion") / wc.sel(surgery="sham")).values
    for i, (name, r) in enumerate((("remote_context_ratio", wr[0]),
                                   ("recent_context_ratio", wr[1]))):
        ck = find_check(checks, name)
        if ck is not None:
            d.annotate(f"lesion / sham {r:.2f}\n(target {target_text(ck)})", (i, 95),
                       ha="center", va="top", fontsize=8)
    d.legend(fontsize=8, loc="center right")
    # activity: replay over the nights
    e.plot(ds.night, ds.night_index, color="#55a868", label="hippocampal index (replay)")
    e.plot(ds.night, ds.night_cortex, color="#8172b2", label="cortex (reinstated context)")
    e.plot(ds.night, ds.night_fear, color="#c44e52", label="amygdala fear cells")
    for dd in delays:
        e.axvline(dd, color="0.8", lw=0.8, ls=":")
    e.set_xlabel("night after conditioning (days)")
    e.set_ylabel("mean activity in sleep (1)")
    e.set_title("Sleep replay, sham group (activity)")
    e.legend(fontsize=8)
    # tone within subjects
    for k, s in enumerate(("sham", "lesion")):
        m, se = _mean_sem(ds.ws_tone_freezing.sel(surgery=s))
        f.bar(np.arange(2) + (k - 0.5) * width, m, width, yerr=se, color=_COLORS[s],
              capsize=3, label=s)
    f.set_xticks([0, 1], ["remote tone", "recent tone"])
    f.set_ylabel("tone freezing above baseline (%)")
    f.set_ylim(0, 100)
    f.set_title("Tone fear needs no hippocampus")
    ck = find_check(checks, "within_tone_ratio_max_deviation")
    if ck is not None:
        f.text(0.5, 92, f"target: |lesion / sham - 1| {target_text(ck)}", ha="center",
               fontsize=8)
    f.legend(fontsize=8, loc="center right")
    return fig
