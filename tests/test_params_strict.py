"""Strict parameter types, "did you mean" for names, and user text printed as typed.

Generated over every registered experiment: no bool, float or string is silently taken as
an integer, no bool as a number, every misspelled name gets its suggestion, and the CLI
echoes user text literally (no markup, no emoji codes) on one line.
"""

from __future__ import annotations

import re
import typing
from typing import Any

import numpy as np
import pytest
from pydantic import field_validator, model_validator
from pydantic_core import PydanticCustomError

import engramlab
from engramlab.core import ParameterError, Params, param
from test_cli import assert_one_line_error


def _item_type(annotation: Any) -> tuple[Any, bool]:
    """The scalar type of a field (``int`` for ``int`` and ``tuple[int, ...]``) and
    whether the field is a tuple."""
    if typing.get_origin(annotation) is tuple:
        (item,) = {a for a in typing.get_args(annotation) if a is not Ellipsis}
        if typing.get_origin(item) is typing.Annotated:
            item = typing.get_args(item)[0]
        return item, True
    return annotation, False


def _fields_of(exp: Any, kind: type) -> list[tuple[str, bool]]:
    return [(name, is_tuple) for name, info in exp.Params.model_fields.items()
            for item, is_tuple in [_item_type(info.annotation)] if item is kind]


def _assert_names(err: ParameterError, exp_id: str, field: str, rule: str) -> None:
    text = str(err)
    assert err.field == field, text
    assert text.startswith(f"{exp_id}: parameter '{field}' {rule}"), text
    assert "Input should" not in text and "pydantic" not in text, text


#: Integer-field values that must be refused: (as typed on the command line, from Python).
BAD_INTS = [("true", True), ("false", False), ("1e308", 1e308), ("1e20", 1e20),
            ("2.5", 2.5), ('"3"', "3")]


def _typed(text: str, is_tuple: bool) -> str:
    """``text`` as one item of a tuple field: a quoted string as a JSON list (a tuple
    field reads a bare string as comma-separated items)."""
    return f"[{text}]" if is_tuple and text.startswith('"') else text


def test_int_fields_take_no_bool_float_or_string(experiment_id):
    exp = engramlab.get_experiment(experiment_id)
    base = exp.params("quick")
    fields = _fields_of(exp, int)
    tried = 0
    for name, is_tuple in fields:
        field = f"{name}[0]" if is_tuple else name
        for text, value in BAD_INTS:
            with pytest.raises(ParameterError) as err:
                exp.Params.from_strings(base, {name: _typed(text, is_tuple)},
                                        context=exp.id)
            _assert_names(err.value, exp.id, field, "must be an integer")
            with pytest.raises(ParameterError) as err:
                exp.params("quick", **{name: (value,) if is_tuple else value})
            _assert_names(err.value, exp.id, field, "must be an integer")
            with pytest.raises(ParameterError) as err:
                base.replace(exp.id, **{name: (value,) if is_tuple else value})
            _assert_names(err.value, exp.id, field, "must be an integer")
            tried += 3
    assert tried == 3 * len(BAD_INTS) * len(fields)


def test_float_fields_take_no_bool_or_string(experiment_id):
    exp = engramlab.get_experiment(experiment_id)
    base = exp.params("quick")
    for name, is_tuple in _fields_of(exp, float):
        field = f"{name}[0]" if is_tuple else name
        for text, value in [("true", True), ("false", False), ('"0.5"', "0.5")]:
            with pytest.raises(ParameterError) as err:
                exp.Params.from_strings(base, {name: _typed(text, is_tuple)},
                                        context=exp.id)
            _assert_names(err.value, exp.id, field, "must be a number")
            with pytest.raises(ParameterError) as err:
                exp.params("quick", **{name: (value,) if is_tuple else value})
            _assert_names(err.value, exp.id, field, "must be a number")


