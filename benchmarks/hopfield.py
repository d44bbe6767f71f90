"""Hopfield storage and retrieval speed, with baselines measured in the same run.

Run: ``python benchmarks/hopfield.py`` (about 2-5 minutes on 2 cores). Prints a table
and ratios; nothing here is asserted by the test suite (docs/design.md: tests never assert
on time).

(a) batched synchronous retrieval, dense float32 weights, vs the raw float32 GEMM of
    the same shapes (one ``S @ W`` per step);
(b) matrix-free (``HebbianMemory``) vs dense weights at P = 0.05 N, N = 4000;
(c) per-cue retrieval vs the seed article's own ``HopfieldNetwork.retrieve`` (Python
    loop over neurons, asynchronous), N = 4000, P = 200, 10 % of the bits flipped;
(d) storage (Hebbian weights) vs the seed's ``store_patterns`` loop of outer products;
and the Numba kernels vs their NumPy fallback (``ENGRAMLAB_NO_NUMBA=1``).
"""

from __future__ import annotations

import os
import time

import numpy as np

from engramlab.core import make_rng
from engramlab.memory import hebbian_weights, recall
from engramlab.memory.hopfield import HebbianMemory

N, P, FLIP = 4000, 200, 0.1


def best_of(fn, repeats=3):
    """Best wall time of ``repeats`` calls (the first call also warms Numba's cache)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def seed_store(patterns):
    """The seed's ``store_patterns``: a Python loop of outer products, zero diagonal."""
    n = patterns.shape[1]
    w = np.zeros((n, n))
    for p in patterns:
        w += np.outer(p, p)
    np.fill_diagonal(w, 0)
    return w


def seed_retrieve(w, pattern, rng, max_iterations=100):
    """The seed's ``retrieve``: random order each sweep, one neuron at a time."""
    current = pattern.copy()
    for _ in range(max_iterations):
        prev = current.copy()
        for i in rng.permutation(len(current)):
            current[i] = 1 if np.dot(w[i, :], current) >= 0 else -1
        if np.array_equal(current, prev):
            break
    return current


def noisy(xi, b, rng):
    cues = xi[np.arange(b) % xi.shape[0]].copy()
    return np.where(rng.random(cues.shape) < FLIP, -cues, cues)


