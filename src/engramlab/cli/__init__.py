"""The ``engramlab`` command line: list, show, run, validate, sweep, compile, catalogue.

Bad input (unknown id, unknown or invalid parameter, bad option) prints one line on
stderr and exits with status 2, never a traceback. ``--json`` puts exactly one JSON
object on stdout; progress and notes go to stderr.

Exit status: 0 every check passed, 1 some check failed, 2 bad input.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from engramlab.core.errors import EngramlabError, ParameterError
from engramlab.core.version import __version__

if TYPE_CHECKING:
    from rich.progress import Progress

    from engramlab.experiments import Experiment

# --version, --help, list and show import no experiment, no scipy / matplotlib / xarray /
# numba: what list and show print comes from the generated index
# (engramlab.experiments._registry.describe). The commands that compute import the
# runner, the experiments and the sweep layer inside their own functions.

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

# No emoji codes on either console: user text such as `a:b:c` or `:thumbs_up:` is
# printed as typed, never as an emoji. Markup is still read in the strings this module
# styles itself; text from the user or from an error goes out with markup=False, as Text,
# or escaped (rich.markup.escape stops markup, not emoji codes: hence emoji=False here).
stdout = Console(soft_wrap=True, emoji=False)
stderr = Console(stderr=True, emoji=False)

#: Where ``run`` and ``validate`` write (engramlab.runner.DEFAULT_OUT, kept here so that
#: building the command line does not import the runner).
DEFAULT_OUT = Path("engramlab-results")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Directory for results.")]
FullOpt = Annotated[bool, typer.Option("--full", help="Paper-scale preset (slow).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing result.")]


def _version(value: bool) -> None:
    if value:
        stdout.print(f"engramlab {__version__}", markup=False, highlight=False)
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
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(),
                        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                        console=stderr, transient=False, disable=quiet)
    with progress:
        yield progress


def _callback_for(progress: Progress, exp: Experiment[Any]) -> Callable[[int, int], None]:
    task = progress.add_task(exp.id, total=1)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return update


def _table(*columns: str, keep: tuple[str, ...] = (), styled: tuple[str, ...] = (),
           rows: list[list[str]], **kwargs: Any) -> Table:
    """A table whose ``keep`` columns (ids, names) are never wrapped or cut.

    Those columns are as wide as their longest cell; the others wrap at spaces and fold
    words too long for them, so nothing is lost at 80 columns. Cells are plain text
    (brackets in a doc string stay brackets, ``:name:`` stays text) except in the
    ``styled`` columns, whose markup this module writes (and escapes what it puts in).
    """
    from rich.text import Text

    table = Table(**kwargs)
    for k, name in enumerate(columns):
        if name in keep:
            width = max([len(name), *(len(r[k]) for r in rows)])
            table.add_column(name, no_wrap=True, min_width=width)
        else:
            table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(*(Text.from_markup(cell, emoji=False) if name in styled else Text(cell)
                        for name, cell in zip(columns, r, strict=True)))
    return table


def _value_text(value: Any) -> str:
    """A parameter value as ``--set`` takes it: tuples as ``a, b, c``."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


@app.command("list")
def list_cmd(json_out: JsonOpt = False) -> None:
    """List the registered experiments: id, title, seed chapter."""
    from engramlab.experiments._registry import describe, matching_ids

    rows = []
    for exp_id in matching_ids():
        entry = describe(exp_id)
        rows.append({"id": exp_id, "title": entry["title"], "chapter": entry["chapter"]})
    if json_out:
        _emit_json({"experiments": rows})
        return
    stdout.print(_table("id", "chapter", "title", keep=("id", "chapter"),
                        rows=[[r["id"], str(r["chapter"]), r["title"]] for r in rows]))


