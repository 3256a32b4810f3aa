# Two commands do all the set-up: `make run` and `make test`. Both create and reuse .venv and
# install the pinned dependencies; a lock file's change re-installs on the next call.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed
TEST_STAMP := $(VENV)/.test-installed
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test lint typecheck check format

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): requirements.lock | $(BIN)/python
	$(PIP) -r requirements.lock
	@touch $@

$(TEST_STAMP): requirements.lock requirements-test.lock | $(BIN)/python
	$(PIP) -r requirements-test.lock
	@touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	@$(BIN)/python -m bot run $(ARGS)

check: $(RUN_STAMP)
	@$(BIN)/python -m bot check $(ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
