"""Figures of the attractor experiments: spurious states, energy, graceful degradation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_energy", "plot_graceful_degradation", "plot_spurious_states"]

_BLUE, _ORANGE, _GREEN, _GREY = "#4c72b0", "#dd8452", "#55a868", "#7f7f7f"


def plot_spurious_states(ds: xr.Dataset) -> Figure:
    """Mixture overlap and survival vs load; energies per neuron at the lowest load."""
    fig = new_figure(13.0, 4.4)
    ax1, ax2, ax3 = fig.subplots(1, 3, width_ratios=[1.2, 1.0, 1.0])
    loads = ds["load"].values
    limit = float(ds.attrs["ags_mixture_limit"])
    m = ds.mixture_overlap
    mean = m.mean(("network", "mixture", "component")).values
    sd = m.std(("network", "mixture", "component")).values
    ax1.errorbar(loads, mean, yerr=sd, fmt="o-", color=_BLUE, capsize=3,
                 label="final state (mean ± s.d. over components and starts)")
    ax1.plot(loads, ds.start_overlap.mean(("network", "mixture", "component")).values,
             "s", color=_GREY, ms=4, mfc="none", label="start sgn(xi1 + xi2 + xi3)")
    ax1.axhline(float(ds.attrs["mixture_overlap_theory"]), **TARGET_STYLE,
                label="AGS 1985: m = 1/2 (alpha -> 0)")
    ax1.axvline(limit, color=_GREY, linestyle=":", label=f"AGS 1987: stable up to ~{limit:g}")
    ax1.set_xlabel("load alpha = P / N (1)")
    ax1.set_ylabel("overlap with each mixture component (1)")
    ax1.set_title(f"A  3-mixture overlap vs load, N = {ds.attrs['n_neurons']}", fontsize=10)
    ax1.set_ylim(-0.05, 0.75)
    ax1.legend(fontsize=7.5, loc="lower left")

    frac = ds.still_mixture.mean(("network", "mixture")).values
    fixed = ds.fixed_point.mean(("network", "mixture")).values
    ax2.plot(loads, frac, "o-", color=_BLUE, label="still a mixture of the same 3 patterns")
    ax2.plot(loads, fixed, "^--", color=_ORANGE, ms=4, label="start was already a fixed point")
    ax2.axvline(limit, **TARGET_STYLE, label=f"AGS 1987 stability limit alpha ~ {limit:g}")
    ax2.set_xlabel("load alpha = P / N (1)")
    ax2.set_ylabel("fraction of mixture starts (1)")
    ax2.set_title("B  3-mixtures dissolve near alpha ~ 0.03", fontsize=10)
    ax2.set_ylim(-0.05, 1.05)
    ax2.legend(fontsize=7.5, loc="center left")

    low = ds.isel(load=0)
    groups = [("stored xi", low.pattern_energy.values.ravel(), _BLUE),
              ("reversed -xi", low.reversed_energy.values.ravel(), _ORANGE),
              ("3-mixture", low.mixture_energy.values.ravel(), _GREEN)]
    for x, (_, vals, color) in enumerate(groups):
        jitter = np.linspace(-0.15, 0.15, vals.size) if vals.size > 1 else np.zeros(1)
        ax3.plot(x + jitter, vals, "o", color=color, ms=3, alpha=0.5)
        ax3.plot([x - 0.25, x + 0.25], [vals.mean()] * 2, color="black", linewidth=2)
    e_pat = float(ds.attrs["pattern_energy_theory"])
    e_mix = float(ds.attrs["mixture_energy_theory"])
    ax3.plot([-0.4, 1.4], [e_pat, e_pat], **TARGET_STYLE, label="theory -1/2 (pattern)")
    ax3.plot([1.6, 2.4], [e_mix, e_mix], **TARGET_STYLE)
    ax3.text(2.45, e_mix + 0.004, "-3/8", color=TARGET_STYLE["color"], ha="right",
             va="bottom", fontsize=8)
    ax3.set_xticks(range(len(groups)), [g[0] for g in groups])
    ax3.set_xlim(-0.6, 2.6)
    ax3.set_ylim(-0.56, -0.3)
    ax3.set_ylabel("energy per neuron E / N^2 (1)")
    ax3.set_title(f"C  energies at alpha = {float(low['load']):g} (black: mean)", fontsize=10)
    ax3.legend(fontsize=7.5, loc="upper left")
    return fig


def plot_energy(ds: xr.Dataset) -> Figure:
    """Asynchronous energy traces and rises per condition; synchronous cycles."""
    fig = new_figure(13.0, 8.0)
    (ax1, ax2), (ax3, ax4) = fig.subplots(2, 2)
    n = int(ds.attrs["n_neurons"])
    conditions = [str(c) for c in ds.condition.values]
    colors = dict(zip(conditions, [_BLUE, _GREEN, _ORANGE, "#8172b2"], strict=False))
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
    ax1.legend(fontsize=7.5, title="weights", title_fontsize=8)

    rises = ds.async_increases.sum(("load", "cue")).values
    updates = ds.async_updates.sum("load").values * ds.sizes["cue"]
    x = np.arange(len(conditions))
    ax2.bar(x, rises, color=[colors[c] for c in conditions])
    for xi, r, u in zip(x, rises, updates, strict=True):
        ax2.text(xi, max(r, 0) + 0.5, f"{int(r)} of {int(u)}", ha="center", va="bottom",
                 fontsize=8)
    ax2.plot([-0.4, 1.4], [0, 0], **TARGET_STYLE, label="Hopfield 1982 / Bruck 1990: 0 rises")
    ax2.set_yscale("symlog", linthresh=1)
    ax2.set_xticks(x, [c.replace(" ", "\n") for c in conditions], fontsize=8)
    ax2.set_ylabel("updates that raised E, all loads and cues (1)")
    ax2.set_title("B  rises: none with symmetric T and T_ii >= 0", fontsize=10)
    ax2.set_ylim(-0.5, max(10.0, float(rises.max()) * 5))
    ax2.legend(fontsize=7.5, loc="upper left")

    per = ds.sync_period
    two = np.argwhere(per.values == 2)
    if two.size:
        a_i, c_i = two[-1]
        steps = ds.step.values
        ax3.plot(steps, ds.sync_energy.values[a_i, c_i], "o-", ms=3, color=_ORANGE,
                 label="E(t) of a run ending in a 2-cycle")
        ax3.plot(ds.transition.values + 0.5, ds.sync_lyapunov.values[a_i, c_i], "s-", ms=3,
                 color=_BLUE, label="two-step L(t) = -s(t+1)^T T s(t) / N^2")
        ax3.set_title(f"C  synchronous run at alpha = {float(ds['load'].values[a_i]):g}: "
                      "L never rises, E may", fontsize=10)
    else:
        ax3.set_title("C  no synchronous run ended in a 2-cycle", fontsize=10)
    ax3.set_xlim(-0.5, min(20, ds.sizes["step"]))
    ax3.set_xlabel("synchronous step t (1)")
    ax3.set_ylabel("energy per neuron (1)")
    ax3.legend(fontsize=7.5)

    loads = ds["load"].values
    width = 0.8 / 3
    groups = [("fixed point", per == 1, _BLUE), ("2-cycle", per == 2, _ORANGE),
              (f"longer cycle (3..{ds.attrs['max_period']})", per > 2, "#8172b2")]
    for g, (label, mask, color) in enumerate(groups):
        ax4.bar(np.arange(loads.size) + (g - 1) * width, mask.mean("cue").values, width,
                color=color, label=label)
    for k in range(loads.size):
        ax4.plot([k + width / 2, k + 1.5 * width], [0, 0], **TARGET_STYLE,
                 label="Goles 1985 / Bruck 1990: no longer cycle" if k == 0 else None)
    ax4.set_xticks(np.arange(loads.size), [f"alpha = {a:g}" for a in loads])
    ax4.set_ylabel(f"fraction of {ds.sizes['cue']} random cues (1)")
    ax4.set_ylim(-0.03, 1.1)
    ax4.set_title("D  where synchronous dynamics end", fontsize=10)
    ax4.legend(fontsize=7.5, loc="upper right")
    return fig


def plot_graceful_degradation(ds: xr.Dataset) -> Figure:
    """Recall vs lesion fraction for the distributed and the localist memory."""
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
    ax1.plot(f, ds.diluted_theory.values, **TARGET_STYLE, zorder=4,
             label="intact network at load alpha / c (Sompolinsky 1986, SNR view)")
    ax1.axvline(1 - alpha / alpha_c, color=_GREY, linestyle=":",
                label=f"f* = 1 - alpha / alpha_c = {1 - alpha / alpha_c:.2f}")
    ax1.plot(f, 1 - f, color=_GREY, linewidth=0.8, linestyle="-.",
             label="1 - f (read-out loses the deleted bits)")
    ax1.set_xlabel("fraction of synapses deleted f (1)")
    ax1.set_ylabel("mean overlap of recalled pattern with item (1)")
    ax1.set_title(f"A  synapse lesions, N = {ds.attrs['n_neurons']}, K = {k} "
                  f"(alpha = {alpha:g})", fontsize=10)
    ax1.set_ylim(-0.05, 1.08)
    ax1.legend(fontsize=7, loc="lower left")

    rec = ds.recalled.mean(("network", "item"))
    q = 1.0 - np.rint(f * k) / k
    for mem in ds.memory.values:
        ax2.plot(f, rec.sel(memory=mem, lesion="neurons").values, "o-", ms=3.5,
                 color=colors[str(mem)], label=f"{mem}: items recalled")
        ax2.plot(f, mean.sel(memory=mem, lesion="neurons").values, "s:", ms=3,
                 color=colors[str(mem)], mfc="none", label=f"{mem}: mean overlap")
    ax2.plot(f, q, **TARGET_STYLE, zorder=4,
             label="localist: 1 - round(f K) / K (exact)")
    ax2.set_xlabel("fraction of neurons / item units removed f (1)")
    ax2.set_ylabel("fraction of items recalled; mean overlap (1)")
    ax2.set_title("B  neuron lesions: localist loses whole items", fontsize=10)
    ax2.set_ylim(-0.05, 1.08)
    ax2.legend(fontsize=7, loc="lower left")

    spread = ds.overlap.std("item").mean("network")
    for mem in ds.memory.values:
        ax3.plot(f, spread.sel(memory=mem, lesion="neurons").values, "o-", ms=3.5,
                 color=colors[str(mem)], label=f"{mem} memory")
    ax3.plot(f, np.sqrt(q * (1 - q)), **TARGET_STYLE,
             label="item by item: sqrt(q (1 - q)), q = items kept")
    ax3.set_xlabel("fraction of neurons / item units removed f (1)")
    ax3.set_ylabel("across-item s.d. of the overlap (1)")
    ax3.set_title("C  how unevenly the damage falls on items", fontsize=10)
    ax3.set_ylim(-0.02, 0.6)
    ax3.legend(fontsize=7, loc="upper left")
    return fig
