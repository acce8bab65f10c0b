"""Lesson 9 in the browser: ρ and T redraw the gradients and the numbers the library computes, the cell's
weight count stays the same at every length, the step control redraws the strip, the self-check reads the
page, the language switch keeps the view, the study trains both cells on its button, and reset restores
the defaults. One page load for all of it (the study alone trains for seconds).

The interaction runs in Japanese; English is checked on the kept view and the study.
"""

import re

import numpy as np
from playwright.sync_api import expect

from kaibo.data.sequences import first_letter_sequences
from kaibo.i18n import t
from kaibo.lab.exhibits import shown
from kaibo.models import recurrent_gradients as rg
from kaibo.train import recurrence_study as study_lib
from tests.browser.lab import Lab

SLUG = "recurrence"
UNROLLED, STATES, GRADIENTS = 0, 1, 2   # the figures, in page order


def lesson(key: str, lang: str, **args: object) -> str:
    return t(f"{SLUG}.{key}", lang, **args)


def shows_gradients(lab: Lab, radius: float, length: int, seed: int = 0) -> tuple:
    """The page shows what the library measures at these settings (after it has recomputed)."""
    measured = {}
    for cell in ("rnn", "gru"):
        model = study_lib.recurrent_model(cell, seed, radius, np.float64)
        ids, targets = first_letter_sequences(1, length, np.random.default_rng(seed))
        measured[cell] = rg.gradient_through_time(model, model.trace(ids, targets))
    lab.wait_value("rnn_reach", shown(measured["rnn"].reach))
    assert lab.value("rnn_factor") == shown(measured["rnn"].factor)
    assert lab.value("gru_reach") == shown(measured["gru"].reach)
    assert lab.value("radius") == shown(measured["rnn"].radius)
    return measured["rnn"], measured["gru"]


def test_controls_redraw_the_page_and_the_study_trains_both_cells(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    page = lab.page
    expect(page.get_by_role("heading", name="再帰型ニューラルネットワーク", exact=True)).to_be_visible()
    rnn, _ = shows_gradients(lab, 0.6, 20)
    cell_numbers = lab.value("cell_numbers")
    assert cell_numbers == str(16 * 16 + 16 * 16 + 2 * 16)
    expect(page.get_by_text(lesson("verdict.vanish", "ja", length=20, radius=0.6, reach=shown(rnn.reach),
                                   factor=shown(rnn.factor), steps=19, power=shown(rnn.factor ** 19))
                            .split("**")[1])).to_be_visible()
    lab.shot("default")
    gradients, unrolled, states = (lab.fingerprint(n) for n in (GRADIENTS, UNROLLED, STATES))

    lab.slide(lesson("control.radius", "ja"), 24)  # 0.6 → 3.0: exploding
    lab.wait_query(radius="3")
    rnn, gru = shows_gradients(lab, 3.0, 20)
    assert rnn.reach > 1e2
    gradients = lab.wait_changed(GRADIENTS, gradients)
    assert float(lab.value("largest_state")) <= 1.0   # tanh bounds the state, not the gradient

    lab.slide(lesson("control.length", "ja"), 10)  # Page Up: T = 20 → 30; the cell's weights stay as many
    lab.wait_query(length="30")
    shows_gradients(lab, 3.0, 30)
    lab.wait_changed(UNROLLED, unrolled)
    assert lab.value("cell_numbers") == cell_numbers and lab.value("length") == "30"

    lab.slide(lesson("control.step", "ja"), 4)  # look at step 5: the strip's outline and the table move
    lab.wait_query(step="5")
    lab.wait_changed(STATES, states)
    expect(page.get_by_role("heading", name=re.compile("ステップ 5：「"))).to_be_visible()

    lab.self_check("direction", lesson("check.direction.shrinks", "ja"), lesson("check.direction.grows", "ja"),
                   lesson("check.direction.where", "ja"))
    lab.self_check("shared", lesson("check.shared.per_step", "ja"), lesson("check.shared.one", "ja"),
                   lesson("check.shared.where", "ja"))

    view = {name: lab.value(name) for name in ("rnn_reach", "gru_reach", "sigma_max")}
    page.get_by_role("link", name="English").first.click()
    page.get_by_role("heading", name="Recurrent networks", exact=True).wait_for()
    page.locator("[data-kaibo-value]").first.wait_for()
    lab.settle()
    assert lab.query() == {"lang": "en", "radius": "3", "length": "30", "step": "5"}
    assert {name: lab.value(name) for name in view} == view
    lab.shot("english")

    # The study, in English: both cells trained at every length on the button.
    expect(page.get_by_text(lesson("study_waiting", "en", steps=300, seed=0))).to_be_visible()
    figures = page.locator("marimo-mime-renderer[data-mime*=vegalite]")
    before = figures.count()
    page.get_by_role("button", name=lesson("study_button", "en")).click()
    page.locator('[data-kaibo-value="acc_gru_40"]').wait_for(timeout=120_000)
    lab.settle()
    expect(figures).to_have_count(before + 2)          # the study and the trained networks' gradients
    short = study_lib.train_first_letter("rnn", 5, 300, seed=0)   # the cheapest run: the page's is the library's
    assert lab.value("acc_rnn_5") == f"{100 * short.accuracy:.1f}%"
    assert all(lab.value(f"acc_{cell}_{n}").endswith("%") for cell in ("rnn", "gru") for n in (5, 10, 20, 40))
    expect(page.get_by_text(lesson("study_waiting", "en", steps=300, seed=0))).to_have_count(0)
    lab.shot("study")

    page.get_by_role("button", name=t("page.reset", "en")).first.click()
    expect(page).to_have_url(re.compile(r"\?lang=en$"))
    shows_gradients(lab, 0.6, 20)
