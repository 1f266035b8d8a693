#!/usr/bin/env bash
# docs/deploy.md §11, "Backups", on this machine: a backup taken with pg_dump and restored
# with pg_restore into a scratch database is checked as the procedure says, then both
# databases are dropped.
#
#   BACKUP_DB_URL=postgres://postgres@127.0.0.1:5432/orderdesk_backup scripts/backup_restore_check.sh
#
# 1. A source database BACKUP_DB_URL, created afresh: migrated and loaded with the demo
#    data (orders, leads, tickets, messages, audit events).
# 2. pg_dump -Fc of it (the nightly backup).
# 3. pg_restore into <name>_restored (the scratch database), --exit-on-error.
# 4. The integrity checks on the restored copy:
#    a. every migration applied (orderdesk migrate --check) and Django's system checks;
#    b. every table has the same number of rows as the source;
#    c. the same triggers, constraints and indexes as the source, among them the audit
#       trail's append-only trigger and the duplicate-order unique index (X2);
#    d. the append-only trigger still refuses: an UPDATE of an audit event fails;
#    e. the sequences carry on where the source's stood (no id handed out twice).
# 5. Both databases dropped (also on failure).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
BACKUP_DB_URL="${BACKUP_DB_URL:-postgres://postgres@127.0.0.1:5432/orderdesk_backup}"
SOURCE="${BACKUP_DB_URL##*/}"
RESTORED="${SOURCE}_restored"
SERVER="${BACKUP_DB_URL%/*}"
SOURCE_URL="$SERVER/$SOURCE"
RESTORED_URL="$SERVER/$RESTORED"
ADMIN_URL="$SERVER/postgres"
WORK="$(mktemp -d -t orderdesk-backup-XXXXXX)"
started=$SECONDS

say() { printf '[backup-check %3ds] %s\n' "$((SECONDS - started))" "$*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$1" -c "$2"; }
drop_all() {
  for db in "$SOURCE" "$RESTORED"; do
    psql -X -q "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
cleanup() {
  status=$?
  if [ "$status" -ne 0 ]; then
    for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }; done
  fi
  drop_all
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT INT TERM

say "1. source database $SOURCE: migrate, demo data"
drop_all
q "$ADMIN_URL" "CREATE DATABASE \"$SOURCE\""
DATABASE_URL="$SOURCE_URL" "$BIN/orderdesk" migrate --noinput >"$WORK/migrate.log"
say "   migrated; loading the demo data"
DATABASE_URL="$SOURCE_URL" "$BIN/orderdesk" seed >"$WORK/seed.log" 2>&1

say "2. pg_dump -Fc"
pg_dump --format=custom --file="$WORK/orderdesk.dump" "$SOURCE_URL"

say "3. pg_restore into $RESTORED"
q "$ADMIN_URL" "CREATE DATABASE \"$RESTORED\""
pg_restore --exit-on-error --no-owner --dbname="$RESTORED_URL" "$WORK/orderdesk.dump"

say "4a. migrations applied, system checks"
DATABASE_URL="$RESTORED_URL" "$BIN/orderdesk" migrate --check >/dev/null \
  || fail "the restored database has unapplied migrations"
DATABASE_URL="$RESTORED_URL" "$BIN/orderdesk" check --database default --fail-level WARNING >/dev/null

say "4b. row counts, table by table"
ROW_COUNTS="SELECT table_name || ' ' || (xpath('/row/c/text()', query_to_xml(
  format('SELECT count(*) AS c FROM public.%I', table_name), false, true, '')))[1]::text
  FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
  ORDER BY table_name"
q "$SOURCE_URL" "$ROW_COUNTS" >"$WORK/source.counts"
q "$RESTORED_URL" "$ROW_COUNTS" >"$WORK/restored.counts"
diff -u "$WORK/source.counts" "$WORK/restored.counts" || fail "row counts differ"
for table in orders_order leads_lead cx_ticket core_auditevent messaging_message; do
  rows="$(awk -v t="$table" '$1 == t {print $2}' "$WORK/source.counts")"
  [ "${rows:-0}" -gt 0 ] || fail "$table is empty in the source: nothing was tested"
done
tables="$(wc -l <"$WORK/source.counts")"
rows="$(awk '{s += $2} END {print s}' "$WORK/source.counts")"

say "4c. triggers, constraints, indexes"
# Constraints by table, name and kind, indexes by definition up to their WHERE: PostgreSQL
# prints a restored CHECK's or partial index's expression with other (equivalent) casts, so
# that text is compared by what it names (the open statuses, below), not character by character.
SCHEMA_OBJECTS="SELECT 'trigger ' || c.relname || ' ' || t.tgname FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
  UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || contype::text
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL SELECT 'index ' || indexname || ' ' || split_part(indexdef, ' WHERE ', 1) ||
    CASE WHEN indexdef LIKE '% WHERE %' THEN ' (partial)' ELSE '' END
    FROM pg_indexes WHERE schemaname = 'public'
  ORDER BY 1"
q "$SOURCE_URL" "$SCHEMA_OBJECTS" >"$WORK/source.schema"
q "$RESTORED_URL" "$SCHEMA_OBJECTS" >"$WORK/restored.schema"
diff -u "$WORK/source.schema" "$WORK/restored.schema" || fail "schema objects differ"
grep -q '^trigger core_auditevent ' "$WORK/restored.schema" \
  || fail "the audit trail's append-only trigger is missing"
# X2 (one open order per customer and device) is a partial unique index on the order's items
# (orders 0004: several devices per pickup), over the items whose order is open.
grep -q '^index one_open_item_per_customer_device CREATE UNIQUE INDEX .*(partial)$' \
  "$WORK/restored.schema" || fail "the duplicate-order partial unique index is missing"
predicate="$(q "$RESTORED_URL" "SELECT split_part(indexdef, ' WHERE ', 2) FROM pg_indexes
  WHERE indexname = 'one_open_item_per_customer_device'")"
case "$predicate" in *is_open*) ;; *) fail "X2 index is not over open items: $predicate" ;; esac
# ...and the flag it reads agrees with each order's status on the copy.
stale="$(q "$RESTORED_URL" "SELECT count(*) FROM orders_orderitem i JOIN orders_order o
  ON o.id = i.order_id
  WHERE i.is_open <> (o.status NOT IN ('cancelled', 'pickup_failed', 'completed'))")"
[ "$stale" = "0" ] || fail "$stale order items' open flag disagrees with their order's status"

say "4d. the audit trail is still append-only"
if q "$RESTORED_URL" "UPDATE core_auditevent SET action = action
      WHERE id = (SELECT min(id) FROM core_auditevent)" >"$WORK/update.log" 2>&1; then
  fail "an audit event could be updated in the restored copy"
fi
if q "$RESTORED_URL" "DELETE FROM core_auditevent
      WHERE id = (SELECT min(id) FROM core_auditevent)" >"$WORK/delete.log" 2>&1; then
  fail "an audit event could be deleted in the restored copy"
fi

say "4e. sequences carry on"
SEQUENCES="SELECT sequencename || ' ' || coalesce(last_value, 0) FROM pg_sequences
  WHERE schemaname = 'public' ORDER BY 1"
q "$SOURCE_URL" "$SEQUENCES" >"$WORK/source.sequences"
q "$RESTORED_URL" "$SEQUENCES" >"$WORK/restored.sequences"
diff -u "$WORK/source.sequences" "$WORK/restored.sequences" || fail "sequences differ"

size="$(du -k "$WORK/orderdesk.dump" | cut -f1)"
say "backup and restore check passed: $tables tables, $rows rows, dump ${size} KiB"
