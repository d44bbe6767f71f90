"""Figure of ``plasticity.frequency-stdp``: dw/w vs pairing frequency, models vs the data
of Sjöström et al. 2001, with the targets of the run's checks."""

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

from . import LTD_UP_TO_HZ, LTP_FROM_HZ

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_COLORS = ("#4c72b0", "#dd8452")  # dt > 0, dt < 0
_SHIFT = (0.95, 1.05)  # the two timings side by side on the log frequency axis


def _data(ax: Axes, ds: xr.Dataset, label: str = "") -> None:
    """The published points (mean +- SEM), from the dataset."""
    fd = ds.f_data.values
    for i, marker in enumerate(("o", "s")):
        dt = float(ds.timing.values[i])
        ax.errorbar(fd * _SHIFT[i], ds.data_dw.values[i], yerr=ds.data_sem.values[i],
                    marker=marker, ms=5, capsize=2, ls="none", color="0.15",
                    mfc="white" if i else "0.15",
                    label=f"Sjöström et al. 2001, dt = {dt:+g} ms (mean +- SEM)"
                          + (label if i else ""))


def _crossover(ax: Axes, checks: Sequence[Check], name: str, what: str) -> None:
    check = find_check(checks, name)
    draw_target(ax, check, axis="x", color="#7f7f7f",
                label=f"target: dt < 0 turns to LTP at {target_text(check)} Hz ({what})"
                if check else None)


def _chi2_text(check: Check | None, what: str) -> str:
    """'; chi^2 p = 0.68 vs target >= 0.05' for the data's legend entry."""
    if check is None:
        return ""
    verdict = "" if check.passed else (" NOT REPRODUCED" if check.deviation else " FAIL")
    return (f";\n{what}: chi^2 p = {check.value:.2g} (target {target_text(check)})"
            f"{verdict}")


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Left: triplet STDP. Right: the Graupner-Brunel calcium rule. Both vs the data,
    under Sjöström's literal protocol (solid) and the model paper's continuous one
    (dotted)."""
    fig = new_figure(12.5, 4.8)
    ax_a, ax_b = fig.subplots(1, 2)
    f = ds.freq.values
    fd = ds.f_data.values
    lit = f"{ds.attrs['n_trains']} x {ds.attrs['pairs_per_train']} pairs (Sjöström)"
    sim_chi2 = find_check(checks, "gb_sim_chi2_per_point")
    for i in range(2):
        dt = float(ds.timing.values[i])
        c = _COLORS[i]
        ax_a.plot(f, ds.triplet_dw.values[i], color=c, lw=2, label=f"dt = {dt:+g} ms, {lit}")
        ax_a.plot(f, ds.triplet_dw_continuous.values[i], color=c, lw=1.2, ls=":",
                  label=f"dt = {dt:+g} ms, {ds.attrs['triplet_n_pairs']} pairs at f "
                        "(the fit's protocol)")
        ax_b.plot(f, ds.gb_dw.values[i], color=c, lw=2, label=f"dt = {dt:+g} ms, {lit}")
        ax_b.plot(f, ds.gb_dw_continuous.values[i], color=c, lw=1.2, ls=":",
                  label=f"dt = {dt:+g} ms, {ds.attrs['gb_n_pairs']} pairs at f "
                        "(the paper's protocol)")
        n = int(ds.attrs["n_synapses"])
        pu = ds.gb_p_up_expected.values[i]
        pd = ds.gb_p_down_expected.values[i]
        # Binomial error of the simulated change: U and D enter w_after / w_before
        # with weights beta (b - 1) / norm and (1 - beta)(b - 1) / norm.
        beta, b = float(ds.attrs["gb_beta"]), float(ds.attrs["gb_b"])
        norm = beta + (1 - beta) * b
        err = (b - 1) / norm * np.sqrt((beta ** 2 * pu * (1 - pu)
                                        + (1 - beta) ** 2 * pd * (1 - pd)) / n)
        sim = (f"dt = {dt:+g} ms, stochastic simulation, {ds.attrs['gb_n_pairs']} pairs "
               f"at f ({n} + {n} synapses)")
        if sim_chi2 is not None and i == 1:
            sim += f";\nchi^2 / point vs theory {target_text(sim_chi2)}"
        ax_b.errorbar(fd, ds.gb_dw_sim.values[i], yerr=err, fmt="^",
                      ms=5, color=c, mec="k", mew=0.5, capsize=2, label=sim)
    trip = _chi2_text(find_check(checks, "triplet_chi2_p"), "15 x 5")
    trip += _chi2_text(find_check(checks, "triplet_continuous_chi2_p"),
                       f"{ds.attrs['triplet_n_pairs']} pairs")
    _data(ax_a, ds, trip)
    _crossover(ax_a, checks, "triplet_continuous_crossover_hz_post_pre",
               f"{ds.attrs['triplet_n_pairs']} pairs")
    # Calcium rule: chi^2 against the data, the signs below / above, the crossover.
    _data(ax_b, ds, _chi2_text(find_check(checks, "gb_chi2_p"), "15 x 5"))
    ltd = find_check(checks, "gb_post_pre_max_dw_up_to_20hz")
    if ltd is not None:
        ax_b.plot([f[0], LTD_UP_TO_HZ], [bounds(ltd)[1]] * 2, **TARGET_STYLE,
                  label=f"target: dt < 0 dw/w {target_text(ltd)} up to {LTD_UP_TO_HZ:g} Hz")
    ltp = find_check(checks, "gb_min_dw_from_40hz")
    if ltp is not None:
        ax_b.plot([LTP_FROM_HZ, f[-1]], [bounds(ltp)[0]] * 2, **TARGET_STYLE,
                  label=f"target: both dw/w {target_text(ltp)} from {LTP_FROM_HZ:g} Hz")
    _crossover(ax_b, checks, "gb_crossover_hz_post_pre", "15 x 5")
    for ax in (ax_a, ax_b):
        ax.axhline(0.0, color="0.5", lw=0.8)
        ax.set_xscale("log")
        ax.set_xlabel("pairing frequency f (Hz)")
        ax.legend(fontsize=6, loc="upper left")
    lo = min(ax_a.get_ylim()[0], ax_b.get_ylim()[0])
    hi = max(ax_a.get_ylim()[1], ax_b.get_ylim()[1])
    for ax in (ax_a, ax_b):
        ax.set_ylim(lo, hi)
    ax_a.set_ylabel("weight change dw / w (1)")
    ax_a.set_title("Triplet STDP (Pfister & Gerstner 2006, all-to-all fit)")
    ax_b.set_title(f"Calcium rule (Graupner & Brunel 2012, '{ds.attrs['gb_set']}')")
    ax_b.set_ylabel("weight change w_after / w_before - 1 (1)")
    return fig
