# Spends Tracker — every command sets up what it needs first (virtual environment, dependencies).
#   make run    set up (runtime dependencies only), migrate, create the admin login on first run,
#               and serve on SQLite with the background worker and the scheduler
#   make test   set up (runtime + development dependencies) and run the test suite
#               (SQLite unless DATABASE_URL says otherwise)
#   make lock   re-resolve requirements/*.txt from pyproject.toml (the only place to change a version)

# The virtual environment is made from Debian's Python 3.11 when the machine has it with venv, else
# from the first python3 on the PATH. Debian builds its interpreter with profile-guided and
# link-time optimisation, as the image's is (docs/deployment.md): a list of purchases took 8 to
# 26 % less time on it than on a Python compiled without them (docs/performance.md,
# "The interpreter"). `make PYTHON=...` chooses another.
SYSTEM_PYTHON := /usr/bin/python3.11
PYTHON ?= $(shell $(SYSTEM_PYTHON) -c 'import ensurepip, venv' 2>/dev/null && echo $(SYSTEM_PYTHON) || echo python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
RUNTIME_LOCK := requirements/runtime.txt
DEV_LOCK := requirements/dev.txt

.PHONY: run test lint fuzz bench format demo clean lock prod-smoke compose-smoke reliability reliability-short

# Dependencies come only from the lock files, every file checked against its hash. The project
# itself is not installed: manage.py, pytest and gunicorn run it from this folder.
# The runtime set (make run, the image) and the development set (make test) have stamps of their
# own, so `make run` never installs test tools and `make test` adds them to the same environment.
$(BIN)/.runtime: $(RUNTIME_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --requirement $(RUNTIME_LOCK)
	@# A local .env with a secret key of its own, so that every manage.py command works here.
	@test -f .env || { printf 'SECRET_KEY=%s\n' "$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env && echo "Wrote .env with a new SECRET_KEY"; }
	touch $@

$(BIN)/.dev: $(BIN)/.runtime $(DEV_LOCK)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --requirement $(DEV_LOCK)
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

# Receipts are read by Tesseract when they have no text layer (docs/receipts.md), in the four
# languages receipts are read in.
TESSERACT := /usr/bin/tesseract
$(TESSERACT):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends tesseract-ocr \
		tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-spa

# The translation check of `make lint` extracts the marked strings afresh with GNU gettext's
# xgettext (docs/i18n.md). The compiled catalogues (.mo) are committed: running and testing need
# no gettext.
XGETTEXT := /usr/bin/xgettext
$(XGETTEXT):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext

# The forwarded-e-mail tests read a real IMAP server they start (receipts/tests/imap_server.py):
# Debian's Dovecot. Only its program is used; the package's own service is not needed.
DOVECOT := /usr/sbin/dovecot
$(DOVECOT):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dovecot-imapd

# The development server runs with DEBUG on unless the environment says otherwise.
run: export DEBUG ?= true
# spends_run migrates, loads the default catalog, creates the admin login on first run, then runs
# the development server, the job worker and the scheduler together (docs/deployment.md).
run: $(BIN)/.runtime $(ASSETS) $(TESSERACT)
	$(BIN)/python manage.py spends_run --host $(HOST) --port $(PORT)

# The test runs keep compiled modules even where the environment turns that off: pytest stores each
# test module with its assertions rewritten there, which saves each worker 4 to 5 s at start from
# the second run on (and the processes the slow tests start share them).
test test-fast: export PYTHONDONTWRITEBYTECODE :=

# Work stealing: a test process that runs out of tests takes half of what the other still has
# queued. The default hands out large batches up front, and one process then ran the browser
# tests alone for six minutes while the other sat idle (the suite took 10:48 on SQLite; 8:55 with
# stealing, on two cores).
test: $(BIN)/.dev $(ASSETS) $(CHROMIUM) $(TESSERACT) $(DOVECOT)
	$(BIN)/pytest -n auto --dist worksteal --durations=15

# The lane to run while working: everything but the browser, S3 and multi-process tests.
test-fast: $(BIN)/.dev
	$(BIN)/pytest -n auto --dist worksteal -m "not browser and not s3 and not slow"

lint: $(BIN)/.dev $(XGETTEXT)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The layers of docs/architecture.md §2 (contracts in pyproject.toml), then sizes and imports
	@# inside functions.
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/check_layout.py
	@# Every template's words marked for translation, every catalogue complete (docs/i18n.md).
	$(BIN)/python scripts/check_translations.py

# Schema-driven fuzzing of the API (schemathesis); FUZZ_EXAMPLES and FUZZ_SECONDS bound it.
fuzz: $(BIN)/.dev
	scripts/api_fuzz.sh

# The production process layout of compose.yaml without Docker (gunicorn + PostgreSQL + worker +
# one scheduled backup) on a scratch database of the PostgreSQL server on 127.0.0.1:5432.
prod-smoke: $(BIN)/.dev
	$(BIN)/python -m tests.reliability.smoke

# The image built and compose.yaml run under Docker as a user would (tests/compose/smoke.py):
# starts (or installs) the engine when missing, builds stand-ins of unreachable base images,
# and stops and removes everything it started.
compose-smoke: $(BIN)/.dev
	$(BIN)/python -m tests.compose.smoke

# Load, faults, bad input and access against the same layout (docs/deployment.md); the full form
# takes about ten minutes, the short one (CI) a few.
reliability: $(BIN)/.dev
	$(BIN)/python -m tests.reliability

reliability-short: $(BIN)/.dev
	$(BIN)/python -m tests.reliability --short

# Resolve the newest versions pyproject.toml allows, with every file's hash, for Python 3.11 on any
# platform. The development set is held to the runtime set's versions.
# Versions already locked stay unless pyproject.toml excludes them; `make lock LOCK_FLAGS=--upgrade`
# moves everything to the newest allowed release.
LOCK_FLAGS ?=
lock: $(BIN)/.dev
	$(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
		--generate-hashes $(LOCK_FLAGS) --output-file $(RUNTIME_LOCK)
	$(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 \
		--generate-hashes $(LOCK_FLAGS) --extra dev --constraint $(RUNTIME_LOCK) \
		--output-file $(DEV_LOCK)

format: $(BIN)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

demo: export DEBUG ?= true
demo: $(BIN)/.runtime
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py purchases_demo --purchases 60

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache node_modules static/vendor
