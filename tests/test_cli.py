"""The CLI contract: exit codes, one-line errors, one JSON object on stdout, files.

The contract is checked in-process (``main(argv)``, the console script's entry point,
with pytest capturing stdout and stderr); one subprocess per command checks the real
program end to end, and one checks what the light commands import.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import engramlab
from conftest import EXPERIMENT_IDS, CliResult, quick_run
from engramlab import cli as cli_module
from engramlab.experiments._registry import index

RUN_KEYS = {"experiment", "seed", "preset", "params", "metrics", "checks", "passed",
            "wall_time_s", "files", "seeds", "evidence", "status"}
CHECK_KEYS = {"name", "value", "target", "tolerance", "passed", "source", "kind",
              "verdict", "tested", "seeds", "deviation", "not_tested", "failure"}
#: The fastest experiment: what the run and validate contracts run.
FAST = "hopfield.seed-demo"


def program(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real program in a subprocess (``python -m engramlab``)."""
    return subprocess.run([sys.executable, "-m", "engramlab", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def assert_one_line_error(res: CliResult, *words: str) -> None:
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    for w in words:
        assert w in lines[0], lines[0]
    assert res.stdout == ""


def first_cells(table_text: str) -> list[str]:
    """The first column of a rich table's body rows (continuation lines give '')."""
    return [m.group(1).strip() for m in re.finditer(r"^│ ([^│]*)│", table_text, re.M)]


# -- the light commands -----------------------------------------------------------------

#: What --version, --help, list, show and catalogue must not import.
HEAVY = ("scipy", "matplotlib", "xarray", "numba", "dask", "distributed", "h5py", "h5netcdf")

_PROBE = """
import json, sys
from engramlab.cli import main
seen = []
for argv in json.loads(sys.argv[1]):
    try:
        main(argv)
    except SystemExit as exc:
        code = exc.code
    seen.append([argv, code, sorted(sys.modules)])
json.dump(seen, open(sys.argv[2], "w"))
"""


def test_light_commands_import_no_experiment_and_no_heavy_library(tmp_path):
    """In a fresh interpreter, one command after another: the modules loaded after each
    (cumulative, so each command's own imports are bounded too)."""
    commands = [["--version"], ["--help"], ["list"], ["list", "--json"],
                ["show", "hopfield.recall"], ["show", "hopfield.recall", "--json"],
                ["catalogue"]]
    record = tmp_path / "modules.json"
    proc = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(commands), str(record)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "hopfield.recall" in proc.stdout and "Usage" in proc.stdout
    for argv, code, modules in json.loads(record.read_text()):
        assert code in (0, None), (argv, code)
        roots = {m.split(".")[0] for m in modules}
        assert not roots & set(HEAVY), (argv, sorted(roots & set(HEAVY)))
        experiments = [m for m in modules if m.startswith("engramlab.experiments.")
                       and m.count(".") >= 3]
        assert not experiments, (argv, experiments)
        assert "engramlab.runner" not in modules and "engramlab.plotting" not in modules


def test_version(cli):
    res = cli("--version")
    assert res.returncode == 0
    assert res.stdout.strip() == f"engramlab {engramlab.__version__}"


def test_version_program():
    """The smoke test of the real program (``python -m engramlab``)."""
    proc = program("--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"engramlab {engramlab.__version__}"


def test_bare_command_prints_help_without_an_error(cli):
    res = cli()
    assert res.returncode == 0
    assert "Usage" in res.stdout and "list" in res.stdout
    assert "error" not in res.stderr.lower() and res.stderr.strip() == ""


def test_help_lists_every_command(cli):
    res = cli("--help")
    assert res.returncode == 0
    for command in ("list", "show", "run", "validate", "sweep", "compile", "catalogue"):
        assert command in res.stdout


def test_list_json(cli):
    res = cli("list", "--json")
    assert res.returncode == 0
    body = json.loads(res.stdout)
    ids = [e["id"] for e in body["experiments"]]
    assert {"hopfield.seed-demo", "hopfield.recall"} <= set(ids)
    assert ids == EXPERIMENT_IDS
    assert all({"id", "title", "chapter"} == set(e) for e in body["experiments"])
    assert all(e["title"] == index()[e["id"]]["title"] for e in body["experiments"])


def test_list_table_never_cuts_an_id_at_80_columns(cli):
    res = cli("list")
    assert res.returncode == 0
    assert max(len(line) for line in res.stdout.splitlines()) <= 80
    assert [c for c in first_cells(res.stdout) if c and c != "id"] == EXPERIMENT_IDS


def test_show_lists_units_constraints_sources(cli):
    res = cli("show", "hopfield.recall")
    assert res.returncode == 0
    for word in ("n_neurons", "load", "> 0", "Amit"):
        assert word in res.stdout
    body = json.loads(cli("show", "hopfield.recall", "--json").stdout)
    load = next(p for p in body["params"] if p["name"] == "load")
    assert load["unit"] == "1" and "each > 0" in load["constraint"] and load["source"]
    assert body["targets_quick"] and all(t["source"] for t in body["targets_quick"])


def test_show_json_is_what_the_experiment_declares(cli):
    """show reads the index; the index says what the package says (tested in test_common)."""
    exp = engramlab.get_experiment("hopfield.recall")
    body = json.loads(cli("show", "hopfield.recall", "--json").stdout)
    assert [p["name"] for p in body["params"]] == list(exp.Params.model_fields)
    assert [t["metric"] for t in body["targets_quick"]] == [
        t.metric for t in exp.targets(exp.params("quick"))]


def test_show_tables_never_cut_a_parameter_name_at_80_columns(cli):
    for exp_id in EXPERIMENT_IDS:
        res = cli("show", exp_id)
        assert res.returncode == 0, exp_id
        tables = res.stdout.split("\n", 2)[2]  # after the header line and the summary
        assert max(len(line) for line in tables.splitlines()) <= 80, exp_id
        names = [p["name"] for p in index()[exp_id]["params"]]
        cells = [c for c in first_cells(tables) if c and c != "name"]
        assert cells == names + names, exp_id  # the values table, then the meanings


def test_catalogue_prints_the_generated_markdown(cli):
    from engramlab.experiments.catalogue import catalogue_markdown

    res = cli("catalogue")
    assert res.returncode == 0 and res.stdout == catalogue_markdown()


def test_compile_warms_the_network_loop(cli):
    res = cli("compile", "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["seconds"] >= 0


def test_compile_program():
    """The smoke test of the real program: the loop comes from the cache (or is compiled)."""
    proc = program("compile")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("network loop ready")


def test_cli_default_out_is_the_runners():
    from engramlab.runner import DEFAULT_OUT

    assert cli_module.DEFAULT_OUT == DEFAULT_OUT


# -- run ---------------------------------------------------------------------------------


def test_run_json_contract_and_files(cli, tmp_path):
    res = cli("run", FAST, "--json", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    body = json.loads(res.stdout)  # stdout holds exactly one JSON object
    assert set(body) == RUN_KEYS
    assert body["experiment"] == FAST and body["passed"] is True
    assert body["preset"] == "quick" and body["seed"] == 0
    assert all(CHECK_KEYS <= set(c) for c in body["checks"])
    assert all(isinstance(v, (int, float)) for v in body["metrics"].values())
    folder = tmp_path / FAST
    for name in ("data.nc", "figure.png", "params.json", "metrics.json"):
        assert (folder / name).stat().st_size > 0
    assert body["files"]["data"] == str(folder / "data.nc")
    assert not list(folder.glob(".*.tmp")), "temporary files left behind"

    # A second run never overwrites the first silently ...
    first = (folder / "metrics.json").read_bytes()
    again = cli("run", FAST, "--json", "--out", str(tmp_path), "--seed", "3")
    assert again.returncode == 0
    assert json.loads(again.stdout)["files"]["data"] == str(
        tmp_path / f"{FAST}-2" / "data.nc")
    assert "already holds results" in again.stderr
    assert (folder / "metrics.json").read_bytes() == first
    # ... unless asked to.
    forced = cli("run", FAST, "--json", "--out", str(tmp_path), "--seed", "3", "--force")
    assert json.loads(forced.stdout)["files"]["data"] == str(folder / "data.nc")
    assert json.loads((folder / "params.json").read_text())["seed"] == 3


def test_run_table_output(cli, tmp_path):
    res = cli("run", FAST, "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    assert f"{FAST}: reproduced" in res.stdout
    table = [line for line in res.stdout.splitlines() if line[:1] in "┏┃┡│└"]
    assert table and max(len(line) for line in table) <= 80
    names = [c.name for c in quick_run(FAST).checks]
    assert [c for c in first_cells(res.stdout) if c and c != "check"] == names


def test_run_program(tmp_path):
    """The smoke test of the real program: a run, its JSON and its files."""
    proc = program("run", FAST, "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    assert body["passed"] is True
    assert (tmp_path / body["files"]["figure"]).stat().st_size > 0


def test_run_set_and_failed_check_exits_1(cli, tmp_path):
    # One sweep is too few for the unseen pattern to settle: the convergence check fails.
    res = cli("run", FAST, "--set", "max_sweeps=1", "--json", "--out", str(tmp_path))
    assert res.returncode == 1, res.stderr
    body = json.loads(res.stdout)
    assert body["params"]["max_sweeps"] == 1 and body["passed"] is False
    failed = {c["name"] for c in body["checks"] if not c["passed"]}
    assert "all_converged" in failed


def test_run_seeds_counts_passes_per_check(cli, tmp_path):
    """--seeds K: K seeds of a stochastic experiment, per check a pass count."""
    res = cli("run", FAST, "--seeds", "3", "--json", "--out", str(tmp_path))
    assert res.returncode == 0, res.stderr
    body = json.loads(res.stdout)
    k = 3 if engramlab.get_experiment(FAST).stochastic else 1
    assert body["seeds"] == list(range(k))
    for c in body["checks"]:
        assert c["seeds"]["run"] == k and c["seeds"]["ok"] == k
        assert len(c["seeds"]["values"]) == k
        assert c["kind"] in ("published", "theory", "consistency")
    assert sum(body["evidence"][kind] for kind in ("published", "theory")) >= 1


@pytest.mark.parametrize(("args", "words"), [
    (("run", "no.such"), ("no.such",)),
    (("run", "hopfield.recal"), ("hopfield.recall",)),  # closest id suggested
    (("run", "hopfield.recall", "--set", "load=-1"), ("load", "> 0")),
    (("run", "hopfield.recall", "--set", "n_neurons=many"), ("n_neurons", "integer")),
    (("run", "hopfield.recall", "--set", "colour=red"), ("colour", "unknown")),
    (("run", "hopfield.recall", "--set", "load"), ("NAME=VALUE",)),
    (("run", "hopfield.recall", "--set", "dynamics=chaotic"), ("dynamics", "one of")),
    (("run", "hopfield.recall", "--seed", "-1"), ("seed",)),
    (("run", "hopfield.recall", "--seeds", "0"), ("--seeds", ">= 1")),
    (("validate", "--seeds", "0"), ("--seeds", ">= 1")),
    (("run", "hopfield.recall", "--no-such-option"), ("--no-such-option",)),
    (("run", "hopfield.recall", "--backend", "no-such-backend"), ("no-such-backend",)),
    (("show", "nope"), ("nope",)),
    (("show", "hopfield.recal"), ("hopfield.recall",)),
    (("validate", "--only", "zzz.*"), ("only", "zzz.*")),
    (("no-such-command",), ("no-such-command",)),
])
def test_bad_input_exits_2_with_one_line(cli, args, words, tmp_path):
    res = cli(*args, "--out", str(tmp_path)) if args[0] in ("run", "validate") else cli(*args)
    assert_one_line_error(res, *words)
    assert not any(tmp_path.iterdir()), "bad input wrote files"


def test_bad_input_program(tmp_path):
    """The smoke test of an error from the real program: one line, status 2."""
    proc = program("run", "hopfield.recal", "--out", str(tmp_path))
    assert_one_line_error(CliResult(proc.returncode, proc.stdout, proc.stderr), "hopfield.recall")


# -- validate ----------------------------------------------------------------------------


def test_validate_json_contract(cli, tmp_path):
    res = cli("validate", "--only", "hopfield.seed*", "--json", "--out", str(tmp_path / "res"))
    assert res.returncode == 0, res.stderr
    body = json.loads(res.stdout)
    assert set(body) == {"experiments", "headline", "passed", "failed", "report"}
    assert body["headline"] == {"reproduced": 1, "reproduced with deviations": 0,
                                "demonstration": 0, "failed": 0}
    ids = [e["experiment"] for e in body["experiments"]]
    assert ids == [FAST]  # --only selects by glob
    assert body["passed"] == 1 and body["failed"] == 0
    assert all(set(e) == RUN_KEYS for e in body["experiments"])
    assert body["report"] == str(tmp_path / "res" / "report.html")
    assert Path(body["report"]).stat().st_size > 10_000
    assert json.loads((tmp_path / "res" / "summary.json").read_text())["passed"] == 1
    assert (tmp_path / "res" / FAST / "figure.png").stat().st_size > 0


def test_validate_program(tmp_path):
    """The smoke test of the real program, as the README runs it (in an empty directory,
    results under ./engramlab-results), on one experiment."""
    proc = program("validate", "--only", FAST, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "1 reproduced, 0 reproduced with deviations, 0 demonstration, 0 failed" in (
        proc.stdout)
    assert (tmp_path / "engramlab-results" / "report.html").stat().st_size > 10_000


def test_an_out_path_that_looks_like_markup_is_printed_as_written(cli, tmp_path):
    out = tmp_path / "a[/b]" / "[bold]c"
    result = cli("run", FAST, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"results in {out / FAST}" in " ".join(result.stdout.split())
