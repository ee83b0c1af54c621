# The two commands a newcomer needs are `make run` and `make test`; both build on `make install`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# First Python >= 3.12 found: on PATH, then under pyenv.
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3.13 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$p; break; fi; done)

.PHONY: install system-deps run test test-partitioned lint format bench clean-db

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 not found (tried python3.13, python3.12, pyenv)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

# Debian packages first (fonts, WeasyPrint's libraries, Chromium, pg_dump, pdftoppm): installed when
# missing and we are root or have passwordless sudo, else it stops with the apt-get command to run.
system-deps:
	@bash scripts/system-deps.sh

install: system-deps $(VENV)/.installed

run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@bash scripts/serve.sh

test: install
	$(PY) -m pytest

# The whole suite on PostgreSQL with cases_case partitioned by county (docs/scaling.md): DATABASE_URL names a
# PostgreSQL database (pytest makes test_<name>). `.ci/run --partitioned` does it on a private cluster.
test-partitioned: install
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
		*) echo "make test-partitioned needs DATABASE_URL=postgres://user:password@host:port/name"; exit 2;; esac
	BIANMIN_PARTITION_CASES=county $(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	bash scripts/system-deps.sh --bench
	$(PY) bench/run.py
