#!/usr/bin/env bash
# Serve the demo: the background worker and the web console, until Ctrl-C.
set -euo pipefail
PORT="${PORT:-8000}"
BIN="${BIN:-.venv/bin}"
# CSAT links in customer messages point here (C3).
export ORDERDESK_PUBLIC_URL="${ORDERDESK_PUBLIC_URL:-http://127.0.0.1:${PORT}}"

# WHATSAPP_SIMULATOR=1 make demo: WhatsApp through the Cloud API provider, against the
# simulator (a fake Graph API that posts signed receipts and customer messages to our
# webhook; docs/whatsapp.md). Without it the file gateway stays the demo's WhatsApp.
SIMULATOR=""
SIM_LINE="off (WHATSAPP_SIMULATOR=1 make demo)"
if [ "${WHATSAPP_SIMULATOR:-0}" = "1" ]; then
  SIM_PORT="${WHATSAPP_SIMULATOR_PORT:-8171}"
  export MESSAGING_WHATSAPP_PROVIDER=cloud
  export WHATSAPP_CLOUD_BASE_URL="http://127.0.0.1:${SIM_PORT}"
  export WHATSAPP_PHONE_NUMBER_ID="${WHATSAPP_PHONE_NUMBER_ID:-SIM}"
  export WHATSAPP_ACCESS_TOKEN="${WHATSAPP_ACCESS_TOKEN:-sim-token}"
  export WHATSAPP_APP_SECRET="${WHATSAPP_APP_SECRET:-sim-app-secret}"
  export WHATSAPP_VERIFY_TOKEN="${WHATSAPP_VERIFY_TOKEN:-sim-verify-token}"
  "$BIN/orderdesk" whatsapp_simulator --port "$SIM_PORT" --receipts-every 2 \
    --webhook "http://127.0.0.1:${PORT}/webhooks/whatsapp/" >var/whatsapp-simulator.log 2>&1 &
  SIMULATOR=$!
  SIM_LINE="http://127.0.0.1:${SIM_PORT}/_sim/sent; a customer writes: POST /_sim/inbound"
fi

# The worker is also the message sender (messaging.tasks); start its periodic sweep now.
"$BIN/orderdesk" send_messages --schedule >/dev/null
# ...and the CX SLA sweep (C2: breaches escalate to a supervisor).
"$BIN/orderdesk" sla_sweep --schedule >/dev/null
# ...and the S4 retention job (daily: anonymise customers past the retention period).
"$BIN/orderdesk" retention --schedule >/dev/null
# ...and the KPI roll-up refresh (the supervisor dashboard reads daily roll-ups).
"$BIN/orderdesk" kpis_rollup --schedule >/dev/null
"$BIN/orderdesk" worker --interval 1 --no-reload >var/worker.log 2>&1 &
WORKER=$!
trap 'kill "$WORKER" $SIMULATOR 2>/dev/null || true' EXIT INT TERM

cat <<TXT

  orderdesk is running at  http://127.0.0.1:${PORT}/
  API docs:                http://127.0.0.1:${PORT}/api/v1/docs
  Back office (admin):     http://127.0.0.1:${PORT}/admin/
  Worker log:              var/worker.log
  Messages "sent" (demo):  var/messages.jsonl (SMS/WhatsApp; e-mail in the worker log)
  WhatsApp simulator:      ${SIM_LINE}

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
