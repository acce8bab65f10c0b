"""The figure of lesson 3 (backpropagation): a `Value` graph drawn in layers, at one step of its backward pass.

The layout is computed here, in Python, and drawn by Altair with rectangles, text and lines, so the figure
renders in the browser with nothing installed (no Graphviz) and exports as PNG or SVG like every figure:

- each node sits in a column: inputs on the left, every op one column right of its furthest input, the
  output on the right; an input used only late (a bias) sits just before its first use;
- an edge that skips columns bends through a waypoint in each column it crosses (Sugiyama's "dummy
  nodes"), so it never runs through a box; the order within each column is chosen by sweeps of the
  barycentre rule (each item goes where its neighbours are) and swaps of neighbours in a column, keeping
  the order with the fewest crossings;
- a node's uses leave from separate points of its right side and an op's inputs arrive at separate points
  of its left side, so ``x * x`` shows two parallel arrows from x: the gradient goes back along both;
- what an arrow carries back is written on the arrow itself, in the gap just before the node it enters.

Every number comes from `kaibo.engine.scalar_graph`: the graph, the steps of `backward_steps` and each
node's state in `progress`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt

from kaibo.engine.scalar_graph import STATES, BackwardStep, progress
from kaibo.lab.exhibits import shown

BOX_W, BOX_H = 90, 52        # a node's box, in pixels
# Distance between columns: narrower when a deep graph would pass MAX_WIDTH, the room a lesson page gives a
# figure (measured: about 1,010 px at a 1280 px window; wider is cut off, not scrolled).
COLUMN, MAX_WIDTH = 160, 970
MIN_COLUMN = BOX_W + 16      # room left between boxes for the arrows
NODE_GAP, WAYPOINT_GAP = BOX_H + 22, 12  # vertical room an item takes in its column
PORT = 16                    # distance between the points where a node's arrows leave or arrive
MARGIN = 12
# The legend's order: the node at this step first, then backwards through a node's life.
SHOWN = ("current", "done", "complete", "partial", "waiting")
assert set(SHOWN) == set(STATES)
FILL = {"current": "#fed7aa", "done": "#dcfce7", "complete": "#dbeafe", "partial": "#fef9c3", "waiting": "#ffffff"}
STROKE = {"current": "#ea580c", "done": "#15803d", "complete": "#2563eb", "partial": "#ca8a04",
          "waiting": "#9ca3af"}
HOT, EDGE = "#ea580c", "#9ca3af"


@dataclass(frozen=True)
class Layout:
    """Where everything goes: each node's centre, each edge's points (source first), the size of the view."""

    centre: dict[int, tuple[float, float]]
    routes: list[list[tuple[float, float]]]  # in the order of graph["edges"]
    width: float
    height: float


def layout(graph: dict[str, list[dict]]) -> Layout:
    """Place the nodes and route the edges of `kaibo.engine.scalar_graph.graph(root)`."""
    nodes, edges = graph["nodes"], graph["edges"]
    inputs: dict[int, list[int]] = {n["id"]: [] for n in nodes}
    users: dict[int, list[int]] = {n["id"]: [] for n in nodes}
    for e in edges:
        inputs[e["target"]].append(e["source"])
        users[e["source"]].append(e["target"])
    column: dict[int, int] = {}
    for n in nodes:  # topological order: inputs first
        column[n["id"]] = 1 + max((column[p] for p in inputs[n["id"]]), default=-1)
    for n in nodes:  # an input sits right before its first use
        if not inputs[n["id"]] and users[n["id"]]:
            column[n["id"]] = min(column[u] for u in users[n["id"]]) - 1

    # Items: ("node", id) or ("via", edge index, column). Each edge becomes a chain of items, one per column.
    chains: list[list[tuple]] = []
    for k, e in enumerate(edges):
        s, t = e["source"], e["target"]
        chains.append([("node", s), *(("via", k, c) for c in range(column[s] + 1, column[t])), ("node", t)])
    columns: list[list[tuple]] = [[] for _ in range(max(column.values()) + 1)]
    for n in nodes:
        columns[column[n["id"]]].append(("node", n["id"]))
    for chain in chains:
        for item in chain[1:-1]:
            columns[item[2]].append(item)
    left: dict[tuple, list[tuple]] = {item: [] for col in columns for item in col}
    right: dict[tuple, list[tuple]] = {item: [] for col in columns for item in col}
    for chain in chains:
        for a, b in zip(chain[:-1], chain[1:], strict=True):
            right[a].append(b)
            left[b].append(a)

    _order(columns, left, right)
    y = _heights(columns, left, right)
    step = max(MIN_COLUMN, min(COLUMN, (MAX_WIDTH - BOX_W - 2 * MARGIN) / max(len(columns) - 1, 1)))
    x = {item: MARGIN + BOX_W / 2 + c * step for c, col in enumerate(columns) for item in col}
    centre = {n["id"]: (x[("node", n["id"])], y[("node", n["id"])]) for n in nodes}

    # Through a column it crosses, an edge runs level for the width of a box, so it can bend only in the
    # gaps between columns, where no box is.
    middles = [[point for item in chain[1:-1] for point in ((x[item] - BOX_W / 2, y[item]),
                                                             (x[item] + BOX_W / 2, y[item]))] for chain in chains]
    # A node's uses leave from separate points of its right side, ordered by where they go (top to bottom,
    # so they do not cross); then an op's inputs arrive at separate points of its left side, ordered by
    # where they come from. Two edges between the same nodes (x * x) keep their argument order at both
    # ends, so they run side by side.
    starts: dict[int, tuple[float, float]] = {}
    for s, (sx, sy) in centre.items():
        out = sorted((k for k, e in enumerate(edges) if e["source"] == s),
                     key=lambda k: ((middles[k] or [centre[edges[k]["target"]]])[0][1], k))
        for port, k in enumerate(out):
            starts[k] = (sx + BOX_W / 2, sy + _offset(port, len(out)))
    routes = [[starts[k], *middles[k]] for k in range(len(edges))]
    for t, (tx, ty) in centre.items():
        into = sorted((k for k, e in enumerate(edges) if e["target"] == t), key=lambda k: (routes[k][-1][1], k))
        for port, k in enumerate(into):
            routes[k].append((tx - BOX_W / 2, ty + _offset(port, len(into))))
    width = MARGIN * 2 + BOX_W + (len(columns) - 1) * step
    height = max(v for _, v in centre.values()) + BOX_H / 2 + MARGIN
    return Layout(centre, routes, width, height)


def _offset(port: int, ports: int) -> float:
    """Where the `port`-th of `ports` points sits on a side of a box, from its middle (within the box)."""
    gap = min(PORT, (BOX_H - 12) / max(ports - 1, 1))
    return (port - (ports - 1) / 2) * gap


def _order(columns: list[list[tuple]], left: dict, right: dict, sweeps: int = 12) -> None:
    """Reorder each column, in place: sweeps of the barycentre rule (each item to the mean position of its
    neighbours in the column just swept), each followed by swaps of neighbouring items wherever a swap
    removes crossings; the order with the fewest crossings seen is kept."""
    best, fewest = [list(col) for col in columns], _crossings(columns, right)
    for sweep in range(sweeps):
        forward = sweep % 2 == 0
        indices = range(1, len(columns)) if forward else range(len(columns) - 2, -1, -1)
        for c in indices:
            beside = {item: k for k, item in enumerate(columns[c - 1 if forward else c + 1])}
            current = {item: k for k, item in enumerate(columns[c])}

            links = left if forward else right

            def key(item: tuple, beside=beside, current=current, links=links) -> float:
                near = [beside[n] for n in links[item] if n in beside]
                return sum(near) / len(near) if near else current[item]

            columns[c].sort(key=key)
        _swap_neighbours(columns, right)
        if (count := _crossings(columns, right)) < fewest:
            best, fewest = [list(col) for col in columns], count
    columns[:] = best


def _crossings(columns: list[list[tuple]], right: dict, only: range | None = None) -> int:
    """How many pairs of edges cross between neighbouring columns (between columns c and c + 1 for each c
    in `only`, all of them by default)."""
    count = 0
    for c in only if only is not None else range(len(columns) - 1):
        there = {item: k for k, item in enumerate(columns[c + 1])}
        ends = [(k, there[b]) for k, a in enumerate(columns[c]) for b in right[a]]
        count += sum(1 for i, (a1, b1) in enumerate(ends) for a2, b2 in ends[i + 1:]
                     if (a1 - a2) * (b1 - b2) < 0)
    return count


def _swap_neighbours(columns: list[list[tuple]], right: dict) -> None:
    """Swap two neighbouring items of a column wherever that lowers the crossings on both its sides; again
    until no swap helps."""
    improved = True
    while improved:
        improved = False
        for c, col in enumerate(columns):
            sides = range(max(c - 1, 0), min(c + 1, len(columns) - 1))
            for k in range(len(col) - 1):
                before = _crossings(columns, right, sides)
                col[k], col[k + 1] = col[k + 1], col[k]
                if _crossings(columns, right, sides) < before:
                    improved = True
                else:
                    col[k], col[k + 1] = col[k + 1], col[k]


def _heights(columns: list[list[tuple]], left: dict, right: dict, sweeps: int = 12) -> dict[tuple, float]:
    """A vertical position for every item: each pulled towards the mean of its neighbours, then the column
    spaced out again in its order (NODE_GAP between boxes, less beside an edge's waypoint)."""
    def room(item: tuple) -> float:
        return NODE_GAP / 2 if item[0] == "node" else WAYPOINT_GAP / 2

    y: dict[tuple, float] = {}
    for col in columns:
        level = 0.0
        for item in col:
            y[item] = level + room(item)
            level = y[item] + room(item)
    for _ in range(sweeps):
        for col in columns:
            wanted = [sum(y[n] for n in left[i] + right[i]) / len(left[i] + right[i]) if left[i] + right[i]
                      else y[i] for i in col]
            placed, floor = [], -math.inf
            for item, want in zip(col, wanted, strict=True):
                floor = max(want, floor + room(item))
                placed.append(floor)
                floor += room(item)
            shift = sum(w - p for w, p in zip(wanted, placed, strict=True)) / len(col)
            for item, p in zip(col, placed, strict=True):
                y[item] = p + shift
    top = min(y[i] - room(i) for i in y)
    return {i: v - top + MARGIN for i, v in y.items()}


def node_name(node: dict) -> str:
    """How the page names a node: a variable by its name, a number by its value, an op by its id."""
    return node["label"] if node["label"] else f"#{node['id']}"


def graph_chart(lesson, graph: dict[str, list[dict]], steps: Sequence[BackwardStep], step: int,
                source: dict[int, str]):
    """The graph with every node's op, data and grad as they stand after `step` steps; the step's node
    highlighted, the arrows into it (the paths its gradient goes back along) labelled with what each
    carries. Returns the chart, the data sets it names, and the CSV rows (one per node)."""
    placed = layout(graph)
    states = progress(steps, step)
    current = steps[step - 1].id if step else None
    hot = {k for k, e in enumerate(graph["edges"]) if e["target"] == current}
    sent = dict(zip(sorted(hot), steps[step - 1].contributions, strict=True)) if step else {}
    boxes, rows = [], []
    for n in graph["nodes"]:
        i, (cx, cy), now = n["id"], placed.centre[n["id"]], states[n["id"]]
        title = node_name(n) if not n["op"] else f"#{i}  {n['op']}"
        if now.state in ("partial", "complete"):  # how many of its contributions have arrived
            title += f"   {len(now.arrived)}/{now.expected}"
        grad = {"waiting": "?", "partial": f"{shown(now.grad)} …"}.get(now.state, shown(now.grad))
        boxes.append({"id": i, "x0": cx - BOX_W / 2, "x1": cx + BOX_W / 2, "y0": cy - BOX_H / 2,
                      "y1": cy + BOX_H / 2, "x": cx, "title": title, "data": f"data {shown(n['data'])}",
                      "grad": f"grad {grad}", "state": lesson.t(f"state.{now.state}"), "kind": now.state,
                      "computes": source[i], "y_title": cy - 13, "y_data": cy + 3, "y_grad": cy + 18})
        rows.append({"step": step, "id": i, "op": n["op"], "label": n["label"], "computes": source[i],
                     "data": n["data"], "state": now.state, "arrived": len(now.arrived), "expected": now.expected,
                     "grad_so_far": now.grad if now.arrived else ""})
    lines, heads, labels = [], [], []
    for k, points in enumerate(placed.routes):
        for order, (px, py) in enumerate(points):
            lines.append({"edge": k, "order": order, "x": px, "y": py, "hot": k in hot})
        (ax, ay), (bx, by) = points[-2], points[-1]
        heads.append({"x": bx - 3, "y": by, "hot": k in hot,
                      "angle": math.degrees(math.atan2(bx - ax, -(by - ay)))})  # Vega: clockwise from up
        if k in sent:  # on the arrow itself, in the middle of its last stretch: it can belong to no other
            labels.append({"x": (ax + bx) / 2, "y": (ay + by) / 2, "carried": f"←{shown(sent[k])}"})
    data = {"boxes": boxes, "lines": lines, "heads": heads, "labels": labels}
    return _draw(lesson, placed, bool(labels)), data, rows


def _draw(lesson, placed: Layout, labelled: bool):
    across = alt.Scale(domain=[0, placed.width], nice=False, zero=False)
    down = alt.Scale(domain=[0, placed.height], nice=False, zero=False, reverse=True)  # y grows downwards
    x, y = alt.X("x:Q", axis=None, scale=across), alt.Y("y:Q", axis=None, scale=down)
    boxes, lines, heads = (alt.Chart(alt.NamedData(name)) for name in ("boxes", "lines", "heads"))
    names = [lesson.t(f"state.{s}") for s in SHOWN]
    fill = alt.Color("state:N", title=lesson.t("legend_title"),
                     scale=alt.Scale(domain=names, range=[FILL[s] for s in SHOWN]),
                     legend=alt.Legend(orient="top", direction="horizontal", symbolType="square",
                                       symbolSize=220, symbolStrokeColor="#6b7280", labelLimit=400,
                                       titleLimit=400, columns=2))
    stroke = alt.Stroke("kind:N", scale=alt.Scale(domain=list(SHOWN), range=[STROKE[s] for s in SHOWN]),
                        legend=None)
    colour = alt.condition("datum.hot", alt.value(HOT), alt.value(EDGE))
    width = alt.condition("datum.hot", alt.value(3), alt.value(1.4))
    tip = [alt.Tooltip("computes:N", title=lesson.t("tooltip.computes")), alt.Tooltip("data:N", title=" "),
           alt.Tooltip("grad:N", title="  ")]
    layers = [
        lines.mark_line(interpolate="linear").encode(x, y, alt.Detail("edge:N"), alt.Order("order:Q"),
                                                     color=colour, strokeWidth=width),
        heads.mark_point(shape="triangle", filled=True, size=70, opacity=1)
        .encode(x, y, angle=alt.Angle("angle:Q", scale=None), color=colour),
        boxes.mark_rect(cornerRadius=6, strokeWidth=2, opacity=1)
        .encode(alt.X("x0:Q", scale=across, axis=None), alt.X2("x1:Q"), alt.Y("y0:Q", scale=down, axis=None),
                alt.Y2("y1:Q"), fill, stroke, tooltip=tip),
        *(boxes.mark_text(fontSize=size, fontWeight=weight, fontStyle=style)
          .encode(x, alt.Y(f"y_{line}:Q", scale=down, axis=None), text=f"{line}:N")
          for line, size, weight, style in (("title", 11.5, "bold", "normal"), ("data", 11, "normal", "normal"),
                                            ("grad", 11, "normal", "italic"))),
    ]
    if labelled:  # what each arrow into the current node carries back, on a white outline over the lines
        labels = alt.Chart(alt.NamedData("labels"))
        layers += [labels.mark_text(fontSize=11, fontWeight="bold", baseline="middle", stroke="white",
                                    strokeWidth=4, strokeJoin="round").encode(x, y, text="carried:N"),
                   labels.mark_text(fontSize=11, fontWeight="bold", baseline="middle", color=HOT)
                   .encode(x, y, text="carried:N")]
    # Every y carries axis=None: a layer left with the default axis beside layers without one breaks Vega's
    # view in the browser (measured: "Cannot read properties of undefined (reading 'forEach')").
    return alt.layer(*layers).properties(width=placed.width, height=placed.height).configure_view(stroke=None)
