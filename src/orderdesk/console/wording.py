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
