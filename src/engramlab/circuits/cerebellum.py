r"""The cerebellum: a granule time basis, PF-Purkinje LTD / LTP and a learning nucleus.

The two learning sites of Raymond, Lisberger & Mauk (1996): the cerebellar cortex and
the deep (or vestibular) nucleus with its own mossy-fibre plasticity.

:class:`Cerebellum` is a :class:`~engramlab.circuits.TimedRegion`: within each epoch it
simulates time in steps of ``dt_ms``, so a Purkinje pause can be timed to the US and a
VOR cycle resolved. Its input groups receive the protocol's stimuli through pathways
(from a :class:`~engramlab.circuits.Sensory` region): ``mossy`` the conditioned stimulus
(``mode="cs"``, a tone) or the head rotation (``mode="head"``), ``climbing`` the US (an
air puff) or the visual world seen through lenses. Its cells: ``mossy``, ``climbing``,
``granule``, ``purkinje`` (one cell), ``nucleus`` (one cell: the interpositus or the
vestibular nucleus), ``output`` (one cell: the eyelid CR, or the eye velocity).

Mossy fibres and granule cells
    ``mode="cs"``: mossy fibres fire while the CS is on, with intensity :math:`c` (the
    mean input to ``mossy``): :math:`m(t) = c`. The granule layer turns the CS into a
    reproducible sequence of active cells after CS onset (the time basis of Medina &
    Mauk 2000 and Yamazaki & Tanaka 2007, here in its documented simple form: cells
    with log-spaced delayed responses, as the spectral timing of Grossberg & Schmajuk
    1989 and the microstimuli of Ludvig, Sutton & Kehoe 2008):

    .. math:: g_j(t) = m(t)\,\exp\!\Big(-\frac{\ln^2(t_\mathrm{cs}/\tau_j)}{2\sigma^2}\Big),

    :math:`t_\mathrm{cs}` the time since CS onset (ms), :math:`\tau_j` the cell's delay,
    drawn log-uniformly within each of ``n_granule`` equal log-bins of ``[min_delay_ms,
    max_delay_ms]`` per subject (its seed: the same sequence on every trial),
    :math:`\sigma` the log-width (``basis_width``: a response's width grows with its
    delay, the scalar property of timing). The mossy
    input to the nucleus is phasic-tonic, :math:`m_N(t) = c\,[1 + \phi\,e^{-t_\mathrm{cs}
    / \tau_\phi}]` (pontine tone responses, Aitkin & Boyd 1978).

    ``mode="head"``: the head turns at ``frequency_hz`` with amplitude :math:`a` (the
    mean input to ``mossy``), :math:`h(t) = a \sin(2\pi f t)` (normalised head velocity;
    :math:`t` from the epoch's start). Mossy fibres are push-pull, half of them
    :math:`m_i = [1 + h]_+`, half :math:`[1 - h]_+` (the vestibular afferents of both
    sides); granule cell :math:`j` relays mossy cell :math:`j \bmod n_\mathrm{mossy}`.

Purkinje cell and nucleus
    :math:`P(t) = G\,(P_0 + \sum_j w_j g_j(t))` with :math:`P_0` its spontaneous rate and
    :math:`G` the gain of the Purkinje cell (1; 0 after a lesion or an inactivation of
    the cortex, a :class:`~engramlab.circuits.Gain` on ``purkinje``). The nucleus sums
    the mossy-fibre collaterals and the Purkinje inhibition, :math:`N(t) = \sum_i v_i
    m_{N,i}(t) - \gamma P(t)`; its response is taken from its level at rest (no
    mossy-fibre modulation: CS off, head still), :math:`x(t) = N(t) - N_\mathrm{rest}`.
    ``mode="cs"``: the eyelid closes with :math:`[x]_+` through the eyelid's time
    constant, :math:`\tau_e\,\dot y = -y + [x]_+` (exact exponential steps), :math:`y` the
    CR. ``mode="head"``: the eye turns against the head, :math:`e(t) = -x(t)` (the VOR);
    the VOR gain is :math:`-\langle e h \rangle / \langle h^2 \rangle`.

Climbing fibre
    ``mode="cs"``: one climbing-fibre spike at the US onset (the first step of an epoch
    with the US on that follows one without it). ``mode="head"``: the inferior olive
    fires at :math:`r(t) = [r_0 + \kappa\,(M h(t) + e(t))]_+` Hz with :math:`M` the
    magnification of the world seen (the mean input to ``climbing``; off = darkness,
    :math:`r = r_0`): image motion on the retina, signed so that LTD corrects it (the
    flocculus hypothesis of Ito 1982).

PF-Purkinje plasticity (site 1)
    A PF sample at step :math:`k` is *eligible* for the climbing-fibre spikes
    :math:`c_{k'}` (count in step :math:`k'`) that follow it within the window
    :math:`W` (``window_ms``): :math:`n_k = \sum_{0 < k' - k \le W/\Delta t} c_{k'}`. Its
    LTD drive is :math:`B_j = \sum_k g_j(t_k)\, n_k \Delta t`, its LTP drive
    :math:`A_j = \sum_k g_j(t_k) \max(0, 1 - n_k) \Delta t` (PF activity not followed by
    a CF spike within :math:`W`): LTD when PF activity precedes the climbing fibre within
    the window, weak LTP otherwise (Medina & Mauk 1999; Yamazaki & Tanaka 2007, with
    :math:`W` = 50 ms; 50-150 ms in VOR models). The weights follow
    :math:`\dot w_j = \eta_+ A_j (w_\max - w_j) - \phi_\mathrm{LTD}\,\eta_- B_j w_j`
    integrated exactly over the epoch's drives (soft bounds :math:`[0, w_\max]`;
    :math:`\Delta t` in s), :math:`\phi_\mathrm{LTD}` the learning factor of the epoch
    (a :class:`~engramlab.circuits.ScaleLearning`: the LTD-expression block of
    Schonewille et al. 2011's mutants). A sample's drive is settled once no later CF can
    reach it (:math:`W` after it), so the window spans epochs; the samples settled at
    the end of one epoch are applied together, as one exact step.

Mossy fibre - nucleus plasticity (site 2)
    Guided by the Purkinje cell (Medina & Mauk 1999; Raymond et al. 1996): with
    :math:`\theta(t) = G(P_0 + \bar w \sum_j g_j(t))` the Purkinje signal of a cell whose
    PF weights were all at their mean :math:`\bar w` (no learned pattern), a mossy fibre
    active while the Purkinje cell is below it (a learned pause) potentiates, and
    depresses while it is above (so a uniform change of every PF weight teaches the
    nucleus nothing):
    :math:`\dot v_i = \eta_N [(v_\max - v_i) \sum_k m_i [\theta - P]_+ \Delta t - v_i
    \sum_k m_i [P - \theta]_+ \Delta t]`, integrated exactly per epoch, :math:`v_\max`
    (``nucleus_max``) the bound of the summed weight, :math:`n_\mathrm{mossy} v_i`. Without Purkinje
    output (:math:`G = 0`) the nucleus does not learn.

Effects: :class:`~engramlab.circuits.Remove` (a lesion of the whole cerebellar module:
no output, no learning), :class:`~engramlab.circuits.Gain` (``cells="purkinje"``: the
cortex lesioned or inactivated, the nucleus driven by the mossy-fibre site alone; other
groups: their activity), :class:`~engramlab.circuits.ScaleLearning` (PF-LTD).

Trials: a trial's first epoch starts at rest (the inter-trial interval is long against
every time constant here); the time since CS onset and the eyelid carry across the
epochs of one trial. ``mode="head"`` simulates one cycle of the epoch's rotation, the
cycles of an epoch being identical at fixed weights; its plasticity is that cycle's
drive times the epoch's number of cycles :math:`T f` (an epoch must hold a whole number
of cycles).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from engramlab.circuits._region import (
    Effect,
    Gain,
    Remove,
    StepContext,
    TimedRegion,
    cell_mask,
    register_effect,
)
from engramlab.core.errors import ParameterError

__all__ = ["Cerebellum", "eligibility", "pf_drives", "pf_update", "vor_gain"]

Array = np.ndarray
Mode = Literal["cs", "head"]


def eligibility(cf: Array, n_window: int) -> Array:
    """CF spikes following each step within ``n_window`` steps, ``(..., T)``.

    :math:`n_k = \\sum_{0 < k' - k \\le n_W} c_{k'}` along the last axis.
    """
    c = np.asarray(cf, float)
    if n_window <= 0:
        return np.zeros_like(c)
    cs = np.concatenate([np.zeros((*c.shape[:-1], 1)), np.cumsum(c, axis=-1)], axis=-1)
    t = c.shape[-1]
    k = np.arange(t)
    hi = np.minimum(k + n_window, t - 1) + 1
    return cs[..., hi] - cs[..., k + 1]


def pf_drives(g: Array, n: Array, dt_ms: float) -> tuple[Array, Array]:
    """LTP and LTD drives ``(A, B)`` of each PF, ``(subjects, granule)`` (activity x s).

    ``g``: granule activity ``(subjects, T, granule)``; ``n``: CF spikes in the window
    after each sample ``(subjects, T)``.
    """
    dt = dt_ms / 1000.0
    a = np.einsum("stj,st->sj", g, np.maximum(0.0, 1.0 - n)) * dt
    b = np.einsum("stj,st->sj", g, n) * dt
    return a, b


def pf_update(w: Array, a: Array, b: Array, ltp: float, ltd: float,
              w_max: float) -> Array:
    """The new weights: :math:`\\dot w = \\eta_+ A (w_\\max - w) - \\eta_- B w`, exact.

    Integrated over unit time with the drives ``a``, ``b`` held (soft bounds).
    """
    up, down = ltp * a, ltd * b
    rate = up + down
    with np.errstate(invalid="ignore", divide="ignore"):
        w_inf = np.where(rate > 0, up * w_max / np.where(rate > 0, rate, 1.0), w)
    return w_inf + (w - w_inf) * np.exp(-rate)


def vor_gain(eye: Array, head: Array) -> Array:
    """VOR gain :math:`-\\langle e h\\rangle / \\langle h^2\\rangle` over the last axis."""
    e, h = np.asarray(eye, float), np.asarray(head, float)
    return -(e * h).sum(axis=-1) / (h * h).sum(axis=-1)


def _num(name: str, field: str, v: object, *, lo: float | None = None,
         hi: float | None = None, positive: bool = False) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ParameterError(f"{name}.{field}", "must be a finite number", v)
    if positive and not v > 0:
        raise ParameterError(f"{name}.{field}", "must be > 0", v)
    if lo is not None and v < lo:
        raise ParameterError(f"{name}.{field}", f"must be >= {lo:g}", v)
    if hi is not None and v > hi:
        raise ParameterError(f"{name}.{field}", f"must be <= {hi:g}", v)
    return float(v)


def _int(name: str, field: str, v: object, lo: int) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
        raise ParameterError(f"{name}.{field}", f"must be an integer >= {lo}", v)
    return int(v)


@dataclasses.dataclass(frozen=True)
class Cerebellum(TimedRegion):
    """A cerebellar module: granule basis, Purkinje cell, nucleus (module docstring).

    Defaults: ``window_ms`` 50 (Yamazaki & Tanaka 2007), the rest chosen and stated in
    the experiments that use the region.

    Examples
    --------
    Eyeblink conditioning in small: 30 pairings of a 300-ms tone (CS) ending in a 50-ms
    air puff (US), then a CS-alone probe; the senses drive the mossy and climbing fibres
    one-to-one. The Purkinje cell learns a pause timed just before the US:

    >>> from engramlab.circuits import Circuit, OneToOne, Pathway, Record, Sensory, run_protocol
    >>> from engramlab.protocol import Protocol, epoch, repeat, seconds, session, trial
    >>> cb = Cerebellum(n_granule=20, step_ms=10.0, basis_ms=1000.0)
    >>> dict(cb.groups)
    {'mossy': 2, 'climbing': 1, 'granule': 20, 'purkinje': 1, 'nucleus': 1, 'output': 1}
    >>> senses = Sensory("senses", (("cs", 2), ("us", 1)), coding=1.0, context_cells=1)
    >>> circuit = Circuit((senses, cb), (
    ...     Pathway("cs-mossy", "senses.cs", "cerebellum.mossy", OneToOne()),
    ...     Pathway("us-climbing", "senses.us", "cerebellum.climbing", OneToOne())), settle=1)
    >>> pairing = trial("pairing", epoch("cs", 300.0, cs=1.0), epoch("us", 50.0, cs=1.0, us=1.0))
    >>> p = Protocol.of(session("training", repeat(pairing, 30), iti_ms=seconds(20)),
    ...                 session("test", trial("probe", epoch("cs", 600.0, cs=1.0)), day=1))
    >>> ds = run_protocol(circuit, p, seed=0,
    ...                   record={"pk": Record("pk", "cerebellum.purkinje", "trace")})
    >>> pk = ds.pk.sel(group="control", subject=0).values  # (event, 10-ms step)
    >>> change = pk[-1, :30] - pk[0, :30]  # probe minus first pairing, first 300 ms
    >>> int(change.argmin()) * ds.pk.attrs["dt_ms"], round(float(change.min()), 2)
    (240.0, -1.3)
    """

    name: str = "cerebellum"
    mode: Mode = "cs"
    n_mossy: int = 2
    n_climbing: int = 1
    n_granule: int = 60
    step_ms: float = 5.0
    min_delay_ms: float = 10.0
    max_delay_ms: float = 2000.0
    basis_width: float = 0.2
    basis_ms: float = 2500.0
    window_ms: float = 50.0
    ltd_rate: float = 2.0
    ltp_rate: float = 0.05
    w_init: float = 0.8
    w_max: float = 1.0
    purkinje_rest: float = 1.0
    purkinje_weight: float = 1.0
    nucleus_rate: float = 0.0
    nucleus_init: float = 0.0
    nucleus_max: float = 5.0
    phasic: float = 0.0
    phasic_tau_ms: float = 50.0
    eyelid_tau_ms: float = 30.0
    frequency_hz: float = 1.0
    cf_rest_hz: float = 1.0
    cf_slip_hz: float = 1.0

    def __post_init__(self) -> None:
        n = self.name
        if not isinstance(n, str) or not n or "." in n:
            raise ParameterError("cerebellum.name", "must be a non-empty name without '.'",
                                 n)
        if self.mode not in ("cs", "head"):
            raise ParameterError(f"{n}.mode", "must be 'cs' or 'head'", self.mode)
        _int(n, "n_mossy", self.n_mossy, 1)
        _int(n, "n_climbing", self.n_climbing, 1)
        _int(n, "n_granule", self.n_granule, 1)
        if self.mode == "head" and self.n_mossy < 2:
            raise ParameterError(f"{n}.n_mossy", "must be >= 2 in mode 'head' (push-pull)",
                                 self.n_mossy)
        _num(n, "step_ms", self.step_ms, positive=True)
        lo = _num(n, "min_delay_ms", self.min_delay_ms, positive=True)
        hi = _num(n, "max_delay_ms", self.max_delay_ms, positive=True)
        if hi <= lo:
            raise ParameterError(f"{n}.max_delay_ms", "must be > min_delay_ms", hi)
        _num(n, "basis_width", self.basis_width, positive=True)
        _num(n, "basis_ms", self.basis_ms, positive=True)
        _num(n, "window_ms", self.window_ms, lo=0.0)
        for f in ("ltd_rate", "ltp_rate", "nucleus_rate", "nucleus_init", "phasic",
                  "cf_rest_hz", "cf_slip_hz", "purkinje_rest", "purkinje_weight"):
            _num(n, f, getattr(self, f), lo=0.0)
        wm = _num(n, "w_max", self.w_max, positive=True)
        _num(n, "w_init", self.w_init, lo=0.0, hi=wm)
        vm = _num(n, "nucleus_max", self.nucleus_max, positive=True)
        _num(n, "nucleus_init", self.nucleus_init, hi=vm)
        for f in ("phasic_tau_ms", "eyelid_tau_ms", "frequency_hz"):
            _num(n, f, getattr(self, f), positive=True)

    # -- cells -----------------------------------------------------------------------------

    @property
    def groups(self) -> Mapping[str, int]:
        """Cell groups: the inputs, granule cells, one Purkinje, nucleus, output cell."""
        return {"mossy": self.n_mossy, "climbing": self.n_climbing,
                "granule": self.n_granule, "purkinje": 1, "nucleus": 1, "output": 1}

    @property
    def dt_ms(self) -> float:
        """The region's time step (ms)."""
        return float(self.step_ms)

    @property
    def n_window(self) -> int:
        """Steps of the eligibility window, :math:`\\lfloor W / \\Delta t \\rceil`."""
        return round(self.window_ms / self.step_ms)

    def _slices(self) -> dict[str, slice]:
        out, a = {}, 0
        for k, v in self.groups.items():
            out[k] = slice(a, a + v)
            a += v
        return out

    def sign(self) -> Array:
        """Push-pull sign of each mossy cell in mode ``"head"`` (+1, -1, +1, ...)."""
        return np.where(np.arange(self.n_mossy) % 2 == 0, 1.0, -1.0)

    # -- state -----------------------------------------------------------------------------

    def init(self, n_subjects: int, rng: np.random.Generator) -> dict[str, Any]:
        """Naive subjects: per-subject granule delays (seeded), weights at their init."""
        s = n_subjects
        lo, hi = math.log(self.min_delay_ms), math.log(self.max_delay_ms)
        # stratified: one delay drawn uniformly (in log) within each of n equal log bins,
        # so the basis covers [min, max] evenly, with each subject's own jitter
        edges = lo + (hi - lo) * np.arange(self.n_granule) / self.n_granule
        tau = np.exp(edges[None, :] + rng.uniform(0.0, (hi - lo) / self.n_granule,
                                                  size=(s, self.n_granule)))
        if self.mode == "cs":
            v = np.full((s, self.n_mossy), self.nucleus_init / self.n_mossy)
            k = math.ceil(self.basis_ms / self.step_ms)
            t = (np.arange(k) + 0.5) * self.step_ms
            basis = np.exp(-np.log(t[None, :, None] / tau[:, None, :]) ** 2
                           / (2 * self.basis_width ** 2))
        else:  # the direct (brainstem) VOR: + cells drive the nucleus, gain nucleus_init
            plus = self.sign() > 0
            v = np.where(plus, self.nucleus_init / plus.sum(), 0.0)[None, :].repeat(s, 0)
            basis = np.zeros((s, 0, self.n_granule))
        return {"tau": tau, "basis": basis, "w": np.full((s, self.n_granule), self.w_init),
                "v": v, "alive": True, "trial": None, "clock": None, "us": False,
                "y": np.zeros(s), "pend": None, "tc": None}

    def time_course(self, state: Any) -> Array:
        """Every cell's activity over the last epoch, ``(subjects, steps, cells)``."""
        tc = state["tc"]
        if tc is None:
            return np.zeros((0, 0, sum(self.groups.values())))
        if "all" in tc:  # built once per epoch, on the first record that asks
            return tc["all"]
        tc["all"] = np.concatenate([tc["m"], np.repeat(tc["cf"][:, :, None], self.n_climbing, 2),
                               tc["g"], tc["p"][:, :, None], tc["n"][:, :, None],
                               tc["y"][:, :, None]], axis=2)
        return tc["all"]

    def cell_set(self, state: Any, name: str) -> Array:
        """A group's cells in every subject."""
        return cell_mask(self, state["w"].shape[0], {}, name)

    # -- one epoch -------------------------------------------------------------------------

    def _gains(self, ctx: StepContext) -> dict[str, float]:
        out: dict[str, float] = {}
        for e in ctx.effects:
            if isinstance(e, Gain):
                key = e.cells or "all"
                out[key] = out.get(key, 1.0) * e.factor
        return out

    def step(self, state: Any, inputs: Mapping[str, Array], ctx: StepContext
             ) -> tuple[Any, Array]:
        """One epoch in steps of ``dt_ms``, then the plasticity (module docstring)."""
        x_in = inputs["input"]
        s_n = x_in.shape[0]
        sl = self._slices()
        span = ctx.span
        dt = self.dt_ms
        if self.mode == "head":
            cycles = span.duration_ms * self.frequency_hz / 1000.0
            if cycles < 1 - 1e-9 or abs(cycles - round(cycles)) > 1e-6:
                raise ParameterError(f"{self.name}.frequency_hz", f"epoch {span.label!r} "
                                     f"({span.duration_ms} ms) must hold a whole number of "
                                     f"head-rotation cycles at {self.frequency_hz} Hz",
                                     self.frequency_hz)
            n_t = round(1000.0 / self.frequency_hz / dt)
            if abs(n_t * dt - 1000.0 / self.frequency_hz) > 1e-9:
                raise ParameterError(f"{self.name}.dt_ms", "must divide the rotation "
                                     "period into whole steps", dt)
            repeats = float(round(cycles))
        else:
            n_t = self.n_steps(span)
            repeats = 1.0
        if not state["alive"]:
            zero = np.zeros((s_n, n_t))
            tc = {"m": np.zeros((s_n, n_t, self.n_mossy)), "cf": zero,
                  "g": np.zeros((s_n, n_t, self.n_granule)), "p": zero, "n": zero,
                  "y": zero}
            return {**state, "tc": tc}, np.zeros((s_n, sum(self.groups.values())))
        gains = self._gains(ctx)
        g_all = gains.get("all", 1.0)
        g_p = gains.get("purkinje", 1.0) * g_all
        mossy_in = float(np.mean(x_in[:, sl["mossy"]])) * gains.get("mossy", 1.0)
        climb_in = float(np.mean(x_in[:, sl["climbing"]])) * gains.get("climbing", 1.0)
        key = (span.session_index, span.trial_index)
        new_trial = state["trial"] != key or ctx.sleeping
        clock = None if new_trial else state["clock"]
        y0 = np.zeros(s_n) if new_trial else state["y"]
        us_before = False if new_trial else state["us"]
        k = np.arange(n_t)
        if self.mode == "cs":
            if clock is None and mossy_in > 0:
                clock = 0.0
            if clock is None or mossy_in <= 0:
                m = np.zeros(n_t)
                g = np.zeros((s_n, n_t, self.n_granule))
                mn = np.zeros(n_t)
            else:
                k0 = round(clock / dt)
                idx = k0 + k
                basis = state["basis"]
                inside = idx < basis.shape[1]
                g = np.zeros((s_n, n_t, self.n_granule))
                g[:, inside] = basis[:, idx[inside]] * mossy_in
                m = np.full(n_t, mossy_in)
                t_cs = (idx + 0.5) * dt
                mn = mossy_in * (1.0 + self.phasic * np.exp(-t_cs / self.phasic_tau_ms))
            m_cells = np.broadcast_to(m[None, :, None], (s_n, n_t, self.n_mossy))
            mn_cells = np.broadcast_to(mn[None, :, None], (s_n, n_t, self.n_mossy))
            cf = np.zeros((s_n, n_t))
            us_on = climb_in > 0 and not ctx.sleeping
            if us_on and not us_before:
                cf[:, 0] = 1.0
            purk = g_p * (self.purkinje_rest + np.einsum("stj,sj->st", g, state["w"]))
            w_bar = state["w"].mean(axis=1)[:, None]
            theta = g_p * (self.purkinje_rest + w_bar * g.sum(axis=2))
            nuc = np.einsum("sti,si->st", mn_cells, state["v"]) - self.purkinje_weight * purk
            rest = -self.purkinje_weight * g_p * self.purkinje_rest
            drive = np.maximum(nuc - rest, 0.0)
            a = math.exp(-dt / self.eyelid_tau_ms)
            # exact exponential steps of tau y' = -y + drive, y carried within the trial
            powers = a ** (k + 1)
            y = y0[:, None] * powers[None, :] + (1 - a) * _causal_filter(drive, a)
            out = y
            new_clock = None if clock is None else clock + span.duration_ms
            us_state = us_on
        else:
            t = k * dt
            h = mossy_in * np.sin(2 * np.pi * self.frequency_hz * t / 1000.0)
            sgn = self.sign()
            m_cells1 = np.maximum(1.0 + sgn[None, :] * h[:, None], 0.0)  # (T, n_mossy)
            if mossy_in <= 0:
                m_cells1 = np.ones_like(m_cells1)
            m_cells = np.broadcast_to(m_cells1[None], (s_n, n_t, self.n_mossy))
            mn_cells = m_cells
            g1 = m_cells1[:, np.arange(self.n_granule) % self.n_mossy]
            g = np.broadcast_to(g1[None], (s_n, n_t, self.n_granule))
            purk = g_p * (self.purkinje_rest + np.einsum("tj,sj->st", g1, state["w"]))
            theta = g_p * (self.purkinje_rest + state["w"].mean(axis=1)[:, None]
                           * g1.sum(axis=1)[None, :])
            nuc = np.einsum("ti,si->st", m_cells1, state["v"]) - self.purkinje_weight * purk
            rest = (state["v"].sum(axis=1) - self.purkinje_weight * g_p * (
                self.purkinje_rest + state["w"].sum(axis=1)))[:, None]
            eye = -(nuc - rest)
            rate = np.full((s_n, n_t), self.cf_rest_hz)
            if climb_in > 0 and not ctx.sleeping:
                rate = np.maximum(self.cf_rest_hz + self.cf_slip_hz * (climb_in * h[None, :]
                                                                       + eye), 0.0)
            cf = rate * dt / 1000.0
            out = eye
            drive = None
            y = eye
            new_clock, us_state = None, False
        state_out = dict(state)
        learn = not ctx.sleeping
        if learn:
            ltd_factor = ctx.learning("all")
            w, pend = self._pf_learning(state, g, cf, span, repeats, ltd_factor,
                                        new_trial)
            v = self._nucleus_learning(state["v"], mn_cells, purk, theta, repeats)
            state_out.update(w=w, v=v, pend=pend)
        tc = {"m": np.ascontiguousarray(m_cells) * g_all,
              "cf": cf * g_all, "g": np.ascontiguousarray(g) * g_all,
              "p": purk, "n": nuc * g_all, "y": out * g_all}
        state_out.update(trial=key, clock=new_clock, us=us_state, y=y[:, -1], tc=tc)
        act = np.concatenate([tc["m"][:, -1], np.repeat(tc["cf"][:, -1:], self.n_climbing,
                                                         1), tc["g"][:, -1],
                              tc["p"][:, -1:], tc["n"][:, -1:], tc["y"][:, -1:]], axis=1)
        return state_out, act

    def _pf_learning(self, state: Any, g: Array, cf: Array, span: Any, repeats: float,
                     ltd_factor: float, new_trial: bool) -> tuple[Array, Any]:
        """Settle the PF samples no later CF can reach; keep the last ``W`` pending."""
        dt = self.dt_ms
        nw = self.n_window
        n_t = g.shape[1]
        pend = state["pend"]
        if self.mode == "head":  # one cycle stands for `repeats`: periodic window
            cf_ext = np.concatenate([cf, cf[:, :nw]], axis=1) if nw else cf
            n = eligibility(cf_ext, nw)[:, :n_t]
            a, b = pf_drives(g, n, dt)
            w = pf_update(state["w"], a * repeats, b * repeats, self.ltp_rate,
                          self.ltd_rate * ltd_factor, self.w_max)
            return w, None
        t_now = span.start_ms + np.arange(n_t) * dt
        if pend is not None and (span.start_ms - pend["t"][-1] > self.window_ms
                                 or new_trial):
            pend_g, pend_n = pend["g"], pend["n"]
            a0, b0 = pf_drives(pend_g, pend_n, dt)
            pend = None
        else:
            a0 = b0 = np.zeros_like(state["w"])
        if pend is not None:
            g_all = np.concatenate([pend["g"], g], axis=1)
            cf_all = np.concatenate([np.zeros((g.shape[0], pend["g"].shape[1])), cf], axis=1)
            n_prev = np.concatenate([pend["n"], np.zeros_like(cf)], axis=1)
            t_all = np.concatenate([pend["t"], t_now])
        else:
            g_all, cf_all, n_prev, t_all = g, cf, np.zeros_like(cf), t_now
        n = n_prev + eligibility(cf_all, nw)
        final = t_all < span.stop_ms - self.window_ms
        a, b = pf_drives(g_all[:, final], n[:, final], dt)
        a, b = a + a0, b + b0
        w = pf_update(state["w"], a, b, self.ltp_rate, self.ltd_rate * ltd_factor,
                      self.w_max)
        keep = ~final
        new_pend = None
        if keep.any():
            new_pend = {"g": g_all[:, keep], "n": n[:, keep], "t": t_all[keep]}
        return w, new_pend

    def _nucleus_learning(self, v: Array, m: Array, purk: Array, theta: Array,
                          repeats: float) -> Array:
        if self.nucleus_rate == 0:
            return v
        dt = self.dt_ms / 1000.0
        up = np.einsum("sti,st->si", m, np.maximum(theta - purk, 0.0)) * dt * repeats
        down = np.einsum("sti,st->si", m, np.maximum(purk - theta, 0.0)) * dt * repeats
        return pf_update(v, up, down, self.nucleus_rate, self.nucleus_rate,
                         self.nucleus_max / self.n_mossy)


def _causal_filter(x: Array, a: float) -> Array:
    """:math:`z_k = \\sum_{i \\le k} a^{k-i} x_i` along the last axis (exact, no loop)."""
    try:
        from scipy.signal import lfilter
    except ImportError:  # pragma: no cover - scipy is a dependency of the project
        out = np.empty_like(x)
        acc = np.zeros(x.shape[:-1])
        for i in range(x.shape[-1]):
            acc = a * acc + x[..., i]
            out[..., i] = acc
        return out
    return lfilter([1.0], [1.0, -a], x, axis=-1)


def _remove(region: Cerebellum, effect: Effect, state: Any) -> Any:
    return {**state, "alive": False}


def _check_gain(region: Cerebellum, effect: Effect) -> None:
    assert isinstance(effect, Gain)
    if effect.cells is not None and effect.cells not in region.groups:
        raise ParameterError(f"{region.name}.cells", f"a Gain names a group of the "
                             f"cerebellum ({list(region.groups)})", effect.cells)


register_effect(Cerebellum, Remove, instant=_remove)
register_effect(Cerebellum, Gain, during=True, check=_check_gain)
