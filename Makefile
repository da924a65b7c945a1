# Two commands a new user needs: `make demo` and `make test`. Each bootstraps its own
# environment (uv from the package registry, then the locked dependencies in .venv).
PYTHON ?= python3.11
BOOT := .venv-bootstrap
UV := $(BOOT)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: env chromium demo run test test-all bench report dev lock

$(UV):
	$(PYTHON) -m venv $(BOOT)
	$(BOOT)/bin/pip install --quiet "uv==0.13.9"

# --compile-bytecode: this machine sets PYTHONDONTWRITEBYTECODE, so without it every process (ncii run, the
# dbt subprocess, each test) compiles Dagster, dbt and GX from source again: about 6 s each.
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	touch $@

env: $(VENV)/.synced

demo: env
	$(VENV)/bin/ncii demo

run: env
	$(VENV)/bin/ncii run

report: env
	$(VENV)/bin/ncii report

# The report's browser test needs Chromium: Debian's package, installed once when missing (as root,
# as in CI); without it that test skips and says why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the browser test (apt-get) ..."; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium not installed (needs root and apt-get): the browser test will skip"; fi; }

test: env chromium
	$(VENV)/bin/pytest

test-all: env chromium
	$(VENV)/bin/pytest -m ""

bench: env
	$(VENV)/bin/python -m benchmarks.run

dev: env
	$(VENV)/bin/dagster dev

lock: | $(UV)
	$(UV) lock --python $(PYTHON)
