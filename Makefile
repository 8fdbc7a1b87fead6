# Set-up and everyday tasks. Needs Python 3.11+ (python3) and GNU make.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
OUT    ?= out/konstantinovka

.PHONY: example test lint docs lab clean

# A virtual environment with the package and everything its tests and notebooks need.
# torch is installed first and pinned, so that pip takes the CPU build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "torch==2.13.0"
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

## The main job on the bundled example: writes tables, figures and report.html into $(OUT).
example: $(VENV)/.installed
	$(BIN)/narrative compare data/konstantinovka --out $(OUT) --force

## The whole test suite (unit, CLI end to end with the real model, notebooks).
test: $(VENV)/.installed
	$(BIN)/ruff check narrative tests bench
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check narrative tests bench
	$(BIN)/ruff format --check narrative tests bench

## README images (docs/notebook-N-*.png): notebook 5 run headless, one figure per notebook.
docs: $(VENV)/.installed
	mkdir -p build
	$(BIN)/papermill notebooks/05-paper-figures.ipynb build/05-paper-figures.ipynb -k python3 --cwd notebooks \
		-p out_dir ../build/paper-docs -p readme_dir ../docs -p dpi 110

## Open the notebook suite in JupyterLab (--allow-root only when run as root).
lab: $(VENV)/.installed
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

clean:
	rm -rf $(VENV) out .pytest_cache
