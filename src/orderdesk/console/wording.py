"""Words, not codes (issue 18): one sentence for every problem code the console shows a person.

The codes stay the API's contract and appear in a tooltip for supervisors and admins; agents
read the sentence. ``console/tests/test_wording.py`` fails when a code the console can show
has no sentence here.

The sentences are marked (``gettext_noop``) and translated where shown, so a Hindi-speaking
agent reads them in Hindi (issue 18); the codes and the API's messages stay English.
"""

from __future__ import annotations

from django.utils.translation import get_language, gettext, gettext_noop

SENTENCES: dict[str, str] = {
    # Contacting a lead (SOP will-place-order; leads.rules)
    "attempt_limit": gettext_noop("The customer has been called as often as allowed today."),
    "do_not_contact": gettext_noop("The customer asked not to be contacted."),
    "outside_calling_hours": gettext_noop(
        "It is outside calling hours: call back in the calling window."
    ),
    "sales_contact_closed": gettext_noop("This lead is closed for sales: no more sales calls."),
    "followup_limit": gettext_noop("This lead already has its one follow-up for this request."),
    "followup_spent": gettext_noop(
        "The one gentle follow-up on this lead is spent: no more sales calls. The customer can "
        "still call in."
    ),
    "followup_not_due": gettext_noop("The follow-up is not due yet."),
    "followup_needs_permission": gettext_noop(
        "Ask the customer's permission before setting a follow-up."
    ),
    "followup_in_past": gettext_noop("The follow-up time has already passed: choose a later time."),
    "followup_too_late": gettext_noop("A follow-up must be no later than the end of the next day."),
    "followup_not_allowed": gettext_noop("A follow-up is set only after Will Place Order."),
    "notes_required": gettext_noop("Write what the customer said and what happens next."),
    "notes_too_long": gettext_noop(
        "The notes are too long: keep what the customer said and what happens next."
    ),
    "disposition_group_mismatch": gettext_noop(
        "That outcome does not match whether you reached the customer."
    ),
    "disposition_system_only": gettext_noop(
        "Create Order is recorded by the system when the order is placed."
    ),
    "disposition_unknown": gettext_noop("Pick one of the outcomes on the list."),
    "order_not_found_pending": gettext_noop(
        "CX is checking the order the customer mentioned: no order until then."
    ),
    # Orders
    "bad_format": gettext_noop(
        "That is not an order number: it starts with OD and has 8 more characters."
    ),
    "bad_check_character": gettext_noop(
        "That order number has a mistyped character: read it back to the customer."
    ),
    "price_outside_band": gettext_noop(
        "The inspected price is far from the estimate: check it, or give a reason."
    ),
    "price_acceptance_required": gettext_noop(
        "Record the customer's acceptance of the new price first."
    ),
    "vendor_unavailable": gettext_noop("No pickup partner covers this pincode on that day."),
    "no_vendor_available": gettext_noop("No pickup partner covers this pincode on that day."),
    "slot_unavailable": gettext_noop("That pickup slot is full: choose another."),
    "duplicate_open_order": gettext_noop("The customer already has an open order for this device."),
    "agent_restricted": gettext_noop(
        "Manual orders are paused for you until a supervisor restores them."
    ),
    # Manual order gates (M1-M4), as the manual-order training card lists them
    "reason_required": gettext_noop("Choose why you are creating the order for the customer."),
    "reason_not_high_end": gettext_noop(
        "High-end assistance is only for a high-end model: choose the real reason."
    ),
    "pincode_not_serviceable": gettext_noop("We do not pick up at that pincode yet."),
    "device_not_serviceable": gettext_noop(
        "We do not pick up that kind of device at that pincode."
    ),
    "model_not_in_catalog": gettext_noop("That model is not in the catalog."),
    "price_not_confirmed": gettext_noop("Read out the estimate and tick when the customer agrees."),
    "price_confirmation_invalid": gettext_noop(
        "The customer's agreement to the estimate is too old: read it out again."
    ),
    "address_incomplete": gettext_noop(
        "The pickup address needs the house and street, a landmark and the city."
    ),
    "pincode_city_mismatch": gettext_noop("That pincode is in another city: check the address."),
    "payment_invalid": gettext_noop("Check the UPI ID, or the account number and IFSC."),
    "consent_missing": gettext_noop(
        "No consent in the customer's own words: do not create the order."
    ),
    # Customer data (S4)
    "already_erased": gettext_noop("This customer's personal data has already been erased."),
    "erasure_order_open": gettext_noop("The customer has an open order: erase after it is closed."),
    "erasure_payment_records_kept": gettext_noop(
        "Payment records must be kept for now, so erasure has to wait."
    ),
    # CX ticket steps (C1-C3), as the ticket page's forms refuse them
    "text_required": gettext_noop("Write what happened: the step needs its text."),
    "outcome_not_allowed": gettext_noop("That outcome does not apply to this ticket."),
    "order_required": gettext_noop("Give the order number this ticket is about."),
    "order_customer_mismatch": gettext_noop("That order belongs to another customer."),
    "ticket_not_waiting": gettext_noop("This ticket is not waiting on the customer."),
    "ticket_not_resolved": gettext_noop("Only a resolved ticket can be reopened."),
    "ticket_not_active": gettext_noop("This ticket is resolved or closed: reopen it first."),
    "escalation_reason_required": gettext_noop("Say why you cannot resolve it before escalating."),
    "already_escalated": gettext_noop("This ticket has already been escalated."),
    "follow_up_not_due": gettext_noop("No follow-up is owed on this ticket."),
    # Every other code the console can show (issue 18, the last gap): one sentence each, so a
    # Hindi-speaking agent never reads an English refusal. Grouped by the registry's app.
    "conflict": gettext_noop(
        "This record changed in a way that blocks this: reload the page and check."
    ),
    "state_changed": gettext_noop(
        "Someone changed this record while you worked: reload and try again."
    ),
    "date_invalid": gettext_noop("That is not a date: enter it as year-month-day."),
    "date_range": gettext_noop("The end date is before the start date: fix the dates."),
    "forbidden": gettext_noop("Your role cannot do this: ask a supervisor."),
    "invalid": gettext_noop("Some details are not valid: check the highlighted fields."),
    "not_found": gettext_noop("That record was not found, or you cannot see it."),
    "phone_invalid": gettext_noop(
        "That is not a valid phone number: a mobile has 10 digits starting 6 to 9."
    ),
    "rate_limited": gettext_noop("Too many requests in a short time: wait a moment and try again."),
    "invalid_credentials": gettext_noop("Wrong username or password."),
    "too_many_attempts": gettext_noop(
        "Too many failed sign-ins: wait a while before trying again."
    ),
    "role_invalid": gettext_noop("That role does not exist: choose one from the list."),
    "language_invalid": gettext_noop(
        "That console language is not offered: choose one from the list."
    ),
    "two_factor_invalid": gettext_noop(
        "The authenticator code is wrong or expired: enter the current one."
    ),
    "username_taken": gettext_noop("That username is taken: choose another."),
    "unknown_field": gettext_noop("That preference does not exist."),
    "condition_incomplete": gettext_noop("Answer every condition question about the device first."),
    "device_type_unknown": gettext_noop("That kind of device is not in the catalog."),
    "option_invalid": gettext_noop("That is not one of the answers: choose one from the list."),
    "question_unknown": gettext_noop("That question does not apply to this device."),
    "dedupe_key_reused": gettext_noop(
        "This message was already sent for another customer or purpose."
    ),
    "message_not_failed": gettext_noop("Only a failed message can be sent again."),
    "no_email_address": gettext_noop(
        "The customer has no e-mail address: ask for one or use another channel."
    ),
    "no_phone_number": gettext_noop("The customer has no phone number on record."),
    "template_bad_placeholder": gettext_noop("The message template is broken: tell a supervisor."),
    "template_missing": gettext_noop("There is no template for this message: tell a supervisor."),
    "template_unknown_variable": gettext_noop(
        "The message template uses a detail it cannot fill: tell a supervisor."
    ),
    "template_variable_missing": gettext_noop(
        "The message is missing a detail it needs: tell a supervisor."
    ),
    "unknown_channel": gettext_noop("That is not a message channel: choose one from the list."),
    "unknown_message_kind": gettext_noop("There is no such kind of message."),
    "whatsapp_not_opted_in": gettext_noop(
        "The customer has not agreed to WhatsApp messages: use SMS or a call."
    ),
    "unknown_consent_source": gettext_noop("That is not a recognised source of consent."),
    "whatsapp_unknown_number": gettext_noop(
        "This number is not a customer yet: start a lead or a ticket first."
    ),
    "whatsapp_window_closed": gettext_noop(
        "More than 24 hours since the customer's last WhatsApp: send an approved template."
    ),
    "whatsapp_opted_out": gettext_noop("The customer opted out of WhatsApp: use SMS or a call."),
    "inbound_call_required": gettext_noop(
        "This is another agent's lead: you can open it only while the customer is on your call."
    ),
    "pickup_not_confirmable": gettext_noop(
        "That pickup is not one of this customer's open orders."
    ),
    "channel_unknown": gettext_noop("That is not a contact channel: choose one from the list."),
    "direction_unknown": gettext_noop("Say whether the call was outgoing or incoming."),
    "file_empty": gettext_noop("The file is empty."),
    "file_format": gettext_noop("Upload a .csv or .xlsx spreadsheet."),
    "file_too_large": gettext_noop("The file is too large: split it into smaller files."),
    "lead_closed_for_sales": gettext_noop("This lead is closed for sales: no more sales calls."),
    "lead_not_blocked": gettext_noop("This lead has no order-not-found case waiting."),
    "lead_transition_invalid": gettext_noop(
        "The lead cannot move to that status from where it is."
    ),
    "not_lead_owner": gettext_noop(
        "This lead belongs to another agent: work your own and unowned leads."
    ),
    "source_unknown": gettext_noop("That is not a lead source: choose one from the list."),
    "call_not_seen_by_provider": gettext_noop(
        "Log a connected call from the call panel, not by hand."
    ),
    "handover_type": gettext_noop(
        "Sales hands over only a complaint, an order not found or a price dispute."
    ),
    "ticket_already_open": gettext_noop(
        "An order-not-found case is already open with CX for this lead."
    ),
    "act_required": gettext_noop("Act before resolving: write what was done."),
    "action_kind_unknown": gettext_noop("That is not a ticket step: choose one from the list."),
    "apology_required": gettext_noop("Apologise to the customer before acting."),
    "assignee_not_cx": gettext_noop("Tickets are assigned only to CX agents."),
    "illegal_ticket_transition": gettext_noop(
        "The ticket cannot move to that status from where it is."
    ),
    "listen_first": gettext_noop("Listen first: write what the customer said."),
    "outcome_unknown": gettext_noop("That is not an outcome: choose one from the list."),
    "priority_unknown": gettext_noop("That is not a priority: choose one from the list."),
    "reply_code_exhausted": gettext_noop("Could not create the survey code: try again."),
    "ticket_not_open": gettext_noop("That ticket is not an open order-not-found case."),
    "ticket_type_unknown": gettext_noop("That is not a ticket type: choose one from the list."),
    "acceptance_not_needed": gettext_noop(
        "The inspected price equals the estimate: nothing to accept."
    ),
    "action_not_allowed": gettext_noop("The order's status does not allow this now."),
    "already_accepted": gettext_noop("The customer's acceptance is already recorded."),
    "amendment_closed": gettext_noop("The order is too far along to change this detail."),
    "device_type_changed": gettext_noop(
        "A different kind of device needs a new order: cancel this one and create another."
    ),
    "duplicate_of_invalid": gettext_noop("That is not another order of this customer."),
    "error_kind_unknown": gettext_noop("That is not an error kind: choose one from the list."),
    "illegal_transition": gettext_noop("The order cannot move to that status from where it is."),
    "input_not_allowed": gettext_noop("This step does not take that detail."),
    "lead_customer_mismatch": gettext_noop("That lead belongs to another customer."),
    "lead_unknown": gettext_noop("That lead does not exist."),
    "not_an_agent_order": gettext_noop("Only an agent's manual order can carry an agent error."),
    "not_your_order": gettext_noop("This order is not assigned to your pickup partner."),
    "number_allocation_failed": gettext_noop("Could not give the order a number: try again."),
    "pincode_invalid": gettext_noop("That is not a pincode: it has 6 digits."),
    "price_invalid": gettext_noop("The price must be a whole number of rupees above zero."),
    "quote_expired": gettext_noop("That quote has expired: get a new estimate."),
    "quote_unknown": gettext_noop("That quote does not exist."),
    "reason_not_allowed_for_role": gettext_noop("Your role cannot give that reason for this step."),
    "reason_unknown": gettext_noop("That reason is not on the list for this step."),
    "reference_invalid": gettext_noop("The payment reference is missing or wrong."),
    "required": gettext_noop("A required field is empty: fill it in."),
    "slot_city_mismatch": gettext_noop(
        "That pickup slot is in another city: cancel and re-order to move the pickup."
    ),
    "slot_unchanged": gettext_noop("The order is already booked in that slot."),
    "status_unknown": gettext_noop("That is not an order status."),
    "vendor_not_covering": gettext_noop("That pickup partner does not cover this pincode."),
    "vendor_unchanged": gettext_noop("That is already this order's pickup partner."),
    "quantity_invalid": gettext_noop("The number of devices on a line must be from 1 to 5."),
    "too_many_items": gettext_noop("One pickup takes at most 10 device lines."),
    "items_required": gettext_noop("The order has several devices: record each one's outcome."),
    "items_invalid": gettext_noop("The device outcomes are not filled in correctly."),
    "item_unknown": gettext_noop("That device is not on this order."),
    "item_repeated": gettext_noop("A device's outcome was given twice."),
    "outcome_invalid": gettext_noop("A device is either accepted or returned."),
    "all_items_returned": gettext_noop("Every device is returned: cancel the order instead."),
    "order_closed": gettext_noop("The order is closed: it does not block a new order."),
    "override_exists": gettext_noop(
        "A supervisor's override for this customer and device is already waiting."
    ),
    "final_price_mismatch": gettext_noop(
        "The final price is not the sum of the accepted devices' prices."
    ),
    "audit_scored": gettext_noop("This audit is already scored."),
    "checklist_incomplete": gettext_noop("Answer every item on the checklist."),
    "not_a_date": gettext_noop("That is not a date: enter it as year-month-day."),
    "not_an_integer": gettext_noop("Enter a whole number."),
    "nothing_to_sample": gettext_noop("Nothing to audit in those dates."),
    "range_reversed": gettext_noop("The start date is after the end date: fix the dates."),
    "range_too_long": gettext_noop("The date range is too long: choose fewer days."),
    "sample_size_invalid": gettext_noop("The number to draw is outside the allowed range."),
    "unknown_agent": gettext_noop("No staff member matches that choice."),
    "unknown_audit": gettext_noop("That audit does not exist."),
    "unknown_subject": gettext_noop("That is not something that can be audited."),
    "unknown_team": gettext_noop("That team does not exist."),
    "order_not_found": gettext_noop("There is no such order: check the order number."),
    "ticket_unknown": gettext_noop("That ticket does not exist."),
    "too_large": gettext_noop("The number is above the maximum."),
    "too_long": gettext_noop("The text is too long: shorten it."),
    "too_short": gettext_noop("The text is too short."),
    "too_small": gettext_noop("The number is below the minimum."),
    "connected_required": gettext_noop("Say whether you reached the customer."),
    "not_working_customer": gettext_noop(
        "You can see the full number only while working this customer's lead, ticket or order."
    ),
    "agent_phone_missing": gettext_noop(
        "No desk phone is set for you: ask an admin to set it before you dial."
    ),
    "telephony_off": gettext_noop("Telephony is off: dial by hand and log the contact."),
    "call_in_progress": gettext_noop("You are already on a call: finish and log it first."),
    "provider_rate_limited": gettext_noop(
        "The phone system is busy this minute: try again shortly."
    ),
    "presence_invalid": gettext_noop("You cannot set that status yourself."),
    "call_mismatch": gettext_noop("This call is not yours or not about this record."),
    "call_already_logged": gettext_noop("This call is already logged."),
    "call_not_answered": gettext_noop("The call was not answered: log it as not connected."),
    "recording_not_found": gettext_noop(
        "No such recording: it was never made or has been deleted."
    ),
    "call_not_found": gettext_noop("No such call, or not one of yours."),
    "webhook_url_scheme": gettext_noop("Only http:// and https:// addresses can receive webhooks."),
    "webhook_url_private": gettext_noop(
        "That address is private or internal: use a public address."
    ),
    "webhook_url_invalid": gettext_noop("That web address is not valid: check it."),
    "webhook_unknown_event": gettext_noop("One of the chosen events is not one orderdesk sends."),
    "webhook_no_events": gettext_noop("Choose at least one event to send."),
    "webhook_endpoint_not_paused": gettext_noop("The endpoint is not paused: nothing to resume."),
    "webhook_delivery_in_flight": gettext_noop(
        "The delivery is still queued: it will be sent without a replay."
    ),
}

#: Roles that also see the code (in a tooltip): they read the API and the SOP references.
SHOW_CODES_TO = frozenset({"supervisor", "admin"})


REFUSED = gettext_noop("The request was refused.")


def sentence(code: str) -> str:
    """The sentence for ``code`` in the active language; an unknown code reads as a generic
    sentence, never raw."""
    return gettext(SENTENCES.get(code, REFUSED))


def said(error) -> str:
    """What the console shows for a refusal (a ``DomainError`` or one of its ``errors``).

    An English-speaking agent reads the domain's own message (it names the specifics: the
    time, the order, the limit). Any other language reads the code's sentence, translated;
    a code without a sentence keeps the English message rather than a vaguer generic one.
    """
    code = getattr(error, "code", "")
    if (get_language() or "en").startswith("en") or code not in SENTENCES:
        return error.message
    return gettext(SENTENCES[code])
