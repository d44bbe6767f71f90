"""Graceful degradation: lesioning a distributed vs a localist memory.

``connectionism.graceful-degradation``
    Reproduces: the connectionist claim that distributed representations degrade
    gracefully (Rumelhart, McClelland & the PDP Research Group 1986, *Parallel
    Distributed Processing* vol. 1, ch. 1 and 3; Hinton, McClelland & Rumelhart 1986,
    ch. 3 "Distributed representations") while a localist code ("grandmother cells",
    one unit per item; Page 2000, Behav. Brain Sci. 23:443,
    doi:10.1017/S0140525X00003356) loses whole items. The distributed memory is the
    Hebbian Hopfield network; its robustness to deleted synapses is that of the
    randomly diluted network (Sompolinsky 1986, Phys. Rev. A 34:2571,
    doi:10.1103/PhysRevA.34.2571): keeping a fraction c of the synapses (symmetrically)
    adds a static synaptic noise of variance alpha (1 - c) / c to the crosstalk
    variance alpha, so in the signal-to-noise approximation the network behaves like
    an intact one at load alpha / c, and retrieval survives until alpha / c ~ 0.138.
    The lesions are :class:`engramlab.interventions.Lesion` (the first intervention).
    What differs: the static noise of dilution has no Onsager reaction term, so the
    "load alpha / c" curve (the AGS overlap m(alpha / c)) is a conservative,
    approximate prediction, used as a one-sided bound; finite N.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import xarray as xr

from engramlab.core import (
    Params,
    Target,
    asarray,
    cite,
    get_namespace,
    make_rng,
    param,
    to_numpy,
)
from engramlab.experiments._registry import register
from engramlab.experiments.base import Experiment, ProgressFn, no_progress
from engramlab.interventions import Lesion, apply_lesion
from engramlab.memory import ags_critical_load, ags_retrieval_overlap, hebbian_weights, recall
from engramlab.memory.analysis import basin_radius
from engramlab.memory.localist import localist_recall, localist_weights

MEMORIES = ("distributed", "localist")
LESIONS = ("synapses", "neurons")
#: Overlap (on the surviving neurons) above which an item counts as recalled.
RECALLED = 0.9
#: The largest lesion fraction at which the "loses only the silenced bits" check applies.
GRADUAL_MAX = 0.5


class DegradationParams(Params):
    """Parameters of ``connectionism.graceful-degradation``."""

    n_neurons: int = param(
        1000, unit="1", ge=20, le=20_000,
        doc="Feature neurons N (the Hopfield network; the localist memory's inputs).",
        source="chosen: chance overlaps ~ 1 / sqrt(N) = 0.03 stay far below every "
               "tolerance",
    )
    n_items: int = param(
        20, unit="1", ge=2, le=10_000,
        doc="Stored items K (= P patterns; K item units in the localist memory).",
        source="chosen: load alpha = K / N = 0.02, the low-load regime of the catalogue",
    )
    fraction_max: float = param(
        0.95, unit="1", gt=0.0, le=1.0,
        doc="Largest lesion fraction f.",
        source="chosen: beyond the dilution at which the Hopfield network fails "
               "(f ~ 1 - alpha / 0.138 = 0.86 at alpha = 0.02)",
    )
    n_fractions: int = param(
        20, unit="1", ge=3, le=200,
        doc="Lesion fractions from 0 to fraction_max.",
        source="chosen: a 5 % grid",
    )
    cue_noise: float = param(
        0.1, unit="1", ge=0.0, lt=0.5,
        doc="Fraction of cue bits flipped.",
        source="chosen: recall from a degraded cue, well inside the basin at low load",
    )
    n_networks: int = param(
        4, unit="1", ge=1, le=1000,
        doc="Independent memories (patterns, cues, lesions) per lesion fraction.",
        source="chosen: 80 items per point",
    )
    max_sweeps: int = param(
        50, unit="1", ge=1, le=10_000,
        doc="Upper bound on asynchronous sweeps per Hopfield recall.",
        source="chosen: retrieval converges in a few sweeps; failing recalls wander longer",
    )


def _lesion_grid(params: DegradationParams) -> np.ndarray:
    return np.linspace(0.0, params.fraction_max, params.n_fractions)


@register
class GracefulDegradation(Experiment[DegradationParams]):
    id = "connectionism.graceful-degradation"
    title = "Graceful degradation: lesioning a distributed vs a localist memory"
    chapter = 4
    summary = (
        "The seed's chapter 4 credits distributed representations (分布式表征) with "
        "robustness: a memory spread over many synapses survives damage. Here growing "
        "lesions of synapses or neurons hit a Hopfield network and a localist memory "
        "with one grandmother cell per item: the Hopfield network loses every item a "
        "little (only the silenced bits) and shrugs off most deleted synapses, while "
        "the localist memory loses whole items, one per dead unit."
    )
    Params = DegradationParams
    quick = MappingProxyType({"n_neurons": 300, "n_items": 6, "n_fractions": 10,
                              "fraction_max": 0.9, "n_networks": 2})
    citations = (cite("hopfield1982"), cite("sompolinsky1986"), cite("rumelhart1986"),
                 cite("page2000"))

    def run(self, params: DegradationParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        xp = get_namespace(backend)
        n, k = params.n_neurons, params.n_items
        fractions = _lesion_grid(params)
        shape = (len(MEMORIES), len(LESIONS), fractions.size, params.n_networks, k)
        overlap = np.empty(shape)
        overlap_alive = np.empty(shape)
        recalled = np.empty(shape, dtype=bool)
        removed = np.empty(shape[:4])
        n_flip = int(np.rint(params.cue_noise * n))
        total = params.n_networks * len(LESIONS)
        for net in range(params.n_networks):
            rng = make_rng(seed, net)
            xi_np = rng.choice(np.array([-1.0, 1.0]), size=(k, n))
            cues_np = xi_np.copy()
            for item in range(k):
                cues_np[item, rng.choice(n, size=n_flip, replace=False)] *= -1.0
            xi, cues = asarray(xi_np, xp), asarray(cues_np, xp)
            memories = {"distributed": hebbian_weights(xi), "localist": localist_weights(xi)}
            for li, kind in enumerate(LESIONS):
                for fi, f in enumerate(fractions):
                    for mi, mem in enumerate(MEMORIES):
                        w = memories[mem]
                        # Synapses of the localist memory form a (K, N) matrix: no pairs.
                        lesion = Lesion(kind, float(f), symmetric=(mem == "distributed"))
                        out = apply_lesion(w, lesion, make_rng(seed, net, li, fi, mi))
                        cand = _candidates(w.shape, kind, mem)
                        removed[mi, li, fi, net] = (
                            (~out.alive).sum() / w.shape[0] if kind == "neurons"
                            else (1.0 - (out.kept.sum() - (w.shape[0] if mem == "distributed"
                                                           else 0)) / cand))
                        if mem == "distributed":
                            r = recall(out.weights, cues, dynamics="async", order="random",
                                       rng=make_rng(seed, net, li, fi, mi, 1),
                                       max_sweeps=params.max_sweeps)
                            alive = out.alive.astype(float)  # silenced bits carry nothing
                            correct = xi_np * to_numpy(r.states) * alive
                            overlap[mi, li, fi, net] = correct.sum(axis=1) / n
                            n_alive = max(alive.sum(), 1.0)
                            overlap_alive[mi, li, fi, net] = correct.sum(axis=1) / n_alive
                            recalled[mi, li, fi, net] = overlap_alive[mi, li, fi, net] >= RECALLED
                        else:
                            r = localist_recall(out.weights, cues, alive=out.alive)
                            m = (xi_np * to_numpy(r.states)).sum(axis=1) / n
                            overlap[mi, li, fi, net] = m
                            overlap_alive[mi, li, fi, net] = m
                            recalled[mi, li, fi, net] = to_numpy(r.winner) == np.arange(k)
                progress(net * len(LESIONS) + li + 1, total)
        alpha = k / n
        c = 1.0 - fractions
        with np.errstate(divide="ignore"):
            theory = np.where(c > 0, ags_retrieval_overlap(np.where(c > 0, alpha / c, 1.0)),
                              np.nan)
        dims = ("memory", "lesion", "fraction", "network", "item")
        one = {"units": "1"}
        return xr.Dataset(
            {
                "overlap": (dims, overlap, {**one, "long_name": "overlap of the recalled "
                            "pattern with the item over all N neurons (silenced bits count "
                            "0)"}),
                "overlap_alive": (dims, overlap_alive, {**one, "long_name": "overlap over "
                                  "the surviving neurons"}),
                "recalled": (dims, recalled, {"long_name": "item recalled (localist: its "
                             "unit wins; distributed: overlap on survivors >= 0.9)"}),
                "removed_fraction": (dims[:4], removed, {**one, "long_name": "fraction "
                                     "actually removed"}),
                "diluted_theory": (("fraction",), theory,
                                   {**one, "long_name": "AGS overlap at the effective load "
                                    "alpha / c (signal-to-noise view of Sompolinsky 1986)"}),
            },
            coords={
                "memory": list(MEMORIES), "lesion": list(LESIONS),
                "fraction": ("fraction", fractions, {"units": "1",
                                                     "long_name": "lesion fraction f"}),
                "network": np.arange(params.n_networks), "item": np.arange(k),
            },
            attrs={"n_neurons": n, "n_items": k, "load": alpha,
                   "alpha_c": ags_critical_load()[0], "recalled_overlap": RECALLED,
                   "cue_noise": params.cue_noise},
        )

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        f = ds.fraction.values
        k = ds.sizes["item"]
        mean = ds.overlap.mean(("network", "item"))
        rec = ds.recalled.mean(("network", "item"))
        loc_n = rec.sel(memory="localist", lesion="neurons").values
        expected = 1.0 - np.rint(f * k) / k
        n = int(ds.attrs["n_neurons"])
        dist_n = mean.sel(memory="distributed", lesion="neurons").values
        gradual = f <= GRADUAL_MAX
        spread = ds.overlap.std("item").mean("network")
        syn = mean.sel(memory="distributed", lesion="synapses").values
        half = int(np.argmin(np.abs(f - 0.5)))
        out = {
            "localist_neuron_recall_error": float(np.abs(loc_n - expected).max()),
            "distributed_neuron_recalled_min": float(
                rec.sel(memory="distributed", lesion="neurons").values[gradual].min()),
            "distributed_neuron_overlap_error": float(
                np.abs(dist_n - (1.0 - np.rint(f * n) / n))[gradual].max()),
            "distributed_spread_neurons": float(
                spread.sel(memory="distributed", lesion="neurons").mean()),
            "localist_spread_neurons": float(
                spread.sel(memory="localist", lesion="neurons").mean()),
            "localist_spread_binomial": float(np.sqrt(expected * (1 - expected)).mean()),
            "localist_spread_excess": float(
                spread.sel(memory="localist", lesion="neurons").mean()
                - np.sqrt(expected * (1 - expected)).mean()),
            "distributed_synapse_overlap_at_half": float(syn[half]),
            "half_fraction": float(f[half]),
            "distributed_synapse_tolerance": basin_radius(f, syn, RECALLED),
            "localist_synapse_tolerance": basin_radius(
                f, mean.sel(memory="localist", lesion="synapses").values, RECALLED),
            "distributed_synapse_recalled_at_half": float(
                rec.sel(memory="distributed", lesion="synapses").values[half]),
        }
        for mem in ds.memory.values:
            for les in ds.lesion.values:
                m = mean.sel(memory=mem, lesion=les).values
                out[f"max_drop_{mem}_{les}"] = float(np.max(-np.diff(m), initial=0.0))
        return out

    def targets(self, params: DegradationParams) -> tuple[Target, ...]:
        n, k = params.n_neurons, params.n_items
        alpha = k / n
        alpha_c, _ = ags_critical_load()
        f_star = 1.0 - alpha / alpha_c
        f = _lesion_grid(params)
        half = float(f[int(np.argmin(np.abs(f - 0.5)))])
        m_half = float(ags_retrieval_overlap(alpha / (1.0 - half)))
        sd = 0.5 / np.sqrt(n)
        out = [
            Target("localist_neuron_recall_error", 0.0, 1e-9, compare="abs",
                   source="Page 2000 (localist code): item k lives in unit k only, so "
                          "removing round(f K) units loses exactly those items",
                   reason="exact: the lesion removes exactly round(f K) item units and a "
                          f"{params.cue_noise:.0%} noisy cue always wins in its own unit "
                          f"(margin (1 - 2 x noise) N vs chance ~ 3 sqrt(N)); 1e-9 is only the "
                          "floating-point rounding of the means",
                   description="largest |fraction of items recalled - (1 - removed "
                               "fraction)| over the lesion levels, localist memory"),
            Target("distributed_neuron_recalled_min", 1.0, 0.0, compare="at_least",
                   source="Amit, Gutfreund & Sompolinsky 1985: the surviving (1 - f) N "
                          f"neurons hold K patterns at load alpha / (1 - f) <= "
                          f"{alpha / (1 - GRADUAL_MAX):.3f} < alpha_c = {alpha_c:.3f}",
                   reason="deep in the retrieval phase every item is retrieved on the "
                          f"surviving neurons (f <= {GRADUAL_MAX})",
                   description=f"worst fraction of items recalled, neuron lesions f <= "
                               f"{GRADUAL_MAX}, distributed memory"),
            Target("distributed_neuron_overlap_error", 0.0, 0.02, compare="abs",
                   source="PDP 1986 (graceful degradation): each item loses only the bits "
                          "of the silenced neurons, overlap = 1 - f",
                   reason=f"the AGS retrieval overlap at alpha / (1 - f) <= "
                          f"{alpha / (1 - GRADUAL_MAX):.3f} differs from 1 by < 1e-4; 0.02 "
                          f"covers cue-noise remnants and the {sd:.3f} per-item spread",
                   description=f"largest |mean overlap - (1 - f)| for neuron lesions f <= "
                               f"{GRADUAL_MAX}, distributed memory"),
            Target("distributed_spread_neurons", 0.0, 0.05, compare="at_most",
                   source="PDP 1986: damage to a distributed memory is shared by all items",
                   reason="every item loses the same silenced bits, so the spread is 0 "
                          "while all items are retrieved on the survivors; 0.05 allows the "
                          "few levels near f = 1 where retrieval fails, and stays far below "
                          "the localist spread (~0.4)",
                   description="across-item s.d. of the overlap, mean over neuron-lesion "
                               "levels, distributed memory"),
            Target("localist_spread_excess", 0.0, 0.05, compare="abs",
                   source="Page 2000: items fail one by one; with q the fraction of items "
                          "kept the per-item outcome is 1 or ~0, s.d. sqrt(q (1 - q))",
                   reason="the metric is the measured spread minus the binomial "
                          "mean sqrt(q (1 - q)) over the levels; 0.05 allows the chance "
                          "overlap (~ 1 / sqrt(N)) of a lost item's read-out with the cue",
                   description="|localist across-item s.d. - binomial s.d.|"),
            Target("distributed_synapse_overlap_at_half", m_half, 0.02, compare="at_least",
                   source="Sompolinsky 1986 (dilution = static synaptic noise): intact "
                          f"network at load alpha / c = {alpha / (1 - half):.3f}, AGS overlap",
                   reason="one-sided: static noise lacks the reaction term, so the "
                          "alpha / c view is pessimistic; 0.02 for finite N and cue noise",
                   description=f"mean overlap with {half:.0%} of the synapses deleted"),
            Target("distributed_synapse_tolerance", f_star, 0.05, compare="at_least",
                   source="Sompolinsky 1986: retrieval survives while alpha / c < alpha_c = "
                          f"{alpha_c:.3f}, i.e. up to f* = 1 - alpha / alpha_c = {f_star:.2f}",
                   reason="one-sided (the alpha / c view is pessimistic); 0.05 is the "
                          "lesion grid step and the finite-N smearing of the transition",
                   description="largest synapse-deletion fraction keeping the mean "
                               f"overlap >= {RECALLED} (linear interpolation)"),
        ]
        return tuple(out)


def _candidates(shape: tuple[int, ...], kind: str, memory: str) -> int:
    rows, cols = int(shape[0]), int(shape[1])
    if kind == "neurons":
        return rows
    return rows * (cols - 1) if memory == "distributed" else rows * cols
