r"""Limited working-memory capacity in a ring with normalisation (Wei, Wang & Wang 2012).

``working-memory.capacity``
    Reproduces: the multiple-item working-memory network of Wei, Wang & Wang (2012, J.
    Neurosci. 32:11228, doi:10.1523/JNEUROSCI.0735-12.2012): a spatial working-memory
    ring (Compte et al. 2000) shown an array of 1 to 8 items at once holds them as
    separate bumps of persistent activity, but the number it holds saturates with the
    load: as the load grows a bump may fade out or merge with a nearby one, and the
    total population activity stays nearly invariant to the set size (normalisation: a
    fixed resource shared by the items). Behaviourally, human visual working memory
    holds about 4 items (Luck & Vogel 1997, Nature 390:279; Cowan 2001, Behav. Brain
    Sci. 24:87: 4 +- 1).

    Model: :func:`engramlab.circuits.pfc.compte_region` with the values of the authors'
    code (Z. Wei's ``WM_SNN`` MATLAB code, 2012, MIT licence, as kept in the repository
    sakimarquis/2DSpikingNetworkWorkingMemoryModel, ``matlab/wm_1d.m``): 4096 pyramidal
    cells on a ring and 1024 interneurons, the neurons of Compte et al. 2000, all-to-all
    NMDA recurrence E -> E with the circular Gaussian footprint (J+ 4.02, sigma 5 deg;
    J- from the mean-1 normalisation, 0.891, exactly as the code's), NMDA E -> I (no
    footprint), GABA_A I -> E and I -> I, conductances per synapse at 4096 / 1024 cells
    G_EE 0.1905, G_EI 0.146, G_IE 0.6681, G_II 0.512 nS (half of Compte's at twice the
    cells: the same totals), recurrent AMPA none, the Mg block of Jahr & Stevens 1990
    (1 mM); background Poisson input 1 kHz per cell through AMPA (2 ms) at 2.48 (E) /
    1.9 (I) nS; the cue array 250 ms, each item a current
    :math:`0.4\,\mathrm{nA}\, e^{-d^2 / 2 (2°)^2}` into the pyramidal cells; time step
    0.05 ms (the code's). Smaller rings keep the totals (conductances scaled by
    4096 / N_E and 1024 / N_I).

    Protocol (:mod:`engramlab.protocol`): per load k = 1 .. ``max_load`` one trial:
    fixation (250 ms), the array of k items (250 ms; locations drawn from the seed,
    uniformly with every circular gap >= ``min_separation_deg``, as the random arrays
    of the authors' code), then a delay of ``delay_s``; and pairs of items at a few
    separations (the merging test). Read-outs at the end of the delay (its last
    ``late_ms``): the pyramidal rates in 3-deg arcs; an arc is active above
    :data:`ACTIVE_HZ`; a bump is a run of active arcs (circularly); an item survives
    when its location lies in a bump. The number of bumps held is the number of
    distinct memories (merged items count once); capacity: the mean over the three
    largest loads.

    What this engine measures, and how it differs from the paper's description
    (checked against an independent NumPy integration of the same equations, forward
    Euler at 0.05 ms: the same result): the spontaneous state is silent (0 Hz: the
    background alone keeps V ~ 8 mV below threshold), and a bump does not stay narrow:
    the E -> E footprint at 5 deg carries only about 11 % of the recurrent excitation
    ((J+ - J-) x 5 deg x sqrt(2 pi) / 360), the rest is the flat J- part, so a cued
    item recruits its neighbours and spreads in ~1 s into a plateau ~100-140 deg wide
    at ~70 Hz until the shared inhibition stops it. The total activity is then nearly
    constant (normalisation, as published), and the capacity limit comes almost only
    from merging: neighbouring plateaus fuse (items 80 deg apart already do), fading
    is rare. Evenly spaced arrays (45 deg apart at load 8) keep all 8 items: capacity
    here depends on the array's geometry, which is why the arrays are random. It also
    depends on the delay (the plateaus keep widening and merging: at a 0.75-s delay the
    quick preset's capacity is ~0.3 item higher than at 1 s) and on the smallest gap
    allowed between items. The engine integrates by exponential Euler with one step of
    synaptic delay (the code: forward Euler / RK2 at 0.05 ms, also one step); the
    quick preset is a ring of 1024 / 256 cells (the totals kept) at 0.1 ms with two
    pairs (20 and 180 deg): the same plateaus, a noisier count.
"""

