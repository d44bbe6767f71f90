"""Figures of the spiking-network experiments: ``network.cuba``, ``network.brunel2000``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.plotting import TARGET_STYLE, new_figure

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from engramlab.core import Target

__all__ = ["plot_brunel", "plot_cuba"]

_E, _I, _GREY = "#4c72b0", "#c44e52", "#7f7f7f"
_PANEL_COLORS = {"A": "#4c72b0", "B": "#dd8452", "C": "#55a868", "D": "#8172b2"}
_REGIME = {"A": "synchronous regular", "B": "synchronous irregular, fast",
           "C": "asynchronous irregular", "D": "synchronous irregular, slow"}


def _target(targets: Sequence[Target], metric: str) -> Target | None:
    return next((t for t in targets if t.metric == metric), None)


def _threshold(t: Target) -> float:
    """The bound a one-sided target sets on its metric."""
    return t.value - t.tolerance if t.compare == "at_least" else t.value + t.tolerance


def _smooth(rate: np.ndarray, width: int) -> np.ndarray:
    if width <= 1:
        return rate
    kernel = np.ones(width) / width
    return np.convolve(rate, kernel, mode="same")


def plot_cuba(ds: xr.Dataset, targets: Sequence[Target] = ()) -> Figure:
    """Raster of a subset, population rate, and the ISI CV histogram, targets drawn."""
    fig = new_figure(14.0, 4.6)
    ax1, ax2, ax3 = fig.subplots(1, 3, width_ratios=[1.2, 1.2, 1.0])
    n_e, n_i = int(ds.attrs["n_E"]), int(ds.attrs["n_I"])
    duration = float(ds.attrs["duration_ms"])
    t, i = ds.spike_time.values, ds.spike_neuron.values
    show_e, show_i = min(n_e, 200), min(n_i, 50)
    sel_e = i < show_e
    sel_i = (i >= n_e) & (i < n_e + show_i)
    ax1.plot(t[sel_e], i[sel_e], "|", color=_E, ms=2.5, label=f"E (first {show_e})")
    ax1.plot(t[sel_i], i[sel_i] - n_e + show_e, "|", color=_I, ms=2.5,
             label=f"I (first {show_i})")
    ax1.set_xlim(0, duration)
    ax1.set_ylim(-1, show_e + show_i + 1)
    ax1.set_xlabel("time (ms)")
    ax1.set_ylabel("neuron (1)")
    ax1.set_title(f"A  raster, {show_e + show_i} of {n_e + n_i} neurons (no input after "
                  "t = 0)", fontsize=10)
    ax1.legend(fontsize=7.5, loc="upper right")

    rate = ds.rate.values
    time = ds.time.values
    mean = ds.spike_time.size / ((n_e + n_i) * duration * 1e-3)
    ax2.plot(time, rate, color=_GREY, linewidth=0.5, label="1-ms bins")
    ax2.plot(time, _smooth(rate, 10), color="k", linewidth=1.2, label="10-ms average")
    ax2.axhline(mean, color=_E, linewidth=1, linestyle=":",
                label=f"mean {mean:.2f} Hz")
    end = _target(targets, "rate_end_over_mean")
    if end is not None:
        w = float(ds.attrs["end_window_ms"])
        lo, hi = mean * (end.value - end.tolerance), mean * (end.value + end.tolerance)
        ax2.plot([duration - w, duration], [lo, lo], **TARGET_STYLE,
                 label=f"self-sustained: final {w:g} ms within ±{end.tolerance:.0%}")
        ax2.plot([duration - w, duration], [hi, hi], **TARGET_STYLE)
    intrinsic = _target(targets, "rate_over_intrinsic")
    if intrinsic is not None:
        nu0 = float(ds.attrs["intrinsic_rate_hz"])
        cap = _threshold(intrinsic) * nu0
        ax2.axhline(cap, color=TARGET_STYLE["color"], linewidth=1, linestyle=":",
                    label=f"inhibition-dominated: < {cap:.1f} Hz (isolated: {nu0:.1f} Hz)")
    ax2.set_xlim(0, duration)
    ax2.set_ylim(0, max(float(np.nanmax(_smooth(rate, 10))) * 1.6, 1.0))
    ax2.set_xlabel("time (ms)")
    ax2.set_ylabel("population rate (Hz)")
    ax2.set_title("B  population rate: self-sustained, asynchronous", fontsize=10)
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
    cvt = _target(targets, "cv_isi")
    if cvt is not None:
        ax3.axvline(_threshold(cvt), **TARGET_STYLE,
                    label=f"target: CV >= {_threshold(cvt):.2g} (irregular)")
    ax3.set_xlabel("CV of the interspike intervals (1)")
    ax3.set_ylabel("neurons (1)")
    ax3.set_title(f"C  CV of {int(ok.sum())} neurons with >= 2 intervals",
                  fontsize=10)
    ax3.legend(fontsize=7.5)
    return fig


def _raster(ax: Axes, ds: xr.Dataset, k: int, t0: float, t1: float, n_show: int) -> None:
    sel = ((ds.spike_panel.values == k) & (ds.spike_neuron.values < n_show)
           & (ds.spike_time.values >= t0) & (ds.spike_time.values < t1))
    ax.plot(ds.spike_time.values[sel], ds.spike_neuron.values[sel], "|", color="k", ms=2)
    ax.set_xlim(t0, t1)
    ax.set_ylim(-1, n_show)
    ax.set_ylabel("neuron (1)")
    ax.tick_params(labelbottom=False)


def plot_brunel(ds: xr.Dataset, targets: Sequence[Target] = (),
                metrics: Mapping[str, float] | None = None,
                spectra: Mapping[str, tuple[np.ndarray, np.ndarray]] | None = None) -> Figure:
    """Brunel's Fig. 8: raster of 50 neurons and global activity per panel, summary.

    ``metrics`` are the experiment's (``rate_A``, ``cv_A``, ``chi_A``, ``f_peak_A``...);
    ``spectra`` map a panel to ``(frequencies_hz, power)`` of its global activity.
    """
    fig = new_figure(15.0, 10.0)
    grid = fig.add_gridspec(3, 4, height_ratios=[0.8, 1.0, 1.2])
    panels = [str(p) for p in ds.panel.values]
    t_start = float(ds.attrs["transient_ms"])
    n_show = min(50, int(ds.attrs["n_recorded"]))
    got = dict(metrics or {})
    metrics_of = [{key: got.get(f"{key}_{p}", float("nan"))
                   for key in ("rate", "cv", "chi", "f_peak")} for p in panels]
    for k, name in enumerate(panels):
        stop = float(ds.duration.values[k])
        width = 100.0 if name == "A" else 200.0
        t0 = max(t_start, stop - width)
        top = fig.add_subplot(grid[0, k])
        _raster(top, ds, k, t0, stop, n_show)
        g, nu = float(ds.g.values[k]), float(ds.nu_ext_over_thr.values[k])
        top.set_title(f"{name}  g = {g:g}, nu_ext/nu_thr = {nu:g}\n{_REGIME.get(name, '')}",
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
        mf = float(ds.meanfield_rate.values[k])
        if name == "C" and np.isfinite(mf):
            bottom.axhline(mf, **TARGET_STYLE, label=f"mean field (Siegert) {mf:.1f} Hz")
        bottom.set_xlabel("time (ms)")
        bottom.set_ylabel("global activity (Hz)")
        bottom.set_title(f"rate {mean:.1f} Hz, CV {metrics_of[k]['cv']:.2f}, "
                         f"chi {metrics_of[k]['chi']:.2f}", fontsize=9)
        bottom.legend(fontsize=7, loc="upper right")

    spec = fig.add_subplot(grid[2, :2])
    for name, (freqs, power) in (spectra or {}).items():
        ok = (freqs >= 2.0) & (freqs <= 1000.0)
        f_pk = got.get(f"f_peak_{name}", float("nan"))
        spec.loglog(freqs[ok], power[ok], color=_PANEL_COLORS.get(name, "k"),
                    linewidth=1, label=f"{name}: peak {f_pk:.0f} Hz")
    for metric, label in (("f_peak_B", "B"), ("f_peak_D", "D")):
        tgt = _target(targets, metric)
        if tgt is not None:
            spec.axvspan(tgt.value - tgt.tolerance, tgt.value + tgt.tolerance,
                         color=TARGET_STYLE["color"], alpha=0.08)
            spec.axvline(tgt.value, **TARGET_STYLE,
                         label=f"{label} target {tgt.value:g} ± {tgt.tolerance:g} Hz")
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
            tgt = _target(targets, metric)
            if tgt is None:
                continue
            off = -0.36 if metric.startswith("cv") else 0.0
            bars.plot([k + off, k + off + 0.36], [_threshold(tgt)] * 2, **TARGET_STYLE)
    bars.plot([], [], **TARGET_STYLE, label="target bound")
    bars.set_xticks(x, [f"{p}\n{_REGIME.get(p, '')}" for p in panels], fontsize=8)
    bars.set_ylabel("CV, chi (1)")
    bars.set_ylim(0, 1.3)
    bars.set_title("F  irregularity (CV) and synchrony (chi, 1-ms bins) per regime",
                   fontsize=10)
    bars.legend(fontsize=7.5, loc="upper right")
    return fig
