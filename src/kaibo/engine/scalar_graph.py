"""A `Value` graph as plain data, and its backward pass one node at a time — what a lesson draws.

Both use the same node ids: a node's position in ``root.topological_order()`` (inputs first, the
output last), so a step of the walk can be pointed at in the drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from kaibo.engine.scalar import Value


def graph(root: Value) -> dict[str, list[dict]]:
    """The graph behind ``root``, ready to draw (and to ``json.dumps``).

    Returns ``{"nodes": [...], "edges": [...]}``. Nodes come in topological order, each
    ``{"id", "op", "label", "data", "grad"}`` with its current numbers. Edges point from an input of an
    operation to its result, ``{"source": id, "target": id}``, one per argument in argument order: ``x * x``
    has two edges from ``x``, because the gradient reaches ``x`` twice.
    """
    order = root.topological_order()
    ids = {node: i for i, node in enumerate(order)}
    nodes = [
        {"id": i, "op": node.op, "label": node.label, "data": node.data, "grad": node.grad}
        for i, node in enumerate(order)
    ]
    edges = [{"source": ids[parent], "target": ids[node]} for node in order for parent in node.parents]
    return {"nodes": nodes, "edges": edges}


@dataclass(frozen=True)
class BackwardStep:
    """What the chain rule did at one node.

    Attributes
    ----------
    node : Value
        The node reached; its ``.grad`` already includes ``upstream``.
    id : int
        Its id in ``graph(root)``.
    upstream : float
        d(output)/d(node) from this backward pass: the sum over every path from the output.
    parents : tuple of int
        The ids of the node's inputs, in argument order (empty for an input of the whole graph).
    local : tuple of float
        d(node)/d(parent) for each parent: the op's own derivative, knowing nothing of the output.
    contributions : tuple of float
        ``upstream × local`` for each parent: what this node passes back. A parent's gradient is the sum
        of the contributions it receives, added to its ``.grad`` when the walk reaches it.
    received : tuple of float
        For each parent, the sum of what it had received in this pass before this step's contribution: its
        gradient so far. It has ``received + contribution`` after. A parent used twice by this node
        (``x * x``) is counted in argument order: its second entry already includes its first contribution.
    """

    node: Value
    id: int
    upstream: float
    parents: tuple[int, ...]
    local: tuple[float, ...]
    contributions: tuple[float, ...]
    received: tuple[float, ...]


def backward_steps(root: Value) -> Iterator[BackwardStep]:
    """Run ``root.backward()`` one node at a time, from the output back to the inputs.

    The nodes come in the reverse of the order the forward pass made them, so every node that uses a
    value has passed its gradient back before that value is reached.

    This is the backward pass itself (`Value.chain_rule`), not a replay: each step adds to ``.grad`` as it
    goes, so after the last step every gradient is what ``root.backward()`` gives, and gradients accumulate
    in the same way (see `Value`). Reset them with ``root.zero_grad()`` to walk again from zero.

    Examples
    --------
    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> for step in backward_steps(a * b):
    ...     print(step.node.op or step.node.label, step.upstream, step.local, step.contributions)
    * 1.0 (-3.0, 2.0) (-3.0, 2.0)
    b 2.0 () ()
    a -3.0 () ()
    """
    ids = {node: i for i, node in enumerate(root.topological_order())}
    # What each node has received so far: the same sums, in the same order, as chain_rule's own, so a node's
    # total when the walk reaches it is exactly its upstream.
    so_far = dict.fromkeys(ids, 0.0)
    for node, upstream, contributions in root.chain_rule():
        received = []
        for parent, c in zip(node.parents, contributions, strict=True):
            received.append(so_far[parent])
            so_far[parent] += c
        yield BackwardStep(
            node=node,
            id=ids[node],
            upstream=upstream,
            parents=tuple(ids[p] for p in node.parents),
            local=node.local,
            contributions=tuple(contributions),
            received=tuple(received),
        )


def received_by(steps: Sequence[BackwardStep], node_id: int) -> list[tuple[int, int, float]]:
    """Every contribution a node receives in the whole pass: (step, from node id, amount), steps counted
    from 1, in order (``x * x`` sends x two at the same step)."""
    return [(k, s.id, c) for k, s in enumerate(steps, start=1)
            for parent, c in zip(s.parents, s.contributions, strict=True) if parent == node_id]


# A node's state during the backward pass, in the order a node goes through them backwards: nothing has
# arrived; some of its contributions have; all have (its gradient is final, though it has not passed it on
# yet: a node is processed only in its turn); processed at the step looked at; processed before it.
STATES = ("waiting", "partial", "complete", "current", "done")


@dataclass(frozen=True)
class NodeProgress:
    """One node after some steps of the backward pass.

    Attributes
    ----------
    state : str
        One of `STATES`.
    arrived : tuple of float
        The contributions it has received so far, in order (the output's is the seed, 1).
    expected : int
        How many it receives in the whole pass: one per use of the node (``x * x`` uses x twice), one (the
        seed) for the output.
    """

    state: str
    arrived: tuple[float, ...]
    expected: int

    @property
    def grad(self) -> float:
        """The sum of what has arrived: its gradient so far, final once every contribution is in."""
        total = 0.0  # summed from 0.0 in arrival order, as `Value.chain_rule` does: the same float exactly
        for c in self.arrived:
            total += c
        return total


def progress(steps: Sequence[BackwardStep], step: int) -> dict[int, NodeProgress]:
    """Every node's state after ``step`` of the `backward_steps` (counted from 1; 0: before the first).

    A node is "complete" as soon as its last contribution arrives, which can be long before its own turn
    (an input used early in the forward pass is reached late), and "partial" while only some have.
    """
    expected = {s.id: 0 for s in steps}
    expected[steps[0].id] = 1  # the output: the seed
    arrived: dict[int, list[float]] = {s.id: [] for s in steps}
    for s in steps:
        for parent in s.parents:
            expected[parent] += 1
    for k, s in enumerate(steps[:step], start=1):
        if k == 1:
            arrived[s.id].append(1.0)
        for parent, c in zip(s.parents, s.contributions, strict=True):
            arrived[parent].append(c)
    processed = {s.id: k for k, s in enumerate(steps[:step], start=1)}
    states = {}
    for i, got in arrived.items():
        if i in processed:
            state = "current" if processed[i] == step else "done"
        else:
            state = "waiting" if not got else "complete" if len(got) == expected[i] else "partial"
        states[i] = NodeProgress(state, tuple(got), expected[i])
    return states


# Each op of `Value` and the method that makes its node ("**n" for every exponent n).
_METHODS = {"+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__", "neg": "__neg__",
            "exp": "exp", "log": "log", "tanh": "tanh", "relu": "relu", "sigmoid": "sigmoid"}


def op_method(op: str) -> Callable[..., Value]:
    """The method of `Value` that made a node of this op: its forward value and, beside it, its local
    derivatives (``op_method("tanh")`` is ``Value.tanh``). A lesson shows its source next to the numbers.

    >>> op_method("**2") is Value.__pow__
    True
    """
    return getattr(Value, "__pow__" if op.startswith("**") else _METHODS[op])
