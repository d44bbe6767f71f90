"""Frozen, validated parameter sets with units and cited defaults.

A :class:`Params` subclass is a pydantic v2 model that can never hold an invalid value:
construction goes through :meth:`Params.create`, which turns pydantic's
``ValidationError`` into one :class:`~engramlab.core.errors.ParameterError` naming the
field, the rule and the value.

Every field is declared with :func:`param`, which records its unit, the paper its
default comes from and a constraint (bounds for numbers, the choices for a
``Literal``). ``engramlab show ID`` prints exactly this information.

Example
-------
>>> from typing import Annotated
>>> class Demo(Params):
...     n_neurons: int = param(100, unit="1", ge=2, doc="Network size N.",
...                            source="Hopfield 1982")
>>> Demo.create(n_neurons=-1)
Traceback (most recent call last):
...
engramlab.core.errors.ParameterError: parameter 'n_neurons' must be >= 2 (got -1)
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from typing import Any, Self

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import JsonDict

from engramlab.core.errors import ParameterError

__all__ = ["ParamInfo", "Params", "param"]

_NUMERIC_CONSTRAINTS = ("gt", "ge", "lt", "le")


def param(
    default: Any,
    *,
    unit: str,
    doc: str,
    source: str,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    min_length: int | None = None,
) -> Any:
    """Declare a parameter field.

    Parameters
    ----------
    default
        The default value, taken from ``source``.
    unit
        Physical unit (``"ms"``, ``"mV"``, ``"nS"``, ``"pA"``, ``"Hz"``, ``"uM"``, ``"s"``),
        or ``"1"`` for a dimensionless quantity.
    doc
        One sentence: what the parameter is, with its symbol.
    source
        The paper (and table / figure) the default comes from, or why it was chosen.
    gt, ge, lt, le
        Bounds for numbers. For a tuple of numbers they apply to every item.
    min_length
        Minimum length of a tuple parameter.
    """
    extra: JsonDict = {"unit": unit, "source": source}
    if isinstance(default, tuple):
        # Bounds on a tuple apply to its items; pydantic gets them through the item type,
        # see Params.__init_subclass__.
        extra["item_bounds"] = {k: v for k, v in zip(_NUMERIC_CONSTRAINTS, (gt, ge, lt, le),
                                                     strict=True) if v is not None}
        return Field(default, description=doc, json_schema_extra=extra, min_length=min_length)
    # A bound left at None is no constraint (pydantic skips None bounds).
    return Field(default, description=doc, json_schema_extra=extra, gt=gt, ge=ge, lt=lt, le=le)


@dataclasses.dataclass(frozen=True)
class ParamInfo:
    """What ``engramlab show`` prints about one parameter."""

    name: str
    type: str
    default: Any
    unit: str
    constraint: str
    doc: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        """The row as a plain dict (field name -> value), for JSON output."""
        return dataclasses.asdict(self)


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "choice"
    if origin is tuple:
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return f"tuple[{_type_name(args[0])}]" if args else "tuple"
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation)


class Params(BaseModel):
    """Base class of every parameter set: frozen, no unknown fields, always valid.

    Subclasses declare fields with :func:`param`. Tuple fields with ``item_bounds``
    get their bounds enforced item by item.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True,
                              allow_inf_nan=False, protected_namespaces=())

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        changed = False
        for info in cls.model_fields.values():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            bounds = extra.get("item_bounds")
            if bounds and typing.get_origin(info.annotation) is tuple:
                (item,) = {a for a in typing.get_args(info.annotation) if a is not Ellipsis}
                # A type built at run time from the field's own item type: mypy cannot
                # check a variable used as a type.
                info.annotation = tuple[
                    typing.Annotated[item, Field(**bounds)], ...]  # type: ignore[valid-type]
                changed = True
        if changed:
            cls.model_rebuild(force=True)

    # -- construction ---------------------------------------------------------------

    @classmethod
    def create(cls, _context: str = "", /, **values: Any) -> Self:
        """Build a validated instance, raising :class:`ParameterError` on bad input."""
        try:
            return cls(**values)
        except ValidationError as exc:
            raise _to_parameter_error(exc, cls, _context) from None

    def replace(self, _context: str = "", /, **changes: Any) -> Self:
        """A copy with some fields changed, validated like :meth:`create`."""
        return type(self).create(_context, **{**self.model_dump(), **changes})

    @classmethod
    def from_strings(cls, base: Params | None, assignments: Mapping[str, str],
                     context: str = "") -> Self:
        """Apply ``NAME=VALUE`` strings (as given on the command line) to ``base``.

        Values are parsed as JSON where possible (``3``, ``0.5``, ``true``, ``[1, 2]``);
        a tuple field also takes comma-separated items (``load=0.05,0.1``).
        """
        values = base.model_dump() if base is not None else {}
        for name, text in assignments.items():
            if name not in cls.model_fields:
                raise ParameterError(name, f"is unknown; known parameters: "
                                     f"{', '.join(cls.model_fields)}", context=context)
            annotation = cls.model_fields[name].annotation
            values[name] = _parse_value(text, typing.get_origin(annotation) is tuple)
        return cls.create(context, **values)

    # -- description ----------------------------------------------------------------

    @classmethod
    def describe(cls) -> list[ParamInfo]:
        """Name, type, default, unit, constraint, doc and source of every field."""
        rows = []
        for name, info in cls.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            rows.append(ParamInfo(
                name=name,
                type=_type_name(info.annotation),
                default=info.default,
                unit=str(extra.get("unit", "")),
                constraint=_constraint_text(info),
                doc=info.description or "",
                source=str(extra.get("source", "")),
            ))
        return rows

    def to_json(self) -> str:
        """Canonical JSON (sorted keys) for provenance and files."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True)


def _constraint_text(info: Any) -> str:
    parts = []
    symbols = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
    for meta in info.metadata:
        for key, sym in symbols.items():
            value = getattr(meta, key, None)
            if isinstance(meta, getattr(annotated_types, key.capitalize())) and value is not None:
                parts.append(f"{sym} {value}")
        if isinstance(meta, annotated_types.MinLen):
            parts.append(f"length >= {meta.min_length}")
    annotation = info.annotation
    if typing.get_origin(annotation) is typing.Literal:
        parts.append("one of " + ", ".join(map(repr, typing.get_args(annotation))))
    if typing.get_origin(annotation) is tuple:
        (item,) = {a for a in typing.get_args(annotation) if a is not Ellipsis}
        for meta in getattr(item, "__metadata__", ()):
            for sub in getattr(meta, "metadata", [meta]):
                for key, sym in symbols.items():
                    if isinstance(sub, getattr(annotated_types, key.capitalize())):
                        parts.append(f"each {sym} {getattr(sub, key)}")
    if annotation is bool:
        parts.append("true or false")
    return ", ".join(parts)


def _parse_value(text: str, is_tuple: bool) -> Any:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = text
    if is_tuple:
        if isinstance(value, list):
            return tuple(value)
        if isinstance(value, str):
            return tuple(_parse_value(part.strip(), False) for part in value.split(","))
        return (value,)
    return value


_RULES = {
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than": "must be < {lt}",
    "less_than_equal": "must be <= {le}",
    "literal_error": "must be one of {expected}",
    "too_short": "must have at least {min_length} item(s)",
    "extra_forbidden": "is unknown",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "int_type": "must be an integer",
    "bool_parsing": "must be true or false",
    "finite_number": "must be a finite number",
    "tuple_type": "must be a list of values",
}


def _to_parameter_error(exc: ValidationError, cls: type[Params], context: str) -> ParameterError:
    err = exc.errors()[0]
    loc = err["loc"]
    field = str(loc[0]) + "".join(f"[{i}]" for i in loc[1:]) if loc else ""
    template = _RULES.get(err["type"])
    rule = template.format(**err.get("ctx", {})) if template else err["msg"]
    if err["type"] == "extra_forbidden":
        rule += f"; known parameters: {', '.join(cls.model_fields)}"
    value = err.get("input")
    if isinstance(value, (dict, types.MappingProxyType)):
        value = None
    return ParameterError(field, rule, value, context=context)
