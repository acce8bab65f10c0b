"""Lesson 8 in the browser: the position, kernel, stride and padding redraw the sliding with the numbers the
library computes (the sum of the products equal to F.conv2d's cell), the stage redraws the CNN's maps, the
self-check reads the page's numbers, a drawn digit is read by the trained networks, and the address, the
language switch and the reset keep or restore the view.

One test, one page in Japanese, then the same view in English: every page load costs seconds here.
"""

import re

import numpy as np
from playwright.sync_api import expect

from kaibo.data.datasets import load_digits_split
from kaibo.i18n import t
from kaibo.lab.digit_pad import encode
from kaibo.lab.exhibits import shown
from kaibo.models import image_kernels, kernel_sliding
from kaibo.train import digit_rivals
from tests.browser.lab import Lab

SLUG = "convolution"
DIGITS = load_digits_split()
SLIDE, STAGE = 1, 5  # the figures' places on the page: image, slide, flip, bank, kernels, stage, probs


def lesson(key: str, lang: str, **args: object) -> str:
    return t(f"{SLUG}.{key}", lang, **args)


def shows_position(lab: Lab, kernel: str, step: int, stride: int = 1, padding: int = 0, index: int = 9,
                   lang: str = "ja") -> None:
    """The readouts are the library's sliding at this step, and its sum is F.conv2d's cell."""
    levels = digit_rivals.ink(DIGITS.x_test[index])
    slid = kernel_sliding.slide(levels, image_kernels.KERNELS[kernel], stride, padding)
    here = slid.at(step)
    lab.wait_value("position", lesson("cell", lang, row=here.row + 1, col=here.col + 1))
    lab.wait_value("by_hand", shown(here.total))
    assert lab.value("engine") == shown(float(slid.out[here.row, here.col])) == shown(here.total)
    side = kernel_sliding.output_size(8, 3, stride, padding)
    assert lab.value("size") == f"{side} × {side}"


def test_sliding_drawing_and_switching_language(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    page = lab.page
    expect(page.get_by_role("heading", name="畳み込み", exact=True)).to_be_visible()
    shows_position(lab, "vertical_edge", 27)
    assert lab.value("position") == "5 行 3 列"
    lab.shot("default")
    slide, stage = lab.fingerprint(SLIDE), lab.fingerprint(STAGE)

    # One change at a time, so each figure compared is the one of the final value.
    lab.slide(lesson("control.step", "ja"), 1)
    lab.wait_query(step="28")
    shows_position(lab, "vertical_edge", 28)
    slide = lab.wait_changed(SLIDE, slide)

    lab.choose(lesson("control.kernel", "ja"), lesson("option.kernel.horizontal_edge", "ja"))
    lab.wait_query(kernel="horizontal_edge")
    shows_position(lab, "horizontal_edge", 28)
    slide = lab.wait_changed(SLIDE, slide)

    lab.slide(lesson("control.padding", "ja"), 1)  # 8 × 8 now: step 28 is row 4, column 4
    lab.wait_query(padding="1")
    shows_position(lab, "horizontal_edge", 28, padding=1)
    slide = lab.wait_changed(SLIDE, slide)

    lab.slide(lesson("control.stride", "ja"), 1)  # stride 2: 16 positions, the step held at the last
    lab.wait_query(stride="2")
    shows_position(lab, "horizontal_edge", 16, stride=2, padding=1)

    lab.choose(lesson("control.stage", "ja"), "pool1")
    lab.wait_query(stage="pool1")
    stage = lab.wait_changed(STAGE, stage)
    expect(page.get_by_text(lesson("stage.pool1", "ja", channels=8, side=4).split("：")[1][:20])).to_be_visible()

    # The self-check: this is the view the first question asks about.
    lab.self_check("size", lesson("check.size.5", "ja"), lesson("check.size.4", "ja"),
                   lesson("check.size.where", "ja"))
    lab.self_check("flip", lesson("check.flip.same", "ja"), lesson("check.flip.opposite", "ja"),
                   lesson("check.flip.where", "ja"))
    page.get_by_role("button", name=t("page.code_title", "ja")).click()
    expect(page.get_by_text("def slide(").filter(visible=True)).to_have_count(1)
    lab.shot("checked")

    # Draw a "1": one stroke down the middle column, rows 2 to 7, pressed on the first square (0 → 8) and
    # dragged, so every square passed gets 8 and the page recomputes once, when the button is released.
    lab.choose(lesson("control.source", "ja"), lesson("option.source.drawing", "ja"))
    pad = page.locator(".kaibo-pad")
    expect(pad).to_be_visible()
    page.locator(".kaibo-pad-clear").click()
    lab.wait_query(source="drawing")
    ink = np.zeros((8, 8), dtype=np.int64)
    ink[1:7, 4] = 8
    centres = []
    for row in range(1, 7):
        box = pad.locator(f'[data-cell="{row * 8 + 4}"]').bounding_box()
        centres.append((box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))
    page.mouse.move(*centres[0])
    page.mouse.down()
    for point in centres[1:]:
        page.mouse.move(*point, steps=4)
    page.mouse.up()
    drawn = encode(ink.ravel().tolist())
    lab.wait_query(draw=drawn)
    x = digit_rivals.pixels(ink)[None]
    probs = {name: r.model.trace(x)["probs"][0] for name, r in digit_rivals.trained(0).items()}
    lab.wait_value("cnn_guess", str(int(probs["cnn"].argmax())))
    assert lab.value("mlp_guess") == str(int(probs["mlp"].argmax()))
    assert lab.value("cnn_sure") == f"{100 * probs['cnn'].max():.1f}%"
    assert lab.value("truth") == lesson("drawn", "ja")
    lab.wait_changed(STAGE, stage)
    lab.shot("drawn")

    # The other language opens the very same view: a teacher's link does the same.
    view = {name: lab.value(name) for name in ("by_hand", "engine", "cnn_guess", "mlp_sure", "cnn_test")}
    page.get_by_role("link", name="English").first.click()
    page.get_by_role("heading", name="Convolution", exact=True).wait_for()
    page.locator("[data-kaibo-value]").first.wait_for()
    lab.settle()
    assert lab.query() == {"lang": "en", "step": "28", "kernel": "horizontal_edge", "padding": "1", "stride": "2",
                           "stage": "pool1", "source": "drawing", "draw": drawn}
    assert {name: lab.value(name) for name in view} == view
    assert lab.value("truth") == lesson("drawn", "en")
    expect(page.get_by_role("heading", name=lesson("slide_intro", "en").split("\n")[0].lstrip("# "))).to_be_visible()
    lab.shot("english")

    page.get_by_role("button", name=t("page.reset", "en")).first.click()
    expect(page).to_have_url(re.compile(r"\?lang=en$"))
    shows_position(lab, "vertical_edge", 27, lang="en")
    lab.wait_value("truth", "1")
