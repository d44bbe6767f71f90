r"""Numba kernels for asynchronous Hopfield sweeps (with pure NumPy twins).

One call runs one asynchronous sweep for a set of *active* cues: cue ``b = active[a]``
visits its neurons in the order ``visit[a, :]`` and sets neuron ``i``

.. math::

    s_i \leftarrow \begin{cases} +1 & h_i \ge \theta_{a,k} \\ -1 & \text{otherwise,}
    \end{cases}

with :math:`\theta = 0` for deterministic dynamics (``sgn(0) = +1``) and a threshold
precomputed from uniforms for Glauber dynamics (see :func:`engramlab.memory.hopfield.glauber`).
No random number is drawn here: orders and thresholds come from the caller's NumPy
generator, so the Numba kernels, their NumPy twins and the array-API path of
:mod:`engramlab.memory.hopfield` make exactly the same decisions.

Two representations of the couplings:

``dense``
    the ``(N, N)`` weights; local fields ``H = S T`` are kept for every neuron and a
    flip of neuron ``i`` by :math:`\Delta` adds :math:`\Delta T_{i\cdot}` (``O(N)``).
``hebb``
    the patterns only (matrix-free): the overlaps ``M = S Xi^T`` (``B x P``, integer
    values held in float32 while :math:`N P < 2^{24}`, else float64) are kept; the
    field of neuron ``i`` is :math:`h_i = \sum_\mu M_\mu \xi^\mu_i - P s_i`
    (``O(P)`` per visit) and a flip adds :math:`\Delta \xi^\mu_i` to the overlaps
    (``O(P)``). The ``N x N`` matrix is never formed.

States are ``int8`` (±1) inside the kernels; every Hebbian field is an integer held
exactly in floating point. Set ``ENGRAMLAB_NO_NUMBA=1`` to force the NumPy twins.
"""

from __future__ import annotations

import os

import numpy as np

__all__ = ["HAVE_NUMBA", "numba_enabled", "sweep_dense", "sweep_dense_numpy", "sweep_hebb",
           "sweep_hebb_numpy"]

try:  # pragma: no cover - exercised by whichever environment runs the tests
    from numba import njit, prange

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover
    HAVE_NUMBA = False


#: Multiply-adds per sweep call above which the batch is split over threads: below it
#: the cost of waking the threads exceeds the work (measured on 2 cores).
PARALLEL_WORK = 20_000_000


def numba_enabled() -> bool:
    """Numba is installed and not switched off with ``ENGRAMLAB_NO_NUMBA=1``."""
    return HAVE_NUMBA and os.environ.get("ENGRAMLAB_NO_NUMBA", "").strip() not in ("1", "true")


# --- NumPy twins (the fallback): vectorised over the cues, one step per position -----

def sweep_dense_numpy(w, states, fields, active, visit, thr, use_thr, changed):
    """NumPy twin of :func:`sweep_dense` (same decisions, same floating-point sums)."""
    changed[:] = False
    for k in range(visit.shape[1]):
        i = visit[:, k]
        h = fields[active, i]
        new = np.where(h >= (thr[:, k] if use_thr else 0), 1, -1).astype(np.int8)
        old = states[active, i]
        flip = new != old
        if flip.any():
            rows, cols = active[flip], i[flip]
            delta = (new[flip].astype(fields.dtype) - old[flip].astype(fields.dtype))
            states[rows, cols] = new[flip]
            fields[rows] += delta[:, None] * w[cols]
            changed |= flip


def sweep_hebb_numpy(xit, states, m, n_patterns, active, visit, thr, use_thr, changed):
    """NumPy twin of :func:`sweep_hebb` (exact integer fields)."""
    changed[:] = False
    for k in range(visit.shape[1]):
        i = visit[:, k]
        old = states[active, i]
        h = np.einsum("bp,bp->b", m[active], xit[i]) - n_patterns * old.astype(m.dtype)
        new = np.where(h >= (thr[:, k] if use_thr else 0), 1, -1).astype(np.int8)
        flip = new != old
        if flip.any():
            rows, cols = active[flip], i[flip]
            delta = new[flip].astype(m.dtype) - old[flip].astype(m.dtype)
            states[rows, cols] = new[flip]
            m[rows] += delta[:, None] * xit[cols]
            changed |= flip


