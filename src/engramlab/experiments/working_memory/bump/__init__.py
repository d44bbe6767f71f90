r"""Persistent activity in prefrontal cortex: the bump attractor of Compte et al. (2000).

``working-memory.bump``
    Reproduces: the spatial working-memory network of Compte, Brunel, Goldman-Rakic &
    Wang (2000, Cereb. Cortex 10:910, doi:10.1093/cercor/10.9.910): after a brief cue
    at one location the pyramidal cells preferring that location keep firing through
    the delay of an oculomotor delayed-response task (a "bump" of persistent activity,
    the memory field of Funahashi, Bruce & Goldman-Rakic 1989, J. Neurophysiol. 61:331),
    while the others stay near their spontaneous rate; the bump is held by recurrent
    excitation through slow NMDA receptors (Wang 1999, J. Neurosci. 19:9587) and
    collapses when they are blocked (in the monkey: Wang et al. 2013, Neuron 77:736,
    iontophoretic NMDA antagonists markedly reduce the delay firing of such cells); its
    position diffuses, so that the remembered location wanders with the delay and the
    error of the memory-guided saccade grows with it (Compte et al. 2000; Wimmer,
    Nykamp, Constantinidis & Compte 2014, Nat. Neurosci. 17:431).

    Model: :func:`engramlab.circuits.pfc.compte_region` -- 2048 pyramidal cells on a
    ring and 512 interneurons, conductance LIF, all-to-all NMDA recurrence with the
    circular Gaussian footprint (J+ 1.62, 14.4 deg), feedback GABA_A inhibition,
    1.8 kHz of background Poisson input per cell, with the values of the lineage code
    of Murray et al. (2014, Cereb. Cortex 24:859): :mod:`engramlab.network.working_memory`.
    Protocol (:mod:`engramlab.protocol`): one trial of the delayed-response task per
    subject (a network with its own seed): ``fixation`` (500 ms), ``cue`` (250 ms, a
    current :math:`I = 375\,\mathrm{pA}\, e^{-d^2/2(6°)^2}` into the pyramidal cells
    around the cue location, 180 deg), then the ``delay`` as consecutive 250-ms epochs
    (3 s; one continuous simulation). The AP5 group (:func:`engramlab.interventions.ap5`
    in the delay epochs: the NMDA current of the recurrent synapses scaled to 0 from
    the cue's offset, :class:`~engramlab.circuits.ScaleReceptor`) runs a 1.5-s delay
    (the collapse is complete within 0.5 s).

    Read-outs per epoch, from each pyramidal cell's rate :math:`r_i` (Hz): the bump's
    centre, the angle of :math:`\sum_i r_i e^{i \theta_i}`, and the length of that
    vector over :math:`\sum_i r_i` (0: flat); the bump rate (cells within 20 deg of
    the centre) and the far rate (cells more than 90 deg away), and their ratio, the
    contrast. Behaviour: the memory-guided saccade goes to the bump's centre at the end
    of the delay (the population-vector read-out of Compte et al. 2000 and Wimmer et
    al. 2014), so its error is the centre's distance to the cue.

    What differs: the engine integrates the membranes by exponential Euler at 0.1 ms
    (the lineage code: second-order Runge-Kutta at 0.02 ms) with one step of synaptic
    delay; the quick preset is the same network, two of them, with a 2-s delay (AP5:
    1 s), and tests what a few networks can: persistence and the collapse without
    NMDA, not the statistics of the drift (``not_tested``). Smaller rings (``n_e`` <
    2048, conductances scaled by 2048 / N_E so every cell keeps its mean input) hold a
    noisier, faster-drifting bump.
"""

from __future__ import annotations

import itertools
import math
from types import MappingProxyType
from typing import Any

import numpy as np
import xarray as xr
from pydantic import model_validator

from engramlab.circuits import Circuit, Group, Record, compte_region, run_protocol
from engramlab.core import Params, Target, cite, param
from engramlab.experiments._registry import register
from engramlab.experiments.base import (
    Experiment,
    Mutation,
    ProgressFn,
    Resources,
    broken_rule,
    no_progress,
)
from engramlab.interventions import ap5
from engramlab.network import CompteParams, ring_angles_deg
from engramlab.protocol import During, Protocol, epoch, session, trial

