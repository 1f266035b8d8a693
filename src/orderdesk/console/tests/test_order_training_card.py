"""Issue 15, item 13 (SOP 001 §10): the manual-order training card is generated from the rules
the code enforces and the settings in force, like the leads card."""

import pytest

from orderdesk.core.problem_codes import PROBLEM_CODES
from orderdesk.orders import rules
from orderdesk.orders.choices import CreationReason

URL = "/console/orders/training-card/"


@pytest.mark.parametrize("role", ["sales", "cx", "ops", "supervisor", "admin"])
def test_sop001_s10_manual_order_card_is_open_to_every_staff_role(client_for, role):
    html = client_for(role).get(URL).content.decode()
    assert 'data-testid="order-training-card"' in html
    assert f'href="{URL}"' in html  # in the navigation


def test_sop001_s10_card_lists_every_m1_reason_and_the_enforced_checks(client_for):
    html = client_for("sales").get(URL).content.decode()
    for _key, label in CreationReason.choices:
        assert str(label) in html  # a lazy label: English for an English-speaking agent
    for title in ("Serviceability ✔", "Price ✔", "Consent ✔", "Address ✔"):
        assert title in html
    assert "Final price depends on inspection" in html
    assert "Assist customers, not force orders." in html
    # every refusal the card names is a code the product really raises, in words
    for rule in rules.MANUAL_ORDER_RULES:
        for code in rule.codes:
            assert code in PROBLEM_CODES, code


def test_sop001_s10_card_follows_the_m8_threshold_in_force(client_for, settings):
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "AGENT_ERROR_THRESHOLD": 5,
        "AGENT_ERROR_WINDOW_DAYS": 14,
    }
    html = client_for("sales").get(URL).content.decode()
    assert "5 errors in 14 days suspend manual creation" in html
