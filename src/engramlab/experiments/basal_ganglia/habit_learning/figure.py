"""Figure of ``basal-ganglia.habit-learning``: learning curves beside the striatal weights
and the arbitration, and the devaluation tests with the published pattern."""

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

_COL = {"valued": "0.55", "devalued": "#c44e52"}


def _ms(x: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
    n = x.sizes["subject"]
    return x.mean("subject").values, x.std("subject", ddof=1).values / np.sqrt(n)


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Press rate and reaction time over extended training; Go / NoGo weights of
    pressing; extinction-test responding per condition and the devalued / valued ratios
    with their published bounds; the arbitration weight and the learned contingency."""
    fig = new_figure(14.0, 8.0)
    (a, b, c), (d, e, f) = fig.subplots(2, 3)
    s = ds.session.values
    m, se = _ms(ds.ext_presses_per_min)
    a.errorbar(s, m, se, marker="o", color="#4c72b0", capsize=2,
               label=f"RR training (mean ± SEM, n = {ds.sizes['subject']})")
    a.set_xlabel("training session (25 outcomes each)")
    a.set_ylabel("press rate (presses/min)")
    a.set_title("Performance rises with practice")
    ck = find_check(checks, "rate_gain")
    if ck is not None:
        a.text(0.97, 0.05, f"last / first session: target {target_text(ck)}",
               transform=a.transAxes, ha="right", fontsize=8)
    a.legend(fontsize=8, loc="center right")
    m, se = _ms(ds.ext_rt_ms)
    b.errorbar(s, m, se, marker="o", color="#55a868", capsize=2, label="reaction time")
    b.set_xlabel("training session")
    b.set_ylabel("reaction time of presses (ms)")
    b.set_title("...and gets faster (law of practice)")
    for name, y in (("rt_ratio", 0.1), ("rt_deceleration_ms", 0.18)):
        ck = find_check(checks, name)
        if ck is not None:
            b.text(0.97, 1 - y, f"{name}: target {target_text(ck)}", transform=b.transAxes,
                   ha="right", fontsize=8)
    b.legend(fontsize=8, loc="lower left")
    # activity: striatal weights and the arbitration
    c.plot(s, ds.ext_go.mean("subject"), "-o", color="#4c72b0", ms=3,
           label="Go (D1) weight G, press")
    c.plot(s, ds.ext_nogo.mean("subject"), "-s", color="#dd8452", ms=3,
           label="NoGo (D2) weight N, press")
    c.set_xlabel("training session")
    c.set_ylabel("striatal weight (1, start 1)")
    c.set_title("Habitual actor (OpAL): striatal weights")
    c.legend(fontsize=8, loc="upper left")
    # devaluation tests
    conds = [str(x) for x in ds.condition.values]
    ticks = [f"{c}\n(model prediction)" if c == "low dopamine" else c for c in conds]
    width = 0.38
    for k, v in enumerate(("valued", "devalued")):
        mm, ss = _ms(ds.test_rate.sel(value=v))
        d.bar(np.arange(len(conds)) + (k - 0.5) * width, mm, width, yerr=ss, capsize=3,
              color=_COL[v], label=f"{v} (sucrose{' + LiCl' if v == 'devalued' else ' alone'})")
    d.set_xticks(np.arange(len(conds)), ticks, fontsize=8)
    d.set_ylabel("extinction-test press rate (presses/min)")
    d.set_title("Outcome devaluation test")
    d.legend(fontsize=8)
    ratio = (ds.test_rate.sel(value="devalued").mean("subject")
             / ds.test_rate.sel(value="valued").mean("subject")).values
    e.bar(np.arange(len(conds)), ratio, 0.6, color="#8172b2", label="model")
    first = True
    for i, cnd in enumerate(conds):
        ck = find_check(checks, f"{cnd.replace(' ', '_')}_devaluation_ratio")
        if ck is not None:
            target_segment(e, ck, i - 0.4, i + 0.4,
                           label="published pattern (bound)" if first else "")
            first = False
    e.axhline(1.0, color="0.7", lw=0.8, ls=":")
    e.set_xticks(np.arange(len(conds)), ticks, fontsize=8)
    e.set_ylabel("devalued / valued responding (1)")
    e.set_ylim(0, 1.3)
    e.set_title("Adams 1982; Dickinson, Nicholas & Adams 1983")
    e.legend(fontsize=8, loc="lower right")
    # the arbitration and the contingency the goal-directed controller learned
    f.plot(s, ds.ext_goal_weight.mean("subject"), "-o", color="k", ms=3,
           label="goal-directed weight w (RR)")
    f.plot(s, ds.ext_contingency.mean("subject"), "-s", color="#4c72b0", ms=3,
           label="learned outcomes per extra press, RR")
    f.axhline(float(ds.int_contingency.mean()), color="#dd8452", ls="--",
              label="learned outcomes per extra press, RI (after 100)")
    f.set_xlabel("training session")
    f.set_ylabel("weight / outcomes per press (1)")
    f.set_ylim(0, 1)
    f.set_title("Arbitration and the response-outcome relation")
    f.legend(fontsize=8, loc="upper right")
    return fig
