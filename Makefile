# Spends Tracker — every command sets up what it needs first (virtual environment, dependencies).
#   make run    set up, migrate, create the admin login on first run, and serve on SQLite
#               (with the background worker that runs backups and restores)
#   make test   set up and run the test suite (SQLite unless DATABASE_URL says otherwise)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint fuzz bench format demo clean prod-smoke reliability reliability-short

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable ".[dev]"
	@# A local .env with a secret key of its own, so that every manage.py command works here.
	@test -f .env || { printf 'SECRET_KEY=%s\n' "$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env && echo "Wrote .env with a new SECRET_KEY"; }
	touch $@

# Front-end libraries, pinned in package.json, copied from npm's node_modules into static/vendor.
ASSETS := static/vendor/.built
$(ASSETS): package.json package-lock.json scripts/build_static.mjs
	npm ci --no-audit --no-fund
	npm run build

# The browser tests drive Debian's Chromium through Playwright (never a browser of its own).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

# The development server runs with DEBUG on unless the environment says otherwise.
run: export DEBUG ?= true
run: $(BIN)/.installed $(ASSETS)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py purchases_demo
	$(BIN)/python manage.py spends_ensure_admin
	@echo "Spends Tracker: http://$(HOST):$(PORT)/admin/"
	@# The worker that runs backups and restores in the background stops with the server.
	$(BIN)/python manage.py db_worker --no-reload --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(BIN)/.installed $(ASSETS) $(CHROMIUM)
	$(BIN)/pytest -n auto

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Schema-driven fuzzing of the API (schemathesis); FUZZ_EXAMPLES and FUZZ_SECONDS bound it.
fuzz: $(BIN)/.installed
	scripts/api_fuzz.sh

# The production process layout of compose.yaml without Docker (gunicorn + PostgreSQL + worker +
# one scheduled backup) on a scratch database of the PostgreSQL server on 127.0.0.1:5432.
prod-smoke: $(BIN)/.installed
	$(BIN)/python -m tests.reliability.smoke

# Load, faults, bad input and access against the same layout (docs/deployment.md); the full form
# takes about ten minutes, the short one (CI) a few.
reliability: $(BIN)/.installed
	$(BIN)/python -m tests.reliability

reliability-short: $(BIN)/.installed
	$(BIN)/python -m tests.reliability --short

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: export DEBUG ?= true
demo: $(BIN)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py purchases_demo --purchases 60

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache node_modules static/vendor
