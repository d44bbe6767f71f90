"""The ``engramlab`` command line: list, show, run, validate, catalogue.

Bad input (unknown id, unknown or invalid parameter, bad option) prints one line on
stderr and exits with status 2, never a traceback. ``--json`` puts exactly one JSON
object on stdout; progress and notes go to stderr.

Exit status: 0 every check passed, 1 some check failed, 2 bad input.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import engramlab
from engramlab.core import EngramlabError, ParameterError, check_seed, get_namespace
from engramlab.experiments import Experiment, get_experiment, list_experiments
from engramlab.runner import DEFAULT_OUT, resolve_params, run_and_save, validate

__all__ = ["app", "main"]

app = typer.Typer(
    name="engramlab",
    help="A laboratory for the neural circuits of learning and memory: run experiments "
         "that reproduce published results, and check them.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
INTERRUPTED = 130

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Directory for results.")]
FullOpt = Annotated[bool, typer.Option("--full", help="Paper-scale preset (slow).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing result.")]


def _version(value: bool) -> None:
    if value:
        stdout.print(f"engramlab {engramlab.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """engramlab: learning and memory, from synapses to circuits."""


def _emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, allow_nan=False) + "\n")


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Progress]:
    progress = Progress(TextColumn("{task.description}"), BarColumn(),
                        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                        console=stderr, transient=False, disable=quiet)
    with progress:
        yield progress


def _callback_for(progress: Progress, exp: Experiment):
    task = progress.add_task(exp.id, total=1)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return update


@app.command("list")
def list_cmd(json_out: JsonOpt = False) -> None:
    """List the registered experiments: id, title, seed chapter."""
    rows = [{"id": e.id, "title": e.title, "chapter": e.chapter} for e in list_experiments()]
    if json_out:
        _emit_json({"experiments": rows})
        return
    table = Table("id", "chapter", "title")
    for r in rows:
        table.add_row(r["id"], str(r["chapter"]), r["title"])
    stdout.print(table)


@app.command()
def show(experiment_id: Annotated[str, typer.Argument(metavar="ID")],
         json_out: JsonOpt = False) -> None:
    """Show an experiment's parameters: defaults, units, constraints, sources."""
    exp = get_experiment(experiment_id)
    quick = exp.params("quick").model_dump(mode="json")
    rows = [{**p.as_dict(), "quick": quick[p.name]} for p in exp.Params.describe()]
    targets = [t.__dict__ for t in exp.targets(exp.params("quick"))]
    if json_out:
        _emit_json({"experiment": exp.id, "title": exp.title, "chapter": exp.chapter,
                    "params": json.loads(json.dumps(rows, default=list)),
                    "targets_quick": targets})
        return
    stdout.print(f"[bold]{exp.id}[/bold]  {exp.title}  (seed chapter {exp.chapter})")
    stdout.print(exp.summary)
    table = Table("name", "full (default)", "quick", "unit", "constraint", "meaning", "source",
                  show_lines=True)
    for r in rows:
        table.add_row(r["name"], str(r["default"]), str(r["quick"]), r["unit"],
                      r["constraint"], r["doc"], r["source"])
    stdout.print(table)


