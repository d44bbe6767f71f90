"""Result directories are transactions: complete (a valid manifest) or absent, never shared.

Fault injection with real processes, placed deterministically: ``ENGRAMLAB_TEST_PAUSE=
STAGE@DIR`` (engramlab.core.io._pause_point) makes a process write ``DIR/STAGE.<pid>`` at a
known point of its save and wait there for ``DIR/go``; the test then releases it together
with a concurrent process, or SIGKILLs it. No sleep races: every wait is for a file, and
the deadlines only bound a broken test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CliResult
from engramlab import runner
from engramlab.core import ParameterError
from engramlab.core import io as fileio
from engramlab.core.manifest import MANIFEST, incomplete_reason, read_manifest

pytestmark = pytest.mark.faults

FAST = "hopfield.seed-demo"
#: Only bounds a broken test (a process that never reaches its pause point).
DEADLINE_S = 300


_STARTED: list[subprocess.Popen[str]] = []


def start(*args: str, pause: str | None = None, barrier: Path | None = None,
          cwd: Path | None = None) -> subprocess.Popen[str]:
    """The real program in a subprocess, paused at ``pause`` if given."""
    env = dict(os.environ)
    env.pop("ENGRAMLAB_TEST_PAUSE", None)
    if pause:
        env["ENGRAMLAB_TEST_PAUSE"] = f"{pause}@{barrier}"
    proc = subprocess.Popen([sys.executable, "-m", "engramlab", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _STARTED.append(proc)
    return proc


@pytest.fixture(autouse=True)
def _no_process_left() -> Iterator[None]:
    """A failed test leaves no paused process behind."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def wait_paused(barrier: Path, stage: str, procs: list[subprocess.Popen[str]]) -> None:
    """Wait until every process in ``procs`` has reached ``stage`` (its marker file)."""
    deadline = time.monotonic() + DEADLINE_S
    while len(list(barrier.glob(f"{stage}.*"))) < len(procs):
        for p in procs:
            if p.poll() is not None:
                _, err = p.communicate()
                pytest.fail(f"exited ({p.returncode}) before {stage!r}: {err}")
        assert time.monotonic() < deadline, f"no process reached {stage!r}"
        time.sleep(0.02)


def finish(proc: subprocess.Popen[str]) -> CliResult:
    out, err = proc.communicate(timeout=DEADLINE_S)
    return CliResult(proc.returncode, out, err)


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=DEADLINE_S)
    assert proc.returncode == -signal.SIGKILL


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def barrier(tmp_path: Path) -> Path:
    folder = tmp_path / "barrier"
    folder.mkdir()
    return folder


