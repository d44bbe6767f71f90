"""The CLI contract: exit codes, one-line errors, one JSON object on stdout, files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import engramlab

RUN_KEYS = {"experiment", "seed", "preset", "params", "metrics", "checks", "passed",
            "wall_time_s", "files"}
CHECK_KEYS = {"name", "value", "target", "tolerance", "passed", "source"}


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engramlab", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    for w in words:
        assert w in lines[0], lines[0]
    assert proc.stdout == ""


def test_version():
    proc = cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"engramlab {engramlab.__version__}"


def test_list_json():
    proc = cli("list", "--json")
    assert proc.returncode == 0
    body = json.loads(proc.stdout)
    ids = {e["id"] for e in body["experiments"]}
    assert {"hopfield.seed-demo", "hopfield.recall"} <= ids
    assert all({"id", "title", "chapter"} == set(e) for e in body["experiments"])


def test_show_lists_units_constraints_sources():
    proc = cli("show", "hopfield.recall")
    assert proc.returncode == 0
    for word in ("n_neurons", "load", "> 0", "Amit"):
        assert word in proc.stdout
    body = json.loads(cli("show", "hopfield.recall", "--json").stdout)
    load = next(p for p in body["params"] if p["name"] == "load")
    assert load["unit"] == "1" and "each > 0" in load["constraint"] and load["source"]


def test_run_json_contract_and_files(tmp_path):
    proc = cli("run", "hopfield.seed-demo", "--json", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)  # stdout holds exactly one JSON object
    assert set(body) == RUN_KEYS
    assert body["experiment"] == "hopfield.seed-demo" and body["passed"] is True
    assert body["preset"] == "quick" and body["seed"] == 0
    assert all(CHECK_KEYS <= set(c) for c in body["checks"])
    assert all(isinstance(v, (int, float)) for v in body["metrics"].values())
    folder = tmp_path / "hopfield.seed-demo"
    for name in ("data.nc", "figure.png", "params.json", "metrics.json"):
        assert (folder / name).stat().st_size > 0
    assert body["files"]["data"] == str(folder / "data.nc")
    assert not list(folder.glob(".*.tmp")), "temporary files left behind"

    # A second run never overwrites the first silently ...
    first = (folder / "metrics.json").read_bytes()
    again = cli("run", "hopfield.seed-demo", "--json", "--out", str(tmp_path), "--seed", "3")
    assert again.returncode == 0
    assert json.loads(again.stdout)["files"]["data"] == str(
        tmp_path / "hopfield.seed-demo-2" / "data.nc")
    assert "already holds results" in again.stderr
    assert (folder / "metrics.json").read_bytes() == first
    # ... unless asked to.
    forced = cli("run", "hopfield.seed-demo", "--json", "--out", str(tmp_path), "--seed", "3",
                 "--force")
    assert json.loads(forced.stdout)["files"]["data"] == str(folder / "data.nc")
    assert json.loads((folder / "params.json").read_text())["seed"] == 3


def test_run_set_and_failed_check_exits_1(tmp_path):
    # One sweep is too few for the unseen pattern to settle: the convergence check fails.
    proc = cli("run", "hopfield.seed-demo", "--set", "max_sweeps=1", "--json",
               "--out", str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    body = json.loads(proc.stdout)
    assert body["params"]["max_sweeps"] == 1 and body["passed"] is False
    failed = {c["name"] for c in body["checks"] if not c["passed"]}
    assert "all_converged" in failed


@pytest.mark.parametrize(("args", "words"), [
    (("run", "no.such"), ("no.such",)),
    (("run", "hopfield.recal"), ("hopfield.recall",)),  # closest id suggested
    (("run", "hopfield.recall", "--set", "load=-1"), ("load", "> 0")),
    (("run", "hopfield.recall", "--set", "n_neurons=many"), ("n_neurons", "integer")),
    (("run", "hopfield.recall", "--set", "colour=red"), ("colour", "unknown")),
    (("run", "hopfield.recall", "--set", "load"), ("NAME=VALUE",)),
    (("run", "hopfield.recall", "--set", "dynamics=chaotic"), ("dynamics", "one of")),
    (("run", "hopfield.recall", "--seed", "-1"), ("seed",)),
    (("run", "hopfield.recall", "--no-such-option"), ("--no-such-option",)),
    (("show", "nope"), ("nope",)),
    (("validate", "--only", "zzz.*"), ("only", "zzz.*")),
])
def test_bad_input_exits_2_with_one_line(args, words, tmp_path):
    proc = cli(*args, "--out", str(tmp_path)) if args[0] != "show" else cli(*args)
    assert_one_line_error(proc, *words)
    assert not any(tmp_path.iterdir()), "bad input wrote files"


def test_validate_json_contract(tmp_path):
    proc = cli("validate", "--json", "--out", str(tmp_path / "res"))
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    assert set(body) == {"experiments", "passed", "failed", "report"}
    ids = [e["experiment"] for e in body["experiments"]]
    assert set(ids) == {e.id for e in engramlab.list_experiments()}
    assert body["passed"] == len(ids) and body["failed"] == 0
    assert all(set(e) == RUN_KEYS for e in body["experiments"])
    assert body["report"] == str(tmp_path / "res" / "report.html")
    assert Path(body["report"]).stat().st_size > 10_000
    assert json.loads((tmp_path / "res" / "summary.json").read_text())["passed"] == len(ids)


def test_validate_only_glob(tmp_path):
    proc = cli("validate", "--only", "hopfield.seed*", "--json", "--out", str(tmp_path))
    body = json.loads(proc.stdout)
    assert [e["experiment"] for e in body["experiments"]] == ["hopfield.seed-demo"]