def _set(exp: Any, base: Params, how: str, name: str) -> Params:
    """``name`` set to 1 through ``Params.from_strings``, ``create`` or ``replace``."""
    if how == "from_strings":
        return exp.Params.from_strings(base, {name: "1"}, context=exp.id)
    if how == "create":
        return exp.params("quick", **{name: 1})
    return base.replace(exp.id, **{name: 1})


def test_misspelled_names_get_did_you_mean(experiment_id):
    """Every field with any one letter dropped, through from_strings, create and replace."""
    exp = engramlab.get_experiment(experiment_id)
    base = exp.params("quick")
    fields = exp.Params.model_fields
    tried = 0
    for name in fields:
        for k in range(len(name)):
            typo = name[:k] + name[k + 1:]
            if not typo or typo in fields:
                continue
            for how in ("from_strings", "create", "replace"):
                with pytest.raises(ParameterError) as err:
                    _set(exp, base, how, typo)
                assert err.value.field == typo
                hint = re.search(r"\(did you mean (.*?)\?\)", str(err.value))
                assert hint and name in hint.group(1).split(" or "), str(err.value)
                tried += 1
    assert tried >= len(fields)


# -- the mechanism, on a small class ------------------------------------------------------


class Demo(Params):
    rate_hz: float = param(5.0, unit="Hz", gt=0, le=1000, doc="Rate.", source="test")
    duration_ms: float = param(1000, unit="ms", gt=0, doc="Duration.", source="test")
    n_cells: int = param(10, unit="1", ge=1, le=100, doc="Cells.", source="test")
    sizes: tuple[int, ...] = param((1, 2), unit="1", ge=1, doc="Sizes.", source="test")
    on: bool = param(True, unit="1", doc="Switch.", source="test")
    start_ms: float = param(0.0, unit="ms", ge=0, doc="Start.", source="test")

    @field_validator("rate_hz")
    @classmethod
    def _not_seven(cls, value: float) -> float:
        if value == 7:
            raise ValueError("must not be 7")
        return value

    @model_validator(mode="after")
    def _order(self) -> Demo:
        if self.start_ms >= self.duration_ms:
            raise ParameterError("start_ms", "must be < duration_ms", self.start_ms)
        if self.start_ms == 1:
            raise PydanticCustomError("whole", "start and duration disagree")
        return self


def test_numbers_that_are_exact_are_taken():
    p = Demo.create(duration_ms=2000, n_cells=np.int64(5), rate_hz=np.float32(2.5),
                    sizes=[np.int64(3), 4], start_ms=np.int64(2))
    assert p.duration_ms == 2000.0 and type(p.duration_ms) is float
    assert p.n_cells == 5 and type(p.n_cells) is int
    assert p.sizes == (3, 4) and all(type(s) is int for s in p.sizes)
    assert Demo.create().duration_ms == 1000.0  # an int default of a float field
    q = Demo.from_strings(None, {"n_cells": "1_0", "rate_hz": ".5", "sizes": "2, +3",
                                 "on": "false", "duration_ms": "1e3"})
    assert (q.n_cells, q.rate_hz, q.sizes, q.on, q.duration_ms) == (10, 0.5, (2, 3), False,
                                                                     1000.0)


