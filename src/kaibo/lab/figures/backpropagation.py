"""The figure of lesson 3 (backpropagation): a `Value` graph drawn in layers, at one step of its backward pass.

The layout is computed here, in Python, and drawn by Altair with rectangles, text and lines, so the figure
renders in the browser with nothing installed (no Graphviz) and exports as PNG or SVG like every figure:

- each node sits in a column: inputs on the left, every op one column right of its furthest input, the
  output on the right; an input used only late (a bias) sits just before its first use;
- an edge that skips columns bends through a waypoint in each column it crosses (Sugiyama's "dummy
  nodes"), so it never runs through a box; the order within each column is chosen by a few sweeps of the
  barycentre rule (each item goes where its neighbours are), which removes most crossings;
- an op's inputs arrive at separate points of its left side, in argument order, so ``x * x`` shows two
  arrows from x: the gradient goes back along both.

Every number comes from `kaibo.engine.scalar_graph`: the graph and the steps of `backward_steps`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt

from kaibo.engine.scalar_graph import BackwardStep
from kaibo.lab.exhibits import shown

BOX_W, BOX_H = 90, 52        # a node's box, in pixels
# Distance between columns: narrower when a deep graph would pass MAX_WIDTH, the room a lesson page gives a
# figure (measured: about 1,010 px at a 1280 px window; wider is cut off, not scrolled).
COLUMN, MAX_WIDTH = 160, 970
MIN_COLUMN = BOX_W + 16      # room left between boxes for the arrows
NODE_GAP, WAYPOINT_GAP = BOX_H + 22, 12  # vertical room an item takes in its column
PORT = 16                    # distance between the points where an op's inputs arrive
MARGIN = 12
STATES = ("current", "done", "receiving", "waiting")
FILL = {"current": "#fed7aa", "done": "#dcfce7", "receiving": "#fef9c3", "waiting": "#ffffff"}
STROKE = {"current": "#ea580c", "done": "#15803d", "receiving": "#ca8a04", "waiting": "#9ca3af"}
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

    routes = []
    for e, chain in zip(edges, chains, strict=True):
        (sx, sy), (tx, ty) = centre[e["source"]], centre[e["target"]]
        # Through a column it crosses, an edge runs level for the width of a box, so it can bend only in the
        # gaps between columns, where no box is.
        routes.append([(sx + BOX_W / 2, sy), *(point for item in chain[1:-1]
                                               for point in ((x[item] - BOX_W / 2, y[item]),
                                                             (x[item] + BOX_W / 2, y[item])))])
    # An op's inputs arrive at separate points of its left side, ordered by where they come from (top to
    # bottom, so they do not cross); two edges from one node (x * x) keep their argument order.
    for t, (tx, ty) in centre.items():
        into = sorted((k for k, e in enumerate(edges) if e["target"] == t), key=lambda k: (routes[k][-1][1], k))
        for port, k in enumerate(into):
            routes[k].append((tx - BOX_W / 2, ty + (port - (len(into) - 1) / 2) * PORT))
    width = MARGIN * 2 + BOX_W + (len(columns) - 1) * step
    height = max(v for _, v in centre.values()) + BOX_H / 2 + MARGIN
    return Layout(centre, routes, width, height)


def _order(columns: list[list[tuple]], left: dict, right: dict, sweeps: int = 8) -> None:
    """Reorder each column, in place, by the mean position of its neighbours in the column just swept."""
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


@dataclass(frozen=True)
class Moment:
    """The backward pass after `step` of its steps (0: not started), as the figure and the text show it.

    Attributes
    ----------
    step : int
    current : int or None
        The id of the node processed at this step.
    done : dict of int to float
        The nodes processed before this step, each with its (final) gradient.
    received : dict of int to list of (int, float)
        For each node not yet processed, what it has received so far: (step, amount), in order.
    """

    step: int
    current: int | None
    done: dict[int, float]
    received: dict[int, list[tuple[int, float]]]


def moment(steps: Sequence[BackwardStep], step: int) -> Moment:
    """Where the walk stands after `step` steps (from 1; 0 before the first)."""
    received: dict[int, list[tuple[int, float]]] = {}
    done: dict[int, float] = {}
    for k, s in enumerate(steps[:step], start=1):
        if k < step:
            done[s.id] = s.upstream
        received.pop(s.id, None)
        for parent, c in zip(s.parents, s.contributions, strict=True):
            received.setdefault(parent, []).append((k, c))
    return Moment(step, steps[step - 1].id if step else None, done, received)


def received_by(steps: Sequence[BackwardStep], node_id: int) -> list[tuple[int, int, float]]:
    """Every contribution a node receives in the whole pass: (step, from node id, amount), in order."""
    return [(k, s.id, c) for k, s in enumerate(steps, start=1)
            for parent, c in zip(s.parents, s.contributions, strict=True) if parent == node_id]


def node_name(node: dict) -> str:
    """How the page names a node: a variable by its name, a number by its value, an op by its id."""
    return node["label"] if node["label"] else f"#{node['id']}"


def graph_chart(lesson, graph: dict[str, list[dict]], steps: Sequence[BackwardStep], step: int,
                source: dict[int, str]):
    """The graph with every node's op, data and grad as they stand after `step` steps; the step's node
    highlighted, the arrows into it (the paths its gradient goes back along) labelled with what each
    carries. Returns the chart, the data sets it names, and the CSV rows (one per node)."""
    placed = layout(graph)
    now = moment(steps, step)
    hot = {k for k, e in enumerate(graph["edges"]) if e["target"] == now.current}
    sent = dict(zip(sorted(hot), steps[step - 1].contributions, strict=True)) if step else {}
    boxes, rows = [], []
    for n in graph["nodes"]:
        i, (cx, cy) = n["id"], placed.centre[n["id"]]
        if i == now.current:
            state, grad = "current", shown(steps[step - 1].upstream)
        elif i in now.done:
            state, grad = "done", shown(now.done[i])
        elif i in now.received:
            state, grad = "receiving", shown(sum(c for _, c in now.received[i])) + " …"
        else:
            state, grad = "waiting", "?"
        title = node_name(n) if not n["op"] else f"#{i}  {n['op']}"
        boxes.append({"id": i, "x0": cx - BOX_W / 2, "x1": cx + BOX_W / 2, "y0": cy - BOX_H / 2,
                      "y1": cy + BOX_H / 2, "x": cx, "title": title, "data": f"data {shown(n['data'])}",
                      "grad": f"grad {grad}", "state": lesson.t(f"state.{state}"), "kind": state,
                      "computes": source[i], "y_title": cy - 13, "y_data": cy + 3, "y_grad": cy + 18})
        rows.append({"step": step, "id": i, "op": n["op"], "label": n["label"], "computes": source[i],
                     "data": n["data"], "state": state,
                     "grad": steps[step - 1].upstream if state == "current" else now.done.get(i, ""),
                     "received_so_far": sum(c for _, c in now.received[i]) if state == "receiving" else ""})
    lines, heads, labels = [], [], []
    for k, points in enumerate(placed.routes):
        for order, (px, py) in enumerate(points):
            lines.append({"edge": k, "order": order, "x": px, "y": py, "hot": k in hot})
        (ax, ay), (bx, by) = points[-2], points[-1]
        heads.append({"x": bx - 3, "y": by, "hot": k in hot,
                      "angle": math.degrees(math.atan2(bx - ax, -(by - ay)))})  # Vega: clockwise from up
        if k in sent:  # above the middle of the arrow's last stretch
            labels.append({"x": (ax + bx) / 2, "y": (ay + by) / 2 - 7, "carried": f"←{shown(sent[k])}"})
    data = {"boxes": boxes, "lines": lines, "heads": heads, "labels": labels}
    return _draw(lesson, placed, bool(labels)), data, rows


def _draw(lesson, placed: Layout, labelled: bool):
    across = alt.Scale(domain=[0, placed.width], nice=False, zero=False)
    down = alt.Scale(domain=[0, placed.height], nice=False, zero=False, reverse=True)  # y grows downwards
    x, y = alt.X("x:Q", axis=None, scale=across), alt.Y("y:Q", axis=None, scale=down)
    boxes, lines, heads = (alt.Chart(alt.NamedData(name)) for name in ("boxes", "lines", "heads"))
    names = [lesson.t(f"state.{s}") for s in STATES]
    fill = alt.Color("state:N", title=lesson.t("legend_title"),
                     scale=alt.Scale(domain=names, range=[FILL[s] for s in STATES]),
                     legend=alt.Legend(orient="top", direction="horizontal", symbolType="square",
                                       symbolSize=220, symbolStrokeColor="#6b7280", labelLimit=400,
                                       titleLimit=400, columns=2))
    stroke = alt.Stroke("kind:N", scale=alt.Scale(domain=list(STATES), range=[STROKE[s] for s in STATES]),
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
        layers += [labels.mark_text(fontSize=11, fontWeight="bold", stroke="white", strokeWidth=4,
                                    strokeJoin="round").encode(x, y, text="carried:N"),
                   labels.mark_text(fontSize=11, fontWeight="bold", color=HOT)
                   .encode(x, y, text="carried:N")]
    # Every y carries axis=None: a layer left with the default axis beside layers without one breaks Vega's
    # view in the browser (measured: "Cannot read properties of undefined (reading 'forEach')").
    return alt.layer(*layers).properties(width=placed.width, height=placed.height).configure_view(stroke=None)
