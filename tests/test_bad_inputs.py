"""Every bad input is one clear line and exit 2, before any work (the reliability issue's
categories, re-run end to end).

The cases, generated from the experiments' declared parameters:

- ``set``: ``engramlab run ID --set FIELD=VALUE`` for every field of every experiment,
  with the bad values of its type (:data:`BAD`): NaN, infinities, overflowing and huge
  numbers, non-numbers, empty text, lists where a number goes, booleans where a number
  goes, fractions and huge values where an integer goes, wrong lists for a tuple, names
  outside a choice, and rich markup;
- ``name``: every field misspelled (its last letter dropped): "did you mean";
- ``api``: the same bad Python values through ``Experiment.params`` and
  ``engramlab.run(..., overrides=...)``: one :class:`~engramlab.core.ParameterError`;
- ``cli``: bad seeds, seed counts, ids, backends, output locations, sweep grids and
  scheduler addresses.

Each case runs in this process (the console script's ``main``) with the experiments'
``run`` replaced by a sentinel, so a case that gets past the checks is seen as "work
started" and stopped there. A case holds when it exits 2 with exactly one line on
stderr, that line names the field, nothing is a traceback, and no work started; a
value accepted as another type (``true`` as 1) is a silent coercion. An alarm stops a
case that runs past :data:`CASE_TIMEOUT_S` (a hang).

``pytest -m slow tests/test_bad_inputs.py`` runs them all (13,248 cases today, 1-2 min);
``python tests/test_bad_inputs.py`` prints the counts by category.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import io
import math
import re
import signal
import sys
import tempfile
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import engramlab
from engramlab.core import ParameterError

#: A case running past this is a hang (s).
CASE_TIMEOUT_S = 30

#: Bad ``--set`` values by the field's type.
BAD: dict[str, tuple[str, ...]] = {
    "number": ("nan", "NaN", "-nan", "inf", "-inf", "+inf", "Infinity", "1e309", "-1e309",
               "abc", "", " ", "1e", "--1", "1,5", "0x10", "[1, 2]", "[]", "{}", "None",
               "null", "true", "false", "True", "1e400"),
    "int": ("2.5", "-0.5", "1e308", "-1e308", "1e30", "9" * 40, "1.0000001"),
    "float": ("1e308", "-1e308"),
    "tuple": ("nan", "1, nan", "inf, 1", "", "[]", "1, abc", "true", "1, true", "1e308, 1",
              "((1))", "[1, [2]]", "None"),
    "literal": ("", "nonexistent", "true", "1", ":b:", "[red]x[/red]", "None"),
    "bool": ("", "1", "0", "2", "-1", "1.5", "nan", "abc", "yes", "on", "None", "null",
             "True", "[true]", "\"true\""),
}
#: Bad Python values through the API.
API_BAD: tuple[Any, ...] = (float("nan"), float("inf"), -float("inf"), True, "abc", None,
                            [1, 2], 10**400, object(), {"a": 1})

_ID = "hopfield.seed-demo"


@dataclasses.dataclass(frozen=True)
class Case:
    """One bad input: its category, what it is, and how to try it."""

    category: str
    label: str
    argv: tuple[str, ...] = ()
    field: str | None = None  # the name the one line must contain
    api: Callable[[], Any] | None = None
    suggest: str | None = None  # a name the line's "did you mean" must offer


@dataclasses.dataclass
class Outcome:
    """What a case did."""

    case: Case
    exit_code: int | None
    stderr: str
    work_started: bool = False
    traceback: bool = False
    hang: bool = False

    @property
    def problem(self) -> str | None:
        """Why the case did not hold (``None``: it held)."""
        if self.hang:
            return "hang"
        if self.traceback:
            return "traceback"
        if self.work_started:
            return "accepted (work started)"
        if self.exit_code != 2:
            return f"exit {self.exit_code}"
        lines = self.stderr.strip().splitlines()
        if len(lines) != 1:
            return f"{len(lines)} lines"
        if self.case.field is not None and self.case.field not in lines[0]:
            return "field not named"
        if self.case.suggest is not None:
            offered = re.search(r"did you mean ([^?]*)\?", lines[0])
            if offered is None or self.case.suggest not in offered[1].split(" or "):
                return f"{self.case.suggest} not suggested"
        return None


# -- the cases ------------------------------------------------------------------------


def _kind(annotation: Any) -> str:
    if typing.get_origin(annotation) is typing.Literal:
        return "literal"
    if typing.get_origin(annotation) is tuple:
        return "tuple"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    return "other"  # a type without a list of bad values yet: names and the API only


def cases() -> Iterator[Case]:
    """Every case, in a fixed order."""
    out = tempfile.gettempdir()
    for exp in engramlab.list_experiments():
        fields = exp.Params.model_fields
        for name, info in fields.items():
            kind = _kind(info.annotation)
            values = BAD.get(kind, ()) + (BAD["number"] if kind in ("int", "float") else ())
            for value in values:
                yield Case("set", f"{exp.id} {name}={value!r}",
                           ("run", exp.id, "--set", f"{name}={value}", "--out", out), name)
            wrong = name[:-1]
            if wrong not in fields:
                yield Case("name", f"{exp.id} {wrong}",
                           ("run", exp.id, "--set", f"{wrong}=1", "--out", out), wrong,
                           suggest=name)
            for value in API_BAD:
                if kind == "tuple" and isinstance(value, list):
                    continue  # a list of numbers is a fine Python value for a tuple
                if kind == "bool" and isinstance(value, bool):
                    continue  # True is a fine value for a bool
                yield Case("api", f"{exp.id}.params({name}={value!r:.20})", field=name,
                           api=_bound(exp.params, "quick", **{name: value}))
                yield Case("api", f"run({exp.id}, {name}={value!r:.20})", field=name,
                           api=_bound(engramlab.run, exp.id,
                                                 overrides={name: value}))
    yield from _cli_cases(out)


def _bound(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[], Any]:
    """``fn`` with its arguments bound."""
    return lambda: fn(*args, **kwargs)


def _cli_cases(out: str) -> Iterator[Case]:
    for value in ("-1", "2.5", "abc", "", "1e308", "true", str(2**64), "nan"):
        yield Case("cli", f"--seed {value!r}", ("run", _ID, "--seed", value, "--out", out),
                   "seed")
    for value in ("0", "-1", "abc", "1.5", "1e9", "true"):
        yield Case("cli", f"--seeds {value!r}", ("run", _ID, "--seeds", value, "--out", out),
                   "seeds")
        yield Case("cli", f"validate --seeds {value!r}",
                   ("validate", "--seeds", value, "--out", out), "seeds")
    for bad_id in ("", "hopfield", "hopfield.", "nonexistent.x", "a:b:c", "[bold]x[/bold]",
                   "hopfield.recal", "HOPFIELD.RECALL"):
        for command in ("run", "show"):
            yield Case("cli", f"{command} {bad_id!r}", (command, bad_id), None)
    for backend in ("", "cuda", "torch:9", "numpy; rm"):
        yield Case("cli", f"--backend {backend!r}",
                   ("run", _ID, "--backend", backend, "--out", out), "backend")
    missing = str(Path(out) / "a-file-that-is-not-a-folder")
    Path(missing).write_text("")
    for command in ("run", "validate"):
        yield Case("cli", f"{command} --out a file",
                   (command, *((_ID,) if command == "run" else ()), "--out", missing), "out")
        yield Case("cli", f"{command} --out under a file",
                   (command, *((_ID,) if command == "run" else ()), "--out",
                    str(Path(missing) / "x")), "out")
        yield Case("cli", f"{command} --out in /proc",
                   (command, *((_ID,) if command == "run" else ()), "--out", "/proc/x"),
                   "out")
    grids = ("", "n_orders", "n_orders=", "=1,2", "n_orders=1,abc", "n_orders=1:2",
             "n_orders=1:2:0", "n_orders=1:10:1e9", "nope=1,2", "n_orders=nan,1",
             "n_orders=true", "n_order=1,2")
    for grid in grids:
        yield Case("cli", f"sweep --grid {grid!r}",
                   ("sweep", _ID, "--grid", grid, "--out", out, "--scheduler", "serial"), None)
    yield Case("cli", "sweep grid of 10^6 x 10 seeds",
               ("sweep", _ID, "--grid", "n_orders=1:1000:1000000", "--seeds", "10",
                "--out", out, "--scheduler", "serial"), "--grid")
    yield Case("cli", "sweep one parameter twice",
               ("sweep", _ID, "--grid", "n_orders=1,2", "--grid", "n_orders=3",
                "--out", out, "--scheduler", "serial"), "--grid")
    for scheduler in ("garbage", "http://127.0.0.1:8787", "tcp://", "tcp://127.0.0.1:0",
                      "tcp://256.1.1.1:1", "tls://:x", "", "local:3"):
        yield Case("cli", f"sweep --scheduler {scheduler!r}",
                   ("sweep", _ID, "--grid", "n_orders=1,2", "--out", out,
                    "--scheduler", scheduler), "--scheduler")
    for option, value in (("--workers", "0"), ("--workers", "-1"), ("--workers", "abc"),
                          ("--point-timeout", "0"), ("--point-timeout", "-1"),
                          ("--point-timeout", "nan"), ("--worker-memory", "abc"),
                          ("--worker-memory", "-1GiB"), ("--worker-memory", "1e400")):
        yield Case("cli", f"sweep {option} {value}",
                   ("sweep", _ID, "--grid", "n_orders=1,2", "--out", out, option, value),
                   option)


# -- running them ---------------------------------------------------------------------


class _WorkStarted(BaseException):
    """Raised by the sentinel ``run``: the case got past every check."""


class _Hang(BaseException):
    """Raised by the alarm."""


@contextlib.contextmanager
def _sentinels() -> Iterator[None]:
    """Every experiment's ``run`` raises _WorkStarted (a serial sweep's points too)."""

    def stop(*_args: Any, **_kwargs: Any) -> Any:
        raise _WorkStarted

    saved: list[tuple[Any, str, Any]] = []
    for exp in engramlab.list_experiments():
        saved.append((type(exp), "run", type(exp).__dict__.get("run")))
        type(exp).run = stop  # type: ignore[method-assign]
    try:
        yield
    finally:
        for owner, name, value in saved:
            if value is None:
                delattr(owner, name)
            else:
                setattr(owner, name, value)


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Hang


def try_case(case: Case) -> Outcome:
    """Run one case in this process; what it did."""
    from engramlab import cli as cli_module

    err, out = io.StringIO(), io.StringIO()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CASE_TIMEOUT_S)
    result = Outcome(case, None, "")
    try:
        if case.api is not None:
            try:
                case.api()
                result.exit_code = 0
            except ParameterError as exc:
                result.exit_code, result.stderr = 2, f"error: {exc}\n"
        else:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
                cli_module.stderr.file = err  # the rich consoles print where we look
                cli_module.stdout.file = out
                try:
                    cli_module.main(list(case.argv))
                    result.exit_code = 0
                except SystemExit as exc:
                    result.exit_code = exc.code if isinstance(exc.code, int) else 0
                finally:
                    cli_module.stderr.file = None  # type: ignore[assignment]
                    cli_module.stdout.file = None  # type: ignore[assignment]
            result.stderr = err.getvalue()
    except _WorkStarted:
        result.work_started = True
    except _Hang:
        result.hang = True
    except Exception as exc:
        result.traceback, result.stderr = True, f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    if "Traceback" in result.stderr:
        result.traceback = True
    return result


def run_all() -> list[Outcome]:
    """Every case, tried."""
    with _sentinels():
        return [try_case(c) for c in cases()]


def summary(outcomes: list[Outcome]) -> str:
    """The counts by category (tried / held) and every case that did not hold."""
    tried: collections.Counter[str] = collections.Counter()
    held: collections.Counter[str] = collections.Counter()
    for o in outcomes:
        tried[o.case.category] += 1
        held[o.case.category] += o.problem is None
    lines = [f"{cat:6s} {held[cat]:5d} / {tried[cat]:5d} held" for cat in tried]
    lines.append(f"{'all':6s} {sum(held.values()):5d} / {sum(tried.values()):5d} held")
    kinds = collections.Counter(o.problem for o in outcomes if o.problem)
    lines += [f"  {n} x {kind}" for kind, n in kinds.most_common()]
    lines += [f"  {o.case.category}: {o.case.label}: {o.problem}: {o.stderr.strip()[:200]}"
              for o in outcomes if o.problem][:200]
    return "\n".join(lines)


@pytest.mark.slow
def test_every_bad_input_is_one_line_and_exit_2_before_any_work():
    outcomes = run_all()
    assert len(outcomes) > 3000
    failed = [o for o in outcomes if o.problem]
    assert not failed, summary(outcomes)


def test_a_sample_of_bad_inputs_holds():
    """A fast sample (every 40th case) in the default suite."""
    with _sentinels():
        outcomes = [try_case(c) for k, c in enumerate(cases()) if k % 40 == 0]
    assert len(outcomes) > 75
    assert not [o for o in outcomes if o.problem], summary(outcomes)


def test_the_harness_sees_work_tracebacks_and_coercions():
    """The classification can fail: a valid value is "work started", a raising check
    is a traceback."""
    with _sentinels():
        ok = try_case(Case("set", "valid", ("run", _ID, "--set", "n_orders=10", "--out",
                                            tempfile.gettempdir()), "n_orders"))
    assert ok.problem == "accepted (work started)"
    boom = try_case(Case("api", "raises", field="x", api=lambda: math.log(-1)))
    assert boom.problem == "traceback"


if __name__ == "__main__":
    print(summary(run_all()))
    sys.exit(0)
