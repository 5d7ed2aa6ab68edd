# rasad: one entry point per task. `make up` and `make test` are the two a newcomer needs.
PYTHON ?= python3
RASAD ?= rasad
PYTEST ?= $(PYTHON) -m pytest

.PHONY: install up down status test test-unit test-integration lint schemas eval bench bench-extract compile clean-compiled lock

install:            ## install the package and its development tools
	$(PYTHON) -m pip install -c constraints.txt -e '.[dev]'

up:                 ## start Kafka, Redis, Prometheus and the services locally, then replay articles until alerts show
	$(RASAD) stack up
	$(RASAD) stack demo
	@echo "addresses: rasad stack status; top actors: rasad top --kind entity --window 1h"

down:               ## stop what `make up` started, and nothing else
	$(RASAD) stack down

status:
	$(RASAD) stack status

test:               ## the whole suite: unit tests, then integration tests on the real stack
	$(RASAD) stack up --only kafka,redis,prometheus
	$(PYTEST) tests/unit tests/integration

test-unit:
	$(PYTEST) tests/unit

test-integration:
	$(PYTEST) tests/integration

lint:               ## ruff, plus mypy on the package
	ruff check services tests
	ruff format --check services tests
	mypy

schemas:            ## regenerate schemas/ from the message models
	$(RASAD) schemas

eval:               ## extraction quality against the gold annotations
	$(PYTHON) -m rasad.extract.evaluate
	$(PYTHON) -m rasad.extract.events.evaluate

bench:              ## the pipeline end to end on the real stack: throughput, latency, transport ceiling
	$(RASAD) stack up --only kafka,redis
	$(PYTHON) -m rasad.bench

bench-extract:      ## extraction throughput against the normalization+automaton floor (pure and compiled)
	$(PYTHON) -m rasad.extract.bench

compile:            ## build the extraction engine's hot modules as C extensions with mypyc, in place
	$(PYTHON) tools/compile_extract.py

clean-compiled:     ## remove what `make compile` built (the engine then runs its Python sources)
	$(PYTHON) tools/compile_extract.py --clean

lock:               ## pin the resolved dependencies into constraints.txt
	$(PYTHON) tools/lock_constraints.py
