"""The basal-amygdala network of Vlachos et al. 2011 and its input-coincidence rule.

The rule is checked against an independent event-driven reference computed from the
recorded CS and context spike trains (as tests/test_network_stdp.py does for STDP).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engramlab.core import ParameterError
from engramlab.network import (
    AmygdalaParams,
    CoincidenceRule,
    Explicit,
    Network,
    Phase,
    PoissonSource,
    Population,
    Projection,
    Simulator,
    Spikes,
    amygdala_cells,
    amygdala_network,
    amygdala_protocol,
    cs_responses,
    cs_windows,
)
from engramlab.neurons import LIF
from engramlab.synapses import Receptor

DT = 0.1


# --- parameters ---------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [("n_e", 5), ("p_ee", 0.0), ("p_ii", 1.5),
                                          ("cs_rate_hz", -1.0), ("cell_fraction", 0.7),
                                          ("w_max_ns", 0.0), ("alpha_ltp", 2.0),
                                          ("n_conditioning", 0)])
def test_bad_parameters_are_refused_naming_the_field(field, value):
    with pytest.raises(ParameterError, match=field):
        AmygdalaParams.create(**{field: value})


def test_every_field_has_unit_source_doc_and_a_constraint():
    for cls in (AmygdalaParams, CoincidenceRule):
        for info in cls.describe():
            assert info.unit and info.source and info.doc and info.constraint, info.name


def test_rule_bounds_must_be_ordered_and_role_named():
    with pytest.raises(ParameterError, match="w_max"):
        CoincidenceRule.create(w_min=2.0, w_max=1.0)
    with pytest.raises(ParameterError, match="role"):
        CoincidenceRule.create(role="us")
    with pytest.raises(ParameterError, match="w_max_ns"):
        amygdala_network(AmygdalaParams(w_min_ns=5.0))


# --- shape --------------------------------------------------------------------------

def test_network_shape_and_connection_probabilities():
    p = AmygdalaParams()
    sim = Simulator(amygdala_network(p), dt_ms=DT, seed=3)
    sizes = {pop.name: pop.n for pop in sim.network.populations}
    assert sizes == {"cs": 4000, "context_a": 680, "context_b": 680, "E": 3400, "I": 600}
    cells = amygdala_cells(p)
    assert np.array_equal(cells["fear"], np.arange(680))
    assert np.array_equal(cells["extinction"], np.arange(2720, 3400))
    size = {"E": p.n_e, "I": p.n_i}
    for name, prob in (("E_E", p.p_ee), ("E_I", p.p_ei), ("I_E", p.p_ie), ("I_I", p.p_ii)):
        pre, post = sim.synapses(name)
        a, b = name.split("_")
        pairs = size[a] * size[b] - (size[a] if a == b else 0)   # no autapses
        mean, sd = pairs * prob, math.sqrt(pairs * prob * (1 - prob))
        assert abs(pre.size - mean) < 5 * sd, (name, pre.size, mean)
        if a == b:
            assert not np.any(pre == post)
    for name, n in (("cs_E", 3400), ("cs_I", 600), ("context_a_E", 680),
                    ("context_b_E", 680)):
        pre, post = sim.synapses(name)
        assert pre.size == n and np.unique(post).size == n
    assert np.array_equal(np.sort(sim.synapses("context_a_E")[1]), cells["fear"])
    assert np.array_equal(np.sort(sim.synapses("context_b_E")[1]), cells["extinction"])
    w = sim.weights("cs_E")
    assert abs(w.mean() - 0.9) < 0.01 and abs(w.std() - 0.1) < 0.01
    w = sim.weights("E_I")
    assert abs(w.mean() - 1.25) < 0.01 and abs(w.std() - 0.1) < 0.01


def test_protocol_phases_follow_the_replication():
    p = AmygdalaParams()
    ph = amygdala_protocol(p)
    assert sum(x.duration_ms for x in ph) == pytest.approx(100 + 1000 + 100 + 1200 + 100
                                                           + 200)
    wins = cs_windows(ph)
    assert [w[0] for w in wins][:2] == ["conditioning_cs1", "conditioning_cs2"]
    assert len(wins) == 12 and wins[0][1:] == (100.0, 150.0) and wins[5][1] == 1200.0
    by_name = {x.name: x for x in ph}
    assert by_name["conditioning_cs3"].plasticity and not by_name["conditioning_iti3"].plasticity
    assert by_name["extinction_cs1"].inputs["context_b"] == 1.0
    assert by_name["extinction_cs1"].inputs["context_a"] == 0.0
    assert by_name["test_cs1"].inputs["context_a"] == 1.0
    assert by_name["gap_ab"].inputs["cs"] == 0.0
    assert [x.name for x in ph if x.name.startswith("gap")] == ["gap_ab", "gap_ba"]
    # without extinction the gap joins A to A; a CS phase is <block>_cs<k>, nothing else
    direct = amygdala_protocol(AmygdalaParams(n_extinction=0, n_test=1))
    assert [x.name for x in direct if x.name.startswith("gap")] == ["gap_aa"]
    extra = (*ph, Phase("probe_cs_off", 10.0, plasticity=False, inputs={}))
    assert [w[0] for w in cs_windows(extra)] == [w[0] for w in wins]


# --- the rule against a reference ---------------------------------------------------

def _small(seed_window_ms: float = 15.0) -> tuple[AmygdalaParams, tuple[Phase, ...]]:
    p = AmygdalaParams(n_e=30, n_i=6, t_init_ms=10.0, cs_on_ms=20.0, cs_off_ms=20.0,
                       gap_ms=10.0, n_conditioning=3, n_extinction=3, n_test=1,
                       window_ms=seed_window_ms, alpha_ltp=0.02, alpha_ltd=0.02)
    return p, amygdala_protocol(p)


def _reference(p: AmygdalaParams, ds, w_cs0: np.ndarray, w_ctx0: dict[str, np.ndarray],
               ctx_post: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The rule, written from its equations, event by event in ms, per neuron."""
    starts = ds["phase_start_ms"].values
    stops = ds["phase_stop_ms"].values
    learn = ds["phase_plasticity"].values.astype(bool)

    def on(t):
        k = np.searchsorted(stops, t, side="right")
        return bool(learn[k]) and starts[k] <= t

    w_cs = w_cs0.copy()
    w_ctx = {k: v.copy() for k, v in w_ctx0.items()}
    # neuron -> (source name, index of its context synapse)
    ctx_of = {int(j): (name, m) for name, post in ctx_post.items()
              for m, j in enumerate(post)}
    order = {"cs": 0, "context_a": 1, "context_b": 2}   # population order in a step
    cs_t = ds["cs_spike_time"].values
    cs_i = ds["cs_spike_neuron"].values
    for j in range(p.n_e):
        events = [(t, 0, "cs") for t in cs_t[cs_i == j]]
        if j in ctx_of:
            name, m = ctx_of[j]
            src = ds[f"{name}_spike_time"].values[ds[f"{name}_spike_neuron"].values == m]
            events += [(t, order[name], name) for t in src]
        events.sort()
        c = h = 0.0
        tc = th = None
        for t, _, what in events:
            if what == "cs":
                c = (c * math.exp(-(t - tc) / p.tau_c_ms) if tc is not None else 0.0) + p.c_u
                tc = t
                hh = h * math.exp(-(t - th) / p.tau_h_ms) if th is not None else 0.0
                cc, other = c, th
            else:
                h = (h * math.exp(-(t - th) / p.tau_h_ms) if th is not None else 0.0) + p.h_u
                th = t
                cc = c * math.exp(-(t - tc) / p.tau_c_ms) if tc is not None else 0.0
                hh, other = h, tc
            if not on(t):
                continue
            gap = None if other is None else abs(t - other)
            ws = [("cs", j)] + ([ctx_of[j]] if j in ctx_of else [])
            for kind, m in ws:
                w = w_cs[m] if kind == "cs" else w_ctx[kind][m]
                if gap is not None and gap < p.window_ms - 1e-9:
                    w = min(w + p.alpha_ltp * hh * cc * (p.w_max_ns - w), p.w_max_ns)
                elif gap is None or gap > p.window_ms + 1e-9:
                    w = w - p.alpha_ltd * cc * (w - p.w_min_ns)
                if kind == "cs":
                    w_cs[m] = w
                else:
                    w_ctx[kind][m] = w
    return w_cs, w_ctx


