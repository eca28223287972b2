# 均衡 junheng — `make site` builds the site from the shipped data, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: site test check env dev lock sample bench audit size clean

# the runtime: only what validating, computing and building the site need (requirements.lock; no Node.js)
$(BIN)/junheng: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) --require-hashes -r requirements.lock
	$(PIP) --no-deps --no-build-isolation -e .
	touch $@

# the development set on top of it: tests, workflow checks, Zensical (requirements-dev.lock, same versions)
$(VENV)/.dev: $(BIN)/junheng requirements-dev.lock
	$(PIP) --require-hashes -r requirements.lock -r requirements-dev.lock
	touch $@

# Lighthouse and axe-core for the accessibility and speed audit (package-lock.json pins them)
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

dev: $(VENV)/.dev

env: $(VENV)/.dev node_modules/.package-lock.json

# no npm here: the deploy job runs `make site`, and npm packages' install scripts must not run where the site is made
site: $(BIN)/junheng
	$(BIN)/junheng build

# every test: the fast tier, the browser tests in headless Chromium and the Lighthouse/axe audit
test: env
	$(BIN)/python -m pytest

# the fast tier for a local loop: everything but the browser and Lighthouse tests, on every core, a test module per
# worker so its fixtures are built once, but for the modules tests/conftest.py spreads test by test (no Node.js).
# Its builds keep their cache (charts, workbooks, chart font; every entry keyed by all it is made from) in
# build/test-cache from one run to the next, emptied once it passes 500 MB; `make test` starts from an empty one.
# The test workers already use every core, so the builds start no processes of their own (JUNHENG_WORKERS=0), but
# for the shared build of the minimal data, which a test compares with one made without them (tests/conftest.py).
# The workers are handed the modules that took longest in the last run first (pytest's cache), so neither waits at the end.
TEST_CACHE := build/test-cache
check: dev
	@if [ -d $(TEST_CACHE) ] && [ "$$(du -sm $(TEST_CACHE) | cut -f1)" -gt 500 ]; then rm -rf $(TEST_CACHE); fi
	JUNHENG_TEST_CACHE=$(abspath $(TEST_CACHE)) JUNHENG_WORKERS=0 $(BIN)/python -m pytest -m "not browser" -n auto --dist loadscope

# regenerate the frozen illustrative sample the tests run on, from the seeded script (staff edit datasets/, not the
# script; to put the illustrative county back into datasets/: .venv/bin/python -m pipeline.synth --out datasets)
sample: $(BIN)/junheng
	$(BIN)/python -m pipeline.synth --out tests/fixtures/sample

bench: dev
	$(BIN)/python bench/run.py

# Lighthouse (mobile) and axe-core on five pages of the built site: build/audit/results.md
audit: site node_modules/.package-lock.json
	$(BIN)/python tools/audit.py

# the size of a fresh runtime environment (what `make site` installs), as the README reports it
size:
	rm -rf build/size-venv && $(PYTHON) -m venv build/size-venv
	build/size-venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	du -sm build/size-venv | cut -f1 | xargs -I{} echo "runtime environment: {} MB"
	rm -rf build/size-venv

lock:
	uv pip compile requirements.in -o requirements.lock --generate-hashes --python-version 3.11 --no-header
	uv pip compile requirements-dev.in -o requirements-dev.lock --generate-hashes --python-version 3.11 --no-header

clean:
	rm -rf build
