"""Lesson 5 in the browser: the data and the number of layers redraw the collapsed network, the activation
redraws the boundary, the deep network's controls redraw the gradients with the numbers the library computes,
the self-check reads the page, and the language switch keeps the view.

The interaction runs in Japanese; the language switch then opens the same view in English, where the
self-check is answered and the reset brings back the defaults: one test, two page loads.
"""

import re

from playwright.sync_api import expect

from kaibo.i18n import t
from kaibo.lab.exhibits import percent, shown
from kaibo.models.linear_collapse import collapse_gap
from kaibo.train import activation_study as study
from tests.browser.lab import Lab

SLUG = "activations"
# The figures in the order of the page.
COLLAPSE, FUNCTIONS, SEPARATE, GRADIENTS, SLOPES, GAINS = range(6)


def lesson(key: str, lang: str, **args: object) -> str:
    return t(f"{SLUG}.{key}", lang, **args)


def shows_collapse(lab: Lab, shape: str, layers: int) -> None:
    points, linear = study.data(shape)[0], study.linear_network(shape, layers)
    lab.wait_value("gap", shown(collapse_gap(linear, points.x)))
    assert lab.value("best_line") == percent(study.ceiling(shape).accuracy)
    assert lab.value("linear_accuracy") == percent(float((linear.predict(points.x) == points.y).mean()))


def shows_fit(lab: Lab, shape: str, activation: str) -> None:
    fit = study.fits(shape)[activation]
    lab.wait_value("accuracy", percent(fit.accuracy))
    assert lab.value("loss") == shown(fit.loss)


def shows_flow(lab: Lab, shape: str, activation: str, depth: int, gain: float) -> None:
    flow = study.flow(shape, activation, depth, gain)
    lab.wait_value("shrink", shown(flow.shrink))
    assert lab.value("first_norm") == shown(float(flow.norms[0]))
    assert lab.value("per_layer") == shown(flow.per_layer)
    assert lab.value("dead") == str(int(flow.dead_units.sum()))


def test_controls_redraw_the_figures_with_the_librarys_numbers_in_both_languages(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    page = lab.page
    expect(page.get_by_role("heading", name="層と層のあいだで「曲げる」関数")).to_be_visible()
    shows_collapse(lab, "xor", 3)
    shows_fit(lab, "xor", "relu")
    shows_flow(lab, "xor", "sigmoid", 8, 1.0)
    expect(page.get_by_text(lesson("verdict.vanish", "ja")[:20], exact=False)).to_be_visible()
    lab.shot("default")
    figures = [lab.fingerprint(n) for n in range(6)]

    lab.choose(lesson("control.layers", "ja"), lesson("option.layers.2", "ja"))
    lab.wait_query(layers="2")
    shows_collapse(lab, "xor", 2)
    figures[COLLAPSE] = lab.wait_changed(COLLAPSE, figures[COLLAPSE])

    lab.choose(lesson("control.activation", "ja"), lesson("option.activation.none", "ja"))
    lab.wait_query(activation="none")
    shows_fit(lab, "xor", "none")
    figures[SEPARATE] = lab.wait_changed(SEPARATE, figures[SEPARATE])
    expect(page.get_by_text(re.compile(re.escape(lesson("separate_none", "ja", hidden=16, accuracy="", best="")[:20])))
           ).to_be_visible()

    # The data control is shown in sections 1 and 2 (one control, two places): the first will do.
    lab.page.locator("marimo-radio", has_text=lesson("control.data", "ja")).first.get_by_label(
        lesson("option.data.spirals", "ja"), exact=True).check()
    lab.wait_query(data="spirals")
    shows_collapse(lab, "spirals", 2)
    shows_fit(lab, "spirals", "none")
    shows_flow(lab, "spirals", "sigmoid", 8, 1.0)
    figures[COLLAPSE] = lab.wait_changed(COLLAPSE, figures[COLLAPSE])
    assert lab.fingerprint(FUNCTIONS) == figures[FUNCTIONS]  # the functions do not depend on the data

    lab.choose(lesson("control.deep", "ja"), lesson("option.deep.relu", "ja"))
    lab.wait_query(deep="relu")
    shows_flow(lab, "spirals", "relu", 8, 1.0)
    figures[SLOPES] = lab.wait_changed(SLOPES, figures[SLOPES])
    figures[GRADIENTS] = lab.wait_changed(GRADIENTS, figures[GRADIENTS])

    lab.slide(lesson("control.gain", "ja"), 4)  # 1 → 2.5 on the log scale: He's start
    lab.wait_query(gain="2.5")
    shows_flow(lab, "spirals", "relu", 8, 2.5)
    lab.wait_changed(GAINS, figures[GAINS])
    expect(page.get_by_text(lesson("verdict.steady", "ja")[:20], exact=False)).to_be_visible()

    # The language switch keeps the view: the same address, the same numbers, now in English.
    state = lab.query()
    numbers = {name: lab.value(name) for name in ("gap", "accuracy", "shrink")}
    page.get_by_role("link", name="English").first.click()
    page.get_by_role("heading", name="Activation functions", exact=True).wait_for(timeout=60_000)  # a full load
    lab.settle()
    assert lab.query() == state | {"lang": "en"}
    assert {name: lab.value(name) for name in numbers} == numbers
    expect(page.get_by_text(lesson("verdict.steady", "en")[:30], exact=False)).to_be_visible()
    lab.self_check("gap", lesson("check.gap.far", "en"), lesson("check.gap.rounding", "en"),
                   lesson("check.gap.where", "en"))
    lab.shot("english")

    page.get_by_role("button", name=t("page.reset", "en")).first.click()
    expect(page).to_have_url(re.compile(r"\?lang=en$"))
    shows_flow(lab, "xor", "sigmoid", 8, 1.0)
    shows_collapse(lab, "xor", 3)