from __future__ import annotations

import itertools
import math
from types import MappingProxyType

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
from engramlab.network import CompteParams
from engramlab.protocol import Protocol, epoch, session, trial

_W2012 = "Wei, Wang & Wang 2012"
_CODE = ("Wei, Wang & Wang 2012, the authors' code (Z. Wei, WM_SNN, matlab/wm_1d.m in "
         "github.com/sakimarquis/2DSpikingNetworkWorkingMemoryModel)")
_C2000 = "Compte et al. 2000"
_COWAN = "Cowan 2001"
_LUCK = "Luck & Vogel 1997"
REGION = "pfc"
#: Arcs of the ring for the read-outs (3 deg each at 120).
N_ARCS = 120
#: An arc fires above this rate (Hz) in a bump (the plateaus: ~50-70 Hz; off: ~0 Hz).
ACTIVE_HZ = 20.0
#: Size of the reference network of the conductances (per synapse at these sizes).
_N_E0, _N_I0 = 4096, 1024


class CapacityParams(Params):
    """Parameters of ``working-memory.capacity`` (defaults: the full preset)."""

    n_e: int = param(4096, unit="1", ge=256, le=16_384, doc="Pyramidal cells on the ring.",
                     source=_CODE)
    n_i: int = param(1024, unit="1", ge=64, le=4096, doc="Interneurons.", source=_CODE)
    max_load: int = param(8, unit="1", ge=2, le=12,
                          doc="Largest set size; loads 1 .. max_load are shown.",
                          source=f"catalogue: loads 1 to 8 ({_W2012})")
    min_separation_deg: float = param(20.0, unit="deg", ge=0.0, le=45.0,
                                      doc="Smallest circular gap between items of an "
                                          "array (the arrays are random otherwise).",
                                      source=f"chosen: {_CODE} draws random arrays with "
                                             "a minimum distance (its comment: 24 deg); "
                                             "at most 45 deg so that 8 items fit")
    n_arrays: int = param(2, unit="1", ge=1, le=20,
                          doc="Random arrays shown at each of the three largest loads "
                              "(one at the smaller loads).",
                          source="chosen: the number of memories held depends on the "
                                 "array; two arrays per load halve the variance of the "
                                 "capacity")
    pair_separations_deg: tuple[float, ...] = param(
        (20.0, 60.0, 120.0, 180.0), unit="deg", ge=1.0, le=180.0, min_length=2,
        doc="Separations of the two-item arrays of the merging test (distinct; the "
            "smallest is the close pair, the largest the far one).",
        source=f"chosen: from close (merge, {_W2012}) to opposite")
    j_plus: float = param(4.02, unit="1", ge=0.0, le=10.0,
                          doc="J+, the E -> E footprint between cells of the same angle.",
                          source=_CODE)
    sigma_deg: float = param(5.0, unit="deg", ge=1.0, le=30.0,
                             doc="Width of the E -> E footprint.", source=_CODE)
    g_ee_ns: float = param(0.1905, unit="nS", ge=0.0, le=10.0,
                           doc="NMDA E -> E per synapse at N_E = 4096 (scaled by 4096 / "
                               "N_E).", source=_CODE)
    g_ei_ns: float = param(0.146, unit="nS", ge=0.0, le=10.0,
                           doc="NMDA E -> I per synapse at N_E = 4096.", source=_CODE)
    g_ie_ns: float = param(0.6681, unit="nS", ge=0.0, le=20.0,
                           doc="GABA I -> E per synapse at N_I = 1024 (scaled by 1024 / "
                               "N_I): the shared inhibition that normalises.",
                           source=_CODE)
    g_ii_ns: float = param(0.512, unit="nS", ge=0.0, le=20.0,
                           doc="GABA I -> I per synapse at N_I = 1024.", source=_CODE)
    nu_ext_hz: float = param(1000.0, unit="Hz", ge=100.0, le=5000.0,
                             doc="Background Poisson input per cell.", source=_CODE)
    g_ext_e_ns: float = param(2.48, unit="nS", ge=0.0, le=20.0,
                              doc="Background AMPA conductance onto E per input spike.",
                              source=_CODE)
    g_ext_i_ns: float = param(1.9, unit="nS", ge=0.0, le=20.0,
                              doc="Background AMPA conductance onto I per input spike.",
                              source=_CODE)
    cue_pa: float = param(400.0, unit="pA", ge=0.0, le=5000.0,
                          doc="Peak current of each item of the array.", source=_CODE)
    cue_sigma_deg: float = param(2.0, unit="deg", ge=0.5, le=30.0,
                                 doc="Width of each item's current profile.", source=_CODE)
    fixation_ms: float = param(250.0, unit="ms", ge=50.0, le=5000.0,
                               doc="Fixation before the array.",
                               source=f"{_CODE}: the array at 250-500 ms")
    cue_ms: float = param(250.0, unit="ms", ge=10.0, le=2000.0, doc="Array duration.",
                          source=_CODE)
    delay_s: float = param(1.0, unit="s", ge=0.25, le=10.0,
                           doc="Delay after the array (the read-out at its end).",
                           source="chosen: the plateaus have settled by ~1 s")
    epoch_ms: float = param(250.0, unit="ms", ge=10.0, le=2000.0,
                            doc="Length of each delay epoch (time resolution of the maps).",
                            source="chosen: the array's duration")
    late_ms: float = param(500.0, unit="ms", ge=10.0, le=10_000.0,
                           doc="The read-out window: the delay's last late_ms.",
                           source="chosen: two epochs, less noise than one")
    dt_ms: float = param(0.05, unit="ms", ge=0.01, le=0.2, doc="Time step.",
                         source=_CODE)

    @model_validator(mode="after")
    def _consistent(self) -> CapacityParams:
        n = self.delay_s * 1e3 / self.epoch_ms
        if abs(n - round(n)) > 1e-9 or round(n) < 1:
            raise broken_rule(self, ("delay_s", "epoch_ms"), "must make the delay a whole "
                              "number (>= 1) of epochs")
        if self.late_ms > self.delay_s * 1e3 + 1e-9:
            raise broken_rule(self, ("late_ms", "delay_s"), "must lie within the delay")
        for name in ("fixation_ms", "cue_ms", "epoch_ms"):
            k = getattr(self, name) / self.dt_ms
            if abs(k - round(k)) > 1e-6:
                raise broken_rule(self, (name, "dt_ms"), "must be a whole number of "
                                  "time steps")
        if self.max_load * self.min_separation_deg >= 360.0:
            raise broken_rule(self, ("max_load", "min_separation_deg"),
                              "must fit max_load items on the ring (max_load x "
                              "min_separation_deg < 360 deg)")
        if len({f"{s:g}" for s in self.pair_separations_deg}) < len(
                self.pair_separations_deg):
            raise broken_rule(self, ("pair_separations_deg",),
                              "must list distinct separations")
        sig = math.radians(self.sigma_deg)
        from scipy.stats import norm

        c = sig * (2.0 * float(norm.cdf(math.pi / sig)) - 1.0) / math.sqrt(2.0 * math.pi)
        if (1.0 - self.j_plus * c) / (1.0 - c) < 0:
            raise broken_rule(self, ("j_plus", "sigma_deg"), "must keep the footprint's "
                              "floor J- = (1 - J+ c) / (1 - c) >= 0")
        return self


