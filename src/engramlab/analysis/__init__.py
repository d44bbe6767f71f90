"""Read-outs shared by several experiments, below the models.

- :mod:`engramlab.analysis.spikes` -- spike-train statistics (ISI CV, binned counts,
  Golomb's synchrony chi, population Fano factor, spectral peak of a rate);
- :mod:`engramlab.analysis.curves` -- landmarks of sampled curves (level crossings);
- :mod:`engramlab.analysis.behaviour` -- behavioural read-outs of circuits (percent
  freezing, fraction of an episode recalled);
- :mod:`engramlab.analysis.responses` -- a conditioned response from its time course
  (amplitude, peak time, onset latency, peaks);
- :mod:`engramlab.analysis.choice` -- choices and responding (accuracy, response rate,
  reaction time, the devaluation ratio);
- :mod:`engramlab.analysis.settling` -- settling of an attractor (the step its change
  falls below a tolerance, or it enters a basin).

Pure functions of NumPy arrays; nothing here simulates.
"""

from engramlab.analysis.behaviour import freezing_percent, recall_fraction
from engramlab.analysis.choice import (
    choice_accuracy,
    devaluation_ratio,
    mean_reaction_time,
    response_rate,
)
from engramlab.analysis.curves import falls_below, level_crossing
from engramlab.analysis.responses import cr_amplitude, onset_latency, peak_time, response_peaks
from engramlab.analysis.settling import basin_time, settling_time, step_change
from engramlab.analysis.spikes import (
    bin_spikes,
    isi_cv,
    population_fano,
    spectral_peak,
    synchrony_chi,
)

__all__ = [
    "basin_time",
    "bin_spikes",
    "choice_accuracy",
    "cr_amplitude",
    "devaluation_ratio",
    "falls_below",
    "freezing_percent",
    "isi_cv",
    "level_crossing",
    "mean_reaction_time",
    "onset_latency",
    "peak_time",
    "population_fano",
    "recall_fraction",
    "response_peaks",
    "response_rate",
    "settling_time",
    "spectral_peak",
    "step_change",
    "synchrony_chi",
]
