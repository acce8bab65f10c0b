"""What every traced classifier is checked for, written once: the trace's names against the class docstring,
its values and gradients against a PyTorch twin in float64, parameters' gradients left alone, save/load."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from kaibo.engine import Tensor
from kaibo.models.classifier import TracedClassifier

TorchForward = Callable[[dict[str, torch.Tensor], torch.Tensor], dict[str, torch.Tensor]]


def docstring_names(cls: type, layers: int = 0) -> list[str]:
    """The names listed under "Trace names" in the docstring, ``layer{i}.…`` repeated for i < layers."""
    section = cls.__doc__.split("Trace names")[1].split("With targets")[0]
    listed = re.findall(r"^\s*- ``([^`]+)``", section, flags=re.MULTILINE)
    per_layer = [name for name in listed if "{i}" in name]
    names: list[str] = []
    for name in listed:
        if name == (per_layer[0] if per_layer else None):
            names += [n.format(i=i) for i in range(layers) for n in per_layer]
        elif "{i}" not in name:
            names.append(name)
    return names


def in_float64(model: TracedClassifier) -> TracedClassifier:
    for p in model.parameters():
        p.data = p.data.astype(np.float64)
    return model


def check_trace_names(model: TracedClassifier, x: np.ndarray, y: np.ndarray, layers: int = 0) -> None:
    names = docstring_names(type(model), layers)
    assert list(model.trace(x)) == names
    on_path = [n for n in names if n != "probs"]
    assert list(model.trace(x, y)) == names + ["loss"] + ["grad:" + n for n in on_path]


def check_against_torch(model: TracedClassifier, torch_forward: TorchForward, x: np.ndarray,
                        y: np.ndarray) -> None:
    """Every intermediate and every ∂loss/∂intermediate equal PyTorch's on the same weights, in float64."""
    in_float64(model)
    weights = {name: torch.from_numpy(a) for name, a in model.state_dict().items()}
    inputs = torch.from_numpy(x).requires_grad_(True)
    theirs = torch_forward(weights, inputs)
    for t in theirs.values():
        t.retain_grad()
    loss = torch.nn.functional.cross_entropy(theirs["logits"], torch.tensor(y))
    loss.backward()
    ours = model.trace(x, y)
    probs = torch.softmax(theirs["logits"], dim=-1)
    np.testing.assert_allclose(ours["probs"], probs.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours["loss"], loss.item(), rtol=1e-10)
    for name, t in theirs.items():
        np.testing.assert_allclose(ours[name], t.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=name)
        np.testing.assert_allclose(ours["grad:" + name], t.grad.numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg="grad:" + name)


def check_parameter_grads_untouched(model: TracedClassifier, x: np.ndarray, y: np.ndarray) -> None:
    """A trace between two optimizer steps: every .grad the same object with the same numbers, None stays None."""
    params = list(model.parameters())
    for i, p in enumerate(params):
        p.grad = None if i == 0 else Tensor(np.full(p.shape, 0.5, dtype=p.data.dtype))
    before = [None if p.grad is None else (p.grad, p.grad.data.copy()) for p in params]
    model.trace(x, y)
    for p, was in zip(params, before, strict=True):
        if was is None:
            assert p.grad is None
        else:
            assert p.grad is was[0]
            np.testing.assert_array_equal(p.grad.data, was[1])
        assert p.requires_grad


def check_round_trip(model: TracedClassifier, path: Path, x: np.ndarray) -> TracedClassifier:
    model.save(path)
    loaded = type(model).load(path)
    assert loaded.config == model.config
    assert model.state_dict().keys() == loaded.state_dict().keys()
    for name, array in model.state_dict().items():
        np.testing.assert_array_equal(loaded.state_dict()[name], array)
    np.testing.assert_array_equal(loaded(x).data, model(x).data)
    return loaded
