"""Audits of agents' work (SPEC §7, M8) as code: the SOP checklists and the sampling weights.

Pure tables and functions, no database writes. Each checklist item cites the SOP clause it
checks; an item that fails and names an ``error_kind`` is recorded against the agent who
created the order (M8, ``orders.actions.record_agent_error``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MO = "manual-order-creation.txt"
WPO = "will-place-order-vs-already-ordered.txt"
OTI = "order-taking-and-customer-interaction.txt"
OTS = "order-taking-and-service-guidelines.txt"


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    text: str
    sop: str  # file and clause, e.g. "manual-order-creation.txt §4 B"
    error_kind: str = ""  # AgentError.Kind recorded against the agent when the item fails


ORDER_CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "consent",
        "The customer said \u201cyes, please place the order\u201d before it was created",
        f"{MO} §3 Golden Rule; §5 Step 6",
        "no_consent",
    ),
    ChecklistItem(
        "pincode",
        "City and pincode are correct and serviceable",
        f"{MO} §4 A; §7",
        "wrong_pincode",
    ),
    ChecklistItem(
        "device",
        "Brand, model and variant are the customer's device",
        f"{MO} §4 B; §5 Step 3; §7",
        "wrong_model",
    ),
    ChecklistItem(
        "condition",
        "Every condition answer matches what the customer described",
        f"{MO} §4 B; §7",
        "wrong_condition",
    ),
    ChecklistItem(
        "price",
        "Inspection-based pricing explained; estimate agreed, nothing over-promised",
        f"{MO} §4 C; §5 Step 4; §7",
        "over_promised_price",
    ),
    ChecklistItem(
        "address",
        "Full address with landmark and a pickup slot",
        f"{MO} §4 D; §5 Step 5; §7",
        "missing_address",
    ),
    ChecklistItem(
        "payment",
        "Payment method (UPI / bank account) confirmed ready",
        f"{MO} §4 E",
    ),
    ChecklistItem(
        "recap",
        "Order summary read back: device, price range, pickup location, payment mode",
        f"{MO} §5 Step 6; {OTS} §4.2",
    ),
    ChecklistItem(
        "next_steps",
        "Order ID shared and next steps explained (vendor, inspection, instant payment)",
        f"{MO} §6; {OTS} §4.5",
    ),
)

CALL_CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "disposition",
        "The disposition matches what the customer said (Will Place Order vs Already Ordered)",
        f"{WPO} §2, §3",
    ),
    ChecklistItem(
        "notes",
        "Mandatory notes written (what the customer will do / confirmed)",
        f"{WPO} §4, §5 Admin Panel Actions; {OTI} §5",
    ),
    ChecklistItem(
        "follow_up",
        "At most one gentle follow-up, with the customer's permission for the time",
        f"{WPO} §4 Follow-Up Rules",
    ),
    ChecklistItem(
        "stop_selling",
        "After Already Ordered: no upsell, no re-creation, no further calls",
        f"{WPO} §5 Stop selling; §6",
    ),
    ChecklistItem(
        "no_pressure",
        "Offered help, did not push manual creation or re-pitch",
        f"{WPO} §4; §6",
    ),
    ChecklistItem(
        "courtesy",
        "Greeted courteously, listened, confirmed details back",
        f"{OTS} §4.1, §4.2; {OTI} §4.3",
    ),
)

CHECKLISTS = {"order": ORDER_CHECKLIST, "call": CALL_CHECKLIST}

# Sampling weights: every order/call can be drawn; new agents and high-value orders more often.
BASE_WEIGHT = 1.0
NEW_AGENT_DAYS = 30  # an agent who joined within this many days is "new"
NEW_AGENT_FACTOR = 3.0
HIGH_VALUE_RUPEES = 40000  # an estimate at or above this is "high value"
HIGH_VALUE_FACTOR = 2.0
HIGH_END_FACTOR = 1.5  # the device model is flagged high-end (SPEC §2)


def sample_weight(
    *, agent_joined: dt.datetime | None, now: dt.datetime, value: int | None, high_end: bool
) -> tuple[float, list[str]]:
    """The weight of one candidate and why (shown on the audit). Weighted random sampling
    without replacement uses these (``kpis.actions.draw_audit_sample``)."""
    weight, reasons = BASE_WEIGHT, []
    if agent_joined is not None and now - agent_joined <= dt.timedelta(days=NEW_AGENT_DAYS):
        weight *= NEW_AGENT_FACTOR
        reasons.append("new agent")
    if value is not None and value >= HIGH_VALUE_RUPEES:
        weight *= HIGH_VALUE_FACTOR
        reasons.append("high value")
    if high_end:
        weight *= HIGH_END_FACTOR
        reasons.append("high-end device")
    return weight, reasons


def audit_score(answers: dict[str, bool], subject: str) -> int:
    """Percent of the checklist passed (every item must be answered)."""
    items = CHECKLISTS[subject]
    passed = sum(1 for item in items if answers.get(item.key))
    return round(100 * passed / len(items))
