"""Lesson 2 in the browser: the controls redraw the error-against-h figure and its numbers (which are the
library's), the cost is measured for the sizes chosen and counted exactly, the gradient check follows the
number type and h, and the language switch keeps the view. Japanese runs the full interaction; English is
checked on the views that matter.
"""

import csv
import re
from functools import partial

import numpy as np
from playwright.sync_api import expect

from kaibo.engine import Tensor, gradcheck
from kaibo.i18n import t
from kaibo.lab.exhibits import shown
from kaibo.lab.figures.numerical_gradient import power
from kaibo.train import patients_network
from tests.browser.lab import Lab

SLUG = "numerical_gradient"
SWEEP, COST, CHECK = 0, 1, 2  # the figures, in page order


def lesson(key: str, lang: str, **args: object) -> str:
    return t(f"{SLUG}.{key}", lang, **args)


def sweeps(fn: str, x: float) -> dict:
    """What the library measures for the page's first figure."""
    if fn == "network":
        value, derivative = patients_network.weight_function()
    else:
        op = {"exp": Tensor.exp, "tanh": Tensor.tanh, "sigmoid": Tensor.sigmoid}[fn]
        value, derivative = (lambda dtype: gradcheck.tensor_function(op)), partial(gradcheck.backprop_derivative, op)
    return {d: gradcheck.sweep(value(d), derivative, x, d) for d in ("float64", "float32")}


def best_shown(hs: np.ndarray, error: float, lang: str) -> str:
    """The smallest error's h as the table should say it: the one h, or how many tie and between which."""
    if len(hs) == 1:
        return lesson("best", lang, h=power(hs[0]), error=power(error, 4))
    return lesson("best_tie", lang, n=len(hs), low=power(hs.min()), high=power(hs.max()), error=power(error, 4))


def shows_sweep(lab: Lab, fn: str, x: float, h: float, lang: str = "ja") -> None:
    """The table under the first figure shows the library's numbers for `fn` at x with h marked."""
    measured = sweeps(fn, x)
    # Each wait returns at once when the value is already there: together they wait for the cell that
    # shows them all, whichever control changed.
    for dtype, s in measured.items():
        for method in gradcheck.METHODS:
            error = s.error_at(method, h)
            lab.wait_value(f"chosen_{method}.{dtype}", lesson("no_step", lang) if np.isnan(error) else power(error, 4))
    for dtype, s in measured.items():
        for method in gradcheck.METHODS:
            lab.wait_value(f"best_{method}.{dtype}", best_shown(*s.best(method), lang))
    assert lab.value("exact") == shown(measured["float64"].exact)
    assert lab.value("central_1e5.float64") == power(measured["float64"].error_at("central", 1e-5), 4)