def _run_small(seed: int = 5):
    p, ph = _small()
    sim = Simulator(amygdala_network(p), dt_ms=DT, seed=seed)
    w_cs0 = sim.weights("cs_E")
    names = {"context_a": "context_a_E", "context_b": "context_b_E"}
    w_ctx0 = {k: sim.weights(v) for k, v in names.items()}
    ctx_post = {k: sim.synapses(v)[1] for k, v in names.items()}
    assert np.array_equal(sim.synapses("cs_E")[1], np.arange(p.n_e))
    ds = sim.run(phases=ph, record=[Spikes("cs"), Spikes("context_a"), Spikes("context_b"),
                                    Spikes("E")])
    return p, sim, ds, w_cs0, w_ctx0, ctx_post


def test_coincidence_rule_equals_the_event_driven_reference():
    p, sim, ds, w_cs0, w_ctx0, ctx_post = _run_small()
    ref_cs, ref_ctx = _reference(p, ds, w_cs0, w_ctx0, ctx_post)
    got = sim.weights("cs_E")
    assert not np.allclose(got, w_cs0)                     # it learned ...
    fear, ext = amygdala_cells(p)["fear"], amygdala_cells(p)["extinction"]
    other = np.setdiff1d(np.arange(p.n_e), np.concatenate([fear, ext]))
    assert np.all(got[other] < w_cs0[other])                # ... no context: depression
    np.testing.assert_allclose(got, ref_cs, rtol=1e-10, atol=1e-12)
    for k, name in (("context_a", "context_a_E"), ("context_b", "context_b_E")):
        np.testing.assert_allclose(sim.weights(name), ref_ctx[k], rtol=1e-10, atol=1e-12)
        assert not np.allclose(sim.weights(name), w_ctx0[k])


