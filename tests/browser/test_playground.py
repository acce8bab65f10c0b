"""Lesson 7 in the browser: one step shows the library's numbers; frames advance while playing and stop when
paused (a count, never a rate: no timed assertion); a click places a point that the address keeps; the
exports are the run's; a bad file is refused with its line and a good one read; a diverging run stops,
explains itself with the library's step, and one click brings back the best weights."""

from __future__ import annotations

import csv

from playwright.sync_api import expect

from kaibo.data.toy2d import make_points
from kaibo.i18n import t
from kaibo.lab.exhibits import shown
from kaibo.models.mlp_classifier import MLPClassifier
from kaibo.train.live_training import LiveTraining, Settings
from tests.browser.lab import Lab

SLUG = "playground"
DIVERGE = {"layers": 4, "width": 16, "activation": "relu", "lr": 10.0}
# The canvas's frame count (it lives in the widget's shadow DOM, which document.querySelector does not enter).
_FRAMES = """() => {
  const deep = (root) => [...root.querySelectorAll("*")]
    .flatMap((e) => [e, ...(e.shadowRoot ? deep(e.shadowRoot) : [])]);
  const canvas = deep(document).find((e) => e.classList?.contains("kb-pg"));
  return Number(canvas?.dataset.frames ?? 0);
}"""


def lesson(key: str, lang: str, **args: object) -> str:
    return t(f"{SLUG}.{key}", lang, **args)


def frames(lab: Lab) -> int:
    return int(lab.page.locator(".kb-pg").get_attribute("data-frames") or 0)


def button(lab: Lab, key: str, lang: str):
    return lab.page.locator(".kb-pg button", has_text=lesson(f"canvas.{key}", lang))


def default_run(**settings: object) -> LiveTraining:
    train, test = make_points("moons", 200, 0.1, 0).split(0.3, 0)
    hidden, activation = settings.pop("hidden", (8, 8)), settings.pop("activation", "tanh")
    return LiveTraining(train, test, hidden, activation, settings=Settings(**settings))


def test_one_step_play_pause_a_placed_point_exports_and_files(lab: Lab, tmp_path) -> None:
    lab.open(SLUG, "en")
    page = lab.page
    lab.wait_value("step", "0")                                  # the first frame has come
    run = default_run(lr=0.1)
    assert lab.value("train_loss") == shown(run.history[0].train_loss)

    button(lab, "step", "en").click()
    run.step(1)
    lab.wait_value("step", "1")
    assert lab.value("train_loss") == shown(run.history[1].train_loss)
    assert lab.value("test_loss") == shown(run.history[1].test_loss)
    lab.wait_value("steps", "1")                                 # the cells under the canvas heard of it

    before = frames(lab)
    button(lab, "play", "en").click()
    lab.wait_until(f"(n) => ({_FRAMES})() >= n + 10", before)
    expect(lab.page.locator('[data-kaibo-value="fps"]')).not_to_have_text("–")
    button(lab, "pause", "en").click()
    expect(page.locator(".kb-pg")).to_have_attribute("data-playing", "false")
    page.wait_for_timeout(300)                                    # the frame on its way when paused
    stopped = frames(lab)
    page.wait_for_timeout(700)
    assert frames(lab) == stopped                                # paused: nothing more is drawn
    steps = int(lab.value("step"))
    assert steps > 10
    lab.wait_value("steps", str(steps))
    lab.shot("played")

    page.locator(".kb-pg-map").click(position={"x": 60, "y": 40})   # class 1 (the default choice), top left
    lab.wait_until("() => new URLSearchParams(location.search).get('placed')?.endsWith(',1')")
    expect(button(lab, "remove", "en")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_text(lesson("export_curves", "en")).click()
    with open(download.value.path(), encoding="utf-8") as saved:
        rows = list(csv.DictReader(saved))
    assert len(rows) == steps + 1 and rows[1]["train_loss"] == f"{run.history[1].train_loss:.6g}"
    with page.expect_download() as download:
        page.get_by_text(lesson("export_weights", "en")).click()
    weights = tmp_path / "w.safetensors"
    download.value.save_as(weights)
    assert MLPClassifier.load(weights).config.hidden == (8, 8)

    # A file: a bad one is refused with its line, a good one is read with its own split.
    lab.choose(lesson("control.data", "en"), lesson("option.data.file", "en"))
    lab.wait_query(data="file")
    file_input = page.locator("marimo-file input[type=file]")
    file_input.set_input_files(files=[{"name": "bad.csv", "mimeType": "text/csv",
                                       "buffer": b"x1,x2,label\n0,0,0\n1,2,7\n"}])
    expect(page.get_by_text("Line 3: the label is “7”")).to_be_visible(timeout=30_000)
    file_input.set_input_files(files=[{"name": "mine.csv", "mimeType": "text/csv",
                                       "buffer": b"x1,x2,label,split\n0,0,0,train\n1,1,1,train\n0,1,0,test\n"}])
    lab.wait_value("train_points", "3")                          # two from the file, one placed
    assert lab.value("test_points") == "1"


def test_a_diverging_run_stops_explains_and_goes_back(lab: Lab) -> None:
    lab.open(SLUG, "ja", **DIVERGE)
    run = default_run(lr=10.0, hidden=(16,) * 4, activation="relu")
    run.step(300)
    d = run.divergence
    lab.wait_value("step", "0")
    button(lab, "play", "ja").click()
    alert = lab.page.locator(".kb-pg-alert")
    expect(alert).to_be_visible(timeout=30_000)
    expect(alert).to_contain_text(f"{d.step} ステップ目で止めました")
    expect(alert).to_contain_text(f"（{d.good_step} ステップ目）")
    expect(lab.page.locator(".kb-pg")).to_have_attribute("data-playing", "false")
    lab.wait_value("step", str(d.step - 1))
    lab.shot("diverged")

    button(lab, "restore", "ja").click()
    expect(alert).to_be_hidden()
    lab.wait_value("step", str(d.good_step))
    run.restore()
    assert lab.value("train_loss") == shown(run.history[-1].train_loss)
    lab.wait_value("steps", str(d.good_step))
    lab.self_check("push", lesson("check.push.squared_error", "ja"), lesson("check.push.cross_entropy", "ja"),
                   lesson("check.push.where", "ja"))
    lab.shot("restored")
