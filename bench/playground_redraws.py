"""How many times a second lesson 7's canvas is redrawn while it plays, as a learner's browser measures it.

    .venv/bin/python bench/playground_redraws.py [seconds]

Starts `kaibo lab` on a free port, opens the playground in headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright) once per setting below, presses ▶, lets it play for `seconds` (default 5), and prints
the frames drawn, frames per second over the whole stretch, the page's own readout (frames in its last
second) and the training steps made. Every frame is a round trip: the browser asks, Python makes "steps per
redraw" steps and answers with the 50 × 50 grid and the new loss rows, the browser draws. The lesson promises
at least ten redraws a second; the browser test only checks that frames advance and stop (no timed
assertion), so this is where the rate is measured.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from playwright.sync_api import expect, sync_playwright

from kaibo.lab.path import lesson_url

SETTINGS = {  # name → address state of the playground
    "default (moons, 2×8 tanh, 5 steps per redraw)": {},
    "1 step per redraw": {"speed": 1},
    "20 steps per redraw": {"speed": 20},
    "spirals, 4×16 tanh, 600 points": {"data": "spirals", "points": 600, "layers": 4, "width": 16},
}
_CANVAS = """() => {
  const deep = (root) => [...root.querySelectorAll("*")]
    .flatMap((e) => [e, ...(e.shadowRoot ? deep(e.shadowRoot) : [])]);
  const c = deep(document).find((e) => e.classList?.contains("kb-pg"));
  const step = deep(document).find((e) => e.dataset?.kaiboValue === "step");
  return {frames: Number(c?.dataset.frames ?? 0), fps: c?.dataset.fps ?? null, step: step?.innerText ?? null};
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(seconds: float) -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "kaibo.cli", "lab", "--no-browser", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              env={**os.environ, "KAIBO_LANG": "en"})
    try:
        base = next(line.strip() for line in server.stdout if line.startswith("http://")).rstrip("/")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            print(f"playground, {seconds:g} s of play per setting, headless Chromium, {os.cpu_count()} cores")
            for name, state in SETTINGS.items():
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(base + lesson_url("playground", "en", **state))
                expect(page.get_by_test_id("loading-indicator")).to_have_count(0, timeout=60_000)
                page.wait_for_function(f"() => ({_CANVAS})().step === '0'", polling=100, timeout=60_000)
                play = page.locator(".kb-pg-play")
                play.scroll_into_view_if_needed()
                first = page.evaluate(_CANVAS)
                start = time.perf_counter()
                play.click()
                page.wait_for_timeout(seconds * 1000)
                last = page.evaluate(_CANVAS)
                elapsed = time.perf_counter() - start
                play.click()
                frames = last["frames"] - first["frames"]
                print(f"  {name:48s} {frames:5d} frames, {frames / elapsed:5.1f} per second "
                      f"(page's readout, last second: {last['fps']}), {last['step']} steps")
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 5.0)
