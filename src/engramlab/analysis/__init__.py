"""Read-outs shared by several experiments, below the models.

- :mod:`engramlab.analysis.spikes` -- spike-train statistics (ISI CV, binned counts,
  Golomb's synchrony chi, population Fano factor, spectral peak of a rate);
- :mod:`engramlab.analysis.curves` -- landmarks of sampled curves (level crossings);
- :mod:`engramlab.analysis.behaviour` -- behavioural read-outs of circuits (percent
  freezing, fraction of an episode recalled).

Pure functions of NumPy arrays; nothing here simulates.
"""

from engramlab.analysis.behaviour import freezing_percent, recall_fraction
from engramlab.analysis.curves import falls_below, level_crossing
from engramlab.analysis.spikes import (
    bin_spikes,
    isi_cv,
    population_fano,
    spectral_peak,
    synchrony_chi,
)

__all__ = [
    "bin_spikes",
    "falls_below",
    "freezing_percent",
    "isi_cv",
    "level_crossing",
    "population_fano",
    "recall_fraction",
    "spectral_peak",
    "synchrony_chi",
]
