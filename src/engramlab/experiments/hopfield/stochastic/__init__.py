"""Hopfield network at finite temperature: Glauber dynamics (seed chapter 4).

``hopfield.stochastic``
    Reproduces: the retrieval phase of the Hebbian network under stochastic (Glauber,
    heat-bath) dynamics, Amit, Gutfreund & Sompolinsky (1985), "Spin-glass models of
    neural networks", Phys. Rev. A 32:1007, doi:10.1103/PhysRevA.32.1007, and PRL
    55:1530, doi:10.1103/PhysRevLett.55.1530. With the field normalised by N,
    P(s_i = +1) = 1 / (1 + exp(-2 h_i / T)); at low load (alpha -> 0) the retrieval
    overlap solves the Curie-Weiss equation m = tanh(m / T) and vanishes at T_c = 1;
    the retrieval region (the temperatures at which a pattern stays retrieved) shrinks
    as the load grows and closes at alpha_c = 0.138 at T = 0.
    Simulation: N neurons, P = max(1, round(alpha N)) random patterns, matrix-free
    Hebbian couplings; each run starts at a stored pattern, runs ``burn_in`` sweeps at
    temperature T and then averages the overlap with that pattern over ``measure``
    sweeps (one sample per sweep).
    What differs: finite N and finite time. The overlap is a time average from a start
    in the pattern (the retrieval state is metastable above the AGS line T_c(alpha) of
    global stability, which is what a recall experiment sees); the finite-alpha phase
    boundary T_M(alpha) of AGS is shown only by its shape (T at which m falls through
    1/2 decreasing with alpha), not solved.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import xarray as xr
from scipy import optimize

from engramlab.analysis.curves import falls_below
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
from engramlab.memory.hopfield import HebbianMemory, glauber

#: Overlap level whose crossing temperature marks the edge of the retrieval region.
HALF = 0.5
#: Temperatures up to this value are compared point by point with m = tanh(m / T): the
#: critical slowing down and the N^-1/2 rounding near T_c = 1 stay outside it.
LOW_T = 0.8
#: Temperatures from this value on are in the paramagnetic phase (m = 0).
HIGH_T = 1.15
#: Seed-to-seed sd of the mean overlap above T_c, quick preset, seeds 0-19 (measured).
HOT_OVERLAP_SD = 0.0145
#: Its tolerance around m = 0 (4 sd).
HOT_OVERLAP_TOL = 0.06


def curie_weiss_overlap(temperature: float | np.ndarray) -> np.ndarray:
    r"""Largest solution of :math:`m = \tanh(m / T)` (0 for :math:`T \ge 1`).

    The retrieval overlap of the Hopfield network at load :math:`\alpha \to 0`
    (Amit, Gutfreund & Sompolinsky 1985), solved with Brent's method.
    """
    temps = np.atleast_1d(np.asarray(temperature, dtype=float))
    out = np.zeros(temps.shape)
    for k, t in enumerate(temps.flat):
        if t <= 0:
            out.flat[k] = 1.0
        elif t < 1:
            out.flat[k] = optimize.brentq(lambda m, t=t: m - np.tanh(m / t), 1e-12, 1.0,
                                          xtol=1e-15)
    return out.reshape(np.shape(temperature)) if np.ndim(temperature) else out[0]


class StochasticParams(Params):
    """Parameters of ``hopfield.stochastic`` (defaults: the full preset)."""

    n_neurons: int = param(
        2000, unit="1", ge=200, le=20_000,
        doc="Number of neurons N.",
        source="chosen: the N^-1/2 finite-size spread of the overlap is ~0.02 at N = 2000",
    )
    load: tuple[float, ...] = param(
        (0.001, 0.02, 0.05, 0.1), unit="1", gt=0.0, lt=0.138, min_length=2,
        doc="Loads alpha = P / N; the first one stands for alpha -> 0.",
        source="Amit, Gutfreund & Sompolinsky 1985: retrieval region for alpha < 0.138",
    )
    temperature: tuple[float, ...] = param(
        tuple(np.round(np.arange(0.05, 1.401, 0.05), 3).tolist()), unit="1", ge=0.0,
        le=5.0, min_length=3,
        doc="Temperatures T (field normalised by N, so T_c = 1 at alpha -> 0).",
        source="Amit, Gutfreund & Sompolinsky 1985: T from 0 to above T_c = 1",
    )
    n_trials: int = param(
        8, unit="1", ge=1, le=1000,
        doc="Independent runs (cues, each from its own stored pattern) per (alpha, T).",
        source="chosen: with 30 samples each, the s.e. of the mean overlap is < 0.01 "
               "away from T_c",
    )
    burn_in: int = param(
        30, unit="1", ge=1, le=10_000,
        doc="Sweeps discarded before measuring.",
        source="chosen: relaxation time ~ 1 / (1 - (1 - m^2) / T) sweeps, < 10 for "
               "T <= 0.9 and T >= 1.15",
    )
    measure: int = param(
        30, unit="1", ge=1, le=10_000,
        doc="Sweeps over which the overlap is averaged (one sample per sweep).",
        source="chosen: as burn_in",
    )


@register
class Stochastic(Experiment[StochasticParams]):
    id = "hopfield.stochastic"
    title = "Temperature: Glauber dynamics, m = tanh(m / T) and the retrieval region"
    chapter = 4
    summary = (
        "The seed names the Boltzmann machine, the stochastic relative of the Hopfield "
        "network. With Glauber (heat-bath) updates at temperature T, a stored pattern "
        "stays retrieved with overlap m = tanh(m / T) at low load and is lost at "
        "T_c = 1; the more patterns are stored, the lower the temperature at which "
        "retrieval is lost (Amit, Gutfreund & Sompolinsky 1985)."
    )
    Params = StochasticParams
    quick = MappingProxyType({
        "n_neurons": 500,
        "load": (0.002, 0.05, 0.1),
        "temperature": tuple(np.round(np.arange(0.1, 1.401, 0.1), 3).tolist()),
        "n_trials": 4,
        "burn_in": 20,
        "measure": 20,
    })
    citations = (cite("hopfield1982"), cite("amit1985prl"), cite("amit1985pra"),
                 cite("glauber1963"))
    mutations = (
        Mutation(name="heat bath P(+1) = 1/(1+exp(-h/T)) instead of exp(-2h/T)",
                 value=1.0, patch="engramlab.memory.hopfield:HEAT_BATH_GAIN"),
    )

    def resources(self, params: StochasticParams) -> Resources:
        """Glauber sweeps (burn-in + measure) of trials x N neurons through P x N
        patterns, at every load and temperature."""
        n, b = params.n_neurons, params.n_trials
        p = max(1, round(max(params.load) * n))
        sweeps = len(params.load) * len(params.temperature) * (params.burn_in
                                                               + params.measure)
        return Resources(
            memory_bytes=8.0 * (4 * p * n + 6 * b * n), steps=sweeps,
            work=sweeps * 4.0 * b * n * p,
            drivers=("n_neurons", "n_trials", "burn_in", "measure", "temperature", "load"),
            detail=f"{sweeps} Glauber sweeps of {b} x {n} neurons")

    def run(self, params: StochasticParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        xp = get_namespace(backend)
        n = params.n_neurons
        loads = np.asarray(params.load)
        temps = np.asarray(params.temperature)
        overlap = np.empty((loads.size, temps.size, params.n_trials))
        n_patterns = np.maximum(1, np.rint(loads * n)).astype(int)
        for a, p in enumerate(n_patterns):
            xi = make_rng(seed, a).choice(np.array([-1.0, 1.0]), size=(p, n))
            memory = HebbianMemory(asarray(xi, xp))
            target = xi[np.arange(params.n_trials) % p]
            for t, temp in enumerate(temps):
                rng = make_rng(seed, a, t)
                states = glauber(memory, asarray(target, xp), temperature=float(temp),
                                 sweeps=params.burn_in, rng=rng)
                acc = np.zeros(params.n_trials)
                for _ in range(params.measure):
                    states = glauber(memory, states, temperature=float(temp), sweeps=1,
                                     rng=rng)
                    acc += np.einsum("bn,bn->b", to_numpy(states), target) / n
                overlap[a, t] = acc / params.measure
            progress(a + 1, loads.size)
        return xr.Dataset(
            {
                "overlap": (("load", "temperature", "trial"), overlap,
                            {"units": "1", "long_name": "time-averaged overlap with the "
                             "starting pattern"}),
                "n_patterns": (("load",), n_patterns, {"units": "1"}),
                "curie_weiss": (("temperature",), curie_weiss_overlap(temps),
                                {"units": "1", "long_name": "m = tanh(m / T) (alpha -> 0)"}),
            },
            coords={
                "load": ("load", loads, {"units": "1", "long_name": "load alpha = P / N"}),
                "temperature": ("temperature", temps,
                                {"units": "1", "long_name": "temperature T"}),
                "trial": np.arange(params.n_trials),
            },
            attrs={"n_neurons": n, "burn_in": params.burn_in, "measure": params.measure,
                   "dynamics": "Glauber, asynchronous, random order, matrix-free"},
        )

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        mean = ds.overlap.mean("trial")
        temps = ds.temperature.values
        low = mean.isel(load=0).values
        theory = ds.curie_weiss.values
        out: dict[str, float] = {}
        sel = temps <= LOW_T
        out["max_dev_tanh_low_T"] = float(np.max(np.abs(low[sel] - theory[sel])))
        hot = temps >= HIGH_T
        out["overlap_above_Tc"] = float(np.mean(low[hot])) if hot.any() else float("nan")
        halves = []
        for a in ds["load"].values:
            th = falls_below(temps, mean.sel(load=a).values, HALF)
            out[f"T_half@{a:g}"] = th
            halves.append(th)
        out["T_half_low_load"] = halves[0]
        # A crossing at the first temperature or none at all (NaN) is censored by the
        # grid: the ordering is then unknown, and the check fails.
        censored = [not np.isfinite(h) or np.isclose(h, temps[0]) for h in halves]
        out["retrieval_region_shrinks"] = (float("nan") if any(censored)
                                           else float(np.all(np.diff(halves) < 0)))
        return out

    def targets(self, params: StochasticParams) -> tuple[Target, ...]:
        n = params.n_neurons
        src = ("Amit, Gutfreund & Sompolinsky 1985 (PRA 32:1007): alpha -> 0 retrieval "
               "state m = tanh(m / T), T_c = 1")
        dev = float(round(max(0.02, 0.9 / np.sqrt(n)), 3))
        t_tol = dev
        t_half = float(HALF / np.arctanh(HALF))
        return (
            Target("max_dev_tanh_low_T", 0.0, dev, compare="abs", source=src,
                   reason=f"finite N = {n}: thermal fluctuations and the crosstalk of the "
                          "other patterns move the overlap by O(N^-1/2); "
                          f"max(0.02, 0.9 / sqrt(N)) = {dev} (quick preset, seeds 0-19: "
                          "mean 0.011, sd 0.008, largest 0.029)",
                   description=f"largest |m_sim - tanh solution| for T <= {LOW_T} at the "
                               "lowest load", kind="theory"),
            Target("T_half_low_load", t_half, t_tol, compare="abs", source=src,
                   reason=f"the slope dm/dT = -2.6 there turns the O(N^-1/2) rounding of m "
                          f"near T_c into max(0.02, 0.9 / sqrt(N)) = {t_tol} in T (quick "
                          "preset, seeds 0-19: mean 0.897, sd 0.011, range 0.875-0.911; "
                          "the finite-N rounding and the 0.1 grid put it 0.013 low)",
                   description="temperature at which the low-load overlap falls through "
                               f"{HALF} (mean field: {t_half:.3f})", kind="theory",
                   grid=(min(params.temperature), max(params.temperature))),
            Target("overlap_above_Tc", 0.0, HOT_OVERLAP_TOL, compare="abs", source=src,
                   reason="paramagnetic phase, m = 0: the time-averaged overlap of the "
                          f"quick preset has a seed-to-seed sd of {HOT_OVERLAP_SD} (seeds "
                          f"0-19, range -0.028..0.027); tolerance {HOT_OVERLAP_TOL} = 4 sd "
                          "(the full preset's larger N and longer averages shrink it)",
                   description=f"mean low-load overlap for T >= {HIGH_T}", kind="theory",
                   not_tested="" if max(params.temperature) >= HIGH_T else
                   f"needs temperatures >= {HIGH_T}"),
            Target("retrieval_region_shrinks", 1.0, 0.0, compare="abs",
                   source="Amit, Gutfreund & Sompolinsky 1985 (PRL 55:1530), phase "
                          "diagram: the retrieval line T_M(alpha) falls from T = 1 at "
                          "alpha = 0 to 0 at alpha_c = 0.138",
                   reason="shape check: 1 if the temperature at which m falls through 1/2 "
                          "strictly decreases from each load to the next (1 on each of "
                          "seeds 0-19 of the quick preset); NaN, a failure, if a crossing "
                          "is censored by the temperature grid",
                   description="edge of the retrieval region decreases as the load grows",
                   kind="theory"),
        )
