"""Figure of ``conditioning.rescorla-wagner``: the five designs, strengths beside behaviour."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import find_check, new_figure, target_text
from engramlab.plotting.targets import draw_target

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_C = {"A": "#4c72b0", "X": "#c44e52", "B": "#55a868", "cr": "0.25", "theory": "0.55"}


def _m(x: xr.DataArray) -> np.ndarray:
    return np.asarray(x.mean("subject").values)


def _ratio(a: float | np.ndarray, b: float | np.ndarray) -> np.ndarray:
    """``a / b``, NaN where ``b`` is 0 (a CS that learned nothing)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.divide(a, b, out=np.full(np.broadcast(a, b).shape, np.nan), where=b != 0)


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Acquisition and extinction against their closed forms, conditioned inhibition,
    the behaviour (suppression ratio) over training, blocking with Kamin's published
    shape, overshadowing, and the summation test of the inhibitor."""
    from engramlab.experiments.conditioning.rescorla_wagner import (
        AB,
        AB0,
        acquisition_closed_form,
    )

    fig = new_figure(17.0, 8.2)
    (a, b, c, d), (e, f, g, h) = fig.subplots(2, 4)
    lam = float(ds.attrs.get("us_intensity", 1.0))

    # (a) acquisition: V_A per trial and the closed form of the rule
    n = ds.acq_trial.values
    a.plot(n, _m(ds.acq_v), "o", ms=3, color=_C["A"], label="V_A, model (after trial n)")
    nn = np.arange(0, n[-1] + 1)
    a.plot(nn, [acquisition_closed_form(int(k)) for k in nn], "-", color=_C["theory"],
           lw=1, label=f"λ[1 − (1 − αβ)^n], αβ = {AB:g}")
    first = True
    for k in (10, 20, 50):
        ck = find_check(checks, f"v_acquisition_{k}")
        draw_target(a, ck, at=float(k), label="targets (theory, ± 1e-9)" if first else "")
        first = first and ck is None
    a.set_xlabel("A+ trial n")
    a.set_ylabel("associative strength V_A (US units)")
    a.set_title("(a) Acquisition")
    a.set_ylim(-0.02, 1.1 * lam)
    a.legend(fontsize=8, loc="lower right")

    # (b) extinction: V_n / V_0 and the geometric law
    m = ds.ext_trial.values
    v0 = _m(ds.acq_v.isel(acq_trial=-1))
    b.plot(m, _ratio(_m(ds.ext_v), v0), "o", ms=3, color=_C["A"], label="V_A / V_0, model")
    mm = np.arange(0, m[-1] + 1)
    b.plot(mm, (1 - AB0) ** mm, "-", color=_C["theory"], lw=1,
           label=f"(1 − αβ₀)^n, αβ₀ = {AB0:g}")
    first = True
    for k in (10, 20):
        ck = find_check(checks, f"extinction_ratio_{k}")
        draw_target(b, ck, at=float(k), label="targets (theory)" if first else "")
        first = first and ck is None
    b.set_xlabel("A− trial n (after acquisition)")
    b.set_ylabel("V_A / V_A before extinction (1)")
    b.set_title("(b) Extinction: geometric decay")
    b.set_ylim(0, 1.05)
    b.legend(fontsize=8)

    # (c) conditioned inhibition: A+ / AX- interleaved
    t = ds.inh_trial.values
    c.plot(t, _m(ds.inh_v_a), color=_C["A"], label="V_A (excitor)")
    c.plot(t, _m(ds.inh_v_x), color=_C["X"], label="V_X (inhibitor)")
    draw_target(c, find_check(checks, "inhibition_v_a"), label="")
    draw_target(c, find_check(checks, "inhibition_v_x"),
                label="targets ±λ (theory: the fixed point)")
    c.axhline(0, color="0.8", lw=0.8)
    c.set_xlabel("training trial (A+ and AX− alternate)")
    c.set_ylabel("associative strength (US units)")
    c.set_title("(c) Conditioned inhibition: V_X → −λ")
    c.set_ylim(-1.2 * lam, 1.2 * lam)
    c.legend(fontsize=8, loc="center right")

    # (d) behaviour over acquisition and extinction: the CR and the suppression ratio
    x_acq, x_ext = n, n[-1] + m
    d.plot(x_acq, _m(ds.acq_sr), color=_C["cr"], label="suppression ratio (A+ trials)")
    d.plot(x_ext, _m(ds.ext_sr), color=_C["cr"], ls=":", label="suppression ratio "
                                                               "(A− trials)")
    d.axvline(n[-1] + 0.5, color="0.8", lw=0.8)
    d.set_xlabel("trial (acquisition, then extinction)")
    d.set_ylabel("suppression ratio B / (A + B) (1)")
    d.set_ylim(0, 0.55)
    d.set_title("(d) Behaviour: conditioned suppression\n"
                f"(CR = ΣV before the US; 1 / (1 + e^(k CR/λ)), "
                f"k = {ds.attrs.get('suppression_gain', 0):g})", fontsize=9)
    d.legend(fontsize=8, loc="center")

    # (e) blocking: strengths through pretraining and compound
    n_pre = int(ds.attrs.get("n_pretraining", ds.sizes.get("pre_trial", 0)))
    k_c = ds.comp_trial.values
    e.plot(ds.pre_trial.values, _m(ds.pre_v_a), color=_C["A"], label="V_A, blocking group")
    for design, ls in (("blocking", "-"), ("blocking control", "--")):
        sub = ds.sel(design=design)
        e.plot(n_pre + k_c, _m(sub.comp_v_x), ls, color=_C["X"], label=f"V_X, {design}",
               marker="x" if design == "blocking control" else None, ms=4)
        if design == "blocking control":
            e.plot(n_pre + k_c, _m(sub.comp_v_a), ls, color=_C["A"],
                   label="V_A, control (= V_X: equal saliences)")
    e.axvline(n_pre + 0.5, color="0.8", lw=0.8)
    e.text(n_pre / 2, 1.02 * lam, "A+ (blocking group only)", ha="center", fontsize=8)
    e.text(n_pre + k_c[-1] / 2, 1.02 * lam, "AX+", ha="center", fontsize=8)
    e.set_xlabel("trial")
    e.set_ylabel("associative strength (US units)")
    e.set_title("(e) Blocking (Kamin 1969): strengths")
    e.set_ylim(-0.02, 1.1 * lam)
    e.legend(fontsize=8, loc="center left")

    # (f) blocking: behaviour at the test of X alone, with the published shape
    labels = ["blocking\n(A+ then AX+)", "control\n(AX+ only)"]
    names = ("suppression_ratio_blocked", "suppression_ratio_control")
    srs = [float(_m(ds.test_sr.sel(design=g))) for g in ("blocking", "blocking control")]
    f.bar([0, 1], srs, color=[_C["X"], "0.6"], width=0.6, alpha=0.85)
    for i, (name, v) in enumerate(zip(names, srs, strict=True)):
        ck = find_check(checks, name)
        draw_target(f, ck, at=float(i), label=f"Kamin 1969 shape: {target_text(ck)}"
                    if ck is not None else "")
        vx = float(_m(ds.test_cr.sel(design=("blocking", "blocking control")[i])))
        f.text(i, v + 0.015, f"{v:.3f}\n(V_X = {vx:.3f})", ha="center", fontsize=8)
    f.axhline(0.5, color="0.7", lw=0.8, ls=":")
    f.text(1.45, 0.505, "no suppression", fontsize=7, ha="right", color="0.5")
    f.set_xticks([0, 1], labels)
    f.set_xlim(-0.6, 1.6)
    f.set_ylim(0, 0.65)
    f.set_ylabel("suppression ratio to X alone (1)")
    f.set_title("(f) Blocking: test behaviour\n(targets: the published shape)")
    if f.get_legend_handles_labels()[0]:
        f.legend(fontsize=7, loc="upper right")

    # (g) overshadowing
    va = float(_m(ds.ov_v_a.isel(comp_trial=-1)))
    vb = float(_m(ds.ov_v_b.isel(comp_trial=-1)))
    vb1 = float(_m(ds.alone_v_b.isel(comp_trial=-1)))
    g.bar([0, 1, 2], [va, vb, vb1], color=[_C["A"], _C["B"], "0.6"], width=0.6)
    g.set_xticks([0, 1, 2], ["V_A\n(AB+)", "V_B\n(AB+)", "V_B\n(B+ alone)"])
    for i, v in enumerate((va, vb, vb1)):
        g.text(i, v + 0.01, f"{v:.3f}", ha="center", fontsize=8)
    ck = find_check(checks, "overshadowing_v_a_over_v_b")
    ck2 = find_check(checks, "overshadowing_b_compound_over_alone")
    lines = [f"V_A / V_B = {float(_ratio(va, vb)):.4f}"]
    if ck is not None:
        lines.append(f"  target α_A/α_B: {target_text(ck, '.4g')}")
    lines.append(f"V_B(AB+) / V_B(B+) = {float(_ratio(vb, vb1)):.4f}")
    if ck2 is not None:
        lines.append(f"  target (theory): {target_text(ck2, '.4g')}")
    g.text(0.98, 0.97, "\n".join(lines), transform=g.transAxes, ha="right", va="top",
           fontsize=8, color="#c0392b")
    g.set_ylabel(f"associative strength after {ds.sizes['comp_trial']} trials (US units)")
    g.set_title("(g) Overshadowing")
    g.set_ylim(0, 1.0 * lam)

    # (h) behaviour of the inhibitor: the CR at the summation test
    cr = _m(ds.inh_test_cr)
    acq_cr = float(_m(ds.acq_cr.isel(acq_trial=-1)))
    h.bar([0, 1, 2], [acq_cr, cr[0], cr[1]], color=[_C["A"], "0.6", _C["X"]], width=0.6)
    h.set_xticks([0, 1, 2], ["A (end of\nacquisition)", "AX\n(test)", "X alone\n(test)"])
    for i, v in enumerate((acq_cr, cr[0], cr[1])):
        h.text(i, v + (0.03 if v >= 0 else -0.1), f"{v:.2f}", ha="center", fontsize=8)
    h.axhline(0, color="0.5", lw=0.8)
    h.set_ylabel("CR = prediction ΣV (US units)")
    h.set_ylim(-1.2 * lam, 1.2 * lam)
    h.set_title("(h) Inhibitor: X cancels A's CR\n(negative CR: no behaviour alone)")
    return fig