_C2000 = "Compte et al. 2000"
_M2014 = "Murray et al. 2014 (lineage code of Compte et al. 2000)"
_W1999 = "Wang 1999"
_W2013 = "Wang et al. 2013"
_F1989 = "Funahashi, Bruce & Goldman-Rakic 1989"
_WI2014 = "Wimmer et al. 2014"
REGION = "pfc"
#: Cells within this distance (deg) of the bump's centre are the bump; farther than
#: FAR_DEG, the background.
BUMP_DEG = 20.0
FAR_DEG = 90.0
#: Arcs of the ring in the stored rate maps (the read-outs use every cell).
N_ARCS = 64
#: The persistence read-outs average the epochs of the delay's last LATE_S seconds (the
#: AP5 group's: LATE_AP5_S); one 250-ms epoch of 2048 cells is a noisy estimate.
LATE_S = 1.0
LATE_AP5_S = 0.5
#: A network holds a bump when its late bump / far rate ratio is at least this.
PERSISTENT_CONTRAST = 2.0


class BumpParams(Params):
    """Parameters of ``working-memory.bump`` (defaults: the full preset)."""

    n_subjects: int = param(16, unit="1", ge=1, le=200,
                            doc="Networks (monkeys' trials), each drawn with its own seed.",
                            source="chosen: enough networks to measure the spread of the "
                                   "remembered location")
    n_e: int = param(2048, unit="1", ge=64, le=16_384, doc="Pyramidal cells on the ring.",
                     source=_C2000)
    n_i: int = param(512, unit="1", ge=16, le=4096, doc="Interneurons.", source=_C2000)
    j_plus: float = param(1.62, unit="1", ge=0.0, le=8.0,
                          doc="Strength of the E-E footprint at zero distance (J+); at "
                              "most 8, where the footprint's floor J- stays >= 0 at "
                              "14.4 deg.",
                          source=_M2014)
    tau_nmda_ms: float = param(100.0, unit="ms", ge=1.0, le=1000.0,
                               doc="Decay time of the NMDA gating.",
                               source=f"{_C2000}; {_W1999}")
    fixation_ms: float = param(500.0, unit="ms", ge=100.0, le=10_000.0,
                               doc="Fixation before the cue (spontaneous state).",
                               source=f"chosen: the cue of {_M2014} starts at 0.5 s")
    cue_ms: float = param(250.0, unit="ms", ge=10.0, le=5000.0, doc="Cue duration.",
                          source=_M2014)
    cue_deg: float = param(180.0, unit="deg", ge=0.0, lt=360.0, doc="Cue location.",
                           source=_M2014)
    cue_pa: float = param(375.0, unit="pA", ge=0.0, le=5000.0,
                          doc="Peak cue current into the pyramidal cells.", source=_M2014)
    cue_sigma_deg: float = param(6.0, unit="deg", ge=0.5, le=180.0,
                                 doc="Width of the cue's current profile.", source=_M2014)
    delay_s: float = param(3.0, unit="s", ge=0.25, le=60.0,
                           doc="Delay after the cue (the read-out at its end).",
                           source=f"catalogue: the bump persists >= 3 s ({_C2000}: a "
                                  "few-second delay)")
    ap5_delay_s: float = param(1.5, unit="s", ge=0.25, le=60.0,
                               doc="Delay of the AP5 group (NMDA blocked in the delay).",
                               source="chosen: the bump without NMDA is gone within 0.5 s")
    epoch_ms: float = param(250.0, unit="ms", ge=10.0, le=5000.0,
                            doc="Length of each delay epoch (time resolution of the "
                                "read-outs).", source="chosen: the cue's duration")
    dt_ms: float = param(0.1, unit="ms", ge=0.01, le=0.5, doc="Time step.",
                         source="chosen: the engine's default; the lineage code uses "
                                "0.02 ms with Runge-Kutta 2")

    @model_validator(mode="after")
    def _whole_epochs(self) -> BumpParams:
        for name in ("delay_s", "ap5_delay_s"):
            n = getattr(self, name) * 1e3 / self.epoch_ms
            if abs(n - round(n)) > 1e-9 or round(n) < 1:
                raise broken_rule(self, (name, "epoch_ms"), "must make the delay a whole "
                                  "number (>= 1) of epochs")
        for name in ("fixation_ms", "cue_ms", "epoch_ms"):
            n = getattr(self, name) / self.dt_ms
            if abs(n - round(n)) > 1e-6:
                raise broken_rule(self, (name, "dt_ms"), "must be a whole number of "
                                  "time steps")
        return self


