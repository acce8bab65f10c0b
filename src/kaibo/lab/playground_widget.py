"""The live part of lesson 7: a canvas where a `LiveTraining` run is drawn as it learns (an anywidget;
`mo.ui.anywidget(Playground(run, texts))`). Its script and style are `playground_widget.js` and `.css` beside
this file.

How it stays live at ten or more redraws a second without re-running any cell: the browser asks for each
frame and Python answers it, through anywidget's custom messages (`model.send` in the script, `on_msg`
here). While playing, the script sends "next" as soon as it has drawn a frame; Python makes
`steps_per_frame` steps (fewer if they would take more than `STEP_BUDGET_S`) and replies with the new
probability grid (one byte per cell, base64), the loss rows added since the last frame, and the numbers to
show. So the rate adapts itself to the machine (a frame is never asked for before the last one is drawn),
pausing is immediate (the script stops asking), and nothing queues up. Measured on the 2-core test machine
(shared with other work) by bench/playground_redraws.py: 30 to 50 redraws a second at the defaults, 15 or
more with 20 steps per redraw or four layers of 16 on 600 points. The alternatives, tried on a bare page: a
thread setting a trait reached 60 a second but with no back-pressure (frames pile up when the browser is
slower), and `mo.ui.refresh` refuses intervals of 0.1 s or less, so it cannot reach ten a second at all.

The cells of the page hear of what happened through `on_change` (called after a step, a pause, a divergence,
a restore, a point added): the page passes a `mo.state` setter, so its numbers below the canvas are redrawn
when the run stops, not at every frame.

`encode_points` / `decode_points` keep the points a learner placed in the page's address.
"""

from __future__ import annotations

import base64
import math
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from kaibo.errors import KaiboError
from kaibo.lab.exhibits import percent, shown
from kaibo.train.live_training import LiveTraining

HERE = Path(__file__).parent
NAN_BYTE = 255  # a grid cell whose probability is not a number (weights that overflowed); 0…254 is p·254
# Training time per frame at most: with the round trip and the drawing (~25 ms measured on the loaded 2-core
# test machine) a frame then takes under 0.1 s.
STEP_BUDGET_S = 0.05