def main() -> None:
    rng = make_rng(0)
    rows = []
    xi = rng.choice(np.array([-1.0, 1.0]), size=(P, N))
    xi32 = xi.astype(np.float32)

    # (d) storage
    n_ref = 40  # the reference loop on 40 patterns, scaled linearly to P = 200
    t_ref_store = best_of(lambda: seed_store(xi[:n_ref]), 1) * P / n_ref
    t_store = best_of(lambda: hebbian_weights(xi32))
    t_store64 = best_of(lambda: hebbian_weights(xi))
    rows.append(("(d) storage N=4000 P=200: seed loop (scaled from 40 patterns)",
                 t_ref_store, 1.0))
    rows.append(("(d) storage: hebbian_weights float64 GEMM", t_store64, t_ref_store / t_store64))
    rows.append(("(d) storage: hebbian_weights float32 GEMM", t_store, t_ref_store / t_store))
    w32 = hebbian_weights(xi32)
    w64 = hebbian_weights(xi)

    # (c) per-cue retrieval vs the seed's retrieve
    cues = noisy(xi, 64, rng)
    n_slow = 5
    # The seed's patterns are integer arrays (np.array([1, -1, ...])), its weights float64.
    seed_cues = cues[:n_slow].astype(np.int64)
    t_ref = best_of(lambda: [seed_retrieve(w64, c, make_rng(1)) for c in seed_cues],
                    1) / n_slow
    rows.append(("(c) retrieval per cue: seed retrieve (Python loop, async)", t_ref, 1.0))
    for label, c in (("dense float64, async (Numba)", w64), ("dense float32, async (Numba)", w32),
                     ("matrix-free, async (Numba)", HebbianMemory(xi))):
        t = best_of(lambda c=c: recall(c, cues, rng=make_rng(2)), 5) / len(cues)
        rows.append((f"(c) retrieval per cue: {label}, B=64", t, t_ref / t))
    t = best_of(lambda: recall(w32, cues.astype(np.float32), dynamics="sync")) / len(cues)
    rows.append(("(c) retrieval per cue: dense float32, sync, B=64", t, t_ref / t))

    # (a) batched sync retrieval vs raw GEMM of the same shapes
    big = noisy(xi, 512, rng).astype(np.float32)
    out = recall(w32, big, dynamics="sync")
    steps = int(out.sweeps.max())
    t_sync = best_of(lambda: recall(w32, big, dynamics="sync"))
    t_gemm = best_of(lambda: [big @ w32 for _ in range(steps)])
    rows.append((f"(a) raw float32 GEMM (512x4000 @ 4000x4000) x {steps} steps", t_gemm, 1.0))
    rows.append(("(a) sync retrieval, dense float32, B=512: GEMM throughput ratio", t_sync,
                 t_gemm / t_sync))

    # (b) matrix-free vs dense at P = 0.05 N
    p_small = int(0.05 * N)
    xs = xi[:p_small]
    cues_b = noisy(xs, 64, rng)
    ws = hebbian_weights(xs.astype(np.float32))
    t_dense = best_of(lambda: recall(ws, cues_b, rng=make_rng(3)))
    t_dense_store = best_of(lambda: hebbian_weights(xs.astype(np.float32))) + t_dense
    t_free = best_of(lambda: recall(HebbianMemory(xs), cues_b, rng=make_rng(3)))
    rows.append(("(b) P=0.05N: dense float32 async recall, B=64", t_dense, 1.0))
    rows.append(("(b) P=0.05N: dense incl. forming W", t_dense_store, t_dense / t_dense_store))
    rows.append(("(b) P=0.05N: matrix-free async recall (vs dense recall)", t_free,
                 t_dense / t_free))
    rows.append(("(b) P=0.05N: matrix-free (vs dense incl. forming W)", t_free,
                 t_dense_store / t_free))
    ts_dense = best_of(lambda: recall(ws, cues_b.astype(np.float32), dynamics="sync"))
    ts_free = best_of(lambda: recall(HebbianMemory(xs.astype(np.float32)),
                                     cues_b.astype(np.float32), dynamics="sync"))
    rows.append(("(b) P=0.05N: dense float32 sync recall, B=64", ts_dense, 1.0))
    rows.append(("(b) P=0.05N: matrix-free sync recall (vs dense sync)", ts_free,
                 ts_dense / ts_free))

    # Numba vs NumPy fallback
    small = cues[:16]
    t_nb_free = best_of(lambda: recall(HebbianMemory(xi), small, rng=make_rng(4)))
    t_nb_dense = best_of(lambda: recall(w32, small, rng=make_rng(4)))
    os.environ["ENGRAMLAB_NO_NUMBA"] = "1"
    try:
        t_np_free = best_of(lambda: recall(HebbianMemory(xi), small, rng=make_rng(4)), 1)
        t_np_dense = best_of(lambda: recall(w32, small, rng=make_rng(4)), 1)
    finally:
        del os.environ["ENGRAMLAB_NO_NUMBA"]
    rows.append(("numpy fallback, matrix-free async, B=16", t_np_free, 1.0))
    rows.append(("numba, matrix-free async, B=16 (vs fallback)", t_nb_free,
                 t_np_free / t_nb_free))
    rows.append(("numpy fallback, dense float32 async, B=16", t_np_dense, 1.0))
    rows.append(("numba, dense float32 async, B=16 (vs fallback)", t_nb_dense,
                 t_np_dense / t_nb_dense))

    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'time (s)':>10}  {'speed-up':>9}")
    for name, t, ratio in rows:
        print(f"{name:<{width}}  {t:>10.4g}  {ratio:>8.3g}x")


if __name__ == "__main__":
    main()
