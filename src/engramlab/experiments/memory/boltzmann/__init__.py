"""Restricted Boltzmann machine, the Hopfield variant the seed names (chapter 4).

``memory.boltzmann``
    Reproduces: the two claims of docs/catalogue.md for a restricted Boltzmann machine
    trained by contrastive divergence on small patterns: the reconstruction error falls
    during training, and the trained machine completes corrupted and half-occluded
    patterns.
    Papers: G. E. Hinton (2002), Training products of experts by minimizing
    contrastive divergence, Neural Computation 14(8):1771-1800,
    doi:10.1162/089976602760128018 (CD-k); G. E. Hinton (2010), A practical guide to
    training restricted Boltzmann machines, UTML TR 2010-003 (every training default);
    P. Smolensky (1986, the harmonium) and Ackley, Hinton & Sejnowski (1985,
    doi:10.1207/s15516709cog0901_7, the Boltzmann machine).
    The theory check: a Boltzmann machine that has learned its environment completes a
    partial vector by the environment's conditional distribution (Ackley, Hinton &
    Sejnowski 1985, "pattern completion"). The environment here is known exactly (six
    letters, each pixel flipped with probability q), so the probability that an occluded
    pixel takes its letter's value given the clamped pixels is computed in closed form
    (:func:`environment_conditional`: 0.950 for q = 0.05) and compared with the trained
    RBM's Gibbs estimate of the same conditional.
    What differs: there is no published number for these letters; the other targets are
    bounds derived from the data (the error of an untrained machine and of an ideal
    letter-recogniser), from the Bayes-optimal read-out, and from a Hebbian Hopfield
    network storing the same letters. The letters are the seed's T, H and I redrawn on a
    5x5 grid plus L, O and X (on the seed's 3x3 grid T and I differ in two pixels only,
    so half of a 3x3 letter cannot identify it).
"""

from __future__ import annotations

import dataclasses
import math
from types import MappingProxyType

import numpy as np
import xarray as xr

from engramlab.core import (
    Params,
    Target,
    asarray,
    cite,
    get_namespace,
    make_rng,
    param,
    to_numpy,
)
from engramlab.experiments._registry import register
from engramlab.experiments.base import Experiment, Mutation, ProgressFn, Resources, no_progress
from engramlab.memory import hebbian_weights, recall
from engramlab.memory.rbm import complete, init_rbm, train_cd

SEED = "seed article, chapter 4: 霍普菲尔德网络及其变种（如玻尔兹曼机、受限玻尔兹曼机）"

#: 5x5 letters (row-major, "#" = ink): the seed's T, H, I redrawn, plus L, O, X.
LETTERS_5X5 = {
    "T": ("#####", "..#..", "..#..", "..#..", "..#.."),
    "H": ("#...#", "#...#", "#####", "#...#", "#...#"),
    "I": (".###.", "..#..", "..#..", "..#..", ".###."),
    "L": ("#....", "#....", "#....", "#....", "#####"),
    "O": (".###.", "#...#", "#...#", "#...#", ".###."),
    "X": ("#...#", ".#.#.", "..#..", ".#.#.", "#...#"),
}
SIDE = 5
#: Columns that stay visible in the occlusion test (the left two columns are hidden).
KNOWN_COLUMNS = (2, 3, 4)


def letter_patterns() -> np.ndarray:
    """The letters as ``{0, 1}`` rows, shape ``(6, 25)``."""
    return np.array([[c == "#" for c in "".join(rows)] for rows in LETTERS_5X5.values()],
                    dtype=float)


def known_mask() -> np.ndarray:
    """Pixels clamped in the occlusion test (right three columns), shape ``(25,)``."""
    mask = np.zeros((SIDE, SIDE), dtype=bool)
    mask[:, list(KNOWN_COLUMNS)] = True
    return mask.ravel()


def majority_accuracy() -> float:
    """Accuracy on the occluded pixels of the best letter-blind guess (pixel majority)."""
    letters = letter_patterns()
    majority = letters.mean(axis=0) >= 0.5
    return float((majority[None, :] == letters.astype(bool))[:, ~known_mask()].mean())


