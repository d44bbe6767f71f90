r"""The hippocampal index binds an episode's cortical features; the cortex learns slowly.

``hippocampus.episodic-index``
    Reproduces: the memory indexing theory of Teyler & DiScenna (1986, Behav. Neurosci.
    100:147, doi:10.1037/0735-7044.100.2.147; updated by Teyler & Rudy 2007,
    Hippocampus 17:1158, doi:10.1002/hipo.20350): the hippocampus captures "an index of
    neocortical areas activated by experiential events", and "a partial cue that
    activated the index could activate the neocortical patterns and thus retrieve the
    memory of the episode"; "this hippocampal reactivation of a neocortical array may
    also be involved in establishing a cortically based memory trace" (abstracts). The
    behavioural anchor is the prospective retrograde-amnesia design of Zola-Morgan &
    Squire (1990, Science 250:288, doi:10.1126/science.2218534): items learned 16, 12,
    8, 4 and 2 weeks before removal of the hippocampal formation, memory tested two
    weeks after surgery; operated monkeys "were severely impaired at remembering
    recently learned objects", "remembered objects learned long ago as well as normal
    monkeys did and significantly better than they remembered objects learned recently"
    (abstract). And the anterograde side: hippocampal lesions "produced marked
    anterograde amnesia" (Clark, Broadbent, Zola & Squire 2002, J. Neurosci. 22:4663,
    abstract). The abstracts give shapes, not values: the targets are bounds on the
    fraction of an episode recalled, with the margins stated on each.

    Model: :func:`engramlab.circuits.library.episodic_index_circuit`. An episode is a
    feature in each of three cortical modules (what, where, when: sparse patterns of
    ``coding`` of each module's cells). Encoding (one 1-min epoch, all three features
    on) activates a sparse index (k-WTA, ``index_k`` of ``index_cells``) through a
    fixed balanced random projection; the index -> cortex synapses potentiate in one
    shot (Hebb, rate ``index_rate`` = 1). At test the cue is one module's feature
    alone: it activates part of the index, the index completes it to the stored code,
    and the code reinstates the other two modules. Each night
    (:func:`engramlab.protocol.sleep`) the index replays ``replay_events`` stored
    codes; each replay reinstates its episode in all modules, and the slow
    cortico-cortical links between modules (rate ``cortical_rate``) learn a little.
    Protocol (:mod:`engramlab.protocol`): ``episodes_per_age`` episodes encoded 16, 12,
    8, 4 and 2 weeks before the surgery day and ``episodes_per_age`` more
    ``postop_days`` after it; a night every day; hippocampal lesion
    (:func:`engramlab.interventions.lesion`) on the surgery day in the lesioned group,
    none in the intact group; test ``test_delay_days`` after surgery, every episode
    cued through each module in turn. Read-out: the fraction of the episode's cells in
    the two uncued modules that the cue reinstates
    (:func:`engramlab.analysis.recall_fraction`).

    Theory check: the index codes of two independent episodes share on average
    :math:`k^2 / N` cells (two random k-subsets of N cells), which holds here because
    the projection is balanced per index cell
    (:class:`~engramlab.circuits.library.BalancedSparse`): an index built of
    unequally excitable cells would give every episode the same favoured cells.

    What differs: the model is a rate model at the level of epochs; Zola-Morgan &
    Squire scored object discriminations (percent correct, chance 50 %), here an
    episode's recalled fraction (chance 0); normal forgetting is not modelled (no
    decay of the index), so the intact group recalls every age; the consolidation speed
    (``cortical_rate``, ``replay_events``) is chosen so that the 2-week episodes are
    not yet and the 16-week ones fully consolidated, the intermediate ages are shown,
    not checked.
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import Any

import numpy as np
import xarray as xr
from pydantic import model_validator

from engramlab.analysis import recall_fraction
from engramlab.circuits import Group, Record, run_protocol
from engramlab.circuits.library import episodic_index_circuit
from engramlab.core import Params, Target, cite, param
from engramlab.experiments._registry import register
from engramlab.experiments.base import (
    Experiment,
    Mutation,
    ProgressFn,
    Resources,
    broken_rule,
    no_progress,
)
from engramlab.interventions import lesion
from engramlab.protocol import (
    Interval,
    Protocol,
    days,
    epoch,
    hours,
    minutes,
    session,
    sleep,
    trial,
)

_TD = "Teyler & DiScenna 1986"
_TR = "Teyler & Rudy 2007"
_ZS = "Zola-Morgan & Squire 1990"
_CL = "Clark, Broadbent, Zola & Squire 2002"
#: Weeks from learning to surgery in Zola-Morgan & Squire (1990, abstract).
AGES_WEEKS = (16, 12, 8, 4, 2)
#: The modules of an episode.
MODULES = ("what", "where", "when")
#: Age label of the episodes encoded after the surgery (anterograde).
POSTOP = -1.0
#: Cortical activity above which a cell counts as part of an episode or as recalled.
RECALL_THRESHOLD = 0.5
#: Balance the cortex -> index projection per index cell (a critical constant: the raw
#: random weights make some index cells win in every episode).
BALANCED_PROJECTION = True


class EpisodicIndexParams(Params):
    """Parameters of ``hippocampus.episodic-index`` (defaults: the full preset)."""

    n_subjects: int = param(8, unit="1", ge=1, le=200,
                            doc="Subjects per group (intact, lesioned).",
                            source="chosen: a few more than the monkeys per group of "
                                   f"{_ZS}")
    episodes_per_age: int = param(2, unit="1", ge=1, le=6,
                                  doc="Episodes encoded at each age (and after surgery).",
                                  source=f"chosen: {_ZS} used 20 object pairs per age")
    test_delay_days: float = param(14.0, unit="d", ge=2.0, le=60.0,
                                   doc="Days from surgery to the test.",
                                   source=f"{_ZS}: memory assessed two weeks after "
                                          "surgery")
    postop_days: float = param(7.0, unit="d", ge=1.0, le=59.0,
                               doc="Days from surgery to the post-operative episodes.",
                               source="chosen: a week after surgery, a week before the "
                                      "test")
    replay_events: int = param(1, unit="1", ge=0, le=20,
                               doc="Index replays per night.",
                               source="chosen: sets the speed of consolidation with "
                                      "cortical_rate")
    cortical_rate: float = param(0.3, unit="1", ge=0.0, le=1.0,
                                 doc="Cortico-cortical learning rate per co-activation "
                                     "(slow: a fraction of the bound).",
                                 source="chosen: the 2-week episodes unconsolidated, the "
                                        "16-week ones consolidated")
    index_rate: float = param(1.0, unit="1", gt=0.0, le=1.0,
                              doc="Index -> cortex learning rate (1: one shot).",
                              source=f"{_TD}: the index is stored by LTP in one "
                                     "experience")
    module_cells: int = param(100, unit="1", ge=20, le=1000,
                              doc="Cells per cortical module.", source="chosen")
    coding: float = param(0.05, unit="1", ge=0.01, le=0.3,
                          doc="Fraction of a module's cells in a feature.",
                          source="chosen: sparse, so two features rarely share cells")
    index_cells: int = param(2000, unit="1", ge=50, le=10_000,
                             doc="Cells of the hippocampal index (N).", source="chosen")
    index_k: int = param(100, unit="1", ge=1, le=5000,
                         doc="Active index cells per code (k-WTA, k).",
                         source="chosen: 5 % of the index (granule-cell-like sparsity)")
    complete_overlap: float = param(0.18, unit="1", gt=0.0, le=1.0,
                                    doc="Share of a stored code that a cue's code needs "
                                        "to be completed into it.",
                                    source="chosen: between the chance overlap k/N = "
                                           "0.05 and a one-module cue's ~0.28")

    @model_validator(mode="after")
    def _fits(self) -> EpisodicIndexParams:
        if self.index_k >= self.index_cells:
            raise broken_rule(self, ("index_k", "index_cells"),
                              "must have index_k < index_cells (a sparse index)")
        if self.postop_days >= self.test_delay_days:
            raise broken_rule(self, ("postop_days", "test_delay_days"), {
                "postop_days": f"must be < test_delay_days = {self.test_delay_days:g} d: "
                               "the post-operative episodes come before the test",
                "test_delay_days": f"must be > postop_days = {self.postop_days:g} d: the "
                                   "test comes after the post-operative episodes"})
        return self


def episodes(p: EpisodicIndexParams) -> list[tuple[str, float]]:
    """``(name, age in weeks before surgery)``; post-operative episodes have age -1."""
    out = [(f"w{a}e{i}", float(a)) for a in AGES_WEEKS for i in range(p.episodes_per_age)]
    return out + [(f"postop{i}", POSTOP) for i in range(p.episodes_per_age)]


def surgery_day() -> float:
    """The surgery day: the oldest episode is encoded on day 0."""
    return 7.0 * max(AGES_WEEKS)


def protocol(p: EpisodicIndexParams) -> Protocol:
    """Encodings at their ages, a night every day, the test ``test_delay_days`` after."""
    s = surgery_day()
    test_day = s + p.test_delay_days
    items: list[Any] = []
    for name, age in episodes(p):
        i = int(name.rsplit("e", 1)[1]) if age != POSTOP else int(name[len("postop"):])
        day = (s - 7.0 * age if age != POSTOP else s + p.postop_days) + 0.4 + 0.02 * i
        features = {f"{m}_{name}": 1.0 for m in MODULES}
        items.append(session(f"encode {name}", (trial("episode", epoch(
            "episode", minutes(1), **features)),), day=day))
    if p.replay_events > 0:  # no sleep replay at all: a control, and a mutation
        items += [sleep(f"night {d}", hours(8), events=p.replay_events, day=d + 0.75)
                  for d in range(math.ceil(test_day))]
    tests = [trial(f"test {name}", *(epoch(f"cue {m}", minutes(1), **{f"{m}_{name}": 1.0})
                                     for m in MODULES)) for name, _ in episodes(p)]
    items.append(session("test", tests, day=test_day + 0.4))
    return Protocol.by_day(*items)


def circuit(p: EpisodicIndexParams) -> Any:
    """The episodic-index circuit with this experiment's constants."""
    return episodic_index_circuit(
        episodes=tuple(n for n, _ in episodes(p)), modules=MODULES,
        module_cells=p.module_cells, coding=p.coding, index_cells=p.index_cells,
        index_k=p.index_k, complete_overlap=p.complete_overlap, index_rate=p.index_rate,
        cortical_rate=p.cortical_rate, balanced=BALANCED_PROJECTION)


