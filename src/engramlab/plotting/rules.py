"""Figures of the storage-rule experiments: Hebb / Storkey / pseudo-inverse, sparse coding."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.memory.rules import crossing
from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["plot_learning_rules", "plot_sparse"]

_RULE_COLORS = {"hebb": "#4c72b0", "storkey": "#dd8452", "pinv": "#55a868"}


def plot_learning_rules(ds: xr.Dataset) -> Figure:
    """Fixed-point fraction vs P; capacity vs N with the formulas; pseudo-inverse check."""
    fig = new_figure(13.5, 4.5)
    ax_a, ax_b, ax_c = fig.subplots(1, 3, width_ratios=[1.2, 1.0, 1.0])
    sizes = ds.n_neurons.values
    # Lighter lines for smaller networks.
    shades = np.linspace(0.3, 1.0, sizes.size)
    for rule, marker in (("hebb", "o"), ("storkey", "s")):
        for n, shade in zip(sizes, shades, strict=True):
            sel = ds.sel(rule=rule, n_neurons=n)
            valid = sel.n_patterns.values > 0
            x = sel.n_patterns.values[valid] / float(sel.formula_capacity)
            ax_a.plot(x, sel.fixed_fraction.values[valid], marker=marker, ms=3, lw=1.2,
                      color=_RULE_COLORS[rule], alpha=float(shade),
                      label=f"{rule}, N = {n}")
    ax_a.axhline(0.5, color="grey", lw=0.8, ls=":", label="capacity criterion (1/2)")
    ax_a.axvline(1.0, **TARGET_STYLE, label="P = formula (Hebb / Storkey)")
    ax_a.set_xlabel("P / asymptotic capacity of the rule (1)")
    ax_a.set_ylabel("fraction of stored patterns that are fixed points (1)")
    ax_a.set_title("A  exact fixed points vs number of patterns", fontsize=10)
    ax_a.legend(fontsize=6.5, ncol=2, loc="upper right")
    ax_a.set_ylim(-0.03, 1.03)

    n_fine = np.geomspace(sizes.min() * 0.8, sizes.max() * 1.25, 200)
    for rule, formula, label in (
        ("hebb", n_fine / (2 * np.log(n_fine)), "N / (2 ln N)  (McEliece et al. 1987)"),
        ("storkey", n_fine / np.sqrt(2 * np.log(n_fine)), "N / sqrt(2 ln N)  (Storkey 1997)"),
    ):
        caps = [crossing(ds.sel(rule=rule, n_neurons=n).n_patterns.values[
                    ds.sel(rule=rule, n_neurons=n).n_patterns.values > 0].astype(float),
                          ds.sel(rule=rule, n_neurons=n).fixed_fraction.values[
                    ds.sel(rule=rule, n_neurons=n).n_patterns.values > 0]) for n in sizes]
        ax_b.plot(sizes, caps, "o", color=_RULE_COLORS[rule], label=f"{rule}: measured")
        ax_b.plot(n_fine, formula, color=_RULE_COLORS[rule], lw=1.0, label=label)
    ax_b.plot(sizes, ds.hebb_finite_n_capacity.values, **TARGET_STYLE,
              label="Hebb, same argument at finite N (target)")
    ax_b.plot(n_fine, 0.138 * n_fine, color="grey", lw=0.8, ls=":", label="0.138 N (AGS)")
    ax_b.set_xscale("log")
    ax_b.set_yscale("log")
    _plain_log_ticks(ax_b.xaxis, sizes)
    lo, hi = ax_b.get_ylim()
    _plain_log_ticks(ax_b.yaxis, [t for t in (2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
                                  if lo <= t <= hi])
    ax_b.set_xlabel("number of neurons N (1)")
    ax_b.set_ylabel("absolute capacity P_c (patterns) (1)")
    ax_b.set_title("B  absolute capacity vs N", fontsize=10)
    ax_b.legend(fontsize=6.5, loc="lower right")

    p = ds.pinv_p.values
    n_pinv = int(ds.attrs["pinv_n_neurons"])
    for kind, ls in (("random", "-"), ("correlated", "--")):
        sel = ds.sel(pattern_kind=kind)
        ax_c.plot(p / n_pinv, sel.hebb_fixed_fraction_pinv_set, marker="o", ms=3, ls=ls,
                  color=_RULE_COLORS["hebb"], label=f"Hebb, {kind}")
        ax_c.plot(p / n_pinv, sel.storkey_fixed_fraction_pinv_set, marker="s", ms=3, ls=ls,
                  color=_RULE_COLORS["storkey"], label=f"Storkey, {kind}")
        ax_c.plot(p / n_pinv, sel.pinv_fixed_fraction, marker="^", ms=4, ls=ls,
                  color=_RULE_COLORS["pinv"], label=f"pseudo-inverse, {kind}")
    ax_c.plot([p.min() / n_pinv, p.max() / n_pinv], [1.0, 1.0], **TARGET_STYLE,
              label="pseudo-inverse: all fixed points (exact)")
    residual = float(ds.pinv_residual.max())
    ax_c.set_xlabel(f"load P / N, N = {n_pinv}, up to P = N - 1 (1)")
    ax_c.set_ylabel("fraction of stored patterns that are fixed points (1)")
    ax_c.set_title(f"C  random and correlated patterns (overlap {ds.attrs['correlation'] ** 2:g})"
                   f"\npseudo-inverse: max |h_i - xi_i| = {residual:.1e}", fontsize=10)
    ax_c.legend(fontsize=6.5, loc="center right")
    ax_c.set_ylim(-0.03, 1.1)
    return fig


def plot_sparse(ds: xr.Dataset) -> Figure:
    """Retrieved fraction vs load per coding level; capacity vs a with 1/(2a ln(1/a))."""
    from matplotlib import colormaps

    fig = new_figure(12.0, 4.5)
    ax_a, ax_b = fig.subplots(1, 2, width_ratios=[1.2, 1.0])
    levels = ds.coding_level.values
    colors = colormaps["viridis"](np.linspace(0.0, 0.85, levels.size))
    caps, best = [], []
    for a, color in zip(levels, colors, strict=True):
        loads = ds["load"].sel(coding_level=a).values
        per_theta = np.array([crossing(loads, ds.retrieved.sel(coding_level=a,
                                                                 threshold=t).values)
                              for t in ds.threshold.values])
        j = int(np.nanargmax(per_theta)) if np.isfinite(per_theta).any() else 0
        caps.append(per_theta[j] if np.isfinite(per_theta).any() else np.nan)
        best.append(float(ds.threshold.values[j]))
        ax_a.plot(loads, ds.retrieved.sel(coding_level=a).isel(threshold=j), "o-", ms=3,
                  color=color, label=f"a = {a:g} (best theta = {best[-1]:g})")
    ax_a.axhline(0.5, color="grey", lw=0.8, ls=":", label="capacity criterion (1/2)")
    alpha_c = float(ds.attrs["alpha_c_hopfield"])
    ax_a.axvline(alpha_c, **TARGET_STYLE, label=f"dense Hopfield alpha_c = {alpha_c:.3f}")
    ax_a.set_xscale("log")
    ax_a.set_xlabel("load alpha = P / N (1)")
    ax_a.set_ylabel(f"fraction of cues retrieved (overlap >= "
                    f"{ds.attrs['retrieval_overlap']:g}) (1)")
    ax_a.set_title(f"A  retrieval vs load, N = {ds.attrs['n_neurons']}, best threshold",
                   fontsize=10)
    ax_a.legend(fontsize=7.5, loc="lower left")
    ax_a.set_ylim(-0.03, 1.05)

    # The formula is an a -> 0 asymptote: drawn only up to a = 0.25.
    a_fine = np.geomspace(levels.min() * 0.7, max(0.25, levels.max()), 200)
    ax_b.plot(a_fine, 1.0 / (2 * a_fine * np.log(1 / a_fine)), **TARGET_STYLE,
              label="Tsodyks & Feigel'man: 1 / (2 a ln(1/a)), a -> 0")
    ax_b.plot(levels, caps, "o-", color="#4c72b0", label="measured capacity (best theta)")
    ax_b.axhline(alpha_c, color="grey", lw=0.8, ls=":", label="dense Hopfield 0.138")
    ax_b.set_xscale("log")
    ax_b.set_yscale("log")
    _plain_log_ticks(ax_b.xaxis, levels)
    lo, hi = ax_b.get_ylim()
    _plain_log_ticks(ax_b.yaxis, [t for t in (0.138, 0.25, 0.5, 1, 2, 4, 8, 16) if lo <= t <= hi])
    ax_b.invert_xaxis()
    ax_b.set_xlabel("coding level a (fraction of active units) (1)")
    ax_b.set_ylabel("capacity alpha_c = P_max / N (1)")
    ax_b.set_title("B  capacity rises as coding gets sparser", fontsize=10)
    ax_b.legend(fontsize=7.5, loc="upper left")
    return fig


def _plain_log_ticks(axis, ticks) -> None:
    """Plain numbers (not 3 x 10^1) on a log axis; major ticks at ``ticks`` if given."""
    from matplotlib.ticker import FormatStrFormatter, NullFormatter

    if ticks is not None:
        axis.set_ticks(list(ticks))
    axis.set_major_formatter(FormatStrFormatter("%g"))
    axis.set_minor_formatter(NullFormatter())
