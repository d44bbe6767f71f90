"""The prefrontal ring as a region: protocol cues become currents, AP5 blocks the NMDA current.

The currents are checked against the analytic firing rate of an isolated LIF cell under a
constant current (every synapse and the background off), the receptor scaling against the
network's own :class:`~engramlab.network.ReceptorScale` semantics (the recurrent current
vanishes, the background stays), and the AP5 intervention against its two effects.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engramlab.circuits import (
    Circuit,
    Group,
    Record,
    ScaleLearning,
    ScaleReceptor,
    Scheduled,
    SpikingRegion,
    compte_region,
    run_protocol,
    takes_effect,
)
from engramlab.circuits.spiking import amygdala_region
from engramlab.core import ParameterError
from engramlab.interventions import ap5
from engramlab.network import AmygdalaParams, CompteParams, CurrentStep, ring_angles_deg
from engramlab.protocol import During, Protocol, epoch, session, trial

# A ring of isolated cells: no recurrence, no background; only the cue's current acts.
ISOLATED = CompteParams(n_e=64, n_i=16, g_ee_ns=0.0, g_ei_ns=0.0, g_ie_ns=0.0, g_ii_ns=0.0,
                        nu_ext_hz=0.0)
# Compte et al. 2000, pyramidal cell: C 0.5 nF, g_L 25 nS, E_L -70, threshold -50,
# reset -60 mV, refractory 2 ms (typed here, not imported from the model).
C_NF, G_L_NS, E_L, V_TH, V_RESET, T_REF = 0.5, 25.0, -70.0, -50.0, -60.0, 2.0


def lif_rate_hz(i_pa: float, dt_ms: float) -> float:
    """Rate of an isolated LIF under a constant current: reset -> threshold, plus refractory.

    The time to threshold is :math:`\\tau \\ln((V_\\infty - V_r)/(V_\\infty - V_\\theta))`,
    counted on the grid (a spike is seen at the first step past threshold).
    """
    tau = C_NF * 1e3 / G_L_NS
    v_inf = E_L + i_pa / G_L_NS
    if v_inf <= V_TH:
        return 0.0
    t = tau * math.log((v_inf - V_RESET) / (v_inf - V_TH))
    return 1e3 / (math.ceil(t / dt_ms - 1e-9) * dt_ms + T_REF)


def _cue_protocol() -> Protocol:
    return Protocol.of(session("task", [trial(
        "t", epoch("pre", 100.0), epoch("cue", 400.0, cue=1.0), epoch("half", 400.0, cue=0.5),
        epoch("post", 100.0))]))


def test_a_cue_stimulus_injects_its_current_scaled_by_intensity_during_its_epochs():
    peak = 1200.0
    region = compte_region(ISOLATED, cues={"cue": 90.0}, cue_pa=peak, cue_sigma_deg=20.0)
    ds = run_protocol(Circuit((region,), settle=1), _cue_protocol(), seed=0,
                      record=[Record("E", "pfc.E", "cells")])
    rates = ds.E.values[0, 0, :, :64]                         # (epoch, cell)
    theta = ring_angles_deg(64)
    centre = int(np.argmin(np.abs(theta - 90.0)))
    assert rates[0].max() == 0.0 and rates[3].max() == 0.0    # no cue, no background
    # the cue's own cell: the LIF rate at the peak current, and at half of it; one spike
    # of 400 ms is 2.5 Hz (the first interval starts from the initial potential)
    for row, k in ((1, 1.0), (2, 0.5)):
        expected = lif_rate_hz(peak * k, 0.1)
        assert expected > 20.0
        assert abs(rates[row, centre] - expected) <= 2.5 + 0.02 * expected
    # far from the cue the current is below rheobase (500 pA): silent
    far = np.abs((theta - 90.0 + 180.0) % 360.0 - 180.0) > 60.0
    assert rates[1, far].max() == 0.0
    # rate falls with the distance from the cue (the Gaussian profile)
    assert rates[1, centre] > rates[1, centre + 3] > 0.0


def test_ap5_scales_the_nmda_current_where_the_region_maps_it_and_only_learning_elsewhere():
    pfc = compte_region(CompteParams(n_e=64, n_i=16))
    amyg = amygdala_region(AmygdalaParams(n_e=60, n_i=12, p_ee=0.3, p_ei=1.0, p_ie=1.0,
                                          p_ii=1.0))
    drug = ap5(region="pfc", window=During(epoch="cue"), block=0.8)
    out = drug.schedule(None, Circuit((pfc,), settle=1))  # type: ignore[arg-type]
    assert [type(s.effect) for s in out] == [ScaleLearning, ScaleReceptor]
    assert out[1].effect.factor == pytest.approx(0.2) and out[1].effect.receptor == "nmda"
    assert takes_effect(pfc, ScaleReceptor(0.0), windowed=True)
    assert not takes_effect(amyg, ScaleReceptor(0.0), windowed=True)  # maps no receptor
    drug_a = ap5(region="amygdala", window="conditioning")
    out_a = drug_a.schedule(None, Circuit((amyg,), settle=1))  # type: ignore[arg-type]
    assert [type(s.effect) for s in out_a] == [ScaleLearning]


def test_blocking_nmda_removes_the_recurrent_current_and_keeps_the_background():
    """With strong recurrent NMDA weights the ring fires far above its background-only
    rate; under ScaleReceptor(0) of "nmda" it fires exactly as the same ring built
    without recurrent excitation under the same intervention (the same epoch streams:
    a group's draws depend on its interventions, so both carry the same one)."""
    strong = CompteParams(n_e=64, n_i=16, g_ee_ns=4.0, g_ei_ns=0.0, g_ie_ns=0.0,
                          g_ii_ns=0.0)
    none = CompteParams(n_e=64, n_i=16, g_ee_ns=0.0, g_ei_ns=0.0, g_ie_ns=0.0, g_ii_ns=0.0)
    pr = Protocol.of(session("s", [trial("t", epoch("a", 300.0))]))
    groups = {"control": Group(), "AP5": Group((Scheduled(
        "pfc", ScaleReceptor(0.0), During(epoch="a")),))}

    def rates(params):
        ds = run_protocol(Circuit((compte_region(params),), settle=1), pr, seed=4,
                          groups=groups, record=[Record("E", "pfc.E")])
        return dict(zip(ds.group.values, ds.E.values[:, 0, 0], strict=True))

    s, n = rates(strong), rates(none)
    assert s["control"] > 2.0 * n["control"] > 0.0
    assert s["AP5"] == n["AP5"] > 0.0


def test_bad_currents_and_receptors_name_the_field():
    net_region = compte_region(CompteParams(n_e=64, n_i=16))
    net, cells = net_region.network, net_region.cells
    with pytest.raises(ParameterError, match="currents"):
        SpikingRegion("pfc", net, cells, currents=(("cue", "not a current"),))
    with pytest.raises(ParameterError, match=r"currents\[cue\]"):
        SpikingRegion("pfc", net, cells, currents=(("cue", CurrentStep("E", np.ones(10))),))
    with pytest.raises(ParameterError, match=r"receptors\[nmda\]"):
        SpikingRegion("pfc", net, cells, receptors=(("nmda", (("E", "kainate"),)),))
    with pytest.raises(ParameterError, match="cues"):
        compte_region(CompteParams(n_e=64, n_i=16), cues={})
    pr = Protocol.of(session("s", [trial("t", epoch("a", 100.0))]))
    wrong = Group((Scheduled("pfc", ScaleReceptor(0.0, "gaba_b"), During(epoch="a")),))
    with pytest.raises(ParameterError, match=r"scale_receptor\.receptor"):
        run_protocol(Circuit((net_region,), settle=1), pr, groups={"x": wrong}, seed=0)
    with pytest.raises(ParameterError, match=r"scale_receptor\.factor"):
        ScaleReceptor(-1.0)
