"""Figure of ``connectionism.graceful-degradation``: recall of a distributed (Hopfield)
and a localist memory under growing lesions of synapses and of neurons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import (
    TARGET_STYLE,
    bounds,
    draw_target,
    find_check,
    new_figure,
    target_text,
)
from engramlab.plotting.displays import target_segment

from . import GRADUAL_MAX, _probe_index

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_BLUE, _ORANGE, _GREY = "#4c72b0", "#dd8452", "#7f7f7f"


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: overlap vs fraction of synapses deleted. B: items recalled and overlap vs
    fraction of neurons removed. C: how unevenly the damage falls on the items."""
    fig = new_figure(13.5, 4.6)
    ax1, ax2, ax3 = fig.subplots(1, 3)
    f = ds.fraction.values
    k = ds.sizes["item"]
    mean = ds.overlap.mean(("network", "item"))
    sem = ds.overlap.std(("network", "item")) / np.sqrt(ds.sizes["network"] * k)
    colors = {"distributed": _BLUE, "localist": _ORANGE}
    for mem in ds.memory.values:
        m, s = mean.sel(memory=mem, lesion="synapses").values, \
            sem.sel(memory=mem, lesion="synapses").values
        ax1.errorbar(f, m, yerr=s, fmt="o-", ms=3.5, capsize=2, color=colors[str(mem)],
                     label=f"{mem} memory")
    alpha, alpha_c = float(ds.attrs["load"]), float(ds.attrs["alpha_c"])
    ax1.plot(f, ds.diluted_theory.values, color="#333333", linewidth=1.0, zorder=4,
             label="static synaptic noise alpha (1 - c) / c (Sompolinsky 1986)")
    ax1.plot(f, ds.load_view_theory.values, color=_GREY, linewidth=0.8, linestyle=":",
             label=f"intact network at load alpha / c (breaks at f = "
                   f"{1 - alpha / alpha_c:.3f})")
    probe = _probe_index(f)
    name = f"distributed_synapse_overlap@f={f[probe]:g}"
    at_probe = find_check(checks, name)
    draw_target(ax1, at_probe, at=float(f[probe]),
                label=f"target at f = {f[probe]:.2f}: overlap {target_text(at_probe)}"
                if at_probe is not None else None)
    tol = find_check(checks, "distributed_synapse_tolerance")
    draw_target(ax1, tol, axis="x",
                label=f"target: overlap falls below {ds.attrs['recalled_overlap']:g} at f "
                      f"{target_text(tol, '.3f')}" if tol is not None else None)
    ax1.plot(f, 1 - f, color=_GREY, linewidth=0.8, linestyle="-.",
             label="1 - f (read-out loses the deleted bits)")
    ax1.set_xlabel("fraction of synapses deleted f (1)")
    ax1.set_ylabel("mean overlap of recalled pattern with item (1)")
    ax1.set_title(f"A  synapse lesions, N = {ds.attrs['n_neurons']}, K = {k} "
                  f"(alpha = {alpha:g})", fontsize=10)
    ax1.set_ylim(-0.05, 1.08)
    ax1.legend(fontsize=6.5, loc="lower left")

    rec = ds.recalled.mean(("network", "item"))
    q = 1.0 - np.rint(f * k) / k
    for mem in ds.memory.values:
        ax2.plot(f, rec.sel(memory=mem, lesion="neurons").values, "o-", ms=3.5,
                 color=colors[str(mem)], label=f"{mem}: items recalled")
        ax2.plot(f, mean.sel(memory=mem, lesion="neurons").values, "s:", ms=3,
                 color=colors[str(mem)], mfc="none", label=f"{mem}: mean overlap")
    exact = find_check(checks, "localist_neuron_recall_error")
    if exact is not None:
        ax2.plot(f, q, **TARGET_STYLE, zorder=4,
                 label=f"target, localist: 1 - round(f K) / K, error {target_text(exact)}")
    grad = f <= GRADUAL_MAX
    err = find_check(checks, "distributed_neuron_overlap_error")
    if err is not None:
        hi = bounds(err)[1]
        n = int(ds.attrs["n_neurons"])
        ideal = 1.0 - np.rint(f[grad] * n) / n
        ax2.fill_between(f[grad], ideal - hi, ideal + hi, color=TARGET_STYLE["color"],
                         alpha=0.15, linewidth=0,
                         label=f"target, distributed overlap: 1 - f ± {hi:g} "
                               f"(f <= {GRADUAL_MAX:g})")
    every = find_check(checks, "distributed_neuron_recalled_min")
    target_segment(ax2, every, 0.0, GRADUAL_MAX,
                   label=f"target, distributed items recalled {target_text(every)} "
                         f"(f <= {GRADUAL_MAX:g})" if every is not None else None,
                   color=_BLUE)
    ax2.set_xlabel("fraction of neurons / item units removed f (1)")
    ax2.set_ylabel("fraction of items recalled; mean overlap (1)")
    ax2.set_title("B  neuron lesions: localist loses whole items", fontsize=10)
    ax2.set_ylim(-0.05, 1.08)
    ax2.legend(fontsize=6.5, loc="lower left")

    spread = ds.overlap.std("item").mean("network")
    for mem in ds.memory.values:
        ax3.plot(f, spread.sel(memory=mem, lesion="neurons").values, "o-", ms=3.5,
                 color=colors[str(mem)], label=f"{mem} memory")
    excess = find_check(checks, "localist_spread_excess")
    ax3.plot(f, np.sqrt(q * (1 - q)), **({**TARGET_STYLE, "linestyle": "-."} if excess
                                          else {"color": _GREY, "linestyle": "--"}),
             label="item by item: sqrt(q (1 - q)), q = items kept" + (
                 f"\n(target: localist mean s.d. - its mean {target_text(excess)})"
                 if excess is not None else ""))
    flat = find_check(checks, "distributed_spread_neurons")
    draw_target(ax3, flat, label=f"target: distributed mean s.d. {target_text(flat)}"
                if flat is not None else None)
    ax3.set_xlabel("fraction of neurons / item units removed f (1)")
    ax3.set_ylabel("across-item s.d. of the overlap (1)")
    ax3.set_title("C  how unevenly the damage falls on items", fontsize=10)
    ax3.set_ylim(-0.02, 0.6)
    ax3.legend(fontsize=6.5, loc="upper left")
    return fig
