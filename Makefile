# Solstice: two commands a newcomer needs.
#   make pack            generate the default pack (mvp), build it with dbt (all tests) and write the release
#   make pack PACK=dev   the same for the tiny development pack
#   make test            the whole test suite (SQL lint, then pytest: generator, dbt build and release)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACK ?= mvp
INSTALLED := $(VENV)/.installed

.PHONY: install pack generate build release charts validate test lint fix benchmark clean

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $(INSTALLED)

install: $(INSTALLED)

pack: install
	$(BIN)/solstice pack --pack $(PACK)

generate: install
	$(BIN)/solstice generate --pack $(PACK)

build: install
	$(BIN)/solstice build --pack $(PACK)

release: install
	$(BIN)/solstice release --pack $(PACK)

validate: install
	$(BIN)/solstice validate --pack $(PACK)

charts: install
	$(BIN)/solstice charts --pack $(PACK)

test: lint
	$(BIN)/python -m pytest

lint: install
	$(BIN)/sqlfluff lint models tests/invariants tests/causal analyses

fix: install
	$(BIN)/sqlfluff fix models tests/invariants tests/causal analyses

benchmark: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[benchmark]'
	$(BIN)/python benchmarks/benchmark_pack.py --pack $(PACK)

clean:
	rm -rf target logs data release
