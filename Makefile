# orderdesk — the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install demo test-demo test-backup lint-containers serve test test-pg test-pg-races test-browser test-schemathesis test-processes test-deploy test-clock-shifted bench bench-quick lint format lock messages check-deploy clean

# A virtual environment with exactly what the lock file pins (hash-checked).
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## make demo: install, migrate, load demo data, collect static files, serve the console
## (orderdesk serve: gunicorn, DEBUG off) with the worker, on SQLite (the demo profile).
demo: export ORDERDESK_PROFILE ?= demo
demo: install
	$(BIN)/orderdesk migrate --noinput
	$(BIN)/orderdesk seed
	$(BIN)/orderdesk collectstatic --noinput --verbosity 0
	PORT=$(PORT) BIN=$(BIN) scripts/demo.sh

## make test-demo: `make demo` from a fresh clone on a free port, 40 identical orders at
## once (one 201, the rest 409, no connection dropped), then everything stopped.
test-demo: install
	$(BIN)/python tests/processes/demo_check.py

## make test-backup: docs/deploy.md §11 on PostgreSQL: pg_dump, pg_restore into a scratch
## database, the integrity checks on the copy (databases $(PG_URL)_backup and ..._restored).
test-backup: install
	BACKUP_DB_URL=$(PG_URL)_backup BIN=$(BIN) scripts/backup_restore_check.sh

## make lint-containers: hadolint on the Dockerfile, the structural check of compose.yaml,
## then scripts/container_smoke.sh (which builds and starts them only where an engine runs).
lint-containers: install
	$(BIN)/hadolint Dockerfile
	$(BIN)/pytest -q -p no:randomly tests/repository/test_operators_kit.py
	scripts/container_smoke.sh

## make test: the whole suite (SQLite; browser tests run when /usr/bin/chromium exists).
test: install
	$(BIN)/pytest -q -n 2 --dist loadfile

## make test-pg: the suite on PostgreSQL (without the browser tests, which test-browser runs).
test-pg: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -n 2 --dist loadfile -m "not browser"

## make test-pg-races: only the PostgreSQL-only tests (races under real threads, real worker
## processes killed and restarted: marker `postgres`), with the real clock.
test-pg-races: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -n 2 --dist loadfile -m "postgres and not browser"

## make test-browser: the browser tests alone, on PostgreSQL.
test-browser: install
	DATABASE_URL=$(PG_URL) ORDERDESK_REQUIRE_BROWSER=1 $(BIN)/pytest -q -m browser

## make test-schemathesis: S5, schemathesis against /api/v1 on PostgreSQL; prints its figures.
test-schemathesis: install
	DATABASE_URL=$(PG_URL) ORDERDESK_SCHEMATHESIS=1 $(BIN)/pytest -q tests/hostile_input

## make test-processes: two gunicorn servers + two workers on one PostgreSQL database
## (database $(PG_URL)_processes), then PostgreSQL restarted under load (a private cluster).
test-processes: install
	PROCESS_DB_URL=$(PG_URL)_processes $(BIN)/python tests/processes/many_processes.py
	$(BIN)/python tests/processes/db_restart.py

## make test-deploy: docs/deploy.md top to bottom (database $(PG_URL)_deploy), then stopped.
test-deploy: install
	DEPLOY_DB_URL=$(PG_URL)_deploy BIN=$(BIN) scripts/deploy_check.sh