@pytest.fixture
def no_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any computation fails the test: the output must be refused before it."""
    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("the experiment ran before its output location was checked")

    monkeypatch.setattr(runner, "run", boom)


def one_line_error(res: CliResult, *words: str) -> str:
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ")
    for w in words:
        assert w in lines[0], lines[0]
    assert res.stdout == ""
    return lines[0]


# -- concurrency: two processes, one --out ------------------------------------------------


def test_concurrent_runs_into_one_out_get_two_directories(tmp_path, barrier):
    out = tmp_path / "D"
    procs = [start("run", FAST, "--json", "--seed", str(seed), "--out", str(out),
                   pause="install", barrier=barrier) for seed in (0, 1)]
    wait_paused(barrier, "install", procs)  # both complete in their temporaries
    (barrier / "go").touch()  # both claim at once
    results = [finish(p) for p in procs]
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    folders = [Path(json.loads(r.stdout)["files"]["data"]).parent for r in results]
    assert sorted(folders) == [out / FAST, out / f"{FAST}-2"]
    for seed, folder, res in zip((0, 1), folders, results, strict=True):
        assert incomplete_reason(folder) is None
        assert read_manifest(folder)["seed"] == seed  # each its own result
        assert str(folder) in res.stdout
    assert hidden(out) == []


def test_concurrent_validates_into_one_out_get_two_roots(tmp_path, barrier):
    out = tmp_path / "V"
    procs = [start("validate", "--only", FAST, "--json", "--out", str(out),
                   pause="claim", barrier=barrier) for _ in range(2)]
    wait_paused(barrier, "claim", procs)
    (barrier / "go").touch()
    results = [finish(p) for p in procs]
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    reports = sorted(Path(json.loads(r.stdout)["report"]) for r in results)
    assert reports == [out / "report.html", tmp_path / "V-2" / "report.html"]
    for report in reports:
        manifest = read_manifest(report.parent)  # raises unless complete
        assert manifest["kind"] == "validate" and manifest["experiments"] == [FAST]
        assert f"{FAST}/{MANIFEST}" in manifest["files"]
        assert incomplete_reason(report.parent / FAST) is None


def test_a_killed_validates_root_is_kept_and_named(tmp_path, barrier, cli):
    """A validate killed after its claim leaves its root (the complete results inside are
    worth having): never reused, and the next validate says why it writes elsewhere."""
    out = tmp_path / "V"
    proc = start("validate", "--only", FAST, "--out", str(out), pause="save",
                 barrier=barrier)
    wait_paused(barrier, "save", [proc])  # the root claimed, its experiment half saved
    kill(proc)
    res = cli("validate", "--only", FAST, "--json", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert (f"note: {out} is the unfinished result of a killed run (process {proc.pid}); "
            "left as is, writing to the next free name") in res.stderr
    assert json.loads(res.stdout)["report"] == str(tmp_path / "V-2" / "report.html")
    assert incomplete_reason(out) is not None and out.is_dir()


def test_a_running_runs_temporary_is_left_alone(tmp_path, barrier, cli):
    out = tmp_path / "D"
    first = start("run", FAST, "--json", "--out", str(out), pause="save", barrier=barrier)
    wait_paused(barrier, "save", [first])
    (temp,) = hidden(out)
    assert temp.startswith(f".{FAST}.tmp-{first.pid}-")
    res = cli("run", FAST, "--json", "--seed", "1", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "removed" not in res.stderr  # its owner holds its lock: not a leftover
    assert (out / temp).is_dir()
    (barrier / "go").touch()
    done = finish(first)
    assert done.returncode == 0, done.stderr
    assert Path(json.loads(done.stdout)["files"]["data"]).parent == out / f"{FAST}-2"
    assert incomplete_reason(out / FAST) is None
    assert incomplete_reason(out / f"{FAST}-2") is None
    assert hidden(out) == []


# -- SIGKILL during a save --------------------------------------------------------------


# one stage here; the others in CI's fault passes (slow)
@pytest.mark.parametrize("stage", ["save", pytest.param("install", marks=pytest.mark.slow)])
def test_sigkill_during_save_leaves_no_result_and_the_next_run_cleans_up(
        tmp_path, barrier, cli, stage):
    out = tmp_path / "D"
    proc = start("run", FAST, "--out", str(out), pause=stage, barrier=barrier)
    wait_paused(barrier, stage, [proc])
    kill(proc)
    assert not (out / FAST).exists()  # absent, never a mixture
    (leftover,) = hidden(out)
    assert leftover.startswith(f".{FAST}.tmp-{proc.pid}-")

    res = cli("run", FAST, "--json", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert f"note: removed {out / leftover}" in res.stderr
    assert f"killed run (process {proc.pid})" in res.stderr
    assert json.loads(res.stdout)["files"]["data"] == str(out / FAST / "data.nc")
    assert incomplete_reason(out / FAST) is None
    assert hidden(out) == []


# one stage here; the others in CI's fault passes (slow)
@pytest.mark.parametrize("stage", ["swap", pytest.param("save", marks=pytest.mark.slow),
                                   pytest.param("install", marks=pytest.mark.slow)])
def test_force_killed_mid_save_keeps_the_old_result_whole(tmp_path, barrier, cli, stage):
    out = tmp_path / "D"
    assert cli("run", FAST, "--seed", "3", "--out", str(out)).returncode == 0
    old = {p.name: p.read_bytes() for p in (out / FAST).iterdir()}

    proc = start("run", FAST, "--seed", "4", "--force", "--out", str(out), pause=stage,
                 barrier=barrier)
    wait_paused(barrier, stage, [proc])
    kill(proc)
    if stage == "swap":  # killed between its two renames: the old one aside, whole
        assert not (out / FAST).exists()
    else:
        assert {p.name: p.read_bytes() for p in (out / FAST).iterdir()} == old
    assert hidden(out)  # the leftovers of the killed run

    res = cli("run", FAST, "--json", "--seed", "5", "--out", str(out))
    assert res.returncode == 0, res.stderr
    if stage == "swap":
        assert f"note: restored {out / FAST}" in res.stderr
    assert "killed run" in res.stderr or "killed --force run" in res.stderr
    # The old result is back, whole; the new run went beside it.
    assert {p.name: p.read_bytes() for p in (out / FAST).iterdir()} == old
    assert read_manifest(out / FAST)["seed"] == 3
    assert json.loads(res.stdout)["files"]["data"] == str(out / f"{FAST}-2" / "data.nc")
    assert hidden(out) == []


def test_force_replaces_a_result_whole(tmp_path, cli):
    out = tmp_path / "D"
    assert cli("run", FAST, "--seed", "3", "--out", str(out)).returncode == 0
    res = cli("run", FAST, "--json", "--seed", "4", "--force", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert read_manifest(out / FAST)["seed"] == 4
    assert json.loads((out / FAST / "params.json").read_text())["seed"] == 4
    assert hidden(out) == [] and not (out / f"{FAST}-2").exists()


def test_force_validate_replaces_the_root_whole(tmp_path, cli):
    out = tmp_path / "V"
    assert cli("validate", "--only", FAST, "--seed", "3", "--out", str(out)).returncode == 0
    res = cli("validate", "--only", FAST, "--json", "--seed", "4", "--force", "--out",
              str(out))
    assert res.returncode == 0, res.stderr
    body = json.loads(res.stdout)
    assert body["report"] == str(out / "report.html")
    assert body["experiments"][0]["files"]["data"] == str(out / FAST / "data.nc")
    assert read_manifest(out)["seed"] == 4 and read_manifest(out / FAST)["seed"] == 4
    assert hidden(tmp_path) == [] and not (tmp_path / "V-2").exists()


# -- what is a result --------------------------------------------------------------------


def test_a_directory_without_a_valid_manifest_is_never_reused(tmp_path, cli):
    out = tmp_path / "D"
    stray = out / FAST
    stray.mkdir(parents=True)
    (stray / "data.nc").write_bytes(b"half a run")  # e.g. an older version's mixture
    res = cli("run", FAST, "--json", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["files"]["data"] == str(out / f"{FAST}-2" / "data.nc")
    assert f"{stray} is not a complete result (no {MANIFEST}" in res.stderr
    assert (stray / "data.nc").read_bytes() == b"half a run"  # left as is


def test_an_empty_directory_is_claimed(tmp_path, cli):
    """Documented choice: an empty directory (``mkdir out`` first) is used as is."""
    out = tmp_path / "V"
    out.mkdir()
    res = cli("validate", "--only", FAST, "--json", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["report"] == str(out / "report.html")
    assert incomplete_reason(out) is None


def test_manifest_detects_changed_missing_and_extra_files(tmp_path, cli):
    out = tmp_path / "D"
    assert cli("run", FAST, "--out", str(out)).returncode == 0
    folder = out / FAST
    body = read_manifest(folder)
    assert set(body["files"]) == {"data.nc", "figure.png", "params.json", "metrics.json"}
    assert body["experiment"] == FAST and body["seed"] == 0 and body["preset"] == "quick"
    assert body["params"] == json.loads((folder / "params.json").read_text())["params"]

    params = (folder / "params.json").read_bytes()
    (folder / "params.json").write_bytes(params.replace(b'"seed": 0', b'"seed": 4'))
    assert "params.json has another" in incomplete_reason(folder)
    (folder / "params.json").write_bytes(params)
    assert incomplete_reason(folder) is None
    (folder / "extra.txt").write_text("x")
    assert "extra.txt is not in" in incomplete_reason(folder)
    (folder / "extra.txt").unlink()
    (folder / "figure.png").unlink()
    assert incomplete_reason(folder) == "figure.png is missing"
    (folder / MANIFEST).write_text("{")
    assert "unreadable" in incomplete_reason(folder)
    with pytest.raises(ParameterError, match="not a complete result"):
        read_manifest(folder)


# -- the output location, checked before any work --------------------------------------


def _bad_outs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    afile = tmp_path / "afile"
    afile.write_text("not a directory")
    cases = {"file": (afile, "is a file"), "file parent": (afile / "sub", "a parent is a file")}
    if Path("/proc/self").is_dir():  # Linux: a directory where writing fails, even as root
        cases["unwritable"] = (Path("/proc"), "is not writable")
        cases["uncreatable parent"] = (Path("/proc/engramlab-no/such"), "cannot be created")
    return cases


@pytest.mark.parametrize("command", ["run", "validate"])
@pytest.mark.parametrize("case", ["file", "file parent", "unwritable", "uncreatable parent"])
def test_bad_output_location_is_one_line_exit_2_before_any_work(tmp_path, cli, no_run,
                                                                 command, case):
    cases = _bad_outs(tmp_path)
    if case not in cases:
        pytest.skip("needs Linux /proc, a directory where writing fails even for root")
    out, words = cases[case]
    args = ("run", FAST) if command == "run" else ("validate", "--only", FAST)
    res = cli(*args, "--out", str(out))
    one_line_error(res, "'out'", words, str(out))
    assert not list(tmp_path.glob("afile-*")) and not Path("/proc-2").exists()


@pytest.mark.parametrize("command", ["run", "validate"])
def test_read_only_output_directory(tmp_path, cli, no_run, command):
    if os.geteuid() == 0:
        pytest.skip("root ignores permission bits (the /proc case covers a directory "
                    "where writing fails)")
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "old").write_text("x")
    ro.chmod(0o555)
    try:
        args = ("run", FAST) if command == "run" else ("validate", "--only", FAST)
        one_line_error(cli(*args, "--out", str(ro)), "'out'", "is not writable")
    finally:
        ro.chmod(0o755)


def test_run_and_save_checks_out_before_running(tmp_path, no_run):
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(ParameterError) as err:
        runner.run_and_save(FAST, afile)
    assert err.value.field == "out"
    with pytest.raises(ParameterError, match="'out'"):
        runner.validate(FAST, out=afile)


def test_missing_parents_of_out_are_created(tmp_path, cli):
    """Documented choice: like ``mkdir -p``, a missing parent that can be made is made."""
    out = tmp_path / "a" / "b" / "c"
    res = cli("run", FAST, "--json", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert incomplete_reason(out / FAST) is None
    res = cli("validate", "--only", FAST, "--json", "--out", str(tmp_path / "x" / "y"))
    assert res.returncode == 0, res.stderr
    assert incomplete_reason(tmp_path / "x" / "y") is None


def test_check_output_dir_probes_and_names_the_field(tmp_path):
    assert fileio.check_output_dir(tmp_path / "new") == tmp_path / "new"
    assert (tmp_path / "new").is_dir() and list((tmp_path / "new").iterdir()) == []
    (tmp_path / "f").write_text("x")
    with pytest.raises(ParameterError, match="parameter 'sweep_out' must be a directory"):
        fileio.check_output_dir(tmp_path / "f", field="sweep_out")