def network_params(p: CapacityParams) -> CompteParams:
    """The Compte-ring parameters of Wei et al.'s network (totals kept at any size)."""
    # CompteParams scales per-synapse values given at 2048 / 512 cells by 2048 / N_E and
    # 512 / N_I: pass the 4096 / 1024 values times 2 to get them per synapse at 4096.
    se, si = _N_E0 / 2048.0, _N_I0 / 512.0
    return CompteParams(n_e=p.n_e, n_i=p.n_i, g_ee_ns=p.g_ee_ns * se, g_ei_ns=p.g_ei_ns * se,
                        g_ie_ns=p.g_ie_ns * si, g_ii_ns=p.g_ii_ns * si,
                        g_ext_e_ns=p.g_ext_e_ns, g_ext_i_ns=p.g_ext_i_ns,
                        nu_ext_hz=p.nu_ext_hz, j_plus=p.j_plus, sigma_deg=p.sigma_deg)


def random_array(rng: np.random.Generator, k: int, min_sep_deg: float) -> np.ndarray:
    """``k`` locations (deg, sorted) uniform on the ring with every circular gap >=
    ``min_sep_deg``: gaps ``min_sep + (360 - k min_sep) x`` a flat Dirichlet, rotated
    at random (the uniform distribution of such arrays).

    Examples
    --------
    >>> a = random_array(np.random.default_rng(0), 8, 40.0)
    >>> bool(np.all(np.diff(np.r_[a, a[0] + 360.0]) >= 40.0 - 1e-9))
    True
    """
    if k == 1:
        return np.array([float(rng.uniform(0.0, 360.0))])
    gaps = min_sep_deg + (360.0 - k * min_sep_deg) * rng.dirichlet(np.ones(k))
    pos = (float(rng.uniform(0.0, 360.0)) + np.concatenate([[0.0], np.cumsum(gaps[:-1])]))
    return np.sort(pos % 360.0)