## make test-clock-shifted: the suite (no browser) with the clock CLOCK_SHIFT ahead (Debian's
## faketime), so a test that depends on today's date fails here, not in a year. On SQLite by
## default; CLOCK_DB_URL=postgres://… runs it on PostgreSQL (CI does: one PostgreSQL run that
## is also the clock-shifted run; the database keeps its own clock, and no query reads it).
CLOCK_SHIFT ?= +200d
# xdist workers: CI runs 3 on 2 cores for the PostgreSQL run, whose workers wait on the server.
CLOCK_WORKERS ?= 2
CLOCK_DB_URL ?=
# Which tests: CI also leaves out the PostgreSQL-only races and process tests (marker
# `postgres`), which test-pg-races runs with the real clock: libfaketime cannot shift the clock
# of a sleeping thread (time.sleep fails with EINVAL under FAKETIME_DONT_FAKE_MONOTONIC, and a
# timed Event.wait hangs without it).
CLOCK_MARKS ?= not browser
# scripts/pytest_crash_retry.py: a test whose xdist worker crashed (libfaketime killed one
# once, without a traceback) runs again alone and must pass; any real failure fails at once.
# Deselected: tests that time real sockets, subprocesses or timers across processes (a hanging
# gateway's or webhook receiver's timeout, the simulators' timed webhooks, a fresh worker process, the database-down
# door check); under faketime those clocks disagree between processes. They depend on no date
# and run in every other step.
CLOCK_SHIFT_DESELECT = \
	--deselect src/orderdesk/messaging/tests/test_sender.py::test_n2_a_hanging_gateway_times_out_and_is_retried \
	--deselect src/orderdesk/webhooks/tests/test_webhooks.py::test_a_hanging_receiver_is_cut_off_by_the_timeout_and_does_not_hold_up_the_others \
	--deselect src/orderdesk/messaging/tests/test_whatsapp_cloud.py::test_the_simulator_posts_signed_receipts_on_a_timer_and_fails_listed_numbers \
	--deselect src/orderdesk/telephony/tests/test_simulator.py::test_simulator_speaks_exotels_api_over_http \
	--deselect src/orderdesk/telephony/tests/test_simulator.py::test_simulator_rings_an_inbound_call_to_the_agents_phone \
	--deselect src/orderdesk/core/tests/test_periodic_jobs.py::test_a_fresh_worker_on_a_fresh_database_runs_every_registered_job \
	--deselect src/orderdesk/core/tests/test_database_unavailable.py::test_every_door_answers_503_problem_json_while_the_database_is_unreachable
test-clock-shifted: install
	$(if $(CLOCK_DB_URL),DATABASE_URL=$(CLOCK_DB_URL)) FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f '$(CLOCK_SHIFT)' $(BIN)/python scripts/pytest_crash_retry.py -q -n $(CLOCK_WORKERS) --dist loadfile -m "$(CLOCK_MARKS)" $(CLOCK_SHIFT_DESELECT)

## make bench-quick: every script in bench/ at tiny sizes (SQLite and PostgreSQL at $(PG_URL)'s
## server; scratch databases named $(BENCH_DB_PREFIX)…); fails if any benchmark fails.
## make bench: the same scripts at the sizes docs/benchmarks.md records (hours, not minutes).
BENCH_DB_PREFIX ?=
bench-quick: install
	BIN=$(BIN) BENCH_PG_URL=$(PG_URL) BENCH_DB_PREFIX=$(BENCH_DB_PREFIX) bench/run.sh quick

bench: install
	BIN=$(BIN) BENCH_PG_URL=$(PG_URL) BENCH_DB_PREFIX=$(BENCH_DB_PREFIX) bench/run.sh full

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the layers contract in pyproject.toml (docs/architecture.md)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy: install
	ORDERDESK_PROFILE=production SECRET_KEY=$$($(BIN)/python -c "import secrets; print(secrets.token_urlsafe(60))") \
	ALLOWED_HOSTS=orderdesk.example.in $(BIN)/orderdesk check --deploy --fail-level WARNING

## make messages: add the source's new msgids to the Hindi catalogue
## (src/orderdesk/locale/hi/LC_MESSAGES/django.po) and compile its .mo, in Python (no GNU
## gettext); commit both. A test fails while the .mo is stale or a msgid is untranslated.
messages: install
	$(BIN)/python scripts/messages.py

## make lock: re-pin the dependencies after changing pyproject.toml.
lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links \
		--strip-extras --extra dev -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
