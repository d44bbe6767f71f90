"""Hopfield-network experiments of the seed's chapter 4 (联想记忆模型：霍普菲尔德网络).

``hopfield.seed-demo``
    Reproduces: the seed article's own example, exactly as written there (3x3 letters
    T, H, I; Hebbian weights ``T_ij = sum_p x_i x_j`` with zero diagonal; asynchronous
    updates in a fresh random order per sweep, ``sgn(0) = +1``; at most 100 sweeps).
    Paper: J. J. Hopfield (1982), PNAS 79:2554, doi:10.1073/pnas.79.8.2554.
    What differs: the seed runs each cue once with NumPy's global random state; here
    each cue is recalled from many seeded random orders at once (a batch), and the
    set of reachable end states is also found exhaustively.

``hopfield.recall``
    Reproduces: recall quality vs cue noise at several loads, and the retrieval
    overlap of Amit, Gutfreund & Sompolinsky (1985, PRL 55:1530,
    doi:10.1103/PhysRevLett.55.1530; 1987, Ann. Phys. 173:30,
    doi:10.1016/0003-4916(87)90092-3) below the capacity alpha_c ~ 0.138.
    What differs: finite N (the theory is for N -> infinity), so the
    tolerances carry finite-size reasons.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

import numpy as np
import xarray as xr

from engramlab.core import Params, Target, asarray, get_namespace, make_rng, param, to_numpy
from engramlab.experiments._registry import register
from engramlab.experiments.base import Citation, Experiment, ProgressFn, no_progress
from engramlab.memory import (
    BASIN_OVERLAP,
    StateKind,
    ags_critical_load,
    ags_retrieval_overlap,
    basin_radius,
    classify_states,
    fixed_points,
    hebbian_weights,
    reachable_fixed_points,
    recall,
)

HOPFIELD_1982 = Citation(
    "Hopfield 1982",
    "J. J. Hopfield (1982). Neural networks and physical systems with emergent collective "
    "computational abilities. PNAS 79(8):2554-2558.",
    "10.1073/pnas.79.8.2554",
)
AGS_1985 = Citation(
    "Amit, Gutfreund & Sompolinsky 1985",
    "D. J. Amit, H. Gutfreund, H. Sompolinsky (1985). Storing infinite numbers of patterns "
    "in a spin-glass model of neural networks. Phys. Rev. Lett. 55(14):1530-1533.",
    "10.1103/PhysRevLett.55.1530",
)
AGS_1987 = Citation(
    "Amit, Gutfreund & Sompolinsky 1987",
    "D. J. Amit, H. Gutfreund, H. Sompolinsky (1987). Statistical mechanics of neural "
    "networks near saturation. Annals of Physics 173(1):30-67.",
    "10.1016/0003-4916(87)90092-3",
)
SEED = "seed article, chapter 4 (霍普菲尔德网络), Python example"

# --- the seed's data, exactly as written there -------------------------------------
#: The three 3x3 letters of the seed (row-major, +1 = ink).
SEED_LETTERS = {
    "T": (1, 1, 1, -1, 1, -1, -1, 1, -1),
    "H": (1, -1, 1, 1, 1, 1, 1, -1, 1),
    "I": (1, 1, 1, -1, 1, -1, 1, 1, 1),
}
#: The seed's cues: noisy T (top-middle pixel flipped), noisy H (middle-left pixel
#: flipped; the seed's comment says "top-left" but its array flips the middle-left),
#: and a pattern the network never saw.
SEED_CUES = {
    "noisy T": (1, -1, 1, -1, 1, -1, -1, 1, -1),
    "noisy H": (1, -1, 1, -1, 1, 1, 1, -1, 1),
    "unseen": (1, 1, -1, -1, 1, 1, 1, -1, -1),
}


def _outcome_labels(letters: list[str]) -> list[str]:
    return letters + [f"reversed {x}" for x in letters] + ["spurious"]


def _outcome_codes(kind: np.ndarray, index: np.ndarray, n_patterns: int) -> np.ndarray:
    """stored k -> k, reversed k -> P + k, spurious -> 2P."""
    return np.where(kind == StateKind.STORED, index,
                    np.where(kind == StateKind.REVERSED, n_patterns + index, 2 * n_patterns))


class SeedDemoParams(Params):
    """Parameters of ``hopfield.seed-demo`` (the network itself is fixed by the seed)."""

    n_orders: int = param(
        10_000, unit="1", ge=1, le=1_000_000,
        doc="Number of seeded random update orders each cue is recalled from.",
        source="chosen: 10 000 orders put the binomial standard error of each outcome "
               "fraction below 0.5 %",
    )
    max_sweeps: int = param(
        100, unit="1", ge=1, le=10_000,
        doc="Upper bound on asynchronous sweeps per recall.",
        source="seed article: retrieve(max_iterations=100)",
    )


@register
class SeedDemo(Experiment):
    id = "hopfield.seed-demo"
    title = "The seed's Hopfield example: letters T, H, I on a 3x3 grid"
    chapter = 4
    summary = (
        "Chapter 4 of the seed stores the letters T, H and I in a nine-neuron Hopfield "
        "network with the Hebbian rule and shows that a noisy T and a noisy H are recalled "
        "as T and H. It leaves open where an unseen pattern goes: here it is recalled from "
        "thousands of random update orders, and an exhaustive search shows that its only "
        "possible end states are the stored letters and their reversals, never a "
        "spurious mixture."
    )
    Params = SeedDemoParams
    quick = MappingProxyType({"n_orders": 1000})
    citations = (HOPFIELD_1982,)

    def run(self, params: SeedDemoParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        xp = get_namespace(backend)
        letters = list(SEED_LETTERS)
        cue_names = list(SEED_CUES)
        patterns_np = np.array([SEED_LETTERS[k] for k in letters], dtype=float)
        cues_np = np.array([SEED_CUES[k] for k in cue_names], dtype=float)
        patterns = asarray(patterns_np, xp)
        weights = hebbian_weights(patterns)
        n_orders = params.n_orders
        # Every cue is recalled n_orders times in one batch, each copy with its own
        # random update order.
        batch = asarray(np.repeat(cues_np, n_orders, axis=0), xp)
        out = recall(weights, batch, dynamics="async", order="random",
                     rng=make_rng(seed), max_sweeps=params.max_sweeps)
        progress(1, 2)
        final = to_numpy(out.states)
        kind, index = classify_states(patterns_np, final)
        codes = _outcome_codes(kind, index, len(letters)).reshape(len(cue_names), n_orders)
        labels = _outcome_labels(letters)
        fractions = np.stack([np.bincount(c, minlength=len(labels)) / n_orders for c in codes])

        # Exhaustive analysis (9 neurons: 512 states): every fixed point, and every fixed
        # point reachable from each cue under any asynchronous order.
        w_np = to_numpy(weights)
        fixed = fixed_points(w_np)
        fk, fi = classify_states(patterns_np, fixed)
        reachable = np.zeros((len(cue_names), len(labels)), dtype=bool)
        for c, cue in enumerate(cues_np):
            ends = reachable_fixed_points(w_np, cue)
            ek, ei = classify_states(patterns_np, ends)
            reachable[c, _outcome_codes(ek, ei, len(letters))] = True
        progress(2, 2)

        return xr.Dataset(
            {
                "patterns": (("letter", "pixel"), patterns_np.astype(np.int8)),
                "cues": (("cue", "pixel"), cues_np.astype(np.int8)),
                "weights": (("pixel", "pixel_j"), w_np.astype(np.int16)),
                "final_state": (("cue", "order", "pixel"),
                                final.reshape(len(cue_names), n_orders, -1).astype(np.int8)),
                "outcome_code": (("cue", "order"), codes.astype(np.int8)),
                "sweeps": (("cue", "order"),
                           to_numpy(out.sweeps).reshape(len(cue_names), n_orders)),
                "converged": (("cue", "order"),
                              to_numpy(out.converged).reshape(len(cue_names), n_orders)),
                "outcome_fraction": (("cue", "outcome"), fractions),
                "reachable": (("cue", "outcome"), reachable),
                "fixed_point_kind": (("fixed_point",), fk),
                "fixed_point_index": (("fixed_point",), fi),
            },
            coords={
                "letter": letters, "cue": cue_names, "outcome": labels,
                "pixel": np.arange(9), "pixel_j": np.arange(9), "order": np.arange(n_orders),
                "fixed_point": np.arange(len(fixed)),
            },
            attrs={"description": "Seed chapter 4 Hopfield demo: recall outcomes per cue"},
        ).assign(
            outcome_fraction=lambda d: d.outcome_fraction.assign_attrs(
                units="1", long_name="fraction of update orders ending in each state"),
            sweeps=lambda d: d.sweeps.assign_attrs(units="1", long_name="sweeps to converge"),
        )

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        frac = ds.outcome_fraction
        spurious = ds.outcome.values == "spurious"
        reversed_ = np.char.startswith(ds.outcome.values.astype(str), "reversed")
        unseen = frac.sel(cue="unseen").values
        out = {
            "noisy_T_recalls_T": float(frac.sel(cue="noisy T", outcome="T")),
            "noisy_H_recalls_H": float(frac.sel(cue="noisy H", outcome="H")),
            "unseen_stored": float(unseen[~spurious & ~reversed_].sum()),
            "unseen_reversed": float(unseen[reversed_].sum()),
            "unseen_spurious": float(unseen[spurious].sum()),
            "spurious_fixed_points": float(
                (ds.fixed_point_kind.values == StateKind.SPURIOUS).sum()),
            "unseen_spurious_reachable": float(ds.reachable.sel(cue="unseen")[spurious].sum()),
            "all_converged": float(ds.converged.values.all()),
        }
        for label, value in zip(ds.outcome.values, unseen, strict=True):
            if label != "spurious":
                out[f"unseen_to_{label.replace(' ', '_')}"] = float(value)
        return out

    def targets(self, params: SeedDemoParams) -> tuple[Target, ...]:
        exact = ("exact: the end states reachable from this cue under any asynchronous "
                 "order were enumerated, so every seeded order must agree")
        return (
            Target("noisy_T_recalls_T", 1.0, 0.0, compare="abs",
                   source=f"{SEED}: noisy_T '检索到的模式 (应为 T)'", reason=exact,
                   description="fraction of random update orders in which the noisy T "
                               "ends in T"),
            Target("noisy_H_recalls_H", 1.0, 0.0, compare="abs",
                   source=f"{SEED}: noisy_H '检索到的模式 (应为 H)'", reason=exact,
                   description="fraction of random update orders in which the noisy H "
                               "ends in H"),
            Target("unseen_spurious", 0.0, 0.0, compare="abs",
                   source=f"{SEED}: unseen pattern; CATALOGUE.md hopfield.seed-demo "
                          "('falls into a stored or reversed state')",
                   reason="exact: the network's only fixed points are ±T, ±H, ±I "
                          "(all 512 states enumerated)",
                   description="fraction of orders in which the unseen pattern ends in a "
                               "spurious state"),
            Target("spurious_fixed_points", 0.0, 0.0, compare="abs",
                   source="Hopfield 1982 (energy minima of the Hebbian network); "
                          "enumeration of the 2^9 states",
                   reason="exact count, no randomness",
                   description="spurious fixed points of the 9-neuron network"),
            Target("all_converged", 1.0, 0.0, compare="abs",
                   source="Hopfield 1982: asynchronous dynamics with symmetric weights and "
                          "zero diagonal always reach a fixed point",
                   reason="exact: the energy strictly decreases at every change",
                   description="every recall stopped at a fixed point within max_sweeps"),
        )

    def plot(self, ds: xr.Dataset):
        from engramlab.plotting.hopfield import plot_seed_demo

        return plot_seed_demo(ds)


class RecallParams(Params):
    """Parameters of ``hopfield.recall``: basins of attraction of the Hebbian network."""

    n_neurons: int = param(
        1000, unit="1", ge=20, le=20_000,
        doc="Number of neurons N.",
        source="chosen: at N = 1000 the finite-size deviation from the AGS overlap "
               "(N -> inf) stays well inside the 0.02 tolerance for alpha <= 0.1",
    )
    load: tuple[float, ...] = param(
        (0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2), unit="1", gt=0.0, le=1.0, min_length=1,
        doc="Loads alpha = P / N (patterns per neuron) to test.",
        source="Amit, Gutfreund & Sompolinsky 1985: capacity alpha_c = 0.138; loads on both "
               "sides of it",
    )
    noise_max: float = param(
        0.5, unit="1", gt=0.0, le=0.5,
        doc="Largest fraction of cue bits flipped (0.5 = a random cue).",
        source="Hopfield 1982: recall from a noisy cue; 0.5 is an uncorrelated cue",
    )
    noise_steps: int = param(
        11, unit="1", ge=2, le=101,
        doc="Number of noise levels from 0 to noise_max.",
        source="chosen: a 5 % grid resolves the basin edge",
    )
    n_trials: int = param(
        40, unit="1", ge=1, le=10_000,
        doc="Cues per (load, noise level); cue k starts from pattern k mod P.",
        source="chosen: one failed cue moves the mean overlap by < 0.02",
    )
    max_sweeps: int = param(
        50, unit="1", ge=1, le=10_000,
        doc="Upper bound on asynchronous sweeps per recall.",
        source="chosen: retrieval from a 5 % noisy cue converges in fewer than 5 sweeps",
    )
    dynamics: Literal["async", "sync"] = param(
        "async", unit="", doc="Update schedule.",
        source="Hopfield 1982: asynchronous updates",
    )


#: Loads at least this multiple of alpha_c are clear of the finite-size smearing of the
#: capacity transition at N ~ 10^3 (measured: overlap 0.92 from an exact cue at
#: alpha = 0.15 = 1.09 alpha_c, N = 1000; 0.36 at alpha = 0.2).
FAR_ABOVE_CAPACITY = 1.3


@register
class Recall(Experiment):
    id = "hopfield.recall"
    title = "Basins of attraction: recall overlap vs cue noise at several loads"
    chapter = 4
    summary = (
        "The seed describes recall as the network settling from an incomplete or noisy "
        "cue into the nearest stored pattern, and states the limit of about 0.14 N "
        "patterns. This experiment measures how much noise a cue may carry at each load: "
        "below the Amit-Gutfreund-Sompolinsky capacity the recalled overlap matches the "
        "theory and the basin shrinks as the load grows; above it recall collapses."
    )
    Params = RecallParams
    quick = MappingProxyType({"n_neurons": 300, "load": (0.05, 0.1, 0.125, 0.2), "n_trials": 16})
    citations = (HOPFIELD_1982, AGS_1985, AGS_1987)

    def run(self, params: RecallParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        xp = get_namespace(backend)
        n = params.n_neurons
        noise = np.linspace(0.0, params.noise_max, params.noise_steps)
        flips = np.rint(noise * n).astype(int)
        loads = np.asarray(params.load)
        overlap = np.empty((loads.size, noise.size, params.n_trials))
        sweeps = np.empty_like(overlap)
        n_patterns = np.maximum(1, np.rint(loads * n)).astype(int)
        for k, p in enumerate(n_patterns):
            rng = make_rng(seed, k)  # one independent stream per load
            patterns = rng.choice(np.array([-1.0, 1.0]), size=(p, n))
            target = np.arange(params.n_trials) % p
            cues = np.repeat(patterns[target][None], noise.size, axis=0)  # (noise, trial, N)
            for j, f in enumerate(flips):
                for t in range(params.n_trials):
                    cues[j, t, rng.choice(n, size=f, replace=False)] *= -1.0
            cues = cues.reshape(-1, n)
            out = recall(hebbian_weights(asarray(patterns, xp)), asarray(cues, xp),
                         dynamics=params.dynamics, rng=rng, max_sweeps=params.max_sweeps)
            final = to_numpy(out.states).reshape(noise.size, params.n_trials, n)
            overlap[k] = np.einsum("jtn,tn->jt", final, patterns[target]) / n
            sweeps[k] = to_numpy(out.sweeps).reshape(noise.size, params.n_trials)
            progress(k + 1, loads.size)
        alpha_c, m_c = ags_critical_load()
        ds = xr.Dataset(
            {
                "overlap": (("load", "noise", "trial"), overlap,
                            {"units": "1", "long_name": "overlap of the final state with "
                             "the cued pattern"}),
                "sweeps": (("load", "noise", "trial"), sweeps,
                           {"units": "1", "long_name": "sweeps to converge"}),
                "n_patterns": (("load",), n_patterns, {"units": "1"}),
                "ags_overlap": (("load",), ags_retrieval_overlap(loads),
                                {"units": "1", "long_name": "AGS retrieval overlap m(alpha) "
                                 "(NaN: no retrieval state)"}),
            },
            coords={
                "load": ("load", loads, {"units": "1", "long_name": "load alpha = P / N"}),
                "noise": ("noise", noise, {"units": "1",
                                           "long_name": "fraction of cue bits flipped"}),
                "trial": np.arange(params.n_trials),
            },
            attrs={"n_neurons": n, "alpha_c": alpha_c, "m_c": m_c,
                   "basin_overlap": BASIN_OVERLAP, "dynamics": params.dynamics},
        )
        return ds

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        mean = ds.overlap.mean("trial")
        noise = ds.noise.values
        radii = np.array([basin_radius(noise, mean.sel(load=a).values) for a in ds["load"].values])
        below = ds["load"].values < ds.attrs["alpha_c"]
        low_noise = ds.noise.values[ds.noise.values > 0].min()
        out: dict[str, float] = {}
        for a, r in zip(ds["load"].values, radii, strict=True):
            out[f"basin_radius@{a:g}"] = r
            out[f"overlap@{a:g},noise={low_noise:g}"] = float(mean.sel(load=a, noise=low_noise))
            out[f"ags_overlap@{a:g}"] = float(ds.ags_overlap.sel(load=a))
        r_below = radii[below]
        out["basin_shrinks_with_load"] = float(np.all(np.diff(r_below) < 0)) if r_below.size > 1 \
            else float("nan")
        far = ds["load"].values[ds["load"].values >= FAR_ABOVE_CAPACITY * ds.attrs["alpha_c"]]
        if far.size:
            out["overlap_above_capacity"] = float(mean.sel(load=far.min(), noise=0.0))
        return out

    def targets(self, params: RecallParams) -> tuple[Target, ...]:
        alpha_c, _ = ags_critical_load()
        loads = np.asarray(params.load)
        n = params.n_neurons
        noise = np.linspace(0.0, params.noise_max, params.noise_steps)
        low_noise = noise[1]
        # 0.02 is a third of the gap between the AGS overlap at alpha = 0.1 (0.998) and
        # the overlap at capacity (0.967): tight enough to tell retrieval from its
        # breakdown, loose enough for one failed cue in 50 at finite N.
        tol = 0.02
        out = []
        for a in loads[loads <= 0.1]:
            out.append(Target(
                f"overlap@{a:g},noise={low_noise:g}", float(ags_retrieval_overlap(a)), tol,
                compare="abs",
                source="Amit, Gutfreund & Sompolinsky 1987, T = 0 retrieval overlap "
                       "m = erf(y) (solved numerically)",
                reason=f"finite N = {n} vs the N -> inf theory: 0.02 is a third of the gap "
                       "between m(0.1) = 0.998 and m(alpha_c) = 0.967; loads <= 0.1 only, "
                       "where the finite-size smearing of the transition does not reach",
                description=f"mean overlap after recall from a {low_noise:.0%} noisy cue at "
                            f"alpha = {a:g}"))
        if (loads < alpha_c).sum() > 1:
            out.append(Target(
                "basin_shrinks_with_load", 1.0, 0.0, compare="abs",
                source="CATALOGUE.md hopfield.recall ('basin shrinks as the load grows')",
                reason="shape check: 1 if the basin radius strictly decreases from each "
                       "load below alpha_c to the next, else 0",
                description=f"basin radius (largest noise with mean overlap >= "
                            f"{BASIN_OVERLAP}) decreases with the load"))
        if (loads >= FAR_ABOVE_CAPACITY * alpha_c).any():
            out.append(Target(
                "overlap_above_capacity", BASIN_OVERLAP, 0.0, compare="at_most",
                source="Amit, Gutfreund & Sompolinsky 1985: no retrieval state above "
                       f"alpha_c = {alpha_c:.3f}",
                reason="above alpha_c the retrieval overlap jumps from 0.967 to a "
                       "low-overlap spin-glass state; finite N smears the jump (at N = 1000 "
                       "an exact cue still ends at overlap 0.92 at alpha = 0.15), so the "
                       f"bound {BASIN_OVERLAP} is applied only from "
                       f"{FAR_ABOVE_CAPACITY:g} alpha_c on",
                description=f"mean overlap from an exact cue at the lowest load >= "
                            f"{FAR_ABOVE_CAPACITY:g} alpha_c"))
        return tuple(out)

    def plot(self, ds: xr.Dataset):
        from engramlab.plotting.hopfield import plot_recall

        return plot_recall(ds)

