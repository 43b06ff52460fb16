# JoinedUp: `make run` serves the demo, `make test` runs every test. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench deps clean

# Install Python and npm dependencies again only when their lists change.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(VENV)/.installed node_modules/.installed

run: deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT) with a task worker. Press Ctrl-C to stop both."
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py task_worker & \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Tests run on PYTEST_WORKERS pytest-xdist workers (one per core); 0 runs them in one process.
# Extra pytest options go in PYTEST_ARGS and keep the workers: `make test PYTEST_ARGS="-k wards"`.
PYTEST_WORKERS ?= 2

test: deps
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: deps
	$(VENV)/bin/ruff check joinedup bench
	$(VENV)/bin/ruff format --check joinedup bench

format: deps
	$(VENV)/bin/ruff check --fix joinedup bench
	$(VENV)/bin/ruff format joinedup bench

bench: deps
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules var/static
