# hjemmel: set-up, run, test. Everything a test needs is installed here, never by hand.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

.PHONY: install run test test-fast lint bench eval browser clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# The CPU wheel of torch lies on disk; unpinned, pip would fetch a CUDA build of several GB.
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/noto ]; then \
	  echo "Installerer Chromium og skrifter fra Debian …"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-color-emoji >/dev/null) \
	  || { echo "Kunne ikke installere chromium (kjør som root)"; exit 1; }; \
	fi

run: install
	$(VENV)/bin/hjemmel ingest --if-stale
	$(VENV)/bin/hjemmel serve

test: install browser
	$(VENV)/bin/ruff check analysis ingest assistant evals ui tests
	$(VENV)/bin/ruff format --check analysis ingest assistant evals ui tests
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q -p no:cacheprovider

test-fast: install
	$(VENV)/bin/pytest -q -m "not slow and not browser"

lint: install
	$(VENV)/bin/ruff check analysis ingest assistant evals ui tests
	$(VENV)/bin/ruff format --check analysis ingest assistant evals ui tests
	$(VENV)/bin/mypy

bench: install
	$(VENV)/bin/hjemmel bench

eval: install
	$(VENV)/bin/hjemmel ingest --if-stale
	# Every bundled suite (core, heldout, heldout2, … whatever lies in evals/suites/).
	for s in evals/suites/*.jsonl; do $(VENV)/bin/hjemmel eval --suite $$(basename $$s .jsonl) || exit 1; done

clean:
	rm -rf $(VENV) .hjemmel
