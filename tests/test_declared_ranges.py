"""Family 1: every value a parameter declares valid gives a result or one clear error.

For every experiment and every numeric parameter with a declared bound, the quick preset
runs with that parameter at its declared minimum and at its maximum, one parameter at a
time (a ``gt`` / ``lt`` bound: the nearest valid value, ``math.nextafter`` for floats;
a tuple: its smallest / largest item replaced by the bound). Each case runs in its own
process with a time budget (:data:`CASE_TIMEOUT_S`, on a loaded machine: a budget, not
a speed assertion; running past it fails, naming the case), with the resource guard on.
It must end in

- a result (the run, its metrics and checks, and its figure), or
- one line of :class:`~engramlab.core.ParameterError` naming a parameter of the
  experiment (never an internal name such as ``connect.k``), or
- one line of :class:`~engramlab.core.SimulationError`,

never another exception and never a hang. Where a case would take far more than the
quick preset (its :meth:`~engramlab.experiments.Experiment.resources` estimate above
:data:`BUDGET_FACTOR` times the quick preset's), the other parameters the estimate grows
with are lowered to their declared minimum; a case still above that is "guarded":
:func:`engramlab.runner.run` refuses it (ParameterError) where it exceeds the machine,
and runs it, slowly, where it does not.

The full sweep (~600 cases) is marked ``slow``; ``pytest -n 0 -m slow
tests/test_declared_ranges.py -k <area or id>`` runs a part. The cases the reliability
issue listed run in the default suite.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import multiprocessing
import os
import traceback
import typing
from typing import Any

import annotated_types
import pytest

import engramlab
from conftest import EXPERIMENT_IDS
from engramlab.core import Limits, ParameterError, SimulationError
from engramlab.core.resources import Resources
from engramlab.experiments._registry import module_of

#: Wall-clock budget of one case (s), on a machine shared with other jobs.
CASE_TIMEOUT_S = 120.0
#: A case may cost this many times the quick preset (estimated) before sizes are lowered.
BUDGET_FACTOR = 2.0
#: Memory a case may plan for, whatever the quick preset needs (bytes).
BUDGET_MEMORY_FLOOR = 256 * 2**20

_NUMBER = (int, float)


@dataclasses.dataclass(frozen=True)
class Case:
    """One experiment run with one parameter at one end of its declared range."""

    experiment: str
    field: str
    end: str  # "min" or "max"
    value: Any

    @property
    def name(self) -> str:
        return f"{self.experiment}-{self.field}-{self.end}"


# -- the cases ------------------------------------------------------------------------


def _bounds(metadata: typing.Iterable[Any]) -> dict[str, float]:
    out = {}
    for meta in metadata:
        for key in ("gt", "ge", "lt", "le"):
            if isinstance(meta, getattr(annotated_types, key.capitalize())):
                out[key] = getattr(meta, key)
    return out


def _item_type_and_bounds(annotation: Any) -> tuple[type, dict[str, float]] | None:
    """For ``tuple[Annotated[T, Field(...)], ...]``: T and its bounds."""
    if typing.get_origin(annotation) is not tuple:
        return None
    (item,) = {a for a in typing.get_args(annotation) if a is not Ellipsis}
    if typing.get_origin(item) is typing.Annotated:
        base, *metas = typing.get_args(item)
        flat = [sub for meta in metas for sub in getattr(meta, "metadata", [meta])]
        return base, _bounds(flat)
    return item, {}


def _end_value(kind: type, bounds: dict[str, float], end: str) -> Any | None:
    """The nearest valid value to the declared minimum or maximum (None: unbounded)."""
    if end == "min":
        if "ge" in bounds:
            return kind(bounds["ge"])
        if "gt" in bounds:
            b = bounds["gt"]
            return b + 1 if kind is int else math.nextafter(float(b), math.inf)
    else:
        if "le" in bounds:
            return kind(bounds["le"])
        if "lt" in bounds:
            b = bounds["lt"]
            return b - 1 if kind is int else math.nextafter(float(b), -math.inf)
    return None


def cases_of(experiment_id: str) -> list[Case]:
    """Every (parameter, end) case of one experiment."""
    exp = engramlab.get_experiment(experiment_id)
    quick = exp.params("quick")
    out = []
    for name, info in exp.Params.model_fields.items():
        annotation = info.annotation
        items = _item_type_and_bounds(annotation)
        for end in ("min", "max"):
            if items is not None:
                kind, bounds = items
                if kind not in _NUMBER:
                    continue
                value = _end_value(kind, bounds, end)
                if value is None:
                    continue
                base = list(getattr(quick, name))
                pick = (min if end == "min" else max)(range(len(base)),
                                                      key=lambda i, b=base: b[i])
                base[pick] = value
                out.append(Case(experiment_id, name, end, tuple(base)))
            elif annotation in _NUMBER and annotation is not bool:
                value = _end_value(annotation, _bounds(info.metadata), end)
                if value is not None:
                    out.append(Case(experiment_id, name, end, value))
    return out


ALL_CASES = [c for exp_id in EXPERIMENT_IDS for c in cases_of(exp_id)]


# -- running one case in its own process ------------------------------------------------


def _minimum(exp: Any, name: str) -> Any | None:
    info = exp.Params.model_fields[name]
    if info.annotation not in _NUMBER:
        return None
    return _end_value(info.annotation, _bounds(info.metadata), "min")


def _budget(exp: Any, quick: Resources) -> Limits:
    return Limits(memory_bytes=max(BUDGET_FACTOR * quick.memory_bytes, BUDGET_MEMORY_FLOOR),
                  steps=max(BUDGET_FACTOR * quick.steps, 1.0),
                  work=max(BUDGET_FACTOR * quick.work, 1.0))


def _fit(exp: Any, case: Case, params: Any) -> tuple[Any, str]:
    """``params`` within the case budget: other sizes lowered if needed ('' or why not)."""
    quick = exp.resources(exp.params("quick"))
    if quick is None:
        return params, ""
    limits = _budget(exp, quick)
    try:
        exp.check_resources(params, limits=limits)
        return params, ""
    except ParameterError:
        pass
    estimate = exp.resources(params)
    lowered = {}
    for name in estimate.drivers:
        low = _minimum(exp, name)
        if name != case.field and low is not None and getattr(params, name) > low:
            lowered[name] = low
    try:
        smaller = params.replace(exp.id, **lowered)
        exp.check_resources(smaller, limits=limits)
    except ParameterError as err:
        return params, f"guarded: over the case budget with {lowered or 'nothing'} lowered ({err})"
    return smaller, ""


def attempt(case: Case) -> dict[str, Any]:
    """Run one case here; what happened, as plain data."""
    from engramlab.runner import run

    exp = engramlab.get_experiment(case.experiment)
    try:
        params = exp.params("quick", **{case.field: case.value})
        params, guarded = _fit(exp, case, params)
        if guarded:
            # Beyond the case budget: the guard must still accept or refuse it cleanly.
            try:
                exp.check_resources(params)
            except ParameterError as err:
                return {"kind": "ParameterError", "message": str(err), "field": err.field}
            return {"kind": "guarded", "message": guarded}
        outcome = run(case.experiment, params=params, seed=0)
        import matplotlib.pyplot as plt

        plt.close(outcome.figure())
        return {"kind": "result", "message": f"{len(outcome.metrics)} metrics"}
    except ParameterError as err:
        return {"kind": "ParameterError", "message": str(err), "field": err.field}
    except SimulationError as err:
        return {"kind": "SimulationError", "message": str(err)}
    except BaseException as err:
        return {"kind": type(err).__name__, "message": traceback.format_exc()}


def _child(case: Case, conn: Any) -> None:
    import warnings

    # The suite's own rule (pyproject): a RuntimeWarning from engramlab is an error.
    warnings.filterwarnings("error", category=RuntimeWarning, module="engramlab.*")
    try:
        conn.send(attempt(case))
    finally:
        conn.close()


#: Threads of the numerical libraries in a case's process: one, so that a fork never
#: copies a busy BLAS thread pool (and cases do not compete for the cores).
_ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                      "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")}


@functools.cache
def _context() -> Any:
    """Processes forked from a server that has imported engramlab once (fast starts),
    not from this process (whose BLAS threads a fork could copy mid-operation)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["engramlab.runner", "matplotlib.pyplot", "test_declared_ranges",
                                *(module_of(i) for i in EXPERIMENT_IDS)])
    return ctx


