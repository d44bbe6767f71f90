"""Figure of ``plasticity.ltp-ltd-frequency``: synaptic change vs stimulation frequency
(Dudek & Bear 1992) and vs clamped potential (Shouval, Bear & Cooper 2002, Fig. 3A)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import xarray as xr

from engramlab.core import Check
from engramlab.plotting import (
    TARGET_STYLE,
    bounds,
    draw_target,
    find_check,
    new_figure,
    target_text,
)

from . import LTD_FREQS_HZ, LTP_MIN_HZ, NO_CHANGE_HZ, REST_MAX_MV

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

_GREY = "#7f7f7f"
_BAND_ALPHA = 0.10


def figure(ds: xr.Dataset, checks: Sequence[Check]) -> Figure:
    """Left: W change vs frequency (+ AP5, Dudek & Bear targets). Right: pairing with a
    clamped potential (+ Shouval et al. 2002 Fig. 3A thresholds)."""
    fig = new_figure(12.0, 4.6)
    ax_a, ax_b = fig.subplots(1, 2)

    f = ds.freq.values
    mean, sd = ds.change_mean.values, ds.change_sd.values
    ax_a.fill_between(f, mean - sd, mean + sd, color="#4c72b0", alpha=0.2,
                      label="population mean +- s.d. (not checked)")
    ax_a.plot(f, mean, "o-", ms=3, color="#4c72b0", label="population mean")
    ax_a.plot(f, ds.change_typical.values, "-", lw=1.2, color="#55a868",
              label="typical synapse (Shouval et al. 2002)")
    ap5 = find_check(checks, "ap5_max_abs_change_pct")
    ax_a.plot(ds.freq_ap5.values, ds.change_ap5_mean.values, "s", ms=5, color="k",
              label="with AP5" + (f" (|change| {target_text(ap5)} %)" if ap5 else ""))
    ax_a.axhline(0.0, color="0.5", lw=0.8)
    ax_a.set_xscale("log")
    ltd = find_check(checks, "typical_ltd_1_3hz_max_pct")
    for k, x in enumerate(LTD_FREQS_HZ):
        draw_target(ax_a, ltd, at=x, color="#55a868", label="" if k else
                    f"typical synapse: LTD expected, {target_text(ltd)} % at "
                    + ", ".join(f"{v:g}" for v in LTD_FREQS_HZ) + " Hz" if ltd else None)
    ltp = find_check(checks, "typical_ltp_min_above_20hz_pct")
    if ltp is not None:
        ax_a.plot([LTP_MIN_HZ, f[-1]], [bounds(ltp)[0]] * 2, **{**TARGET_STYLE,
                                                                 "color": "#55a868"},
                  label=f"typical synapse: LTP expected, {target_text(ltp)} % from "
                        f"{LTP_MIN_HZ:g} Hz")
    cross = find_check(checks, "log10_crossover_typical_hz")
    if cross is not None:
        lo, hi = bounds(cross)
        verdict = " - NOT REPRODUCED" if cross.deviation and not cross.passed else ""
        ax_a.axvspan(10 ** lo, 10 ** hi, color=_GREY, alpha=_BAND_ALPHA, lw=0)
        ax_a.axvline(10 ** cross.target, **{**TARGET_STYLE, "color": _GREY},
                     label=f"crossover expected at {10 ** lo:.2g}-{10 ** hi:.2g} Hz "
                           f"(Dudek & Bear: no change at {NO_CHANGE_HZ:g} Hz){verdict}")
        if math.isfinite(cross.value):
            ax_a.axvline(10 ** cross.value, color="#55a868", lw=0.8, ls=":",
                         label=f"crossover of the typical synapse: {10 ** cross.value:.2g} Hz")
    ax_a.set_xlabel("stimulation frequency (Hz)")
    ax_a.set_ylabel("weight change W/W0 - 1 (%)")
    ax_a.set_title(f"{ds.attrs['n_pulses']} pulses: LTD at low, LTP at high frequency")
    lo_y, hi_y = ax_a.get_ylim()
    ax_a.set_ylim(lo_y, hi_y + 0.9 * (hi_y - lo_y))  # room for the legend
    ax_a.legend(fontsize=6.5, loc="upper left")

    v = ds.v_clamp.values
    ax_b.plot(v, ds.pairing_mean.values, "o-", ms=3, color="#4c72b0",
              label="population mean")
    ax_b.plot(v, ds.pairing_typical.values, "-", lw=1.2, color="#55a868",
              label="typical synapse")
    ax_b.axhline(0.0, color="0.5", lw=0.8)
    rest = find_check(checks, "pairing_rest_max_abs_pct")
    if rest is not None:
        bound = bounds(rest)[1]
        for sign in (1, -1):
            ax_b.plot([v[0], REST_MAX_MV], [sign * bound] * 2, **TARGET_STYLE,
                      label="" if sign < 0 else
                      f"no change up to {REST_MAX_MV:g} mV: |change| {target_text(rest)} %")
    onset = find_check(checks, "pairing_ltd_onset_mv")
    draw_target(ax_b, onset, axis="x",
                label=f"typical synapse: LTD from {target_text(onset)} mV" if onset else None)
    turn = find_check(checks, "pairing_ltp_onset_mv")
    draw_target(ax_b, turn, axis="x", color=_GREY,
                label=f"typical synapse: LTP from {target_text(turn)} mV" if turn else None)
    ax_b.set_xlabel("clamped postsynaptic potential (mV)")
    ax_b.set_ylabel("weight change W/W0 - 1 (%)")
    ax_b.set_title(f"Pairing: {ds.attrs['pairing_pulses']} pulses at "
                   f"{ds.attrs['pairing_freq_hz']:g} Hz, membrane clamped")
    ax_b.legend(fontsize=6.5, loc="upper left")
    return fig
