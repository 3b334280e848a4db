# The two commands in the README: `make demo` and `make test`.
# Both create .venv with the system python3 (3.11+) and install the project into it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP_RUN  := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: demo test test-network venv bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "sewerplan needs Python 3.11 or newer; this python3 is " + sys.version.split()[0])'
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "Could not create $(VENV): on Debian/Ubuntu install the venv module first (apt-get install python3-venv)."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

venv: $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/sewerplan demo --out sewerplan-output --force

# pytest-xdist, one worker per logical CPU (PYTEST_XDIST_AUTO_NUM_WORKERS=n to choose), one test file per worker
# at a time, the slow files first (tests/conftest.py orders them and builds the shared demo run once for all
# workers); benchmarks/_rows_suite.py times this pytest line.
test: $(STAMP_TEST)
	$(BIN)/python -m ruff check model xl_addin reporting sewerplan tests benchmarks scripts
	$(BIN)/python -m pytest -q -n logical --dist loadfile --no-loadscope-reorder

# The tests that need the package index (PyPI): the offline kit built once and resolved offline
# for Windows x64 on Python 3.11, 3.12 and 3.13 (tests/test_offline_kit.py).
test-network: $(STAMP_TEST)
	$(BIN)/python -m pytest -q -m network

bench: $(STAMP_TEST)
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info sewerplan-output
