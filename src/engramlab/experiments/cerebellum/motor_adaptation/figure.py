"""Figure of ``cerebellum.motor-adaptation``: gain over days beside its two sites."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, find_check, new_figure, target_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """VOR gain over days (control, LTD-blocked, cortex-blocked tests), the cortical vs
    nuclear shares, and the LTD-block prediction beside Schonewille et al. 2011."""
    fig = new_figure(14.0, 4.6)
    a, b, c = fig.subplots(1, 3)
    day = ds.day.values
    m = float(ds.attrs["magnification"])
    g = ds.gain.mean("subject")
    a.plot(day, g.sel(genotype="control"), "o-", color="0.2", label="control")
    a.plot(day, g.sel(genotype="PF-LTD blocked"), "s--", color="#c44e52",
           label="PF-LTD blocked (model)")
    bl = ds.blocked_gain.mean("subject")
    a.plot(ds.block_day.values, bl, "v", color="#4c72b0", ms=9,
           label="cortex blocked at the test")
    a.axhline(m, **TARGET_STYLE, label=f"lens magnification x{m:g} (published target)")
    ck = find_check(checks, "converged_fraction")
    if ck is not None:  # the band of gains that pass: 1 ± tol of the way there
        g_first = float(g.sel(genotype="control").values[0])
        lo = g_first - (ck.target + ck.tolerance) * (g_first - m)
        hi = g_first - (ck.target - ck.tolerance) * (g_first - m)
        a.axhspan(min(lo, hi), max(lo, hi), color=TARGET_STYLE["color"], alpha=0.12,
                  label="day-3 gains that pass")
    if ck is not None:
        a.text(0.02, 0.93, f"converged {ck.value:.0%} of the way (target {target_text(ck)})",
               transform=a.transAxes, fontsize=8)
    a.set_xlabel("day of training (0: baseline)")
    a.set_ylabel("VOR gain in darkness (eye / head)")
    a.set_title("Behaviour: gain-down adaptation\n(Kassardjian et al. 2005 design)")
    a.set_ylim(0, 1.3)
    a.legend(fontsize=7, loc="lower left")
    # the two sites
    g0 = float(g.sel(genotype="control").values[0])
    cortex = ds.cortex_gain.mean("subject").sel(genotype="control").values
    nucleus = ds.nucleus_gain.mean("subject").sel(genotype="control").values - g0
    b.plot(day, cortex, "o-", color="#dd8452", label="cortex (PF-Purkinje, fast)")
    b.plot(day, nucleus, "o-", color="#55a868", label="nucleus (MF-VN, slow)")
    b.axhline(0, color="0.7", lw=0.8)
    for name, x in (("retained_blocked_day1", 1.0),
                    ("retained_blocked_day3", float(day[-1]))):
        ckb = find_check(checks, name)
        if ckb is not None:
            b.annotate(f"left under block {ckb.value:.2f}\n(published {target_text(ckb)})",
                       (x, 0.5 * float(np.nanmin(nucleus))), ha="center", fontsize=8)
    b.set_xlabel("day of training")
    b.set_ylabel("learned change of the gain at each site (1)")
    b.set_title("Activity: the memory moves from cortex to nucleus\n"
                "(Raymond, Lisberger & Mauk 1996)")
    b.legend(fontsize=8, loc="lower left")
    # LTD block: model vs Schonewille
    ckl = find_check(checks, "ltd_block_ratio")
    model = ckl.value if ckl is not None else float("nan")
    sch = float(ds.attrs["schonewille_ratio"])
    c.bar([0, 1], [model, sch], color=["#c44e52", "0.6"], width=0.6)
    c.set_xticks([0, 1], ["model:\nPF-LTD blocked", "Schonewille et al. 2011:\n"
                          "LTD-expression mutants"])
    c.axhline(1.0, color="0.3", ls=":", lw=1)
    c.set_ylabel("learned change / control's (1)")
    c.set_ylim(0, 1.3)
    c.set_title("Disagreement: the model needs PF-LTD,\nthe mutants adapt normally")
    c.text(1, sch + 0.03, "'no motor learning\nimpairment' (abstract)", ha="center",
           fontsize=8)
    if ckl is not None:
        c.text(0, model + 0.03, f"model prediction\n({target_text(ckl)}, consistency)",
               ha="center", fontsize=8)
    return fig
