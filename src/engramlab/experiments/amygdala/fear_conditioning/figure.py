"""Figure of ``amygdala.fear-conditioning``: freezing beside the fear and extinction cells."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from engramlab.core import Check
from engramlab.plotting import TARGET_STYLE, find_check, new_figure, target_text
from engramlab.plotting.displays import target_segment

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_FEAR, _EXT, _INH = "#dd8452", "#4c72b0", "#c44e52"


def _mean_sem(x: xr.DataArray) -> tuple[np.ndarray, np.ndarray]:
    n = x.sizes["subject"]
    sem = x.std("subject", ddof=1).values / np.sqrt(n) if n > 1 else np.zeros(
        x.mean("subject").shape)
    return x.mean("subject").values, sem


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Rates of the fear and extinction cells per CS pulse with the replication's values,
    freezing over the protocol, and the tests (renewal, recall, spontaneous recovery)."""
    from engramlab.experiments.amygdala.fear_conditioning import (
        PUBLISHED_EXTINCTION_HZ,
        PUBLISHED_FEAR_HZ,
    )

    fig = new_figure(13.0, 8.0)
    (a, b, c), (d, e, f) = fig.subplots(2, 3)
    n_a, n_e = ds.sizes["pulse_acq"], ds.sizes["pulse_ext"]
    x_acq = np.arange(1, n_a + 1)
    x_ext = n_a + np.arange(1, n_e + 1)
    x_ren = n_a + n_e + 1
    # activity: CS-evoked rates per pulse, with the replication's means
    for var, color, label, pub in (("fear", _FEAR, "fear cells (A)", PUBLISHED_FEAR_HZ),
                                   ("extinction", _EXT, "extinction cells (B)",
                                    PUBLISHED_EXTINCTION_HZ)):
        m1, s1 = _mean_sem(ds[f"acq_{var}_hz"])
        m2, s2 = _mean_sem(ds[f"ext_{var}_hz"])
        m3, s3 = _mean_sem(ds[f"test_{var}_hz"].sel(test="renewal (A)").isel(pulse_test=0))
        xs = np.concatenate([x_acq, x_ext, [x_ren]])
        a.errorbar(xs, np.concatenate([m1, m2, [m3]]), yerr=np.concatenate([s1, s2, [s3]]),
                   fmt="o-", color=color, label=f"{label}, model", capsize=2)
        if len(pub) == xs.size:
            a.plot(xs, pub, "s", mfc="none", color=color, ms=8,
                   label=f"{label}, replication (30 runs)")
    first = True
    for name, x0, x1 in (("fear_conditioned_hz", n_a - 1.3, n_a + 0.3),
                         ("extinction_extinguished_hz", n_a + n_e - 1.3, n_a + n_e + 0.3),
                         ("fear_extinguished_hz", n_a + n_e - 1.3, n_a + n_e + 0.3),
                         ("fear_renewal_hz", x_ren - 0.3, x_ren + 0.3)):
        target_segment(a, find_check(checks, name), x0, x1,
                       label="targets (replication, with tolerance)" if first else "")
        first = False
    a.axvline(n_a + 0.5, color="0.6", ls=":", lw=0.8)
    a.axvline(n_a + n_e + 0.5, color="0.6", ls=":", lw=0.8)
    a.text(n_a / 2 + 0.5, a.get_ylim()[1] * 0.95, "conditioning (A)", ha="center", fontsize=8)
    a.text(n_a + n_e / 2 + 0.5, a.get_ylim()[1] * 0.95, "extinction (B)", ha="center",
           fontsize=8)
    a.set_xlabel("CS pulse (last: renewal test in A)")
    a.set_ylabel("CS-evoked rate (Hz)")
    a.set_title("Fear and extinction cells (activity)")
    a.legend(fontsize=7, loc="center left")
    # behaviour over the protocol
    f1, fs1 = _mean_sem(ds.acq_freezing)
    f2, fs2 = _mean_sem(ds.ext_freezing)
    b.errorbar(x_acq, f1, yerr=fs1, fmt="o-", color="k", label="conditioning (A, CS-US)")
    b.errorbar(x_ext, f2, yerr=fs2, fmt="o-", color="0.5", label="extinction (B, CS)")
    fr, frs = _mean_sem(ds.test_freezing.sel(test="renewal (A)").mean("pulse_test"))
    b.errorbar([x_ren], [fr], yerr=[frs], fmt="D", color=_FEAR, label="renewal test (A)")
    b.set_ylim(0, 100)
    b.set_xlabel("CS pulse")
    b.set_ylabel("freezing (%)")
    b.set_title(f"Behaviour: freezing = F(fear-cell rate),\nhalf at "
                f"{ds.attrs.get('half_rate_hz', float('nan')):g} Hz")
    b.legend(fontsize=8, loc="center right")
    for name, y in (("freezing_acquisition_rise_pct", 92), ("extinction_ratio", 84)):
        ck = find_check(checks, name)
        if ck is not None:
            b.text(0.6, y, f"{name}: {ck.value:.2f} (target {target_text(ck)})",
                   fontsize=7)
    # the tests
    tests = list(ds.test.values)
    m, s = _mean_sem(ds.test_freezing.mean("pulse_test"))
    colors = [_FEAR if str(ctx) == "A" else _EXT for ctx in ds.test_context.values]
    c.bar(np.arange(len(tests)), m, yerr=s, color=colors, capsize=3)
    c.set_xticks(np.arange(len(tests)), [str(t).replace(" (", "\n(") for t in tests],
                 fontsize=7)
    c.set_ylim(0, 100)
    c.set_ylabel("freezing at the test CS (%)")
    c.set_title("Tests after extinction:\nrenewal (A), recall and recovery (B)")
    for k, name in enumerate(("renewal_over_recall_pct", "spontaneous_recovery_pct",
                              "recovery_growth_pct")):
        ck = find_check(checks, name)
        if ck is not None:
            c.text(0.02, 0.95 - 0.07 * k, f"{name}: {ck.value:.1f} ({target_text(ck)})",
                   transform=c.transAxes, fontsize=7, va="top")
    # spontaneous recovery over time
    rec = [t for t in tests if str(t).startswith("recall")]
    delays = ds.test_delay_d.sel(test=rec).values
    xd = np.maximum(delays, 0.1)
    for var, color, label in (("fear", _FEAR, "fear cells (A)"),
                              ("extinction", _EXT, "extinction cells (B)")):
        mm, ss = _mean_sem(ds[f"test_{var}_hz"].sel(test=rec).mean("pulse_test"))
        d.errorbar(xd, mm, yerr=ss, fmt="o-", color=color, label=label, capsize=2)
    d.set_xscale("log")
    d.set_xlabel("days since extinction (0 plotted at 0.1)")
    d.set_ylabel("CS-evoked rate in B (Hz)")
    d.set_title(f"The extinction trace fades\n(tau = {ds.attrs.get('extinction_tau_d', 0):g} d)")
    d.legend(fontsize=8)
    fm, fs = _mean_sem(ds.test_freezing.sel(test=rec).mean("pulse_test"))
    e.errorbar(xd, fm, yerr=fs, fmt="o-", color="k", capsize=2)
    e.set_xscale("log")
    e.set_ylim(0, 100)
    e.set_xlabel("days since extinction (0 plotted at 0.1)")
    e.set_ylabel("freezing in B (%)")
    e.set_title("Spontaneous recovery (behaviour)")
    ck = find_check(checks, "spontaneous_recovery_pct")
    if ck is not None:
        y_target = float(fm[0]) + ck.target  # the target: a difference from the 0-d test
        e.plot([float(xd[-1]) * 0.7, float(xd[-1]) * 1.3], [y_target, y_target], **TARGET_STYLE,
               label=f"28 d: at least 0 d + {ck.target:g} points (target)")
        e.legend(fontsize=8)
    # inhibition
    i1, _ = _mean_sem(ds.acq_inhibitory_hz)
    i2, _ = _mean_sem(ds.ext_inhibitory_hz)
    f.plot(x_acq, i1, "o-", color=_INH, label="inhibitory cells")
    f.plot(x_ext, i2, "o-", color=_INH)
    f.axvline(n_a + 0.5, color="0.6", ls=":", lw=0.8)
    f.set_xlabel("CS pulse")
    f.set_ylabel("CS-evoked rate (Hz)")
    f.set_title("Feedback inhibition (activity)")
    f.legend(fontsize=8)
    return fig