def test_python_engine_equals_compiled_with_the_coincidence_rule(monkeypatch):
    _, sim_a, ds_a, *_ = _run_small(seed=7)
    monkeypatch.setenv("ENGRAMLAB_NO_NUMBA", "1")
    _, sim_b, ds_b, *_ = _run_small(seed=7)
    assert ds_b.attrs["engine"] == "python" and ds_a.attrs["engine"] == "numba"
    for name in ("cs_E", "context_a_E", "context_b_E"):
        assert np.array_equal(sim_a.weights(name), sim_b.weights(name))
    assert np.array_equal(ds_a["E_spike_time"].values, ds_b["E_spike_time"].values)


def test_snapshot_restore_continues_identically_with_the_rule():
    p, ph = _small()
    sim = Simulator(amygdala_network(p), dt_ms=DT, seed=2)
    sim.run(phases=ph[:4])
    snap = sim.snapshot()
    sim.run(phases=ph[4:])
    first = sim.weights("cs_E"), sim.weights("context_a_E")
    sim.restore(snap)
    sim.run(phases=ph[4:])
    assert np.array_equal(first[0], sim.weights("cs_E"))
    assert np.array_equal(first[1], sim.weights("context_a_E"))


def test_plasticity_off_keeps_weights_and_frozen_network_keeps_them_too():
    p, ph = _small()
    frozen = tuple(Phase(x.name, x.duration_ms, plasticity=False, inputs=x.inputs) for x in ph)
    sim = Simulator(amygdala_network(p), dt_ms=DT, seed=2)
    w0 = sim.weights("cs_E")
    sim.run(phases=frozen)
    assert np.array_equal(w0, sim.weights("cs_E"))
    sim = Simulator(amygdala_network(p, plastic=False), dt_ms=DT, seed=2)
    sim.run(phases=ph)
    assert np.array_equal(w0, sim.weights("cs_E"))


def _lif_target(n: int) -> Population:
    rec = {"exc": Receptor(kind="conductance", tau_decay_ms=1.0, e_rev_mv=0.0)}
    return Population("post", n, LIF(), rec)


