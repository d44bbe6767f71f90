"""Figure of ``network.cuba``: raster, population rate and the CV of the interspike
intervals, with the targets of the run's checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, bounds, find_check, new_figure, target_text
from engramlab.plotting.displays import raster, rate_trace

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_E, _I, _GREY = "#4c72b0", "#c44e52", "#7f7f7f"
#: Boxcar of the smoothed population rate (1-ms bins).
_SMOOTH_BINS = 10


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Raster of a subset, population rate, and the ISI CV histogram, targets drawn."""
    fig = new_figure(14.0, 4.6)
    ax1, ax2, ax3 = fig.subplots(1, 3, width_ratios=[1.2, 1.2, 1.0])
    n_e, n_i = int(ds.attrs["n_E"]), int(ds.attrs["n_I"])
    duration = float(ds.attrs["duration_ms"])
    t, i = ds.spike_time.values, ds.spike_neuron.values
    show_e, show_i = min(n_e, 200), min(n_i, 50)
    sel_e = i < show_e
    sel_i = (i >= n_e) & (i < n_e + show_i)
    raster(ax1, t[sel_e], i[sel_e], color=_E, label=f"E (first {show_e})")
    raster(ax1, t[sel_i], i[sel_i] - n_e, offset=show_e, color=_I,
           label=f"I (first {show_i})")
    ax1.set_xlim(0, duration)
    ax1.set_ylim(-1, show_e + show_i + 1)
    ax1.set_title(f"A  raster, {show_e + show_i} of {n_e + n_i} neurons (no input after "
                  "t = 0)", fontsize=10)
    ax1.legend(fontsize=7.5, loc="upper right")

    rate = ds.rate.values
    time = ds.time.values
    mean = ds.spike_time.size / ((n_e + n_i) * duration * 1e-3)
    ax2.plot(time, rate, color=_GREY, linewidth=0.5, label="1-ms bins")
    rate_trace(ax2, time, rate, smooth_bins=_SMOOTH_BINS, color="k",
               label=f"{_SMOOTH_BINS}-ms average")
    smoothed = np.asarray(ax2.get_lines()[-1].get_ydata(), dtype=float)
    ax2.axhline(mean, color=_E, linewidth=1, linestyle=":",
                label=f"mean {mean:.2f} Hz")
    end = find_check(checks, "rate_end_over_mean")
    if end is not None:
        w = float(ds.attrs["end_window_ms"])
        lo, hi = (mean * b for b in bounds(end))
        ax2.plot([duration - w, duration], [lo, lo], **TARGET_STYLE,
                 label=f"self-sustained: final {w:g} ms within ±{end.tolerance:.0%}")
        ax2.plot([duration - w, duration], [hi, hi], **TARGET_STYLE)
    theory = find_check(checks, "rate_hz")
    if theory is not None:
        lo, hi = bounds(theory)
        ax2.axhspan(lo, hi, color=TARGET_STYLE["color"], alpha=0.08, lw=0)
        ax2.axhline(theory.target, **TARGET_STYLE,
                    label=f"mean-field theory {target_text(theory, '.2g')} Hz")
    ax2.set_xlim(0, duration)
    ax2.set_ylim(0, max(float(np.nanmax(smoothed)) * 1.6, 1.0))
    chi = find_check(checks, "synchrony_chi")
    chi_text = (f", chi {chi.value:.3f} (target {target_text(chi, '.2g')})"
                if chi is not None else "")
    ax2.set_title(f"B  population rate{chi_text}", fontsize=10)
    ax2.legend(fontsize=7, loc="upper right")

    cv = ds.cv.values
    ok = np.isfinite(cv)
    ax3.hist(cv[ok & (np.arange(cv.size) < n_e)], bins=np.linspace(0, 2, 41), color=_E,
             alpha=0.7, label="E")
    ax3.hist(cv[ok & (np.arange(cv.size) >= n_e)], bins=np.linspace(0, 2, 41), color=_I,
             alpha=0.7, label="I")
    mean_cv = float(np.nanmean(cv)) if ok.any() else float("nan")
    ax3.axvline(mean_cv, color="k", linewidth=1.2, label=f"mean CV {mean_cv:.2f}")
    ax3.axvline(1.0, color=_GREY, linewidth=1, linestyle=":", label="Poisson: CV = 1")
    cvt = find_check(checks, "cv_isi")
    if cvt is not None:
        lo, hi = bounds(cvt)
        ax3.axvspan(lo, hi, color=TARGET_STYLE["color"], alpha=0.15, lw=0,
                    label=f"regression check: CV {target_text(cvt, '.2g')}")
    ax3.set_xlabel("CV of the interspike intervals (1)")
    ax3.set_ylabel("neurons (1)")
    ax3.set_title(f"C  CV of {int(ok.sum())} neurons with >= 2 intervals",
                  fontsize=10)
    ax3.legend(fontsize=7.5)
    return fig
