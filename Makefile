# Two commands set up a fresh machine: `make demo` (the main job) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

# Debian packages (Chromium for browser tests, LibreOffice for .doc): one per line.
SYSTEM_PACKAGES := $(shell grep -v '^\#' ci/apt-packages.txt)

.PHONY: install system-deps demo test lint bench fixtures clean

$(BIN)/nianbao: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/nianbao

# Installs what is missing when run as root (CI, containers); otherwise says what to install.
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "make: installing $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $$missing >/dev/null; \
	else echo "make: missing system packages (sudo apt-get install $$missing)"; fi

demo: install
	$(BIN)/nianbao demo

# pytest exits 5 when it collected no test: reported, not hidden as a pass of something.
test: install system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests"; exit 0; fi; \
	exit $$status

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m bench.run

# Copies new and changed reports of ../shared (or SHARED=DIR) into tests/fixtures/.
fixtures: install
	$(BIN)/python -m tests.refresh_fixtures $(SHARED)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
