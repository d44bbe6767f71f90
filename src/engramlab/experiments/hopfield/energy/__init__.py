"""The Hopfield energy as a Lyapunov function, and where the argument breaks.

``hopfield.energy``
    Reproduces: Hopfield's (1982, PNAS 79:2554, doi:10.1073/pnas.79.8.2554) argument
    that with symmetric weights and a zero diagonal the energy
    E = -1/2 sum_ij T_ij s_i s_j never increases under asynchronous updates
    (a flip of neuron i changes E by -Delta s_i h_i <= 0), so the dynamics end in a
    fixed point; and the theorem for synchronous updates of a symmetric network
    (Goles-Chacc, Fogelman-Soulie & Pellegrin 1985, Discrete Appl. Math. 12:261,
    doi:10.1016/0166-218X(85)90029-0; Bruck 1990, Proc. IEEE 78:1579,
    doi:10.1109/5.58341): the two-step function L(t) = -s(t)^T T s(t-1) never
    increases, so parallel dynamics end in a fixed point or a 2-cycle, never in a
    longer cycle.
    Controls: the argument needs the symmetry and a diagonal >= 0 (Bruck 1990). A
    positive self-coupling (T_ii = +kappa P, e.g. the Hebbian diagonal left in) keeps
    E non-increasing, because a flip then needs s_i h_i^off < -T_ii <= 0; a negative
    one (T_ii = -kappa P) lets a neuron flip against its off-diagonal field and raises
    E; asymmetric weights (half of the directed synapses deleted independently with
    :func:`engramlab.interventions.apply_lesion`) raise it too.
    What differs: finite N and finitely many runs; energies are exact because the
    weights are integers (the seed's unnormalised T), so an increase is any
    Delta E > 0, with no rounding tolerance.
"""

from __future__ import annotations

import itertools
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
    namespace,
    param,
    to_numpy,
)
from engramlab.experiments._registry import register
from engramlab.experiments.base import Experiment, Mutation, ProgressFn, Resources, no_progress
from engramlab.interventions import Lesion, apply_lesion
from engramlab.memory import energy, hebbian_weights, update_sync
from engramlab.memory.hopfield import sgn

#: Weight matrices of the asynchronous runs, in plotting order.
CONDITIONS = ("symmetric", "positive diagonal", "negative diagonal", "asymmetric")
#: Longest cycle looked for at the end of the synchronous runs.
MAX_PERIOD = 10

Array = Any


class EnergyParams(Params):
    """Parameters of ``hopfield.energy``."""

    n_neurons: int = param(
        200, unit="1", ge=10, le=5000,
        doc="Number of neurons N.",
        source="chosen: each single-neuron update is followed by an exact O(N^2) energy "
               "evaluation, so N stays moderate; the property does not depend on N",
    )
    load: tuple[float, ...] = param(
        (0.05, 0.15, 0.5), unit="1", gt=0.0, le=2.0, min_length=1,
        doc="Loads alpha = P / N of the Hebbian networks.",
        source="chosen: below, near and far above the capacity 0.138 (Amit, Gutfreund & "
               "Sompolinsky 1985); the Lyapunov property holds at every load",
    )
    n_cues: int = param(
        40, unit="1", ge=1, le=10_000,
        doc="Random (uncorrelated) initial states per load and condition.",
        source="chosen: random cues make the most updates, and 2-cycles of the "
               "synchronous dynamics are common from them",
    )
    max_sweeps: int = param(
        40, unit="1", ge=1, le=1000,
        doc="Asynchronous sweeps recorded (N single-neuron updates each).",
        source="chosen: from random cues the symmetric runs settle in at most 26 sweeps "
               "at N = 200 (measured over 600 cues); the controls without a Lyapunov "
               "function are cut here",
    )
    sync_steps: int = param(
        60, unit="1", ge=2 * MAX_PERIOD + 2, le=10_000,
        doc="Synchronous steps per run.",
        source="chosen: transients last a few steps; the last 2 x 10 steps are searched "
               "for a cycle",
    )
    self_coupling: float = param(
        1.0, unit="1", gt=0.0, le=100.0,
        doc="kappa: the diagonal controls use T_ii = +kappa P and -kappa P.",
        source="chosen: kappa = 1 is the Hebbian diagonal P (the seed removes it); "
               "-P is comparable to the off-diagonal field spread sqrt(P N) at these loads",
    )
    asymmetric_dilution: float = param(
        0.5, unit="1", gt=0.0, lt=1.0,
        doc="Fraction of directed synapses deleted independently in the asymmetric control.",
        source="chosen: 0.5 makes W_ij != W_ji for half of the pairs",
    )


