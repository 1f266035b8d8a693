"""S1: who may use which console page and API operation — the access matrix as data.

One row per thing the product serves: ``"METHOD /api/v1/path"`` for an API
operation (the path as the OpenAPI document spells it) and ``"METHOD namespace:name"``
for a console page or form (the URL name in ``console/urls.py`` or
``messaging/urls.py``; ``"METHOD /route"`` for a pattern without a name). Each row says which roles are *allowed*; every other
role is refused:

- ``anonymous`` (nobody signed in) and ``outsider`` (an inactive account, its
  session and tokens dead) get the "sign in first" answer: the console
  redirects to the sign-in page, the API answers 401;
- every other role gets 403 and nothing changes.

``accounts/tests/test_access_matrix.py`` turns every (row, role) pair into a test
cell, sends the request and checks the answer and, for refusals, that no row
of any table changed. It also fails when the project serves a page or an
operation that has no row here — add one (and the request that exercises it,
in that test module's ``REQUESTS``) when you add an endpoint.

Object-level rules (a vendor sees only its own orders, D5's closed lead, another
agent's lead, a queue of another role) are listed in ``OBJECT_RULES`` below and
tested the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

STAFF = ("sales", "cx", "ops", "supervisor", "admin")
CLIENTS = ("app", "vendor")
#: Every role a cell is checked for. ``outsider`` is an inactive sales account.
ROLES = (*STAFF, *CLIENTS, "anonymous", "outsider")
#: Roles that are never signed in (the "sign in first" answer, not 403).
SIGNED_OUT = ("anonymous", "outsider")
PUBLIC = ROLES


@dataclass(frozen=True)
class Entry:
    allowed: tuple[str, ...]
    why: str = ""

    def __post_init__(self):
        unknown = set(self.allowed) - set(ROLES)
        assert not unknown, f"unknown roles {unknown} in the access matrix"


# --- the API (/api/v1, SPEC §11) ---------------------------------------------------------------

API: dict[str, Entry] = {
    "GET /api/v1/health": Entry(PUBLIC, "load balancers and uptime checks"),
    "GET /api/v1/ready": Entry(PUBLIC, "readiness: load balancers take a process in or out"),
    "POST /api/v1/auth/token": Entry(PUBLIC, "sign-in: the credentials are the check"),
    "DELETE /api/v1/auth/token": Entry((*STAFF, *CLIENTS), "every token holder signs itself out"),
    "GET /api/v1/me": Entry((*STAFF, *CLIENTS), "every signed-in user reads who they are"),
    # Catalog and quotes are public so the app can quote before sign-in (SPEC §11).
    "GET /api/v1/catalog/models": Entry(PUBLIC),
    "GET /api/v1/catalog/device-types/{device_type}/questions": Entry(PUBLIC),
    "GET /api/v1/serviceability": Entry(PUBLIC),
    "POST /api/v1/quotes": Entry(PUBLIC),
    # Customers: every staff role reads (customers.view); sales and CX edit.
    "GET /api/v1/customers": Entry(STAFF),
    "POST /api/v1/customers": Entry(("sales", "cx")),
    "GET /api/v1/customers/{customer_id}": Entry(STAFF),
    "PATCH /api/v1/customers/{customer_id}/preferences": Entry(("sales", "cx")),
    # Leads: sales work them; supervisors read every lead and the missed follow-ups.
    "POST /api/v1/leads": Entry(("sales",)),
    "GET /api/v1/leads/{lead_id}": Entry(
        ("sales", "cx", "supervisor"), "issue 15 item 8: CX reads a lead's contact history"
    ),
    "POST /api/v1/leads/{lead_id}/contacts": Entry(("sales",)),
    "POST /api/v1/leads/{lead_id}/close": Entry(("sales",)),
    "GET /api/v1/followups/due": Entry(("sales",)),
    "GET /api/v1/followups/missed": Entry(("supervisor",), "D10"),
    "POST /api/v1/disposition-suggestions": Entry(("sales",), "D2"),
    "GET /api/v1/dispositions": Entry(("sales",)),
    # Orders: agents create assisted orders (M1), the app the customer's own.
    "POST /api/v1/orders": Entry(("sales", "cx", "app")),
    # Issue 21, 10: the app proves a customer's phone with a one-time code (flows.phone_codes).
    "POST /api/v1/phone-codes": Entry(("app",), "issue 21, 10"),
    "GET /api/v1/orders": Entry(
        ("sales", "cx", "ops", "supervisor", "app", "vendor"),
        "the app and a vendor see only their own orders (OBJECT_RULES)",
    ),
    "GET /api/v1/orders/{number}": Entry(
        ("sales", "cx", "ops", "supervisor", "app", "vendor"),
        "the app: orders it created; a vendor: its own pickups",
    ),
    # The order's life (O1-O4): ops, the order's vendor, CX (cancellation on a ticket).
    "POST /api/v1/orders/{number}/transitions": Entry(("ops", "vendor", "cx")),
    "POST /api/v1/orders/{number}/price-acceptance": Entry(("ops", "vendor", "cx")),
    "GET /api/v1/orders/{number}/history": Entry(("ops", "vendor", "cx")),
    "POST /api/v1/orders/{number}/customer-phone": Entry(
        ("vendor",), "issue 15, 10: the assigned vendor reaches the customer; audited"
    ),
    # Issue 15 item 4: X1's supervisor override, granted ahead of the next order.
    "POST /api/v1/orders/{number}/duplicate-overrides": Entry(("supervisor",)),
    # CX tickets (C1-C3); supervisors read the queues and work escalated tickets.
    "POST /api/v1/tickets": Entry(("cx",)),
    "GET /api/v1/tickets": Entry(("cx", "supervisor")),
    "GET /api/v1/tickets/{ticket_id}": Entry(("cx", "supervisor")),
    "POST /api/v1/tickets/{ticket_id}/actions": Entry(
        ("cx", "supervisor"), "supervisors: notes, and tickets escalated to them (OBJECT_RULES)"
    ),
    "POST /api/v1/csat": Entry(PUBLIC, "the signed one-time survey token is the credential"),
    "POST /api/v1/csat/replies": Entry(("cx",)),
    "POST /api/v1/feedback/replies": Entry(("cx",), "issue 15, 12: relayed pickup feedback"),
    "GET /api/v1/orders/{number}/messages": Entry(("sales", "cx", "ops", "supervisor")),
    "GET /api/v1/kpis": Entry(("supervisor",), "SPEC §7"),
}

# --- the console (/console) --------------------------------------------------------------------

CONSOLE: dict[str, Entry] = {
    "GET /": Entry(PUBLIC, "redirects to the console home"),
    "GET console:home": Entry(STAFF, "sends each role to its own home"),
    "GET console:search": Entry(STAFF, "the header search; links only where the role may go"),
    "GET console:login": Entry(PUBLIC),
    "POST console:logout": Entry(PUBLIC),
    "GET console:password_change": Entry(STAFF),
    "POST console:password_change": Entry(STAFF),
    "GET console:language": Entry(STAFF, "one's own console language"),
    "POST console:language": Entry(STAFF, "one's own console language; no other user's"),
    "GET console:sales_home": Entry(("sales",)),
    "GET console:cx_home": Entry(("cx",)),
    "GET console:ops_home": Entry(("ops",)),
    "GET console:supervisor_home": Entry(("supervisor",)),
    "GET console:admin_home": Entry(("admin",)),
    # M1-M6: the manual order wizard; M8 accountability.
    "GET console:order_wizard": Entry(("sales", "cx")),
    "POST console:order_wizard_check": Entry(
        ("sales", "cx"), "the wizard's early X1/serviceability check (HTMX, read-only)"
    ),
    "GET console:order_created": Entry(("sales", "cx", "ops", "supervisor")),
    "GET console:order_view": Entry(
        ("sales", "cx", "ops", "supervisor"), "read-only; a supervisor audits orders here"
    ),
    "POST console:order_duplicate_override": Entry(
        ("supervisor",), "X1's supervisor override (issue 15 item 4)"
    ),
    "GET console:agent_errors": Entry(("ops", "supervisor")),
    "GET console:my_work": Entry(
        ("sales", "cx"), "an agent's own scorecard, audits and errors; never another agent's"
    ),
    "POST console:agent_restore": Entry(("supervisor",)),
    # Leads.
    "GET console:lead_queue": Entry(("sales",)),
    "GET console:lead_search": Entry(("sales",)),
    "GET console:next_lead": Entry(
        ("sales",), "the n shortcut: the next lead of the agent's queue"
    ),
    "GET console:nav_counts": Entry(STAFF, "the navigation's counts, polled: each role its own"),
    "GET console:lead_suggest": Entry(("sales",)),
    "GET console:lead_oversight": Entry(("supervisor",)),
    "GET console:kpi_dashboard": Entry(("supervisor",)),
    "GET console:lead_detail": Entry(
        ("sales", "cx", "supervisor"), "CX reads it, read only (issue 15 item 8)"
    ),
    "POST console:lead_log_contact": Entry(("sales",)),
    "POST console:lead_follow_up": Entry(("sales",)),
    "POST console:lead_another_device": Entry(
        ("sales",), "issue 15: a new lead after an inbound call on a closed lead"
    ),
    "POST console:lead_close": Entry(("sales",), "issue 15 item 6: D4's close politely"),
    "GET console:lead_handover": Entry(("sales",), "issue 15 item 8: hand over to CX"),
    "POST console:lead_handover": Entry(("sales",), "issue 15 item 8: hand over to CX"),
    # Issue 15 item 7: the customer page, where a lead or an order starts.
    "GET console:customer_detail": Entry(("sales", "cx", "supervisor")),
    "POST console:customer_start_lead": Entry(("sales",)),
    "GET console:training_card": Entry(STAFF),
    "GET console:order_training_card": Entry(STAFF, "issue 15, 13: SOP 001 §10's card"),
    # Desk tools.
    "GET console:quote_models": Entry(STAFF),
    "GET console:quote_questions": Entry(STAFF),
    "POST console:quote_estimate": Entry(STAFF),
    "GET console:serviceability": Entry(STAFF),
    "GET console:customer_search": Entry(STAFF),
    # Ops.
    "GET console:ops_board": Entry(("ops",)),
    "GET console:ops_find_order": Entry(("ops",)),
    "GET console:ops_order": Entry(("ops",)),
    "POST console:ops_order_move": Entry(("ops",)),
    "POST console:ops_order_do": Entry(("ops",)),
    # CX.
    "GET console:cx_queues": Entry(("cx",)),
    "GET console:cx_ticket_new": Entry(("cx",)),
    "POST console:cx_ticket_new": Entry(("cx",)),
    "GET console:cx_ticket": Entry(("cx", "supervisor")),
    "POST console:cx_ticket_action": Entry(("cx", "supervisor")),
    "GET console:cx_lookup": Entry(("cx",)),
    "POST console:cx_order_update": Entry(("cx",)),
    "GET console:cx_escalations": Entry(("supervisor",)),
    "GET console:csat_answer": Entry(PUBLIC, "the signed one-time link is the credential"),
    # Messaging (messaging/urls.py, under /console/messages/).
    "GET messaging:failed": Entry(("ops",)),
    "POST messaging:retry": Entry(("ops",)),
    "GET messaging:customer_messages": Entry(STAFF),
    # The CX WhatsApp inbox (issue 19): CX agents and supervisors (whatsapp.inbox).
    "GET messaging:inbox": Entry(("cx", "supervisor")),
    "GET messaging:conversation": Entry(("cx", "supervisor")),
    "POST messaging:conversation_reply": Entry(("cx", "supervisor")),
    # A lead for a number that wrote in (leads.start): sales own it; CX and supervisors
    # start it unowned from the inbox, for the sales queue.
    "GET console:whatsapp_new_lead": Entry(("sales", "cx", "supervisor")),
    "POST console:whatsapp_new_lead": Entry(("sales", "cx", "supervisor")),
    # The WhatsApp webhook (/webhooks/whatsapp/): Meta's side, no session or token. The GET
    # handshake's credential is the verify token; a POST's is its X-Hub-Signature-256.
    "GET webhooks:whatsapp": Entry(PUBLIC, "hub.verify_token is the credential (403 otherwise)"),
    "POST webhooks:whatsapp": Entry(PUBLIC, "the HMAC signature is the credential (403 otherwise)"),
    # Outbound webhooks (issue 20; webhooks/urls.py under /console/webhooks/): admins only.
    "GET outbound:endpoints": Entry(("admin",)),
    "POST outbound:endpoints": Entry(("admin",), "registers an integrator's receiver"),
    "GET outbound:endpoint": Entry(("admin",), "shows the signing secret"),
    "POST outbound:resume": Entry(("admin",)),
    "POST outbound:rotate_secret": Entry(("admin",)),
    "POST outbound:replay": Entry(("admin",)),
    # S3: the audit log.
    "GET console:audit_log": Entry(("supervisor", "admin")),
    # S2: the audited "show full number" (the call, the callback, the pickup).
    "POST console:reveal_phone": Entry(
        ("sales", "cx", "ops", "supervisor"),
        "a customer the user works (lead owner, ticket assignee, open order); supervisors "
        "with a reason — object rules below",
    ),
    "POST console:reveal_payment": Entry(("ops",), "paying the customer at pickup"),
    # Issue 21, 7: a note shown masked in a list, in full by the same rule as the phone.
    "POST console:reveal_text": Entry(
        ("sales", "cx", "ops", "supervisor"),
        "a note of a customer the user works; supervisors with a reason (flows.contact_reveal)",
    ),
    # S4: a customer's data export and erasure (customers.data_rights).
    "GET console:customer_privacy": Entry(("admin",)),
    "GET console:customer_privacy_detail": Entry(("admin",)),
    "GET console:customer_export": Entry(("admin",), "audited: the customer's own data"),
    "POST console:customer_erase": Entry(("admin",)),
    # Two-factor sign-in: every console user may enrol and verify (enforced per role by setting).
    "GET console:two_factor_setup": Entry(STAFF),
    "POST console:two_factor_setup": Entry(STAFF),
    "GET console:two_factor_verify": Entry(STAFF),
    "POST console:two_factor_verify": Entry(STAFF),
    # Lead imports (leads.import) and masked, audited CSV exports (data.export).
    "GET console:import_list": Entry(("supervisor", "admin")),
    "POST console:import_list": Entry(("supervisor", "admin")),
    "GET console:import_detail": Entry(("supervisor", "admin")),
    "GET console:import_progress": Entry(("supervisor", "admin")),
    "GET console:import_errors": Entry(("supervisor", "admin")),
    "GET console:export_page": Entry(("supervisor",)),
    "GET console:export_leads": Entry(("supervisor",)),
    "GET console:export_orders": Entry(("supervisor",)),
    # KPIs (SPEC §7): drill-down, exports, audits of agents' work (audits.run).
    "GET console:kpi_drill": Entry(("supervisor",)),
    "GET console:kpi_export": Entry(("supervisor",)),
    "GET console:kpi_audits": Entry(("supervisor",)),
    "POST console:kpi_audits": Entry(("supervisor",)),
    "GET console:kpi_audit": Entry(("supervisor",)),
    "POST console:kpi_audit": Entry(("supervisor",)),
    "GET console:kpi_audit_export": Entry(("supervisor",)),
    # Telephony (issue 16): click-to-call on a lead, the agent's live call status (own calls),
    # recordings (audited; agents their own calls, supervisors every call).
    "POST console:lead_call": Entry(("sales",), "D5/D9 checked before dialing"),
    "GET console:call_status": Entry(("sales", "cx"), "an agent's own calls only"),
    "GET console:call_recording": Entry(("sales", "cx", "supervisor"), "audited listening"),
    "GET console:wallboard": Entry(("supervisor",), "agents' states, calls, SLA breaches, live"),
    "POST console:ticket_call": Entry(("cx",), "a service call on a ticket"),
    "POST console:order_call": Entry(("sales", "cx"), "a call about an order, D5/D9/D4 checked"),
    "POST console:presence": Entry(("sales", "cx"), "an agent sets themself available or away"),
    "GET console:call_pop": Entry(("sales", "cx"), "the inbound screen-pop: the agent's own call"),
    "POST console:call_new_lead": Entry(("sales",), "an unknown caller's new lead"),
    "GET console:callbacks": Entry(
        ("sales", "cx", "supervisor"), "missed calls: agents their own and unowned"
    ),
    # The customer's own door (storefront/urls.py, issue 19): no login. The sale's pages keep
    # their progress in the visitor's session (a phone verified by a one-time code before the
    # order); the tracking link's signed token is the credential for its one order.
    "GET storefront:home": Entry(PUBLIC, "device search"),
    "GET storefront:device": Entry(PUBLIC, "condition questions"),
    "POST storefront:device": Entry(PUBLIC, "the server's estimate (a quote)"),
    "GET storefront:estimate": Entry(PUBLIC, "the estimate of this session's quote"),
    "POST storefront:estimate": Entry(PUBLIC, "sends a code: rate-limited per phone and IP"),
    "GET storefront:verify": Entry(PUBLIC),
    "POST storefront:verify": Entry(PUBLIC, "hashed code, expiry, attempt limit"),
    "GET storefront:pincode": Entry(PUBLIC, "after the phone is verified"),
    "POST storefront:pincode": Entry(PUBLIC),
    "GET storefront:details": Entry(PUBLIC),
    "POST storefront:details": Entry(PUBLIC, "the gates of create_order, asked early"),
    "GET storefront:review": Entry(PUBLIC),
    "POST storefront:review": Entry(PUBLIC, "create_order, channel web; rate-limited per IP"),
    "GET storefront:done": Entry(PUBLIC, "the number of the order placed in this session"),
    "GET storefront:track": Entry(PUBLIC, "the signed tracking token is the credential"),
    "GET storefront:feedback": Entry(PUBLIC, "issue 15, 12: the signed feedback link"),
    "POST storefront:feedback": Entry(PUBLIC, "issue 15, 12: the signed feedback link"),
    "POST storefront:track_reschedule": Entry(PUBLIC, "as the order's customer (O3)"),
    "POST storefront:track_cancel": Entry(PUBLIC, "as the order's customer (O1)"),
    "POST storefront:track_price": Entry(PUBLIC, "as the order's customer (O4)"),
}

#: Console URL names served without a row above, and why (each one is still checked to exist).
CONSOLE_NOT_IN_MATRIX: dict[str, str] = {
    "metrics": "Prometheus scrapes /metrics with the METRICS_TOKEN bearer, not as a role: 404 "
    "without a configured token, 401 without one, 403 with a wrong one "
    "(core/tests/test_metrics.py)",
    "telephony:webhook": "the telephony provider's callbacks: the per-account secret in the URL "
    "(constant-time compare) and, for Twilio, X-Twilio-Signature are the credential, not a "
    "role: 403 and nothing stored otherwise (telephony/tests/test_webhooks.py)",
    "telephony:twilio_voice": "a Twilio number's Voice URL (inbound calls): the secret in the "
    "URL and X-Twilio-Signature are the credential, not a role: 403 and nothing stored "
    "otherwise (telephony/tests/test_twilio_inbound.py)",
}


@dataclass(frozen=True)
class ObjectRule:
    """One object-level rule: ``role`` doing ``request`` on a record it may not touch."""

    role: str
    request: str  # a key of the test module's OBJECT_REQUESTS
    status: int
    code: str
    spec: str
    #: Tables a refusal writes to on purpose (D9/D5 keep a record of refused contacts).
    records: tuple[str, ...] = ()
    door: str = "api"  # or "console"


OBJECT_RULES: tuple[ObjectRule, ...] = (
    ObjectRule("vendor", "read another vendor's order", 404, "order_not_found", "S1 vendor"),
    ObjectRule("vendor", "move another vendor's order", 404, "order_not_found", "S1 vendor"),
    ObjectRule("vendor", "list orders sees only its own", 200, "", "S1 vendor"),
    ObjectRule("app", "read an order another channel created", 404, "order_not_found", "S1 app"),
    # Issue 21, 10: the app's token can leak; a phone number alone is no proof.
    ObjectRule(
        "app",
        "order for an existing customer's phone without its code",
        403,
        "phone_verification_required",
        "own 21.10",
    ),
    ObjectRule(
        "app",
        "order for an existing customer's phone with another phone's code",
        422,
        "phone_verification_mismatch",
        "own 21.10",
    ),
    ObjectRule("app", "list every app order", 422, "filter_required", "own 21.10"),
    ObjectRule(
        "app",
        "list a phone's orders without its code",
        403,
        "phone_verification_required",
        "own 21.10",
    ),
    ObjectRule(
        "sales",
        "log a call on a lead closed for sales",
        409,
        "sales_contact_closed",
        "D5",
        records=("leads.contactrefusal",),
    ),
    ObjectRule("sales", "close a lead already closed for sales", 409, "sales_contact_closed", "D5"),
    ObjectRule("sales", "read another agent's lead", 403, "not_lead_owner", "S1 queue"),
    ObjectRule("sales", "call on another agent's lead", 403, "not_lead_owner", "S1 queue"),
    # Issue 21, 2: "inbound" is the client's word; a non-owner's inbound contact without a
    # call record is recorded, but the follow-up (like disposition and closure) is the owner's.
    ObjectRule(
        "sales",
        "agree a follow-up on another agent's lead by an inbound contact",
        403,
        "not_lead_owner",
        "own 21.2",
    ),
    ObjectRule("supervisor", "act on a ticket not escalated", 403, "forbidden", "S1 queue"),
    # S2 (issue 21, 3): "Show full number" only for a customer the user works.
    ObjectRule(
        "sales",
        "reveal the phone of another agent's customer",
        403,
        "",
        "S2 reveal",
        door="console",
    ),
    ObjectRule(
        "supervisor", "reveal a phone without a reason", 422, "", "S2 reveal", door="console"
    ),
    ObjectRule(
        "sales",
        "reveal the note of another agent's customer",
        403,
        "",
        "S2 reveal 21.7",
        door="console",
    ),
    # The same rules through the console.
    ObjectRule("sales", "open another agent's lead page", 403, "", "S1 queue", door="console"),
    ObjectRule(
        "sales",
        "hand another agent's lead over to CX",
        403,
        "",
        "S1 queue (issue 15 item 8)",
        door="console",
    ),
    ObjectRule(
        "sales",
        "log a call on a lead closed for sales, in the console",
        409,
        "",
        "D5",
        records=("leads.contactrefusal",),
        door="console",
    ),
)


def cell_count() -> int:
    """Role cells plus object-rule cells: the figure docs/security.md quotes."""
    return (len(API) + len(CONSOLE)) * len(ROLES) + len(OBJECT_RULES)
