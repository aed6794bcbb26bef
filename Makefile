# Anketa — the two commands of the quick start: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := ANKETA_CONFIG=development $(BIN)/flask --app wsgi
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
PO := $(wildcard research/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test test-sqlite test-postgresql install install-dev translations \
        extract-messages update-messages chromium clean

run: install translations
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo ""
	@echo "  Anketa runs on http://127.0.0.1:5000"
	@echo "  Demo login: demo@anketa.local / demo-research-2024"
	@echo ""
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install-dev translations chromium
	$(MAKE) test-sqlite
	$(MAKE) test-postgresql

# Tests run in TEST_WORKERS processes (pytest-xdist); each has its own database and server.
TEST_WORKERS ?= 2

test-sqlite:
	$(BIN)/python -m pytest --db sqlite -n $(TEST_WORKERS)

# The PostgreSQL run skips what does not touch the database (pure libraries, browser).
test-postgresql:
	ANKETA_FUZZ_SCALE=0.25 $(BIN)/python -m pytest --db postgresql -n $(TEST_WORKERS) \
	    -m "not browser" --ignore tests/analysis

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

install: $(VENV)/.runtime-installed
install-dev: $(VENV)/.dev-installed

translations: $(MO)
%.mo: %.po | $(BIN)/python
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-output \
	    --project Anketa -o research/translations/messages.pot .

update-messages: extract-messages
	$(BIN)/pybabel update -i research/translations/messages.pot -d research/translations \
	    --no-fuzzy-matching

# Browser tests drive Debian's Chromium; Playwright's own browser download is never used.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
	find . -name __pycache__ -prune -exec rm -rf {} +
