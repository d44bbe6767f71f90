"""Figure of ``hopfield.energy``: the energy after every asynchronous update per weight
condition, the rises counted, and where synchronous dynamics end (Hopfield 1982;
Goles-Chacc et al. 1985; Bruck 1990)."""

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

_BLUE, _ORANGE, _GREEN, _PURPLE = "#4c72b0", "#dd8452", "#55a868", "#8172b2"
#: The metric that counts the energy rises of each weight condition.
_RISE_METRIC = {"symmetric": "async_energy_increases",
                "positive diagonal": "positive_diagonal_increases",
                "negative diagonal": "negative_diagonal_increases",
                "asymmetric": "asymmetric_increases"}


def _passed(check: Check | None) -> str:
    return "" if check is None else ("passed" if check.passed else "FAILED")


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: energy traces. B: rises per condition with their targets. C: a synchronous
    2-cycle with the two-step Lyapunov function. D: how synchronous runs end."""
    fig = new_figure(13.0, 8.0)
    (ax1, ax2), (ax3, ax4) = fig.subplots(2, 2)
    n = int(ds.attrs["n_neurons"])
    conditions = [str(c) for c in ds.condition.values]
    colors = dict(zip(conditions, [_BLUE, _GREEN, _ORANGE, _PURPLE], strict=False))
    a_show = float(ds["load"].values[-1])
    for cond in conditions:
        traces = ds.async_energy.sel(condition=cond, load=a_show).values
        for k, tr in enumerate(traces):
            ok = np.isfinite(tr)
            ax1.plot(np.flatnonzero(ok) / n, tr[ok], color=colors[cond], linewidth=0.9,
                     alpha=0.8, label=cond if k == 0 else None)
    ax1.set_xlabel("asynchronous updates / N (sweeps)")
    ax1.set_ylabel("energy per neuron E / N^2 (1)")
    ax1.set_title(f"A  energy after every single-neuron update, alpha = {a_show:g}",
                  fontsize=10)
    conv = find_check(checks, "async_converged_fraction")
    if conv is not None:
        ax1.text(0.98, 0.02, f"symmetric runs at a fixed point: {conv.value:g} "
                 f"(target {target_text(conv)})", transform=ax1.transAxes, ha="right",
                 va="bottom", fontsize=7.5)
    ax1.legend(fontsize=7.5, title="weights", title_fontsize=8)

    rises = ds.async_increases.sum(("load", "cue")).values
    updates = ds.async_updates.sum("load").values * ds.sizes["cue"]
    x = np.arange(len(conditions))
    ax2.bar(x, rises, color=[colors[c] for c in conditions])
    for xi, r, u in zip(x, rises, updates, strict=True):
        ax2.text(xi, max(r, 0) + 0.5, f"{int(r)} of {int(u)}", ha="center", va="bottom",
                 fontsize=8)
    shown: set[str] = set()
    for xi, cond in zip(x, conditions, strict=True):
        check = find_check(checks, _RISE_METRIC.get(cond, ""))
        if check is None:
            continue
        kind = "Hopfield 1982 / Bruck 1990" if check.compare == "abs" else "control"
        text = f"target ({kind}): {target_text(check)}"
        target_segment(ax2, check, xi - 0.4, xi + 0.4, label="" if text in shown else text)
        shown.add(text)
    ax2.set_yscale("symlog", linthresh=1)
    ax2.set_xticks(x, [c.replace(" ", "\n") for c in conditions], fontsize=8)
    ax2.set_ylabel("updates that raised E, all loads and cues (1)")
    ax2.set_title("B  rises: none with symmetric T and T_ii >= 0", fontsize=10)
    ax2.set_ylim(-0.5, max(10.0, float(rises.max()) * 5))
    ax2.legend(fontsize=7.5, loc="upper left")

    per = ds.sync_period
    two = np.argwhere(per.values == 2)
    lyap = find_check(checks, "sync_lyapunov_rises")
    if two.size:
        a_i, c_i = two[-1]
        steps = ds.step.values
        ax3.plot(steps, ds.sync_energy.values[a_i, c_i], "o-", ms=3, color=_ORANGE,
                 label="E(t) of a run ending in a 2-cycle")
        ax3.plot(ds.transition.values + 0.5, ds.sync_lyapunov.values[a_i, c_i], "s-", ms=3,
                 color=_BLUE, label="two-step L(t) = -s(t+1)^T T s(t) / N^2")
        ax3.set_title(f"C  synchronous run at alpha = {float(ds['load'].values[a_i]):g}: "
                      "L never rises, E may"
                      + (f"\n(rises of L, all runs: {lyap.value:g}, target "
                         f"{target_text(lyap)}: {_passed(lyap)})" if lyap else ""),
                      fontsize=10)
    else:
        ax3.set_title("C  no synchronous run ended in a 2-cycle", fontsize=10)
    ax3.set_xlim(-0.5, min(20, ds.sizes["step"]))
    ax3.set_xlabel("synchronous step t (1)")
    ax3.set_ylabel("energy per neuron (1)")
    ax3.legend(fontsize=7.5)

    loads = ds["load"].values
    width = 0.8 / 3
    groups = [("fixed point", per == 1, _BLUE), ("2-cycle", per == 2, _ORANGE),
              (f"longer cycle (3..{ds.attrs['max_period']})", per > 2, _PURPLE)]
    for g, (label, mask, color) in enumerate(groups):
        ax4.bar(np.arange(loads.size) + (g - 1) * width, mask.mean("cue").values, width,
                color=color, label=label)
    longer = find_check(checks, "sync_longer_cycle_fraction")
    for k in range(loads.size):
        target_segment(ax4, longer, k + width / 2, k + 1.5 * width,
                       label=(f"target (Goles 1985 / Bruck 1990): longer cycles "
                              f"{target_text(longer)}" if k == 0 and longer is not None
                              else ""))
    unsettled = find_check(checks, "sync_unsettled_fraction")
    count = find_check(checks, "sync_two_cycle_count")
    notes = [f"{name}: {c.value:g} (target {target_text(c)})" for name, c in
             (("not in a cycle", unsettled), ("runs in a 2-cycle", count)) if c is not None]
    ax4.set_xticks(np.arange(loads.size), [f"alpha = {a:g}" for a in loads])
    ax4.set_ylabel(f"fraction of {ds.sizes['cue']} random cues (1)")
    ax4.set_ylim(-0.03, 1.1)
    ax4.set_title("D  where synchronous dynamics end"
                  + (f"\n({'; '.join(notes)})" if notes else ""), fontsize=10)
    ax4.legend(fontsize=7.5, loc="upper right")
    return fig
