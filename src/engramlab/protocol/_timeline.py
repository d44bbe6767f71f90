r"""A protocol resolved once: the flat timeline, and symbolic windows on it.

:class:`Timeline` lists every epoch of a :class:`~engramlab.protocol.Protocol` as a
:class:`Span` with absolute ``start_ms`` / ``stop_ms``. Windows say *when* in the
words of the protocol and resolve to intervals of the timeline (ms):

- :class:`During` -- the epochs matching a session, trial, epoch name, stimulus or
  session kind: "during conditioning" is ``During(session="conditioning")``, "the
  light-on epochs of the test" ``During(session="test", stimulus="light")``;
- :class:`After` -- ``delay_ms`` after the end of another window, lasting
  ``duration_ms`` (0: an instant): "6 h after reactivation" is
  ``After("reactivation", hours(6))``;
- :class:`Before` -- ``lead_ms`` before the start of another window;
- :class:`Interval` -- absolute times.

A window written as a plain string is ``During(session=that string)``. Intervals are
half-open ``[start, stop)``; an instant is ``(t, t)``. An effect with a window acts on
an epoch when the epoch's midpoint lies in one of the window's intervals (the
resolution of the protocol is the epoch: split an epoch to act on part of it).
"""

from __future__ import annotations

import abc
import dataclasses
import math
from collections.abc import Iterator, Sequence

from engramlab.core.errors import ParameterError
from engramlab.protocol._model import Protocol, SessionKind

__all__ = ["After", "Before", "During", "Interval", "Span", "Timeline", "Window",
           "WindowLike", "as_window"]


@dataclasses.dataclass(frozen=True)
class Span:
    """One epoch of a resolved protocol, with its place and absolute times (ms).

    Examples
    --------
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> t = trial("pairing", epoch("tone", 20_000, cs=1.0), epoch("shock", 2_000, us=1.0))
    >>> sp = Protocol.of(session("train", t, context="A")).resolve().spans[1]
    >>> sp.label, sp.start_ms, sp.stop_ms, sp.duration_ms, sp.intensity("us")
    ('train/0/1:shock', 20000.0, 22000.0, 2000.0, 1.0)
    """

    index: int
    session: str
    session_index: int
    trial: str
    trial_index: int
    epoch: str
    epoch_index: int
    start_ms: float
    stop_ms: float
    context: str | None
    kind: SessionKind
    stimuli: tuple[tuple[str, float], ...]

    @property
    def duration_ms(self) -> float:
        """``stop_ms - start_ms``."""
        return self.stop_ms - self.start_ms

    @property
    def label(self) -> str:
        """``"session/trial_index/epoch_index:epoch"``, unique within a timeline."""
        return f"{self.session}/{self.trial_index}/{self.epoch_index}:{self.epoch}"

    def intensity(self, stimulus: str) -> float:
        """Intensity of ``stimulus`` in this epoch (0 when off)."""
        return dict(self.stimuli).get(stimulus, 0.0)


@dataclasses.dataclass(frozen=True)
class Timeline:
    """Every epoch of a protocol in time order, and the sessions' extents.

    Examples
    --------
    >>> from engramlab.protocol import epoch, session, trial
    >>> t = trial("pairing", epoch("tone", 20_000, cs=1.0), epoch("iti", 40_000))
    >>> tl = Protocol.of(session("train", t, context="A"),
    ...                  session("test", t, context="B", day=1)).resolve()
    >>> len(tl), tl.stimuli(), tl.contexts()
    (4, ('cs',), ('A', 'B'))
    >>> tl.extent("test"), tl.end_ms  # day 1 = 86 400 000 ms
    ((86400000.0, 86460000.0), 86460000.0)
    """

    spans: tuple[Span, ...]
    sessions: tuple[tuple[str, float, float], ...]  #: (name, start_ms, stop_ms)

    @classmethod
    def from_protocol(cls, protocol: Protocol) -> Timeline:
        """The timeline of ``protocol``: what :meth:`~engramlab.protocol.Protocol.resolve` gives."""
        spans: list[Span] = []
        extents: list[tuple[str, float, float]] = []
        for si, (s, start) in enumerate(zip(protocol.sessions, protocol.starts(),
                                            strict=True)):
            t = start
            for ti, tr in enumerate(s.trials):
                if ti:
                    t += s.iti_ms
                for ei, ep in enumerate(tr.epochs):
                    spans.append(Span(len(spans), s.name, si, tr.name, ti, ep.name, ei,
                                      t, t + ep.duration_ms, s.context, s.kind,
                                      ep.stimuli))
                    t += ep.duration_ms
            extents.append((s.name, start, start + s.length_ms))
        return cls(tuple(spans), tuple(extents))

    def __len__(self) -> int:
        return len(self.spans)

    def __iter__(self) -> Iterator[Span]:
        return iter(self.spans)

    @property
    def end_ms(self) -> float:
        """End of the last session (ms)."""
        return self.sessions[-1][2]

    def session_names(self) -> tuple[str, ...]:
        """The sessions' names, in time order."""
        return tuple(s[0] for s in self.sessions)

    def stimuli(self) -> tuple[str, ...]:
        """Every stimulus name used, sorted."""
        return tuple(sorted({k for sp in self.spans for k, _ in sp.stimuli}))

    def contexts(self) -> tuple[str, ...]:
        """Every context named, in order of first appearance."""
        seen: dict[str, None] = {}
        for sp in self.spans:
            if sp.context is not None:
                seen.setdefault(sp.context)
        return tuple(seen)

    def extent(self, session: str) -> tuple[float, float]:
        """``(start_ms, stop_ms)`` of ``session``."""
        for name, a, b in self.sessions:
            if name == session:
                return a, b
        raise ParameterError("session", f"names no session of the protocol (it has "
                             f"{list(self.session_names())})", session)


