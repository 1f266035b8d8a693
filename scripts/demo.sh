#!/usr/bin/env bash
# Serve the demo: the background worker and the web console, until Ctrl-C.
set -euo pipefail
PORT="${PORT:-8000}"
BIN="${BIN:-.venv/bin}"
# CSAT links in customer messages point here (C3).
export ORDERDESK_PUBLIC_URL="${ORDERDESK_PUBLIC_URL:-http://127.0.0.1:${PORT}}"
# Telephony through our simulator (docs/telephony.md): click-to-call with no account.
SIM_PORT="${SIM_PORT:-8159}"
export TELEPHONY_ENABLED="${TELEPHONY_ENABLED:-1}"
export TELEPHONY_PROVIDER="${TELEPHONY_PROVIDER:-simulator}"
export TELEPHONY_SIMULATOR_URL="${TELEPHONY_SIMULATOR_URL:-http://127.0.0.1:${SIM_PORT}}"

# The worker is also the message sender (messaging.tasks); start its periodic sweep now.
"$BIN/orderdesk" send_messages --schedule >/dev/null
# ...and the CX SLA sweep (C2: breaches escalate to a supervisor).
"$BIN/orderdesk" sla_sweep --schedule >/dev/null
# ...and the S4 retention job (daily: anonymise customers past the retention period).
"$BIN/orderdesk" retention --schedule >/dev/null
# ...and the KPI roll-up refresh (the supervisor dashboard reads daily roll-ups).
"$BIN/orderdesk" kpis_rollup --schedule >/dev/null
# ...and the telephony sweep (stale calls polled, recordings copied and deleted on schedule).
"$BIN/orderdesk" telephony_sweep --schedule >/dev/null
"$BIN/orderdesk" worker --interval 1 --no-reload >var/worker.log 2>&1 &
WORKER=$!
"$BIN/orderdesk" telephony_simulator --port "$SIM_PORT" >var/telephony-simulator.log 2>&1 &
SIMULATOR=$!
trap 'kill "$WORKER" "$SIMULATOR" 2>/dev/null || true' EXIT INT TERM

cat <<TXT

  orderdesk is running at  http://127.0.0.1:${PORT}/
  API docs:                http://127.0.0.1:${PORT}/api/v1/docs
  Back office (admin):     http://127.0.0.1:${PORT}/admin/
  Worker log:              var/worker.log
  Messages "sent" (demo):  var/messages.jsonl (SMS/WhatsApp; e-mail in the worker log)
  Telephony simulator:     http://127.0.0.1:${SIM_PORT}/ (Call on a lead page; a number
                           ending 0 is busy, 9 rings out, 8 fails, others answer)

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
