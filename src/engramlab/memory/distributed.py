r"""The slow distributed cortical learner of McClelland, McNaughton & O'Reilly (1995).

A feed-forward network of sigmoid units trained by back-propagation of error
(Rumelhart, Hinton & Williams 1986), the model of neocortex in the complementary
learning systems account (McClelland, McNaughton & O'Reilly 1995, Psychol. Rev.
102:419, doi:10.1037/0033-295X.102.3.419). It learns structured knowledge when the items
are interleaved, and suffers catastrophic interference when a new, inconsistent item
is learned on its own (focused learning) or when a second list of associates replaces
the first (AB-AC; McCloskey & Cohen 1989).

The network
-----------
Layer :math:`l = 0 \dots L-1` receives the activation of the layer below concatenated
with an optional side input :math:`x_l` (layer 0 receives :math:`x_0` only):

.. math::

    u_l = [\,a_{l-1},\; x_l\,], \qquad
    \eta_l = u_l W_l + b_l, \qquad
    a_l = \sigma(\eta_l) = \frac{1}{1 + e^{-\eta_l}} .

The Rumelhart (1990) / Rumelhart & Todd (1993) semantic network is the case
:math:`L = 3`: item (8 one-hot units) :math:`\to` representation (8) ; [representation,
relation (4 one-hot units)] :math:`\to` hidden (15) :math:`\to` attribute (36), the
layout of McClelland et al. (1995, Fig. 1) and Rogers & McClelland (2004, Fig. 2.2).
The AB-AC network is :math:`L = 2`: [stimulus A, list context] :math:`\to` hidden
:math:`\to` response (the layout of the CCN ``abac`` simulation, O'Reilly et al.,
*Computational Cognitive Neuroscience*, ch. 7).

Learning
--------
The error is the sum of squared errors over the patterns :math:`p` and output units
:math:`k` (Rumelhart, Hinton & Williams 1986),

.. math::

    E = \tfrac12 \sum_p \sum_k (t_{pk} - a_{pk})^2 ,

and back-propagation gives its gradient layer by layer:

.. math::

    \delta_{L-1} = (a_{L-1} - t)\, a_{L-1} (1 - a_{L-1}), \qquad
    \delta_{l-1} = \bigl[\delta_l W_l^\top\bigr]_{a_{l-1}}\, a_{l-1} (1 - a_{l-1}),

    \frac{\partial E}{\partial W_l} = u_l^\top \delta_l, \qquad
    \frac{\partial E}{\partial b_l} = \textstyle\sum_p \delta_{l}, \qquad
    W_l \leftarrow W_l - \varepsilon\, \frac{\partial E}{\partial W_l},

where :math:`[\cdot]_{a_{l-1}}` keeps the columns that belong to :math:`a_{l-1}` (a side
input receives no error). Every unit has a trainable bias. Updates are made after each
pattern, in a fresh random order every epoch (``update="pattern"``), or once per epoch
with the summed gradient (``update="epoch"``, the PDP "epoch-wise" mode); the per-pattern
step is the same :math:`\varepsilon` in both, so focused and interleaved schedules give
each new pattern the same number and size of steps.

Sources and choices
-------------------
- Items, relations and the 36 attributes with their assignment: Rumelhart & Todd
  (1993) as tabulated by Rogers & McClelland (2004, Appendix B); read from the
  ``sem_items`` / ``sem_relations`` / ``sem_attributes`` / ``sem_data`` files used in
  the NYU course on computational cognitive modelling (repository
  ``ZeeshanGeoPk/semantic-cognition``, ``data/sem_data.txt``: 32 patterns).
- The penguin (McClelland et al. 1995, section "Catastrophic interference"): a new item
  unit; ISA living thing, animal, bird; can grow, move, swim (a bird that swims and does
  not fly). The paper's text could not be read here: the two patterns ISA and can are
  taken as recalled from the paper, without a penguin name unit (the attribute layer is
  not enlarged).
- Learning rate :math:`\varepsilon = 0.1`, initial weights and biases uniform in
  :math:`[-0.5, 0.5]`, no momentum, no weight decay: chosen (the values of the 1995
  simulations could not be read).
- AB-AC (CCN ``ch7/abac``: ``abac.go``, ``ab_pats.tsv``): 10 pairs per list; A, B, C and
  context are 25-unit binary patterns with 6 active units; every item's context is the
  list's prototype with one active unit moved (pairs of contexts of a list share 4 or 5
  of their 6 units, as in ``ab_pats.tsv``); hidden layer of 150 units (``abac.go``:
  10 x 15); an item is correct when every output unit is on the right side of 0.5
  (``abac.go``: ``out.MSE(0.5)``); AB is trained until every AB item is correct, then AC.
  The CCN network is Leabra, not back-propagation; the coding and the measure are its,
  the learning rule is McCloskey & Cohen's (1989).

All arrays are NumPy float64; every quantity is dimensionless. Randomness comes only
from an explicit ``numpy.random.Generator``. No function mutates its input.

Examples
--------
>>> from engramlab.core import make_rng
>>> old = semantic_patterns()
>>> net = init_semantic(make_rng(0))
>>> trained = train_to_criterion(net, old, make_rng(1), max_epochs=50)
>>> bool(trained.sse[-1] < trained.sse[0])
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np

from engramlab.core.errors import ParameterError

__all__ = [
    "ABAC",
    "ATTRIBUTES",
    "ITEMS",
    "PENGUIN_FACTS",
    "RELATIONS",
    "SEMANTIC_FACTS",
    "ABACRun",
    "Continuation",
    "Learning",
    "Network",
    "Patterns",
    "Training",
    "abac_lists",
    "add_input_units",
    "concat",
    "continue_learning",
    "correct",
    "forward",
    "forward_subjects",
    "gradients",
    "gradients_subjects",
    "init",
    "init_abac",
    "init_semantic",
    "init_subjects",
    "penguin_patterns",
    "recall_accuracy",
    "run_abac",
    "semantic_patterns",
    "sse",
    "step_subjects",
    "train_epoch",
    "train_step",
    "train_to_criterion",
]

# --------------------------------------------------------------------------------------
# The semantic data set (Rumelhart & Todd 1993; Rogers & McClelland 2004, Appendix B)

#: The eight items of the Rumelhart network.
ITEMS: tuple[str, ...] = (
    "pine", "oak", "rose", "daisy", "robin", "canary", "sunfish", "salmon",
)
#: The four relations.
RELATIONS: tuple[str, ...] = ("ISA", "is", "can", "has")
#: The 36 attribute (output) units, in the order of ``sem_attributes.txt``.
ATTRIBUTES: tuple[str, ...] = (
    "living thing", "plant", "animal", "tree", "flower", "bird", "fish",
    "pine", "oak", "rose", "daisy", "robin", "canary", "sunfish", "salmon",
    "pretty", "big", "living", "green", "red", "yellow",
    "grow", "move", "swim", "fly", "sing",
    "skin", "roots", "leaves", "bark", "branch", "petals", "wings", "feathers", "gills",
    "scales",
)

_PLANT = ("living thing", "plant")
_ANIMAL = ("living thing", "animal")

#: item -> relation -> the attributes that are true (the 32 patterns of ``sem_data.txt``).
SEMANTIC_FACTS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "pine": {"ISA": (*_PLANT, "tree", "pine"), "is": ("big", "living", "green"),
             "can": ("grow",), "has": ("roots", "bark", "branch")},
    "oak": {"ISA": (*_PLANT, "tree", "oak"), "is": ("big", "living"),
            "can": ("grow",), "has": ("roots", "leaves", "bark", "branch")},
    "rose": {"ISA": (*_PLANT, "flower", "rose"), "is": ("pretty", "living", "red"),
             "can": ("grow",), "has": ("roots", "leaves", "petals")},
    "daisy": {"ISA": (*_PLANT, "flower", "daisy"), "is": ("pretty", "living", "yellow"),
              "can": ("grow",), "has": ("roots", "leaves", "petals")},
    "robin": {"ISA": (*_ANIMAL, "bird", "robin"), "is": ("living", "red"),
              "can": ("grow", "move", "fly"), "has": ("skin", "wings", "feathers")},
    "canary": {"ISA": (*_ANIMAL, "bird", "canary"), "is": ("living", "yellow"),
               "can": ("grow", "move", "fly", "sing"), "has": ("skin", "wings", "feathers")},
    "sunfish": {"ISA": (*_ANIMAL, "fish", "sunfish"), "is": ("living", "yellow"),
                "can": ("grow", "move", "swim"), "has": ("skin", "gills", "scales")},
    "salmon": {"ISA": (*_ANIMAL, "fish", "salmon"), "is": ("living", "red"),
               "can": ("grow", "move", "swim"), "has": ("skin", "gills", "scales")},
}

#: The new item of McClelland et al. (1995): a bird that can swim and cannot fly.
PENGUIN_FACTS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "penguin": {"ISA": (*_ANIMAL, "bird"), "can": ("grow", "move", "swim")},
}


class Patterns(NamedTuple):
    """A training set: one row per pattern.

    Attributes
    ----------
    inputs
        One array per layer, ``inputs[l]`` of shape ``(P, s_l)``: the bottom input
        (``l = 0``) and the side input of each higher layer (width 0 when there is none).
    targets
        Target activations of the output layer, ``(P, n_out)``, values in ``{0, 1}``.
    labels
        A name per pattern (``"robin can"``, ``"AB 3"``).
    """

    inputs: tuple[np.ndarray, ...]
    targets: np.ndarray
    labels: tuple[str, ...]

    def subset(self, rows: Sequence[int] | np.ndarray) -> Patterns:
        """The patterns of ``rows`` (indices or a boolean mask), as a new set."""
        idx = np.arange(len(self.labels))[np.asarray(rows)]
        return Patterns(tuple(x[idx] for x in self.inputs), self.targets[idx],
                        tuple(self.labels[i] for i in idx))

    @property
    def n_patterns(self) -> int:
        """The number of patterns."""
        return len(self.labels)


def concat(*sets: Patterns) -> Patterns:
    """The patterns of several sets with the same layout, in order."""
    return Patterns(
        tuple(np.concatenate(xs, axis=0) for xs in zip(*(s.inputs for s in sets), strict=True)),
        np.concatenate([s.targets for s in sets], axis=0),
        tuple(label for s in sets for label in s.labels),
    )


def semantic_patterns(
    facts: Mapping[str, Mapping[str, tuple[str, ...]]] = SEMANTIC_FACTS,
    items: Sequence[str] | None = None,
) -> Patterns:
    """The item-relation -> attributes patterns of ``facts``, for the semantic network.

    Parameters
    ----------
    facts
        item -> relation -> true attributes (default: the 32 patterns of Rumelhart &
        Todd 1993). Attributes must be in :data:`ATTRIBUTES`, relations in
        :data:`RELATIONS`.
    items
        The item units, in order (default: the items of ``facts``). Give the larger list
        (e.g. ``ITEMS + ("penguin",)``) to code old patterns for a network that has
        gained an item unit.

    Returns
    -------
    Patterns
        ``inputs = (item one-hot (P, n_items), relation one-hot (P, 4), empty (P, 0))``,
        targets ``(P, 36)``, labels ``"item relation"``.

    Examples
    --------
    >>> p = semantic_patterns()
    >>> p.n_patterns, [x.shape for x in p.inputs], p.targets.shape
    (32, [(32, 8), (32, 4), (32, 0)], (32, 36))
    >>> p.labels[:3]
    ('pine ISA', 'pine is', 'pine can')
    """
    units = tuple(facts) if items is None else tuple(items)
    rows = [(item, rel, attrs) for item, by_rel in facts.items() for rel, attrs in by_rel.items()]
    n = len(rows)
    item_x = np.zeros((n, len(units)))
    rel_x = np.zeros((n, len(RELATIONS)))
    targets = np.zeros((n, len(ATTRIBUTES)))
    for p, (item, rel, attrs) in enumerate(rows):
        if item not in units:
            raise ParameterError("items", f"must contain the item {item!r}", units)
        if rel not in RELATIONS:
            raise ParameterError("facts", f"relation must be one of {RELATIONS}", rel)
        item_x[p, units.index(item)] = 1.0
        rel_x[p, RELATIONS.index(rel)] = 1.0
        for a in attrs:
            if a not in ATTRIBUTES:
                raise ParameterError("facts", "attribute must be in ATTRIBUTES", a)
            targets[p, ATTRIBUTES.index(a)] = 1.0
    return Patterns((item_x, rel_x, np.zeros((n, 0))), targets,
                    tuple(f"{item} {rel}" for item, rel, _ in rows))


def penguin_patterns() -> tuple[Patterns, Patterns]:
    """The old patterns and the penguin's, coded for a network with 9 item units.

    Returns
    -------
    (old, new)
        ``old``: the 32 patterns of :data:`SEMANTIC_FACTS` with a ninth (silent) item
        unit; ``new``: the penguin's ISA and can patterns (:data:`PENGUIN_FACTS`).

    Examples
    --------
    >>> old, new = penguin_patterns()
    >>> old.n_patterns, old.inputs[0].shape, float(old.inputs[0][:, 8].max())
    (32, (32, 9), 0.0)
    >>> new.labels, new.targets.sum(axis=1).tolist()
    (('penguin ISA', 'penguin can'), [3.0, 3.0])
    """
    units = (*ITEMS, *PENGUIN_FACTS)
    return semantic_patterns(SEMANTIC_FACTS, units), semantic_patterns(PENGUIN_FACTS, units)


# --------------------------------------------------------------------------------------
# The network


class Network(NamedTuple):
    """Weights and biases of a layered sigmoid network.

    Attributes
    ----------
    weights
        ``weights[l]`` has shape ``(n_{l-1} + s_l, n_l)``: rows for the layer below
        first, then for the side input ``x_l`` (layer 0: ``(s_0, n_0)``).
    biases
        ``biases[l]`` has shape ``(n_l,)``.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class Learning:
    """How the network learns.

    Attributes
    ----------
    learning_rate
        :math:`\\varepsilon`, the step on the summed squared error (1). Default 0.1
        (chosen).
    update
        ``"pattern"``: a step after each pattern, in a random order each epoch (online);
        ``"epoch"``: one step per epoch with the gradient summed over the patterns.
    """

    learning_rate: float = 0.1
    update: Literal["pattern", "epoch"] = "pattern"

    def __post_init__(self) -> None:
        if not (np.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise ParameterError("learning_rate", "must be finite and > 0", self.learning_rate)
        if self.update not in ("pattern", "epoch"):
            raise ParameterError("update", "must be 'pattern' or 'epoch'", self.update)


#: Initial weights and biases are uniform in [-INIT_RANGE, INIT_RANGE] (chosen).
INIT_RANGE = 0.5


def init(
    sizes: Sequence[int],
    side_sizes: Sequence[int],
    rng: np.random.Generator,
    init_range: float = INIT_RANGE,
) -> Network:
    """A network with layer sizes ``sizes`` and side inputs of widths ``side_sizes``.

    Parameters
    ----------
    sizes
        Units per layer :math:`n_0, \\dots, n_{L-1}` (the last is the output layer).
    side_sizes
        Width :math:`s_l` of the input concatenated at each layer (``s_0`` is the bottom
        input; 0 where a layer has none), one per layer.
    rng
        The source of the initial weights and biases, uniform in
        ``[-init_range, init_range]``.
    init_range
        Half-width of the uniform initial distribution (1).
    """
    if len(sizes) == 0 or len(sizes) != len(side_sizes):
        raise ParameterError("side_sizes", "must have one entry per layer", tuple(side_sizes))
    if any(n < 1 for n in sizes) or any(s < 0 for s in side_sizes) or side_sizes[0] < 1:
        raise ParameterError("sizes", "layers need >= 1 unit and a bottom input", tuple(sizes))
    if not init_range >= 0:
        raise ParameterError("init_range", "must be >= 0", init_range)
    weights, biases = [], []
    below = 0
    for n, s in zip(sizes, side_sizes, strict=True):
        weights.append(rng.uniform(-init_range, init_range, size=(below + s, n)))
        biases.append(rng.uniform(-init_range, init_range, size=n))
        below = n
    return Network(tuple(weights), tuple(biases))


def init_semantic(
    rng: np.random.Generator,
    n_items: int = len(ITEMS),
    n_representation: int = 8,
    n_hidden: int = 15,
    init_range: float = INIT_RANGE,
) -> Network:
    """The Rumelhart network: item -> representation (8); [rep, relation] -> hidden (15) -> 36.

    Layer sizes from Rumelhart & Todd (1993) / McClelland et al. (1995, Fig. 1).

    Parameters
    ----------
    rng
        Source of the initial weights and biases.
    n_items
        Item units (9 for a network that will learn the penguin).
    n_representation, n_hidden
        Units of the representation and hidden layers.
    init_range
        Half-width of the uniform initial distribution (1).

    Returns
    -------
    Network
        Three layers: item -> representation, [representation, relation] -> hidden,
        hidden -> attributes.

    Examples
    --------
    >>> from engramlab.core import make_rng
    >>> net = init_semantic(make_rng(0))
    >>> [w.shape for w in net.weights]  # 8 items; 8 + 4 relations; 15 hidden -> 36
    [(8, 8), (12, 15), (15, 36)]
    """
    return init((n_representation, n_hidden, len(ATTRIBUTES)),
                (n_items, len(RELATIONS), 0), rng, init_range)


def add_input_units(
    net: Network, n: int, rng: np.random.Generator, init_range: float = INIT_RANGE
) -> Network:
    """A copy of ``net`` with ``n`` new bottom-input units (a new item), appended last.

    The new rows of the first weight matrix are drawn uniform in
    ``[-init_range, init_range]``; every other weight is unchanged.
    """
    if n < 1:
        raise ParameterError("n", "must be >= 1", n)
    w0 = net.weights[0]
    new = rng.uniform(-init_range, init_range, size=(n, w0.shape[1]))
    return Network((np.vstack([w0, new]), *net.weights[1:]), net.biases)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # = 1 / (1 + exp(-x)), without overflow


def _check_inputs(net: Network, inputs: Sequence[np.ndarray]) -> None:
    if len(inputs) != len(net.weights):
        raise ParameterError("inputs", f"must hold one array per layer ({len(net.weights)})",
                             len(inputs))


def forward(net: Network, inputs: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
    """Activations of every layer, :math:`a_0, \\dots, a_{L-1}`, each ``(B, n_l)``."""
    _check_inputs(net, inputs)
    acts: list[np.ndarray] = []
    for layer, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        u = inputs[0] if layer == 0 else np.concatenate([acts[-1], inputs[layer]], axis=1)
        acts.append(_sigmoid(u @ w + b))
    return tuple(acts)


def sse(net: Network, patterns: Patterns) -> float:
    """The summed squared error :math:`E = \\frac12 \\sum_p \\sum_k (t_{pk} - a_{pk})^2`."""
    if patterns.n_patterns == 0:
        return 0.0
    out = forward(net, patterns.inputs)[-1]
    return float(0.5 * np.sum((patterns.targets - out) ** 2))


def gradients(net: Network, inputs: Sequence[np.ndarray], targets: np.ndarray) -> Network:
    """The gradient of the summed squared error of a batch, by back-propagation.

    :math:`\\partial E / \\partial W_l` and :math:`\\partial E / \\partial b_l`, returned
    as a :class:`Network`.
    """
    acts = forward(net, inputs)
    n_layers = len(acts)
    gw: list[np.ndarray] = [np.empty(0)] * n_layers
    gb: list[np.ndarray] = [np.empty(0)] * n_layers
    a = acts[-1]
    delta = (a - targets) * a * (1.0 - a)
    for layer in range(n_layers - 1, -1, -1):
        u = inputs[0] if layer == 0 else np.concatenate([acts[layer - 1], inputs[layer]], axis=1)
        gw[layer] = u.T @ delta
        gb[layer] = delta.sum(axis=0)
        if layer > 0:
            below = acts[layer - 1]
            delta = (delta @ net.weights[layer].T)[:, : below.shape[1]] * below * (1.0 - below)
    return Network(tuple(gw), tuple(gb))


def train_step(
    net: Network, inputs: Sequence[np.ndarray], targets: np.ndarray, learning_rate: float
) -> Network:
    """One gradient step on the summed squared error of a batch: a new network."""
    g = gradients(net, inputs, targets)
    return Network(
        tuple(w - learning_rate * d for w, d in zip(net.weights, g.weights, strict=True)),
        tuple(b - learning_rate * d for b, d in zip(net.biases, g.biases, strict=True)),
    )


def train_epoch(
    net: Network,
    patterns: Patterns,
    rng: np.random.Generator,
    learning: Learning = Learning(),
) -> Network:
    """One sweep through ``patterns``: a new network.

    With ``learning.update == "pattern"`` each pattern gets its own step, in an order
    drawn from ``rng``; with ``"epoch"`` one step is taken with the summed gradient
    (``rng`` is not used).
    """
    if patterns.n_patterns == 0:
        return net
    eps = learning.learning_rate
    if learning.update == "epoch":
        return train_step(net, patterns.inputs, patterns.targets, eps)
    for p in rng.permutation(patterns.n_patterns):
        sl = slice(p, p + 1)
        net = train_step(net, tuple(x[sl] for x in patterns.inputs), patterns.targets[sl], eps)
    return net


def correct(net: Network, patterns: Patterns, tolerance: float = 0.5) -> np.ndarray:
    """Whether every output unit is within ``tolerance`` of its target, per pattern.

    ``tolerance = 0.5`` is "every unit on the right side of 0.5" (the CCN criterion).
    """
    out = forward(net, patterns.inputs)[-1]
    return np.all(np.abs(out - patterns.targets) < tolerance, axis=1)


class Training(NamedTuple):
    """Outcome of :func:`train_to_criterion`.

    Attributes
    ----------
    net
        The trained network.
    sse
        :math:`E` before training (entry 0) and after each epoch, ``(epochs + 1,)``.
    epochs
        Epochs run.
    reached
        Whether the criterion was met.
    """

    net: Network
    sse: np.ndarray
    epochs: int
    reached: bool


def train_to_criterion(
    net: Network,
    patterns: Patterns,
    rng: np.random.Generator,
    learning: Learning = Learning(),
    tolerance: float = 0.5,
    max_epochs: int = 5000,
) -> Training:
    """Train epoch by epoch until every unit of every pattern is within ``tolerance``.

    Stops at the first epoch after which :func:`correct` holds for all patterns, or
    after ``max_epochs``.

    Parameters
    ----------
    net
        The initial network.
    patterns
        The training set.
    rng
        Source of the presentation orders.
    learning
        Learning rate and update mode.
    tolerance
        Largest distance of an output unit from its target that counts as correct.
    max_epochs
        Upper bound on the epochs.

    Returns
    -------
    Training
        The trained network, the error after every epoch, the epochs run and whether
        the criterion was met.

    Examples
    --------
    The AB list of :func:`abac_lists` is learned to criterion in 83 epochs:

    >>> from engramlab.core import make_rng
    >>> lists = abac_lists(make_rng(0))
    >>> t = train_to_criterion(init_abac(make_rng(1)), lists.ab, make_rng(2))
    >>> t.epochs, t.reached, round(float(t.sse[0]), 1), round(float(t.sse[-1]), 1)
    (83, True, 43.6, 1.3)
    """
    if not 0 < tolerance <= 1:
        raise ParameterError("tolerance", "must be in (0, 1]", tolerance)
    if max_epochs < 0:
        raise ParameterError("max_epochs", "must be >= 0", max_epochs)
    history = [sse(net, patterns)]
    reached = bool(np.all(correct(net, patterns, tolerance)))
    epochs = 0
    while not reached and epochs < max_epochs:
        net = train_epoch(net, patterns, rng, learning)
        epochs += 1
        history.append(sse(net, patterns))
        reached = bool(np.all(correct(net, patterns, tolerance)))
    return Training(net, np.asarray(history), epochs, reached)


class Continuation(NamedTuple):
    """Outcome of :func:`continue_learning`.

    Attributes
    ----------
    net
        The network after the last epoch.
    sse_new, sse_old
        :math:`E` on the new and on the old patterns before (entry 0) and after each
        epoch, ``(epochs + 1,)``.

    Examples
    --------
    >>> from engramlab.core import make_rng
    >>> old, new = penguin_patterns()
    >>> c = continue_learning(init_semantic(make_rng(0), n_items=9), new, old, 5,
    ...                       make_rng(1), "focused")
    >>> c.sse_new.shape, c.sse_old.shape, bool(c.sse_new[-1] < c.sse_new[0])
    ((6,), (6,), True)
    """

    net: Network
    sse_new: np.ndarray
    sse_old: np.ndarray


def continue_learning(
    net: Network,
    new: Patterns,
    old: Patterns,
    epochs: int,
    rng: np.random.Generator,
    schedule: Literal["focused", "interleaved"],
    learning: Learning = Learning(),
) -> Continuation:
    """Learn ``new`` patterns on their own (focused) or mixed with ``old`` (interleaved).

    An epoch is one presentation of each new pattern -- alone (``"focused"``) or shuffled
    among one presentation of each old pattern (``"interleaved"``; McClelland et al.
    1995). Both schedules give the new patterns the same number of steps of the same size.

    Parameters
    ----------
    net
        The network (trained on ``old``).
    new, old
        The new patterns and the old ones, coded for the same input layout.
    epochs
        Epochs to run.
    rng
        Source of the presentation orders.
    schedule
        ``"focused"`` or ``"interleaved"``.
    learning
        Learning rate and update mode.

    Returns
    -------
    Continuation
        The network and the error on the new and the old patterns after every epoch.

    Examples
    --------
    The penguin learned on its own damages the old knowledge; interleaved with it, the
    old error even keeps falling (McClelland et al. 1995):

    >>> from engramlab.core import make_rng
    >>> old, new = penguin_patterns()
    >>> fast = Learning(learning_rate=0.5)
    >>> net = train_to_criterion(init_semantic(make_rng(0), n_items=9), old, make_rng(1),
    ...                          fast, max_epochs=100).net
    >>> for schedule in ("focused", "interleaved"):
    ...     c = continue_learning(net, new, old, 20, make_rng(2), schedule, fast)
    ...     print(schedule, round(float(c.sse_old[0]), 1), round(float(c.sse_old[-1]), 1))
    focused 10.8 15.8
    interleaved 10.8 9.0
    """
    if schedule not in ("focused", "interleaved"):
        raise ParameterError("schedule", "must be 'focused' or 'interleaved'", schedule)
    if epochs < 0:
        raise ParameterError("epochs", "must be >= 0", epochs)
    train = new if schedule == "focused" else concat(new, old)
    s_new, s_old = [sse(net, new)], [sse(net, old)]
    for _ in range(epochs):
        net = train_epoch(net, train, rng, learning)
        s_new.append(sse(net, new))
        s_old.append(sse(net, old))
    return Continuation(net, np.asarray(s_new), np.asarray(s_old))


# --------------------------------------------------------------------------------------
# AB-AC list learning (McCloskey & Cohen 1989; CCN ch. 7 ``abac``)


class ABAC(NamedTuple):
    """Two paired-associate lists that share their stimuli.

    Attributes
    ----------
    ab, ac
        The lists as :class:`Patterns`: input ``[A, context]``, target B (or C).
    stimuli, b, c
        The A, B and C patterns, ``(n_pairs, n_units)`` each.
    context_ab, context_ac
        The list-context pattern of each item, ``(n_pairs, n_units)``.

    Examples
    --------
    >>> from engramlab.core import make_rng
    >>> lists = abac_lists(make_rng(0))
    >>> lists.stimuli.shape, lists.ab.labels[:2], lists.ac.labels[:2]
    ((10, 25), ('AB 0', 'AB 1'), ('AC 0', 'AC 1'))
    >>> bool((lists.ab.targets == lists.b).all()), bool((lists.ac.targets == lists.c).all())
    (True, True)
    """

    ab: Patterns
    ac: Patterns
    stimuli: np.ndarray
    b: np.ndarray
    c: np.ndarray
    context_ab: np.ndarray
    context_ac: np.ndarray


def _binary(rng: np.random.Generator, n: int, n_units: int, n_active: int) -> np.ndarray:
    out = np.zeros((n, n_units))
    for i in range(n):
        out[i, rng.choice(n_units, size=n_active, replace=False)] = 1.0
    return out


def _contexts(rng: np.random.Generator, n: int, n_units: int, n_active: int,
              moves: int) -> np.ndarray:
    proto = _binary(rng, 1, n_units, n_active)[0]
    out = np.tile(proto, (n, 1))
    on, off = np.flatnonzero(proto), np.flatnonzero(proto == 0)
    for i in range(n):
        out[i, rng.choice(on, size=moves, replace=False)] = 0.0
        out[i, rng.choice(off, size=moves, replace=False)] = 1.0
    return out


def abac_lists(
    rng: np.random.Generator,
    n_pairs: int = 10,
    n_units: int = 25,
    n_active: int = 6,
    context_moves: int = 1,
) -> ABAC:
    """Random AB and AC lists coded as in the CCN ``abac`` simulation.

    Parameters
    ----------
    rng
        Source of every pattern.
    n_pairs
        Pairs per list (CCN: 10).
    n_units
        Units of each A, B, C and context pattern (CCN: 5 x 5 = 25).
    n_active
        Active units per pattern (CCN ``ab_pats.tsv``: 6).
    context_moves
        Active units of the list prototype moved to another place in each item's
        context (1 reproduces the 4-5 shared units of ``ab_pats.tsv``).

    Returns
    -------
    ABAC
        The two lists, which share their stimuli A, and the patterns they are made of.

    Examples
    --------
    Both lists pair the same stimuli with new responses, in different list contexts:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> lists = abac_lists(make_rng(0))
    >>> lists.ab.n_patterns, lists.ab.inputs[0].shape, lists.stimuli.sum(axis=1).tolist()[:3]
    (10, (10, 50), [6.0, 6.0, 6.0])
    >>> bool((lists.ab.inputs[0][:, :25] == lists.ac.inputs[0][:, :25]).all())
    True
    >>> int((lists.context_ab[0] * lists.context_ab[1]).sum())  # shared context units of 6
    4
    """
    if n_pairs < 1 or n_units < 2 or not 1 <= n_active < n_units:
        raise ParameterError("n_active", "needs n_pairs >= 1 and 1 <= n_active < n_units",
                             (n_pairs, n_units, n_active))
    if not 0 <= context_moves <= min(n_active, n_units - n_active):
        raise ParameterError("context_moves", "must be in [0, min(n_active, n_units - n_active)]",
                             context_moves)
    a = _binary(rng, n_pairs, n_units, n_active)
    b = _binary(rng, n_pairs, n_units, n_active)
    c = _binary(rng, n_pairs, n_units, n_active)
    ctx_ab = _contexts(rng, n_pairs, n_units, n_active, context_moves)
    ctx_ac = _contexts(rng, n_pairs, n_units, n_active, context_moves)
    empty = np.zeros((n_pairs, 0))
    ab = Patterns((np.hstack([a, ctx_ab]), empty), b, tuple(f"AB {i}" for i in range(n_pairs)))
    ac = Patterns((np.hstack([a, ctx_ac]), empty), c, tuple(f"AC {i}" for i in range(n_pairs)))
    return ABAC(ab, ac, a, b, c, ctx_ab, ctx_ac)


def init_abac(
    rng: np.random.Generator,
    n_units: int = 25,
    n_hidden: int = 150,
    init_range: float = INIT_RANGE,
) -> Network:
    """[A, context] (2 n_units) -> hidden (CCN: 150) -> response (n_units).

    Parameters
    ----------
    rng
        Source of the initial weights and biases.
    n_units
        Units of each A, B, C and context pattern.
    n_hidden
        Hidden units.
    init_range
        Half-width of the uniform initial distribution (1).

    Returns
    -------
    Network
        Two layers, weights ``(2 n_units, n_hidden)`` and ``(n_hidden, n_units)``.

    Examples
    --------
    >>> from engramlab.core import make_rng
    >>> net = init_abac(make_rng(1))
    >>> [w.shape for w in net.weights], [b.shape for b in net.biases]
    ([(50, 150), (150, 25)], [(150,), (25,)])
    """
    return init((n_hidden, n_units), (2 * n_units, 0), rng, init_range)


def recall_accuracy(
    net: Network,
    patterns: Patterns,
    method: Literal["threshold", "nearest"] = "threshold",
    candidates: np.ndarray | None = None,
) -> float:
    """Fraction of patterns recalled correctly.

    ``"threshold"``: every output unit on the right side of 0.5 (CCN). ``"nearest"``:
    the output is closer (Euclidean) to the pattern's own target than to any other row
    of ``candidates`` (default: the targets; for AB retention give B and C together).

    Parameters
    ----------
    net
        The network.
    patterns
        The pairs to test.
    method
        ``"threshold"`` or ``"nearest"``.
    candidates
        ``(C, n_out)`` responses to choose from (``"nearest"`` only).

    Returns
    -------
    float
        The fraction in :math:`[0, 1]`; NaN for an empty set.

    Examples
    --------
    After AB training every AB pair is recalled and no AC pair:

    >>> import numpy as np
    >>> from engramlab.core import make_rng
    >>> lists = abac_lists(make_rng(0))
    >>> net = train_to_criterion(init_abac(make_rng(1)), lists.ab, make_rng(2)).net
    >>> recall_accuracy(net, lists.ab), recall_accuracy(net, lists.ac)
    (1.0, 0.0)
    >>> recall_accuracy(net, lists.ac, "nearest", np.vstack([lists.b, lists.c]))
    0.0
    """
    if patterns.n_patterns == 0:
        return float("nan")
    if method == "threshold":
        return float(np.mean(correct(net, patterns, 0.5)))
    if method != "nearest":
        raise ParameterError("method", "must be 'threshold' or 'nearest'", method)
    cands = patterns.targets if candidates is None else np.asarray(candidates, dtype=float)
    out = forward(net, patterns.inputs)[-1]
    d_all = ((out[:, None, :] - cands[None, :, :]) ** 2).sum(axis=2)
    d_own = ((out - patterns.targets) ** 2).sum(axis=1)
    # correct when no candidate other than the target itself is as close as the target
    others = np.where(np.all(cands[None, :, :] == patterns.targets[:, None, :], axis=2),
                      np.inf, d_all)
    return float(np.mean(d_own < others.min(axis=1)))


class ABACRun(NamedTuple):
    """Outcome of :func:`run_abac`.

    Attributes
    ----------
    net
        The network after AC training.
    ab_epochs
        Epochs of AB training to criterion.
    ab_reached
        Whether AB reached criterion.
    retention
        Fraction of AB pairs recalled (``method``) before AC (entry 0) and after each AC
        epoch, ``(ac_epochs + 1,)``.
    ac_accuracy
        Fraction of AC pairs recalled, same times.

    Examples
    --------
    >>> from engramlab.core import make_rng
    >>> lists = abac_lists(make_rng(0))
    >>> run = run_abac(init_abac(make_rng(1)), lists, make_rng(2), ac_epochs=3)
    >>> run.ab_epochs, run.ab_reached, run.retention.shape
    (83, True, (4,))
    """

    net: Network
    ab_epochs: int
    ab_reached: bool
    retention: np.ndarray
    ac_accuracy: np.ndarray


def run_abac(
    net: Network,
    lists: ABAC,
    rng: np.random.Generator,
    ac_epochs: int = 20,
    learning: Learning = Learning(),
    ab_max_epochs: int = 2000,
    method: Literal["threshold", "nearest"] = "threshold",
) -> ABACRun:
    """Train AB to criterion (every unit on the right side of 0.5), then AC for ``ac_epochs``.

    AB retention is measured after every AC epoch (an AC "trial" is one presentation of
    the whole AC list). Testing never changes the weights.

    Parameters
    ----------
    net
        The initial network, e.g. :func:`init_abac`.
    lists
        The AB and AC lists (:func:`abac_lists`).
    rng
        Source of the presentation orders.
    ac_epochs
        Epochs of AC training.
    learning
        Learning rate and update mode.
    ab_max_epochs
        Upper bound on the epochs of AB training.
    method
        How a pair counts as recalled (:func:`recall_accuracy`).

    Returns
    -------
    ABACRun
        The final network, the AB training and the retention and AC curves.

    Examples
    --------
    Catastrophic interference (McCloskey & Cohen 1989): AB, learned to criterion in 83
    epochs, is gone after three epochs of AC:

    >>> from engramlab.core import make_rng
    >>> lists = abac_lists(make_rng(0))
    >>> run = run_abac(init_abac(make_rng(1)), lists, make_rng(2), ac_epochs=5)
    >>> run.ab_epochs, run.ab_reached, run.retention.round(2).tolist()
    (83, True, [1.0, 0.7, 0.1, 0.0, 0.0, 0.0])
    """
    if ac_epochs < 0:
        raise ParameterError("ac_epochs", "must be >= 0", ac_epochs)
    trained = train_to_criterion(net, lists.ab, rng, learning, 0.5, ab_max_epochs)
    net = trained.net
    cands = np.vstack([lists.b, lists.c])
    ret = [recall_accuracy(net, lists.ab, method, cands)]
    acc = [recall_accuracy(net, lists.ac, method, cands)]
    for _ in range(ac_epochs):
        net = train_epoch(net, lists.ac, rng, learning)
        ret.append(recall_accuracy(net, lists.ab, method, cands))
        acc.append(recall_accuracy(net, lists.ac, method, cands))
    return ABACRun(net, trained.epochs, trained.reached, np.asarray(ret), np.asarray(acc))


# --------------------------------------------------------------------------------------
# Many networks at once: a leading subject axis (the circuits' batch of subjects)


def init_subjects(
    sizes: Sequence[int],
    side_sizes: Sequence[int],
    rngs: Sequence[np.random.Generator],
    init_range: float = INIT_RANGE,
) -> Network:
    """One network per generator of ``rngs`` (each as :func:`init`), stacked.

    Returns a :class:`Network` whose ``weights[l]`` are ``(S, n_{l-1} + s_l, n_l)`` and
    ``biases[l]`` ``(S, n_l)``, with ``S = len(rngs)``; subject ``s`` is exactly
    ``init(sizes, side_sizes, rngs[s], init_range)``.
    """
    if len(rngs) < 1:
        raise ParameterError("rngs", "must hold one generator per subject (>= 1)", len(rngs))
    nets = [init(sizes, side_sizes, rng, init_range) for rng in rngs]
    return Network(tuple(np.stack(ws) for ws in zip(*(n.weights for n in nets), strict=True)),
                   tuple(np.stack(bs) for bs in zip(*(n.biases for n in nets), strict=True)))


def forward_subjects(net: Network, inputs: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
    """:func:`forward` for stacked networks: ``inputs[l]`` ``(S, B, s_l)`` -> ``(S, B, n_l)``.

    Subject ``s`` uses its own weights ``net.weights[l][s]`` on its own patterns
    ``inputs[l][s]``.
    """
    _check_inputs(net, inputs)
    acts: list[np.ndarray] = []
    for layer, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        u = inputs[0] if layer == 0 else _below(acts[-1], inputs[layer])
        acts.append(_sigmoid(np.matmul(u, w) + b[:, None, :]))
    return tuple(acts)


def _below(a: np.ndarray, side: np.ndarray) -> np.ndarray:
    """``[a, side]`` along the units (``a`` itself when there is no side input)."""
    return a if side.shape[-1] == 0 else np.concatenate([a, side], axis=-1)


def gradients_subjects(
    net: Network,
    inputs: Sequence[np.ndarray],
    targets: np.ndarray,
    pattern_weights: np.ndarray | None = None,
    acts: Sequence[np.ndarray] | None = None,
) -> Network:
    """:func:`gradients` for stacked networks, each on its own batch.

    With ``pattern_weights`` :math:`c_{sp}` ``(S, B)`` the gradient is that of
    :math:`\\sum_p c_{sp} E_{sp}` (a pattern shown at intensity :math:`c` weighs
    :math:`c`); ``None``: every pattern weighs 1, as in :func:`gradients`. ``acts``: the
    activations :func:`forward_subjects` gives for ``inputs`` (computed when omitted).
    """
    if acts is None:
        acts = forward_subjects(net, inputs)
    n_layers = len(acts)
    gw: list[np.ndarray] = [np.empty(0)] * n_layers
    gb: list[np.ndarray] = [np.empty(0)] * n_layers
    a = acts[-1]
    delta = (a - targets) * a * (1.0 - a)
    if pattern_weights is not None:
        delta = delta * np.asarray(pattern_weights, dtype=float)[:, :, None]
    for layer in range(n_layers - 1, -1, -1):
        u = inputs[0] if layer == 0 else _below(acts[layer - 1], inputs[layer])
        gw[layer] = np.matmul(np.swapaxes(u, 1, 2), delta)
        gb[layer] = delta.sum(axis=1)
        if layer > 0:
            below = acts[layer - 1]
            w = net.weights[layer]
            if inputs[layer].shape[-1]:
                w = w[:, : below.shape[-1]]
            delta = np.matmul(delta, np.swapaxes(w, 1, 2)) * below * (1.0 - below)
    return Network(tuple(gw), tuple(gb))


def step_subjects(net: Network, gradient: Network, rates: np.ndarray) -> Network:
    """:math:`W_l \\leftarrow W_l - \\varepsilon_s\\, \\partial E / \\partial W_l` per subject.

    ``rates`` :math:`\\varepsilon_s` ``(S,)`` (0: that subject does not change).
    """
    r = np.asarray(rates, dtype=float)
    return Network(
        tuple(w - r[:, None, None] * g for w, g in zip(net.weights, gradient.weights,
                                                       strict=True)),
        tuple(b - r[:, None] * g for b, g in zip(net.biases, gradient.biases, strict=True)),
    )
