"""Words, not codes (issue 18): one sentence for every problem code the console shows a person.

The codes stay the API's contract and appear in a tooltip for supervisors and admins; agents
read the sentence. ``console/tests/test_wording.py`` fails when a code the console can show
has no sentence here.
"""

from __future__ import annotations

SENTENCES: dict[str, str] = {
    # Contacting a lead (SOP will-place-order; leads.rules)
    "attempt_limit": "The customer has been called as often as allowed today.",
    "do_not_contact": "The customer asked not to be contacted.",
    "outside_calling_hours": "It is outside calling hours: call back in the calling window.",
    "sales_contact_closed": "This lead is closed for sales: no more sales calls.",
    "followup_limit": "This lead already has its one follow-up for this request.",
    "followup_spent": (
        "The one gentle follow-up on this lead is spent: no more sales calls. The customer can "
        "still call in."
    ),
    "followup_not_due": "The follow-up is not due yet.",
    "followup_needs_permission": "Ask the customer's permission before setting a follow-up.",
    "followup_in_past": "The follow-up time has already passed: choose a later time.",
    "followup_too_late": "A follow-up must be no later than the end of the next day.",
    "followup_not_allowed": "A follow-up is set only after Will Place Order.",
    "notes_required": "Write what the customer said and what happens next.",
    "notes_too_long": "The notes are too long: keep what the customer said and what happens next.",
    "disposition_group_mismatch": "That outcome does not match whether you reached the customer.",
    "disposition_system_only": "Create Order is recorded by the system when the order is placed.",
    "disposition_unknown": "Pick one of the outcomes on the list.",
    "order_not_found_pending": "CX is checking the order the customer mentioned: no order until then.",
    # Orders
    "bad_format": "That is not an order number: it starts with OD and has 8 more characters.",
    "bad_check_character": "That order number has a mistyped character: read it back to the customer.",
    "price_outside_band": "The inspected price is far from the estimate: check it, or give a reason.",
    "price_acceptance_required": "Record the customer's acceptance of the new price first.",
    "vendor_unavailable": "No pickup partner covers this pincode on that day.",
    "no_vendor_available": "No pickup partner covers this pincode on that day.",
    "slot_unavailable": "That pickup slot is full: choose another.",
    "duplicate_open_order": "The customer already has an open order for this device.",
    "agent_restricted": "Manual orders are paused for you until a supervisor restores them.",
    # Manual order gates (M1-M4), as the manual-order training card lists them
    "reason_required": "Choose why you are creating the order for the customer.",
    "reason_not_high_end": "High-end assistance is only for a high-end model: choose the real reason.",
    "pincode_not_serviceable": "We do not pick up at that pincode yet.",
    "device_not_serviceable": "We do not pick up that kind of device at that pincode.",
    "model_not_in_catalog": "That model is not in the catalog.",
    "price_not_confirmed": "Read out the estimate and tick when the customer agrees.",
    "price_confirmation_invalid": "The customer's agreement to the estimate is too old: read it out again.",
    "address_incomplete": "The pickup address needs the house and street, a landmark and the city.",
    "pincode_city_mismatch": "That pincode is in another city: check the address.",
    "payment_invalid": "Check the UPI ID, or the account number and IFSC.",
    "consent_missing": "No consent in the customer's own words: do not create the order.",
    # Customer data (S4)
    "already_erased": "This customer's personal data has already been erased.",
    "erasure_order_open": "The customer has an open order: erase after it is closed.",
    "erasure_payment_records_kept": "Payment records must be kept for now, so erasure has to wait.",
}

#: Roles that also see the code (in a tooltip): they read the API and the SOP references.
SHOW_CODES_TO = frozenset({"supervisor", "admin"})


def sentence(code: str) -> str:
    """The sentence for ``code``; an unknown code reads as a generic sentence, never raw."""
    return SENTENCES.get(code, "The request was refused.")
