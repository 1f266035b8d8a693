"""Every problem code orderdesk answers with, as data: its HTTP status(es), the app that
raises it and what it means (issue 14, item 6; Saleor keeps an error-code enum per app).

A refusal is a ``DomainError`` whose ``code`` (and each ``errors[].code``) is one of these.
Codes are part of the API contract: never rename one; add a new one here before raising it.
``core/tests/test_problem_codes.py`` fails on a code used but not listed, and on
``docs/problem-codes.md`` out of date (``python -m orderdesk.core.problem_codes`` writes it).
The API's OpenAPI description lists them too (``api/api.py``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemCode:
    code: str
    statuses: tuple[int, ...]  # the HTTP status(es) it is sent with
    app: str  # the app that raises it
    meaning: str


_CODES = (
    ProblemCode(
        "conflict", (409,), "core", "The request conflicts with the record's current state."
    ),
    ProblemCode(
        "state_changed",
        (409,),
        "core",
        "The record's status changed while you acted (a concurrent move): reload it and try again.",
    ),
    ProblemCode("date_invalid", (422,), "core", "The value is not a YYYY-MM-DD date."),
    ProblemCode("date_range", (422,), "core", "The end date is before the start date."),
    ProblemCode("forbidden", (403,), "core", "Your role may not do this."),
    ProblemCode(
        "invalid",
        (400, 422),
        "core",
        "The input is not valid (the errors list says which field and why).",
    ),
    ProblemCode(
        "not_authenticated",
        (401,),
        "core",
        "No valid credentials: send 'Authorization: Bearer <token>' (POST /api/v1/auth/token gives one).",
    ),
    ProblemCode("not_found", (404,), "core", "No such record, or not one you may see."),
    ProblemCode(
        "phone_invalid",
        (422,),
        "core",
        "The value is not a valid phone number (an Indian mobile has 10 digits starting 6-9).",
    ),
    ProblemCode("invalid_credentials", (401,), "accounts", "Wrong username or password."),
    ProblemCode(
        "too_many_attempts", (429,), "accounts", "Too many failed sign-ins: locked out for a while."
    ),
    ProblemCode("role_invalid", (422,), "accounts", "Unknown role."),
    ProblemCode("language_invalid", (422,), "accounts", "Unknown console language."),
    ProblemCode(
        "two_factor_enrolment_required",
        (403,),
        "accounts",
        "Your role signs in with two factors: enrol an authenticator app in the console (sign in there once) before asking for a token.",
    ),
    ProblemCode(
        "two_factor_invalid", (401,), "accounts", "The authenticator code is wrong or has expired."
    ),
    ProblemCode(
        "two_factor_required",
        (401,),
        "accounts",
        "Your role signs in with two factors: send the 6-digit code from your authenticator app as 'otp'.",
    ),
    ProblemCode("username_taken", (422,), "accounts", "The username … is taken."),
    ProblemCode(
        "already_erased", (409,), "customers", "This customer's personal data is already erased."
    ),
    ProblemCode(
        "erasure_order_open",
        (409,),
        "customers",
        "Order … is still open; erase after it is completed or cancelled.",
    ),
    ProblemCode(
        "erasure_payment_records_kept",
        (409,),
        "customers",
        "Order … was paid less than … days ago; its payment records must be kept until then.",
    ),
    ProblemCode("unknown_field", (422,), "customers", "Unknown preference."),
    ProblemCode("condition_incomplete", (422,), "catalog", "The question … is not answered."),
    ProblemCode(
        "device_not_serviceable",
        (422,),
        "catalog",
        "The pincode is served, but not for this kind of device.",
    ),
    ProblemCode("device_type_unknown", (404,), "catalog", "There is no device type."),
    ProblemCode("model_not_in_catalog", (422,), "catalog", "Variant … is not in the catalog."),
    ProblemCode(
        "option_invalid", (422,), "catalog", "The value is not an answer to …; choose one of."
    ),
    ProblemCode(
        "pincode_not_serviceable", (422,), "catalog", "We do not pick up at that pincode yet (C1)."
    ),
    ProblemCode("question_unknown", (422,), "catalog", "There is no question … for this device."),
    ProblemCode(
        "slot_unavailable",
        (409, 422),
        "catalog",
        "That pickup slot is full or does not exist; pick another.",
    ),
    ProblemCode(
        "dedupe_key_reused",
        (409,),
        "messaging",
        "This dedupe key was already used for another customer or message kind.",
    ),
    ProblemCode(
        "do_not_contact",
        (409,),
        "messaging",
        "The customer asked not to be contacted (do not contact).",
    ),
    ProblemCode(
        "message_not_failed",
        (409,),
        "messaging",
        "Only a failed message can be retried.",
    ),
    ProblemCode("no_email_address", (409,), "messaging", "The customer has no e-mail address."),
    ProblemCode("no_phone_number", (409,), "messaging", "The customer has no phone number."),
    ProblemCode(
        "template_bad_placeholder", (422,), "messaging", "A template placeholder is malformed."
    ),
    ProblemCode(
        "template_missing",
        (422,),
        "messaging",
        "Message kind … has no template for … in … or English.",
    ),
    ProblemCode(
        "template_unknown_variable",
        (422,),
        "messaging",
        "A template uses a variable its message kind does not provide.",
    ),
    ProblemCode(
        "template_variable_missing",
        (422,),
        "messaging",
        "The message's template needs a variable that was not given.",
    ),
    ProblemCode("unknown_channel", (422,), "messaging", "The value is not a channel."),
    ProblemCode("unknown_message_kind", (422,), "messaging", "There is no such message kind."),
    ProblemCode(
        "whatsapp_not_opted_in", (409,), "messaging", "The customer has not opted in to WhatsApp."
    ),
    ProblemCode(
        "attempt_limit",
        (409,),
        "leads",
        "The lead already had the policy's outbound contacts for today (D9).",
    ),
    ProblemCode(
        "disposition_group_mismatch",
        (422,),
        "leads",
        "The disposition does not match whether the customer was reached (D1).",
    ),
    ProblemCode(
        "disposition_system_only",
        (422,),
        "leads",
        "The disposition is set by the system when an order is created (D7).",
    ),
    ProblemCode("followup_in_past", (422,), "leads", "The follow-up time has passed."),
    ProblemCode(
        "followup_limit",
        (409,),
        "leads",
        "This Will Place Order already has its one follow-up (D3).",
    ),
    ProblemCode(
        "followup_spent",
        (409,),
        "leads",
        "The lead's one gentle follow-up has been made: no more outbound sales contact on it, "
        "Waiting for Quote or not (D4); the customer can still call in.",
    ),
    ProblemCode(
        "inbound_call_required",
        (403,),
        "leads",
        "Another agent's lead opens for an inbound call only during this agent's answered call "
        "from the customer (telephony on).",
    ),
    ProblemCode(
        "pickup_not_confirmable",
        (422,),
        "leads",
        "The pickup the agent confirmed instead of the order ID is not one of this customer's "
        "open orders (D6).",
    ),
    ProblemCode(
        "handover_type",
        (422,),
        "cx",
        "Sales hands over a complaint, an order not found or a price dispute.",
    ),
    ProblemCode(
        "ticket_already_open",
        (409,),
        "cx",
        "An 'order not found' case is already open with CX for this lead.",
    ),
    ProblemCode(
        "followup_needs_permission",
        (422,),
        "leads",
        "The customer's permission for the follow-up time is not recorded (D3).",
    ),
    ProblemCode(
        "followup_not_allowed",
        (422,),
        "leads",
        "Only Customer Will Place Order carries a follow-up (D3).",
    ),
    ProblemCode(
        "followup_not_due",
        (409,),
        "leads",
        "The customer agreed to be contacted later, not before (D3).",
    ),
    ProblemCode(
        "followup_too_late", (422,), "leads", "A follow-up is due by the end of the next day (D3)."
    ),
    ProblemCode(
        "outside_calling_hours",
        (409, 422),
        "leads",
        "Outside the contact policy's calling hours (D9).",
    ),
    ProblemCode("sales_contact_closed", (409,), "leads", "The lead is closed for sales (D5)."),
    ProblemCode("channel_unknown", (422,), "leads", "Unknown channel …; one of."),
    ProblemCode("direction_unknown", (422,), "leads", "Unknown direction …; outbound or inbound."),
    ProblemCode("file_empty", (422,), "leads", "The file is empty."),
    ProblemCode("file_format", (422,), "leads", "The file must be a .csv or .xlsx spreadsheet."),
    ProblemCode(
        "file_too_large",
        (422,),
        "leads",
        "The file is larger than … MB; split it or use `orderdesk import_leads`.",
    ),
    ProblemCode("lead_closed_for_sales", (409,), "leads", "The lead is closed for sales (D5)."),
    ProblemCode(
        "lead_not_blocked", (409,), "leads", "This lead has no 'order not found' case pending."
    ),
    ProblemCode("lead_transition_invalid", (409,), "leads", "A lead cannot go from … to."),
    ProblemCode(
        "not_lead_owner",
        (403,),
        "leads",
        "This lead belongs to …. Sales agents work their own and unowned leads (a customer who calls in is answered by anyone).",
    ),
    ProblemCode(
        "order_not_found_pending",
        (409,),
        "leads",
        "The lead has an 'order not found' case open with CX (D6).",
    ),
    ProblemCode("source_unknown", (422,), "leads", "Unknown lead source …; one of."),
    ProblemCode(
        "acceptance_not_needed",
        (409,),
        "orders",
        "The inspected price equals the estimate: there is nothing to accept.",
    ),
    ProblemCode(
        "action_not_allowed", (409,), "orders", "The order's state does not allow this action."
    ),
    ProblemCode("address_incomplete", (422,), "orders", "The pickup address needs."),
    ProblemCode(
        "agent_restricted",
        (403,),
        "orders",
        "Manual order creation is suspended for you: … or more order errors in … days. A supervisor restores it after retraining.",
    ),
    ProblemCode(
        "already_accepted", (409,), "orders", "The customer's acceptance is already recorded."
    ),
    ProblemCode(
        "amendment_closed",
        (409,),
        "orders",
        "The order is past the point where this detail may be amended.",
    ),
    ProblemCode(
        "consent_missing", (422,), "orders", "The customer's consent to the order is not on record."
    ),
    ProblemCode(
        "device_type_changed",
        (422,),
        "orders",
        "A different kind of device is a new order: cancel this one and create another.",
    ),
    ProblemCode(
        "duplicate_of_invalid", (422,), "orders", "The value is not another order of this customer."
    ),
    ProblemCode(
        "duplicate_open_order",
        (409,),
        "orders",
        "This customer already has open order … for this device.",
    ),
    ProblemCode("error_kind_unknown", (422,), "orders", "Unknown error kind."),
    ProblemCode(
        "illegal_transition",
        (409,),
        "orders",
        "The order cannot move from its current state to that one (the transition table).",
    ),
    ProblemCode("input_not_allowed", (422,), "orders", "This move does not take that input."),
    ProblemCode(
        "lead_customer_mismatch", (422,), "orders", "The lead belongs to another customer."
    ),
    ProblemCode("lead_unknown", (404,), "orders", "Lead … does not exist."),
    ProblemCode(
        "no_vendor_available",
        (409,),
        "orders",
        "No active vendor covers the pincode (other than the current one); add one or cancel.",
    ),
    ProblemCode(
        "not_an_agent_order", (422,), "orders", "Only agents' manual orders carry agent errors."
    ),
    ProblemCode("not_your_order", (403,), "orders", "This order is not assigned to your vendor."),
    ProblemCode("notes_required", (422,), "orders", "This move needs notes saying what happened."),
    ProblemCode(
        "number_allocation_failed", (503,), "orders", "Could not allot an order number; try again."
    ),
    ProblemCode(
        "payment_invalid",
        (422,),
        "orders",
        "The UPI id, bank account number or IFSC is missing or malformed.",
    ),
    ProblemCode("pincode_city_mismatch", (422,), "orders", "Pincode … is in …, not."),
    ProblemCode("pincode_invalid", (422,), "orders", "The value is not a 6-digit pincode."),
    ProblemCode(
        "price_acceptance_required",
        (409,),
        "orders",
        "The inspected price … differs from the estimate …: record the customer's acceptance first, or cancel with reason price_not_accepted (no penalty).",
    ),
    ProblemCode(
        "price_invalid", (422,), "orders", "The price is not a whole number of rupees above zero."
    ),
    ProblemCode(
        "price_not_confirmed",
        (422,),
        "orders",
        "Read out the estimate and tick when the customer agrees (final price depends on inspection).",
    ),
    ProblemCode(
        "feedback_already_answered",
        (409,),
        "orders",
        "This order's feedback was already given: one answer per order is kept.",
    ),
    ProblemCode(
        "feedback_code_unknown",
        (404,),
        "orders",
        "No feedback request with that code was sent to this phone.",
    ),
    ProblemCode("feedback_expired", (409,), "orders", "This feedback request has expired."),
    ProblemCode("feedback_link_invalid", (404,), "orders", "This feedback link is not valid."),
    ProblemCode(
        "feedback_reply_unreadable",
        (422,),
        "orders",
        "A reply is the rating (1-5) and the code, e.g. '4 K7M2QX'.",
    ),
    ProblemCode(
        "feedback_score_invalid", (422,), "orders", "The rating is a whole number from 1 to 5."
    ),
    ProblemCode(
        "price_confirmation_invalid",
        (422,),
        "orders",
        "The time the customer agreed to the estimate is in the future, has no time zone, or is "
        "too old: read the estimate out again (M4).",
    ),
    ProblemCode("quote_expired", (422,), "orders", "That quote has expired; get a new one."),
    ProblemCode("quote_unknown", (422,), "orders", "That quote does not exist."),
    ProblemCode(
        "reason_not_allowed_for_role",
        (403,),
        "orders",
        "Your role may not give that reason for this move.",
    ),
    ProblemCode(
        "reason_not_high_end",
        (422,),
        "orders",
        "high_end_assisted is a reason only for a model the catalog marks high-end (M1).",
    ),
    ProblemCode(
        "reason_required",
        (422,),
        "orders",
        "Say why manual creation is restored (e.g. the retraining done).",
    ),
    ProblemCode(
        "reason_unknown",
        (422,),
        "orders",
        "The reason is not one of the listed reasons for this move.",
    ),
    ProblemCode(
        "reference_invalid", (422,), "orders", "The payment reference is missing or malformed."
    ),
    ProblemCode("required", (422,), "orders", "A required field is missing."),
    ProblemCode(
        "slot_city_mismatch",
        (422,),
        "orders",
        "The pickup slot is in …: cancel and re-order to move the pickup to.",
    ),
    ProblemCode("slot_unchanged", (422,), "orders", "The order is already booked in that slot."),
    ProblemCode("status_unknown", (422,), "orders", "The value is not an order status."),
    ProblemCode(
        "vendor_not_covering",
        (422,),
        "orders",
        "Vendor … is not an active vendor covering pincode.",
    ),
    ProblemCode("vendor_unchanged", (422,), "orders", "The value is already this order's vendor."),
    ProblemCode("act_required", (422,), "cx", "Act before resolving: say what was done (C1)."),
    ProblemCode("action_kind_unknown", (422,), "cx", "Unknown step …."),
    ProblemCode("already_escalated", (409,), "cx", "This ticket was already escalated to."),
    ProblemCode("apology_required", (422,), "cx", "Apologise before acting (C1)."),
    ProblemCode("assignee_not_cx", (422,), "cx", "Tickets are assigned to CX agents."),
    ProblemCode(
        "csat_already_answered",
        (409,),
        "cx",
        "This survey was already answered: thank you, one answer per ticket is kept.",
    ),
    ProblemCode(
        "csat_code_unknown", (404,), "cx", "No survey with that code was sent to this phone."
    ),
    ProblemCode("csat_expired", (409,), "cx", "This survey has expired."),
    ProblemCode("csat_link_invalid", (404,), "cx", "This survey link is not valid."),
    ProblemCode(
        "csat_reply_unreadable",
        (422,),
        "cx",
        "A reply is the rating (1-5) and the survey's code, e.g. '4 K7M2QX'.",
    ),
    ProblemCode("csat_score_invalid", (422,), "cx", "The rating is a whole number from 1 to 5."),
    ProblemCode(
        "escalation_reason_required",
        (422,),
        "cx",
        "Escalation needs a reason: say why you cannot resolve it (C2).",
    ),
    ProblemCode("follow_up_not_due", (409,), "cx", "No follow-up is owed on this ticket."),
    ProblemCode("illegal_ticket_transition", (409,), "cx", "A ticket cannot go from … to."),
    ProblemCode("listen_first", (422,), "cx", "Listen first: record what the customer said (C1)."),
    ProblemCode("order_customer_mismatch", (422,), "cx", "That order belongs to another customer."),
    ProblemCode(
        "order_required",
        (422,),
        "cx",
        "A price dispute is about an order: give its order number (M9).",
    ),
    ProblemCode(
        "outcome_not_allowed", (422,), "cx", "Only an Act or a follow-up carries an outcome."
    ),
    ProblemCode("outcome_unknown", (422,), "cx", "Unknown outcome …."),
    ProblemCode("priority_unknown", (422,), "cx", "Unknown priority …."),
    ProblemCode(
        "reply_code_exhausted", (409,), "cx", "Could not allot a survey reply code; try again."
    ),
    ProblemCode(
        "text_required", (422,), "cx", "Say what you asked the customer for (a few words at least)."
    ),
    ProblemCode(
        "ticket_not_active",
        (409,),
        "cx",
        "The ticket is resolved or closed: reopen it first (a closed one cannot be reopened).",
    ),
    ProblemCode(
        "ticket_not_open", (409,), "cx", "Ticket #… is not an open 'order not found' case."
    ),
    ProblemCode(
        "ticket_not_resolved",
        (409,),
        "cx",
        "Only a resolved ticket can be reopened; a closed one needs a new ticket.",
    ),
    ProblemCode("ticket_not_waiting", (409,), "cx", "This ticket is not waiting on the customer."),
    ProblemCode("ticket_type_unknown", (422,), "cx", "Unknown ticket type."),
    ProblemCode("audit_scored", (422,), "kpis", "This audit is already scored."),
    ProblemCode("checklist_incomplete", (422,), "kpis", "Answer every item (… missing)."),
    ProblemCode("not_a_date", (422,), "kpis", "The value is not a date (YYYY-MM-DD)."),
    ProblemCode("not_an_integer", (422,), "kpis", "The value is not a whole number."),
    ProblemCode("nothing_to_sample", (422,), "kpis", "Nothing to audit in that range."),
    ProblemCode("range_reversed", (422,), "kpis", "from' is after 'to'"),
    ProblemCode("range_too_long", (422,), "kpis", "The range may cover at most … days."),
    ProblemCode("sample_size_invalid", (422,), "kpis", "Draw between 1 and."),
    ProblemCode("unknown_agent", (422,), "kpis", "No staff member has id."),
    ProblemCode("unknown_audit", (422,), "kpis", "No such audit."),
    ProblemCode("unknown_subject", (422,), "kpis", "Unknown subject."),
    ProblemCode("unknown_team", (422,), "kpis", "No team has id."),
    ProblemCode(
        "bad_check_character",
        (422,),
        "api",
        "The value is not a valid order number: a character is wrong or two are swapped. Read it back to the customer.",
    ),
    ProblemCode("bad_format", (422,), "api", "The value is not an order number (OD-XXXX-XXXX)."),
    ProblemCode("database_error", (500,), "api", "The request could not be stored."),
    ProblemCode("filter_required", (422,), "api", "Filter by phone or status."),
    ProblemCode(
        "http_error", (400,), "api", "A refusal at the HTTP level (its status is the one sent)."
    ),
    ProblemCode(
        "idempotency_key_reused",
        (422,),
        "api",
        "This Idempotency-Key was used with a different request body; use a new key for a new order.",
    ),
    ProblemCode("invalid_json", (422,), "api", "The body is not valid JSON."),
    ProblemCode(
        "migrations_pending",
        (503,),
        "api",
        "The value migrations are not applied yet; run 'orderdesk migrate'.",
    ),
    ProblemCode("not_a_boolean", (422,), "api", "The value is not true or false."),
    ProblemCode("not_a_datetime", (422,), "api", "The value is not an ISO 8601 date-time."),
    ProblemCode("not_a_string", (422,), "api", "A string was expected."),
    ProblemCode("not_a_uuid", (422,), "api", "The value is not a UUID."),
    ProblemCode("not_allowed", (422,), "api", "The customer app cannot send agent fields."),
    ProblemCode("not_an_object", (422,), "api", "A JSON object was expected."),
    ProblemCode("nul_character", (422,), "api", "NUL characters are not allowed."),
    ProblemCode("order_not_found", (404,), "api", "There is no order."),
    ProblemCode("server_error", (500,), "api", "Something went wrong on our side."),
    ProblemCode(
        "service_unavailable", (503,), "api", "The database is unavailable; try again shortly."
    ),
    ProblemCode("ticket_unknown", (404,), "api", "Ticket … does not exist."),
    ProblemCode("too_large", (422,), "api", "The number is above the maximum."),
    ProblemCode("too_long", (422,), "api", "The value is longer than allowed."),
    ProblemCode("too_short", (422,), "api", "The value is shorter than allowed."),
    ProblemCode("too_small", (422,), "api", "The number is below the minimum."),
    ProblemCode("connected_required", (422,), "console", "Say whether you reached the customer."),
    ProblemCode("disposition_unknown", (422,), "console", "Pick one disposition (D1)."),
    ProblemCode(
        "rate_limited",
        (429,),
        "core",
        "Too many requests from you in a short time: wait (Retry-After says how long) and try again.",
    ),
    ProblemCode(
        "not_working_customer",
        (403,),
        "flows",
        "You may see this customer's full number only while working their lead, ticket or order.",
    ),
    ProblemCode(
        "cursor_invalid",
        (422,),
        "api",
        "The cursor was not given out by this list (start again without one).",
    ),
    ProblemCode(
        "unknown_consent_source",
        (422,),
        "messaging",
        "The consent source is not one of the ledger's sources.",
    ),
    ProblemCode(
        "whatsapp_unknown_number",
        (409,),
        "messaging",
        "This number is not a customer yet: start a lead or a ticket for it first.",
    ),
    ProblemCode(
        "whatsapp_window_closed",
        (409,),
        "messaging",
        "Free text goes only within 24 hours of the customer's last WhatsApp message: send an approved template instead.",
    ),
    ProblemCode(
        "whatsapp_opted_out",
        (409,),
        "messaging",
        "The customer opted out of WhatsApp (the latest consent ledger row).",
    ),
    ProblemCode(
        "agent_phone_missing",
        (400,),
        "telephony",
        "No desk phone is set for you: an admin sets it (Telephony > Agent presences) before you can dial.",
    ),
    ProblemCode(
        "telephony_off",
        (400,),
        "telephony",
        "Telephony is not switched on: dial by hand and log the contact.",
    ),
    ProblemCode(
        "call_in_progress",
        (409,),
        "telephony",
        "You are already on a call: finish it (and log it) first.",
    ),
    ProblemCode(
        "provider_rate_limited",
        (400,),
        "telephony",
        "The telephony provider's request limit is reached for this minute: try again shortly.",
    ),
    ProblemCode(
        "presence_invalid",
        (400,),
        "telephony",
        "That is not a state you can set yourself (a call sets 'on a call').",
    ),
    ProblemCode(
        "call_mismatch", (400,), "telephony", "This call is not yours or not about this record."
    ),
    ProblemCode(
        "call_already_logged", (409,), "telephony", "This call is already logged as a contact."
    ),
    ProblemCode(
        "call_not_answered",
        (400,),
        "telephony",
        "The provider says this call was not answered: log it as not connected.",
    ),
    ProblemCode(
        "recording_not_found",
        (404,),
        "telephony",
        "No such recording (never made, or deleted after the retention period).",
    ),
    ProblemCode("call_not_found", (404,), "telephony", "No such call (or not one of yours)."),
    ProblemCode(
        "call_not_seen_by_provider",
        (400,),
        "leads",
        "Telephony is on: a connected call is logged from the call panel of a call the provider connected, not typed in by hand.",
    ),
    ProblemCode(
        "code_unknown",
        (404,),
        "storefront",
        "No code is waiting for this phone: ask for a new one.",
    ),
    ProblemCode(
        "code_expired", (422,), "storefront", "The one-time code has expired: ask for a new one."
    ),
    ProblemCode(
        "code_attempts_exceeded", (409,), "storefront", "Too many wrong codes: ask for a new one."
    ),
    ProblemCode("code_wrong", (422,), "storefront", "That is not the code we sent."),
    ProblemCode(
        "phone_verification_required",
        (403,),
        "flows",
        "The phone is an existing customer's: the customer app must prove it with the one-time "
        "code (POST /api/v1/phone-codes) before ordering for it or listing its orders.",
    ),
    ProblemCode(
        "phone_verification_mismatch",
        (422,),
        "flows",
        "The one-time code sent was for another phone.",
    ),
    ProblemCode(
        "phone_not_verified", (409,), "storefront", "Verify the phone with the one-time code first."
    ),
    ProblemCode(
        "words_required",
        (422,),
        "storefront",
        "Say it in your own words (the customer's words are recorded).",
    ),
    ProblemCode(
        "price_outside_band",
        (409,),
        "orders",
        "The inspected price is far from the estimate (outside the configured band): check the figure, or confirm it with a reason.",
    ),
    # Issue 15 item 4: several devices in one pickup.
    ProblemCode(
        "quantity_invalid",
        (422,),
        "orders",
        "A device line's quantity is a whole number from 1 to 5 (at inspection: 1 to the line's quantity).",
    ),
    ProblemCode("too_many_items", (422,), "orders", "One pickup carries at most 10 device lines."),
    ProblemCode(
        "items_required",
        (422,),
        "orders",
        "The order carries several devices: record each one's outcome at inspection (items).",
    ),
    ProblemCode(
        "items_invalid", (422,), "orders", "items is a list of {position, outcome, final_price}."
    ),
    ProblemCode("item_unknown", (422,), "orders", "No item of the order has that position."),
    ProblemCode("item_repeated", (422,), "orders", "An item's outcome was given twice."),
    ProblemCode("outcome_invalid", (422,), "orders", "An item's outcome is accepted or returned."),
    ProblemCode(
        "all_items_returned",
        (422,),
        "orders",
        "Every device is returned: cancel the order instead (device_mismatch or price_not_accepted).",
    ),
    ProblemCode(
        "order_closed",
        (409,),
        "orders",
        "The order is closed: X1 does not stand in the way of a new order.",
    ),
    ProblemCode(
        "override_exists",
        (409,),
        "orders",
        "A supervisor's X1 override for this customer and device is already waiting to be used.",
    ),
    ProblemCode(
        "final_price_mismatch",
        (422,),
        "orders",
        "The final price is not the sum of the accepted devices' prices.",
    ),
    ProblemCode(
        "notes_too_long",
        (422,),
        "leads",
        "The notes are longer than allowed (2,000 characters): keep them to what was said and decided.",
    ),
    ProblemCode(
        "webhook_url_scheme",
        (422,),
        "webhooks",
        "Only http:// and https:// URLs can receive webhooks.",
    ),
    ProblemCode(
        "webhook_url_private",
        (422,),
        "webhooks",
        "The receiver's host resolves to a private, loopback, link-local or reserved address (SSRF): use a public address.",
    ),
    ProblemCode(
        "webhook_url_invalid",
        (422,),
        "webhooks",
        "The receiver's URL is not valid: no host, a user name or password in it, or a host that does not resolve.",
    ),
    ProblemCode(
        "webhook_unknown_event",
        (422,),
        "webhooks",
        "An event the endpoint asks for is not one orderdesk sends (docs/webhooks.md lists them).",
    ),
    ProblemCode("webhook_no_events", (422,), "webhooks", "Choose at least one event to send."),
    ProblemCode(
        "webhook_endpoint_not_paused",
        (409,),
        "webhooks",
        "The endpoint is not paused: nothing to resume.",
    ),
    ProblemCode(
        "webhook_delivery_in_flight",
        (409,),
        "webhooks",
        "The delivery is still queued: it will be sent without a replay.",
    ),
)

PROBLEM_CODES: dict[str, ProblemCode] = {p.code: p for p in _CODES}


def is_registered(code: str) -> bool:
    return code in PROBLEM_CODES


def markdown_table() -> str:
    """The codes as a Markdown table (the API description and docs/problem-codes.md)."""
    lines = ["| code | HTTP | app | meaning |", "|---|---|---|---|"]
    for p in _CODES:
        statuses = ", ".join(str(s) for s in p.statuses)
        lines.append(f"| `{p.code}` | {statuses} | {p.app} | {p.meaning.replace('|', '/')} |")
    return "\n".join(lines)


def markdown_document() -> str:
    return (
        "# Problem codes\n\n"
        "Every refusal orderdesk answers with (API problem+json `code` and `errors[].code`; the\n"
        "console shows the same codes' messages). Generated from `src/orderdesk/core/problem_codes.py`\n"
        "by `python -m orderdesk.core.problem_codes > docs/problem-codes.md`; a test keeps it in step.\n\n"
        + markdown_table()
        + "\n"
    )


if __name__ == "__main__":
    print(markdown_document(), end="")
