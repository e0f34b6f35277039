# Throughline. `make run` to try it, `make test` to check it. Nothing here needs more than Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# `make run` needs only the application; `make test`, `lint` and the rest add the dev tools.
RUN_STAMP := $(VENV)/.run-installed-stamp
STAMP := $(VENV)/.installed-stamp
# Quiet: pip's errors still show, its notices and warnings do not. No compiling of every module
# up front (each is compiled once, when first imported), no check for a newer pip.
PIP_INSTALL := $(BIN)/python -m pip install -qq --disable-pip-version-check --no-input --no-compile
HOST ?= 127.0.0.1
WEB_PORT ?= 8000
SCALE ?= 0.1
# `make test` runs the suite in this many processes (pytest-xdist): one more than the 2 cores here, as about a
# third of a process's time is waiting (real workers polling, browsers, subprocesses, live servers).
TEST_WORKERS ?= 3
export WEB_PORT HOST
# Python writes each module's bytecode when it first imports it, and later processes read it: the suite
# starts processes (test workers, workers' subprocesses, manage.py) that would otherwise compile every
# module again, about 2.5 s each. An environment's PYTHONDONTWRITEBYTECODE=1 is undone here (empty = off).
export PYTHONDONTWRITEBYTECODE :=

.PHONY: install run test reliability lint format bench e2e clean

$(RUN_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing Throughline into $(VENV)..."
	@$(PIP_INSTALL) -e .
	@touch $@

$(STAMP): $(RUN_STAMP)
	@echo "Installing the development tools (pytest, Playwright, ruff...) into $(VENV)..."
	@$(PIP_INSTALL) -e '.[dev]'
	@touch $@

install: $(STAMP)

# Migrate, load the demo organisation into an empty database, then serve: web, worker and beat
# (Procfile, via honcho). `manage.py welcome` prints the address and the demo logins once the site
# answers, after the servers' start-up lines.
run: $(RUN_STAMP)
	@echo "Preparing the database (the first run also loads the demo organisation: about 15 s)..."
	@$(BIN)/python manage.py migrate --noinput -v 0
	@$(BIN)/python manage.py seed_demo --if-empty -v 0
	@echo "Starting the web server, a worker and beat..."
	@$(BIN)/python manage.py welcome --wait-for "http://$(HOST):$(WEB_PORT)/healthz" & $(BIN)/honcho start

# Failure injection and the load test (tests/reliability/) need real processes, PostgreSQL and
# Redis, and minutes: `make reliability` runs them, not `make test`.
# The browser tests need a Chromium: scripts/ensure-chromium finds one or installs it (Debian's as root,
# else Playwright's), or stops with one line saying what to run.
# TEST_WORKERS processes (pytest-xdist) take the tests in collection order as each frees up (--dist
# loadgroup: pytest-django's order, database tests before transactional ones, holds in every process);
# each has its own test database, broker and folders (config/settings/test.py). TEST_WORKERS=0: one process.
test: install
	@chromium=$$(scripts/ensure-chromium) && \
		CHROMIUM_PATH="$$chromium" $(BIN)/python -m pytest -m "not failure" -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

reliability: install
	$(BIN)/python -m pytest -m failure tests/reliability -v $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m benchmarks.run --scale $(SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/*.sqlite3* var/broker var/media var/test-media
