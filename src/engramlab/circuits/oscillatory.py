r"""An oscillatory short-term memory buffer: items in gamma subcycles of a theta cycle.

:class:`OscillatoryBuffer` is a spiking model after Lisman & Idiart (1995, Science
267:1512) and Jensen & Lisman (1998, J. Neurosci. 18:10688): one integrate-and-fire
unit per item; each item fires once per theta cycle, in its own gamma subcycle, and is
brought back to threshold one theta period later by the after-depolarisation (ADP)
that its own spike left behind. Memory is held by this activity-dependent change of
excitability, not by reverberation.

Equations (voltages in mV relative to rest, times in ms). Unit :math:`i`:

.. math::
    \tau_m \dot V_i = -V_i + I_\theta(t) + A_{ADP}\,k(s_i) - G_\gamma(t) - g(t)
                      + I^{stim}_i(t) + \sigma\sqrt{\tau_m}\,\xi_i(t),

a spike when :math:`V_i \ge V_{th}` (then :math:`V_i \to 0`); at most one unit fires
per time step (the one farthest above threshold), :math:`s_i` is the time since unit
:math:`i`'s last spike.

- Theta input: :math:`I_\theta = -A_\theta \cos(2\pi t / T_\theta)`, :math:`T_\theta =
  1/f_\theta` (a subthreshold theta oscillation, 5-12 Hz in Lisman & Idiart 1995).
- ADP: :math:`k(s) = (s/\tau_p)^a e^{a(1 - s/\tau_p)}` (peak 1 at :math:`s = \tau_p`),
  with :math:`\tau_p = c\,T_\theta` (``adp_peak_cycles`` :math:`c`, 1: the ADP peaks
  one theta period after the spike, Lisman & Idiart 1995) and sharpness :math:`a`.
- Gamma: the interneurons' volleys, nested in theta and reset at each theta cycle:
  at local time :math:`u = t \bmod T_\theta`, subcycle :math:`m = \lfloor u /
  T_\gamma\rfloor`, :math:`v = u - m T_\gamma`,
  :math:`G_\gamma = A_\gamma e^{-v / (\rho_\gamma T_\gamma)}` in the
  :math:`n_\gamma = \lfloor T_\theta / T_\gamma \rfloor` complete subcycles, and
  :math:`A_\gamma` (no window) in the incomplete remainder of the theta cycle.
- Feedback inhibition: each spike adds :math:`w_{fb}` to the shared :math:`g`, which
  decays with :math:`\rho_{fb} T_\gamma`: one item per subcycle.
- Stimulus: during an epoch whose stimulus names item :math:`i` (intensity
  :math:`c`), :math:`I^{stim}_i = c\,A_{stim}` until the unit has fired once in that
  epoch.

The activity of an epoch is, per unit, the number of spikes (group ``items``) and the
latency of its first spike from the epoch's start (group ``latency``, ms; NaN if
silent). The theta period is rounded to a whole number of time steps. Defaults
(chosen, tuned by hand so that 3-9 items are held over 5-12 Hz theta and 40-55 Hz
gamma): :math:`\tau_m` 5 ms, :math:`V_{th}` 14 mV, :math:`A_\theta` 2 mV,
:math:`A_{ADP}` 20 mV, :math:`c` 1, :math:`a` 40, :math:`A_\gamma` 30 mV,
:math:`\rho_\gamma` 0.15, :math:`w_{fb}` 40 mV, :math:`\rho_{fb}` 0.18,
:math:`A_{stim}` 17.75 mV, :math:`\sigma` 0.3 mV, :math:`\Delta t` 0.5 ms. The
structure (a subthreshold theta input, an ADP ramp peaking about one theta period
after the spike, gamma-paced feedback inhibition, one memory per gamma subcycle) is
Lisman & Idiart's (1995); their own equations and values were not available here.

Examples
--------
>>> b = OscillatoryBuffer("buffer", items=("a", "b", "c"))
>>> dict(b.groups)
{'items': 3, 'latency': 3}
>>> b.n_subcycles
6
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from engramlab.circuits._region import Effect, Remove, StepContext, TimedRegion, register_effect
from engramlab.core.errors import ParameterError

__all__ = ["OscillatoryBuffer", "adp_kernel"]

Array = np.ndarray


def adp_kernel(s: Array | float, peak_ms: float, sharpness: float) -> Array:
    r"""The ADP's time course :math:`k(s) = (s/\tau_p)^a e^{a(1 - s/\tau_p)}` (0 for s <= 0).

    >>> float(adp_kernel(100.0, 100.0, 10.0))
    1.0
    """
    x = np.asarray(s, float) / peak_ms
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.exp(sharpness * (np.log(np.where(x > 0, x, 1.0)) + 1.0 - x))
    return np.where(x > 0, out, 0.0)


def _number(field: str, v: object, lo: float, hi: float, *, low_open: bool = False) -> None:
    ok = (not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v)
          and (v > lo if low_open else v >= lo) and v <= hi)
    if not ok:
        raise ParameterError(field, f"must be a finite number {'>' if low_open else '>='} "
                             f"{lo} and <= {hi}", v)


@dataclasses.dataclass(frozen=True)
class OscillatoryBuffer(TimedRegion):
    """Item units refreshed every theta cycle by an ADP, one per gamma subcycle.

    Examples
    --------
    Three items presented one per theta cycle (166.5 ms at 6 Hz), then a 1-s delay:
    each item fires once per cycle through the delay, in the order of presentation, one
    gamma subcycle (25 ms) apart.

    >>> from engramlab.circuits import Circuit, Record, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, session, trial
    >>> buffer = OscillatoryBuffer("buffer", items=("a", "b", "c"))
    >>> buffer.theta_ms, buffer.gamma_ms, buffer.n_subcycles
    (166.5, 25.0, 6)
    >>> p = Protocol.of(session("list", trial("t", epoch("a", 167.0, a=1.0),
    ...                                       epoch("b", 167.0, b=1.0),
    ...                                       epoch("c", 167.0, c=1.0), epoch("delay", 1000.0))))
    >>> ds = run_protocol(Circuit((buffer,), settle=1), p, seed=0, record={
    ...     "spikes": Record("spikes", "buffer.items", "cells"),
    ...     "latency": Record("latency", "buffer.latency", "cells")})
    >>> delay = {"event": "list/0/3:delay", "group": "control", "subject": 0}
    >>> ds.spikes.sel(delay).values[:3].tolist()  # spikes of a, b, c in the delay
    [6.0, 6.0, 6.0]
    >>> ds.latency.sel(delay).values[3:].tolist()  # their first spikes in it (ms)
    [14.5, 37.5, 60.5]
    """

    name: str
    items: tuple[str, ...]
    theta_hz: float = 6.0
    gamma_hz: float = 40.0
    tau_m_ms: float = 5.0
    v_th_mv: float = 14.0
    theta_mv: float = 2.0
    adp_mv: float = 20.0
    adp_peak_cycles: float = 1.0
    adp_sharpness: float = 40.0
    gamma_mv: float = 30.0
    gamma_decay: float = 0.15
    feedback_mv: float = 40.0
    feedback_decay: float = 0.18
    stim_mv: float = 17.75
    noise_mv: float = 0.3
    step_ms: float = 0.5

    def __post_init__(self) -> None:
        f = self.name
        if not isinstance(self.name, str) or not self.name or "." in self.name:
            raise ParameterError("oscillatory_buffer.name", "must be a non-empty string "
                                 "without '.'", self.name)
        items = tuple(self.items) if isinstance(self.items, (tuple, list)) else None
        if not items or not all(isinstance(w, str) and w for w in items) \
                or len(set(items)) != len(items):
            raise ParameterError(f"{f}.items", "must be distinct non-empty names",
                                 self.items)
        object.__setattr__(self, "items", items)
        _number(f"{f}.theta_hz", self.theta_hz, 0.0, 100.0, low_open=True)
        _number(f"{f}.gamma_hz", self.gamma_hz, 0.0, 1000.0, low_open=True)
        if self.gamma_hz < self.theta_hz:
            raise ParameterError(f"{f}.gamma_hz", f"must be >= theta_hz ({self.theta_hz})",
                                 self.gamma_hz)
        for name in ("tau_m_ms", "step_ms", "adp_peak_cycles", "gamma_decay",
                     "feedback_decay"):
            _number(f"{f}.{name}", getattr(self, name), 0.0, 1e4, low_open=True)
        for name in ("v_th_mv", "adp_sharpness"):
            _number(f"{f}.{name}", getattr(self, name), 0.0, 1e4, low_open=True)
        for name in ("theta_mv", "adp_mv", "gamma_mv", "feedback_mv", "stim_mv",
                     "noise_mv"):
            _number(f"{f}.{name}", getattr(self, name), 0.0, 1e4)

    @property
    def groups(self) -> Mapping[str, int]:
        """``items`` (spike counts) and ``latency`` (first-spike times), one per item."""
        return {"items": len(self.items), "latency": len(self.items)}

    @property
    def dt_ms(self) -> float:
        """The time step (ms)."""
        return float(self.step_ms)

    @property
    def theta_ms(self) -> float:
        """The theta period :math:`T_\\theta` (ms), rounded to whole time steps."""
        return max(1, round(1e3 / float(self.theta_hz) / self.step_ms)) * float(self.step_ms)

    @property
    def gamma_ms(self) -> float:
        """The gamma period :math:`T_\\gamma` (ms)."""
        return 1e3 / float(self.gamma_hz)

    @property
    def n_subcycles(self) -> int:
        """Complete gamma subcycles per theta cycle (the floor of the period ratio)."""
        return math.floor(self.theta_ms / self.gamma_ms + 1e-9)

    def init(self, n_subjects: int, rng: np.random.Generator) -> dict[str, Any]:
        """Naive networks: at rest, no spike yet, no inhibition."""
        n = len(self.items)
        return {"v": np.zeros((n_subjects, n)), "last": np.full((n_subjects, n), -1e12),
                "g": np.zeros(n_subjects), "alive": np.ones(n_subjects, bool),
                "trace": np.zeros((n_subjects, 0, 2 * n))}

    def gamma_inhibition(self, t_ms: float) -> float:
        """:math:`G_\\gamma(t)` (mV), the nested gamma volleys (module docstring)."""
        tt, tg = self.theta_ms, self.gamma_ms
        u = t_ms - math.floor(t_ms / tt + 1e-12) * tt
        m = math.floor(u / tg + 1e-12)
        if m >= self.n_subcycles:
            return float(self.gamma_mv)
        return float(self.gamma_mv) * math.exp(-(u - m * tg) / (self.gamma_decay * tg))

    def step(self, state: Any, inputs: Mapping[str, Array],
             ctx: StepContext) -> tuple[Any, Array]:
        """Integrate the epoch (module docstring); counts and first-spike latencies."""
        n_steps = self.n_steps(ctx.span)
        dt, n = self.dt_ms, len(self.items)
        v, last, g = state["v"].copy(), state["last"].copy(), state["g"].copy()
        b = v.shape[0]
        alive = state["alive"]
        c = np.array([0.0 if ctx.sleeping else ctx.span.intensity(w) for w in self.items])
        extra = inputs.get("input")
        ext = np.zeros((b, n)) if extra is None else np.asarray(extra, float)[:, :n]
        decay = math.exp(-dt / self.tau_m_ms)
        fb_decay = math.exp(-dt / (self.feedback_decay * self.gamma_ms))
        noise = self.noise_mv * math.sqrt(1.0 - decay ** 2)
        rng = ctx.rng
        counts = np.zeros((b, n))
        latency = np.full((b, n), np.nan)
        fired = np.zeros((b, n), bool)
        rows = np.arange(b)
        t0 = ctx.span.start_ms
        peak = self.adp_peak_cycles * self.theta_ms
        spikes = np.zeros((b, n_steps, n), np.int8)
        for k in range(n_steps):
            t = t0 + k * dt
            drive = (-self.theta_mv * math.cos(2 * math.pi * t / self.theta_ms)
                     - self.gamma_inhibition(t))
            i_tot = (drive + self.adp_mv * adp_kernel(t - last, peak, self.adp_sharpness)
                     - g[:, None] + ext + self.stim_mv * c * ~fired)
            v = i_tot + (v - i_tot) * decay
            if noise > 0:
                v = v + noise * rng.standard_normal((b, n))
            g = g * fb_decay
            above = (v >= self.v_th_mv) & alive[:, None]
            hit = above.any(axis=1)
            if hit.any():
                j = np.argmax(np.where(above, v, -np.inf), axis=1)
                r, jj = rows[hit], j[hit]
                v = np.where(above, np.minimum(v, self.v_th_mv - 1e-9), v)
                v[r, jj] = 0.0
                last[r, jj] = t
                g[r] += self.feedback_mv
                counts[r, jj] += 1
                new = ~fired[r, jj]
                latency[r[new], jj[new]] = k * dt
                fired[r, jj] = True
                spikes[r, k, jj] = 1
        act = np.concatenate([counts, latency], axis=1)
        lat_tc = np.where(spikes > 0, (np.arange(n_steps) * dt)[None, :, None], np.nan)
        new_state = {**state, "v": v, "last": last, "g": g,
                     "trace": np.concatenate([spikes.astype(float), lat_tc], axis=2)}
        return new_state, act

    def time_course(self, state: Any) -> Array:
        """Spikes per step ``(subjects, steps, items)`` then the spike times (ms)."""
        return np.asarray(state["trace"])


def _remove(region: OscillatoryBuffer, effect: Effect, state: Any) -> Any:
    return {**state, "alive": np.zeros_like(state["alive"])}


register_effect(OscillatoryBuffer, Remove, instant=_remove)