@app.command()
def show(experiment_id: Annotated[str, typer.Argument(metavar="ID")],
         json_out: JsonOpt = False) -> None:
    """Show an experiment's parameters: defaults, units, constraints, sources."""
    from engramlab.experiments._registry import describe

    entry = describe(experiment_id)
    if json_out:
        _emit_json({"experiment": experiment_id, "title": entry["title"],
                    "chapter": entry["chapter"], "params": entry["params"],
                    "targets_quick": entry["targets_quick"]})
        return
    from rich.text import Text

    stdout.print(Text.assemble((experiment_id, "bold"),
                               f"  {entry['title']}  (seed chapter {entry['chapter']})"),
                 highlight=False)
    stdout.print(entry["summary"], markup=False, highlight=False)
    params = entry["params"]
    # Two tables, so that each stays readable at 80 columns: the values, then what each
    # parameter means and where its default comes from.
    values = [[p["name"], _value_text(p["default"]), _value_text(p["quick"]), p["unit"],
               p["constraint"]] for p in params]
    stdout.print(_table("name", "full (default)", "quick", "unit", "constraint",
                        keep=("name", "unit"), rows=values))
    meaning = [[p["name"], p["doc"], p["source"]] for p in params]
    stdout.print(_table("name", "meaning", "source", keep=("name",), rows=meaning,
                        show_lines=True))


SeedsOpt = Annotated[int, typer.Option(
    "--seeds", help="Run K seeds (SEED ... SEED+K-1) and count, per check, how many pass.")]


def _check_seeds(seed: int, seeds: int) -> None:
    from engramlab.core import ParameterError, check_seed

    if seeds < 1:
        raise ParameterError("--seeds", "must be >= 1", seeds)
    check_seed(seed + seeds - 1)


_STATUS_STYLE = {"reproduced": "green", "reproduced with deviations": "yellow",
                 "demonstration": "cyan", "failed": "red"}


def _status_markup(status: str) -> str:
    style = _STATUS_STYLE.get(status, "red")
    return f"[{style}]{status}[/{style}]"


def _seed_text(seeds: list[int]) -> str:
    return str(seeds[0]) if len(seeds) == 1 else f"{seeds[0]}-{seeds[-1]}"