def test_numerical_gradient_controls_redraw_figures_and_numbers(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    page = lab.page
    expect(page.get_by_role("heading", name="数値微分と誤差逆伝播法", exact=True)).to_be_visible()
    shows_sweep(lab, "exp", 1.0, 1e-10)
    # The "as small as possible" h: in float32, 1 + 10⁻¹⁰ is 1, and the page says there is no difference to take.
    assert lab.value("central_1e10.float32") == lesson("no_step", "ja")
    # Beside the measured best h, the estimate's: eˣ at 1 has f = f″ = f‴ = e, so √(2ε) and ∛(3ε/2).
    assert lab.value("predicted_forward.float64") == power((2 * gradcheck.machine_epsilon("float64")) ** 0.5) \
        == "2.1 × 10⁻⁸"
    assert lab.value("predicted_central.float32") == power((1.5 * gradcheck.machine_epsilon("float32")) ** (1 / 3))
    e10, e5 = (sweeps("exp", 1.0)["float64"].error_at("central", h) for h in (1e-10, 1e-5))
    expect(page.get_by_text(f"10⁻¹⁰ の方が {shown(e10 / e5)} 倍も不正確です。")).to_be_visible()

    # At the defaults h = 10⁻⁵ is the better one in float64; a wrong answer says where to look.
    lab.self_check("textbook", lesson("check.textbook.tiny", "ja"), lesson("check.textbook.moderate", "ja"),
                   lesson("check.textbook.where", "ja"))
    with page.expect_download() as download:
        page.get_by_text(t("page.csv", "ja")).first.click()
    with open(download.value.path(), encoding="utf-8") as saved:
        rows = list(csv.DictReader(saved))
    assert list(rows[0]) == ["dtype", "method", "h", "estimate", "exact", "error", "predicted_error"]
    assert len(rows) == 2 * 2 * len(gradcheck.H_GRID)
    page.get_by_role("button", name=t("page.code_title", "ja")).click()
    expect(page.get_by_text("def central_difference(").filter(visible=True)).to_have_count(1)
    lab.shot("default")

    # One key press at a time, so that each figure compared is the one of the final value.
    figure = lab.fingerprint(SWEEP)
    lab.slide(lesson("control.x", "ja"), 10)  # Page Up: x = 1.0 → 2.0
    lab.wait_query(x="2")
    shows_sweep(lab, "exp", 2.0, 1e-10)
    figure = lab.wait_changed(SWEEP, figure)
    lab.slide(lesson("control.h", "ja"), 50)  # five Page Ups: the marked h from 10⁻¹⁰ to 10⁻⁵
    lab.wait_query(h="1e-05")
    shows_sweep(lab, "exp", 2.0, 1e-5)
    figure = lab.wait_changed(SWEEP, figure)
    lab.choose(lesson("control.fn", "ja"), lesson("option.fn.network", "ja"))
    lab.wait_query(fn="network")
    shows_sweep(lab, "network", 2.0, 1e-5)
    lab.wait_changed(SWEEP, figure)

    # The cost: exactly N + 1, 2N, and one forward and one backward pass, for the largest network chosen.
    n = 3 * 100 + 1  # H = 100 at the default
    assert (lab.value("forward_passes.forward"), lab.value("forward_passes.central"),
            lab.value("forward_passes.backprop"), lab.value("backward_passes.backprop")) == (
        str(n + 1), str(2 * n), "1", "1")
    figure = lab.fingerprint(COST)
    lab.slide(lesson("control.largest", "ja"), -10)  # Page Down: H = 100 → 16, a tenth of a decade per step
    lab.wait_query(largest="16")
    lab.wait_value("forward_passes.central", str(2 * (3 * 16 + 1)))
    assert lab.value("forward_passes.forward") == str(3 * 16 + 2)
    figure = lab.wait_changed(COST, figure)
    expect(page.get_by_text(lesson("cost_table", "ja", hidden=16, n=49))).to_be_visible()
    page.get_by_role("button", name=lesson("again", "ja")).click()  # timed afresh: other times, the same counts
    lab.wait_changed(COST, figure)
    assert lab.value("forward_passes.central") == str(2 * (3 * 16 + 1))
    expect(page.get_by_text(re.compile("最後に測った時刻"))).to_be_visible()

    # The gradient check: every parameter passes in float64 with the tests' h, not all in float32.
    net = patients_network.make_network()
    check = gradcheck.gradient_check(net.loss, net.params)
    assert lab.value("n_checked") == str(net.num_parameters) == "25"
    assert lab.value("n_passed") == "25" and lab.value("worst") == shown(float(check.relative.max()))
    figure = lab.fingerprint(CHECK)
    lab.choose(lesson("control.dtype", "ja"), lesson("option.dtype.float32", "ja"))
    lab.wait_query(dtype="float32")
    net32 = patients_network.make_network(dtype="float32")
    check32 = gradcheck.gradient_check(net32.loss, net32.params)
    lab.wait_value("n_passed", str(int(check32.passed.sum())))
    assert int(check32.passed.sum()) < 25
    lab.wait_changed(CHECK, figure)
    lab.shot("changed")

    page.get_by_role("button", name=t("page.reset", "ja")).click()
    expect(page).to_have_url(re.compile(r"\?lang=ja$"))
    shows_sweep(lab, "exp", 1.0, 1e-10)
    lab.wait_value("n_passed", "25")


def test_numerical_gradient_in_english_and_the_language_switch(lab: Lab) -> None:
    # tanh at 0: f(x) = 0, nothing cancels, and the page says so; a float32 check whose h is so small that
    # x + h rounds to x for some parameters.
    lab.open(SLUG, "en", fn="tanh", x=0.0, dtype="float32", check_h=1e-8)
    shows_sweep(lab, "tanh", 0.0, 1e-10, "en")
    expect(lab.page.get_by_text(re.compile("nothing cancels when they are subtracted"))).to_be_visible()
    # The error is exactly 0 for every h from 10⁻⁸ down: the table says how many tie and between which, and
    # the page says why only one line shows.
    assert lab.value("best_central.float64") == lesson("best_tie", "en", n=71, low="10⁻¹⁵", high="10⁻⁸", error="0")
    expect(lab.page.get_by_text(re.compile("line is hidden under the central one"))).to_be_visible()
    net32 = patients_network.make_network(dtype="float32")
    check32 = gradcheck.gradient_check(net32.loss, net32.params, 1e-8)
    assert lab.value("n_no_step") == str(int(np.isnan(check32.relative).sum())) != "0"
    expect(lab.page.get_by_text(re.compile("no h brings every parameter under the threshold"))).to_be_visible()
    lab.shot("english")
    numbers = {name: lab.value(name) for name in ("exact", "central_1e5.float64", "n_passed", "n_no_step")}

    lab.page.get_by_role("link", name="日本語").first.click()
    lab.page.get_by_role("heading", name="数値微分と誤差逆伝播法", exact=True).wait_for()
    lab.goto(lab.page.url)
    assert lab.query() == {"lang": "ja", "fn": "tanh", "x": "0", "dtype": "float32", "check_h": "1e-08"}
    assert {name: lab.value(name) for name in numbers} == numbers
    expect(lab.page.get_by_text(re.compile("この点では、float64 の中心差分で"))).to_be_visible()
