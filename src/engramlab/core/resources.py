"""What a run will cost, estimated from its parameters, and the guard that checks it.

An experiment estimates the memory and the work of a run from its parameters before
anything is computed (:meth:`engramlab.experiments.Experiment.resources` returns a
:class:`Resources`); :func:`check_resources` compares the estimate with this machine and
with stated limits, and refuses a run that cannot fit with one
:class:`~engramlab.core.errors.ParameterError` naming the parameters, the estimate and
the way out (lower a parameter, or ``allow_large=True`` -- ``--allow-large`` on the
command line).

The limits:

- **memory**: at most :data:`MEMORY_FRACTION` (half) of the memory the machine has
  available now (``MemAvailable`` of ``/proc/meminfo``, else ``os.sysconf``);
- **steps**: at most :data:`MAX_STEPS` sequential steps (time steps, presentations,
  sweeps of an update loop): at the ~1-10 us a vectorized step takes, that is hours;
- **work**: at most :data:`MAX_WORK` elementary updates (one state variable of one
  neuron, synapse or unit advanced by one step): about a day of one core at 1e9 updates
  per second.

Every experiment's full (paper-scale) preset lies far below all three.

>>> from engramlab.core.resources import Resources, format_bytes
>>> format_bytes(Resources(memory_bytes=3 * 2**30).memory_bytes)
'3.0 GiB'
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from engramlab.core.errors import ParameterError

__all__ = [
    "MAX_STEPS",
    "MAX_WORK",
    "MEMORY_FRACTION",
    "Limits",
    "Resources",
    "available_memory_bytes",
    "check_resources",
    "format_bytes",
]

#: The share of the available memory one run may plan to use.
MEMORY_FRACTION = 0.5
#: Sequential steps one run may take.
MAX_STEPS = 1e9
#: Elementary updates one run may make.
MAX_WORK = 1e14


@dataclasses.dataclass(frozen=True)
class Resources:
    """The estimated cost of one run (one seed).

    Parameters
    ----------
    memory_bytes
        Peak memory of the arrays the run holds at once (bytes): state, connectivity,
        recordings and the result.
    steps
        Sequential steps: time steps of every simulated stretch, presentations or
        update sweeps, summed (1).
    work
        Elementary updates: state variables times steps, plus synaptic events (1).
    drivers
        The parameters the estimate grows with, by name (those a user lowers).
    detail
        What was counted, in words (``"1.25e9 synapses, 2.2e4 steps"``).
    """

    memory_bytes: float = 0.0
    steps: float = 0.0
    work: float = 0.0
    drivers: tuple[str, ...] = ()
    detail: str = ""

    def __post_init__(self) -> None:
        for name in ("memory_bytes", "steps", "work"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and value >= 0):
                raise ValueError(f"Resources.{name} must be a number >= 0 (got {value!r})")


@dataclasses.dataclass(frozen=True)
class Limits:
    """The limits a :class:`Resources` estimate is checked against.

    ``memory_bytes=None``: :data:`MEMORY_FRACTION` of :func:`available_memory_bytes`
    (no memory limit where the machine does not say).
    """

    memory_bytes: float | None = None
    steps: float = MAX_STEPS
    work: float = MAX_WORK


def available_memory_bytes() -> int | None:
    """Memory this machine has available for a new process now (bytes), or ``None``.

    ``MemAvailable`` of ``/proc/meminfo`` (Linux: free memory plus the caches that can be
    dropped), else free pages times the page size (``os.sysconf``).
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, AttributeError):
        return None


