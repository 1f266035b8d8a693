#!/usr/bin/env bash
# Serve the demo: the background worker and the web console, until Ctrl-C.
set -euo pipefail
PORT="${PORT:-8000}"
BIN="${BIN:-.venv/bin}"
# CSAT links in customer messages point here (C3).
export ORDERDESK_PUBLIC_URL="${ORDERDESK_PUBLIC_URL:-http://127.0.0.1:${PORT}}"

# The worker sends messages and owns every periodic job (message sweep, SLA sweep, KPI
# roll-up refresh, S4 retention, D10 missed follow-ups): it starts them itself.
"$BIN/orderdesk" worker --interval 1 --no-reload >var/worker.log 2>&1 &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null || true' EXIT INT TERM

cat <<TXT

  orderdesk is running at  http://127.0.0.1:${PORT}/
  API docs:                http://127.0.0.1:${PORT}/api/v1/docs
  Back office (admin):     http://127.0.0.1:${PORT}/admin/
  Worker log:              var/worker.log
  Messages "sent" (demo):  var/messages.jsonl (SMS/WhatsApp; e-mail in the worker log)

  Demo logins (password for all: demo)
    demo-sales        sales agent        -> /console/sales/
    demo-sales2       sales agent        -> /console/sales/
    demo-cx           CX agent           -> /console/cx/
    demo-ops          operations         -> /console/ops/
    demo-supervisor   supervisor         -> /console/supervisor/
    demo-admin        admin              -> /console/admin-home/ and /admin/
    demo-app          customer app (API client: POST /api/v1/auth/token)
    demo-vendor       vendor (API client: POST /api/v1/auth/token)

  Stop with Ctrl-C.

TXT
"$BIN/orderdesk" runserver "127.0.0.1:${PORT}" --noreload
