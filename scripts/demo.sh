#!/usr/bin/env bash
# Serve the demo: the background worker and the web console, until Ctrl-C.
# The console is served as in production (orderdesk serve: gunicorn, several sync
# workers, DEBUG off, WhiteNoise with collectstatic's files) on SQLite in WAL mode,
# under the demo profile (plain http on loopback, the development key, no 2FA).
# `make demo` migrates, seeds and collects the static files first.
set -euo pipefail
PORT="${PORT:-8000}"
BIN="${BIN:-.venv/bin}"
export ORDERDESK_PROFILE="${ORDERDESK_PROFILE:-demo}"
# Sync workers take one request each; the rest wait in the listen backlog (never
# reset), and SQLite writers queue on the write lock (IMMEDIATE transactions, busy
# timeout 20 s), so 40 clients at once are all answered.
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-3}"
export GUNICORN_ACCESS_LOG="${GUNICORN_ACCESS_LOG:-var/access.log}"
# CSAT links in customer messages point here (C3).
export ORDERDESK_PUBLIC_URL="${ORDERDESK_PUBLIC_URL:-http://127.0.0.1:${PORT}}"
# Telephony through our simulator (docs/telephony.md): click-to-call with no account.
TEL_SIM_PORT="${TEL_SIM_PORT:-8159}"
export TELEPHONY_ENABLED="${TELEPHONY_ENABLED:-1}"
export TELEPHONY_PROVIDER="${TELEPHONY_PROVIDER:-simulator}"
export TELEPHONY_SIMULATOR_URL="${TELEPHONY_SIMULATOR_URL:-http://127.0.0.1:${TEL_SIM_PORT}}"

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

# The worker sends messages and owns every periodic job (message sweep, SLA sweep, KPI
# roll-up refresh, S4 retention, D10 missed follow-ups): it starts them itself.
"$BIN/orderdesk" worker --interval 1 --no-reload >var/worker.log 2>&1 &
WORKER=$!
"$BIN/orderdesk" telephony_simulator --port "$TEL_SIM_PORT" >var/telephony-simulator.log 2>&1 &
TEL_SIMULATOR=$!
trap 'kill "$WORKER" "$TEL_SIMULATOR" $SIMULATOR 2>/dev/null || true' EXIT INT TERM

cat <<TXT

  orderdesk is running at  http://127.0.0.1:${PORT}/
  API docs:                http://127.0.0.1:${PORT}/api/v1/docs
  Back office (admin):     http://127.0.0.1:${PORT}/admin/
  Worker log:              var/worker.log (web access log: var/access.log)
  Messages "sent" (demo):  var/messages.jsonl (SMS/WhatsApp; e-mail in the worker log)
  WhatsApp simulator:      ${SIM_LINE}
  Telephony simulator:     http://127.0.0.1:${TEL_SIM_PORT}/ (Call on a lead page; a number
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
"$BIN/orderdesk" serve --bind "127.0.0.1:${PORT}"
