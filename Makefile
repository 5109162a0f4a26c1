# The two commands: `make run` and `make test`. Everything else is a step they call.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed

.PHONY: help run test setup db demo totp test-browser lint typecheck check bench clean messages policy-doc

help:
	@echo "make run    set up and serve the product with demo data on http://127.0.0.1:8000"
	@echo "make test   set up and run the whole test suite (browser tests too when chromium is present)"
	@echo "make totp USER=<demo account>   the current two-factor code of a demo account"
	@echo "make lint (ruff + architecture contracts) | typecheck | bench | messages | clean"

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
	$(MANAGE) seed_ledger
	$(MANAGE) seed_cases
	$(MANAGE) seed_hotline
	$(MANAGE) seed_meetings
	$(MANAGE) seed_engagement

# seed_demo is idempotent; --print seeds too, then shows the accounts. The task worker (db_worker:
# large ledger imports, and the recurring jobs schedule_jobs queues: the platform's tickets, the
# case sweep, emails, texts, the digest) runs beside the server and is stopped when the server stops. It runs without
# --reload: a reloading worker is two processes, and the stop would miss the second.
run: demo
	$(MANAGE) seed_demo --print
	$(MANAGE) schedule_jobs
	@$(MANAGE) db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(MANAGE) runserver 127.0.0.1:8000

# USER must come from the command line (the environment's USER is the login name).
totp: setup
	@if [ "$(origin USER)" != "command line" ]; then \
	  echo "usage: make totp USER=<demo username>   (the accounts are listed by make run)" >&2; exit 2; fi
	@$(MANAGE) totp_code "$(USER)"

# pytest exits 5 when it collected nothing: here that is a broken suite, said out loud.
PYTEST = run_pytest() { $(VENV)/bin/pytest "$$@"; rc=$$?; \
  if [ $$rc -eq 5 ]; then echo "pytest collected no tests ($$*): failing" >&2; return 1; fi; \
  return $$rc; }; run_pytest

# The suite on SQLite (or on PostgreSQL when DATABASE_URL is set); browser tests when chromium is
# there (E2E=0 leaves them out: .ci/run runs them as a step of their own).
E2E ?= 1
test: setup
	$(MANAGE) check
	@$(PYTEST) -q
	@if [ "$(E2E)" = 0 ]; then echo "browser tests left out (E2E=0)"; \
	 elif [ -x /usr/bin/chromium ]; then $(MAKE) --no-print-directory test-browser; \
	 else echo "chromium not found: browser tests skipped (CI always runs them)"; fi

test-browser: setup
	@$(PYTEST) -q e2e

# ruff, then the architecture contracts of pyproject.toml's [tool.importlinter] (layers, no
# cycles inside an app, no app importing the project wiring): docs/architecture.md.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: setup
	$(VENV)/bin/mypy tongcheng

bench: setup
	$(PY) bench/run.py

# docs/roles.md's policy table, from tongcheng/org/policy.py.
policy-doc: setup
	$(PY) docs/policy_table.py

messages: setup
	$(MANAGE) makemessages -l zh_Hans --no-obsolete --no-location --ignore=e2e --ignore=bench --ignore=static
	$(MANAGE) compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3* artifacts attachments
