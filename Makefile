# The few verbs people type. `make run` and `make test` work on a fresh machine.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-runtime
DEVSTAMP:= $(VENV)/.installed-dev
DB      ?= data/lagesbild.duckdb
REPLICAS?= 2

.PHONY: run serve test test-slow lint demo bench install install-dev clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv==0.13.8 || true

$(STAMP): requirements.txt | $(BIN)/python
	@if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install -q -p $(BIN)/python -r requirements.txt; \
	else $(BIN)/python -m pip install -q -r requirements.txt; fi
	@touch $@

$(DEVSTAMP): requirements-dev.txt requirements.txt | $(BIN)/python
	@if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install -q -p $(BIN)/python -r requirements-dev.txt; \
	else $(BIN)/python -m pip install -q -r requirements-dev.txt; fi
	@touch $@ $(STAMP)

install: $(STAMP)
install-dev: $(DEVSTAMP)

demo: $(STAMP)
	$(BIN)/python manage.py demo --db $(DB) --if-missing

run: demo
	LAGESBILD_MODE=local LAGESBILD_DB=$(DB) $(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port 8501

# nginx (Debian's) in front of REPLICAS Streamlit processes on 127.0.0.1:8501, local mode.
serve: demo
	LAGESBILD_MODE=local $(BIN)/python manage.py serve --db $(DB) --replicas $(REPLICAS)

test: $(DEVSTAMP)
	$(BIN)/python -m pytest

# The tests marked slow (the load test, large renders): not in the default run.
test-slow: $(DEVSTAMP)
	$(BIN)/python -m pytest -m slow

lint: $(DEVSTAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(DEVSTAMP)
	$(BIN)/python manage.py bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
