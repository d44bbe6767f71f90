r"""Behavioural protocols as frozen data: epochs, trials, sessions, protocols.

Time is in **milliseconds** everywhere (the unit of the network engine and of the
results' ``time`` dim); :data:`SECOND`, :data:`MINUTE`, :data:`HOUR` and :data:`DAY`
and the functions :func:`seconds`, :func:`minutes`, :func:`hours`, :func:`days` convert.
A protocol of 60 days is 5.2e9 ms, far inside float64's exact integers (2^53).

The hierarchy is the one of a laboratory notebook:

- an :class:`Epoch` is a named stretch of time with stimuli on (``cs=1.0``,
  ``us=1.0``, ``light=1.0``; the value is an intensity in the stimulus' own unit, 1 =
  as given in the paper);
- a :class:`Trial` is a sequence of epochs (baseline, tone, tone + shock);
- a :class:`Session` is a sequence of trials in one context, starting on a day (or
  right after the previous session plus a gap); an offline "sleep" session is a
  session of ``kind="sleep"`` (:func:`sleep`);
- a :class:`Protocol` is the sessions in order.

:meth:`Protocol.resolve` turns it once into a :class:`~engramlab.protocol.Timeline`,
the flat table of epochs with absolute start and stop times that every engine and
every intervention reads.

Example
-------
>>> from engramlab.protocol import Protocol, epoch, trial, session, repeat, days
>>> pairing = trial("pairing", epoch("tone", 20_000, cs=1.0),
...                 epoch("shock", 2_000, cs=1.0, us=1.0), epoch("iti", 60_000))
>>> p = Protocol.of(session("conditioning", repeat(pairing, 3), context="A"),
...                 session("test", [trial("test", epoch("tone", 60_000, cs=1.0))],
...                         context="B", day=1))
>>> tl = p.resolve()
>>> len(tl), tl.spans[-1].start_ms == days(1)
(10, True)
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from engramlab.core.errors import ParameterError

__all__ = ["DAY", "HOUR", "MINUTE", "SECOND", "Epoch", "Protocol", "Session",
           "SessionKind", "Trial", "alternate", "days", "epoch", "hours", "minutes",
           "repeat", "seconds", "session", "sleep", "trial"]

SECOND = 1_000.0  #: ms in a second
MINUTE = 60 * SECOND  #: ms in a minute
HOUR = 60 * MINUTE  #: ms in an hour
DAY = 24 * HOUR  #: ms in a day

SessionKind = Literal["awake", "sleep"]
_KINDS = ("awake", "sleep")


def seconds(x: float) -> float:
    """``x`` seconds in ms.

    Examples
    --------
    >>> seconds(20), seconds(0.5)
    (20000.0, 500.0)
    """
    return float(x) * SECOND


def minutes(x: float) -> float:
    """``x`` minutes in ms.

    Examples
    --------
    >>> minutes(1), minutes(2.5)
    (60000.0, 150000.0)
    """
    return float(x) * MINUTE


def hours(x: float) -> float:
    """``x`` hours in ms.

    Examples
    --------
    >>> hours(6), hours(6) == 6 * 60 * minutes(1)
    (21600000.0, True)
    """
    return float(x) * HOUR


def days(x: float) -> float:
    """``x`` days in ms.

    Examples
    --------
    >>> days(1), days(0.5) == hours(12)
    (86400000.0, True)
    """
    return float(x) * DAY


def _name(field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(field, "must be a non-empty string", value)
    return value


def _number(field: str, value: object, *, positive: bool = False,
            allow_inf: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(field, "must be a number", value)
    v = float(value)
    if math.isnan(v) or (math.isinf(v) and not allow_inf):
        raise ParameterError(field, "must be finite", value)
    if positive and not v > 0:
        raise ParameterError(field, "must be > 0", value)
    if not positive and v < 0:
        raise ParameterError(field, "must be >= 0", value)
    return v


@dataclasses.dataclass(frozen=True)
class Epoch:
    """A named stretch of ``duration_ms`` with ``stimuli`` on.

    ``stimuli`` maps a stimulus name to its intensity (>= 0; 1 = the paper's
    stimulus). Use :func:`epoch` to write them as keywords.

    Examples
    --------
    >>> e = Epoch("shock", 2_000, {"us": 1.0, "cs": 1.0})
    >>> e.duration_ms, e.stimuli  # stimuli are stored sorted by name
    (2000.0, (('cs', 1.0), ('us', 1.0)))
    >>> e.intensity("us"), e.intensity("light")
    (1.0, 0.0)
    """

    name: str
    duration_ms: float
    stimuli: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        _name("epoch.name", self.name)
        object.__setattr__(self, "duration_ms", _number(
            f"epoch[{self.name}].duration_ms", self.duration_ms, positive=True))
        if isinstance(self.stimuli, Mapping):
            items: Iterable[tuple[str, float]] = self.stimuli.items()
        else:
            items = self.stimuli
        norm: dict[str, float] = {}
        for pair in items:
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise ParameterError(f"epoch[{self.name}].stimuli",
                                     "must map stimulus names to intensities", pair)
            key, value = pair
            _name(f"epoch[{self.name}].stimuli", key)
            if key in norm:
                raise ParameterError(f"epoch[{self.name}].stimuli",
                                     f"names {key!r} twice", key)
            norm[key] = _number(f"epoch[{self.name}].stimuli[{key}]", value)
        object.__setattr__(self, "stimuli", tuple(sorted(norm.items())))

    def intensity(self, stimulus: str) -> float:
        """Intensity of ``stimulus`` in this epoch (0 when it is off)."""
        return dict(self.stimuli).get(stimulus, 0.0)


def epoch(name: str, duration_ms: float, **stimuli: float) -> Epoch:
    """An :class:`Epoch`: ``epoch("tone", 20_000, cs=1.0)``.

    Examples
    --------
    >>> e = epoch("tone", 20_000, cs=1.0)
    >>> e.name, e.duration_ms, e.intensity("cs")
    ('tone', 20000.0, 1.0)
    """
    return Epoch(name, duration_ms, tuple(stimuli.items()))


@dataclasses.dataclass(frozen=True)
class Trial:
    """A named sequence of epochs.

    Examples
    --------
    >>> t = Trial("pairing", (epoch("tone", 20_000, cs=1.0), epoch("iti", 60_000)))
    >>> len(t.epochs), t.duration_ms
    (2, 80000.0)
    """

    name: str
    epochs: tuple[Epoch, ...]

    def __post_init__(self) -> None:
        _name("trial.name", self.name)
        eps = tuple(self.epochs) if isinstance(self.epochs, Sequence) else self.epochs
        if not isinstance(eps, tuple) or not eps or not all(isinstance(e, Epoch)
                                                             for e in eps):
            raise ParameterError(f"trial[{self.name}].epochs",
                                 "must be a non-empty sequence of Epoch", self.epochs)
        object.__setattr__(self, "epochs", eps)

    @property
    def duration_ms(self) -> float:
        """Sum of the epochs' durations (ms)."""
        return math.fsum(e.duration_ms for e in self.epochs)


