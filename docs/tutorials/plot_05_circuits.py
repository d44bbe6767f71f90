"""
Circuits, protocols and interventions
=====================================

A memory experiment in one vocabulary: a behavioural **protocol** (sessions of trials
of epochs with stimuli on), a **circuit** (regions joined by pathways that learn),
**interventions** at times written in the protocol's words, and **read-outs** as
behaviour. Five tone-shock pairings, a tone test the next day; one group lesioned
after training, one under AP5 during training.
"""

# %%
import matplotlib.pyplot as plt

from engramlab.analysis import freezing_percent
from engramlab.circuits import (
    Circuit,
    Constant,
    Hebbian,
    OneToOne,
    Pathway,
    RateRegion,
    Sensory,
    run_protocol,
)
from engramlab.interventions import ap5, lesion
from engramlab.protocol import After, Protocol, epoch, minutes, repeat, session, trial

pairing = trial("pairing", epoch("tone", 29_000, tone=1.0),
                epoch("tone+shock", 1_000, tone=1.0, shock=1.0), epoch("iti", 60_000))
protocol = Protocol.of(
    session("conditioning", repeat(pairing, 5), context="A"),
    session("test", trial("test", epoch("tone", minutes(1), tone=1.0)), context="B", day=1))

circuit = Circuit(
    (Sensory("senses", (("tone", 20), ("shock", 10)), codings=(("shock", 1.0),)),
     RateRegion("amygdala", (("fear", 10),), ceiling=1.0)),
    (Pathway("tone-amygdala", "senses.tone", "amygdala", Constant(0.0),
             Hebbian(0.3, w_max=0.3, gate="shock")),
     Pathway("shock-amygdala", "senses.shock", "amygdala", OneToOne(1.0))))

groups = {"control": [],
          "lesion after training": [lesion("tone-amygdala", After("conditioning"))],
          "AP5 during training": [ap5(region="amygdala", window="conditioning")]}
ds = run_protocol(circuit, protocol, groups=groups, record={"fear": "amygdala.fear"},
                  seed=0, n_subjects=8)

# %%
# Freezing per group at the test (behaviour), and the fear cells' activity through
# training (the circuit).
test = freezing_percent(ds.fear.where(ds.session == "test").mean("event"))
fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.2))
a.bar(range(3), test.mean("subject"), color=["#4c72b0", "#c44e52", "#8172b2"])
a.set_xticks(range(3), ds.group.values, rotation=15)
a.set_ylabel("freezing to the tone (%)")
tones = ds.fear.sel(group="control").where(ds.epoch.sel(group="control") == "tone")
b.plot(tones.mean("subject").dropna("event").values, "o-")
b.set_xlabel("tone presentation")
b.set_ylabel("fear-cell activity (a.u.)")
fig.tight_layout()
print(test.mean("subject").round(1).to_series())
