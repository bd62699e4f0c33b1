# Teleroster: every target creates .venv and installs what it needs, idempotently.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SOLVE_SECONDS ?= 60

.PHONY: demo test lint bench bench-curtois fmt clean-venv browser-deps

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

# The schedule program's kernels (numba) compile when solver is first imported and are cached
# on disk: compiled here once, so no first solve waits for the compiler.
KERNELS := $(VENV)/.kernels
$(KERNELS): $(STAMP) solver/schedule_dp_kernel.py
	$(PY) -c "import solver.schedule_dp_kernel"
	touch $(KERNELS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# pytest-xdist, a worker per core up to four (CP-SAT tests use two threads each). Tests of one
# xdist_group run on one worker, one after another (local Ray runtimes, the browser tests); tests
# marked `alone` measure wall time and run while no other test does (tests/alone.py).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 4 ? n : 4 )))

test: lint browser-deps $(KERNELS)
	$(VENV)/bin/pytest -m "not slow" -q --durations=15 -n $(TEST_WORKERS) --dist loadgroup

# Slow tests, then every benchmark script; a failing script fails the target after the others ran.
bench: $(KERNELS)
	$(VENV)/bin/pytest -m slow -q -s
	@failed=0; for f in benchmarks/bench_*.py; do \
		echo "== $$f"; $(PY) "$$f" || { echo "FAILED: $$f"; failed=1; }; \
	done; exit $$failed

demo: $(KERNELS)
	$(VENV)/bin/teleroster db upgrade
	$(VENV)/bin/teleroster demo --forecast --solve-seconds $(DEMO_SOLVE_SECONDS)
	$(VENV)/bin/teleroster serve --host $(HOST) --port $(PORT)

clean-venv:
	rm -rf $(VENV)

# The browser tests drive Debian's chromium (Playwright never downloads a browser here).
browser-deps:
	@[ -x /usr/bin/chromium ] || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

# Curtois-Qu instances through the product's solver, with the limits of benchmarks/README.md.
# JSON lines go to $(CURTOIS_JSONL); `python benchmarks/curtois_table.py` turns them into a table.
CURTOIS_DIR ?= ../shared/benchmarks/curtois
CURTOIS_JSONL ?= /tmp/teleroster-bench-curtois.jsonl
CURTOIS_WORKERS ?= 8
# large-neighbourhood search (solver.lns) with its column-generation phase on every instance; empty
# lets the solver choose by size
CURTOIS_LNS ?= --lns --column-generation
CURTOIS_RUN = set -o pipefail; $(VENV)/bin/teleroster bench curtois --workers $(CURTOIS_WORKERS) \
	$(CURTOIS_LNS) --best-known $(CURTOIS_DIR)/best_known.tsv

bench-curtois: $(KERNELS)
	: > $(CURTOIS_JSONL)
	$(CURTOIS_RUN) --time-limit 60 $(foreach i,1 3 9 13 17,$(CURTOIS_DIR)/Instance$(i).txt) \
		| tee -a $(CURTOIS_JSONL)
	$(CURTOIS_RUN) --time-limit 300 $(foreach i,5 7 11 15 19,$(CURTOIS_DIR)/Instance$(i).txt) \
		| tee -a $(CURTOIS_JSONL)
	$(CURTOIS_RUN) --time-limit 600 $(foreach i,21 23,$(CURTOIS_DIR)/Instance$(i).txt) \
		| tee -a $(CURTOIS_JSONL)
	$(PY) benchmarks/curtois_table.py $(CURTOIS_JSONL) --best-known $(CURTOIS_DIR)/best_known.tsv

# Reliability and security (issue 9). `make test` fuzzes every API operation a few times per role;
# this runs many more examples, on PostgreSQL too when TEST_DATABASE_URL is set.
FUZZ_EXAMPLES ?= 100
.PHONY: fuzz load
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_POSTGRES=1 $(VENV)/bin/pytest tests/security/test_fuzz_api.py -q -s

# 50 users for 60 s against the roster page and the availability API, on loopback (also in bench).
load: $(STAMP)
	$(PY) benchmarks/bench_load.py
