"""working-memory.distractor: the conditions, the protocol and the read-outs, on data whose
answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from engramlab.core import ParameterError
from engramlab.experiments._registry import get_experiment
from engramlab.experiments.working_memory.distractor import (
    OUTCOMES,
    groups,
    outcome,
    region,
    toward_fraction,
)


def test_one_group_per_distance_and_strength_and_a_blank_control():
    p = get_experiment("working-memory.distractor").params("quick")
    g = groups(p)
    assert sorted(g) == sorted(["control", "45 deg x 0.1", "45 deg x 3", "180 deg x 0.1",
                                "180 deg x 3"])
    trial = g["45 deg x 3"].protocol.sessions[0].trials[0]
    names = [e.name for e in trial.epochs]
    assert names == ["fixation", "cue", "delay", "distractor", "delay"]
    full = groups(get_experiment("working-memory.distractor").params("full"))
    assert len(full) == 1 + 16
    names = [e.name for e in full["90 deg x 1"].protocol.sessions[0].trials[0].epochs]
    assert names == ["fixation", "cue", "delay", "delay", "distractor", "delay"]
    (dist,) = [e for e in trial.epochs if e.name == "distractor"]
    assert dict(dist.stimuli) == {"distractor_0": 3.0}
    blank = [e for e in g["control"].protocol.sessions[0].trials[0].epochs
             if e.name == "distractor"]
    assert dict(blank[0].stimuli) == {}
    # every group has the same interventions (none): one random stream per network
    assert all(grp.interventions == () for grp in g.values())


def test_the_region_puts_each_distractor_at_its_distance_from_the_cue():
    p = get_experiment("working-memory.distractor").params("quick", n_e=360, n_i=90)
    reg = region(p)
    currents = dict(reg.currents)
    peak = {name: int(np.argmax(c.amplitude_pa)) for name, c in currents.items()}
    assert peak == {"cue": 180, "distractor_0": 225, "distractor_1": 0}


def test_toward_fraction_of_known_positions():
    pre = np.array([180.0, 180.0, 180.0, 190.0, 180.0])
    end = np.array([180.0, 210.0, 195.0, 190.0, 165.0])
    f = toward_fraction(pre, end, 210.0)
    np.testing.assert_allclose(f, [0.0, 1.0, 0.5, 0.0, -0.5])
    # across 0 / 360, and a distractor opposite the memory
    np.testing.assert_allclose(toward_fraction(np.array([350.0]), np.array([5.0]), 20.0),
                               [0.5])
    np.testing.assert_allclose(toward_fraction(np.array([0.0, 0.0]), np.array([90.0, 270.0]),
                                               180.0), [0.5, 0.5])


def test_outcome_classes():
    f = np.array([0.0, 0.24, 0.25, 0.74, 0.75, 1.0, 1.0])
    held = np.array([True, True, True, True, True, True, False])
    names = [OUTCOMES[k] for k in outcome(f, held)]
    assert names == ["resisted", "resisted", "shifted", "shifted", "replaced", "replaced",
                     "lost"]


@pytest.mark.parametrize(("override", "field"), [
    ({"distances_deg": (30.0, 30.0)}, "distances_deg"),
    ({"strengths": (1.0, 1.0)}, "strengths"),
    ({"pre_ms": 300.0}, "pre_ms"),
    ({"distances_deg": (0.0,)}, "distances_deg"),
    ({"distances_deg": (181.0,)}, "distances_deg"),
])
def test_bad_conditions_are_refused_naming_the_field(override, field):
    with pytest.raises(ParameterError, match=field):
        get_experiment("working-memory.distractor").params("quick", **override)
