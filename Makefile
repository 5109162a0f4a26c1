# The two commands: `make run` and `make test`. Everything else is a step they call.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed

.PHONY: help run test setup db demo test-browser lint typecheck check bench clean messages

help:
	@echo "make run    set up and serve the product with demo data on http://127.0.0.1:8000"
	@echo "make test   set up and run the whole test suite (browser tests too when chromium is present)"
	@echo "make lint | typecheck | bench | messages | clean"

# Find a Python >= 3.12: pyenv's (through .python-version), or a python3.12+/python3 that is new enough.
$(STAMP): pyproject.toml
	@set -e; \
	py=""; \
	if command -v pyenv >/dev/null 2>&1 && pyenv which python >/dev/null 2>&1; then py="$$(pyenv which python)"; fi; \
	for c in "$$py" python3.14 python3.13 python3.12 python3; do \
	  [ -n "$$c" ] || continue; \
	  if command -v "$$c" >/dev/null 2>&1 && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then py="$$c"; break; fi; \
	  py=""; \
	done; \
	if [ -z "$$py" ]; then echo "Tongcheng needs Python 3.12 or newer: install it (e.g. 'pyenv install 3.12') and run make again." >&2; exit 1; fi; \
	echo "Using $$("$$py" --version) at $$(command -v "$$py")"; \
	[ -x $(PY) ] || "$$py" -m venv $(VENV); \
	$(PY) -m pip install --quiet --upgrade pip; \
	$(PY) -m pip install --quiet -e '.[dev]'; \
	touch $(STAMP)

setup: $(STAMP)

db: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference

demo: db
	$(MANAGE) seed_demo

run: demo
	$(MANAGE) seed_demo --print
	$(MANAGE) runserver 127.0.0.1:8000

# The suite on SQLite (or on PostgreSQL when DATABASE_URL is set); browser tests when chromium is there.
test: setup
	$(MANAGE) check
	$(VENV)/bin/pytest -q
	@if [ -x /usr/bin/chromium ]; then $(MAKE) --no-print-directory test-browser; \
	 else echo "chromium not found: browser tests skipped (CI always runs them)"; fi

test-browser: setup
	$(VENV)/bin/pytest -q e2e

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy tongcheng

bench: setup
	$(PY) bench/run.py

messages: setup
	$(MANAGE) makemessages -l zh_Hans --no-obsolete --no-location
	$(MANAGE) compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) db.sqlite3* artifacts
