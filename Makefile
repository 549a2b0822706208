# Two commands do everything on a fresh machine with Python 3.11+ and npm:
#   make run   - install, migrate a SQLite database, load demo data and serve
#   make test  - install and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test install install-run install-load lint format check-deploy clean bench loadtest faulttest instructions

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the pinned dependencies change. Running the app needs
# only the main set; the tests add their tools.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

install-run: $(VENV)/.installed-run node_modules/.installed

# DEMO_MODE: the service as its users see it (its own error pages), on plain
# HTTP on this computer. DEBUG=1 make run shows Django's debug pages instead.
run: install-run
	DEMO_MODE=1 $(BIN)/python manage.py migrate --no-input
	DEMO_MODE=1 $(BIN)/python manage.py seed_demo
	@echo "Deal Conversations is at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DEMO_MODE=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (up to four), each worker with its own test
# database and live server; TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses 4 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The deployment checklist, with production-like settings.
check-deploy: install
	SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=deal.example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# --- Performance: a large council in PostgreSQL (see README, "Performance") ----
# The benchmark's own database: never the one CI or a developer uses.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/deal_bench
BENCH_SCALE ?= 1
# The deployment the README describes: sessions and the cache in Redis (this
# kind of machine runs it on 127.0.0.1:6379; database 2 is the benchmark's).
# BENCH_REDIS_URL= (empty) measures without it.
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/2

$(VENV)/.installed-load: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[load]'
	touch $@

install-load: install-run $(VENV)/.installed-load

# Generate the data (skipped when BENCH_REUSE=1 and it is there), then time every page.
bench: install-run
	@if [ "$(BENCH_REUSE)" != "1" ]; then \
		DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python tests/load/generate.py --scale $(BENCH_SCALE); \
	fi
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python tests/load/bench.py

# CPU instructions a request of each page (valgrind's count, which does not
# move with how busy the machine is), against the data `make bench` made.
INSTRUCTION_PAGES ?= "/ My work" "profile, a typical person" "profile, a person with" "record form" "manager: reports" "an action"
instructions: install-run
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python tests/load/instructions.py $(INSTRUCTION_PAGES)

loadtest: install-load
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) BENCH_SCALE=$(BENCH_SCALE) \
		$(BIN)/python tests/load/loadtest.py

faulttest: install-load
	$(BIN)/python tests/load/faulttest.py

clean:
	rm -rf $(VENV) node_modules staticfiles
