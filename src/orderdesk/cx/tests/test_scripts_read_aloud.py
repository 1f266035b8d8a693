# ruff: noqa: F811  (the shared fixtures are imported from test_lifecycle_support and used as arguments)
"""Issue 18: what CX reads aloud is words: the price-dispute script names the condition in the
questionnaire's words (not "screen: scratched"), and a cancelled order's status script does
not say "The pickup slot is not booked yet"."""

from __future__ import annotations

import pytest

from orderdesk.cx.actions import order_status_facts, price_dispute_facts
from orderdesk.orders import lifecycle
from orderdesk.orders.choices import OrderStatus
from orderdesk.orders.tests.conftest import order_request  # noqa: F401  (fixture)
from orderdesk.orders.tests.test_lifecycle_support import drive, new_order  # noqa: F401

pytestmark = pytest.mark.django_db
S = OrderStatus


def test_m9_the_price_dispute_script_reads_the_condition_in_the_questionnaires_words(new_order):
    order = new_order()  # answers {"screen": "scratched", "body": "good"}
    facts = price_dispute_facts(order)
    assert facts["condition"] == "Screen condition? Minor scratches; Body condition? No dents"
    assert "(Screen condition? Minor scratches; Body condition? No dents)" in facts["script"]
    assert "screen:" not in facts["script"] and "scratched," not in facts["script"]


def test_a_cancelled_orders_status_script_does_not_talk_of_booking_a_slot(new_order, cast):
    order = lifecycle.transition(
        new_order(), S.CANCELLED, actor=cast["ops"], reason="customer_request"
    )
    script = order_status_facts(order)["script"]
    assert "not booked yet" not in script and "will be assigned" not in script
    assert script == (
        f"Your order {order.display_number} is cancelled. There will be no pickup. "
        "I am sending you these details by message now."
    )


def test_an_open_orders_status_script_still_names_the_slot(new_order):
    order = new_order()
    script = order_status_facts(order)["script"]
    assert f"Pickup: {order.slot.date:%d %b %Y}, {order.slot.window}." in script
    assert "A pickup partner will be assigned." in script and "  " not in script


def test_m9_the_price_dispute_script_is_hindi_for_a_hindi_speaking_customer(new_order):
    """Issue 18: the script follows the customer's language; amounts and the condition stay."""
    from orderdesk.cx import rules

    order = new_order()
    facts = price_dispute_facts(order, language="hi")
    assert facts["script_language"] == "hi"
    assert facts["script"].startswith("ऑर्डर करते समय आपने जो कीमत देखी थी")
    assert "(Screen condition? Minor scratches; Body condition? No dents)" in facts["script"]
    assert "₹" in facts["script"] and "If you do not want" not in facts["script"]
    english = price_dispute_facts(order)  # the API passes no language: English
    assert english["script_language"] == "en" and "If you do not want" in english["script"]
    assert rules.say_for("apologise", "hi").startswith("{name} जी")
    assert rules.say_for("apologise", "ta") == rules.SCRIPTS["apologise"].say
    assert set(rules.SAY_HI) == set(rules.SCRIPTS)