def _merge(intervals: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] and b > out[-1][0] and a != b:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple(out)


class Window(abc.ABC):
    """When, in the words of the protocol; :meth:`resolve` gives intervals (ms).

    Examples
    --------
    >>> from engramlab.protocol import epoch, session, trial
    >>> tl = Protocol.of(session("train", trial("t", epoch("tone", 20_000, cs=1.0),
    ...                                          epoch("iti", 40_000)))).resolve()
    >>> w = During(stimulus="cs")  # any concrete Window
    >>> isinstance(w, Window), w.resolve(tl), [w.covers(tl, sp) for sp in tl]
    (True, ((0.0, 20000.0),), [True, False])
    """

    @abc.abstractmethod
    def resolve(self, timeline: Timeline) -> tuple[tuple[float, float], ...]:
        """Sorted, merged ``[start, stop)`` intervals; errors when nothing matches."""

    def covers(self, timeline: Timeline, span: Span) -> bool:
        """Whether ``span``'s midpoint lies in one of the intervals."""
        mid = 0.5 * (span.start_ms + span.stop_ms)
        return any(a <= mid < b for a, b in self.resolve(timeline))


WindowLike = Window | str


def as_window(w: WindowLike, field: str = "window") -> Window:
    """A :class:`Window`; a string is ``During(session=w)``.

    Examples
    --------
    >>> as_window("conditioning")
    During(session='conditioning', trial=None, epoch=None, stimulus=None, kind=None)
    >>> w = Interval(0.0, 10.0)
    >>> as_window(w) is w
    True
    """
    if isinstance(w, Window):
        return w
    if isinstance(w, str):
        return During(session=w)
    raise ParameterError(field, "must be a Window or a session name", w)


@dataclasses.dataclass(frozen=True)
class During(Window):
    """The epochs matching every criterion given (``None``: any).

    Examples
    --------
    >>> from engramlab.protocol import epoch, repeat, session, trial
    >>> t = trial("pairing", epoch("tone", 20_000, cs=1.0), epoch("iti", 40_000))
    >>> tl = Protocol.of(session("train", repeat(t, 2))).resolve()
    >>> During(session="train", stimulus="cs").resolve(tl)  # the two tones
    ((0.0, 20000.0), (60000.0, 80000.0))
    >>> During(session="train").resolve(tl)  # adjacent epochs merge
    ((0.0, 120000.0),)
    """

    session: str | None = None
    trial: str | None = None
    epoch: str | None = None
    stimulus: str | None = None
    kind: SessionKind | None = None

    def resolve(self, timeline: Timeline) -> tuple[tuple[float, float], ...]:
        if self.session is not None:
            timeline.extent(self.session)  # an unknown name is an error, not "never"
        hits = [(sp.start_ms, sp.stop_ms) for sp in timeline.spans
                if (self.session is None or sp.session == self.session)
                and (self.trial is None or sp.trial == self.trial)
                and (self.epoch is None or sp.epoch == self.epoch)
                and (self.stimulus is None or sp.intensity(self.stimulus) > 0)
                and (self.kind is None or sp.kind == self.kind)]
        if not hits:
            raise ParameterError("window", f"{self!r} matches no epoch of the protocol")
        return _merge(hits)


