#!/usr/bin/env bash
# Run every benchmark in bench/: `bench/run.sh quick` (tiny sizes, a smoke test for CI: each
# script must still run green at HEAD) or `bench/run.sh full` (the sizes docs/benchmarks.md
# records). Any failure fails the run, after the others have run; each script's output goes
# to stdout with its wall time.
#
# Environment: BIN (.venv/bin), BENCH_PG_URL (the PostgreSQL server; the database part is
# ignored), BENCH_DB_PREFIX (prefixes every scratch database's name, so runs sharing a server
# stay apart). A new script in bench/ must be added below (the check at the end fails if not).
#
# The issue-17 figures P1-P7: each script prints one JSON line per figure (bench/_figure.py)
# and appends it to $BENCH_FIGURES; at the end they are printed as the run's summary and
# written to bench/results/latest.jsonl (git-ignored). A figure that is not met does not fail
# the run (quick mode's sizes are too small to mean anything); a script that fails does.
set -uo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-quick}"
BIN="${BIN:-.venv/bin}"
PY="$BIN/python"
export DEBUG=0
failed=()
ran=()
mkdir -p bench/results
BENCH_FIGURES="$(mktemp bench/results/figures.XXXXXX.tmp)"
export BENCH_FIGURES
TEMPLATES=""
export MIGRATED_TEMPLATE=""
cleanup() {
  rm -f "$BENCH_FIGURES"
  if [[ -n "$TEMPLATES" ]]; then
    rm -rf "$TEMPLATES"
    "$PY" - <<'PY' || true
import os, psycopg, sys
sys.path.insert(0, "bench")
from _scratch import DEFAULT_PG_SERVER, _with_db
server = os.environ.get("BENCH_PG_URL") or os.environ.get("DATABASE_URL") or DEFAULT_PG_SERVER
with psycopg.connect(_with_db(server, "postgres"), autocommit=True) as conn:
    for name in (os.environ["BENCH_PG_TEMPLATE"], os.environ["MIGRATED_TEMPLATE"]):
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
PY
  fi
}
trap cleanup EXIT

run() {  # run NAME ARGS...: one benchmark script
  local name="$1"
  shift
  ran+=("$name")
  printf '\n---- bench/%s.py %s\n' "$name" "$*"
  local start=$SECONDS
  if "$PY" "bench/$name.py" "$@"; then
    printf -- '---- bench/%s.py: ok in %d s\n' "$name" $((SECONDS - start))
  else
    printf -- '---- bench/%s.py: FAILED after %d s\n' "$name" $((SECONDS - start))
    failed+=("$name")
  fi
}

templates() {  # quick mode: a migrated template database, and a demo-seeded copy of it
  TEMPLATES="$(mktemp -d)"
  export BENCH_SQLITE_TEMPLATE="$TEMPLATES/template.sqlite3"
  MIGRATED_TEMPLATE="${BENCH_DB_PREFIX:-}orderdesk_bench_template_migrated"
  export BENCH_PG_TEMPLATE="${BENCH_DB_PREFIX:-}orderdesk_bench_template"
  local start=$SECONDS pg_url
  (DATABASE_URL="" SQLITE_PATH="$BENCH_SQLITE_TEMPLATE" "$BIN/orderdesk" migrate -v0 &&
    DATABASE_URL="" SQLITE_PATH="$BENCH_SQLITE_TEMPLATE" "$BIN/orderdesk" seed -v0) &
  local sqlite_job=$!
  pg_url="$(template_db "$MIGRATED_TEMPLATE" "")" || return 1
  DATABASE_URL="$pg_url" "$BIN/orderdesk" migrate -v0 || return 1
  pg_url="$(template_db "$BENCH_PG_TEMPLATE" "$MIGRATED_TEMPLATE")" || return 1
  DATABASE_URL="$pg_url" "$BIN/orderdesk" seed -v0 || return 1
  wait "$sqlite_job" || return 1
  printf -- '---- templates (migrated; migrated and demo seeded): ready in %d s\n' $((SECONDS - start))
}

