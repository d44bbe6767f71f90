"""Frozen, validated parameter sets with units and cited defaults.

A :class:`Params` subclass is a pydantic v2 model that can never hold an invalid value:
construction goes through :meth:`Params.create`, which turns pydantic's
``ValidationError`` into one :class:`~engramlab.core.errors.ParameterError` naming the
field, the rule and the value.

Every field is declared with :func:`param`, which records its unit, the paper its
default comes from and a constraint (bounds for numbers, the choices for a
``Literal``). ``engramlab show ID`` prints exactly this information.

Types are strict, so that no value is silently coerced (pydantic's strict mode on every
``int``, ``float`` and ``bool`` field and tuple item):

- an ``int`` field takes a Python or NumPy integer, never a bool (``True`` is not 1), a
  float (``2.5``, ``1e308``, not even ``3.0``) or a string (``"3"``): "must be an integer";
- a ``float`` field takes any real number (an int too: ``duration_ms=1000``), never a
  bool or a string;
- a ``bool`` field takes ``True`` / ``False`` only.

From Python, a string is never a number. On the command line every value is a string;
:meth:`Params.from_strings` reads it as JSON (``3``, ``0.5``, ``true``, ``[1, 2]``) or as a
Python number literal (``.5``, ``1_000``, ``inf``) before these rules apply, so
``--set n_trials=3`` is the integer 3 and ``--set n_trials=true`` is refused. A misspelled
parameter name gets "did you mean ...".

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
>>> Demo.create(n_neurons=True)
Traceback (most recent call last):
...
engramlab.core.errors.ParameterError: parameter 'n_neurons' must be an integer (got True)
>>> Demo.create(n_neuron=50)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
engramlab.core.errors.ParameterError: parameter 'n_neuron' is unknown (did you mean n_neurons?)...
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import numbers
import operator
import sys
import typing
from collections.abc import Mapping
from typing import Any, Self

import annotated_types
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, ValidationError
from pydantic.json_schema import JsonDict
from pydantic_core import PydanticCustomError

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


def _is_numpy_bool(value: Any) -> bool:
    numpy = sys.modules.get("numpy")  # no NumPy imported: no NumPy bool to meet
    return numpy is not None and isinstance(value, numpy.bool_)


def _as_int(value: Any) -> Any:
    """Before strict ``int`` validation: a NumPy integer is an integer (``np.int64(3)``).

    Anything else goes to pydantic's strict check unchanged, which refuses bools, floats
    and strings; a NumPy bool becomes a bool, so it is refused too.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return operator.index(value)
    if _is_numpy_bool(value):
        return bool(value)
    return value


def _as_float(value: Any) -> Any:
    """Before strict ``float`` validation: NumPy bools and ints too large for a float.

    A NumPy bool becomes a bool, refused by strict mode (which takes it as 1.0
    otherwise); an int too large for a float is not a finite number.
    """
    if _is_numpy_bool(value):
        return bool(value)
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            float(value)
        except OverflowError:
            raise PydanticCustomError("finite_number", "must be a finite number") from None
    return value


#: What every field or tuple item of a scalar type gets: pydantic's strict mode, with the
#: NumPy scalars let through as their Python values (see _as_int, _as_float).
_STRICT: dict[Any, tuple[Any, ...]] = {
    int: (Strict(), BeforeValidator(_as_int)),
    float: (Strict(), BeforeValidator(_as_float)),
    bool: (Strict(), BeforeValidator(lambda v: bool(v) if _is_numpy_bool(v) else v)),
}


def _base_type(annotation: Any) -> Any:
    """``int`` for ``int`` and for ``Annotated[int, ...]``."""
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    return annotation


