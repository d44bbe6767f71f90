"""Modern continuous Hopfield network: limits, one-step retrieval, metastable states.

``memory.modern-hopfield``
    Reproduces: the properties of the update ``xi_new = X softmax(beta X^T xi)`` stated
    by Ramsauer et al. (2021, sec. 2, theorems 1-5): (1) beta -> 0 gives the mean of the
    stored patterns and beta -> inf the nearest pattern (analytic limits, checked to
    1e-6); (2) for well separated patterns one update retrieves the pattern from a query
    with 20-30 % of its components corrupted; (3) at intermediate beta, a subset of
    similar patterns shares one metastable fixed point near the subset's mean.
    Paper: H. Ramsauer et al. (2021). Hopfield Networks is All You Need. ICLR 2021,
    arXiv:2008.02217.
    What differs: the paper demonstrates retrieval on images; here the patterns are
    random ±1 vectors (d = 256), corruption flips a fixed fraction of the components,
    and the "similar patterns" are a planted cluster (noisy copies of one prototype)
    among random ones, so the separation of every pattern is known.
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import xarray as xr
from pydantic import model_validator
from scipy.special import ndtr

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
from engramlab.experiments.base import (
    Experiment,
    Mutation,
    ProgressFn,
    Resources,
    broken_rule,
    no_progress,
)
from engramlab.memory.modern import effective_patterns, modern_recall, modern_update, softmax

#: A query counts as retrieved when ||xi_new - x_mu|| / ||x_mu|| is at most this.
RETRIEVED_REL_ERROR = 0.01
#: Precision of the two analytic limits (docs/catalogue.md memory.modern-hopfield).
LIMIT_TOLERANCE = 1e-6


def _flip(rng: np.random.Generator, x: np.ndarray, fraction: float) -> np.ndarray:
    """Copies of the rows of ``x`` with exactly ``round(fraction * d)`` components negated."""
    d = x.shape[-1]
    m = round(fraction * d)
    keys = rng.random(x.shape)
    ranks = np.argsort(np.argsort(keys, axis=-1), axis=-1)
    return np.where(ranks < m, -x, x)


def failure_bound(dim: int, n_patterns: int, corruption: float, beta: float) -> float:
    """Gaussian union bound on the probability that one update misses a random ±1 pattern.

    The query (pattern with a fraction c of components flipped) has overlap
    ``d (1 - 2c)`` with its pattern and ~N(0, d) with each of the ``P - 1`` others; the
    update misses when some other overlap comes within
    ``log((P - 1) / 0.01) / beta`` of it (then it takes > 1 % of the softmax).
    """
    margin = np.log((n_patterns - 1) / RETRIEVED_REL_ERROR) / beta
    z = (dim * (1 - 2 * corruption) - margin) / np.sqrt(dim)
    return float(min(1.0, (n_patterns - 1) * ndtr(-z)))


class ModernHopfieldParams(Params):
    """Parameters of ``memory.modern-hopfield``."""

    dim: int = param(
        256, unit="1", ge=16, le=8192,
        doc="Pattern dimension d (components of each ±1 pattern).",
        source="chosen: at d = 256 random patterns are well separated (Ramsauer et al. "
               "2021, theorem 3) even from 30 % corrupted queries, and a planted cluster "
               "has a wide metastable window in beta",
    )
    n_patterns: int = param(
        1000, unit="1", ge=10, le=1_000_000,
        doc="Number of stored patterns N (P in engramlab's notation).",
        source="chosen: N > d, far beyond the classical 0.14 d, to show the exponential "
               "capacity regime (Ramsauer et al. 2021, theorem 3)",
    )
    corruption: tuple[float, ...] = param(
        (0.2, 0.25, 0.3), unit="1", ge=0.0, lt=0.5, min_length=1,
        doc="Fractions of components flipped in the retrieval queries.",
        source="docs/catalogue.md memory.modern-hopfield: retrieval from 20-30 % corruption",
    )
    n_queries: int = param(
        500, unit="1", ge=1, le=100_000,
        doc="Retrieval queries per corruption level (each from a random stored pattern).",
        source="chosen: one failure in 500 moves the accuracy by 0.002",
    )
    beta_large: float = param(
        1.0, unit="1", ge=1e-3, le=1e6,
        doc="The 'large' inverse temperature beta (>= 1e-3) of the one-update retrieval "
            "(unit: 1 / (pattern component)^2).",
        source="chosen: beta times the separation of a 30 % corrupted query (~50 at "
               "d = 256) is ~50, far above log N ~ 7 (Ramsauer et al. 2021, theorem 4)",
    )
    beta_small_limit: float = param(
        1e-10, unit="1", gt=0.0, le=1e-6,
        doc="The beta standing for beta -> 0.",
        source="chosen: the deviation from the mean is O(beta d) per component, "
               "~1e-9 here, three orders below the 1e-6 target",
    )
    beta_large_limit: float = param(
        100.0, unit="1", ge=10.0, le=1e12,
        doc="The beta standing for beta -> inf.",
        source="chosen: the softmax weight of any other pattern is below exp(-beta * 2) "
               "(±1 overlaps differ by at least 2), i.e. 0 in float64",
    )
    beta_min: float = param(
        1e-3, unit="1", gt=0.0, le=1.0,
        doc="Smallest beta of the sweep.",
        source="chosen: beta d ~ 0.3, the global-average regime",
    )
    beta_max: float = param(
        10.0, unit="1", gt=0.0, le=1e6,
        doc="Largest beta of the sweep.",
        source="chosen: deep in the single-pattern regime",
    )
    beta_steps: int = param(
        25, unit="1", ge=3, le=1000,
        doc="Number of betas in the (geometric) sweep.",
        source="chosen: 6 per decade resolve the two transitions",
    )
    cluster_size: int = param(
        5, unit="1", ge=2, le=100,
        doc="Number k of similar patterns in the planted cluster.",
        source="chosen: a small subset, as in the metastable states of Ramsauer et al. "
               "2021 (sec. 2, 'metastable states')",
    )
    cluster_flip: float = param(
        0.02, unit="1", ge=0.0, lt=0.5,
        doc="Each cluster member is the prototype with each component flipped with "
            "this probability.",
        source="chosen: members overlap ~0.92 with each other, so they are not separated "
               "at moderate beta while the rest are",
    )
    beta_mid: float = param(
        0.05, unit="1", gt=0.0, le=1e6,
        doc="The intermediate beta at which the metastable state is measured.",
        source="chosen: inside the measured metastable window (0.05-0.1 at d = 256): "
               "beta * (cluster gap ~ 200) >> log N but beta * (spread inside the "
               "cluster ~ 5) < 1",
    )
    cluster_queries: int = param(
        40, unit="1", ge=1, le=10_000,
        doc="Queries near the cluster (a member with 10 % of components flipped).",
        source="chosen: enough to see that every query reaches the same state",
    )
    max_steps: int = param(
        200, unit="1", ge=1, le=100_000,
        doc="Upper bound on updates when iterating to a fixed point.",
        source="chosen: the slowest convergence measured (near a transition) took < 50",
    )

    @model_validator(mode="after")
    def _cluster_fits(self) -> ModernHopfieldParams:
        if self.cluster_size >= self.n_patterns:
            raise broken_rule(self, ("cluster_size", "n_patterns"), {
                "cluster_size": f"must be < n_patterns = {self.n_patterns} (the queries "
                                "are patterns outside the cluster)",
                "n_patterns": f"must be > cluster_size = {self.cluster_size} (the queries "
                              "are patterns outside the cluster)"})
        return self


@register
class ModernHopfield(Experiment[ModernHopfieldParams]):
    id = "memory.modern-hopfield"
    title = "Modern continuous Hopfield network: limits, one-step retrieval, metastable states"
    chapter = 4
    summary = (
        "The seed presents the Hopfield network as the basic model of content-addressable "
        "memory. Its modern continuous successor (the attention mechanism of "
        "transformers) retrieves by xi_new = X softmax(beta X^T xi): this experiment "
        "shows the two limits of beta, retrieval in one update from queries with 20-30 % "
        "of their components wrong, and the metastable states that average a subset of "
        "similar memories at intermediate beta."
    )
    Params = ModernHopfieldParams
    quick = MappingProxyType({"n_patterns": 500, "n_queries": 50, "beta_steps": 9,
                              "cluster_queries": 5})
    citations = (cite("ramsauer2021"),)
    mutations = (
        Mutation(name="retrieval beta 1 -> 0.05 (softmax too soft to separate)", value=0.05,
                 param="beta_large"),
        Mutation(name="metastable beta 0.05 -> 1 (the cluster is resolved)", value=1.0,
                 param="beta_mid"),
    )

    def resources(self, params: ModernHopfieldParams) -> Resources:
        """Queries x patterns x dim for every update (the beta sweep, the limits, the
        distances) and the cluster recalls (up to max_steps each)."""
        d, n = params.dim, params.n_patterns
        q = len(params.corruption) * params.n_queries
        updates = params.beta_steps + 4
        cluster = (params.beta_steps + 1) * min(params.max_steps, 20) * \
            params.cluster_queries
        return Resources(
            memory_bytes=8.0 * (2 * n * d + 5 * q * n + 6 * q * d
                                + 4 * params.cluster_queries * n),
            steps=updates + cluster / max(params.cluster_queries, 1),
            work=2.0 * n * d * (updates * q + cluster) + 4.0 * q * n * d,
            drivers=("n_patterns", "n_queries", "dim", "beta_steps", "cluster_queries",
                     "max_steps"),
            detail=f"{q} queries x {n} patterns x {d} dimensions")

    def run(self, params: ModernHopfieldParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        xp = get_namespace(backend)
        rng = make_rng(seed)
        d, n, k = params.dim, params.n_patterns, params.cluster_size
        if k >= n:
            from engramlab.core import ParameterError

            raise ParameterError("cluster_size", f"must be < n_patterns = {n}", k)
        patterns = rng.choice(np.array([-1.0, 1.0]), size=(n, d))
        proto = rng.choice(np.array([-1.0, 1.0]), size=d)
        patterns[:k] = proto * np.where(rng.random((k, d)) < params.cluster_flip, -1.0, 1.0)
        x = asarray(patterns, xp)
        betas = np.geomspace(params.beta_min, params.beta_max, params.beta_steps)
        corr = np.asarray(params.corruption)

        # --- retrieval queries: random patterns outside the cluster, corrupted -------------
        target = rng.integers(k, n, size=(corr.size, params.n_queries))
        queries = np.stack([_flip(rng, patterns[target[c]], f) for c, f in enumerate(corr)])
        q = asarray(queries.reshape(-1, d), xp)
        tgt = patterns[target.reshape(-1)]
        norm = np.sqrt(d)

        def rel_error(states) -> np.ndarray:
            return np.linalg.norm(to_numpy(states) - tgt, axis=-1) / norm

        sweep_acc = np.empty((corr.size, betas.size))
        for b, beta in enumerate(betas):
            err = rel_error(modern_update(x, q, beta)).reshape(corr.size, -1)
            sweep_acc[:, b] = (err <= RETRIEVED_REL_ERROR).mean(axis=1)
        one = modern_update(x, q, params.beta_large)
        err_large = rel_error(one).reshape(corr.size, -1)
        two = modern_update(x, one, params.beta_large)
        second_change = to_numpy(xp.max(xp.abs(two - one), axis=-1)).reshape(corr.size, -1)
        progress(1, 3)

        # --- the two limits (analytic) -----------------------------------------------------
        small = to_numpy(modern_update(x, q, params.beta_small_limit))
        mean_dev = np.abs(small - patterns.mean(axis=0)).max(axis=-1)
        large = to_numpy(modern_update(x, q, params.beta_large_limit))
        flat = queries.reshape(-1, d)
        dist = ((flat**2).sum(-1)[:, None] - 2.0 * flat @ patterns.T
                + (patterns**2).sum(-1)[None, :])  # squared Euclidean distances
        nearest = patterns[dist.argmin(axis=1)]
        nearest_dev = np.abs(large - nearest).max(axis=-1)
        progress(2, 3)

        # --- metastable states of the planted cluster --------------------------------------
        member = np.arange(params.cluster_queries) % k
        cq = asarray(_flip(rng, patterns[member], 0.1), xp)
        centre = patterns[:k].mean(axis=0)
        spread = np.linalg.norm(patterns[:k] - centre, axis=1).mean()
        all_betas = np.append(betas, params.beta_mid)
        n_eff = np.empty((all_betas.size, params.cluster_queries))
        mass = np.empty_like(n_eff)
        dist_c = np.empty_like(n_eff)
        steps = np.empty_like(n_eff)
        for b, beta in enumerate(all_betas):
            out = modern_recall(x, cq, beta, max_steps=params.max_steps)
            n_eff[b] = to_numpy(effective_patterns(x, out.states, beta))
            p = to_numpy(softmax(beta * xp.matmul(out.states, xp.matrix_transpose(x))))
            mass[b] = p[:, :k].sum(axis=1)
            # NaN for a cluster of identical members (cluster_flip = 0: no spread)
            dist_c[b] = (np.linalg.norm(to_numpy(out.states) - centre, axis=1) / spread
                         if spread > 0 else np.nan)
            steps[b] = to_numpy(out.steps)
        progress(3, 3)

        one_d = {"units": "1"}
        return xr.Dataset(
            {
                "sweep_accuracy": (("corruption", "beta"), sweep_acc,
                                   {"units": "1", "long_name": "fraction of queries "
                                    "retrieved by one update"}),
                "relative_error": (("corruption", "query"), err_large,
                                   {"units": "1", "long_name": "||xi_new - x_mu|| / ||x_mu|| "
                                    "after one update at beta_large"}),
                "second_update_change": (("corruption", "query"), second_change,
                                         {"units": "1", "long_name": "largest component "
                                          "change made by a second update"}),
                "mean_limit_deviation": (("query_all",), mean_dev,
                                         {"units": "1", "long_name": "max |xi_new - mean of "
                                          "patterns| at beta_small_limit"}),
                "nearest_limit_deviation": (("query_all",), nearest_dev,
                                            {"units": "1", "long_name": "max |xi_new - "
                                             "nearest pattern| at beta_large_limit"}),
                "n_eff": (("beta_fp", "cluster_query"), n_eff,
                          {"units": "1", "long_name": "effective number of patterns "
                           "1 / sum p^2 at the fixed point"}),
                "cluster_mass": (("beta_fp", "cluster_query"), mass,
                                 {"units": "1", "long_name": "softmax mass on the cluster"}),
                "cluster_distance": (("beta_fp", "cluster_query"), dist_c,
                                     {"units": "1", "long_name": "||fixed point - cluster "
                                      "mean|| / mean ||member - cluster mean||"}),
                "steps": (("beta_fp", "cluster_query"), steps,
                          {"units": "1", "long_name": "updates to the fixed point"}),
                "failure_bound": (("corruption",), np.array([
                    failure_bound(d, n, f, params.beta_large) for f in corr]), one_d),
            },
            coords={
                "corruption": ("corruption", corr, {"units": "1", "long_name":
                                                    "fraction of components flipped"}),
                "beta": ("beta", betas, {"units": "1", "long_name": "inverse temperature"}),
                "beta_fp": ("beta_fp", all_betas, {"units": "1", "long_name":
                                                   "inverse temperature (fixed points)"}),
                "query": np.arange(params.n_queries),
                "query_all": np.arange(corr.size * params.n_queries),
                "cluster_query": np.arange(params.cluster_queries),
            },
            attrs={"dim": d, "n_patterns": n, "cluster_size": k,
                   "beta_large": params.beta_large, "beta_mid": params.beta_mid,
                   "beta_small_limit": params.beta_small_limit,
                   "beta_large_limit": params.beta_large_limit,
                   "retrieved_rel_error": RETRIEVED_REL_ERROR},
        )

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        out = {
            "mean_limit_deviation": float(ds.mean_limit_deviation.max()),
            "nearest_limit_deviation": float(ds.nearest_limit_deviation.max()),
        }
        for c in ds.corruption.values:
            err = ds.relative_error.sel(corruption=c).values
            out[f"one_step_accuracy@{c:g}"] = float((err <= RETRIEVED_REL_ERROR).mean())
        out["one_step_converged"] = float(
            (ds.second_update_change.values <= LIMIT_TOLERANCE).mean())
        mid = ds.isel(beta_fp=-1)  # the last fixed-point beta is beta_mid
        out["metastable_n_eff"] = float(np.median(mid.n_eff.values))
        out["metastable_cluster_mass"] = float(mid.cluster_mass.min())
        out["metastable_distance"] = float(np.median(mid.cluster_distance.values))
        return out

    def targets(self, params: ModernHopfieldParams) -> tuple[Target, ...]:
        src = "Ramsauer et al. 2021, sec. 2"
        out = [
            Target("mean_limit_deviation", 0.0, LIMIT_TOLERANCE, compare="at_most",
                   kind="consistency",
                   source=f"{src}: beta -> 0, softmax uniform, xi_new = mean of the "
                          "patterns; docs/catalogue.md (1e-6)",
                   reason=f"the update's own closed-form limit (a regression check of the "
                          f"softmax); at beta = {params.beta_small_limit:g} the "
                          "deviation is O(beta d) per component, orders of magnitude "
                          "below 1e-6",
                   description="largest component deviation of one update from the mean "
                               "of all patterns at beta -> 0"),
            Target("nearest_limit_deviation", 0.0, LIMIT_TOLERANCE, compare="at_most",
                   kind="consistency",
                   source=f"{src}: beta -> inf, softmax -> argmax, xi_new = the pattern of "
                          "largest overlap (the nearest, all norms equal); docs/catalogue.md "
                          "(1e-6)",
                   reason=f"the update's own closed-form limit; at beta = "
                          f"{params.beta_large_limit:g} other "
                          "patterns weigh < exp(-2 beta) (±1 overlaps differ by >= 2)",
                   description="largest component deviation of one update from the "
                               "Euclidean-nearest pattern at beta -> inf"),
        ]
        for c in params.corruption:
            bound = failure_bound(params.dim, params.n_patterns, c, params.beta_large)
            out.append(Target(
                f"one_step_accuracy@{c:g}", 1.0, 0.01, compare="at_least", kind="theory",
                source=f"{src}, theorems 3-4 (retrieval with one update, exponentially "
                       "small error, for well separated patterns); docs/catalogue.md "
                       "(20-30 % corruption)",
                reason=f"accuracy = fraction of queries with ||xi_new - x|| / ||x|| <= "
                       f"{RETRIEVED_REL_ERROR}; the Gaussian union bound on a miss at d = "
                       f"{params.dim}, N = {params.n_patterns}, beta = "
                       f"{params.beta_large:g} is {bound:.1e} per query, so 0.01 (1 query "
                       "in 100) leaves room only for atypical draws (seeds 0-19 of the quick "
                       "preset: 1.000 on every seed)",
                description=f"one-update retrieval accuracy from queries with {c:.0%} of "
                            "components flipped"))
        k = params.cluster_size
        out += [
            Target("one_step_converged", 1.0, 0.01, compare="at_least", kind="theory",
                   source=f"{src}, theorem 4 ('retrieved with one update')",
                   reason="a second update changes no component by more than 1e-6; 0.01 "
                          "as for the accuracy",
                   description="fraction of retrieval queries already at a fixed point "
                               "after one update at beta_large"),
            Target("metastable_n_eff", float(k), 0.1, compare="rel", kind="theory",
                   source=f"{src} ('metastable states': a fixed point averaging a subset "
                          "of similar patterns)",
                   reason=f"a uniform average over the k = {k} cluster members gives "
                          "exactly k; the members' overlaps with the fixed point differ "
                          "by a few units at finite d, so their weights differ by a few "
                          "times beta_mid: 10 % (seeds 0-19 of the quick preset: median "
                          "4.73-4.98, seed-to-seed sd 0.07)",
                   description=f"median effective number of patterns at the fixed point "
                               f"at beta_mid = {params.beta_mid:g}"),
            Target("metastable_cluster_mass", 0.99, 0.0, compare="at_least", kind="theory",
                   source=f"{src} ('metastable states')",
                   reason="the random patterns lie ~200 overlap units below the cluster, "
                          "so beta_mid times that gap leaves them < 1e-3 of the softmax "
                          "(seeds 0-19 of the quick preset: 0.9990-0.9994)",
                   description="smallest softmax mass on the cluster members at the fixed "
                               "point"),
            Target("metastable_distance", 0.0, 0.2, compare="at_most", kind="theory",
                   source=f"{src} ('metastable states' near the mean of the subset)",
                   reason="distance to the cluster mean in units of the members' distance "
                          "to it: 1 at a single member, ~3.6 at the global mean; 0.2 "
                          "tells the subset average from both (seeds 0-19 of the quick "
                          "preset: 0.04-0.16, seed-to-seed sd 0.03)",
                   description="median distance of the fixed point to the cluster mean, "
                               "relative to the members' mean distance to it"),
        ]
        return tuple(out)
