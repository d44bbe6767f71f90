"""
Sweeps on a Dask cluster
========================

A sweep runs an experiment over a grid of parameters, several seeds per point, on a
Dask cluster: here a local one of two worker processes started by the script (give
``scheduler="tcp://host:8786"`` to use a running cluster instead). Each point's seed is
derived from the point itself, so the numbers do not depend on the workers.
"""

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from engramlab.sweep import Grid, run_sweep

out = Path(tempfile.mkdtemp())
result = run_sweep("hopfield.capacity",
                   [Grid.parse("n_neurons=100,200"), Grid.parse("load=0.05:0.25:5")],
                   seeds=2, sets={"n_trials": "2"}, scheduler="local", workers=2, out=out)
success = result.dataset.success.mean("seed")  # dims n_neurons, load
print(success.to_pandas().round(2))

# %%
# Retrieval collapses near the capacity alpha = P / N ~ 0.138 (Amit, Gutfreund &
# Sompolinsky 1985), at both sizes.
fig, ax = plt.subplots(figsize=(5, 3.2))
for n in success.n_neurons.values:
    ax.plot(success["load"], success.sel(n_neurons=n), "o-", label=f"N = {n}")
ax.axvline(0.138, color="k", ls=":", label="alpha_c = 0.138")
ax.set_xlabel("load P / N")
ax.set_ylabel("fraction of patterns retrieved")
ax.legend()
