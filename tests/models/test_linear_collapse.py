"""Linear layers without activations multiply out to one: worked by hand, and against the network itself."""

import numpy as np
import pytest

from kaibo.engine import manual_seed
from kaibo.models.linear_collapse import collapse, collapse_gap
from kaibo.models.mlp_classifier import MLPClassifier

X = np.random.default_rng(0).uniform(-2, 2, (50, 4)).astype(np.float32)


def network(hidden: tuple[int, ...], bias: bool = True, activation: str = "none") -> MLPClassifier:
    manual_seed(1)
    return MLPClassifier(4, hidden, 3, activation, bias)


def test_two_layers_by_hand() -> None:
    model = MLPClassifier(2, (2,), 2, "none")
    for layer, (w, b) in zip([model.hidden[0], model.out], [([[1, 2], [3, 4]], [1, 0]), ([[1, 0], [0, 2]], [0, 1])],
                             strict=True):
        layer.weight.data[...] = w
        layer.bias.data[...] = b
    one = collapse(model)
    # W₂W₁ = [[1, 2], [6, 8]]; W₂b₁ + b₂ = [1, 0] + [0, 1]
    np.testing.assert_array_equal(one.weight, [[1, 2], [6, 8]])
    np.testing.assert_array_equal(one.bias, [1, 1])
    assert [w.shape for w in one.weights] == [(2, 2), (2, 2)]
    normal, offset = one.boundary()
    np.testing.assert_array_equal(normal, [5, 6])
    assert offset == 0.0


@pytest.mark.parametrize("hidden", [(), (3,), (3, 3), (5, 7, 2)])
@pytest.mark.parametrize("bias", [True, False])
def test_the_single_layer_computes_what_the_stack_does(hidden: tuple[int, ...], bias: bool) -> None:
    model = network(hidden, bias)
    one = collapse(model)
    assert one.weight.shape == (3, 4) and one.bias.shape == (3,)
    assert len(one.weights) == len(hidden) + 1
    assert collapse_gap(model, X) < 1e-5                # float32 rounding, nothing more
    if not bias:
        np.testing.assert_array_equal(one.bias, 0.0)


def test_the_boundary_of_two_classes_is_the_line_of_equal_scores() -> None:
    manual_seed(2)
    model = MLPClassifier(2, (3, 3), 2, "none")
    x = np.random.default_rng(1).uniform(-3, 3, (400, 2)).astype(np.float32)
    normal, offset = collapse(model).boundary()
    np.testing.assert_array_equal((x @ normal + offset > 0).astype(int), model.predict(x))


def test_with_an_activation_there_is_nothing_to_multiply_out() -> None:
    with pytest.raises(ValueError, match="relu"):
        collapse(network((3,), activation="relu"))
