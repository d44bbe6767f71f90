r"""Interventions on sleep replay: disrupt it, or restrict it to recent memories.

:class:`DisruptReplay` (:func:`disrupt_replay`)
    The closed-loop suppression of sharp-wave ripples during post-training sleep of
    Girardeau et al. (2009) and Ego-Stengel & Wilson (2010): in every sleep epoch of the
    window, the output of the replaying region is multiplied by :math:`1 - f`
    (:class:`~engramlab.circuits.Gain`), so a replayed code reaches no other region
    (:math:`f = 1`: every ripple suppressed). Awake epochs are untouched even inside the
    window: the stimulation was triggered by ripples during rest, and the sleep-wake
    structure was unchanged.
:class:`RecentReplay` (:func:`replay_recent_only`)
    The index replays only the codes it stored at or after the start of ``since``
    (:class:`~engramlab.circuits.regions.ReplaySince`), in the sleep epochs of
    ``window``: replay of the new memory alone, without the interleaved replay of older
    ones that complementary-learning-systems theory requires to avoid catastrophic
    interference (McClelland, McNaughton & O'Reilly 1995; Káli & Dayan 2004).

Both are frozen descriptions resolved against the protocol by ``schedule`` (see
:mod:`engramlab.circuits`), so their windows are written in the protocol's words and a
window that matches no sleep epoch is an error before any work.

Example
-------
>>> from engramlab.interventions.replay import disrupt_replay
>>> iv = disrupt_replay("hippocampus")  # every night of the protocol
>>> iv.fraction
1.0
"""

from __future__ import annotations

import dataclasses
import math

from engramlab.circuits import Circuit, Gain, Intervention, Scheduled
from engramlab.circuits.regions import ReplaySince
from engramlab.core.errors import ParameterError
from engramlab.protocol import Interval, Timeline, Window, WindowLike, as_window

__all__ = ["DisruptReplay", "RecentReplay", "disrupt_replay", "replay_recent_only"]


def _sleep_intervals(window: Window | None, timeline: Timeline,
                     field: str) -> tuple[tuple[float, float], ...]:
    """The sleep epochs (as intervals) whose midpoint ``window`` covers."""
    spans = [sp for sp in timeline.spans if sp.kind == "sleep"
             and (window is None or window.covers(timeline, sp))]
    if not spans:
        raise ParameterError(field, "covers no sleep epoch of the protocol", window)
    out: list[tuple[float, float]] = []
    for sp in spans:  # one interval per night: its epochs are back to back
        if out and sp.start_ms <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], sp.stop_ms))
        else:
            out.append((sp.start_ms, sp.stop_ms))
    return tuple(out)


@dataclasses.dataclass(frozen=True)
class _Epochs(Window):
    """Fixed intervals of a resolved timeline (the sleep epochs of a window)."""

    intervals: tuple[tuple[float, float], ...]

    def resolve(self, timeline: Timeline) -> tuple[tuple[float, float], ...]:
        return self.intervals


@dataclasses.dataclass(frozen=True)
class DisruptReplay(Intervention):
    """Suppress a fraction of the replay events of ``region`` in the sleep of ``window``.

    Parameters
    ----------
    region
        The replaying region (an :class:`~engramlab.circuits.IndexRegion`).
    window
        When (``None``: every sleep epoch of the protocol); only its sleep epochs are
        affected.
    fraction
        :math:`f \\in [0, 1]`, the part of each replayed code's output removed (1: the
        ripple is abolished, Girardeau et al. 2009).

    Examples
    --------
    >>> from engramlab.circuits.regions import IndexRegion
    >>> from engramlab.protocol import Protocol, epoch, hours, session, sleep, trial
    >>> circuit = Circuit((IndexRegion("hippocampus", {"index": 20}, k=2),))
    >>> tl = Protocol.of(session("training", trial("t", epoch("tone", 60_000))),
    ...                  sleep("night", hours(8), events=2, gap_ms=hours(1))).resolve()
    >>> (s,) = DisruptReplay(fraction=0.8).schedule(tl, circuit)
    >>> round(s.effect.factor, 4), s.window.resolve(tl)  # the whole night, 1 h after training
    (0.2, ((3660000.0, 32460000.0),))
    """

    region: str = "hippocampus"
    window: WindowLike | None = None
    fraction: float = 1.0

    def __post_init__(self) -> None:
        if not isinstance(self.region, str) or not self.region:
            raise ParameterError("disrupt_replay.region", "must name a region", self.region)
        if self.window is not None:
            object.__setattr__(self, "window", as_window(self.window,
                                                         "disrupt_replay.window"))
        f = self.fraction
        if isinstance(f, bool) or not isinstance(f, (int, float)) or not (
                math.isfinite(f) and 0.0 <= f <= 1.0):
            raise ParameterError("disrupt_replay.fraction", "must be between 0 and 1", f)

    def schedule(self, timeline: Timeline, circuit: Circuit) -> tuple[Scheduled, ...]:
        """A :class:`~engramlab.circuits.Gain` of ``1 - fraction`` on the sleep epochs."""
        w = self.window if isinstance(self.window, Window) else None
        epochs = _sleep_intervals(w, timeline, "disrupt_replay.window")
        return (Scheduled(self.region, Gain(1.0 - float(self.fraction)), _Epochs(epochs)),)


