# yiwang — two commands: `make run` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt constraints.txt | cksum | cut -d' ' -f1)
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
export PYTHONPATH := src

.PHONY: setup fonts run serve test test-sqlite test-sqlite-unit test-sqlite-live test-postgres test-postgres-unit test-postgres-browser test-postgres-live test-moved-clock lint format bench bench-replica loadtest messages openapi prod-local clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --no-compile -r requirements-dev.txt -c constraints.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

## The CJK font embedded in the applicants' PDF notices (Debian's fonts-wqy-zenhei), installed
## when root; without it the notices use ReportLab's built-in, non-embedded font (docs/cases.md).
FONT := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
fonts:
	@test -e $(FONT) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-wqy-zenhei >/dev/null 2>&1; } || \
		echo "Note: the PDF notices embed their Chinese font once fonts-wqy-zenhei is installed (sudo apt-get install fonts-wqy-zenhei); until then they use a built-in font."

## make run: set up, migrate, load the Jinan demo city and serve on http://127.0.0.1:$(PORT)
# The product as a city sees it: DEBUG off, so its own error pages (YIWANG_DEBUG=true for
# Django's debug pages while developing).
run: export YIWANG_DEBUG ?= false
run: setup fonts
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "  yiwang is starting on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  with a background worker (notifications, webhooks) and the scheduler (deadlines)."
	@if [ -n "$$YIWANG_MQTT_URL" ]; then \
		echo "  IoT alarms: the MQTT subscriber takes them from the broker in YIWANG_MQTT_URL (docs/iot.md)."; \
	else \
		echo "  IoT alarms over MQTT are off (set YIWANG_MQTT_URL=mqtt://127.0.0.1:1883 to take them)."; \
	fi
	@case "$$(echo "$$YIWANG_OPEN311_ASYNC" | tr A-Z a-z)" in true|1|yes|on) \
		echo "  Open311 requests are queued (YIWANG_OPEN311_ASYNC) and registered by an intake worker (docs/open311.md).";; esac
	@echo ""
	@trap 'kill $$worker $$scheduler $$subscriber $$intake 2>/dev/null' EXIT; \
	$(BIN)/python manage.py db_worker --no-reload --queue-name '*' & worker=$$!; \
	$(BIN)/python manage.py run_scheduler --interval 30 & scheduler=$$!; \
	if [ -n "$$YIWANG_MQTT_URL" ]; then $(BIN)/python manage.py mqtt_subscriber & subscriber=$$!; fi; \
	case "$$(echo "$$YIWANG_OPEN311_ASYNC" | tr A-Z a-z)" in true|1|yes|on) \
		$(BIN)/python manage.py open311_intake & intake=$$!;; esac; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: set up, run the suite on SQLite, then on PostgreSQL; lint, check migrations
# The browser pass drives one Chromium and leaves a core mostly idle, so it runs beside the
# SQLite parallel pass; lint beside the PostgreSQL parallel pass; the two live-server passes
# (the MQTT tests wait on the broker's timing) together at the end, on a quieter machine.
# Each pass has its own test database and prints its output whole when it ends; a failing
# pass fails `make test` all the same. One at a time: make lint test-sqlite test-postgres.
# GNU make 4 prints each pass's output whole (--output-sync); older makes interleave it.
OUTPUT_SYNC := $(if $(filter 3.%,$(MAKE_VERSION)),,--output-sync=target)
test: setup
	@$(MAKE) --no-print-directory -j2 $(OUTPUT_SYNC) test-sqlite-unit test-postgres-browser
	@$(MAKE) --no-print-directory -j2 $(OUTPUT_SYNC) test-postgres-unit lint
	@$(MAKE) --no-print-directory -j2 $(OUTPUT_SYNC) test-sqlite-live test-postgres-live

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	YIWANG_ENV=test $(BIN)/mypy --strict src/yiwang/core/workingdays.py src/yiwang/core/holidays \
		src/yiwang/core/audit src/yiwang/core/dbrouting.py src/yiwang/core/serialize.py \
		src/yiwang/core/calendar.py src/yiwang/identity/validators.py \
		$(wildcard src/yiwang/*/services.py src/yiwang/*/services src/yiwang/*/selectors.py src/yiwang/*/selectors src/yiwang/workflow)
	YIWANG_ENV=test $(BIN)/python manage.py makemigrations --check --dry-run
	YIWANG_ENV=test $(BIN)/python manage.py export_openapi --check

# Tests that run a live HTTP server share one per process: the browser tests run in a pass of
# their own, and so do the third-party clients served a live server (live_server). The browser
# tests run once: in the PostgreSQL pass (production's database) when PostgreSQL answers, else
# in the SQLite pass. The PostgreSQL pass skips the tests that touch no database (they ran on
# SQLite). Each pass prints its slowest tests (over 5 s).
UNIT := -m "not browser and not live_server"
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider --durations=15 --durations-min=5

# No test may depend on today (docs/testing.md): the SQLite parallel pass runs with the whole
# process clock moved out of the shipped holiday schedules (Debian's faketime), the PostgreSQL
# pass on the machine's own clock, so one `make test` proves both. Under faketime a thread's
# timed wait (a queue's get, an Event's wait) never returns, so the MQTT tests, which wait on
# the subscriber's network thread, run on SQLite in the live-server pass, on the real clock.
MOVED_CLOCK ?= 2027-06-15 10:00:00
FAKETIME := faketime -m '$(MOVED_CLOCK)'
MOVED_UNIT := -m "not browser and not live_server and not mqtt"

