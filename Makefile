# Teleroster: every target creates .venv and installs what it needs, idempotently.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint bench bench-curtois fmt clean-venv

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	$(VENV)/bin/pytest -m "not slow" -q

bench: $(STAMP)
	$(VENV)/bin/pytest -m slow -q -s
	@for f in benchmarks/bench_*.py; do [ -f "$$f" ] && $(PY) "$$f" || true; done

demo: $(STAMP)
	$(VENV)/bin/teleroster db upgrade
	$(VENV)/bin/teleroster demo
	$(VENV)/bin/teleroster serve --host $(HOST) --port $(PORT)

clean-venv:
	rm -rf $(VENV)
