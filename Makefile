# pantau: `make run` monitors the shipped feeds, `make test` runs every test.
# Both create the virtual environment and install everything on first use.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run demo test bench kafka kafka-stop lint clean help

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

kafka: $(STAMP) ## start a local single-node Kafka for development
	bash deploy/kafka/local-kafka.sh start

kafka-stop:     ## stop the development Kafka (keeps its data; `deploy/kafka/local-kafka.sh stop --wipe` removes it)
	bash deploy/kafka/local-kafka.sh stop

clean:          ## remove the virtual environment and local state
	rm -rf $(VENV) .pantau .pytest_cache
