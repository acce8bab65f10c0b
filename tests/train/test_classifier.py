"""train_classifier: a few Adam steps reduce the loss; accuracy counts right answers."""

import numpy as np

from kaibo.data.datasets import load_digits_split
from kaibo.engine import manual_seed
from kaibo.models.digit_cnn import DigitCNN
from kaibo.models.mlp_classifier import MLPClassifier
from kaibo.train.classifier import accuracy, train_classifier


def test_a_few_steps_reduce_the_loss_of_both_models() -> None:
    digits = load_digits_split()
    x, y = digits.x_train[:256], digits.y_train[:256]
    for build in (DigitCNN, lambda: MLPClassifier(64, (16,), 10)):
        manual_seed(0)
        model = build()
        losses = train_classifier(model, x, y, epochs=8, batch_size=32, lr=1e-2, seed=0)
        assert losses.shape == (64,)
        assert losses[-8:].mean() < 0.5 * losses[:8].mean()   # the last epoch against the first
        assert accuracy(model, x, y) > 0.5


def test_accuracy_is_the_fraction_of_right_answers() -> None:
    manual_seed(0)
    model = MLPClassifier(2, (), 2, "none")
    model.out.weight.data = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)   # class = larger input
    model.out.bias.data = np.zeros(2, dtype=np.float32)
    x = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [0.0, 3.0]], dtype=np.float32)
    assert accuracy(model, x, np.array([0, 1, 1, 1])) == 0.75