def run_case(case: Case, timeout_s: float = CASE_TIMEOUT_S) -> dict[str, Any]:
    """:func:`attempt` in a child process; ``kind == 'timeout'`` past ``timeout_s``."""
    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(case, send), daemon=True)
    saved = {k: os.environ.get(k) for k in _ONE_THREAD}
    os.environ.update(_ONE_THREAD)  # read when the server (or a spawned child) starts
    try:
        proc.start()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    send.close()
    try:
        if recv.poll(timeout_s):
            try:
                return recv.recv()
            except EOFError:
                pass
        else:
            return {"kind": "timeout", "message": f"no outcome within {timeout_s:g} s"}
        proc.join(10.0)
        return {"kind": "died", "message": f"the process ended with exit code {proc.exitcode}"}
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()


def check_outcome(case: Case, got: dict[str, Any]) -> None:
    """A result, or one line of ParameterError (naming a user parameter) / SimulationError."""
    kind, message = got["kind"], got["message"]
    where = f"{case.name} ({case.field}={case.value!r})"
    assert kind in ("result", "guarded", "ParameterError", "SimulationError"), (
        f"{where}: {kind}\n{message}")
    if kind in ("ParameterError", "SimulationError"):
        assert "\n" not in message, f"{where}: a {kind} of more than one line: {message}"
    if kind == "ParameterError":
        fields = engramlab.get_experiment(case.experiment).Params.model_fields
        assert got["field"].split("[")[0] in fields, (
            f"{where}: the error names {got['field']!r}, not a parameter of the "
            f"experiment: {message}")


