# 均衡 junheng — `make site` builds the site from the shipped data, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: site test env lock sample bench audit clean

# the Python environment: all that validating, computing and building the site needs (no Node.js)
$(BIN)/junheng: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Lighthouse and axe-core for the accessibility and speed audit (package-lock.json pins them)
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

env: $(BIN)/junheng node_modules/.package-lock.json

# no npm here: the deploy job runs `make site`, and npm packages' install scripts must not run where the site is made
site: $(BIN)/junheng
	$(BIN)/junheng build

test: env
	$(BIN)/python -m pytest

# regenerate the frozen illustrative sample the tests run on, from the seeded script (staff edit datasets/, not the
# script; to put the illustrative county back into datasets/: .venv/bin/python -m pipeline.synth --out datasets)
sample: $(BIN)/junheng
	$(BIN)/python -m pipeline.synth --out tests/fixtures/sample

bench: env
	$(BIN)/python bench/run.py

# Lighthouse (mobile) and axe-core on five pages of the built site: build/audit/results.md
audit: site
	$(BIN)/python tools/audit.py

lock:
	uv pip compile requirements.in -o requirements.lock --generate-hashes --python-version 3.11 --no-header

clean:
	rm -rf build
