"""Figure of ``network.brunel2000``: Brunel's (2000) Fig. 8 -- a raster and the global
activity of each of the four regimes -- with the spectra, CVs and synchrony measures
they are checked on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.analysis import spectral_peak
from engramlab.core import Check
from engramlab.plotting import (
    TARGET_STYLE,
    bounds,
    draw_target,
    find_check,
    new_figure,
    target_text,
)
from engramlab.plotting.displays import raster, target_segment

from . import analysed_rate, panel_metrics

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_GREY = "#7f7f7f"
_PANEL_COLORS = {"A": "#4c72b0", "B": "#dd8452", "C": "#55a868", "D": "#8172b2"}
_REGIME = {"A": "synchronous regular", "B": "synchronous irregular, fast",
           "C": "asynchronous irregular", "D": "synchronous irregular, slow"}


def _raster(ax: Axes, ds: xr.Dataset, k: int, t0: float, t1: float, n_show: int) -> None:
    sel = ((ds.spike_panel.values == k) & (ds.spike_neuron.values < n_show)
           & (ds.spike_time.values >= t0) & (ds.spike_time.values < t1))
    raster(ax, ds.spike_time.values[sel], ds.spike_neuron.values[sel], color="k", ms=2)
    ax.set_xlabel("")
    ax.set_xlim(t0, t1)
    ax.set_ylim(-1, n_show)
    ax.tick_params(labelbottom=False)


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Brunel's Fig. 8: raster of 50 neurons and global activity per panel, summary.

    Below: the spectra of the global activity (Welch) with the peak frequencies checked,
    and the CV and synchrony chi of every regime with their bounds.
    """
    fig = new_figure(15.0, 10.0)
    grid = fig.add_gridspec(3, 4, height_ratios=[0.8, 1.0, 1.2])
    panels = [str(p) for p in ds.panel.values]
    t_start = float(ds.attrs["transient_ms"])
    n_show = min(50, int(ds.attrs["n_recorded"]))
    metrics_of = [panel_metrics(ds, k) for k in range(len(panels))]
    mf_check = find_check(checks, "rate_C")
    for k, name in enumerate(panels):
        stop = float(ds.duration.values[k])
        width = 100.0 if name == "A" else 200.0
        t0 = max(t_start, stop - width)
        top = fig.add_subplot(grid[0, k])
        _raster(top, ds, k, t0, stop, n_show)
        g, nu = float(ds.g.values[k]), float(ds.nu_ext_over_thr.values[k])
        top.set_title(f"{name}  g = {g:g}, nu_ext/nu_thr = {nu:g}\n"
                      f"Brunel: {_REGIME.get(name, '')}",
                      fontsize=9.5)
        bottom = fig.add_subplot(grid[1, k], sharex=top)
        time = ds.time.values
        keep = (time >= t0) & (time < stop)
        rate = ds.rate.values[k]
        bottom.plot(time[keep], rate[keep], color=_PANEL_COLORS.get(name, "k"),
                    linewidth=0.6)
        mean = metrics_of[k]["rate"]
        bottom.axhline(mean, color=_GREY, linestyle="--", linewidth=1,
                       label=f"time average {mean:.1f} Hz")
        if name == "C" and mf_check is not None:
            lo, hi = bounds(mf_check)
            bottom.axhspan(lo, hi, color=TARGET_STYLE["color"], alpha=0.08, lw=0)
            bottom.axhline(mf_check.target, **TARGET_STYLE,
                           label=f"mean field (Siegert) {target_text(mf_check, '.3g')} Hz")
        bottom.set_xlabel("time (ms)")
        bottom.set_ylabel("global activity (Hz)")
        bottom.set_title(f"rate {mean:.1f} Hz, CV {metrics_of[k]['cv']:.2f}, "
                         f"chi {metrics_of[k]['chi']:.2f}, "
                         f"slow {metrics_of[k]['slow']:.2f}", fontsize=9)
        bottom.legend(fontsize=7, loc="upper right")

    spec = fig.add_subplot(grid[2, :2])
    bin_ms, segment_ms = float(ds.attrs["bin_ms"]), float(ds.attrs["segment_ms"])
    for k, name in enumerate(panels):
        _, _, freqs, power = spectral_peak(analysed_rate(ds, k), bin_ms,
                                           segment_ms=segment_ms)
        ok = (freqs >= 2.0) & (freqs <= 1000.0)
        spec.loglog(freqs[ok], power[ok], color=_PANEL_COLORS.get(name, "k"),
                    linewidth=1, label=f"{name}: peak {metrics_of[k]['f_peak']:.0f} Hz")
    for name in ("B", "D"):
        tgt = find_check(checks, f"f_peak_{name}")
        draw_target(spec, tgt, axis="x", label=f"{name} target {target_text(tgt, 'g')} Hz"
                    if tgt is not None else None)
    spec.set_xlabel("frequency (Hz)")
    spec.set_ylabel("power of the global activity (Hz^2 / Hz)")
    spec.set_title("E  spectra of the global activity (Welch)", fontsize=10)
    spec.legend(fontsize=7.5, ncol=2, loc="lower left")

    bars = fig.add_subplot(grid[2, 2:])
    x = np.arange(len(panels))
    cv = [m["cv"] for m in metrics_of]
    chi = [m["chi"] for m in metrics_of]
    bars.bar(x - 0.18, cv, width=0.36, color="#4c72b0", label="mean CV of ISIs")
    bars.bar(x + 0.18, chi, width=0.36, color="#dd8452", label="synchrony chi")
    for k, name in enumerate(panels):
        theory = float(ds.meanfield_cv.values[k])
        if np.isfinite(theory):
            bars.plot([k - 0.36, k], [theory, theory], color=_GREY, linestyle=":",
                      linewidth=1.5, label="CV, asynchronous theory" if k == 0 else None)
        for metric in (f"cv_{name}", f"chi_{name}"):
            off = -0.36 if metric.startswith("cv") else 0.0
            target_segment(bars, find_check(checks, metric), k + off, k + off + 0.36,
                           label="")
    bars.plot([], [], **TARGET_STYLE, label="target bound")
    bars.set_xticks(x, [f"{p}\n{_REGIME.get(p, '')}" for p in panels], fontsize=8)
    bars.set_ylabel("CV, chi (1)")
    bars.set_ylim(0, 1.3)
    bars.set_title(f"F  irregularity (CV) and synchrony (chi, "
                   f"{float(ds.attrs['chi_bin_ms']):g}-ms bins) per regime", fontsize=10)
    bars.legend(fontsize=7.5, loc="upper right")
    lines = []
    for name, what in (("chi_C_over_AB", "chi C / min(chi A, chi B)"),
                       ("chi_C_over_D", "chi C / chi D"),
                       ("slow_C_over_D", f"slow fluctuations C / D "
                                         f"({float(ds.attrs.get('slow_bin_ms', 10.0)):g}-ms "
                                         "bins)")):
        check = next((c for c in checks if c.name == name), None)
        if check is not None:
            shown = f"{check.value:.2f} (target {target_text(check, '.2g')}: {check.verdict})" \
                if check.tested else check.verdict
            lines.append(f"{what}: {shown}")
    if lines:
        bars.text(0.01, 0.98, "\n".join(lines), transform=bars.transAxes, fontsize=7,
                  va="top", ha="left")
    return fig
