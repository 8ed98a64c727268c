# Newsdesk: `make run` serves the app with demo data, `make test` runs every check.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run RELOAD=1` (or `make dev`) restarts the web processes when a Python file changes.
RELOAD ?=
WEB_WORKERS ?= 2

.PHONY: run dev test lint worker bench bench-browser clean

# Newest Python >= 3.12: on PATH first, then pyenv's installed versions.
$(PY):
	@py=""; \
	for c in python3.14 python3.13 python3.12 python3 python; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then py=$$(command -v $$c); break; fi; \
	done; \
	if [ -z "$$py" ]; then \
	  root=$$(pyenv root 2>/dev/null || echo "$$HOME/.pyenv"); \
	  for d in $$(ls -d "$$root"/versions/3.* 2>/dev/null | sort -V -r); do \
	    if [ -x "$$d/bin/python3" ] && "$$d/bin/python3" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then py="$$d/bin/python3"; break; fi; \
	  done; \
	fi; \
	if [ -z "$$py" ]; then echo "Newsdesk needs Python 3.12 or newer; none was found on PATH or in pyenv." >&2; exit 1; fi; \
	echo "Creating $(VENV) with $$py ($$($$py --version))"; \
	"$$py" -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Serving Newsdesk through gunicorn on http://$(HOST):$(PORT)/ with a background worker$(if $(RELOAD), and auto-reload,) (Ctrl-C stops both)."
	@( trap 'kill $$child 2>/dev/null; wait $$child; exit 0' TERM; \
	  while :; do \
	    $(PY) manage.py db_worker --no-startup-delay & child=$$!; wait $$child; \
	    echo "db_worker stopped (exit $$?); starting it again in 2 s" >&2; sleep 2; \
	  done ) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	$(VENV)/bin/gunicorn newsdesk.wsgi --bind $(HOST):$(PORT) --workers $(WEB_WORKERS) --threads 4 \
	  --timeout 60 --access-logfile - $(if $(RELOAD),--reload)

dev:
	$(MAKE) run RELOAD=1

worker: $(STAMP)
	$(PY) manage.py db_worker

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) manage.py bench

bench-browser: $(STAMP)
	$(PY) manage.py bench_browser

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output