template_db() {  # template_db NAME [TEMPLATE]: (re)create a PostgreSQL database, print its URL
  "$PY" - "$@" <<'PY'
import os, psycopg, sys
sys.path.insert(0, "bench")
from _scratch import DEFAULT_PG_SERVER, _with_db
server = os.environ.get("BENCH_PG_URL") or os.environ.get("DATABASE_URL") or DEFAULT_PG_SERVER
name, template = sys.argv[1], sys.argv[2]
with psycopg.connect(_with_db(server, "postgres"), autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
print(_with_db(server, name))
PY
}

messages() {  # the messages benchmark migrates and empties whatever database it is given
  local tmp
  tmp="$(mktemp -d)"
  [[ -n "${BENCH_SQLITE_TEMPLATE:-}" ]] && cp "$BENCH_SQLITE_TEMPLATE" "$tmp/messages.sqlite3"
  DATABASE_URL="" SQLITE_PATH="$tmp/messages.sqlite3" run messages_throughput "$@"
  rm -rf "$tmp"
}

case "$MODE" in
  quick)
    # Sizes: each script still runs its whole path and prints its figure line, in about
    # 2 minutes in all on a quiet 2-core machine (docs/benchmarks.md); migrations and the
    # demo seed are paid once, in the templates.
    if ! templates; then
      echo "could not prepare the quick-mode template databases" >&2
      exit 1
    fi
    run seed_customers --database sqlite --customers 200 --batch-size 100
    run quote_endpoint --database sqlite --requests 10
    run seed_customers --database postgres --customers 200 --batch-size 100
    run quote_endpoint --database postgres --requests 10
    run api_read --seconds 1 --clients 1 --workers 1 --python-load
    run storefront_pages --visitors 2 --rounds 1 --workers 1
    run leads_queue --customers 200 --contacts 500 --runs 2 --baseline-customers 50 --baseline-contacts 100
    run lead_import --rows 300 --existing 50 --batch-size 100 --rerun
    # orders_throughput and sla_sweep start from the migrated template without the demo:
    # the demo's rows break their counts (a ticket already due, ids in the pgbench script).
    BENCH_PG_TEMPLATE="$MIGRATED_TEMPLATE" run orders_throughput --orders 6 --warmup 2 --rounds 1 --clients 2 --workers 1
    run kpi_dashboard --contacts 500 --runs 1 --verify 1 --baseline-contacts 100
    BENCH_PG_TEMPLATE="$MIGRATED_TEMPLATE" run sla_sweep --tickets 200 --batch-size 50
    BENCH_PG_TEMPLATE="$MIGRATED_TEMPLATE" run telephony_webhooks --seconds 1 --clients 1 --workers 1 --calls 5
    messages --messages 30 --senders 1 --delay-messages 5 --rate 50
    run rss_soak --warmup 20 --requests 80
    ;;
  full)
    run seed_customers --database sqlite --customers 1000000
    run seed_customers --database postgres --customers 1000000
    run quote_endpoint --database sqlite --requests 1000
    run quote_endpoint --database postgres --requests 1000
    run api_read --seconds 20 --clients 4 --workers 2
    run storefront_pages --visitors 50 --rounds 10
    run leads_queue --customers 1000000 --contacts 5000000 --baseline-customers 10000 --baseline-contacts 50000
    run lead_import --rows 1000000 --existing 100000 --rerun
    run orders_throughput
    run kpi_dashboard --contacts 1000000 --replicate 5 --runs 10 --baseline-contacts 50000
    run sla_sweep
    run telephony_webhooks --seconds 10 --clients 4 --workers 2 --calls 100
    messages
    run rss_soak --warmup 2000 --requests 100000
    ;;
  *)
    echo "usage: bench/run.sh quick|full" >&2
    exit 2
    ;;
esac

# Every script in bench/ ran (a new benchmark cannot be left out of CI by accident).
for script in bench/*.py; do
  name="$(basename "$script" .py)"
  [[ "$name" == _* ]] && continue
  if [[ " ${ran[*]} " != *" $name "* ]]; then
    echo "bench/$name.py is not run by bench/run.sh: add it to both modes" >&2
    failed+=("$name (not listed)")
  fi
done

# The figures' summary (one JSON line each), also kept in bench/results/latest.jsonl.
cp "$BENCH_FIGURES" bench/results/latest.jsonl
printf '\n==== issue-17 figures (%s mode; bench/results/latest.jsonl)\n' "$MODE"
"$PY" - "$BENCH_FIGURES" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
for r in sorted(rows, key=lambda r: r["figure"]):
    sign = ">=" if r["better"] == "higher" else "<="
    print(f'{r["figure"]}  ratio {r["ratio"]:<8} target {sign} {r["target"]:<5} '
          f'{"met" if r["met"] else "NOT met":8} load {r["load"]:<5} {r["what"]}')
missing = sorted({f"P{i}" for i in range(1, 8)} - {r["figure"] for r in rows})
if missing:
    print("no figure from: " + ", ".join(missing))
PY
cat "$BENCH_FIGURES"

if ((${#failed[@]})); then
  printf '\nbenchmarks FAILED: %s\n' "${failed[*]}" >&2
  exit 1
fi
printf '\nall benchmarks ran green (%s)\n' "$MODE"
