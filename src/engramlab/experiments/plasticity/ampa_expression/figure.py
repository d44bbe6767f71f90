"""Figure of ``plasticity.ampa-expression``: surface AMPA receptors and EPSC amplitude
against time after HFS and LFS, with and without AP5, and the signs they are checked on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, bounds, find_check, new_figure, target_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_COLORS = {"HFS": "#c44e52", "LFS": "#4c72b0"}


def _change_target(ax: Axes, check: Check | None, base: float, t_min: float,
                   proto: str) -> None:
    """A bound on the % change from ``base`` (the check's scale), drawn in the axes' units
    at the time the change is read."""
    if check is None:
        return
    lo, hi = bounds(check)
    up = check.compare == "at_least"
    y = base * (1 + (lo if up else hi) / 100.0)
    ax.plot([t_min - 4.0, t_min + 4.0], [y, y], **TARGET_STYLE)
    ax.plot(t_min, y, "^" if up else "v", ms=8, color=TARGET_STYLE["color"],
            label=f"{proto}: change {target_text(check)} % expected")


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Surface AMPA receptors and EPSC amplitude vs time for HFS, LFS and with AP5."""
    fig = new_figure(12.0, 4.6)
    ax_a, ax_b = fig.subplots(1, 2)
    t = ds.time.values / 60.0
    for proto in ds.protocol.values:
        c = _COLORS.get(str(proto), "#55a868")
        for drug, style in (("none", "-"), ("AP5", "o")):
            lab = f"{proto}" + (" + AP5" if drug == "AP5" else "")
            sel = {"protocol": proto, "drug": drug}
            every = 60 if drug == "AP5" else 1
            kw = {"ms": 3.5, "markevery": (30 if proto == "LFS" else 0, every)}
            ax_a.plot(t, ds.n_surface.sel(sel).values, style, color=c, lw=1.6, label=lab,
                      **kw)
            ax_b.plot(t, ds.epsc.sel(sel).values, style, color=c, lw=1.6, label=lab, **kw)
    n0 = float(ds.attrs["n_rest"])
    e0 = float(ds.attrs["epsc_rest_pa"])
    read = float(ds.attrs["read_after_min"])
    for ax, base, what in ((ax_a, n0, "n"), (ax_b, e0, "epsc")):
        ap5 = [c for p in ("hfs", "lfs")
               if (c := find_check(checks, f"{p}_ap5_max_abs_{what}_change_pct")) is not None]
        if ap5:
            ax.axhline(base, **TARGET_STYLE, label="rest: AP5 leaves it, |change| "
                       + " / ".join(sorted({target_text(c) for c in ap5})) + " %")
        else:
            ax.axhline(base, color="0.5", lw=0.8, label="rest")
        for proto in ("HFS", "LFS"):
            _change_target(ax, find_check(checks, f"{proto.lower()}_{what}_change_pct"),
                           base, read, proto)
        ax.axvline(0.0, color="0.5", lw=0.8)
        ax.axvline(read, color="0.5", lw=0.8, ls=":", label="change read here")
        ax.set_xlabel("time from the start of stimulation (min)")
        ax.legend(fontsize=7, loc="upper right")
    lo = np.nanmin(ds.n_surface.values)
    hi = np.nanmax(ds.n_surface.values)
    ax_a.set_ylim(lo - 0.1 * (hi - lo), hi + 0.45 * (hi - lo))
    lo = np.nanmin(ds.epsc.values)
    hi = np.nanmax(ds.epsc.values)
    ax_b.set_ylim(lo - 0.1 * (hi - lo), hi + 0.45 * (hi - lo))
    ax_a.set_ylabel("surface AMPA receptors N (1)")
    ax_a.set_title("Receptor number: kinase inserts, phosphatase removes")
    ax_b.set_ylabel("EPSC amplitude at -70 mV (pA)")
    ax_b.set_title("EPSC = N x conductance (rises with S831 phosphorylation)")
    return fig