def _fields(weights: Array, states: Array) -> Array:
    """h_i = sum_j W_ij s_j for a possibly asymmetric W, shape (B, N)."""
    xp = namespace(weights, states)
    return xp.matmul(states, xp.permute_dims(weights, (1, 0)))


def async_energy_trajectory(weights: Array, cues: Array, rng: np.random.Generator,
                            max_sweeps: int) -> tuple[np.ndarray, np.ndarray]:
    """Energy after every single-neuron update of asynchronous dynamics, for a batch.

    Each cue visits the neurons in a fresh random order per sweep; neuron ``i`` takes
    ``sgn(sum_j W_ij s_j)`` (the field of a possibly asymmetric matrix, diagonal
    included). The energy ``-1/2 s^T W s`` is recomputed from scratch with
    :func:`engramlab.memory.energy` after each update, never updated incrementally,
    so the record does not presuppose the Lyapunov argument. Recording stops after a
    sweep in which no cue changed.

    Returns
    -------
    energies
        ``(B, updates + 1)`` NumPy array, the initial energy first.
    converged
        ``(B,)`` whether each cue ended at a fixed point.
    """
    xp = namespace(weights, cues)
    batch, n = cues.shape
    states = cues
    positions = xp.reshape(xp.arange(n), (1, n))
    record = [to_numpy(energy(weights, states))]
    converged = np.zeros(batch, dtype=bool)
    for _ in range(max_sweeps):
        visit = asarray(rng.permuted(np.broadcast_to(np.arange(n), (batch, n)), axis=1), xp)
        changed = np.zeros(batch, dtype=bool)
        for k in range(n):
            idx = visit[:, k]
            rows = xp.take(weights, idx, axis=0)  # W[idx_b, :]
            h = xp.sum(rows * states, axis=1)
            hit = xp.reshape(idx, (batch, 1)) == positions
            new = sgn(h)
            old = xp.sum(xp.where(hit, states, 0.0), axis=1)
            changed |= to_numpy(new != old)
            states = xp.where(hit, xp.reshape(new, (batch, 1)), states)
            record.append(to_numpy(energy(weights, states)))
        converged = ~changed
        if converged.all():
            break
    return np.stack(record, axis=1), converged


def sync_trajectory(weights: Array, cues: Array, steps: int) -> tuple[np.ndarray, ...]:
    """Synchronous dynamics of a symmetric network: energies, two-step Lyapunov, period.

    Returns ``(energy (B, steps + 1), lyapunov (B, steps), period (B,))`` where
    ``lyapunov[:, t] = -s(t+1)^T W s(t)`` and ``period`` is the smallest
    ``p <= MAX_PERIOD`` with ``s(T) = s(T - p)`` and ``s(T-1) = s(T-1-p)`` (0: none).
    """
    xp = namespace(weights, cues)
    states = [cues]
    for _ in range(steps):
        states.append(update_sync(weights, states[-1]))
    energies = np.stack([to_numpy(energy(weights, s)) for s in states], axis=1)
    lyap = np.stack([to_numpy(-xp.sum(b * _fields(weights, a), axis=1))
                     for a, b in itertools.pairwise(states)], axis=1)
    hist = np.stack([to_numpy(s) for s in states[-(2 * MAX_PERIOD + 2):]])
    period = np.zeros(cues.shape[0], dtype=np.int64)
    for p in range(MAX_PERIOD, 0, -1):
        same = (hist[-1] == hist[-1 - p]).all(axis=1) & (hist[-2] == hist[-2 - p]).all(axis=1)
        period[same] = p
    return energies, lyap, period