def trial(name: str, *epochs: Epoch) -> Trial:
    """A :class:`Trial` of ``epochs`` in order.

    Examples
    --------
    >>> t = trial("pairing", epoch("tone", 20_000, cs=1.0),
    ...           epoch("shock", 2_000, cs=1.0, us=1.0))
    >>> [e.name for e in t.epochs], t.duration_ms
    (['tone', 'shock'], 22000.0)
    """
    return Trial(name, tuple(epochs))


@dataclasses.dataclass(frozen=True)
class Session:
    """Trials in one ``context``, run back to back (``iti_ms`` between two trials).

    Start: on ``day`` (days after the protocol's start; fractional days give a time
    of day) when given, else ``gap_ms`` after the end of the previous session.
    ``duration_ms``, when given, is the whole session (trials plus idle time to its
    end) and its trials must fit in it. ``kind="sleep"`` marks an offline period
    (no behaviour; regions may replay).

    Examples
    --------
    >>> t = trial("pairing", epoch("tone", 20_000, cs=1.0))
    >>> s = Session("conditioning", (t, t, t), context="A", iti_ms=60_000)
    >>> s.active_ms  # 3 trials of 20 s and 2 gaps of 60 s
    180000.0
    >>> Session("test", (t,), duration_ms=minutes(5)).length_ms
    300000.0
    """

    name: str
    trials: tuple[Trial, ...]
    context: str | None = None
    day: float | None = None
    gap_ms: float = 0.0
    iti_ms: float = 0.0
    duration_ms: float | None = None
    kind: SessionKind = "awake"

    def __post_init__(self) -> None:
        _name("session.name", self.name)
        where = f"session[{self.name}]"
        trials = tuple(self.trials) if isinstance(self.trials, Sequence) else self.trials
        if not isinstance(trials, tuple) or not trials or not all(
                isinstance(t, Trial) for t in trials):
            raise ParameterError(f"{where}.trials", "must be a non-empty sequence of Trial",
                                 self.trials)
        object.__setattr__(self, "trials", trials)
        if self.context is not None:
            _name(f"{where}.context", self.context)
        if self.day is not None:
            object.__setattr__(self, "day", _number(f"{where}.day", self.day))
            if self.gap_ms:
                raise ParameterError(f"{where}.gap_ms", "give either day or gap_ms, not both",
                                     self.gap_ms)
        object.__setattr__(self, "gap_ms", _number(f"{where}.gap_ms", self.gap_ms))
        object.__setattr__(self, "iti_ms", _number(f"{where}.iti_ms", self.iti_ms))
        if self.kind not in _KINDS:
            raise ParameterError(f"{where}.kind", f"must be one of {_KINDS}", self.kind)
        if self.duration_ms is not None:
            d = _number(f"{where}.duration_ms", self.duration_ms, positive=True)
            object.__setattr__(self, "duration_ms", d)
            t = 0.0
            for i, tr in enumerate(self.trials):
                for ep in tr.epochs:
                    t += ep.duration_ms
                    if t > d * (1 + 1e-12):
                        raise ParameterError(
                            f"{where}.duration_ms",
                            f"is shorter than its trials: epoch {ep.name!r} of trial {i} "
                            f"({tr.name!r}) ends at {t:g} ms", d)
                t += self.iti_ms if i + 1 < len(self.trials) else 0.0

    @property
    def active_ms(self) -> float:
        """Trials plus inter-trial intervals (ms)."""
        return math.fsum(t.duration_ms for t in self.trials) + self.iti_ms * (
            len(self.trials) - 1)

    @property
    def length_ms(self) -> float:
        """The whole session: ``duration_ms`` when given, else :attr:`active_ms`."""
        return self.duration_ms if self.duration_ms is not None else self.active_ms