def _parse_sets(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ParameterError("--set", "must look like NAME=VALUE", item)
        if name.strip() in out:
            raise ParameterError("--set", f"names {name.strip()} twice: give each "
                                 "parameter once", item)
        out[name.strip()] = value.strip()
    return out


def _verdict_markup(c: dict[str, Any]) -> str:
    from rich.markup import escape

    verdict = escape(c["verdict"])
    if not c["tested"]:
        return f"[dim]{verdict}[/dim]"
    if c["deviation"] and not c["passed"]:
        return f"[yellow]{verdict} (declared deviation)[/yellow]"
    return f"[green]{verdict}[/green]" if c["verdict"] == "pass" else f"[red]{verdict}[/red]"


def _checks_table(checks: list[dict[str, Any]]) -> Table:
    rows = []
    several = any(c["seeds"]["run"] > 1 for c in checks)
    for c in checks:
        row = [c["name"], c["kind"],
               f"{c['value']:.6g}" if c["value"] is not None else "–",
               f"{c['target']:.6g}", f"{c['compare']} {c['tolerance']:g}",
               _verdict_markup(c)]
        if several:
            row.append(f"{c['seeds']['ok']}/{c['seeds']['run']}")
        rows.append(row)
    heads = ["check", "kind", "measured", "published", "tolerance", "result"]
    if several:
        heads.append("seeds ok")
    return _table(*heads, keep=("check",), styled=("result",), rows=rows)


def _note_redirect(requested: Path, used: Path) -> None:
    if requested.resolve() == used.resolve():
        return
    from engramlab.core.manifest import incomplete_reason

    reason = incomplete_reason(requested)
    held = ("already holds results" if reason is None else
            f"is not a complete result ({reason}: unfinished, or still being written), "
            "left as is")
    stderr.print(f"note: {requested} {held}; wrote to {used} instead (--force replaces it)",
                 markup=False, highlight=False, soft_wrap=True)


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
    seeds: SeedsOpt = 1,
    allow_large: Annotated[bool, typer.Option(
        "--allow-large", "--yes-i-mean-it",
        help="Run even if the estimated memory or work exceeds the machine.")] = False,
) -> None:
    """Run one experiment, check it against its published targets, save its results."""
    from engramlab.core import check_seed, get_namespace
    from engramlab.core.io import check_output_dir
    from engramlab.experiments import get_experiment
    from engramlab.runner import resolve_params, run_and_save

    exp = get_experiment(experiment_id)
    params = resolve_params(exp, "full" if full else "quick", set_strings=_parse_sets(set_ or []))
    check_seed(seed)
    _check_seeds(seed, seeds)
    get_namespace(backend)
    exp.check_resources(params, allow_large=allow_large)  # before the progress bar
    check_output_dir(out)  # before any work (and before the progress bar)
    with _progress(quiet=False) as progress:
        outcome = run_and_save(exp.id, Path(out), force=force, params=params, seed=seed,
                               preset="full" if full else "quick", backend=backend,
                               progress=_callback_for(progress, exp), seeds=seeds,
                               allow_large=allow_large)
    _note_redirect(Path(out) / exp.id, Path(outcome.files["data"]).parent)
    body = outcome.as_dict()
    if json_out:
        _emit_json(body)
    else:
        stdout.print(_checks_table(body["checks"]))
        stdout.print(f"{exp.id}: {_status_markup(outcome.status)} · seeds "
                     f"{_seed_text(outcome.seeds)} · {outcome.wall_time_s:.2f} s · "
                     f"results in {escape(os.fspath(Path(outcome.files['data']).parent))}")
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
    seeds: SeedsOpt = 1,
    allow_large: Annotated[bool, typer.Option(
        "--allow-large", "--yes-i-mean-it",
        help="Run even if the estimated memory or work exceeds the machine.")] = False,
) -> None:
    """Run every experiment, check each against its published targets, write report.html."""
    from engramlab.core import check_seed
    from engramlab.runner import validate

    check_seed(seed)
    _check_seeds(seed, seeds)
    with _progress(quiet=False) as progress:
        result = validate(only, preset="full" if full else "quick", out=Path(out), force=force,
                          seed=seed, on_start=lambda exp: _callback_for(progress, exp),
                          seeds=seeds, allow_large=allow_large)
    _note_redirect(Path(out), Path(result.report).parent)
    body = result.as_dict()
    if json_out:
        _emit_json(body)
    else:
        for run in body["experiments"]:
            ev = run["evidence"]
            stdout.print(f"{_status_markup(run['status'])}  {run['experiment']}  "
                         f"({ev['published']} published, {ev['theory']} theory, "
                         f"{ev['consistency']} consistency"
                         + (f", {ev['not_tested']} not tested" if ev["not_tested"] else "")
                         + f"; seeds {_seed_text(run['seeds'])}; "
                         f"{run['wall_time_s']:.2f} s)")
        head = body["headline"]
        stdout.print(", ".join(f"{n} {k}" for k, n in head.items())
                     + f" · report: {escape(result.report)}")
    raise typer.Exit(0 if result.failed == 0 else 1)