def _is_strict(metadata: Any) -> bool:
    return any(isinstance(m, Strict) for m in metadata)


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

    # defer_build: a class's validator is built when it is first used, not when its
    # module is imported (a process that uses a few of the ~70 parameter classes, such
    # as the amygdala benchmark, imported engramlab.network ~0.045 s faster)
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True,
                              allow_inf_nan=False, protected_namespaces=(), defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        changed = False
        for info in cls.model_fields.values():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if info.annotation in _STRICT and not _is_strict(info.metadata):
                # Strict types (module docstring); the annotation stays the plain type,
                # which is what describe(), the sweep and the tests read.
                info.metadata = [*info.metadata, *_STRICT[info.annotation]]
                changed = True
            if typing.get_origin(info.annotation) is tuple:
                (item,) = {a for a in typing.get_args(info.annotation) if a is not Ellipsis}
                bounds = extra.get("item_bounds")
                if _is_strict(getattr(item, "__metadata__", ())):
                    continue  # done already, in the class this one derives from
                # The bounds and strict type of the items, on the field's own item type
                # (built at run time: mypy cannot check a variable used as a type).
                if bounds:
                    item = typing.Annotated[item, Field(**typing.cast(dict[str, Any], bounds))]
                if _base_type(item) in _STRICT:
                    item = typing.Annotated[(item, *_STRICT[_base_type(item)])]
                info.annotation = tuple[item, ...]  # type: ignore[valid-type]
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

        Values are parsed as JSON where possible (``3``, ``0.5``, ``true``, ``[1, 2]``),
        and for a numeric field also as a Python number literal (``.5``, ``1_000``,
        ``inf``); anything else stays a string. A tuple field also takes comma-separated
        items (``load=0.05,0.1``). The parsed values are then checked with the strict
        types of :meth:`create`: ``n_trials=true`` and ``n_trials=2.5`` are refused.
        """
        values = base.model_dump() if base is not None else {}
        for name, text in assignments.items():
            if name not in cls.model_fields:
                raise ParameterError(name, _unknown_rule(name, list(cls.model_fields)),
                                     text, context=context)
            annotation = cls.model_fields[name].annotation
            is_tuple = typing.get_origin(annotation) is tuple
            if is_tuple:
                (item,) = {a for a in typing.get_args(annotation) if a is not Ellipsis}
                annotation = item
            numeric = _base_type(annotation) in (int, float)
            values[name] = _parse_value(text, is_tuple, numeric)
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


def _parse_value(text: str, is_tuple: bool, numeric: bool = False) -> Any:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = _number(text.strip()) if numeric else text
    if is_tuple:
        if isinstance(value, list):
            return tuple(value)
        if isinstance(value, str):
            return tuple(_parse_value(part.strip(), False, numeric)
                         for part in value.split(","))
        return (value,)
    return value


def _number(text: str) -> Any:
    """A Python number literal that JSON does not read, as that number.

    ``.5``, ``1.``, ``+3``, ``1_000``, ``inf``; any other text is returned unchanged
    (and then refused as not a number).
    """
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _unknown_rule(name: str, known: list[str]) -> str:
    """``is unknown (did you mean x?); known parameters: ...`` for a misspelled name."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    return f"is unknown{hint}; known parameters: {', '.join(known)}"


#: pydantic's error types in the words of a ParameterError's rule.
_RULES = {
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than": "must be < {lt}",
    "less_than_equal": "must be <= {le}",
    "literal_error": "must be one of {expected}",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} item(s)",
    "missing": "is required",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "int_type": "must be an integer",
    "int_parsing_size": "must be an integer",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "finite_number": "must be a finite number",
    "tuple_type": "must be a list of values",
}

#: The prefixes pydantic puts before the message of a validator's ValueError.
_PREFIXES = ("Value error, ", "Assertion failed, ")


def _to_parameter_error(exc: ValidationError, cls: type[Params], context: str) -> ParameterError:
    """The first error of ``exc`` as a ParameterError naming the user's field.

    A validator (of a field or of the whole model, ``loc == ()``) that raised a
    :class:`ParameterError` is passed on with its own field, rule and value; an unknown
    name gets "did you mean"; pydantic's wording becomes the rule in words (``_RULES``).
    """
    err = exc.errors()[0]
    loc = err["loc"]
    cause = err.get("ctx", {}).get("error")
    if isinstance(cause, ParameterError):
        return ParameterError(cause.field, cause.rule, cause.value,
                              context=context or cause.context)
    field = str(loc[0]) + "".join(f"[{i}]" for i in loc[1:]) if loc else ""
    template = _RULES.get(err["type"])
    if err["type"] == "extra_forbidden":
        rule = _unknown_rule(field, list(cls.model_fields))
    elif template:
        rule = template.format(**err.get("ctx", {}))
    else:
        rule = err["msg"]
        for prefix in _PREFIXES:
            rule = rule.removeprefix(prefix)
    # A model-level error's input is the whole input: not a value to show.
    value = err.get("input") if loc else None
    return ParameterError(field, rule, value, context=context)