def environment_conditional(flip_probability: float) -> float:
    r"""Mean probability of the correct value of an occluded pixel under the environment.

    The training distribution is the mixture :math:`p(v) = \frac16 \sum_k \prod_i
    q^{[v_i \ne L_{ki}]} (1 - q)^{[v_i = L_{ki}]}` of the six letters :math:`L_k` with
    flip probability :math:`q`. Clamping the visible columns of letter :math:`k` gives the
    posterior :math:`\pi_j \propto \prod_{i\ \mathrm{known}} q^{[L_{ji} \ne L_{ki}]}
    (1 - q)^{[L_{ji} = L_{ki}]}` over letters and, for an occluded pixel, :math:`p(v_i =
    L_{ki}) = \sum_j \pi_j\,[(1 - q)\,[L_{ji} = L_{ki}] + q\,[L_{ji} \ne L_{ki}]]`;
    returned is its mean over letters and occluded pixels (0.950 at q = 0.05: the letter
    is identified, and the pixel keeps the training noise q).
    """
    q = float(flip_probability)
    letters = letter_patterns().astype(bool)
    known = known_mask()
    out = []
    for k in range(letters.shape[0]):
        agree = letters[:, known] == letters[k, known]
        like = np.prod(np.where(agree, 1.0 - q, q), axis=1)
        post = like / like.sum()
        same = letters[:, ~known] == letters[k, ~known]
        out.append(post @ np.where(same, 1.0 - q, q))
    return float(np.mean(out))


def ideal_error_ratio(flip_probability: float) -> float:
    """Reconstruction-error ratio of an ideal letter recogniser to an untrained RBM.

    An untrained RBM (weights 0.01 N(0, 1)) reconstructs every pixel as its training
    frequency p'_i, so its mean squared error is the pixel variance p'_i (1 - p'_i).
    A model that recognises the letter and predicts its noisy pixel probability has the
    error q (1 - q) of the training noise q. Their ratio is what perfect learning of the
    letters (and nothing more) achieves.
    """
    q = flip_probability
    p = letter_patterns().mean(axis=0)
    noisy = p * (1 - q) + (1 - p) * q
    return float(q * (1 - q) / np.mean(noisy * (1 - noisy)))


class BoltzmannParams(Params):
    """Parameters of ``memory.boltzmann``. Defaults: the full preset."""

    n_hidden: int = param(
        8, unit="1", ge=1, le=1000,
        doc="Number of hidden units H.",
        source="chosen: a few more than the 6 letters; with 16 the machine starts to "
               "copy its input (lower reconstruction error, worse denoising)",
    )
    n_copies: int = param(
        100, unit="1", ge=1, le=100_000,
        doc="Noisy training copies of each letter.",
        source="chosen: 600 training vectors, 60 mini-batches of 10 per epoch",
    )
    flip_probability: float = param(
        0.05, unit="1", ge=0.0, lt=0.5,
        doc="Probability q that a pixel of a training copy is flipped.",
        source="chosen: noisy copies make the letters a distribution to learn rather "
               "than six points",
    )
    epochs: int = param(
        200, unit="1", ge=1, le=100_000,
        doc="Passes through the training set.",
        source="chosen: the reconstruction error has levelled off by then",
    )
    batch_size: int = param(
        10, unit="1", ge=1, le=10_000,
        doc="Mini-batch size.",
        source="Hinton 2010, section 4: mini-batches of about 10 cases",
    )
    learning_rate: float = param(
        0.1, unit="1", gt=0.0, le=10.0,
        doc="Learning rate epsilon of CD.",
        source="Hinton & Salakhutdinov 2006 (Science 313:504): 0.1 for binary RBMs",
    )
    cd_steps: int = param(
        1, unit="1", ge=1, le=100,
        doc="Gibbs steps k of CD-k.",
        source="Hinton 2002: CD-1 works well",
    )
    weight_cost: float = param(
        1e-4, unit="1", ge=0.0, le=1.0,
        doc="L2 weight cost lambda (weights only).",
        source="Hinton 2010, section 10: 0.0001",
    )
    initial_weight_std: float = param(
        0.01, unit="1", ge=0.0, le=1.0,
        doc="Standard deviation of the initial weights.",
        source="Hinton 2010, section 8: 0.01 N(0, 1)",
    )
    n_cues: int = param(
        50, unit="1", ge=1, le=100_000,
        doc="Test cues per letter for each corruption level and for occlusion.",
        source="chosen: 300 cues per condition, binomial s.e. of an accuracy near 0.95 "
               "about 0.013 on whole letters",
    )
    corruption: tuple[float, ...] = param(
        (0.04, 0.08, 0.12, 0.16, 0.2), unit="1", gt=0.0, le=0.5, min_length=1,
        doc="Fractions of pixels flipped in the corrupted cues (rounded to whole pixels).",
        source="chosen: 1 to 5 of 25 pixels; the closest letters (T, I) differ in 4",
    )
    gibbs_steps: int = param(
        400, unit="1", ge=2, le=100_000,
        doc="Gibbs steps of the occlusion completion (first half burn-in).",
        source="chosen: 200 averaged samples of p(v | h)",
    )
    mean_field_steps: int = param(
        30, unit="1", ge=1, le=10_000,
        doc="Mean-field iterations of the denoising of corrupted cues.",
        source="chosen: the iteration is at a fixed point after fewer than 10",
    )


