"""working-memory.synaptic: the protocol, the read-outs on known data, the region."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import quick_run
from engramlab.circuits.pfc_synaptic import synaptic_region
from engramlab.core import ParameterError
from engramlab.experiments._registry import get_experiment
from engramlab.experiments.working_memory.synaptic import (
    POP_SPIKE_HZ,
    population_spikes,
    regimes,
    task,
)
from engramlab.network.synaptic_wm import MongilloParams


def test_the_trial_is_fixation_cue_delay_readout_in_50_ms_epochs():
    p = get_experiment("working-memory.synaptic").params("full")
    epochs = task(p).sessions[0].trials[0].epochs
    names = [e.name for e in epochs]
    assert names == (["fixation"] * 10 + ["cue"] * 7 + ["delay"] * 30 + ["readout"] * 5
                     + ["after"] * 10)
    assert all(e.duration_ms == 50.0 for e in epochs)
    assert regimes(p) == {"readout": 22.7, "spontaneous": 23.7, "asynchronous": 24.1}
    q = get_experiment("working-memory.synaptic").params("quick")
    assert list(regimes(q)) == ["readout", "spontaneous"]


def test_population_spikes_count_upward_crossings():
    hi = POP_SPIKE_HZ + 1
    assert population_spikes([0, hi, hi, 0, 0, hi, 0]) == 2
    assert population_spikes([hi, 0, hi]) == 2
    assert population_spikes([0.0, 0.5, 1.0]) == 0


def test_the_region_maps_cue_and_readout_to_the_external_mean():
    p = MongilloParams(n_e=400, n_i=100, mu_e_mv=23.7)
    r = synaptic_region(p)
    g_l = r.network.population("E1").model.g_l_ns
    cur = dict((s, c) for s, c in r.currents if s == "cue")
    assert cur["cue"].population == "E1"
    assert cur["cue"].amplitude_pa == pytest.approx(0.15 * 23.7 * g_l)
    ro = [c for s, c in r.currents if s == "readout"]
    assert sorted(c.population for c in ro) == ["E0", "E1", "E2", "E3", "E4", "E5"]
    assert all(c.amplitude_pa == pytest.approx(0.05 * 23.7 * g_l) for c in ro)
    # the mean input itself is the bias current: V_inf = mu
    assert r.network.population("E1").i_bias_pa / g_l == pytest.approx(23.7)
    with pytest.raises(ParameterError, match="cues"):
        synaptic_region(p, cues={"cue": "E9"})


def test_the_cued_item_is_held_in_the_synapses_and_recalled():
    ds = quick_run("working-memory.synaptic").dataset
    d = ds.sel(regime="readout")
    ep = ds.epoch.values
    end_delay = np.flatnonzero(ep == "delay")[-1]
    u = d.u.isel(t_s=end_delay)
    assert float(u.sel(stp_population="E1")) > 1.5 * ds.attrs["u_se"]
    assert float(u.sel(stp_population="E1")) > float(u.sel(stp_population="E2")) + 0.1
    # before the cue every population is at rest: u near U
    first = d.u.isel(t_s=0)
    assert np.all(np.abs(first.values - ds.attrs["u_se"]) < 0.1)
    # the cue drives the cued population only
    cue = ep == "cue"
    assert float(d.rate.sel(population="E1")[cue].mean()) > 5 * float(
        d.rate.sel(population="E2")[cue].mean()) + 1.0


@pytest.mark.parametrize(("field", "value"), [("delay_ms", 75.0), ("n_i", 1999),
                                               ("tau_f_ms", -1.0)])
def test_bad_parameters_are_refused_naming_the_field(field, value):
    with pytest.raises(ParameterError, match=field):
        get_experiment("working-memory.synaptic").params("quick", **{field: value})