def disrupt_replay(region: str = "hippocampus", window: WindowLike | None = None,
                   fraction: float = 1.0) -> DisruptReplay:
    """Suppress replay in ``region`` during the sleep of ``window`` (default: all sleep).

    ``disrupt_replay("hippocampus", During(kind="sleep"))``.

    Examples
    --------
    >>> from engramlab.protocol import During
    >>> iv = disrupt_replay("hippocampus", During(kind="sleep"), fraction=0.5)
    >>> iv.region, iv.fraction, iv.window.kind
    ('hippocampus', 0.5, 'sleep')
    """
    return DisruptReplay(region, window, fraction)


@dataclasses.dataclass(frozen=True)
class RecentReplay(Intervention):
    """``region`` replays only codes stored since the start of ``since``.

    Parameters
    ----------
    since
        The window whose start separates recent from old codes (e.g. the session where
        the new memory is learned).
    region
        The replaying :class:`~engramlab.circuits.IndexRegion`.
    window
        The sleep affected (``None``: every sleep epoch after the start of ``since``).

    Examples
    --------
    >>> from engramlab.circuits.regions import IndexRegion
    >>> from engramlab.protocol import Protocol, epoch, hours, session, sleep, trial
    >>> circuit = Circuit((IndexRegion("hippocampus", {"index": 20}, k=2),))
    >>> t = trial("t", epoch("tone", 60_000))
    >>> tl = Protocol.of(session("old", t), sleep("night 1", hours(8), gap_ms=hours(1)),
    ...                  session("new", t, day=1), sleep("night 2", hours(8))).resolve()
    >>> (s,) = RecentReplay("new").schedule(tl, circuit)
    >>> s.effect.since_ms, s.window.resolve(tl)  # from day 1 on: night 2 only
    (86400000.0, ((86460000.0, 115260000.0),))
    """

    since: WindowLike
    region: str = "hippocampus"
    window: WindowLike | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "since", as_window(self.since, "replay_recent_only.since"))
        if not isinstance(self.region, str) or not self.region:
            raise ParameterError("replay_recent_only.region", "must name a region",
                                 self.region)
        if self.window is not None:
            object.__setattr__(self, "window", as_window(self.window,
                                                         "replay_recent_only.window"))

    def schedule(self, timeline: Timeline, circuit: Circuit) -> tuple[Scheduled, ...]:
        """A :class:`~engramlab.circuits.regions.ReplaySince` on the sleep epochs."""
        assert isinstance(self.since, Window)
        t0 = self.since.resolve(timeline)[0][0]
        w = self.window if isinstance(self.window, Window) else Interval(
            t0, timeline.end_ms)
        epochs = _sleep_intervals(w, timeline, "replay_recent_only.window")
        return (Scheduled(self.region, ReplaySince(t0), _Epochs(epochs)),)


def replay_recent_only(since: WindowLike, region: str = "hippocampus",
                       window: WindowLike | None = None) -> RecentReplay:
    """Replay in ``region`` restricted to codes stored since ``since`` began.

    ``replay_recent_only("new conditioning")``.

    Examples
    --------
    >>> iv = replay_recent_only("new conditioning")
    >>> iv.region, iv.since.session, iv.window
    ('hippocampus', 'new conditioning', None)
    """
    return RecentReplay(since, region, window)

