# The two commands a newcomer needs: `make demo` and `make test`. Nothing else to install.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
YEAR   ?= 2025
SEED   ?= 7
DATA   ?= data/generated/$(YEAR)

.PHONY: install demo test lint bench clean sample sample-data docs-check

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

sample: install
	$(BIN)/liuan-eval sample --year $(YEAR) --seed $(SEED) --out $(DATA)

sample-data: install
	rm -rf data/sample
	$(BIN)/liuan-eval sample --year 2025 --seed 7 --scale 0.3 --out data/sample

demo: sample
	$(BIN)/liuan-eval run --data $(DATA) --year $(YEAR) --out reports/$(YEAR)

lint: install
	$(BIN)/ruff check liuan_eval tests benchmarks

test: lint
	$(BIN)/python -m pytest

docs-check: install
	$(BIN)/python -m pytest tests/test_guide.py -q

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) reports/* data/generated .pytest_cache
