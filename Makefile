# Throughline. `make run` to try it, `make test` to check it. Nothing here needs more than Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
WEB_PORT ?= 8000
SCALE ?= 0.1
export WEB_PORT HOST

.PHONY: install run test reliability lint format bench e2e clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "  Throughline is starting at http://$(HOST):$(WEB_PORT)/"
	@echo "  Demo logins (password for all: throughline-demo):"
	@echo "    owner       journey owner (onboarding, billing complaint)"
	@echo "    teammate    cross-functional team member"
	@echo "    manager     manager (names owners, reviews incentives)"
	@echo "    admin       administrator (Django admin at /admin/)"
	@echo "    integration integration account (API and CSV import)"
	@echo "    viewer      read-only login"
	@echo ""
	$(BIN)/honcho start

# Failure injection and the load test (tests/reliability/) need real processes, PostgreSQL and
# Redis, and minutes: `make reliability` runs them, not `make test`.
# The browser tests need a Chromium: scripts/ensure-chromium finds one or installs it (Debian's as root,
# else Playwright's), or stops with one line saying what to run.
test: install
	@chromium=$$(scripts/ensure-chromium) && \
		CHROMIUM_PATH="$$chromium" $(BIN)/python -m pytest -m "not failure" $(PYTEST_ARGS)

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
	$(BIN)/python -m benchmarks.run --scale $(SCALE)

clean:
	rm -rf $(VENV) var/*.sqlite3* var/broker var/media