def _condition_weights(base: Array, condition: str, n_patterns: int, params: EnergyParams,
                       rng: np.random.Generator) -> Array:
    xp = namespace(base)
    n = base.shape[0]
    eye = xp.eye(n, dtype=base.dtype)
    kappa_p = float(np.rint(params.self_coupling * n_patterns))  # integer: exact energies
    if condition == "symmetric":
        return base
    if condition == "positive diagonal":
        return base + kappa_p * eye
    if condition == "negative diagonal":
        return base - kappa_p * eye
    lesion = Lesion("synapses", params.asymmetric_dilution, symmetric=False)
    return apply_lesion(base, lesion, rng).weights


@register
class Energy(Experiment[EnergyParams]):
    id = "hopfield.energy"
    title = "Energy is a Lyapunov function: asynchronous vs synchronous dynamics"
    chapter = 4
    summary = (
        "The seed explains Hopfield recall as rolling downhill in an energy landscape "
        "until a valley (a memory) is reached. This experiment records the energy after "
        "every single-neuron update: with symmetric weights and no self-coupling it never "
        "rises, while a negative self-coupling or asymmetric synapses let it rise. "
        "Updating all neurons at once instead can end in 2-cycles, but never in longer "
        "ones (Goles 1985, Bruck 1990)."
    )
    Params = EnergyParams
    quick = MappingProxyType({"n_neurons": 80, "load": (0.05, 0.5), "n_cues": 20,
                              "max_sweeps": 25, "sync_steps": 40})
    citations = (cite("hopfield1982"), cite("goles1985"), cite("bruck1990"))
    mutations = (
        Mutation(name="diagonal removed twice: T_ii = -P instead of 0", value=-1.0,
                 patch="engramlab.memory.hopfield:SELF_COUPLING"),
    )

    def resources(self, params: EnergyParams) -> Resources:
        """N^2 weights; the energy after every single-neuron update (cues x max_sweeps N)
        of each condition, and the synchronous trajectories."""
        n, b = params.n_neurons, params.n_cues
        updates = params.max_sweeps * n + 1
        runs = len(CONDITIONS) * len(params.load)
        return Resources(
            memory_bytes=8.0 * (4 * n * n + 3 * b * updates + 4 * updates * runs
                                + 2 * (params.sync_steps + 1) * b * n),
            steps=runs * updates + len(params.load) * params.sync_steps,
            work=runs * updates * 4.0 * b * n + len(params.load) * params.sync_steps * b * n * n,
            drivers=("n_neurons", "max_sweeps", "n_cues", "sync_steps", "load"),
            detail=f"{runs} x {updates} single-neuron updates of {b} cues")

    def run(self, params: EnergyParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        xp = get_namespace(backend)
        n = params.n_neurons
        loads = np.asarray(params.load)
        n_patterns = np.maximum(1, np.rint(loads * n)).astype(int)
        n_ex = min(4, params.n_cues)
        n_updates = params.max_sweeps * n + 1
        shape = (len(CONDITIONS), loads.size, params.n_cues)
        increases = np.zeros(shape, dtype=np.int64)
        max_rise = np.zeros(shape)
        converged = np.zeros(shape, dtype=bool)
        n_recorded = np.zeros((len(CONDITIONS), loads.size), dtype=np.int64)
        examples = np.full((len(CONDITIONS), loads.size, n_ex, n_updates), np.nan)
        s_shape = (loads.size, params.n_cues)
        sync_energy = np.empty((*s_shape, params.sync_steps + 1))
        sync_lyap = np.empty((*s_shape, params.sync_steps))
        period = np.empty(s_shape, dtype=np.int64)
        sync_rises = np.empty(s_shape, dtype=np.int64)
        lyap_rises = np.empty(s_shape, dtype=np.int64)
        total = loads.size * (len(CONDITIONS) + 1)
        done = 0
        for a, p in enumerate(n_patterns):
            rng = make_rng(seed, a)
            xi = asarray(rng.choice(np.array([-1.0, 1.0]), size=(p, n)), xp)
            base = hebbian_weights(xi)
            cues_np = rng.choice(np.array([-1.0, 1.0]), size=(params.n_cues, n))
            cues = asarray(cues_np, xp)
            for c, cond in enumerate(CONDITIONS):
                w = _condition_weights(base, cond, int(p), params, make_rng(seed, a, c, 0))
                e, conv = async_energy_trajectory(w, cues, make_rng(seed, a, c, 1),
                                                  params.max_sweeps)
                rise = np.diff(e, axis=1)
                increases[c, a] = (rise > 0).sum(axis=1)
                max_rise[c, a] = np.maximum(rise.max(axis=1), 0.0)
                converged[c, a] = conv
                n_recorded[c, a] = e.shape[1] - 1
                examples[c, a, :, :e.shape[1]] = e[:n_ex] / n**2
                done += 1
                progress(done, total)
            e, lyap, per = sync_trajectory(base, cues, params.sync_steps)
            sync_energy[a], sync_lyap[a], period[a] = e, lyap, per
            sync_rises[a] = (np.diff(e, axis=1) > 0).sum(axis=1)
            lyap_rises[a] = (np.diff(lyap, axis=1) > 0).sum(axis=1)
            done += 1
            progress(done, total)
        one = {"units": "1"}
        return xr.Dataset(
            {
                "async_increases": (("condition", "load", "cue"), increases,
                                    {**one, "long_name": "single-neuron updates that raised "
                                     "the energy"}),
                "async_max_rise": (("condition", "load", "cue"), max_rise,
                                   {**one, "long_name": "largest energy rise in one update "
                                    "(unnormalised E)"}),
                "async_converged": (("condition", "load", "cue"), converged),
                "async_updates": (("condition", "load"), n_recorded,
                                  {**one, "long_name": "single-neuron updates recorded"}),
                "async_energy": (("condition", "load", "example", "update"), examples,
                                 {**one, "long_name": "energy per neuron E / N^2 after each "
                                  "update (NaN: not recorded)"}),
                "sync_energy": (("load", "cue", "step"), sync_energy / n**2,
                                {**one, "long_name": "energy per neuron E / N^2"}),
                "sync_lyapunov": (("load", "cue", "transition"), sync_lyap / n**2,
                                  {**one, "long_name": "two-step function "
                                   "-s(t+1)^T T s(t) / N^2"}),
                "sync_period": (("load", "cue"), period,
                                {**one, "long_name": "period of the final cycle (0: none "
                                 f"up to {MAX_PERIOD})"}),
                "sync_energy_rises": (("load", "cue"), sync_rises, one),
                "sync_lyapunov_rises": (("load", "cue"), lyap_rises, one),
                "n_patterns": (("load",), n_patterns, one),
            },
            coords={
                "condition": list(CONDITIONS),
                "load": ("load", loads, {"units": "1", "long_name": "load alpha = P / N"}),
                "cue": np.arange(params.n_cues),
                "example": np.arange(n_ex),
                "update": np.arange(n_updates),
                "step": np.arange(params.sync_steps + 1),
                "transition": np.arange(params.sync_steps),
            },
            attrs={"n_neurons": n, "max_period": MAX_PERIOD,
                   "self_coupling": params.self_coupling,
                   "asymmetric_dilution": params.asymmetric_dilution},
        )

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        inc = ds.async_increases.sum(("load", "cue"))
        per = ds.sync_period
        out: dict[str, float] = {
            "async_energy_increases": float(inc.sel(condition="symmetric")),
            "async_converged_fraction": float(
                ds.async_converged.sel(condition="symmetric").mean()),
            "positive_diagonal_increases": float(inc.sel(condition="positive diagonal")),
            "negative_diagonal_increases": float(inc.sel(condition="negative diagonal")),
            "asymmetric_increases": float(inc.sel(condition="asymmetric")),
            "async_updates_recorded": float(ds.async_updates.sum()),
            "sync_fixed_point_fraction": float((per == 1).mean()),
            "sync_two_cycle_fraction": float((per == 2).mean()),
            "sync_longer_cycle_fraction": float((per > 2).mean()),
            "sync_unsettled_fraction": float((per == 0).mean()),
            "sync_two_cycle_count": float((per == 2).sum()),
            "sync_energy_rises": float(ds.sync_energy_rises.sum()),
            "sync_lyapunov_rises": float(ds.sync_lyapunov_rises.sum()),
        }
        for a in ds["load"].values:
            out[f"sync_two_cycle_fraction@{a:g}"] = float((per.sel(load=a) == 2).mean())
        return out

    def targets(self, params: EnergyParams) -> tuple[Target, ...]:
        exact = ("exact: integer weights and ±1 states make every energy an exact "
                 "half-integer in float64, so any rise is >= 1/2, never rounding")
        return (
            Target("async_energy_increases", 0.0, 0.0, compare="abs",
                   source="Hopfield 1982: Delta E = -Delta s_i h_i <= 0 for symmetric T "
                          "with zero diagonal", reason=exact,
                   description="single-neuron updates that raised the energy, all loads "
                               "and random cues", kind="theory"),
            Target("async_converged_fraction", 1.0, 0.0, compare="abs",
                   source="Hopfield 1982: a bounded, strictly decreasing energy forces a "
                          "fixed point",
                   reason=f"exact; the {params.max_sweeps} sweeps recorded are enough "
                          "(checked: the symmetric runs settle in fewer)",
                   description="fraction of asynchronous runs ending at a fixed point",
                   kind="theory"),
            Target("positive_diagonal_increases", 0.0, 0.0, compare="abs",
                   source="Bruck 1990: sequential dynamics converge for symmetric W with "
                          "a non-negative diagonal",
                   reason=exact + "; a flip needs s_i h_i^off < -T_ii <= 0",
                   description="energy rises with the self-coupling +kappa P left in",
                   kind="theory"),
            Target("negative_diagonal_increases", 1.0, 0.0, compare="at_least",
                   source="Bruck 1990: the argument needs T_ii >= 0; with T_ii < 0 a "
                          "neuron flips when 0 <= s_i h_i^off < |T_ii|, raising E",
                   reason="control: at least one rise must be seen, else the control "
                          "does not test anything",
                   description="energy rises with the self-coupling -kappa P",
                   kind="consistency"),
            Target("asymmetric_increases", 1.0, 0.0, compare="at_least",
                   source="Hopfield 1982: the energy argument needs T_ij = T_ji",
                   reason="control: at least one rise must be seen with half of the "
                          "directed synapses deleted",
                   description="energy rises with asymmetric (one-way diluted) weights",
                   kind="consistency"),
            Target("sync_longer_cycle_fraction", 0.0, 0.0, compare="abs",
                   source="Goles-Chacc et al. 1985; Bruck 1990: synchronous dynamics of a "
                          "symmetric network end in fixed points or 2-cycles",
                   reason=f"exact theorem; cycles up to length {MAX_PERIOD} are searched",
                   description="fraction of synchronous runs ending in a cycle longer "
                               "than 2", kind="theory"),
            Target("sync_unsettled_fraction", 0.0, 0.0, compare="abs",
                   source="Goles-Chacc et al. 1985: L(t) = -s(t+1)^T T s(t) is "
                          "non-increasing and bounded, so a cycle is reached",
                   reason=f"exact in the limit; {params.sync_steps} steps are ample for "
                          f"N = {params.n_neurons} (transients last a few steps)",
                   description="fraction of synchronous runs not in a cycle at the end",
                   kind="theory"),
            Target("sync_lyapunov_rises", 0.0, 0.0, compare="abs",
                   source="Goles-Chacc et al. 1985: the two-step function never increases",
                   reason=exact,
                   description="rises of -s(t+1)^T T s(t) along the synchronous runs",
                   kind="theory"),
            Target("sync_two_cycle_count", 1.0, 0.0, compare="at_least",
                   source="docs/catalogue.md hopfield.energy; Bruck 1990",
                   reason="at least one 2-cycle among the random cues, else the claim "
                          "'can end in 2-cycles' is not shown",
                   description="number of synchronous runs ending in a 2-cycle",
                   kind="consistency"),
        )
