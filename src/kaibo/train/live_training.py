"""A small network learning two-class 2-D points one step at a time, to be watched, paused, changed and
rewound while it learns (lesson 7, the playground).

`LiveTraining` is the most general of the lessons' 2-D training loops: any `MLPClassifier` shape, either
loss of `kaibo.train.class_losses`, SGD or Adam, mini-batches, an L2 penalty, points added while it runs.
Each step:

1. takes the next mini-batch of the training points (a shuffled epoch cut into batches, `epoch_batches`);
2. computes the batch's loss plus the L2 penalty (λ/2)·Σw² over every weight matrix (not the biases: a bias
   only shifts a border, it does not make it sharper), so the gradient of the penalty is λw;
3. backpropagates, and the optimizer updates the weights;
4. measures the loss and accuracy on all training points and on all test points (the test points are never
   trained on: where the two curves part is over-fitting), one row of `history`.

A run whose numbers leave the floating-point range stops at once and says where (`Divergence`): which step,
which quantity (the batch's loss, a gradient, a weight, or the loss on all training points) and its value.
`restore()` goes back to the last good weights: those of the step with the lowest training loss so far. Not
simply the last finite ones: a run that overflows has been climbing for several steps, and the weights just
before the overflow (a loss of 10²³, say) are finite but ruined; another step from them overflows again
whatever the learning rate.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from kaibo.data.toy2d import Grid2D, Points2D
from kaibo.engine import Tensor, manual_seed, no_grad
from kaibo.engine.optim import SGD, Adam
from kaibo.errors import InputError
from kaibo.models.mlp_classifier import ACTIVATIONS, MLPClassifier
from kaibo.train.class_losses import LOSSES, classification_loss
from kaibo.train.minibatch import epoch_batches

OPTIMIZERS = {"sgd": SGD, "adam": Adam}
LR_RANGE = (1e-4, 100.0)
L2_RANGE = (0.0, 10.0)
MAX_BATCH = 2000
MAX_POINTS = 2000
TRAIL = 5  # training losses quoted before a divergence: enough to see them climb
EMPTY_EXTENT = (-2.0, 2.0)  # the plane shown before there is any point


@dataclass(frozen=True)
class Settings:
    """What may change while a run goes on, without starting over: the optimizer and its step."""

    lr: float = 0.03
    batch_size: int = 16
    l2: float = 0.0
    optimizer: str = "sgd"

    def __post_init__(self) -> None:
        if not (isinstance(self.lr, int | float) and math.isfinite(self.lr) and LR_RANGE[0] <= self.lr <= LR_RANGE[1]):
            raise InputError("live_training.error.lr", value=self.lr, low=LR_RANGE[0], high=LR_RANGE[1])
        if not (isinstance(self.batch_size, int) and 1 <= self.batch_size <= MAX_BATCH):
            raise InputError("live_training.error.batch_size", value=self.batch_size, high=MAX_BATCH)
        if not (isinstance(self.l2, int | float) and math.isfinite(self.l2) and L2_RANGE[0] <= self.l2 <= L2_RANGE[1]):
            raise InputError("live_training.error.l2", value=self.l2, high=L2_RANGE[1])
        if self.optimizer not in OPTIMIZERS:
            raise InputError("live_training.error.optimizer", value=self.optimizer, options=", ".join(OPTIMIZERS))


@dataclass(frozen=True)
class Record:
    """The run measured after `step` steps (step 0: the starting weights). Losses are the data loss alone
    (the loss being trained, without the L2 penalty, which is `penalty`)."""

    step: int
    train_loss: float
    test_loss: float
    train_accuracy: float
    test_accuracy: float
    penalty: float


@dataclass(frozen=True)
class Divergence:
    """Where a run left the numbers: at `step` (from 1), `quantity` ("loss", "gradient", "weight" or
    "train_loss") of `name` (a parameter's name, or "loss") became `value` (inf, −inf or nan). `good_step` is
    the step with the lowest training loss so far (its weights are what `restore` puts back); `trail` the
    training loss at the last steps before the divergence, oldest first."""

    step: int
    quantity: str
    name: str
    value: float
    lr: float
    good_step: int
    trail: tuple[float, ...]


def square_grid(x: np.ndarray, steps: int = 50, margin: float = 0.3) -> Grid2D:
    """A steps × steps grid over the smallest square that holds every point of x (n, 2) with `margin` to
    spare: square, so a canvas shows the plane undistorted. [-2, 2]² when there is no point yet."""
    if len(x):
        lo, hi = x.min(axis=0) - margin, x.max(axis=0) + margin
        centre, half = (lo + hi) / 2, float((hi - lo).max()) / 2
    else:
        centre, half = np.zeros(2), (EMPTY_EXTENT[1] - EMPTY_EXTENT[0]) / 2
    offsets = np.linspace(-half, half, steps)
    return Grid2D(centre[0] + offsets, centre[1] + offsets)


class LiveTraining:
    """A two-class `MLPClassifier` on 2-D points, trained a step at a time.

    Parameters
    ----------
    train, test : the points trained on, and the points only measured.
    hidden : the width of each hidden layer; () is a single linear layer (a straight border).
    activation : one of `kaibo.models.mlp_classifier.ACTIVATIONS`.
    loss : "cross_entropy" or "squared_error" (`kaibo.train.class_losses`).
    settings : learning rate, batch size, L2 strength and optimizer; `configure` changes them mid-run.
    seed : fixes the starting weights and the order of the batches.
    grid_steps : the resolution of `probabilities()`.
    placed : how many of the last rows of `train` are points the learner placed (`remove_added` takes them).
    """

    def __init__(self, train: Points2D, test: Points2D, hidden: tuple[int, ...] = (8,),
                 activation: str = "tanh", loss: str = "cross_entropy", settings: Settings | None = None,
                 seed: int = 0, grid_steps: int = 50, placed: int = 0) -> None:
        if loss not in LOSSES:
            raise InputError("live_training.error.loss", value=loss, options=", ".join(LOSSES))
        if activation not in ACTIVATIONS:
            raise InputError("live_training.error.activation", value=activation, options=", ".join(ACTIVATIONS))
        self.train, self.test, self.loss, self.seed = train, test, loss, seed
        self.settings = settings or Settings()
        self.hidden, self.activation = tuple(hidden), activation
        self.grid = square_grid(np.concatenate([train.x, test.x]), grid_steps)
        self.added = placed                 # points the learner placed: the last rows of `train`
        self.start_over()

    def start_over(self) -> None:
        """Fresh starting weights (the same ones `seed` always gives), step 0, the same points and settings."""
        manual_seed(self.seed)
        self.model = MLPClassifier(2, self.hidden, 2, self.activation)
        self.optimizer = self._optimizer()
        self._rng = np.random.default_rng(self.seed)
        self._batches: list[np.ndarray] = []
        self.divergence: Divergence | None = None
        self.history: list[Record] = [self._measure(0)]
        self._keep_good()

    def _keep_good(self) -> None:
        """The current weights become the last good ones (their step is the last row of `history`)."""
        self._good, self._good_step = self.model.state_dict(), self.steps

    # ---- settings and data

    def _optimizer(self) -> SGD | Adam:
        return OPTIMIZERS[self.settings.optimizer](self.model.parameters(), lr=self.settings.lr)

    def configure(self, **changes: object) -> None:
        """Change any of `Settings` (validated) and go on from the same weights. A new optimizer starts with
        empty moments; a new batch size starts a new epoch."""
        new = replace(self.settings, **changes)
        old, self.settings = self.settings, new
        if new.optimizer != old.optimizer:
            self.optimizer = self._optimizer()
        for group in self.optimizer.param_groups:
            group["lr"] = new.lr
        if new.batch_size != old.batch_size:
            self._batches = []

    def add_point(self, x1: float, x2: float, label: int) -> None:
        """A training point the learner placed; the next batch starts a new epoch that includes it."""
        if not (math.isfinite(x1) and math.isfinite(x2)) or label not in (0, 1):
            raise InputError("live_training.error.point", x1=x1, x2=x2, label=label)
        if len(self.train) + len(self.test) >= MAX_POINTS:
            raise InputError("live_training.error.too_many_points", limit=MAX_POINTS)
        self.train = Points2D(np.vstack([self.train.x, np.array([[x1, x2]], dtype=np.float32)]),
                              np.append(self.train.y, np.int64(label)), self.train.name)
        self.added += 1
        self._data_changed()

    def remove_added(self) -> None:
        """Take away every point the learner placed."""
        keep = len(self.train) - self.added
        self.train = Points2D(self.train.x[:keep], self.train.y[:keep], self.train.name)
        self.added = 0
        self._data_changed()

    def _data_changed(self) -> None:
        self._batches = []                  # a new epoch, over the points as they are now
        if self.divergence is None:         # the last row describes the data as it is now
            self.history[-1] = self._measure(self.history[-1].step)
            self._keep_good()               # losses before the change are of other data: not comparable

    # ---- training

    @property
    def steps(self) -> int:
        return self.history[-1].step

    @property
    def can_train(self) -> bool:
        """Whether there is anything to learn: training points of both classes, and no divergence."""
        return self.divergence is None and len(set(self.train.y.tolist())) == 2

    def _next_batch(self) -> np.ndarray:
        if not self._batches:
            self._batches = epoch_batches(len(self.train), self.settings.batch_size, self._rng)
        return self._batches.pop(0)

    def step(self, n: int = 1) -> int:
        """Up to `n` steps; fewer when the run diverges (or cannot train). How many were completed."""
        first = self.steps
        with np.errstate(over="ignore", invalid="ignore"):
            while self.steps - first < n and self.can_train:
                self._one_step()
        return self.steps - first

    def _one_step(self) -> None:
        step = self.steps + 1
        batch = self._next_batch()
        logits = self.model(Tensor(self.train.x[batch]))                           # (B, 2)
        loss = classification_loss(self.loss, logits, self.train.y[batch])
        if self.settings.l2:
            loss = loss + self._penalty_tensor()
        if not math.isfinite(loss.item()):
            return self._diverge(step, "loss", "loss", loss.item())
        self.optimizer.zero_grad()
        loss.backward()
        for name, p in self.model.named_parameters():
            if not np.isfinite(p.grad.data).all():
                return self._diverge(step, "gradient", name, _first_bad(p.grad.data))
        self.optimizer.step()
        for name, p in self.model.named_parameters():
            if not np.isfinite(p.data).all():
                return self._diverge(step, "weight", name, _first_bad(p.data))
        record = self._measure(step)
        if not math.isfinite(record.train_loss):
            return self._diverge(step, "train_loss", "loss", record.train_loss)
        self.history.append(record)
        if record.train_loss <= self.history[self._good_step].train_loss:
            self._keep_good()

    def _diverge(self, step: int, quantity: str, name: str, value: float) -> None:
        trail = tuple(r.train_loss for r in self.history[-TRAIL:])
        self.divergence = Divergence(step, quantity, name, float(value), self.settings.lr, self._good_step, trail)

    def restore(self) -> None:
        """Back to the last good weights, those of the step with the lowest training loss so far, and back to
        that step (later rows of `history` are dropped), with a fresh optimizer (Adam's moments may hold the
        overflow too). Training may go on, best with a smaller learning rate."""
        self.model.load_state_dict(self._good)
        del self.history[self._good_step + 1:]
        self.optimizer = self._optimizer()
        self._batches = []
        self.divergence = None

    # ---- measuring

    def _penalty_tensor(self) -> Tensor:
        total = None
        for name, w in self.model.named_parameters():
            if name.endswith("weight"):
                total = (w * w).sum() if total is None else total + (w * w).sum()
        return total * (self.settings.l2 / 2)

    def penalty(self) -> float:
        """(λ/2)·Σw² over the weight matrices, at the current weights (the number `_penalty_tensor` adds)."""
        if not self.settings.l2:
            return 0.0
        squares = sum(float(np.square(p.data, dtype=np.float64).sum())
                      for name, p in self.model.named_parameters() if name.endswith("weight"))
        return self.settings.l2 / 2 * squares

    def evaluate(self, points: Points2D) -> tuple[float, float]:
        """(mean loss, accuracy) of the current weights on `points`; (nan, nan) when there are none."""
        with no_grad():
            logits = self.model(Tensor(points.x)) if len(points) else None
        return self._score(logits, points.y)

    def _score(self, logits: Tensor | None, y: np.ndarray) -> tuple[float, float]:
        if logits is None:
            return math.nan, math.nan
        with no_grad():
            loss = classification_loss(self.loss, logits, y).item()
        return float(loss), float((logits.data.argmax(axis=1) == y).mean())

    def _measure(self, step: int) -> Record:
        # One forward pass over the training and test points together (it is done after every step).
        n = len(self.train)
        both = np.concatenate([self.train.x, self.test.x])
        with no_grad():
            logits = self.model(Tensor(both)).data if len(both) else np.zeros((0, 2), np.float32)   # (N, 2)
        train = self._score(Tensor(logits[:n]) if n else None, self.train.y)
        test = self._score(Tensor(logits[n:]) if len(self.test) else None, self.test.y)
        return Record(step, *train[:1], *test[:1], train[1], test[1], self.penalty())

    def probabilities(self) -> np.ndarray:
        """The probability of class 1 at every point of `grid`, as an image (rows from the lowest x₂ up); nan
        everywhere once the weights have overflowed."""
        with np.errstate(over="ignore", invalid="ignore"), no_grad():
            logits = self.model(Tensor(self.grid.points)).data.astype(np.float64)      # (steps², 2)
        # softmax of two scores: p₁ = 1 / (1 + e^(z₀ − z₁)); nan where the scores are not numbers
        with np.errstate(over="ignore", invalid="ignore"):
            return self.grid.as_image(1.0 / (1.0 + np.exp(logits[:, 0] - logits[:, 1])))

    # ---- exporting

    def save_weights(self, path: str | os.PathLike) -> Path:
        """The weights and the network's shape as a safetensors file (`MLPClassifier.load` reads it back).
        After a divergence, the last good weights: a file of inf and nan would be of no use to anyone."""
        if self.divergence is None:
            return self.model.save(path)
        current = self.model.state_dict()
        self.model.load_state_dict(self._good)
        try:
            return self.model.save(path)
        finally:
            self.model.load_state_dict(current)

    def weights_bytes(self) -> bytes:
        """`save_weights` as the bytes of the file, for a download."""
        with tempfile.TemporaryDirectory() as folder:
            return self.save_weights(Path(folder) / "weights.safetensors").read_bytes()

    def curves_csv(self) -> str:
        """`history` as CSV text, one row per step: the losses and accuracies on both sets, and the penalty
        (an empty field where a number was not finite or there was nothing to measure)."""
        names = list(vars(self.history[0]))
        lines = [",".join(names)]
        for record in self.history:
            values = (getattr(record, name) for name in names)
            lines.append(",".join(str(v) if isinstance(v, int) else f"{v:.6g}" if math.isfinite(v) else ""
                                  for v in values))
        return "\n".join(lines) + "\n"


def _first_bad(array: np.ndarray) -> float:
    return float(array[~np.isfinite(array)].flat[0])
