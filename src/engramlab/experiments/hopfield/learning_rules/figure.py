"""Figure of ``hopfield.learning-rules``: exact fixed points under the Hebb, Storkey and
pseudo-inverse rules, and the absolute capacity against N."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.memory import ags_critical_load
from engramlab.memory.rules import crossing
from engramlab.plotting import TARGET_STYLE, bounds, find_check, new_figure, target_text
from engramlab.plotting.displays import plain_log_ticks, target_segment

from . import storkey_finite_n_shape

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_RULE_COLORS = {"hebb": "#4c72b0", "storkey": "#dd8452", "pinv": "#55a868"}


def _capacity(ds: xr.Dataset, rule: str, n: int) -> float:
    sel = ds.sel(rule=rule, n_neurons=n)
    valid = sel.n_patterns.values > 0
    return crossing(sel.n_patterns.values[valid].astype(float), sel.fixed_fraction.values[valid])


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """A: fixed-point fraction vs P. B: capacity vs N with the formulas and the checked
    bounds. C: the pseudo-inverse keeps every pattern, random or correlated."""
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
    ax_a.axvline(1.0, color="grey", lw=0.8, ls="-.", label="P = asymptotic formula")
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
        caps = [_capacity(ds, rule, int(n)) for n in sizes]
        ax_b.plot(sizes, caps, "o", color=_RULE_COLORS[rule], label=f"{rule}: measured")
        ax_b.plot(n_fine, formula, color=_RULE_COLORS[rule], lw=1.0, label=label)
    # Hebb: measured / finite-N theory within the checked band, per N.
    hebb = [find_check(checks, f"hebb_capacity_over_finite_n_theory@N={n}") for n in sizes]
    if all(c is not None for c in hebb):
        theory = ds.hebb_finite_n_capacity.values
        lo = np.array([bounds(c)[0] for c in hebb if c is not None])
        hi = np.array([bounds(c)[1] for c in hebb if c is not None])
        mid = np.array([c.target for c in hebb if c is not None])
        ax_b.fill_between(sizes, theory * lo, theory * hi, color=TARGET_STYLE["color"],
                          alpha=0.12, linewidth=0)
        ax_b.plot(sizes, theory * mid, **TARGET_STYLE,
                  label=f"target: Hebb = finite-N theory ± {100 * hebb[0].tolerance:g} %"
                  if hebb[0] is not None else None)
    # Storkey: the asymptotic formula as a lower bound, per N.
    storkey = [find_check(checks, f"storkey_capacity_over_formula@N={n}") for n in sizes]
    if all(c is not None for c in storkey):
        formula_n = ds.formula_capacity.sel(rule="storkey").values
        floor = np.array([bounds(c)[0] for c in storkey if c is not None])
        ax_b.plot(sizes, formula_n * floor, "^", color="grey", ms=5, mfc="none",
                  label="consistency: Storkey >= N / sqrt(2 ln N)")
    slope = find_check(checks, "storkey_capacity_slope")
    if slope is not None:
        caps = np.array([_capacity(ds, "storkey", int(n)) for n in sizes])
        shape = np.array([storkey_finite_n_shape(int(n)) for n in sizes])
        scale = float(np.exp(np.nanmean(np.log(caps / shape))))  # drawn through the data
        ax_b.plot(n_fine, scale * np.array([storkey_finite_n_shape(int(n)) for n in n_fine]),
                  **TARGET_STYLE,
                  label=f"target: Storkey slope {target_text(slope, '.3f')} "
                        f"(shape N / z_N, x {scale:.2f})")
    alpha_c, _ = ags_critical_load()
    ax_b.plot(n_fine, alpha_c * n_fine, color="grey", lw=0.8, ls=":",
              label=f"{alpha_c:.3f} N (AGS)")
    ax_b.set_xscale("log")
    ax_b.set_yscale("log")
    plain_log_ticks(ax_b.xaxis, sizes)
    lo_y, hi_y = ax_b.get_ylim()
    plain_log_ticks(ax_b.yaxis, [t for t in (2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
                                  if lo_y <= t <= hi_y])
    shape = [c for c in (find_check(checks, "hebb_ratio_decreases_with_n"),
                         find_check(checks, "storkey_gain_grows_with_n")) if c is not None]
    ax_b.set_xlabel("number of neurons N (1)")
    ax_b.set_ylabel("absolute capacity P_c (patterns) (1)")
    ax_b.set_title("B  absolute capacity vs N" + (
        f"\n(trends in N checked: {'passed' if all(c.passed for c in shape) else 'FAILED'})"
        if shape else ""), fontsize=10)
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
    fixed = find_check(checks, "pinv_min_fixed_fraction")
    target_segment(ax_c, fixed, p.min() / n_pinv, p.max() / n_pinv,
                   label=f"target: pseudo-inverse, all fixed points ({target_text(fixed)})"
                   if fixed is not None else None)
    zero = find_check(checks, "pinv_zero_diag_min_fixed_fraction")
    if zero is not None:
        ax_c.plot([], [], " ", label=f"zero diagonal: min fraction {zero.value:g} "
                                     f"(target {target_text(zero)})")
    residual = float(ds.pinv_residual.max())
    res_check = find_check(checks, "pinv_max_residual")
    ax_c.set_xlabel(f"load P / N, N = {n_pinv}, up to P = N - 1 (1)")
    ax_c.set_ylabel("fraction of stored patterns that are fixed points (1)")
    ax_c.set_title(f"C  random and correlated (overlap {ds.attrs['correlation'] ** 2:g})"
                   f"\npseudo-inverse: max |h - xi| = {residual:.1e}"
                   + (f" (target {target_text(res_check)})" if res_check is not None else ""),
                   fontsize=10)
    ax_c.legend(fontsize=6.5, loc="center right")
    ax_c.set_ylim(-0.03, 1.1)
    return fig

