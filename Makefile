# Two commands a new user needs: `make demo` and `make test`. Each bootstraps its own
# environment (uv from the package registry, then the locked dependencies in .venv).
PYTHON ?= python3.11
BOOT := .venv-bootstrap
UV := $(BOOT)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: env demo run test test-all bench report dev lock

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

test: env
	$(VENV)/bin/pytest

test-all: env
	$(VENV)/bin/pytest -m ""

bench: env
	$(VENV)/bin/python -m benchmarks.run
	$(VENV)/bin/python -m benchmarks.dsa

dev: env
	$(VENV)/bin/dagster dev

lock: | $(UV)
	$(UV) lock --python $(PYTHON)
