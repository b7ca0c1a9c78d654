# Two commands on a fresh machine with Python 3.11, make and git: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=1

.PHONY: run test bench bench-quota bench-inprocess messages messages-update lint mypy format clean

# extra arguments for pytest, e.g. `make test PYTEST_ARGS="-x -k workflows"`
PYTEST_ARGS ?=

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[postgres]'
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,postgres]'
	touch $@ $(VENV)/.installed-run

messages: $(VENV)/.installed-run
	$(BIN)/python -m config.catalogs

# a development checkout: later `manage.py` calls run with DEBUG on (the environment still wins)
.env:
	printf 'DJANGO_DEBUG=1\n' > .env

## run: install, migrate, load the demo data and serve http://127.0.0.1:8000 on SQLite
run: $(VENV)/.installed-run messages .env
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	$(DEV_ENV) $(BIN)/python manage.py seed_demo_cases
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

## test: install with the test extras and run the whole suite (browser tests skip without chromium)
test: $(VENV)/.installed-test messages
	$(BIN)/pytest $(PYTEST_ARGS)

## bench: over HTTP against gunicorn, beside the viewflow floor (6 calls per process), on SQLite and
## PostgreSQL (skipped when none answers on 127.0.0.1:5432): file + queue + approve, and complete cases
## (file → review → assign → accept → close_report → review_closure, 11 calls); 100 of each per run,
## two rounds, medians, 10-15 minutes. The letters wait for a Celery worker (Redis) that renders them
## once the clients are done, timed too. Not part of the test suite. Options: .venv/bin/python
## benchmarks/bench_http.py --help
bench: $(VENV)/.installed-test messages
	$(BIN)/python benchmarks/bench_http.py --backend all --case both --n 100 --rounds 2 --worker after
	$(BIN)/python benchmarks/bench_quota.py --backend all --runs 5

## bench-quota: the annual-duty report on 20,000 lawyers beside the hand-written GROUP BY (SQLite, PostgreSQL)
bench-quota: $(VENV)/.installed-test messages
	$(BIN)/python benchmarks/bench_quota.py --backend all --runs 5

## bench-inprocess: the same process through the API in-process (no HTTP, no floor), N=1000 per backend
bench-inprocess: $(VENV)/.installed-test messages
	$(BIN)/python benchmarks/bench_applications.py

## lint: ruff (lint and format), the import layers (.importlinter) and mypy
lint: $(VENV)/.installed-test mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## mypy: the task layer, the flows and the rule modules, with django-stubs
mypy: $(VENV)/.installed-test
	$(DEV_ENV) $(BIN)/mypy workflows core directory/audit.py aid_cases/means.py aid_cases/periods.py aid_cases/rules.py \
		assignments/subsidy.py assignments/closing.py assignments/recommend.py assignments/quota.py \
		waivers/duty.py

## format: ruff's formatter and its import sorting, once before committing (pre-commit does it too)
format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix --select I .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles
	find locale -name '*.mo' -delete

## messages-update (developers, needs GNU gettext): re-extract strings, keep viewflow's translations
messages-update: $(VENV)/.installed-run
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l zh_Hans --no-location \
		--ignore=.venv --ignore=tests --ignore=benchmarks --ignore=build
	msgattrib --no-obsolete -o locale/zh_Hans/LC_MESSAGES/django.po locale/zh_Hans/LC_MESSAGES/django.po
	msgcat --use-first -o locale/zh_Hans/LC_MESSAGES/django.po \
		locale/zh_Hans/LC_MESSAGES/django.po locale/vendor/viewflow-zh_Hans.po