def session(name: str, trials: Iterable[Trial], *, context: str | None = None,
            day: float | None = None, gap_ms: float = 0.0, iti_ms: float = 0.0,
            duration_ms: float | None = None, kind: SessionKind = "awake") -> Session:
    """A :class:`Session` (keywords as the class).

    Examples
    --------
    >>> s = session("test", trial("test", epoch("tone", 60_000, cs=1.0)), context="B", day=1)
    >>> s.context, s.day, len(s.trials), s.length_ms
    ('B', 1.0, 1, 60000.0)
    """
    if isinstance(trials, Trial):
        trials = (trials,)
    return Session(name, tuple(trials), context, day, gap_ms, iti_ms, duration_ms, kind)


def sleep(name: str, duration_ms: float, *, events: int = 1, day: float | None = None,
          gap_ms: float = 0.0, context: str | None = "home cage") -> Session:
    """An offline period of ``duration_ms`` cut into ``events`` equal epochs ``"sleep"``.

    Regions that replay do so once per epoch, so ``events`` is the number of
    reactivation events of the period.

    Examples
    --------
    >>> night = sleep("night", hours(8), events=4)
    >>> night.kind, len(night.trials), night.trials[0].epochs[0].duration_ms == hours(2)
    ('sleep', 4, True)
    """
    if isinstance(events, bool) or not isinstance(events, numbers.Integral) or events < 1:
        raise ParameterError(f"sleep[{name}].events", "must be an integer >= 1", events)
    d = _number(f"sleep[{name}].duration_ms", duration_ms, positive=True)
    ep = Epoch("sleep", d / int(events))
    return Session(name, tuple(Trial("sleep", (ep,)) for _ in range(int(events))),
                   context=context, day=day, gap_ms=gap_ms, kind="sleep")


