"""Family 3 with PyTorch: numpy vs torch (CPU) vs array-api-strict on the same inputs.

Torch is optional for users; CI installs the CPU wheel (``.ci/run``), so these tests
run there. They pin the torch device to the CPU (``ENGRAMLAB_TORCH_DEVICE=cpu``) so the
numbers are comparable on a machine with a GPU too.

Unless a test says otherwise, the three backends must agree exactly: every model below
computes integer-valued fields (±1 patterns), takes the same decisions from the same
NumPy random numbers, and its float reductions are either exact (integers below 2**53)
or element-wise. Where a value goes through a library reduction whose summation order
differs between NumPy/BLAS and torch (SVD, softmax sums, sigmoids of real-valued
products), the test says so and uses ``RTOL`` below.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import xarray as xr

import engramlab
from engramlab.core import ParameterError, asarray, get_namespace, make_rng, to_numpy
from engramlab.memory import (
    HebbianMemory,
    Interaction,
    bam,
    dense_energy,
    dense_recall,
    energy,
    glauber,
    hebbian_weights,
    local_fields,
    modern_energy,
    modern_recall,
    modern_update,
    overlaps,
    pseudo_inverse_weights,
    rbm,
    recall,
    storkey_weights,
)

if os.environ.get("ENGRAMLAB_REQUIRE_TORCH") == "1":  # set by .ci/run: must run, not skip
    import torch
else:
    torch = pytest.importorskip(
        "torch", reason="PyTorch is optional (pip install 'engramlab[torch]'); CI installs it")
pytest.importorskip("array_api_strict")

BACKENDS = ("numpy", "torch", "array_api_strict")

#: Relative tolerance where float64 results go through reductions whose order differs
#: between NumPy (OpenBLAS / pairwise sums / LAPACK) and torch (MKL-DNN / its own
#: kernels): a few ulps per operation, far below any effect on a decision.
RTOL = 1e-12


@pytest.fixture(autouse=True)
def _torch_on_cpu(monkeypatch):
    monkeypatch.setenv("ENGRAMLAB_TORCH_DEVICE", "cpu")


def _on_all(fn, *arrays):
    """``fn(xp, *arrays moved to xp)`` on every backend, results moved back to NumPy."""
    out = {}
    for name in BACKENDS:
        xp = get_namespace(name)
        res = fn(xp, *(asarray(a, xp) for a in arrays))
        res = res if isinstance(res, tuple) else (res,)
        out[name] = [to_numpy(r) for r in res]
    return out


def _assert_same(out, rtol=0.0):
    ref = out["numpy"]
    for name in BACKENDS[1:]:
        assert len(out[name]) == len(ref)
        for a, b in zip(ref, out[name], strict=True):
            assert a.shape == b.shape and a.dtype == b.dtype, name
            if rtol:
                np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol, err_msg=name)
            else:
                np.testing.assert_array_equal(b, a, err_msg=name)


def _pm1(seed, shape):
    return make_rng(seed).choice(np.array([-1.0, 1.0]), size=shape)


def _problem(p=6, n=50, noise=0.15):
    rng = make_rng(5)
    xi = rng.choice(np.array([-1.0, 1.0]), size=(p, n))
    cues = np.repeat(xi[:3], 4, axis=0)
    flips = rng.random(cues.shape) < noise
    return xi, np.where(flips, -cues, cues)


# --- the backend itself -----------------------------------------------------------------

def test_torch_namespace_and_dtypes():
    xp = get_namespace("torch")
    x = asarray(np.arange(4.0), xp)
    assert isinstance(x, torch.Tensor)
    assert x.dtype == torch.float64  # float64 stays float64
    assert x.device.type == "cpu"
    assert asarray(np.arange(3), xp).dtype == torch.int64
    assert asarray(np.zeros(2, dtype=bool), xp).dtype == torch.bool
    assert asarray([1, 2], xp, dtype=np.float32).dtype == torch.float32  # NumPy dtype maps
    assert asarray([1, 2], xp, dtype=xp.float32).dtype == torch.float32
    back = to_numpy(x)
    assert isinstance(back, np.ndarray) and back.dtype == np.float64
    np.testing.assert_array_equal(back, np.arange(4.0))


def test_asarray_copies_the_host_buffer():
    src = np.zeros(3)
    x = asarray(src, get_namespace("torch"))
    src[0] = 7.0
    assert float(x[0]) == 0.0


def test_device_defaults_to_cuda_if_available_else_cpu(monkeypatch):
    from engramlab.core.backend import torch_device

    monkeypatch.delenv("ENGRAMLAB_TORCH_DEVICE")
    assert torch_device().type == ("cuda" if torch.cuda.is_available() else "cpu")


@pytest.mark.parametrize("value", ["tpu", "not a device", "cuda:99"])
def test_bad_device_override_is_a_parameter_error(monkeypatch, value):
    if value == "cuda:99" and torch.cuda.device_count() > 99:  # pragma: no cover
        pytest.skip("this machine has 100 GPUs")
    monkeypatch.setenv("ENGRAMLAB_TORCH_DEVICE", value)
    with pytest.raises(ParameterError, match="ENGRAMLAB_TORCH_DEVICE"):
        get_namespace("torch")


@pytest.mark.parametrize("name", ["cuda", "Torch", "fortran", ""])
def test_unknown_backend_names(name):
    with pytest.raises(ParameterError, match=r"backend.*numpy, array_api_strict, torch"):
        get_namespace(name)


def test_missing_torch_is_a_parameter_error(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    with pytest.raises(ParameterError, match="PyTorch"):
        get_namespace("torch")


def test_only_the_backend_module_imports_torch():
    """docs/design.md: only the backend module touches torch (lint-imports checks it too)."""
    import pathlib

    src = pathlib.Path(engramlab.__file__).parent
    offenders = [str(p.relative_to(src)) for p in src.rglob("*.py")
                 if p.name != "backend.py"
                 and any(line.strip().startswith(("import torch", "from torch"))
                         for line in p.read_text().splitlines())]
    assert offenders == []


# --- Hopfield -----------------------------------------------------------------------------

def test_hebbian_weights_energy_fields():
    xi, cues = _problem()

    def fn(xp, xi, cues):
        w = hebbian_weights(xi)
        mem = HebbianMemory(xi)
        return (w, energy(w, cues), energy(mem, cues), local_fields(w, cues),
                local_fields(mem, cues), overlaps(xi, cues))

    out = _on_all(fn, xi, cues)
    _assert_same(out)
    np.testing.assert_array_equal(out["torch"][0], xi.T @ xi - 6 * np.eye(50))


@pytest.mark.parametrize("matrix_free", [False, True])
@pytest.mark.parametrize(("dynamics", "order"),
                         [("async", "random"), ("async", "fixed"), ("sync", "random")])
def test_recall_identical(dynamics, order, matrix_free):
    xi, cues = _problem()

    def fn(xp, xi, cues):
        w = HebbianMemory(xi) if matrix_free else hebbian_weights(xi)
        out = recall(w, cues, dynamics=dynamics, order=order, rng=make_rng(9), max_sweeps=50)
        return out.states, out.sweeps, out.converged

    out = _on_all(fn, xi, cues)
    _assert_same(out)
    assert out["torch"][2].all()  # a real recall problem, not a trivial one


@pytest.mark.parametrize("temperature", [0.0, 0.5])
def test_glauber_identical(temperature):
    xi, cues = _problem()

    def fn(xp, xi, cues):
        return (glauber(hebbian_weights(xi), cues, temperature=temperature, sweeps=3,
                        rng=make_rng(3)),
                glauber(HebbianMemory(xi), cues, temperature=temperature, sweeps=3,
                        rng=make_rng(3)))

    out = _on_all(fn, xi, cues)
    _assert_same(out)
    if temperature > 0:  # the noise really acted
        assert not np.array_equal(out["torch"][0], to_numpy(recall(
            hebbian_weights(xi), cues, rng=make_rng(3)).states))


def test_storkey_rule_identical():
    # Storkey weights are sums of products of 1/N multiples: not integers, but the
    # update is element-wise plus one matrix-vector product per pattern over at most
    # N = 24 terms; torch's and NumPy's GEMV may sum in another order (RTOL).
    xi = _pm1(1, (2, 5, 24))
    _assert_same(_on_all(lambda xp, x: storkey_weights(x), xi), rtol=RTOL)


def test_pseudo_inverse_rule_identical():
    # LAPACK's SVD in NumPy and torch may differ in the last bits (and in the signs of
    # singular vectors, which cancel in V V^T): RTOL, and the projector property exact
    # up to the same rounding.
    xi = _pm1(2, (2, 6, 30))

    def fn(xp, x):
        return (pseudo_inverse_weights(x), pseudo_inverse_weights(x, zero_diagonal=True))

    out = _on_all(fn, xi)
    _assert_same(out, rtol=1e-10)
    w = out["torch"][0]
    np.testing.assert_allclose(xi @ w, xi, atol=1e-10)


# --- successors ---------------------------------------------------------------------------

@pytest.mark.parametrize("interaction", [Interaction("power", degree=3),
                                         Interaction("power", degree=4, rectified=True),
                                         Interaction("exp")])
@pytest.mark.parametrize("dynamics", ["async", "sync"])
def test_dense_memory_identical(interaction, dynamics):
    xi, cues = _problem(p=20, n=30, noise=0.2)

    def fn(xp, xi, cues):
        out = dense_recall(xi, cues, interaction, dynamics=dynamics, rng=make_rng(4),
                           max_sweeps=20)
        return out.states, out.sweeps, out.converged, dense_energy(xi, out.states, interaction)

    out = _on_all(fn, xi, cues)
    if interaction.kind == "exp":
        # exp() of integer overlaps is not exact: libm (NumPy) and torch's vectorised
        # exp may differ by an ulp. The states and counts must still match exactly.
        _assert_same({k: v[:3] for k, v in out.items()})
        _assert_same({k: v[3:] for k, v in out.items()}, rtol=RTOL)
    else:
        _assert_same(out)


def test_modern_hopfield_identical():
    # Softmax sums and exp: float reductions in a library-dependent order (RTOL).
    rng = make_rng(7)
    patterns = rng.standard_normal((12, 16))
    queries = patterns[:5] + 0.3 * rng.standard_normal((5, 16))

    def fn(xp, x, q):
        out = modern_recall(x, q, beta=2.0, max_steps=20)
        return (modern_update(x, q, 2.0), modern_energy(x, q, 2.0), out.states)

    out = _on_all(fn, patterns, queries)
    _assert_same(out, rtol=RTOL)
    # the step counts (decisions on |change| <= tol) agree exactly
    steps = _on_all(lambda xp, x, q: (modern_recall(x, q, beta=2.0, max_steps=20).steps,),
                    patterns, queries)
    _assert_same(steps)


@pytest.mark.parametrize("direction", ["x_to_y", "y_to_x"])
def test_bam_identical(direction):
    x, y = _pm1(3, (4, 40)), _pm1(4, (4, 30))
    cue_layer = x if direction == "x_to_y" else y
    flips = make_rng(5).random(cue_layer.shape) < 0.2
    cues = np.where(flips, -cue_layer, cue_layer)

    def fn(xp, x, y, cues):
        w = bam.bam_weights(x, y)
        out = bam.recall(w, cues, direction=direction)
        return w, out.x, out.y, out.iterations, out.converged, out.energy

    _assert_same(_on_all(fn, x, y, cues))


def test_rbm_one_cd_step():
    # Sigmoids and softplus of real-valued products: RTOL. The Bernoulli samples are
    # decided by comparing NumPy uniforms with the probabilities; with RTOL-close
    # probabilities the decisions agree unless a uniform falls within 1e-12 of a
    # probability, which for these 200 draws does not happen (the sampled states
    # are checked exactly below).
    data = (make_rng(8).random((10, 12)) < 0.4).astype(float)

    def fn(xp, v):
        model = rbm.init_rbm(v, 6, make_rng(1))
        zero = rbm.RBM(*(xp.zeros_like(p) for p in model))
        new, velocity = rbm.cd_update(model, zero, v, make_rng(2), learning_rate=0.1,
                                      momentum=0.5, weight_cost=1e-4)
        hidden, visible = rbm.gibbs_step(new, v, make_rng(3))
        return (*new, *velocity, rbm.free_energy(new, v), rbm.energy(new, v, hidden),
                hidden, visible)

    out = _on_all(fn, data)
    _assert_same(out, rtol=RTOL)
    for name in BACKENDS[1:]:  # the sampled binary states: exactly
        for a, b in zip(out["numpy"][-2:], out[name][-2:], strict=True):
            np.testing.assert_array_equal(a, b)


# --- whole experiments --------------------------------------------------------------------

@pytest.mark.parametrize("experiment_id", ["hopfield.seed-demo", "hopfield.recall"])
def test_experiment_identical_on_torch(experiment_id):
    exp = engramlab.get_experiment(experiment_id)
    params = exp.params("quick")
    if experiment_id == "hopfield.recall":
        params = params.replace(n_neurons=60, load=(0.05, 0.2), n_trials=4)
    else:
        params = params.replace(n_orders=200)
    a = exp.run(params, seed=2, backend="numpy")
    b = exp.run(params, seed=2, backend="torch")
    xr.testing.assert_identical(a, b)


def _cli(*args, cwd):
    """The real command line (``main`` turns bad input into one line and exit 2)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "ENGRAMLAB_TORCH_DEVICE": "cpu"}
    return subprocess.run([sys.executable, "-c", "from engramlab.cli import main; main()",
                           *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_cli_runs_on_torch(tmp_path):
    res = _cli("run", "hopfield.seed-demo", "--backend", "torch", "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    body = json.loads(res.stdout)
    assert body["passed"] is True
    with xr.open_dataset(tmp_path / body["files"]["data"]) as ds:
        assert ds.attrs["backend"] == "torch"


def test_cli_bad_backend_is_one_line_exit_2(tmp_path):
    res = _cli("run", "hopfield.seed-demo", "--backend", "cuda", cwd=tmp_path)
    assert res.returncode == 2
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0] == ("error: parameter 'backend' must be one of numpy, array_api_strict, "
                        "torch (got 'cuda')")