def test_rule_refuses_two_cue_synapses_on_a_neuron_and_mixed_parameters():
    src = Population("src", 2, PoissonSource(rate_hz=10.0))
    two = Projection("src", "post", "exc", Explicit([0, 1], [0, 0]), weight=0.5,
                     plasticity=CoincidenceRule(), name="a")
    with pytest.raises(ParameterError, match="at most one cue"):
        Simulator(Network([src, _lif_target(1)], [two]))
    ctx = Population("ctx", 1, PoissonSource(rate_hz=10.0))
    one = Projection("src", "post", "exc", Explicit([0], [0]), weight=0.5,
                     plasticity=CoincidenceRule(), name="a")
    other = Projection("ctx", "post", "exc", Explicit([0], [0]), weight=0.5,
                       plasticity=CoincidenceRule(role="context", window_ms=5.0), name="b")
    with pytest.raises(ParameterError, match="same parameters"):
        Simulator(Network([src, ctx, _lif_target(1)], [one, other]))
    high = Projection("src", "post", "exc", Explicit([0], [0]), weight=9.0,
                      plasticity=CoincidenceRule(), name="a")
    with pytest.raises(ParameterError, match="w_max"):
        Simulator(Network([src, _lif_target(1)], [high]))


def test_cs_responses_counts_spikes_per_cell_and_second():
    t = np.array([1.0, 2.0, 12.0, 15.0])
    i = np.array([0, 1, 0, 3])
    r = cs_responses(t, i, [("a", 0.0, 10.0), ("b", 10.0, 20.0)],
                     {"x": np.array([0, 1]), "y": np.array([3])})
    np.testing.assert_allclose(r["x"], [2 / (2 * 0.01), 1 / (2 * 0.01)])
    np.testing.assert_allclose(r["y"], [0.0, 100.0])


# --- protocols ----------------------------------------------------------------------

def test_conditioning_in_context_a_raises_the_fear_cells_cs_response():
    p = AmygdalaParams(n_extinction=0, n_test=0)
    ph = amygdala_protocol(p)
    sim = Simulator(amygdala_network(p), dt_ms=DT, seed=11)
    ds = sim.run(phases=ph, record=[Spikes("E")])
    r = cs_responses(ds["E_spike_time"].values, ds["E_spike_neuron"].values,
                     cs_windows(ph), amygdala_cells(p))
    fear, ext = r["fear"], r["extinction"]
    assert fear[-2:].mean() > 2.0 * fear[:2].mean() + 0.5, fear
    assert fear[-1] > 3.0 * ext[-1] + 0.5, (fear, ext)
    cells = amygdala_cells(p)
    assert sim.weights("cs_E")[cells["fear"]].mean() > 1.5       # from 0.9 nS
    assert sim.weights("context_a_E").mean() > 1.0               # from 0.4 nS


@pytest.mark.slow
def test_extinction_in_b_and_renewal_in_a():
    p = AmygdalaParams()
    ph = amygdala_protocol(p)
    sim = Simulator(amygdala_network(p), dt_ms=DT, seed=13)
    ds = sim.run(phases=ph, record=[Spikes("E")])
    r = cs_responses(ds["E_spike_time"].values, ds["E_spike_neuron"].values,
                     cs_windows(ph), amygdala_cells(p))
    fear, ext = r["fear"], r["extinction"]
    cond, extn, test = slice(0, 5), slice(5, 11), 11
    assert fear[cond][-1] > 2.0 * fear[cond][0]                  # conditioning
    assert fear[extn][-2:].mean() < 0.5 * fear[cond][-1]         # extinction lowers fear
    assert ext[extn][-2:].mean() > 3.0 * ext[extn][:2].mean()    # ... and recruits B
    assert fear[test] > 2.0 * fear[extn][-2:].mean()             # renewal back in A


def test_unrecorded_populations_are_counted_not_written():
    """The loop writes out only the spikes of recorded populations (the CS trains are
    200 spikes per step at full scale); what it records and counts is unchanged."""
    p, ph = _small()
    a = Simulator(amygdala_network(p), dt_ms=DT, seed=4).run(
        phases=ph, record=[Spikes("E")])
    b = Simulator(amygdala_network(p), dt_ms=DT, seed=4).run(
        phases=ph, record=[Spikes("cs"), Spikes("context_a"), Spikes("context_b"),
                           Spikes("E"), Spikes("I")])
    assert np.array_equal(a["E_spike_time"].values, b["E_spike_time"].values)
    assert np.array_equal(a["E_spike_neuron"].values, b["E_spike_neuron"].values)
    total = sum(b[f"{x}_spike_time"].size for x in ("cs", "context_a", "context_b", "E",
                                                    "I"))
    assert a.attrs["n_spikes"] == b.attrs["n_spikes"] == total > 0
