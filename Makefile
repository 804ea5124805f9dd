# The two commands a newcomer needs: `make demo` and `make test`. Nothing else to install.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
YEAR   ?= 2025
SEED   ?= 7
DATA   ?= data/generated/$(YEAR)
GEN    := data/generated
FIRST  := $(shell expr $(YEAR) - 1)
NEXT   := $(shell expr $(YEAR) + 1)

.PHONY: install demo test lint bench bench-dask clean sample sample-data docs-check

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dask]'
	@touch $(STAMP)

sample: install
	$(BIN)/liuan-eval sample --year $(YEAR) --seed $(SEED) --out $(DATA)

sample-data: install
	rm -rf data/sample
	$(BIN)/liuan-eval sample --year 2025 --seed 7 --scale 0.3 --out data/sample

# The office's cycle on two generated years: run the first year, let the units answer its notices
# (one appeal accepted), read the answers back, then run the second year against the first.
demo: install
	$(BIN)/liuan-eval sample --two-years --year $(YEAR) --seed $(SEED) --out $(GEN)
	$(BIN)/liuan-eval run --data $(GEN)/$(FIRST) --year $(FIRST) --out reports/$(FIRST) --issued $(YEAR)-01-15 \
	    --no-notebook --quiet
	$(BIN)/liuan-eval sample --answer-notices reports/$(FIRST)/units --out $(GEN)/$(FIRST)-answers
	$(BIN)/liuan-eval run --data $(GEN)/$(FIRST) --year $(FIRST) --out reports/$(FIRST) --issued $(YEAR)-01-15 \
	    --responses $(GEN)/$(FIRST)-answers --no-notebook --quiet
	$(BIN)/liuan-eval run --data $(GEN)/$(YEAR) --year $(YEAR) --out reports/$(YEAR) --issued $(NEXT)-01-15 \
	    --previous reports/$(FIRST)

lint: install
	$(BIN)/ruff check liuan_eval tests benchmarks

test: lint
	$(BIN)/python -m pytest

docs-check: install
	$(BIN)/python -m pytest tests/test_guide.py -q

# every bench_* module, among them the whole run on 1,000,000 posts + 1,000,000 messages (bench_whole_run)
bench: install
	$(BIN)/python -m benchmarks

# 10,000,000 posts through the Dask engine on a LocalCluster of two 2 GB workers (half an hour on 2 cores)
bench-dask: install
	$(BIN)/python -m benchmarks dask_10m

clean:
	rm -rf $(VENV) reports/* data/generated .pytest_cache
