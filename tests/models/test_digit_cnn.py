"""DigitCNN: trace names and numbers against PyTorch, gradients at every stage, save/load, bad shapes."""

import re
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as tF

from kaibo.data.datasets import load_digits_split
from kaibo.engine import manual_seed
from kaibo.errors import InputError
from kaibo.models.digit_cnn import DigitCNN
from tests.models import classifier_checks as checks

DIGITS = load_digits_split()
X, Y = DIGITS.x_train[:6].astype(np.float64), DIGITS.y_train[:6]


def model() -> DigitCNN:
    manual_seed(0)
    return DigitCNN()


def torch_cnn(w: dict[str, torch.Tensor], x: torch.Tensor) -> dict[str, torch.Tensor]:
    out = {"input": x.reshape(-1, 1, 8, 8)}
    out["conv1"] = tF.conv2d(out["input"], w["conv1.weight"], w["conv1.bias"], padding=1)
    out["relu1"] = torch.relu(out["conv1"])
    out["pool1"] = tF.max_pool2d(out["relu1"], 2)
    out["conv2"] = tF.conv2d(out["pool1"], w["conv2.weight"], w["conv2.bias"], padding=1)
    out["relu2"] = torch.relu(out["conv2"])
    out["pool2"] = tF.max_pool2d(out["relu2"], 2)
    out["flat"] = out["pool2"].flatten(1)
    out["logits"] = tF.linear(out["flat"], w["fc.weight"], w["fc.bias"])
    return out


def test_trace_names_are_the_docstring_list() -> None:
    checks.check_trace_names(model(), X, Y)


@pytest.mark.parametrize("layout", ["flat", "image"])
def test_trace_and_its_gradients_equal_torch(layout: str) -> None:
    x = X if layout == "flat" else X.reshape(-1, 1, 8, 8)
    checks.check_against_torch(model(), torch_cnn, x, Y)


def test_trace_leaves_parameter_gradients_untouched() -> None:
    checks.check_parameter_grads_untouched(model(), DIGITS.x_train[:6], Y)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    manual_seed(1)
    narrow = DigitCNN(channels1=4, channels2=6)
    loaded = checks.check_round_trip(narrow, tmp_path / "cnn.safetensors", DIGITS.x_test[:4])
    assert (loaded.config.channels1, loaded.config.channels2) == (4, 6)


@pytest.mark.parametrize("shape", [(5, 63), (64,), (5, 1, 8, 7), (5, 3, 8, 8), (0, 64)])
def test_wrong_input_shape_is_refused_with_the_expected_shape(shape: tuple[int, ...]) -> None:
    expected = re.escape(f"expects input of shape (B, 1, 8, 8) or (B, 64), got {shape}")
    with pytest.raises(InputError, match=expected):
        model()(np.zeros(shape, dtype=np.float32))
