# `make run` and `make test` do all the set-up themselves; see the README.
SHELL := /bin/bash
# The first Python 3.11+ that actually runs (pyenv shims exist for versions that do not).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# make test uses PostgreSQL when one answers on 127.0.0.1:5432, else the embedded SQLite
# (and then skips the PostgreSQL-only tests, saying why).
LOCAL_PG := postgres://postgres@127.0.0.1:5432/crowdfund
PG_ANSWERS = $(shell (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && echo yes)
TEST_DATABASE_URL = $(or $(DATABASE_URL),$(if $(PG_ANSWERS),$(LOCAL_PG)))

.PHONY: install run test lint format messages bench loadtest screenshots clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility checks will be skipped"; fi

run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	@echo "Serving on http://127.0.0.1:8000/ (Ctrl-C stops)."
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# In parallel, a database per worker (pytest-xdist); tests/conftest.py keeps the ones that
# cannot share the machine on one worker. TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= auto
test: install node_modules/.package-lock.json
	DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Speed and memory figures, printed (targets in the issues; never asserted in the suite).
bench: install
	DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python bench/run.py $(BENCH_ARGS)

# 200 visitors for 60 s against a production-like instance it starts and stops (needs
# PostgreSQL and Redis; see loadtest/run.py). Prints the figures and the pass criteria.
$(VENV)/.installed-loadtest: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,loadtest]"
	touch $@

loadtest: $(VENV)/.installed-loadtest
	DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/python loadtest/run.py $(LOADTEST_ARGS)

# Style, and the apps' layers (the import-linter contracts in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The admin screenshots in docs/treasurer.md and docs/editor.md, from the demo data (needs
# Chromium).
screenshots: install
	$(BIN)/python docs/screenshots.py

# Refresh the gettext catalogs after changing interface strings (needs GNU gettext).
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages --no-obsolete --no-location -l es -l nl -l en -i '.venv/*' -i 'node_modules/*'
	DEBUG=1 $(BIN)/python manage.py compilemessages -i '.venv' -i 'node_modules'

clean:
	rm -rf $(VENV) node_modules db.sqlite3 media staticfiles
