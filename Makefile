# The two commands in the README: `make demo` and `make test`.
# Both create .venv with the system python3 (3.11+) and install the project into it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP_RUN  := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: demo test venv bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
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

test: $(STAMP_TEST)
	$(BIN)/python -m ruff check model xl_addin reporting sewerplan tests benchmarks scripts
	$(BIN)/python -m pytest -q

bench: $(STAMP_TEST)
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info sewerplan-output
