"""Core pieces: parameters, seeds, targets, atomic files, result directories."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest

from engramlab.core import EngramlabError, ParameterError, Params, Target, evaluate, param
from engramlab.core import io as fileio
from engramlab.core.rng import check_seed, make_rng, spawn_rngs
from engramlab.runner import claim_directory


class Demo(Params):
    tau_ms: float = param(20.0, unit="ms", gt=0, doc="Membrane time constant.",
                          source="test")
    n: int = param(10, unit="1", ge=1, le=100, doc="Size.", source="test")
    loads: tuple[float, ...] = param((0.1, 0.2), unit="1", gt=0, lt=1, min_length=1,
                                     doc="Loads.", source="test")
    mode: Literal["a", "b"] = param("a", unit="", doc="Mode.", source="test")


@pytest.mark.parametrize(("values", "field", "rule"), [
    ({"tau_ms": 0}, "tau_ms", "must be > 0"),
    ({"n": 101}, "n", "must be <= 100"),
    ({"n": 2.5}, "n", "must be an integer"),
    ({"loads": (0.5, 1.5)}, "loads[1]", "must be < 1"),
    ({"loads": ()}, "loads", "at least 1"),
    ({"mode": "c"}, "mode", "must be one of"),
    ({"tau_ms": float("nan")}, "tau_ms", "finite"),
    ({"bogus": 1}, "bogus", "is unknown"),
])
def test_parameter_errors_name_field_and_rule(values, field, rule):
    with pytest.raises(ParameterError) as err:
        Demo.create("demo", **values)
    assert err.value.field == field
    assert rule in str(err.value)
    assert str(err.value).startswith(f"demo: parameter '{field}'")


def test_from_strings_parses_cli_values():
    p = Demo.from_strings(Demo.create(), {"tau_ms": "5", "loads": "0.3,0.4", "mode": "b"})
    assert p.tau_ms == 5.0 and p.loads == (0.3, 0.4) and p.mode == "b"
    assert Demo.from_strings(Demo.create(), {"loads": "[0.5]"}).loads == (0.5,)
    with pytest.raises(ParameterError, match="unknown"):
        Demo.from_strings(Demo.create(), {"nope": "1"})


def test_describe_reports_units_and_constraints():
    rows = {r.name: r for r in Demo.describe()}
    assert rows["tau_ms"].unit == "ms" and rows["tau_ms"].constraint == "> 0"
    assert rows["n"].constraint == ">= 1, <= 100"
    assert "each > 0" in rows["loads"].constraint and "each < 1" in rows["loads"].constraint
    assert rows["mode"].constraint == "one of 'a', 'b'"


def test_rng_is_reproducible_and_streams_independent():
    np.testing.assert_array_equal(make_rng(1).random(5), make_rng(1).random(5))
    a, b = spawn_rngs(1, 2)
    assert not np.allclose(a.random(5), b.random(5))
    np.testing.assert_array_equal(make_rng(1, 1).random(3), spawn_rngs(1, 2)[1].random(3))
    seq = np.random.SeedSequence(1).spawn(2)[1]
    np.testing.assert_array_equal(make_rng(1, 1).random(3),
                                  np.random.Generator(np.random.PCG64(seq)).random(3))
    for bad in (-1, 1.5, True, "3"):
        with pytest.raises(ParameterError, match="seed"):
            check_seed(bad)


@pytest.mark.parametrize(("compare", "measured", "ok"), [
    ("abs", 1.05, True), ("abs", 1.2, False), ("rel", 1.09, True), ("rel", 0.8, False),
    ("at_least", 0.95, True), ("at_least", 0.8, False), ("at_most", 1.05, True),
    ("at_most", 1.5, False), ("abs", float("nan"), False),
])
def test_target_comparisons(compare, measured, ok):
    t = Target("m", 1.0, 0.1, compare=compare, source="s", reason="r")
    assert t.check(measured).passed is ok


def test_target_requires_source_and_reason_and_metric():
    with pytest.raises(ValueError, match="source"):
        Target("m", 1.0, 0.1, source="", reason="r")
    with pytest.raises(EngramlabError, match="missing"):
        evaluate([Target("m", 1.0, 0.1, source="s", reason="r")], {})


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    path = fileio.write_text(tmp_path / "a.json", "old")

    class Boom(RuntimeError):
        pass

    with pytest.raises(Boom), fileio.atomic_path(path) as tmp:
        tmp.write_text("half-writ")
        raise Boom
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_claim_directory_never_reuses_a_full_directory(tmp_path):
    first = claim_directory(tmp_path / "r", force=False)
    (first / "data.nc").write_text("x")
    second = claim_directory(tmp_path / "r", force=False)
    assert second == tmp_path / "r-2"
    assert claim_directory(tmp_path / "r", force=True) == first
    empty = claim_directory(tmp_path / "r-2", force=False)
    assert empty == second  # still empty: reused