class Playground(anywidget.AnyWidget):
    """The canvas, its buttons and its live numbers, for one `LiveTraining` run.

    Parameters
    ----------
    run : the run to step and draw.
    texts : the widget's words in the page's language (labels of buttons, axes, legend).
    explain : a function that turns the run's divergence into the sentence to show (from the catalogue).
    on_change : called whenever the run stops or its data changes (not at every frame).
    """

    _esm = HERE / "playground_widget.js"
    _css = HERE / "playground_widget.css"
    points = traitlets.List().tag(sync=True)        # [[x1, x2, label, kind]], kind 0 train, 1 test, 2 placed
    extent = traitlets.List().tag(sync=True)        # [x1 lo, x1 hi, x2 lo, x2 hi] of the canvas
    grid_shape = traitlets.List().tag(sync=True)    # [rows, columns] of the probability grid
    texts = traitlets.Dict().tag(sync=True)
    steps_per_frame = traitlets.Int(5).tag(sync=True)

    def __init__(self, run: LiveTraining, texts: Mapping[str, str], explain: Callable[[LiveTraining], str],
                 on_change: Callable[[], None] = lambda: None) -> None:
        grid = run.grid
        half = float(grid.xs[1] - grid.xs[0]) / 2   # the canvas reaches the cells' outer edges
        super().__init__(extent=[float(grid.xs[0]) - half, float(grid.xs[-1]) + half,
                                 float(grid.ys[0]) - half, float(grid.ys[-1]) + half],
                         grid_shape=[len(grid.ys), len(grid.xs)], texts=dict(texts))
        self.run, self.explain, self.on_change = run, explain, on_change
        self.sent = 0       # history rows the browser has
        self._show_points()
        self.on_msg(self._answer)

    def _show_points(self) -> None:
        run = self.run
        placed = len(run.train) - run.added
        rows = [[*xy, label, 0 if k < placed else 2] for k, (xy, label) in
                enumerate(zip(run.train.x.tolist(), run.train.y.tolist(), strict=True))]
        rows += [[*xy, label, 1] for xy, label in zip(run.test.x.tolist(), run.test.y.tolist(), strict=True)]
        self.points = rows

    # ---- the conversation with the browser

    def _answer(self, widget: object, content: dict, buffers: object) -> None:
        kind = content.get("kind")
        run = self.run
        changed = kind not in ("next", "hello")
        notice = ""
        if kind == "hello":
            self.sent = 0
        elif kind in ("next", "step"):
            before = run.divergence
            self._train(self.steps_per_frame if kind == "next" else 1)
            changed = changed or run.divergence is not before
        elif kind == "add":
            try:
                run.add_point(float(content["x1"]), float(content["x2"]), int(content["label"]))
            except KaiboError as error:
                notice = error.message(self.texts.get("lang"))
            self._show_points()
            self.sent = min(self.sent, len(run.history) - 1)   # the last row was measured again
        elif kind == "remove":
            run.remove_added()
            self._show_points()
            self.sent = min(self.sent, len(run.history) - 1)
        elif kind == "restore":
            run.restore()
            self.sent = min(self.sent, len(run.history))
        elif kind == "start_over":
            run.start_over()
            self.sent = 0
        elif kind != "pause":
            return
        self.send(self.frame(notice))
        if changed:
            self.on_change()

    def _train(self, steps: int) -> None:
        """Up to `steps` steps, but no more than `STEP_BUDGET_S` of them: on a large network or a slow machine a
        frame makes fewer steps rather than the canvas falling below ten redraws a second."""
        deadline = time.perf_counter() + STEP_BUDGET_S
        for _ in range(steps):
            if self.run.step(1) == 0 or time.perf_counter() > deadline:
                break

    def frame(self, notice: str = "") -> dict:
        """What the browser draws: the grid, the loss rows it does not have yet, the numbers and the state."""
        run = self.run
        last = run.history[-1]
        rows = [[r.step, _finite(r.train_loss), _finite(r.test_loss)] for r in run.history[self.sent:]]
        frame = {"kind": "frame", "grid": encode_grid(run.probabilities()), "from": self.sent, "rows": rows,
                 "values": {"step": shown(last.step), "train_loss": shown(last.train_loss),
                            "test_loss": shown(last.test_loss), "train_accuracy": percent(last.train_accuracy),
                            "test_accuracy": percent(last.test_accuracy)},
                 "state": "diverged" if run.divergence else "ready" if run.can_train else "waiting",
                 "message": self.explain(run) if run.divergence else "", "notice": notice,
                 "placed": run.added}
        self.sent = len(run.history)
        return frame


def encode_grid(probabilities: np.ndarray) -> str:
    """Probabilities (rows, columns) as base64 bytes, one per cell: round(p·254), or `NAN_BYTE` for nan."""
    p = np.asarray(probabilities, dtype=np.float64).ravel()
    cells = np.where(np.isfinite(p), np.round(np.clip(np.nan_to_num(p), 0, 1) * 254), NAN_BYTE)
    return base64.b64encode(cells.astype(np.uint8).tobytes()).decode("ascii")


def _finite(value: float) -> float | None:
    """JSON has no inf or nan: those become null, drawn as a gap."""
    return float(value) if math.isfinite(value) else None


# ---- the learner's points in the address: "x1,x2,label;x1,x2,label;…", three decimals each

def encode_points(x: np.ndarray, y: np.ndarray) -> str:
    """Placed points for the address; "" when there are none."""
    return ";".join(f"{a:.3f},{b:.3f},{int(c)}" for (a, b), c in zip(np.asarray(x).tolist(), np.asarray(y).tolist(),
                                                                       strict=True))


def decode_points(text: str, limit: int) -> list[tuple[float, float, int]]:
    """The points `encode_points` wrote, at most `limit`; a piece that is not a point is left out (an address
    is a suggestion, never an error page)."""
    points = []
    for piece in text.split(";")[:limit]:
        parts = piece.split(",")
        try:
            x1, x2, label = float(parts[0]), float(parts[1]), int(parts[2])
        except (ValueError, IndexError):
            continue
        if len(parts) == 3 and math.isfinite(x1) and math.isfinite(x2) and label in (0, 1):
            points.append((x1, x2, label))
    return points
