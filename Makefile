# Two commands set everything up on a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SOURCE ?= seeds
OUT    ?= reports

.PHONY: help venv report test lint lab bench eval browser clean

help:
	@echo "make report  - create .venv, install, render the HTML reports for $(SOURCE)/ into $(OUT)/"
	@echo "make test    - create .venv, install, run the whole test suite (notebooks and browser included)"
	@echo "make lab     - JupyterLab on notebooks/ with the project's kernel (options: LAB_ARGS=...)"
	@echo "make bench   - throughput and memory benchmarks against named baselines"
	@echo "make eval    - precision and recall on the hand-judged sentences (needs ../shared/corpora)"

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (news-mentions)" >/dev/null
	touch $(STAMP)

# Headless Chromium for the report browser tests (Debian's package). Installed when we can
# (root with apt-get); otherwise the browser tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "WARNING: could not install chromium; browser tests will be skipped"; \
	  else echo "NOTE: chromium not found and cannot be installed here; browser tests will be skipped"; fi; }

report: $(STAMP)
	$(PY) -m analysis report $(SOURCE) --out $(OUT)

LINTED := analysis tests benchmarks evaluation notebooks/teaching/src notebooks/teaching/build.py

test: $(STAMP) browser
	$(PY) -m ruff check $(LINTED)
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check $(LINTED)
	$(VENV)/bin/lint-imports

# Jupyter refuses to start as root without --allow-root (containers run as root); LAB_ARGS
# passes any other option: make lab LAB_ARGS="--no-browser --port 8899".
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(LAB_ROOT) $(LAB_ARGS) notebooks/

bench: $(STAMP)
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) -m benchmarks

eval: $(STAMP)
	$(PY) -m evaluation

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