@pytest.mark.slow
@pytest.mark.parametrize("case", ALL_CASES, ids=[c.name for c in ALL_CASES])
def test_declared_minimum_and_maximum_give_a_result_or_a_clear_error(case):
    check_outcome(case, run_case(case))


def test_every_experiment_has_cases():
    by_id = {c.experiment for c in ALL_CASES}
    assert by_id == set(EXPERIMENT_IDS)
    assert len(ALL_CASES) > 400


# -- the cases the reliability issue found, in the default suite --------------------------

#: (experiment, overrides, what must happen: "result" or the parameter the error names).
ISSUE_CASES = [
    ("synapse.transmission", {"e_leak_mv": 0.0}, "e_leak_mv"),
    ("synapse.transmission", {"e_gaba_mv": -60.0}, "e_gaba_mv"),
    ("synapse.nmda-mg-block", {"record_ms": 1.0}, "result"),
    ("synapse.nmda-mg-block", {"glutamate_ms": 1.0}, "result"),
    ("network.brunel2000", {"epsilon": 1.0}, "epsilon"),
    ("network.brunel2000", {"n_exc": 100_000}, "n_exc"),
    ("network.brunel2000", {"j_mv": 1e-300}, "j_mv"),
    ("network.cuba", {"dt_ms": 0.3}, "dt_ms"),
    ("memory.modern-hopfield", {"n_patterns": 10, "cluster_size": 50}, "cluster_size"),
    ("plasticity.ampa-expression", {"read_after_min": 5.0}, "read_after_min"),
]


@pytest.mark.parametrize(("experiment_id", "overrides", "expected"), ISSUE_CASES,
                         ids=[f"{e}-{'-'.join(o)}" for e, o, _ in ISSUE_CASES])
def test_values_the_issue_found_give_a_result_or_a_named_error(experiment_id, overrides,
                                                               expected):
    case = Case(experiment_id, next(iter(overrides)), "issue", overrides)
    got = run_case_overrides(case, overrides)
    if expected == "result":
        assert got["kind"] == "result", got["message"]
    else:
        assert got["kind"] == "ParameterError", got["message"]
        assert got["field"] == expected, got["message"]
        assert "\n" not in got["message"]


def run_case_overrides(case: Case, overrides: dict[str, Any]) -> dict[str, Any]:
    """:func:`attempt` with several overrides, in this process (fast cases only)."""
    from engramlab.runner import run

    exp = engramlab.get_experiment(case.experiment)
    try:
        outcome = run(case.experiment, overrides=overrides, seed=0)
        import matplotlib.pyplot as plt

        plt.close(outcome.figure())
        return {"kind": "result", "message": ""}
    except ParameterError as err:
        assert err.field.split("[")[0] in exp.Params.model_fields, str(err)
        return {"kind": "ParameterError", "message": str(err), "field": err.field}


def test_the_first_generated_cases_run_in_their_own_process():
    """The machinery of the slow sweep (a child process per case) on two fast cases."""
    for case in [c for c in ALL_CASES if c.experiment == "synapse.nmda-mg-block"
                 and c.field in ("record_ms", "glutamate_ms") and c.end == "min"]:
        check_outcome(case, run_case(case))


@pytest.mark.parametrize("experiment_id", EXPERIMENT_IDS)
def test_no_step_size_rate_or_duration_may_be_arbitrarily_small(experiment_id):
    """Every time or frequency parameter has a lower bound with ``ge``; a positive one
    unless zero itself is meaningful (no transient, no tail, no delay, read at once)."""
    zero_is_meaningful = {"transient_ms", "read_after_min", "tail_ms", "gb_delay_ms",
                          "anisomycin_start_s",
                          "cf_slip_hz"}  # climbing-fibre Hz per unit of slip: 0 = blind
    exp = engramlab.get_experiment(experiment_id)
    for name, info in exp.Params.model_fields.items():
        unit = (info.json_schema_extra or {}).get("unit")  # type: ignore[union-attr]
        if unit not in ("ms", "s", "min", "Hz"):
            continue
        items = _item_type_and_bounds(info.annotation)
        bounds = items[1] if items is not None else _bounds(info.metadata)
        assert "gt" not in bounds, f"{name}: a 'gt' bound admits 1e-300 {unit}"
        assert "ge" in bounds, f"{name}: no lower bound"
        if name not in zero_is_meaningful:
            assert bounds["ge"] > 0, f"{name}: lower bound {bounds['ge']} {unit}"
            tiny = (1e-300,) if items is not None else 1e-300
            with pytest.raises(ParameterError) as err:
                exp.params("quick", **{name: tiny})
            assert err.value.field.split("[")[0] == name


