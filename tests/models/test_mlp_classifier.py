"""MLPClassifier: trace names and numbers against PyTorch, gradients at every layer, save/load, bad shapes."""

import re
from pathlib import Path

import numpy as np
import pytest
import torch

from kaibo.engine import manual_seed
from kaibo.errors import CheckpointError, InputError
from kaibo.models.digit_cnn import DigitCNN
from kaibo.models.mlp_classifier import MLPClassifier
from tests.models import classifier_checks as checks

RNG = np.random.default_rng(0)
X, Y = RNG.uniform(0, 1, (5, 12)), np.array([0, 3, 1, 3, 2])
TORCH_ACT = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "none": lambda x: x,
             "gelu": lambda x: torch.nn.functional.gelu(x, approximate="tanh")}


def model(hidden: tuple[int, ...] = (7, 6), activation: str = "relu", bias: bool = True) -> MLPClassifier:
    manual_seed(0)
    return MLPClassifier(12, hidden, 4, activation, bias)


def torch_mlp(activation: str, layers: int, bias: bool = True) -> checks.TorchForward:
    def forward(w: dict[str, torch.Tensor], x: torch.Tensor) -> dict[str, torch.Tensor]:
        out = {"input": x}
        for i in range(layers):
            out[f"layer{i}.linear"] = x = torch.nn.functional.linear(x, w[f"hidden.{i}.weight"],
                                                                      w.get(f"hidden.{i}.bias"))
            # a separate node even for "none", so that both names get their gradient
            out[f"layer{i}.act"] = x = TORCH_ACT[activation](x) * 1.0
        out["logits"] = torch.nn.functional.linear(x, w["out.weight"], w.get("out.bias"))
        return out
    return forward


@pytest.mark.parametrize("hidden", [(), (7,), (7, 6)])
def test_trace_names_are_the_docstring_list(hidden: tuple[int, ...]) -> None:
    checks.check_trace_names(model(hidden), X, Y, layers=len(hidden))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "gelu", "none"])
@pytest.mark.parametrize("bias", [True, False])
def test_trace_and_its_gradients_equal_torch(activation: str, bias: bool) -> None:
    checks.check_against_torch(model((7, 6), activation, bias), torch_mlp(activation, 2, bias), X, Y)


def test_without_bias_the_network_maps_zero_to_zero() -> None:
    without = model((7, 6), "tanh", bias=False)
    assert not any(name.endswith("bias") for name, _ in without.named_parameters())
    np.testing.assert_array_equal(without.trace(np.zeros((1, 12)))["logits"], 0.0)
    assert np.abs(model((7, 6), "tanh").trace(np.zeros((1, 12)))["logits"]).max() > 0.01


def test_trace_leaves_parameter_gradients_untouched() -> None:
    checks.check_parameter_grads_untouched(model(), X.astype(np.float32), Y)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    loaded = checks.check_round_trip(model((5,), "tanh", bias=False), tmp_path / "mlp.safetensors",
                                     X.astype(np.float32))
    assert loaded.config.hidden == (5,) and loaded.config.activation == "tanh" and not loaded.config.bias


def test_load_refuses_another_models_file(tmp_path: Path) -> None:
    DigitCNN().save(tmp_path / "cnn.safetensors")
    with pytest.raises(CheckpointError, match="not a MLPClassifier checkpoint"):
        MLPClassifier.load(tmp_path / "cnn.safetensors")


@pytest.mark.parametrize("shape", [(5, 11), (12,), (5, 12, 1), (0, 12)])
def test_wrong_input_shape_is_refused_with_the_expected_shape(shape: tuple[int, ...]) -> None:
    with pytest.raises(InputError, match=r"expects input of shape \(B, 12\), got " + re.escape(str(shape))):
        model().trace(np.zeros(shape))


def test_bad_hyper_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="activation must be one of"):
        MLPClassifier(activation="softplus")
    with pytest.raises(ValueError, match="hidden width"):
        MLPClassifier(hidden=(0,))
