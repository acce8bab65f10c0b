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
TORCH_ACT = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "none": lambda x: x}


def model(hidden: tuple[int, ...] = (7, 6), activation: str = "relu") -> MLPClassifier:
    manual_seed(0)
    return MLPClassifier(12, hidden, 4, activation)


def torch_mlp(activation: str, layers: int) -> checks.TorchForward:
    def forward(w: dict[str, torch.Tensor], x: torch.Tensor) -> dict[str, torch.Tensor]:
        out = {"input": x}
        for i in range(layers):
            out[f"layer{i}.linear"] = x = torch.nn.functional.linear(x, w[f"hidden.{i}.weight"], w[f"hidden.{i}.bias"])
            # a separate node even for "none", so that both names get their gradient
            out[f"layer{i}.act"] = x = TORCH_ACT[activation](x) * 1.0
        out["logits"] = torch.nn.functional.linear(x, w["out.weight"], w["out.bias"])
        return out
    return forward


@pytest.mark.parametrize("hidden", [(), (7,), (7, 6)])
def test_trace_names_are_the_docstring_list(hidden: tuple[int, ...]) -> None:
    checks.check_trace_names(model(hidden), X, Y, layers=len(hidden))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "none"])
def test_trace_and_its_gradients_equal_torch(activation: str) -> None:
    checks.check_against_torch(model((7, 6), activation), torch_mlp(activation, 2), X, Y)


def test_trace_leaves_parameter_gradients_untouched() -> None:
    checks.check_parameter_grads_untouched(model(), X.astype(np.float32), Y)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    loaded = checks.check_round_trip(model((5,), "tanh"), tmp_path / "mlp.safetensors", X.astype(np.float32))
    assert loaded.config.hidden == (5,) and loaded.config.activation == "tanh"


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
        MLPClassifier(activation="gelu")
    with pytest.raises(ValueError, match="hidden width"):
        MLPClassifier(hidden=(0,))
