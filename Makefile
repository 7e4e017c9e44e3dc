# crmkit: `make report` renders the demo reports, `make test` runs the whole test suite,
# `make test-fast` the unit tests only. They create .venv and install crmkit with pinned
# dependencies first (Python 3.11+).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PARAMS ?= params/demo.yaml
PERIOD ?= latest
JOBS   ?=
# empty JOBS: crmkit runs as many notebooks at once as there are usable cores
JOBS_ARG := $(if $(JOBS),--jobs $(JOBS),)
# keep Python's bytecode cache (__pycache__/, git-ignored) even where the environment
# turns it off: otherwise every test process and notebook kernel compiles crmkit and
# pytest rewrites every test module again (8 s of each test process's start-up)
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help setup report test test-fast lab lint nbclean bench demo-data clean

help:
	@echo "make report   set up, render the demo reports, print where index.html is"
	@echo "make test     set up, run the whole test suite (lint, unit, notebooks, browser)"
	@echo "make test-fast  set up, lint and run the unit tests only (no notebook runs, no browser)"
	@echo "make lab      set up, open JupyterLab on notebooks/ with the crmkit kernel"
	@echo "make bench    run the benchmarks (10x and 100x demo size) and record results"

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "crmkit needs Python 3.11+, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name crmkit --display-name "Python (crmkit)" >/dev/null
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/crmkit report --params $(PARAMS) --period $(PERIOD) $(JOBS_ARG)

# the whole suite in two passes: unit tests on every core (xdist), then the end-to-end
# runs (notebooks, slow builds, browser) one at a time, as they share rendered reports
test: $(STAMP)
	$(BIN)/ruff check crmkit tests bench tools notebooks
	$(BIN)/python -m pytest -q -n auto -m "not notebooks and not slow and not browser"
	$(BIN)/python -m pytest -m "notebooks or slow or browser"

# unit tests: no notebook runs (-m notebooks), no slow builds, no browser; on every core (xdist)
test-fast: $(STAMP)
	$(BIN)/ruff check crmkit tests bench tools notebooks
	$(BIN)/python -m pytest -q -p no:cacheprovider -n auto -m "not notebooks and not slow and not browser"

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

nbclean: $(STAMP)
	$(BIN)/python -c "import glob; from crmkit.reporting.notebooks import normalise_notebook as n; [print('cleaned', p) for p in sorted(glob.glob('notebooks/*.ipynb')) if n(p)]"

bench: $(STAMP)
	$(BIN)/python bench/bench_foundation.py
	$(BIN)/python bench/bench_synthetic.py
	$(BIN)/python bench/bench_clv.py
	$(BIN)/python bench/bench_segmentation.py
	$(BIN)/python bench/bench_cohorts.py
	$(BIN)/python bench/bench_churn.py
	$(BIN)/python bench/bench_basket.py
	$(BIN)/python bench/bench_forecast.py
	$(BIN)/python bench/bench_sales.py
	$(BIN)/python bench/bench_money.py
	$(BIN)/python bench/bench_satisfaction.py
	$(BIN)/python bench/bench_report.py --demo --repeats 3
	$(BIN)/python bench/bench_report.py

demo-data: $(STAMP)
	$(BIN)/crmkit demo-data --out demo_csv

clean:
	rm -rf $(VENV) reports .pytest_cache .ruff_cache
