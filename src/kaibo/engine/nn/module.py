"""`Module` and `Parameter`: how a network keeps track of its weights, as in `torch.nn`.

Assigning a `Parameter` or another `Module` to an attribute registers it under that name, so
`named_parameters()` can list every weight with a dotted name (`"attn.c_attn.weight"`) and
`state_dict()` can hand them out as plain NumPy arrays for saving.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from kaibo.engine.tensor import Tensor


class Parameter(Tensor):
    """A tensor that is a weight of a module: it requires a gradient unless told otherwise."""

    __slots__ = ()

    def __init__(self, data: object, requires_grad: bool = True) -> None:
        super().__init__(data, requires_grad=requires_grad)


class Module:
    """Base class of every layer and model. Subclasses set attributes in `__init__` and define `forward`.

    Gradients accumulate in each parameter's `.grad` across backward passes: call `zero_grad()` (or the
    optimizer's) before each new backward, as in PyTorch.
    """

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: object) -> None:
        if "_parameters" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}.__init__ must call super().__init__() first")
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def forward(self, *args: object) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} defines no forward()")

    def __call__(self, *args: object, **kwargs: object) -> Tensor:
        return self.forward(*args, **kwargs)

    # ---- walking the tree ------------------------------------------------------------------------------

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def children(self) -> Iterator[Module]:
        yield from self._modules.values()

    def _all_named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        for path, module in self.named_modules():
            for name, param in module._parameters.items():
                yield (f"{path}.{name}" if path else name), param

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """Every weight once, with its dotted name (a weight shared by two layers is listed once)."""
        seen: set[int] = set()
        for name, param in self._all_named_parameters():
            if id(param) not in seen:
                seen.add(id(param))
                yield name, param

    def parameters(self) -> Iterator[Parameter]:
        for _, param in self.named_parameters():
            yield param

    def num_parameters(self) -> int:
        """N, the number of numbers that training adjusts."""
        return sum(p.data.size for p in self.parameters())

    # ---- modes and gradients ---------------------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active). Returns self, so `model.train()` can be chained."""
        for _, module in self.named_modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def zero_grad(self) -> None:
        for param in self.parameters():
            param.grad = None

    # ---- saving and loading ----------------------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """Every weight by name, as a copy in a plain NumPy array (shared weights appear under each name)."""
        return {name: param.data.copy() for name, param in self._all_named_parameters()}

    def load_state_dict(self, state_dict: Mapping[str, np.ndarray], strict: bool = True) -> None:
        """Copy weights in by name. Everything is checked first, so a bad dict changes nothing."""
        own = dict(self._all_named_parameters())
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        if strict and (missing or unexpected):
            raise KeyError(f"state_dict does not fit: missing {missing}, unexpected {unexpected}")
        for name, array in state_dict.items():
            if name in own and np.shape(array) != own[name].data.shape:
                raise ValueError(f"{name}: shape {np.shape(array)} in the state_dict, "
                                 f"{own[name].data.shape} in the model")
        for name, array in state_dict.items():
            if name in own:
                own[name].data = np.array(array, dtype=own[name].data.dtype)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__}({self.extra_repr()}"]
        for name, child in self._modules.items():
            lines.append(f"  ({name}): " + repr(child).replace("\n", "\n  "))
        return lines[0] + ")" if len(lines) == 1 else "\n".join(lines) + "\n)"

    def extra_repr(self) -> str:
        return ""
