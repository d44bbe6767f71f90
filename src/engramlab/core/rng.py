"""Explicit, reproducible randomness.

There is no global random state in engramlab: every stochastic function takes a
``numpy.random.Generator`` built here from an integer seed through
``numpy.random.SeedSequence``. Independent streams (trials, parameter points) are
spawned from the sequence, so they depend on their position, never on the order in
which work finishes.

>>> a = make_rng(7).standard_normal(3)
>>> b = make_rng(7).standard_normal(3)
>>> bool((a == b).all())
True
"""

from __future__ import annotations

import numpy as np

from engramlab.core.errors import ParameterError

__all__ = ["check_seed", "make_rng", "spawn_rngs"]

MAX_SEED = 2**63 - 1


def check_seed(seed: int) -> int:
    """Return ``seed`` if it is a valid non-negative integer seed, else raise."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ParameterError("seed", "must be an integer", seed)
    if not 0 <= int(seed) <= MAX_SEED:
        raise ParameterError("seed", f"must be between 0 and {MAX_SEED}", seed)
    return int(seed)


def make_rng(seed: int, *key: int) -> np.random.Generator:
    """A PCG64 generator for ``seed`` and an optional spawn ``key``.

    ``make_rng(seed, i)`` is the ``i``-th child stream of ``seed``: identical to
    ``SeedSequence(seed).spawn(i + 1)[i]`` and independent of every other child.
    """
    seq = np.random.SeedSequence(check_seed(seed), spawn_key=tuple(int(k) for k in key))
    return np.random.Generator(np.random.PCG64(seq))


def spawn_rngs(seed: int, n: int) -> list[np.random.Generator]:
    """``n`` independent generators, child streams 0 to n - 1 of ``seed``."""
    return [make_rng(seed, i) for i in range(n)]