@app.command()
def sweep(
    experiment_id: Annotated[str, typer.Argument(metavar="ID")],
    grid: Annotated[list[str], typer.Option(
        "--grid", metavar="NAME=V1,V2|NAME=START:STOP:NUM",
        help="A swept parameter (repeatable): a list, or NUM points from START to STOP. "
             "At most 100,000 runs (grid points x seeds).")],
    seeds: Annotated[int, typer.Option("--seeds", help="Seeds per grid point.")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Base seed of the sweep.")] = 0,
    scheduler: Annotated[str, typer.Option(
        "--scheduler", help="'local' (a local Dask cluster), 'serial', or a Dask "
                            "scheduler address, tcp://HOST:PORT or tls://HOST:PORT.")] = "local",
    workers: Annotated[int, typer.Option("--workers", help="Workers of the local cluster.")] = 2,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", metavar="NAME=VALUE", help="Fix a parameter for every point.")] = None,
    full: FullOpt = False,
    out: Annotated[Path, typer.Option("--out", help="Directory for sweeps.")] = Path(
        "engramlab-results") / "sweeps",
    point_timeout: Annotated[float | None, typer.Option(
        "--point-timeout", metavar="SECONDS",
        help="Stop a point that runs longer and record it as failed (timed out).")] = None,
    worker_memory: Annotated[str | None, typer.Option(
        "--worker-memory", metavar="SIZE",
        help="Memory of each local worker (e.g. 2GiB); a point that exceeds it is recorded "
             "as failed (killed its worker). Default: the machine's memory shared out.")] = None,
    dashboard: Annotated[bool, typer.Option(
        "--dashboard", help="Serve Dask's dashboard of the local cluster on "
                            "http://127.0.0.1:8787 (off: no HTTP port at all).")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Run an experiment over a parameter grid on Dask; resumes where it stopped.

    A point that raises, times out or kills its worker is recorded as failed with its
    reason and the sweep goes on; the same command again computes only what is missing
    or failed. Exit status 1 if a point failed.
    """
    from engramlab.experiments import get_experiment
    from engramlab.sweep import Grid, run_sweep

    exp = get_experiment(experiment_id)
    grids = [Grid.parse(g) for g in grid]
    sets = _parse_sets(set_ or [])
    with contextlib.ExitStack() as stack:
        # The bar starts with the first progress, once every check passed: an error
        # before it is one line.
        bar: list[tuple[Progress, Any]] = []

        def on_progress(done: int, total: int) -> None:
            if not bar:
                progress = stack.enter_context(_progress(quiet=False))
                bar.append((progress, progress.add_task(f"sweep {exp.id}", total=total)))
            progress, task = bar[0]
            progress.update(task, completed=done, total=total)

        def on_note(text: str) -> None:
            console = bar[0][0].console if bar else stderr
            console.print(f"note: {text}", markup=False, highlight=False, soft_wrap=True)

        result = run_sweep(
            exp.id, grids, seeds=seeds, seed=seed, preset="full" if full else "quick",
            sets=sets, scheduler=scheduler, workers=workers, out=out,
            point_timeout_s=point_timeout, worker_memory=worker_memory, dashboard=dashboard,
            on_progress=on_progress, on_note=on_note)
    body = result.as_dict()
    if json_out:
        _emit_json(body)
    else:
        stdout.print(f"{exp.id}: {body['points']} points ({body['computed']} computed, "
                     f"{body['reused']} reused, {body['failed']} failed) · dims "
                     f"{body['dims']} · {body['files']['data']}", markup=False, highlight=False)
        for failure in body["failures"][:20]:
            where = ", ".join(f"{k}={v}" for k, v in failure["values"].items())
            stderr.print(f"failed: {where}, seed {failure['seed_index']}: {failure['error']}",
                         markup=False, highlight=False, soft_wrap=True)
        if len(body["failures"]) > 20:
            stderr.print(f"... and {len(body['failures']) - 20} more failed points "
                         f"(summary.json in {body['directory']})", markup=False,
                         highlight=False, soft_wrap=True)
    raise typer.Exit(0 if result.failed == 0 else 1)


@app.command("compile")
def compile_cmd(json_out: JsonOpt = False) -> None:
    """Compile the network loop for this CPU now, so the first network run does not wait.

    Numba compiles the loop once per CPU and keeps it in a disk cache; this warms that
    cache ahead (a few seconds when it is warm already).
    """
    from engramlab.network import compile_loop

    seconds = compile_loop()
    if json_out:
        _emit_json({"seconds": round(seconds, 3)})
    else:
        stdout.print(f"network loop ready ({seconds:.1f} s)", markup=False, highlight=False)


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
        stderr.print(f"error: {_one_line(str(exc))}", markup=False, highlight=False,
                     soft_wrap=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        _say_interrupted()
        sys.exit(INTERRUPTED)
    except typer.TyperException as exc:  # usage errors: bad option, missing argument
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `engramlab`: help printed
            sys.exit(0)
        stderr.print(f"error: {_one_line(exc.format_message())}", markup=False,
                     highlight=False, soft_wrap=True)
        sys.exit(2)
    if code == INTERRUPTED:  # typer turns Ctrl-C into Exit(130)
        _say_interrupted()
    sys.exit(code if isinstance(code, int) else 0)


def _one_line(text: str) -> str:
    """``text`` on one line, as typed: a newline, tab or other control character from the
    user (``--set $'a\\nb=1'``) shows as its escape (``\\n``); the rest is unchanged."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _say_interrupted() -> None:
    stderr.print("interrupted: finished results are on disk; the same command resumes "
                 "a sweep", markup=False, highlight=False)
