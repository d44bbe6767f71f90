"""
Your first experiment
=====================

An experiment is a registered recipe: parameters with units and sources, a model run,
metrics, and the published targets they must reproduce. Here we run the NMDA
receptor's Mg2+ block (Jahr & Stevens 1990) in its quick preset, look at its checks, and
draw its figure.
"""

# %%
# List what is registered, and pick one by id.
from engramlab.experiments import get_experiment, list_experiments

synapse = [e.id for e in list_experiments("synapse.*")]
print(len(list_experiments()), "experiments, e.g.", synapse)
exp = get_experiment("synapse.nmda-mg-block")
print(exp.title)

# %%
# Parameters: the full preset is the paper's; ``quick`` runs in seconds. Every field
# carries its unit and its source.
params = exp.params("quick")
for name, field in type(params).model_fields.items():
    extra = field.json_schema_extra or {}
    print(f"{name:>20} = {getattr(params, name)!s:<24} [{extra.get('unit', '')}]")

# %%
# Run it (same seed, same numbers), compute the metrics, and check them against the
# published targets. Each check says what kind of evidence it is.
ds = exp.run(params, seed=0)
metrics = exp.metrics(ds)
checks = [t.check(metrics[t.metric]) for t in exp.targets(params)]
for c in checks:
    print(f"{c.name:>28}  {c.kind:<11} measured {c.value:.4g}  published {c.target:.4g}"
          f"  {c.verdict}")

# %%
# The figure draws the targets from those checks.
fig = exp.figure(ds, checks)
