# Two commands: `make run` serves the site, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE_PROVIDERS ?= 300
BENCH_PROVIDERS ?= 20000
BENCH_SEED ?= 1
SOAK_SECONDS ?= 60

.PHONY: run test bench soak setup check-python

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12 or newer is needed; $(PYTHON) is " + sys.version.split()[0] + ". Install it, or run: make PYTHON=python3.12 ...")'

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

run: setup
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_articles
	DJANGO_DEBUG=1 $(BIN)/python manage.py generate_sample_directory --count $(SAMPLE_PROVIDERS) --seed 1 --if-empty
	# The task worker (inquiry emails, imports) runs beside the server and stops
	# with it; debug mode prints the emails it sends in this terminal.
	DJANGO_DEBUG=1 $(BIN)/python manage.py db_worker & trap 'kill $$!' EXIT; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Times the directory in a throw-away database (never the configured one), e.g.
# make bench BENCH_ARGS="--database-url postgres://postgres@127.0.0.1:5432"
# Debug is switched off for the timings; DJANGO_DEBUG=1 only spares a secret key.
bench: setup
	DJANGO_DEBUG=1 $(BIN)/python manage.py bench_directory --providers $(BENCH_PROVIDERS) --seed $(BENCH_SEED) $(BENCH_ARGS)

# gunicorn with production settings under a mixed load in a throw-away
# database; fails on any 5xx or lost inquiry. On PostgreSQL:
# make soak SOAK_ARGS="--database-url postgres://postgres@127.0.0.1:5432"
soak: setup
	DJANGO_DEBUG=1 $(BIN)/python manage.py soak --seconds $(SOAK_SECONDS) $(SOAK_ARGS)