def _delay(field: str, value: float, *, allow_zero: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) \
            or math.isinf(value):
        raise ParameterError(field, "must be a finite number of ms", value)
    if value < 0 or (value == 0 and not allow_zero):
        raise ParameterError(field, "must be >= 0 (ms)" if allow_zero else "must be > 0 (ms)",
                             value)
    return float(value)


@dataclasses.dataclass(frozen=True)
class After(Window):
    """``delay_ms`` after the end of ``anchor``, lasting ``duration_ms`` (0: instant).

    Examples
    --------
    >>> from engramlab.protocol import epoch, hours, session, trial
    >>> tl = Protocol.of(session("reactivation", trial("t", epoch("tone", 60_000)))).resolve()
    >>> After("reactivation", hours(6)).resolve(tl)  # an instant 6 h after the 1 min session
    ((21660000.0, 21660000.0),)
    >>> After("reactivation", 0.0, duration_ms=hours(1)).resolve(tl)
    ((60000.0, 3660000.0),)
    """

    anchor: WindowLike
    delay_ms: float = 0.0
    duration_ms: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "anchor", as_window(self.anchor, "after.anchor"))
        object.__setattr__(self, "delay_ms", _delay("after.delay_ms", self.delay_ms))
        object.__setattr__(self, "duration_ms", _delay("after.duration_ms",
                                                       self.duration_ms))

    def resolve(self, timeline: Timeline) -> tuple[tuple[float, float], ...]:
        assert isinstance(self.anchor, Window)
        end = self.anchor.resolve(timeline)[-1][1]
        t = end + self.delay_ms
        return ((t, t + self.duration_ms),)


@dataclasses.dataclass(frozen=True)
class Before(Window):
    """``lead_ms`` before the start of ``anchor``, lasting ``duration_ms`` (0: instant).

    Examples
    --------
    >>> from engramlab.protocol import epoch, hours, session, trial
    >>> tl = Protocol.of(session("test", trial("t", epoch("tone", 60_000)), day=1)).resolve()
    >>> Before("test", hours(1), duration_ms=hours(1)).resolve(tl)  # the hour before day 1
    ((82800000.0, 86400000.0),)
    """

    anchor: WindowLike
    lead_ms: float = 0.0
    duration_ms: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "anchor", as_window(self.anchor, "before.anchor"))
        object.__setattr__(self, "lead_ms", _delay("before.lead_ms", self.lead_ms))
        object.__setattr__(self, "duration_ms", _delay("before.duration_ms",
                                                       self.duration_ms))

    def resolve(self, timeline: Timeline) -> tuple[tuple[float, float], ...]:
        assert isinstance(self.anchor, Window)
        t = self.anchor.resolve(timeline)[0][0] - self.lead_ms
        if t < 0:
            raise ParameterError("before.lead_ms", f"puts the window at {t:g} ms, before "
                                 "the protocol starts", self.lead_ms)
        return ((t, t + self.duration_ms),)


@dataclasses.dataclass(frozen=True)
class Interval(Window):
    """``[start_ms, stop_ms)`` in absolute protocol time (``stop_ms = start_ms``: instant).

    Examples
    --------
    >>> from engramlab.protocol import epoch, session, trial
    >>> tl = Protocol.of(session("s", trial("t", epoch("a", 1_000), epoch("b", 1_000)))).resolve()
    >>> w = Interval(1_000.0, 2_000.0)
    >>> w.resolve(tl), [w.covers(tl, sp) for sp in tl]  # epoch midpoints at 500 and 1500 ms
    (((1000.0, 2000.0),), [False, True])
    >>> Interval(5.0).resolve(tl)  # no stop: an instant
    ((5.0, 5.0),)
    """

    start_ms: float
    stop_ms: float | None = None

    def __post_init__(self) -> None:
        a = _delay("interval.start_ms", self.start_ms)
        b = a if self.stop_ms is None else float(self.stop_ms)
        if math.isnan(b) or b < a:
            raise ParameterError("interval.stop_ms", "must be >= start_ms", self.stop_ms)
        object.__setattr__(self, "start_ms", a)
        object.__setattr__(self, "stop_ms", b)

    def resolve(self, timeline: Timeline) -> tuple[tuple[float, float], ...]:
        assert self.stop_ms is not None
        return ((self.start_ms, self.stop_ms),)
