# Sharaka — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app budget_app
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= $(or $(WEB_CONCURRENCY),4)

.PHONY: run test install translations i18n-extract serve migrate clean

# The venv is rebuilt only when the dependency list changes.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The catalogs, and the project's bytecode: where PYTHONDONTWRITEBYTECODE is set, every process
# (each gunicorn worker, each command) would otherwise compile the ~170 modules again (+1 s).
translations: install
	$(FLASK) translate compile >/dev/null
	$(PY) -m compileall -q -j 0 budget_app councils priorities citizen_budget simulator >/dev/null

## Serve the demo: migrations, demo data, development server on http://127.0.0.1:5000
run: translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host $(HOST) --port $(PORT)

## Run the whole test suite (SQLite; set TEST_DATABASE_URL=postgresql://... for PostgreSQL)
test: translations
	$(PY) -m pytest -n $${PYTEST_WORKERS:-auto} $(PYTEST_ARGS)

## Production: apply migrations once per deploy (not on each worker start)
migrate: translations
	$(FLASK) db upgrade

## Production: gunicorn with WORKERS workers (DATABASE_URL, REDIS_URL, SECRET_KEY from the environment).
## --timeout stays above the app's REQUEST_DEADLINE_SECONDS (30 s), so the app answers first.
serve: translations
	$(VENV)/bin/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --timeout 60 'budget_app:create_app()'

## Developers: extract new strings into the Arabic catalog (then `flask translate missing` / `apply`)
i18n-extract: install
	$(FLASK) translate update

clean:
	rm -rf $(VENV) instance *.egg-info