@pytest.mark.parametrize("experiment_id", [i for i in EXPERIMENT_IDS if "dt_ms" in
                                           engramlab.get_experiment(i).Params.model_fields])
def test_a_time_step_of_1e_9_ms_is_refused(experiment_id):
    with pytest.raises(ParameterError, match="dt_ms") as err:
        engramlab.get_experiment(experiment_id).params("quick", dt_ms=1e-9)
    assert err.value.field == "dt_ms"


# -- the resource guard -------------------------------------------------------------------


class _Ran(Exception):
    """Raised by a patched ``run``: the guard let the run through."""


def test_a_network_too_large_for_the_machine_is_refused_before_any_work(monkeypatch):
    from engramlab.runner import run

    exp = engramlab.get_experiment("network.brunel2000")

    def no_work(*args: Any, **kwargs: Any) -> Any:
        raise _Ran

    monkeypatch.setattr(type(exp), "run", no_work)
    with pytest.raises(ParameterError) as err:
        run("network.brunel2000", overrides={"n_exc": 100_000})
    text = str(err.value)
    assert err.value.field == "n_exc"
    assert "\n" not in text
    for word in ("network.brunel2000", "n_exc=100000", "epsilon=", "GiB", "available",
                 "--allow-large", "synapses"):
        assert word in text, (word, text)
    with pytest.raises(_Ran):  # allow_large: the guard steps aside
        run("network.brunel2000", overrides={"n_exc": 100_000}, allow_large=True)


def test_the_guard_names_the_parameter_that_grew(monkeypatch):
    """The error names the driver whose default lowers the estimate most."""
    from engramlab.core import Limits

    exp = engramlab.get_experiment("synapse.nmda-mg-block")
    small = Limits(memory_bytes=1e12, steps=1e5, work=1e12)
    with pytest.raises(ParameterError) as err:
        exp.check_resources(exp.params("quick", dt_ms=1e-3), limits=small)
    assert err.value.field == "dt_ms"
    assert "raise dt_ms" in str(err.value)
    with pytest.raises(ParameterError) as err:
        exp.check_resources(exp.params("quick", record_ms=20_000.0), limits=small)
    assert err.value.field == "record_ms"
    assert "lower record_ms" in str(err.value)


@pytest.mark.parametrize("experiment_id", EXPERIMENT_IDS)
def test_every_preset_passes_the_guard(experiment_id):
    """The stated limits leave every quick and full preset far inside them."""
    from engramlab.core import Limits
    from engramlab.core.resources import MAX_STEPS, MAX_WORK

    exp = engramlab.get_experiment(experiment_id)
    for preset in ("quick", "full"):
        estimate = exp.resources(exp.params(preset))
        assert estimate is not None, "every experiment estimates its resources"
        assert set(estimate.drivers) <= set(exp.Params.model_fields)
        # a tenth of the limits and 8 GiB: the presets run on a laptop
        exp.check_resources(exp.params(preset), limits=Limits(
            memory_bytes=8 * 2**30, steps=MAX_STEPS / 10, work=MAX_WORK / 10))


def test_available_memory_is_read_from_the_machine():
    from engramlab.core.resources import available_memory_bytes, format_bytes

    avail = available_memory_bytes()
    assert avail is None or avail > 0
    assert format_bytes(37.3 * 2**30) == "37.3 GiB"
    assert format_bytes(512) == "512 B"


def test_cli_refuses_a_huge_run_in_one_line_and_allow_large_lets_it_through(
        cli, tmp_path, monkeypatch):
    exp = engramlab.get_experiment("network.brunel2000")
    res = cli("run", "network.brunel2000", "--set", "n_exc=100000", "--out", str(tmp_path))
    assert res.returncode == 2
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    assert "n_exc" in lines[0] and "--allow-large" in lines[0]

    def sentinel(*args: Any, **kwargs: Any) -> Any:
        raise SimulationError("sentinel", 0, "reached the run")

    monkeypatch.setattr(type(exp), "run", sentinel)
    res = cli("run", "network.brunel2000", "--set", "n_exc=100000", "--allow-large",
              "--out", str(tmp_path))
    assert res.returncode == 2 and "reached the run" in res.stderr, res.stderr


def test_cli_validate_takes_allow_large(cli, tmp_path):
    res = cli("validate", "--only", "hopfield.seed-demo", "--allow-large", "--out",
              str(tmp_path / "v"))
    assert res.returncode in (0, 1), res.stderr
