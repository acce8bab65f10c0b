"""kaibo's autograd engine, from scratch in NumPy (its only import).

- `Value`: one number that remembers its computation (`scalar.py`), for drawing and stepping a graph.
- `Tensor`: an array that does the same (`tensor.py` and the `ops_*.py` beside it), for real networks.
- `functional` (imported as `F`), `nn`, `optim`: the PyTorch-shaped layers on top.

    from kaibo.engine import Tensor, Value
    import kaibo.engine.functional as F
"""

from kaibo.engine import functional, nn, optim
from kaibo.engine.factories import arange, ones, randn, tensor, zeros
from kaibo.engine.grad_mode import is_grad_enabled, no_grad
from kaibo.engine.joins import cat, stack, where
from kaibo.engine.random import manual_seed
from kaibo.engine.scalar import Value
from kaibo.engine.tensor import Tensor

__all__ = ["Tensor", "Value", "arange", "cat", "functional", "is_grad_enabled", "manual_seed", "nn", "no_grad",
           "ones", "optim", "randn", "stack", "tensor", "where", "zeros"]
