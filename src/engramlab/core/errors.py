"""The error hierarchy of engramlab.

Every error engramlab raises on purpose derives from :class:`EngramlabError`, so a
caller can catch them all, and the CLI can tell bad input (exit 2, one line) from a
bug (traceback).
"""

from __future__ import annotations


class EngramlabError(Exception):
    """Base class of every error engramlab raises on purpose."""


class ParameterError(EngramlabError, ValueError):
    """A parameter has a bad name or value.

    Parameters
    ----------
    field
        Path of the offending field, e.g. ``"load"`` or ``"load[0]"``; empty when the
        error is about the whole input.
    rule
        The rule that was broken, in words (``"must be > 0"``).
    value
        The value that broke it (optional).
    context
        Where the field lives, e.g. the experiment id (optional).
    """

    def __init__(
        self, field: str, rule: str, value: object = None, *, context: str = ""
    ) -> None:
        self.field = field
        self.rule = rule
        self.value = value
        self.context = context
        where = f"{context}: " if context else ""
        name = f"parameter '{field}' " if field else ""
        got = f" (got {_shown(value)})" if value is not None else ""
        super().__init__(f"{where}{name}{rule}{got}")


#: The longest value a message shows whole (a 400-digit integer is cut, with its length).
_LONGEST = 100


def _shown(value: object) -> str:
    """``repr(value)``, cut to its first characters when it is longer than ``_LONGEST``."""
    text = repr(value)
    if len(text) <= _LONGEST:
        return text
    return f"{text[:_LONGEST - 20]}... ({len(text)} characters)"


class UnknownExperimentError(ParameterError):
    """No experiment is registered under the requested id."""

    def __init__(self, experiment_id: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            "", f"unknown experiment id {experiment_id!r}{hint} (`engramlab list` shows all)"
        )
        self.experiment_id = experiment_id
        self.suggestions = suggestions


class SimulationError(EngramlabError, FloatingPointError):
    """A simulation produced NaN / inf or diverged.

    Parameters
    ----------
    variable
        Name of the state variable that went bad.
    step
        Integration step (or iteration) at which it was detected.
    detail
        What was seen.
    """

    def __init__(self, variable: str, step: int, detail: str = "non-finite value") -> None:
        self.variable = variable
        self.step = step
        super().__init__(f"{variable}: {detail} at step {step}")
