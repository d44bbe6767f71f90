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
    t = Target("m", 1.0, 0.1, compare=compare, source="s", reason="r", kind="published")
    assert t.check(measured).passed is ok


def test_target_requires_kind_source_reason_and_metric():
    with pytest.raises(ValueError, match="source"):
        Target("m", 1.0, 0.1, source="", reason="r", kind="theory")
    with pytest.raises(ValueError, match="kind must be one of"):
        Target("m", 1.0, 0.1, source="s", reason="r")
    with pytest.raises(ValueError, match="kind must be one of"):
        Target("m", 1.0, 0.1, source="s", reason="r", kind="paper")
    t = Target("m", 1.0, 0.1, source="s", reason="r", kind="theory")
    with pytest.raises(EngramlabError, match="missing"):
        evaluate([t], {})
    with pytest.raises(EngramlabError, match="more than one target of: m"):
        evaluate([t, t], {"m": 1.0})


@pytest.mark.parametrize("compare", ["abs", "rel", "at_least", "at_most"])
def test_nan_never_passes_and_says_so(compare):
    """NaN (an undefined or censored metric) fails every comparison, with its reason."""
    t = Target("m", 1.0, 1e9, compare=compare, source="s", reason="r", kind="published")
    c = t.check(float("nan"))
    assert not c.passed and not c.ok and c.failure == "NaN" and c.verdict == "FAIL (NaN)"


def test_a_value_at_the_edge_of_its_grid_fails():
    """A value read off a grid that sits on the grid's end is censored: it fails even
    inside the tolerance; one step inside passes."""
    t = Target("radius", 0.9, 0.2, source="s", reason="r", kind="theory", grid=(0.0, 0.9))
    assert not t.check(0.9).passed
    assert t.check(0.9).failure == "at the edge of its grid [0, 0.9]"
    assert not t.check(0.0).passed
    assert t.check(0.85).passed and t.check(0.85).verdict == "pass"
    with pytest.raises(ValueError, match="grid"):
        Target("m", 1.0, 0.1, source="s", reason="r", kind="theory", grid=(1.0, 0.0))


def test_a_deviation_is_strict():
    """A declared deviation that still deviates lets the run pass; one that passes is
    stale and fails it (like a strict xfail)."""
    t = Target("m", 1.0, 0.1, source="s", reason="r", kind="published",
               deviation="the model gives 2.0; evidence: tests/test_x.py")
    still = t.check(2.0)
    assert not still.passed and still.ok and still.verdict == "not reproduced"
    stale = t.check(1.0)
    assert stale.passed and stale.stale and not stale.ok
    assert stale.verdict == "FAIL (stale deviation: it passes)"


def test_a_target_the_run_cannot_test_is_listed_not_evaluated():
    t = Target("m", 1.0, 0.1, source="s", reason="r", kind="published",
               not_tested="full preset only: needs 100 s")
    (c,) = evaluate([t], {})  # its metric may be missing
    assert not c.tested and c.ok and not c.passed
    assert c.verdict == "not tested: full preset only: needs 100 s"
    with pytest.raises(EngramlabError, match="no value"):
        Target("m", 1.0, 0.1, source="s", reason="r", kind="theory").check(None)


def test_evidence_kinds():
    checks = [Target(k, 1.0, 0.1, source="s", reason="r", kind=k).check(1.0)
              for k in ("published", "theory", "consistency")]
    assert [c.evidence for c in checks] == [True, True, False]


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
    # Claimed, though still empty: another run may be about to write into it, so it is
    # never handed out twice (two concurrent validates shared a folder that way).
    assert claim_directory(tmp_path / "r-2", force=False) == tmp_path / "r-2-2"


def _outcome(*seeds_checks):
    """A RunOutcome carrying only checks (one list per seed), for its verdict logic."""
    from engramlab.experiments.base import RunOutcome

    first, *more = seeds_checks
    return RunOutcome(None, None, 0, "quick", None, {}, list(first), 0.0,  # type: ignore[arg-type]
                      more_seeds=tuple((k + 1, tuple(c)) for k, c in enumerate(more)))


def _chk(kind, value, **kw):
    return Target("m_" + kind, 1.0, 0.1, source="s", reason="r", kind=kind, **kw).check(value)


def test_run_status_counts_only_published_and_theory_as_reproduction():
    assert _outcome([_chk("published", 1.0), _chk("consistency", 1.0)]).status == "reproduced"
    assert _outcome([_chk("consistency", 1.0)]).status == "demonstration"
    # an untested published check is not evidence either
    assert _outcome([_chk("published", None, not_tested="full preset only"),
                     _chk("consistency", 1.0)]).status == "demonstration"
    dev = _chk("published", 3.0, deviation="declared, with evidence")
    assert _outcome([_chk("theory", 1.0), dev]).status == "reproduced with deviations"
    assert _outcome([_chk("theory", 1.0), _chk("published", 3.0)]).status == "failed"


def test_every_seed_must_pass_and_the_tally_counts_them():
    ok, bad = _chk("theory", 1.0), _chk("theory", 2.0)
    out = _outcome([ok], [ok], [bad])
    assert out.seeds == [0, 1, 2] and not out.passed and out.status == "failed"
    (t,) = out.tally()
    assert (t["seeds"], t["ok"], t["passed"], t["values"]) == (3, 2, 2, [1.0, 1.0, 2.0])
