# Alliance: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv run test lint typecheck pytest bench fuzz clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: venv
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py load_demo
	@echo "Alliance is starting on http://127.0.0.1:8000 (Ctrl+C stops it)."
	@trap 'kill 0' INT TERM EXIT; \
	  DEBUG=true $(BIN)/python manage.py run_huey --quiet & \
	  DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

test: venv lint typecheck pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy .

# One worker per core (pytest-xdist): the browser tests and the adversary's 500 random
# collectives keep a core busy each; PYTEST_ARGS="-n 0" runs them in one process. Bytecode
# is written even where the environment says not to (PYTHONDONTWRITEBYTECODE), so that the
# workers and the manage.py processes the tests start do not each compile every module.
pytest:
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

bench: venv
	$(BIN)/python bench/run.py

# Schemathesis over every API operation as every role, for FUZZ_SECONDS (default 20 minutes)
# with FUZZ_EXAMPLES requests per operation, role and kind (valid, invalid) in each round.
FUZZ_SECONDS ?= 1200
FUZZ_EXAMPLES ?= 10
fuzz: venv
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
	  $(BIN)/python -m pytest -p no:cacheprovider -s alliance/tests/test_api_fuzz.py

clean:
	rm -rf $(VENV) staticfiles alliance.sqlite3* alliance-jobs.sqlite3*
