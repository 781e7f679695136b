# Every target creates .venv and installs the project into it when needed: a fresh clone
# needs nothing installed by hand beyond Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo docs test test-sqlite test-postgres test-slow lint format serve migrate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m mentorbot demo

# Every message a user receives, rendered (docs/messages.md); a test keeps it current.
docs: $(STAMP)
	$(BIN)/python -m mentorbot demo --markdown docs/messages.md > /dev/null

# The suite runs on SQLite, then again on PostgreSQL when TEST_DATABASE_URL points at one
# (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test; .ci/run sets it). The second pass
# leaves out the tests that use no database under test (marked `once`: the unit tests, the
# demo, the benchmarks that run on SQLite): they already ran in the first.
test: $(STAMP)
	@echo "== test run on SQLite"
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== test run on PostgreSQL: $$TEST_DATABASE_URL"; \
		$(BIN)/python -m pytest -q; \
	fi

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow --run-slow

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(STAMP)
	$(BIN)/mentorbot db upgrade

serve: migrate
	$(BIN)/mentorbot serve

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
