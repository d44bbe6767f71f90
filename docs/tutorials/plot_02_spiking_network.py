"""
Build and simulate a spiking network
====================================

A network is data: populations of neurons with their receptors, projections between
them, external inputs. A :class:`~engramlab.network.Simulator` runs it in phases (an
input switched off in the second) and records what you ask for, as an
:class:`xarray.Dataset`.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from engramlab.network import (
    FixedProbability,
    Network,
    Phase,
    PoissonInput,
    Population,
    Projection,
    Rates,
    Simulator,
    Spikes,
)
from engramlab.neurons import LIF
from engramlab.synapses import AMPA, GABA_A

cell = LIF()  # Brette et al. 2007 defaults
rec = {"exc": AMPA(), "inh": GABA_A()}  # conductances with reversal potentials
net = Network(
    [Population("E", 800, cell, rec), Population("I", 200, cell, rec)],
    [Projection("E", "I", "exc", FixedProbability(0.1), weight=2.0, delay_ms=1.0),
     Projection("I", "E", "inh", FixedProbability(0.1), weight=6.0)],
    inputs=[PoissonInput("drive", "E", "exc", n_inputs=100, rate_hz=10.0, weight=2.0)],
)

# %%
# Half a second with the drive on, half a second with it off. Same seed, same spikes.
sim = Simulator(net, dt_ms=0.1, seed=1)
ds = sim.run(phases=[Phase("on", 500.0), Phase("off", 500.0, inputs={"drive": 0.0})],
             record=[Spikes("E"), Rates("I", bin_ms=5.0)])
print(ds)

# %%
# Behaviour of the network: a raster of E beside the rate of I.
fig, (a, b) = plt.subplots(2, 1, sharex=True, figsize=(7, 4.5))
a.plot(ds["E_spike_time"], ds["E_spike_neuron"], "|", ms=2, color="#4c72b0")
a.set_ylabel("E neuron")
rate = ds[next(v for v in ds.data_vars if v.startswith("I_rate"))]
b.plot(rate[rate.dims[-1]], rate, color="#c44e52")
b.axvline(500.0, color="k", ls=":", label="drive off")
b.set_xlabel("time (ms)")
b.set_ylabel("I rate (Hz)")
b.legend()
print("E rate with the drive on: %.1f Hz" % (np.sum(ds["E_spike_time"].values < 500) / 800 / 0.5))
