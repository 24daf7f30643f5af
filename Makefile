# MyCOMMERCE Orders — `make run` starts the demo back-office, `make test` passes the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test lint bench messages migrate install check system system-browser clean

# What the machine itself must have (WeasyPrint's libraries, the invoices' fonts, python3-venv;
# Chromium for the tests): installed with apt-get as root on Debian or Ubuntu, else the exact
# command to run is printed and make stops, before anything starts. Quick when all is there.
system:
	@$(PYTHON) -m mycommerce.system --install

system-browser:
	@$(PYTHON) -m mycommerce.system --install --browser

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Babel compiles the catalogues: no system gettext needed (makemessages still needs it).
messages: $(STAMP)
	$(VENV)/bin/pybabel -q compile -d locale -D django

check: $(STAMP)
	$(PY) manage.py check --fail-level WARNING

migrate: $(STAMP)
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0

run: system messages migrate check
	$(PY) manage.py seed_demo --if-empty --stores 2
	@echo ""
	@echo "  MyCOMMERCE Orders: http://127.0.0.1:$(PORT)/"
	@echo "  Sign in as owner, admin or staff (MaBoutique), lyon-owner (Succursale Lyon);"
	@echo "  password: demo-password-2026. Ctrl-C stops the web server and the worker."
	@echo "  E-mails sent (cart reminders) are written as files in var/emails/."
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	export SITE_URL=http://127.0.0.1:$(PORT); \
	$(PY) manage.py db_worker & \
	while true; do $(PY) manage.py send_cart_reminders; sleep 60; done & \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

test: system-browser messages check lint
	$(PY) -m pytest
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
		echo "== the suite again, on PostgreSQL"; \
		DATABASE_URL="$$TEST_POSTGRES_URL" $(PY) -m pytest; \
	fi

bench: system messages
	$(PY) -m pip install --quiet -e ".[test,bench]"
	$(PY) -m pytest tests/benchmarks -s -p no:randomly --no-header -q -o addopts="" --durations=0

clean:
	rm -rf $(VENV) var staticfiles
