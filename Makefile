# careerkg — the two commands of the README:
#   make run    set everything up, then serve the seed graph on http://127.0.0.1:8000
#   make test   set everything up (Chromium included), then run the linter and the tests
# Set-up is idempotent: a virtualenv in .venv, the Python package in editable mode, the
# npm front-end assets copied into server/static/vendor/, Debian's chromium for the
# browser tests and Debian's rasqal-utils (roqet, a SPARQL client) for the protocol tests.

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.careerkg-installed
ASSETS := server/static/vendor/.installed
CHROMIUM ?= /usr/bin/chromium
ROQET ?= /usr/bin/roqet

.PHONY: setup run test lint bench chromium roqet clean

setup: $(STAMP) $(ASSETS)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

$(ASSETS): package.json package-lock.json scripts/vendor_assets.py $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/vendor_assets.py

run: setup
	$(BIN)/careerkg serve

chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

roqet:
	@test -x $(ROQET) || { \
	  echo "Installing Debian's rasqal-utils (roqet) for the protocol tests (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rasqal-utils >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check .

test: setup chromium roqet lint
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) node_modules server/static/vendor .pytest_cache
