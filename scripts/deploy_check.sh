#!/usr/bin/env bash
# docs/deploy.md, top to bottom, on this machine: a fresh PostgreSQL database, two
# web processes (orderdesk serve) on two free loopback ports and one worker; checks
# that they serve (health, readiness, static files, a console login, an order through
# each server, metrics, the worker sending the confirmations), then stops them and
# drops the database.
#
#   DEPLOY_DB_URL=postgres://postgres@127.0.0.1:5432/wt_prod_deploy scripts/deploy_check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
DEPLOY_DB_URL="${DEPLOY_DB_URL:-postgres://postgres@127.0.0.1:5432/wt_prod_deploy}"
DB_NAME="${DEPLOY_DB_URL##*/}"
ADMIN_URL="${DEPLOY_DB_URL%/*}/postgres"
WORK="$(mktemp -d -t orderdesk-deploy-XXXXXX)"
PIDS=()
started=$SECONDS

say() { printf '[deploy-check %3ds] %s\n' "$((SECONDS - started))" "$*"; }
free_port() { "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cleanup() {
  status=$?
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log"; tail -n 40 "$log"; }; done
  fi
  psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT INT TERM

# 1. Install.
say "1. install"
make --no-print-directory install BIN="$BIN" >/dev/null

# 2. The database.
say "2. a fresh database $DB_NAME"
psql -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null
psql -q "$ADMIN_URL" -c "CREATE DATABASE \"$DB_NAME\"" >/dev/null

# 3. Settings: one environment file read by every process.
say "3. settings (environment file)"
cat >"$WORK/env" <<ENV
ORDERDESK_PROFILE=production
SECRET_KEY=$("$BIN/python" -c "import secrets; print(secrets.token_urlsafe(60))")
ALLOWED_HOSTS=127.0.0.1,localhost
DATABASE_URL=$DEPLOY_DB_URL
ORDERDESK_PUBLIC_URL=http://127.0.0.1
ORDERDESK_VAR=$WORK/var
SECURE_SSL_REDIRECT=0
BEHIND_TLS_PROXY=0
WEB_CONCURRENCY=2
METRICS_TOKEN=$("$BIN/python" -c "import secrets; print(secrets.token_urlsafe(32))")
MESSAGING_FILE_PATH=$WORK/var/messages.jsonl
MESSAGING_EMAIL_PROVIDER=file
MESSAGING_CALLING_HOURS=00:00-23:59
LOG_LEVEL=INFO
ENV
# (SECURE_SSL_REDIRECT/BEHIND_TLS_PROXY off and the file gateway: loopback, no TLS proxy, no SMTP.)
set -a
# shellcheck disable=SC1091
. "$WORK/env"
set +a
"$BIN/orderdesk" check --deploy --fail-level ERROR >/dev/null

# 4. Migrate, collect static files, the first admin (the worker starts the periodic jobs).
say "4. migrate, collectstatic, createsuperuser, demo data (trial only)"
"$BIN/orderdesk" migrate --noinput >"$WORK/migrate.log"
"$BIN/orderdesk" collectstatic --noinput >"$WORK/collectstatic.log"
DJANGO_SUPERUSER_PASSWORD="$("$BIN/python" -c "import secrets; print(secrets.token_urlsafe(16))")" \
  "$BIN/orderdesk" createsuperuser --noinput --username deploy-admin --email admin@example.in --role admin >/dev/null
"$BIN/orderdesk" seed >"$WORK/seed.log" 2>&1   # the check logs in as the demo users

# 5. Web processes, 6. the worker.
PORT_A="$(free_port)"
PORT_B="$(free_port)"
say "5. two web processes on 127.0.0.1:$PORT_A and 127.0.0.1:$PORT_B; 6. one worker"
"$BIN/orderdesk" serve --bind "127.0.0.1:$PORT_A" >"$WORK/web-a.log" 2>&1 &
PIDS+=($!)
"$BIN/orderdesk" serve --bind "127.0.0.1:$PORT_B" >"$WORK/web-b.log" 2>&1 &
PIDS+=($!)
"$BIN/orderdesk" worker --no-reload >"$WORK/worker.log" 2>&1 &
PIDS+=($!)

# 7. Check it serves.
for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/api/v1/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fsS "http://127.0.0.1:$port/api/v1/health"
  echo
done
say "7. checks: health, ready, static, login, orders, metrics, worker"
"$BIN/python" tests/processes/deploy_smoke.py "$PORT_A" "$PORT_B"

# Stop: SIGTERM, and every process must exit cleanly.
say "stopping (SIGTERM)"
for pid in "${PIDS[@]}"; do kill -TERM "$pid"; done
for pid in "${PIDS[@]}"; do
  if ! wait "$pid"; then echo "process $pid did not exit cleanly" >&2; exit 1; fi
done
PIDS=()
grep -q '"logger": "gunicorn.access"' "$WORK/web-a.log" || { echo "no JSON access log" >&2; exit 1; }
say "deploy check passed"
