# Solstice: two commands a newcomer needs.
#   make pack            generate the default pack (mvp), build it with dbt (all tests) and write the release
#   make pack PACK=dev   the same for the tiny development pack
#   make test            the whole test suite (SQL lint, then pytest: generator, dbt build and release)
#   make help            every target, one line each (the `## ` lines below; a test keeps them complete)
#
## help       list the targets, one line each (this list)
## install    create .venv and install the pinned tools and the solstice package
## pack       generate, build (dbt build, every test) and release a pack: make pack PACK=dev (default mvp)
## generate   generate the raw pack only (data/raw/$(PACK))
## build      dbt build the generated pack with every test (data/solstice_$(PACK).duckdb)
## release    export the marts of the last passing build to release/$(PACK)/
## validate   write release/$(PACK)/validation/VALIDATION_REPORT.md and its charts again
## charts     render release/$(PACK)/charts/*.png again
## docs       dbt docs generate for a built pack, then serve them on http://localhost:$(DOCS_PORT)
## test       the whole test suite on two pytest workers, SQL lint among the tests (20 to 23 minutes on 2 cores)
## lint       sqlfluff lint of models, singular tests and analyses
## fix        sqlfluff fix: tidy the SQL in place
## benchmark  time generate + build + release of a pack and its peak memory
## clean      remove target/, logs/, data/ and release/
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

# Two pytest workers (pytest-xdist), each file's tests on one worker so its module fixtures are built once,
# the files in the order conftest.py gives them (the longest first). The lint is one of the tests
# (test_lint.py runs `make lint`), so it runs beside the others.
test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=15

lint: install
	$(BIN)/sqlfluff lint models tests/invariants tests/causal tests/reporting analyses

fix: install
	$(BIN)/sqlfluff fix models tests/invariants tests/causal tests/reporting analyses

benchmark: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[benchmark]'
	$(BIN)/python benchmarks/benchmark_pack.py --pack $(PACK)

clean:
	rm -rf target logs data release

.PHONY: help docs
DOCS_PORT ?= 8080

help:
	@sed -n 's/^## //p' $(firstword $(MAKEFILE_LIST)) | sed 's/$$(PACK)/<pack>/g; s/$$(DOCS_PORT)/$(DOCS_PORT)/g'

# The docs of a built pack, always regenerated first so the site never shows a stale manifest or catalog.
docs: install
	@test -f data/solstice_$(PACK).duckdb || { echo "no built pack '$(PACK)' (data/solstice_$(PACK).duckdb is missing): run \`make pack PACK=$(PACK)\` first" >&2; exit 2; }
	SOLSTICE_PACK=$(PACK) DBT_PROJECT_DIR=$(CURDIR) $(BIN)/dbt docs generate --project-dir . --profiles-dir .
	SOLSTICE_PACK=$(PACK) DBT_PROJECT_DIR=$(CURDIR) $(BIN)/dbt docs serve --project-dir . --profiles-dir . \
		--port $(DOCS_PORT) --no-browser