@register
class Boltzmann(Experiment[BoltzmannParams]):
    id = "memory.boltzmann"
    title = "Restricted Boltzmann machine: learning letters by contrastive divergence"
    chapter = 4
    summary = (
        "The seed names the Boltzmann machine and the restricted Boltzmann machine as "
        "successors of the Hopfield network (霍普菲尔德网络及其变种). Here an RBM learns "
        "noisy letters (the seed's T, H, I and three more) by contrastive divergence: its "
        "reconstruction error falls, and it completes half-hidden letters and cleans "
        "corrupted ones better than a Hebbian Hopfield network storing the same six "
        "letters in 25 neurons, above the Hopfield capacity."
    )
    Params = BoltzmannParams
    quick = MappingProxyType({"n_copies": 30, "epochs": 60, "n_cues": 10, "gibbs_steps": 100,
                              "corruption": (0.04, 0.08, 0.16)})
    citations = (cite("hinton2002"), cite("hinton2010"), cite("ackley1985"),
                 cite("hopfield1982"))
    mutations = (
        Mutation(name="CD learning rate 0.1 -> 0.001 (the machine barely learns)",
                 value=0.001, param="learning_rate"),
        Mutation(name="weight cost 1e-4 -> 0.1 (weights decay to nothing)", value=0.1,
                 param="weight_cost"),
    )

    def resources(self, params: BoltzmannParams) -> Resources:
        """CD training (epochs x mini-batches of the noisy copies) and the test chains
        (Gibbs and mean-field steps of every cue), for 25 pixels x n_hidden units."""
        n_letters, v, h = 6, 25, params.n_hidden
        data = n_letters * params.n_copies
        batches = params.epochs * math.ceil(data / params.batch_size)
        n_test = n_letters * params.n_cues
        chains = n_test * (1 + len(params.corruption))
        steps = batches * params.cd_steps + params.gibbs_steps + params.mean_field_steps
        return Resources(
            memory_bytes=8.0 * (6 * data * v + 8 * chains * (v + h)),
            steps=steps,
            work=4.0 * v * h * (params.epochs * data * (params.cd_steps + 1)
                                + n_test * params.gibbs_steps
                                + chains * params.mean_field_steps) + 100.0 * n_test * v * v,
            drivers=("epochs", "n_copies", "n_hidden", "gibbs_steps", "n_cues",
                     "mean_field_steps", "cd_steps"),
            detail=f"{batches} mini-batches, {n_test} test cues")

    def run(self, params: BoltzmannParams, *, seed: int, backend: str = "numpy",
            progress: ProgressFn = no_progress) -> xr.Dataset:
        xp = get_namespace(backend)
        letters = letter_patterns()
        n_letters, n_pixels = letters.shape
        rng_data, rng_init, rng_train, rng_test = (make_rng(seed, i) for i in range(4))

        # Training set: noisy copies of every letter.
        clean = np.repeat(letters, params.n_copies, axis=0)
        flips = rng_data.random(clean.shape) < params.flip_probability
        data = np.where(flips, 1.0 - clean, clean)
        data_x = asarray(data, xp)
        rbm = init_rbm(data_x, params.n_hidden, rng_init, weight_std=params.initial_weight_std)
        trained = train_cd(rbm, data_x, rng_train, epochs=params.epochs,
                           batch_size=params.batch_size, learning_rate=params.learning_rate,
                           k=params.cd_steps, weight_cost=params.weight_cost)
        rbm = trained.rbm
        progress(1, 3)

        # Hebbian Hopfield network on the same (clean, bipolar) letters: the baseline.
        hop_w = hebbian_weights(asarray(2.0 * letters - 1.0, xp))
        targets = np.repeat(letters, params.n_cues, axis=0)  # (L * n_cues, V)
        n_test = targets.shape[0]

        # Occlusion: the right three columns clamped, the left two sampled.
        known = np.broadcast_to(known_mask(), targets.shape)
        occ_cue = np.where(known, targets, 0.5)
        occ = complete(rbm, asarray(occ_cue, xp), asarray(known, xp),
                       n_steps=params.gibbs_steps, method="gibbs", rng=rng_test)
        coin = rng_test.random(targets.shape) < 0.5
        hop_start = np.where(known, 2.0 * targets - 1.0, np.where(coin, 1.0, -1.0))
        hop_occ = recall(hop_w, asarray(hop_start, xp), rng=rng_test, max_sweeps=100)
        progress(2, 3)

        # Corruption: flip a whole number of pixels; the RBM denoises by mean field from
        # the cue with nothing clamped, the Hopfield network by asynchronous recall.
        levels = np.asarray(params.corruption)
        n_flips = np.maximum(1, np.rint(levels * n_pixels)).astype(int)
        cor_cues = np.empty((levels.size, n_test, n_pixels))
        for c, f in enumerate(n_flips):
            order = rng_test.permuted(np.broadcast_to(np.arange(n_pixels), targets.shape),
                                      axis=1)
            flip = np.zeros(targets.shape, dtype=bool)
            np.put_along_axis(flip, order[:, :f], True, axis=1)
            cor_cues[c] = np.where(flip, 1.0 - targets, targets)
        flat = cor_cues.reshape(-1, n_pixels)
        nothing = asarray(np.zeros(flat.shape, dtype=bool), xp)
        cor = complete(rbm, asarray(flat, xp), nothing, n_steps=params.mean_field_steps,
                       method="mean_field")
        hop_cor = recall(hop_w, asarray(2.0 * flat - 1.0, xp), rng=rng_test, max_sweeps=100)
        progress(3, 3)

        shape = (levels.size, n_letters, params.n_cues, n_pixels)
        per_letter = (n_letters, params.n_cues, n_pixels)
        names = list(LETTERS_5X5)
        ds = xr.Dataset(
            {
                "letters": (("letter", "pixel"), letters.astype(np.int8),
                            {"units": "1", "long_name": "stored letters (1 = ink)"}),
                "known": (("pixel",), known_mask(),
                          {"units": "1", "long_name": "pixel clamped in the occlusion test"}),
                "reconstruction_error": (("epoch",), trained.reconstruction_error,
                                         {"units": "1", "long_name": "mean squared "
                                          "mean-field reconstruction error per pixel"}),
                "occluded_rbm": (("letter", "cue", "pixel"),
                                 to_numpy(occ.probabilities).reshape(per_letter),
                                 {"units": "1", "long_name": "RBM p(v = 1) after Gibbs "
                                  "completion of the occluded letter"}),
                "occluded_hopfield": (("letter", "cue", "pixel"),
                                      ((to_numpy(hop_occ.states) + 1) / 2).reshape(per_letter)
                                      .astype(np.int8),
                                      {"units": "1", "long_name": "Hopfield final state "
                                       "(1 = ink)"}),
                "corrupted_cue": (("corruption", "letter", "cue", "pixel"),
                                  cor_cues.reshape(shape).astype(np.int8), {"units": "1"}),
                "corrupted_rbm": (("corruption", "letter", "cue", "pixel"),
                                  to_numpy(cor.probabilities).reshape(shape),
                                  {"units": "1", "long_name": "RBM p(v = 1) after mean-field "
                                   "denoising"}),
                "corrupted_hopfield": (("corruption", "letter", "cue", "pixel"),
                                       ((to_numpy(hop_cor.states) + 1) / 2).reshape(shape)
                                       .astype(np.int8),
                                       {"units": "1", "long_name": "Hopfield final state "
                                        "(1 = ink)"}),
                "weights": (("pixel", "hidden"), to_numpy(rbm.weights),
                            {"units": "1", "long_name": "trained RBM weights W"}),
            },
            coords={
                "letter": names,
                "pixel": np.arange(n_pixels),
                "hidden": np.arange(params.n_hidden),
                "cue": np.arange(params.n_cues),
                "epoch": ("epoch", np.arange(params.epochs + 1),
                          {"units": "1", "long_name": "training epoch (0 = before)"}),
                "corruption": ("corruption", n_flips / n_pixels,
                               {"units": "1", "long_name": "fraction of pixels flipped"}),
            },
            attrs={"side": SIDE, "flip_probability": params.flip_probability,
                   "ideal_error_ratio": ideal_error_ratio(params.flip_probability),
                   "description": "RBM trained by CD on 5x5 letters: learning curve, "
                                  "occlusion and corruption completion vs a Hopfield net"},
        )
        return ds

    def metrics(self, ds: xr.Dataset) -> dict[str, float]:
        letters = ds.letters.values.astype(float)  # (L, V)
        truth = letters[:, None, :]
        unknown = ~ds.known.values.astype(bool)
        err = ds.reconstruction_error.values
        rbm_occ = ds.occluded_rbm.values >= 0.5
        hop_occ = ds.occluded_hopfield.values.astype(bool)
        # Best letter-blind guess of each hidden pixel: its majority value over the letters.
        majority = letters.mean(axis=0) >= 0.5
        out = {
            "reconstruction_error_initial": float(err[0]),
            "reconstruction_error_final": float(err[-1]),
            "reconstruction_error_ratio": float(err[-1] / err[0]),
            "occluded_pixel_accuracy": float((rbm_occ == truth)[..., unknown].mean()),
            "occluded_letters_exact": float((rbm_occ == truth).all(axis=-1).mean()),
            # The RBM's Gibbs estimate of p(v_i = letter's value | clamped pixels), mean
            # over the occluded pixels (compared with the environment's conditional).
            "occluded_correct_probability": float(np.where(
                truth.astype(bool), ds.occluded_rbm.values,
                1.0 - ds.occluded_rbm.values)[..., unknown].mean()),
            "hopfield_occluded_pixel_accuracy": float((hop_occ == truth)[..., unknown].mean()),
            "majority_occluded_pixel_accuracy": float(
                (majority[None, :] == letters.astype(bool))[:, unknown].mean()),
        }
        rbm_cor = ds.corrupted_rbm.values >= 0.5
        hop_cor = ds.corrupted_hopfield.values.astype(bool)
        cue = ds.corrupted_cue.values.astype(bool)
        for c, level in enumerate(ds.corruption.values):
            rbm_acc = float((rbm_cor[c] == truth).mean())
            hop_acc = float((hop_cor[c] == truth).mean())
            out[f"corrupted_pixel_accuracy@{level:g}"] = rbm_acc
            out[f"corrupted_letters_exact@{level:g}"] = float((rbm_cor[c] == truth).all(-1).mean())
            out[f"hopfield_pixel_accuracy@{level:g}"] = hop_acc
            out[f"hopfield_letters_exact@{level:g}"] = float((hop_cor[c] == truth).all(-1).mean())
            out[f"cue_pixel_accuracy@{level:g}"] = float((cue[c] == truth).mean())
            out[f"rbm_minus_hopfield@{level:g}"] = rbm_acc - hop_acc
        return out

    def targets(self, params: BoltzmannParams) -> tuple[Target, ...]:
        out = _targets(params)
        names = {t.metric for t in out}
        full = [dataclasses.replace(t, not_tested="full preset only: its corruption grid "
                                                  "adds 12 % and 20 %")
                for t in _targets(self.params("full")) if t.metric not in names]
        return tuple(out + full)