def arrays(p: CapacityParams, seed: int) -> dict[str, np.ndarray]:
    """Group name -> item locations (deg): ``load1`` .. ``load{max}``, the further
    arrays of the three largest loads ``load{k}_{j}`` and the pairs ``pair{sep}``."""
    rng = np.random.default_rng([seed, 2012])
    out = {f"load{k}": random_array(rng, k, p.min_separation_deg)
           for k in range(1, p.max_load + 1)}
    for j in range(1, p.n_arrays):
        for k in range(max(1, p.max_load - 2), p.max_load + 1):
            out[f"load{k}_{j}"] = random_array(rng, k, p.min_separation_deg)
    for s in p.pair_separations_deg:
        out[f"pair{s:g}"] = np.array([180.0 - s / 2.0, 180.0 + s / 2.0])
    return out


def _task(p: CapacityParams, items: dict[str, float]) -> Protocol:
    n = round(p.delay_s * 1e3 / p.epoch_ms)
    epochs = [epoch("fixation", p.fixation_ms), epoch("cue", p.cue_ms, **items)]
    epochs += [epoch("delay", p.epoch_ms)] * n
    return Protocol.of(session("task", [trial("array", *epochs)]))


def bumps(rates: np.ndarray, active_hz: float = ACTIVE_HZ) -> list[tuple[int, int]]:
    """The bumps of a ring of arc rates: runs ``(first, length)`` of arcs above
    ``active_hz``, circularly (a ring all above: one run of every arc).

    Examples
    --------
    >>> bumps(np.array([30.0, 0, 0, 25, 26, 0, 0, 40]))
    [(3, 2), (7, 2)]
    """
    on = np.asarray(rates) > active_hz
    n = on.size
    if on.all():
        return [(0, n)]
    if not on.any():
        return []
    start = int(np.argmin(on))                # an inactive arc: runs do not wrap past it
    runs: list[tuple[int, int]] = []
    length = 0
    for j in range(1, n + 1):
        i = (start + j) % n
        if on[i]:
            length += 1
        elif length:
            runs.append(((i - length) % n, length))
            length = 0
    if length:
        runs.append(((start + n + 1 - length) % n, length))
    return sorted(runs)


def count(rates: np.ndarray, items_deg: np.ndarray) -> tuple[int, int, float]:
    """Bumps, surviving items (locations inside a bump) and the widest bump (deg)."""
    n = rates.size
    runs = bumps(rates)
    inside = np.zeros(n, bool)
    for a, length in runs:
        inside[(a + np.arange(length)) % n] = True
    arcs = (np.asarray(items_deg) / (360.0 / n)).astype(int) % n
    width = max((length for _, length in runs), default=0) * 360.0 / n
    return len(runs), int(inside[arcs].sum()), width


def _arcs(rates: np.ndarray) -> np.ndarray:
    n = rates.shape[-1]
    edges = np.linspace(0, n, N_ARCS + 1).round().astype(int)
    return np.stack([rates[..., a:b].mean(-1) for a, b in itertools.pairwise(edges)],
                    axis=-1)