def _parse_sets(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError("--set", "must look like NAME=VALUE", item)
        out[name.strip()] = value.strip()
    return out


def _checks_table(checks: list[dict[str, Any]]) -> Table:
    table = Table("check", "measured", "published", "tolerance", "result")
    for c in checks:
        ok = ("[green]pass[/green]" if c["passed"] else
              "[yellow]not reproduced (known deviation)[/yellow]" if c.get("deviation")
              else "[red]FAIL[/red]")
        table.add_row(c["name"], f"{c['value']:.6g}" if c["value"] is not None else "–",
                      f"{c['target']:.6g}", f"{c['compare']} {c['tolerance']:g}", ok)
    return table


def _note_redirect(requested: Path, used: Path) -> None:
    if requested.resolve() != used.resolve():
        stderr.print(f"note: {requested} already holds results; wrote to {used} instead "
                     "(--force overwrites)", markup=False, highlight=False)


@app.command("run")
def run_cmd(
    experiment_id: Annotated[str, typer.Argument(metavar="ID")],
    set_: Annotated[list[str] | None, typer.Option(
        "--set", metavar="NAME=VALUE", help="Change a parameter (repeatable).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    full: FullOpt = False,
    out: OutOpt = DEFAULT_OUT,
    json_out: JsonOpt = False,
    force: ForceOpt = False,
    backend: Annotated[str, typer.Option("--backend", help="Array backend.")] = "numpy",
) -> None:
    """Run one experiment, check it against its published targets, save its results."""
    exp = get_experiment(experiment_id)
    params = resolve_params(exp, "full" if full else "quick", set_strings=_parse_sets(set_ or []))
    check_seed(seed)
    get_namespace(backend)
    with _progress(quiet=False) as progress:
        outcome = run_and_save(exp.id, Path(out), force=force, params=params, seed=seed,
                               preset="full" if full else "quick", backend=backend,
                               progress=_callback_for(progress, exp))
    _note_redirect(Path(out) / exp.id, Path(outcome.files["data"]).parent)
    body = outcome.as_dict()
    if json_out:
        _emit_json(body)
    else:
        stdout.print(_checks_table(body["checks"]))
        verdict = "[green]all checks pass[/green]" if outcome.passed else "[red]checks fail[/red]"
        stdout.print(f"{exp.id}: {verdict} · {outcome.wall_time_s:.2f} s · "
                     f"results in {Path(outcome.files['data']).parent}")
    raise typer.Exit(0 if outcome.passed else 1)


@app.command("validate")
def validate_cmd(
    only: Annotated[str, typer.Option("--only", metavar="GLOB",
                                      help="Only experiments whose id matches.")] = "*",
    full: FullOpt = False,
    out: OutOpt = DEFAULT_OUT,
    json_out: JsonOpt = False,
    force: ForceOpt = False,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
) -> None:
    """Run every experiment, check each against its published targets, write report.html."""
    with _progress(quiet=False) as progress:
        result = validate(only, preset="full" if full else "quick", out=Path(out), force=force,
                          seed=seed, on_start=lambda exp: _callback_for(progress, exp))
    _note_redirect(Path(out), Path(result.report).parent)
    body = result.as_dict()
    if json_out:
        _emit_json(body)
    else:
        for run in body["experiments"]:
            mark = "[green]pass[/green]" if run["passed"] else "[red]FAIL[/red]"
            stdout.print(f"{mark}  {run['experiment']}  ({len(run['checks'])} checks, "
                         f"{run['wall_time_s']:.2f} s)")
        stdout.print(f"{result.passed} passed, {result.failed} failed · report: {result.report}")
    raise typer.Exit(0 if result.failed == 0 else 1)


@app.command()
def sweep(
    experiment_id: Annotated[str, typer.Argument(metavar="ID")],
    grid: Annotated[list[str], typer.Option(
        "--grid", metavar="NAME=V1,V2|NAME=START:STOP:NUM",
        help="A swept parameter (repeatable): a list, or NUM points from START to STOP.")],
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds per grid point.")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Base seed of the sweep.")] = 0,
    scheduler: Annotated[str, typer.Option(
        "--scheduler", help="'local' (a local Dask cluster), 'serial', or a Dask "
                            "scheduler address such as tcp://127.0.0.1:8786.")] = "local",
    workers: Annotated[int, typer.Option("--workers", help="Workers of the local cluster.")] = 2,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", metavar="NAME=VALUE", help="Fix a parameter for every point.")] = None,
    full: FullOpt = False,
    out: Annotated[Path, typer.Option("--out", help="Directory for sweeps.")] = Path(
        "engramlab-results") / "sweeps",
    json_out: JsonOpt = False,
) -> None:
    """Run an experiment over a parameter grid on Dask; resumes where it stopped."""
    from engramlab.sweep import Grid, run_sweep

    exp = get_experiment(experiment_id)
    grids = [Grid.parse(g) for g in grid]
    with _progress(quiet=False) as progress:
        task = progress.add_task(f"sweep {exp.id}", total=None)
        result = run_sweep(
            exp.id, grids, seeds=seeds, seed=seed, preset="full" if full else "quick",
            sets=_parse_sets(set_ or []), scheduler=scheduler, workers=workers, out=out,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total))
    body = result.as_dict()
    if json_out:
        _emit_json(body)
    else:
        stdout.print(f"{exp.id}: {body['points']} points ({body['computed']} computed, "
                     f"{body['reused']} reused, {body['failed']} failed) · dims "
                     f"{body['dims']} · {body['files']['data']}")
    raise typer.Exit(0 if result.failed == 0 else 1)


@app.command()
def catalogue() -> None:
    """Print the catalogue of experiments as Markdown (the README's catalogue section)."""
    from engramlab.experiments.catalogue import catalogue_markdown

    sys.stdout.write(catalogue_markdown())


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning bad input into one line and exit status 2."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="engramlab", standalone_mode=False)
    except EngramlabError as exc:
        stderr.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        _say_interrupted()
        sys.exit(INTERRUPTED)
    except typer.TyperException as exc:  # usage errors: bad option, missing argument
        stderr.print(f"error: {exc.format_message()}", markup=False, highlight=False,
                     soft_wrap=True)
        sys.exit(2)
    if code == INTERRUPTED:  # typer turns Ctrl-C into Exit(130)
        _say_interrupted()
    sys.exit(code if isinstance(code, int) else 0)


def _say_interrupted() -> None:
    stderr.print("interrupted: finished results are on disk; the same command resumes "
                 "a sweep", markup=False, highlight=False)