if HAVE_NUMBA:

    def _sweep_dense(w, states, fields, active, visit, thr, use_thr, changed):  # pragma: no cover
        """One asynchronous sweep with dense weights; in place on states and fields."""
        n = visit.shape[1]
        for a in prange(active.shape[0]):
            b = active[a]
            moved = False
            for k in range(n):
                i = visit[a, k]
                h = fields[b, i]
                if use_thr:
                    new = 1 if h >= thr[a, k] else -1
                else:
                    new = 1 if h >= 0 else -1
                old = states[b, i]
                if new != old:
                    d = fields.dtype.type(new) - fields.dtype.type(old)
                    states[b, i] = new
                    for j in range(fields.shape[1]):
                        fields[b, j] += d * w[i, j]
                    moved = True
            changed[a] = moved

    # reassoc / contract let LLVM vectorise the overlap dot product; every partial sum
    # is an integer below 2**24 (float32) or 2**53 (float64), so the order of the sum
    # cannot change it and the fields stay exact.
    def _sweep_hebb(xit, states, m, n_patterns, active, visit, thr, use_thr,
                   changed):  # pragma: no cover
        """One asynchronous sweep through the overlaps (matrix-free Hebbian couplings)."""
        n = visit.shape[1]
        n_p = xit.shape[1]
        for a in prange(active.shape[0]):
            b = active[a]
            mb = m[b]  # row views: lets LLVM vectorise the O(P) loops
            sb = states[b]
            moved = False
            for k in range(n):
                i = visit[a, k]
                xr = xit[i]
                old = sb[i]
                acc = m.dtype.type(0)
                for mu in range(n_p):
                    acc += mb[mu] * xr[mu]
                h = acc - m.dtype.type(n_patterns) * m.dtype.type(old)
                if use_thr:
                    new = 1 if h >= thr[a, k] else -1
                else:
                    new = 1 if h >= 0 else -1
                if new != old:
                    d = m.dtype.type(new) - m.dtype.type(old)
                    sb[i] = new
                    for mu in range(n_p):
                        mb[mu] += d * xr[mu]
                    moved = True
            changed[a] = moved

    _FAST = {"reassoc", "contract"}
    _dense_serial = njit(cache=True)(_sweep_dense)
    _dense_parallel = njit(cache=True, parallel=True)(_sweep_dense)
    _hebb_serial = njit(cache=True, fastmath=_FAST)(_sweep_hebb)
    _hebb_parallel = njit(cache=True, parallel=True, fastmath=_FAST)(_sweep_hebb)

    def sweep_dense(w, states, fields, active, visit, thr, use_thr, changed):
        """One asynchronous sweep with dense weights (Numba; threads for large batches)."""
        big = active.size > 1 and active.size * visit.shape[1] * 64 >= PARALLEL_WORK
        kernel = _dense_parallel if big else _dense_serial
        kernel(w, states, fields, active, visit, thr, use_thr, changed)

    def sweep_hebb(xit, states, m, n_patterns, active, visit, thr, use_thr, changed):
        """One matrix-free asynchronous sweep (Numba; threads for large batches)."""
        big = active.size > 1 and active.size * visit.shape[1] * xit.shape[1] >= PARALLEL_WORK
        kernel = _hebb_parallel if big else _hebb_serial
        kernel(xit, states, m, n_patterns, active, visit, thr, use_thr, changed)

else:  # pragma: no cover
    sweep_dense = sweep_dense_numpy
    sweep_hebb = sweep_hebb_numpy
