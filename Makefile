# Two commands a new user needs: `make demo` and `make test`. Each bootstraps its own
# environment (uv from the package registry, then the locked dependencies in .venv).
PYTHON ?= python3.11
BOOT := .venv-bootstrap
UV := $(BOOT)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: env prepare chromium demo run test test-all lint bench report dev lock duckdb11

# tools/with_progress.py (standard library only, so the system Python runs it) keeps pip's silent install visible.
$(UV):
	@$(PYTHON) tools/with_progress.py "Installing uv (the package installer) into $(BOOT)" \
	sh -c '$(PYTHON) -m venv $(BOOT) && $(BOOT)/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"'

# --compile-bytecode: this machine sets PYTHONDONTWRITEBYTECODE, so without it every process (ncii run, the
# dbt subprocess, each test) compiles Dagster, dbt and GX from source again, a slow start for each of them.
# tools/with_progress.py says what is going on while uv works silently, and leaves out uv's package list.
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	@$(BOOT)/bin/python tools/with_progress.py "Installing the locked dependencies (uv.lock) into $(VENV) and \
	compiling them once" $(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $@

env: $(VENV)/.synced

# The dbt manifest the Dagster definitions read (loading them never parses). `ncii run`, `ncii dev` and the tests
# prepare it themselves; the daemon and webserver started on their own (README) need it after every project change.
prepare: env
	$(VENV)/bin/python -m orchestration.transformation.manifest

# The oldest DuckDB the publication must open in (the contract says 1.1), for the tests only: installed beside
# .venv, never into it; tests/test_publication_readers.py runs it in a subprocess with this folder on PYTHONPATH.
DUCKDB11 := .venv-duckdb11
$(DUCKDB11)/.installed: | $(VENV)/.synced
	@$(PYTHON) tools/with_progress.py "Installing DuckDB 1.1.3 into $(DUCKDB11) (the oldest reader the tests open \
	the publication with)" $(UV) pip install --quiet --python $(VENV)/bin/python --target $(DUCKDB11) "duckdb==1.1.3"
	@touch $@

duckdb11: $(DUCKDB11)/.installed

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
	    DEBIAN_FRONTEND=noninteractive $(PYTHON) tools/with_progress.py "Installing Chromium (apt-get)" \
	      sh -c 'apt-get update -qq && apt-get install -y -qq chromium >/dev/null'; \
	  else echo "Chromium not installed (needs root and apt-get): the browser test will skip"; fi; }

# -n auto: one worker per core (pytest-xdist); --dist loadfile keeps a module's tests, and its fixtures, together.
# Tests marked serial edit a repository file (the alias seed) that every pipeline run reads: they run alone, after.
test: env duckdb11 chromium
	$(VENV)/bin/pytest -n auto --dist loadfile -m "not slow and not serial"
	$(VENV)/bin/pytest -m "serial and not slow"

test-all: env duckdb11 chromium
	$(VENV)/bin/pytest -n auto --dist loadfile -m "not serial"
	$(VENV)/bin/pytest -m serial

# Lint, failing on any finding: ruff's rules and its formatting over the Python ([tool.ruff] in pyproject.toml),
# sqlfluff over the dbt models and macros (dbt_project/.sqlfluff). `ruff format` and `ruff check --fix` mend most
# Python findings; `sqlfluff fix PATH` the SQL ones (review its diff).
lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/sqlfluff lint dbt_project/models dbt_project/macros

bench: env
	$(VENV)/bin/python -m benchmarks.run
	$(VENV)/bin/python -m benchmarks.dsa

# The UI and the daemon on this warehouse's own Dagster instance ($NCII_WAREHOUSE_DIR/dagster), on 127.0.0.1.
dev: env
	$(VENV)/bin/ncii dev

lock: | $(UV)
	$(UV) lock --python $(PYTHON)
