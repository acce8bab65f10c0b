"""Lesson 1 in the browser: every control redraws the figures and numbers, the address holds the view, the
language switch keeps it, and each regime (crawl, converge, settle, diverge, stall, slide into the saddle,
local minimum) is explained; the schedule control rescues a rate too large; preset links open at the figure.

The full interaction runs in Japanese; English is checked for its strings on the views that matter.
"""

import csv
import re

from playwright.sync_api import expect

from kaibo.i18n import t
from kaibo.lab.exhibits import shown
from kaibo.train import descent, descent_measures
from tests.browser.lab import Lab

SLUG = "gradient_descent"


def lesson(key: str, lang: str, **args: object) -> str:
    return t(f"{SLUG}.{key}", lang, **args)


def shows_walk(lab: Lab, *args: object, lang: str = "ja", **kwargs: object) -> descent.Walk:
    """The page shows the numbers that `descent.walk(*args, **kwargs)` computes (after it has recomputed)."""
    run = descent.walk(*args, **kwargs)
    lab.wait_value("loss_end", shown(float(run.loss[-1])))
    assert lab.value("outcome") == t(f"descent.outcome.{run.outcome}", lang)
    assert lab.value("loss_start") == shown(float(run.loss[0]))
    return run


def test_every_control_recomputes_the_walk(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    page = lab.page
    expect(page.get_by_role("heading", name="勾配降下法", exact=True)).to_be_visible()
    shows_walk(lab, "line", (-1.0, 3.0), "sgd", 0.1, 50)
    lab.shot("default")
    walk, data = lab.fingerprint(0), lab.fingerprint(1)

    # One key press at a time, so that each figure compared is the one of the final value.
    lab.slide(lesson("control.lr", "ja"), -10)  # Page Down: 0.1 → 0.01 on the log scale
    lab.wait_query(lr="0.01")
    shows_walk(lab, "line", (-1.0, 3.0), "sgd", 0.01, 50)
    walk = lab.wait_changed(0, walk)
    assert lab.value("outcome") == t("descent.outcome.crawling", "ja")

    lab.slide(lesson("control.w", "ja"), 10)  # Page Up: the start moves from w = −1 to w = −0.9
    lab.wait_query(w="-0.9")
    shows_walk(lab, "line", (-0.9, 3.0), "sgd", 0.01, 50)
    walk = lab.wait_changed(0, walk)

    lab.slide(lesson("control.step", "ja"), 1)  # look at step 2: the lines through the data move
    lab.wait_query(step="2")
    data = lab.wait_changed(1, data)
    expect(page.get_by_text("スライダーで選んだ 2 ステップ目の更新")).to_be_visible()

    lab.slide(lesson("control.lr", "ja"), 20)  # 0.01 → 1.0: past divergence
    lab.wait_query(lr="1")
    shows_walk(lab, "line", (-0.9, 3.0), "sgd", 1.0, 50)
    assert lab.value("outcome") == t("descent.outcome.diverged", "ja")
    expect(page.get_by_text(lesson("outcome.diverged", "ja").split("**")[2].strip())).to_be_visible()
    lab.shot("diverged")
    walk = lab.fingerprint(0)

    lab.choose(lesson("control.optimizer", "ja"), lesson("option.optimizer.momentum", "ja"))
    lab.wait_query(optimizer="momentum")
    shows_walk(lab, "line", (-0.9, 3.0), "momentum", 1.0, 50)
    lab.wait_changed(0, walk)
    expect(page.get_by_text(lesson("rule_momentum", "ja", mu=descent.MOMENTUM))).to_be_visible()

    view = {name: lab.value(name) for name in ("outcome", "loss_start", "loss_end", "end")}
    fingerprints = (lab.fingerprint(0), lab.fingerprint(1))
    lab.goto(page.url)  # a teacher's link reopens the very same view
    assert {name: lab.value(name) for name in view} == view
    assert (lab.fingerprint(0), lab.fingerprint(1)) == fingerprints

    page.get_by_role("button", name=t("page.reset", "ja")).click()
    expect(page).to_have_url(re.compile(r"\?lang=ja$"))
    shows_walk(lab, "line", (-1.0, 3.0), "sgd", 0.1, 50)
    assert lab.position(lesson("control.lr", "ja")) == "20"


def test_exports_self_check_and_code_pane(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    page = lab.page
    with page.expect_download() as download:
        page.get_by_text(t("page.csv", "ja")).first.click()
    with open(download.value.path(), encoding="utf-8") as saved:
        rows = list(csv.DictReader(saved))
    assert list(rows[0]) == ["step", "w", "b", "loss", "dL/dw", "dL/db", "lr"]
    assert len(rows) == 51 and rows[0]["w"] == "-1.0" and rows[1]["lr"] == "0.1"
    with page.expect_download() as download:  # the data, with the line of the step looked at
        page.get_by_text(t("page.csv", "ja")).nth(1).click()
    assert download.value.suggested_filename == "kaibo-gradient_descent-data.csv"
    with open(download.value.path(), encoding="utf-8") as saved:
        rows = list(csv.DictReader(saved))
    assert list(rows[0]) == ["x", "y", "step", "w_before", "b_before", "w_after", "b_after"]
    assert len(rows) == 442 and (rows[0]["step"], rows[0]["w_before"], rows[0]["b_before"]) == ("1", "-1.0", "3.0")

    page.locator(".vega-embed details summary").first.click()  # the figure's "…" menu, drawn offline
    with page.expect_download() as download:
        page.get_by_text(t("page.export_png", "ja")).first.click()
    assert download.value.suggested_filename == "kaibo-gradient_descent-walk.png"

    # Step 1 moves w up (its gradient is negative): the self-check reads it off the page, names the step it
    # asks about, and a wrong answer says where to look.
    run = descent.walk("line", (-1.0, 3.0), "sgd", 0.1, 50)
    assert run.update[0][0] > 0
    expect(page.get_by_text(lesson("check.direction.q", "ja", step=1, p0="w"))).to_be_visible()
    lab.self_check("direction", lesson("check.direction.down", "ja"), lesson("check.direction.up", "ja"),
                   lesson("check.direction.where", "ja", p0="w"))

    page.get_by_role("button", name=t("page.code_title", "ja")).click()
    expect(page.get_by_text("def walk(").filter(visible=True)).to_have_count(1)
    lab.shot("checked")


def test_switching_language_keeps_the_controls(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    lab.choose(lesson("control.optimizer", "ja"), lesson("option.optimizer.adam", "ja"))
    lab.slide(lesson("control.steps", "ja"), 10)  # Page Up: 50 → 100 steps
    lab.wait_query(optimizer="adam", steps="100")
    lab.wait_value("steps_made", "100")
    numbers = {name: lab.value(name) for name in ("loss_end", "end", "steps_made")}

    lab.page.get_by_role("link", name="English").first.click()
    lab.page.get_by_role("heading", name="Gradient descent", exact=True).wait_for()
    lab.goto(lab.page.url)  # wait as for any page: numbers and figures drawn
    assert lab.query() == {"lang": "en", "optimizer": "adam", "steps": "100"}
    assert {name: lab.value(name) for name in numbers} == numbers
    assert lab.position(lesson("control.steps", "en")) == "100"
    expect(lab.page.locator("marimo-radio", has_text=lesson("control.optimizer", "en"))
           .get_by_label("Adam", exact=True)).to_be_checked()
    lab.shot("english")


def test_english_explains_each_regime(lab: Lab) -> None:
    # Values in an address that do not fit (a typo, a made-up optimizer) fall back to the defaults.
    lab.open(SLUG, "en", lr=1.0, steps="lots", optimizer="newton")
    assert lab.value("outcome") == t("descent.outcome.diverged", "en")
    assert lab.value("steps_made") == str(descent.walk("line", (-1.0, 3.0), "sgd", 1.0, 50).steps)
    expect(lab.page.get_by_text("Diverged.", exact=True)).to_be_visible()
    expect(lab.page.get_by_text(lesson("control.lr", "en"))).to_be_visible()

    lab.open(SLUG, "en", landscape="hills", w1=0.0, w2=0.0)
    assert lab.value("outcome") == t("descent.outcome.stalled", "en")
    expect(lab.page.get_by_text("Not moving at all.", exact=True)).to_be_visible()
    # Near the saddle, SGD lingers longest: the page's own numbers say so.
    sgd, momentum, adam = (int(lab.value(name)) for name in descent.OPTIMIZERS)
    assert sgd > momentum and sgd > adam
    assert lab.value("on_saddle") == lesson("never", "en", steps=300)

    lab.open(SLUG, "en", landscape="hills", w1=-1.5, w2=2.0)
    expect(lab.page.get_by_text(re.compile("has reached the local minimum"))).to_be_visible()
    lab.shot("local-minimum")


def test_momentum_at_the_defaults_is_told_to_take_more_steps_not_a_larger_rate(lab: Lab) -> None:
    lab.open(SLUG, "en", optimizer="momentum")
    run = shows_walk(lab, "line", (-1.0, 3.0), "momentum", 0.1, 50, lang="en")
    assert run.outcome == "settling"
    box = lab.page.locator(".markdown", has_text="Near the bottom, still swinging.")
    expect(box).to_be_visible()
    need = descent_measures.steps_to_converge("line", (-1.0, 3.0), "momentum", 0.1)
    expect(box).to_contain_text(lesson("settle_after", "en", steps=need).replace("**", ""))
    expect(box).not_to_contain_text("try a larger learning rate")
    lab.shot("settling")

    # The advice, followed: Page Up 50 → 100 steps, then 100 → 105 (the count the page measured).
    lab.slide(lesson("control.steps", "en"), 10)
    lab.wait_query(steps="100")
    lab.slide(lesson("control.steps", "en"), 1)
    lab.wait_query(steps=str(need))
    shows_walk(lab, "line", (-1.0, 3.0), "momentum", 0.1, need, lang="en")
    assert lab.value("outcome") == t("descent.outcome.converged", "en")


def test_a_start_on_w1_zero_slides_into_the_saddle_and_says_why(lab: Lab) -> None:
    lab.open(SLUG, "ja", landscape="hills", w1=0.0, w2=0.3)
    shows_walk(lab, "hills", (0.0, 0.3), "sgd", 0.1, 50)
    assert lab.value("outcome") == t("descent.outcome.trapped", "ja")
    expect(lab.page.get_by_text("鞍点に滑り込んで止まりました。", exact=True)).to_be_visible()
    expect(lab.page.get_by_text("最初から一歩も動きません。", exact=True)).to_have_count(0)
    lab.shot("trapped")


def test_the_cosine_schedule_rescues_a_rate_too_large(lab: Lab) -> None:
    lab.open(SLUG, "ja", lr=1.0)
    shows_walk(lab, "line", (-1.0, 3.0), "sgd", 1.0, 50)
    assert lab.value("outcome") == t("descent.outcome.diverged", "ja")
    before = lab.fingerprint(0)

    lab.choose(lesson("control.schedule", "ja"), lesson("option.schedule.cosine", "ja"))
    lab.wait_query(schedule="cosine")
    run = shows_walk(lab, "line", (-1.0, 3.0), "sgd", 1.0, 50, schedule="cosine")
    assert run.outcome == "converged"
    lab.wait_changed(0, before)
    # The rule of the step looked at uses that step's own rate, which the page names.
    expect(lab.page.get_by_text(lesson("rule_rate.cosine", "ja", lr=shown(float(run.lrs[0])), base=shown(1.0),
                                       steps=50))).to_be_visible()
    lab.slide(lesson("control.step", "ja"), 20)  # Page Up twice: step 21, where the rate is under SGD's limit
    lab.wait_query(step="21")
    expect(lab.page.get_by_text(lesson("rule_rate.cosine", "ja", lr=shown(float(run.lrs[20])), base=shown(1.0),
                                       steps=50))).to_be_visible()
    assert run.lrs[20] < descent_measures.stable_rate("line") < run.lrs[0]
    lab.shot("cosine")


def test_preset_links_open_at_the_figure(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    lab.page.get_by_role("link", name=lesson("try.cosine", "ja")).click()
    lab.page.wait_for_url("**schedule=cosine**")
    lab.page.locator("[data-kaibo-value]").first.wait_for()  # the new page, drawn
    lab.settle()
    assert lab.page.url.endswith("#walk")
    # The page has scrolled down to the controls, with the figure right under them.
    lab.wait_until("() => Math.abs(document.getElementById('walk')?.getBoundingClientRect().top) < 60")
    expect(lab.page.get_by_text(lesson("figure.walk", "ja"))).to_be_in_viewport()
    lab.wait_value("outcome", t("descent.outcome.converged", "ja"))
