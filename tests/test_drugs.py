"""Drugs in a time window: AP5 (NMDA receptors) and anisomycin (protein synthesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engramlab.core import ParameterError
from engramlab.interventions import Drug, anisomycin, ap5, apply_to_network, availability
from engramlab.network import (
    FixedProbability,
    Network,
    Population,
    Projection,
    ReceptorScale,
    SpikeSource,
    State,
    simulate,
)
from engramlab.neurons import LIF
from engramlab.synapses import AMPA, NMDA


def test_factor_is_one_outside_and_one_minus_block_inside_the_window():
    d = ap5(10.0, 20.0, block=0.8)
    np.testing.assert_allclose(d.factor([0.0, 9.999, 10.0, 15.0, 19.999, 20.0, 30.0]),
                               [1, 1, 0.2, 0.2, 0.2, 1, 1], rtol=0, atol=1e-15)
    assert d.target == "nmda" and anisomycin().target == "protein_synthesis"


def test_availability_multiplies_drugs_on_one_target_and_ignores_others():
    f = availability([ap5(0, 10, block=0.5), ap5(5, 15, block=0.5), anisomycin(0, 100)],
                     "nmda")
    np.testing.assert_allclose(f(np.array([-1.0, 2.0, 7.0, 12.0, 20.0])),
                               [1.0, 0.5, 0.25, 0.5, 1.0], rtol=0, atol=1e-15)
    g = availability([ap5(0, 10)], "protein_synthesis")
    np.testing.assert_array_equal(g(np.linspace(-5, 50, 12)), np.ones(12))


@pytest.mark.parametrize("kwargs, field", [
    ({"block": 1.5}, "AP5.block"),
    ({"block": -0.1}, "AP5.block"),
    ({"start_s": 5.0, "stop_s": 5.0}, "AP5.stop_s"),
    ({"start_s": math.nan}, "AP5.start_s"),
])
def test_bad_drug_windows_are_rejected(kwargs, field):
    with pytest.raises(ParameterError, match=field.replace(".", r"\.")):
        ap5(**kwargs)
    with pytest.raises(ParameterError, match="target"):
        Drug("x", "dopamine")  # type: ignore[arg-type]


def _nmda_net():
    rec = {"ampa": AMPA(), "nmda": NMDA()}
    cell = LIF(v_th_mv=50.0)  # never fires: conductances are read cleanly
    src = SpikeSource(np.arange(5.0, 400.0, 10.0), np.zeros(40, int))
    return Network([Population("src", 1, src), Population("cell", 1, cell, rec)],
                   [Projection("src", "cell", "ampa", FixedProbability(1.0), weight=1.0),
                    Projection("src", "cell", "nmda", FixedProbability(1.0), weight=1.0)])


def test_ap5_on_a_network_blocks_nmda_only_in_its_window():
    net = _nmda_net()
    drugged = apply_to_network(net, [ap5(0.1, 0.3)], population="cell")
    (scale,) = [s for s in drugged.stimuli if isinstance(s, ReceptorScale)]
    assert (scale.receptor, scale.factor, scale.start_ms, scale.stop_ms) == \
        ("nmda", 0.0, 100.0, 300.0)
    rec = [State("cell", "nmda", [0]), State("cell", "ampa", [0])]
    a = simulate(net, 400.0, record=rec, seed=0)
    b = simulate(drugged, 400.0, record=rec, seed=0)
    t = a["cell_nmda_time"].values
    # AMPA: untouched everywhere
    np.testing.assert_array_equal(a["cell_ampa"], b["cell_ampa"])
    # NMDA: identical before the window ...
    before = t < 100.0
    np.testing.assert_array_equal(a["cell_nmda"].values[before],
                                  b["cell_nmda"].values[before])
    # ... no new NMDA input inside it: the conductance only decays (slow NMDA tail)
    inside = (t > 110.0) & (t < 300.0)
    g_in = b["cell_nmda"].values[inside, 0]
    assert np.all(np.diff(g_in) <= 1e-12)
    assert a["cell_nmda"].values[inside, 0].mean() > 2 * g_in.mean()


def test_protein_synthesis_blockers_are_refused_on_networks():
    with pytest.raises(ParameterError, match=r"anisomycin\.target"):
        apply_to_network(_nmda_net(), [anisomycin(0, 1)], population="cell")