def region(p: BumpParams) -> Any:
    """The prefrontal ring of the experiment (conductances scaled by 2048 / ``n_e``)."""
    net = CompteParams(n_e=p.n_e, n_i=p.n_i, j_plus=p.j_plus, tau_nmda_ms=p.tau_nmda_ms)
    return compte_region(net, name=REGION, cues={"cue": p.cue_deg}, cue_pa=p.cue_pa,
                         cue_sigma_deg=p.cue_sigma_deg, dt_ms=p.dt_ms)


def task(p: BumpParams, delay_s: float) -> Protocol:
    """The oculomotor delayed-response trial: fixation, cue, ``delay_s`` of delay."""
    n = round(delay_s * 1e3 / p.epoch_ms)
    epochs = [epoch("fixation", p.fixation_ms), epoch("cue", p.cue_ms, cue=1.0)]
    epochs += [epoch("delay", p.epoch_ms)] * n
    return Protocol.of(session("task", [trial("delayed response", *epochs)]))


def groups(p: BumpParams) -> dict[str, Group]:
    """Control, and AP5 in the delay epochs (its own, shorter delay)."""
    block = ap5(region=REGION, window=During(epoch="delay"))
    return {"control": Group((), task(p, p.delay_s)),
            "AP5": Group((block,), task(p, p.ap5_delay_s))}


def circular_difference_deg(a: np.ndarray | float, b: float) -> np.ndarray:
    """Signed circular difference ``a - b`` in [-180, 180) degrees."""
    return (np.asarray(a, float) - b + 180.0) % 360.0 - 180.0


def readouts(rates: np.ndarray, theta_deg: np.ndarray) -> dict[str, np.ndarray]:
    r"""Centre, vector length, bump, far and I rates from cell rates ``(..., n_e)`` (Hz).

    Centre: :math:`\arg \sum_i r_i e^{i\theta_i}` (deg); length: its modulus over
    :math:`\sum_i r_i`; bump: mean rate of the cells within :data:`BUMP_DEG` of the
    centre; far: of the cells farther than :data:`FAR_DEG`.
    """
    th = np.deg2rad(theta_deg)
    z = (rates * np.exp(1j * th)).sum(axis=-1)
    tot = rates.sum(axis=-1)
    centre = np.where(tot > 0, np.rad2deg(np.angle(z)) % 360.0, np.nan)
    length = np.where(tot > 0, np.abs(z) / np.maximum(tot, 1e-300), 0.0)
    d = np.abs(circular_difference_deg(theta_deg - np.nan_to_num(centre)[..., None], 0.0))
    near, far = d <= BUMP_DEG, d > FAR_DEG
    bump_hz = (rates * near).sum(-1) / np.maximum(near.sum(-1), 1)
    far_hz = (rates * far).sum(-1) / np.maximum(far.sum(-1), 1)
    return {"centre_deg": centre, "vector_length": length, "bump_hz": bump_hz,
            "far_hz": far_hz}


def _arcs(rates: np.ndarray) -> np.ndarray:
    n = rates.shape[-1]
    edges = np.linspace(0, n, N_ARCS + 1).round().astype(int)
    return np.stack([rates[..., a:b].mean(-1) for a, b in itertools.pairwise(edges)],
                    axis=-1)