@register
class EpisodicIndex(Experiment[EpisodicIndexParams]):
    id = "hippocampus.episodic-index"
    title = "The hippocampal index binds an episode; without it only consolidated ones stay"
    chapter = 3
    summary = ("A sparse hippocampal index learned in one shot binds an episode's what, "
               "where and when: a cue to one module reinstates the other two. Replay of "
               "the index in sleep slowly links the modules themselves, so a lesion of "
               "the index abolishes recent episodes and spares old ones.")
    Params = EpisodicIndexParams
    quick = MappingProxyType({"n_subjects": 3})
    citations = (cite("teyler1986"), cite("teyler2007"), cite("zolamorgan1990"),
                 cite("clark2002"), cite("alvarez1994"))
    mutations = (
        Mutation(name="no sleep replay (replay_events 1 -> 0): nothing consolidates",
                 value=0, param="replay_events"),
        Mutation(name="cortical learning rate 0.3 -> 0: no cortico-cortical links",
                 value=0.0, param="cortical_rate"),
        Mutation(name="index -> cortex rate 1 -> 0.1: the index is not learned in one shot",
                 value=0.1, param="index_rate"),
        Mutation(name="no completion of the index (complete_overlap 0.18 -> 1)",
                 value=1.0, param="complete_overlap"),
        Mutation(name="unbalanced cortex -> index projection: favoured index cells",
                 value=False,
                 patch="engramlab.experiments.hippocampus.episodic_index:"
                       "BALANCED_PROJECTION"),
    )

    def resources(self, params: EpisodicIndexParams) -> Resources:
        """Epochs of both groups, times the weights each touches."""
        p = params
        n_ep = len(episodes(p))
        nights = surgery_day() + p.test_delay_days
        steps = (nights + p.test_delay_days) * p.replay_events + 2 * n_ep * 4
        n_ctx = len(MODULES) * p.module_cells
        weights = p.n_subjects * (2 * p.index_cells * n_ctx + 6 * p.module_cells ** 2
                                  + len(MODULES) * n_ep * p.module_cells ** 2)
        records = 2 * p.n_subjects * 4 * n_ep * (n_ctx + p.index_cells)
        memory = 8.0 * (3 * weights + records)
        return Resources(memory_bytes=memory, steps=float(steps),
                         work=float(steps) * (weights - p.n_subjects * len(MODULES) * n_ep
                                              * p.module_cells ** 2) * 3,
                         drivers=("n_subjects", "index_cells", "module_cells",
                                  "replay_events", "episodes_per_age"),
                         detail=f"about {steps:.0f} epochs of {weights:.2e} weights")

    def run(self, params: EpisodicIndexParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        p = params
        eps = episodes(p)
        groups = {"intact": Group(),
                  "lesion": Group((lesion("hippocampus", Interval(days(surgery_day()))),))}
        ds = run_protocol(circuit(p), protocol(p), groups=groups, seed=seed,
                          n_subjects=p.n_subjects,
                          record=[Record("cortex", "cortex", "cells"),
                                  Record("index", "hippocampus", "cells")])
        progress(1, 2)
        n, k = p.module_cells, p.index_k
        ages = [*(float(a) for a in AGES_WEEKS), POSTOP]
        n_sub, n_g = p.n_subjects, len(groups)
        areas = (*MODULES, "index")
        recall = np.zeros((n_g, len(eps), len(MODULES), n_sub))
        act = np.zeros((n_g, len(eps), len(MODULES), len(areas), n_sub))
        for gi, g in enumerate(groups):
            cortex = ds.cortex.sel(group=g)
            index = ds["index"].sel(group=g)
            for ei, (name, _) in enumerate(eps):
                enc_label = f"encode {name}/0/0:episode"
                episode = cortex.sel(event=enc_label).values > RECALL_THRESHOLD
                code = index.sel(event=enc_label).values > 0
                for ci, m in enumerate(MODULES):
                    label = f"test/{ei}/{ci}:cue {m}"
                    x = cortex.sel(event=label).values
                    uncued = np.ones(len(MODULES) * n, bool)
                    uncued[ci * n:(ci + 1) * n] = False
                    recall[gi, ei, ci] = recall_fraction(x[:, uncued], episode[:, uncued],
                                                         threshold=RECALL_THRESHOLD)
                    for ai in range(len(MODULES)):
                        cells = episode[:, ai * n:(ai + 1) * n]
                        vals = x[:, ai * n:(ai + 1) * n]
                        act[gi, ei, ci, ai] = (vals * cells).sum(1) / np.maximum(
                            cells.sum(1), 1)
                    ix = index.sel(event=label).values
                    act[gi, ei, ci, -1] = (ix * code).sum(1) / k
        # average the episodes of each age
        age_of = np.array([a for _, a in eps])
        rec_age = np.stack([recall[:, age_of == a].mean(axis=1) for a in ages], axis=1)
        act_age = np.stack([act[:, age_of == a].mean(axis=1) for a in ages], axis=1)
        # chance overlap of the index codes of different episodes (intact, at encoding)
        codes = np.stack([ds["index"].sel(group="intact", event=f"encode {nm}/0/0:episode"
                                          ).values > 0 for nm, _ in eps], axis=1)
        pairs = [(i, j) for i in range(len(eps)) for j in range(i + 1, len(eps))]
        overlap = np.array([[float((codes[b, i] & codes[b, j]).sum()) for i, j in pairs]
                            for b in range(n_sub)])
        progress(2, 2)
        one = {"units": "1"}
        return xr.Dataset(
            {"recall": (("group", "age", "subject"), rec_age.mean(axis=2), {
                **one, "long_name": "fraction of the episode's uncued features recalled"}),
             "recall_by_cue": (("group", "age", "cue", "subject"), rec_age, one),
             "test_activity": (("group", "age", "cue", "area", "subject"), act_age, {
                 **one, "long_name": "mean activity of the episode's cells (modules) or "
                                     "fraction of its index code active (index) at test"}),
             "index_overlap": (("subject", "pair"), overlap, {
                 "units": "cells", "long_name": "index cells shared by two episodes"})},
            coords={"group": list(groups),
                    "age": ("age", np.array(ages), {
                        "units": "weeks before surgery",
                        "note": "-1: encoded after the surgery (anterograde)"}),
                    "cue": list(MODULES), "area": list(areas),
                    "subject": np.arange(n_sub), "pair": np.arange(len(pairs))},
            attrs={"index_k": k, "index_cells": p.index_cells,
                   "complete_overlap": p.complete_overlap})

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        r = ds.recall.mean("subject")
        k, n_index = int(ds.attrs["index_k"]), int(ds.attrs["index_cells"])
        out: dict[str, float] = {}
        for a in ds.age.values:
            lab = "postop" if a == POSTOP else f"{a:g}w"
            for g in ds.group.values:
                out[f"recall_{g}_{lab}"] = float(r.sel(group=g, age=a))
        recent, remote = float(min(AGES_WEEKS)), float(max(AGES_WEEKS))
        intact_remote = float(r.sel(group="intact", age=remote))
        lesion_remote = float(r.sel(group="lesion", age=remote))
        lesion_recent = float(r.sel(group="lesion", age=recent))
        ov = ds.index_overlap.values
        merged = ov >= ds.attrs["complete_overlap"] * k
        chance = ov[~merged]
        out.update({
            "recent_recall_intact": float(r.sel(group="intact", age=recent)),
            "recent_recall_lesion": lesion_recent,
            "remote_recall_ratio": lesion_remote / intact_remote if intact_remote > 0
            else math.nan,
            "remote_minus_recent_lesion": lesion_remote - lesion_recent,
            "postop_recall_lesion": float(r.sel(group="lesion", age=POSTOP)),
            "index_overlap_cells": float(chance.mean()) if chance.size else math.nan,
            "index_overlap_chance_cells": k * k / n_index,
            "index_merged_fraction": float(merged.mean()) if merged.size else math.nan,
        })
        return out

    def targets(self, params: EpisodicIndexParams) -> tuple[Target, ...]:
        p = params
        spread = "measured over seeds 0-19 of the quick preset (3 subjects per group):"
        chance = p.index_k ** 2 / p.index_cells
        return (
            Target("recent_recall_intact", 0.9, 0.0, compare="at_least", kind="published",
                   source=f"{_TR} (abstract, on {_TD}): 'a partial cue that activated the "
                          "index could activate the neocortical patterns and thus "
                          "retrieve the memory of the episode'",
                   reason="retrieve read as at least 90 % of the uncued features "
                          "reinstated by a one-module cue (the abstracts give no value); "
                          + spread + " 0.94-1.00",
                   description="intact index, episodes 2 weeks old: fraction of the "
                               "other two modules recalled from one module's cue"),
            Target("recent_recall_lesion", 0.2, 0.0, compare="at_most", kind="published",
                   source=f"{_ZS} (abstract): operated monkeys 'were severely impaired at "
                          "remembering recently learned objects' (2 weeks before surgery)",
                   reason="severely impaired read as at most 20 % recalled (the intact "
                          "group recalls all); " + spread + " 0.00-0.00",
                   description="lesioned index, episodes 2 weeks old: fraction recalled"),
            Target("remote_recall_ratio", 0.8, 0.0, compare="at_least", kind="published",
                   source=f"{_ZS} (abstract): they 'remembered objects learned long ago as "
                          "well as normal monkeys did' (16 weeks before surgery)",
                   reason="as well as normal read as at least 80 % of the intact group's "
                          "recall; " + spread + " 1.00-1.00",
                   description="episodes 16 weeks old: recall lesioned / intact"),
            Target("remote_minus_recent_lesion", 0.5, 0.0, compare="at_least",
                   kind="published",
                   source=f"{_ZS} (abstract): 'significantly better than they remembered "
                          "objects learned recently'",
                   reason="significantly better read as at least half of the episode "
                          "more recalled (the scale runs 0-1); " + spread + " 1.00-1.00",
                   description="lesioned: recall of 16-week minus 2-week episodes"),
            Target("postop_recall_lesion", 0.2, 0.0, compare="at_most", kind="published",
                   source=f"{_CL} (abstract): hippocampal lesions 'produced marked "
                          "anterograde amnesia'",
                   reason="marked amnesia read as at most 20 % recalled, as for the "
                          "recent episodes; " + spread + " 0.00-0.00",
                   description="lesioned: episodes encoded a week after surgery"),
            Target("index_overlap_cells", chance, 0.15, compare="rel", kind="theory",
                   source="two independent random k-subsets of N cells share k^2 / N cells "
                          f"on average (k = {p.index_k}, N = {p.index_cells}: "
                          f"{chance:g}); the sparse, unique index of {_TD}",
                   reason="finite sample: pairs of 12 episodes in 3 subjects; a merged "
                          "pair (a new episode completed into an old code, overlap >= "
                          "complete_overlap k, metric index_merged_fraction) is left "
                          "out; " + spread + " 4.72-5.39 cells (-6 % to +8 %); "
                          "the unbalanced projection gives +24 %",
                   description="mean index cells shared by the codes of two episodes"),
        )