def format_bytes(n: float) -> str:
    """``n`` bytes in binary units, three significant digits (``'37.3 GiB'``)."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024.0 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1024.0
    raise AssertionError("unreachable")  # pragma: no cover


def check_resources(
    estimate: Resources | None,
    params: Any,
    *,
    context: str = "",
    allow_large: bool = False,
    limits: Limits | None = None,
    reestimate: Callable[[Mapping[str, Any]], Resources | None] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> None:
    """Refuse a run whose estimate exceeds the machine or the stated limits.

    Parameters
    ----------
    estimate
        The run's :class:`Resources`; ``None`` (not estimated) passes.
    params
        The run's parameters (a :class:`~engramlab.core.Params`): the message quotes the
        drivers' values.
    context
        The experiment id, for the message.
    allow_large
        Skip the check (``--allow-large``).
    limits
        The limits (default: :class:`Limits`, i.e. half the available memory,
        :data:`MAX_STEPS`, :data:`MAX_WORK`).
    reestimate, defaults
        ``reestimate(changes)`` estimates the run with some parameters changed, and
        ``defaults`` holds their default values: the driver whose default value lowers
        the estimate most is the parameter the error names.

    Raises
    ------
    ParameterError
        Naming the parameter most responsible, every driver's value, the estimate and
        the limit, before any work is done.
    """
    if estimate is None or allow_large:
        return
    limits = limits or Limits()
    memory_limit = limits.memory_bytes
    available = None
    if memory_limit is None:
        available = available_memory_bytes()
        memory_limit = None if available is None else MEMORY_FRACTION * available
    over: list[tuple[str, str]] = []  # (kind, what the estimate needs against what limit)
    if memory_limit is not None and estimate.memory_bytes > memory_limit:
        have = (f"the machine has {format_bytes(available)} available and a run may plan "
                f"for {MEMORY_FRACTION:.0%} of it" if available is not None
                else f"the limit is {format_bytes(memory_limit)}")
        over.append(("memory_bytes", f"~{format_bytes(estimate.memory_bytes)} of memory "
                                     f"({have})"))
    if estimate.steps > limits.steps:
        over.append(("steps", f"~{estimate.steps:.3g} sequential steps (the limit is "
                              f"{limits.steps:.3g})"))
    if estimate.work > limits.work:
        over.append(("work", f"~{estimate.work:.3g} elementary updates (the limit is "
                             f"{limits.work:.3g}, about a day of one core)"))
    if not over:
        return
    drivers = list(estimate.drivers)
    field, verb = _culprit(estimate, drivers, over[0][0], params, reestimate, defaults)
    if field in drivers:
        drivers.remove(field)
        drivers.insert(0, field)
    values = ", ".join(f"{name}={_show(getattr(params, name, None))}" for name in drivers)
    counted = f" ({estimate.detail})" if estimate.detail else ""
    others = f" (the estimate depends on {', '.join(drivers[1:])} too)" if drivers[1:] else ""
    rule = (f"makes the run too large: with {values} it needs {' and '.join(t for _, t in over)}"
            f"{counted}; {verb} {field or 'the sizes'}{others}, or pass --allow-large "
            "(allow_large=True) to run it anyway")
    raise ParameterError(field, rule, context=context)


def _culprit(estimate: Resources, drivers: Sequence[str], kind: str, params: Any,
             reestimate: Callable[[Mapping[str, Any]], Resources | None] | None,
             defaults: Mapping[str, Any] | None) -> tuple[str, str]:
    """The driver whose default lowers the exceeded estimate most, and what to do.

    The first driver if none does; the advice is ``"lower"``, ``"raise"`` or
    ``"change"`` (a tuple).
    """
    if not drivers:
        return "", "lower"
    if reestimate is None or defaults is None:
        return drivers[0], "lower"
    best, best_value = drivers[0], getattr(estimate, kind)
    for name in drivers:
        if name not in defaults or getattr(params, name, None) == defaults[name]:
            continue
        try:
            other = reestimate({name: defaults[name]})
        except (ParameterError, ValueError, TypeError):
            continue  # the default breaks a rule with the other values: no verdict
        value = getattr(other, kind) if other is not None else math.inf
        if value < best_value:
            best, best_value = name, value
    if best_value == getattr(estimate, kind):
        return best, "change"  # no default value helps: all at their defaults
    now, default = getattr(params, best, None), defaults[best]
    if isinstance(now, (int, float)) and isinstance(default, (int, float)):
        return best, "lower" if default < now else "raise"
    return best, "change"


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple) and len(value) > 4:
        return f"({_show(value[0])}, ..., {_show(value[-1])}) [{len(value)} values]"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    return repr(value)
