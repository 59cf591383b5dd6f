# Tether's front door. Every target installs what it needs first.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/tether/static/tether/vendor
DEMO := examples/demo
# --ws-max-size: uvicorn's own frame limit (bytes), a little above TETHER["MAX_FRAME_BYTES"]
# (256 KiB), so a huge frame is refused before it is buffered (docs/security.md).
# --ws, --ws-ping-interval 0: a lighter socket; the client's heartbeat keeps it alive (docs/deploy.md).
UVICORN_FLAGS := --loop uvloop --http httptools --ws tether.websocket:WebSocketProtocol --ws-per-message-deflate false --ws-ping-interval 0 --ws-max-size 327680 --no-access-log

.PHONY: demo test lint bench install chromium redis postgres clean lock fuzz docs docs-images

install: $(VENV)/.installed $(VENDOR)/.installed

$(VENV)/.installed: requirements/dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p $(VENDOR)
	cp node_modules/phoenix/priv/static/phoenix.min.js $(VENDOR)/
	cp node_modules/phoenix_live_view/priv/static/phoenix_live_view.min.js $(VENDOR)/
	touch $@

demo: install
	cd $(DEMO) && ../../$(BIN)/python manage.py migrate --verbosity 0 && ../../$(BIN)/python manage.py demo_setup
	cd $(DEMO) && ../../$(BIN)/uvicorn demo.asgi:application --host 127.0.0.1 --port $(PORT) $(UVICORN_FLAGS)

# Debian's Chromium drives the browser tests; Playwright cannot download one here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { echo "chromium is missing and could not be installed (need root and Debian's apt)"; exit 1; }

# A Redis server on 127.0.0.1:6379 for the multi-process tests; started if not running.
redis:
	@if ! $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 6379), 1).close()" 2>/dev/null; then \
	  command -v redis-server >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }; \
	  command -v redis-server >/dev/null 2>&1 || { echo "redis-server is missing and could not be installed"; exit 1; }; \
	  echo "starting redis-server on 127.0.0.1:6379"; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; \
	  sleep 1; \
	fi

# PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) for the scale-out test and bench
# step: the deployed configuration keeps the chat there. Started if installed, else a clear stop.
PG_READY := $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1).close()"
postgres:
	@if ! $(PG_READY) 2>/dev/null; then \
	  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then \
	    echo "starting PostgreSQL on 127.0.0.1:5432"; \
	    pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start || true; \
	    sleep 2; \
	  fi; \
	fi
	@$(PG_READY) 2>/dev/null || { echo "PostgreSQL is missing: nothing listens on 127.0.0.1:5432. The scale-out test needs it (user postgres, trust auth): install Debian's postgresql and start it."; exit 1; }

lint: install
	$(BIN)/ruff check src tests examples bench
	$(BIN)/ruff format --check src tests examples bench
	PYTHONPATH=examples/demo $(BIN)/mypy

test: install chromium redis postgres lint
	$(BIN)/pytest -q

# The protocol fuzzer for longer than the 45 s of `make test`: FUZZ_SECONDS=3600 make fuzz.
FUZZ_SECONDS ?= 600
fuzz: install
	TETHER_FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/pytest -q -s --timeout 0 tests/fuzz/test_protocol_fuzz.py

bench: install
	$(BIN)/python -m bench $(if $(QUICK),--quick,)

# The documentation site, from docs/ into site/ (not committed); strict: a warning is an error.
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# The screenshots in docs/images/, taken by the browser tests that show each page.
docs-images: install chromium
	TETHER_DOCS_SCREENSHOTS=1 $(BIN)/pytest -q tests/e2e/test_browser_js.py tests/e2e/test_browser_todos.py

lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile --generate-hashes --python-version 3.11 requirements/base.in -o requirements/base.txt
	$(BIN)/uv pip compile --generate-hashes --python-version 3.11 requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache site