@register
class Bump(Experiment[BumpParams]):
    id = "working-memory.bump"
    title = "Persistent activity: the bump attractor of prefrontal working memory"
    chapter = 3
    summary = ("A ring of prefrontal pyramidal cells and interneurons holds the location "
               "of a brief cue as a bump of persistent firing through a 3-s delay, held "
               "by slow NMDA recurrence: blocking NMDA receptors erases it, and its "
               "position diffuses, so the remembered location wanders with the delay.")
    Params = BumpParams
    quick = MappingProxyType({"n_subjects": 2, "delay_s": 2.0, "ap5_delay_s": 1.0})
    citations = (cite("compte2000"), cite("murray2014"), cite("wang1999"),
                 cite("wang2013"), cite("funahashi1989"), cite("wimmer2014"))
    mutations = (
        Mutation(name="flat recurrence (J+ 1.62 -> 1): no bump to hold the location",
                 value=1.0, param="j_plus"),
        Mutation(name="fast NMDA (decay 100 -> 10 ms): the reverberation cannot hold "
                      "(Wang 1999)", value=10.0, param="tau_nmda_ms"),
    )

    def resources(self, params: BumpParams) -> Resources:
        """Neuron-steps of both groups; the dense recurrence is O(N) per step (FFT ring)."""
        p = params
        ms = 2 * (p.fixation_ms + p.cue_ms) + 1e3 * (p.delay_s + p.ap5_delay_s)
        steps = ms / p.dt_ms * p.n_subjects
        n = p.n_e + p.n_i
        memory = p.n_subjects * (n * 600.0 + p.n_e * 32.0) + 8.0 * p.n_subjects * n * (
            ms / p.epoch_ms)
        return Resources(memory_bytes=memory, steps=steps,
                         work=steps * n * (12 + 2 * math.log2(max(p.n_e, 2))),
                         drivers=("n_subjects", "n_e", "delay_s", "dt_ms"),
                         detail=f"{p.n_subjects} networks of {n} neurons, {ms / 1e3:.2f} s "
                                "simulated each")

    def run(self, params: BumpParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        p = params
        grp = groups(p)
        first = grp["control"].protocol
        assert first is not None
        ds = run_protocol(Circuit((region(p),), settle=1), first, groups=grp, seed=seed,
                          n_subjects=p.n_subjects,
                          record=[Record("E", f"{REGION}.E", "cells"),
                                  Record("I", f"{REGION}.I")])
        progress(1, 1)
        theta = ring_angles_deg(p.n_e)
        cue_off_ms = p.fixation_ms + p.cue_ms
        out: dict[str, Any] = {}
        coords: dict[str, Any] = {"subject": np.arange(p.n_subjects),
                                  "arc_deg": (np.arange(N_ARCS) + 0.5) * 360.0 / N_ARCS}
        for g, tag in (("control", ""), ("AP5", "ap5_")):
            sub = ds.sel(group=g)
            keep = np.isfinite(sub.stop_ms.values)
            t_s = (sub.stop_ms.values[keep] - cue_off_ms) / 1e3
            rates = sub.E.values[:, keep, :p.n_e]             # (subject, epoch, cell)
            dim = f"{tag}t_s" if tag else "t_s"
            coords[dim] = (dim, t_s, {"units": "s", "long_name": "end of the epoch, from "
                                      "the cue's offset"})
            coords[f"{tag}epoch"] = (dim, sub.epoch.values[keep])
            for k, v in readouts(rates, theta).items():
                units = {"centre_deg": "deg", "vector_length": "1"}.get(k, "Hz")
                out[f"{tag}{k}"] = (("subject", dim), v, {"units": units})
            out[f"{tag}rate_map"] = (("subject", dim, "arc_deg"), _arcs(rates),
                                     {"units": "Hz", "long_name": "pyramidal rate by arc"})
            out[f"{tag}i_hz"] = (("subject", dim), sub.I.values[:, keep], {"units": "Hz"})
        err = circular_difference_deg(out["centre_deg"][1], p.cue_deg)
        out["saccade_error_deg"] = (("subject", "t_s"), err, {
            "units": "deg", "long_name": "memory-guided saccade error (bump centre - cue)"})
        return xr.Dataset(out, coords=coords, attrs={
            "cue_deg": p.cue_deg, "n_e": p.n_e, "n_i": p.n_i, "delay_s": p.delay_s,
            "ap5_delay_s": p.ap5_delay_s, "bump_deg": BUMP_DEG, "far_deg": FAR_DEG,
            "fixation_ms": p.fixation_ms, "cue_ms": p.cue_ms})

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        t_end, t_ap5 = float(ds.t_s.max()), float(ds.ap5_t_s.max())
        last = {"t_s": t_end}
        late = ds.t_s > t_end - LATE_S - 1e-9                      # the delay's last second
        late_ap5 = ds.ap5_t_s > t_ap5 - LATE_AP5_S - 1e-9
        contrast = (ds.bump_hz / ds.far_hz.clip(min=1e-9)).where(late).mean("t_s")
        ap5_contrast = (ds.ap5_bump_hz / ds.ap5_far_hz.clip(min=1e-9)).where(
            late_ap5).mean("ap5_t_s")
        # control's bump at the AP5 group's late epochs (same times after the cue)
        same = ds.t_s.isin(ds.ap5_t_s.where(late_ap5, drop=True).values)
        ap5_bump = float(ds.ap5_bump_hz.where(late_ap5).mean())
        ctrl_bump = float(ds.bump_hz.where(same).mean())
        err = ds.saccade_error_deg
        early = err.sel(t_s=min(1.0, t_end))
        msd_late, msd_early = float((err.sel(last) ** 2).mean()), float((early ** 2).mean())
        fix = ds.epoch == "fixation"
        return {
            "spontaneous_hz": float(ds.rate_map.where(fix).mean()),
            "cue_bump_hz": float(ds.bump_hz.sel(t_s=0.0).mean()),
            "delay_bump_hz": float(ds.bump_hz.where(late).mean()),
            "delay_far_hz": float(ds.far_hz.where(late).mean()),
            "delay_contrast": float(contrast.mean()),
            "delay_contrast_min": float(contrast.min()),
            "persistent_fraction": float((contrast >= PERSISTENT_CONTRAST).mean()),
            "delay_vector_length": float(ds.vector_length.where(late).mean()),
            "delay_i_hz": float(ds.i_hz.where(late).mean()),
            "ap5_bump_hz": ap5_bump,
            "ap5_bump_over_control": ap5_bump / max(ctrl_bump, 1e-9),
            "ap5_contrast_max": float(ap5_contrast.max()),
            "ap5_vector_length_max": float(ds.ap5_vector_length.where(late_ap5).mean(
                "ap5_t_s").max()),
            "saccade_error_rms_deg": float(np.sqrt(msd_late)),
            "within_10deg_fraction": float((np.abs(err.sel(last)) <= 10.0).mean()),
            "error_variance_growth": msd_late / max(msd_early, 1e-9),
        }

    def targets(self, params: BumpParams) -> tuple[Target, ...]:
        spread = "measured over seeds 0-19 of the quick preset (2 networks, 2-s delay):"
        full = "full preset, seed 0 (16 networks, 3-s delay):"
        few = ("needs >= 16 networks (the full preset): over a few networks the spread "
               "of the remembered location is itself too variable to test")
        drift = "" if params.n_subjects >= 16 else few
        return (
            Target("delay_contrast", 3.0, 0.0, compare="at_least", kind="published",
                   source=f"{_C2000} (the bump persists through the delay, the rest of "
                          f"the ring near its spontaneous rate); {_F1989}: delay activity "
                          "tuned to the cued location",
                   reason=f"persistent and localised: the cells within {BUMP_DEG:.0f} "
                          f"deg of the bump fire at least 3 times as fast as those "
                          f"beyond {FAR_DEG:.0f} deg over the delay's last second (a "
                          "flat ring: 1); Brian2 2.9 on the same network, 16 seeds: "
                          "3.9-7.0 per network, mean 5.3; " + spread + " 3.62-5.33; " + full
                          + " 4.71 (seed 1: 4.57)",
                   description="bump / far rate ratio over the delay's last second, mean "
                               "over networks"),
            Target("persistent_fraction", 0.75, 0.0, compare="at_least", kind="published",
                   source=f"{_C2000}: the bump persists >= 3 s after the cue "
                          "(catalogue)",
                   reason=f"a network holds its bump if its late contrast is >= "
                          f"{PERSISTENT_CONTRAST:g}; a bump may be lost now and then (a "
                          "noise-driven escape to the spontaneous state), so at least "
                          "three quarters; " + spread + " 2 of 2 on every seed; " + full
                          + " 15 of 16 (seed 1: 16 of 16)",
                   description="networks still holding a bump at the end of the delay"),
            Target("delay_vector_length", 0.2, 0.0, compare="at_least", kind="published",
                   source=f"{_C2000}: the location is held by the bump through the delay",
                   reason="a flat ring has length ~0 (finite-size noise ~ 1/sqrt(N) = "
                          "0.02); " + spread + " 0.35-0.45; " + full + " 0.41 (seed 1: 0.41)",
                   description="population-vector length over the delay's last second, "
                               "mean over networks"),
            Target("ap5_bump_over_control", 0.25, 0.0, compare="at_most", kind="published",
                   source=f"{_W1999} (persistent activity needs slow NMDA recurrence); "
                          f"{_W2013}: NMDA blockade markedly reduces the delay firing of "
                          "prefrontal cells; catalogue: with NMDA blocked the bump fails",
                   reason="collapsed: the cued cells fire at most a quarter of the "
                          "control's rate at the same time after the cue (below their "
                          "own spontaneous rate in fact: NMDA carries part of the "
                          "background recurrence too); " + spread + " 0.031-0.050; " + full
                          + " 0.042 (seed 1: 0.039)",
                   description="bump rate with AP5 / without, the AP5 delay's last 0.5 s"),
            Target("within_10deg_fraction", 0.8, 0.0, compare="at_least", kind="published",
                   source=f"catalogue, after {_C2000} (the bump drifts slowly): centre "
                          "within +-10 deg of the cue after 3 s in >= 80 % of networks",
                   reason="a fraction of 16 networks (binomial SD about 0.12)",
                   description="networks whose bump centre (the saccade) is within 10 deg "
                               "of the cue at the end of the 3-s delay", not_tested=drift,
                   deviation=(
                       "not reproduced by the model in either simulator: the same "
                       "network in Brian2 2.9 (Cython, 0.1 ms) keeps 10 of 16 networks "
                       "(0.62, RMS error 12.7 deg) within 10 deg of the cue after 3 s, "
                       "engramlab's engine 10 of 16 too (0.62, RMS 13.8 deg; seeds 16-31: "
                       "0.56; at dt 0.05 ms 7 of 16, RMS 13.2 deg: not a time-step "
                       "artefact) (benchmarks/working_memory.py --drift 16 [--dt-ms "
                       "0.05]); " + full
                       + " 0.25 (seed 1: 0.38). The catalogue's 80 % is not a number of "
                       "the paper; at the model's ~0.6 a run of 16 networks reaches 0.8 "
                       "in a few % of seeds (the check then reads as stale)")),
            Target("error_variance_growth", 1.5, 0.0, compare="at_least", kind="published",
                   source=f"{_C2000}; {_WI2014}: the bump diffuses, the variance of the "
                          "remembered location grows with the delay",
                   reason="diffusion: the mean squared saccade error at 3 s is 3 times "
                          "that at 1 s for a random walk; at least 1.5 (16 networks); "
                          "Brian2, 16 seeds: RMS 6.0 deg at 1 s, 12.7 at 3 s (ratio "
                          "4.5); " + full + " 3.67 (seed 1: 4.73)",
                   description="mean squared saccade error, end of the delay over 1 s",
                   not_tested=drift),
        )
