# Three commands: `make notebooks` (the analysis), `make test` (everything CI checks) and
# `make docs` (the documentation site, also part of `make test`).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0

.PHONY: install notebooks test lint pytest doctest nbval figures-check pairing-check docs lock bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# Execute every notebook top to bottom in place; each writes its figures to figures/.
notebooks: $(STAMP)
	@for nb in $(NOTEBOOKS); do \
	  echo "executing $$nb"; \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.record_timing=False \
	    --ExecutePreprocessor.kernel_name=python3 $$nb || exit 1; \
	  $(BIN)/jupytext --quiet --to py:percent $$nb || exit 1; \
	done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

pairing-check: $(STAMP)
	$(BIN)/python tools/check_pairing.py $(NOTEBOOKS)

# pytest exits 5 when it collected nothing: treat that as a failure, never a pass.
pytest: $(STAMP)
	@$(BIN)/python -m pytest tests; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

# The Examples sections of the package's docstrings run as doctests.
doctest: $(STAMP)
	@$(BIN)/python -m pytest -p no:cacheprovider -q --doctest-modules forensics; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "doctest collected no examples: failing"; exit 1; fi; exit $$rc

# nbval re-runs every stored notebook and compares its outputs; the run rewrites figures/.
nbval: $(STAMP)
	@$(BIN)/python -m pytest -p no:cacheprovider --nbval --nbval-current-env \
	  --nbval-sanitize-with notebooks/sanitize.cfg -o filterwarnings= notebooks; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "nbval collected no notebook cells: failing"; exit 1; fi; exit $$rc

# Regenerated figures must be byte-identical to the committed ones.
figures-check:
	@git diff --exit-code --stat -- figures/ || \
	  (echo "figures/ differ from the committed files (see above)"; exit 1)
	@test -z "$$(git ls-files --others --exclude-standard figures/)" || \
	  (echo "untracked figures:"; git ls-files --others --exclude-standard figures/; exit 1)

# The documentation site, from a clean tree (generated API pages and copied notebooks
# would otherwise outlive a removed name or notebook); any Sphinx warning fails the build.
# Notebooks are rendered from their stored outputs, never executed.
docs: $(STAMP)
	rm -rf docs/_build docs/api docs/notebooks
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "documentation: docs/_build/html/index.html"

test: lint pairing-check pytest doctest docs nbval figures-check

lock:
	uv pip compile pyproject.toml requirements.in --all-extras --generate-hashes \
	  --python-version 3.11 --no-header --custom-compile-command "make lock" -o requirements.lock

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache docs/_build docs/api docs/notebooks
