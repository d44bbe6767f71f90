"""Behavioural protocols as data: sessions of trials of epochs, and windows in time.

A pure, frozen layer below the models (it imports only :mod:`engramlab.core`). Time is
in ms throughout. Build a :class:`Protocol` from :func:`session`, :func:`trial` and
:func:`epoch` (helpers :func:`repeat`, :func:`alternate`, :func:`sleep`, day offsets);
:meth:`Protocol.resolve` gives the :class:`Timeline` every engine and intervention
reads; :class:`During`, :class:`After`, :class:`Before` and :class:`Interval` say
*when* in the words of the protocol ("6 h after reactivation"). See
``docs/circuits.md`` for a worked example.
"""

from engramlab.protocol._model import (
    DAY,
    HOUR,
    MINUTE,
    SECOND,
    Epoch,
    Protocol,
    Session,
    SessionKind,
    Trial,
    alternate,
    days,
    epoch,
    hours,
    minutes,
    repeat,
    seconds,
    session,
    sleep,
    trial,
)
from engramlab.protocol._timeline import (
    After,
    Before,
    During,
    Interval,
    Span,
    Timeline,
    Window,
    WindowLike,
    as_window,
)

__all__ = ["DAY", "HOUR", "MINUTE", "SECOND", "After", "Before", "During", "Epoch",
           "Interval", "Protocol", "Session", "SessionKind", "Span", "Timeline", "Trial",
           "Window", "WindowLike", "alternate", "as_window", "days", "epoch", "hours",
           "minutes", "repeat", "seconds", "session", "sleep", "trial"]
