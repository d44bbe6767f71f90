"""Family 1: checks every registered experiment and Params class must pass."""

from __future__ import annotations

import importlib
import json
import math
import typing

import numpy as np
import pytest
import xarray as xr
from pydantic import ValidationError

import engramlab
from conftest import EXPERIMENT_IDS, fresh_run, quick_run
from engramlab.core import PROVENANCE_KEYS, ParameterError, Params
from engramlab.core import io as fileio
from engramlab.experiments import Experiment
from engramlab.experiments._registry import (
    INDEX_PATH,
    build_index,
    index,
    index_text,
    module_of,
)


def test_registry_is_not_empty_and_ids_are_area_dot_name():
    assert {"hopfield.seed-demo", "hopfield.recall"} <= set(EXPERIMENT_IDS)
    for exp_id in EXPERIMENT_IDS:
        area, _, name = exp_id.partition(".")
        assert area and name and exp_id == exp_id.lower()


def test_every_id_lives_at_its_path(experiment_id):
    """experiments/<area>/<name>/ with the recipe in __init__.py and the figure beside it."""
    from pathlib import Path

    exp = engramlab.get_experiment(experiment_id)
    assert type(exp).__module__ == module_of(experiment_id) == index()[experiment_id]["module"]
    package = Path(importlib.import_module(module_of(experiment_id)).__file__).parent
    area, _, name = experiment_id.partition(".")
    assert package.parts[-2:] == (area.replace("-", "_"), name.replace("-", "_"))
    assert (package / "figure.py").is_file()


def test_index_is_generated_from_the_packages():
    built = build_index()
    current = index()
    stale = sorted(i for i in built.keys() & current.keys() if built[i] != current[i])
    assert (sorted(built.keys() - current.keys()), sorted(current.keys() - built.keys()),
            stale) == ([], [], []), (
        "src/engramlab/experiments/index.json is out of date (missing, removed, changed "
        "ids above): run python -m engramlab.experiments.index")
    assert INDEX_PATH.read_text(encoding="utf-8") == index_text(built), (
        "index.json is not in its generated form: run python -m engramlab.experiments.index")


def test_experiment_declares_everything(experiment_id):
    exp = engramlab.get_experiment(experiment_id)
    assert isinstance(exp, Experiment)
    assert exp.title and exp.summary and 1 <= exp.chapter <= 5
    assert issubclass(exp.Params, Params)
    assert exp.citations, "every experiment cites the papers it reproduces"
    assert set(exp.quick) <= set(exp.Params.model_fields)
    targets = exp.targets(exp.params("quick"))
    assert targets, "every experiment checks at least one published target"
    for t in targets:
        assert t.source and t.reason


def test_every_param_has_unit_source_doc_and_constraint(experiment_id):
    for info in engramlab.get_experiment(experiment_id).Params.describe():
        assert info.doc, info.name
        assert info.source, info.name
        assert info.unit is not None, info.name
        assert info.constraint, f"{info.name} has no constraint"


def test_params_are_frozen(experiment_id):
    params = engramlab.get_experiment(experiment_id).params("quick")
    name = next(iter(type(params).model_fields))
    with pytest.raises(ValidationError):
        setattr(params, name, getattr(params, name))


def _violations(info) -> list[object]:
    """Values that break a field's declared constraint (as check_param_validation does)."""
    out: list[object] = []
    for meta in info.metadata:
        for key, delta in (("gt", 0), ("ge", -1), ("lt", 0), ("le", 1)):
            bound = getattr(meta, key, None)
            if bound is not None and type(meta).__name__.lower() == key:
                out.append(bound + delta if key in ("le", "ge") else bound)
    annotation = info.annotation
    if typing.get_origin(annotation) is typing.Literal:
        out.append("no-such-choice")
    if typing.get_origin(annotation) is tuple:
        out.append(())
        out.append((-1e9,))
    out.append(float("nan"))
    return out


def test_bad_values_raise_parameter_error_naming_the_field(experiment_id):
    exp = engramlab.get_experiment(experiment_id)
    tried = 0
    for name, info in exp.Params.model_fields.items():
        for bad in _violations(info):
            with pytest.raises(ParameterError) as err:
                exp.params("quick", **{name: bad})
            assert err.value.field.split("[")[0] == name
            assert name in str(err.value)
            tried += 1
    assert tried >= len(exp.Params.model_fields)


def test_unknown_parameter_is_rejected(experiment_id):
    exp = engramlab.get_experiment(experiment_id)
    with pytest.raises(ParameterError, match="no_such_param"):
        exp.params("quick", no_such_param=1)


def test_quick_run_has_provenance_and_saves(experiment_id, tmp_path):
    out = quick_run(experiment_id)
    ds = out.dataset
    for key in PROVENANCE_KEYS:
        assert key in ds.attrs, key
    assert ds.attrs["experiment"] == experiment_id
    assert json.loads(ds.attrs["params"]) == out.params.model_dump(mode="json")
    assert ds.attrs["engramlab_version"] == engramlab.__version__
    assert ds.attrs["backend"] == "numpy"
    assert out.metrics and all(isinstance(v, float) for v in out.metrics.values())
    path = fileio.write_netcdf(tmp_path / "data.nc", ds)
    with xr.open_dataset(path, engine="h5netcdf") as back:
        xr.testing.assert_identical(back.load(), ds)


def test_same_seed_same_numbers(experiment_id):
    a = quick_run(experiment_id).metrics
    b = fresh_run(experiment_id).metrics
    c = quick_run(experiment_id, seed=1).metrics
    assert a.keys() == b.keys()
    for k in a:
        assert (a[k] == b[k]) or (math.isnan(a[k]) and math.isnan(b[k])), k
    if engramlab.get_experiment(experiment_id).stochastic:
        # A different seed changes at least one stochastic outcome.
        assert any(not np.isclose(a[k], c[k]) for k in a if np.isfinite(a[k]))
    else:
        # ``stochastic = False`` is a claim: no metric depends on the seed.
        for k in a:
            assert (a[k] == c[k]) or (math.isnan(a[k]) and math.isnan(c[k])), k


def test_figure_draws(experiment_id):
    fig = quick_run(experiment_id).figure()
    data_axes = [ax for ax in fig.axes if len(ax.get_yticks()) > 0]  # not image tiles
    assert data_axes, "figure has data axes"
    for ax in data_axes:
        assert ax.get_title(), "every data panel has a title"
        # Units in parentheses; "(1)" marks a dimensionless quantity.
        assert "(" in ax.get_ylabel(), f"y label without unit: {ax.get_ylabel()!r}"
    # The published target is drawn: a line in the target style on some panel.
    from matplotlib.colors import to_hex

    from engramlab.plotting import TARGET_STYLE

    assert any(to_hex(line.get_color()) == TARGET_STYLE["color"]
               and line.get_linestyle() == "--" and len(line.get_xdata()) > 0
               for ax in data_axes for line in ax.get_lines()), "target not drawn"