test-sqlite: test-sqlite-unit test-sqlite-live

test-sqlite-unit: setup
	@if command -v faketime >/dev/null 2>&1; then \
		echo "The SQLite pass runs with the process clock moved to $(MOVED_CLOCK) (faketime)"; \
		YIWANG_ENV=test DATABASE_URL= $(FAKETIME) $(PYTEST) -n 2 --dist loadscope $(MOVED_UNIT); \
	elif [ "$$CI" = "true" ]; then \
		echo "faketime is required on CI for the moved-clock pass (apt-get install faketime)" >&2; exit 1; \
	else \
		echo "Note: faketime is not installed, so the SQLite pass runs on today's clock (apt-get install faketime)."; \
		YIWANG_ENV=test DATABASE_URL= $(PYTEST) -n 2 --dist loadscope $(MOVED_UNIT); \
	fi

test-sqlite-live: setup
	@if $(BIN)/python bench/pg_available.py "$(PG_TEST_URL)"; then \
		echo "The browser tests run in the PostgreSQL pass (PostgreSQL answers at $(PG_TEST_URL))."; \
	else \
		YIWANG_ENV=test DATABASE_URL= $(PYTEST) -m browser; \
	fi
	YIWANG_ENV=test DATABASE_URL= $(PYTEST) -m "live_server or mqtt"

## make test-moved-clock: the SQLite parallel pass at another MOVED_CLOCK, e.g.
## MOVED_CLOCK='2026-12-21 10:00:00' make test-moved-clock (needs faketime)
test-moved-clock: setup
	YIWANG_ENV=test DATABASE_URL= $(FAKETIME) $(PYTEST) -n 2 --dist loadscope $(MOVED_UNIT)

test-postgres: test-postgres-unit test-postgres-browser test-postgres-live

# PG_PASS(name, command): the command when PostgreSQL answers at PG_TEST_URL; otherwise an
# error on CI, a note elsewhere.
define PG_PASS
@if $(BIN)/python bench/pg_available.py "$(PG_TEST_URL)"; then \
		$(2); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(PG_TEST_URL) is required on CI but not reachable" >&2; exit 1; \
	else \
		echo "Skipping the PostgreSQL $(1): no PostgreSQL at $(PG_TEST_URL) (set PG_TEST_URL to use another)."; \
	fi
endef

test-postgres-unit: setup
	$(call PG_PASS,unit pass,YIWANG_ENV=test YIWANG_TESTS_DATABASE_ONLY=true DATABASE_URL=$(PG_TEST_URL) $(PYTEST) -n 2 --dist loadscope $(UNIT))

test-postgres-browser: setup
	$(call PG_PASS,browser pass,YIWANG_ENV=test DATABASE_URL=$(PG_TEST_URL) $(PYTEST) -m browser)

# Its own test database, so it may run beside the browser pass.
test-postgres-live: setup
	$(call PG_PASS,live-server pass,YIWANG_ENV=test YIWANG_TEST_DATABASE_NAME=test_live_server DATABASE_URL=$(PG_TEST_URL) $(PYTEST) -m live_server)

format: setup
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

messages: setup
	cd src/yiwang && ../../$(BIN)/python ../../manage.py makemessages -l zh_Hans --no-obsolete
	cd src/yiwang && ../../$(BIN)/python ../../manage.py compilemessages

openapi: setup
	YIWANG_ENV=test $(BIN)/python manage.py export_openapi

BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432

# The benchmarks that need PostgreSQL, in the order `make bench` runs them.
PG_BENCHES := submit_path lifecycle audit_log reads open311_intake mqtt_intake

bench: setup
	YIWANG_ENV=test $(BIN)/python bench/catalog_search.py
	YIWANG_ENV=test $(BIN)/python bench/workflow.py
	$(BIN)/python bench/district_lookup.py
	@if $(BIN)/python bench/pg_available.py "$(BENCH_PG_URL)/postgres"; then \
		for b in $(PG_BENCHES); do \
			BENCH_PG_URL=$(BENCH_PG_URL) $(BIN)/python bench/$$b.py || exit 1; \
		done; \
	else \
		echo "Skipping bench/{$(PG_BENCHES)}.py: no PostgreSQL at $(BENCH_PG_URL)."; \
	fi

## make bench-replica: a streaming replica of the local PostgreSQL on port 5433 for the run
## (created and dropped again; run as root or postgres; not part of CI; docs/scaling.md)
bench-replica: setup
	$(BIN)/python bench/replica.py

## make loadtest: Locust, headless, against a fresh server on 127.0.0.1 (docs/scaling.md)
## LOAD_USERS (30), LOAD_SPAWN (5/s), LOAD_TIME (60s); not part of CI
loadtest: setup
	@$(BIN)/python -c "import locust" 2>/dev/null || \
		$(BIN)/python -m pip install -q -r requirements-load.txt -c constraints.txt
	BENCH_PG_URL=$(BENCH_PG_URL) $(BIN)/python bench/loadtest.py

## Production-like stack on the local PostgreSQL (see docs/deployment.md)
prod-local: setup
	./deploy/run-local-production.sh

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache .mypy_cache
