# careerkg — the two commands of the README:
#   make run    set everything up, build the full graph into ./kg (first run; later runs find
#               it up to date in seconds), then serve it on http://127.0.0.1:8000
#   make test   set everything up (Chromium included), then run the linter and the tests
# Set-up is idempotent: a virtualenv in .venv, the Python package in editable mode, the
# npm front-end assets copied into server/static/vendor/, Debian's chromium for the
# browser tests, Debian's rasqal-utils (roqet, a SPARQL client) for the protocol tests and
# Debian's wrk (a native HTTP load generator) for the benchmarks and their smoke test.

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.careerkg-installed
ASSETS := server/static/vendor/.installed
CHROMIUM ?= /usr/bin/chromium
ROQET ?= /usr/bin/roqet
WRK ?= /usr/bin/wrk

.PHONY: setup run test lint bench chromium roqet wrk clean

setup: $(STAMP) $(ASSETS)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

$(ASSETS): package.json package-lock.json scripts/vendor_assets.py $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/vendor_assets.py

run: setup
	$(BIN)/careerkg build --store kg
	$(BIN)/careerkg serve --store kg

chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

roqet:
	@test -x $(ROQET) || { \
	  echo "Installing Debian's rasqal-utils (roqet) for the protocol tests (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rasqal-utils >/dev/null; }

wrk:
	@test -x $(WRK) || { \
	  echo "Installing Debian's wrk (a native HTTP load generator) for the benchmarks (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check .

test: setup chromium roqet wrk lint
	$(BIN)/python -m pytest -q

bench: setup wrk
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) node_modules server/static/vendor .pytest_cache
