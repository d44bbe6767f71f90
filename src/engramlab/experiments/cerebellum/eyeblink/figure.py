"""Figure of ``cerebellum.eyeblink``: timed CRs beside the Purkinje pause."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.analysis.responses import peak_time
from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, find_check, new_figure, target_text

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """CR time courses per ISI (US marked), the Purkinje pause, peak time vs ISI with the
    ±15 % band, the two-ISI CR and the cortex lesion."""
    from engramlab.experiments.cerebellum.eyeblink import (
        CONDITIONS,
        ISIS_MS,
        LESION_ISI_MS,
        MIXED_MS,
    )

    fig = new_figure(14.0, 8.0)
    (a, b, c), (d, e, f) = fig.subplots(2, 3)
    t = ds.time.values
    dt = float(ds.attrs["dt_ms"])
    mean = ds.cr.mean("subject")
    pk = ds.purkinje.mean("subject")
    colors = [f"C{i}" for i in range(len(ISIS_MS))]
    for isi, col in zip(ISIS_MS, colors, strict=True):
        name = f"ISI {isi} ms"
        a.plot(t, mean.sel(condition=name), color=col, label=name)
        a.axvline(isi, color=col, ls=":", lw=1)
        b.plot(t, pk.sel(condition=name), color=col)
        b.axvline(isi, color=col, ls=":", lw=1)
    a.set_xlabel("time from CS onset (ms)")
    a.set_ylabel("eyelid closure, CR (model units)")
    a.set_title("Behaviour: CRs on CS-alone probes\n(dotted: the trained US time)")
    a.legend(fontsize=8)
    b.set_xlabel("time from CS onset (ms)")
    b.set_ylabel("Purkinje cell activity (model units)")
    b.set_title("Activity: the Purkinje cell pauses before the US")
    # peak vs ISI with the band
    isis = np.array(ISIS_MS, float)
    peaks = np.array([float(peak_time(mean.sel(condition=f"ISI {i} ms").values, dt))
                      for i in ISIS_MS])
    ck = find_check(checks, "peak_error_max")
    tol = ck.tolerance if ck is not None else 0.15
    xx = np.linspace(0, isis.max() * 1.1, 50)
    c.fill_between(xx, xx * (1 - tol), xx * (1 + tol), color="0.85",
                   label=f"published: peak = ISI ± {tol:.0%} (Medina et al. 2000)")
    c.plot(xx, xx, color="0.4", lw=1, label="y = x")
    c.plot(xx, xx * (1 + tol), **TARGET_STYLE, label="band edges (published target)")
    c.plot(xx, xx * (1 - tol), **TARGET_STYLE)
    per_subject = np.array([[float(peak_time(ds.cr.sel(condition=f"ISI {i} ms",
                                                       subject=s).values, dt))
                             for i in ISIS_MS] for s in ds.subject.values])
    for row in per_subject:
        c.plot(isis, row, ".", color="0.6", ms=4)
    c.plot(isis, peaks, "o", color="#c44e52", label="model (mean CR; dots: subjects)")
    c.set_xlabel("CS-US interval (ms)")
    c.set_ylabel("CR peak time (ms)")
    title = "Peak time tracks the ISI"
    if ck is not None:
        title += f"\nlargest error {ck.value:.1%} (target {target_text(ck)})"
    c.set_title(title)
    c.legend(fontsize=8, loc="upper left")
    # two ISIs
    y2 = mean.sel(condition=CONDITIONS[-2])
    d.plot(t, y2, color="#8172b2", label="model CR")
    for i in MIXED_MS:
        d.axvline(i, color="0.3", ls=":", lw=1)
    ck2 = find_check(checks, "mixed_n_peaks")
    d.set_title("Two ISIs (200 + 700 ms) give two peaks\n(Millenson et al. 1977)"
                + (f": {ck2.value:g} peaks" if ck2 is not None else ""))
    d.set_xlabel("time from CS onset (ms)")
    d.set_ylabel("eyelid closure, CR (model units)")
    d.legend(fontsize=8)
    # lesion
    ctl = mean.sel(condition=f"ISI {LESION_ISI_MS} ms")
    les = mean.sel(condition=CONDITIONS[-1])
    e.plot(t, ctl, color="0.3", label="intact")
    e.plot(t, les, color="#c44e52", label="cortex lesioned (Purkinje output removed)")
    e.axvline(LESION_ISI_MS, color="0.3", ls=":", lw=1)
    ckl = find_check(checks, "lesion_onset_ratio")
    e.set_title("Cortex lesion: short-latency, mistimed CRs\n(Perrett et al. 1993)"
                + (f"; onset ratio {ckl.value:.2f} ({target_text(ckl)})"
                   if ckl is not None else ""))
    e.set_xlabel("time from CS onset (ms)")
    e.set_ylabel("eyelid closure, CR (model units)")
    e.legend(fontsize=8)
    # acquisition
    tr = ds.training_cr.mean("subject")
    for isi, col in zip(ISIS_MS, colors, strict=True):
        f.plot(ds.trial, tr.sel(condition=f"ISI {isi} ms"), color=col, label=f"ISI {isi}")
    f.set_xlabel("pairing")
    f.set_ylabel("CR amplitude before the US (model units)")
    f.set_title("Acquisition over training")
    f.legend(fontsize=8)
    return fig
