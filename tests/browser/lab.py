"""What every browser test of the lab does, in one place, so a lesson's test reads as the lesson does.

    def test_something(lab):                        # the `lab` fixture of conftest.py
        lab.open("gradient_descent", "ja", lr=0.3)   # the page of lesson_url(...), ready to use
        before = lab.fingerprint(0)                  # the first figure on the page, as a short hash
        lab.slide("学習率", 1)                        # focus the slider labelled so, one step right
        lab.wait_query(lr="0.13")                    # until the page has taken the value
        lab.wait_value("outcome", "収束した")         # a number or word the page shows (data-kaibo-value)
        lab.wait_changed(0, before)                  # the figure shows something else now
        lab.shot("after")                            # test-output/browser/<test file>/<test>/after.png (+ slices)

Waits are always on the page (locators, `wait_for_function`), never `time.sleep`: sleeping in a test
stalls Playwright's routed requests (LAB-NOTES). Wait for the effect you expect (a value, a changed figure):
after a key press the kernel needs a moment before anything shows that it is busy. A test that compares a
figure before and after should make one change at a time (one key press: Page Up/Down moves ten positions),
so no figure of an intermediate value can be mistaken for the one of the final value.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from kaibo.lab.path import lesson_url

# The figures of the page. marimo renders each Vega-Lite chart in a <marimo-mime-renderer> whose data-data is
# the chart's specification (its numbers included), Vega draws it into a canvas in shadow DOM, and the chart
# component itself loads lazily: so the search descends into every shadow root and counts renderers.
_FIGURES = """(() => {
  const deep = (root) => [...root.querySelectorAll("*")]
    .flatMap((e) => [e, ...(e.shadowRoot ? deep(e.shadowRoot) : [])]);
  return () => deep(document)
    .filter((e) => e.tagName === "MARIMO-MIME-RENDERER" && (e.dataset.mime || "").includes("vegalite"));
})()"""
_DRAWN = f"""() => ({_FIGURES})().every((figure) => {{
  const deep = (root) => [...root.querySelectorAll("*")]
    .flatMap((e) => [e, ...(e.shadowRoot ? deep(e.shadowRoot) : [])]);
  return deep(figure.shadowRoot ?? figure).some((e) => e.tagName === "CANVAS");
}})"""
# A figure's fingerprint: a hash (djb2) of the specification it was drawn from. It changes exactly when what
# the figure shows changes, and with the page's numbers, not later when the canvas repaints.
_FINGERPRINT = f"""(n) => {{
  const figure = ({_FIGURES})()[n];
  if (!figure) return null;
  const spec = figure.dataset.data;
  let h = 5381;
  for (let i = 0; i < spec.length; i++) h = ((h << 5) + h + spec.charCodeAt(i)) | 0;
  return spec.length + ":" + (h >>> 0).toString(16);
}}"""
_CONTENT_HEIGHT = "() => document.querySelector('#App')?.scrollHeight ?? document.body.scrollHeight"
SLICE = 1100  # height of the screenshot slices, small enough to read each one at full size


class Lab:
    """A browser tab on the lab server, with the helpers lesson tests share."""

    def __init__(self, page: Page, base_url: str, folder: Path) -> None:
        self.page = page
        self.base_url = base_url
        self.folder = folder
        self.outside: list[str] = []  # requests to other hosts, aborted (conftest's guard fills it)

    def open(self, slug: str, lang: str, ready: str = "[data-kaibo-value]", **state: object) -> None:
        """Open a page in `lang` with `state` in its address; return once `ready` (a selector) is shown,
        every cell has run and every figure is drawn."""
        self.goto(self.base_url + lesson_url(slug, lang, **state), ready)

    def goto(self, url: str, ready: str = "[data-kaibo-value]") -> None:
        self.page.goto(url)
        self.page.locator(ready).first.wait_for()
        self.settle()

    def wait_until(self, condition: str, arg: object = None) -> None:
        """Wait until the JavaScript function `condition(arg)` is true on the page, checking every 100 ms.

        Not Playwright's default (a check per animation frame): a headless page that has nothing left to draw
        may produce no frames, and then a condition that became true is never looked at again (measured: the
        preset-link test timed out after 30 s with its anchor in place for all of them).
        """
        self.page.wait_for_function(condition, arg=arg, polling=100)

    def settle(self) -> None:
        """After a page load: wait until every cell has run (marimo's spinner at the top left is gone) and
        every figure is drawn."""
        expect(self.page.get_by_test_id("loading-indicator")).to_have_count(0, timeout=60_000)
        self.wait_until(_DRAWN)

    # ---- controls

    def slider(self, label: str) -> Locator:
        return self.page.locator("marimo-slider", has_text=label).locator("[role=slider]")

    def slide(self, label: str, steps: int) -> None:
        """Move the slider labelled `label` by `steps` positions (negative: to the left), as a keyboard
        would: Page Up/Down for each ten (one value change, one recomputation), arrows for the rest."""
        handle = self.slider(label)
        handle.focus()
        tens, ones = divmod(abs(steps), 10)
        keys = ("PageUp", "ArrowRight") if steps > 0 else ("PageDown", "ArrowLeft")
        for key, times in zip(keys, (tens, ones), strict=True):
            for _ in range(times):
                handle.press(key)

    def position(self, label: str) -> str:
        """Where the slider stands (its index, for a slider of listed values)."""
        return self.slider(label).get_attribute("aria-valuenow") or ""

    def choose(self, group: str, option: str) -> None:
        """Pick `option` in the radio group labelled `group`."""
        self.page.locator("marimo-radio", has_text=group).get_by_label(option, exact=True).check()

    def self_check(self, question: str, wrong: str, right: str, where: str) -> None:
        """Answer the self-check `question` (`lesson.quiz` name) wrongly, see it say `where` to look, then
        rightly: the answers are labelled `wrong` and `right` (texts in the page's language)."""
        choices = self.page.locator("marimo-radio", has_text=right)
        verdict = self.page.locator(f'[data-kaibo-check="{question}"]')
        choices.get_by_label(wrong, exact=True).check()
        expect(verdict).to_have_attribute("data-right", "false")
        expect(verdict).to_contain_text(where)
        choices.get_by_label(right, exact=True).check()
        expect(verdict).to_have_attribute("data-right", "true")

    # ---- what the page shows

    def value(self, name: str) -> str:
        """The text of a readout entry (`lesson.readout(name=…)`)."""
        return self.page.locator(f'[data-kaibo-value="{name}"]').inner_text().strip()

    def fingerprint(self, n: int) -> str:
        """A short hash of what the n-th figure of the page shows."""
        return self.page.evaluate(_FINGERPRINT, n)

    def wait_changed(self, n: int, before: str) -> str:
        """Wait until the n-th figure differs from `before`; its new fingerprint."""
        self.wait_until(f"([n, before]) => ({_FINGERPRINT})(n) !== before", [n, before])
        return self.fingerprint(n)

    def wait_value(self, name: str, text: str) -> None:
        """Wait until the readout entry `name` shows exactly `text`."""
        expect(self.page.locator(f'[data-kaibo-value="{name}"]')).to_have_text(text, timeout=30_000)

    def wait_query(self, **expected: str) -> None:
        """Wait until the address holds `expected`: the page writes a control's value there once the kernel
        has taken it (the cells that depend on it may still be running)."""
        self.wait_until("(expected) => { const q = new URLSearchParams(location.search);"
                        " return Object.entries(expected).every(([k, v]) => q.get(k) === v); }", expected)

    def query(self) -> dict[str, str]:
        """The page's current address parameters (what a copied link would carry)."""
        return self.page.evaluate("() => Object.fromEntries(new URLSearchParams(location.search))")

    # ---- screenshots

    def shot(self, name: str) -> Path:
        """The whole page as `name.png`, and in slices `name-1.png`, `name-2.png`, … readable at full size.

        marimo scrolls inside #App, not the window, so the window is made as tall as the content first.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        width = self.page.viewport_size["width"] if self.page.viewport_size else 1280
        height = 0
        while (content := self.page.evaluate(_CONTENT_HEIGHT)) > height:  # a taller window may reflow the page
            height = content
            self.page.set_viewport_size({"width": width, "height": height})
            self.settle()
        path = self.folder / f"{name}.png"
        self.page.screenshot(path=path)
        for k, top in enumerate(range(0, height, SLICE), start=1):
            self.page.screenshot(path=self.folder / f"{name}-{k}.png",
                                 clip={"x": 0, "y": top, "width": width, "height": min(SLICE, height - top)})
        self.page.set_viewport_size({"width": width, "height": 900})
        return path
