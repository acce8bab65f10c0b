"""Training a classifier of `kaibo.models` with mini-batches and Adam, and scoring it.

    .venv/bin/python -m kaibo.train.classifier

trains `DigitCNN` and an `MLPClassifier` with about as many weights on the same digits split
(`load_digits_split`: 1,347 training and 450 test images), with the same seed, epochs, batch size and
learning rate, and prints each one's test accuracy.
"""

from __future__ import annotations

import time

import numpy as np

from kaibo.data.datasets import load_digits_split
from kaibo.engine import Tensor, manual_seed, no_grad
from kaibo.engine import functional as F
from kaibo.engine.optim import Adam
from kaibo.models.classifier import TracedClassifier
from kaibo.train.minibatch import epoch_batches


def train_classifier(model: TracedClassifier, x: np.ndarray, y: np.ndarray, epochs: int = 20,
                     batch_size: int = 32, lr: float = 1e-2, seed: int = 0) -> np.ndarray:
    """Adam on the mean cross-entropy of each shuffled mini-batch; the loss of every step, shape (steps,).

    `seed` fixes the order of the batches (the starting weights are the model's own, fixed by the engine's
    `manual_seed` before the model was built)."""
    opt = Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        for batch in epoch_batches(len(y), batch_size, rng):
            loss = F.cross_entropy(model(Tensor(x[batch])), y[batch])       # (B, classes) → 1
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return np.array(losses)


def accuracy(model: TracedClassifier, x: np.ndarray, y: np.ndarray) -> float:
    """The fraction of inputs whose highest score is the right class."""
    with no_grad():
        return float((model.predict(x) == y).mean())


def compare_on_digits(epochs: int = 20, batch_size: int = 32, lr: float = 1e-2, seed: int = 0) -> dict:
    """Test accuracy, weight count and training seconds of DigitCNN and a similar-sized MLP on the digits."""
    from kaibo.models.digit_cnn import DigitCNN
    from kaibo.models.mlp_classifier import MLPClassifier

    data = load_digits_split()
    results = {}
    builders = {"DigitCNN": DigitCNN, "MLPClassifier(64, (26,), 10)": lambda: MLPClassifier(64, (26,), 10)}
    for name, build in builders.items():
        manual_seed(seed)
        model = build()
        begin = time.perf_counter()
        losses = train_classifier(model, data.x_train, data.y_train, epochs, batch_size, lr, seed)
        results[name] = {"parameters": model.num_parameters(), "seconds": time.perf_counter() - begin,
                         "final_loss": float(losses[-len(losses) // epochs:].mean()),
                         "train_accuracy": accuracy(model, data.x_train, data.y_train),
                         "test_accuracy": accuracy(model, data.x_test, data.y_test)}
    return results


if __name__ == "__main__":
    print("digits (1,347 train / 450 test), Adam lr 1e-2, batch 32, 20 epochs, seed 0")
    for name, r in compare_on_digits().items():
        print(f"  {name}: {r['parameters']} weights, test accuracy {r['test_accuracy']:.4f} "
              f"(train {r['train_accuracy']:.4f}, last-epoch loss {r['final_loss']:.4f}), {r['seconds']:.1f} s")
