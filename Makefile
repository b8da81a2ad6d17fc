# Two commands set up a fresh machine: `make demo` (the main job) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

.PHONY: install demo test lint bench clean

$(BIN)/nianbao: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/nianbao

demo: install
	$(BIN)/nianbao demo

# pytest exits 5 when it collected no test: reported, not hidden as a pass of something.
test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests"; exit 0; fi; \
	exit $$status

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/run.py --shared $(SHARED)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
