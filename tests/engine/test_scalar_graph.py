"""Each node's state during the backward pass (`progress`), as lesson 3 colours it: a node is "complete" the
moment its last contribution arrives, long before its own turn if it is an input used early, and "partial"
while only some have, with how many of how many."""

from __future__ import annotations

import pytest

from kaibo.engine.expression import parse
from kaibo.engine.expression_examples import EXAMPLES
from kaibo.engine.scalar_graph import STATES, backward_steps, graph, progress, received_by

REUSE = "(a*b + c).tanh() * a"  # the walk: 1 the final *, 2 tanh, 3 +, 4 a*b, 5 c, 6 b, 7 a

# (expression, step, node: a variable's name or "#id", state, contributions arrived, contributions expected)
STATES_SEEN = [
    (REUSE, 0, "a", "waiting", 0, 2),
    (REUSE, 0, "#6", "waiting", 0, 1),  # before the first step even the output has nothing (the seed comes at 1)
    (REUSE, 1, "#6", "current", 1, 1),
    (REUSE, 1, "a", "partial", 1, 2),   # from the final product; a*b's comes at step 4
    (REUSE, 3, "a", "partial", 1, 2),
    (REUSE, 3, "c", "complete", 1, 1),  # its only contribution, two steps before its turn
    (REUSE, 4, "a", "complete", 2, 2),  # the second arrived: final, though a's turn is step 7
    (REUSE, 4, "#3", "current", 1, 1),
    (REUSE, 4, "#6", "done", 1, 1),
    (REUSE, 6, "a", "complete", 2, 2),
    (REUSE, 7, "a", "current", 2, 2),
    ("a*a", 0, "a", "waiting", 0, 2),
    ("a*a", 1, "a", "complete", 2, 2),  # both arguments of one product: both arrive at the same step
    ("a*a", 2, "a", "current", 2, 2),
]


@pytest.mark.parametrize(("text", "step", "name", "state", "arrived", "expected"), STATES_SEEN,
                         ids=[f"{row[0]}@{row[1]}:{row[2]}" for row in STATES_SEEN])
def test_a_node_is_complete_once_its_last_contribution_arrives(text: str, step: int, name: str, state: str,
                                                                arrived: int, expected: int) -> None:
    built = parse(text).build({"a": 0.5, "b": -1.5, "c": 1.0})
    steps = list(backward_steps(built.root))
    g = graph(built.root)
    node = next(n["id"] for n in g["nodes"] if (n["label"] or f"#{n['id']}") == name)
    now = progress(steps, step)[node]
    assert (now.state, len(now.arrived), now.expected) == (state, arrived, expected)


@pytest.mark.parametrize("found", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_a_final_state_holds_the_final_gradient_exactly(found) -> None:
    built = found.expression.build(found.values)
    steps = list(backward_steps(built.root))
    final = {s.id: s.node.grad for s in steps}
    for step in range(len(steps) + 1):
        states = progress(steps, step)
        assert {s.state for s in states.values()} <= set(STATES)
        assert sum(s.state == "current" for s in states.values()) == (step > 0)
        for i, now in states.items():
            assert (now.state in ("complete", "current", "done")) == (len(now.arrived) == now.expected)
            if len(now.arrived) == now.expected:
                assert now.grad == final[i]  # the same sums in the same order: equal, not close
            assert (now.state == "waiting") == (not now.arrived)


def test_received_by_lists_every_contribution_in_order() -> None:
    built = parse(REUSE).build({"a": 0.5, "b": -1.5, "c": 1.0})
    steps = list(backward_steps(built.root))
    a = next(n["id"] for n in graph(built.root)["nodes"] if n["label"] == "a")
    got = received_by(steps, a)
    assert [(step, sender) for step, sender, _ in got] == [(1, 6), (4, 3)]  # the final product, then a*b
    assert progress(steps, 4)[a].arrived == tuple(c for _, _, c in got)
