"""What every page of the lab gets in its <head> (the server passes `HTML` to marimo): a style sheet and a
small script. Both are inline, so nothing is fetched from anywhere.

The script does the two things that must happen in the browser, driven by data attributes that
`kaibo.lab.page` and the home page write into their HTML:

- `<a data-kaibo-lang="en">`: switch the language, keeping every other query parameter of the current address.
  The page mirrors its control values into the address as they change, so the controls survive the switch.
- an address ending in `#id` (`lesson_url(…, anchor=…)`): bring that element into view. marimo draws the
  cells after the page has loaded, and each cell drawn above the element pushes it down, so the page is kept
  at the element until marimo has no cell running and nothing has changed for a second, or the learner
  scrolls, clicks or types first.
- `<button data-kaibo-finish="slug" data-todo="…" data-done="…">`: mark a lesson finished (or not), stored in
  localStorage under `kaibo.finished` (a JSON list of slugs). `<span data-kaibo-progress="slug">` is shown
  only when that lesson is finished (the home page's marks).

marimo renders outputs after the page loads and re-renders them as cells run, so the script paints the marks
again whenever the document changes rather than once.
"""

_STYLE = """
.kaibo-bar { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: baseline; font-size: .9rem; }
.kaibo-bar .kaibo-lang a[aria-current] { font-weight: 700; text-decoration: none; color: inherit; }
.kaibo-nav { display: flex; justify-content: space-between; gap: 1rem; margin: .6rem 0; }
.kaibo-soon { opacity: .6; }
.kaibo-terms td, .kaibo-terms th { padding: .3rem .8rem .3rem 0; vertical-align: top; text-align: left; }
.kaibo-done { color: #15803d; font-weight: 600; }
[data-kaibo-check][data-right="true"] { color: #15803d; font-weight: 600; }
[data-kaibo-check][data-right="false"] { color: #b91c1c; font-weight: 600; }
.kaibo-finish { font: inherit; padding: .35rem .9rem; border-radius: .4rem; border: 1px solid #15803d;
  background: transparent; color: #15803d; cursor: pointer; }
.kaibo-finish[aria-pressed="true"] { background: #15803d; color: white; }
.kaibo-readout { border-collapse: collapse; width: auto; align-self: flex-start; }
.kaibo-readout td { padding: .1rem .8rem .1rem 0; font-variant-numeric: tabular-nums; }
.kaibo-anchor { scroll-margin-top: .5rem; }
.kaibo-legend { font-size: .85rem; opacity: .85; }
"""

_SCRIPT = """
(() => {
  const KEY = "kaibo.finished";
  const finished = () => {
    try { return new Set(JSON.parse(localStorage.getItem(KEY) || "[]")); } catch { return new Set(); }
  };
  const paint = () => {
    const done = finished();
    for (const el of document.querySelectorAll("[data-kaibo-finish]")) {
      const on = done.has(el.dataset.kaiboFinish);
      const text = on ? el.dataset.done : el.dataset.todo;
      if (el.textContent !== text) el.textContent = text;
      el.setAttribute("aria-pressed", String(on));
    }
    for (const el of document.querySelectorAll("[data-kaibo-progress]")) {
      el.hidden = !done.has(el.dataset.kaiboProgress);
    }
  };
  // Capture phase: ours runs before marimo's own link handling.
  document.addEventListener("click", (event) => {
    const finish = event.target.closest("[data-kaibo-finish]");
    if (finish) {
      const done = finished(), slug = finish.dataset.kaiboFinish;
      done.has(slug) ? done.delete(slug) : done.add(slug);
      localStorage.setItem(KEY, JSON.stringify([...done]));
      paint();
      return;
    }
    const lang = event.target.closest("a[data-kaibo-lang]");
    if (lang) {
      event.preventDefault();
      event.stopPropagation();
      const url = new URL(location.href);
      url.searchParams.set("lang", lang.dataset.kaiboLang);
      location.assign(url);
    }
  }, true);
  let follow = location.hash.length > 1, quiet = 0;
  const stop = () => { follow = false; };
  for (const kind of ["wheel", "touchstart", "keydown", "mousedown"]) {
    window.addEventListener(kind, stop, { capture: true, once: true });
  }
  const arrive = () => {
    if (!follow) return;
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView({ block: "start" });
    clearTimeout(quiet);
    quiet = setTimeout(settled, 1000);
  };
  // On a busy machine a cell may run for seconds without touching the page: while marimo still shows its
  // loading indicator, the page is not finished, so keep following.
  const settled = () => {
    if (document.querySelector('[data-testid="loading-indicator"]')) quiet = setTimeout(settled, 1000);
    else stop();
  };
  window.addEventListener("storage", paint);
  new MutationObserver(() => { paint(); arrive(); }).observe(document, { childList: true, subtree: true });
})();
"""

HTML = f"<style>{_STYLE}</style>\n<script>{_SCRIPT}</script>"
