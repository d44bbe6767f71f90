"""The engine's vectorised kernels against the scalar formulas they replace.

:func:`~engramlab.network._engine._exps` (exponential Euler's decay factors) against
``math.exp``; :func:`~engramlab.network._engine._uniforms` and
:func:`~engramlab.network._engine._counts` (the Poisson inputs and sources) against
:func:`~engramlab.network._engine._uniform` and the inversion of
:func:`~engramlab.network._engine._poisson`, bit for bit; and the conductance LIF's
branch-free step against its unit-by-unit form when a unit diverges. The kernels are
compiled here the way the loop compiles them (Numba, ``error_model="numpy"``) and run
as plain Python too (``ENGRAMLAB_NO_NUMBA=1`` runs them so).
"""

from __future__ import annotations

import math
import types

import numba
import numpy as np
import pytest

from engramlab.core import SimulationError
from engramlab.network import Network, Population, Spikes, simulate
from engramlab.network import _engine as E
from engramlab.neurons import LIF
from engramlab.synapses import AMPA

EXPS = {"numba": numba.njit(error_model="numpy")(E._exps), "python": E._exps}


def _ulps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance in units in the last place of positive doubles."""
    return np.abs(a.view(np.int64) - b.view(np.int64))


@pytest.mark.parametrize("engine", ["numba", "python"])
def test_exps_is_within_one_ulp_of_math_exp(engine):
    rng = np.random.default_rng(7)
    n = 2 * 10**6 if engine == "numba" else 20_000
    x = np.concatenate([rng.uniform(-708.0, 709.0, n // 2),
                        rng.uniform(-2.0, 0.0, n // 2),  # decay factors: -dt G / C
                        [0.0, -0.0, 1e-300, -1e-300, math.log(2) / 2, -708.0, 709.0]])
    ref = np.array([math.exp(v) for v in x])
    y = x.copy()
    EXPS[engine](y, y.size, np.zeros(y.size, np.int64))
    d = _ulps(y, ref)
    assert d.max() <= 1
    assert 0.0 < np.mean(d > 0) < 0.2  # it is not math.exp itself: ~10 % differ
    assert y[-7] == 1.0 and y[-6] == 1.0


def test_exps_clamps_outside_its_range():
    x = np.array([-1e6, -750.0, 710.0, 1e6, np.nan])
    EXPS["numba"](x, x.size, np.zeros(x.size, np.int64))
    assert x[0] == x[1] == pytest.approx(math.exp(-708.0), rel=1e-15)
    assert x[2] == x[3] == pytest.approx(math.exp(709.0), rel=1e-15)
    assert np.all(np.isfinite(x[:4])) and math.isnan(x[4])


def test_exps_leaves_the_tail_alone():
    x = np.array([0.0, 1.0, 2.0, 3.0])
    EXPS["numba"](x, 2, np.zeros(4, np.int64))
    assert x[0] == 1.0 and _ulps(x[1:2], np.array([math.e]))[0] <= 1
    assert x[2:].tolist() == [2.0, 3.0]


def _compiled(name: str):
    """Engine function ``name`` compiled with its helper ``_mix`` (as the loop does)."""
    ns = dict(vars(E))
    ns["_mix"] = numba.njit(error_model="numpy")(E._mix)
    f = getattr(E, name)
    return numba.njit(error_model="numpy")(types.FunctionType(f.__code__, ns, name))


def test_uniforms_equal_the_scalar_draws_bit_for_bit():
    uniforms = _compiled("_uniforms")
    for key, t in ((np.uint64(1), 0), (np.uint64(2**63 + 12345), 987_654_321)):
        a, b = np.empty(5000), np.empty(5000)
        uniforms(key, t, 5000, a)
        with np.errstate(over="ignore"):  # the hash wraps around, as it should
            E._uniforms(key, t, 5000, b)  # the plain-Python form
        scalar = E.uniform_np(int(key), t, np.arange(5000))  # _uniform, unit by unit
        assert np.array_equal(a, b) and np.array_equal(a, scalar)


def _cdf(lam: float) -> np.ndarray:
    """The cumulative sums of Poisson(lam) as the loop forms them (201 of them)."""
    out = np.empty(201)
    pk = sk = math.exp(-lam)
    out[0] = sk
    for k in range(1, 201):
        pk *= lam / k
        s2 = sk + pk
        out[k] = s2
        if s2 == sk:
            out[k + 1:] = sk
            break
        sk = s2
    return out


@pytest.mark.parametrize("lam", [0.005, 0.5, 3.0, 25.0])
def test_counts_equal_the_scalar_search(lam):
    counts = numba.njit(error_model="numpy")(E._counts)
    rng = np.random.default_rng(3)
    u = np.concatenate([rng.random(20_000), [0.0, 1.0 - 2**-53]])
    cdf = _cdf(lam)
    kv = np.empty(u.size)
    counts(u, u.size, cdf, 200, kv)
    ref = np.empty(u.size)
    for i, ui in enumerate(u):  # the search of _poisson, one unit at a time
        k = 0
        while ui > cdf[k] and k < 200:
            k += 1
        ref[i] = k
    assert np.array_equal(kv, ref)
    # and they are Poisson: mean and variance within 5 standard errors of lam
    se = math.sqrt(lam / u.size)
    assert abs(kv.mean() - lam) < 5 * se
    if lam >= 0.5:
        assert kv.var() == pytest.approx(lam, rel=0.1)


def test_conductance_lif_divergence_stops_at_the_unit():
    """The branch-free step finds a unit out of bounds and hands the step to the
    unit-by-unit form, which names that unit; the units before it still spike."""
    pop = Population("n", 4, LIF(), {"e": AMPA()}, i_bias_pa=[5e3, 5e3, -1e16, 0.0])
    with pytest.raises(SimulationError, match=r"n\.v\[2\]"):
        simulate(Network([pop]), 20.0, dt_ms=0.1, record=[Spikes("n")])


def test_conductance_lif_spikes_and_refractoriness_match_the_closed_form():
    """Constant current, no input: the interspike interval of the conductance LIF
    (exponential Euler is exact for constant conductances) is t_ref plus the charging
    time tau ln((I/g - (V_r - E_L)) / (I/g - (V_th - E_L))), on the grid of dt."""
    m = LIF()
    i_pa = 300.0
    pop = Population("n", 3, m, {"e": AMPA()}, i_bias_pa=i_pa)
    ds = simulate(Network([pop]), 500.0, dt_ms=0.1, record=[Spikes("n")])
    t, j = ds["n_spike_time"].values, ds["n_spike_neuron"].values
    assert set(j.tolist()) == {0, 1, 2}
    isi = np.diff(t[j == 0])
    tau = m.c_m_pf / m.g_l_ns
    vinf = i_pa / m.g_l_ns
    charge = tau * math.log((vinf - (m.v_reset_mv - m.e_l_mv))
                            / (vinf - (m.v_th_mv - m.e_l_mv)))
    expected = m.t_ref_ms + charge
    assert isi.size > 5
    assert np.all(np.abs(isi - expected) <= 0.1 + 1e-9)  # one step of the grid
