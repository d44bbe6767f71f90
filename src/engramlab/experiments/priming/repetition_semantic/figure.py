"""Figure of ``priming.repetition-semantic``: priming by lag beside the settling activity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, find_check, new_figure, target_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_SD, _LD, _AS = "#4c72b0", "#dd8452", "#55a868"


def _effect(ds: xr.Dataset, task: str, kind: str, lag: int) -> tuple[float, float]:
    d = (ds[f"rt_{task}_steps"].sel(condition=f"{kind} lag {lag} unrelated")
         - ds[f"rt_{task}_steps"].sel(condition=f"{kind} lag {lag} related")).mean("item")
    n = d.sizes["subject"]
    return float(d.mean()), float(d.std(ddof=1)) / np.sqrt(n) if n > 1 else 0.0


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Priming effect (settling steps) by lag for semantic and lexical decision with the
    published pattern; associative vs semantic priming; the activity of a target's
    meaning as the network settles after a related vs an unrelated prime."""
    from engramlab.experiments.priming.repetition_semantic import (
        ASSOCIATIVE_LAGS,
        PUBLISHED_PATTERN,
        SEMANTIC_LAGS,
    )

    fig = new_figure(14.0, 4.6)
    a, b, c = fig.subplots(1, 3)
    lags = np.array(SEMANTIC_LAGS)
    for task, color, label in (("semantic", _SD, "semantic decision"),
                               ("lexical", _LD, "lexical decision")):
        ms = np.array([_effect(ds, task, "semantic", int(k)) for k in lags])
        a.errorbar(lags, ms[:, 0], yerr=ms[:, 1], fmt="o-", color=color, capsize=3,
                   label=f"{label}, model (mean ± SEM)")
        absent = [k for k, v in PUBLISHED_PATTERN[label].items() if v == 0]
        if absent:
            a.plot(absent, np.zeros(len(absent)), "x", color=color, ms=9, mew=2)
    # the published pattern: present (at least the margin) / absent (zero, with band)
    for lag in lags:
        ck = find_check(checks, f"semantic_decision_priming_lag{lag}_steps")
        if ck is not None:
            a.plot([lag - 0.35, lag + 0.35], [ck.target, ck.target],
                   color=TARGET_STYLE["color"], lw=1.5, ls="--")
            a.plot([lag + 0.35], [ck.target], "^", color=TARGET_STYLE["color"], ms=7)
    a.plot([], [], "^--", color=TARGET_STYLE["color"],
           label="Becker et al. 1997: present in semantic decision (model >= this)")
    ck = find_check(checks, "lexical_decision_long_lag_steps")
    if ck is not None:
        a.fill_between([3.5, 8.5], [-ck.tolerance] * 2, [ck.tolerance] * 2, color=_LD,
                       alpha=0.15, label="Becker et al. 1997: absent in lexical decision "
                                         "(mean of lags 4, 8 within band)")
    a.axhline(0.0, color="0.6", lw=0.8)
    a.set_xticks(lags)
    a.set_xlabel("intervening items between prime and target (lag)")
    a.set_ylabel("priming effect (settling steps, unrelated - related)")
    a.set_title("Long-lag semantic priming (behaviour)")
    a.set_ylim(top=a.get_ylim()[1] * 1.3)
    a.legend(fontsize=7, loc="upper right")
    # associative vs semantic
    x = np.arange(len(ASSOCIATIVE_LAGS))
    asc = np.array([_effect(ds, "semantic", "associative", k) for k in ASSOCIATIVE_LAGS])
    sem0 = _effect(ds, "semantic", "semantic", 0)
    b.bar(x - 0.2, asc[:, 0], 0.4, yerr=asc[:, 1], color=_AS, capsize=3,
          label="associated prime")
    b.bar([-0.2 + 0.4], [sem0[0]], 0.4, yerr=[sem0[1]], color=_SD, capsize=3,
          label="semantically related prime")
    b.set_xticks(x, [f"lag {k}" for k in ASSOCIATIVE_LAGS])
    b.set_xlabel("intervening items between prime and target (lag)")
    b.set_ylabel("priming effect in semantic settling (steps)")
    b.set_title("Associative > semantic priming (Plaut 1995)")
    for k, name in enumerate(("associative_minus_semantic_lag0_steps",
                              "associative_priming_lag1_steps")):
        ck = find_check(checks, name)
        if ck is not None:
            b.text(0.98, 0.97 - 0.06 * k, f"{name}: {ck.value:.2f} (target {target_text(ck)})",
                   transform=b.transAxes, fontsize=7, va="top", ha="right")
    b.set_ylim(0, b.get_ylim()[1] * 1.25)
    b.legend(fontsize=7, loc="center right")
    # activity: the target's meaning settling after a related / unrelated prime
    t = ds.time_ms.values
    for lag, ls in ((0, "-"), (8, "--")):
        for rel, color in ((True, _SD), (False, "0.4")):
            v = ds.target_activity.sel(condition=f"semantic lag {lag} "
                                       f"{'related' if rel else 'unrelated'}")
            c.plot(t, v.mean("subject").values, ls, color=color,
                   label=f"lag {lag}, {'related (primed)' if rel else 'unrelated'} prime")
    c.set_xlabel("time after target onset (ms of model time)")
    c.set_ylabel("mean activity of the target's semantic features (1)")
    c.set_title("Settling of the target's meaning (activity)")
    c.legend(fontsize=7, loc="lower right")
    return fig
