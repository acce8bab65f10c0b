"""The playground's canvas widget outside the browser: what it answers to each request of its script, the grid
as bytes, and the placed points in the address."""

import base64

import numpy as np
import pytest

from kaibo.data.toy2d import make_points
from kaibo.lab.playground_widget import NAN_BYTE, Playground, decode_points, encode_grid, encode_points
from kaibo.train.live_training import LiveTraining, Settings

TRAIN, TEST = make_points("xor", 60, 0.1, 0).split(0.3, 0)


@pytest.fixture
def canvas() -> Playground:
    widget = Playground(LiveTraining(TRAIN, TEST, (4,)), {"lang": "en"},
                        lambda run: f"diverged at {run.divergence.step}")
    widget.sent_frames, widget.changes = [], []
    widget.send = widget.sent_frames.append
    widget.on_change = lambda: widget.changes.append(widget.run.steps)
    return widget


def ask(widget: Playground, kind: str, **extra: object) -> dict:
    widget._answer(widget, {"kind": kind, **extra}, None)
    return widget.sent_frames[-1]


def test_frames_carry_only_the_loss_rows_the_browser_does_not_have(canvas: Playground) -> None:
    first = ask(canvas, "hello")
    assert (first["from"], len(first["rows"]), first["values"]["step"]) == (0, 1, "0")
    canvas.steps_per_frame = 3
    frame = ask(canvas, "next")
    assert frame["from"] == 1 and [row[0] for row in frame["rows"]] == [1, 2, 3]
    assert frame["rows"][-1][1] == pytest.approx(canvas.run.history[-1].train_loss)
    assert canvas.changes == []                        # playing: the page's cells are left alone
    assert ask(canvas, "step")["rows"][0][0] == 4 and canvas.changes == [4]
    ask(canvas, "pause")
    assert canvas.changes == [4, 4]


def test_a_placed_point_is_drawn_and_remeasures_the_last_row(canvas: Playground) -> None:
    ask(canvas, "hello")
    frame = ask(canvas, "add", x1=0.1, x2=0.2, label=1)
    assert frame["from"] == 0 and frame["placed"] == 1
    assert canvas.points[-len(TEST) - 1] == [pytest.approx(0.1), pytest.approx(0.2), 1, 2]   # kind 2: placed
    assert ask(canvas, "remove")["placed"] == 0 and len(canvas.points) == len(TRAIN) + len(TEST)


def test_a_divergence_stops_play_and_restore_rewinds(canvas: Playground) -> None:
    canvas.run.configure(lr=100.0)
    canvas.run.model.out.weight.data[0, 0] = np.float32(np.nan)   # what an overflow leaves behind
    frame = ask(canvas, "next")
    assert frame["state"] == "diverged" and frame["message"] == "diverged at 1" and canvas.changes == [0]
    assert base64.b64decode(frame["grid"]).count(NAN_BYTE) > 0
    frame = ask(canvas, "restore")
    assert frame["state"] == "ready" and frame["message"] == ""


def test_a_refused_point_is_said_in_the_page_s_language(canvas: Playground) -> None:
    assert "0 or 1" in ask(canvas, "add", x1=0.0, x2=0.0, label=3)["notice"]


def test_the_grid_is_one_byte_per_cell_and_nan_is_marked() -> None:
    cells = base64.b64decode(encode_grid(np.array([[0.0, 0.5], [1.0, np.nan]])))
    assert list(cells) == [0, 127, 254, NAN_BYTE]


def test_placed_points_go_through_the_address_and_bad_pieces_are_left_out() -> None:
    x = np.array([[0.1234, -1.5], [2.0, 0.0]])
    text = encode_points(x, np.array([1, 0]))
    assert text == "0.123,-1.500,1;2.000,0.000,0"
    assert decode_points(text, 10) == [(0.123, -1.5, 1), (2.0, 0.0, 0)]
    assert decode_points(text + ";x,1,1;1,1,5;1,2;nan,1,0", 10) == decode_points(text, 10)
    assert decode_points(text, 1) == [(0.123, -1.5, 1)]
    assert encode_points(np.zeros((0, 2)), np.zeros(0)) == "" and decode_points("", 5) == []


def test_settings_reach_the_run(canvas: Playground) -> None:
    canvas.run.configure(**vars(Settings(lr=0.5, batch_size=2)))
    ask(canvas, "step")
    assert canvas.run.settings.lr == 0.5 and canvas.run.steps == 1
