"""A scalar autograd: one number per node, the whole chain rule on one screen.

This is micrograd's idea (Karpathy) with three changes a learner can see:

- each op computes its *local derivatives* (d output / d input, for each input) right beside its forward
  value and stores them as plain numbers; the backward pass multiplies them by the gradient arriving from
  the output — the chain rule, and nothing else. There are no closures, so the graph has no reference
  cycles and Python frees it the moment the last name for it goes away (micrograd's closures hold their own
  node, and its time goes to the cycle collector; a tuple of plain floats is not even watched by it);
- the graph is walked with an explicit stack, never recursion, so a chain of 100,000 nodes works
  (recursion stops near 1,000);
- gradient accumulation is explained, not hidden: see `Value`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from operator import attrgetter

Number = int | float
# Every node gets the next number when it is made. An op's result is always made after its inputs, so
# sorting nodes by this number lists each one after everything it was computed from.
_serial = itertools.count()
_made = attrgetter("_made")


class Value:
    """A number that remembers how it was computed, so its gradient can be found.

    Parameters
    ----------
    data : float
        The number itself.
    label : str, optional
        A name to show in drawings of the graph, such as ``"a"``. It changes nothing in the maths.

    Attributes
    ----------
    data : float
        The number (the forward value).
    grad : float
        d(output)/d(this node), filled in by ``output.backward()``. Starts at 0.
    op : str
        The operation that produced this node (``"+"``, ``"tanh"``…); ``""`` for an input.
    parents : tuple of Value
        The nodes this one was computed from, in argument order (``x * x`` lists ``x`` twice).
    local : tuple of float
        d(this node)/d(parent) for each parent, computed by the op at forward time (empty for an input).
    label : str
        The optional name given above.

    Notes
    -----
    **Gradients add up; they are never overwritten.** ``backward()`` *adds* to ``.grad``:

    - if ``a`` is used twice, as in ``y = a * b + a``, both paths reach ``a``, and ``a.grad`` is the sum
      of the two (here ``b + 1``), which is exactly what the chain rule says;
    - if you call ``y.backward()`` twice without resetting, every ``.grad`` is doubled, because the second
      call adds the same amounts again.

    PyTorch behaves the same way (``loss.backward()`` accumulates into ``.grad``), which is why every
    training step starts by setting the gradients back to zero: ``y.zero_grad()`` resets every node of the
    graph behind ``y``, and a model's ``zero_grad()`` resets its parameters.

    Examples
    --------
    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> y = a * b + a
    >>> y.backward()
    >>> a.grad, b.grad           # dy/da = b + 1, dy/db = a
    (-2.0, 2.0)
    """

    # __slots__: no per-node __dict__, so a graph of 100,000 nodes is smaller and faster to build.
    # __weakref__ lets a test (or a lesson) watch a node being freed.
    __slots__ = ("data", "grad", "op", "label", "parents", "local", "_made", "__weakref__")

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self.op = ""
        self.label = label
        self.parents: tuple[Value, ...] = ()
        self.local: tuple[float, ...] = ()
        self._made = next(_serial)

    @staticmethod
    def _make(data: float, parents: tuple[Value, ...], local: tuple[float, ...], op: str) -> Value:
        """Make the node an op returns (one place, so every op builds its node the same way)."""
        out = Value.__new__(Value)
        out.data = data
        out.grad = 0.0
        out.op = op
        out.label = ""
        out.parents = parents
        out.local = local
        out._made = next(_serial)
        return out

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ---- the operations: the forward value, and right beside it each local derivative -----------------

    def __add__(self, other: Value | Number) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value._make(self.data + other.data, (self, other), (1.0, 1.0), "+")   # d(a+b)/da = d(a+b)/db = 1

    def __sub__(self, other: Value | Number) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value._make(self.data - other.data, (self, other), (1.0, -1.0), "-")  # d(a-b)/da = 1, /db = -1

    def __mul__(self, other: Value | Number) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        a, b = self.data, other.data
        return Value._make(a * b, (self, other), (b, a), "*")                         # d(ab)/da = b, d(ab)/db = a

    def __truediv__(self, other: Value | Number) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        a, b = self.data, other.data
        return Value._make(a / b, (self, other), (1.0 / b, -a / (b * b)), "/")        # d(a/b)/da = 1/b, /db = -a/b²

    # A Python number on the left (2 * x, 1 - x, 1 / x): Python asks the Value on the right.
    def __radd__(self, other: Number) -> Value:
        return Value(other) + self

    def __rsub__(self, other: Number) -> Value:
        return Value(other) - self

    def __rmul__(self, other: Number) -> Value:
        return Value(other) * self

    def __rtruediv__(self, other: Number) -> Value:
        return Value(other) / self

    def __neg__(self) -> Value:
        return Value._make(-self.data, (self,), (-1.0,), "neg")                       # d(-a)/da = -1

    def __pow__(self, n: Number) -> Value:
        # Only a plain-number exponent: x**n. (An exponent that is itself a Value would need log x.)
        if not isinstance(n, int | float):
            raise TypeError(f"Value ** n needs a plain number n, not {type(n).__name__}")
        x = self.data
        return Value._make(math.pow(x, n), (self,), (n * math.pow(x, n - 1),), f"**{n}")   # d(xⁿ)/dx = n·xⁿ⁻¹

    def exp(self) -> Value:
        e = math.exp(self.data)
        return Value._make(e, (self,), (e,), "exp")                                   # d(eˣ)/dx = eˣ itself

    def log(self) -> Value:
        x = self.data
        return Value._make(math.log(x), (self,), (1.0 / x,), "log")                   # d(ln x)/dx = 1/x

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return Value._make(t, (self,), (1.0 - t * t,), "tanh")                        # d tanh(x)/dx = 1 - tanh²

    def relu(self) -> Value:
        x = self.data
        # Slope 1 where x > 0, else 0 (PyTorch also picks 0 at x = 0).
        return Value._make(x if x > 0.0 else 0.0, (self,), (1.0 if x > 0.0 else 0.0,), "relu")

    def sigmoid(self) -> Value:
        x = self.data
        # 1/(1+e⁻ˣ) overflows e⁻ˣ for x below about -710; e^x/(1+e^x) is the same number and stays finite.
        if x >= 0.0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return Value._make(s, (self,), (s * (1.0 - s),), "sigmoid")                   # dσ/dx = σ(1 - σ)

    # ---- the backward pass ---------------------------------------------------------------------------------

    def topological_order(self) -> list[Value]:
        """Every node of the graph behind this one, each after all of its parents (this node last).

        First collect the nodes (an explicit stack instead of recursion, so a chain of any length works),
        then sort them by the order they were made in: an op's result is always made after its inputs.
        """
        seen = {self}
        stack = [self]
        while stack:
            for parent in stack.pop().parents:
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return sorted(seen, key=_made)

    def chain_rule(self) -> Iterator[tuple[Value, float, tuple[float, ...]]]:
        """The backward pass, one node at a time.

        Visits the nodes from this one (the output) back to the inputs. At each node it knows the full
        gradient of the output with respect to it (``upstream``: every path from the output has been
        summed, because every node that uses it came earlier), adds it to the node's ``.grad``, and hands
        ``upstream × local derivative`` to each parent. It yields ``(node, upstream, contributions)``,
        the contributions in the order of ``node.parents`` (empty for an input).

        ``backward()`` is this generator run to the end; a lesson can stop after every yield instead
        (``kaibo.engine.scalar_graph.backward_steps`` adds ids and local derivatives to each step).
        """
        # `pending` holds each node's gradient from *this* pass, summed as the contributions arrive; it is
        # added to `.grad` once, when the node is reached. (Adding straight into `.grad` would pass an
        # earlier backward()'s gradient down a second time.)
        order = self.topological_order()
        pending = dict.fromkeys(order, 0.0)
        pending[self] = 1.0                            # the seed: d(output)/d(output) = 1
        for node in reversed(order):                   # the output first: every user of a node comes before it
            upstream = pending[node]                   # complete: every contribution to it has arrived
            node.grad += upstream
            # The chain rule: each parent gets upstream × d(node)/d(parent) along this path ...
            contributions = tuple([upstream * d for d in node.local])
            # ... added to what it has already received (+=, never =): a parent used twice gets two.
            for k, parent in enumerate(node.parents):
                pending[parent] += contributions[k]
            yield node, upstream, contributions

    def backward(self) -> None:
        """Add d(self)/d(node) to ``.grad`` of every node behind this one (see the class notes)."""
        for _ in self.chain_rule():
            pass

    def zero_grad(self) -> None:
        """Set ``.grad`` back to 0 on every node of the graph behind this one, this node included."""
        for node in self.topological_order():
            node.grad = 0.0
