"""Lesson 4 in the browser: the batch size redraws the noise figure and the paths with the numbers the library
computes, the learning rate redraws the paths, the study runs on its button and reports what the library
measures, the self-check reads the page's numbers, and the language switch keeps the view.

The interaction runs in Japanese; English is checked on the study and the self-check.
"""

import re

from playwright.sync_api import expect

from kaibo.data import load_bmi_progression
from kaibo.i18n import t
from kaibo.lab.exhibits import shown
from kaibo.train import batch_size_study as study_lib
from kaibo.train import minibatch
from tests.browser.lab import Lab

SLUG = "mini_batches"
N = 442
MEASURED = (1, 2, 4, 8, 16, 32, 64, 128, 256, 350, 400, 430, 441, N)  # as the page measures them
DATA = load_bmi_progression()


def lesson(key: str, lang: str, **args: object) -> str:
    return t(f"{SLUG}.{key}", lang, **args)


def shows_noise(lab: Lab, batch: int, seed: int = 0) -> None:
    """The noise readouts are the library's at the start (−1, 3) for this batch size."""
    noise = minibatch.gradient_noise(DATA.x, DATA.y, (-1.0, 3.0), MEASURED, draws=1000, seed=seed)
    measured, theory = noise.at(batch)
    lab.wait_value("measured", shown(measured))
    assert lab.value("theory") == shown(theory)
    assert lab.value("sigma2") == shown(noise.sigma2)
    assert lab.value("at_full") == "0"


def shows_walks(lab: Lab, batch: int, lr: float, epochs: int, seed: int = 0) -> None:
    """The path readouts are the library's walks for B = 1, the chosen B and the full batch."""
    walks = {kind: minibatch.sgd_walk("line", DATA.x, DATA.y, (-1.0, 3.0), b, lr, epochs, seed=seed)
             for kind, b in (("one", 1), ("some", batch), ("all", N))}
    lab.wait_value("loss_one", shown(float(walks["one"].loss[-1])))
    for kind, run in walks.items():
        if kind != "some" or batch not in (1, N):
            lab.wait_value(f"loss_{kind}", shown(float(run.loss[-1])))
            assert lab.value(f"steps_{kind}") == str(run.steps)
    assert lab.value("seen") == str(epochs * N)


def test_batch_size_and_rate_redraw_the_figures(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    expect(lab.page.get_by_role("heading", name="ミニバッチ", exact=True)).to_be_visible()
    shows_noise(lab, 16)
    shows_walks(lab, 16, 0.1, 3)
    lab.shot("default")
    noise, paths = lab.fingerprint(0), lab.fingerprint(1)

    lab.choose(lesson("control.batch", "ja"), lesson("option.batch.64", "ja"))
    lab.wait_query(batch="64")
    shows_noise(lab, 64)
    noise = lab.wait_changed(0, noise)
    shows_walks(lab, 64, 0.1, 3)
    paths = lab.wait_changed(1, paths)

    lab.slide(lesson("control.lr", "ja"), 7)  # 0.1 → 0.5 on the log scale: B = 1 diverges
    lab.wait_query(lr="0.5")
    shows_walks(lab, 64, 0.5, 3)
    paths = lab.wait_changed(1, paths)
    one = minibatch.sgd_walk("line", DATA.x, DATA.y, (-1.0, 3.0), 1, 0.5, 3)
    expect(lab.page.get_by_text(f"B = 1 の歩く人は、{one.stopped_at} 歩目で発散しました。")).to_be_visible()
    expect(lab.page.get_by_text(lesson("outcome.diverged", "ja", b=1, step=one.stopped_at, last=one.steps))
           ).to_be_visible()
    assert lab.fingerprint(0) == noise  # the noise does not depend on the learning rate
    lab.shot("large-rate")

    lab.slide(lesson("control.seed", "ja"), 1)  # other draws and other shuffles
    lab.wait_query(seed="1")
    shows_noise(lab, 64, seed=1)
    lab.wait_changed(0, noise)
    shows_walks(lab, 64, 0.5, 3, seed=1)

    lab.page.get_by_role("button", name=t("page.reset", "ja")).first.click()
    expect(lab.page).to_have_url(re.compile(r"\?lang=ja$"))
    shows_noise(lab, 16)
    shows_walks(lab, 16, 0.1, 3)


def test_study_runs_on_its_button_and_the_self_check_reads_the_page(lab: Lab) -> None:
    lab.open(SLUG, "en", where="minimum", batch=1)
    page = lab.page
    expect(page.get_by_text(re.compile("The shape of the B = 1 cloud has a reason"))).to_be_visible()
    expect(page.get_by_text(re.compile("Not run yet for η = 0.5 and 5 epochs"))).to_be_visible()
    expect(page.get_by_text(lesson("closing.waiting", "en"))).to_be_visible()
    assert lab.value("at_full") == "0" and lab.value("batch") == "1"
    figures = page.locator("marimo-mime-renderer[data-mime*=vegalite]")
    before = figures.count()

    page.get_by_role("button", name=lesson("study_button", "en")).click()
    lab.page.locator('[data-kaibo-value="best"]').wait_for(timeout=120_000)
    lab.settle()
    expect(figures).to_have_count(before + 1)
    # The full batch's runs are cheap: the page's mean over the seeds is the library's.
    full = study_lib.batch_size_study((1347,), (0, 1, 2, 3, 4), lr=0.5, epochs=5).summary(1347)
    assert lab.value("full_accuracy") == f"{100 * full.mean:.1f}%"
    assert int(lab.value("best")) in (1, 4, 16, 64, 256, 1347)
    assert all(lab.value(name).endswith(" ms") for name in ("epoch_one", "epoch_64", "epoch_full"))
    expect(page.get_by_text(re.compile("What these numbers support"))).to_be_visible()
    # The summary now draws on the study: the full batch was under-trained at these settings.
    expect(page.get_by_text(lesson("closing.updates", "en"))).to_be_visible()
    expect(page.get_by_text(lesson("closing.waiting", "en"))).to_have_count(0)

    # Exactly 0 at B = N: the page's number, read by the self-check.
    lab.self_check("full", lesson("check.full.sigma2", "en"), lesson("check.full.zero", "en"),
                   lesson("check.full.where", "en"))
    lab.shot("study")


def test_switching_language_keeps_the_controls(lab: Lab) -> None:
    lab.open(SLUG, "ja", batch=4, epochs=5)
    shows_walks(lab, 4, 0.1, 5)
    numbers = {name: lab.value(name) for name in ("measured", "loss_one", "loss_some", "loss_all")}
    lab.page.get_by_role("link", name="English").first.click()
    lab.page.get_by_role("heading", name="Mini-batches", exact=True).wait_for()
    lab.goto(lab.page.url)
    assert lab.query() == {"lang": "en", "batch": "4", "epochs": "5"}
    assert {name: lab.value(name) for name in numbers} == numbers
