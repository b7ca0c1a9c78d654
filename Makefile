# Two commands on a fresh machine with Python 3.11, make and git: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=1

.PHONY: run test bench messages messages-update lint clean

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
	$(BIN)/pytest

## bench: the benchmarks in benchmarks/ (not part of the test suite)
bench: $(VENV)/.installed-test messages
	@if ls benchmarks/bench_*.py >/dev/null 2>&1; then \
		for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done; \
	else echo "no benchmarks yet"; fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

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
