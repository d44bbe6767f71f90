"""The seed's own Hopfield example (chapter 4, 联想记忆模型：霍普菲尔德网络).

``hopfield.seed-demo``
    Reproduces: the seed article's own example, exactly as written there (3x3 letters
    T, H, I; Hebbian weights ``T_ij = sum_p x_i x_j`` with zero diagonal; asynchronous
    updates in a fresh random order per sweep, ``sgn(0) = +1``; at most 100 sweeps).
    Paper: J. J. Hopfield (1982), PNAS 79:2554, doi:10.1073/pnas.79.8.2554.
    What differs: the seed runs each cue once with NumPy's global random state; here
    each cue is recalled from many seeded random orders at once (a batch), and the
    set of reachable end states is also found exhaustively.
    Evidence: the seed's own claims (noisy T -> T, noisy H -> H, where the unseen
    pattern goes) are checked against the exhaustive search of this network
    (``consistency``: the sampler against the enumeration). What is checked against
    the literature is Hopfield's (1982) theorem: with symmetric weights and a zero
    diagonal the asynchronous dynamics always stop, and their fixed points are exactly
    the states that no single flip can lower in energy (``theory``, all 512 states).
    No published number applies to a 9-neuron network of three correlated letters:
    Hopfield's 0.15 N is a statistical statement about random patterns at N = 100.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

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
from engramlab.experiments.base import Experiment, Mutation, ProgressFn, Resources, no_progress
from engramlab.memory import (
    StateKind,
    classify_states,
    energy,
    fixed_points,
    hebbian_weights,
    reachable_fixed_points,
    recall,
)
from engramlab.memory.analysis import all_states

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


def _energy_minima_mismatch(weights: Any, xp: Any) -> int:
    """Count the states at which the dynamics and the energy landscape disagree.

    Hopfield (1982): with symmetric weights and a zero diagonal a state is a fixed point
    of the asynchronous dynamics exactly when no single flip lowers the energy (ties,
    h_i = 0, aside: those flips leave E unchanged). Counted over all 2^N states: fixed
    points (one sweep of :func:`recall` in fixed order changes nothing) from which one
    flip lowers E, plus strict local minima (every flip raises E) that are not fixed.
    A self-coupling of either sign breaks the equivalence.
    """
    n = int(weights.shape[0])
    states_np = all_states(n)
    states = asarray(states_np, xp)
    stay = to_numpy(recall(weights, states, order="fixed", max_sweeps=1).states) == states_np
    fixed = stay.all(axis=1)
    e0 = to_numpy(energy(weights, states))
    rise = np.empty((states_np.shape[0], n))
    for i in range(n):
        flipped = states_np.copy()
        flipped[:, i] *= -1.0
        rise[:, i] = to_numpy(energy(weights, asarray(flipped, xp))) - e0
    lowered = (rise < 0).any(axis=1)
    strict_minimum = (rise > 0).all(axis=1)
    return int((fixed & lowered).sum() + (strict_minimum & ~fixed).sum())


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
class SeedDemo(Experiment[SeedDemoParams]):
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
    citations = (cite("hopfield1982"),)
    mutations = (
        # Keeping the Hebbian diagonal (T_ii = +3) changes no outcome of this network
        # (measured: every check passes with it; Bruck 1990: a non-negative diagonal
        # keeps the convergence), so it is not a critical constant here.
        Mutation(name="diagonal removed twice: T_ii = -P instead of 0", value=-1.0,
                 patch="engramlab.memory.hopfield:SELF_COUPLING"),
    )

    def resources(self, params: SeedDemoParams) -> Resources:
        """The batch of cues x n_orders recalls of the 9-neuron network."""
        batch = len(SEED_CUES) * params.n_orders
        n = len(next(iter(SEED_LETTERS.values())))
        sweeps = min(params.max_sweeps, 10)
        return Resources(
            memory_bytes=8.0 * 8 * batch * n, steps=sweeps * n,
            work=sweeps * 4.0 * batch * n * n,
            drivers=("n_orders", "max_sweeps"), detail=f"{batch} recalls")

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
        mismatch = _energy_minima_mismatch(weights, xp)
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
            attrs={"description": "Seed chapter 4 Hopfield demo: recall outcomes per cue",
                   "energy_minima_mismatch": mismatch},
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
            "energy_minima_mismatch": float(ds.attrs["energy_minima_mismatch"]),
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
                               "ends in T",
                   kind="consistency"),
            Target("noisy_H_recalls_H", 1.0, 0.0, compare="abs",
                   source=f"{SEED}: noisy_H '检索到的模式 (应为 H)'", reason=exact,
                   description="fraction of random update orders in which the noisy H "
                               "ends in H",
                   kind="consistency"),
            Target("unseen_spurious", 0.0, 0.0, compare="abs",
                   source=f"{SEED}: unseen pattern; docs/catalogue.md hopfield.seed-demo "
                          "('falls into a stored or reversed state')",
                   reason="exact: the network's only fixed points are ±T, ±H, ±I "
                          "(all 512 states enumerated)",
                   description="fraction of orders in which the unseen pattern ends in a "
                               "spurious state",
                   kind="consistency"),
            Target("spurious_fixed_points", 0.0, 0.0, compare="abs",
                   source="Hopfield 1982 (energy minima of the Hebbian network); "
                          "enumeration of the 2^9 states",
                   reason="exact count, no randomness",
                   description="spurious fixed points of the 9-neuron network",
                   kind="consistency"),
            Target("energy_minima_mismatch", 0.0, 0.0, compare="abs",
                   source="Hopfield 1982: with T symmetric and T_ii = 0 one asynchronous "
                          "update changes E by -Delta s_i h_i <= 0, so the fixed points are "
                          "the states no single flip can lower in energy",
                   reason="exact: all 512 states enumerated; the fixed points are found by "
                          "one sweep of the recall dynamics, the energies by E = -1/2 "
                          "s^T T s of every state and of its 9 one-flip neighbours",
                   description="states where the dynamics and the energy disagree: fixed "
                               "points that one flip would lower in energy, plus states "
                               "that every flip raises but the dynamics leave",
                   kind="theory"),
            Target("all_converged", 1.0, 0.0, compare="abs",
                   source="Hopfield 1982: asynchronous dynamics with symmetric weights and "
                          "zero diagonal always reach a fixed point",
                   reason="exact: the energy strictly decreases at every change",
                   description="every recall stopped at a fixed point within max_sweeps",
                   kind="theory"),
        )
