# Two commands do all the set-up on a fresh Debian machine with Python 3:
#   make lab    creates .venv, installs kaibo with the lab's dependencies, starts the lab
#   make test   installs what the tests need (PyTorch CPU, Playwright, Debian's chromium and CJK fonts) and runs them
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAB_ARGS ?=
PYTEST_ARGS ?=

.PHONY: lab test lint unit browser browser-deps bench checkpoints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# A stamp per extra, so a second `make` does not reinstall; editing pyproject.toml refreshes them.
$(VENV)/.lab: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[lab]"
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

$(VENV)/.bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[lab,bench]"
	touch $@

lab: $(VENV)/.lab
	$(BIN)/kaibo lab $(LAB_ARGS)

# The browser tests need Debian's chromium and fonts-noto-cjk (without them Japanese renders as boxes).
/usr/bin/chromium /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk

browser-deps: /usr/bin/chromium /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

lint: $(VENV)/.test
	$(BIN)/ruff check src tests bench

# pytest exits 5 when it collected nothing; make treats every non-zero exit as a failure, so does .ci/run.
test: $(VENV)/.test browser-deps lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

unit: $(VENV)/.test lint
	$(BIN)/python -m pytest --ignore=tests/browser $(PYTEST_ARGS)

browser: $(VENV)/.test browser-deps
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

bench: $(VENV)/.bench
	$(BIN)/python bench/engine_vs_torch.py
	$(BIN)/python bench/gpt_step.py
	$(BIN)/python bench/shakespeare_gpt.py
	$(BIN)/python bench/value_vs_micrograd.py

# The bundled checkpoints (src/kaibo/checkpoints/{ja,en}): the commands are recorded in each record.json.
# Adam's moments are left out of the package (they would double its size); training them again takes a few
# minutes each on 2 cores.
checkpoints: $(VENV)/.lab
	$(BIN)/kaibo train --corpus ja --lang en --out src/kaibo/checkpoints/ja
	$(BIN)/kaibo train --corpus en --lang en --out src/kaibo/checkpoints/en
	rm -f src/kaibo/checkpoints/*/optimizer.safetensors

clean:
	rm -rf $(VENV) test-output bench/out
