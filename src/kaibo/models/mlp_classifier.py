"""A multi-layer perceptron that sorts inputs into classes: Linear → activation, repeated, then Linear."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaibo.engine import Tensor, nn
from kaibo.engine import functional as F
from kaibo.models.classifier import Keep, TracedClassifier

ACTIVATIONS = {"relu": F.relu, "tanh": F.tanh, "sigmoid": F.sigmoid, "gelu": F.gelu, "none": lambda x: x}


@dataclass(frozen=True)
class MLPClassifierConfig:
    """The hyper-parameters of an `MLPClassifier` (saved with its weights)."""

    in_features: int = 64
    hidden: tuple[int, ...] = (32,)
    classes: int = 10
    activation: str = "relu"
    bias: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(int(h) for h in self.hidden))
        if self.in_features < 1 or self.classes < 2 or any(h < 1 for h in self.hidden):
            raise ValueError(f"MLPClassifier needs in_features ≥ 1, classes ≥ 2 and every hidden width ≥ 1, "
                             f"got {self.in_features}, {self.classes}, {self.hidden}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, not {self.activation!r}")


class MLPClassifier(TracedClassifier):
    """Inputs (B, in_features) → hidden layers → logits (B, classes).

    Parameters
    ----------
    in_features : int
        Numbers per input (64 for the 8 × 8 digits).
    hidden : tuple of int
        The width of each hidden layer; () is softmax regression.
    classes : int
        How many classes (10 digits).
    activation : "relu", "tanh", "sigmoid", "gelu" or "none"
        The function after each hidden layer; "none" leaves the network linear, however deep.
    bias : bool
        Whether every Linear layer adds its bias b; without it each layer's output is 0 at the input 0,
        so every boundary the first layer draws passes through the origin.

    Trace names
    -----------
    In forward order, for each hidden layer i = 0, 1, …:

    - ``input`` (B, in_features)
    - ``layer{i}.linear`` (B, hidden[i]): x Wᵀ + b (x Wᵀ without bias)
    - ``layer{i}.act`` (B, hidden[i]): the activation of it (the same numbers when activation is "none")
    - ``logits`` (B, classes)
    - ``probs`` (B, classes): softmax of the logits

    With targets, also ``loss`` and ``grad:<name>`` for every name up to ``logits`` (`TracedClassifier.trace`).
    """

    Config = MLPClassifierConfig

    def __init__(self, in_features: int = 64, hidden: tuple[int, ...] = (32,), classes: int = 10,
                 activation: str = "relu", bias: bool = True) -> None:
        super().__init__()
        self.config = MLPClassifierConfig(in_features, hidden, classes, activation, bias)
        widths = (in_features, *self.config.hidden)
        self.hidden = nn.Sequential(*(nn.Linear(a, b, bias=bias) for a, b in zip(widths, widths[1:], strict=False)))
        self.out = nn.Linear(widths[-1], classes, bias=bias)

    def _input(self, x: Tensor | np.ndarray) -> Tensor:
        shape = np.shape(x.data if isinstance(x, Tensor) else x)
        if len(shape) != 2 or shape[1] != self.config.in_features or shape[0] < 1:
            self._refuse(x, f"(B, {self.config.in_features})")
        return x if isinstance(x, Tensor) else Tensor(x)

    def _forward(self, x: Tensor, keep: Keep) -> Tensor:
        act = ACTIVATIONS[self.config.activation]
        x = keep("input", x)                                        # (B, in_features)
        for i in range(len(self.hidden)):
            x = keep(f"layer{i}.linear", self.hidden[i](x))         # (B, hidden[i])
            x = keep(f"layer{i}.act", act(x))
        return keep("logits", self.out(x))                          # (B, classes)
