# pantau: `make run` monitors the shipped feeds, `make test` runs every test.
# Both create the virtual environment and install everything on first use.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run demo test bench kafka kafka-stop lint typecheck clean help

help:           ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

install: $(STAMP) ## create .venv and install pantau with its test tools

run: $(STAMP)   ## monitor the shipped feeds; alerts print to this terminal
	$(VENV)/bin/pantau run $(ARGS)

demo: $(STAMP)  ## offline demo over bundled sample feeds
	$(VENV)/bin/pantau demo

test: $(STAMP)  ## the whole suite, with a local Kafka broker and promtool
	bash deploy/test-env.sh $(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP) ## benchmarks: JSON lines of figures (not part of make test)
	$(PY) tests/bench/run.py $(BENCH_ARGS)

# mypy sees the packages as installed: pantau/ with sources/, streams/ and rules/ inside
# (as pyproject.toml maps them), through a tree of symlinks; errors name pantau/streams/...
# for files in streams/ (and pantau/sources/... for sources/).
TYPES := $(abspath $(VENV))/typecheck

lint: $(STAMP)  ## ruff (lint + format check), mypy and the import-layering contract; CI runs it
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MAKE) --no-print-directory typecheck
	$(PY) -m pytest -q -p no:cacheprovider tests/test_layers.py

typecheck: $(STAMP)  ## mypy alone: non-strict everywhere, strict for the pure core (pyproject.toml)
	@rm -rf $(TYPES) && mkdir -p $(TYPES)/pantau
	@for path in pantau/*; do ln -s "$(CURDIR)/$$path" $(TYPES)/pantau/; done
	@for path in sources streams rules; do ln -s "$(CURDIR)/$$path" $(TYPES)/pantau/$$path; done
	cd $(TYPES) && $(abspath $(VENV))/bin/mypy --config-file $(CURDIR)/pyproject.toml \
		--cache-dir $(abspath $(VENV))/.mypy_cache -p pantau

kafka: $(STAMP) ## start a local single-node Kafka for development
	bash deploy/kafka/local-kafka.sh start

kafka-stop:     ## stop the development Kafka (keeps its data; `deploy/kafka/local-kafka.sh stop --wipe` removes it)
	bash deploy/kafka/local-kafka.sh stop

clean:          ## remove the virtual environment and local state
	rm -rf $(VENV) .pantau .pytest_cache .mypy_cache .ruff_cache
