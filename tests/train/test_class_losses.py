"""Cross-entropy and squared error on softmax probabilities: values and gradients at the logits against
PyTorch, the closed forms the lesson quotes, and the worst point of a model."""

import numpy as np
import pytest
import torch

from kaibo.engine import Tensor, manual_seed
from kaibo.models.mlp_classifier import MLPClassifier
from kaibo.train.class_losses import (
    LOSSES,
    classification_loss,
    logit_gradients,
    one_hot,
    two_class_push,
    worst_point,
)

RNG = np.random.default_rng(0)
# (logits, targets): confident and unsure, right and wrong, two and three classes
BATCHES = [
    (RNG.normal(size=(5, 2)) * 3, np.array([0, 1, 1, 0, 1])),
    (np.array([[8.0, -8.0], [-6.0, 6.0], [0.1, 0.0]]), np.array([1, 1, 0])),
    (RNG.normal(size=(4, 3)), np.array([2, 0, 1, 2])),
]


def torch_loss(kind: str, logits: torch.Tensor, targets: np.ndarray) -> torch.Tensor:
    t = torch.as_tensor(targets)
    if kind == "cross_entropy":
        return torch.nn.functional.cross_entropy(logits, t)
    p = torch.softmax(logits, dim=-1)
    return ((p - torch.nn.functional.one_hot(t, logits.shape[1])) ** 2).sum(dim=1).mean()


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize(("logits", "targets"), BATCHES)
def test_loss_and_per_example_gradient_match_torch(kind: str, logits: np.ndarray, targets: np.ndarray) -> None:
    ours = classification_loss(kind, Tensor(logits), targets).item()
    z = torch.tensor(logits, requires_grad=True)
    theirs = torch_loss(kind, z, targets)
    theirs.backward()
    assert ours == pytest.approx(theirs.item(), rel=1e-9)
    np.testing.assert_allclose(logit_gradients(kind, logits, targets), z.grad.numpy() * len(targets), atol=1e-12)


@pytest.mark.parametrize(("logits", "targets"), BATCHES)
def test_gradients_have_the_closed_forms_of_the_lesson(logits: np.ndarray, targets: np.ndarray) -> None:
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    e = one_hot(targets, logits.shape[1])
    np.testing.assert_allclose(logit_gradients("cross_entropy", logits, targets), p - e, atol=1e-12)
    # Σ_k 2(p_k − e_k) p_k (δ_kj − p_j), written out with the softmax Jacobian
    jacobian = p[:, :, None] * (np.eye(p.shape[1])[None] - p[:, None, :])          # (N, k, j)
    expected = np.einsum("nk,nkj->nj", 2 * (p - e), jacobian)
    np.testing.assert_allclose(logit_gradients("squared_error", logits, targets), expected, atol=1e-12)


@pytest.mark.parametrize("p_true", [0.001, 0.01, 0.2, 0.5, 0.9, 0.999])
def test_two_class_push_is_the_gradient_on_the_right_class(p_true: float) -> None:
    logits = np.array([[0.0, np.log(p_true / (1 - p_true))]])   # class 1 gets probability p_true
    push = two_class_push(np.array(p_true))
    for kind in LOSSES:
        assert abs(logit_gradients(kind, logits, np.array([1]))[0, 1]) == pytest.approx(float(push[kind]), rel=1e-9)
    assert push["cross_entropy"] >= push["squared_error"]    # 1 ≥ 4p(1−p) ⟺ (1 − 2p)² ≥ 0


def test_a_confident_mistake_is_corrected_25_times_more_by_cross_entropy() -> None:
    push = two_class_push(np.array(0.01))
    assert float(push["cross_entropy"] / push["squared_error"]) == pytest.approx(1 / (4 * 0.99 * 0.01), rel=1e-12)


def test_worst_point_is_the_lowest_probability_of_the_right_class() -> None:
    manual_seed(3)
    model = MLPClassifier(2, (4,), 2, "tanh")
    x = np.random.default_rng(1).normal(size=(30, 2)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    worst = worst_point(model, x, y)
    probs = model.trace(x)["probs"]
    right = probs[np.arange(30), y]
    assert worst.index == int(np.argmin(right))
    assert worst.p_true == pytest.approx(float(right.min()), rel=1e-5)
    assert worst.loss["cross_entropy"] == pytest.approx(-np.log(worst.p_true), rel=1e-5)
    expected = two_class_push(np.array(worst.p_true))
    assert worst.push == pytest.approx({k: float(v) for k, v in expected.items()}, rel=1e-5)
    assert worst.ratio >= 1


def test_an_unknown_loss_is_refused() -> None:
    with pytest.raises(ValueError, match="loss must be one of"):
        classification_loss("hinge", Tensor(np.zeros((1, 2))), np.array([0]))
