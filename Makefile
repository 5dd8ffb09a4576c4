# The two contract commands: `make demo` and `make test`; `make check` is the
# edit loop (lint and every test that needs no dbt build, about a minute).
# Everything installs into .venv inside the project; nothing outside it is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: install browser demo test check lint sqlfluff pytest pytest-fast pytest-server dbt-build bench bench-10m bench-lane-b bench-views bench-ingest bench-reader bench-interrupted bench-activity clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

demo: install
	$(BIN)/loader demo

# Debian's Chromium for the weekly report's browser test (tests/python/test_weekly_report.py),
# installed where this machine can (root and apt-get). Without one the test skips, or
# fails under CI=true.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  { apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
	    { apt-get update -qq >/dev/null 2>&1 && \
	      apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; }; }; } || \
	echo "== no Chromium here and no way to install it: the report's browser test skips =="

test: install browser lint sqlfluff pytest pytest-server

check: install lint sqlfluff pytest-fast

lint: install
	$(BIN)/ruff check loader tests/python bench
	$(BIN)/ruff format --check loader tests/python bench

sqlfluff: install
	$(BIN)/loader exec sqlfluff lint --processes 0 models macros tests/dbt

# The whole suite on a throwaway embedded PostgreSQL (one per worker).
pytest: install
	$(BIN)/pytest -n auto --dist loadfile

# Everything but the tests that run dbt or kill processes (markers `dbt`, `slow`).
pytest-fast: install
	$(BIN)/pytest -n auto --dist loadfile -m "not dbt and not slow"

# The database tests again on the machine's PostgreSQL service, when one answers.
pytest-server: install
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(LANES_SERVER_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "== database tests again, against the server at LANES_SERVER_URL =="; \
		LANES_TEST_SERVER='$(LANES_SERVER_URL)' $(BIN)/pytest -n auto --dist loadfile -m "not embedded_only"; \
	else \
		echo "== no PostgreSQL answers at $(LANES_SERVER_URL): server compatibility run skipped =="; \
	fi

LANES_SERVER_URL ?= postgresql://127.0.0.1:5432/test?connect_timeout=3

# Lane A at 100k and 1M meetings: ingest vs the COPY floor, build, ready-view
# queries; one table in bench/results.md, plans in bench/plans/.
bench: install
	$(BIN)/python bench/lanes_bench.py

# The same at 10M meetings (CSV only; about 1 GB generated into bench/out/).
bench-10m: install
	$(BIN)/python bench/lanes_bench.py --sizes 10000000 --no-xlsx --results bench/results_10m.md

# Lane B at 1M partner meetings (100k partners): ingests, build, the partner
# ready view's queries; bench/results_lane_b.md, plans in bench/plans/.
bench-lane-b: install
	$(BIN)/python bench/partner_bench.py

# Only the ready views' dashboard queries at 1M meetings.
bench-views: install
	$(BIN)/python bench/view_bench.py

# A 1M-row workbook read under the reader's memory ceiling (loader + reader peak).
bench-reader: install
	$(BIN)/python bench/reader_memory_bench.py

# 400k meetings: a load killed at each moment, then run again, against a fresh load.
bench-interrupted: install
	$(BIN)/python bench/interrupted_bench.py

# Tool activity matched by email, 10k to 1M rows: the cost per row stays flat.
bench-activity: install
	$(BIN)/python bench/activity_bench.py

# The ingest against a row-by-row INSERT baseline, 10k to 1M rows.
bench-ingest: install
	$(BIN)/python bench/ingest_bench.py

clean:
	rm -rf $(VENV) target logs .pytest_cache .ruff_cache
