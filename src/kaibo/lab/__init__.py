"""The lab: the interactive lessons, and what serves them (`kaibo lab`).

- `path` — the learning path (`path.toml`) and `lesson_url`, the one helper that makes every link.
- `server` — every page mounted at its own address through marimo's ASGI API, run by uvicorn.
- `page` — `Lesson`, the shell every lesson page is built from: header, language switch, prev/next,
  controls kept in the address, reset, footer. `controls` declares the controls; `exhibits` shows figures
  (PNG/SVG and CSV), readouts, the library code behind the numbers, and the self-check.
- `head` — the style sheet and small script every page gets (language switch, finished lessons).
- `home.py`, `glossary.py`, `lessons/NN_slug.py` — the pages themselves (marimo files);
  `i18n/*.toml` — their words, ja and en side by side.

Adding lesson NN:

1. `lessons/NN_slug.py`, built on `kaibo.lab.page.Lesson` (its docstring shows the skeleton); words and
   wiring only, every number from the library.
2. `i18n/NN_slug.toml`: the lesson's strings as `<slug>.<key>`, ja and en.
3. `available = true` for it in `path.toml` (tests/lab checks file and registry one-to-one).
4. `tests/browser/test_<slug>.py` with the `lab` fixture: controls change the figures and numbers, both
   languages render; screenshots land in test-output/browser/<test file>/<test>/.
"""