def _targets(params: BoltzmannParams) -> list[Target]:
    """The targets of :meth:`Boltzmann.targets` for ``params``."""
    ideal = ideal_error_ratio(params.flip_probability)
    bound = (1.0 + ideal) / 2.0
    levels = np.maximum(1, np.rint(np.asarray(params.corruption) * SIDE * SIDE)) / SIDE**2
    out = [
        Target(
            "occluded_correct_probability", environment_conditional(params.flip_probability),
            0.03, compare="abs", kind="theory",
            source="Ackley, Hinton & Sejnowski 1985: a Boltzmann machine that has learned "
                   "its environment completes a clamped part by the environment's "
                   "conditional distribution; here that conditional in closed form "
                   "(environment_conditional)",
            reason="quick preset, seeds 0-19: mean 0.946, seed-to-seed sd 0.007, range "
                   "0.928-0.963 (the RBM's estimate of the noise level from 180 training "
                   "vectors, 50 Gibbs samples per cue); 0.03 = 4 sd. An untrained machine "
                   "gives ~0.6 (pixel frequencies), one that forgot the noise 1.0",
            description="mean probability the trained RBM gives an occluded pixel its "
                        "letter's value, clamped on the other 15"),
        Target(
            "reconstruction_error_ratio", bound, 0.0, compare="at_most", kind="consistency",
            source="docs/catalogue.md memory.boltzmann ('reconstruction error falls during "
                   "training'); Hinton 2010, section 5 (reconstruction error as the "
                   "progress monitor of CD)",
            reason=f"a bound from the data, not a reproduction: an untrained RBM "
                   f"reconstructs each pixel by its frequency (ratio 1); a model that "
                   f"recognises the letters and predicts only the training noise reaches "
                   f"{ideal:.3f}; the bound {bound:.3f} is the midpoint (seeds 0-19 of the "
                   "quick preset: 0.165-0.198)",
            description="final / initial mean-field reconstruction error on the "
                        "training set"),
        Target(
            "occluded_pixel_accuracy", 0.95, 0.0, compare="at_least", kind="theory",
            source=f"docs/catalogue.md memory.boltzmann ('completes corrupted patterns'); "
                   f"{SEED}",
            reason="no published number: the three visible columns identify every "
                   "letter (Hamming distance >= 2 between letters there), so the "
                   "Bayes-optimal completion is 100 % right; 0.95 sits far above chance "
                   "(0.5) and the best letter-blind guess (pixel majority, "
                   f"{majority_accuracy():.2f}) and leaves one wrong pixel in 20 for the "
                   "Gibbs estimate (seeds 0-19 of the quick preset: 0.978-1.000)",
            description="fraction of the 10 hidden pixels filled in correctly by "
                        "Gibbs sampling with the other 15 clamped"),
    ]
    for level in levels[levels <= 0.08 + 1e-9]:
        out.append(Target(
            f"corrupted_pixel_accuracy@{level:g}", 0.95, 0.0, compare="at_least",
            kind="theory",
            source="docs/catalogue.md memory.boltzmann ('completes corrupted patterns')",
            reason=f"no published number: a cue with {level:.0%} of its pixels flipped "
                   f"is {1 - level:.2f} correct; the closest letters (T, I) differ in 4 "
                   "pixels, so up to 2 flips the Bayes-optimal (nearest-letter) decoder "
                   "is right except for ties; 0.95 asks the RBM to remove most of the "
                   "corruption (seeds 0-19 of the quick preset: 0.984-1.000 at 4 %, "
                   "0.974-1.000 at 8 %)",
            description=f"pixel accuracy after mean-field denoising, {level:.0%} of "
                        "pixels flipped"))
    for level in levels:
        out.append(Target(
            f"rbm_minus_hopfield@{level:g}", 0.0, 0.0, compare="at_least", kind="theory",
            source=f"{SEED}; Amit, Gutfreund & Sompolinsky 1985 (Hebbian capacity "
                   "0.138 N); Hinton 2002",
            reason="ordering: six correlated letters in 25 neurons is a load of "
                   "0.24, above the Hebbian capacity 0.138, so the Hopfield network has "
                   "spurious attractors; the RBM's hidden units learn the letters, so "
                   "its accuracy must not be lower (seeds 0-19 of the quick preset: "
                   "+0.05 to +0.12, seed-to-seed sd 0.003-0.019)",
            description=f"RBM minus Hopfield pixel accuracy, {level:.0%} flipped"))
    return out
