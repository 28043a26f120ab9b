# Two commands for a newcomer: `make run` serves, `make test` tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DATABASE_URL ?= sqlite:///var/timeline.db

.PHONY: run test install install-test migrate openapi bench-temporal lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: create .venv, install, migrate, serve on http://$(HOST):$(PORT) (SQLite in ./var/)
run: install
	$(BIN)/timeline-api serve --host $(HOST) --port $(PORT)

## make test: install the test extras and run the whole suite
test: install-test
	sh tests/e2e/browser/setup.sh
	sh tests/e2e/setup-servers.sh
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

migrate: install
	$(BIN)/timeline-api db upgrade

## regenerate openapi/openapi.yaml from the app (a test fails when it drifts)
openapi: install
	$(BIN)/python -m timeline_api.openapi_doc > openapi/openapi.yaml

bench-temporal: install
	$(BIN)/python bench/temporal_eval.py

clean:
	rm -rf $(VENV) var .pytest_cache
