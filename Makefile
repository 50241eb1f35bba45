# supply_match: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app supply_match
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo test lint format test-deps translations serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

# Compiled message catalogs are build output: made from the committed .po files.
translations: $(VENV)/.installed
	@if ls supply_match/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel -q compile --use-fuzzy -d supply_match/translations; fi

# System packages the suite needs, from Debian, installed only when missing.
test-deps:
	@scripts/install-system-packages.sh test

demo: $(VENV)/.installed translations
	@scripts/install-system-packages.sh demo
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty
	@HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

# The embedded setup (or whatever DATABASE_URL and REDIS_URL name) served by gunicorn
# with its worker, after bringing the database to the newest schema.
serve: $(VENV)/.installed translations
	$(FLASK) init-db
	@HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: test-deps $(VENV)/.installed-test translations lint
	$(BIN)/python -m pytest -q -p no:cacheprovider -n auto --dist worksteal

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .hypothesis
