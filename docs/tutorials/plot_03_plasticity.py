"""
Plasticity rules on a network
=============================

Spike-timing-dependent plasticity runs inside the network loop. Here: the pair STDP
window of Song, Miller & Abbott (2000), and their network of 1000 plastic inputs onto
one neuron, whose weights spread towards the bounds as the inputs compete.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from engramlab.network import Phase, Simulator, Spikes, Weights
from engramlab.network.library import song_network
from engramlab.plasticity import PairSTDP, stdp_window

dt = np.linspace(-60.0, 60.0, 121)
dw = stdp_window(PairSTDP(), dt)  # LTD for post-before-pre, LTP for pre-before-post

# %%
# 20 s of learning (the paper runs much longer; the spread has begun by then).
net = song_network(1000, rate_exc_hz=20.0)
sim = Simulator(net, dt_ms=0.1, seed=1)
w0 = sim.weights("exc_post").copy()
ds = sim.run(phases=[Phase("learn", 20_000.0)],
             record=[Spikes("post"), Weights("exc_post", every_ms=5_000.0)])
w = sim.weights("exc_post")
print(f"weights: mean {w0.mean():.4f} -> {w.mean():.4f} nS, sd {w0.std():.4f} -> "
      f"{w.std():.4f} nS")

fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3.2))
a.plot(dt, dw, color="#4c72b0")
a.axhline(0, color="k", lw=0.5)
a.set_xlabel("t_post - t_pre (ms)")
a.set_ylabel("weight change (fraction of w_max)")
a.set_title("pair STDP window")
b.hist(w0, bins=30, alpha=0.6, label="before")
b.hist(w, bins=30, alpha=0.6, label="after 20 s")
b.set_xlabel("weight (nS)")
b.set_ylabel("synapses")
b.legend()
fig.tight_layout()