@pytest.mark.parametrize(("values", "field", "rule"), [
    ({"n_cells": True}, "n_cells", "must be an integer (got True)"),
    ({"n_cells": np.bool_(True)}, "n_cells", "must be an integer (got True)"),
    ({"n_cells": 3.0}, "n_cells", "must be an integer (got 3.0)"),
    ({"n_cells": "3"}, "n_cells", "must be an integer (got '3')"),
    ({"n_cells": 10**400}, "n_cells", "must be <= 100 (got 1000"),
    ({"sizes": (1, True)}, "sizes[1]", "must be an integer (got True)"),
    ({"sizes": (0,)}, "sizes[0]", "must be >= 1"),
    ({"rate_hz": True}, "rate_hz", "must be a number (got True)"),
    ({"rate_hz": np.bool_(False)}, "rate_hz", "must be a number (got False)"),
    ({"rate_hz": "5"}, "rate_hz", "must be a number (got '5')"),
    ({"rate_hz": 10**400}, "rate_hz", "must be a finite number"),
    ({"rate_hz": 7}, "rate_hz", "must not be 7 (got 7)"),
    ({"on": 1}, "on", "must be true or false (got 1)"),
    ({"on": "true"}, "on", "must be true or false (got 'true')"),
    ({"start_ms": 5000.0}, "start_ms", "must be < duration_ms (got 5000.0)"),
    ({"start_ms": 1.0}, "", "start and duration disagree"),
    ({"n_cels": 3}, "n_cels", "is unknown (did you mean n_cells?)"),
])
def test_errors_name_the_field_in_words(values, field, rule):
    with pytest.raises(ParameterError) as err:
        Demo.create("demo", **values)
    assert err.value.field == field
    assert str(err.value).startswith(f"demo: parameter '{field}' {rule}" if field
                                     else f"demo: {rule}"), str(err.value)
    assert "Input should" not in str(err.value) and "Value error" not in str(err.value)
    assert len(str(err.value)) < 300  # a 401-digit integer is cut


# -- the command line ---------------------------------------------------------------------

ID = "hopfield.recall"


@pytest.mark.parametrize(("setting", "shown"), [
    ("a:b:c=1", "'a:b:c'"),
    ("x=[bold]y[/bold]", "'[bold]y[/bold]'"),
    ("n=:thumbs_up:", "':thumbs_up:'"),
    ("n_neurons=:thumbs_up:", "':thumbs_up:'"),
    ("n_neurons=[bold]y[/bold]", "'[bold]y[/bold]'"),
    ("n_neurons=[/x]", "'[/x]'"),
    ("n_neurons=true", "must be an integer (got True)"),
    ("n_neurons=1e308", "must be an integer (got 1e+308)"),
    ("dynamics=:b:", "':b:'"),
    ("[red]n[/red]=1", "'[red]n[/red]'"),
    (":smile:=1", "':smile:'"),
    ("n_neuron=100", "did you mean n_neurons?"),
    (":b:", "':b:'"),  # not NAME=VALUE
    ("a\nb=1", "'a\\nb'"),  # a newline from the user stays one line
])
def test_cli_prints_user_text_literally(cli, tmp_path, setting, shown):
    res = cli("run", ID, "--set", setting, "--out", str(tmp_path))
    assert_one_line_error(res, shown)
    assert not any(tmp_path.iterdir())


def test_cli_unknown_id_printed_literally(cli):
    assert_one_line_error(cli("show", "a:b:c"), "'a:b:c'")
    assert_one_line_error(cli("run", "[bold]x[/bold]"), "'[bold]x[/bold]'")


def test_table_cells_are_plain_text(capsys):
    from engramlab import cli as cli_module

    cli_module.stdout.print(cli_module._table(
        "name", "doc", keep=("name",), rows=[["a:b:c", "[bold]x[/bold] :thumbs_up:"]]))
    out = capsys.readouterr().out
    assert "a:b:c" in out and "[bold]x[/bold] :thumbs_up:" in out


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_a_parameter_set_twice_is_refused(cli, tmp_path, command):
    """``--set n=1 --set n=2`` is one line and exit 2 (it used to keep the last silently)."""
    extra = ["--grid", "max_sweeps=10,20"] if command == "sweep" else []
    res = cli(command, "hopfield.seed-demo", *extra, "--set", "n_orders=10",
              "--set", "n_orders=20", "--out", str(tmp_path / "out"))
    assert res.returncode == 2
    assert res.stderr.strip() == ("error: parameter '--set' names n_orders twice: give each "
                                  "parameter once (got 'n_orders=20')")
    assert not (tmp_path / "out").exists()
