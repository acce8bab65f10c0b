"""The home page and the glossary, in both languages, with the network blocked."""

from playwright.sync_api import expect

from kaibo.i18n import t
from kaibo.lab.path import lesson_url, stops
from tests.browser.lab import Lab


def test_home_in_japanese_lists_the_path(lab: Lab) -> None:
    lab.open("home", "ja", ready="text=学習の道のり")
    page = lab.page
    expect(page.get_by_role("heading", name=t("home.title", "ja"))).to_be_visible()
    for part in ("learning", "networks", "language_models", "rlhf", "evaluation"):
        expect(page.get_by_role("heading", name=t(f"part.{part}", "ja"), exact=True)).to_be_visible()
    first = page.get_by_role("link", name=f"1. {stops()[0].title('ja')}", exact=True)
    expect(first).to_have_attribute("href", lesson_url("gradient_descent", "ja"))
    lab.shot("home-ja")
    for stop in stops():
        expect(page.get_by_text(stop.hard_point("ja"))).to_be_visible()
        if not stop.available:  # the road ahead: listed, never linked
            expect(page.get_by_role("link", name=stop.title("ja"))).to_have_count(0)


def test_home_in_english_and_its_links_keep_the_language(lab: Lab) -> None:
    lab.open("home", "en", ready="text=The learning path")
    page = lab.page
    expect(page.get_by_text(t("home.intro", "en")[:40])).to_be_visible()
    expect(page.get_by_role("heading", name=t("part.rlhf", "en"), exact=True)).to_be_visible()
    page.get_by_role("link", name=t("page.glossary", "en")).first.click()
    expect(page.get_by_role("heading", name=t("glossary.title", "en"))).to_be_visible()
    assert lab.query()["lang"] == "en"
    lab.shot("home-en")


def test_without_lang_the_server_language_is_used(lab: Lab) -> None:
    lab.goto(lab.base_url + "/", ready="text=The learning path")  # the server runs with KAIBO_LANG=en
    page = lab.page
    page.get_by_role("link", name="日本語").click()
    expect(page.get_by_role("heading", name="学習の道のり")).to_be_visible()
    assert lab.query()["lang"] == "ja"


def test_glossary_pairs_terms_and_searches_both_languages(lab: Lab) -> None:
    lab.open("glossary", "ja", ready="[data-kaibo-term]")
    page = lab.page
    row = page.locator('[data-kaibo-term="saddle_point"]')
    expect(row).to_contain_text("鞍点")
    expect(row).to_contain_text("saddle point")
    expect(row).to_contain_text(t("term.saddle_point.means", "ja"))
    lab.shot("glossary-ja")
    page.get_by_role("textbox").fill("learning rate")
    expect(page.locator("[data-kaibo-term]")).to_have_count(1)
    expect(page.locator('[data-kaibo-term="learning_rate"]')).to_contain_text("学習率")


def test_finishing_a_lesson_marks_it_on_the_home_page(lab: Lab) -> None:
    lab.open("gradient_descent", "en")
    finish = lab.page.locator('[data-kaibo-finish="gradient_descent"]')
    expect(finish).to_have_text(t("page.finish_todo", "en"))
    finish.click()
    expect(finish).to_have_text(t("page.finish_done", "en"))
    lab.open("home", "en", ready="text=The learning path")
    expect(lab.page.locator('[data-kaibo-progress="gradient_descent"]')).to_be_visible()
    expect(lab.page.locator('[data-kaibo-progress="numerical_gradient"]')).to_be_hidden()  # not finished yet


def test_the_guard_blocks_and_records_other_hosts(lab: Lab) -> None:
    # The check every test relies on: a request that leaves 127.0.0.1 is stopped and reported.
    with lab.page.expect_event("requestfailed") as failed:
        lab.page.set_content('<img src="http://example.org/pixel.png">')
    assert failed.value.url == "http://example.org/pixel.png"
    assert lab.outside == ["http://example.org/pixel.png"]
    lab.outside.clear()
