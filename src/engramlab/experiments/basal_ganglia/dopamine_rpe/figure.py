"""Figure of ``basal-ganglia.dopamine-rpe``: the dopamine response moving from the reward
to the CS over trials, beside the value it learns; the probes; PsyNeuLink's curves."""

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

_PROBE_COLORS = {"rewarded": "#4c72b0", "omission": "#c44e52", "early reward": "#55a868"}


def _time_s(ds: xr.Dataset, steps: np.ndarray) -> np.ndarray:
    """Time from CS onset (s)."""
    return (steps - int(ds.cs_step)) * float(ds.dt_ms) / 1000.0


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Six panels: delta(t) over training trials (surface), delta and V on chosen trials,
    the probes (omission, early reward) with Schultz et al.'s shape, PsyNeuLink's
    protocol, discounting, and reduced dopamine bursts."""
    fig = new_figure(14.0, 8.6)
    (a, b, c), (d, e, f) = fig.subplots(2, 3)
    cs, rw = int(ds.cs_step), int(ds.reward_step)
    win = np.arange(cs - 4, ds.sizes["step"])
    t = _time_s(ds, win)
    dt_s = float(ds.dt_ms) / 1000.0
    t_rw = (rw - cs) * dt_s

    # (a) the dopamine response over trials: a surface as an image
    delta = ds.delta_train.values[:, win]
    im = a.imshow(delta, aspect="auto", origin="lower", cmap="RdBu_r", vmin=-1, vmax=1,
                  extent=(t[0] - dt_s / 2, t[-1] + dt_s / 2, 0.5, delta.shape[0] + 0.5))
    cb = fig.colorbar(im, ax=a, label="dopamine response delta (reward units)")
    cb.ax.set_title("delta", fontsize=8)
    for x, lab in ((0.0, "CS"), (t_rw, "reward")):
        a.axvline(x, color="k", lw=0.6, ls=":")
        a.text(x, 0.97 * delta.shape[0], lab, ha="center", va="top", fontsize=8,
               bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    a.set_xlabel("time from CS onset (s)")
    a.set_ylabel("training trial (number)")
    a.set_title("The burst moves from the reward to the CS")

    # (b) behaviour beside activity: value (anticipation) and delta on chosen trials
    n = ds.sizes["trial"]
    chosen = sorted({1, max(1, n // 10), max(1, n // 3), n})
    cmap = [str(g) for g in np.linspace(0.75, 0.0, len(chosen))]
    for tr, col in zip(chosen, cmap, strict=True):
        b.plot(t, ds.delta_train.sel(trial=tr).values[win], "-", color=col,
               label=f"delta, trial {tr}")
        b.plot(t, ds.value_train.sel(trial=tr).values[win], "--", color=col, lw=1.0)
    b.plot([], [], "k--", lw=1.0, label="value V (anticipation), same trials")
    b.axvline(0, color="k", lw=0.5, ls=":")
    b.axvline(t_rw, color="k", lw=0.5, ls=":")
    b.set_xlabel("time from CS onset (s)")
    b.set_ylabel("delta, V (reward units)")
    b.set_title("Value (behaviour) beside the dopamine response")
    b.legend(fontsize=7, loc="upper left")

    # (c) probes after training, and the published shape (Schultz et al. 1997, Fig. 1)
    for probe in ds.probe.values:
        c.plot(t, ds.delta_probe.sel(probe=probe).values[win], "-o", ms=2.5,
               color=_PROBE_COLORS.get(str(probe), "k"), label=f"after training: {probe}")
    c.plot(t, ds.delta_train.sel(trial=1).values[win], "-", color="0.6", lw=1.0,
           label="before training (trial 1)")
    early_t = (int(ds.early_step) - cs) * dt_s
    for name, x in (("trained_cs_minus_reward", 0.0), ("naive_reward_minus_cs", t_rw),
                    ("omission_delta", t_rw)):
        ck = find_check(checks, name)
        if ck is not None:
            target_segment(c, ck, x - 0.25, x + 0.25,
                           label=f"Schultz et al. 1997 Fig. 1: {ck.description.split(':')[0]}"
                                 f" {target_text(ck)}")
    ck = find_check(checks, "early_dip")
    if ck is not None:
        c.annotate("TD predicts this dip;\nneurons may lack it\n(Hollerman & Schultz 1998)",
                   (t_rw, ck.value), (0.1, -0.9), fontsize=7,
                   arrowprops={"arrowstyle": "->", "lw": 0.6})
    c.axvline(early_t, color=_PROBE_COLORS["early reward"], lw=0.5, ls=":")
    c.set_xlabel("time from CS onset (s)")
    c.set_ylabel("dopamine response delta (reward units)")
    c.set_title("Probes: reward, omission, early reward")
    c.set_ylim(-1.3, 2.3)
    c.legend(fontsize=6, loc="upper left", ncol=2)

    # (d) PsyNeuLink's protocol, trial by trial, with their logged values
    steps = ds.step.values
    for j, tr in enumerate(ds.pnl_checked.values):
        col = ["#4c72b0", "#c44e52", "#55a868"][j % 3]
        d.plot(steps[cs - 2:], ds.delta_pnl.sel(pnl_trial=tr).values[cs - 2:], "-",
               color=col, label=f"engramlab, trial {tr}")
        d.plot(steps, ds.pnl_expected.values[j], "o", mfc="none", color=col, ms=4,
               label=f"PsyNeuLink (logged, index + 1), trial {tr}")
    ck = find_check(checks, "psyneulink_max_abs_diff")
    extra = f" (max |diff| {ck.value:.1e})" if ck is not None else ""
    d.set_xlabel("TD step of the 60-step trial (CS at 41, reward at 54)")
    d.set_ylabel("delta (reward units)")
    d.set_title("PsyNeuLink's MontagueDayanSejnowski96 protocol" + extra, fontsize=9)
    d.legend(fontsize=6.5, loc="lower left")

    # (e) discounting: delta at CS onset converges to gamma^T
    dd = ds.delta_discount.values[:, int(ds.discount_cs)]
    e.plot(ds.discount_trial.values, dd, "-", color="#8172b2", label="delta at CS onset")
    ck = find_check(checks, "discounted_cs_delta")
    if ck is not None:
        target_segment(e, ck, float(ds.discount_trial[0]), float(ds.discount_trial[-1]),
                       label=f"theory gamma^T = 0.9^10 = {ck.target:.4f} "
                             f"(± {ck.tolerance:g})")
    e.set_xlabel("training trial")
    e.set_ylabel("delta at CS onset (reward units)")
    e.set_title(f"Discounting (gamma = {float(ds.discount_gamma):g}, T = 10 steps)")
    e.legend(fontsize=8, loc="lower right")

    # (f) reduced dopamine bursts: slower learning of the CS value
    tr_ax = ds.trial.values
    f.plot(tr_ax, ds.value_train.values[:, cs], "-", color="0.2", label="control")
    f.plot(tr_ax, ds.value_reduced.values[:, cs], "-", color="#dd8452",
           label=f"bursts x {float(ds.burst_reduced):g} (Dopamine effect)")
    f.plot(tr_ax, ds.delta_reduced.values[:, rw], ":", color="#dd8452", lw=1.0,
           label="its dopamine output at the reward")
    f.set_xlabel("training trial")
    f.set_ylabel("V at CS onset (reward units)")
    f.set_title("Reduced dopamine bursts slow learning")
    f.set_ylim(-0.05, 1.1)
    f.legend(fontsize=8, loc="center right")
    return fig