@register
class Capacity(Experiment[CapacityParams]):
    id = "working-memory.capacity"
    title = "Limited working-memory capacity: bumps fade or merge as the load grows"
    chapter = 3
    summary = ("A prefrontal ring shown 1 to 8 items at once holds them as bumps of "
               "persistent activity, but the number of distinct memories it keeps "
               "saturates: nearby bumps merge (or fade), and the total activity stays "
               "about constant whatever the load -- a fixed resource shared by the items.")
    Params = CapacityParams
    quick = MappingProxyType({"n_e": 1024, "n_i": 256, "dt_ms": 0.1,
                              "pair_separations_deg": (20.0, 180.0)})
    citations = (cite("wei2012"), cite("compte2000"), cite("cowan2001"), cite("luck1997"))
    mutations = (
        Mutation(name="flat recurrence (J+ 4.02 -> 1): nothing is held, no items",
                 value=1.0, param="j_plus"),
    )

    def resources(self, params: CapacityParams) -> Resources:
        """Neuron-steps of all the groups (one network each); the ring is FFT, O(N)."""
        p = params
        n_groups = p.max_load + 3 * (p.n_arrays - 1) + len(p.pair_separations_deg)
        ms = p.fixation_ms + p.cue_ms + 1e3 * p.delay_s
        steps = ms / p.dt_ms * n_groups
        n = p.n_e + p.n_i
        n_ep = 2 + round(p.delay_s * 1e3 / p.epoch_ms)
        memory = n_groups * (n * 600.0 + p.n_e * 32.0 + 8.0 * n * n_ep)
        return Resources(memory_bytes=memory, steps=steps,
                         work=steps * n * (12 + 2 * math.log2(max(p.n_e, 2))),
                         drivers=("n_e", "n_i", "max_load", "n_arrays",
                                  "pair_separations_deg", "delay_s", "dt_ms"),
                         detail=f"{n_groups} networks of {n} neurons, {ms / 1e3:.2f} s "
                                "simulated each")

    def run(self, params: CapacityParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        p = params
        arr = arrays(p, seed)
        cues: dict[str, float] = {}
        grp: dict[str, Group] = {}
        for g, locs in arr.items():
            items = {}
            for j, deg in enumerate(locs):
                cues[f"{g}_item{j}"] = float(deg)
                items[f"{g}_item{j}"] = 1.0
            grp[g] = Group((), _task(p, items))
        reg = compte_region(network_params(p), name=REGION, cues=cues, cue_pa=p.cue_pa,
                            cue_sigma_deg=p.cue_sigma_deg, dt_ms=p.dt_ms)
        first = next(iter(grp.values())).protocol
        assert first is not None
        ds = run_protocol(Circuit((reg,), settle=1), first, groups=grp, seed=seed,
                          n_subjects=1, record=[Record("E", f"{REGION}.E", "cells"),
                                                Record("I", f"{REGION}.I")])
        progress(1, 1)
        names = list(grp)
        cue_off = p.fixation_ms + p.cue_ms
        sub0 = ds.sel(group=names[0])
        keep = np.isfinite(sub0.stop_ms.values)
        t_s = (sub0.stop_ms.values[keep] - cue_off) / 1e3
        n_late = max(1, round(p.late_ms / p.epoch_ms))
        maps, late_maps, i_hz = [], [], []
        for g in names:
            r = ds.sel(group=g).E.values[0][keep][:, :p.n_e]       # (epoch, cell)
            maps.append(_arcs(r))
            late_maps.append(_arcs(r[-n_late:].mean(0)))
            i_hz.append(ds.sel(group=g).I.values[0][keep])
        n_b, n_s, width = zip(*(count(m, arr[g]) for m, g in
                                zip(late_maps, names, strict=True)), strict=True)
        n_items = np.array([arr[g].size for g in names])
        max_items = max(n_items)
        locs = np.full((len(names), max_items), np.nan)
        for k, g in enumerate(names):
            locs[k, :arr[g].size] = arr[g]
        arcs_deg = (np.arange(N_ARCS) + 0.5) * 360.0 / N_ARCS
        return xr.Dataset(
            {"rate_map": (("array", "t_s", "arc_deg"), np.array(maps),
                          {"units": "Hz", "long_name": "pyramidal rate by arc"}),
             "late_map": (("array", "arc_deg"), np.array(late_maps), {"units": "Hz"}),
             "i_hz": (("array", "t_s"), np.array(i_hz), {"units": "Hz"}),
             "n_items": ("array", n_items, {"units": "1"}),
             "n_bumps": ("array", np.array(n_b), {"units": "1"}),
             "n_survived": ("array", np.array(n_s), {"units": "1"}),
             "widest_bump_deg": ("array", np.array(width), {"units": "deg"}),
             "item_deg": (("array", "item"), locs, {"units": "deg"}),
             "total_hz": ("array", np.array(late_maps).mean(-1), {"units": "Hz"}),
             "is_load": ("array", np.array([g.startswith("load") for g in names]))},
            coords={"array": names, "t_s": ("t_s", t_s, {"units": "s"}),
                    "epoch": ("t_s", sub0.epoch.values[keep]), "arc_deg": arcs_deg,
                    "item": np.arange(max_items)},
            attrs={"n_e": p.n_e, "n_i": p.n_i, "active_hz": ACTIVE_HZ,
                   "fixation_ms": p.fixation_ms, "cue_ms": p.cue_ms,
                   "delay_s": p.delay_s, "late_ms": p.late_ms,
                   "min_separation_deg": p.min_separation_deg})

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        loads = ds.sel(array=ds.is_load)
        k = loads.n_items.values
        nb = loads.n_bumps.values.astype(float)
        kmax = int(k.max())
        top, at_max = k >= kmax - 2, k == kmax
        tot = np.array([loads.total_hz.values[k == n].mean() for n in np.unique(k)])
        fix = ds.epoch == "fixation"
        out = {
            "capacity": float(nb[top].mean()),
            "bumps_per_item_top_loads": float((nb[top] / k[top]).mean()),
            "bumps_at_max_load": float(nb[at_max].mean()),
            "survived_at_max_load": float(loads.n_survived.values[at_max].mean()),
            "bumps_at_load_2": float(nb[k == 2].mean()),
            "single_item_bumps": float(nb[k == 1].mean()),
            "single_item_width_deg": float(loads.widest_bump_deg.values[k == 1].mean()),
            "total_hz_min": float(tot.min()),
            "total_hz_max": float(tot.max()),
            "total_activity_cv": float(tot.std() / max(tot.mean(), 1e-9)),
            "spontaneous_hz": float(ds.rate_map.where(fix).mean()),
        }
        pairs = ds.sel(array=~ds.is_load)
        for name in pairs.array.values:
            out[f"bumps_{name}"] = float(pairs.n_bumps.sel(array=name))
        return out

    def targets(self, params: CapacityParams) -> tuple[Target, ...]:
        p = params
        pairs = sorted(p.pair_separations_deg)
        near, far = f"bumps_pair{pairs[0]:g}", f"bumps_pair{pairs[-1]:g}"
        spread = "quick preset, seeds 0-19:"
        full = "full preset, seed 0:"
        out = [
            Target("capacity", 4.0, 1.0, kind="published",
                   source=f"{_COWAN} (4 +- 1 items, humans); {_LUCK}; {_W2012}: the "
                          "number of memories held saturates with the load",
                   reason=f"distinct bumps held at the end of the delay, mean over the "
                          f"{3 * p.n_arrays} arrays of the three largest loads "
                          f"({p.max_load - 2}-{p.max_load}); "
                          + spread + " 3.50-4.83 (mean 4.25); " + full + " 4.00",
                   description="distinct memories held (bumps) at the largest loads"),
            Target("bumps_per_item_top_loads", 0.8, 0.0, compare="at_most",
                   kind="published",
                   source=f"{_W2012}: as the load grows bumps fade out or merge (items "
                          "held saturate)",
                   reason="at the three largest loads at most 80 % of the items shown "
                          "are held as distinct memories (no limit: 1); " + spread
                          + " 0.51-0.70 (mean 0.61); " + full + " 0.58",
                   description="bumps / items shown, mean over the arrays of the three "
                               "largest loads"),
            Target("total_activity_cv", 0.0, 0.15, compare="at_most", kind="published",
                   source=f"{_W2012} (abstract): the overall population activity is "
                          "invariant to set size",
                   reason="coefficient of variation over loads 1 .. max of the mean "
                          "pyramidal rate at the end of the delay (independent items "
                          "would scale it with the load: CV ~0.6 for 1 .. 8); " + spread
                          + " 0.049-0.081 (mean 0.063); " + full + " 0.060",
                   description="CV of the total activity across set sizes"),
            Target(near, 1.0, 0.0, compare="at_most", kind="published",
                   source=f"{_W2012}: a bump merges with a nearby one",
                   reason=f"two items {pairs[0]:g} deg apart end as one bump; "
                          + spread + " 1 on every seed; " + full + " 1 (60 deg: 1 too; 120 deg: 2)",
                   description=f"bumps held from two items {pairs[0]:g} deg apart"),
            Target(far, 2.0, 0.0, compare="at_least", kind="consistency",
                   source=f"{_W2012}: distant items are held as distinct bumps",
                   reason=f"two items {pairs[-1]:g} deg apart stay two bumps (the "
                          "merging is not a loss of both); " + spread + " 2 on every seed; "
                          + full + " 2",
                   description=f"bumps held from two items {pairs[-1]:g} deg apart"),
        ]
        return tuple(out)