def repeat(item: Trial, n: int) -> tuple[Trial, ...]:
    """``n`` copies of a trial (the session's ``iti_ms`` separates them).

    Examples
    --------
    >>> trials = repeat(trial("pairing", epoch("tone", 20_000, cs=1.0)), 3)
    >>> len(trials), session("conditioning", trials, iti_ms=60_000).active_ms
    (3, 180000.0)
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ParameterError("repeat.n", "must be an integer >= 1", n)
    if not isinstance(item, Trial):
        raise ParameterError("repeat.item", "must be a Trial", item)
    return (item,) * int(n)


def alternate(items: Sequence[Trial], n: int) -> tuple[Trial, ...]:
    """``items`` in turn, ``n`` trials in all (``a, b, a, b, ...``).

    Examples
    --------
    >>> cs_plus = trial("cs+", epoch("tone", 10_000, cs=1.0))
    >>> cs_minus = trial("cs-", epoch("noise", 10_000))
    >>> [t.name for t in alternate([cs_plus, cs_minus], 5)]
    ['cs+', 'cs-', 'cs+', 'cs-', 'cs+']
    """
    items = tuple(items)
    if not items or not all(isinstance(t, Trial) for t in items):
        raise ParameterError("alternate.items", "must be a non-empty sequence of Trial",
                             items)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ParameterError("alternate.n", "must be an integer >= 1", n)
    return tuple(items[i % len(items)] for i in range(int(n)))


@dataclasses.dataclass(frozen=True)
class Protocol:
    """Sessions in order; :meth:`resolve` gives their :class:`Timeline`.

    Examples
    --------
    >>> t = trial("pairing", epoch("tone", 20_000, cs=1.0))
    >>> p = Protocol.of(session("train", repeat(t, 2), iti_ms=10_000),
    ...                 session("test", t, gap_ms=hours(1)))
    >>> p.starts()  # the test starts 1 h after the 50 s of training end
    (0.0, 3650000.0)
    >>> tl = p.resolve()
    >>> len(tl), tl.end_ms
    (3, 3670000.0)
    """

    sessions: tuple[Session, ...]

    def __post_init__(self) -> None:
        s = tuple(self.sessions) if isinstance(self.sessions, Sequence) else self.sessions
        if not isinstance(s, tuple) or not s or not all(isinstance(x, Session) for x in s):
            raise ParameterError("protocol.sessions", "must be a non-empty sequence of "
                                 "Session", self.sessions)
        names = [x.name for x in s]
        for name in names:
            if names.count(name) > 1:
                raise ParameterError("protocol.sessions", f"name {name!r} twice: give "
                                     "each session its own name", name)
        object.__setattr__(self, "sessions", s)
        self.starts()  # overlap errors before any work

    @classmethod
    def of(cls, *sessions: Session | Iterable[Session]) -> Protocol:
        """A protocol from sessions, or iterables of sessions, in order."""
        flat: list[Session] = []
        for s in sessions:
            if isinstance(s, Session):
                flat.append(s)
            else:
                flat.extend(s)
        return cls(tuple(flat))

    @classmethod
    def by_day(cls, *sessions: Session | Iterable[Session]) -> Protocol:
        """A schedule: sessions that each give their ``day``, put in time order.

        Nights, trainings and tests can then be written in any order (stable for equal
        days).
        """
        flat: list[Session] = []
        for item in sessions:
            flat.extend([item] if isinstance(item, Session) else item)
        for s in flat:
            if s.day is None:
                raise ParameterError(f"session[{s.name}].day", "must be given in a "
                                     "schedule by day")
        return cls(tuple(sorted(flat, key=lambda s: float(s.day or 0.0))))

    def then(self, *sessions: Session | Iterable[Session]) -> Protocol:
        """This protocol followed by ``sessions``."""
        return Protocol.of(*self.sessions, *sessions)

    def session(self, name: str) -> Session:
        """The session called ``name``."""
        for s in self.sessions:
            if s.name == name:
                return s
        raise ParameterError("session", f"names no session of the protocol (it has "
                             f"{[s.name for s in self.sessions]})", name)

    def starts(self) -> tuple[float, ...]:
        """Start time (ms) of each session."""
        out: list[float] = []
        end = 0.0
        prev = None
        for s in self.sessions:
            start = s.day * DAY if s.day is not None else end + s.gap_ms
            if start < end - 1e-9 * max(1.0, end):
                raise ParameterError(f"session[{s.name}].day",
                                     f"starts at {start:g} ms, before session {prev!r} "
                                     f"ends ({end:g} ms)", s.day)
            out.append(start)
            end = start + s.length_ms
            prev = s.name
        return tuple(out)

    def resolve(self):  # -> Timeline (imported lazily to keep the modules acyclic)
        """The flat :class:`~engramlab.protocol.Timeline` of every epoch."""
        from engramlab.protocol._timeline import Timeline
        return Timeline.from_protocol(self)
